"""One tracker record: a recommendation, action, proposed decision or resolution, and the span it was read from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("recommendation", "decision", "resolution")
# The `scrutiny recommendations --json` contract, also the /recommendations API and the CSV/XLSX columns.
JSON_FIELDS = ("source", "council", "kind", "number", "text", "status", "target_date", "owner", "progress", "body",
               "meeting_date", "decision_number", "section", "page", "history")


@dataclass
class Recommendation:
    """kind: "recommendation" (a tracked recommendation or action), "decision" (what a paper asks its meeting to
    decide) or "resolution" (what a meeting resolved, from its minutes). history: the same recommendation's
    status in each paper that reports on it, oldest first, filled in when records are listed, never stored."""

    number: str | None
    text: str
    target_date: str | None
    progress: str | None
    owner: str | None
    status: str
    section: str | None
    heading: str | None
    page: int | None
    start: int
    end: int
    kind: str = "recommendation"
    ordinal: int = 0
    source: str = ""
    council: str | None = None
    chunk_id: str | None = None
    body: str | None = None  # the deciding body of a decision or resolution: "Cabinet", "County Council"
    meeting_date: str | None = None  # ISO date of the meeting that resolved it
    decision_number: str | None = None  # "24/00109"
    paper_date: str | None = None  # the paper's own date, which orders a recommendation's history
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        return {name: values[name] for name in JSON_FIELDS}

    def to_metadata(self) -> dict[str, Any]:
        """Chroma metadata (the text is stored as the row's document); None values and the history are dropped."""
        return {key: value for key, value in asdict(self).items()
                if key not in ("text", "history") and value is not None}

    @classmethod
    def from_metadata(cls, text: str, meta: dict[str, Any]) -> Recommendation:
        fields = {key: meta.get(key) for key in cls.__dataclass_fields__ if key not in ("text", "history")}
        fields.update(start=int(meta.get("start", 0)), end=int(meta.get("end", 0)), ordinal=int(meta.get("ordinal", 0)),
                      page=int(meta["page"]) if meta.get("page") else None, source=meta.get("source", ""),
                      status=meta.get("status", "unknown"), kind=meta.get("kind", "recommendation"))
        return cls(text=text, **fields)

    def place(self) -> str:
        """Where in its paper: "p. 14", "row 12" or "para. 3.8"."""
        if self.page:
            return f"p. {self.page}"
        section = self.section or ""
        return section if section.startswith("row") or not section else f"para. {section}"
