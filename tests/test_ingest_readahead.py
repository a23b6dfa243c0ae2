"""The ingest read-ahead, against a real embedded Chroma index and the real model: a file read while the one before it
is embedded and stored is not charged that wait against its time limit, and files are read no further ahead than the
set depth."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from assistant.services import Services
from assistant.settings import load_settings
from index.embedder import Embedder
from ingest.chunker import Chunk
from ingest.document import LoadedDocument
from ingest.pipeline import READ_AHEAD_FILES, FileResult, IngestPipeline, ReadFile
from ingest.readers.base import ReadLimits
from ingest.structure import Block


class SlowEmbedder(Embedder):
    """The real embedder, sharing the loaded model, that sleeps before the calls chosen by slow(call number)."""

    def __init__(self, real: Embedder, slow: Callable[[int], float]) -> None:
        super().__init__(real.model_name, real.batch_size)
        self.__dict__["_onnx"] = real._onnx
        self.slow = slow
        self.calls = 0

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        time.sleep(self.slow(self.calls))
        return super().embed(texts, show_progress)


class Recorder:
    """Wraps the pipeline's own _read and _store_read to log, in order and with times, when each file is read and stored."""

    def __init__(self, pipeline: IngestPipeline) -> None:
        self.events: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()
        read, store_read = pipeline._read, pipeline._store_read

        def recorded_read(path: Path, limits: ReadLimits) -> tuple[LoadedDocument, list[Block], list[Chunk]]:
            self.log("read-start", path.name)
            try:
                return read(path, limits)
            finally:
                self.log("read-end", path.name)

        def recorded_store_read(read_file: FileResult | ReadFile, write_lock: AbstractContextManager) -> FileResult:
            self.log("store-start", read_file.path.name)
            try:
                return store_read(read_file, write_lock)
            finally:
                self.log("store-end", read_file.path.name)

        pipeline._read = recorded_read  # type: ignore[method-assign]
        pipeline._store_read = recorded_store_read  # type: ignore[method-assign]

    def log(self, event: str, name: str) -> None:
        with self.lock:
            self.events.append((event, name, time.monotonic()))

    def position(self, event: str, name: str) -> int:
        return next(i for i, (e, n, _) in enumerate(self.events) if (e, n) == (event, name))

    def at(self, event: str, name: str) -> float:
        return self.events[self.position(event, name)][2]


@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    embedder = Services(load_settings(index=tmp_path_factory.mktemp("index"))).embedder
    embedder.embed(["The model is loaded once for this module."])
    return embedder


def _papers(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    papers = []
    for number in range(count):
        paper = folder / f"paper{number}.txt"
        paper.write_text(f"Report {number} to the scrutiny panel. The panel met and agreed the plan. "
                         f"Officers will report back on item {number} next year.", encoding="utf-8")
        papers.append(paper)
    return papers


def test_a_file_queued_behind_a_slow_store_is_not_charged_the_wait(tmp_path: Path, real_embedder: Embedder) -> None:
    services = Services(load_settings(index=tmp_path / "index"))
    first, second = _papers(tmp_path / "in", 2)
    # the first file's embedding takes 3 s; each file may take 2 s of its own
    pipeline = IngestPipeline(services.store, SlowEmbedder(real_embedder, lambda call: 3.0 if call == 1 else 0.0),
                              max_seconds_per_file=2.0)
    recorder = Recorder(pipeline)
    summary = pipeline.ingest([first, second], progress=False)
    assert [(r.path.name, r.status) for r in summary.results] == [(first.name, "added"), (second.name, "added")], summary.results
    # the second file was read while the first was stored, and then waited longer than its whole time limit
    assert recorder.at("store-end", first.name) - recorder.at("read-end", second.name) > 2.0, recorder.events
    assert sorted(d["source"] for d in services.store.list_documents()) == [first.name, second.name]


def test_files_are_read_ahead_while_one_is_stored_but_no_further_than_the_set_depth(tmp_path: Path, real_embedder: Embedder) -> None:
    services = Services(load_settings(index=tmp_path / "index"))
    papers = _papers(tmp_path / "in", READ_AHEAD_FILES + 3)
    # every embedding takes 1.5 s more: time for the reader to run as far ahead as it is allowed, and further if unbounded
    pipeline = IngestPipeline(services.store, SlowEmbedder(real_embedder, lambda call: 1.5))
    recorder = Recorder(pipeline)
    summary = pipeline.ingest(papers, progress=False)
    assert [r.status for r in summary.results] == ["added"] * len(papers), summary.results
    names = [p.name for p in papers]
    for number, name in enumerate(names):
        ahead = number + READ_AHEAD_FILES
        if ahead < len(names):  # the files up to the depth are read while this one is stored ...
            assert recorder.position("read-end", names[ahead]) < recorder.position("store-end", name), recorder.events
        if ahead + 1 < len(names):  # ... and the one after them not until this one is stored
            assert recorder.position("read-start", names[ahead + 1]) > recorder.position("store-end", name), recorder.events
    assert len(services.store.list_documents()) == len(papers)


class RecordingEmbedder(Embedder):
    """The real embedder, sharing the loaded model, that keeps every text it was asked to embed."""

    def __init__(self, real: Embedder) -> None:
        super().__init__(real.model_name, real.batch_size)
        self.__dict__["_onnx"] = real._onnx
        self.texts: list[str] = []

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts, show_progress)


