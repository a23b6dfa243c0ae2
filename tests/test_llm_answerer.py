"""The LLM answerer's handling of what a model writes, with a scripted in-process model that reads the numbered
passages it is given (the real llama.cpp server is exercised in test_llm_answers.py): kept sentences are renumbered
to verbatim quotes, invented ones removed, and a failing or empty model leaves the extractive answer with a note."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable

import pytest
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.llm import LLMAnswerer
from assistant.app_answer import answer_footer
from assistant.app_common import AppContext
from assistant.engine import QAEngine
from assistant.results import EXTRACTIVE, LLM
from assistant.services import Services
from prompts import render

DERBY_QUESTION = "What did Derby decide about joint recruitment campaigns with other councils?"


class ScriptedModel(CustomLLM):
    """Writes whatever `script` makes of the prompt, a few characters at a time, as a server would stream it."""

    script: Callable[[str], str]

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.script(prompt))

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = self.script(prompt)
        for end in range(0, len(text), 7):
            yield CompletionResponse(text=text[:end + 7], delta=text[end:end + 7])


def passage_number(prompt: str, words: str) -> int:
    """The [n] under which the prompt shows the passage containing words."""
    blocks = re.split(r"\n\n(?=\[\d+\] )", prompt)
    return next(int(re.match(r"\[(\d+)\]", block).group(1)) for block in blocks if words in block
                and re.match(r"\[\d+\]", block))


def engine_with(sample_services: Services, script: Callable[[str], str], **settings: object) -> QAEngine:
    """The sample index's engine with the scripted model answering in the extractive answerer's place."""
    services = Services(sample_services.settings.model_copy(update=settings))
    services.__dict__.update(embedder=sample_services.embedder, store=sample_services.store,
                             retriever=sample_services.retriever)
    extractive = next(a for a in services.steps.answerers if isinstance(a, ExtractiveAnswerer))
    model = LLMAnswerer(ScriptedModel(script=script), extractive, "scripted", 30.0)
    services.use_steps(replace(services.steps, answerers=services.answerers_ending_with(model)))
    return services.engine


def test_kept_sentences_cite_verbatim_quotes_and_invented_ones_are_removed(sample_services: Services) -> None:
    def script(prompt: str) -> str:
        n = passage_number(prompt, "net loser in any joint campaigns")
        return (f"Derby did not accept joint recruitment campaigns, because it would be a net loser in any joint "
                f"campaigns [{n}]. Derby also rejected recommendations 17, 19 and 20 [{n}]. Leeds agreed to it.")

    result = engine_with(sample_services, script).ask(DERBY_QUESTION)
    assert result.answerer == LLM and result.kept_sentences == 1 and result.removed_sentences == 2
    assert result.answer.split("\n\n")[0] == ("Derby did not accept joint recruitment campaigns, because it would be "
                                              "a net loser in any joint campaigns [1].")
    assert len(result.citations) == 1 and "net loser in any joint campaigns" in result.citations[0].quote
    assert result.citations[0].quote in " ".join(result.citations[0].text.split())
    assert result.notes == ["2 of the model's 3 sentences were removed because the cited papers do not support them."]


def test_nothing_surviving_gives_the_extractive_answer_with_a_note(sample_services: Services) -> None:
    result = engine_with(sample_services, lambda prompt: "The papers do not say.").ask(DERBY_QUESTION)
    assert result.answerer == EXTRACTIVE and not result.abstained and result.citations
    assert result.removed_sentences == 1 and "None of the language model's sentences" in result.notes[0]


@pytest.mark.parametrize("script, reason", [
    (lambda prompt: "", "it returned nothing"),
    (lambda prompt: 1 / 0, "it failed: ZeroDivisionError"),
])
def test_a_failing_model_gives_the_extractive_answer_with_a_note(sample_services: Services, script, reason) -> None:  # noqa: ANN001
    result = engine_with(sample_services, script).ask(DERBY_QUESTION)
    assert result.answerer == EXTRACTIVE and result.citations and reason in result.notes[0]


def test_the_model_is_not_asked_when_a_guard_refuses(sample_services: Services) -> None:
    asked: list[str] = []
    result = engine_with(sample_services, lambda prompt: asked.append(prompt) or "Yes [1].").ask(
        "What did Manchester decide about foster carer allowances?")
    assert result.abstained and not asked


def test_a_model_answer_on_passages_the_abstention_model_doubts_keeps_the_caution(sample_services: Services) -> None:
    def script(prompt: str) -> str:
        n = passage_number(prompt, "net loser in any joint campaigns")
        return f"Derby did not accept joint recruitment campaigns, because it would be a net loser in any joint campaigns [{n}]."

    plain = engine_with(sample_services, script).ask(DERBY_QUESTION)
    assert plain.answerer == LLM and not plain.cautioned and plain.notes == []
    doubted = engine_with(sample_services, script, fitted_caution_threshold=1.0).ask(DERBY_QUESTION)
    assert doubted.answerer == LLM and doubted.cautioned and doubted.answer == plain.answer
    assert doubted.notes == [render("caution")]
    assert answer_footer(AppContext(sample_services), doubted).endswith(render("caution"))  # shown under it in the app
