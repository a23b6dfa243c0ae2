"""Reads a council paper's title, council, committee, date and author from its text, never from its file name."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from dateutil import parser as date_parser

from ingest.structure import ASKED, ITEM_LABEL, REPLY_LABEL
from ingest.vocabulary import COUNCIL_KIND_WORDS, COUNCIL_KINDS, FIGURE, JOINING_WORDS

AUTHORITIES_CSV = Path(__file__).resolve().parent / "data" / "uk_local_authorities.csv"
# The title block, "Report to:"/"Date:" panel or minutes heading sits on a paper's first page.
HEAD_CHARS = 3000
# Non-empty lines at the top that can still belong to the heading block.
HEADER_LINES = 20

# Short names that are also ordinary words or first names ("Reading the report", "Angus said"): these
# authorities are only recognised by their full name or an alias, never by a bare short name.
AMBIGUOUS_SHORT_NAMES = frozenset(
    {"Reading", "Down", "Eden", "Hart", "Bury", "Harrow", "Highland", "Rugby", "Craven", "Angus", "Boston",
     "Sutton", "Brent", "Newport"}
)
# "Kent CC", "Rushmoor BC": a council's kind by its initials, the longest kinds first
KIND_INITIALS = (("Metropolitan Borough", "MBC"), ("County Borough", "CBC"), ("County", "CC"), ("City", "CC"),
                 ("Borough", "BC"), ("District", "DC"))
COMPASS_INITIALS = ((" North East ", " NE "), (" North West ", " NW "), (" South East ", " SE "), (" South West ", " SW "))
MIN_INITIALS = 3
KIND_ALTERNATIVES = "|".join(COUNCIL_KIND_WORDS)  # "City|County|Borough|District", for the patterns below
# Weights for choosing the council: naming the authority ("Kent County Council", "KCC") counts more than
# naming the place ("Kent"); mentions on the first page count double; a paper calling itself "the County
# Council" favours county councils over the neighbours it mentions.
EXPLICIT_WEIGHT, SHORT_WEIGHT, HEAD_FACTOR, SELF_TYPE_FACTOR = 3, 1, 2, 3

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
DATE_RE = re.compile(
    rf"(?P<dmy>\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{MONTH},?\s+(?:19|20)\d\d\b)"
    rf"|(?P<mdy>\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b)"
    r"|(?P<iso>\b(?:19|20)\d\d-[01]\d-[0-3]\d\b)"
    r"|(?P<num>(?<![\d.])\d{1,2}(?P<sep>[./-])\d{1,2}(?P=sep)(?:19|20)?\d\d(?!\.?\d))"
    rf"|(?P<my>\b{MONTH},?\s+(?:19|20)\d\d\b)",
    re.IGNORECASE,
)
YEAR_LINE = re.compile(r"^(?:19|20)\d\d$")
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b,?", re.IGNORECASE)
# a sentence that speaks of a report ("The report presents the October 2007 position ..."), up to its full stop
REPORT_SENTENCE = re.compile(r"[^.]*\breport\b[^.]*", re.IGNORECASE)
QUARTER_RE = re.compile(r"\bQ(?:uarter)?\s*([1-4])\s*,?\s*(?:of\s+)?((?:19|20)\d\d)\s*[/-]\s*(\d{2}|\d{4})\b")

CAP_WORD = r"[A-Z][\w'&-]*"
LINKER = r"(?:and|of|for|the|&|on|in|with|to)"
BODY_WORD = r"(?:Sub-Committee|Committee|Board|Panel|Commission|Cabinet|Council|Forum|Executive|Assembly|Partnership)"
NAME_RE = re.compile(rf"^{CAP_WORD}(?:\s+(?:{CAP_WORD}|{LINKER}|\([A-Za-z&' ]+\)))*$")
CABINET_MEMBER_RE = re.compile(rf"\bCabinet Member for {CAP_WORD}(?:\s+(?:{CAP_WORD}|{LINKER}))*")
# "The Commission is asked to note": the body a paper is addressed to, named in full elsewhere on the page.
ADDRESSED_RE = re.compile(
    r"\b[Tt]he\s+(?P<body>Cabinet Member|Cabinet|(?:Scrutiny\s+)?(?:Sub-Committee|Committee|Board|Panel|Commission)"
    r"|Executive|Council)\s+(?:is|are|will be)\s+(?:asked|recommended|requested|invited)\b"
)
MINUTES_OF_BODY = re.compile(
    r"\bminutes\s+of\s+(?:a|an|the)\s+(?:[\w-]+\s+)?meeting\s+of\s+(?:the\s+)?(?P<body>.+?)\s+(?:held|on|at)\b",
    re.IGNORECASE | re.DOTALL,
)
AGENDA_LINE = re.compile(r"^(?:summons to and\s+)?agenda\b", re.IGNORECASE)
# minutes open a line with it; "3. Minutes of the meeting held on 30 January 2025" is an agenda's item
MINUTES_SENTENCE = re.compile(r"^[ \t]*minutes\s+of\s+(?:a|an|the)\b(?:[^.]|\.(?=\S))*", re.IGNORECASE | re.MULTILINE)
SELF_TYPE_RE = re.compile(r"\b(?:[Tt]he|THE|To:?)\s+(" + KIND_ALTERNATIVES + r")\s+Council\b")
GENERIC_COUNCIL_RES = (
    re.compile(r"\bCity of [A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,3}"),
    re.compile(r"\b(?:[A-Z][a-z]+[ \t]+){1,3}(?:" + KIND_ALTERNATIVES + r"|Town|Parish)[ \t]+Council\b"),
    re.compile(r"\b(?:Royal|London) Borough of [A-Z][a-z]+(?:[ \t]+(?:and|upon|[A-Z][a-z]+)){0,3}"),
    re.compile(r"\bCouncil of (?:the )?[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,3}"),
)
# Words before "County Council" that name a meeting of it, not a council: "the March County Council", "the 2025-26
# Budget County Council".
MEETING_WORDS = frozenset({"January", "February", "March", "April", "May", "June", "July", "August", "September",
                           "October", "November", "December", "Budget", "Annual", "Extraordinary", "Special"})
GENERIC_STOP_WORDS = frozenset({"The", "This", "That", "A", "An", "Each", "Every", "Our", "Their", "Full", "Local", "All"})

LABEL_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z .'/&()-]{0,40}?)\s*:\s*(?P<value>.*)$")
# "Report to Children and Families Scrutiny Board" / "Report by Director of ...": labels without a colon.
REPORT_LABEL_RE = re.compile(r"^(?P<label>Report (?:to|of|by|from))(?:\s+the)?\s+(?P<value>[A-Z].*)$", re.IGNORECASE)
LABEL_KINDS = {
    "committee": ("report to", "to", "meeting", "committee", "meeting of", "decision maker", "decision taker",
                  "name of committee", "name of meeting", "meeting name", "board", "panel", "forum"),
    "date": ("date", "date of meeting", "meeting date", "date of decision", "decision date", "date of report",
             "report date"),
    "author": ("by", "from", "report of", "report by", "report from", "report author", "author", "authors",
               "lead officer", "produced by", "responsible officer", "report of the"),
    "title": ("title of report", "report title", "subject", "title", "subject of report", "report subject",
              "title of paper", "paper title", "item title",
              # forms name their subject in a field of their own: a record of decision, an equality impact
              # assessment, a budget amendment
              "title of decision", "subject matter / title of decision", "decision title", "eqia title",
              "title of activity", "amendment name", "name of amendment", "policy title", "name of policy",
              "project name", "name of project"),
    "subject line": ("re",),  # a letter's "Re: ..." line under its greeting, which runs straight into the letter
}
ONE_LINE_KINDS = frozenset({"subject line"})
# Between a person's name and their post on a cover's "From:" line: "Roger Gough, Leader", "Derek Murphy – Cabinet ..."
NAME_POST_SEPARATOR = re.compile(r",\s|\s[–-]\s")
PERSON_AND_POST = re.compile(rf"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){{1,3}}(?:{NAME_POST_SEPARATOR.pattern})[A-Z]")
# A line this long running on into the next is a sentence wrapped at the page's width, not a heading
PROSE_LINE = 70
# A form's field labels stand alone on their line with the value on the next ("EQIA Title" / "Commissioning
# Plan ..."); only title labels are read so, as a lone "Date" or "Subject" line is as often a table's heading.
COLONLESS_KINDS = frozenset({"title"})
LABEL_KIND = {label: kind for kind, labels in LABEL_KINDS.items() for label in labels}
OTHER_LABELS = frozenset({
    "status", "purpose", "purpose of report", "summary", "recommendation", "recommendations", "ref", "ref no",
    "reference", "key decision", "electoral division", "electoral divisions", "ward", "wards", "wards affected",
    "classification", "contact", "contact officer", "contact officers", "officer contact", "previous pathway",
    "future pathway", "e-mail", "email", "phone", "tel", "telephone", "part", "agenda item", "item", "exempt",
    "cabinet member", "portfolio", "portfolio holder", "relevant portfolio", "appendices", "background papers",
    "decision no", "decision number", "decision type", "forward plan ref", "report status", "amendment number",
    "your reference", "our reference", "your ref", "our ref",
    "for more information contact", "list of appendices", "venue", "time", "location", "present",
})
SECTION_WORDS = frozenset({
    "recommendation", "recommendations", "summary", "executive summary", "purpose", "purpose of report",
    "background", "introduction", "contents", "supporting information", "agenda", "unrestricted items",
    "exempt items", "for decision", "for information", "public", "open", "restricted", "implications",
})
SKIPPED_LINE_RE = re.compile(
    r"^(?:page\s+)?\d+(?:\s+of\s+\d+)?$|^(?:appendix|annex|annexe|item|agenda item|question|part|schedule)\s+[\w.]+$",
    re.IGNORECASE,
)
# A title does not end on a joining word; nor is a letter's greeting or closing one, nor a row of this many measured
# figures (with a decimal point, thousands comma or unit: "TOTAL £m 334.7 290.0"; not "Appendix 1 – 13 March").
UNFINISHED_TITLE = re.compile(r"\b(?:" + "|".join(JOINING_WORDS) + r")$|[,(&–-]$", re.IGNORECASE)
LETTER_LINE = re.compile(r"^(?:Dear\s|Yours\s+(?:sincerely|faithfully))", re.IGNORECASE)
# Government protective markings head and foot every page of a letter or briefing: "OFFICIAL", "OFFICIAL-SENSITIVE"
PROTECTIVE_MARKING = re.compile(r"^(?:(?:NOT\s+)?PROTECTIVELY\s+MARKED|OFFICIAL(?:[\s-]+SENSITIVE)?|UNCLASSIFIED|RESTRICTED"
                                r"|SECRET|PROTECT)(?:\s*[-:–]\s*\w+)?$", re.IGNORECASE)
MEASURE_MARK = re.compile(r"[.,%£$€]")
MIN_FIGURES_IN_ROW = 2
NUMBERED_RE = re.compile(r"^(?:[-*\u2022\u00a7]\s*)?\d")
SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "on", "to", "&", "with", "at", "by", "a", "an"})
LETTERED_PARTS = frozenset({"appendix", "annex", "annexe", "schedule", "part", "section", "table"})
TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['&.-][A-Za-z0-9]+)*|[,&]")


@dataclass(frozen=True)
class DocumentMetadata:
    """What a paper says about itself; None where the text does not say."""

    title: str | None
    council: str | None  # canonical full name, e.g. "Derby City Council"
    council_inferred: bool  # True when the paper never names its council and it was inferred from mentions
    committee: str | None  # committee, board, panel, commission or cabinet member the paper is for
    date: str | None  # ISO: "2012-04-26", "2009-05" (month only) or "2007" (year only)
    author: str | None  # e.g. "Director of Children's Services"

    def as_metadata(self) -> dict[str, str | bool]:
        """The known values, for storing on chunks; council_inferred only travels with a council."""
        data = {key: value for key, value in asdict(self).items() if value is not None}
        if self.council is None:
            data.pop("council_inferred")
        return data


@dataclass(frozen=True)
class Authority:
    """One row of uk_local_authorities.csv."""

    name: str
    short_name: str
    type: str
    nation: str
    aliases: tuple[str, ...]


def extract_metadata(text: str) -> DocumentMetadata:
    """Reads the heading block of a committee paper (or minutes) and counts authority mentions in its body."""
    text = _normalise(text)
    head = text[:HEAD_CHARS]
    raw_lines = head.split("\n")
    lines = [_clean_line(line) for line in raw_lines]
    fields = _labelled_fields(raw_lines, lines)
    header = [line for line in lines if line][:HEADER_LINES]
    committee = _committee(head, header, fields)
    title = _title(header, _without_table_rows(raw_lines, lines), fields, committee)
    council, inferred = _council(text, title, committee)
    return DocumentMetadata(
        title=title,
        council=council,
        council_inferred=inferred,
        committee=committee,
        date=_date(head, header, fields),
        author=_author(fields),
    )


# ---------------------------------------------------------------- text and labelled fields


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate({0x2019: "'", 0x2018: "'", 0x00A0: " ", 0x2014: "–"})


def _clean_line(line: str) -> str:
    """Drops the markdown and HTML some converters leave around headings."""
    line = re.sub(r"<[^>]{1,200}>", " ", line)
    line = re.sub(r"^#+\s*", "", line.strip()).replace("**", "")
    return re.sub(r"[ \t]+", " ", line).strip()


def _label(line: str) -> tuple[str, str] | None:
    """(label, value) when the line is a known "Label: value" line, else None."""
    match = REPORT_LABEL_RE.match(line) or LABEL_RE.match(line)
    if not match:
        return None
    label = re.sub(r"[.\s]+", " ", match["label"]).strip().lower()
    if label in LABEL_KIND or label in OTHER_LABELS:
        return label, match["value"].strip()
    return None


def _bare_label(line: str) -> str:
    return re.sub(r"[.\s]+", " ", line).strip(" :").lower()


def _colonless_label(line: str) -> str | None:
    """A form's field label of two words or more standing alone on its line ("Subject Matter / Title of
    Decision"), when it is of a kind read so."""
    label = _bare_label(line)
    return label if LABEL_KIND.get(label) in COLONLESS_KINDS and " " in label else None