def test_a_sentence_repeated_in_a_paper_is_embedded_once_and_every_copy_gets_its_vector(
        tmp_path: Path, real_embedder: Embedder) -> None:
    paper = tmp_path / "register.txt"
    rows = [f"Risk {number}: the {topic} budget may overspend.\n\nDirectorate: Growth, Environment and Transport.\n\n"
            f"Cabinet Member: Ann Smith." for number, topic in enumerate(["highways", "waste", "libraries", "transport"])]
    paper.write_text("Budget risk register.\n\n" + "\n\n".join(rows), encoding="utf-8")
    embedder = RecordingEmbedder(real_embedder)
    pipeline = IngestPipeline(Services(load_settings(index=tmp_path / "index")).store, embedder)
    chunks = pipeline._read(paper, ReadLimits(None, None)).chunks
    texts = [sentence.embed_text for chunk in chunks for sentence in chunk.sentences]
    assert len(texts) > len(set(texts)), texts  # the paper does repeat itself

    chunk_vectors, sentence_vectors = pipeline._embed(chunks, ReadLimits(None, None))

    assert sorted(embedder.texts) == sorted(set(texts))
    expected = real_embedder.embed(texts)
    assert sentence_vectors.shape == expected.shape
    assert np.allclose(sentence_vectors, expected, atol=1e-4)  # each sentence, repeated or not, has its own text's vector
    assert chunk_vectors.shape == (len(chunks), expected.shape[1])


def test_a_sentence_embedded_for_an_earlier_paper_is_not_embedded_again(tmp_path: Path, real_embedder: Embedder) -> None:
    shared = "The appendix sets out the revenue budget for 2025-26 by directorate."
    cabinet, council = tmp_path / "cabinet.txt", tmp_path / "council.txt"
    cabinet.write_text(f"Report to Cabinet on the draft budget.\n\n{shared}", encoding="utf-8")
    council.write_text(f"Report to full Council on the final budget.\n\n{shared}", encoding="utf-8")
    embedder = RecordingEmbedder(real_embedder)
    services = Services(load_settings(index=tmp_path / "index"))
    pipeline = IngestPipeline(services.store, embedder)

    summary = pipeline.ingest([cabinet, council], progress=False)

    assert [r.status for r in summary.results] == ["added", "added"], summary.results
    texts = {name: [s.embed_text for c in pipeline._read(path, ReadLimits(None, None)).chunks for s in c.sentences]
             for name, path in (("cabinet", cabinet), ("council", council))}
    repeated = set(texts["cabinet"]) & set(texts["council"])
    assert repeated, texts  # the two papers do share a sentence
    assert sorted(embedder.texts) == sorted(set(texts["cabinet"]) | set(texts["council"]))  # each text once
    # the council paper's copy of the shared sentence carries that text's own vector
    _, council_vectors = pipeline._embed(pipeline._read(council, ReadLimits(None, None)).chunks, ReadLimits(None, None))
    assert np.allclose(council_vectors, real_embedder.embed(texts["council"]), atol=1e-4)
    assert len(services.store.list_documents()) == 2
