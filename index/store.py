"""The Chroma store: an embedded PersistentClient by default, a Chroma server when a host is configured."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from index.records import DocumentRecord, StoredChunk, StoredSentence
from ingest.chunker import Chunk
from ingest.recommendations import Recommendation

COSINE = {"hnsw": {"space": "cosine"}}
DOCUMENTS_CACHE_SECONDS = 1.0


def make_client(index_dir: Path, host: str | None = None, port: int = 8000) -> chromadb.ClientAPI:
    """A server client when host is given (how a council outgrows one machine), else an on-disk one."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)


def _batches(count: int, size: int) -> Iterator[slice]:
    for start in range(0, count, size):
        yield slice(start, min(count, start + size))


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata takes no None values."""
    return {key: value for key, value in meta.items() if value is not None}


class ChromaStore:
    """Three collections: documents (the commit record), chunks (passages) and sentences (for quoting)."""

    def __init__(self, client: chromadb.ClientAPI, prefix: str = "scrutiny") -> None:
        self.client = client
        self.documents = client.get_or_create_collection(f"{prefix}_documents", embedding_function=None, configuration=COSINE)
        self.chunks = client.get_or_create_collection(f"{prefix}_chunks", embedding_function=None, configuration=COSINE)
        self.sentences = client.get_or_create_collection(f"{prefix}_sentences", embedding_function=None, configuration=COSINE)
        self.recommendation_rows = client.get_or_create_collection(f"{prefix}_recommendations", embedding_function=None,
                                                                   configuration=COSINE)
        self._batch = max(1, min(4000, client.get_max_batch_size()))
        self._documents_cache: tuple[float, list[dict[str, Any]]] | None = None

    # --- documents -------------------------------------------------------------------------
    def list_documents(self) -> list[dict[str, Any]]:
        """Every complete document's metadata; a question reads this several times, so it is kept for a second
        (writes through this store clear it at once; another process's writes show within the second)."""
        now = time.monotonic()
        if self._documents_cache is None or now - self._documents_cache[0] > DOCUMENTS_CACHE_SECONDS:
            result = self.documents.get(include=["metadatas"])
            self._documents_cache = (now, sorted(result["metadatas"], key=lambda meta: meta["source"]))
        return [dict(meta) for meta in self._documents_cache[1]]

    def document(self, source: str) -> dict[str, Any] | None:
        result = self.documents.get(ids=[source], include=["metadatas"])
        return result["metadatas"][0] if result["ids"] else None

    def document_text(self, source: str) -> str | None:
        result = self.documents.get(ids=[source], include=["documents"])
        return result["documents"][0] if result["ids"] else None

    def active_ingests(self) -> dict[str, str]:
        """source -> ingest_id of every complete document; chunks of any other ingest are invisible."""
        return {meta["source"]: meta["ingest_id"] for meta in self.list_documents()}

    def generation(self) -> str:
        """Changes whenever a document is added, replaced or removed; keys caches such as the BM25 index."""
        active = sorted(self.active_ingests().items())
        return hashlib.sha1(repr(active).encode()).hexdigest()[:16]

    # --- writing ---------------------------------------------------------------------------
    def write_document(self, record: DocumentRecord, chunks: Sequence[Chunk], chunk_vectors: np.ndarray,
                       sentence_vectors: np.ndarray, chunk_metadata: dict[str, Any]) -> None:
        """Chunks and sentences first, the document record last, then the previous version's rows go."""
        chunk_ids = [f"{record.source}:{record.ingest_id}:{chunk.ordinal}" for chunk in chunks]
        self._upsert(self.chunks, chunk_ids, chunk_vectors, [c.text for c in chunks],
                     [_clean({**chunk_metadata, **self._chunk_meta(record, c)}) for c in chunks])
        ids, docs, metas = [], [], []
        for chunk_id, chunk in zip(chunk_ids, chunks):
            for position, sentence in enumerate(chunk.sentences):
                ids.append(f"{chunk_id}:{position}")
                docs.append(sentence.embed_text)
                metas.append(_clean({
                    "chunk_id": chunk_id, "source": record.source, "ingest_id": record.ingest_id,
                    "start": sentence.start, "end": sentence.end, "section": sentence.section,
                    "page": sentence.page, "column": sentence.column,
                    **{k: v for k, v in chunk_metadata.items() if k in ("council", "year")},
                }))
        self._upsert(self.sentences, ids, sentence_vectors, docs, metas)
        document_vector = chunk_vectors.mean(axis=0) if len(chunk_vectors) else np.zeros(chunk_vectors.shape[1])
        self._upsert(self.documents, [record.source], document_vector[None, :], [record.text],
                     [_clean(record.as_chroma_metadata())])
        self._documents_cache = None
        self._delete_stale(record.source, keep=record.ingest_id)

    def write_recommendations(self, source: str, ingest_id: str, records: Sequence[Recommendation],
                              vectors: np.ndarray) -> None:
        """Tracker records of one ingest; like chunks they stay invisible until the document record is written."""
        ids = [f"{source}:{ingest_id}:rec:{record.ordinal}" for record in records]
        metas = [_clean({**record.to_metadata(), "source": source, "ingest_id": ingest_id}) for record in records]
        self._upsert(self.recommendation_rows, ids, vectors, [record.text for record in records], metas)

    def remove(self, source: str) -> bool:
        """Deletes the document record first, so a half-finished removal leaves only invisible rows."""
        if self.document(source) is None:
            return False
        self.documents.delete(ids=[source])
        self._documents_cache = None
        self._delete_stale(source, keep=None)
        return True

    def remove_orphans(self) -> int:
        """Rows left by an ingest that was killed before its document record was written."""
        active = self.active_ingests()
        removed = 0
        for collection in (self.chunks, self.sentences, self.recommendation_rows):
            metas = collection.get(include=["metadatas"])
            stale = [row_id for row_id, meta in zip(metas["ids"], metas["metadatas"])
                     if active.get(meta["source"]) != meta["ingest_id"]]
            for part in _batches(len(stale), self._batch):
                collection.delete(ids=stale[part])
            removed += len(stale)
        return removed

    def _delete_stale(self, source: str, keep: str | None) -> None:
        where: dict[str, Any] = {"source": source}
        if keep is not None:
            where = {"$and": [{"source": source}, {"ingest_id": {"$ne": keep}}]}
        self.chunks.delete(where=where)
        self.sentences.delete(where=where)
        self.recommendation_rows.delete(where=where)

    def _upsert(self, collection, ids: list[str], vectors: np.ndarray, docs: list[str], metas: list[dict]) -> None:  # noqa: ANN001
        for part in _batches(len(ids), self._batch):
            collection.upsert(ids=ids[part], embeddings=vectors[part], documents=docs[part], metadatas=metas[part])

    @staticmethod
    def _chunk_meta(record: DocumentRecord, chunk: Chunk) -> dict[str, Any]:
        return {
            "source": record.source, "ingest_id": record.ingest_id, "ordinal": chunk.ordinal, "kind": chunk.kind,
            "start": chunk.start, "end": chunk.end, "section": chunk.section, "heading": chunk.heading,
            "item": chunk.item,
            "page": chunk.page, "search_text": chunk.search_text,
        }

    # --- reading ---------------------------------------------------------------------------
    def all_chunks(self, where: dict[str, Any] | None = None) -> list[StoredChunk]:
        active = self.active_ingests()
        result = self.chunks.get(where=where, include=["documents", "metadatas"])
        return [StoredChunk.from_chroma(i, d, m) for i, d, m in zip(result["ids"], result["documents"], result["metadatas"])
                if active.get(m["source"]) == m["ingest_id"]]

    def query_chunks(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        return self._query(self.chunks, vector, n, where)

    def query_sentences(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, similarity) for the sentences nearest the vector."""
        if self.sentences.count() == 0:
            return []
        result = self.sentences.query(query_embeddings=[vector], n_results=n, where=where, include=["metadatas", "distances"])
        active = self.active_ingests()
        return [(meta["chunk_id"], 1.0 - distance) for meta, distance in zip(result["metadatas"][0], result["distances"][0])
                if active.get(meta["source"]) == meta["ingest_id"]]

    def sentences_of(self, chunk_ids: list[str]) -> list[StoredSentence]:
        if not chunk_ids:
            return []
        result = self.sentences.get(where={"chunk_id": {"$in": chunk_ids}}, include=["metadatas", "embeddings"])
        return [
            StoredSentence(meta["chunk_id"], int(meta["start"]), int(meta["end"]), meta.get("section"),
                           int(meta["page"]) if meta.get("page") else None, meta.get("column"),
                           np.asarray(vector, dtype=np.float32))
            for meta, vector in zip(result["metadatas"], result["embeddings"])
        ]

    def recommendations(self, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Tracker records of complete ingests as metadata dicts with their "text", in document order."""
        active = self.active_ingests()
        result = self.recommendation_rows.get(where=where, include=["documents", "metadatas"])
        rows = [{**meta, "text": text} for text, meta in zip(result["documents"], result["metadatas"])
                if active.get(meta["source"]) == meta["ingest_id"]]
        return sorted(rows, key=lambda row: (row["source"], int(row.get("ordinal", 0))))

    def count(self) -> int:
        return self.chunks.count()

    def _query(self, collection, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:  # noqa: ANN001
        if collection.count() == 0:
            return []
        result = collection.query(query_embeddings=[vector], n_results=n, where=where, include=["metadatas", "distances"])
        active = self.active_ingests()
        return [(row_id, 1.0 - distance) for row_id, meta, distance
                in zip(result["ids"][0], result["metadatas"][0], result["distances"][0])
                if active.get(meta["source"]) == meta["ingest_id"]]
