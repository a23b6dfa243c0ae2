"""Extracts recommendations and actions (number, text, target date, progress, owner, status) from parsed blocks,
and, through the resolution reader, what minutes resolved and records of decision decided."""

from __future__ import annotations

import re

from ingest.document import LoadedDocument
from ingest.metadata import DocumentMetadata
from ingest.resolutions import ResolutionReader
from ingest.statuses import entry_status
from ingest.structure import NUMBERED_PARAGRAPH, Block
from ingest.summaries import apply_claims, prose_claims, table_claims
from ingest.tracked import Recommendation
from ingest.vocabulary import NUMBERED_RECOMMENDATION, PROGRESS_COLUMN

__all__ = ["Recommendation", "RecommendationExtractor", "link_chunks", "normalise_status"]

# Column roles by what the header means; the first matching role wins, so "Target date" is a date, not text,
# and "Comment by Corporate Parenting Panel" is a comment on the position, not the position.
COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("number", re.compile(r"^(?:no\.?|nos?\.|number|ref\.?|reference|item|#|rec\.? no\.?|recommendation no\.?)$", re.I)),
    ("owner", re.compile(r"\b(?:who|owner|lead|responsib\w*|accountable|officer)\b", re.I)),
    ("target_date", re.compile(r"\b(?:target|when|deadline|due|timescales?|timeframe|date|completion|by when)\b", re.I)),
    ("comment", re.compile(r"^comments?\b|\bcomments? (?:by|from|of)\b", re.I)),
    ("progress", PROGRESS_COLUMN),
    ("text", re.compile(r"\b(?:recommendations?|actions?|objectives?|proposals?|commitments?|tasks?|measures?)\b", re.I)),
)

# A "Recommendations" heading: what this paper asks its meeting to decide.
DECISION_HEADING = re.compile(r"^[#\s]*(?:\d{1,2}\.?\s+)?(?:\*\*)?recommendations?(?:\*\*)?\s*:?\s*$", re.I)
LIST_ITEM = re.compile(r"^\s*(?:(\d{1,2}(?:\.\d{1,2})?)[.)]?|[-*\u2022\u25aa\u00a7])\s+(\S.*)$")


def normalise_status(progress: str | None, target_date: str | None = None, paper_date: str | None = None) -> str:
    """The status an entry reports; see ingest.statuses."""
    return entry_status(progress, target_date, paper_date)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def has_text_column(header: list[str]) -> bool:
    """A table whose rows carry recommendations in full (not a number | status summary)."""
    return "text" in column_roles(header).values()


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
    """Finds tracked recommendations in action-plan tables and "Recommendation N –" paragraphs, with statuses read
    from each whole entry and then made to agree with the paper's own summary of them; and what minutes resolved.

    When a paper tracks and resolves nothing, the items under its own "Recommendations" heading (what it asks
    the meeting to decide) are listed instead, with status unknown.
    """

    def __init__(self) -> None:
        self.resolutions = ResolutionReader()

    def extract(self, document: LoadedDocument, blocks: list[Block], paper: DocumentMetadata) -> list[Recommendation]:
        """The paper's records in document order, dated by its metadata (`paper`: its committee and date)."""
        found = self._table_rows(document, blocks) + self._numbered_paragraphs(document, blocks)
        for record in found:
            record.status = entry_status(record.progress, record.target_date, paper.date)
        apply_claims(found, table_claims(blocks, has_text_column) + prose_claims(document.text, blocks))
        found += self.resolutions.read(document, paper.committee, paper.date)
        if not found:
            found = self._decision_lists(document, blocks)
        found.sort(key=lambda rec: rec.start)
        for ordinal, rec in enumerate(found):
            rec.ordinal = ordinal
            rec.source = document.source
            rec.paper_date = paper.date
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
        # Progress columns stay one per line so that each column's first sentence counts for the status; a
        # comment on the position is kept with it but marked, so that it never decides the status.
        progress = fields.pop("progress", []) + [f"Comment: {comment}" for comment in fields.pop("comment", [])]
        if progress:
            fields["progress"] = progress
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
                joint = "\n" if role == "progress" else " "
                setattr(record, role, f"{current}{joint}{fields[role]}" if current else fields[role])
        record.end = max(record.end, block.end)

    @staticmethod
    def _from_row(document: LoadedDocument, block: Block, fields: dict[str, str]) -> Recommendation:
        number = block.row_label or (fields.get("number") or "").rstrip(".") or None
        return Recommendation(
            number=number, text=fields["text"], target_date=fields.get("target_date"), progress=fields.get("progress"),
            owner=fields.get("owner"), status="unknown",
            section=block.section, heading=block.heading, page=document.page_at(block.start),
            start=block.start, end=block.end)

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
                status="unknown", section=block.section, heading=block.heading,
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
