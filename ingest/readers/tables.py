"""Turns a table extracted by a reader into tab-separated lines, recording which lines are headers and their column names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate

from ingest.vocabulary import ACCOUNTS_FIGURE, JOINING_WORDS, MERGED_TEXT_WORDS

Cell = str | None  # None: the cell is covered by a merged neighbour (pdfplumber's convention)
MAX_HEADER_WORDS = 8
MAX_HEADER_ROWS = 4
MAX_COLUMN_TITLE_WORDS = 4
MIN_TITLED_CELLS = 3  # a row of column titles under a table's title names at least this many columns
BLOCK_SEPARATOR = "\n\n"
# A table drawn without rules between its rows comes back from pdfplumber as one row whose cells each stack many
# lines: a column of labels beside columns of figures. Such a cell has at least this many lines of figures,
# making at least this share of its lines (the rest are its column's headings: "2024-25", "£000s").
STACKED_LINES = 3
STACKED_FIGURE_SHARE = 0.5
# A cell ending on a word that leaves it unfinished, or with a bracket left open, goes on in the line below it.
OPEN_ENDING = re.compile(r"(?:\b(?:" + "|".join((*JOINING_WORDS, "up", "including")) + r")|[&(,/-])$", re.IGNORECASE)


def clean(cell: Cell) -> str:
    """One line of plain words: wrapped lines and tabs inside a cell become spaces."""
    return re.sub(r"\s+", " ", cell or "").strip()


def _lines(cell: Cell) -> list[str]:
    return [line for line in (cell or "").split("\n") if line.strip()]


def _is_figures(line: str) -> bool:
    return all(ACCOUNTS_FIGURE.match(word) for word in line.split())


def stacks_rows(row: list[Cell]) -> bool:
    """True when a row's cells stack what should be many rows: a cell with at least STACKED_LINES lines of figures,
    beside another cell of at least as many lines (their labels). A long text wrapped in its cell is not."""
    stacked = [_lines(cell) for cell in row if len(_lines(cell)) >= STACKED_LINES]
    return any(map(_stacks_figures, stacked)) and len(stacked) >= 2


def frames_figures(rows: list[list[Cell]]) -> bool:
    """True when a ruled "table" frames columns of figures rather than cells, so where its words stand says more:
    its cells hold lines of several figures each ("1,429.5 0.0 1,429.5" in one cell), or every cell stacking many
    lines stacks figures, with no column of labels beside them (coloured bands behind groups of columns, the row
    labels standing outside them)."""
    lines = [line for row in rows for cell in row for line in _lines(cell) if _is_figures(line)]
    several = sum(_several_figures(line) for line in lines)
    if len(lines) >= STACKED_LINES and 2 * several >= len(lines):
        return True
    stacked = [_lines(cell) for row in rows for cell in row if len(_lines(cell)) >= STACKED_LINES]
    return bool(stacked) and all(_stacks_figures(cell_lines) for cell_lines in stacked)


def _stacks_figures(cell_lines: list[str]) -> bool:
    """A cell's lines are mostly figures under a heading or two ("Core", "£000s")."""
    count = sum(map(_is_figures, cell_lines))
    return count >= STACKED_LINES and count >= STACKED_FIGURE_SHARE * len(cell_lines)


def _several_figures(line: str) -> bool:
    """Two figures or more on a line of figures, a range ("5 – 6", pages of a contents list) being one."""
    words = line.split()
    return sum(any(ch.isdigit() for ch in word) for word in words) >= 2 and "\u2013" not in words


def _keep_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drops empty rows and columns that are empty in every row (arrows drawn as shapes come back empty)."""
    rows = [row for row in rows if any(clean(c) for c in row)]
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    filled = [i for i in range(width) if any(clean(row[i]) for row in rows)]
    return [[row[i] for i in filled] for row in rows]


def _unmerged(row: list[Cell]) -> list[Cell]:
    """A merged cell that a reader repeats in every column it spans (python-docx does) is kept once: the
    repeats become covered cells. Only text of a few words counts, since short values ("0", "Red") may
    really repeat."""
    kept: list[Cell] = []
    for index, cell in enumerate(row):
        text = clean(cell)
        repeated = index > 0 and len(text.split()) >= MERGED_TEXT_WORDS and text == clean(row[index - 1])
        kept.append(None if repeated else cell)
    return kept


def _goes_on(above: str, below: str) -> bool:
    """The text below finishes or glosses the cell above: it is left unfinished, or the text below opens in lower
    case or with a bracket ("(previously Improved Better Care Fund ...")."""
    unfinished = OPEN_ENDING.search(above) is not None or above.count("(") > above.count(")")
    return unfinished or below[:1].islower() or below[:1] == "("


def _wrapped(row: list[Cell], above: list[Cell]) -> bool:
    """A line of words only, each beside words it goes on from in the row above: a label wrapped over two lines
    of a table drawn without rules between its rows."""
    filled = [index for index, cell in enumerate(row) if clean(cell)]
    return bool(filled) and not _has_figure(row) and all(
        index < len(above) and clean(above[index]) and _goes_on(clean(above[index]), clean(row[index]))
        for index in filled)


def _join_wrapped(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows with each wrapped label's lines joined into its row ("Council Tax Income (including increase up to" /
    "referendum limit but excluding social care levy)" is one label)."""
    joined: list[list[Cell]] = []
    for row in rows:
        if joined and _wrapped(row, joined[-1]):
            joined[-1] = [f"{clean(top)} {clean(cell)}" if clean(cell) else top for top, cell in zip(joined[-1], row)]
        else:
            joined.append(list(row))
    return joined


