"""The index: re-ingesting adds nothing, removal and filters work, and the same code runs against a Chroma server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.services import Services
from assistant.settings import load_settings
from ingest import pipeline
from conftest import SAMPLE_DIR
from index.filters import SearchFilter
from index.store import FILE_SEARCH_MAX_PASSAGES, ChromaStore
from ports import free_port, wait_for_port

DERBY = "002_9657fb6dd67a30bc.txt"


def _vector_files(store: ChromaStore) -> list[Path]:
    return sorted(store.vector_files.folder.glob("*.npz"))


def test_reingesting_unchanged_files_adds_nothing(sample_services: Services) -> None:
    before = (sample_services.store.chunks.count(), _vector_files(sample_services.store))
    summary = sample_services.pipeline.ingest([SAMPLE_DIR], progress=False)
    assert [r.status for r in summary.results] == ["unchanged"] * 5
    assert (sample_services.store.chunks.count(), _vector_files(sample_services.store)) == before


def test_a_changed_file_replaces_its_chunks(fresh_services: Services, tmp_path: Path) -> None:
    paper = tmp_path / "paper.txt"
    paper.write_text("1.1 The panel agreed to review foster carer allowances by March 2024.\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "added"
    paper.write_text("1.1 The panel agreed to close the Lansdowne unit by June 2025.\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "replaced"
    texts = [c.text for c in fresh_services.store.all_chunks()]
    assert texts == ["The panel agreed to close the Lansdowne unit by June 2025."]
    assert fresh_services.store.chunks.count() == 1


def test_a_file_read_by_changed_reading_code_is_read_again(fresh_services: Services, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that reads papers better reaches those ingested before it; the old passages give way whole."""
    paper = tmp_path / "paper.txt"
    paper.write_text("1.1 The panel agreed to review foster carer allowances by March 2024.\n", encoding="utf-8")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "added"
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "unchanged"
    monkeypatch.setattr(pipeline, "reading_version", lambda: "a-later-reader")
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "replaced"
    assert fresh_services.store.chunks.count() == 1 and len(_vector_files(fresh_services.store)) == 1
    assert fresh_services.store.document("paper.txt")["reading"] == "a-later-reader"
    assert fresh_services.pipeline.ingest([paper], progress=False).results[0].status == "unchanged"


def test_remove_makes_a_document_unanswerable(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)
    assert fresh_services.store.remove(DERBY)
    assert fresh_services.store.list_documents() == []
    assert fresh_services.store.chunks.count() == 0 and _vector_files(fresh_services.store) == []
    assert not fresh_services.store.remove(DERBY)


def test_source_filter_limits_retrieval(sample_services: Services) -> None:
    passages = sample_services.retriever.retrieve("foster carers", 8, SearchFilter(sources=(DERBY,)))
    assert passages and {p.chunk.source for p in passages} == {DERBY}


def _without_files(store: ChromaStore) -> ChromaStore:
    """The same index read through Chroma only, as before vector files existed."""
    chroma_only = ChromaStore(store.index_dir)
    chroma_only.vector_files = None
    return chroma_only


def test_a_paper_reissued_to_a_later_meeting_fills_one_place_in_the_results(fresh_services: Services,
                                                                           tmp_path: Path) -> None:
    report = SAMPLE_DIR / "000_5235fb501e279139.txt"
    shutil.copy(report, tmp_path / "cabinet_appendix.txt")
    shutil.copy(report, tmp_path / "council_appendix.txt")  # the same appendix again in the Council's papers
    assert not fresh_services.pipeline.ingest([tmp_path], progress=False).failed
    passages = fresh_services.retriever.retrieve("How were foster carers recruited?", top_k=20)
    wordings = [" ".join(p.chunk.text.split()) for p in passages]
    # copies are left out before the reranker's pool is cut, so they do not leave it half empty
    assert len(passages) == 20 and len(set(wordings)) == len(wordings)


