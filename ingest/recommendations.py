"""Extracts recommendations and actions (number, text, target date, progress, owner, status) from parsed blocks."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from ingest.document import LoadedDocument
from ingest.sentences import sentence_spans
from ingest.structure import NUMBERED_PARAGRAPH, Block

STATUSES = ("achieved", "in progress", "accepted", "not accepted", "ongoing", "unknown")

# Column roles by what the header means; the first matching role wins, so "Target date" is a date, not text.
COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:no\.?|nos?\.|number|ref\.?|reference|item|#|rec\.? no\.?|recommendation no\.?)$", re.I)),
    ("owner", re.compile(r"\b(?:who|owner|lead|responsib\w*|accountable|officer)\b", re.I)),
    ("target_date", re.compile(r"\b(?:target|when|deadline|due|timescales?|timeframe|date|completion|by when)\b", re.I)),
    ("progress", re.compile(r"\b(?:progress|position|comments?|update|status|response|rag)\b", re.I)),
    ("text", re.compile(r"\b(?:recommendations?|actions?|objectives?|proposals?|commitments?|tasks?|measures?)\b", re.I)),
)

# "Recommendation 7 – That the director ...", "Action 3: ...", "Rec 12. ..." at the start of a paragraph.
NUMBERED_RECOMMENDATION = re.compile(
    r"^(?:recommendation|action|rec\.?)\s+(?:no\.?\s*)?(\d{1,3}[a-z]?)\s*[\u2013\u2014:.)-]\s*(\S.*)$", re.I | re.S)
# A "Recommendations" heading: what this paper asks its meeting to decide.
DECISION_HEADING = re.compile(r"^[#\s]*(?:\d{1,2}\.?\s+)?(?:\*\*)?recommendations?(?:\*\*)?\s*:?\s*$", re.I)
LIST_ITEM = re.compile(r"^\s*(?:(\d{1,2}(?:\.\d{1,2})?)[.)]?|[-*\u2022\u25aa\u00a7])\s+(\S.*)$")

# Status rules, tried in order on a piece of progress text; the first that matches decides. Future or
# negated completion ("should be completed", "not yet achieved") is work in progress, so it is tried before "achieved".
STATUS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("not accepted", re.compile(r"\bnot (?:been )?(?:accepted|agreed|supported|approved)\b|\b(?:rejected|declined)\b", re.I)),
    ("in progress", re.compile(r"\bnot (?:yet )?(?:been )?(?:achieved|completed?|implemented)\b|"
                               r"\b(?:should|will|to|must|would) (?:be |have been )?(?:achieved?|completed?|implemented|"
                               r"delivered|finalised)\b", re.I)),
    ("achieved", re.compile(r"(?<!being )\b(?:achieved|completed|implemented|fully met|delivered|finalised)\b|"
                            r"\bin place\b(?! to)|(?<!is )(?<!be )\bestablished\b(?! to)|\b(?:has|have) been (?:established|produced|appointed|introduced|set up)\b|"
                            r"\b(?:has|have) (?:produced|established|introduced)\b", re.I)),
    ("in progress", re.compile(r"\b(?:in progress|underway|under way|taking place|in hand|on target|on track|partially|"
                               r"(?:is|are) being \w+(?:ed|en)|progress (?:has been|is being) made|work has (?:started|begun)|"
                               r"planned|in the process of)\b", re.I)),
    ("ongoing", re.compile(r"\b(?:on[- ]?going|continues|continuing|continue to|monitored|under (?:constant )?review|"
                           r"kept under review)\b", re.I)),
    ("accepted", re.compile(r"\b(?:accepted|agreed|approved)\b|\baccepts? (?:this|the) recommendation", re.I)),
)
# A target-date cell ("Ongoing", "Achieved March '03") says little else; "Complete work by ..." is a plan, not a result.
DATE_RULES = tuple(rule for rule in STATUS_RULES if rule[0] == "ongoing") + (("achieved", re.compile(r"\bachieved\b", re.I)),)


@dataclass
class Recommendation:
    """One recommendation or action and the span of the document it was read from."""

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
    kind: str = "recommendation"  # "recommendation" (tracked) | "decision" (asked of this meeting)
    ordinal: int = 0
    source: str = ""
    council: str | None = None
    chunk_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `scrutiny recommendations --json` contract."""
        return {"source": self.source, "council": self.council, "number": self.number, "text": self.text,
                "target_date": self.target_date, "progress": self.progress, "owner": self.owner,
                "status": self.status, "section": self.section, "page": self.page}

    def to_metadata(self) -> dict[str, Any]:
        """Chroma metadata (the text is stored as the row's document); None values are dropped."""
        return {key: value for key, value in asdict(self).items() if key != "text" and value is not None}

    @classmethod
    def from_metadata(cls, text: str, meta: dict[str, Any]) -> "Recommendation":
        fields = {key: meta.get(key) for key in cls.__dataclass_fields__ if key != "text"}
        fields.update(start=int(meta.get("start", 0)), end=int(meta.get("end", 0)), ordinal=int(meta.get("ordinal", 0)),
                      page=int(meta["page"]) if meta.get("page") else None, source=meta.get("source", ""),
                      status=meta.get("status", "unknown"), kind=meta.get("kind", "recommendation"))
        return cls(text=text, **fields)


