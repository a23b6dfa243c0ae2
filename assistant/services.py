"""Builds the components from settings once, so the CLI, the app and the evaluation share one wiring."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Callable

from assistant.answerers.base import Answerer
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.fitted import MODEL_FILE
from assistant.answerers.tracker import TrackerAnswerer
from assistant.engine import QAEngine, Steps
from assistant.followup import resolve_question
from assistant.llm_backend import build_llm, model_label, wants_llm
from assistant.settings import Settings
from assistant.steps import (LaterThanPapersGuard, NamesUnmatchedCheck, UnknownCouncilGuard,
                             UnmentionedNamesGuard)
from index.embedder import Embedder
from index.retriever import HybridRetriever
from index.store import ChromaStore, make_client
from ingest.pipeline import IngestPipeline

if TYPE_CHECKING:
    from llama_index.core.llms import LLM


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
    def steps(self) -> Steps:
        """Every step a question passes through, in order: add or remove one here."""
        return Steps(
            guards_before_search=[UnknownCouncilGuard(self.store, self.retriever)],
            guards_after_search=[LaterThanPapersGuard(self.store), UnmentionedNamesGuard(self.retriever)],
            answerers=[TrackerAnswerer(self.store, self.retriever), self._answerer],
            checks=[NamesUnmatchedCheck(self.retriever)],
            resolve=self._resolver,
        )

    @cached_property
    def _answerer(self) -> Answerer:
        """The extractive answerer, or the language model with the extractive answer to fall back on."""
        extractive = ExtractiveAnswerer(self.settings.max_answer_sentences, self.settings.scoring_model or MODEL_FILE)
        if self._llm is None:
            return extractive
        from assistant.answerers.llm import LLMAnswerer

        return LLMAnswerer(self._llm, extractive, model_label(self.settings), self.settings.llm_timeout)

    @cached_property
    def _resolver(self) -> Callable[[str, list[str]], str]:
        """How a follow-up becomes a standalone question: rewritten by the model when there is one."""
        if self._llm is None:
            return resolve_question
        from assistant.answerers.llm import LLMCondenser

        return LLMCondenser(self._llm)

    @cached_property
    def _llm(self) -> LLM | None:
        """The configured language model (SCRUTINY_LLM and --answerer), or None for extractive answers."""
        return build_llm(self.settings) if wants_llm(self.settings) else None

    @cached_property
    def engine(self) -> QAEngine:
        return QAEngine(self.store, self.retriever, self.steps, self.settings.retrieve_top_k)
