"""Hybrid retrieval: dense passages, dense sentences and BM25, fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.embedder import Embedder
from index.filters import SearchFilter
from index.fusion import reciprocal_rank_fusion
from index.lexical import LexicalIndex
from index.records import StoredChunk
from index.store import ChromaStore


@dataclass
class Passage:
    """A retrieved chunk with its fused score and the dense similarity of its best sentence."""

    chunk: StoredChunk
    score: float
    best_sentence_similarity: float


def next_chunk_id(chunk_id: str) -> str:
    """Chunk ids are "source:ingest:ordinal"; the next passage has the next ordinal."""
    prefix, ordinal = chunk_id.rsplit(":", 1)
    return f"{prefix}:{int(ordinal) + 1}"


def _numbered(chunk: StoredChunk, numbers: tuple[str, ...]) -> bool:
    """A table row labelled with the number, or a passage that names "Recommendation 7" / "Action 7"."""
    if chunk.section and chunk.section.removeprefix("row ") in numbers and chunk.section.startswith("row "):
        return True
    pattern = r"\b(?:recommendation|rec\.?|action|item)\s*(?:no\.?\s*)?(?:%s)\b" % "|".join(numbers)
    return re.search(pattern, chunk.text, re.IGNORECASE) is not None


class HybridRetriever:
    """The BM25 index is rebuilt only when the store's documents change."""

    def __init__(self, store: ChromaStore, embedder: Embedder, candidate_pool: int = 40, rrf_k: int = 60) -> None:
        self.store = store
        self.embedder = embedder
        self.candidate_pool = candidate_pool
        self.rrf_k = rrf_k
        self._lexical: LexicalIndex | None = None
        self._generation: str | None = None

    def lexical_index(self) -> LexicalIndex:
        generation = self.store.generation()
        if self._lexical is None or generation != self._generation:
            self._lexical = LexicalIndex(self.store.all_chunks())
            self._generation = generation
        return self._lexical

    def next_chunk(self, chunk: StoredChunk) -> StoredChunk | None:
        """The passage that follows this one in its document, e.g. the items of a list it introduces."""
        return self.lexical_index().chunk(next_chunk_id(chunk.id))

    def retrieve(self, query: str, top_k: int = 8, search_filter: SearchFilter | None = None,
                 query_vector: np.ndarray | None = None, item_numbers: tuple[str, ...] = ()) -> list[Passage]:
        """Top passages; item_numbers ("15") add a ranking of the table rows and paragraphs so numbered."""
        search_filter = search_filter or SearchFilter()
        vector = self.embedder.embed_query(query) if query_vector is None else query_vector
        where = search_filter.chroma_where()
        lexical = self.lexical_index()
        dense_chunks = [cid for cid, _ in self.store.query_chunks(vector, self.candidate_pool, where)]
        sentence_hits = self.store.query_sentences(vector, self.candidate_pool * 3, where)
        best_sentence: dict[str, float] = {}
        for chunk_id, similarity in sentence_hits:
            best_sentence[chunk_id] = max(similarity, best_sentence.get(chunk_id, -1.0))
        dense_sentences = sorted(best_sentence, key=best_sentence.get, reverse=True)
        keyword = [lexical.chunks[pos].id for pos, _ in lexical.search(query, self.candidate_pool * 2)
                   if search_filter.matches(lexical.chunks[pos])]
        numbered = [c.id for c in lexical.chunks if item_numbers and _numbered(c, item_numbers)
                    and search_filter.matches(c)]
        rankings = [dense_sentences, dense_chunks, keyword[: self.candidate_pool], numbered]
        fused = reciprocal_rank_fusion(rankings, k=self.rrf_k, weights=[1.0, 1.0, 1.0, 3.0])
        passages = [(lexical.chunk(cid), score, best_sentence.get(cid, 0.0)) for cid, score in fused]
        return [Passage(chunk, score, best) for chunk, score, best in passages if chunk is not None][:top_k]
