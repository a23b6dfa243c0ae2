"""The Chat tab: streamed answers, a sources panel with highlighted quotes, filters and a briefing-quote copier."""

from __future__ import annotations

import html
import re
import time
from typing import Any, Iterator

import gradio as gr

from assistant.app_answer import answer_footer, drafts_then_answer
from assistant.app_common import AppContext
from assistant.results import AnswerResult, Citation
from index.filters import SearchFilter
from prompts import render

_WORD = re.compile(r"\S+\s*")
_MARKER = re.compile(r"\[(\d+)\]")
WORDS_PER_STEP = 3
STEP_SECONDS = 0.02
NO_SOURCES = "<p class='no-sources'>Ask a question to see the passages its answer quotes.</p>"


def build_filter(councils: list[str] | None, year_from: float | None, year_to: float | None,
                 sources: list[str] | None) -> SearchFilter:
    """Empty inputs mean no restriction; the year boxes may be blank."""
    return SearchFilter(councils=tuple(councils or ()), sources=tuple(sources or ()),
                        year_from=int(year_from) if year_from else None, year_to=int(year_to) if year_to else None)


def highlight(text: str, quote: str) -> str:
    """The passage as HTML with the quote marked; the match tolerates the whitespace differences quotes may have."""
    words = quote.split()
    match = re.search(r"\s+".join(re.escape(word) for word in words), text) if words else None
    if match is None:
        return html.escape(text)
    return (html.escape(text[:match.start()]) + "<mark>" + html.escape(match.group(0)) + "</mark>"
            + html.escape(text[match.end():]))


def sources_html(result: AnswerResult) -> str:
    """One card per citation: its [n], reference and quote, opening onto the whole passage."""
    if not result.citations:
        return "<p class='no-sources'>No passage answers this question, so there is nothing to cite.</p>"
    cards = []
    for citation in result.citations:
        cards.append(
            f"<details class='source-card' id='source-{citation.n}'>"
            f"<summary><b>[{citation.n}]</b> {html.escape(citation.reference())}"
            f"<span class='source-file'> · {html.escape(citation.source)}</span>"
            f"<blockquote><mark>{html.escape(citation.quote)}</mark></blockquote></summary>"
            f"<div class='passage'>{highlight(citation.text, citation.quote)}</div></details>"
        )
    return "".join(cards)


def briefing_quote(citation: dict[str, Any]) -> str:
    """Quote plus reference as plain text, ready to paste into a briefing."""
    record = Citation(**citation)
    return render("briefing_reference", quote=record.quote, reference=record.reference())


def answer_markdown(result: AnswerResult) -> str:
    """The answer with its [n] markers in bold so they stand out against the sources panel's numbers."""
    text = _MARKER.sub(r"**[\1]**", result.answer)
    return f"_{text}_" if result.abstained else text


def _stream(text: str) -> Iterator[str]:
    """The answer a few words at a time; the extractive engine is fast, so this only paces the display."""
    words = _WORD.findall(text)
    for end in range(WORDS_PER_STEP, len(words) + WORDS_PER_STEP, WORDS_PER_STEP):
        yield "".join(words[:end])


def build_chat_tab(context: AppContext) -> dict[str, gr.components.Component]:
    """Lays out the tab and wires its events; returns the filter inputs so other tabs can refresh their choices."""
    questions = gr.State([])
    citations = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chatbot", buttons=["copy"],
                                 feedback_options=None,
                                 placeholder="Ask about the papers in the library, e.g. "
                                             "*What did Leeds decide about external placements?*")
            with gr.Row():
                question = gr.Textbox(placeholder="Ask a question; follow-ups use the conversation so far",
                                      show_label=False, scale=5, elem_id="question", submit_btn="Ask")
                clear = gr.Button("New conversation", scale=1, variant="secondary")
            with gr.Accordion("Filters", open=False, elem_id="filters"):
                with gr.Row():
                    councils = gr.Dropdown(label="Councils", multiselect=True, choices=context.councils())
                    sources = gr.Dropdown(label="Documents", multiselect=True, choices=context.sources())
                with gr.Row():
                    year_from = gr.Number(label="From year", precision=0, minimum=1900, maximum=2100)
                    year_to = gr.Number(label="To year", precision=0, minimum=1900, maximum=2100)
        with gr.Column(scale=2):
            gr.Markdown("### Sources\nEach [n] in the answer is the passage of the same number; open it to read the "
                        "quote in context.")
            panel = gr.HTML(NO_SOURCES, elem_id="sources-panel", js_on_load=None)
            pick = gr.Radio(label="Copy as briefing quote", choices=[], elem_id="briefing-pick")
            briefing = gr.Textbox(label="Briefing quote (plain text)", lines=4, buttons=["copy"],
                                  interactive=False, elem_id="briefing-quote")

    def respond(text: str, messages: list[dict], asked: list[str], council_list: list[str], first: float | None,
                last: float | None, source_list: list[str]) -> Iterator[tuple]:
        text = (text or "").strip()
        if not text:
            yield messages, asked, gr.update(), gr.update(), gr.update(), gr.update(), ""
            return
        if context.services.store.count() == 0:
            messages = [*messages, {"role": "user", "content": text},
                        {"role": "assistant", "content": "The library is empty; add papers on the Documents tab first."}]
            yield messages, asked, gr.update(), gr.update(), gr.update(), gr.update(), ""
            return
        messages = [*messages, {"role": "user", "content": text}, {"role": "assistant", "content": ""}]
        result, drafted = None, False
        for draft, result in drafts_then_answer(context, text, asked, build_filter(council_list, first, last,
                                                                                   source_list)):
            if draft:  # the language model's words as it writes them; the checked answer replaces them
                drafted = True
                messages[-1] = {"role": "assistant", "content": draft}
                yield messages, asked, gr.update(), gr.update(), gr.update(), gr.update(), ""
        for partial in ([] if drafted else _stream(result.answer)):
            messages[-1] = {"role": "assistant", "content": partial}
            yield messages, asked, gr.update(), gr.update(), gr.update(), gr.update(), ""
            time.sleep(STEP_SECONDS)
        messages[-1] = {"role": "assistant", "content": answer_markdown(result) + answer_footer(context, result)}
        cited = [citation.to_json() for citation in result.citations]
        choices = [(f"[{c['n']}] {Citation(**c).reference()}", c["n"]) for c in cited]
        first_quote = briefing_quote(cited[0]) if cited else ""
        yield (messages, [*asked, text], cited, sources_html(result),
               gr.update(choices=choices, value=choices[0][1] if choices else None), first_quote, "")

    def choose(n: int | None, cited: list[dict]) -> str:
        chosen = [c for c in cited if c["n"] == n]
        return briefing_quote(chosen[0]) if chosen else ""

    def reset() -> tuple:
        return [], [], [], NO_SOURCES, gr.update(choices=[], value=None), "", ""

    outputs = [chatbot, questions, citations, panel, pick, briefing, question]
    question.submit(respond, [question, chatbot, questions, councils, year_from, year_to, sources], outputs,
                    api_visibility="private")
    clear.click(reset, None, outputs, api_visibility="private")
    chatbot.clear(reset, None, outputs, api_visibility="private")  # the chat's own bin icon also forgets the history
    pick.change(choose, [pick, citations], briefing, api_visibility="private")
    return {"councils": councils, "sources": sources}
