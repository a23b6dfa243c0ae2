"""Check the gold evaluation datasets: schema of every record in evals/datasets/*.jsonl and that each evidence string is verbatim in its source."""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATASETS_DIR = Path(__file__).resolve().parent / "datasets"
DEFAULT_SAMPLE_DIRS = (PROJECT_ROOT / "samples" / "reports", PROJECT_ROOT.parent / "shared" / "corpus")
DEFAULT_PDF_DIRS = tuple((PROJECT_ROOT / ".." / "shared" / "external" / name).resolve() for name in ("pdfs", "kcc-library"))

FIELDS = ("id", "type", "question", "history", "sources", "pages", "evidence", "answer", "must_include")
TYPES = frozenset(
    {"fact", "status", "commitment", "list", "cross_doc", "plain_language", "quote", "unanswerable", "followup"}
)
ID_PREFIX = {"sample": "s", "external": "e", "kcc": "k"}  # by the file name's first word
SPLITS = frozenset({"dev", "test"})
CHECKED_ELSEWHERE = {"metadata": "python -m evals.metadata_eval"}  # sets of another record shape, by file stem
OPTIONAL_FIELDS = ("table",)  # true for a question answered from a table cell (a row and a column)
_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def is_str_list(value: Any) -> bool:
    """True if value is a list whose items are all non-empty strings."""
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


class Sources:
    """Loads source documents (text files and per-page PDF text) on demand, with caching."""

    def __init__(self, sample_dirs: list[Path], pdf_dirs: list[Path]) -> None:
        self.sample_dirs = sample_dirs
        self.pdf_dirs = pdf_dirs

    def find_txt(self, name: str) -> Path | None:
        for directory in self.sample_dirs:
            path = directory / name
            if path.is_file():
                return path
        return None

    @lru_cache(maxsize=None)
    def txt(self, name: str) -> str | None:
        path = self.find_txt(name)
        return collapse(path.read_text(encoding="utf-8")) if path else None

    @lru_cache(maxsize=None)
    def pdf_pages(self, name: str) -> tuple[str, ...] | str:
        """Per-page collapsed text of a PDF, or a string explaining why it could not be read."""
        path = next((folder / name for folder in self.pdf_dirs if (folder / name).is_file()), None)
        if path is None:
            return f"PDF source not found: {name} (looked in {[str(d) for d in self.pdf_dirs]})"
        try:
            from pypdf import PdfReader  # imported lazily so schema checks work without pypdf
        except ImportError:
            return f"cannot read {name}: pypdf is not installed"
        reader = PdfReader(str(path))
        return tuple(collapse(page.extract_text() or "") for page in reader.pages)


def check_schema(rec: Any, where: str, prefix: str | None, split_required: bool = False) -> list[str]:
    """Return schema problems for one record (empty list if none); a split set's records also carry "split"."""
    if not isinstance(rec, dict):
        return [f"{where}: record is not a JSON object"]
    errs: list[str] = []
    required = FIELDS + (("split",) if split_required else ())
    missing = [k for k in required if k not in rec]
    extra = [k for k in rec if k not in required and k not in OPTIONAL_FIELDS]
    if missing or extra:
        return [f"{where}: wrong fields (missing {missing}, extra {extra})"]
    if split_required and rec["split"] not in SPLITS:
        errs.append(f"{where}: split must be one of {sorted(SPLITS)}, not {rec['split']!r}")
    if "table" in rec and not isinstance(rec["table"], bool):
        errs.append(f"{where}: table must be true or false")
    rid, rtype = rec["id"], rec["type"]
    if not isinstance(rid, str) or not re.fullmatch(r"[a-z]\d{3,4}", rid):
        errs.append(f"{where}: bad id {rid!r}")
    elif prefix and not rid.startswith(prefix):
        errs.append(f"{where}: id {rid!r} should start with {prefix!r}")
    if rtype not in TYPES:
        errs.append(f"{where}: unknown type {rtype!r}")
    for key in ("question", "answer"):
        if not isinstance(rec[key], str) or not rec[key].strip():
            errs.append(f"{where}: {key} must be a non-empty string")
    for key in ("history", "sources", "evidence", "must_include"):
        if not isinstance(rec[key], list) or (rec[key] and not is_str_list(rec[key])):
            errs.append(f"{where}: {key} must be a list of non-empty strings")
    if errs:
        return errs

    history, sources, evidence, pages, must = (
        rec["history"], rec["sources"], rec["evidence"], rec["pages"], rec["must_include"],
    )
    if rtype == "followup" and not history:
        errs.append(f"{where}: followup needs a non-empty history")
    if rtype != "followup" and history:
        errs.append(f"{where}: only followup records may have history")
    if any("/" in s or "\\" in s for s in sources):
        errs.append(f"{where}: sources must be basenames")
    if len(set(sources)) != len(sources):
        errs.append(f"{where}: duplicate sources")
    if not isinstance(pages, list) or len(pages) != len(evidence):
        errs.append(f"{where}: pages must be a list parallel to evidence")
    else:
        for p in pages:
            if p is not None and (not isinstance(p, int) or isinstance(p, bool) or p < 1):
                errs.append(f"{where}: bad page {p!r}")
    if rtype == "unanswerable":
        if sources or evidence or must:
            errs.append(f"{where}: unanswerable needs empty sources, evidence and must_include")
    else:
        if not sources:
            errs.append(f"{where}: answerable record needs sources")
        if not 1 <= len(evidence) <= 3:
            errs.append(f"{where}: needs 1-3 evidence strings, has {len(evidence)}")
        if not 1 <= len(must) <= 4:
            errs.append(f"{where}: needs 1-4 must_include items, has {len(must)}")
        answer = rec["answer"].lower()
        for item in must:
            if item.lower() not in answer:
                errs.append(f"{where}: must_include {item!r} not in the reference answer")
    if rtype == "cross_doc" and len(sources) < 2:
        errs.append(f"{where}: cross_doc needs two or more sources")
    return errs


