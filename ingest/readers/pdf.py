"""Reads PDFs page by page: pypdf for prose, pdfplumber for pages that draw tables, keeping where each page starts."""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from pathlib import Path

import pdfplumber
import pypdf
from pdfplumber.utils import calculate_area, get_bbox_overlap, obj_to_bbox
from pypdf.errors import PdfReadError

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.readers.base import NO_LIMITS, ReadLimits
from ingest.readers.forms import form_fields
from ingest.readers.page_numbers import printed_pages
from ingest.readers.running_lines import without_running_lines
from ingest.readers.tables import (
    Cell,
    TableText,
    carry_names,
    frames_figures,
    last_names,
    rows_text,
    stacks_rows,
    table_text,
)
from ingest.readers.unruled import MIN_ROW_FIGURES, GroupTitle, Word, is_figure, unruled_tables

PAGE_SEPARATOR = "\n\n"
FOOTER_WORDS = 6  # below a page's last table, a page number or running footer at most
# Path operators (stroke, fill, rectangle). Ruled tables draw many; prose pages draw few or none.
PATH_OPERATORS = re.compile(rb"\s(?:S|s|f\*?|F|B\*?|b\*?|re)(?=\s)")
# Measured on ../shared/external/pdfs: every page where pdfplumber found a table had >= 13 path operators,
# most prose pages 0-10; the cheap count (~0.4 ms a page) spares pdfplumber (~90 ms a page) on prose.
MIN_TABLE_PATH_OPERATORS = 12
# Of those, the ones that paint. A rectangle that only clips ("re W n", one around each run of text in some
# Word exports) draws nothing pdfplumber could find a table in. Measured on the 115 KCC papers and
# ../shared/external/pdfs (859 pages passing the count above): the fewest painting operators on a page with a
# table was 6; 160 of the 303 pages where no table was found had fewer than 5 and cost 24 s of 147 s in pdfplumber.
PAINTING_OPERATORS = re.compile(rb"\s(?:S|s|f\*?|F|B\*?|b\*?)(?=\s)")
MIN_TABLE_PAINTING_OPERATORS = 5
# A page without rules may still hold a table of figures: pdfplumber reads its words' positions when pypdf's text
# has at least this many lines ending in MIN_ROW_FIGURES figures (a row of years over a row of figures is a table).
MIN_FIGURE_LINES = 2
# Two lines of a stacked cell are one row of the table when their middles are this close (points).
SAME_ROW_POINTS = 3.0
# A first row spanning a table of this many columns may be its column titles drawn without rules between them; it is
# read as titles when this share of the columns has words over it (a title spanning the table covers a few).
MIN_TITLED_COLUMNS = 3
TITLED_SHARE = 0.6
# A character larger than the page's usual size sharing this much of its box with one of that size is laid over it;
# characters are found near each other by a grid of this pitch (points). Larger: by this factor at least.
OVERLAID_SHARE = 0.3
LARGER_SHARE = 1.15
GRID_POINTS = 20.0
# A title over a box framing a group of columns is a few words ("Public Health"), not the box's figures.
MAX_GROUP_TITLE_WORDS = 6
# pypdf and pdfminer log recoverable damage on stderr; a damaged file is reported once, as an IngestError.
logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pdfminer").setLevel(logging.ERROR)


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


def _draws_lines(page: pypdf.PageObject) -> bool:
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    return (len(PATH_OPERATORS.findall(data)) >= MIN_TABLE_PATH_OPERATORS
            and len(PAINTING_OPERATORS.findall(data)) >= MIN_TABLE_PAINTING_OPERATORS)


def _clean_page(text: str) -> str:
    return text.replace("\r\n", "\n").strip("\n")


