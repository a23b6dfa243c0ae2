"""The shared vocabularies of council papers and of questions about them: recommendation numbers, tracker statuses,
status columns, recorded votes and the kinds of council, each defined once for the reader, the index and the assistant."""

from __future__ import annotations

import calendar
import re

# Numbers as questions spell them out: "recommendation seven", "twelve recommendations".
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}

# Recommendation numbers. Each pattern captures the number; they differ because each reads a different place.
# In a question, typed loosely: "rec 7", "R7", "recommendation no. 12", "action #3", "recommendation seven".
ASKED_NUMBER = re.compile(
    r"\b(?:rec(?:ommendation)?s?|action|item|R)\.?\s*(?:no\.?|number)?\s*#?(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b",
    re.IGNORECASE)
# In a passage: "Recommendation 7", "Rec. 7", "Action no. 7".
LABELLED_NUMBER = re.compile(r"\b(?:recommendation|rec\.?|action|item)\s*(?:no\.?\s*)?(\d+)\b", re.IGNORECASE)
# Opening a paragraph, with the recommendation's text after it: "Recommendation 7 – That the director ...",
# "Action 3: ...", "Rec 12. ...".
NUMBERED_RECOMMENDATION = re.compile(
    r"^(?:recommendation|action|rec\.?)\s+(?:no\.?\s*)?(\d{1,3}[a-z]?)\s*[\u2013\u2014:.)-]\s*(\S.*)$", re.I | re.S)
# A cell's text repeated along a row is a merged cell's, repeated by the reader under each column it spans, only when
# it has this many words: a figure, a tick or a rating ("0", "x", "Red") may really repeat.
MERGED_TEXT_WORDS = 3
# A table row's label cell: "15.", "1 5." (a split PDF-to-text number), "R12", "3a".
ROW_LABEL = re.compile(r"^(?:R|Rec\.?\s*)?(\d(?:\s?\d){0,2}[a-z]?)\.?$", re.IGNORECASE)

# A recorded vote's count in minutes, on a line of its own above the names it counts: "For (14)", "Against: 45",
# "Abstentions (2)", "AYES 5". It labels the names under it; it is not a heading.
VOTE_COUNT = re.compile(r"^\s*(?:for|against|abstain(?:ed|ing)?|abstentions?|ayes|noes|nays)\s*(?:\(\s*\d+\s*\)|:?\s*\d+)\s*:?\s*$",
                        re.IGNORECASE)

# A sentence putting a motion to the vote ("the Chairman put the amendment set out in paragraph 17 to the vote and
# the voting was as follows:", "On being put to the vote, ...") or recording its outcome ("Amendment lost.", "Motion
# carried", "The motion was carried unanimously").
VOTE_PUT = re.compile(r"\bto\s+the\s+vote\b|\bvoting\s+was\b|\bvote\s+was\s+taken\b", re.IGNORECASE)
VOTE_OUTCOME = re.compile(r"\b(?:motion|amendment|proposal|resolution|recommendation)s?\s+(?:was\s+|were\s+)?"
                          r"(?:carried|lost|defeated|fell)\b|^\s*(?:carried|lost|defeated)\b", re.IGNORECASE)


def records_vote(text: str) -> bool:
    """The sentence puts a motion to the vote, counts it ("For (16) Mr Baldock, ...") or says how it went."""
    first_line = text.strip().split("\n", 1)[0]
    return bool(VOTE_PUT.search(text) or VOTE_OUTCOME.search(text) or VOTE_COUNT.match(first_line))


# A sentence putting a motion or amendment forward: "Mr Hood proposed and Mr Baldock seconded the following amendment",
# "Moved by Commissioner Fisk, seconded by Commissioner Mendez", "... seconded the following motion:".
PROPOSAL = re.compile(r"\b(?:proposed|moved)\b[^.]{0,200}?\bseconded\b|\bthe\s+following\s+(?:amendment|motion)\b",
                      re.IGNORECASE)

# A line that is only a page's number or label, which PDF text puts between the parts of a paragraph or a minute:
# "12", "Page 12", "Page 1 of 54" (an agenda pack's stamp). It is neither a heading nor a title.
PAGE_STAMP = re.compile(r"^[ \t]*(?:page[ \t]*\d{1,4}(?:[ \t]*of[ \t]*\d{1,4})?|\d{1,3})[ \t]*$", re.IGNORECASE)

