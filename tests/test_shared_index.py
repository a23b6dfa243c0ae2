"""One embedded index, two processes: questions keep working while `scrutiny ingest` writes, and see new papers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.services import Services
from assistant.settings import load_settings
from app_server import running_app
from conftest import PROJECT, SAMPLE_DIR, external_pdfs
from evals.gold import DATASETS_DIR, load_dataset
from index.filters import SearchFilter

SHORTEST = ("003_b4e36d0c51f0492b.txt", "001_9fd2cc959c742ed0.txt", "004_77dbbb5ea04abb7b.txt")
QUESTIONS = ("How many children from other councils were placed in East Sussex?",
             "What did the panel recommend about foster carers?",
             "What is the budget for children's services?")


@pytest.mark.timeout(1800)  # two processes each load the model; slow when the machine is shared
def test_questions_keep_working_while_another_process_ingests(tmp_path: Path) -> None:
    first, *later = [SAMPLE_DIR / name for name in SHORTEST]
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for path in later:
        shutil.copy(path, incoming / path.name)
    services = Services(load_settings(index=tmp_path / "index"))
    assert not services.pipeline.ingest([first], progress=False).failed
    services.engine.ask(QUESTIONS[0])  # handles opened, keyword index loaded, before the other process starts

    env = {**os.environ, "PYTHONPATH": str(PROJECT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    writer = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(incoming),
                               "--index", str(tmp_path / "index")], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    asked, errors, answered_during = 0, [], 0
    while writer.poll() is None:
        try:
            result = services.engine.ask(QUESTIONS[asked % len(QUESTIONS)])
            answered_during += not result.abstained
        except Exception as error:  # noqa: BLE001 - the point is to count every failure
            errors.append(repr(error))
        asked += 1
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert asked >= 5, "the ingest finished before enough questions were asked to show anything"
    assert errors == [], errors[:3]
    assert answered_during > 0

    # no restart: the new papers are searchable at once, by vector, keyword and filter
    assert {doc["source"] for doc in services.store.list_documents()} == {p.name for p in [first, *later]}
    for path in later:
        passages = services.retriever.retrieve("report", 8, SearchFilter(sources=(path.name,)))
        assert passages and {p.chunk.source for p in passages} == {path.name}
        assert services.retriever.lexical_index().passage_ids_of(path.name)
    gold = next(q for q in load_dataset(DATASETS_DIR / "sample.jsonl")
                if q.type == "fact" and not q.history and set(q.sources) <= {p.name for p in later})
    result = services.engine.ask(gold.question)
    assert not result.abstained and {c.source for c in result.citations} & set(gold.sources), result.answer
    started = time.perf_counter()
    services.engine.ask(QUESTIONS[1])
    assert time.perf_counter() - started < 30


# questions naming a sample council: a Kent or Californian paper arriving must not change their answers
COUNCIL_QUESTIONS = ("What did Derby decide about joint recruitment campaigns with other councils?",
                     "How many children from other councils were placed in East Sussex?",
                     "What did Leeds decide about external placements?")


@pytest.mark.skipif(not external_pdfs(), reason="needs ../shared/external/pdfs")
@pytest.mark.timeout(2400)
def test_the_app_answers_while_another_process_ingests_the_external_pdfs(tmp_path: Path,
                                                                         fresh_services: Services) -> None:
    from gradio_client import Client

    assert not fresh_services.pipeline.ingest([SAMPLE_DIR], progress=False).failed
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with running_app(fresh_services, tmp_path) as url:
        client = Client(url, verbose=False)
        before = {question: client.predict(question=question, api_name="/ask")["answer"]
                  for question in COUNCIL_QUESTIONS}
        writer = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", *map(str, external_pdfs()),
                                   "--index", str(fresh_services.settings.index)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        asked, changed, errors = 0, [], []
        while writer.poll() is None:
            question = COUNCIL_QUESTIONS[asked % len(COUNCIL_QUESTIONS)]
            try:
                answer = client.predict(question=question, api_name="/ask")["answer"]
                changed += [(question, answer)] if answer != before[question] else []
            except Exception as error:  # noqa: BLE001 - the point is to count every failure
                errors.append(repr(error))
            asked += 1
        _, err = writer.communicate()
        assert writer.returncode == 0, err
        assert asked >= 5 and errors == [] and changed == [], (asked, errors[:3], changed[:3])

        # right after, without a restart: questions about the new papers cite them
        gold = [q for q in load_dataset(DATASETS_DIR / "external.jsonl") if q.type == "fact" and not q.history
                and q.sources and set(q.sources) <= {path.name for path in external_pdfs()}]
        cited = [bool({c["source"] for c in client.predict(question=q.question, api_name="/ask")["citations"]}
                      & set(q.sources)) for q in gold]
    assert len(gold) >= 5 and sum(cited) >= 0.6 * len(gold), cited
    print(f"{asked} questions answered unchanged during the ingest, 0 errors; "
          f"{sum(cited)}/{len(gold)} questions about the new papers cite them")


@pytest.mark.timeout(900)
def test_a_store_opened_after_another_process_wrote_sees_its_papers(tmp_path: Path) -> None:
    """Chroma shares one embedded system per folder within a process, so a store opened later inherits the
    first store's handles; they must be reopened when another process wrote in between."""
    first, second = SAMPLE_DIR / SHORTEST[0], SAMPLE_DIR / SHORTEST[1]
    index = tmp_path / "index"
    early = Services(load_settings(index=index))
    assert not early.pipeline.ingest([first], progress=False).failed
    early.engine.ask(QUESTIONS[0])
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    written = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(second), "--index", str(index)],
                             env=env, capture_output=True, text=True, timeout=800)
    assert written.returncode == 0, written.stderr

    later = Services(load_settings(index=index))
    later.__dict__["embedder"] = early.embedder
    passages = later.retriever.retrieve("children placed", 8, SearchFilter(sources=(second.name,)))
    assert passages and {p.chunk.source for p in passages} == {second.name}
    assert later.store.sentences_of([p.chunk.id for p in passages])
