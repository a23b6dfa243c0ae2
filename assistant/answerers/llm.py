"""Plain-language answers written by a language model from the retrieved passages, each sentence checked against the
papers before it is shown; when the model fails or nothing survives, the extractive answer stands."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Callable

from assistant.answer_check import CheckReport, KeptSentence, Passage, check_answer
from assistant.answerers.base import AnswerContext, Answerer
from assistant.followup import needs_history, resolve_question
from assistant.quotes import collapse_whitespace, verified_citation
from assistant.results import LLM, Answer, Citation
from index.lexical import content_terms
from index.records import StoredChunk
from prompts import render

if TYPE_CHECKING:
    from llama_index.core.llms import LLM as LanguageModel

# Whoever wants the draft as it is written (the app) sets this to a function taking the text so far.
draft_listener: ContextVar[Callable[[str], None] | None] = ContextVar("draft_listener", default=None)
MAX_STANDALONE_WORDS = 40


class ModelFailed(Exception):
    """The model did not give a usable answer; the message says why in plain words."""


class LLMAnswerer:
    """Answers only what the extractive answerer would answer (its abstention is a guard), in the model's words."""

    def __init__(self, llm: LanguageModel, fallback: Answerer, label: str, timeout: float) -> None:
        self.llm = llm
        self.fallback = fallback
        self.label = label
        self.timeout = timeout

    def answer(self, context: AnswerContext) -> Answer | None:
        extractive = self.fallback.answer(context)
        if extractive is None or extractive.abstained:
            return extractive
        passages = [self._passage(p.chunk, context) for p in context.passages]
        try:
            draft = self._draft(context.question, passages)
        except ModelFailed as failure:
            return self._with_note(extractive, render("llm_note_unavailable", model=self.label, reason=failure))
        report = check_answer(draft, passages)
        checked = self._checked_answer(report, [p.chunk for p in context.passages], context)
        if checked is None:
            fallback = self._with_note(extractive, render("llm_note_none_kept"))
            fallback.removed_sentences = len(report.kept) + len(report.removed)
            return fallback
        if extractive.cautioned:  # the model read the passages the abstention model doubts answer the question
            checked.cautioned = True
            return self._with_note(checked, render("caution"))
        return checked

    def _draft(self, question: str, passages: list[Passage]) -> str:
        """The model's answer, streamed to the draft listener; any failure of the call is a ModelFailed."""
        from llama_index.core.llms import ChatMessage

        numbered = "\n\n".join(render("llm_passage", n=n, reference=p.reference, text=collapse_whitespace(p.text))
                               for n, p in enumerate(passages, start=1))
        messages = [ChatMessage(role="system", content=render("llm_answer_system")),
                    ChatMessage(role="user", content=render("llm_answer_user", passages=numbered, question=question))]
        listener = draft_listener.get()
        deadline = time.monotonic() + self.timeout
        text = ""
        try:
            for chunk in self.llm.stream_chat(messages):
                text += chunk.delta or ""
                if listener is not None:
                    listener(text)
                if time.monotonic() > deadline:
                    raise ModelFailed(f"it took longer than {self.timeout:g} seconds")
        except ModelFailed:
            raise
        except Exception as error:  # noqa: BLE001 - whatever a remote model does wrong, the user gets an answer
            raise ModelFailed(failure_reason(error, self.timeout)) from error
        if not text.strip():
            raise ModelFailed("it returned nothing")
        return text

    @staticmethod
    def _passage(chunk: StoredChunk, context: AnswerContext) -> Passage:
        spans = sorted((s.start - chunk.start, s.end - chunk.start) for s in context.sentences if s.chunk_id == chunk.id)
        document = chunk.document
        place = f"p. {chunk.page}" if chunk.page else chunk.section
        reference = ", ".join(str(part) for part in (document.get("title") or chunk.source, document.get("council"),
                                                      document.get("date"), place) if part)
        return Passage(chunk.text, reference, spans)

    @staticmethod
    def _checked_answer(report: CheckReport, chunks: list[StoredChunk], context: AnswerContext) -> Answer | None:
        """The kept sentences with their markers renumbered to citations whose quotes are the passages' own words;
        None when no sentence was kept."""
        citations: list[Citation] = []
        numbers: dict[tuple[int, tuple[int, int]], int] = {}
        sentences = []
        for kept in report.kept:
            markers = []
            for passage_number, span in kept.quotes.items():
                key = (passage_number, span)
                if key not in numbers:
                    citation = _citation(chunks[passage_number - 1], len(citations) + 1, span, context)
                    if citation is None:
                        continue
                    citations.append(citation)
                    numbers[key] = citation.n
                markers.append(f"[{numbers[key]}]")
            if markers:
                sentences.append(_with_markers(kept, markers))
        if not sentences:
            return None
        removed = len(report.removed) + len(report.kept) - len(sentences)
        total = len(report.kept) + len(report.removed)
        notes = [render("llm_note_removed", removed=removed, total=total)] if removed else []
        return Answer(" ".join(sentences), citations, abstained=False, answerer=LLM, removed_sentences=removed,
                      notes=notes, kept_sentences=len(sentences))

    @staticmethod
    def _with_note(answer: Answer, note: str) -> Answer:
        answer.notes = [*answer.notes, note]
        return answer


