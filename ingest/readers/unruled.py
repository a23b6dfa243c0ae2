"""Finds tables drawn without rules on a PDF page: rows of figures lined up in columns, named by the headings above."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Sequence

from ingest.readers.tables import Cell
from ingest.vocabulary import ACCOUNTS_FIGURE

# Words whose vertical middles are this close (points) are on one line.
SAME_LINE_POINTS = 3.0
# A row of a table of figures holds at least this many figures; a table has at least MIN_TABLE_ROWS such rows, or
# fewer when its headings name every column (a row of years over one line of figures).
MIN_ROW_FIGURES = 2
MIN_TABLE_ROWS = 3
# Lines without figures inside a table (group labels, wrapped labels) at most this many in a row.
MAX_LINES_WITHOUT_FIGURES = 2
# Headings above the first row: at most this many lines, each of short phrases, none a sentence.
MAX_HEADING_LINES = 6
MAX_HEADING_PHRASE_WORDS = 6
# A heading over a group of columns sits within this fraction of the space between columns of the group's centre.
GROUP_CENTRING = 4
# Words closer than this share of their height are one phrase ("Revised Base"); column headings are further apart.
PHRASE_GAP_SHARE = 0.8
# A line further below the one above it than this many line heights starts a new block.
MAX_LINE_GAP_HEIGHTS = 2.5
# A blank band this many line heights tall may part the headings from group labels over the first rows.
HEADER_BAND_GAP_HEIGHTS = 3.5
SENTENCE_END = re.compile(r"[.;:]$")
# A number with a leading zero is a telephone number or a code, not a figure ("03000 416814").
LEADING_ZERO = re.compile(r"^0\d")
# A figure this share of a line's height after a label's last word is the label's own ("Policy DM 4").
LABEL_SPACE_SHARE = 0.4
# Years heading columns: "2024", "2024-25", "2024/25", or the two digits of a date broken over lines ("Dec -24").
YEAR = re.compile(r"^(?:-?\d{2}|(?:19|20)\d{2}(?:[-/]\d{2,4})?)$")
# Two-digit years heading one table lie within this span, in order.
SHORT_YEARS_SPAN = 10


@dataclass
class Word:
    """A word, or a phrase of words close together, with its box on the page (and its type, where a reader needs it)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False
    size: float = 0.0

    @property
    def middle(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class GroupTitle:
    """A title over a box or band drawn round a group of columns ("CYPE" over its Core, External and Total), and the
    box's left and right edges: it names every column inside the box, not only the one it stands over."""

    x0: float
    x1: float
    text: str

    def covers(self, column: "Column") -> bool:
        return self.x0 <= (column.x0 + column.x1) / 2 <= self.x1


@dataclass
class UnruledTable:
    """A table found from word positions: its column names (label column first), rows of cells, and its box."""

    names: tuple[str, ...]
    rows: list[list[Cell]]
    bbox: tuple[float, float, float, float]


def is_figure(text: str) -> bool:
    """A figure of a table (see LEADING_ZERO)."""
    return ACCOUNTS_FIGURE.match(text) is not None and not LEADING_ZERO.match(text)


def _is_figure(word: Word) -> bool:
    return is_figure(word.text)


def word_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines, top first, each line left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if lines and abs(middle - (lines[-1][0].top + lines[-1][0].bottom) / 2) <= SAME_LINE_POINTS:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _phrases(line: list[Word]) -> list[Word]:
    """Neighbouring words of one line joined into phrases where the gap between them is narrower than a column's."""
    phrases: list[Word] = []
    for word in line:
        last = phrases[-1] if phrases else None
        if last is not None and word.x0 - last.x1 < PHRASE_GAP_SHARE * max(word.height, 1.0):
            phrases[-1] = Word(f"{last.text} {word.text}", last.x0, word.x1, min(last.top, word.top),
                               max(last.bottom, word.bottom))
        else:
            phrases.append(word)
    return phrases


def _split(line: list[Word]) -> tuple[list[Word], list[Word]]:
    """(the label's words, the figures either side of it): the label runs from the first word that is not a figure
    to the last, and takes a figure set one word-space after it ("Policy DM 4")."""
    words = [index for index, word in enumerate(line) if not _is_figure(word)]
    if not words:
        return [], list(line)
    label, after = line[words[0]:words[-1] + 1], line[words[-1] + 1:]
    while after and after[0].x0 - label[-1].x1 < LABEL_SPACE_SHARE * max(after[0].height, 1.0):
        label, after = label + after[:1], after[1:]
    return label, line[:words[0]] + after


def _is_year_heading(line: list[Word]) -> bool:
    """Years heading columns: "2023-24 2024-25" or "Dec -24 | Mar- 25" broken over two lines."""
    label, figures = _split(line)
    if len(label) > MAX_HEADING_PHRASE_WORDS or not figures or not all(YEAR.match(word.text) for word in figures):
        return False
    numbers = [abs(int(word.text[:3])) for word in figures if len(word.text.strip("-")) == 2]
    return not numbers or (numbers == sorted(numbers) and numbers[-1] - numbers[0] <= SHORT_YEARS_SPAN)


def _is_row(line: list[Word]) -> bool:
    return len(_split(line)[1]) >= MIN_ROW_FIGURES and not _is_year_heading(line)


def _far_below(lines: list[list[Word]], upper: int, lower: int, gap_heights: float = MAX_LINE_GAP_HEIGHTS) -> bool:
    """Blank space between two lines wider than gap_heights line heights for each line between them."""
    height = max(lines[lower][0].height, 1.0)
    return lines[lower][0].top - lines[upper][0].bottom > (lower - upper) * gap_heights * height


def _blocks(lines: list[list[Word]]) -> list[tuple[int, int]]:
    """(first, last) line index of each run of rows, allowing a few lines without figures between rows."""
    blocks: list[list[int]] = []
    for index, line in enumerate(lines):
        if not _is_row(line):
            continue
        last = blocks[-1][1] if blocks else None
        if last is not None and index - last <= MAX_LINES_WITHOUT_FIGURES + 1 and not _far_below(lines, last, index):
            blocks[-1][1] = index
        else:
            blocks.append([index, index])
    return [(first, last) for first, last in blocks]


@dataclass
class Column:
    """Where a column of figures lies: the median left and right edges of its figures."""

    x0: float
    x1: float

    def distance(self, word: Word) -> float:
        """How far a word is from lining up with the column, left-, right- or centre-aligned."""
        return min(abs(word.x0 - self.x0), abs(word.x1 - self.x1), abs(word.middle - (self.x0 + self.x1) / 2))

    def gap(self, word: Word) -> float:
        """Blank space between the column and a word beside it; 0 when they overlap."""
        return max(word.x0 - self.x1, self.x0 - word.x1, 0.0)


def _columns(rows: list[list[Word]]) -> list[Column]:
    """The columns of figures, from the rows with the most usual count of figures (the wider count on a tie)."""
    figures = [_split(row)[1] for row in rows]
    counts = Counter(map(len, figures))
    width = max(counts, key=lambda count: (counts[count], count))
    full = [row for row in figures if len(row) == width]
    return [Column(median(row[i].x0 for row in full), median(row[i].x1 for row in full)) for i in range(width)]


def _cells(label: str, figures: list[Word], columns: list[Column]) -> list[Cell]:
    """A row as its label and one cell per column; a figure goes to the column it lines up with."""
    cells: list[Cell] = [label] + [""] * len(columns)
    for word in figures:
        column = min(range(len(columns)), key=lambda i: columns[i].distance(word))
        cells[column + 1] = f"{cells[column + 1]} {word.text}".strip()
    return cells


def _text(line: list[Word]) -> str:
    return " ".join(word.text for word in line)


def _beside_columns(line: list[Word], columns: list[Column]) -> bool:
    """A line of words that lie over no column: a row's label wrapped onto the line above or below its figures."""
    return not any(_is_figure(word) or column.gap(word) == 0 for word in line for column in columns)


def _is_heading(line: list[Word]) -> bool:
    """A line of column headings: short phrases, none ending like a sentence, no row of figures."""
    phrases = _phrases(line)
    return not _is_row(line) and all(len(p.text.split()) <= MAX_HEADING_PHRASE_WORDS and not SENTENCE_END.search(p.text)
                                     for p in phrases)


def _heading_lines(lines: list[list[Word]], first_row: int, gap_heights: float = MAX_LINE_GAP_HEIGHTS
                   ) -> list[list[Word]]:
    """The heading lines straight above a table's first row, top first."""
    found: list[list[Word]] = []
    index = first_row - 1
    while (index >= 0 and len(found) < MAX_HEADING_LINES and _is_heading(lines[index])
           and not _far_below(lines, index, index + 1, gap_heights)):
        found.insert(0, lines[index])
        index -= 1
    return found


def _table_top(lines: list[list[Word]], first_row: int, columns: list[Column]) -> tuple[int, list[list[Word]]]:
    """The table's first line and its heading lines. When the lines straight above the first row lie over no column,
    they are the first rows' group labels ("Strategic Management & Directorate Budgets"), and the headings stand
    above them, perhaps across a blank band (an empty row under a coloured header): up to HEADER_BAND_GAP_HEIGHTS."""
    headings = _heading_lines(lines, first_row)
    top = first_row
    while (top > 0 and first_row - top < MAX_LINES_WITHOUT_FIGURES and _beside_columns(lines[top - 1], columns)
           and not _far_below(lines, top - 1, top)):
        top -= 1
    if top == first_row or not all(_beside_columns(line, columns) for line in headings):
        return first_row, headings
    above = _heading_lines(lines, top, HEADER_BAND_GAP_HEIGHTS)
    return (top, above) if not all(_beside_columns(line, columns) for line in above) else (first_row, headings)


def _names(headings: list[list[Word]], columns: list[Column]) -> list[list[str]]:
    """The heading phrases naming each column (the label column first). A phrase names the columns it lies over,
    or the one nearest it when it lies over none (within half the space between columns); a phrase further from
    every column heads the labels. A line of headings each centred over a like group of columns ("2024-25  2025-26"
    over "Core External Total" twice) names every column of its group."""
    pitch = median(b.x0 - a.x0 for a, b in zip(columns, columns[1:])) if len(columns) > 1 else columns[0].x1 - columns[0].x0
    parts: list[list[str]] = [[] for _ in range(len(columns) + 1)]
    for line in headings:
        phrases = _phrases(line)
        groups = _group_spans(phrases, columns, pitch)
        for number, phrase in enumerate(phrases):
            gaps = [column.gap(phrase) for column in columns]
            touched = list(groups[number]) if groups else [index for index, gap in enumerate(gaps) if gap == 0]
            if touched or min(gaps) <= pitch / 2:
                for index in touched or [gaps.index(min(gaps))]:
                    parts[index + 1].append(phrase.text)
            else:
                parts[0].append(phrase.text)
    return parts


def _group_spans(phrases: list[Word], columns: list[Column], pitch: float) -> list[range]:
    """The columns each phrase heads when the line heads groups: at least two phrases, the columns split into as many
    runs of equal length, and each phrase centred over its own run (within a quarter of pitch, the space between
    columns); else none. Which columns a heading spans is not written on a page without rules, but such a line says it."""
    if len(phrases) < 2 or len(columns) <= len(phrases) or len(columns) % len(phrases):
        return []
    size = len(columns) // len(phrases)
    spans = [range(number * size, (number + 1) * size) for number in range(len(phrases))]
    centres = [(columns[span[0]].x0 + columns[span[-1]].x1) / 2 for span in spans]
    if all(abs(phrase.middle - centre) <= pitch / GROUP_CENTRING for phrase, centre in zip(phrases, centres)):
        return spans
    return []


def _body(lines: list[list[Word]], first: int, last: int, columns: list[Column], label_above: str
          ) -> tuple[list[list[Cell]], int]:
    """The table's rows and the index of its last line: a row without a label takes the label lines wrapped round
    it ("Proportion of net" / figures / "revenue stream"); another line without figures groups the rows below it."""
    rows: list[list[Cell]] = []
    taken: set[int] = set()
    for index in range(first, last + 1):
        line = lines[index]
        if index in taken:
            continue
        if not _is_row(line):
            rows.append([_text(line)] + [""] * len(columns))
            continue
        label, figures = _split(line)
        text = _text(label)
        if not text:
            above = label_above if index == first else ""
            below = lines[index + 1] if index + 1 < len(lines) else []
            if below and not _is_row(below) and _beside_columns(below, columns):
                taken.add(index + 1)
            text = " ".join(part for part in (above, _text(below) if index + 1 in taken else "") if part)
        rows.append(_cells(text, figures, columns))
    return rows, max(taken | {last})


def _joined(parts: list[str]) -> str:
    """A column's heading phrases top to bottom, each once; a date broken at its hyphen is rejoined ("Mar-" "26")."""
    text = ""
    for part in dict.fromkeys(parts):
        text += part if text.endswith("-") or part.startswith("-") or not text else f" {part}"
    return text


def _with_group_titles(parts: list[list[str]], columns: list[Column], titles: Sequence[GroupTitle]) -> list[list[str]]:
    """Each column's heading phrases led by the title of the box drawn round it, unless they already hold its words."""
    for index, column in enumerate(columns, start=1):
        for title in titles:
            if title.covers(column) and not set(title.text.split()) <= set(" ".join(parts[index]).split()):
                parts[index].insert(0, title.text)
    return parts


def unruled_tables(words: list[Word], group_titles: Sequence[GroupTitle] = ()) -> list[UnruledTable]:
    """The tables of figures among a page's words, each with its column names from the headings above it, and the
    titles of boxes drawn round groups of its columns. A table has MIN_TABLE_ROWS rows, or fewer when its headings
    name every column (a row of years over one line of figures)."""
    lines = word_lines(words)
    tables = []
    for first, last in _blocks(lines):
        rows = [line for line in lines[first:last + 1] if _is_row(line)]
        columns = _columns(rows)
        first, headings = _table_top(lines, first, columns)
        label_above = ""
        if headings and not _split(lines[first])[0] and _beside_columns(headings[-1], columns):
            label_above = _text(headings.pop())
        parts = _with_group_titles(_names(headings, columns), columns, group_titles)
        if not any(parts[1:]) or (len(rows) < MIN_TABLE_ROWS and not all(parts[1:])):
            continue
        body, end = _body(lines, first, last, columns, label_above)
        boxed = [word for line in headings + lines[first:end + 1] for word in line]
        bbox = (min(w.x0 for w in boxed), min(w.top for w in boxed), max(w.x1 for w in boxed), max(w.bottom for w in boxed))
        tables.append(UnruledTable(tuple(_joined(words) for words in parts), body, bbox))
    return tables
