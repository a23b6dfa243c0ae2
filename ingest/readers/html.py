"""Reads HTML pages with BeautifulSoup: headings become Markdown headings, list items lines, tables tab rows."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.readers.base import NO_LIMITS, ReadLimits
from ingest.readers.tables import TableText, join_blocks, table_text
from ingest.readers.text import decode_text

HEADINGS = {f"h{level}": level for level in range(1, 7)}
TEXT_BLOCKS = {"p", "li", "dt", "dd", "pre", "blockquote", "caption", "address"}
SKIPPED = ["script", "style", "noscript", "template", "nav", "head"]


def _words(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _table(tag: Tag) -> TableText | None:
    """Each <tr> a row; list markup inside a cell is flattened to words by get_text."""
    rows = [[_words(cell) for cell in row.find_all(["th", "td"], recursive=False)]
            for row in tag.find_all("tr") if row.find_parent("table") is tag]
    return table_text([row for row in rows if row])


def _blocks(root: Tag, limits: ReadLimits) -> list[TableText]:
    """Walks the page in order; a block element's text is taken once, from its outermost block."""
    blocks: list[TableText] = []
    chars = 0
    for element in root.find_all(True):
        limits.check(chars)
        if element.find_parent(["table", *TEXT_BLOCKS, *HEADINGS]) is not None:
            continue
        if element.name == "table":
            table = _table(element)
            if table is not None:
                blocks.append(table)
                chars += len(table.text)
        elif element.name in HEADINGS and _words(element):
            blocks.append(TableText("#" * HEADINGS[element.name] + " " + _words(element)))
            chars += len(blocks[-1].text)
        elif element.name in TEXT_BLOCKS and _words(element):
            prefix = "- " if element.name == "li" else ""
            blocks.append(TableText(prefix + _words(element)))
            chars += len(blocks[-1].text)
    limits.check(chars)
    return blocks


class HtmlReader:
    """HTML and saved web pages; the rebuilt text is what the index quotes."""

    suffixes = frozenset({".html", ".htm", ".xhtml"})

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument:
        soup = BeautifulSoup(decode_text(path.read_bytes()), "html.parser")
        limits.check()
        for tag in soup(SKIPPED):
            tag.decompose()
        blocks = _blocks(soup.body or soup, limits)
        if not any(block.text.strip() for block in blocks):
            raise IngestError("the page has no readable text; save the page's content as HTML or PDF and try again")
        text, table_lines = join_blocks(blocks)
        return LoadedDocument(source=path.name, text=text, format="html", table_lines=table_lines)
