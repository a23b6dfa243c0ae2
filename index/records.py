"""The records the index stores and returns: documents, chunks (passages) and sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

PRINTED_FIELDS = ("printed_first", "printed_last", "printed_offset")
DOCUMENT_FIELDS = ("title", "council", "council_inferred", "committee", "date", "author", *PRINTED_FIELDS)


@dataclass(frozen=True)
class PrintedPages:
    """Where a paper's printed page numbers differ from its sheet numbers by one offset: sheets first to last print
    their sheet number plus offset (an agenda pack's page 47 on an item's third sheet)."""

    first: int
    last: int
    offset: int

    def printed(self, sheet: int | None) -> int | None:
        """The number printed on a sheet, where the paper prints one that differs from the sheet number."""
        return sheet + self.offset if sheet is not None and self.first <= sheet <= self.last else None

    def as_metadata(self) -> dict[str, int]:
        return dict(zip(PRINTED_FIELDS, (self.first, self.last, self.offset)))

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> "PrintedPages | None":
        if not all(isinstance(meta.get(key), int) for key in PRINTED_FIELDS):
            return None
        return cls(*(int(meta[key]) for key in PRINTED_FIELDS))


@dataclass
class DocumentRecord:
    """One ingested file; written last, it marks its chunks as complete and current."""

    source: str
    content_hash: str
    reading: str  # the version of the reading code that made its passages (ingest.pipeline.reading_version)
    ingest_id: str
    text: str
    format: str
    pages: int
    chunks: int
    ingested_at: str
    path: str
    metadata: dict[str, str | int | bool] = field(default_factory=dict)

    def as_chroma_metadata(self) -> dict[str, str | int | bool]:
        base = {
            "source": self.source, "content_hash": self.content_hash, "reading": self.reading, "ingest_id": self.ingest_id,
            "format": self.format, "pages": self.pages, "chunks": self.chunks,
            "ingested_at": self.ingested_at, "path": self.path,
        }
        return {**self.metadata, **base}


@dataclass
class StoredSentence:
    """A quotable sentence of a chunk with its embedding."""

    chunk_id: str
    start: int
    end: int
    section: str | None
    page: int | None
    column: str | None
    vector: np.ndarray

    @classmethod
    def from_chroma(cls, meta: Mapping[str, Any], vector: Any) -> "StoredSentence":
        """From a sentence row's metadata as the store writes it (Chroma's, or a vector file's)."""
        return cls(meta["chunk_id"], int(meta["start"]), int(meta["end"]), meta.get("section") or None,
                   int(meta["page"]) if meta.get("page") else None, meta.get("column") or None,
                   np.asarray(vector, dtype=np.float32))

    def place(self) -> dict[str, Any]:
        """The sentence row's metadata that `from_chroma` reads back, without the fields it does not have."""
        row = {"chunk_id": self.chunk_id, "start": self.start, "end": self.end, "section": self.section,
               "page": self.page, "column": self.column}
        return {key: value for key, value in row.items() if value is not None}


@dataclass
class StoredChunk:
    """A passage as stored: its verbatim text and where it sits in its source."""

    id: str
    source: str
    text: str
    search_text: str
    kind: str
    start: int
    end: int
    section: str | None
    heading: str | None
    page: int | None
    document: dict[str, str | int | bool] = field(default_factory=dict)
    item: str | None = None  # who asked whom, or the minute, in a questions-and-answers pack or minutes

    @classmethod
    def from_chroma(cls, chunk_id: str, text: str, meta: dict) -> "StoredChunk":
        return cls(
            id=chunk_id, source=meta["source"], text=text, search_text=meta.get("search_text", text),
            kind=meta.get("kind", "paragraph"), start=int(meta["start"]), end=int(meta["end"]),
            section=meta.get("section") or None, heading=meta.get("heading") or None,
            page=int(meta["page"]) if meta.get("page") else None,
            document={key: meta[key] for key in DOCUMENT_FIELDS if key in meta}, item=meta.get("item") or None,
        )
