"""Builds the components from settings once, so the CLI, the app and the evaluation share one wiring."""

from __future__ import annotations

from functools import cached_property

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.fitted import MODEL_FILE
from assistant.answerers.tracker import TrackerAnswerer
from assistant.engine import QAEngine, Steps
from assistant.settings import Settings
from assistant.steps import (LaterThanPapersGuard, NamesUnmatchedCheck, UnknownCouncilGuard,
                             UnmentionedNamesGuard)
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
                              int(self.settings.max_file_mb * 1024 * 1024), self.settings.max_text_chars,
                              self.settings.max_seconds_per_file)

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.store, self.embedder, self.settings.candidate_pool, self.settings.rrf_k)

    @cached_property
    def steps(self) -> Steps:
        """Every step a question passes through, in order: add or remove one here."""
        return Steps(
            guards_before_search=[UnknownCouncilGuard(self.store, self.retriever)],
            guards_after_search=[LaterThanPapersGuard(self.store), UnmentionedNamesGuard(self.retriever)],
            answerers=[TrackerAnswerer(self.store, self.retriever),
                       ExtractiveAnswerer(self.settings.max_answer_sentences,
                                          self.settings.scoring_model or MODEL_FILE)],
            checks=[NamesUnmatchedCheck(self.retriever)],
        )

    @cached_property
    def engine(self) -> QAEngine:
        return QAEngine(self.store, self.retriever, self.steps, self.settings.retrieve_top_k)
