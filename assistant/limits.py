"""Checks a question and its history against the configured limits, with one sentence saying what is wrong."""

from __future__ import annotations

from assistant.settings import Settings

EXAMPLE_QUESTION = "What did Leeds decide about external placements?"


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
    """Why this question (with its earlier questions, oldest first) cannot be asked, or None when it can."""
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
