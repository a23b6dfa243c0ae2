"""Reads Word .docx files: heading styles become Markdown headings, list numbering is kept, tables become tab rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.readers.base import NO_LIMITS, ReadLimits
from ingest.readers.tables import TableText, join_blocks, table_text

HEADING_STYLE = re.compile(r"^(?:Heading|Title)\s*(\d?)$", re.IGNORECASE)
# Word's XML around each character of text: about 5-15 bytes in real papers (styles, revision ids, tables).
# Markup beyond this per allowed character of text is refused before python-docx parses it (~20x its size in memory).
MAX_MARKUP_BYTES_PER_CHAR = 8
# Real Word XML deflates 5-30 times; far more means a few repeated bytes blown up (e.g. millions of empty runs).
MAX_EXPANSION_RATIO = 200
MIN_CHECKED_MARKUP_BYTES = 4 * 2**20
XML_PARTS = (".xml", ".rels")
# python-docx spends ~150 us on each run it turns into text; a body of many elements around little text (empty
# runs, empty cells) is refused after the fast C parse instead. Real papers have well under one element a character.
MIN_CHECKED_ELEMENTS = 200_000
MAX_ELEMENTS_PER_CHAR = 10
CHECK_EVERY_RUNS = 1000


def _size(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 1024:,.0f} KB"


def _check_expansion(path: Path, limits: ReadLimits) -> None:
    """Refuses, from the zip's directory alone and before anything is unpacked, Word XML that expands too far.

    zipfile never unpacks more than a member's declared size (a false size fails its CRC check), so the
    declared sizes bound what python-docx can be made to parse."""
    with zipfile.ZipFile(path) as archive:
        parts = [info for info in archive.infolist() if info.filename.lower().endswith(XML_PARTS)]
    markup = sum(info.file_size for info in parts)
    packed = sum(info.compress_size for info in parts) or 1
    if markup > MIN_CHECKED_MARKUP_BYTES and markup / packed > MAX_EXPANSION_RATIO:
        raise IngestError(f"the Word file expands from {_size(packed)} to {_size(markup)} of markup "
                          f"({markup // packed:,} times), as no real document does; open it in Word and save a clean copy")
    if limits.max_text_chars is not None and markup > max(MIN_CHECKED_MARKUP_BYTES,
                                                          limits.max_text_chars * MAX_MARKUP_BYTES_PER_CHAR):
        raise IngestError(f"the Word file expands to {_size(markup)} of markup, more than its text limit allows; "
                          "split it into smaller files (or raise SCRUTINY_MAX_TEXT_CHARS)")


def _check_density(body: BaseOxmlElement, limits: ReadLimits) -> None:
    """Refuses a body of far more XML elements than text, and text past the limit, before any is assembled."""
    elements = int(body.xpath("count(.//*)"))
    chars = sum(len(text) for text in body.xpath(".//w:t/text()"))
    if elements > MIN_CHECKED_ELEMENTS and elements > MAX_ELEMENTS_PER_CHAR * chars:
        raise IngestError(f"the Word file holds {elements:,} XML elements around only {chars:,} characters of text "
                          "(empty runs or cells), as no real document does; open it in Word and save a clean copy")
    limits.check(chars)


def _runs_text(paragraph: CT_P, limits: ReadLimits) -> str:
    """Paragraph.text, run by run (the same runs and hyperlinks), checking the time limit as it goes."""
    parts: list[str] = []
    for count, element in enumerate(paragraph.xpath("w:r | w:hyperlink"), start=1):
        parts.append(element.text)
        if count % CHECK_EVERY_RUNS == 0:
            limits.check()
    return "".join(parts)


def _paragraph_text(paragraph: Paragraph, limits: ReadLimits) -> str:
    """A heading style becomes '#' marks so the structure parser sees it; body text is kept as written."""
    text = _runs_text(paragraph._p, limits).replace("\t", " ").strip()
    style = HEADING_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
    if text and style:
        return "#" * int(style.group(1) or 1) + " " + text
    return text


def _blocks(document: DocxDocument, limits: ReadLimits) -> list[TableText]:
    """Paragraphs and tables in document order (python-docx lists them separately), within the limits."""
    blocks: list[TableText] = []
    chars = 0
    body = document.element.body
    _check_density(body, limits)
    for child in body.iterchildren():
        limits.check(chars)
        if child.tag == qn("w:p"):
            text = _paragraph_text(Paragraph(child, document), limits)
            if text:
                blocks.append(TableText(text))
                chars += len(text)
        elif child.tag == qn("w:tbl"):
            rows = [[cell.text for cell in row.cells] for row in Table(child, document).rows]
            table = table_text(rows)
            if table is not None:
                blocks.append(table)
                chars += len(table.text)
    limits.check(chars)
    return blocks


class DocxReader:
    """Word documents; the text is rebuilt from paragraphs and tables, and that text is what the index quotes."""

    suffixes = frozenset({".docx"})

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument:
        try:
            _check_expansion(path, limits)
            blocks = _blocks(docx.Document(str(path)), limits)
        except (zipfile.BadZipFile, OpcError, KeyError, ValueError) as error:
            raise IngestError(f"is not a readable Word .docx file ({type(error).__name__}); "
                              "open it in Word and save it again as .docx") from None
        if not any(block.text.strip() for block in blocks):
            raise IngestError("the document has no text; nothing to ingest")
        text, table_lines = join_blocks(blocks)
        return LoadedDocument(source=path.name, text=text, format="docx", table_lines=table_lines)

