"""Reads plain text, tolerating a byte-order mark and legacy Windows encodings."""

from __future__ import annotations

from pathlib import Path

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.readers.base import NO_LIMITS, ReadLimits


def decode_with_encoding(raw: bytes) -> tuple[str, str]:
    """UTF-8 first (with or without BOM); cp1252 is what older council systems export; latin-1 never fails."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def decode_text(raw: bytes) -> str:
    return decode_with_encoding(raw)[0]


def read_text(path: Path, limits: ReadLimits = NO_LIMITS) -> tuple[str, tuple[str, ...]]:
    """The file's text with Unix line ends, and notes for the user (a legacy encoding); IngestError for a binary or
    empty file."""
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise IngestError("looks like a binary file, not text; export it as .txt, .pdf or .docx")
    decoded, encoding = decode_with_encoding(raw)
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    limits.check(len(text))
    if not text.strip():
        raise IngestError("the file is empty; nothing to ingest")
    notes = () if encoding == "utf-8-sig" else (
        f"not UTF-8, read as {encoding}; check symbols such as \u00a3 and quotes, or save it as UTF-8",)
    return text, notes


class TextReader:
    """Plain text keeps its characters exactly, so quotes stay verbatim."""

    suffixes = frozenset({".txt", ".text"})

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument:
        text, notes = read_text(path, limits)
        return LoadedDocument(source=path.name, text=text, format=path.suffix.lower().lstrip("."), notes=notes)
