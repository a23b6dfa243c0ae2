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
from index.store import ChromaStore
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


def _without_files(store: ChromaStore) -> ChromaStore:
    """The same index read through Chroma only, as before vector files existed."""
    chroma_only = ChromaStore(store.index_dir)
    chroma_only.vector_files = None
    return chroma_only


def test_filtered_searches_read_the_vector_files_and_agree_with_chroma(sample_services: Services) -> None:
    store = sample_services.store
    chroma_only = _without_files(store)
    vector = sample_services.embedder.embed_query("foster carer recruitment and retention")
    for search_filter in (SearchFilter(sources=(DERBY,)), SearchFilter(councils=("Derby City Council",))):
        assert store._files_query(vector, 10, search_filter, sentences=False) is not None  # noqa: SLF001
        for query in ("query_chunks", "query_sentences"):
            from_files = getattr(store, query)(vector, 10, search_filter)
            from_chroma = getattr(chroma_only, query)(vector, 10, search_filter)
            assert from_files and {cid.split(":")[0] for cid, _ in from_files} == {DERBY}
            assert [cid for cid, _ in from_files[:3]] == [cid for cid, _ in from_chroma[:3]]
            assert [round(s, 4) for _, s in from_files[:3]] == [round(s, 4) for _, s in from_chroma[:3]]
    chunk_ids = [cid for cid, _ in store.query_chunks(vector, 4, SearchFilter(sources=(DERBY,)))]
    from_files, from_chroma = store.sentences_of(chunk_ids), chroma_only.sentences_of(chunk_ids)
    assert len(from_files) == len(from_chroma) > len(chunk_ids)
    for mine, theirs in zip(sorted(from_files, key=lambda s: (s.chunk_id, s.start)),
                            sorted(from_chroma, key=lambda s: (s.chunk_id, s.start))):
        assert (mine.chunk_id, mine.start, mine.end, mine.section, mine.page, mine.column) == \
            (theirs.chunk_id, theirs.start, theirs.end, theirs.section, theirs.page, theirs.column)
        assert abs(float(mine.vector @ theirs.vector) - 1.0) < 1e-5


def test_vector_files_follow_replacements_removals_and_orphans(fresh_services: Services, tmp_path: Path) -> None:
    store = fresh_services.store
    folder = store.vector_files.folder
    paper = tmp_path / "paper.txt"
    paper.write_text("1.1 The panel agreed to review foster carer allowances by March 2024.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    first = sorted(folder.glob("*.npz"))
    assert len(first) == 1
    paper.write_text("1.1 The panel agreed to close the Lansdowne unit by June 2025.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    second = sorted(folder.glob("*.npz"))
    assert len(second) == 1 and second != first  # the old version's file went with its rows
    (folder / "0000000000000000-0000000000000000.npz").write_bytes(b"left by a killed ingest")
    fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)  # an ingest starts by clearing orphans
    assert not (folder / "0000000000000000-0000000000000000.npz").exists()
    assert len(list(folder.glob("*.npz"))) == 2
    assert store.remove("paper.txt")
    assert len(list(folder.glob("*.npz"))) == 1


def test_a_document_without_a_vector_file_is_searched_through_chroma_until_the_next_ingest_writes_it(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)
    store = fresh_services.store
    for path in store.vector_files.folder.glob("*.npz"):
        path.unlink()  # as in an index written before the files existed
    store.vector_files = type(store.vector_files)(store.vector_files.folder)  # nothing cached
    vector = fresh_services.embedder.embed_query("joint recruitment campaigns")
    assert store._files_query(vector, 5, SearchFilter(sources=(DERBY,)), sentences=False) is None  # noqa: SLF001
    hits = store.query_chunks(vector, 5, SearchFilter(sources=(DERBY,)))
    assert hits and store.sentences_of([cid for cid, _ in hits])
    summary = fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)  # the next ingest writes it
    assert summary.results[0].status == "unchanged" and len(list(store.vector_files.folder.glob("*.npz"))) == 1
    from_file = store._files_query(vector, 5, SearchFilter(sources=(DERBY,)), sentences=False)  # noqa: SLF001
    assert [cid for cid, _ in from_file] == [cid for cid, _ in hits]
    chunk_ids = [cid for cid, _ in hits]
    assert [(s.chunk_id, s.start) for s in store.sentences_of(chunk_ids)] == \
        [(s.chunk_id, s.start) for s in _without_files(store).sentences_of(chunk_ids)]


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
