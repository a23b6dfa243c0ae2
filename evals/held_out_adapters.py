"""The query adapters fitted without each dev document, so dev questions are searched out of the adapter's sample."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from evals.gold import PROJECT, GoldQuestion
from index.query_adapter import QueryAdapter
from index.retriever import HybridRetriever

FOLDS_FILE = PROJECT / "evals" / "data" / "query_adapter_folds.npz"  # written by evals/train_adapter.py


class HeldOutAdapters:
    """The adapters fitted without each dev document (FOLDS_FILE, written with the shipped one). The adapter has the
    capacity to learn its training questions by heart (hit@5 0.998 in sample), so the models trained after it and the
    dev split's scores search each dev question with the adapter fitted without its document."""

    def __init__(self, path: Path = FOLDS_FILE) -> None:
        with np.load(path, allow_pickle=False) as data:
            matrices = data["matrices"].astype(np.float32)
            self.fold_of = dict(zip(data["groups"].tolist(), data["folds"].tolist()))
            model = str(data["embedding_model"])
        self.adapters = [QueryAdapter(matrix, model) for matrix in matrices]

    def for_question(self, dataset: str, question: GoldQuestion) -> QueryAdapter | None:
        """The adapter fitted without this question's document; None for a document it was not fitted on."""
        fold = self.fold_of.get(f"{dataset}:{question.sources[0]}") if question.sources else None
        return None if fold is None else self.adapters[fold]

    @contextmanager
    def searching(self, retriever: HybridRetriever, dataset: str, question: GoldQuestion) -> Iterator[None]:
        """Within the block, an adapted retriever searches with the adapter held out from this question."""
        held_out = self.for_question(dataset, question) if retriever.adapter is not None else None
        shipped = retriever.adapter
        retriever.adapter = held_out or shipped
        try:
            yield
        finally:
            retriever.adapter = shipped
