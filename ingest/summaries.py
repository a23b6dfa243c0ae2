"""A paper's own summary of its statuses (counts, lists of numbers, a number | status table): read, applied, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Protocol

from ingest.sentences import sentence_spans
from ingest.statuses import (
    ACHIEVED,
    HEADLINE_RULES,
    IN_PROGRESS,
    NOT_ACCEPTED,
    PARTLY,
    PENDING,
    first_match,
)
from ingest.structure import Block
from ingest.vocabulary import OUTSTANDING

# What a summary can say about a group of recommendations; "outstanding" covers every status of work still to do.
GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("not accepted", NOT_ACCEPTED), ("outstanding", PENDING), ("outstanding", PARTLY), ("outstanding", IN_PROGRESS),
    ("achieved", ACHIEVED),
)
NUMBER_WORDS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}
COUNT = re.compile(r"(?<![\d(/.£-])\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b(?![\d)/.%]|\s*(?:per|%|pa\b))", re.I)
TOTAL = re.compile(r"\bof (?:the|all|our) (?:\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b", re.I)
# "(15)", "numbers 2, 3, 6 and 34"; never a sum ("£10,000") or a thousands separator.
_SEPARATOR = r"(?:\s*,\s+|,(?!\d{3}\b)|\s*,?\s*(?:and|&)\s+)"
NUMBER_LIST = re.compile(r"\(\s*(\d{1,3}(?:" + _SEPARATOR + r"\d{1,3})*)\s*\)|"
                         r"(?<![£$\d,.])\b(\d{1,3}(?:" + _SEPARATOR + r"\d{1,3}\b)+)(?![,.]?\d)")
# "Recommendation 3", "para 2.4", "Rec 6(I)": a reference to one item, neither a count nor a list.
REFERENCE = re.compile(r"\b(?:recommendation|rec\.?|action|para\.?|paragraph|item|no\.)\s+\d{1,3}[a-z]?\b"
                       r"(?:\s*\([ivx\d]+\))?", re.I)
ABOUT_RECOMMENDATIONS = re.compile(r"\b(?:recommendations?|actions?)\b", re.I)
ADDS_TO_PREVIOUS = re.compile(r"\b(?:a further|another|an additional|further)\s+$", re.I)


@dataclass(frozen=True)
class StatusClaim:
    """One thing the paper says about its statuses: how many are in a group, and/or which numbers."""

    group: str
    count: int | None
    numbers: tuple[str, ...]
    where: str
    quote: str


class Tracked(Protocol):
    number: str | None
    status: str
    progress: str | None


def group_of(status: str) -> str:
    return "outstanding" if status in OUTSTANDING else status


def _value(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _numbers(listed: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d{1,3}", listed))


def _sentence_claim(sentence: str, where: str, previous: list[StatusClaim]) -> StatusClaim | None:
    """'11 have been fully achieved', 'numbers 2, 3 and 34 ... further work', 'was not accepted (15)'."""
    listed = NUMBER_LIST.search(sentence)
    numbers = _numbers(listed.group(1) or listed.group(2)) if listed else ()
    counted = TOTAL.sub(" ", REFERENCE.sub(" ", NUMBER_LIST.sub(" ", sentence) if listed else sentence))
    count = COUNT.search(counted)
    tail = counted[count.end():] if count else sentence
    found = [(match.start(), group) for group, pattern in GROUPS if (match := pattern.search(tail))]
    if not found or not (count or numbers):
        return None
    group = min(found)[1]
    value = _value(count.group(1)) if count else None
    quote = sentence.strip()
    if value is not None and count and ADDS_TO_PREVIOUS.search(counted[:count.start()]):
        earlier = next((c for c in reversed(previous) if c.group == group and c.where == where and c.count), None)
        if earlier:  # "11 have been fully achieved. A further 9 have been achieved": one claim of 20
            previous.remove(earlier)
            value += earlier.count or 0
            quote = f"{earlier.quote} {quote}"
    return StatusClaim(group, value, numbers, where, quote)


def prose_claims(text: str, blocks: list[Block]) -> list[StatusClaim]:
    """Claims in the paper's paragraphs about its recommendations or actions."""
    claims: list[StatusClaim] = []
    for block in blocks:
        if block.kind == "table_row":
            continue
        body = text[block.start:block.end]
        if not ABOUT_RECOMMENDATIONS.search(body):
            continue
        where = f"para {block.section}" if block.section else f"offset {block.start}"
        for start, end in sentence_spans(body):
            claim = _sentence_claim(re.sub(r"\s+", " ", body[start:end]), where, claims)
            if claim:
                claims.append(claim)
    return claims


def table_claims(blocks: list[Block], has_text_column: Callable[[list[str]], bool]) -> list[StatusClaim]:
    """A table of short "number | status | note" rows (no text column) lists records given in full elsewhere."""
    by_group: dict[tuple[str, str], list[str]] = {}
    for block in blocks:
        if block.kind != "table_row" or has_text_column(block.table_header or []) or not block.row_label:
            continue
        notes = [cell for cell in block.cells[1:] if cell]
        if not notes or any(len(note.split()) > 12 for note in notes):
            continue
        status = first_match(notes[0], HEADLINE_RULES)
        if status:
            by_group.setdefault((group_of(status), "summary table"), []).append(block.row_label)
    return [StatusClaim(group, None, tuple(numbers), where, f"{len(numbers)} rows marked {group}")
            for (group, where), numbers in by_group.items()]


def apply_claims(records: list[Tracked], claims: list[StatusClaim]) -> None:
    """The paper's own lists win over a reading of each entry: a listed number takes the list's group."""
    by_number: dict[str, list[Tracked]] = {}
    for record in records:
        by_number.setdefault(record.number or "", []).append(record)
    for claim in claims:
        for number in claim.numbers:
            matches = by_number.get(number, [])
            if len(matches) != 1:
                continue
            record = matches[0]
            if claim.group == "outstanding" and record.status in ("partly achieved", "in progress"):
                continue  # already read as work under way
            record.status = "in progress" if claim.group == "outstanding" else claim.group
            record.progress = "\n".join(filter(None, [record.progress, f"Summary: {claim.group} ({claim.where})"]))


def check_claims(records: list[Tracked], claims: list[StatusClaim]) -> list[str]:
    """Where the paper disagrees with itself or with its records: a stated count against the numbers it lists and
    against the records in that group, and listed numbers with no record or another status."""
    problems: list[str] = []
    numbered = {record.number: record for record in records if record.number}
    in_group = {group: sum(group_of(r.status) == group for r in records) for group in ("achieved", "outstanding", "not accepted")}
    for group in in_group:
        stated = [c for c in claims if c.group == group and c.count is not None]
        listed = sorted({n for c in claims if c.group == group for n in c.numbers}, key=int)
        for claim in stated:
            if listed and claim.count != len(listed):
                problems.append(f"{group}: the paper says {claim.count} ({claim.where}: \"{claim.quote}\") but lists "
                                f"{len(listed)} numbers: {', '.join(listed)}")
            if claim.count != in_group[group]:
                problems.append(f"{group}: the paper says {claim.count} ({claim.where}) but {in_group[group]} records are {group}")
        for number in listed:
            record = numbered.get(number)
            if record is None:
                problems.append(f"{group}: number {number} is listed but no record has that number")
            elif group_of(record.status) != group:
                problems.append(f"{group}: number {number} is listed as {group} but its record is {record.status}")
    return problems
