"""The chat's HTML: the conversation with clickable [n] markers, and the source cards they open; all text escaped."""

from __future__ import annotations

import html
import re
from typing import Any

from assistant.results import Citation

MARKER = re.compile(r"\[(\d+)\]")
SEARCHING = "Searching the papers…"
EMPTY_CONVERSATION = ("<div class='conversation' id='conversation-log'><p class='placeholder'>Ask about the papers in "
                      "the library, e.g. <i>What did Leeds decide about external placements?</i></p></div>")
NO_SOURCES = ("<div class='sources-scroll'><p class='no-sources'>Ask a question to see the passages its answer "
              "quotes.</p></div>")
NOTHING_CITED = ("<div class='sources-scroll'><p class='no-sources'>No passage answers this question, so there is "
                 "nothing to cite.</p></div>")


def highlight(text: str, quote: str) -> str:
    """The passage as HTML with the quote marked; the match tolerates the whitespace differences quotes may have."""
    words = quote.split()
    match = re.search(r"\s+".join(re.escape(word) for word in words), text) if words else None
    if match is None:
        return html.escape(text)
    return (html.escape(text[:match.start()]) + "<mark>" + html.escape(match.group(0)) + "</mark>"
            + html.escape(text[match.end():]))


def sources_html(citations: list[dict[str, Any]]) -> str:
    """One card per citation: its [n], reference and quote, opening onto the whole passage."""
    if not citations:
        return NOTHING_CITED
    cards = []
    for data in citations:
        citation = Citation(**data)
        cards.append(
            f"<details class='source-card' id='source-{citation.n}'>"
            f"<summary><b>[{citation.n}]</b> {html.escape(citation.reference())}"
            f"<span class='source-file'> · {html.escape(citation.source)}</span>"
            f"<blockquote><mark>{html.escape(citation.quote)}</mark></blockquote></summary>"
            f"<div class='passage'>{highlight(citation.text, citation.quote)}</div></details>"
        )
    return f"<div class='sources-scroll'>{''.join(cards)}</div>"


def answer_html(answer: str, cited: set[int], linked: bool) -> str:
    """The answer as escaped text; in the latest answer each [n] with a source card is a link that opens it."""
    def marker(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if linked and n in cited:
            return f"<a class='cite' href='#source-{n}' data-n='{n}' title='Open source {n}'>[{n}]</a>"
        return f"<b>[{n}]</b>" if n in cited else match.group(0)

    escaped = html.escape(answer)  # markers survive escaping unchanged: brackets and digits need none
    return MARKER.sub(marker, escaped)


def conversation_html(turns: list[dict[str, Any]], pending: str | None = None, partial: str | None = None) -> str:
    """Every turn, oldest first; `pending` is a question still being answered, shown with `partial` or a spinner."""
    if not turns and pending is None:
        return EMPTY_CONVERSATION
    parts = []
    for position, turn in enumerate(turns):
        latest = pending is None and position == len(turns) - 1
        cited = {int(c["n"]) for c in turn.get("citations", [])}
        style = "answer abstained" if turn.get("abstained") else "answer"
        footer = (f"<div class='answer-footer'>{html.escape(turn['footer'])}</div>" if turn.get("footer") else "")
        parts.append(f"<div class='turn'><div class='question'>{html.escape(turn['question'])}</div>"
                     f"<div class='{style}'>{answer_html(turn['answer'], cited, latest)}</div>{footer}</div>")
    if pending is not None:
        body = (f"<div class='answer'>{html.escape(partial)}</div>" if partial is not None else
                f"<div class='answer loading' role='status'><span class='spinner'></span>{SEARCHING}</div>")
        parts.append(f"<div class='turn'><div class='question'>{html.escape(pending)}</div>{body}</div>")
    settled = f" data-answered='{len(turns)}'" if pending is None else ""  # lets tests and scripts see it is done
    return f"<div class='conversation' id='conversation-log'{settled}>{''.join(parts)}</div>"
