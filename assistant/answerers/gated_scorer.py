"""A scorer whose sentence order comes from one scorer and whose answer-or-refuse decision comes from another."""

from __future__ import annotations

from assistant.answerers.base import AnswerContext
from assistant.answerers.scored import ScoredSentence
from assistant.answerers.extractive import SentenceScorer


class GatedScorer:
    """Ranks with `ranker` and answers only when `gate` finds an answer: the hand scorer picks sentences better than
    the fitted ranker, while the fitted abstention model tells answerable from unanswerable questions better than the
    hand gate on the gold sets; an option, not the default (docs/rule-audit.md, twelfth session)."""

    def __init__(self, ranker: SentenceScorer, gate: SentenceScorer) -> None:
        self.ranker = ranker
        self.gate = gate

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        ranked, _ = self.ranker.score(context)
        _, answerable = self.gate.score(context)
        return ranked, answerable
