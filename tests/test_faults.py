"""Faults under real use: kill -9 during ingest, and a real Chroma server stopped and restarted during questions and ingest."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import pytest

from assistant.services import Services
from assistant.settings import load_settings
from conftest import SAMPLE_DIR
from index.store import ChromaStore
from index.vector_files import file_name
from ports import free_port, wait_for_port
from test_cli import SCRUTINY

DERBY = SAMPLE_DIR / "002_9657fb6dd67a30bc.txt"
QUESTIONS = ["What did Derby decide about joint recruitment campaigns with other councils?",
             "What is the price of a season ticket at the football club?"]


def start_chroma(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """A real `chroma run` on 127.0.0.1, answering once its port accepts connections."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    process = subprocess.Popen([chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", port, 90, process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def cli_env(index: Path, chroma_port: int | None = None) -> dict[str, str]:
    env = {**os.environ, "SCRUTINY_INDEX": str(index), "HF_HUB_OFFLINE": "1"}
    if chroma_port is not None:
        env.update(SCRUTINY_CHROMA_HOST="127.0.0.1", SCRUTINY_CHROMA_PORT=str(chroma_port))
    return env


def index_problems(store: ChromaStore) -> list[str]:
    """What a kill could have broken: a listed document with missing, extra or duplicated chunks or sentences."""
    problems = []
    for document in store.list_documents():
        where = {"$and": [{"source": document["source"]}, {"ingest_id": document["ingest_id"]}]}
        ordinals = sorted(int(meta["ordinal"]) for meta in store.chunks.get(where=where, include=["metadatas"])["metadatas"])
        if ordinals != list(range(int(document["chunks"]))):
            problems.append(f"{document['source']}: chunks {len(ordinals)} of {document['chunks']}")
        chunk_ids = [f"{document['source']}:{document['ingest_id']}:{ordinal}" for ordinal in ordinals]
        sentences = [(s.chunk_id, s.start) for s in store.sentences_of(chunk_ids)]
        if not sentences or len(set(sentences)) != len(sentences):
            problems.append(f"{document['source']}: {len(sentences)} sentences")
    return problems


