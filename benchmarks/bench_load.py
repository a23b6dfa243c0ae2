"""Load benchmark: concurrent gradio_client users asking the app's /ask endpoint on loopback for a fixed time."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import threading
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from ports import free_port  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def user(url: str, questions: list[dict], deadline: float, latencies: list[float], errors: list[str]) -> None:
    """One user: asks question after question until the deadline; every failure is recorded, none stops the run."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    for item in itertools.cycle(questions):
        if time.perf_counter() >= deadline:
            return
        started = time.perf_counter()
        try:
            result = client.predict(question=item["question"], history=item.get("history") or [], api_name="/ask")
            if "answer" not in result:
                raise ValueError(f"no answer in {sorted(result)}")
            latencies.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - any failure counts as an error in the report
            errors.append(f"{type(error).__name__}: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--docs", default=str(PROJECT / "samples" / "reports"))
    parser.add_argument("--questions", default=str(PROJECT / "evals" / "datasets" / "sample.jsonl"))
    args = parser.parse_args()
    questions = [json.loads(line) for line in Path(args.questions).read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["GRADIO_TEMP_DIR"] = str(Path(folder) / "gradio")
        services = Services(load_settings(index=Path(folder) / "index", upload_dir=Path(folder) / "uploads"))
        services.pipeline.ingest([Path(args.docs)], progress=False)
        services.engine.ask(questions[0]["question"])  # loads the model and builds the keyword index
        from assistant.app import serve

        app, url = serve(services, "127.0.0.1", free_port(), block=False)
        try:
            latencies: list[float] = []
            errors: list[str] = []
            deadline = time.perf_counter() + args.seconds
            started = time.perf_counter()
            threads = [threading.Thread(target=user, args=(url, questions, deadline, latencies, errors))
                       for _ in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            app.close()
    print(f"users: {args.users}, duration: {elapsed:.1f} s, requests: {len(latencies)}, errors: {len(errors)}")
    if latencies:
        print(f"throughput: {len(latencies) / elapsed:.1f} req/s, latency p50: {percentile(latencies, 0.5) * 1000:.0f} ms, "
              f"p95: {percentile(latencies, 0.95) * 1000:.0f} ms, mean: {statistics.mean(latencies) * 1000:.0f} ms")
    for error in sorted(set(errors))[:5]:
        print(f"error: {error}")


if __name__ == "__main__":
    main()
