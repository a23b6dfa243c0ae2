"""How a tracker entry's progress text signals its status: the phrase families, and the status of one entry."""

from __future__ import annotations

import re

from dateutil import parser as date_parser

from ingest.sentences import sentence_spans
from ingest.vocabulary import OUTSTANDING

# A line of a record's progress that reports someone else's view, not the position: shown, never read for status.
ASIDE_PREFIXES = ("Comment:", "Summary:")


def _family(*phrases: str) -> re.Pattern[str]:
    return re.compile("|".join(phrases), re.I)


# Phrase families: each is one kind of evidence about where a recommendation stands.
NOT_ACCEPTED = _family(r"\bnot (?:been )?(?:accepted|agreed|supported|approved)\b", r"\b(?:rejected|declined)\b")
PARTLY = _family(r"\bpart(?:ly|ially)\b(?! (?:funded|through))", r"\bin part\b", r"\bone part\b",
                 r"\b(?:first|initial) (?:phase|stage)\b[^.]{0,60}\b(?:completed|achieved|delivered|done)\b")
# Work still to do however the rest reads: a plan, a dependency, a wait.
PENDING = _family(r"\bto be (?:established|finalised|agreed|confirmed|considered|introduced|set up|launched|developed)\b",
                  r"\bdependent (?:up)?on\b", r"\bdepends (?:up)?on\b", r"\bfurther work\b", r"\byet to be\b",
                  r"\bstill (?:to|needs?)\b", r"\bawait(?:s|ing)?\b", r"\bin development\b",
                  r"\b(?:is|are) being (?:produced|established|developed|drafted|updated|reviewed|finalised)\b",
                  r"\bwill be (?:presented|introduced|launched|produced|issued|published|put in place)\b")
FUTURE_OR_NEGATED = _family(r"\bnot (?:yet )?(?:been )?(?:achieved|completed?|implemented)\b",
                            r"\b(?:should|will|to|must|would) (?:be |have been )?(?:achieved?|completed?|implemented|"
                            r"delivered|finalised|established)\b", r"\bto be established\b")
ACHIEVED = _family(r"(?<!being )(?<!is )(?<!are )\b(?:achieved|completed|implemented|fully met|delivered|finalised)\b",
                   r"\bin place\b(?! to)", r"(?<!is )(?<!be )(?<!to )\bestablished\b(?! to)",
                   r"(?<!progress )\b(?:has|have) been (?:established|produced|appointed|introduced|set up|re-established|"
                   r"increased|undertaken|made|reinstated|secured|carried out|put in place|reached)\b",
                   r"\b(?:has|have) (?:produced|established|introduced|delivered)\b",
                   r"(?<!progress )\b(?:was|were) (?:undertaken|made|reinstated|carried out|secured)\b",
                   r"\balready (?:exists?|in place|supported|provided)\b")
IN_PROGRESS = _family(r"\bin progress\b", r"\bunder ?way\b", r"\btaking place\b", r"\bin hand\b", r"\bon target\b",
                      r"\bon track\b", r"\b(?:is|are) being \w+(?:ed|en)\b",
                      r"\bbeing (?:updated|developed|reviewed|revised|prepared|drafted|produced|established|progressed)\b",
                      r"\bprogress (?:has been|is being) made\b",
                      r"\bwork has (?:started|begun)\b", r"\bplanned\b", r"\bin the process of\b", r"\bbeing progressed\b",
                      r"\bbeing considered\b", r"\bunder review\b(?! on)")
ONGOING = _family(r"\bon[- ]?going\b", r"\bcontinues\b", r"\bcontinuing\b", r"\bcontinue to\b", r"\bmonitor(?:ed|ing)\b",
                  r"\bkept under (?:constant )?review\b", r"\bregularly\b", r"\bquarterly\b", r"\bmonthly intervals\b")
ACCEPTED = _family(r"(?<!to be )(?<!not )\b(?:accepted|agreed|approved)\b", r"\baccepts? (?:this|the) recommendation")

# Tried in order on the opening sentences of the position; the first that matches decides. A future or negated
# completion ("should be completed", "not yet achieved") is tried before "achieved".
HEADLINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("not accepted", NOT_ACCEPTED), ("in progress", FUTURE_OR_NEGATED), ("achieved", ACHIEVED),
    ("in progress", IN_PROGRESS), ("ongoing", ONGOING), ("accepted", ACCEPTED),
)
# A target-date cell ("Ongoing", "Achieved March '03") says little else; "Complete work by ..." is a plan, not a result.
DATE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (("ongoing", ONGOING), ("achieved", re.compile(r"\bachieved\b", re.I)))
MONTH_YEAR = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+'?(\d{4}|\d{2})\b", re.I)


def first_match(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    return next((status for status, pattern in rules if pattern.search(text)), None)


def _first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    return text[spans[0][0]:spans[0][1]] if spans else text


def _months(text: str) -> list[str]:
    """ "Jan 2008", "April '04" -> "2008-01", "2004-04": the month-year dates a target-date cell names."""
    found = []
    for month, year in MONTH_YEAR.findall(text):
        year = year if len(year) == 4 else f"20{year}"
        try:
            found.append(date_parser.parse(f"1 {month} {year}").strftime("%Y-%m"))
        except (ValueError, OverflowError):
            continue
    return found


def due_after(target_date: str | None, paper_date: str | None) -> bool:
    """True when the target date's latest month is after the paper's own month: the work is not due yet."""
    months = _months(target_date or "")
    return bool(months and paper_date) and max(months) > (paper_date or "")[:7]


def entry_status(progress: str | None, target_date: str | None = None, paper_date: str | None = None) -> str:
    """The status a whole entry reports. The opening sentence of each progress part (a column, a reply paragraph)
    gives the headline; partial, pending or not-yet-due evidence anywhere in the entry stops it reading as achieved."""
    cells = [cell for cell in (progress or "").split("\n") if cell.strip() and not cell.startswith(ASIDE_PREFIXES)]
    whole = " ".join(cells)
    opening = " ".join(_first_sentence(cell) for cell in cells)
    entry = f"{whole} {target_date or ''}"
    headline = (first_match(opening, HEADLINE_RULES) or first_match(whole, HEADLINE_RULES)
                or ("in progress" if PENDING.search(entry) else None)
                or first_match(target_date or "", DATE_RULES) or "unknown")
    if headline == "not accepted":
        return headline
    if PARTLY.search(whole):
        return "partly achieved"
    if headline == "achieved" and (PENDING.search(entry) or due_after(target_date, paper_date)):
        return "partly achieved"
    if headline == "in progress" and re.search(r"\bachieved\b", target_date or "", re.I):
        return "partly achieved"  # "Achieved March '03" beside work still under way
    if headline == "in progress" and not FUTURE_OR_NEGATED.search(opening) and ACHIEVED.search(whole):
        return "partly achieved"  # some of it done, the rest under way
    return headline


def is_outstanding(status: str) -> bool:
    return status in OUTSTANDING
