"""Finds where a paper that shares most of its text with a cited one reads differently from the quoted words.

Councils republish papers (an amendment form reissued with another seconder, a Cabinet draft of a budget appendix
that Council adopts with changed figures) and gather them into packs and minutes; every copy stays in the library.
An answer quoting one of them is then stated with a confidence the library does not support, so the other paper's
words are shown beside it, and the reader judges which holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Callable

import numpy as np

from assistant.quotes import collapse_whitespace
from assistant.results import Citation
from index.records import StoredChunk
from prompts import render

SHINGLE_WORDS = 8  # a run of eight words rarely recurs by chance, so shared runs mean shared text
# Two papers share most of their text when this share of the smaller one's eight-word runs occurs in the other.
# Measured on the 115 KCC papers (docs/versions.md): 65 pairs reach it, reissued forms, Cabinet drafts and the
# Council's final appendices, forms and the packs or minutes that repeat them; agenda front sheets of different
# meetings share at most 0.48, two equality impact assessments 0.35.
SAME_PAPER_SHARE = 0.6
# A passage of the other paper is the cited passage when this share of the cited passage's words aligns with it.
SAME_PASSAGE_SHARE = 0.8
MARKER = re.compile(r"\(?(?:\d{1,2}|[A-Za-z]|[ivx]{1,4})[).:,]?")
EDGE_PUNCTUATION = "\"'“”‘’()[].,;:"
CONTEXT_WORDS = 6  # shown either side of the words that differ, so the difference is read in its place
MAX_SHOWN_WORDS = 40  # a note beside an answer, not a second answer: a paper rewritten throughout is shown in part


@dataclass(frozen=True)
class DifferingVersion:
    """The other paper's words in place of a quote, verbatim up to whitespace."""

    n: int  # the citation whose quote differs
    source: str
    title: str | None
    page: int | None
    reads: str  # "..." marks words left out on either side

    def describe(self) -> str:
        where = ", ".join(part for part in (self.title, f"p. {self.page}" if self.page else None, self.source) if part)
        return render("other_version", n=self.n, where=where, reads=self.reads)


def _words(text: str) -> list[str]:
    return collapse_whitespace(text).split(" ")


