"""The interface every answerer implements, so an LLM-backed one can replace the extractive default."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from assistant.query import QueryAnalysis
from assistant.results import Answer
from index.records import StoredSentence
from index.retriever import Passage


@dataclass
class AnswerContext:
    """Everything an answerer may use: the question, its vector, the passages and their sentences."""

    question: str
    query_vector: np.ndarray
    passages: list[Passage]
    sentences: list[StoredSentence]
    term_weight: Callable[[str], float] = lambda term: 1.0
    analysis: QueryAnalysis = field(default_factory=QueryAnalysis)
    scope_terms: frozenset[str] = frozenset()  # the names of the councils searched, which every passage shares


class Answerer(Protocol):
    def answer(self, context: AnswerContext) -> Answer: ...
