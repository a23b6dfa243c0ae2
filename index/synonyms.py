"""Word groups that council papers use interchangeably ("spend", "expenditure"), matched by their stems."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SYNONYMS_TXT = Path(__file__).parent / "data" / "synonyms.txt"


@lru_cache(maxsize=1)
def _groups() -> dict[str, frozenset[str]]:
    """Stem -> the stems of the other words of its groups; a phrase ("foster household") stands for its head word."""
    from index.lexical import content_terms  # imported here because the lexical index expands its searches with these

    related: dict[str, set[str]] = {}
    for line in SYNONYMS_TXT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            stems = {stem for phrase in line.split(",") for stem in content_terms(phrase.split()[-1])}
            for stem in stems:
                related.setdefault(stem, set()).update(stems - {stem})
    return {stem: frozenset(others) for stem, others in related.items()}


def with_synonyms(terms: frozenset[str]) -> frozenset[str]:
    """The terms and every stem that means the same as one of them."""
    groups = _groups()
    return terms.union(*(groups.get(term, frozenset()) for term in terms))
