"""A scorer whose sentence order comes from one scorer and whose answer-or-refuse decision comes from a gate."""

from __future__ import annotations

from typing import Protocol

from assistant.answerers.base import AnswerContext
from assistant.answerers.extractive import SentenceScorer
from assistant.answerers.scored import ScoredSentence


class AnswerGate(Protocol):
    def answerable(self, context: AnswerContext) -> bool: ...


class GatedScorer:
    """Ranks with `ranker` and answers only when `gate` finds an answer: the hand scorer picks sentences better than
    the fitted ranker, while the fitted abstention model tells answerable from unanswerable questions better than the
    hand gate on the gold sets; an option, not the default (docs/rule-audit.md, twelfth session)."""

    def __init__(self, ranker: SentenceScorer, gate: AnswerGate) -> None:
        self.ranker = ranker
        self.gate = gate

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        ranked, _ = self.ranker.score(context)
        return ranked, self.gate.answerable(context)
