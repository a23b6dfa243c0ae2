"""Resolves elliptical follow-up questions ("and Leeds?", "what about 24?") by carrying over the earlier turn's topic."""

from __future__ import annotations

import re

from index.lexical import content_terms

ELLIPTICAL_START = re.compile(r"^\s*(and|what about|how about|what of|also|and what|so|then|is it|has it|have they|"
                              r"did they|does it|was it|were they|when is|when was|who is)\b", re.IGNORECASE)
PRONOUN = re.compile(r"\b(it|its|that|this|they|them|those|these|there|he|she)\b", re.IGNORECASE)
SHORT_QUESTION_TERMS = 3


def needs_history(question: str) -> bool:
    """An elliptical question: starts like a continuation, leans on a pronoun, or names too little to search on."""
    terms = content_terms(question)
    return bool(ELLIPTICAL_START.match(question) or (PRONOUN.search(question) and len(terms) <= 4)
                or len(terms) < SHORT_QUESTION_TERMS)


def resolve_question(question: str, history: list[str]) -> str:
    """The question to search with: the latest standalone earlier question joined to this one when it is elliptical."""
    if not history or not needs_history(question):
        return question
    anchor = next((turn for turn in reversed(history) if not needs_history(turn)), history[-1])
    return f"{anchor} {question}"
