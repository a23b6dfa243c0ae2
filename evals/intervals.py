"""95% bootstrap intervals of a split's headline figures and of the dev-test gap, resampling papers, not questions.

Questions about one paper succeed or fail together (a paper read badly fails all of them), so resampling single
questions would make the intervals too narrow; each draw takes papers with replacement and every question about a
drawn paper. An unanswerable question names no paper and counts as a paper of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evals.gold import GoldQuestion
from evals.metrics import QuestionScore

DRAWS = 2000
SEED = 0  # the same report gives the same intervals
LEVEL = 0.95
# (metric, numerator column, denominator column) over the per-paper sums in PaperSums.columns
FIGURES = (("key_fact_recall", "key_facts", "answerable"), ("citation_hit", "cited", "answerable"),
           ("abstention_recall", "refused", "unanswerable"), ("false_abstention", "false_refusals", "answerable"))


@dataclass
class PaperSums:
    """Per paper: how many questions of each kind, and the sums each figure divides."""

    columns: dict[str, np.ndarray]

    @classmethod
    def of(cls, questions: list[GoldQuestion], scores: list[QuestionScore]) -> PaperSums:
        papers: dict[str, int] = {}
        for question in questions:
            papers.setdefault(_paper(question), len(papers))
        names = ("answerable", "key_facts", "cited", "unanswerable", "refused", "false_refusals")
        columns = {name: np.zeros(len(papers)) for name in names}
        for question, score in zip(questions, scores):
            at = papers[_paper(question)]
            if score.should_abstain:
                columns["unanswerable"][at] += 1
                columns["refused"][at] += score.abstained
            else:
                columns["answerable"][at] += 1
                columns["key_facts"][at] += score.key_fact_recall or 0.0
                columns["cited"][at] += bool(score.citation_hit)
                columns["false_refusals"][at] += score.abstained
        return cls(columns)

    def draws(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Each figure over DRAWS resamplings of the papers (NaN where a draw holds no question it applies to)."""
        papers = len(next(iter(self.columns.values())))
        picks = rng.integers(0, papers, size=(DRAWS, papers))
        summed = {name: column[picks].sum(axis=1) for name, column in self.columns.items()}
        with np.errstate(invalid="ignore", divide="ignore"):
            return {metric: summed[numerator] / summed[denominator] for metric, numerator, denominator in FIGURES}


def _paper(question: GoldQuestion) -> str:
    """The paper a question is about: its first source, or for an unanswerable question itself."""
    return question.sources[0] if question.sources else f"question {question.id}"


def _bounds(values: np.ndarray) -> list[float] | None:
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    tail = (1 - LEVEL) / 2 * 100
    return [round(float(np.percentile(values, tail)), 3), round(float(np.percentile(values, 100 - tail)), 3)]


def split_intervals(questions: list[GoldQuestion], scores: list[QuestionScore]) -> dict[str, dict[str, list[float] | None]]:
    """{"dev": {metric: [low, high]}, "test": ..., "gap": {metric: [low, high] of dev minus test}} for the splits
    present; the gap only when both are."""
    rng = np.random.default_rng(SEED)
    draws = {}
    for split in sorted({q.split for q in questions}, reverse=True):
        chosen = [(q, s) for q, s in zip(questions, scores) if q.split == split]
        draws[split] = PaperSums.of([q for q, _ in chosen], [s for _, s in chosen]).draws(rng)
    intervals = {split: {metric: _bounds(values) for metric, values in figures.items()} for split, figures in draws.items()}
    if {"dev", "test"} <= draws.keys():
        intervals["gap"] = {metric: _bounds(draws["dev"][metric] - draws["test"][metric]) for metric, *_ in FIGURES}
    return intervals