def _with_markers(kept: KeptSentence, markers: list[str]) -> str:
    """The sentence with its citation markers before its closing full stop: "... to them [1]."."""
    wording = kept.wording.rstrip()
    end = wording[-1] if wording and wording[-1] in ".!?" else "."
    body = wording[:-1].rstrip() if wording and wording[-1] in ".!?" else wording
    return f"{body} {''.join(markers)}{end}"


def _citation(chunk: StoredChunk, n: int, span: tuple[int, int], context: AnswerContext) -> Citation | None:
    """A citation quoting the passage's own words at span; the page and section are those of its first sentence."""
    quote = collapse_whitespace(chunk.text[span[0]:span[1]])
    first = next((s for s in context.sentences if s.chunk_id == chunk.id and s.start - chunk.start == span[0]), None)
    where = (chunk.start + span[0], chunk.start + span[1])
    return verified_citation(chunk, n, quote, where, first.page if first else None, first.section if first else None)


def failure_reason(error: Exception, timeout: float) -> str:
    """The plain words for why a model call failed: too slow, not reachable, or the error's own kind."""
    name = type(error).__name__
    if "Timeout" in name or isinstance(error, TimeoutError):
        return f"it took longer than {timeout:g} seconds"
    if "Connect" in name or isinstance(error, ConnectionError):
        return "it could not be reached"
    return f"it failed: {name}"


class LLMCondenser:
    """Rewrites an elliptical follow-up as a standalone question with the model; the word-based resolver stands in
    when the model fails or writes something that is not a short question about the conversation."""

    def __init__(self, llm: LanguageModel) -> None:
        self.llm = llm
        self._seen: dict[tuple[str, tuple[str, ...]], str] = {}  # ask() and passages() resolve the same question

    def __call__(self, question: str, history: list[str]) -> str:
        if not history or not needs_history(question):
            return question
        key = (question, tuple(history))
        if key not in self._seen:
            self._seen[key] = self._condense(question, history)
        return self._seen[key]

    def _condense(self, question: str, history: list[str]) -> str:
        prompt = render("llm_condense", history="\n".join(f"- {turn}" for turn in history), question=question)
        try:
            written = str(self.llm.complete(prompt)).strip().splitlines()
        except Exception:  # noqa: BLE001 - a failed rewrite falls back to the word-based one
            return resolve_question(question, history)
        standalone = written[0].strip().strip("\"'") if written else ""
        carried = content_terms(standalone) & content_terms(" ".join(history))
        if not standalone or len(standalone.split()) > MAX_STANDALONE_WORDS or not carried:
            return resolve_question(question, history)
        return standalone
