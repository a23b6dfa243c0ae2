"""Benchmark: cold ingest of the sample reports and query latency p50/p95 over the gold questions."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", default=str(PROJECT / "samples" / "reports"))
    parser.add_argument("--questions", default=str(PROJECT / "evals" / "datasets" / "sample.jsonl"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as index:
        services = Services(load_settings(index=Path(index)))
        started = time.perf_counter()
        services.embedder.embed(["warm up"])
        model_seconds = time.perf_counter() - started
        summary = services.pipeline.ingest([Path(args.docs)], progress=False)
        print(f"model load: {model_seconds:.2f} s")
        print(f"cold ingest: {summary.seconds:.2f} s  ({summary.line()})")
        records = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
        services.engine.ask(records[0]["question"])  # first query builds the BM25 index
        latencies = [services.engine.ask(r["question"], r.get("history") or []).timings_ms["total"] for r in records]
        print(f"queries: {len(latencies)}  p50 {statistics.median(latencies):.0f} ms  "
              f"p95 {percentile(latencies, 0.95):.0f} ms  max {max(latencies):.0f} ms")


if __name__ == "__main__":
    main()
