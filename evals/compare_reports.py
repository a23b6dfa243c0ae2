"""Compares two `scrutiny eval` reports question by question: pooled figures of one split, and what changed.

    python -m evals.compare_reports out/eval-base/report.json out/eval-variant/report.json [--split dev] [--list]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Question = dict[str, Any]


@dataclass
class Pooled:
    """One report's figures over one split of every gold set in it, each question counted once."""

    answerable: int
    unanswerable: int
    key_facts: float
    citation_hit: float
    refused: int  # unanswerable questions refused
    false_refusals: int  # answerable questions refused


def questions_of(report: dict[str, Any], split: str) -> dict[tuple[str, str], Question]:
    """(gold set, question id) -> the report's record of that question, for the questions of one split."""
    return {(name, q["id"]): q for name, dataset in report["datasets"].items() for q in dataset["questions"]
            if q.get("split", "dev") == split}


def pooled(questions: dict[tuple[str, str], Question]) -> Pooled:
    answerable = [q for q in questions.values() if q["type"] != "unanswerable"]
    unanswerable = [q for q in questions.values() if q["type"] == "unanswerable"]
    count = max(len(answerable), 1)
    return Pooled(len(answerable), len(unanswerable),
                  sum(q["ours"]["metrics"]["key_fact_recall"] or 0.0 for q in answerable) / count,
                  sum(bool(q["ours"]["metrics"]["citation_hit"]) for q in answerable) / count,
                  sum(bool(q["ours"]["abstained"]) for q in unanswerable),
                  sum(bool(q["ours"]["abstained"]) for q in answerable))


def changed(before: dict[tuple[str, str], Question], after: dict[tuple[str, str], Question]
            ) -> list[tuple[tuple[str, str], str, float]]:
    """Questions whose key facts, citation hit or refusal changed: (key, question, change in key facts)."""
    found = []
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            continue
        old_metrics, new_metrics = old["ours"]["metrics"], new["ours"]["metrics"]
        facts = (new_metrics["key_fact_recall"] or 0.0) - (old_metrics["key_fact_recall"] or 0.0)
        if facts or old_metrics["citation_hit"] != new_metrics["citation_hit"] or old["ours"]["abstained"] != new["ours"]["abstained"]:
            found.append((key, old["question"], facts))
    return found


def summary_lines(before: Pooled, after: Pooled, changes: list[tuple[tuple[str, str], str, float]]) -> list[str]:
    better, worse = sum(facts > 0 for *_, facts in changes), sum(facts < 0 for *_, facts in changes)
    return [f"answerable {before.answerable}: key facts {before.key_facts:.3f} -> {after.key_facts:.3f} "
            f"({better} better, {worse} worse); citation hit {before.citation_hit:.3f} -> {after.citation_hit:.3f}; "
            f"refused {before.false_refusals} -> {after.false_refusals}",
            f"unanswerable {before.unanswerable}: refused {before.refused} -> {after.refused}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="report.json of the baseline run")
    parser.add_argument("after", type=Path, help="report.json of the variant run, on the same gold sets")
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--list", action="store_true", help="also list each question that changed")
    args = parser.parse_args(argv)
    try:
        before, after = (questions_of(json.loads(path.read_text(encoding="utf-8")), args.split)
                         for path in (args.before, args.after))
    except (OSError, ValueError, KeyError) as error:
        print(f"could not read the reports ({error.__class__.__name__}: {error}); give two report.json files written "
              "by `scrutiny eval --report DIR`", file=sys.stderr)
        return 2
    # a gold set or question only one report has (a set added since) would make the pools unlike
    shared = before.keys() & after.keys()
    before, after = ({key: q for key, q in report.items() if key in shared} for report in (before, after))
    changes = changed(before, after)
    print("\n".join(summary_lines(pooled(before), pooled(after), changes)))
    if args.list:
        for (dataset, question_id), question, facts in changes:
            print(f"  {dataset}:{question_id} {facts:+.2f} {question[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
