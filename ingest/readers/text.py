"""Reads plain text and Markdown, tolerating a byte-order mark and legacy Windows encodings."""

from __future__ import annotations

from pathlib import Path

from ingest.document import LoadedDocument
from ingest.errors import IngestError


def decode_text(raw: bytes) -> str:
    """UTF-8 first (with or without BOM); cp1252 is what older council systems export."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


class TextReader:
    """Plain text and Markdown keep their characters exactly, so quotes stay verbatim."""

    suffixes = frozenset({".txt", ".md", ".markdown", ".text"})

    def read(self, path: Path) -> LoadedDocument:
        raw = path.read_bytes()
        if b"\x00" in raw[:4096]:
            raise IngestError("looks like a binary file, not text; export it as .txt, .pdf or .docx")
        text = decode_text(raw).replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise IngestError("the file is empty; nothing to ingest")
        return LoadedDocument(source=path.name, text=text, format=path.suffix.lower().lstrip("."))
