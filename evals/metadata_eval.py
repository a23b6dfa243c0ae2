"""Scores the titles and dates ingestion reads from papers against a gold set written from the papers' first pages."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.gold import PROJECT
from evals.tracker_eval import document_path
from ingest.metadata import DocumentMetadata, extract_metadata
from ingest.readers import reader_for

METADATA_GOLD = PROJECT / "evals" / "datasets" / "metadata.jsonl"
# A title matches an accepted form when they share this share of the longer one's words: "Reserves Policy" for
# "Appendix G Reserves Policy" does not, "Reserves Policy 2025-26" for "Reserves Policy 2025/26" does.
TITLE_OVERLAP = 0.6
WORD = re.compile(r"[a-z0-9]+")
IGNORED_WORDS = frozenset({"the", "of", "and", "for", "to", "a", "an", "in", "on", "appendix"})


@dataclass(frozen=True)
class Judged:
    """One paper's read title and date, each judged "right", "missing" or "wrong"."""

    source: str
    split: str
    title: str | None
    title_verdict: str
    date: str | None
    date_verdict: str


def title_words(title: str) -> frozenset[str]:
    """The title's words, lower case, without small words and single letters ("Appendix G" labels)."""
    return frozenset(w for w in WORD.findall(title.lower()) if w not in IGNORED_WORDS and len(w) > 1)


def title_matches(found: str, accepted: list[str]) -> bool:
    """The read title shares most of its words with one of the accepted forms."""
    words = title_words(found)
    return any(words and (shared := words & title_words(form))
               and len(shared) / max(len(words), len(title_words(form))) >= TITLE_OVERLAP for form in accepted)


def judge_title(found: str | None, accepted: list[str]) -> str:
    if not found:
        return "missing" if accepted else "right"
    return "right" if title_matches(found, accepted) else "wrong"


def judge_date(found: str | None, expected: str | None) -> str:
    """A date is right at the paper's precision or finer ("2025-01-30" for "2025-01"); none where the paper has
    one is missing; any other date, or a date where the paper prints none, is wrong."""
    if not found:
        return "missing" if expected else "right"
    return "right" if expected and found.startswith(expected) else "wrong"


def load_gold(path: Path = METADATA_GOLD) -> list[dict[str, Any]]:
    """The gold records, one JSON object a line: source, accepted titles, date and date kind."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_of(record: dict[str, Any]) -> str:
    """The gold record's split, or about three in ten papers for test by a hash of the file name."""
    return record.get("split") or ("test" if int(hashlib.sha1(record["source"].encode()).hexdigest(), 16) % 10 < 3
                                   else "dev")


def read_metadata(source: str, texts_dir: Path | None) -> DocumentMetadata:
    """The paper read as ingestion reads it; its text kept in texts_dir, when given, so reruns skip the reading."""
    cached = texts_dir / f"{source}.txt" if texts_dir else None
    if cached and cached.is_file():
        return extract_metadata(cached.read_text(encoding="utf-8"))
    path = document_path(source)
    text = reader_for(path).read(path).text
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(text, encoding="utf-8")
    return extract_metadata(text)


def judge(record: dict[str, Any], texts_dir: Path | None) -> Judged:
    metadata = read_metadata(record["source"], texts_dir)
    return Judged(record["source"], split_of(record), metadata.title, judge_title(metadata.title, record["titles"]),
                  metadata.date, judge_date(metadata.date, record["date"]))


def summary(judged: list[Judged]) -> dict[str, Any]:
    titles, dates = Counter(j.title_verdict for j in judged), Counter(j.date_verdict for j in judged)
    n = len(judged)
    return {"papers": n, **{f"title_{k}": round(titles[k] / n, 3) for k in ("right", "missing", "wrong")},
            **{f"date_{k}": round(dates[k] / n, 3) for k in ("right", "missing", "wrong")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=METADATA_GOLD)
    parser.add_argument("--texts", type=Path, help="keep each paper's read text here and reuse it on later runs")
    parser.add_argument("--list", action="store_true", help="print every paper judged wrong or missing")
    args = parser.parse_args()
    try:
        records = load_gold(args.gold)
        judged = []
        for number, record in enumerate(records, 1):
            print(f"\r{number}/{len(records)} {record['source'][:60]:60}", end="", flush=True)
            judged.append(judge(record, args.texts))
    except (OSError, ValueError, KeyError) as error:  # a missing or malformed gold file, a paper not in ../shared
        sys.exit(f"\ncannot score {args.gold}: {error!r}; check the file and that ../shared holds the papers")
    print()
    for split in ("test", "dev"):
        print(split, json.dumps(summary([j for j in judged if j.split == split])))
    if args.list:
        expected = {r["source"]: r for r in records}
        for j in judged:
            if j.title_verdict != "right" or j.date_verdict != "right":
                gold = expected[j.source]
                print(f"{j.split} {j.source}\n  title {j.title_verdict}: {j.title!r} / {gold['titles'][:1]}"
                      f"\n  date {j.date_verdict}: {j.date} / {gold['date']}")


if __name__ == "__main__":
    main()
