"""The `scrutiny recommendations` command: list, roll up, check and export tracker records."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.tracker import (
    OUTSTANDING_FILTER,
    check_summaries,
    list_recommendations,
    rollups,
)
from assistant.tracker_export import write_export
from index.store import ChromaStore
from ingest.tracked import KINDS, Recommendation
from ingest.vocabulary import STATUSES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--council", help="part of the council's name, any case (e.g. Derby)")
    parser.add_argument("--status", help=f"{', '.join(STATUSES)}, or {OUTSTANDING_FILTER} (all work still to do)")
    parser.add_argument("--search", metavar="TEXT", help="words that must appear in the text or progress")
    parser.add_argument("--kind", choices=KINDS, help="recommendation (tracked), decision (asked of a meeting) "
                                                       "or resolution (from minutes)")
    parser.add_argument("--source", metavar="FILE", help="one paper, by its file name")
    parser.add_argument("--json", action="store_true", help="print a JSON list of records (the /recommendations API)")
    parser.add_argument("--summary", action="store_true", help="counts by status and the outstanding list, "
                                                                "per council and per paper")
    parser.add_argument("--check", action="store_true", help="report where a paper's own summary of its statuses "
                                                              "disagrees with itself or its records (exit 1 if so)")
    parser.add_argument("--csv", metavar="FILE", type=Path, help="also write the records to a CSV file")
    parser.add_argument("--xlsx", metavar="FILE", type=Path, help="also write the records to an Excel file")


def run(args: argparse.Namespace, store: ChromaStore) -> int:
    records = list_recommendations(store, council=args.council, status=args.status, search=args.search,
                                   kind=args.kind, source=args.source)
    for path in filter(None, (args.csv, args.xlsx)):
        write_export(records, path)
        print(f"Wrote {len(records)} records to {path}", file=sys.stderr)
    if args.check:
        return _check(store, records)
    if args.json:
        print(json.dumps([record.to_json() for record in records], ensure_ascii=False, indent=2))
    elif args.summary:
        _print_rollups(records)
    else:
        _print_records(records)
    return 0


def _check(store: ChromaStore, records: list[Recommendation]) -> int:
    problems = check_summaries(store, records)
    for source, found in problems.items():
        print(f"{source}:")
        for problem in found:
            print(f"  - {problem}")
    if not problems:
        print(f"No disagreements: {len({r.source for r in records})} papers' records agree with their own summaries.")
    return 1 if problems else 0


def _print_rollups(records: list[Recommendation]) -> None:
    if not records:
        print("No recommendations match; `scrutiny list` shows what is ingested.")
    for rollup in rollups(records):
        print(rollup.line())
        if rollup.source is None:
            continue
        for record in rollup.outstanding:
            print(f"    outstanding [{record.status}] {record.number or '-'}. {_short(record.text)} ({record.place()})")


def _short(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _print_records(records: list[Recommendation]) -> None:
    if not records:
        print("No recommendations match; `scrutiny list` shows what is ingested.")
    for record in records:
        where = ", ".join(filter(None, [record.source, record.section, f"p. {record.page}" if record.page else None]))
        print(f"[{record.status}] {record.number or '-'}. {record.text}")
        decided = [f"{record.body}" if record.body else None, record.meeting_date,
                   f"decision {record.decision_number}" if record.decision_number else None]
        details = [f"target: {record.target_date}" if record.target_date else None,
                   f"owner: {record.owner}" if record.owner else None, *decided, record.council, where]
        print("    " + " | ".join(filter(None, details)))
        if record.progress:
            print("    progress: " + " ".join(record.progress.split())[:300])
        if record.history:
            print("    history: " + "; ".join(f"{h['paper_date'] or '-'} {h['source']}: {h['status']}"
                                             for h in record.history))
