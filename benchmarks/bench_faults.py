"""Fault benchmark: kill -9 during ingest, hostile Word files, a 1 MB question, command-line mistakes, Chroma-server
outages and 20 users against `scrutiny serve`, printed as one table."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT / "tests"), str(PROJECT / "benchmarks")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from bench_load import percentile, user  # noqa: E402
from conftest import SAMPLE_DIR  # noqa: E402
from ports import free_port, wait_for_port  # noqa: E402
from test_bad_input import READ_IN_A_CHILD, hostile_docx  # noqa: E402
from test_cli import SCRUTINY, command_line_mistakes, plain_line  # noqa: E402
from test_faults import (QUESTIONS, answers, cli_env, index_problems, kill_rounds,  # noqa: E402
                         test_a_batch_names_the_stopped_chroma_server_and_answers_again_once_it_is_back as batch_outage,
                         test_an_ingest_names_the_stopped_chroma_server_for_each_remaining_file as ingest_outage)

Row = tuple[str, str, str]
APP_QUESTION_WAIT = 120


def kill_9(folder: Path, rounds: int, reference: Services, full_ingest: float) -> list[Row]:
    """Half the kills land anywhere from start-up to the time one whole ingest took, half while the ingest holds
    the write lock; every round replaces all five papers, so there are writes to cut short in every round."""
    index = folder / "killed"
    problems: list[str] = []
    killed = in_write = unfinished = 0
    for round_ in kill_rounds(index, rounds, seed=13, latest=full_ingest):
        killed += round_.exit_code == -9
        in_write += round_.in_write and round_.exit_code == -9
        unfinished += round_.interrupted_rows > 0
        problems += round_.problems
        where = "in a write, " if round_.in_write else ""
        print(f"  round: kill {where}at {round_.moment:.2f} s, exit {round_.exit_code}, {len(round_.listed)} documents, "
              f"{round_.revised} revised, {round_.interrupted_rows} unfinished rows, problems {round_.problems}",
              file=sys.stderr)
    done = subprocess.run([SCRUTINY, "ingest", str(SAMPLE_DIR)], env=cli_env(index), capture_output=True, text=True)
    services = Services(load_settings(index=index))
    services.__dict__["embedder"] = reference.embedder
    problems += index_problems(services.store)
    same = answers(services, QUESTIONS) == answers(reference, QUESTIONS)
    return [(f"kill -9 during ingest ({rounds} rounds, each replacing 5 papers)",
             f"{killed} killed mid-run ({in_write} while holding the write lock, {unfinished} left a version "
             f"unfinished), {rounds - killed} finished first",
             f"{len(problems)} lost/partial/duplicated; rerun exit {done.returncode}; answers "
             f"{'identical' if same else 'DIFFERENT'}")]


def expanding_word(folder: Path) -> list[Row]:
    rows = []
    for name, markup_mb, varied in [("packed", 100, False), ("varied", 20, True)]:
        path = hostile_docx(folder / f"{name}.docx", markup_mb, varied)
        child = subprocess.run([sys.executable, "-c", READ_IN_A_CHILD, str(path)], capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(PROJECT)})
        peak_mb, seconds, message = child.stdout.split(" ", 2)
        rows.append((f"Word file, {path.stat().st_size // 1024:,} KB of {markup_mb} MB empty runs",
                     f"refused in {seconds} s, peak {peak_mb} MB", message.strip()[:90]))
    return rows


def long_question(folder: Path, index: Path, url: str) -> list[Row]:
    question = "Why " * (2**18)  # 1 MB
    batch = folder / "long.jsonl"
    batch.write_text(json.dumps({"question": question}) + "\n", encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([SCRUTINY, "ask", "--batch", str(batch), "--index", str(index)], capture_output=True, text=True)
    cli_seconds = time.perf_counter() - started
    from gradio_client import Client

    outcome: list[str] = []

    def ask_app() -> None:
        try:
            Client(url, verbose=False).predict(question=question, history=[], api_name="/ask")
            outcome.append("ANSWERED, not refused")
        except Exception as error:  # noqa: BLE001 - the refusal arrives as an error
            outcome.append(f"refused: {str(error)[:60]}")

    started = time.perf_counter()
    asking = threading.Thread(target=ask_app, daemon=True)
    asking.start()
    asking.join(timeout=APP_QUESTION_WAIT)
    app_outcome = outcome[0] if outcome else f"NOT REFUSED within {APP_QUESTION_WAIT} s"
    app_seconds = time.perf_counter() - started
    cli_line = json.loads(done.stdout.splitlines()[0]).get("error", "ANSWERED") if done.stdout else done.stderr[-80:]
    return [("1 MB question, ask --batch", f"{cli_seconds:.1f} s incl. start-up", cli_line[:90]),
            ("1 MB question, /ask of scrutiny serve", f"{app_seconds:.1f} s", app_outcome[:90])]


def mistakes(folder: Path, index: Path) -> list[Row]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        cases = command_line_mistakes(index, folder, busy.getsockname()[1])
        plain = 0
        for argv, words in cases.items():
            done = subprocess.run([SCRUTINY, *argv], capture_output=True, text=True, env=cli_env(folder / "unused"))
            line = plain_line(done)
            plain += line is not None and words in line
            if line is None or words not in line:
                print(f"  not plain: {argv[:3]}: {done.stderr[-200:]}", file=sys.stderr)
    return [("command-line mistakes", f"{len(cases)} cases", f"{plain}/{len(cases)} one line, non-zero exit, no traceback")]


def outage(name: str, check: Callable[[Path], None], folder: Path) -> list[Row]:
    started = time.perf_counter()
    try:
        check(folder)
        outcome = "server named in the message, then recovered"
    except AssertionError as error:
        outcome = f"FAILED: {str(error)[:80]}"
    return [(f"Chroma server stopped and restarted during {name}", f"{time.perf_counter() - started:.0f} s", outcome)]


def start_serve(index: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([SCRUTINY, "serve", "--index", str(index), "--port", str(port)],
                              env={**cli_env(index), "SCRUTINY_UPLOAD_DIR": str(index.parent / "uploads")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port("127.0.0.1", port, 300, server)
    return server


def load(url: str, users: int, seconds: float) -> list[Row]:
    questions = [json.loads(line) for line in (PROJECT / "evals" / "datasets" / "sample.jsonl").read_text().splitlines()
                 if line.strip()]
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=user, args=(url, questions, deadline, latencies, errors)) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in sorted(set(errors))[:3]:
        print(f"  load error: {error[:200]}", file=sys.stderr)
    figures = (f"p50 {percentile(latencies, 0.5):.1f} s, p95 {percentile(latencies, 0.95):.1f} s" if latencies
               else "no answers")
    return [(f"{users} users for {seconds:.0f} s on scrutiny serve", f"{len(latencies)} answers, {len(errors)} errors",
             figures)]


def measured(name: str, part: Callable[[], list[Row]]) -> list[Row]:
    """The part's rows, or one row saying it could not run; each row is also shown at once on stderr."""
    try:
        rows = part()
    except Exception as error:  # noqa: BLE001 - one broken part must not hide the others' figures
        rows = [(name, "COULD NOT RUN", f"{type(error).__name__}: {str(error)[:80]}")]
    for row in rows:
        print("  " + " | ".join(row), file=sys.stderr, flush=True)
    return rows