def _has_figure(row: list[Cell]) -> bool:
    return any(_is_figures(clean(cell)) for cell in row if clean(cell))


def _header_rows(rows: list[list[Cell]]) -> int:
    """The first row, plus following rows under a vertically merged first cell (e.g. 'RAG rating' / 'Latest | Previous'),
    or, in a table of figures, the rows of short titles above its first row of figures ('Market Value' / '£m'),
    up to MAX_HEADER_ROWS rows."""
    # a title spanning the table heads it alone, as it always has: joined to the column titles under it, it
    # lengthened every column's name and cost answers (dev: a budget book's key services)
    first_figures = 0 if _labels_group(rows[0]) else next((i for i, row in enumerate(rows) if _has_figure(row)), 0)
    if not _mostly_figures(rows[first_figures:]):
        first_figures = 0  # a key of words with one "0" in it ("No effect | 0") is no table of figures
    count = 1
    while (count < len(rows) - 1 and all(len(clean(c).split()) <= MAX_HEADER_WORDS for c in rows[count])
           and not any(_signs_only(c) for c in rows[count])
           and (rows[count][0] is None or (count < min(first_figures, MAX_HEADER_ROWS) and not _labels_group(rows[count])))):
        count += 1
    return count


def _mostly_figures(rows: list[list[Cell]]) -> bool:
    """At least half the rows hold a figure."""
    return 2 * sum(_has_figure(row) for row in rows) >= len(rows)


def _signs_only(cell: Cell) -> bool:
    """A cell of signs without a letter, digit or unit ("++", "?"; not "£" or "%"): a key's entry, never a column's
    title."""
    text = clean(cell)
    return bool(text) and not any(ch.isalnum() or ch == "%" or unicodedata.category(ch) == "Sc" for ch in text)


def _labels_group(row: list[Cell]) -> bool:
    """A row whose first cell alone is filled names the group of rows below it ("Highways & Transportation")."""
    return bool(clean(row[0])) and not any(clean(cell) for cell in row[1:])


def _split_columns(rows: list[list[Cell]], header_count: int) -> list[list[Cell]]:
    """A column with a heading and no values beside one with values and no heading are one column drawn in two
    ('2025-26 budget' over an empty cell, beside '6.78' under an empty heading): they are joined. Only under a
    last header row of short column titles: a KPI's title over its figures leaves empty cells that are no columns."""
    if not header_count or any(len(clean(cell).split()) > MAX_COLUMN_TITLE_WORDS for cell in rows[header_count - 1]):
        return rows
    index = 0
    while index < len(rows[0]) - 1:
        pair = (index, index + 1)
        empty = [[not any(clean(row[column]) for row in part) for column in pair]
                 for part in (rows[:header_count], rows[header_count:])]
        if empty[0][0] != empty[0][1] and all(a != b for a, b in zip(*empty)):
            rows = [row[:index] + [clean(row[index]) or row[index + 1]] + row[index + 2:] for row in rows]
        else:
            index += 1
    return rows


def column_names(header_rows: list[list[Cell]]) -> tuple[str, ...]:
    """One name per column: a merged header cell (None) takes its left neighbour's text; stacked rows are joined."""
    names: list[list[str]] = [[] for _ in header_rows[0]]
    for depth, row in enumerate(header_rows):
        previous = ""
        for index, cell in enumerate(row):
            text = clean(cell) if cell is not None else (previous if depth == 0 else "")
            previous = text
            if text and text not in names[index]:
                names[index].append(text)
    return tuple(" ".join(parts) for parts in names)


@dataclass
class TableText:
    """Text of tables as tab-separated lines; lines maps each line's offset in text to its column names or None."""

    text: str = ""
    lines: dict[int, tuple[str, ...] | None] = field(default_factory=dict)


