"""The web app in a real headless Chromium at laptop size: every control used, then a question asked and checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from app_server import BROWSER_ARGS, CHROMIUM, isolate, running_app
from assistant.services import Services
from assistant.web_security import gradio_folder

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser-deps)")]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TIMEOUT_MS = 60_000
LAPTOP = {"width": 1366, "height": 768}
LEEDS_QUESTION = "What did Leeds decide about external placements?"
SAVINGS_FOLLOW_UP = "What savings were projected?"  # answered from several passages: the briefing picks among them
NEW_PAPER = """Wibbleton Borough Council
Environment Scrutiny Committee
Date: 12 March 2024
Report of the Director of Parks

1. Tree planting
1.1 The committee agreed that 400 oak trees will be planted in Memorial Park by March 2025.
1.2 The planting will be paid for from the climate reserve.
"""
DOTTED_PAPER = """Gloomford District Council
Leisure Scrutiny Panel
Date: 2 May 2023

1. Swimming
1.1 The panel agreed that the Gloomford lido will reopen with heated water in June 2024.
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
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    yield opened
    context.close()


def ask(page, question: str, turns: int | None = None) -> None:  # noqa: ANN001
    """Types the question, presses Enter and, given the number of turns there will be, waits for the answer."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    if turns is not None:
        page.locator(f"#conversation-log[data-answered='{turns}']").wait_for()


def last_answer(page):  # noqa: ANN001, ANN201
    return page.locator("#conversation-log .turn").last.locator(".answer")


def card_references(page) -> list[str]:  # noqa: ANN001
    return [text for text in page.locator("#sources-panel .source-card summary").all_inner_texts()]


def choose(page, elem_id: str, option: str) -> None:  # noqa: ANN001
    """Picks an option in a Gradio dropdown by its visible text."""
    page.locator(f"#{elem_id} input").click()
    page.locator("[data-testid=dropdown-option]", has_text=option).first.click()
    page.keyboard.press("Escape")


def fill(page, elem_id: str, text: str) -> None:  # noqa: ANN001
    page.locator(f"#{elem_id} textarea, #{elem_id} input").first.fill(text)


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
    """A screenshot of what the laptop screen shows (not the full page: the point is what fits)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled")


def assert_on_screen(page, locator) -> None:  # noqa: ANN001
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box


