"""The fitted sentence ranker and abstention model: logistic regressions whose weights ship in a data file, and the
scorer that applies them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.answerers.base import AnswerContext
from assistant.answerers.features import (QUESTION_FEATURES, SENTENCE_FEATURES, SentenceFeaturiser, question_features,
                                          wants_typed)
from assistant.answerers.scored import ScoredSentence
from index.logistic import LogisticModel, read_model_file
from index.records import StoredChunk, StoredSentence

SentenceRow = tuple[StoredSentence, StoredChunk, int, np.ndarray]  # as SentenceFeaturiser.rows gives them
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "scoring.json"


@dataclass(frozen=True)
class FittedScoring:
    """Which sentence answers (ranker), and whether any does (abstainer, refusing below the threshold)."""

    ranker: LogisticModel
    abstainer: LogisticModel
    answerable_threshold: float  # chosen on the dev questions for at most 5% false refusals

    def to_json(self) -> dict:
        return {"ranker": self.ranker.to_json(), "abstainer": self.abstainer.to_json(),
                "answerable_threshold": self.answerable_threshold}


@lru_cache(maxsize=4)
def load_scoring(path: Path = MODEL_FILE) -> FittedScoring:
    """The shipped models; a missing or stale file says how to rebuild it."""
    data = read_model_file(path, "fitted scoring models")
    return FittedScoring(LogisticModel.from_json(data["ranker"], SENTENCE_FEATURES, path),
                         LogisticModel.from_json(data["abstainer"], QUESTION_FEATURES, path),
                         float(data["answerable_threshold"]))


class FittedScorer:
    """Ranks sentences with the fitted ranker; the question counts as answered when the fitted abstention model's
    probability reaches its threshold, and an answer is doubtful below caution_threshold. Loaded on first use, so
    that fitting can use the engine before a file exists."""

    def __init__(self, model_file: Path = MODEL_FILE, answerable_threshold: float | None = None,
                 caution_threshold: float = 0.0) -> None:
        self.model_file = model_file
        self.answerable_threshold = answerable_threshold  # None: the one `make train` chose
        self.caution_threshold = caution_threshold
        # the gate and the caution judge the same context one after the other: judged once. Matched by identity, so
        # a context another thread judged meanwhile is judged anew, never mistaken for this one
        self._last: tuple[AnswerContext, tuple[list[SentenceRow], np.ndarray, float]] | None = None

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        rows, probabilities, answerable = self._judged(context)
        scored = [ScoredSentence(sentence, chunk, position, float(p))
                  for (sentence, chunk, position, _), p in zip(rows, probabilities)]
        return sorted(scored, key=lambda s: s.score, reverse=True), answerable

    def answerable(self, context: AnswerContext) -> bool:
        """Only the decision, for a scorer that ranks with another (`GatedScorer`)."""
        return self._judged(context)[2]

    def doubtful(self, context: AnswerContext) -> bool:
        """The papers may not state what was asked: answered, but with a probability below caution_threshold."""
        return self._probabilities(context)[2] < self.caution_threshold

    def _judged(self, context: AnswerContext) -> tuple[list[SentenceRow], np.ndarray, bool]:
        """The candidate sentences' rows, each one's probability of answering, and whether the papers answer."""
        rows, probabilities, answer_probability = self._probabilities(context)
        scoring = load_scoring(self.model_file)
        threshold = scoring.answerable_threshold if self.answerable_threshold is None else self.answerable_threshold
        return rows, probabilities, bool(rows) and answer_probability >= threshold

    def _probabilities(self, context: AnswerContext) -> tuple[list[SentenceRow], np.ndarray, float]:
        """The candidate sentences' rows, each one's probability of answering, and the probability the papers answer."""
        last = self._last
        if last is not None and last[0] is context:
            return last[1]
        scoring = load_scoring(self.model_file)
        featuriser = SentenceFeaturiser(context)
        rows = featuriser.rows()
        if not rows:
            judged: tuple[list[SentenceRow], np.ndarray, float] = ([], np.empty(0), 0.0)
        else:
            features = np.array([row[3] for row in rows])
            probabilities = scoring.ranker.probability(features)
            question_row = question_features(probabilities, features, wants_typed(context.analysis),
                                             featuriser.found_anywhere(), featuriser.count_missing(rows))
            judged = (rows, probabilities, float(scoring.abstainer.probability(question_row[None, :])[0]))
        self._last = (context, judged)
        return judged
