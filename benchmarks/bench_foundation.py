"""Benchmark: cold ingest of the sample reports and query latency p50/p95, optionally against another checkout.

`--project DIR` also measures another checkout of the project (e.g. the foundation commit, extracted with
`git archive COMMIT | tar -x -C DIR`) with the same venv and the same questions, and prints the ratio. Each
checkout runs in its own worker process with that checkout first on PYTHONPATH; the questions are sent to the
workers alternately, one at a time, so a machine loaded by other jobs slows both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

PROJECT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def send(stream: IO[str], message: object) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def serve_worker(docs: Path, questions: Path) -> None:
    """Worker mode: ingest, then answer question numbers read from stdin, replying with wall-clock milliseconds."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Imported here, not at the top: the package must come from the checkout on this process's PYTHONPATH.
    import assistant
    from assistant.services import Services
    from assistant.settings import load_settings

    # Replies go over a private copy of stdout; anything the package prints goes to stderr instead.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    records = load_questions(questions)
    with tempfile.TemporaryDirectory() as index:
        services = Services(load_settings(index=Path(index)))
        started = time.perf_counter()
        services.embedder.embed(["warm up"])
        model_seconds = time.perf_counter() - started
        summary = services.pipeline.ingest([docs], progress=False)
        services.engine.ask(records[0]["question"])  # the first query builds the BM25 index
        send(channel, {"package": str(Path(assistant.__file__).parents[1]), "model_s": model_seconds,
                       "ingest_s": summary.seconds, "ingest": summary.line()})
        for line in sys.stdin:
            record = records[int(line)]
            started = time.perf_counter()
            services.engine.ask(record["question"], record.get("history") or [])
            send(channel, {"ms": (time.perf_counter() - started) * 1000})


def start_worker(checkout: Path, docs: Path, questions: Path) -> tuple[subprocess.Popen, dict]:
    """Starts one checkout's worker and waits until it has ingested; one at a time, so ingests do not compete."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1"}
    worker = subprocess.Popen(
        [sys.executable, __file__, "--worker", "--docs", str(docs), "--questions", str(questions)],
        cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = json.loads(worker.stdout.readline() or "{}")
    if not ready:
        sys.exit(f"error: the worker for {checkout} stopped before it was ready; see the messages above")
    return worker, ready


def measure(workers: list[subprocess.Popen], count: int, rounds: int) -> list[list[float]]:
    """Every question to every worker in turn; the order alternates so neither always goes first."""
    latencies: list[list[float]] = [[] for _ in workers]
    for step in range(count * rounds):
        order = list(range(len(workers)))
        if step % 2:
            order.reverse()
        for position in order:
            send(workers[position].stdin, step % count)
            latencies[position].append(json.loads(workers[position].stdout.readline())["ms"])
    return latencies


def summarise(name: str, ready: dict, values: list[float]) -> str:
    return (f"{name}: {ready['package']}\n  model load {ready['model_s']:.2f} s; cold ingest {ready['ingest_s']:.2f} s "
            f"({ready['ingest']})\n  queries {len(values)}: p50 {statistics.median(values):.0f} ms  "
            f"p95 {percentile(values, 0.95):.0f} ms  max {max(values):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=PROJECT / "samples" / "reports")
    parser.add_argument("--questions", type=Path, default=PROJECT / "evals" / "datasets" / "sample.jsonl")
    parser.add_argument("--project", type=Path, help="another checkout to measure beside this one (e.g. the foundation)")
    parser.add_argument("--rounds", type=int, default=1, help="times each question is asked")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    docs, questions = args.docs.resolve(), args.questions.resolve()
    if args.worker:
        serve_worker(docs, questions)
        return
    checkouts = [PROJECT] + ([args.project.resolve()] if args.project else [])
    started = [start_worker(checkout, docs, questions) for checkout in checkouts]
    workers = [worker for worker, _ in started]
    try:
        latencies = measure(workers, len(load_questions(questions)), args.rounds)
    finally:
        for worker in workers:
            worker.stdin.close()
            worker.wait()
    names = ["this checkout", "--project"]
    for name, (_, ready), values in zip(names, started, latencies):
        print(summarise(name, ready, values))
    if args.project:
        current, other = latencies
        print(f"this checkout / --project: p50 {statistics.median(current) / statistics.median(other):.2f}  "
              f"p95 {percentile(current, 0.95) / percentile(other, 0.95):.2f}")


if __name__ == "__main__":
    main()
