"""Asks on a worker thread so the chat can show the language model's draft as it is written, then the checked answer
with a line saying which model wrote it and what the checks removed."""

from __future__ import annotations

import queue
import threading
from typing import Iterator

from assistant.answerers.llm import draft_listener
from assistant.app_common import AppContext
from assistant.llm_backend import model_label
from assistant.results import LLM, AnswerResult
from index.filters import SearchFilter
from prompts import render


def drafts_then_answer(context: AppContext, question: str, history: list[str], search_filter: SearchFilter | None,
                       previous_answer: str | None = None) -> Iterator[tuple[str, AnswerResult | None]]:
    """Yields (draft so far, None) while the model writes, then ("", the checked result) once."""
    updates: queue.Queue[str | AnswerResult | Exception] = queue.Queue()

    def work() -> None:
        draft_listener.set(updates.put)  # this thread's own context: other questions' drafts stay apart
        try:
            updates.put(context.ask(question, history, search_filter, previous_answer))
        except Exception as error:  # noqa: BLE001 - handed to the caller's thread, which raises it
            updates.put(error)

    threading.Thread(target=work, daemon=True).start()
    while True:
        update = updates.get()
        while isinstance(update, str) and not updates.empty():  # show the latest draft, skip the stale ones
            update = updates.get()
        if isinstance(update, Exception):
            raise update
        if isinstance(update, AnswerResult):
            yield "", update
            return
        if update:  # the model's stream opens with an empty piece: nothing to show yet
            yield update, None


def answer_footer(context: AppContext, result: AnswerResult) -> str:
    """The line under an answer: the model that wrote it and what the checks removed, and any note."""
    lines = []
    if result.answerer == LLM:
        total = result.kept_sentences + result.removed_sentences
        lines.append(render("llm_checked_line", model=model_label(context.services.settings),
                            removed=result.removed_sentences, total=total))
        lines += [render("caution")] if result.cautioned else []
    else:
        lines += result.notes  # why the model's answer is not shown; a model answer's line already counts removals
    lines += result.other_versions
    return "\n".join(lines)  # shown as text under the answer
