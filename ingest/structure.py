"""Finds the structure of a council paper's text: headings, numbered paragraphs and table rows with their headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "2.1", "3.8.1", optionally behind a list bullet; the number must be followed by text.
NUMBERED_PARAGRAPH = re.compile(r"^[ \t]*(?:[-*\u2022][ \t]+)?(\d{1,2}(?:\.\d{1,2}){1,3})\.?[ \t]+(?=\S)")
# "1 Purpose of this report", "3. Panel Comments": a top-level number before a short title.
NUMBERED_TITLE = re.compile(r"^[ \t]*(?:#+[ \t]*)?(\d{1,2})\.?[ \t]+([A-Z][^\t]{0,80})$")
MARKDOWN_HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+(.+?)[ \t#]*$")
# Row labels such as "15.", "1 5." (a split PDF-to-text number), "R12", "3a".
ROW_LABEL = re.compile(r"^(?:R|Rec\.?\s*)?(\d(?:\s?\d){0,2}[a-z]?)\.?$", re.IGNORECASE)
MARKUP = re.compile(r"<[^>]{1,200}>")


@dataclass
class Block:
    """A structural unit of the source text; start/end index the document text."""

    kind: str  # "heading" | "paragraph" | "table_row"
    start: int
    end: int
    section: str | None = None
    heading: str | None = None
    table_header: list[str] | None = None
    table_context: str | None = None
    cells: list[str] = field(default_factory=list)
    row_label: str | None = None


@dataclass
class _Line:
    text: str
    start: int
    end: int

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def is_table(self) -> bool:
        return "\t" in self.text.strip(" \n") and len([c for c in self.text.split("\t") if c.strip()]) >= 1


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(raw, offset, offset + len(raw)))
        offset += len(raw) + 1
    return lines


def clean_cell(cell: str) -> str:
    """A table cell as plain words: HTML list markup becomes spaces."""
    return re.sub(r"\s+", " ", MARKUP.sub(" ", cell)).strip()


def _looks_like_heading(line: _Line, next_blank: bool) -> bool:
    words = line.stripped.split()
    if not words or len(words) > 12 or line.stripped[-1] in ".,;:":
        return False
    letters = [ch for ch in line.stripped if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters) and len(letters) > 3:
        return True
    return next_blank and line.stripped[0].isupper() and len(words) <= 8


def _looks_like_header_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) < 2 or ROW_LABEL.match(filled[0]):
        return False
    return all(len(c.split()) <= 6 and not c.endswith(".") for c in filled)


def _table_line_kind(cells: list[str], header: list[str] | None) -> str:
    """'header' for column titles, 'group' for a one-label line that groups the rows below, else 'row'."""
    filled = [c for c in cells if c]
    header_width = len([c for c in header or [] if c])
    if _looks_like_header_row(cells) and len(filled) >= header_width - 1:
        return "header"
    starts_with_label = bool(cells[0]) and ROW_LABEL.match(cells[0]) is not None
    if not filled:
        return "group"
    if cells[0] and not starts_with_label and (len(filled) == 1 or _looks_like_header_row(cells)) and len(filled[0].split()) <= 12:
        return "group"
    return "row"


def _known_line_kind(cells: list[str], names: tuple[str, ...] | None) -> str:
    """A reader-marked header is a header; a row with one filled cell and no number groups the rows below."""
    if names is not None:
        return "header"
    filled = [c for c in cells if c]
    return "group" if len(filled) == 1 and cells[0] and not ROW_LABEL.match(cells[0]) else "row"


class StructureParser:
    """Splits text into blocks; every block knows its heading, its paragraph number or table row."""

    def parse(self, text: str, table_lines: dict[int, tuple[str, ...] | None] | None = None) -> list[Block]:
        """table_lines (from readers that see the table layout) overrides the guessing of header and row lines."""
        known = table_lines or {}
        lines = _lines(text)
        blocks: list[Block] = []
        heading: str | None = None
        section: str | None = None
        header: list[str] | None = None
        context: str | None = None
        paragraph: list[_Line] = []

        def flush_paragraph() -> None:
            nonlocal section, context
            if not paragraph:
                return
            match = NUMBERED_PARAGRAPH.match(paragraph[0].text)
            if match:
                section = match.group(1)
            blocks.append(Block("paragraph", paragraph[0].start, paragraph[-1].end, section, heading))
            context = " ".join(line.stripped for line in paragraph)
            paragraph.clear()

        for index, line in enumerate(lines):
            next_blank = index + 1 >= len(lines) or not lines[index + 1].stripped
            if not line.stripped:
                flush_paragraph()
                continue
            if line.is_table:
                flush_paragraph()
                cells = [clean_cell(c) for c in line.text.split("\t")]
                kind = _known_line_kind(cells, known[line.start]) if line.start in known else _table_line_kind(cells, header)
                if kind == "header":
                    header = list(known.get(line.start) or cells)
                elif kind == "group":
                    context = next((c for c in cells if c), context)
                else:
                    blocks.append(self._table_row(line, cells, header, heading, context, blocks))
                continue
            header = None
            title = self._heading_text(line, next_blank)
            if title and not paragraph:
                number = NUMBERED_TITLE.match(line.text)
                heading = title
                section = number.group(1) if number else section
                context = title
                blocks.append(Block("heading", line.start, line.end, section, heading))
                continue
            if NUMBERED_PARAGRAPH.match(line.text) or line.stripped.startswith(("- ", "* ", "\u2022")):
                flush_paragraph()
            paragraph.append(line)
        flush_paragraph()
        return blocks

    def _heading_text(self, line: _Line, next_blank: bool) -> str | None:
        markdown = MARKDOWN_HEADING.match(line.text)
        if markdown:
            return markdown.group(2).strip("*_ ")
        if NUMBERED_TITLE.match(line.text) and not line.stripped.endswith("."):
            return line.stripped
        if NUMBERED_PARAGRAPH.match(line.text):
            return None
        return line.stripped.strip("*_ ") if _looks_like_heading(line, next_blank) else None

    def _table_row(self, line: _Line, cells: list[str], header: list[str] | None, heading: str | None,
                   context: str | None, blocks: list[Block]) -> Block:
        label_match = ROW_LABEL.match(cells[0]) if cells and cells[0] else None
        label = label_match.group(1).replace(" ", "") if label_match else None
        previous = blocks[-1] if blocks and blocks[-1].kind == "table_row" else None
        if label is None and not (cells and cells[0]) and previous is not None:
            label = previous.row_label  # a row whose first cell is empty continues the row above
        section = f"row {label}" if label else None
        return Block("table_row", line.start, line.end, section, heading, header, context, cells, label)
