"""Chooses the hand scorer's abstention threshold on the dev questions: the highest that refuses at most 5% of the
answerable ones of every gold set (each set stands for papers the product is measured on), with the refusals and
false refusals of every threshold tried beside it. The fitted gate, when the settings have it, stays at its own
threshold and counts as another step that refuses.

    python -m evals.gate_sweep [--index out/eval-index]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from assistant.answerers.base import AnswerContext
from assistant.answerers.hand_scorer import HandScorer
from assistant.answerers.scored import ScoredSentence
from assistant.settings import load_settings
from evals.gold import PROJECT
from evals.train import DATASETS, MAX_FALSE_REFUSALS, dev_services, with_scorer

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.20, 0.57, 0.02))


@dataclass(frozen=True)
class GateRow:
    """One dev question: its gold set, whether it is answerable, the gate's relevance (None when another step
    decided), and whether the engine refused it at the current threshold."""

    dataset: str
    answerable: bool
    gate: float | None
    refused: bool


class RecordingScorer(HandScorer):
    """The hand scorer, keeping the gate's relevance of the last question it scored."""

    last_gate: float | None = None

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        self.last_gate = self.gate_relevance(context)
        return super().score(context)


def refused_at(row: GateRow, threshold: float, current: float) -> bool:
    """Whether the question is refused with this threshold: by the gate, or by a step that refused it although the
    gate let it through at the current threshold. A question answered at the current threshold although its relevance
    is below it was answered another way (each part of the question on its own, the tracker), whatever the gate says."""
    if row.gate is None:
        return row.refused
    if row.gate >= current:
        return row.refused or row.gate < threshold
    return row.refused and row.gate < threshold


def figures(rows: list[GateRow], threshold: float, current: float) -> tuple[float, float]:
    """Share of unanswerable questions refused and of answerable ones refused (false refusals)."""
    unanswerable = [refused_at(r, threshold, current) for r in rows if not r.answerable]
    answerable = [refused_at(r, threshold, current) for r in rows if r.answerable]
    return float(np.mean(unanswerable)) if unanswerable else 0.0, float(np.mean(answerable)) if answerable else 0.0


def by_dataset(rows: list[GateRow]) -> dict[str, list[GateRow]]:
    return {name: [r for r in rows if r.dataset == name] for name in dict.fromkeys(r.dataset for r in rows)}


def choose(rows: list[GateRow], current: float) -> float:
    """The highest threshold tried whose false refusals stay within MAX_FALSE_REFUSALS on every gold set."""
    sets = by_dataset(rows).values()
    allowed = [t for t in THRESHOLDS if all(figures(group, t, current)[1] <= MAX_FALSE_REFUSALS for group in sets)]
    return max(allowed, default=min(THRESHOLDS))


def collect(index_root: Path) -> tuple[list[GateRow], float]:
    rows: list[GateRow] = []
    current = load_settings().abstain_threshold
    for name in DATASETS:
        services, questions = dev_services(index_root, name, answerer="extractive")
        recorder = RecordingScorer(current)
        with_scorer(services, services.gated(recorder))  # the fitted gate, when configured, refuses as another step
        for question in questions:
            recorder.last_gate = None
            result = services.engine.ask(question.question, list(question.history))
            rows.append(GateRow(Path(name).stem, question.answerable, recorder.last_gate, result.abstained))
        print(f"  {name}: {len(questions)} dev questions", file=sys.stderr)
    return rows, current


def report(rows: list[GateRow], current: float) -> str:
    gated = [r for r in rows if r.gate is not None]
    auc = roc_auc_score([r.answerable for r in gated], [r.gate for r in gated])
    groups = {"all": rows, **by_dataset(rows)}
    lines = [f"dev questions: {len(rows)}; the gate decided {len(gated)}; AUC of its relevance, answerable against "
             f"not: {auc:.3f}", "", "unanswerable refused / false refusals:", "",
             "| threshold | " + " | ".join(groups) + " |", "|---|" + "---|" * len(groups)]
    for threshold in THRESHOLDS:
        cells = (figures(group, threshold, current) for group in groups.values())
        lines.append(f"| {threshold:.2f} | " + " | ".join(f"{refused:.2f} / {false:.3f}" for refused, false in cells) + " |")
    lines += ["", f"current threshold {current:.2f}; highest with at most {MAX_FALSE_REFUSALS:.0%} false refusals on "
                  f"every set: {choose(rows, current):.2f}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=PROJECT / "out" / "eval-index",
                        help="folder of the gold sets' indexes (unchanged papers are not re-ingested)")
    args = parser.parse_args(argv)
    print(report(*collect(args.index)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
