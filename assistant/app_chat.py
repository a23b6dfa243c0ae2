"""The Chat tab: the conversation with clickable citations, source cards, filters, briefing quotes and export."""

from __future__ import annotations

import html
import logging
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from assistant.app_answer import answer_footer, drafts_then_answer
from assistant.app_common import AppContext
from assistant.app_transcript import (NO_SOURCES, conversation_html, sources_html)
from assistant.briefing import BriefingTurn, briefing_docx, briefing_markdown
from assistant.question_limits import QuestionRefused, checked_question
from assistant.results import Citation
from index.filters import SearchFilter
from prompts import render

log = logging.getLogger(__name__)
_WORD = re.compile(r"\S+\s*")
_YEAR = re.compile(r"^\d{4}$")
FIRST_YEAR, LAST_YEAR = 1900, 2100
WORDS_PER_STEP = 3
STEP_SECONDS = 0.02
EXPORT_DIR = "scrutiny-briefings"
# Opens the card of a clicked [n] and scrolls it into view; as the conversation grows, scrolls so the newest
# question sits at the top of the box with its answer below, so a long answer never pushes its question away.
CONVERSATION_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.cite');
  if (!link) return;
  event.preventDefault();
  const card = document.getElementById('source-' + link.dataset.n);
  if (!card) return;
  document.querySelectorAll('.source-card.cited').forEach((other) => other.classList.remove('cited'));
  card.open = true;
  card.classList.add('cited');
  card.scrollIntoView({block: 'nearest'});
});
if (typeof watch === 'function') {
  watch('value', () => {
    const log = element.querySelector('.conversation');
    const newest = log && log.lastElementChild;
    if (newest) log.scrollTop += newest.getBoundingClientRect().top - log.getBoundingClientRect().top;
  });
}
"""


def parse_year(text: str | None, label: str) -> int | None:
    """A year typed in a filter box; blank means no limit. Raises QuestionRefused naming the box."""
    value = (text or "").strip()
    if not value:
        return None
    if not _YEAR.match(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise QuestionRefused(f"'{label}' must be a year between {FIRST_YEAR} and {LAST_YEAR}, such as 2023, "
                              "or left empty for no limit.")
    return int(value)


def build_filter(councils: list[str] | None, year_from: str | None, year_to: str | None,
                 sources: list[str] | None) -> tuple[SearchFilter, str]:
    """The search filter from the Filters panel, and a note when a reversed year range was swapped.

    Empty inputs mean no restriction. Raises QuestionRefused for a year box holding something other than a year.
    """
    first, last = parse_year(year_from, "From year"), parse_year(year_to, "To year")
    note = ""
    if first is not None and last is not None and first > last:
        note = f"Years {first} to {last} were read as {last} to {first}."
        first, last = last, first
    return SearchFilter(councils=tuple(councils or ()), sources=tuple(sources or ()), year_from=first,
                        year_to=last), note


def briefing_quote(citation: dict[str, Any]) -> str:
    """Quote plus reference as plain text, ready to paste into a briefing."""
    record = Citation(**citation)
    return render("briefing_reference", quote=record.quote, reference=record.reference())


def export_briefing(turns: list[dict[str, Any]], conversation_id: str) -> tuple[str, str]:
    """Writes the conversation as briefing.docx and briefing.md in the conversation's own temporary folder."""
    folder = Path(tempfile.gettempdir()) / EXPORT_DIR / conversation_id
    briefing = [BriefingTurn.from_json(turn) for turn in turns]
    word = briefing_docx(briefing, folder / "briefing.docx")
    markdown = folder / "briefing.md"
    markdown.write_text(briefing_markdown(briefing), encoding="utf-8")
    return str(word), str(markdown)


def failure_message(error: Exception, context: AppContext) -> str:
    """One sentence for a question that failed for a reason other than its own wording."""
    settings = context.services.settings
    if settings.chroma_host:
        return (f"The question could not be answered: the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} did not answer ({error.__class__.__name__}); try again in a moment.")
    return (f"The question could not be answered: the index could not be searched ({error.__class__.__name__}); "
            "try again, and tell your administrator if it keeps happening.")


def status_html(message: str, kind: str = "error") -> str:
    return f"<p class='chat-status {kind}'>{html.escape(message)}</p>" if message else ""


def _stream(text: str) -> Iterator[str]:
    """The answer a few words at a time; the extractive engine is fast, so this only paces the display."""
    words = _WORD.findall(text)
    for end in range(WORDS_PER_STEP, len(words) + WORDS_PER_STEP, WORDS_PER_STEP):
        yield "".join(words[:end])


