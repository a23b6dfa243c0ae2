"""Running headers and footers are taken out of a PDF's text; item labels, captions over tables and first pages stay."""

from __future__ import annotations

import pytest

from conftest import KCC_LIBRARY
from ingest.readers import reader_for
from ingest.readers.running_lines import without_running_lines
from ingest.readers.tables import TableText


def _page(number: int, body: str, lines: dict[int, tuple[str, ...] | None] | None = None) -> TableText:
    return TableText(f"Appendix M\n{body}\nPage {number} of 6", lines or {})


def test_a_title_and_page_label_on_every_page_are_taken_out_but_not_from_the_first_page() -> None:
    pages = [_page(n, f"({'Item ' + str(n + 3)})\nThe council borrowed £{n}m in quarter {n}.") for n in range(1, 7)]
    kept = without_running_lines(pages)
    assert kept[0].text == pages[0].text
    assert kept[2].text == "(Item 6)\nThe council borrowed £3m in quarter 3."  # an item label is no running line


def test_a_caption_repeated_over_each_page_of_a_table_stays_and_the_tables_lines_keep_their_places() -> None:
    body = "Growth, Environment & Transport\nProject\t2025-26\nHighways\t65,825"
    text = _page(1, body).text
    lines = {text.index("Project"): ("Project", "2025-26"), text.index("Highways"): None}
    pages = [_page(n, body, lines) for n in range(1, 7)]
    page = without_running_lines(pages)[3]
    assert page.text.startswith("Growth, Environment & Transport\n")
    assert {page.text[at:].split("\n", 1)[0]: names for at, names in page.lines.items()} == {
        "Project\t2025-26": ("Project", "2025-26"), "Highways\t65,825": None}


def test_a_title_ending_on_its_page_number_is_a_running_line() -> None:
    """A header line that carries the page number after the title ("... Plan 2024-2039 | SR1 | 21/02/2025 7") is the
    same running line on every page."""
    title = "Sustainability Appraisal Report Non-Technical Summary | SR1 | 21/02/2025"
    pages = [TableText(f"{title} {n}\nThe appraisal found {n} effects.", {}) for n in range(1, 7)]
    kept = without_running_lines(pages)
    assert kept[0].text == pages[0].text
    assert [page.text for page in kept[1:]] == [f"The appraisal found {n} effects." for n in range(2, 7)]


def test_a_short_paper_keeps_every_line() -> None:
    pages = [_page(n, "Text.") for n in range(1, 4)]
    assert without_running_lines(pages) == pages


KENT_BUDGET_REPORT = KCC_LIBRARY / "kcc_2025-02-13_full_council_february-2025-kent-county-council-budget-report.pdf"


@pytest.mark.skipif(not KENT_BUDGET_REPORT.exists(), reason="../shared/external/kcc-library not present")
def test_a_sentence_broken_by_a_page_footer_runs_on_without_it() -> None:
    """pypdf puts page 6's footer ("Numbers rounded for clarity ...", "Page 6 of 43") before the end of the sentence
    that page 5 began: without it, "adequate reserves." follows on."""
    document = reader_for(KENT_BUDGET_REPORT).read(KENT_BUDGET_REPORT)
    page_six = document.text[document.page_starts[5]:document.page_starts[6]]
    assert page_six.strip().startswith("adequate reserves."), page_six[:200]
    assert "Page 6 of 43" not in document.text