def _inside(obj: dict, bbox: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _band_text(page: pdfplumber.page.Page, top: float, bottom: float) -> str:
    """Prose between two tables; the band is clipped to the page so pdfplumber accepts it."""
    top, bottom = max(top, page.bbox[1]), min(bottom, page.bbox[3])
    if bottom - top < 1:
        return ""
    return _clean_page(page.crop((page.bbox[0], top, page.bbox[2], bottom)).extract_text() or "")


def _middle(obj: dict) -> tuple[float, float]:
    return (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2


def _cell_lines(chars: list[dict], cell: tuple[float, float, float, float]) -> list[tuple[float, str]]:
    """(vertical middle, text) of each line of text in a cell, top first; a char belongs to the cell its middle
    is in, as in pdfplumber's own extract."""
    inside = [c for c in chars if cell[0] <= _middle(c)[0] < cell[2] and cell[1] <= _middle(c)[1] < cell[3]]
    lines: list[list[dict]] = []
    for char in sorted(inside, key=lambda c: (round(_middle(c)[1]), c["x0"])):
        if lines and abs(_middle(char)[1] - _middle(lines[-1][0])[1]) <= SAME_ROW_POINTS / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [(_middle(line[0])[1], _line_text(line)) for line in lines]


def _line_text(chars: list[dict]) -> str:
    """The chars of one line, left to right, with a space where a gap wider than a third of the text height is."""
    text, previous = "", None
    for char in sorted(chars, key=lambda c: c["x0"]):
        if previous is not None and char["x0"] - previous["x1"] > (char["bottom"] - char["top"]) / 3:
            text += " "
        text += char["text"]
        previous = char
    return " ".join(text.split())


def _rows_by_line(chars: list[dict], cells: list[tuple[float, float, float, float] | None]) -> list[list[Cell]]:
    """A stacked row split into one row per line of text: lines of different cells at the same height are a row."""
    per_cell = [_cell_lines(chars, cell) if cell is not None else [] for cell in cells]
    heights: list[float] = []
    for height in sorted(height for lines in per_cell for height, _ in lines):
        if not heights or height - heights[-1] > SAME_ROW_POINTS:
            heights.append(height)
    rows: list[list[Cell]] = [["" if cell is not None else None for cell in cells] for _ in heights]
    for column, lines in enumerate(per_cell):
        for height, text in lines:
            row = min(range(len(heights)), key=lambda i: abs(heights[i] - height))
            rows[row][column] = f"{rows[row][column]} {text}".strip()
    return rows


def _table_rows(page: pdfplumber.page.Page, table: pdfplumber.table.Table, extracted: list[list[Cell]]) -> list[list[Cell]]:
    """pdfplumber's rows (extracted: their texts), except that a row stacking many rows (a table drawn without rules
    between its rows) becomes those rows, so each label stays with its own figures, and a first row of column
    titles drawn without rules between them is split into its columns."""
    rows: list[list[Cell]] = []
    table_rows = table.rows  # pdfplumber works the rows out again on every use
    for row, texts in zip(table_rows, extracted):
        rows.extend(_rows_by_line(page.chars, row.cells) if stacks_rows(texts) else [texts])
    if rows and len(table_rows) > 1:
        rows[0] = _titles_by_column(page, [row.cells for row in table_rows]) or rows[0]
    return rows


def _titles_by_column(page: pdfplumber.page.Page, cells: list[list[tuple[float, float, float, float] | None]]
                      ) -> list[Cell] | None:
    """The first row's words split at the columns of the rows below (cells: each row's cell boxes), when it is one
    cell spanning the table (no rules drawn between its titles: "MTFP Category Directorate ... 2025-26 2026-27"),
    every word within one column and most columns with a title over them; None otherwise (a title spanning the
    table stays whole)."""
    first = cells[0]
    if len(first) < MIN_TITLED_COLUMNS or first[0] is None or any(cell is not None for cell in first[1:]):
        return None
    # the column edges of a row below with a cell in every column (a merged cell would span several)
    full = next((row for row in cells[1:] if len(row) == len(first) and None not in row), None)
    if full is None:
        return None
    titles: list[list[str]] = [[] for _ in full]
    for word in page.crop(first[0], strict=False).extract_words():
        column = next((i for i, cell in enumerate(full) if cell[0] <= word["x0"] and word["x1"] <= cell[2]), None)
        if column is None:
            return None  # a word across a column's edge: a title spanning the table
        titles[column].append(word["text"])
    return [" ".join(words) for words in titles] if sum(map(bool, titles)) >= TITLED_SHARE * len(titles) else None


def _without_overlaid_text(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page less characters larger than its usual size laid over the text of that size (a label hidden behind a
    table's cells, "Significant Risks (over £10m)" across a register's first row; a watermark): read with the text
    below them, they garble both ("ASLiLgnifican"). Smaller ones (superscripts, footnotes, units) touch the text
    beside them and stay."""
    sizes = Counter(round(char["size"], 1) for char in page.chars)
    if len(sizes) < 2:
        return page
    usual = sizes.most_common(1)[0][0]
    grid: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for char in page.chars:
        if round(char["size"], 1) == usual:
            for cell in _grid_cells(char):
                grid[cell].append(char)
    lines: dict[tuple[float, int], list[dict]] = defaultdict(list)  # unusual characters by size and line
    for char in page.chars:
        if char["size"] > LARGER_SHARE * usual:
            lines[(round(char["size"], 1), round(char["top"]))].append(char)
    # a line laid over the text is taken out whole: its characters between the words below overlap nothing
    overlaid = {id(char) for line in lines.values()
                if any(_overlap(char, other) for char in line for cell in _grid_cells(char) for other in grid[cell])
                for char in line}
    return page.filter(lambda obj: id(obj) not in overlaid) if overlaid else page


def _grid_cells(char: dict) -> list[tuple[int, int]]:
    return [(x, y) for x in range(int(char["x0"] // GRID_POINTS), int(char["x1"] // GRID_POINTS) + 1)
            for y in range(int(char["top"] // GRID_POINTS), int(char["bottom"] // GRID_POINTS) + 1)]


def _overlap(char: dict, other: dict) -> bool:
    """The two boxes share at least OVERLAID_SHARE of the smaller one's area."""
    shared = get_bbox_overlap(obj_to_bbox(char), obj_to_bbox(other))
    smaller = min(calculate_area(obj_to_bbox(c)) for c in (char, other))
    return shared is not None and calculate_area(shared) >= OVERLAID_SHARE * max(smaller, 1e-6)


def _unruled(page: pdfplumber.page.Page, ruled: list[tuple[float, float, float, float]], group_titles: list[GroupTitle]
             ) -> list[tuple[tuple[float, float, float, float], TableText]]:
    """Tables of figures drawn without rules, among the words outside the page's ruled tables."""
    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in page.extract_words()
             if not any(_inside(w, bbox) for bbox in ruled)]
    return [(table.bbox, rows_text([list(table.names), *table.rows], table.names, 1))
            for table in unruled_tables(words, group_titles)]


def _forms(page: pdfplumber.page.Page, tables: list[tuple[float, float, float, float]]
           ) -> list[tuple[tuple[float, float, float, float], TableText]]:
    """Forms laid out as bold labels over their values, among the words outside the page's tables."""
    return form_fields([w for w in page.extract_words(extra_attrs=["fontname", "size"])
                        if not any(_inside(w, bbox) for bbox in tables)])


def _frame_titles(table: pdfplumber.table.Table, extracted: list[list[Cell]]) -> list[GroupTitle]:
    """The titles in the first row of boxes framing groups of columns ("ASCH", "Public Health", "CYPE" over their
    bands), when it holds two or more (one title over every box names the whole table, not a group)."""
    titles = [GroupTitle(cell[0], cell[2], " ".join(text.split())) for cell, text in zip(table.rows[0].cells, extracted[0])
              if cell is not None and text and text.strip() and len(text.split()) <= MAX_GROUP_TITLE_WORDS
              and not any(is_figure(word) for word in text.split())]
    return titles if len(titles) >= 2 else []


def _contains(outer: tuple[float, float, float, float], inner: tuple[float, float, float, float]) -> bool:
    """Whether the inner box lies within the outer, which is the larger."""
    larger = (outer[2] - outer[0]) * (outer[3] - outer[1]) > (inner[2] - inner[0]) * (inner[3] - inner[1])
    return larger and outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def _outermost(tables: list[pdfplumber.table.Table]) -> list[pdfplumber.table.Table]:
    """The found tables, top first, without those lying inside another: boxes drawn inside a cell (shading behind
    a line of words) are found as a table of their own, whose words the cell round them already reads whole."""
    return sorted((table for table in tables if not any(_contains(other.bbox, table.bbox) for other in tables)),
                  key=lambda table: table.bbox[1])


def _table_page(page: pdfplumber.page.Page, continued: tuple[str, ...] | None, draws_lines: bool
                ) -> tuple[TableText | None, tuple[str, ...] | None]:
    """The page as prose bands and tab-separated table rows in reading order (a form's bold labels over their values
    are rows too), or None when it has no real table or form;
    and the column names of the table that ends the page, which the next page's first table may go on from.
    continued: those names on the page before. draws_lines: the page draws enough lines to hold a ruled table."""
    page = _without_overlaid_text(page)
    tables, group_titles = [], []
    for table in _outermost(page.find_tables()) if draws_lines else []:
        extracted = table.extract()
        if frames_figures(extracted):
            group_titles += _frame_titles(table, extracted)
            continue  # boxes round groups of columns: the unruled reader below reads their words by position
        text = table_text(_table_rows(page, table, extracted), len(continued) if continued and not tables else None)
        if text is not None:
            tables.append((table.bbox, text))
    tables += _unruled(page, [bbox for bbox, _ in tables], group_titles)
    forms = _forms(page, [bbox for bbox, _ in tables])
    tables = sorted(tables + forms, key=lambda table: table[0][1])
    if not tables:
        return None, None
    # a form's fields are rows of their own: no table goes on into a form, nor from one on to the next page
    is_form = {id(text) for _, text in forms}
    if id(tables[0][1]) not in is_form:
        tables[0] = (tables[0][0], carry_names(tables[0][1], continued))
    prose = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_inside(obj, b) for b, _ in tables))
    result = TableText()
    parts: list[str] = []
    top = page.bbox[1]

    def add(text: str, lines: dict[int, tuple[str, ...] | None] | None = None) -> None:
        if not text.strip():
            return
        offset = sum(len(part) + len(PAGE_SEPARATOR) for part in parts)
        result.lines.update({offset + at: names for at, names in (lines or {}).items()})
        parts.append(text)

    for bbox, text in tables:
        add(_band_text(prose, top, bbox[1]))
        add(text.text, text.lines)
        top = max(top, bbox[3])
    below = _band_text(prose, top, page.bbox[3])
    add(below)
    result.text = PAGE_SEPARATOR.join(parts)
    last = tables[-1][1]
    if id(last) in is_form:
        return result, None
    last_width = last.text.rsplit("\n", 1)[-1].count("\t") + 1
    names = last_names(last) or ("",) * last_width  # a table without column names still goes on by its width
    return result, (names if len(names) == last_width and len(below.split()) <= FOOTER_WORDS else None)


