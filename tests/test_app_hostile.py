"""Hostile documents in a real browser: markup, scripts and links from a paper show as text in every panel."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from app_server import BROWSER_ARGS, CHROMIUM, isolate, running_app
from assistant.services import Services

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser-deps)")]

HOSTILE_NAME = "hostile_<img src=x onerror=alert('name')>[doc](javascript:alert('md')).txt"
HOSTILE_PAPER = """Hostileton Borough Council <script>alert('council')</script>
Overview and Scrutiny Committee
Date: 3 June 2024
Title of report: Parking review <img src=x onerror=alert('title')>

1. Parking charges
1.1 The committee agreed that parking charges in Hostileton will rise by 5 per cent <script>alert('answer')</script> \
from April 2025, see [the tariff](javascript:alert('link')) and <iframe src="javascript:alert('frame')"></iframe> for details.
1.2 Residents' parking permits <b onmouseover=alert('bold')>will cost</b> 40 pounds a year \
<img src=x onerror=alert('passage')> from April 2025. ${alert('template')} {{constructor.constructor('alert(1)')()}}

2. Recommendations
Recommendation 1 – That the Director of Highways <img src=x onerror=alert('tracker')> reviews parking permit charges \
by March 2025.
"""
# Anything the payload could have turned into: none of these may exist in the page.
INJECTED = ("img[src='x'], iframe, b[onmouseover], [onerror], a[href^='javascript'], .gradio-container script, "
            "gradio-app script")


@pytest.fixture()
def hostile_url(fresh_services: Services, tmp_path: Path) -> Iterator[str]:
    paper = tmp_path / "papers" / HOSTILE_NAME
    paper.parent.mkdir()
    paper.write_text(HOSTILE_PAPER, encoding="utf-8")
    result = fresh_services.pipeline.ingest_file(paper)
    assert result.status == "added", result.message
    with running_app(fresh_services, tmp_path / "app") as url:
        yield url


@pytest.fixture()
def page() -> Iterator:
    from playwright.sync_api import sync_playwright

    isolate()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        opened = browser.new_page(viewport={"width": 1366, "height": 768})
        opened.set_default_timeout(60_000)
        yield opened
        browser.close()


def assert_nothing_injected(page, dialogs: list[str], where: str) -> None:  # noqa: ANN001
    assert not dialogs, f"a dialog opened in {where}: {dialogs}"
    assert page.locator(INJECTED).count() == 0, f"an injected element appeared in {where}"


def test_hostile_paper_shows_as_text_everywhere(page, hostile_url: str) -> None:  # noqa: ANN001
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url)

    page.locator("#question textarea").fill("How much will parking charges rise in Hostileton?")
    page.locator("#question textarea").press("Enter")
    page.locator("#conversation-log[data-answered='1']").wait_for()
    assert "5 per cent" in page.locator("#conversation-log .answer").inner_text()
    assert_nothing_injected(page, dialogs, "the answer")

    for summary in page.locator("#sources-panel .source-card summary").all():
        summary.click()
    panel = page.locator("#sources-panel").inner_text()
    assert "[the tariff](javascript:alert('link'))" in panel and "<iframe src=\"javascript:alert('frame')\">" in panel
    assert HOSTILE_NAME in panel
    assert_nothing_injected(page, dialogs, "the source cards")

    page.locator("#briefing-pick input").click()
    page.locator("[data-testid=dropdown-option]").last.click()
    page.wait_for_function("document.querySelector('#briefing-quote textarea').value.length > 0")
    assert_nothing_injected(page, dialogs, "the briefing quote")

    page.get_by_role("tab", name="Recommendations").click()
    row = page.locator("#tracker-table [role=gridcell]", has_text="Director of Highways").first
    assert "<img src=x onerror=alert('tracker')>" in row.inner_text()
    row.click()
    page.locator("#recommendation-source mark").wait_for(state="visible")
    assert "onerror=alert('tracker')" in page.locator("#recommendation-source").inner_text()
    assert_nothing_injected(page, dialogs, "the tracker")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#library [role=gridcell]", has_text="hostile_").first.wait_for()
    assert_nothing_injected(page, dialogs, "the library table")
    page.locator("#remove-pick input").click()
    page.locator("[data-testid=dropdown-option]", has_text="hostile_").first.click()
    page.locator("#remove-document").click()
    status = page.locator("#library-status")
    status.get_by_text("Removed hostile_").wait_for()
    assert status.inner_text().strip() == f"Removed {HOSTILE_NAME}."
    assert_nothing_injected(page, dialogs, "the documents tab's status line")
