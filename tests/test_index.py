"""The index: re-ingesting adds nothing, removal and filters work, and the same code runs against a Chroma server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.services import Services
from assistant.settings import load_settings
from conftest import SAMPLE_DIR
from index.filters import SearchFilter
from ports import free_port, wait_for_port

DERBY = "002_9657fb6dd67a30bc.txt"


def test_reingesting_unchanged_files_adds_nothing(sample_services: Services) -> None:
    before = (sample_services.store.chunks.count(), sample_services.store.sentences.count())
    summary = sample_services.pipeline.ingest([SAMPLE_DIR], progress=False)
    assert [r.status for r in summary.results] == ["unchanged"] * 5
    assert (sample_services.store.chunks.count(), sample_services.store.sentences.count()) == before


def test_a_changed_file_replaces_its_chunks(fresh_services: Services, tmp_path: Path) -> None:
    paper = tmp_path / "paper.txt"
    paper.write_text("1.1 The panel agreed to review foster carer allowances by March 2024.\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "added"
    paper.write_text("1.1 The panel agreed to close the Lansdowne unit by June 2025.\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "replaced"
    texts = [c.text for c in fresh_services.store.all_chunks()]
    assert texts == ["The panel agreed to close the Lansdowne unit by June 2025."]
    assert fresh_services.store.chunks.count() == 1


def test_remove_makes_a_document_unanswerable(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)
    assert fresh_services.store.remove(DERBY)
    assert fresh_services.store.list_documents() == []
    assert fresh_services.store.chunks.count() == 0 and fresh_services.store.sentences.count() == 0
    assert not fresh_services.store.remove(DERBY)


def test_source_filter_limits_retrieval(sample_services: Services) -> None:
    passages = sample_services.retriever.retrieve("foster carers", 8, SearchFilter(sources=(DERBY,)))
    assert passages and {p.chunk.source for p in passages} == {DERBY}


@pytest.fixture()
def chroma_server(tmp_path: Path):
    """A real `chroma run` on 127.0.0.1, stopped after the test."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", port, 60, process)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_the_same_code_works_against_a_chroma_server(chroma_server: int, sample_services: Services,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    services = Services(load_settings(index=tmp_path / "unused"))
    services.__dict__["embedder"] = sample_services.embedder
    assert services.settings.chroma_host == "127.0.0.1"
    summary = services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)
    assert summary.results[0].status == "added"
    assert not (tmp_path / "unused").exists()  # nothing was written locally
    result = services.engine.ask("What did Derby decide about joint recruitment campaigns with other councils?")
    assert result.citations and result.citations[0].source == DERBY
    assert services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False).results[0].status == "unchanged"
