"""The index: re-ingesting adds nothing, removal and filters work, and the same code runs against a Chroma server."""

from __future__ import annotations

import shutil
from collections import Counter
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.services import Services
from assistant.settings import load_settings
from conftest import SAMPLE_DIR
from index.filters import SearchFilter
from index.store import GUESSED_SENTENCES
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


def test_a_filtered_search_returns_the_exact_nearest_rows_of_the_allowed_papers(sample_services: Services) -> None:
    """Filtered searches are answered from the allowed papers' vectors in memory: the result must be the true
    top rows by cosine among exactly those papers, for passages and for sentences."""
    store = sample_services.store
    leeds = SearchFilter(councils=("Leeds City Council",))
    allowed = {d["source"] for d in store.list_documents() if leeds.matches_document(d, d["source"])}
    assert allowed and len(allowed) < len(store.list_documents())
    vector = sample_services.embedder.embed_query("placements in external residential homes")
    for name, found in (("chunks", store.query_chunks(vector, 12, leeds)),
                        ("sentences", store.query_sentences(vector, 30, leeds))):
        rows = getattr(store, name).get(where={"source": {"$in": sorted(allowed)}}, include=["embeddings", "metadatas"])
        similarities = sorted(((float(np.dot(v, vector)), m.get("chunk_id", i))
                               for i, v, m in zip(rows["ids"], rows["embeddings"], rows["metadatas"])), reverse=True)
        assert [round(similarity, 5) for _, similarity in found] == [round(s, 5) for s, _ in similarities[:len(found)]]
        assert len(found) == min(len(similarities), 12 if name == "chunks" else 30)
        assert {chunk_id.split(":")[0] for chunk_id, _ in found} <= allowed


def test_a_passage_of_many_short_sentences_keeps_them_all(fresh_services: Services, tmp_path: Path) -> None:
    """Sentences are fetched by guessed id first; a passage longer than the guess must still come back whole."""
    paper = tmp_path / "minutes.txt"
    paper.write_text(" ".join(f"Item {n} noted." for n in range(1, 41)) + "\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "added"
    chunk_ids = [c.id for c in fresh_services.store.all_chunks()]
    stored = fresh_services.store.sentences.get(where={"chunk_id": {"$in": chunk_ids}}, include=["metadatas"])
    per_passage = Counter(meta["chunk_id"] for meta in stored["metadatas"])
    assert max(per_passage.values()) > GUESSED_SENTENCES  # the case under test
    sentences = fresh_services.store.sentences_of(chunk_ids)
    assert len(sentences) == len(stored["ids"])
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)


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
