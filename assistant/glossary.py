"""Acronyms: the sector's (LAC, CAMHS, PEP...), expanded in searches, and those the library's papers define too,
recognised in either form by the names check and explained under answers."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Mapping

GLOSSARY_CSV = Path(__file__).parent / "data" / "glossary.csv"
TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9&]{1,7}s?\b")
NO_DEFINITIONS: Mapping[str, str] = {}


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """Acronym (as written) -> meaning."""
    with GLOSSARY_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["acronym"]: row["meaning"] for row in csv.DictReader(handle)}


def meaning(acronym: str, defined: Mapping[str, str] = NO_DEFINITIONS) -> str | None:
    """The acronym's meaning, from the glossary or else the papers' definitions; a plural ("KPIs") takes its
    singular's meaning, plural too."""
    known = {**defined, **glossary()}
    if acronym in known:
        return known[acronym]
    singular = acronym[:-1] if acronym.endswith("s") else ""
    return f"{known[singular]}s" if singular in known else None


def acronyms_in(text: str, defined: Mapping[str, str] = NO_DEFINITIONS) -> list[str]:
    """Known acronyms written in text, in order of first use; case must match ("PEP", not "pep")."""
    found = [token for token in TOKEN.findall(text) if meaning(token, defined)]
    return list(dict.fromkeys(found))


def expand_query(question: str) -> str:
    """The question with each glossary acronym's meaning added, so "LAC" also finds "looked after children"."""
    return " ".join([question, *(meaning(acronym) or "" for acronym in acronyms_in(question))])


def explain(answer: str, defined: Mapping[str, str] = NO_DEFINITIONS) -> str:
    """A line explaining the acronyms an answer uses, or "" when it uses none."""
    return "; ".join(f"{acronym}: {meaning(acronym, defined)}" for acronym in acronyms_in(answer, defined))