def check_evidence(rec: dict[str, Any], where: str, docs: Sources) -> list[str]:
    """Return problems with evidence strings not found verbatim in the record's sources."""
    errs: list[str] = []
    texts: dict[str, str | tuple[str, ...]] = {}
    for src in rec["sources"]:
        loaded = docs.pdf_pages(src) if src.lower().endswith(".pdf") else docs.txt(src)
        if loaded is None:
            errs.append(f"{where}: text source not found: {src} (looked in {[str(d) for d in docs.sample_dirs]})")
        elif isinstance(loaded, str) and src.lower().endswith(".pdf"):
            errs.append(f"{where}: {loaded}")
        else:
            texts[src] = loaded
    if not any(src.lower().endswith(".pdf") for src in rec["sources"]) and any(p is not None for p in rec["pages"]):
        errs.append(f"{where}: pages must be null when all sources are text files")
    if errs:
        return errs
    used: set[str] = set()
    for ev, page in zip(rec["evidence"], rec["pages"]):
        needle = collapse(ev)
        found = False
        for src, content in texts.items():
            if isinstance(content, tuple):  # PDF: one string per page
                if page is None:
                    hit = any(needle in text for text in content)
                else:  # the page may belong to another source of a cross-document record
                    hit = page <= len(content) and needle in content[page - 1]
            else:
                hit = page is None and needle in content
            if hit:
                found = True
                used.add(src)
        if not found:
            loc = f" on page {page}" if page is not None else ""
            errs.append(f"{where}: evidence not found{loc} in {rec['sources']}: {ev!r}")
    if not errs:
        for src in rec["sources"]:
            if src not in used:
                errs.append(f"{where}: source {src} is backed by no evidence string")
    return errs


def json_lines(path: Path) -> Iterator[tuple[str, Any, str | None]]:
    """Each non-blank line of a JSON-lines file as (where, record, problem): where is "file:line", and problem
    says why a line is not JSON (its record is then None)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            yield where, json.loads(line), None
        except json.JSONDecodeError as error:
            yield where, None, f"{where}: invalid JSON ({error})"


def check_file(path: Path, docs: Sources, seen_ids: set[str]) -> tuple[int, list[str]]:
    """Check every record in one JSON-lines dataset file; return (record count, failures)."""
    errs: list[str] = []
    count = 0
    family = re.split(r"[^a-z]", path.stem, maxsplit=1)[0]
    prefix = ID_PREFIX.get(family)
    split_required = family == "kcc"
    for where, rec, problem in json_lines(path):
        if problem:
            errs.append(problem)
            continue
        count += 1
        if isinstance(rec, dict) and isinstance(rec.get("id"), str):
            where = f"{where} [{rec['id']}]"
            if rec["id"] in seen_ids:
                errs.append(f"{where}: duplicate id")
            seen_ids.add(rec["id"])
        schema_errs = check_schema(rec, where, prefix, split_required)
        errs.extend(schema_errs)
        if not schema_errs:
            errs.extend(check_evidence(rec, where, docs))
    return count, errs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets-dir", type=Path, default=DATASETS_DIR, help="folder of *.jsonl datasets")
    parser.add_argument("--sample-dir", type=Path, default=None,
                        help="folder holding the .txt sample reports (default: samples/reports, "
                             "falling back to ../shared/corpus)")
    parser.add_argument("--pdf-dir", type=Path, action="append", default=None,
                        help="folder holding PDF sources (repeatable; default: ../shared/external/pdfs and kcc-library)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sample_dirs = [args.sample_dir] if args.sample_dir else list(DEFAULT_SAMPLE_DIRS)
    docs = Sources(sample_dirs, args.pdf_dir or list(DEFAULT_PDF_DIRS))
    files = sorted(args.datasets_dir.glob("*.jsonl"))
    if not files:
        print(f"no datasets found in {args.datasets_dir}", file=sys.stderr)
        return 1
    failures: list[str] = []
    seen_ids: set[str] = set()
    from evals.check_tracker_gold import check_tracker_file  # the tracker set has its own record shape

    for path in files:
        if path.stem in CHECKED_ELSEWHERE:
            print(f"{path.name}: not questions; checked by {CHECKED_ELSEWHERE[path.stem]}", flush=True)
            continue
        checker = check_tracker_file if path.stem == "tracker" else check_file
        count, errs = checker(path, docs, seen_ids)
        failures.extend(errs)
        print(f"{path.name}: {count} records, {len(errs)} problem(s)", flush=True)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("all gold records OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
