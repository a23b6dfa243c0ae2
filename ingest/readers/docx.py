"""Reads Word .docx files: heading styles become Markdown headings, list numbering is kept, tables become tab rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.readers.tables import TableText, join_blocks, table_text

HEADING_STYLE = re.compile(r"^(?:Heading|Title)\s*(\d?)$", re.IGNORECASE)


def _paragraph_text(paragraph: Paragraph) -> str:
    """A heading style becomes '#' marks so the structure parser sees it; body text is kept as written."""
    text = paragraph.text.replace("\t", " ").strip()
    style = HEADING_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
    if text and style:
        return "#" * int(style.group(1) or 1) + " " + text
    return text


def _blocks(document: DocxDocument) -> list[TableText]:
    """Paragraphs and tables in document order (python-docx lists them separately)."""
    blocks: list[TableText] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = _paragraph_text(Paragraph(child, document))
            if text:
                blocks.append(TableText(text))
        elif child.tag == qn("w:tbl"):
            rows = [[cell.text for cell in row.cells] for row in Table(child, document).rows]
            table = table_text(rows)
            if table is not None:
                blocks.append(table)
    return blocks


class DocxReader:
    """Word documents; the text is rebuilt from paragraphs and tables, and that text is what the index quotes."""

    suffixes = frozenset({".docx"})

    def read(self, path: Path) -> LoadedDocument:
        try:
            blocks = _blocks(docx.Document(str(path)))
        except (zipfile.BadZipFile, OpcError, KeyError, ValueError) as error:
            raise IngestError(f"is not a readable Word .docx file ({type(error).__name__}); "
                              "open it in Word and save it again as .docx") from None
        if not any(block.text.strip() for block in blocks):
            raise IngestError("the document has no text; nothing to ingest")
        text, table_lines = join_blocks(blocks)
        return LoadedDocument(source=path.name, text=text, format="docx", table_lines=table_lines)

