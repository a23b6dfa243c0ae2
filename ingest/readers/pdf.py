"""Reads PDFs page by page with pypdf, keeping where each page starts in the text."""

from __future__ import annotations

import logging
from pathlib import Path

import pypdf
from pypdf.errors import PdfReadError

from ingest.document import LoadedDocument
from ingest.errors import IngestError

PAGE_SEPARATOR = "\n\n"


def _open(path: Path) -> pypdf.PdfReader:
    if not path.read_bytes()[:1024].lstrip().startswith(b"%PDF"):
        raise IngestError("is not a PDF (no %PDF header); check the file or give it its real extension")
    try:
        reader = pypdf.PdfReader(path)
    except (PdfReadError, OSError, ValueError) as error:
        raise IngestError(f"the PDF is damaged or truncated ({error}); download or export it again") from None
    if reader.is_encrypted and not _unlocks_without_password(reader):
        raise IngestError("the PDF is password-protected; save an unprotected copy and ingest that")
    return reader


def _unlocks_without_password(reader: pypdf.PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported encryption
        return False


class PdfReader:
    """Extracts each page's text layer; a PDF with no text layer is refused, not indexed empty."""

    suffixes = frozenset({".pdf"})

    def read(self, path: Path) -> LoadedDocument:
        reader = _open(path)
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        pages: list[str] = []
        try:
            for page in reader.pages:
                pages.append((page.extract_text() or "").replace("\r\n", "\n").strip("\n"))
        except Exception as error:  # noqa: BLE001 - damaged content streams raise many types
            raise IngestError(f"the PDF is damaged ({type(error).__name__}); export it again") from None
        if not pages:
            raise IngestError("the PDF has no pages")
        if not any(page.strip() for page in pages):
            raise IngestError("the PDF has no text layer (scanned images?); run OCR on it and ingest the result")
        starts, offset = [], 0
        for page in pages:
            starts.append(offset)
            offset += len(page) + len(PAGE_SEPARATOR)
        return LoadedDocument(
            source=path.name, text=PAGE_SEPARATOR.join(pages), format="pdf", page_starts=tuple(starts)
        )
