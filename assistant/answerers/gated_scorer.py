"""A scorer that answers only when its own gate and a second gate (the fitted abstention model) both find an answer."""

from __future__ import annotations

from typing import Protocol

from assistant.answerers.base import AnswerContext
from assistant.answerers.extractive import SentenceScorer
from assistant.answerers.scored import ScoredSentence


class AnswerGate(Protocol):
    def answerable(self, context: AnswerContext) -> bool: ...


class GatedScorer:
    """Ranks with `ranker` and answers only when the ranker's own gate and `gate` both find an answer. The hand
    scorer's gate asks for a relevant sentence of the kind asked near the top; the fitted abstention model weighs
    the whole candidate list. On the dev questions each refuses unanswerable questions the other answers, and at
    the chosen threshold the pair refuses more of them at no cost in false refusals (docs/rule-audit.md)."""

    def __init__(self, ranker: SentenceScorer, gate: AnswerGate) -> None:
        self.ranker = ranker
        self.gate = gate

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        ranked, answered = self.ranker.score(context)
        return ranked, answered and self.gate.answerable(context)
