"""Check the tracker gold set (evals/datasets/tracker.jsonl): each record's fields and that its text start is in its source."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from evals.check_gold import DEFAULT_PDF_DIRS, DEFAULT_SAMPLE_DIRS, Sources, collapse, json_lines
from ingest.tracked import KINDS
from ingest.vocabulary import STATUSES

TRACKER_GOLD = Path(__file__).resolve().parent / "datasets" / "tracker.jsonl"
REQUIRED = ("id", "source", "kind", "number", "text_start", "status", "owner", "target_date", "location", "page")
# Minutes and decision records also say who decided, when, and under which decision number.
DECISION_FIELDS = ("body", "meeting_date", "decision_number")
MIN_RECORDS, MIN_PAPERS = 120, 8
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def comparable(text: str) -> str:
    """Whitespace collapsed, markup dropped and curly quotes made straight: how gold text is compared with a source."""
    return collapse(re.sub(r"<[^>]+>", " ", text)).translate(_QUOTES)


def check_record(record: Any, where: str) -> list[str]:
    """Schema problems of one tracker gold record."""
    if not isinstance(record, dict):
        return [f"{where}: not a JSON object"]
    missing = [key for key in REQUIRED if key not in record]
    extra = [key for key in record if key not in REQUIRED and key not in DECISION_FIELDS]
    if missing or extra:
        return [f"{where}: wrong fields (missing {missing}, extra {extra})"]
    errors: list[str] = []
    if not re.fullmatch(r"t\d{3}", str(record["id"])):
        errors.append(f"{where}: bad id {record['id']!r} (t followed by three digits)")
    if record["kind"] not in KINDS:
        errors.append(f"{where}: kind must be one of {sorted(KINDS)}")
    if record["status"] not in STATUSES:
        errors.append(f"{where}: status must be one of {sorted(STATUSES)}")
    for key in ("number", "owner", "target_date"):
        if record[key] is not None and not (isinstance(record[key], str) and record[key].strip()):
            errors.append(f"{where}: {key} must be null or a non-empty string")
    if not isinstance(record["text_start"], str) or len(record["text_start"].split()) < 3:
        errors.append(f"{where}: text_start must be at least three words")
    page = record["page"]
    if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
        errors.append(f"{where}: page must be null or a positive number")
    if record["kind"] != "recommendation" and "body" not in record:
        errors.append(f"{where}: a {record['kind']} needs the body that decided")
    return errors


def check_source(record: dict[str, Any], where: str, docs: Sources) -> list[str]:
    """The text start is in the source (on the given page of a PDF)."""
    source, needle = record["source"], comparable(record["text_start"])
    if source.lower().endswith(".pdf"):
        pages = docs.pdf_pages(source)
        if isinstance(pages, str):
            return [f"{where}: {pages}"]
        page = record["page"]
        texts = [pages[page - 1]] if page and page <= len(pages) else list(pages)
        found = any(needle in comparable(text) for text in texts)
    else:
        text = docs.txt(source)
        if text is None:
            return [f"{where}: text source not found: {source}"]
        found = needle in comparable(text)
    return [] if found else [f"{where}: text_start not found in {source}" + (f" p. {record['page']}" if record["page"] else "")
                             + f": {record['text_start']!r}"]


def check_tracker_file(path: Path, docs: Sources, seen_ids: set[str]) -> tuple[int, list[str]]:
    """Every record of a tracker gold file; (record count, failures), including the set's minimum size."""
    errors: list[str] = []
    records: list[dict[str, Any]] = []
    for where, record, problem in json_lines(path):
        if problem:
            errors.append(problem)
            continue
        problems = check_record(record, where)
        if not problems:
            if record["id"] in seen_ids:
                problems.append(f"{where}: duplicate id {record['id']}")
            seen_ids.add(record["id"])
            problems.extend(check_source(record, where, docs))
            records.append(record)
        errors.extend(problems)
    papers = {record["source"] for record in records}
    if len(records) < MIN_RECORDS or len(papers) < MIN_PAPERS:
        errors.append(f"{path.name}: needs at least {MIN_RECORDS} records from {MIN_PAPERS} papers, "
                      f"has {len(records)} from {len(papers)}")
    return len(records), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=TRACKER_GOLD)
    args = parser.parse_args(argv)
    count, errors = check_tracker_file(args.path, Sources(list(DEFAULT_SAMPLE_DIRS), list(DEFAULT_PDF_DIRS)), set())
    for error in errors:
        print(f"FAIL {error}", file=sys.stderr)
    print(f"{args.path.name}: {count} records, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
