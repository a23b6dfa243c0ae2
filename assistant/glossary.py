"""The sector's acronyms (LAC, CAMHS, PEP...): explain them under answers, and read what "how many KPIs" counts."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

GLOSSARY_CSV = Path(__file__).parent / "data" / "glossary.csv"
TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9]{1,5}s?\b")


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """Acronym (as written) -> meaning."""
    with GLOSSARY_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["acronym"]: row["meaning"] for row in csv.DictReader(handle)}


def meaning(acronym: str) -> str | None:
    """The acronym's meaning; a plural ("KPIs") takes its singular's meaning, plural too."""
    if acronym in glossary():
        return glossary()[acronym]
    singular = acronym[:-1] if acronym.endswith("s") else ""
    return f"{glossary()[singular]}s" if singular in glossary() else None


def acronyms_in(text: str) -> list[str]:
    """Acronyms of the glossary written in text, in order of first use; case must match ("PEP", not "pep")."""
    found = [token for token in TOKEN.findall(text) if meaning(token)]
    return list(dict.fromkeys(found))


def expand_query(question: str) -> str:
    """The question with each acronym's meaning added, so "LAC" also finds "looked after children"."""
    return " ".join([question, *(meaning(acronym) or "" for acronym in acronyms_in(question))])


def explain(answer: str) -> str:
    """A line explaining the acronyms an answer uses, or "" when it uses none."""
    return "; ".join(f"{acronym}: {meaning(acronym)}" for acronym in acronyms_in(answer))