# Records what the page showed while the answer loaded: the transient states are too quick to poll for.
WATCH_LOADING = """(question) => {
  window.seenWhileLoading = {loading: false, question: false, overlay: false};
  new MutationObserver(() => {
    const seen = window.seenWhileLoading;
    if (document.querySelector('#conversation-log .answer.loading')) {
      seen.loading = true;
      seen.question ||= [...document.querySelectorAll('#conversation-log .question')].some(q => q.innerText === question);
    }
    const shown = [...document.querySelectorAll('.eta-bar, .progress-text, .meta-text-center, .wrap.generating')];
    if (shown.some(el => el.offsetParent !== null)) seen.overlay = true;
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def test_answer_fits_the_screen_and_its_citations_open_their_cards(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.locator("#question textarea").wait_for()
    page.wait_for_timeout(1000)  # the page's own start-up loader is not the answer's
    page.evaluate(WATCH_LOADING, LEEDS_QUESTION)
    ask(page, LEEDS_QUESTION, turns=1)
    seen = page.evaluate("window.seenWhileLoading")
    assert seen["loading"] and seen["question"], seen  # the spinner sat on the answer, under the question
    assert not seen["overlay"], "a progress overlay showed outside the answer"
    assert "Leeds City Council" in page.locator("#source-1 summary").inner_text()
    assert page.evaluate("window.scrollY") == 0
    assert_on_screen(page, last_answer(page))
    assert_on_screen(page, page.locator("#question textarea"))

    links = last_answer(page).locator("a.cite")
    assert links.count() == len(card_references(page)) >= 1
    links.last.click()
    last_n = links.last.get_attribute("data-n")
    page.wait_for_function(f"document.getElementById('source-{last_n}').open")
    card = page.locator(f"#source-{last_n}")
    assert "cited" in card.get_attribute("class")
    highlighted = card.locator(".passage mark")
    highlighted.wait_for(state="visible")
    assert page.evaluate(f"""(() => {{ const card = document.getElementById('source-{last_n}').getBoundingClientRect();
        const panel = document.querySelector('#sources-panel .sources-scroll').getBoundingClientRect();
        return card.top < panel.bottom && card.bottom > panel.top; }})()""")  # scrolled into the panel's view
    screenshot(page, "chat")


def test_filters_opened_and_used_then_asked(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.locator("#filters").get_by_text("Filters").click()
    fill(page, "year-from", "")
    ask(page, LEEDS_QUESTION, turns=1)  # the reported bug: opening Filters broke every question
    assert page.locator("#source-1").count() == 1
    assert page.locator("#chat-status").inner_text().strip() == ""

    choose(page, "filter-councils", "Derby City Council")
    ask(page, "What progress has been made on the recommendations?", turns=2)
    assert card_references(page) and all("Derby City Council" in ref for ref in card_references(page))

    page.locator("#filter-councils input").click()
    page.keyboard.press("Backspace")  # removes the chosen council
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('#filter-councils').innerText.includes('Derby City Council')")
    fill(page, "year-from", "2010")
    ask(page, "What did the committee decide about placements?", turns=3)
    years = [int(year) for ref in card_references(page) for year in re.findall(r"\b(20\d\d)-\d\d-\d\d", ref)]
    assert years and min(years) >= 2010

    fill(page, "year-from", "2000")
    fill(page, "year-to", "2005")
    ask(page, "What progress has been made on the recommendations?", turns=4)
    years = [int(year) for ref in card_references(page) for year in re.findall(r"\b(20\d\d)-\d\d-\d\d", ref)]
    assert years and max(years) <= 2005

    fill(page, "year-from", "2013")
    fill(page, "year-to", "2011")
    ask(page, LEEDS_QUESTION, turns=5)
    assert "read as 2011 to 2013" in page.locator("#chat-status").inner_text()
    assert "Leeds City Council" in page.locator("#source-1 summary").inner_text()

    fill(page, "year-to", "")
    fill(page, "year-from", "")
    choose(page, "filter-documents", "001_9fd2cc959c742ed0.txt")
    ask(page, "What did the scrutiny board focus on?", turns=6)
    assert card_references(page) and all("001_9fd2cc959c742ed0.txt" in ref for ref in card_references(page))


def test_a_refused_question_keeps_its_text_and_says_why(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.locator("#filters").get_by_text("Filters").click()
    fill(page, "year-from", "0")
    ask(page, LEEDS_QUESTION)
    status = page.locator("#chat-status .error")
    status.wait_for()
    assert "'From year' must be a year" in status.inner_text() and status.inner_text().count(".") == 1
    assert page.locator("#question textarea").input_value() == LEEDS_QUESTION
    assert page.locator("#conversation-log .turn").count() == 0

    fill(page, "year-from", "")
    too_long = "Why? " * 500
    page.locator("#question textarea").fill(too_long)
    page.locator("#question textarea").press("Enter")
    page.get_by_text("shorten it to at most 2,000 characters").wait_for()
    assert page.locator("#question textarea").input_value() == too_long.strip() or \
        page.locator("#question textarea").input_value() == too_long

    ask(page, LEEDS_QUESTION, turns=1)  # and the next question, fixed, is answered
    assert page.locator("#chat-status").inner_text().strip() == ""
    assert last_answer(page).locator("a.cite").count() >= 1


def test_follow_up_differs_and_new_conversation_forgets(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    ask(page, "What progress has been made on the Best Value Review of Children in Public Care?", turns=1)
    first = last_answer(page).inner_text()
    ask(page, "and who is responsible?", turns=2)
    assert last_answer(page).inner_text() != first
    newest = page.locator("#conversation-log .turn").last.locator(".question")
    page.wait_for_function("""() => { const log = document.getElementById('conversation-log').getBoundingClientRect();
        const newest = [...document.querySelectorAll('#conversation-log .question')].pop().getBoundingClientRect();
        return newest.top >= log.top - 1 && newest.bottom <= log.bottom; }""")  # scrolled to the newest question
    assert_on_screen(page, newest)
    assert page.locator("#conversation-log .turn .answer").first.locator("a.cite").count() == 0  # older turn: no links

    page.locator("#new-conversation").click()
    page.locator("#conversation-log .placeholder").wait_for()
    assert "Ask a question to see" in page.locator("#sources-panel").inner_text()
    assert page.locator("#export-docx").is_disabled()
    ask(page, LEEDS_QUESTION, turns=1)
    assert page.locator("#conversation-log .turn").count() == 1


def test_briefing_quote_picker_and_export(page, sample_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    import docx

    page.goto(sample_url)
    ask(page, LEEDS_QUESTION, turns=1)
    ask(page, SAVINGS_FOLLOW_UP, turns=2)
    references = card_references(page)
    assert len(references) >= 2
    briefing = page.locator("#briefing-quote textarea")
    page.wait_for_function("document.querySelector('#briefing-quote textarea').value.startsWith('\"')")
    choose(page, "briefing-pick", "[2]")
    page.wait_for_function("(quote) => document.querySelector('#briefing-quote textarea').value.includes(quote)",
                           arg=page.locator("#source-2 blockquote").inner_text().strip()[:40])
    assert briefing.input_value().startswith('"')

    with page.expect_download() as word_download:
        page.locator("#export-docx").click()
    word = tmp_path / "briefing.docx"
    word_download.value.save_as(word)
    document = docx.Document(str(word))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert LEEDS_QUESTION in headings and SAVINGS_FOLLOW_UP in headings
    footnotes = next(part for part in document.part.package.parts if str(part.partname) == "/word/footnotes.xml")
    referenced = document.element.body.xml.count("w:footnoteReference")
    quote_two = page.locator("#source-2 blockquote").inner_text().strip()
    assert referenced >= 2 and footnotes.blob.decode().count('<w:footnote w:id="') == referenced
    assert quote_two[:30] in footnotes.blob.decode()

    with page.expect_download() as markdown_download:
        page.locator("#export-md").click()
    markdown = Path(markdown_download.value.path()).read_text(encoding="utf-8")
    assert f"## {LEEDS_QUESTION}" in markdown and "[^1]:" in markdown and f"[^{referenced}]:" in markdown


def test_tracker_filters_then_ask(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.get_by_role("tab", name="Recommendations").click()
    total = shown_count(page, None)
    assert total > 0
    fill(page, "tracker-search", "foster")
    page.locator("#tracker-search textarea, #tracker-search input").first.press("Enter")
    filtered = shown_count(page, total)
    assert 0 < filtered < total
    cell(page, "#tracker-table", re.compile("foster", re.I)).click()
    page.locator("#recommendation-source mark").wait_for(state="visible")
    screenshot(page, "recommendations")
    fill(page, "tracker-search", "")
    page.locator("#tracker-search textarea, #tracker-search input").first.press("Enter")
    assert shown_count(page, filtered) == total
    choose(page, "tracker-council", "Leeds City Council")
    leeds = shown_count(page, total)
    assert 0 < leeds < total and all("Leeds" in c for c in page.locator("#tracker-table tbody tr td:first-child")
                                      .all_inner_texts() if c.strip())

    page.get_by_role("tab", name="Chat").click()
    ask(page, LEEDS_QUESTION, turns=1)
    assert "Leeds City Council" in page.locator("#source-1 summary").inner_text()


def test_library_lists_the_sample_reports(page, sample_url: str) -> None:  # noqa: ANN001
    page.goto(sample_url)
    page.get_by_role("tab", name="Documents").click()
    cell(page, "#library", "Leeds City Council").wait_for()
    assert cell(page, "#library", "Derby City Council").count() == 1
    screenshot(page, "documents")


def test_upload_odd_names_ask_then_remove(page, fresh_services: Services, tmp_path: Path,  # noqa: ANN001
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    paper = folder / "wibbleton_trees.txt"
    paper.write_text(NEW_PAPER, encoding="utf-8")
    dotted = folder / "..\\..\\gloomford_lido.txt"  # Gradio renames it ....gloomford_lido.txt, a dotfile
    dotted.write_text(DOTTED_PAPER, encoding="utf-8")
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    monkeypatch.chdir(isolate())  # Gradio's upload folder now lies under the working directory, as for `serve` in ~
    with running_app(fresh_services, tmp_path / "app") as url:
        papers = fresh_services.settings.upload_dir / "papers"
        page.goto(url)
        page.get_by_role("tab", name="Documents").click()
        page.locator("#upload input[type=file]").set_input_files([str(paper), str(dotted), str(empty)])
        page.locator("#add-documents").click()
        page.locator("#library-status").get_by_text("2 of 3 files added").wait_for()
        assert "the file is empty" in page.locator("#upload-results").inner_text()
        cell(page, "#library", "wibbleton_trees.txt").wait_for()
        cell(page, "#library", "gloomford_lido.txt").wait_for()
        assert not list(gradio_folder().rglob("wibbleton_trees.txt")), "the upload is still in Gradio's folder"

        page.get_by_role("tab", name="Chat").click()
        ask(page, "When will the Gloomford lido reopen?", turns=1)
        assert "June 2024" in last_answer(page).inner_text()
        ask(page, "What did the committee agree about tree planting in Memorial Park?", turns=2)
        assert "400" in last_answer(page).inner_text()
        assert "wibbleton_trees.txt" in page.locator("#source-1").inner_text()

        page.get_by_role("tab", name="Documents").click()
        choose(page, "remove-pick", "wibbleton_trees.txt")
        page.locator("#remove-document").click()
        page.locator("#library-status").get_by_text("Removed wibbleton_trees.txt.").wait_for()
        assert not (papers / "wibbleton_trees.txt").exists() and (papers / "gloomford_lido.txt").exists()
        page.get_by_role("tab", name="Chat").click()
        ask(page, "What did the committee agree about tree planting in Memorial Park?", turns=3)
        assert "wibbleton_trees.txt" not in page.locator("#sources-panel").inner_text()