PARTS = ("word", "mistakes", "outages", "load", "question", "kill")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="kill -9 rounds")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run, of {','.join(PARTS)}")
    parser.add_argument("--reference", metavar="INDEX", help="an index of samples/reports to reuse (default: build one)")
    parser.add_argument("--kill-within", type=float, metavar="S",
                        help="latest kill moment (default: how long building the reference index took)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name in ("mistakes", "batch", "ingest"):
            (folder / name).mkdir()
        index = Path(args.reference) if args.reference else folder / "reference"
        started = time.perf_counter()
        if not args.reference:
            built = subprocess.run([SCRUTINY, "ingest", str(SAMPLE_DIR)], env=cli_env(index), capture_output=True,
                                   text=True)
            print(f"  reference ingest: exit {built.returncode}", file=sys.stderr)
        full_ingest = args.kill_within or time.perf_counter() - started
        if "word" in parts:
            rows += measured("expanding Word file", lambda: expanding_word(folder))
        if "mistakes" in parts:
            rows += measured("command-line mistakes", lambda: mistakes(folder / "mistakes", index))
        if "outages" in parts:
            rows += measured("Chroma outage during questions",
                             lambda: outage("questions (ask --batch)", batch_outage, folder / "batch"))
            rows += measured("Chroma outage during ingest", lambda: outage("an ingest", ingest_outage, folder / "ingest"))
        if parts & {"load", "question"}:
            port = free_port()
            server = start_serve(index, port)
            try:
                url = f"http://127.0.0.1:{port}/"
                if "load" in parts:
                    rows += measured("load", lambda: load(url, args.users, args.seconds))
                if "question" in parts:
                    rows += measured("1 MB question", lambda: long_question(folder, index, url))
            finally:
                server.terminate()
                server.wait(timeout=60)
        if "kill" in parts:
            reference = Services(load_settings(index=index))
            rows += measured("kill -9 during ingest", lambda: kill_9(folder, args.rounds, reference, full_ingest))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in [("fault", "run", "outcome"), *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