def carry_names(table: TableText, carried: tuple[str, ...] | None) -> TableText:
    """The table with the column names of the table that ended the page before, when it is as wide and names no
    more than one column itself: it goes on from that table, under a header left on its first page (or repeated
    above it as loose text, or cut to a stray line: "savings monitoring process RESERVES" over 13 columns). Only
    column titles are carried, not a first row of long text or figures that headed the table before."""
    lines = table.text.split("\n")
    own = table.lines.get(0)
    if (carried is None or lines[0].count("\t") + 1 != len(carried) or sum(map(bool, carried)) < 2
            or not _looks_like_header(list(carried)) or sum(map(bool, own or ())) > 1):
        return table  # names of long text or figures are a first row taken for the header: its own, not the table's
    # lines of one cell above the first row (a group's title: "Adult Social Care & Health Operations Directors: ...")
    # keep naming the rows below them; the names go on the first row
    offsets = accumulate((len(line) + 1 for line in lines[:-1]), initial=0)
    first_row = next((offset for offset, line in zip(offsets, lines)
                      if sum(bool(clean(cell)) for cell in line.split("\t")) >= 2), None)
    if first_row is None:
        return table
    return TableText(table.text, {**table.lines, 0: None, first_row: carried})


def last_names(table: TableText) -> tuple[str, ...] | None:
    """The column names the table's last rows are under."""
    return next((names for _, names in sorted(table.lines.items(), reverse=True) if names is not None), None)


def _looks_like_header(row: list[Cell]) -> bool:
    """Column titles are short words: a cell of a long text or a figure is data."""
    return all(not clean(c) or (len(clean(c).split()) <= MAX_HEADER_WORDS and not _is_figures(clean(c))) for c in row)


def table_text(raw_rows: list[list[Cell]], continued_width: int | None = None) -> TableText | None:
    """Header first, then one line per row; None when the 'table' is empty or a frame of one column or one row.

    continued_width: the width of a table that ended the page before. A table as wide whose first row is data, not
    column titles (every cell filled, or the end of a row broken over the page), goes on from it (its header is on
    that page), so every row of it is a row: none is taken for a header. So does a single row as wide (a long row
    filling the page): it is no frame."""
    # a row broken over the page leaves its first cells empty here (every cell but its last, on a page it fills):
    # it finishes the last row of the page before, its empty columns kept so that the next page goes on from it too
    whole = [row for row in raw_rows if any(clean(cell) for cell in row)]
    finishes_row = bool(whole) and len(whole[0]) == continued_width and not clean(whole[0][0])
    rows = [_unmerged(row) for row in whole] if finishes_row else _keep_rows([_unmerged(row) for row in raw_rows])
    rows = rows[:1] + _join_wrapped(rows[1:])  # the first row may be column titles, whose lines stack on purpose
    if not rows or len(rows[0]) < 2:
        return None
    # a title spanning merged cells (a KPI's name above its figures) leaves cells empty: that row heads its own table
    continues = (len(rows[0]) == continued_width and not _looks_like_header(rows[0])
                 and (all(clean(c) for c in rows[0]) or not clean(rows[0][0])))
    if len(rows) < 2 and not continues:
        return None
    above = 0 if continues else _rows_above_titles(rows)
    header_count = 0 if continues or _form_title(rows[above:]) else _header_rows(rows[above:])
    rows = rows[:above] + _split_columns(rows[above:], header_count)
    names = column_names(rows[above:above + header_count]) if header_count else None
    return rows_text(rows, names, header_count, above)


def _form_title(rows: list[list[Cell]]) -> bool:
    """A title spanning the first row over rows of words ("EQIA Submission Form" over "Responsible Officer | Mike
    Gogarty"): it names the form, not each column; rows of figures under it are what it measures (a KPI's name),
    so there it stays their column name."""
    return _labels_group(rows[0]) and not _mostly_figures(rows[1:])


def _rows_above_titles(rows: list[list[Cell]]) -> int:
    """How many rows filled only in their first cell (the table's title spanning it, a group's name) stand above
    a row of column titles: those name the rows below them, the column titles name the columns."""
    above = 0
    while above < min(len(rows) - 1, MAX_HEADER_ROWS) and _labels_group(rows[above]):
        above += 1
    titled = sum(bool(clean(cell)) for cell in rows[above]) >= MIN_TITLED_CELLS
    return above if above and titled and _looks_like_header(rows[above]) else 0


def rows_text(rows: list[list[Cell]], names: tuple[str, ...] | None, header_count: int, first_header: int = 0) -> TableText:
    """The rows as tab-separated lines, header_count of them from first_header on marked with the column names."""
    result = TableText()
    parts: list[str] = []
    offset = 0
    for index, row in enumerate(rows):
        line = "\t".join(clean(cell) for cell in row)
        result.lines[offset] = names if first_header <= index < first_header + header_count else None
        parts.append(line)
        offset += len(line) + 1
    result.text = "\n".join(parts)
    return result


def join_blocks(blocks: list[TableText]) -> tuple[str, dict[int, tuple[str, ...] | None]]:
    """Blocks separated by blank lines, with each table line's offset moved into the joined text."""
    table_lines: dict[int, tuple[str, ...] | None] = {}
    offset = 0
    for block in blocks:
        table_lines.update({offset + at: names for at, names in block.lines.items()})
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(block.text for block in blocks), table_lines
