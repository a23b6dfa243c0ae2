"""Limits on one question: not empty, not too long, and only a bounded stretch of earlier conversation."""

from __future__ import annotations

from typing import Sequence

from assistant.settings import Settings

EXAMPLE = "What did Leeds decide about external placements?"


class QuestionRefused(ValueError):
    """A question the assistant will not search on; the message is one sentence saying why and what to do."""


def checked_question(question: str | None, history: Sequence[str] | None, settings: Settings) -> tuple[str, list[str]]:
    """The question stripped, and the latest earlier questions up to the history limit.

    Raises QuestionRefused for an empty or over-long question or an over-long earlier question.
    """
    text = (question or "").strip()
    limit = settings.max_question_chars
    if not text:
        raise QuestionRefused(f'Give a question, e.g. "{EXAMPLE}"')
    if len(text) > limit:
        raise QuestionRefused(f"The question is {len(text):,} characters long; shorten it to at most {limit:,} "
                              "characters (SCRUTINY_MAX_QUESTION_CHARS).")
    kept = [str(turn) for turn in (history or [])][-settings.max_history_turns:] if settings.max_history_turns else []
    if any(len(turn) > limit for turn in kept):
        raise QuestionRefused(f"An earlier question in the history is over {limit:,} characters; "
                              "start a new conversation or shorten it.")
    return text, kept