# A letter's greeting on its own line ("Dear Jim,", "Dear Leaders,", "Dear Member"): the letterhead and addresses
# above it end there, and its body begins under it, often with its subject ("Re: Kent and Medway request ...").
LETTER_GREETING = re.compile(r"^[ \t]*Dear[ \t]+[A-Z][^\n.;:]{0,60}$")
LETTER_SUBJECT = re.compile(r"^[ \t]*Re[ \t]*:[ \t]*(\S.{0,150}?)[ \t]*$")

# Joining words a title or a table cell does not end on: one that does was cut, and goes on in the next line.
JOINING_WORDS = ("a", "an", "the", "and", "or", "of", "to", "for", "in", "on", "by", "with", "from")

# A figure as a table cell writes it: "613", "£6.3m", "-115,128.2", "+3.1%".
FIGURE = re.compile(r"^[£$€]?[-+]?\d[\d,]*(?:\.\d+)?(?:%|[kmb]n?)?$", re.IGNORECASE)
# A word of a line of figures in an accounts table, which also writes "(2.3)" for -2.3 and "-" for nil.
ACCOUNTS_FIGURE = re.compile(r"^(?:[£$€]?[-+]?\d[\d,]*(?:\.\d+)?(?:%|[kmb]n?)?|\([\d,.]+\)%?|[-\u2013])$", re.IGNORECASE)

# The tracker's statuses, in the order they are listed.
STATUSES = ("achieved", "partly achieved", "in progress", "ongoing", "accepted", "not accepted", "unknown")
# Work the paper does not report as finished: what "which ... are still outstanding?" lists.
OUTSTANDING = ("partly achieved", "in progress", "ongoing", "accepted")
# The statuses a question's words ask for, tried in order: "not accepted" before "accepted", "partly" before "achieved".
ASKED_STATUSES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bnot (?:been )?accepted|\brejected|\bturned down", re.I), ("not accepted",)),
    (re.compile(r"\bpart(?:ly|ially) (?:achieved|done|complete)", re.I), ("partly achieved",)),
    (re.compile(r"\bfurther work|\boutstanding|\bstill|\bnot yet|\bin progress|\bunfinished|\bremaining|"
                r"\bincomplete|\bto (?:be )?do(?:ne)?\b", re.I), OUTSTANDING),
    (re.compile(r"\bachieved|\bcompleted?|\bdone\b|\bfinished|\bdelivered", re.I), ("achieved",)),
)

# Headings of a tracker table's progress column: "Progress", "Current position", "RAG status", "Update".
STATUS_COLUMN_WORDS = ("progress", "position", "status", "update", "response", "rag")
# The chunker reads a column under any heading holding one of these, or a comment or an outcome, as a status cell.
STATUS_COLUMN = re.compile("|".join((*STATUS_COLUMN_WORDS, "comment", "outcome")), re.IGNORECASE)
# The recommendation reader's progress column: a heading with one of these, or "comment(s)", as a whole word.
PROGRESS_COLUMN = re.compile(r"\b(?:" + "|".join((*STATUS_COLUMN_WORDS, "comments?")) + r")\b", re.IGNORECASE)

# The kinds of council a name can carry: "Kent County Council", "Derby City Council", "Rushmoor Borough Council".
COUNCIL_KIND_WORDS = ("City", "County", "Borough", "District")
COUNCIL_KINDS = (*COUNCIL_KIND_WORDS, "Metropolitan Borough", "County Borough", "Metropolitan District")

# A month and year as a table's column heads them, often short: "Mar-26", "Dec -24", "31-Mar-24", "Sept 2025".
MONTH_YEAR = re.compile(r"\b([a-z]{3,9})\.?\s*[-/ ]\s*(\d{4}|\d{2})\b", re.I)
MONTH_NAMES = {name.lower(): name for name in calendar.month_name[1:]}
MONTH_NAMES |= {name[:3].lower(): name for name in calendar.month_name[1:]} | {"sept": "September"}


def spelled_month_years(text: str) -> str:
    """The month-years the text writes short, spelled out as questions ask for them ("Mar- 26" -> "March 2026");
    "" when it writes none short."""
    spelled = []
    for match in MONTH_YEAR.finditer(text):
        word, year = match.group(1), match.group(2)
        month = MONTH_NAMES.get(word.lower())
        if month and (word.lower() != month.lower() or len(year) == 2):
            spelled.append(f"{month} {year if len(year) == 4 else '20' + year}")
    return ", ".join(dict.fromkeys(spelled))
