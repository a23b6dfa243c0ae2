"""The recommendations tracker as a service: stored records filtered, linked across papers, rolled up and checked."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from index.store import ChromaStore
from ingest.recommendations import Recommendation, has_text_column
from ingest.structure import StructureParser
from ingest.summaries import check_claims, prose_claims, table_claims
from ingest.tracked import KINDS
from ingest.vocabulary import OUTSTANDING, STATUSES

OUTSTANDING_FILTER = "outstanding"  # every status of work still to do, as one filter
# Two records are the same recommendation when most of the shorter one's words are in the other.
SAME_TEXT_OVERLAP = 0.6
_STOP = frozenset("that this with from should have been will were their there which would what when into about "
                  "also they them then than these those such other under more most only over some very".split())


def normalise_status_filter(status: str) -> str:
    """'Not-Accepted' -> 'not accepted'; anything that is not a tracker status is refused with the choices."""
    wanted = " ".join(status.lower().replace("-", " ").replace("_", " ").split())
    if wanted not in (*STATUSES, OUTSTANDING_FILTER):
        raise ValueError(f"unknown status {status!r}; use one of: {', '.join((*STATUSES, OUTSTANDING_FILTER))}")
    return wanted


def list_recommendations(store: ChromaStore, council: str | None = None, status: str | None = None,
                         search: str | None = None, number: str | None = None, source: str | None = None,
                         kind: str | None = None, with_history: bool = True) -> list[Recommendation]:
    """Records of complete ingests in document order. council matches a case-insensitive part of the council
    name ("derby" finds "Derby City Council"); search is a case-insensitive phrase in the text or progress;
    status "outstanding" is every recommendation with work still to do. Each record carries its history."""
    if kind and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    wanted = normalise_status_filter(status) if status else None
    if wanted == OUTSTANDING_FILTER:
        wanted, kind = tuple(OUTSTANDING), "recommendation"
    rows = store.recommendations(status=wanted, number=number.strip().rstrip(".") if number else None,
                                 source=source or None, kind=kind)
    records = [Recommendation.from_metadata(row["text"], row) for row in rows]
    if council:
        records = [r for r in records if council.lower() in (r.council or "").lower()]
    if search:
        phrase = search.lower()
        records = [r for r in records if phrase in f"{r.text} {r.progress or ''}".lower()]
    if with_history and records:
        link_history(records, [Recommendation.from_metadata(row["text"], row) for row in store.recommendations()])
    return records


# --- history across papers ----------------------------------------------------------------------
def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def same_recommendation(one: Recommendation, other: Recommendation) -> bool:
    """Another paper reporting on the same recommendation: same council, a matching number or decision number,
    and text that mostly agrees (a later paper may shorten or reword it)."""
    if one.source == other.source or (one.council or "") != (other.council or ""):
        return False
    if one.decision_number or other.decision_number:
        if one.decision_number != other.decision_number:
            return False
    elif not one.number or one.number != other.number or one.kind != other.kind:
        return False
    mine, theirs = _words(one.text), _words(other.text)
    shorter = min(len(mine), len(theirs))
    return shorter > 0 and len(mine & theirs) / shorter >= SAME_TEXT_OVERLAP


def link_history(records: list[Recommendation], everything: list[Recommendation]) -> None:
    """Each record's history: its status in every paper that reports on it, oldest paper first."""
    for record in records:
        linked = [record] + [other for other in everything if same_recommendation(record, other)]
        if len(linked) < 2:
            record.history = []
            continue
        # A proposed decision comes before the minutes that resolved it, whatever dates its paper mentions.
        linked.sort(key=lambda r: (KINDS.index(r.kind) if r.decision_number else 0,
                                   r.meeting_date or r.paper_date or "9999", r.source, r.ordinal))
        record.history = [{"source": r.source, "paper_date": r.paper_date, "kind": r.kind, "number": r.number,
                           "status": r.status, "page": r.page, "section": r.section} for r in linked]


# --- roll-ups -----------------------------------------------------------------------------------
@dataclass
class Rollup:
    """Counts by status and the full outstanding list, for one paper or one council."""

    council: str
    source: str | None
    counts: Counter = field(default_factory=Counter)
    outstanding: list[Recommendation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"council": self.council, "source": self.source, "counts": dict(self.counts),
                "outstanding": [{"number": r.number, "status": r.status, "text": r.text, "source": r.source,
                                 "page": r.page, "section": r.section} for r in self.outstanding]}

    def line(self) -> str:
        counts = ", ".join(f"{n} {status}" for status in STATUSES if (n := self.counts.get(status)))
        return f"{self.council} | {self.source or 'all papers'}: {sum(self.counts.values())} records ({counts})"


def rollups(records: list[Recommendation]) -> list[Rollup]:
    """One roll-up per council (all its papers) followed by one per paper, in council then paper order."""
    result: dict[tuple[str, str | None], Rollup] = {}
    for record in records:
        council = record.council or "Unknown council"
        for key in ((council, None), (council, record.source)):
            rollup = result.setdefault(key, Rollup(council, key[1]))
            rollup.counts[record.status] += 1
            if record.kind == "recommendation" and record.status in OUTSTANDING:
                rollup.outstanding.append(record)
    return [result[key] for key in sorted(result, key=lambda k: (k[0], k[1] or ""))]


# --- the paper's own summary against its records ------------------------------------------------
def check_summaries(store: ChromaStore, records: list[Recommendation]) -> dict[str, list[str]]:
    """Per paper: where its own summary of statuses (counts, listed numbers, summary tables) disagrees with
    itself or with its tracked records; papers without a summary or a problem are left out."""
    problems: dict[str, list[str]] = {}
    parser = StructureParser()
    for source in sorted({r.source for r in records if r.kind == "recommendation"}):
        text = store.document_text(source) or ""
        blocks = parser.parse(text, {})
        claims = table_claims(blocks, has_text_column) + prose_claims(text, blocks)
        tracked = [r for r in records if r.source == source and r.kind == "recommendation"]
        found = check_claims(tracked, claims)
        if found:
            problems[source] = found
    return problems