def _first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[0][0]:spans[0][1]] if spans else text


def _first_match(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    return next((status for status, pattern in rules if pattern.search(text)), None)


def normalise_status(progress: str | None, target_date: str | None = None) -> str:
    """The status the progress reports: the first sentence of each progress part (one per line: a column or
    a reply paragraph) decides, then the whole progress text, then the target-date cell; see STATUS_RULES."""
    cells = [cell for cell in (progress or "").split("\n") if cell.strip()]
    return (_first_match(" ".join(_first_sentence(cell) for cell in cells), STATUS_RULES)
            or _first_match(" ".join(cells), STATUS_RULES)
            or _first_match(target_date or "", DATE_RULES)
            or "unknown")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def column_roles(header: list[str]) -> dict[int, str]:
    """Column index -> role; a second text-like column (e.g. "Action" beside "Recommendation") reports progress."""
    roles: dict[int, str] = {}
    for index, title in enumerate(header):
        title = title.strip(" :*")
        role = next((name for name, pattern in COLUMN_ROLES if title and pattern.search(title)), None)
        if role == "text" and "text" in roles.values():
            role = "progress"
        if role:
            roles[index] = role
    return roles


class RecommendationExtractor:
    """Finds tracked recommendations in action-plan tables and "Recommendation N –" paragraphs.

    When a paper tracks none, the items under its own "Recommendations" heading (what it asks the
    meeting to decide) are listed instead, with status unknown.
    """

    def extract(self, document: LoadedDocument, blocks: list[Block]) -> list[Recommendation]:
        found = self._table_rows(document, blocks) + self._numbered_paragraphs(document, blocks)
        self._apply_summaries(blocks, found)
        if not found:
            found = self._decision_lists(document, blocks)
        found.sort(key=lambda rec: rec.start)
        for ordinal, rec in enumerate(found):
            rec.ordinal = ordinal
            rec.source = document.source
        return found

    # --- action-plan tables ----------------------------------------------------------------
    def _table_rows(self, document: LoadedDocument, blocks: list[Block]) -> list[Recommendation]:
        records: list[Recommendation] = []
        previous_header: tuple[str, ...] | None = None
        for block in blocks:
            if block.kind != "table_row" or not block.table_header:
                previous_header = None
                continue
            header = tuple(c for c in block.table_header if c)
            roles = column_roles(block.table_header)
            if "text" not in roles.values():
                previous_header = None
                continue
            fields = self._fields(block.cells, roles)
            continues = records and header == previous_header and self._is_continuation(block)
            if continues:
                self._extend(records[-1], fields, block)
            elif header != previous_header and not (block.cells and block.cells[0]) and not fields.get("text"):
                continue  # the wrapped second line of a header, not data
            elif fields.get("text"):
                records.append(self._from_row(document, block, fields))
            previous_header = header
        return records

    @staticmethod
    def _fields(cells: list[str], roles: dict[int, str]) -> dict[str, str]:
        fields: dict[str, list[str]] = {}
        for index, role in roles.items():
            if index < len(cells) and cells[index]:
                fields.setdefault(role, []).append(cells[index])
        # Progress columns stay one per line so that each column's first sentence counts for the status.
        return {role: ("\n" if role == "progress" else " ").join(values) for role, values in fields.items()}

    @staticmethod
    def _is_continuation(block: Block) -> bool:
        """An empty first cell, or one that carries on a sentence (lower-case start) broken by a page."""
        first = block.cells[0] if block.cells else ""
        return not first or (first[0].islower() and block.row_label is None)

    @staticmethod
    def _extend(record: Recommendation, fields: dict[str, str], block: Block) -> None:
        for role in ("text", "target_date", "progress", "owner"):
            if fields.get(role):
                current = getattr(record, role)
                setattr(record, role, f"{current} {fields[role]}" if current else fields[role])
        record.end = max(record.end, block.end)
        record.status = normalise_status(record.progress, record.target_date)

    @staticmethod
    def _from_row(document: LoadedDocument, block: Block, fields: dict[str, str]) -> Recommendation:
        number = block.row_label or (fields.get("number") or "").rstrip(".") or None
        return Recommendation(
            number=number, text=fields["text"], target_date=fields.get("target_date"), progress=fields.get("progress"),
            owner=fields.get("owner"), status=normalise_status(fields.get("progress"), fields.get("target_date")),
            section=block.section, heading=block.heading, page=document.page_at(block.start),
            start=block.start, end=block.end)

    @staticmethod
    def _apply_summaries(blocks: list[Block], records: list[Recommendation]) -> None:
        """A table of short "number | status | note" rows (no text column) summarises records listed in full
        elsewhere: it adds no records, but its status wins and is noted in the progress."""
        by_number: dict[str, list[Recommendation]] = {}
        for record in records:
            by_number.setdefault(record.number or "", []).append(record)
        for block in blocks:
            if block.kind != "table_row" or "text" in column_roles(block.table_header or []).values():
                continue
            notes = [cell for cell in block.cells[1:] if cell]
            matches = by_number.get(block.row_label or "", [])
            if len(matches) != 1 or not notes or any(len(note.split()) > 12 for note in notes):
                continue
            status = _first_match(notes[0], STATUS_RULES)
            if status:
                record = matches[0]
                record.status = status
                record.progress = "\n".join(filter(None, [record.progress, f"Summary: {'; '.join(notes)}"]))

    # --- "3.8 Recommendation 7 – That ..." followed by "3.8.1 This recommendation is accepted" ---------
    def _numbered_paragraphs(self, document: LoadedDocument, blocks: list[Block]) -> list[Recommendation]:
        records: list[Recommendation] = []
        for index, block in enumerate(blocks):
            if block.kind == "table_row":
                continue
            body = self._body(document.text[block.start:block.end])
            match = NUMBERED_RECOMMENDATION.match(body)
            if not match:
                continue
            replies = self._replies(document, blocks, index)
            progress = "\n".join(self._body(document.text[b.start:b.end]) for b in replies) or None
            records.append(Recommendation(
                number=match.group(1), text=_squash(match.group(2)), target_date=None, progress=progress, owner=None,
                status=normalise_status(progress), section=block.section, heading=block.heading,
                page=document.page_at(block.start), start=block.start, end=max([block.end] + [b.end for b in replies])))
        return records

    @staticmethod
    def _body(text: str) -> str:
        """A paragraph without its leading paragraph number or bullet."""
        match = NUMBERED_PARAGRAPH.match(text)
        return _squash(text[match.end():] if match else text.lstrip(" -*\u2022"))

    def _replies(self, document: LoadedDocument, blocks: list[Block], index: int) -> list[Block]:
        """The paragraphs answering a recommendation: its sub-paragraphs (3.8.1 under 3.8) up to the next one."""
        own = blocks[index].section
        replies: list[Block] = []
        for block in blocks[index + 1:]:
            if block.kind != "paragraph" or NUMBERED_RECOMMENDATION.match(self._body(document.text[block.start:block.end])):
                break
            if own and not (block.section or "").startswith(own + "."):
                break
            replies.append(block)
        return replies

    # --- fallback: the paper's own "Recommendations" list -------------------------------------
    def _decision_lists(self, document: LoadedDocument, blocks: list[Block]) -> list[Recommendation]:
        records: list[Recommendation] = []
        for block in blocks:
            if block.kind == "heading" and DECISION_HEADING.match(document.text[block.start:block.end]):
                records.extend(self._list_items(document, block))
        return records

    @staticmethod
    def _continues_list(number: str | None, items: list[Recommendation]) -> bool:
        """After a blank line only the next item of the same list ("3." after "2.", a bullet after a bullet)
        belongs to it; "1 Purpose of this report" after "1. Members are asked" starts the next section."""
        if not items:
            return True
        previous = items[-1].number
        if number is None or previous is None:
            return number is None and previous is None
        return number.isdigit() and previous.isdigit() and int(number) == int(previous) + 1

    def _list_items(self, document: LoadedDocument, heading: Block, preamble_lines: int = 3) -> list[Recommendation]:
        """The numbered or bulleted items under the heading, each with its wrapped lines; the list ends at
        the first line after a blank that is not its next item."""
        items: list[Recommendation] = []
        offset, blank, preamble = heading.end + 1, False, 0
        for line in document.text[heading.end + 1:].split("\n"):
            line_start, offset = offset, offset + len(line) + 1
            match = LIST_ITEM.match(line)
            if not line.strip():
                blank = True
                continue
            if match and (not blank or self._continues_list(match.group(1), items)):
                items.append(Recommendation(
                    number=match.group(1), text=match.group(2).strip(), target_date=None, progress=None, owner=None,
                    status="unknown", section=heading.section, heading=heading.heading,
                    page=document.page_at(line_start), start=line_start, end=line_start + len(line.rstrip()),
                    kind="decision"))
            elif items and not blank:
                items[-1].text = _squash(f"{items[-1].text} {line}")  # a wrapped item line
                items[-1].end = line_start + len(line.rstrip())
            elif items or preamble >= preamble_lines:
                break
            else:
                preamble += 1  # "The Committee is asked to:"
            blank = False
        return items


def link_chunks(records: list[Recommendation], chunk_spans: list[tuple[str, int, int]]) -> None:
    """Points each record at the chunk (id, start, end) holding the start of its passage."""
    for record in records:
        record.chunk_id = next((chunk_id for chunk_id, start, end in chunk_spans if start <= record.start < end),
                               next((chunk_id for chunk_id, start, _ in chunk_spans if start >= record.start), None))
