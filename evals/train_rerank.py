"""Fits the passage reranker on the dev questions, cross-validated by document, and reports its hit@k beside the
fused order's (`make train`)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from assistant.services import Services
from evals.gold import PROJECT, GoldQuestion
from evals.metrics import contains_evidence
from evals.runner import RETRIEVAL_DEPTH
from evals.train import DATASETS, FOLDS, cached, dev_services, fit_ranker, held_out_group
from index.records import StoredChunk
from index.rerank import PASSAGE_FEATURES, RERANK_FILE, Candidate, RetrievalSignals
from index.retriever import HybridRetriever

REPORT = PROJECT / "docs" / "reranker.md"
HIT_KS = (1, 3, 5, 10)


class RecordingReranker:
    """Keeps the features of every candidate list the engine's searches produce, and leaves the order unchanged,
    so the collected candidates are exactly those the fused order gives the reranker."""

    def __init__(self) -> None:
        self.seen: list[tuple[Candidate, np.ndarray]] = []

    def order(self, candidates: list[Candidate], signals: RetrievalSignals) -> list[Candidate]:
        self.seen += [(candidate, signals.features(candidate)) for candidate in candidates]
        return candidates


@dataclass
class PassageRows:
    """One answerable dev question's candidate passages in fused order: features, labels, document group."""

    question: GoldQuestion
    group: str
    features: np.ndarray
    labels: np.ndarray


def collect(services: Services, questions: list[GoldQuestion], dataset: str) -> list[PassageRows]:
    recorder = RecordingReranker()
    services.__dict__["retriever"] = HybridRetriever(services.store, services.embedder, services.settings.candidate_pool,
                                                     services.settings.rrf_k, recorder)
    collected = []
    for number, question in enumerate(questions, start=1):
        recorder.seen.clear()
        services.engine.passages(question.question, list(question.history), RETRIEVAL_DEPTH)
        first: dict[str, tuple[Candidate, np.ndarray]] = {}
        for candidate, features in recorder.seen:  # a search per council repeats no passage; keep the first sighting
            first.setdefault(candidate.chunk.id, (candidate, features))
        if first:
            rows = list(first.values())
            labels = np.array([holds_evidence(c.chunk, question) for c, _ in rows], dtype=bool)
            group = held_out_group(question, dataset, number)
            collected.append(PassageRows(question, group, np.array([f for _, f in rows]), labels))
        print(f"\r  {dataset}: {number}/{len(questions)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return collected


def holds_evidence(chunk: StoredChunk, question: GoldQuestion) -> bool:
    """A right passage for the question: it holds the evidence, in the paper cited or in a copy of it in another (a
    reissued appendix). The search keeps one of two copies, so the one it keeps must not be taught as wrong."""
    return contains_evidence(chunk.text, question.evidence)


def collect_all(index_root: Path, datasets: tuple[str, ...]) -> list[PassageRows]:
    questions: list[PassageRows] = []
    for name in datasets:
        services, dev = dev_services(index_root, name, reranker="none")
        questions += collect(services, [q for q in dev if q.answerable], Path(name).stem)
    return questions


def hits(questions: list[PassageRows], scores: list[np.ndarray]) -> dict[int, float]:
    """Share of questions whose first supporting passage is within the top k, per k, when ordered by scores."""
    found = {k: 0 for k in HIT_KS}
    for question, score in zip(questions, scores):
        order = np.argsort(-score, kind="stable")
        place = next((rank for rank, i in enumerate(order, start=1) if question.labels[i]), None)
        for k in HIT_KS:
            found[k] += place is not None and place <= k
    return {k: found[k] / len(questions) for k in HIT_KS}


def out_of_fold(questions: list[PassageRows]) -> list[np.ndarray]:
    """Each question's candidates scored by a ranker fitted on the folds that do not hold its document."""
    scores: list[np.ndarray] = [np.zeros(0)] * len(questions)
    groups = np.array([q.group for q in questions])
    for train, held in GroupKFold(n_splits=FOLDS).split(questions, groups=groups):
        model = fit_ranker([questions[i] for i in train], PASSAGE_FEATURES)
        for i in held:
            scores[i] = model.probability(questions[i].features)
    return scores


def train(index_root: Path, model_file: Path, report_file: Path, datasets: tuple[str, ...] = DATASETS,
          cache: Path | None = None) -> None:
    """cache keeps the collected candidates between runs (pickle), for trying model settings quickly."""
    questions = cached(cache, lambda: collect_all(index_root, datasets))
    fused = hits(questions, [-np.arange(len(q.labels), dtype=float) for q in questions])
    learned = hits(questions, out_of_fold(questions))
    model = fit_ranker(questions, PASSAGE_FEATURES)
    model_file.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    report = _report(questions, fused, learned, model.features, model.coef)
    report_file.write_text(report, encoding="utf-8")
    print(report)


def _report(questions: list[PassageRows], fused: dict[int, float], learned: dict[int, float],
            names: tuple[str, ...], weights: np.ndarray) -> str:
    pool = max(len(q.labels) for q in questions)
    reachable = sum(q.labels.any() for q in questions) / len(questions)
    return "\n".join([
        "# Training report: passage reranker", "",
        "Written by `make train` (`python -m evals.train_rerank`). The reranker reorders the fused candidates "
        f"(up to {pool} a question) of the hybrid search. Figures are out-of-fold, folds split by document, on the "
        "answerable dev questions of every gold set; the test split of `kcc.jsonl` is never used here.", "",
        f"- dev questions: {len(questions)}; a passage holding the evidence is among the candidates for {reachable:.3f}",
        "", "| order | " + " | ".join(f"hit@{k}" for k in HIT_KS) + " |", "|---|" + "---|" * len(HIT_KS),
        "| fused (reciprocal rank) | " + " | ".join(f"{fused[k]:.3f}" for k in HIT_KS) + " |",
        "| fitted reranker | " + " | ".join(f"{learned[k]:.3f}" for k in HIT_KS) + " |", "",
        "| feature | weight (standardised) |", "|---|---|",
        *[f"| {name} | {weight:+.3f} |" for name, weight in zip(names, weights)], "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=PROJECT / "out" / "eval-index",
                        help="folder of the gold sets' indexes (kept between runs; unchanged papers are not re-ingested)")
    parser.add_argument("--model", type=Path, default=RERANK_FILE, help="where to write the fitted reranker")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the training report")
    parser.add_argument("--cache", type=Path, help="keep the collected candidates in this file and reuse them")
    args = parser.parse_args(argv)
    train(args.index, args.model, args.report, cache=args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