def _cell_label(cell: str) -> str | None:
    """A form row's first cell as a label: "Amendment Name:" or "EQIA Title", with its value in the next cell."""
    found = _label(cell)
    return found[0] if found and not found[1] else _colonless_label(cell)


def _next_label_at(value: str) -> int:
    """Where a second label starts in a label's value ("County Council Date: 13 March 2025"), else its length; a
    word that is a label elsewhere does not cut a title ("Terms of Reference: Update")."""
    for match in re.finditer(r"\s(?=[A-Z])", value):
        found = _label(value[match.end():])
        if found and (found[0] in LABEL_KIND or " " in found[0]):
            return match.start()
    return len(value)


def _line_fields(raw: str, line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs a line holds, in order: a form's row of cells holds one, a line may hold several."""
    cells = [_clean_line(cell) for cell in raw.split("\t") if cell.strip()]
    if len(cells) >= 2 and (label := _cell_label(cells[0])):
        return [(label, cells[1])]
    if label := _colonless_label(line):
        return [(label, "")]
    pairs = []
    while found := _label(line):
        cut = _next_label_at(found[1])
        pairs.append((found[0], found[1][:cut].strip()))
        line = found[1][cut:].strip()
    return pairs


def _labelled_fields(raw_lines: list[str], lines: list[str]) -> dict[str, str]:
    """The first value of each kind of label, with its wrapped continuation lines."""
    fields: dict[str, str] = {}
    for index, (raw, line) in enumerate(zip(raw_lines, lines, strict=True)):
        pairs = _line_fields(raw, line)
        for number, (label, value) in enumerate(pairs):
            kind = LABEL_KIND.get(label)
            if kind is None or kind in fields:
                continue
            # "Subject:" on a line of its own may have blank lines between it and its value; a value in a form's
            # cell or before another label on its line is whole
            start = index + 1 if value else next((i for i in range(index + 1, len(lines)) if lines[i]), len(lines))
            wraps = number == len(pairs) - 1 and "\t" not in raw.strip() and kind not in ONE_LINE_KINDS
            wrapped = list(_continuation(lines, start)) if wraps or not value else []
            parts = ([value] if value else []) + wrapped
            if kind == "author" and wraps:
                parts += _more_people(lines, start + len(wrapped))
            joined = _join_author(parts) if kind == "author" else " ".join(parts)
            if joined.strip():
                fields[kind] = joined.strip()
    return fields


def _continuation(lines: list[str], start: int) -> Iterator[str]:
    """Lines that continue a label's value: up to three, stopping at a blank line or the next label."""
    for line in lines[start : start + 3]:
        # a form lays out its fields as label lines and value lines: "Responsible Officer" ends the title above it
        if not line or _label(line) or _bare_label(line) in LABEL_KIND or _bare_label(line) in OTHER_LABELS:
            return
        yield line


def _more_people(lines: list[str], start: int) -> list[str]:
    """Further people a cover's "From:" names after a blank line, each a name and a post ("Sarah Hammond, Corporate
    Director of ..."), with the lines their posts wrap onto."""
    found: list[str] = []
    while (after := next((i for i in range(start, min(start + 3, len(lines))) if lines[i]), None)) is not None:
        if not PERSON_AND_POST.match(lines[after]) or _label(lines[after]):
            break
        person = list(_continuation(lines, after))
        found += person
        start = after + len(person)
    return found


def _join_author(parts: list[str]) -> str:
    """Joins wrapped lines with a space but separate people ("From: A, Leader / B, Cabinet Member") with "; ". A line
    with no name-and-post separator of its own after one that has it goes on that post ("Cabinet Member for
    Integrated / Children's Services")."""
    joined = ""
    for part in parts:
        wraps = (re.search(r"(?:\b(?:and|of|for|the|to)|[&,(–-])$", joined) or part[:1].islower() or part[:1] == "("
                 or (NAME_POST_SEPARATOR.search(joined.rsplit(";", 1)[-1]) and not NAME_POST_SEPARATOR.search(part)))
        joined = f"{joined} {part}" if wraps or not joined else f"{joined}; {part}"
    return joined.strip()


# ---------------------------------------------------------------- committee


def _committee(head: str, header: list[str], fields: dict[str, str]) -> str | None:
    """Labelled "Report to:" first, then a minutes heading, a heading line, then who the paper asks to act."""
    if "committee" in fields and (body := _clean_body(fields["committee"])):
        return body
    if match := MINUTES_OF_BODY.search(head[:1200]):
        body = _clean_body(match["body"])
        if body and NAME_RE.match(body):  # a name, not a run of text up to a distant "held"
            return body
    for line in header:
        if not _label(line) and (body := _heading_body(line)):
            return body
    return _addressed_body(head)


def _clean_body(value: str) -> str | None:
    value = WEEKDAY.sub(" ", DATE_RE.sub(" ", value))
    value = re.sub(r"\s+", " ", value).strip(" ,;:-–|")
    # a summons "To: All Members of the County Council" calls a meeting of the County Council
    value = re.sub(r"^(?:all\s+)?members\s+of\s+", "", value, flags=re.IGNORECASE)
    value = re.sub(r"^(?:the|a)\s+|\s+meeting$", "", value, flags=re.IGNORECASE).strip(" ,;:-–|")
    if not value or not re.search(r"[A-Za-z]{3}", value):
        return None
    return _smart_title(value) if value.isupper() else value


def _heading_body(line: str) -> str | None:
    """A heading line naming a committee ("CORPORATE PARENTING PANEL – 29 October 2024") without its date."""
    if match := DATE_RE.search(line):
        line = line[: match.start()]
    line = _smart_title(WEEKDAY.sub(" ", line).strip(" ,;:-–|")) if line.isupper() else line.strip(" ,;:-–|")
    if len(line) > 90 or not NAME_RE.match(line) or _is_council_name(line):
        return None
    if line.startswith("Cabinet Member for") or re.search(rf"\b{BODY_WORD}$", line):
        return line
    return None


def _addressed_body(head: str) -> str | None:
    """"The Commission is asked to note" resolved to the fullest name of that body on the first page."""
    match = ADDRESSED_RE.search(head)
    if not match:
        return None
    body = match["body"]
    if body == "Cabinet Member":
        found = CABINET_MEMBER_RE.search(head)
        return found.group(0) if found else None
    word = body.split()[-1]
    # [ \t] not \s: a name never runs over a line break (a "BACKGROUND" heading above it is not part of it).
    pattern = rf"(?:{CAP_WORD}[ \t]+(?:{LINKER}[ \t]+)*)+{word}\b"
    names = [_strip_leading(m.group(0)) for m in re.finditer(pattern, head)]
    names = [name for name in names if len(name.split()) > 1 and not _is_council_name(name)]
    if names:
        return Counter(names).most_common(1)[0][0]
    return body if body in ("Cabinet", "Executive") else None


def _strip_leading(name: str, also: frozenset[str] = frozenset()) -> str:
    """The name without the leading words that do not belong to it ("The", "Our"; and `also`'s words)."""
    words = name.split()
    while words and (words[0] in GENERIC_STOP_WORDS or words[0] in also or words[0].lower() in SMALL_WORDS):
        words.pop(0)
    return " ".join(words)


def _smart_title(text: str) -> str:
    """Title case for all-capitals headings, keeping "and", "of" etc. in lower case, but not an appendix's letter
    ("APPENDIX A - CAPITAL ..." is "Appendix A - Capital ...")."""
    words = text.lower().split()
    return " ".join(w if i and w in SMALL_WORDS and words[i - 1] not in LETTERED_PARTS else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


# ---------------------------------------------------------------- title


def _without_table_rows(raw_lines: list[str], lines: list[str]) -> list[str]:
    """The cleaned lines without tables: a row of two or more filled cells (tabs between) is left blank, as is a
    row of one cell inside a table (a section's name, "SPENDING"); a one-cell row above a table (its caption,
    often the paper's title) stands alone. A table's first row is its column names, never the paper's title."""
    kept: list[str] = []
    in_table = False
    for raw, line in zip(raw_lines, lines, strict=True):
        if "\t" not in raw:
            kept.append(line)
            in_table = in_table and not line
            continue
        row = sum(bool(cell.strip()) for cell in raw.split("\t")) >= 2
        kept += [""] if row or in_table else ["", line, ""]
        in_table = row or in_table
    return kept


def _heading_lines(block: list[str]) -> list[str]:
    """The lines opening a block before the text under them starts: a numbered line, a section heading, a
    sentence, an aside ("Appendix G / Reserves Policy / 1. Background and Context / 1.1 ..."). A full line that
    runs on into a line starting in lower case is part of a sentence, not a heading ("Draft Revenue Budget
    2025-26, / and Draft Capital Programme" is a heading's two lines)."""
    for index, line in enumerate(block[1:], 1):
        if line[0].islower() and len(block[index - 1]) > PROSE_LINE:
            return block[: index - 1]
        if (NUMBERED_RE.match(line) or line.lower().strip(" :") in SECTION_WORDS or line.endswith(".")
                or len(line) > 120 or line[0] == "("):
            return block[:index]
    return block


def _title(header: list[str], lines: list[str], fields: dict[str, str], committee: str | None) -> str | None:
    """The "Title of report:"/"Subject:" value; for minutes, whose committee; else the first heading block."""
    for kind in ("title", "subject line"):
        if kind in fields:
            return re.sub(r"\s+", " ", fields[kind]).strip(" .;:")
    if committee and any(re.search(r"\bminutes\b", line, re.IGNORECASE) for line in header[:8]):
        return f"Minutes of the {committee}"
    if any(AGENDA_LINE.match(line) for line in header[:3]):  # an agenda's cover: "AGENDA / CABINET", "Summons to and Agenda"
        return f"{committee} agenda" if committee else "Agenda"
    if any(ASKED.match(line) for line in header):  # a pack of members' questions: its first question is not its title
        return f"Questions to the {committee}" if committee else "Questions and answers"
    after_greeting = 0
    for whole in _blocks(lines):
        # a letter's title is its subject line under "Dear ...", if it has one; its text follows
        after_greeting += bool(after_greeting) or any(LETTER_LINE.match(line) for line in whole)
        if after_greeting > 2:
            return None
        block = _heading_lines(whole)
        if not block or len(block) > 3 or any(len(line) > 120 for line in block):
            continue  # a prose paragraph, not a heading
        kept = [line for line in block if not _skips_as_title(line)]
        title = " ".join(kept).strip(" ,;:–-")
        # a title opens with a capital and ends on a word of its own: "neighbouring unitary authorities" ends an
        # address, "Has there been a" is a form's question cut short, "(Pages 1 - 4)" is an aside
        if title and not title[0].islower() and title[0] != "(" and not UNFINISHED_TITLE.search(title):
            return _smart_title(title) if title.isupper() else title
    return None


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Runs of consecutive non-empty lines."""
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
        elif block:
            yield block
            block = []


def _skips_as_title(line: str) -> bool:
    """Page furniture, labels, council and committee names, dates and section headings are not titles."""
    bare = WEEKDAY.sub(" ", DATE_RE.sub(" ", line))
    return bool(
        SKIPPED_LINE_RE.match(line)
        or PROTECTIVE_MARKING.match(line)
        or NUMBERED_RE.match(line)
        or line.endswith(".")
        or LETTER_LINE.match(line) is not None
        or sum(bool(FIGURE.match(word) and MEASURE_MARK.search(word)) for word in line.split()) >= MIN_FIGURES_IN_ROW
        or _label(line)
        or not re.search(r"[A-Za-z]{3}", bare)
        or line.lower().strip(" :") in SECTION_WORDS
        or _is_council_name(line)
        or _heading_body(line)
        or bool(ASKED.match(line) or ITEM_LABEL.match(line) or REPLY_LABEL.match(line))  # an item of a Q&A pack or minutes
    )


# ---------------------------------------------------------------- date


def _date(head: str, header: list[str], fields: dict[str, str]) -> str | None:
    """The meeting/report date: labelled, then the minutes heading, a heading line, a line that is a date, a quarter, a
    sentence about the report."""
    for value in (fields.get("date"), fields.get("committee"), _minutes_sentence(head)):
        if value and (found := _first_date(value)):
            return found
    previous = ""
    for line in header:
        label = _label(line)
        # a numbered line is a paragraph ("1.2 In July 2014 ..."), unless the line is a date ("10 January 2025")
        numbered = NUMBERED_RE.match(line) and not _is_date(line)
        # a line opening in lower case carries on a sentence ("government in January 2018 (Statutory ...")
        continues = line[:1].islower()
        if not numbered and not continues and len(line) <= 100 and (not label or LABEL_KIND.get(label[0]) == "date"):
            if found := _first_date(line):
                return _with_day_above(previous, line, found)
        previous = line
    return _date_line(head) or _quarter_end(head) or _report_prose_date(head)


def _with_day_above(previous: str, line: str, found: str) -> str:
    """A cover's large type breaks "Thursday, 9th" from "January, 2025": a month's date takes the day above it."""
    joined = _first_date(f"{previous} {line}") if len(found) == len("2025-01") else None
    return joined if joined and joined.startswith(found) else found


def _minutes_sentence(head: str) -> str | None:
    """The opening sentence of minutes ("MINUTES of a meeting of the Cabinet held ... on 30 January 2025.")."""
    match = MINUTES_SENTENCE.search(head[:1200])
    return match.group(0) if match else None


def _first_date(text: str) -> str | None:
    """The first date in a labelled value or heading line, where "10.12.24" is safe to read as a date."""
    if YEAR_LINE.match(text.strip()):
        return text.strip()
    for match in DATE_RE.finditer(text):
        if found := _parse_date(match):
            return found
    return None


def _parse_date(match: re.Match[str]) -> str | None:
    """ISO text at the precision the paper gave; dateutil reads the month names, ordinals and 2-digit years."""
    raw = re.sub(r"\bof\b", " ", match.group(0), flags=re.IGNORECASE)
    try:
        parsed = date_parser.parse(raw, dayfirst=True, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    return parsed.strftime("%Y-%m" if match["my"] else "%Y-%m-%d")


def _quarter_end(head: str) -> str | None:
    """"Quarter 3 2024/25" is a UK financial-year quarter (April-March): it ends in December 2024."""
    match = QUARTER_RE.search(head)
    if not match:
        return None
    quarter, year = int(match[1]), int(match[2])
    end_month = (6, 9, 12, 3)[quarter - 1]
    return f"{year + (quarter == 4)}-{end_month:02d}"


def _report_prose_date(head: str) -> str | None:
    """The latest date in a sentence about the report itself ("a progress report ... would be received by the
    Commission in November 2007"); other prose dates are of what the paper speaks about ("ends on 31 March 2030")."""
    dates = [found for sentence in REPORT_SENTENCE.findall(head) for match in DATE_RE.finditer(sentence)
             if not match["num"] and (found := _parse_date(match))]
    return max(dates, default=None)


def _date_line(head: str) -> str | None:
    """A line that is a date and nothing else, as a letter prints its date below the address ("5 February 2025")."""
    for line in head.split("\n"):
        if _is_date(line) and (found := _first_date(line)):
            return found
    return None


def _is_date(line: str) -> bool:
    """The line is a date and nothing else, its weekday aside ("Thursday, 13 March 2025")."""
    return DATE_RE.fullmatch(WEEKDAY.sub("", line).strip(" ,\t")) is not None


# ---------------------------------------------------------------- author


def _author(fields: dict[str, str]) -> str | None:
    value = fields.get("author")
    if not value:
        return None
    value = re.sub(r"^the\s+", "", re.sub(r"\s+", " ", value), flags=re.IGNORECASE).strip(" ,;:")
    return value or None


# ---------------------------------------------------------------- council


@cache
def load_authorities() -> tuple[Authority, ...]:
    """The UK councils in data/uk_local_authorities.csv, current ones before abolished ones of the same place."""
    with AUTHORITIES_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Authority(
                name=row["name"],
                short_name=row["short_name"],
                type=row["type"],
                nation=row["nation"],
                aliases=tuple(alias for alias in row["aliases"].split(";") if alias),
            )
            for row in csv.DictReader(handle)
        )


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN_RE.finditer(text))


def _without_possessive(word: str) -> str:
    """"Derby's" -> "Derby", so a possessive matches the name."""
    return word[:-2] if word.endswith("'s") else word


def _key(words: list[str]) -> str:
    """Token key for name lookup."""
    return " ".join(_without_possessive(word) for word in words)


def _variants(authority: Authority) -> list[str]:
    """Common written forms not worth listing per row: "Kent Council", "Derby City Council", "Kent CC",
    "Bath & NE Somerset" and so on."""
    forms: list[str] = []
    for place in _place_forms(authority.short_name):
        forms += [place, f"{place} Council", f"City of {place} Council", f"London Borough of {place}",
                  f"Royal Borough of {place}"] + [f"{place} {kind} Council" for kind in COUNCIL_KINDS]
        forms += [f"{place} {short}" for long, short in KIND_INITIALS if f" {long} Council" in f" {authority.name}"]
    return forms[1:]  # the bare short name is not explicit


def _place_forms(place: str) -> list[str]:
    """A place name as people shorten it: "&" for "and", compass points as initials ("NE", "N.E.")."""
    forms = [f" {place} "]
    for long, short in ((" and ", " & "), *COMPASS_INITIALS):
        forms += [form.replace(long, short) for form in forms if long in form]
    forms += [form.replace(short, " " + ".".join(short.strip()) + ". ") for form in forms
              for _, short in COMPASS_INITIALS if short in form]
    return list(dict.fromkeys(" ".join(form.split()) for form in forms))


def spellings(authority: Authority) -> tuple[str, ...]:
    """Every way the council is written: its name, short name, aliases ("B&NES"), usual variants ("Bath & NE
    Somerset", "Kent CC") and its initials when no other council shares them ("KCC")."""
    initials = _unique_initials(load_authorities()).get(authority)
    places = _place_forms(authority.short_name)
    kind = next((short for long, short in KIND_INITIALS if f" {long} Council" in f" {authority.name}"), None)
    forms = (authority.name, *places, *authority.aliases, *(f"{place} {kind}" for place in places if kind),
             *filter(None, [initials]))
    return tuple(dict.fromkeys(forms))


def _initials(name: str) -> str:
    """"KCC" for "Kent County Council": capitals of the words, less "and", "of", "upon" and the like."""
    return "".join(word[0] for word in name.split() if word[:1].isupper())


@cache
def _unique_initials(authorities: tuple[Authority, ...]) -> dict[Authority, str]:
    """Each council's initials where no other council shares them ("KCC"; not "DCC", which is Derby, Devon,
    Durham ...); three letters at least, as two are too often something else, and only for a council with a
    kind in its name, as the initials of "X Council" alone ("ELC") are too often other things."""
    counts = Counter(_initials(a.name) for a in authorities)
    return {a: _initials(a.name) for a in authorities if len(_initials(a.name)) >= MIN_INITIALS
            and counts[_initials(a.name)] == 1 and any(kind in a.name.split() for kind in COUNCIL_KIND_WORDS)}


@cache
def _name_index() -> tuple[dict[str, Authority], dict[str, Authority], int]:
    """(explicit names, short names, longest name in tokens); earlier and more official forms win clashes."""
    explicit: dict[str, Authority] = {}
    short: dict[str, Authority] = {}
    authorities = load_authorities()
    initials = _unique_initials(authorities)
    passes = (([a.name] for a in authorities), (list(a.aliases) for a in authorities), map(_variants, authorities),
              ([initials[a]] if a in initials else [] for a in authorities))
    for names_per_authority in passes:
        for authority, names in zip(authorities, names_per_authority):
            for name in names:
                _register(explicit, name, authority)
    for authority in authorities:
        if authority.short_name not in AMBIGUOUS_SHORT_NAMES:
            _register(short, authority.short_name, authority)
    longest = max(len(key.split()) for key in [*explicit, *short])
    return explicit, short, longest


def _register(index: dict[str, Authority], name: str, authority: Authority) -> None:
    key = _key([m.group(0) for m in TOKEN_RE.finditer(name)])
    index.setdefault(key, authority)
    index.setdefault(key.upper(), authority)


def _mentions(text: str) -> Iterator[tuple[Authority, bool, int]]:
    """(authority, named explicitly?, offset) for each mention, longest name first so "Kent County Council"
    is one explicit mention rather than a mention of "Kent"."""
    explicit, short, longest = _name_index()
    tokens = _tokens(text)
    words = [_without_possessive(token.group(0)) for token in tokens]  # once per word, not once per name tried
    index = 0
    while index < len(words):
        step = 1
        if words[index][:1].isupper():
            for size in range(min(longest, len(words) - index), 0, -1):
                key = " ".join(words[index : index + size])
                if authority := explicit.get(key) or short.get(key):
                    yield authority, key in explicit, tokens[index].start()
                    step = size
                    break
        index += step


def _council(text: str, title: str | None, committee: str | None) -> tuple[str | None, bool]:
    """The most-mentioned UK authority, else a generic "City of X"/"X County Council" name, else None."""
    scores: Counter[Authority] = Counter()
    named: set[Authority] = set()
    place_mentions: Counter[Authority] = Counter()
    for authority, is_explicit, offset in _mentions(text):
        weight = EXPLICIT_WEIGHT if is_explicit else SHORT_WEIGHT
        scores[authority] += weight * (HEAD_FACTOR if offset < HEAD_CHARS else 1)
        if is_explicit:
            named.add(authority)
        else:
            place_mentions[authority] += 1
    self_type = _self_type(text[:HEAD_CHARS], committee)
    own_kind = {authority for authority in scores if self_type and f"{self_type} Council" in authority.name}
    for authority in own_kind:
        scores[authority] *= SELF_TYPE_FACTOR
    # a place the paper only mentions is not its council when the paper calls itself another kind of council ("the
    # County Council", meeting "at County Hall, Maidstone", is not Maidstone Borough Council)
    candidates = [a for a, _ in scores.most_common()
                  if a in named or (place_mentions[a] >= 2 and (not self_type or a in own_kind))]
    if candidates:
        best = candidates[0]
        names_itself = best in named or bool(title and best.short_name in title)
        return best.name, not names_itself
    return _generic_council(text), False


def _self_type(head: str, committee: str | None) -> str | None:
    """"County" when the paper calls itself "the County Council" (or is for the County Council meeting)."""
    found = Counter(match[1] for match in SELF_TYPE_RE.finditer(head))
    if committee and (match := re.fullmatch(f"({KIND_ALTERNATIVES}) Council", committee)):
        found[match[1]] += 1
    return found.most_common(1)[0][0] if found else None


def _generic_council(text: str) -> str | None:
    """Councils outside the UK list, from how councils name themselves; the most frequent form wins."""
    names: list[str] = []
    for pattern in GENERIC_COUNCIL_RES:
        for match in pattern.finditer(text):
            words = _strip_leading(match.group(0), MEETING_WORDS).split()
            if len(words) >= 3:
                names.append(" ".join(words))
    if not names:
        return None
    counts = Counter(names)
    return max(names, key=lambda name: (counts[name], -names.index(name)))


def _is_council_name(line: str) -> bool:
    """True for a line that is just an authority's name ("KENT COUNTY COUNCIL", "Derby", "City of X")."""
    explicit, short, _ = _name_index()
    key = _key([m.group(0) for m in TOKEN_RE.finditer(line)])
    if key in explicit or key in short:
        return True
    return any(pattern.fullmatch(line.strip()) for pattern in GENERIC_COUNCIL_RES)
