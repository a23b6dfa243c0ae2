"""Measures each declared engine step and each answer-shaping rule by switching it off: the dev and test figures
without it, beside everything on."""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Callable
from unittest import mock

from assistant import engine, followup, unmentioned
from assistant.answerers import hand_scorer
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.gated_scorer import GatedScorer
from assistant.engine import Steps
from assistant.query import QueryAnalysis
from assistant.services import Services
from assistant.settings import load_settings
from evals.gold import DATASETS_DIR, PROJECT, GoldQuestion, SourceTexts, corpus_files, load_dataset
from evals.metrics import summarise
from evals.runner import ask_ours, run_system

DATASETS = ("sample.jsonl", "external.jsonl", "kcc.jsonl", "kcc_tables.jsonl", "kcc_budget.jsonl")
FIGURES = (("key_fact_recall", "key facts"), ("citation_hit", "citation hit"), ("abstention_recall", "refused"),
           ("false_abstention", "false refusals"))
# The table goes to out/ and is copied into docs/rule-audit.md by hand, under the session that ran it: that file
# holds every session's rows, which a run must not overwrite.
REPORT = PROJECT / "out" / "rule-audit.md"
# The rules inside the extractive answerer and its hand-weighted scorer are not steps; the audit switches each off
# by patching it for the run, so the product code carries no switches that only the audit uses.
SHAPING_RULES: dict[str, Callable[[], AbstractContextManager]] = {
    "rule: a sentence opening with 'These/It ...' brings the one before": lambda: mock.patch.object(
        ExtractiveAnswerer, "_continuation", lambda self, *continuing: ([], [])),
    "rule: a chosen sentence leaning on the one before it comes after that one": lambda: mock.patch.object(
        ExtractiveAnswerer, "_antecedent", staticmethod(lambda item, scored: None)),
    "rule: a member's question brings its reply under the same item heading": lambda: mock.patch.object(
        ExtractiveAnswerer, "_reply", staticmethod(lambda item, scored, taken: [])),
    "rule: a table row brings its status and short cells": lambda: mock.patch.object(
        ExtractiveAnswerer, "_row_status", lambda self, *choosing: []),
    "rule: supporting sentences near the best score": lambda: mock.patch.object(
        ExtractiveAnswerer, "_choose",
        lambda self, scored, *choosing, **options: self._with_continuations(scored[:1], scored)),
    "rule: refuse when no sentence near the top is of the kind asked": lambda: mock.patch.object(
        QueryAnalysis, "answer_type_satisfied", lambda self, text: True),
    "rule: each part of a several-part question brings its best sentence": lambda: mock.patch.object(
        ExtractiveAnswerer, "_part_answers", lambda self, *parts: []),
    "rule: 'who asked' brings the member's question's heading": lambda: mock.patch.object(
        ExtractiveAnswerer, "_with_asker", staticmethod(lambda context, chosen, scored: chosen)),
    "rule: the fitted abstention gate beside the scorer's": lambda: mock.patch.object(
        GatedScorer, "score", lambda self, context: self.ranker.score(context)),
    "rule: a vote's record scored up when asked about, down when not": lambda: mock.patch.multiple(
        hand_scorer, VOTE_BONUS=0.0, OFF_TOPIC_VOTE_PENALTY=1.0),
    "rule: a count answering 'how many' scored up": lambda: mock.patch.object(hand_scorer, "COUNT_BONUS", 0.0),
    "rule: a council the question names narrows the search to its papers": lambda: mock.patch.object(
        engine, "indexed_councils", lambda store: set()),
    "rule: a passage ending with ':' or '?' brings the passage after it": lambda: mock.patch.object(
        engine.QAEngine, "_with_following", lambda self, passages: passages),
    "rule: the names check reads a paper's file name": lambda: mock.patch.object(
        unmentioned, "published_name", lambda source: ""),
    "rule: a follow-up leaning on 'it' or 'its' is asked of the earlier question": lambda: mock.patch.object(
        followup, "REFERS_BACK", re.compile(r"(?!)")),
}


def without(steps: Steps, name: str) -> Steps:
    """The steps less the one whose class is called name."""
    def keep(items: list) -> list:
        return [item for item in items if type(item).__name__ != name]
    return replace(steps, guards_before_search=keep(steps.guards_before_search),
                   guards_after_search=keep(steps.guards_after_search), answerers=keep(steps.answerers),
                   checks=keep(steps.checks))


def step_names(steps: Steps) -> list[str]:
    """Every step that can be switched off; the last answerer always answers, so it stays."""
    items = [*steps.guards_before_search, *steps.guards_after_search, *steps.answerers[:-1], *steps.checks]
    return [type(item).__name__ for item in items]


def measure(services: Services, questions: list[GoldQuestion], sources: SourceTexts) -> dict[str, dict]:
    """Headline figures per split for one configuration of the engine."""
    _, scores = run_system("audit", lambda q: ask_ours(services, q), questions, sources)
    return {split: summarise([s for q, s in zip(questions, scores) if q.split == split])
            for split in ("dev", "test") if any(q.split == split for q in questions)}


def audit(index_root: Path, only: list[str] | None = None) -> str:
    """only: the steps and rules to switch off (names as in the table), each beside all steps on; default all."""
    results: dict[str, list[dict[str, dict]]] = {}
    for name in DATASETS:
        path = DATASETS_DIR / name
        questions = load_dataset(path)
        files = corpus_files(questions)
        services = Services(load_settings(index=index_root / path.stem / "index"))
        services.pipeline.ingest(files, progress=False)
        sources = SourceTexts(files)
        full = services.steps
        for config in ["all steps", *[c for c in [*step_names(full), *SHAPING_RULES] if not only or c in only]]:
            services.use_steps(full if config == "all steps" or config in SHAPING_RULES else without(full, config))
            with SHAPING_RULES.get(config, nullcontext)():
                results.setdefault(config, []).append(measure(services, questions, sources))
            print(f"{path.stem}: {config} measured", file=sys.stderr, flush=True)
        services.use_steps(full)
    return _table(results)


def _pooled(runs: list[dict[str, dict]], split: str, key: str) -> float | None:
    """A figure over every set that has the split, weighted by its number of questions."""
    parts = [(run[split][key], run[split]["n"]) for run in runs if split in run and run[split][key] is not None]
    total = sum(n for _, n in parts)
    return sum(value * n for value, n in parts) / total if total else None


def _table(results: dict[str, list[dict[str, dict]]]) -> str:
    base = results["all steps"]
    header = "| step switched off | " + " | ".join(f"{label} dev / test" for _, label in FIGURES) + " |"
    lines = ["# Rule audit: each engine step switched off", "",
             "Written by `python -m evals.audit`. Dev pools the dev questions of every gold set; test is the test split "
             "of `kcc.jsonl`. Each cell is the change from all steps on (for false refusals, lower is better).", "",
             header, "|---|" + "---|" * len(FIGURES)]
    for config, runs in results.items():
        cells = []
        for key, _ in FIGURES:
            values = []
            for split in ("dev", "test"):
                value, reference = _pooled(runs, split, key), _pooled(base, split, key)
                if value is None or reference is None:
                    values.append("-")
                else:
                    values.append(f"{value:.3f}" if config == "all steps" else f"{value - reference:+.3f}")
            cells.append(" / ".join(values))
        lines.append(f"| {config} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=PROJECT / "out" / "eval-index", help="folder of the gold sets' indexes")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the table")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="switch off only these steps or rules")
    args = parser.parse_args(argv)
    table = audit(args.index, args.only)
    args.report.write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
