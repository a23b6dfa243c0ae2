"""Exact nearest-neighbour search over the rows of a few documents, from their vectors held in memory.

Chroma answers an unfiltered query from its HNSW graph in a few milliseconds, but a filtered one (a council, a
paper, a year range) by testing the metadata of every row: 130-550 ms at 100,000 passages on two cores. A
question scoped to a few papers is answered here instead, by a dot product over those papers' vectors, which are
fetched once per document version and kept (least recently used first out, up to a row budget)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

DocumentVersion = tuple[str, str]  # (source, ingest_id)


class DocumentVectors:
    """One collection's vectors, by document version; exact cosine search over any set of cached versions."""

    def __init__(self, collection: Any, max_rows: int = 200_000) -> None:
        self.collection = collection
        self.max_rows = max_rows
        self._cached: OrderedDict[DocumentVersion, tuple[list[str], np.ndarray]] = OrderedDict()
        self._rows = 0

    def nearest(self, vector: np.ndarray, n: int, documents: list[DocumentVersion]) -> list[tuple[str, float]]:
        """(row id, cosine similarity) of the n rows of these documents nearest the (normalised) vector."""
        self._load([document for document in documents if document not in self._cached])
        ids: list[str] = []
        blocks: list[np.ndarray] = []
        for document in documents:
            if document in self._cached:
                self._cached.move_to_end(document)
                document_ids, vectors = self._cached[document]
                ids.extend(document_ids)
                blocks.append(vectors)
        if not ids:
            return []
        similarities = np.vstack(blocks) @ vector.astype(np.float32)
        top = np.argsort(-similarities, kind="stable")[:n]
        return [(ids[i], float(similarities[i])) for i in top]

    def _load(self, documents: list[DocumentVersion]) -> None:
        if not documents:
            return
        sources = sorted({source for source, _ in documents})
        wanted = set(documents)
        result = self.collection.get(where={"source": {"$in": sources}} if len(sources) > 1 else {"source": sources[0]},
                                     include=["embeddings", "metadatas"])
        grouped: dict[DocumentVersion, tuple[list[str], list[Any]]] = {}
        for row_id, meta, vector in zip(result["ids"], result["metadatas"], result["embeddings"]):
            version = (meta["source"], meta["ingest_id"])
            if version in wanted:
                rows = grouped.setdefault(version, ([], []))
                rows[0].append(row_id)
                rows[1].append(vector)
        for version, (row_ids, vectors) in grouped.items():
            self._cached[version] = (row_ids, np.asarray(vectors, dtype=np.float32))
            self._rows += len(row_ids)
        while self._rows > self.max_rows and len(self._cached) > 1:
            _, (row_ids, _) = self._cached.popitem(last=False)
            self._rows -= len(row_ids)
