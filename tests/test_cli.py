"""The installed `scrutiny` command end to end: ingest, ask --json, --batch, list, remove, and clear errors."""

from __future__ import annotations

import json
import os
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
    ]), encoding="utf-8")
    done = run("ask", "--batch", str(batch), "--json", index=cli_index)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["abstained"] for r in results] == [False, False, True]


def test_list_and_remove(cli_index: Path) -> None:
    listed = json.loads(run("list", "--json", index=cli_index).stdout)
    assert sorted(d["source"] for d in listed) == ["001_9fd2cc959c742ed0.txt", DERBY]
    assert run("remove", "nothing-here.pdf", index=cli_index).returncode == 1


def test_ask_on_an_empty_index_says_what_to_do(tmp_path: Path) -> None:
    done = run("ask", "anything", index=tmp_path / "empty")
    assert done.returncode != 0
    assert "scrutiny ingest" in done.stderr


def test_a_bad_file_is_reported_and_the_rest_ingest(tmp_path: Path) -> None:
    fake = tmp_path / "minutes.pdf"
    fake.write_text("this is not really a PDF", encoding="utf-8")
    done = run("ingest", str(fake), str(SAMPLE_DIR / DERBY), index=tmp_path / "index")
    assert done.returncode == 1
    assert "minutes.pdf" in done.stderr and "not a PDF" in done.stderr
    assert "Traceback" not in done.stderr
    assert "1 document ingested" in done.stdout