def _shingles(text: str) -> np.ndarray:
    """The hashes of the text's eight-word runs, sorted and unique: 8 bytes a run, so a cache of long papers stays small."""
    words = [word.lower() for word in _words(text)]
    runs = [hash(tuple(words[i:i + SHINGLE_WORDS])) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    return np.unique(np.array(runs, dtype=np.int64))


def _find(words: list[str], part: list[str]) -> int | None:
    for at in range(len(words) - len(part) + 1):
        if words[at:at + len(part)] == part:
            return at
    return None


Opcode = tuple[str, int, int, int, int]


def _mapped(opcodes: list[Opcode], at: int, closing: bool) -> int | None:
    """Where word position `at` of the cited passage falls in the other; a position inside a changed run maps to
    that run's start (opening a span) or end (closing one), so the span takes the whole change."""
    for tag, i1, i2, j1, j2 in opcodes:
        inside = i1 < at <= i2 if closing else i1 <= at < i2
        if inside or (i1 == i2 == at):
            if tag == "equal":
                return j1 + at - i1
            return j2 if closing else j1
    return None


def _compared(words: list[str]) -> list[str]:
    """Words as compared: quotation marks, brackets and closing punctuation do not make a difference (a form's
    fields quoted in the minutes that record it read the same)."""
    return [word.strip(EDGE_PUNCTUATION).lower() for word in words]


def _says_something(words: list[str]) -> bool:
    """Changed words that carry content: not only list markers and letters ("(5)", "a)", the "H" of an appendix
    relettered between a draft and the final paper)."""
    return any(not MARKER.fullmatch(word) for word in words)


def _changes_inside(opcodes: list[Opcode], span: tuple[int, int], cited: list[str], other: list[str]) -> list[tuple[int, int]]:
    """The other passage's word ranges that replace, add or drop words inside the span, saying something."""
    return [(j1, j2) for tag, i1, i2, j1, j2 in opcodes
            if tag != "equal" and (i1 < span[1] and i2 > span[0] or i1 == i2 and span[0] < i1 < span[1])
            and _says_something(cited[i1:i2] + other[j1:j2])]


def _counterpart(cited: list[str], span: tuple[int, int], other: list[str]) -> str | None:
    """The other passage's words in place of the quoted span, around where they differ, when the passages align and
    differ inside it."""
    matcher = SequenceMatcher(None, _compared(cited), _compared(other), autojunk=False)
    if sum(block.size for block in matcher.get_matching_blocks()) < SAME_PASSAGE_SHARE * len(cited):
        return None
    opcodes = matcher.get_opcodes()
    start, end = _mapped(opcodes, span[0], closing=False), _mapped(opcodes, span[1], closing=True)
    changes = _changes_inside(opcodes, span, cited, other)
    if start is None or end is None or end <= start or not changes:
        return None
    shown_start = max(start, min(j1 for j1, _ in changes) - CONTEXT_WORDS)
    shown_end = min(end, max(j2 for _, j2 in changes) + CONTEXT_WORDS, shown_start + MAX_SHOWN_WORDS)
    return " ".join(["..."] * (shown_start > start) + other[shown_start:shown_end] + ["..."] * (shown_end < end))


class VersionFinder:
    """Compares a cited passage with the passages of other papers that were retrieved with it; only a paper sharing
    most of its text with the cited one counts, so two quarters' reports written from one template do not."""

    def __init__(self, document_text: Callable[[str], str | None]) -> None:
        # a hundred-page paper has about 50,000 runs (0.4 MB); papers are compared only when a passage aligns
        self._shingles = lru_cache(maxsize=64)(lambda source, ingest: _shingles(document_text(source) or ""))

    def same_paper(self, a: StoredChunk, b: StoredChunk) -> bool:
        first, second = self._shingles(a.source, _ingest_of(a)), self._shingles(b.source, _ingest_of(b))
        smaller = min(len(first), len(second))
        shared = len(np.intersect1d(first, second, assume_unique=True))
        return smaller > 0 and shared >= SAME_PAPER_SHARE * smaller

    def differing(self, citations: list[Citation], passages: list[StoredChunk]) -> list[DifferingVersion]:
        words = {chunk.id: _words(chunk.text) for chunk in passages}
        vocabularies = {chunk.id: set(_compared(words[chunk.id])) for chunk in passages}
        found: list[DifferingVersion] = []
        for citation in citations:
            own = next((chunk for chunk in passages if chunk.source == citation.source and chunk.text == citation.text), None)
            cited, quote = _words(citation.text), _words(citation.quote)
            compared = _compared(cited)
            at = _find(cited, quote)
            if own is None or at is None:
                continue
            for other in passages:
                if other.source == citation.source or _reported(found, citations, citation.source, other.source):
                    continue
                # cheap first: most retrieved passages share too few words to be the same passage
                if sum(word in vocabularies[other.id] for word in compared) < SAME_PASSAGE_SHARE * len(cited):
                    continue
                reads = _counterpart(cited, (at, at + len(quote)), words[other.id])
                if reads is not None and self.same_paper(own, other):
                    found.append(DifferingVersion(citation.n, other.source, other.document.get("title"), other.page, reads))
                    break
        return found


def _reported(found: list[DifferingVersion], citations: list[Citation], source: str, other: str) -> bool:
    """The pair of papers already has a note (an answer citing both versions needs one, not one each way)."""
    sources = {citation.n: citation.source for citation in citations}
    return any({sources[version.n], version.source} == {source, other} for version in found)


def _ingest_of(chunk: StoredChunk) -> str:
    """Chunk ids are "source:ingest:ordinal"; a paper ingested again has a new ingest id and new text."""
    return chunk.id.rsplit(":", 2)[-2]
