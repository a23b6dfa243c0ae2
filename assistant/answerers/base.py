"""The interface every answerer implements: the engine tries its answerers in order until one answers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Protocol

import numpy as np

from assistant.query import QueryAnalysis
from assistant.results import Answer
from index.filters import SearchFilter
from index.records import StoredSentence
from index.retriever import Passage


@dataclass
class AnswerContext:
    """Everything an answerer may use: the question, its vector, the passages and (loaded on first use) their
    sentences."""

    question: str  # the standalone question, expanded for search
    query_vector: np.ndarray
    passages: list[Passage]
    load_sentences: Callable[[], list[StoredSentence]]
    term_weight: Callable[[str], float] = lambda term: 1.0
    analysis: QueryAnalysis = field(default_factory=QueryAnalysis)
    scope_terms: frozenset[str] = frozenset()  # the names of the councils searched, which every passage shares
    turn_question: str = ""  # this turn's own words ("what did the panel say?"), before the conversation's topic
    resolved: str = ""  # the standalone question before expansion
    search_filter: SearchFilter | None = None
    embed: Callable[[str], np.ndarray] | None = None  # the search's question embedder, for asking a part of it

    @cached_property
    def sentences(self) -> list[StoredSentence]:
        return self.load_sentences()

    def asking(self, question: str, analysis: QueryAnalysis) -> AnswerContext:
        """The same passages asked another question (one part of this one), their sentences loaded once."""
        sentences = self.sentences
        vector = self.query_vector if self.embed is None or question == self.question else self.embed(question)
        return replace(self, question=question, query_vector=vector, analysis=analysis, load_sentences=lambda: sentences)


class Answerer(Protocol):
    def answer(self, context: AnswerContext) -> Answer | None:
        """An answer (perhaps an abstention), or None when this answerer has nothing to say and the next should try."""
        ...