EQIA_FORM = """# EQIA Submission Form

| Field | Entry |
|---|---|
| EQIA Title | Commissioning Plan for Education Provision |
| Directorate | Children Young People and Education |
| Aims of the activity | {aims} |
| Responsible Officer | Officer Amara Osei |
| Responsible Director | Director Jonah Whitfield |
"""


def test_a_paper_named_by_its_title_is_searched_for_the_rest_of_the_question(fresh_services: Services,
                                                                              tmp_path: Path) -> None:
    """A form's rows do not repeat the subject its title names; when many passages elsewhere match the question's
    other words better, the question naming the form by its title still finds the row it asks for."""
    aims = " ".join(["The plan sets out where new school places will be needed over the coming years."] * 8)
    (tmp_path / "eqia.md").write_text(EQIA_FORM.format(aims=aims), encoding="utf-8")
    others = "\n".join(f"## Assessment {n}\n\nThe responsible director named on the EqIA for service review {n} is "
                        f"Person {n}.\n" for n in range(60))
    (tmp_path / "register.md").write_text(f"# Register of equality assessments\n\n{others}", encoding="utf-8")
    assert not fresh_services.pipeline.ingest([tmp_path], progress=False).failed
    question = "Who is the responsible director named on the EqIA for the Commissioning Plan for Education Provision?"
    passages = fresh_services.retriever.retrieve(question, top_k=5)
    assert any("Jonah Whitfield" in p.chunk.text for p in passages)  # before: not among the first 30


def test_passages_read_when_the_passage_cache_fills_are_all_returned(sample_services: Services) -> None:
    """The cache of passages fetched from the store is emptied when it fills; passages it held and asked for again
    in that same call are still returned (a question had lost its best passages, and was refused)."""
    lexical = sample_services.store.lexical_index()
    ids = lexical.passage_ids_of(DERBY)
    first, second = ids[:6], ids[3:12]
    lexical.CACHE = len(first) + 2  # the next call overflows it
    lexical.chunks(first)
    try:
        assert [chunk.id for chunk in lexical.chunks(second)] == second
    finally:
        del lexical.CACHE


def test_filtered_searches_read_the_vector_files_and_agree_with_chroma(sample_services: Services) -> None:
    store = sample_services.store
    chroma_only = _without_files(store)
    vector = sample_services.embedder.embed_query("foster carer recruitment and retention")
    for search_filter in (SearchFilter(sources=(DERBY,)), SearchFilter(councils=("Derby City Council",))):
        assert store._files_query(vector, 10, search_filter) is not None  # noqa: SLF001
        from_files = store.query_chunks(vector, 10, search_filter)
        from_chroma = chroma_only.query_chunks(vector, 10, search_filter)
        assert from_files and {cid.split(":")[0] for cid, _ in from_files} == {DERBY}
        assert [cid for cid, _ in from_files[:3]] == [cid for cid, _ in from_chroma[:3]]
        assert [round(s, 4) for _, s in from_files[:3]] == [round(s, 4) for _, s in from_chroma[:3]]