def _chain(first_draft: str, rest: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    yield first_draft, None
    yield from rest


def build_chat_tab(context: AppContext) -> dict[str, gr.components.Component]:
    """Lays out the tab and wires its events; returns the filter inputs so other tabs can refresh their choices."""
    turns = gr.State([])
    conversation_id = gr.State("")
    with gr.Row(equal_height=False, elem_classes="calm"):  # Gradio's timers are hidden here: see CSS in app.py
        with gr.Column(scale=3):
            conversation = gr.HTML(conversation_html([]), elem_id="conversation", js_on_load=CONVERSATION_JS)
            question = gr.Textbox(placeholder="Ask a question; follow-ups use the conversation so far",
                                  show_label=False, elem_id="question", submit_btn="Ask", lines=1, max_lines=3)
            status = gr.HTML("", elem_id="chat-status", js_on_load=None)
            with gr.Row():
                clear = gr.Button("New conversation", variant="secondary", size="sm", elem_id="new-conversation")
                export_word = gr.DownloadButton("Export briefing (Word)", size="sm", interactive=False,
                                                elem_id="export-docx")
                export_markdown = gr.DownloadButton("Export briefing (Markdown)", size="sm", interactive=False,
                                                    elem_id="export-md")
            with gr.Accordion("Filters", open=False, elem_id="filters"):
                with gr.Row():
                    councils = gr.Dropdown(label="Councils", multiselect=True, choices=context.councils(),
                                           elem_id="filter-councils")
                    sources = gr.Dropdown(label="Documents", multiselect=True, choices=context.sources(),
                                          elem_id="filter-documents")
                with gr.Row():
                    year_from = gr.Textbox(label="From year", placeholder="any", max_lines=1, elem_id="year-from")
                    year_to = gr.Textbox(label="To year", placeholder="any", max_lines=1, elem_id="year-to")
        with gr.Column(scale=2):
            gr.Markdown("**Sources**: click an [n] in the answer, or open a card, to read the quote in context.")
            panel = gr.HTML(NO_SOURCES, elem_id="sources-panel", js_on_load=None)
            pick = gr.Dropdown(label="Briefing quote from source", choices=[], elem_id="briefing-pick")
            briefing = gr.Textbox(show_label=False, lines=3, max_lines=3, buttons=["copy"], interactive=False,
                                  placeholder="The chosen source's quote and reference, ready to paste",
                                  elem_id="briefing-quote")
    same = gr.update()

    def respond(text: str, asked: list[dict], chat_id: str, council_list: list[str], first: str | None,
                last: str | None, source_list: list[str]) -> Iterator[tuple]:
        def refused(message: str) -> tuple:  # the conversation as it was, the question back in its box
            return (conversation_html(asked), asked, chat_id, same, same, same, text, status_html(message), same, same)

        try:
            search_filter, note = build_filter(council_list, first, last, source_list)
            asked_text, _ = checked_question(text, [], context.services.settings)
        except QuestionRefused as error:
            yield refused(str(error))
            return
        if context.services.store.count() == 0:
            yield refused("The library is empty; add papers on the Documents tab first.")
            return
        yield (conversation_html(asked, pending=asked_text), asked, chat_id, same, same, same, "",
               status_html(note, "note"), same, same)
        previous = asked[-1]["answer"] if asked else None
        drafts = drafts_then_answer(context, asked_text, [turn["question"] for turn in asked], search_filter, previous)
        try:
            first_draft, result = next(drafts)
            drafts = iter([(first_draft, result)]) if result is not None else _chain(first_draft, drafts)
        except QuestionRefused as error:
            yield refused(str(error))
            return
        except Exception as error:  # noqa: BLE001 - any failure below is told in one sentence, the question kept
            log.exception("question failed: %s", asked_text[:200])
            yield refused(failure_message(error, context))
            return
        drafted = False
        for draft, final in drafts:
            if final is not None:
                result = final
            elif draft:  # the language model's words as it writes them; the checked answer replaces them
                drafted = True
                yield (conversation_html(asked, pending=asked_text, partial=draft), asked, chat_id, same, same, same,
                       "", same, same, same)
        for partial in ([] if drafted else _stream(result.answer)):
            yield (conversation_html(asked, pending=asked_text, partial=partial), asked, chat_id, same, same, same,
                   "", same, same, same)
            time.sleep(STEP_SECONDS)
        cited = [citation.to_json() for citation in result.citations]
        turn = {"question": asked_text, "answer": result.answer, "abstained": result.abstained, "citations": cited,
                "footer": answer_footer(context, result), "other_versions": result.other_versions,
                "cautioned": result.cautioned}
        history = [*asked, turn]
        chat_id = chat_id or uuid.uuid4().hex
        word, markdown = export_briefing(history, chat_id)
        choices = [(f"[{c['n']}] {Citation(**c).reference()}", c["n"]) for c in cited]
        yield (conversation_html(history), history, chat_id, sources_html(cited),
               gr.update(choices=choices, value=choices[0][1] if choices else None),
               briefing_quote(cited[0]) if cited else "", "", same,
               gr.update(value=word, interactive=True), gr.update(value=markdown, interactive=True))

    def choose(n: int | None, asked: list[dict]) -> str:
        chosen = [c for c in (asked[-1]["citations"] if asked else []) if c["n"] == n]
        return briefing_quote(chosen[0]) if chosen else ""

    def reset() -> tuple:
        return (conversation_html([]), [], "", NO_SOURCES, gr.update(choices=[], value=None), "", "", "",
                gr.update(value=None, interactive=False), gr.update(value=None, interactive=False))

    outputs = [conversation, turns, conversation_id, panel, pick, briefing, question, status, export_word,
               export_markdown]
    question.submit(respond, [question, turns, conversation_id, councils, year_from, year_to, sources], outputs,
                    api_visibility="private", show_progress="hidden")
    clear.click(reset, None, outputs, api_visibility="private", show_progress="hidden")
    pick.change(choose, [pick, turns], briefing, api_visibility="private", show_progress="hidden")
    return {"councils": councils, "sources": sources}
