"""One reader per file format, chosen by file extension."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError
from ingest.readers.base import Reader
from ingest.readers.docx import DocxReader
from ingest.readers.html import HtmlReader
from ingest.readers.markdown import MarkdownReader
from ingest.readers.pdf import PdfReader
from ingest.readers.text import TextReader

READERS: tuple[Reader, ...] = (TextReader(), MarkdownReader(), PdfReader(), DocxReader(), HtmlReader())


def supported_suffixes() -> set[str]:
    return {suffix for reader in READERS for suffix in reader.suffixes}


def reader_for(path: Path) -> Reader:
    """The reader for this file's extension, or an IngestError saying which types are supported."""
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    supported = ", ".join(sorted(supported_suffixes()))
    raise IngestError(f"unsupported file type '{suffix or 'none'}'; convert it to one of: {supported}")
