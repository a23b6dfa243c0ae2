"""Finds forms laid out as fields on a PDF page: a bold label over its short value, read as rows of label and value."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.readers.tables import TableText, rows_text
from ingest.readers.unruled import Word, word_lines

# Lines of one form start at the same left edge, give or take this many points.
SAME_EDGE_POINTS = 2.0
# A form is a run of at least this many fields: one or two bold lines over a short value are an ordinary heading
# and its text.
MIN_FIELDS = 3
# A value is at most this many lines of at most this many words each; a bold line over a longer text heads it.
MAX_VALUE_LINES = 3
MAX_VALUE_LINE_WORDS = 25
# A value line reaching this close to the page's right text edge (as a share of the text's width) wraps on to the
# next line; a shorter one ends the value ("Not Applicable" over "26. Negative impacts ...", the next group's title).
WRAP_SHARE = 0.15
# Blank space wider than this many line heights between two lines parts two blocks.
MAX_GAP_HEIGHTS = 1.5


@dataclass
class Line:
    """One line of words on the page, bold when all its words are; size: its first word's."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool
    size: float


def _lines(words: list[dict]) -> list[Line]:
    """Words (pdfplumber's, with their fontname and size) grouped into lines, top first."""
    lines = word_lines([Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"],
                             "bold" in w.get("fontname", "").lower(), round(w.get("size", 0.0), 1)) for w in words])
    return [Line(" ".join(w.text for w in line), line[0].x0, max(w.x1 for w in line), min(w.top for w in line),
                 max(w.bottom for w in line), all(w.bold for w in line), line[0].size) for line in lines]


def _field(lines: list[Line], start: int, right: float, width: float) -> tuple[int, str, str] | None:
    """(the index after it, label, value) of the field starting at lines[start]: bold lines (a label wrapped over
    lines goes on in lower case) over non-bold lines that each wrap on to the next; None when lines[start] starts
    no field (not bold, a heading over another label, or over a longer text)."""
    edge = lines[start].x0
    index = start + 1
    while (index < len(lines) and lines[index].bold and lines[index].text[:1].islower()
           and _close(lines[index - 1], lines[index], edge)):
        index += 1
    if not lines[start].bold or index == len(lines) or lines[index].bold or not _close(lines[index - 1], lines[index], edge):
        return None
    label, first = " ".join(line.text for line in lines[start:index]), index
    while True:
        if len(lines[index].text.split()) > MAX_VALUE_LINE_WORDS or index - first >= MAX_VALUE_LINES:
            return None
        index += 1
        wraps = lines[index - 1].x1 >= right - WRAP_SHARE * width
        if not (wraps and index < len(lines) and not lines[index].bold and _close(lines[index - 1], lines[index], edge)):
            break
    return index, label, " ".join(line.text for line in lines[first:index])


def _close(upper: Line, lower: Line, edge: float) -> bool:
    """The lower line follows the upper one closely, starting at the form's left edge."""
    height = max(lower.bottom - lower.top, 1.0)
    return abs(lower.x0 - edge) <= SAME_EDGE_POINTS and lower.top - upper.bottom <= MAX_GAP_HEIGHTS * height


def form_fields(words: list[dict]) -> list[tuple[tuple[float, float, float, float], TableText]]:
    """Each run of at least MIN_FIELDS fields among the words (pdfplumber's, with fontname and size) as its box and a
    table of two columns, label and value, without column titles: every field is a row of its own, so a question
    finds "Responsible Officer | Paul Wilson - CY EPA" rather than a page of labels and values run together."""
    lines = _lines(words)
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    width = right - min(line.x0 for line in lines)
    forms: list[tuple[tuple[float, float, float, float], TableText]] = []
    index = 0
    while index < len(lines):
        rows: list[list[str | None]] = []
        end = index
        # a bold line set larger than the labels below it is a section's heading, not one of its fields
        while end < len(lines) and (field := _field(lines, end, right, width)) is not None and (
                not rows or (_close(lines[end - 1], lines[end], lines[index].x0) and lines[end].size == lines[index].size)):
            end, label, value = field
            rows.append([label, value])
        if len(rows) >= MIN_FIELDS:
            box = lines[index:end]
            forms.append(((min(line.x0 for line in box), box[0].top, max(line.x1 for line in box), box[-1].bottom),
                          rows_text(rows, None, 0)))
        index = end if rows else index + 1
    return forms
