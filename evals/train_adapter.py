"""Fits the query adapter on the dev questions, cross-validated by document, and reports how the sentences that answer
them rank among their candidates' sentences with and without it (`make train`)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import GroupKFold

from assistant.services import Services
from assistant.settings import load_settings
from evals.gold import PROJECT, GoldQuestion
from evals.held_out_adapters import FOLDS_FILE
from evals.runner import RETRIEVAL_DEPTH
from evals.train import DATASETS, FOLDS, cached, dev_services, supports
from evals.train_rerank import RecordingReranker
from index.query_adapter import ADAPTER_FILE, QueryAdapter
from index.retriever import HybridRetriever

REPORT = PROJECT / "docs" / "query-adapter.md"
HIT_KS = (1, 3, 5, 10)
# Chosen by out-of-fold hit@5 on dev among penalties 0.1, 0.01 and 0.001 (twenty-fifth session): a weaker pull
# toward the unchanged vector overfits the few hundred questions, a stronger one barely moves it.
PENALTY = 0.01
STEPS = 100
LEARNING_RATE = 1e-3
TEMPERATURE = 0.05  # softmax over cosines: about the spread between a question's best and middling sentences


@dataclass
class SentenceRows:
    """One answerable dev question: its vector, its candidates' sentence vectors, which of them state the evidence,
    the passage each belongs to, and the document group it is held out by."""

    question: GoldQuestion
    group: str
    vector: np.ndarray
    sentences: np.ndarray
    supporting: np.ndarray
    passage: np.ndarray


class RecordingRetriever(HybridRetriever):
    """The unadapted search, keeping the question vector its dense searches used."""

    vector: np.ndarray | None = None

    def retrieve(self, query, top_k=8, search_filter=None, query_vector=None, item_numbers=()):  # noqa: ANN001, ANN201
        self.vector = self.embedder.embed_query(query) if query_vector is None else query_vector
        return super().retrieve(query, top_k, search_filter, self.vector, item_numbers)


def collect(services: Services, questions: list[GoldQuestion], dataset: str) -> list[SentenceRows]:
    """Each question's fused candidates (first sighting of each passage), their sentences and labels."""
    recorder = RecordingReranker()
    retriever = RecordingRetriever(services.store, services.embedder, services.settings.candidate_pool,
                                   services.settings.rrf_k, recorder)
    services.__dict__["retriever"] = retriever
    collected = []
    for number, question in enumerate(questions, start=1):
        recorder.seen.clear()
        services.engine.passages(question.question, list(question.history), RETRIEVAL_DEPTH)
        chunks = {candidate.chunk.id: candidate.chunk for candidate, _ in recorder.seen}
        order = {chunk_id: place for place, chunk_id in enumerate(chunks)}
        sentences = services.store.sentences_of(list(chunks))
        if sentences and retriever.vector is not None:
            labels = []
            for sentence in sentences:
                chunk = chunks[sentence.chunk_id]
                text = chunk.text[sentence.start - chunk.start: sentence.end - chunk.start]
                labels.append(chunk.source in question.sources and supports(text, question.evidence, chunk.text))
            collected.append(SentenceRows(question, f"{dataset}:{question.sources[0]}",
                                          np.asarray(retriever.vector, np.float32),
                                          np.stack([s.vector for s in sentences]).astype(np.float32),
                                          np.array(labels, dtype=bool),
                                          np.array([order[s.chunk_id] for s in sentences])))
        print(f"\r  {dataset}: {number}/{len(questions)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return collected


def collect_all(index_root: Path, datasets: tuple[str, ...]) -> list[SentenceRows]:
    questions: list[SentenceRows] = []
    for name in datasets:
        services, dev = dev_services(index_root, name, reranker="none", query_adapter="none")
        questions += collect(services, [q for q in dev if q.answerable], Path(name).stem)
    return questions


def fit(questions: list[SentenceRows], penalty: float = PENALTY) -> np.ndarray:
    """The matrix that best ranks each question's supporting sentences first among its candidates' sentences
    (softmax cross-entropy over cosines), held near the identity by a squared penalty."""
    torch.manual_seed(0)
    trainable = [q for q in questions if q.supporting.any()]
    dimension = trainable[0].vector.shape[0]
    identity = torch.eye(dimension)
    matrix = identity.clone().requires_grad_(True)
    optimiser = torch.optim.Adam([matrix], lr=LEARNING_RATE)
    batches = [(torch.from_numpy(q.vector), torch.from_numpy(q.sentences), torch.from_numpy(q.supporting))
               for q in trainable]
    for _ in range(STEPS):
        loss = torch.zeros(())
        for vector, sentences, supporting in batches:
            logits = sentences @ torch.nn.functional.normalize(matrix @ vector, dim=0) / TEMPERATURE
            loss = loss + torch.logsumexp(logits, 0) - torch.logsumexp(logits[supporting], 0)
        objective = loss / len(batches) + penalty * ((matrix - identity) ** 2).sum()
        optimiser.zero_grad()
        objective.backward()
        optimiser.step()
    return matrix.detach().numpy()


def passage_place(question: SentenceRows, matrix: np.ndarray | None) -> int | None:
    """Where the first passage holding a supporting sentence ranks by its closest sentence to the question."""
    vector = question.vector if matrix is None else QueryAdapter(matrix, "").apply(question.vector)
    similarity = question.sentences @ vector
    best: dict[int, float] = {}
    for passage, value in zip(question.passage.tolist(), similarity.tolist()):
        best[passage] = max(value, best.get(passage, -2.0))
    ranked = sorted(best, key=lambda p: -best[p])
    wanted = set(question.passage[question.supporting].tolist())
    return next((place for place, passage in enumerate(ranked, start=1) if passage in wanted), None)


def fold_matrices(questions: list[SentenceRows], penalty: float = PENALTY) -> tuple[list[np.ndarray], dict[str, int]]:
    """A matrix fitted without each fold of documents, and the fold each document is held out in."""
    matrices: list[np.ndarray] = []
    fold_of: dict[str, int] = {}
    groups = np.array([q.group for q in questions])
    for fold, (train, held) in enumerate(GroupKFold(n_splits=FOLDS).split(questions, groups=groups)):
        matrices.append(fit([questions[i] for i in train], penalty))
        fold_of.update({questions[i].group: fold for i in held})
    return matrices, fold_of


def hits(places: list[int | None]) -> dict[int, float]:
    return {k: sum(p is not None and p <= k for p in places) / len(places) for k in HIT_KS}


def train(index_root: Path, adapter_file: Path, report_file: Path, embedding_model: str,
          folds_file: Path = FOLDS_FILE, datasets: tuple[str, ...] = DATASETS, cache: Path | None = None) -> None:
    """cache keeps the collected sentences between runs (pickle), for trying settings quickly."""
    questions = [q for q in cached(cache, lambda: collect_all(index_root, datasets)) if q.supporting.any()]
    unadapted = hits([passage_place(q, None) for q in questions])
    matrices, fold_of = fold_matrices(questions)
    adapted = hits([passage_place(q, matrices[fold_of[q.group]]) for q in questions])
    matrix = fit(questions)
    QueryAdapter(matrix, embedding_model).save(adapter_file)
    np.savez(folds_file, matrices=np.stack(matrices).astype(np.float16), groups=np.array(list(fold_of)),
             folds=np.array(list(fold_of.values())), embedding_model=np.array(embedding_model))
    in_sample = hits([passage_place(q, matrix) for q in questions])
    report = _report(questions, unadapted, adapted, in_sample, matrix)
    report_file.write_text(report, encoding="utf-8")
    print(report)


def _report(questions: list[SentenceRows], unadapted: dict[int, float], adapted: dict[int, float],
            in_sample: dict[int, float], matrix: np.ndarray) -> str:
    moved = float(np.mean([q.vector @ QueryAdapter(matrix, "").apply(q.vector) for q in questions]))
    return "\n".join([
        "# Training report: query adapter", "",
        "Written by `make train` (`python -m evals.train_adapter`). The adapter is a square matrix applied to the "
        "question's vector before the dense searches (passages in Chroma, and each candidate passage's closest "
        "sentence); answers and refusals keep the embedding model's own similarities. It is fitted so that, among "
        "the sentences of a question's search candidates, the sentences stating its gold evidence come first "
        "(softmax cross-entropy over cosines, held near the identity). Candidates come from the unadapted search "
        "with fusion order. Figures are out-of-fold, folds split by document, on the answerable dev questions of "
        "every gold set with a supporting sentence among their candidates; the test split of `kcc.jsonl` is never "
        "used here.", "",
        f"- dev questions: {len(questions)}; penalty {PENALTY}, {STEPS} full-batch Adam steps at {LEARNING_RATE}, "
        f"temperature {TEMPERATURE}",
        f"- mean cosine between a question's vector and its adapted vector: {moved:.3f}", "",
        "Passages ranked by their closest sentence to the question (hit@k: the first passage holding the evidence "
        "is within the top k):", "",
        "| question vector | " + " | ".join(f"hit@{k}" for k in HIT_KS) + " |", "|---|" + "---|" * len(HIT_KS),
        "| as embedded | " + " | ".join(f"{unadapted[k]:.3f}" for k in HIT_KS) + " |",
        "| adapted (out of fold) | " + " | ".join(f"{adapted[k]:.3f}" for k in HIT_KS) + " |",
        "| adapted, in sample (the shipped matrix on its own training questions) | "
        + " | ".join(f"{in_sample[k]:.3f}" for k in HIT_KS) + " |", "",
        "The shipped matrix learns its training questions by heart, so the reranker and sentence models trained "
        "after it, and the evaluation's dev split, search each dev question with the matrix fitted without its "
        "document (`evals/data/query_adapter_folds.npz`); test questions use the shipped matrix.", "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=PROJECT / "out" / "eval-index",
                        help="folder of the gold sets' indexes (kept between runs; unchanged papers are not re-ingested)")
    parser.add_argument("--adapter", type=Path, default=ADAPTER_FILE, help="where to write the fitted adapter")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the training report")
    parser.add_argument("--cache", type=Path, help="keep the collected sentences in this file and reuse them")
    args = parser.parse_args(argv)
    train(args.index, args.adapter, args.report, load_settings().embedding_model, cache=args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
