"""The acronyms a paper defines ("Public Works Loan Board (PWLB)"), found by the Schwartz-Hearst algorithm and
kept with the paper, so a question may use either form."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Iterable, Mapping

from abbreviations import schwartz_hearst

ACRONYMS_FIELD = "acronyms"  # on the document record: a JSON object, acronym -> definition
# "PWLB", "KPIs", "B&NES", "CiC": at least two capitals, no spaces
ACRONYM = re.compile(r"[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*")
MAX_DEFINITION_WORDS = 10


def _plausible(acronym: str, definition: str) -> bool:
    """Drops what the algorithm pairs wrongly: a lower-case word in brackets, a definition across a sentence end."""
    words = definition.split()
    return (ACRONYM.fullmatch(acronym) is not None and 2 <= len(words) <= MAX_DEFINITION_WORDS
            and ". " not in definition and words[0][0].lower() == acronym[0].lower())


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronym -> the definition the text gives it, e.g. {"PWLB": "Public Works Loan Board"}."""
    pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text)
    return {acronym: " ".join(definition.split()) for acronym, definition in pairs.items()
            if _plausible(acronym, " ".join(definition.split()))}


def acronym_metadata(text: str) -> dict[str, str]:
    """The document record's field holding its definitions, or nothing when it defines none."""
    defined = defined_acronyms(text)
    return {ACRONYMS_FIELD: json.dumps(defined, sort_keys=True)} if defined else {}


def library_acronyms(documents: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Every acronym the library's papers define, each with the definition most papers give it."""
    definitions: dict[str, Counter[str]] = {}
    for document in documents:
        try:
            defined = json.loads(document.get(ACRONYMS_FIELD) or "{}")
        except json.JSONDecodeError:
            continue
        for acronym, definition in defined.items():
            definitions.setdefault(acronym, Counter())[definition] += 1
    return {acronym: counts.most_common(1)[0][0] for acronym, counts in definitions.items()}
