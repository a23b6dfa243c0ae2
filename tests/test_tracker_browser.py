"""The Recommendations tab's new controls in a real headless Chromium: the outstanding filter, the roll-up and the
Excel download (opened with openpyxl and compared with what the table shows)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from app_server import BROWSER_ARGS, CHROMIUM, isolate, running_app

from assistant.services import Services
from assistant.tracker import list_recommendations

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser-deps)")]

TIMEOUT_MS = 30_000
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def app_url(sample_services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(sample_services, tmp_path_factory.mktemp("tracker-app")) as url:
        yield url


@pytest.fixture()
def page(app_url: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    isolate()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        opened = context.new_page()
        opened.set_default_timeout(TIMEOUT_MS)
        opened.goto(app_url)
        yield opened
        browser.close()


def settled_count(page, previous: int) -> int:
    page.wait_for_function("(previous) => { const shown = document.querySelector('#tracker-count').innerText;"
                           " return /^\\d+ recommendations/.test(shown) && !shown.startsWith(previous + ' '); }",
                           arg=previous)
    return int(page.locator("#tracker-count").inner_text().split()[0])


def choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_outstanding_filter_rollup_and_excel_download(page, sample_services: Services, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page.get_by_role("tab", name="Recommendations").click()
    total = settled_count(page, -1)
    choose(page, "#tracker-council", "Derby City Council")
    derby = settled_count(page, total)
    choose(page, "#tracker-status", "outstanding")
    outstanding = settled_count(page, derby)
    expected = list_recommendations(sample_services.store, council="derby", status="outstanding")
    assert outstanding == len(expected) == 13

    page.get_by_text("Counts by status and outstanding").click()
    rollup = page.locator("#tracker-rollup")
    rollup.get_by_text("13 outstanding", exact=False).first.wait_for()
    assert "Derby City Council" in rollup.inner_text() and "13 outstanding" in rollup.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "recommendations-outstanding.png"), animations="disabled", full_page=True)

    with page.expect_download() as downloading:
        page.locator("#tracker-download-xlsx").click()
    saved = tmp_path / "download.xlsx"
    downloading.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert [row[header.index("number")] for row in body] == [record.number for record in expected]
    assert {row[header.index("status")] for row in body} <= {"in progress", "partly achieved"}
