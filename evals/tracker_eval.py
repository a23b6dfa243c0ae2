"""Scores the recommendations tracker against its gold set: record recall and precision, and per-field accuracy."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.check_tracker_gold import DECISION_FIELDS, TRACKER_GOLD, comparable
from evals.gold import PROJECT
from ingest.metadata import extract_metadata
from ingest.readers import reader_for
from ingest.recommendations import Recommendation, RecommendationExtractor
from ingest.structure import StructureParser

SCORED_FIELDS = ("number", "status", "owner", "target_date", *DECISION_FIELDS)
DOCUMENT_DIRS = (PROJECT / "samples" / "reports", PROJECT.parent / "shared" / "external" / "pdfs",
                 PROJECT.parent / "shared" / "external" / "kcc-library")
# The gold text start must open the record's text; a little leeway for a list marker such as "(i)".
START_LEEWAY = 12


@dataclass
class TrackerScore:
    """Matched (gold, found) pairs and the counts behind recall and precision."""

    gold: int = 0
    found: int = 0
    pairs: list[tuple[dict[str, Any], Recommendation]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[Recommendation] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        result: dict[str, Any] = {"records": self.gold, "found": self.found,
                                  "recall": len(self.pairs) / self.gold if self.gold else None,
                                  "precision": len(self.pairs) / self.found if self.found else None}
        for name in SCORED_FIELDS:
            scored = [(gold, found) for gold, found in self.pairs if name in gold]
            right = sum(same(name, gold[name], found_value(found, name)) for gold, found in scored)
            result[f"{name}_accuracy"] = right / len(scored) if scored else None
        return result

    def wrong(self, name: str) -> list[tuple[str, Any, Any]]:
        """(gold id, expected, found) for each matched record whose field is wrong."""
        return [(gold["id"], gold[name], found_value(found, name)) for gold, found in self.pairs
                if name in gold and not same(name, gold[name], found_value(found, name))]


def found_value(record: Recommendation, name: str) -> Any:
    return getattr(record, name, None)


def same(name: str, expected: Any, found: Any) -> bool:
    """Equal after whitespace, markup, quotes, case and a closing full stop are set aside."""
    def norm(value: Any) -> str:
        text = comparable(str(value or "")).casefold().rstrip(". ")
        return text.replace(" ", "") if name == "number" else text
    return norm(expected) == norm(found)


def load_gold(path: Path = TRACKER_GOLD) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def document_path(source: str) -> Path:
    found = next((folder / source for folder in DOCUMENT_DIRS if (folder / source).is_file()), None)
    if found is None:
        raise ValueError(f"tracker gold source not found in {[str(d) for d in DOCUMENT_DIRS]}: {source}")
    return found


def extract(path: Path) -> list[Recommendation]:
    """The tracker records of one file, read and parsed exactly as ingestion does."""
    document = reader_for(path).read(path)
    blocks = StructureParser().parse(document.text, document.table_lines)
    return RecommendationExtractor().extract(document, blocks, extract_metadata(document.text))


def _starts_with(record: Recommendation, text_start: str) -> bool:
    position = comparable(record.text).casefold().find(comparable(text_start).casefold())
    return 0 <= position <= START_LEEWAY


def match(gold: list[dict[str, Any]], found: list[Recommendation], score: TrackerScore) -> None:
    """Each gold record takes the first unmatched found record that opens with its text, preferring the same number."""
    free = list(found)
    for record in gold:
        candidates = [f for f in free if _starts_with(f, record["text_start"])]
        candidates.sort(key=lambda f: not same("number", record["number"], f.number))
        if candidates:
            score.pairs.append((record, candidates[0]))
            free.remove(candidates[0])
        else:
            score.missed.append(record)
    score.extra.extend(free)


def evaluate(path: Path = TRACKER_GOLD, gold: list[dict[str, Any]] | None = None) -> TrackerScore:
    """Scores every gold record of the file, or the given subset of it."""
    gold = load_gold(path) if gold is None else gold
    score = TrackerScore(gold=len(gold))
    by_source: dict[str, list[dict[str, Any]]] = {}
    for record in gold:
        by_source.setdefault(record["source"], []).append(record)
    for source, records in by_source.items():
        found = extract(document_path(source))
        score.found += len(found)
        match(records, found, score)
    return score


def format_summary(score: TrackerScore) -> str:
    summary = score.summary()
    lines = [f"== tracker ({summary['records']} gold records, {summary['found']} found) ==",
             f"  record recall     {summary['recall']:.3f}", f"  record precision  {summary['precision']:.3f}"]
    for name in SCORED_FIELDS:
        value = summary[f"{name}_accuracy"]
        lines.append(f"  {name:17} {'-' if value is None else f'{value:.3f}'}")
    return "\n".join(lines)


def report(path: Path = TRACKER_GOLD) -> dict[str, Any]:
    """The JSON record of a run: the summary, and every miss and wrong field, for the eval report."""
    score = evaluate(path)
    print(format_summary(score), flush=True)
    return {"dataset": str(path), "summary": score.summary(),
            "missed": [record["id"] for record in score.missed],
            "extra": [f"{r.source} {r.number or '-'} {r.text[:60]}" for r in score.extra],
            "wrong": {name: score.wrong(name) for name in SCORED_FIELDS if score.wrong(name)}}


def main() -> None:
    score = evaluate()
    print(format_summary(score))
    for record in score.missed:
        print("MISSED", record["id"], record["source"], record["number"], record["text_start"][:60])
    for record in score.extra:
        print("EXTRA", record.source, record.number, re.sub(r"\s+", " ", record.text)[:70])
    for name in SCORED_FIELDS:
        for gold_id, expected, got in score.wrong(name):
            print("WRONG", name, gold_id, repr(expected), "->", repr(got))


if __name__ == "__main__":
    main()
