"""The installed `scrutiny` command end to end: ingest, ask --json, --batch, list, remove, and clear errors."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE_DIR

SCRUTINY = str(Path(sys.executable).parent / "scrutiny")
DERBY = "002_9657fb6dd67a30bc.txt"


def run(*args: str, index: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCRUTINY_INDEX": str(index), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([SCRUTINY, *args], capture_output=True, text=True, env=env, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("cli-index")
    done = run("ingest", str(SAMPLE_DIR / DERBY), str(SAMPLE_DIR / "001_9fd2cc959c742ed0.txt"), index=index)
    assert done.returncode == 0, done.stderr
    assert "2 documents ingested" in done.stdout
    return index


def test_ask_json_cites_derby_saying_not_accepted(cli_index: Path) -> None:
    done = run("ask", "--json", "What did Derby decide about joint recruitment campaigns with other councils?",
               index=cli_index)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["abstained"] is False
    assert data["citations"][0]["source"] == DERBY
    assert any("not accepted" in c["quote"] for c in data["citations"])


def test_batch_answers_every_line(cli_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"question": "What did Derby decide about joint recruitment campaigns?", "history": []},
        {"question": "and why?", "history": ["What did Derby decide about joint recruitment campaigns?"]},
        {"question": "What is the price of a season ticket at the football club?"},
    ]) + "\n\nWhat did Derby decide about joint recruitment campaigns?\n", encoding="utf-8")  # a plain line too
    done = run("ask", "--batch", str(batch), "--json", index=cli_index)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["abstained"] for r in results] == [False, False, True, False]
    assert results[3]["question"] == "What did Derby decide about joint recruitment campaigns?"
    assert results[3]["answer"] == results[0]["answer"]


def test_list_and_remove(cli_index: Path) -> None:
    listed = json.loads(run("list", "--json", index=cli_index).stdout)
    assert sorted(d["source"] for d in listed) == ["001_9fd2cc959c742ed0.txt", DERBY]
    assert run("remove", "nothing-here.pdf", index=cli_index).returncode == 1


def test_ask_on_an_empty_index_says_what_to_do(tmp_path: Path) -> None:
    done = run("ask", "anything", index=tmp_path / "empty")
    assert done.returncode != 0
    assert "scrutiny ingest" in done.stderr


def test_the_folder_around_an_index_is_refused_with_the_index_named(cli_index: Path, tmp_path: Path) -> None:
    around = tmp_path / "papers"
    shutil.copytree(cli_index, around / "index")
    done = run("ask", "What did Derby decide?", index=around)
    assert done.returncode != 0 and f"give --index {around / 'index'}" in done.stderr, done.stderr
    assert not (around / "chroma.sqlite3").exists()  # no second, empty index made beside the real one
    assert run("ask", "What did Derby decide?", index=around / "index").returncode == 0


def test_a_bad_file_is_reported_and_the_rest_ingest(tmp_path: Path) -> None:
    fake = tmp_path / "minutes.pdf"
    fake.write_text("this is not really a PDF", encoding="utf-8")
    done = run("ingest", str(fake), str(SAMPLE_DIR / DERBY), index=tmp_path / "index")
    assert done.returncode == 1
    assert "minutes.pdf" in done.stderr and "not a PDF" in done.stderr
    assert "Traceback" not in done.stderr
    assert "1 document ingested" in done.stdout


def test_history_can_stand_before_or_after_the_question(cli_index: Path) -> None:
    earlier = "What did Derby decide about joint recruitment campaigns with other councils?"
    before = run("ask", "--json", "--history", earlier, "and why?", index=cli_index)
    after = run("ask", "and", "why?", "--json", "--history", earlier, index=cli_index)
    alone = run("ask", "--json", "and why?", index=cli_index)
    assert before.returncode == after.returncode == alone.returncode == 0, before.stderr + after.stderr
    first, second = json.loads(before.stdout), json.loads(after.stdout)
    assert first["question"] == second["question"] == "and why?"  # the question was not swallowed by --history
    assert first["citations"] and first["citations"] == second["citations"]
    assert first["citations"][0]["source"] == DERBY
    assert first["citations"] != json.loads(alone.stdout)["citations"]  # the history changed what was found


def plain_line(done: subprocess.CompletedProcess[str]) -> str | None:
    """The one error line of a failed command (after any usage lines); None unless it failed with exactly one."""
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ") or ": error: " in line]
    if done.returncode == 0 or "Traceback" in done.stderr or len(errors) != 1:
        return None
    return errors[0]


def _damaged_copy(index: Path, target: Path) -> Path:
    """A copy of a real index whose database pages after the first two are overwritten, as a disk fault would."""
    shutil.copytree(index, target)
    database = target / "chroma.sqlite3"
    data = bytearray(database.read_bytes())
    for page in range(2 * 4096, len(data), 4096):
        data[page:page + 64] = b"\xff" * 64
    database.write_bytes(bytes(data))
    return target


def command_line_mistakes(index: Path, folder: Path, busy_port: int) -> dict[tuple[str, ...], str]:
    """Each mistake from issue 13 as arguments -> words its one error line must hold; index holds documents."""
    a_file = folder / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    zero = folder / "zero"
    zero.mkdir()
    (zero / "chroma.sqlite3").write_bytes(b"")
    damaged = _damaged_copy(index, folder / "damaged")
    number = folder / "number.jsonl"
    number.write_text('{"question": 42}\n', encoding="utf-8")
    broken = folder / "broken.jsonl"
    broken.write_text('{"question": "an unclosed line"\n', encoding="utf-8")
    return {
        ("list", "--index", str(a_file)): "is a file, not a folder",
        ("list", "--index", "/proc"): "cannot open the index at /proc",
        ("list", "--index", str(zero)): "damaged (chroma.sqlite3 is empty, 0 bytes)",
        ("list", "--index", str(damaged)): "damaged (database disk image is malformed)",
        ("ask", "--batch", str(number), "--index", str(index)): "number.jsonl:1: the question must be text",
        ("ask", "--batch", str(broken), "--index", str(index)): "broken.jsonl:1: not JSON",
        ("ask", "--batch", str(folder / "missing.jsonl"), "--index", str(index)): "not found",
        ("ask", "caf\udce9 budget", "--index", str(index)): "not valid UTF-8",
        ("serve", "--port", "99999"): "not a port number",
        ("serve", "--port", str(busy_port), "--index", str(index)): f"port {busy_port} on 127.0.0.1 is already in use",
        ("ask", "", "--index", str(index)): "give a question",
        ("ask", "x" * 2001, "--index", str(index)): "over the 2,000-character limit",
        ("ask", "why?", *["--history", "earlier"] * 21, "--index", str(index)): "over the limit of 20",
        ("ask", "--hist", "--index", str(index)): "expected one argument",
        ("ingest",): "the following arguments are required: paths",
    }


@pytest.mark.timeout(1200)  # fourteen command starts; on a busy shared machine each can take a minute
def test_every_command_line_mistake_is_one_plain_line(cli_index: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        mistakes = command_line_mistakes(cli_index, tmp_path, busy.getsockname()[1])
        for argv, words in mistakes.items():
            line = plain_line(run(*argv, index=tmp_path / "unused"))
            assert line is not None and words in line, (argv[:3], line)
    assert not (tmp_path / "zero" / "chroma.sqlite3").stat().st_size  # reported as damaged, not silently rebuilt


def test_chat_refuses_a_too_long_question_and_carries_on(cli_index: Path) -> None:
    done = run("chat", index=cli_index, stdin="x" * 2001 + "\nexit\n")
    assert done.returncode == 0, done.stderr
    assert "error: the question is 2,001 characters, over the 2,000-character limit" in done.stdout
    assert "Traceback" not in done.stderr
