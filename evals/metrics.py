"""Deterministic answer metrics: retrieval hit@k and MRR, citation hit and precision, key-fact recall, quote fidelity, abstention and latency."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from evals.gold import GoldQuestion

HIT_KS = (1, 5, 10)
DEFAULT_WORD_LIMIT = 150
# Kinds whose good answers enumerate or compare, so they get a longer window.
LONG_KINDS = {"list": 300, "cross_doc": 300, "plain_language": 300}
_WS = re.compile(r"\s+")
_MARKER = re.compile(r"\[\d+\]")


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


# Papers print curly quotes and dashes where gold answers type straight ones: the same words either way.
TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Whitespace collapsed, quotes and dashes straightened, lower-cased: how evidence and key facts are compared
    with passages and answers."""
    return collapse(text.translate(TYPOGRAPHY)).lower()


@dataclass
class Cited:
    source: str
    quote: str
    text: str
    page: int | None = None


@dataclass
class Attempt:
    """What one system did with one question, in a shape both our engine and the baseline produce."""

    answer: str
    abstained: bool
    citations: list[Cited]
    retrieved: list[str]
    latency_ms: float
    kept_sentences: int = 0  # a language model's sentences shown, and those its checks removed
    removed_sentences: int = 0
    answerer: str = ""  # which of our answerers wrote the answer shown ("llm" or "extractive")
    cautioned: bool = False  # shown with a note that the papers may not state what was asked


@dataclass
class QuestionScore:
    """Per-question metrics; None means the metric does not apply (e.g. citation hit on an unanswerable question)."""

    id: str
    type: str
    should_abstain: bool
    abstained: bool
    hits: dict[int, bool | None] = field(default_factory=dict)
    reciprocal_rank: float | None = None
    citation_hit: bool | None = None
    citation_precision: float | None = None
    key_fact_recall: float | None = None
    quotes: int = 0
    verbatim_quotes: int = 0
    latency_ms: float = 0.0
    cautioned: bool = False

    @property
    def wrong(self) -> bool:
        """Answered, though the papers do not answer it or the answer states none of the key facts."""
        return not self.abstained and (self.should_abstain or self.key_fact_recall == 0.0)

    @property
    def failed(self) -> bool:
        """A question worth showing: a wrong abstention, a missed fact or citation, or an unfaithful quote."""
        if self.should_abstain or self.abstained:
            return self.should_abstain != self.abstained
        return (self.key_fact_recall or 0.0) < 1.0 or not self.citation_hit or self.verbatim_quotes < self.quotes

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["hits"] = {f"hit@{k}": v for k, v in self.hits.items()}
        data["failed"] = self.failed
        return data


def contains_evidence(passage: str, evidence: tuple[str, ...]) -> bool:
    """Evidence is matched without its spaces: PDF readers space punctuation differently ("However , capital" where
    the engine's reader has "However, capital"; "2024- 2030"), and a whole sentence cannot match by accident."""
    haystack = _spaceless(passage)
    return any(_spaceless(item) in haystack for item in evidence)


def _spaceless(text: str) -> str:
    return _WS.sub("", normalise(text))


def first_words(text: str, limit: int) -> str:
    """The answer's first `limit` words, citation markers removed so they do not eat the budget."""
    return " ".join(_MARKER.sub(" ", text).split()[:limit])


def key_fact_recall(answer: str, must_include: tuple[str, ...], kind: str) -> float:
    window = normalise(first_words(answer, LONG_KINDS.get(kind, DEFAULT_WORD_LIMIT)))
    return sum(normalise(fact) in window for fact in must_include) / len(must_include)


def is_verbatim(quote: str, source_text: str | None) -> bool:
    """Independent of the engine's own check on purpose: the evaluation must not share its bugs."""
    return bool(source_text) and bool(collapse(quote)) and collapse(quote) in collapse(source_text)


def score(gold: GoldQuestion, attempt: Attempt, source_text: Callable[[str], str | None]) -> QuestionScore:
    result = QuestionScore(gold.id, gold.type, not gold.answerable, attempt.abstained, latency_ms=attempt.latency_ms,
                           cautioned=attempt.cautioned)
    result.quotes = len(attempt.citations)
    result.verbatim_quotes = sum(is_verbatim(c.quote, source_text(c.source)) for c in attempt.citations)
    if not gold.answerable:
        return result
    rank = next((i for i, text in enumerate(attempt.retrieved, start=1) if contains_evidence(text, gold.evidence)), None)
    result.hits = {k: rank is not None and rank <= k for k in HIT_KS}
    result.reciprocal_rank = 1.0 / rank if rank else 0.0
    result.citation_hit = any(contains_evidence(c.text, gold.evidence) or contains_evidence(c.quote, gold.evidence)
                              for c in attempt.citations)
    if attempt.citations:
        result.citation_precision = sum(c.source in gold.sources for c in attempt.citations) / len(attempt.citations)
    result.key_fact_recall = 0.0 if attempt.abstained else key_fact_recall(attempt.answer, gold.must_include, gold.type)
    return result


def _mean(values: list[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summarise(scores: list[QuestionScore]) -> dict[str, float | int | None]:
    """Means over the questions a metric applies to; abstention precision and recall treat 'abstain' as the positive class."""
    abstained = [s for s in scores if s.abstained]
    cautioned = [s for s in scores if s.cautioned]
    unanswerable = [s for s in scores if s.should_abstain]
    answerable = [s for s in scores if not s.should_abstain]
    latencies = np.array([s.latency_ms for s in scores]) if scores else np.zeros(1)
    summary: dict[str, float | int | None] = {"n": len(scores)}
    for k in HIT_KS:
        summary[f"hit@{k}"] = _mean([s.hits.get(k) for s in answerable])
    summary.update({
        "mrr": _mean([s.reciprocal_rank for s in answerable]),
        "citation_hit": _mean([s.citation_hit for s in answerable]),
        "citation_precision": _mean([s.citation_precision for s in answerable]),
        "key_fact_recall": _mean([s.key_fact_recall for s in answerable]),
        "quote_fidelity": _ratio(sum(s.verbatim_quotes for s in scores), sum(s.quotes for s in scores)),
        "abstention_precision": _ratio(sum(s.should_abstain for s in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(s.abstained for s in unanswerable), len(unanswerable)),
        "false_abstention": _ratio(sum(s.abstained for s in answerable), len(answerable)),
        # answers shown with a caution, and how many of those are wrong: the caution is worth its place when most are
        "cautioned": _ratio(len(cautioned), len(scores) - len(abstained)),
        "cautioned_wrong": _ratio(sum(s.wrong for s in cautioned), len(cautioned)),
        "latency_p50_ms": float(np.percentile(latencies, 50)),
        "latency_p95_ms": float(np.percentile(latencies, 95)),
    })
    return summary


def summarise_by_kind(scores: list[QuestionScore]) -> dict[str, dict[str, float | int | None]]:
    """One summary per question kind, in first-seen order, then 'overall'."""
    kinds = list(dict.fromkeys(s.type for s in scores))
    by_kind = {kind: summarise([s for s in scores if s.type == kind]) for kind in kinds}
    by_kind["overall"] = summarise(scores)
    return by_kind
