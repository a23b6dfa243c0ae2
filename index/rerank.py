"""The fitted passage reranker: reorders the fused candidates by a logistic model over their retrieval signals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from index.lexical import content_terms
from index.logistic import LogisticModel, read_model_file
from index.records import StoredChunk

RERANK_FILE = Path(__file__).resolve().parent / "data" / "rerank.json"
PASSAGE_FEATURES = (
    "fused",             # the reciprocal-rank-fusion score, scaled so a first place in one ranking is about 1
    "dense_sentence",    # 1 / rank among passages by their closest sentence to the question; 0 when not ranked
    "dense_passage",     # 1 / rank among passages by their own vector
    "keyword",           # 1 / rank by BM25
    "keyword_score",     # BM25 score over the question's best BM25 score
    "numbered",          # labelled with an item number the question names
    "best_sentence",     # cosine of the question and the passage's closest sentence
    "term_coverage",     # rarity-weighted share of the question's terms in the passage (text, heading, row labels)
    "title_coverage",    # the same in its document's title: "according to the reserves policy ..."
    "heading_coverage",  # the same in its heading and section
    "table_row",
    "log_words",
)


@dataclass
class Candidate:
    """A fused candidate passage: its fusion score and its closest sentence's similarity to the question."""

    chunk: StoredChunk
    fused: float
    best_sentence: float


@dataclass(frozen=True)
class RetrievalSignals:
    """What the searches said about a question's candidates: each ranking's order, BM25 scores, term rarities."""

    dense_sentence: dict[str, int]
    dense_passage: dict[str, int]
    keyword: dict[str, int]
    keyword_scores: dict[str, float]
    numbered: frozenset[str]
    term_weights: dict[str, float]  # the question's content terms and their inverse document frequency
    fusion_k: int

    def features(self, candidate: Candidate) -> np.ndarray:
        """PASSAGE_FEATURES of one candidate."""
        chunk = candidate.chunk
        where = " ".join(filter(None, (chunk.heading, chunk.section)))
        values = {
            "fused": candidate.fused * self.fusion_k,
            "dense_sentence": _inverse_rank(self.dense_sentence, chunk.id),
            "dense_passage": _inverse_rank(self.dense_passage, chunk.id),
            "keyword": _inverse_rank(self.keyword, chunk.id),
            "keyword_score": self.keyword_scores.get(chunk.id, 0.0) / self._top_keyword,
            "numbered": float(chunk.id in self.numbered),
            "best_sentence": candidate.best_sentence,
            "term_coverage": self.coverage(chunk.search_text),
            "title_coverage": self.coverage(str(chunk.document.get("title") or "")),
            "heading_coverage": self.coverage(where),
            "table_row": float(chunk.kind == "table_row"),
            "log_words": math.log1p(len(chunk.text.split())),
        }
        return np.array([values[name] for name in PASSAGE_FEATURES], dtype=np.float64)

    @cached_property
    def _top_keyword(self) -> float:
        return max(self.keyword_scores.values(), default=0.0) or 1.0

    @cached_property
    def _total_weight(self) -> float:
        return sum(self.term_weights.values())

    def coverage(self, text: str) -> float:
        total = self._total_weight
        if not total or not text:
            return 0.0
        found = content_terms(text)
        return sum(weight for term, weight in self.term_weights.items() if term in found) / total


def _inverse_rank(ranking: dict[str, int], chunk_id: str) -> float:
    rank = ranking.get(chunk_id)
    return 1.0 / rank if rank else 0.0


class Reranker(Protocol):
    def order(self, candidates: list[Candidate], signals: RetrievalSignals) -> list[Candidate]:
        """The candidates best first."""
        ...


@lru_cache(maxsize=4)
def load_reranker(path: Path = RERANK_FILE) -> LogisticModel:
    """The shipped model; a missing or stale file says how to rebuild it."""
    return LogisticModel.from_json(read_model_file(path, "passage reranker"), PASSAGE_FEATURES, path)


class FittedReranker:
    """Orders candidates by the fitted model's probability that the passage holds the answer; ties keep the
    fused order."""

    def __init__(self, model_file: Path = RERANK_FILE) -> None:
        self.model_file = model_file

    def order(self, candidates: list[Candidate], signals: RetrievalSignals) -> list[Candidate]:
        if not candidates:
            return []
        rows = np.array([signals.features(candidate) for candidate in candidates])
        probabilities = load_reranker(self.model_file).probability(rows)
        ranked = sorted(range(len(candidates)), key=lambda i: -probabilities[i])
        return [candidates[i] for i in ranked]
