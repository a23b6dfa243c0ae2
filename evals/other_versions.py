"""Counts the answers that carry a note about another paper reading differently, and what the check costs in time.

    python -m evals.other_versions --index out/scale-s11b/kcc [--dataset evals/datasets/kcc.jsonl] [--list]

Every gold question is asked twice in one process, with and without the check, alternating which goes first."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from assistant.engine import QAEngine
from assistant.services import Services
from assistant.settings import load_settings
from assistant.steps import OtherVersionsCheck
from evals.gold import DATASETS_DIR
from index.faults import index_folder_problem


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="an index holding the papers to ask among")
    parser.add_argument("--dataset", type=Path, default=DATASETS_DIR / "kcc.jsonl")
    parser.add_argument("--list", action="store_true", help="print every note")
    args = parser.parse_args()
    problem = index_folder_problem(args.index)  # the command line's own check: a file, a damaged or misnamed index
    if problem:
        raise SystemExit(f"error: {problem}")
    services = Services(load_settings(index=args.index))
    if not services.store.list_documents():
        raise SystemExit(f"error: the index {args.index} holds no papers; ingest some first, or give its own folder")
    questions = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    without = replace(services.steps, checks=[c for c in services.steps.checks if not isinstance(c, OtherVersionsCheck)])
    engines = {"with": services.engine, "without": QAEngine(services.store, services.retriever, without)}
    services.engine.ask("What did the council decide?")  # loads the model and the keyword index before timing
    times: dict[str, list[float]] = {"with": [], "without": []}
    noted = []
    for number, question in enumerate(questions):
        for name in (["with", "without"] if number % 2 else ["without", "with"]):
            started = time.perf_counter()
            result = engines[name].ask(question["question"], question.get("history") or None)
            times[name].append((time.perf_counter() - started) * 1000)
            if name == "with" and result.other_versions:
                noted.append((question["id"], question["question"], result.other_versions))
    print(f"{len(noted)} of {len(questions)} answers carry a note")
    for name, measured in times.items():
        print(f"{name} the check: {_percentiles(measured)}")
    for question_id, question, notes in noted if args.list else []:
        print(f"\n{question_id} {question}")
        for note in notes:
            print(f"    {note}")


if __name__ == "__main__":
    main()
