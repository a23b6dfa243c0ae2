"""Follow-up questions: resolves elliptical ones ("and Leeds?") from the earlier turns, and never repeats an answer."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from assistant.query import YEAR
from assistant.results import AnswerResult
from index.lexical import content_terms
from prompts import render

ELLIPTICAL_START = re.compile(r"^\s*(and|what about|how about|what of|also|and what|so|then|is it|has it|have they|"
                              r"did they|does it|was it|were they|when is|when was|who is)\b", re.IGNORECASE)
PRONOUN = re.compile(r"\b(it|its|that|this|they|them|those|these|there|he|she)\b", re.IGNORECASE)
# "Did its tax base go up?", "How often does it meet?": these always point back to something named
# before, however many words of its own the question has ("that", "this", "there" often do not: "that the ...").
REFERS_BACK = re.compile(r"\b(it|its|they|them|their|that one)\b", re.IGNORECASE)
SHORT_QUESTION_TERMS = 3
# A year counted from the one the earlier question names: "And the year after?", "Is that up on the previous year?"
RELATIVE_YEAR = re.compile(r"\b(?:the\s+)?(?:years?\s+(after|before)|(following|next|previous|prior|last)\s+"
                           r"(?:financial\s+)?year)\b", re.IGNORECASE)
LATER_WORDS = {"after", "following", "next"}


def needs_history(question: str) -> bool:
    """An elliptical question: starts like a continuation, leans on a pronoun, or names too little to search on."""
    terms = content_terms(question)
    return bool(ELLIPTICAL_START.match(question) or REFERS_BACK.search(question)
                or (PRONOUN.search(question) and len(terms) <= 4) or len(terms) < SHORT_QUESTION_TERMS)


def resolve_question(question: str, history: list[str]) -> str:
    """The question to search with: the latest standalone earlier question joined to this one when it is elliptical,
    or asked of another year when this one only moves the year ("And in 2027-28?")."""
    if not history or not needs_history(question):
        return question
    anchor = next((turn for turn in reversed(history) if not needs_history(turn)), history[-1])
    counted = _with_years_counted(question, anchor)
    return _anchor_in_year(counted, anchor) or f"{anchor} {counted}"


def _anchor_in_year(question: str, anchor: str) -> str | None:
    """For a follow-up that only moves the year ("And in 2027-28?", "And the year after?"), the anchor asked of that
    year: its last year ("... to receive in 2025-26?") replaced, so neither the search nor the answer holds to the
    year the anchor asked about. None when the follow-up asks more than a year, or the anchor names none."""
    years = [match.group(0) for match in YEAR.finditer(question)]
    anchor_years = list(YEAR.finditer(anchor))
    if len(set(years)) != 1 or not anchor_years or content_terms(RELATIVE_YEAR.sub(" ", YEAR.sub(" ", question))):
        return None
    last = anchor_years[-1]
    return f"{anchor[:last.start()]}{years[0]}{anchor[last.end():]}"


def _with_years_counted(question: str, anchor: str) -> str:
    """The follow-up with the year it counts from the anchor's written beside its words, so the search looks for it:
    "And the year after?" after a question about 2025-26 -> "And the year after (2026-27)?"."""
    anchor_years = list(YEAR.finditer(anchor))
    if not anchor_years or YEAR.search(question):
        return question

    def counted(match: re.Match[str]) -> str:
        step = 1 if (match.group(1) or match.group(2)).lower() in LATER_WORDS else -1
        return f"{match.group(0)} ({_shifted(anchor_years[-1], step)})"

    return RELATIVE_YEAR.sub(counted, question)


def _shifted(year: re.Match[str], step: int) -> str:
    """A year as written ("2025", "2025-26", "2025/26") moved on or back by step years, written the same way."""
    first = int(year.group(1)) + step
    if not year.group(2):
        return str(first)
    separator = year.group(0)[4:].rstrip("0123456789").strip() or "-"
    return f"{first}{separator}{(first + 1) % 100:02d}"


_WORD = re.compile(r"[\w'’-]+")


def topic_words(history: list[str]) -> str:
    """The conversation's topic: the content words of the anchor question (the latest standalone one), as written."""
    if not history:
        return ""
    anchor = next((turn for turn in reversed(history) if not needs_history(turn)), history[0])
    return " ".join(word for word in _WORD.findall(anchor) if content_terms(word))


def same_answer(answer: str, previous_answer: str | None) -> bool:
    """Whether two answers say the same thing word for word (spacing aside)."""
    return previous_answer is not None and " ".join(answer.split()) == " ".join(previous_answer.split())


def answer_follow_up(ask: Callable[[str, list[str]], AnswerResult], question: str, history: list[str],
                     previous_answer: str | None) -> AnswerResult:
    """Answers a question in a conversation, never repeating the previous answer for a different question.

    When the usual resolution (the anchor question joined to this one) gives back the previous answer, the question
    is asked again from its own words plus only the conversation's topic words; if that still repeats, the result
    says the papers add nothing, keeping the citations so the sources stay in view.
    """
    result = ask(question, history)
    if not history or not same_answer(result.answer, previous_answer) or _same_question(question, history[-1]):
        return result
    focused = f"{question} {topic_words(history)}".strip()
    retried = ask(focused, [])
    if not same_answer(retried.answer, previous_answer):
        return replace(retried, question=question, resolved_question=focused)
    return replace(result, answer=render("followup_same_answer"), abstained=True)


def _same_question(question: str, earlier: str) -> bool:
    return " ".join(question.lower().split()) == " ".join(earlier.lower().split())
