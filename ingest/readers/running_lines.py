"""Running headers and footers: lines repeated at the top or bottom of most pages of a paper, taken out of its text."""

from __future__ import annotations

import re
from collections import Counter

from ingest.readers.tables import TableText

EDGE_LINES = 3  # pypdf may put a footer before the page's body ("Page 6 of 43" / "adequate reserves.")
MIN_PAGES = 4  # a paper this long at least, and a line on this many of its pages, before it counts as running
RUNNING_SHARE = 0.5  # ... and on at least this share of its pages
MAX_WORDS = 25  # a running line is a title, a date, a page number or a note on rounding, not a paragraph
MIN_TITLE_WORDS = 3  # a line with a page label counts as a running title with more words than this beside it
# "12", "Page 12", "Page 12 of 40", "12/40": the one running line whose words change from page to page
PAGE_LABEL = re.compile(r"(?:page\s*)?(\d{1,4})(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)
# a page label ending or opening a title line: "Sustainability Appraisal Report ... | 21/02/2025 7", "12 Budget Book"
# (a bare number of four digits is a year: "Inspector's Report February 2025")
LABEL_ENDING = re.compile(r"(?<=\S)\s+(?:page\s*(\d{1,4})|(\d{1,3}))(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
LABEL_OPENING = re.compile(r"^(?:page\s*\d{1,4}|\d{1,3})\s+(?=\S)", re.IGNORECASE)


def _shape(line: str) -> str:
    """What repeats of a running line share: a page label's shape, any other line's words, a title's without the page
    label that ends or opens it ("Item 4" and "Item 5" stay two lines, not one running line)."""
    words = " ".join(line.split())
    if PAGE_LABEL.fullmatch(words):
        return "page label"
    title = LABEL_OPENING.sub("# ", LABEL_ENDING.sub(" #", words))
    return (title if len(title.split()) > MIN_TITLE_WORDS else words).lower()


def edge_lines(page: TableText) -> list[tuple[int, str]]:
    """(offset, text) of the first and last few text lines of a page that are not table rows."""
    lines, offset = [], 0
    for line in page.text.split("\n"):
        if line.strip():
            lines.append((offset, line))
        offset += len(line) + 1
    edges = [index for index in range(len(lines)) if index < EDGE_LINES or index >= len(lines) - EDGE_LINES]
    # a line right above a table is its caption, even when each page of the table repeats it ("Growth,
    # Environment & Transport (GET)" over every page of that directorate's capital projects)
    return [lines[i] for i in edges if _is_text(page, *lines[i]) and len(lines[i][1].split()) <= MAX_WORDS
            and not (i + 1 < len(lines) and not _is_text(page, *lines[i + 1]))]


def _is_text(page: TableText, at: int, line: str) -> bool:
    return "\t" not in line and at not in page.lines


def _running(edges: list[list[tuple[int, str]]]) -> set[str]:
    """The shapes of lines found at the edge of at least half of the pages (each page counted once)."""
    counts = Counter(shape for lines in edges for shape in {_shape(line) for _, line in lines})
    least = max(MIN_PAGES, RUNNING_SHARE * len(edges))
    return {shape for shape, count in counts.items() if count >= least}


def _without(page: TableText, lines: list[tuple[int, str]]) -> TableText:
    """The page without the given lines; its table lines' offsets moved up by what went before them."""
    cuts = sorted(lines)
    text, kept_from, removed = [], 0, []
    for at, line in cuts:
        text.append(page.text[kept_from:at])
        kept_from = at + len(line) + 1
        removed.append((at, len(line) + 1))
    text.append(page.text[kept_from:])
    joined = "".join(text)
    kept = joined.lstrip("\n")
    lead = len(joined) - len(kept)

    def moved(offset: int) -> int:
        return offset - sum(length for at, length in removed if at < offset) - lead

    return TableText(kept.rstrip("\n"), {moved(at): names for at, names in page.lines.items()})


def without_running_lines(pages: list[TableText]) -> list[TableText]:
    """The pages without their running headers and footers, when the paper is long enough to show them; the first
    page keeps its lines, since a paper's title there may also run along the top of every page."""
    if len(pages) < MIN_PAGES:
        return pages
    edges = [edge_lines(page) for page in pages]
    running = _running(edges)
    if not running:
        return pages
    return pages[:1] + [_without(page, [(at, line) for at, line in lines if _shape(line) in running])
                        for page, lines in zip(pages[1:], edges[1:])]
