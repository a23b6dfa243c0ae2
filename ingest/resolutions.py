"""Reads what a meeting resolved ("RESOLVED that ...") from minutes, and the decision set out in a record of decision."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import LoadedDocument
from ingest.tracked import Recommendation
from ingest.vocabulary import PAGE_STAMP

# "90. 24/00109 - Transfer the 18-25 section ...": a minute's heading, known by its "(Item 7)" line or a high number.
MINUTE_HEADING = re.compile(r"^[ \t]*(\d{1,4})\.[ \t]+(\S.{0,200}?)[ \t]*$")
AGENDA_ITEM = re.compile(r"^[ \t]*\(Item[ \t]+\w+\)", re.I)
MINUTE_NUMBERS_FROM = 20  # paragraph numbers inside a minute restart at 1; minute numbers run on through the year
DECISION_NUMBER = re.compile(r"\b(\d{2}/\d{5})\b")
RESOLVED = re.compile(r"\bRESOLVED\b[:,]?[ \t]*(?:that[ \t]+)?|^[ \t]*(?:Resolved|Agreed|AGREED)[:,]?[ \t]+(?:that[ \t]+|(?=to\b))",
                      re.M)
# A record of decision: "DECISION NO: 24/00109", "DECISION TO BE TAKEN BY: Cabinet", then "Decision:" and its parts.
RECORD_NUMBER = re.compile(r"DECISION\s+(?:NO|NUMBER)\s*[.:]\s*(\d{2}/\d{5})", re.I)
RECORD_BODY = re.compile(r"DECISION\s+TO\s+BE\s+TAKEN\s+BY\s*:\s*([^\n]*\S)?\s*\n?\s*([^\n]*\S)?", re.I)
DECISION_LABEL = re.compile(r"^[ \t]*Decision[ \t]*:[ \t]*", re.I | re.M)
DECISION_END = re.compile(r"^[ \t]*(?:Reasons?(?:\(s\))?[ \t]+for[ \t]+(?:the[ \t]+)?decision|Background\b)", re.I | re.M)
ITEM = re.compile(r"^[ \t]*\(?([A-Za-z]|\d{1,2}|[ivx]{1,4})[.)][ \t]+(\S.*)$")
SUBHEADING_WORDS = 8


@dataclass
class _Span:
    text: str
    start: int
    end: int


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _lines(text: str, start: int, end: int) -> list[_Span]:
    spans, offset = [], start
    for line in text[start:end].split("\n"):
        spans.append(_Span(line, offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def next_label(previous: str, label: str) -> bool:
    """b after a, 2 after 1, ii after i: the list goes on (case aside: minutes mix "A)" and "b)")."""
    previous, label = previous.lower(), label.lower()
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
    if previous in romans and label in romans and romans.index(label) == romans.index(previous) + 1:
        return True
    return len(previous) == 1 and len(label) == 1 and previous.isalpha() and ord(label) == ord(previous) + 1


def list_items(text: str, start: int, end: int) -> list[tuple[str, _Span]]:
    """The lettered or numbered items from start: blank lines and page numbers may separate them; the list ends
    at the first line after a blank that is not the next item, or at an item out of sequence."""
    items: list[tuple[str, _Span]] = []
    blank = False
    for line in _lines(text, start, end):
        if not line.text.strip() or PAGE_STAMP.match(line.text):
            blank = True
            continue
        match = ITEM.match(line.text)
        if match and (not items or next_label(items[-1][0], match.group(1))):
            items.append((match.group(1).lower(), _Span(match.group(2), line.start + match.start(2), line.end)))
        elif items and not blank and not match:
            last = items[-1][1]
            items[-1] = (items[-1][0], _Span(f"{last.text} {line.text}", last.start, line.end))
        elif blank and _subheading(line.text):
            continue  # "2025-26 Council Tax" between the parts of a budget resolution
        elif items or blank:
            break
        blank = False
    return [(label, _Span(_squash(span.text).rstrip(";").removesuffix(" and").rstrip(";, "), span.start, span.end))
            for label, span in items]


def _subheading(line: str) -> bool:
    """A short title line inside a list: a few words, no closing punctuation."""
    words = line.split()
    return 0 < len(words) <= SUBHEADING_WORDS and not line.rstrip().endswith((".", ":", ";", ","))


def _paragraph_end(text: str, start: int) -> int:
    """The end of the paragraph from start: the first blank line (or page furniture) after it."""
    match = re.compile(r"\n[ \t]*\n|\n[ \t]*\d{1,3}[ \t]*\n").search(text, start)
    return match.start() if match else len(text)


class ResolutionReader:
    """Resolutions in minutes and decisions in a record of decision, as tracker records."""

    def read(self, document: LoadedDocument, body: str | None, meeting_date: str | None) -> list[Recommendation]:
        record_number = RECORD_NUMBER.search(document.text)
        if record_number:
            return self._record_of_decision(document, record_number.group(1), body)
        return self._minutes(document, body, meeting_date)

    # --- minutes: "86. Minutes of ..." then "RESOLVED that ..." -------------------------------------
    def _minutes(self, document: LoadedDocument, body: str | None, meeting_date: str | None) -> list[Recommendation]:
        text = document.text
        headings = self._minute_headings(text)
        records: list[Recommendation] = []
        for match in RESOLVED.finditer(text):
            heading = next((h for h in reversed(headings) if h[0] < match.start()), None)
            minute, title = (heading[1], heading[2]) if heading else (None, None)
            decision = DECISION_NUMBER.search(title or "")
            fields = dict(body=body, meeting_date=meeting_date, decision_number=decision.group(1) if decision else None,
                          heading=title)
            start, end = match.end(), _paragraph_end(text, match.end())
            resolved = _squash(text[start:end])
            if not resolved.removeprefix("that").strip(" :"):  # "RESOLVED that:" with the resolution below
                start = len(text) - len(text[end:].lstrip())
                end = _paragraph_end(text, start)
                resolved = _squash(text[start:end])
            items = list_items(text, end, len(text)) if resolved.endswith(":") else []
            if items:
                for label, span in items:
                    number = f"{minute}({label})" if minute else f"({label})"
                    records.append(self._record(document, number, span.text, span.start, span.end, **fields))
            elif resolved:
                records.append(self._record(document, minute, resolved, start, end, **fields))
        return records

    @staticmethod
    def _minute_headings(text: str) -> list[tuple[int, str, str]]:
        """(offset, minute number, title) of each minute heading."""
        lines = _lines(text, 0, len(text))
        headings = []
        for index, line in enumerate(lines):
            match = MINUTE_HEADING.match(line.text)
            if not match:
                continue
            following = [line.text for line in lines[index + 1:index + 4] if line.text.strip()]
            # "(Item 7)" under the heading, or under its wrapped second line
            marked = bool(following) and (AGENDA_ITEM.match(following[0]) is not None or (
                len(following) > 1 and AGENDA_ITEM.match(following[1]) is not None
                and not MINUTE_HEADING.match(following[0])))
            if RESOLVED.search(line.text):
                continue
            if marked or (int(match.group(1)) >= MINUTE_NUMBERS_FROM and not match.group(2).rstrip().endswith(".")):
                title = match.group(2)
                if marked and not AGENDA_ITEM.match(following[0]):
                    title = f"{title} {following[0].strip()}"  # a title wrapped onto a second line
                headings.append((line.start, match.group(1), _squash(title)))
        return headings

    # --- a record of decision: "Decision: Cabinet agree to: a) ... b) ..." ----------------------------
    def _record_of_decision(self, document: LoadedDocument, decision: str, body: str | None) -> list[Recommendation]:
        text = document.text
        label = DECISION_LABEL.search(text)
        if not label:
            return []
        stop = DECISION_END.search(text, label.end())
        end = stop.start() if stop else _paragraph_end(text, label.end())
        taker = RECORD_BODY.search(text)
        body = _squash(next((g for g in (taker.groups() if taker else ()) if g and "DECISION" not in g.upper()), "")) or body
        fields = dict(body=body, meeting_date=None, decision_number=decision, heading=None, kind="decision",
                      status="unknown")
        start = self._first_item_line(text, label.end(), end)
        items = list_items(text, start, end) if start is not None else []
        if items:
            return [self._record(document, f"{decision}({label_})", span.text, span.start, span.end, **fields)
                    for label_, span in items]
        decided = _squash(text[label.end():end])
        return [self._record(document, decision, decided, label.end(), end, **fields)] if decided else []

    @staticmethod
    def _first_item_line(text: str, start: int, end: int) -> int | None:
        """Where the decision's own list begins: its first lettered or numbered line."""
        for line in _lines(text, start, end):
            if ITEM.match(line.text):
                return line.start
        return None

    @staticmethod
    def _record(document: LoadedDocument, number: str | None, text: str, start: int, end: int, *,
                body: str | None, meeting_date: str | None, decision_number: str | None, heading: str | None,
                kind: str = "resolution", status: str = "accepted") -> Recommendation:
        return Recommendation(
            number=number, text=text, target_date=None, progress=None, owner=None, status=status,
            section=number, heading=heading, page=document.page_at(start), start=start, end=end, kind=kind,
            body=body, meeting_date=meeting_date, decision_number=decision_number)
