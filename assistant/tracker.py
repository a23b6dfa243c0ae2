"""The recommendations tracker as a service: stored recommendation records, filtered for the CLI, app and engine."""

from __future__ import annotations

from index.store import ChromaStore
from ingest.recommendations import STATUSES, Recommendation


def normalise_status_filter(status: str) -> str:
    """'Not-Accepted' -> 'not accepted'; anything that is not a tracker status is refused with the choices."""
    wanted = " ".join(status.lower().replace("-", " ").replace("_", " ").split())
    if wanted not in STATUSES:
        raise ValueError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    return wanted


def list_recommendations(store: ChromaStore, council: str | None = None, status: str | None = None,
                         search: str | None = None, number: str | None = None,
                         source: str | None = None) -> list[Recommendation]:
    """Records of complete ingests in document order. council matches a case-insensitive part of the council
    name ("derby" finds "Derby City Council"); search is a case-insensitive phrase in the text or progress."""
    rows = store.recommendations(status=normalise_status_filter(status) if status else None,
                                 number=number.strip().rstrip(".") if number else None, source=source or None)
    records = [Recommendation.from_metadata(row["text"], row) for row in rows]
    if council:
        records = [r for r in records if council.lower() in (r.council or "").lower()]
    if search:
        phrase = search.lower()
        records = [r for r in records if phrase in f"{r.text} {r.progress or ''}".lower()]
    return records