def test_a_search_over_a_small_library_is_exact(sample_services: Services) -> None:
    """Unfiltered too, a library of few passages is searched exactly from its vector files, not by Chroma's
    approximate index: the nearest passages are the truly nearest, in every copy of the index."""
    store = sample_services.store
    vector = sample_services.embedder.embed_query("foster carer recruitment and retention")
    found = store._files_query(vector, 10, None)  # noqa: SLF001
    assert found is not None and store.query_chunks(vector, 10) == found
    rows = store.chunks.get(include=["embeddings"])
    similarities = np.asarray(rows["embeddings"], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
    exact = [rows["ids"][i] for i in np.argsort(-similarities)[:10]]
    assert [cid for cid, _ in found] == exact


def test_the_largest_exact_search_fits_the_vector_files_memory(sample_services: Services) -> None:
    """A council's library of several hundred papers (the KCC set's 5,140 passages among them) is searched exactly;
    at the papers' own density of sentences a passage, the vectors of the largest such search stay in memory, so
    the search does not read files from disk for every question."""
    store = sample_services.store
    stored = store.vector_files.read_all([(doc["source"], doc["ingest_id"]) for doc in store.list_documents()])
    assert stored is not None
    rows_per_passage = sum(v.rows for v in stored) / sum(len(v.chunk_ids) for v in stored)
    assert FILE_SEARCH_MAX_PASSAGES >= 10_000
    assert FILE_SEARCH_MAX_PASSAGES * rows_per_passage <= store.vector_files.max_rows


def test_an_embedded_index_keeps_sentences_in_its_vector_files_only(sample_services: Services) -> None:
    store = sample_services.store
    assert store.sentences.count() == 0  # Chroma would hold an index of every sentence in each writer's memory
    vector = sample_services.embedder.embed_query("foster carer recruitment and retention")
    chunk_ids = [cid for cid, _ in store.query_chunks(vector, 4)]
    sentences = store.sentences_of(chunk_ids)
    assert {s.chunk_id for s in sentences} == set(chunk_ids) and len(sentences) > len(chunk_ids)
    compared = 0
    for chunk in store.chunks_by_id(chunk_ids):
        text = store.document_text(chunk.source)
        mine = [s for s in sentences if s.chunk_id == chunk.id]
        assert all(chunk.start <= s.start < s.end <= chunk.end and text[s.start:s.end].strip() for s in mine)
        if chunk.kind != "table_row" and len(mine) > 1:  # each vector is its own sentence's, not a neighbour's
            embedded = sample_services.embedder.embed([text[s.start:s.end] for s in mine])
            closest = (embedded @ np.stack([s.vector for s in mine]).T).argmax(axis=0)
            assert list(closest) == list(range(len(mine)))
            compared += 1
    assert compared


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


def _as_written_before_vector_files(store: ChromaStore) -> None:
    """Moves each document's sentences from its vector file into Chroma and deletes the file: an index as written
    before the files existed."""
    for meta in store.list_documents():
        version = (meta["source"], meta["ingest_id"])
        vectors = store.vector_files.read(version)
        sentences = vectors.all_sentences()
        positions = {str(chunk_id): 0 for chunk_id in vectors.chunk_ids}
        ids, metas = [], []
        for sentence in sentences:
            ids.append(f"{sentence.chunk_id}:{positions[sentence.chunk_id]}")
            positions[sentence.chunk_id] += 1
            metas.append({**sentence.place(), "source": version[0], "ingest_id": version[1]})
        store.sentences.add(ids=ids, embeddings=[s.vector for s in sentences], metadatas=metas,
                            documents=["" for _ in ids])
    for path in store.vector_files.folder.glob("*.npz"):
        path.unlink()
    store.vector_files = type(store.vector_files)(store.vector_files.folder)  # nothing cached


def test_a_document_without_a_vector_file_is_read_from_chroma_until_the_next_ingest_writes_it(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)
    store = fresh_services.store
    vector = fresh_services.embedder.embed_query("joint recruitment campaigns")
    hits = store.query_chunks(vector, 5, SearchFilter(sources=(DERBY,)))
    chunk_ids = [cid for cid, _ in hits]
    before = [(s.chunk_id, s.start, s.end) for s in store.sentences_of(chunk_ids)]
    _as_written_before_vector_files(store)
    assert store._files_query(vector, 5, SearchFilter(sources=(DERBY,))) is None  # noqa: SLF001
    assert [cid for cid, _ in store.query_chunks(vector, 5, SearchFilter(sources=(DERBY,)))] == chunk_ids  # Chroma
    assert sorted((s.chunk_id, s.start, s.end) for s in store.sentences_of(chunk_ids)) == sorted(before)
    summary = fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY], progress=False)  # the next ingest writes it
    assert summary.results[0].status == "unchanged" and len(_vector_files(store)) == 1
    from_file = store._files_query(vector, 5, SearchFilter(sources=(DERBY,)))  # noqa: SLF001
    assert [cid for cid, _ in from_file] == chunk_ids
    assert [(s.chunk_id, s.start, s.end) for s in store.sentences_of(chunk_ids)] == before


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