def answers(services: Services, questions: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each answer's text and its (source, quote) citations, for comparing two indexes."""
    results = [services.engine.ask(question) for question in questions]
    return [(r.answer, [(c.source, c.quote) for c in r.citations]) for r in results]


def kill_ingest_at(seconds: float, paths: list[Path], env: dict[str, str]) -> int:
    """Starts `scrutiny ingest`, sends SIGKILL after the given seconds; the exit code (-9 when it was killed)."""
    process = subprocess.Popen([SCRUTINY, "ingest", *map(str, paths)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    return process.returncode


def kill_ingest_in_write(episode: int, delay: float, paths: list[Path], env: dict[str, str], index: Path,
                         patience: float) -> int:
    """Starts `scrutiny ingest` and sends SIGKILL `delay` seconds into the `episode`-th time it is seen holding the
    index's write lock (writes are a small share of an ingest, so kills at random moments seldom land in one; the
    first hold may be the start-up tidying, later ones are documents being written)."""
    process = subprocess.Popen([SCRUTINY, "ingest", *map(str, paths)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, seen, held = time.monotonic() + patience, 0, False
    while process.poll() is None and time.monotonic() < deadline and seen < episode:
        now_held = write_lock_held(index)
        seen += now_held and not held
        held = now_held
        time.sleep(0.002)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return process.returncode


def write_lock_held(index: Path) -> bool:
    """Whether another process holds the index's write lock, tested without waiting for it."""
    try:
        with open(index / "write.lock", "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except FileNotFoundError:
        return False
    return False


@dataclass
class KillRound:
    """One kill -9 of an ingest: when, how the process ended, and what the index held afterwards."""
    moment: float  # seconds after start, or after the write lock was seen held
    exit_code: int
    in_write: bool  # aimed at a moment the ingest held the write lock
    listed: list[str]
    revised: int  # documents whose listed version is this round's revision
    interrupted_rows: int  # rows of an unfinished version, invisible to questions: the kill fell in a write
    problems: list[str]


def revised_copies(folder: Path, revision: int) -> list[Path]:
    """The sample reports, each with one sentence appended, so that ingesting them replaces every document."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        copy = folder / path.name
        copy.write_text(path.read_text(encoding="utf-8") + f"\n\nThis copy is revision {revision}.\n", encoding="utf-8")
        copies.append(copy)
    return copies


def kill_rounds(index: Path, rounds: int, seed: int, latest: float) -> Iterator[KillRound]:
    """kill -9 an ingest, alternately at a random moment and inside a write. Every round ingests a new revision of
    each sample report, in a new order, so each round replaces documents and has writes to interrupt.

    A document listed before a kill must be listed after it, whole, as its old or its new revision, once."""
    generator = random.Random(seed)
    kept: set[str] = set()
    hashes: dict[str, set[str]] = {}
    for revision in range(1, rounds + 1):
        copies = revised_copies(index.parent / f"revision-{revision}", revision)
        generator.shuffle(copies)
        new_hashes = {copy.name: hashlib.sha256(copy.read_bytes()).hexdigest() for copy in copies}
        if revision % 2:
            moment = generator.uniform(1.0, latest)
            code = kill_ingest_at(moment, copies, cli_env(index))
        else:
            moment = generator.uniform(0.0, 0.2)
            code = kill_ingest_in_write(generator.randint(1, len(copies)), moment, copies, cli_env(index), index,
                                        patience=latest * 3)
        store = Services(load_settings(index=index)).store
        documents = store.list_documents()
        listed = [d["source"] for d in documents]
        problems = [f"lost {name}" for name in sorted(kept - set(listed))]
        problems += [f"listed twice: {name}" for name in sorted({n for n in listed if listed.count(n) > 1})]
        problems += [f"{d['source']}: a version never ingested" for d in documents
                     if d["content_hash"] not in hashes.get(d["source"], set()) | {new_hashes.get(d["source"])}]
        for name, content_hash in new_hashes.items():
            hashes.setdefault(name, set()).add(content_hash)
        kept |= set(listed)
        revised = sum(d["content_hash"] == new_hashes.get(d["source"]) for d in documents)
        yield KillRound(moment, code, revision % 2 == 0, listed, revised, unfinished_rows(store),
                        problems + index_problems(store))


def unfinished_rows(store: ChromaStore) -> int:
    """Chunk rows and vector files of versions no document record points to (a kill fell while they were written)."""
    active = sorted(set(store.active_ingests().values()))
    where = {"ingest_id": {"$nin": active}} if active else None
    kept = {file_name(version) for version in store.active_ingests().items()}
    orphan_files = [path for path in store.vector_files.folder.glob("*.npz") if path.name not in kept]
    return len(store.chunks.get(where=where, include=[])["ids"]) + len(orphan_files)


def test_kill_9_at_random_moments_loses_nothing_and_answers_stay_the_same(tmp_path: Path,
                                                                          sample_services: Services) -> None:
    index = tmp_path / "index"
    rounds = list(kill_rounds(index, rounds=3, seed=13, latest=40.0))
    assert all(round_.problems == [] for round_ in rounds), rounds
    # the rounds must have had something to break: a revision stored, or a write cut short
    assert any(round_.revised or round_.interrupted_rows for round_ in rounds[1:]), rounds
    assert any(round_.in_write and round_.exit_code == -9 for round_ in rounds), rounds
    done = subprocess.run([SCRUTINY, "ingest", str(SAMPLE_DIR)], env=cli_env(index), capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    services = Services(load_settings(index=index))
    services.__dict__["embedder"] = sample_services.embedder
    assert sorted(d["source"] for d in services.store.list_documents()) == sorted(p.name for p in SAMPLE_DIR.glob("*.txt"))
    assert index_problems(services.store) == []
    # the reference is an index of its own, ingested once without kills: the shared sample index is written by other
    # tests' processes, and its handles in this process may be stale
    reference = Services(load_settings(index=tmp_path / "reference"))
    reference.__dict__["embedder"] = sample_services.embedder
    assert not reference.pipeline.ingest([SAMPLE_DIR], progress=False).failed
    assert answers(services, QUESTIONS) == answers(reference, QUESTIONS)


def _read_line(stream: IO[str], what: str) -> str:
    line = stream.readline()
    assert line, f"the command ended before {what}"
    return line


@pytest.mark.server
def test_a_batch_names_the_stopped_chroma_server_and_answers_again_once_it_is_back(tmp_path: Path) -> None:
    port = free_port()
    server = start_chroma(tmp_path / "server", port)
    env = cli_env(tmp_path / "unused", port)
    try:
        ingested = subprocess.run([SCRUTINY, "ingest", str(DERBY)], env=env, capture_output=True, text=True, timeout=600)
        assert ingested.returncode == 0, ingested.stderr
        questions = tmp_path / "questions.jsonl"
        os.mkfifo(questions)  # the batch reads each line as it is written, so the server can be stopped between them
        batch = subprocess.Popen([SCRUTINY, "ask", "--batch", str(questions)], env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert batch.stdout is not None and batch.stderr is not None
        with questions.open("w", encoding="utf-8") as lines:
            def ask() -> dict:
                lines.write(json.dumps({"question": QUESTIONS[0]}) + "\n")
                lines.flush()
                return json.loads(_read_line(batch.stdout, "an answer"))

            assert ask()["citations"][0]["source"] == DERBY.name
            stop(server)
            failed = ask()
            assert failed["line"] == 2 and f"Chroma server at 127.0.0.1:{port} unreachable" in failed["error"]
            server = start_chroma(tmp_path / "server", port)
            assert ask()["citations"][0]["source"] == DERBY.name
        batch.wait(timeout=120)
        errors = batch.stderr.read()
        assert batch.returncode == 1 and "Traceback" not in errors
        assert errors.count(f"Chroma server at 127.0.0.1:{port} unreachable") == 1, errors
    finally:
        stop(server)


@pytest.mark.server
def test_an_ingest_names_the_stopped_chroma_server_for_each_remaining_file(tmp_path: Path) -> None:
    port = free_port()
    server = start_chroma(tmp_path / "server", port)
    env = cli_env(tmp_path / "unused", port)
    first = tmp_path / "first.txt"
    first.write_text("The panel met in June. It agreed the work plan.", encoding="utf-8")
    rest = sorted(SAMPLE_DIR.glob("*.txt"))[:3]
    try:
        ingest = subprocess.Popen([SCRUTINY, "ingest", str(first), *map(str, rest)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert ingest.stderr is not None
        while first.name not in _read_line(ingest.stderr, "the first file was stored"):
            pass
        stop(server)
        errors = ingest.stderr.read()
        ingest.wait(timeout=300)
        assert ingest.returncode == 1 and "Traceback" not in errors
        for path in rest:
            line = next(line for line in errors.splitlines() if path.name in line)
            assert f"Chroma server at 127.0.0.1:{port} unreachable" in line and "re-save" not in line, line

        server = start_chroma(tmp_path / "server", port)
        again = subprocess.run([SCRUTINY, "ingest", str(first), *map(str, rest)], env=env, capture_output=True,
                               text=True, timeout=900)
        assert again.returncode == 0, again.stderr
        assert "3 documents ingested" in again.stdout and "1 unchanged" in again.stdout
        services = Services(load_settings(chroma_host="127.0.0.1", chroma_port=port))
        assert len(services.store.list_documents()) == 4 and index_problems(services.store) == []
    finally:
        stop(server)
