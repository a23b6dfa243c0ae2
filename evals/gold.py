"""Loads gold question sets and the source texts they are checked against (read with the project's own readers)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.readers import reader_for, supported_suffixes

PROJECT = Path(__file__).resolve().parents[1]
DATASETS_DIR = PROJECT / "evals" / "datasets"
SHARED_EXTERNAL = PROJECT.parent / "shared" / "external"
DOCUMENT_DIRS = (PROJECT / "samples" / "reports", SHARED_EXTERNAL / "pdfs")
# A council's whole library: only the papers a set's questions name are indexed from it, the rest of it is
# what benchmarks at scale use.
LIBRARY_DIRS = (SHARED_EXTERNAL / "kcc-library",)


@dataclass(frozen=True)
class GoldQuestion:
    """One record of evals/datasets/*.jsonl; unanswerable questions have no sources, evidence or key facts."""

    id: str
    type: str
    question: str
    history: tuple[str, ...]
    sources: tuple[str, ...]
    pages: tuple[int | None, ...]
    evidence: tuple[str, ...]
    answer: str
    must_include: tuple[str, ...]
    split: str = "dev"  # "test" questions are never tuned on; their papers are kept apart by document
    table: bool = False  # answered from a table cell (a row and a column)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_dataset(path: Path) -> list[GoldQuestion]:
    """Every record of a JSON-lines gold file; a malformed line is reported with its number."""
    questions: list[GoldQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(GoldQuestion(
                id=record["id"], type=record["type"], question=record["question"],
                history=tuple(record.get("history") or ()), sources=tuple(record["sources"]),
                pages=tuple(record.get("pages") or ()), evidence=tuple(record["evidence"]),
                answer=record["answer"], must_include=tuple(record["must_include"]),
                split=record.get("split", "dev"), table=bool(record.get("table", False)),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a gold record ({error}); run `python evals/check_gold.py`") from None
    return questions


def corpus_files(questions: list[GoldQuestion]) -> list[Path]:
    """The documents to index for these questions: every file of a folder holding one of their sources (so
    distractors count), or from a council's library only the papers the questions name."""
    sources = {source for question in questions for source in question.sources}
    files: list[Path] = []
    for folder in DOCUMENT_DIRS:
        if any((folder / source).is_file() for source in sources):
            files += [p for p in folder.iterdir()
                      if p.is_file() and p.suffix.lower() in supported_suffixes() and not p.name.startswith(".")]
    named = {p.name for p in files}
    files += [folder / s for folder in LIBRARY_DIRS for s in sources if s not in named and (folder / s).is_file()]
    missing = sorted(sources - {p.name for p in files})
    if missing:
        raise ValueError(f"gold sources not found in {[str(d) for d in DOCUMENT_DIRS + LIBRARY_DIRS]}: {missing[:5]}")
    return sorted(files)


class SourceTexts:
    """The full text of each corpus file by name, as the project's readers extract it."""

    def __init__(self, files: list[Path]) -> None:
        self.paths = {path.name: path for path in files}

    @lru_cache(maxsize=None)
    def text(self, source: str) -> str | None:
        path = self.paths.get(source)
        return reader_for(path).read(path).text if path else None
