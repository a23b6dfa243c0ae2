"""A paper's printed page numbers are found where they run in step with its sheets, and cited beside the PDF's own."""

from __future__ import annotations

import pytest

from assistant.services import Services
from conftest import EXTERNAL_PDFS
from index.records import PrintedPages
from ingest.readers import reader_for
from ingest.readers.page_numbers import printed_pages
from ingest.readers.tables import TableText

KENT_Q3 = EXTERNAL_PDFS / "kcc_2025-03-04_cabinet_quarterly-performance-report-q3.pdf"


def _sheets(footers: list[str]) -> list[TableText]:
    return [TableText(f"Budget Monitoring\nThe council spent £{n}m on item {n}.\n{footer}") for n, footer in
            enumerate(footers, start=1)]


def test_an_agenda_packs_page_numbers_are_found_from_the_first_sheet_that_prints_one() -> None:
    """An item's file in an agenda pack: a cover letter, then sheets printed "Page 1", "Page 2", ... of the pack."""
    sheets = _sheets(["Yours sincerely", "This page is intentionally left blank", "Page 1", "Page 2", "Page 3",
                      "Page 4 of 9"])
    found = printed_pages(sheets)
    assert found == PrintedPages(first=3, last=6, offset=-2)
    assert [found.printed(sheet) for sheet in (1, 3, 6, 7)] == [None, 1, 4, None]


def test_a_number_ending_a_long_title_line_is_a_page_number() -> None:
    sheets = _sheets([f"Sustainability Appraisal Report | SR1 | 21/02/2025 {n + 4}" for n in range(1, 6)])
    assert printed_pages(sheets) == PrintedPages(first=1, last=5, offset=4)


@pytest.mark.parametrize("footers", [
    ["1", "2", "3", "4"],  # printed as the sheets are numbered: nothing to add
    ["Question 1", "Question 2", "Question 3", "Question 4"],  # a short title's number is the item's, not the page's
    ["", "", "7", ""],  # one figure at a page's edge
    ["Report February 2025"] * 4,  # a year
], ids=["same-as-sheets", "item-numbers", "one-stray-figure", "year"])
def test_numbers_that_are_not_a_separate_page_numbering_are_ignored(footers: list[str]) -> None:
    assert printed_pages(_sheets(footers)) is None


@pytest.mark.skipif(not KENT_Q3.exists(), reason="../shared/external/pdfs not present")
def test_a_real_reports_printed_numbers_are_cited_beside_the_pdfs(fresh_services: Services) -> None:
    """Kent's performance report has a cover sheet, then pages printed 1, 2, ...: the foster households KPI is on the
    PDF's page 48, printed 47, and a briefing writer pasting the reference needs both."""
    assert reader_for(KENT_Q3).read(KENT_Q3).printed_pages == PrintedPages(first=2, last=71, offset=-1)
    fresh_services.pipeline.ingest([KENT_Q3], progress=False)
    result = fresh_services.engine.ask("What is the latest figure for Kent's foster households KPI?")
    cited = next(c for c in result.citations if "Latest: 613" in c.quote)
    assert (cited.page, cited.printed_page) == (48, 47)
    assert "p. 47 (PDF p. 48)" in cited.reference()
    assert cited.to_json()["printed_page"] == 47