def _figure_lines(text: str) -> int:
    """Lines of text that end in MIN_ROW_FIGURES figures, as rows of a table of figures do."""
    return sum(len(words) >= MIN_ROW_FIGURES and all(map(is_figure, words[-MIN_ROW_FIGURES:]))
               for words in (line.split() for line in text.splitlines()))


def _page_texts(path: Path, reader: pypdf.PdfReader, limits: ReadLimits) -> list[TableText]:
    """pdfplumber's prose and tables for pages that draw enough lines to hold a ruled table or whose text has rows
    of figures; pypdf's text for the rest.

    pypdf reads a ruled page only when pdfplumber finds no table on it: extracting a table page twice cost ~11% of
    the CPU time of reading ../shared/external/pdfs (7.6 s -> 6.8 s), for identical text, page starts and table lines."""
    ruled = {index for index, page in enumerate(reader.pages) if _draws_lines(page)}
    texts: dict[int, TableText] = {}
    chars = 0
    for index, page in enumerate(reader.pages):
        if index not in ruled:
            limits.check(chars)
            texts[index] = TableText(_clean_page(page.extract_text() or ""))
            chars += len(texts[index].text)
    figured = {index for index, text in texts.items() if _figure_lines(text.text) >= MIN_FIGURE_LINES}
    if ruled | figured:
        with pdfplumber.open(path) as pdf:
            ending: tuple[int, tuple[str, ...] | None] = (-2, None)  # the page whose last table ends it, its names
            for index in sorted(ruled | figured):
                limits.check(chars)
                table, names = _table_page(pdf.pages[index], ending[1] if ending[0] == index - 1 else None, index in ruled)
                ending = (index, names)
                if table is not None:
                    chars += len(table.text) - len(texts.get(index, TableText()).text)
                    texts[index] = table
    for index in ruled - texts.keys():  # a ruled page where no table was found is prose
        limits.check(chars)
        texts[index] = TableText(_clean_page(reader.pages[index].extract_text() or ""))
        chars += len(texts[index].text)
    limits.check(chars)
    return [texts[index] for index in range(len(reader.pages))]


class PdfReader:
    """Extracts each page's text layer; a PDF with no text layer is refused, not indexed empty."""

    suffixes = frozenset({".pdf"})

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument:
        reader = _open(path)
        try:
            pages = _page_texts(path, reader, limits)
        except IngestError:
            raise
        except Exception as error:  # noqa: BLE001 - damaged content streams raise many types
            raise IngestError(f"the PDF is damaged ({type(error).__name__}); export it again") from None
        if not pages:
            raise IngestError("the PDF has no pages")
        if not any(page.text.strip() for page in pages):
            raise IngestError("the PDF has no text layer (scanned images?); run OCR on it and ingest the result")
        printed = printed_pages(pages)  # before the running lines that print them are taken out
        pages = without_running_lines(pages)
        starts, table_lines, offset = [], {}, 0
        for page in pages:
            starts.append(offset)
            table_lines.update({offset + at: names for at, names in page.lines.items()})
            offset += len(page.text) + len(PAGE_SEPARATOR)
        return LoadedDocument(source=path.name, text=PAGE_SEPARATOR.join(page.text for page in pages), format="pdf",
                              page_starts=tuple(starts), table_lines=table_lines, printed_pages=printed)
