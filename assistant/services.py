"""Builds the components from settings once, so the CLI, the app and the evaluation share one wiring."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Callable

from assistant.answerers.base import Answerer
from assistant.answerers.cover import CoverFieldAnswerer
from assistant.answerers.extractive import ExtractiveAnswerer, SentenceScorer
from assistant.answerers.fitted import MODEL_FILE, FittedScorer
from assistant.answerers.gated_scorer import GatedScorer
from assistant.answerers.hand_scorer import HandScorer
from assistant.answerers.tracker import TrackerAnswerer
from assistant.engine import QAEngine, Steps
from assistant.followup import resolve_question
from assistant.llm_backend import build_llm, model_label, wants_llm
from assistant.settings import Settings
from assistant.steps import LaterThanPapersGuard, NamesUnmatchedCheck, OtherVersionsCheck, UnknownCouncilGuard
from index.embedder import Embedder
from index.rerank import FittedReranker
from index.retriever import HybridRetriever
from index.store import ChromaStore, open_store
from ingest.pipeline import IngestPipeline


class Services:
    """Lazily built components; the embedding model loads only when something needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def store(self) -> ChromaStore:
        return open_store(self.settings.index, self.settings.chroma_host, self.settings.chroma_port,
                          self.settings.collection_prefix)

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.settings.embedding_model, self.settings.embedding_batch_size,
                        self.settings.embedding_backend)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        return IngestPipeline(self.store, self.embedder, self.settings.max_chunk_words,
                              int(self.settings.max_file_mb * 1024 * 1024), self.settings.max_text_chars,
                              self.settings.max_seconds_per_file)

    @cached_property
    def retriever(self) -> HybridRetriever:
        reranker = FittedReranker() if self.settings.reranker == "fitted" else None
        return HybridRetriever(self.store, self.embedder, self.settings.candidate_pool, self.settings.rrf_k, reranker)

    @cached_property
    def steps(self) -> Steps:
        """Every step a question passes through, in order: add or remove one here."""
        return Steps(
            guards_before_search=[UnknownCouncilGuard(self.store, self.retriever)],
            guards_after_search=[LaterThanPapersGuard(self.store)],
            answerers=self.answerers_ending_with(self._answerer()),
            checks=[NamesUnmatchedCheck(self.retriever), OtherVersionsCheck(self.store)],
        )

    def answerers_ending_with(self, last: Answerer) -> list[Answerer]:
        """The answerers in the order they are tried, `last` answering whatever the others leave, and the parts of a
        question beside a cover's field (an evaluation or test putting another answerer last calls this too)."""
        return [TrackerAnswerer(self.store, self.retriever), CoverFieldAnswerer(self.retriever, last), last]

    def use_steps(self, steps: Steps) -> None:
        """Answer with these steps from now on (an evaluation switching one off, or trying another scorer)."""
        self.__dict__["steps"] = steps
        self.__dict__.pop("engine", None)

    def gated(self, scorer: SentenceScorer) -> SentenceScorer:
        """The scorer behind the configured abstainer: with `both`, the fitted abstention model must find an answer too."""
        if self.settings.abstainer == "scorer":
            return scorer
        return GatedScorer(scorer, self._fitted_judge)

    @cached_property
    def _fitted_judge(self) -> FittedScorer:
        """The fitted abstention model, as the gate (refusing) and as the caution on answers it doubts."""
        settings = self.settings
        return FittedScorer(self._scoring_model, settings.fitted_abstain_threshold, settings.fitted_caution_threshold)

    @property
    def _scoring_model(self) -> Path:
        return self.settings.scoring_model or MODEL_FILE

    def _answerer(self) -> Answerer:
        """The extractive answerer, or the configured language model checked against the papers with the
        extractive answer as its fallback."""
        scorer: SentenceScorer = (FittedScorer(self._scoring_model) if self.settings.scorer == "fitted"
                                  else HandScorer(self.settings.abstain_threshold))
        extractive = ExtractiveAnswerer(self.gated(scorer), self.settings.max_answer_sentences, self._fitted_judge)
        if not wants_llm(self.settings):
            return extractive
        from assistant.answerers.llm import LLMAnswerer

        return LLMAnswerer(self.llm, extractive, model_label(self.settings), self.settings.llm_timeout)

    @cached_property
    def llm(self):  # noqa: ANN201 - a llama-index LLM, imported only when one is configured
        return build_llm(self.settings)

    @cached_property
    def engine(self) -> QAEngine:
        resolver: Callable[[str, list[str]], str] = resolve_question
        if wants_llm(self.settings):
            from assistant.answerers.llm import LLMCondenser

            resolver = LLMCondenser(self.llm)
        return QAEngine(self.store, self.retriever, self.steps, self.settings.retrieve_top_k, resolver)
