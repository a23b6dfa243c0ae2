"""The question-answering engine: resolve the question, retrieve passages, answer with citations, time each step."""

from __future__ import annotations

import time

from assistant.answerers.base import AnswerContext, Answerer
from assistant.followup import resolve_question
from assistant.results import AnswerResult
from index.filters import SearchFilter
from index.retriever import HybridRetriever
from index.store import ChromaStore


class QAEngine:
    """One question in, one cited answer out; the answerer is swappable, retrieval is shared."""

    def __init__(self, store: ChromaStore, retriever: HybridRetriever, answerer: Answerer, top_k: int = 8) -> None:
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k

    def ask(self, question: str, history: list[str] | None = None,
            search_filter: SearchFilter | None = None) -> AnswerResult:
        started = time.perf_counter()
        resolved = resolve_question(question.strip(), history or [])
        query_vector = self.retriever.embedder.embed_query(resolved)
        passages = self.retriever.retrieve(resolved, self.top_k, search_filter, query_vector)
        sentences = self.store.sentences_of([p.chunk.id for p in passages])
        retrieved = time.perf_counter()
        context = AnswerContext(resolved, query_vector, passages, sentences, self.retriever.lexical_index().term_weight)
        answer = self.answerer.answer(context)
        finished = time.perf_counter()
        timings = {"retrieve": (retrieved - started) * 1000, "answer": (finished - retrieved) * 1000,
                   "total": (finished - started) * 1000}
        return AnswerResult(question, answer.text, answer.abstained, answer.citations, timings, resolved)
