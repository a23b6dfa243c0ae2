"""Metadata filters (councils, documents, years); the store translates them for Chroma, the keyword index applies
them to its documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from index.records import StoredChunk


@dataclass(frozen=True)
class SearchFilter:
    """Empty fields mean no restriction."""

    councils: tuple[str, ...] = field(default=())
    sources: tuple[str, ...] = field(default=())
    year_from: int | None = None
    year_to: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.councils or self.sources or self.year_from or self.year_to)

    def matches(self, chunk: StoredChunk) -> bool:
        return self.matches_document(chunk.document, chunk.source)

    def matches_document(self, document: Mapping[str, Any], source: str) -> bool:
        """The same test as the Chroma where-clause, for a document's metadata held in memory."""
        if self.councils and document.get("council") not in self.councils:
            return False
        if self.sources and source not in self.sources:
            return False
        year = _year(document)
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        return not (self.year_to is not None and (year is None or year > self.year_to))


def _year(document: Mapping[str, Any]) -> int | None:
    date = str(document.get("date") or "")[:4]
    return int(date) if date.isdigit() else None
