"""Reads Markdown: its text kept as written, except pipe tables, which become rows under their header's column names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from ingest.document import LoadedDocument
from ingest.readers.base import NO_LIMITS, ReadLimits
from ingest.readers.tables import TableText, column_names, join_blocks, rows_text
from ingest.readers.text import read_text

PARSER = MarkdownIt("commonmark").enable("table")


@dataclass
class PipeTable:
    """A table written at the top level of the file: the lines it spans (first, past the last) and its cells' text,
    the header row first."""

    first_line: int
    end_line: int
    rows: list[list[str]] = field(default_factory=list)


def pipe_tables(text: str) -> list[PipeTable]:
    """The file's top-level pipe tables, in order (a table inside a list or a quote stays text)."""
    tables: list[PipeTable] = []
    current: PipeTable | None = None
    for token in PARSER.parse(text):
        if token.type == "table_open" and token.level == 0 and token.map:
            current = PipeTable(token.map[0], token.map[1])
        elif current is not None and token.type == "tr_open":
            current.rows.append([])
        elif current is not None and token.type == "inline":
            current.rows[-1].append(token.content.strip())
        elif current is not None and token.type == "table_close":
            tables.append(current)
            current = None
    return tables


def markdown_blocks(text: str) -> list[TableText]:
    """The text between tables as written, and each table as tab-separated rows, its first row marked as the
    header with the column names."""
    lines = text.split("\n")
    blocks: list[TableText] = []
    cursor = 0
    for table in pipe_tables(text):
        before = "\n".join(lines[cursor:table.first_line]).strip("\n")
        if before.strip():
            blocks.append(TableText(before))
        blocks.append(rows_text(table.rows, column_names(table.rows[:1]), 1))
        cursor = table.end_line
    rest = "\n".join(lines[cursor:]).strip("\n")
    if rest.strip():
        blocks.append(TableText(rest))
    return blocks


class MarkdownReader:
    """Markdown notes and papers; a pipe table's header names its columns as a PDF's ruled table's would. A file with
    tables is quoted from its rebuilt text (cells tab-separated, no pipes), one without exactly as written."""

    suffixes = frozenset({".md", ".markdown"})

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument:
        text, notes = read_text(path, limits)
        blocks = markdown_blocks(text)
        if not any(isinstance(block, TableText) and block.lines for block in blocks):
            return LoadedDocument(source=path.name, text=text, format="md", notes=notes)  # no table: as written
        joined, table_lines = join_blocks(blocks)
        return LoadedDocument(source=path.name, text=joined, format="md", table_lines=table_lines, notes=notes)
