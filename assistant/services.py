"""Builds the components from settings once, so the CLI, the app and the evaluation share one wiring."""

from __future__ import annotations

from functools import cached_property

from assistant.answerers.base import Answerer
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.tracker import TrackerAnswerer
from assistant.engine import QAEngine
from assistant.followup import resolve_question
from assistant.llm_backend import build_llm, model_label, wants_llm
from assistant.settings import Settings
from index.embedder import Embedder
from index.retriever import HybridRetriever
from index.store import ChromaStore, make_client
from ingest.pipeline import IngestPipeline


class Services:
    """Lazily built components; the embedding model loads only when something needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def store(self) -> ChromaStore:
        client = make_client(self.settings.index, self.settings.chroma_host, self.settings.chroma_port)
        return ChromaStore(client, self.settings.collection_prefix)

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.settings.embedding_model, self.settings.embedding_batch_size)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        return IngestPipeline(self.store, self.embedder, self.settings.max_chunk_words,
                              int(self.settings.max_file_mb * 1024 * 1024))

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.store, self.embedder, self.settings.candidate_pool, self.settings.rrf_k)

    @cached_property
    def engine(self) -> QAEngine:
        answerer: Answerer = ExtractiveAnswerer(self.settings.max_answer_sentences, self.settings.abstain_threshold)
        resolver = resolve_question
        if wants_llm(self.settings):
            from assistant.answerers.llm import LLMAnswerer, LLMCondenser

            llm = build_llm(self.settings)
            answerer = LLMAnswerer(llm, answerer, model_label(self.settings), self.settings.llm_timeout)
            resolver = LLMCondenser(llm)
        tracker = TrackerAnswerer(self.store, self.retriever)
        return QAEngine(self.store, self.retriever, answerer, self.settings.retrieve_top_k, tracker, resolver)
