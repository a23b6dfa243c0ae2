"""Printed page numbers: the number a paper prints at the top or bottom of its pages, kept where it runs in step with
the file's sheets (an agenda pack's "Page 47" on the third sheet of one item's file)."""

from __future__ import annotations

from collections import defaultdict

from index.records import PrintedPages
from ingest.readers.running_lines import LABEL_ENDING, MIN_TITLE_WORDS, PAGE_LABEL, edge_lines
from ingest.readers.tables import TableText

MIN_SHEETS = 2  # sheets printing a number in step before the numbers count as the paper's page numbers
MIN_SHARE = 0.6  # ... and this share of the sheets from the first of them to the last


def _numbers(page: TableText) -> set[int]:
    """The page labels' numbers among the page's first and last lines: a label alone on its line ("Page 12 of 40"),
    or ending a title line ("... | 21/02/2025 7")."""
    found = set()
    for _, line in edge_lines(page):
        words = " ".join(line.split())
        whole = PAGE_LABEL.fullmatch(words)
        ending = LABEL_ENDING.search(words)
        if whole:
            found.add(int(whole.group(1)))
        # a label ends a title of several words, not a short one that a number belongs to ("Question 2", "Item 4")
        elif ending and len(words[:ending.start()].split()) > MIN_TITLE_WORDS:
            found.add(int(ending.group(1) or ending.group(2)))
    return found


def printed_pages(pages: list[TableText]) -> PrintedPages | None:
    """The sheets whose printed number is their sheet number plus one offset, found on most of them; None when the
    printed numbers are the sheet numbers or no numbers run in step. A figure at a page's edge may match one sheet
    by chance; two or more in step, on most sheets between them, are the paper's numbering."""
    sheets_by_offset: dict[int, list[int]] = defaultdict(list)
    for sheet, page in enumerate(pages, start=1):
        for number in _numbers(page):
            sheets_by_offset[number - sheet].append(sheet)
    candidates = [(len(sheets), offset, sheets) for offset, sheets in sheets_by_offset.items()
                  if len(sheets) >= MIN_SHEETS and len(sheets) >= MIN_SHARE * (sheets[-1] - sheets[0] + 1)]
    if not candidates:
        return None
    _, offset, sheets = max(candidates)
    return PrintedPages(sheets[0], sheets[-1], offset) if offset else None
