"""Names a question uses (Ofsted, GCSE, Mockingbird) that no cited passage mentions."""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Iterable

from assistant.glossary import meaning
from assistant.query import FORUM, TITLE
from assistant.results import Citation
from index.lexical import LexicalIndex, content_terms, is_content_term

# A capitalised word or acronym ("Ofsted", "GCSE", "Q3", "B&NES's").
CAPITALISED = re.compile(r"\b[A-Z][\w&'’-]*")
POSSESSIVE = re.compile(r"['’]s$")
# Words quoted from a paper ("the recommendation 'Each Council children's home should ...'"): capitals there
# are the paper's, not names the user brings, and a quote's first word is capitalised whatever it is.
QUOTED = re.compile(r"[\"“][^\"“”]{3,}[\"”]|(?<![\w’'])['‘](?:[^'‘’]|(?<=\w)['’](?=\w)){3,}['’](?![\w’'])")
# An abbreviation in brackets after the words it shortens ("the high needs (SEN) risk") is the user's gloss of those
# words, which the search already looks for; a paper that says "High Needs" but never "SEN" still answers.
BRACKETED = re.compile(r"\([^()]{1,40}\)")
COMMON_IN = 3
FILE_NAME_SEPARATORS = re.compile(r"[-_.]+")
# Months and weekdays are capitalised but name nothing a paper must mention ("dated 22 January").
CALENDAR_WORDS = frozenset(word.lower() for word in (*calendar.month_name[1:], *calendar.month_abbr[1:],
                                                     *calendar.day_name, "Sept"))
# "Lib Dem", "Cons", "Cllr": a short title-case word may be a shortening of a paper's word ("Liberal Democrats").
SHORTENED_LETTERS = 4


def proper_names(question: str, ignored_terms: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised words that do not open a sentence, so name something; words whose terms are all ignored
    (the councils searched), stopwords, titles ("the Minister", "the Leader": TITLE), the bodies papers are put to
    ("Cabinet", "County Council": FORUM), words quoted from a paper and abbreviations in brackets are left out."""
    names = []
    not_names = [span.span() for pattern in (QUOTED, BRACKETED) for span in pattern.finditer(question)]
    for match in CAPITALISED.finditer(question):
        before = question[: match.start()].rstrip()
        if not before or before.endswith((".", "?", "!", ":")):
            continue  # a sentence's first word is capitalised whatever it is
        if (any(start <= match.start() < end for start, end in not_names) or match.group(0).lower() in CALENDAR_WORDS
                or TITLE.fullmatch(POSSESSIVE.sub("", match.group(0))) or FORUM.fullmatch(match.group(0))):
            continue
        name = POSSESSIVE.sub("", match.group(0))
        if content_terms(name) - ignored_terms:
            names.append(name)
    return list(dict.fromkeys(names))


def _spelled_out(name: str) -> str:
    return (meaning(name) or "").lower().rstrip("s")  # "key performance indicator" also finds the plural


def _mentioned(name: str, terms: frozenset[str], texts: Iterable[str]) -> bool:
    """The name in any form: as written, singular or plural ("GCSEs" is found in "GCSE"), or spelled out."""
    if any(content_terms(form) & terms for form in _number_forms(name)):
        return True
    if any(form.istitle() and len(form) <= SHORTENED_LETTERS and any(term.startswith(form.lower()) for term in terms)
           for form in _number_forms(name)):
        return True  # "Lib" of "Liberal", "Dems" of "Democrats"
    spelled_out = _spelled_out(name)
    return bool(spelled_out) and any(spelled_out in text.lower() for text in texts)


def name_forms_terms(names: Iterable[str]) -> frozenset[str]:
    """The terms of the names as written and in their other number ("GCSEs" and "GCSE"): what a paper naming them uses."""
    return frozenset().union(*(content_terms(form) for name in names for form in _number_forms(name)))


def _number_forms(name: str) -> tuple[str, ...]:
    """The name, and its plural or singular: the stemmer leaves acronyms' plurals ("GCSEs", "KPIs") alone."""
    other = name[:-1] if name.endswith("s") and len(name) > 2 else f"{name}s"
    return name, other


def names_no_citation_mentions(question: str, citations: list[Citation], lexical: LexicalIndex,
                               ignored_terms: frozenset[str] = frozenset(), contexts: Iterable[str] = ()) -> list[str]:
    """All the question's names when not one of them is in a cited passage or its context (contexts: the cited
    passages' headings, table captions and column names), nor common in a cited paper ("GCSE results" answered from
    a row on school attainment, in a paper that names GCSEs once); else none."""
    names = proper_names(question, ignored_terms)
    if not names or not citations:
        return []
    # a cited paper's title speaks for all of it ("... and the Integrated Care Strategy" answers an ICS question),
    # and so does the name its council published it under ("4-amendment-liberal-democrats-highways.pdf")
    texts = [citation.text for citation in citations] + [citation.title for citation in citations if citation.title] + [
        published_name(citation.source) for citation in citations] + list(contexts)
    terms = frozenset().union(*(content_terms(text) for text in texts), *(
        _common_terms(lexical, source) for source in {citation.source for citation in citations}))
    return [] if any(_mentioned(name, terms, texts) for name in names) else names


def published_name(source: str) -> str:
    """A paper's file name as words: "4-amendment-liberal-democrats.pdf" -> "4 amendment liberal democrats"."""
    return FILE_NAME_SEPARATORS.sub(" ", Path(source).stem)


def _common_terms(lexical: LexicalIndex, source: str) -> frozenset[str]:
    """Terms used by at least COMMON_IN passages of a paper: its subject matter, which any passage of it speaks to."""
    counts = lexical.passage_term_counts(source)
    return frozenset(term for term, count in counts.items() if count >= COMMON_IN and is_content_term(term))
