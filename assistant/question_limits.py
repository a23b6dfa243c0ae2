"""Limits on one question and its earlier conversation: not empty, not too long, valid text, a bounded history."""

from __future__ import annotations

from typing import Sequence

from assistant.settings import Settings

EXAMPLE_QUESTION = "What did Leeds decide about external placements?"


class QuestionRefused(ValueError):
    """A question the assistant will not search on; the message is one sentence saying why and what to do."""


def checked_question(question: str | None, history: Sequence[str] | None, settings: Settings) -> tuple[str, list[str]]:
    """The app's check: the question stripped, and the latest earlier questions up to the history limit.

    Raises QuestionRefused for an empty or over-long question or an over-long earlier question.
    """
    text = (question or "").strip()
    limit = settings.max_question_chars
    if not text:
        raise QuestionRefused(f'Give a question, e.g. "{EXAMPLE_QUESTION}"')
    if len(text) > limit:
        raise QuestionRefused(f"The question is {len(text):,} characters long; shorten it to at most {limit:,} "
                              "characters (SCRUTINY_MAX_QUESTION_CHARS).")
    kept = [str(turn) for turn in (history or [])][-settings.max_history_turns:] if settings.max_history_turns else []
    if any(len(turn) > limit for turn in kept):
        raise QuestionRefused(f"An earlier question in the history is over {limit:,} characters; "
                              "start a new conversation or shorten it.")
    return text, kept


def _text_problem(text: str, what: str, limit: int) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8 (e.g. from a Latin-1 terminal)
        return f"the {what} is not valid UTF-8 text; retype it or set your terminal to UTF-8"
    if len(text) > limit:
        return (f"the {what} is {len(text):,} characters, over the {limit:,}-character limit; shorten it "
                "(or raise SCRUTINY_MAX_QUESTION_CHARS)")
    return None


def question_problem(question: object, history: object, settings: Settings) -> str | None:
    """The command line's check: why this question (with its earlier questions, oldest first) cannot be asked,
    or None when it can. Unlike the app it refuses, rather than trims, a history over the limit."""
    if not isinstance(question, str):
        return f"the question must be text, not {type(question).__name__}"
    if not question.strip():
        return f"give a question, e.g. \"{EXAMPLE_QUESTION}\""
    problem = _text_problem(question, "question", settings.max_question_chars)
    if problem:
        return problem
    if history is None:
        return None
    if not isinstance(history, list) or not all(isinstance(item, str) for item in history):
        return "the history must be a list of earlier questions (text)"
    if len(history) > settings.max_history_questions:
        return (f"the history holds {len(history)} earlier questions, over the limit of "
                f"{settings.max_history_questions}; keep the latest ones (or raise SCRUTINY_MAX_HISTORY_QUESTIONS)")
    for item in history:
        problem = _text_problem(item, "earlier question", settings.max_question_chars)
        if problem:
            return problem
    return None
