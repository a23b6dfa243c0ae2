"""The web app in a real headless Chromium: ask and see cited sources, filter the tracker, upload and ask."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from app_server import BROWSER_ARGS, CHROMIUM, isolate, running_app
from assistant.services import Services

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser-deps)")]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TIMEOUT_MS = 30_000
NEW_PAPER = """Wibbleton Borough Council
Environment Scrutiny Committee
Date: 12 March 2024
Report of the Director of Parks

1. Tree planting
1.1 The committee agreed that 400 oak trees will be planted in Memorial Park by March 2025.
1.2 The planting will be paid for from the climate reserve.
"""


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    isolate()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def sample_url(sample_services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(sample_services, tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture()
def page(browser):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    yield opened
    context.close()


def ask(page, question: str) -> None:  # noqa: ANN001
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def last_answer(page):  # noqa: ANN001, ANN201
    return page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").last


def cell(page, table: str, text: str | re.Pattern[str]):  # noqa: ANN001, ANN201
    """The first cell of a Gradio table showing this text (the table also has hidden cells it uses for sizing)."""
    return page.locator(f"{table} [role=gridcell]", has_text=text).first


def shown_count(page, previous: int | None) -> int:  # noqa: ANN001
    """The tracker's row count once it has settled (Gradio shows a timer while updating) and differs from previous."""
    page.wait_for_function("(previous) => { const shown = document.querySelector('#tracker-count').innerText;"
                           " return /^\\d+ recommendations/.test(shown) && !shown.startsWith(previous + ' '); }",
                           arg=-1 if previous is None else previous)
    return int(page.locator("#tracker-count").inner_text().split()[0])


def screenshot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled", full_page=True)


def test_ask_shows_answer_with_citation_and_opens_source(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    ask(page, "What did Leeds decide about external placements?")
    page.locator("#source-1").wait_for()
    answer = last_answer(page)
    assert re.search(r"\[1\]", answer.inner_text())
    assert "Leeds City Council" in page.locator("#source-1 summary").inner_text()

    page.locator("#source-1 summary").click()
    highlighted = page.locator("#source-1 .passage mark")
    highlighted.wait_for(state="visible")
    assert highlighted.inner_text().strip() in page.locator("#source-1 .passage").inner_text()

    briefing = page.locator("#briefing-quote textarea")
    page.wait_for_function("document.querySelector('#briefing-quote textarea').value.includes('Leeds City Council')")
    assert briefing.input_value().startswith('"')
    screenshot(page, "chat")


def test_follow_up_uses_the_conversation(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    ask(page, "What did Leeds decide about external placements?")
    page.locator("#source-1").wait_for()
    ask(page, "What about foster carers?")
    page.wait_for_function("document.querySelectorAll('#chatbot .message.bot, #chatbot [data-testid=\"bot\"]').length >= 2")
    page.locator("#source-1").wait_for()
    assert "Leeds" in page.locator("#sources-panel").inner_text()


def test_unanswerable_question_says_so(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    ask(page, "What is the council's policy on lunar mining licences?")
    page.get_by_text("do not say").first.wait_for()


def test_tracker_filters_and_shows_source(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.get_by_role("tab", name="Recommendations").click()
    total = shown_count(page, None)
    assert total > 0
    search = page.locator("#tracker-search textarea, #tracker-search input").first
    search.fill("foster")
    search.press("Enter")
    filtered = shown_count(page, total)
    assert 0 < filtered < total
    cell(page, "#tracker-table", re.compile("foster", re.I)).click()
    page.locator("#recommendation-source mark").wait_for(state="visible")
    screenshot(page, "recommendations")


def test_library_lists_the_sample_reports(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.get_by_role("tab", name="Documents").click()
    cell(page, "#library", "Leeds City Council").wait_for()
    assert cell(page, "#library", "Derby City Council").count() == 1
    screenshot(page, "documents")


def test_upload_then_ask_about_it(page, fresh_services: Services, tmp_path: Path) -> None:  # noqa: ANN001
    paper = tmp_path / "wibbleton_trees.txt"
    paper.write_text(NEW_PAPER, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with running_app(fresh_services, tmp_path / "app") as url:
        page.goto(url)
        page.get_by_role("tab", name="Documents").click()
        page.locator("#upload input[type=file]").set_input_files([str(paper), str(empty)])
        page.locator("#add-documents").click()
        results = page.locator("#upload-results")
        results.get_by_text("added").first.wait_for()
        assert "the file is empty" in results.inner_text()
        cell(page, "#library", "wibbleton_trees.txt").wait_for()

        page.get_by_role("tab", name="Chat").click()
        ask(page, "How many oak trees will be planted in Memorial Park?")
        page.locator("#source-1").wait_for()
        assert "400" in last_answer(page).inner_text()
        assert "wibbleton_trees.txt" in page.locator("#source-1").inner_text()
