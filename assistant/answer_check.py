"""Checks a language model's answer against the passages it was given: each sentence is kept only when it cites a
given passage, every figure and name in it occurs in what it cites, and its words are supported there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.lexical import content_terms
from index.synonyms import with_synonyms
from ingest.metadata import load_authorities
from ingest.vocabulary import NUMBER_WORDS

# Calibrated on the gold sets (evals/calibrate_check.py): the share of a sentence's content words that its cited
# passages contain. Gold answer sentences against their evidence mostly pass; against another question's fail.
SUPPORT_THRESHOLD = 0.5
QUOTE_SUPPORT = 0.3  # a cited passage is quoted only when a sentence of it holds this share of the words, or a figure
MAX_QUOTE_SENTENCES = 3  # a quote may span this many adjacent sentences of its passage to hold every figure

_MARKER_GROUP = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
_MARKER_NUMBER = re.compile(r"\d+")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")
_ABBREVIATION = re.compile(r"\b(?:p|pp|para|paras|no|nos|cllr|mr|mrs|ms|dr|st|e\.g|i\.e|etc|vs|approx|ref)\.$",
                           re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]+|\d+[.)])\s+")
_MARKUP = re.compile(r"[*_#`]+")
_WHITESPACE = re.compile(r"\s+")

# A figure: a number and an optional scale word; a currency sign or a percent does not change its value.
_FIGURE = re.compile(r"(?P<number>\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)\s?"
                     r"(?P<scale>(?:bn|billion|mn|m|million|k|thousand)\b)?", re.IGNORECASE)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d)(\d)\s?[/–-]\s?(\d{1,2})\b")  # 2003/04, 2023-24
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# "twelve recommendations" states a figure as surely as "12"; "one" is left out, it is mostly not a count.
_NUMBER_WORDS = {word: str(value) for word, value in NUMBER_WORDS.items() if value > 1}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")
_WORD = re.compile(r"[a-z0-9]+")
_ACRONYM = re.compile(r"[A-Z&].*[A-Z]")


@dataclass
class Passage:
    """What the model was shown as [n]: the passage's text, its reference line, and its sentences' spans in text."""

    text: str
    reference: str
    sentence_spans: list[tuple[int, int]]


@dataclass
class KeptSentence:
    """A sentence that passed, its wording without markers, and per cited passage the span of its supporting quote."""

    wording: str
    quotes: dict[int, tuple[int, int]]  # passage number (1-based) -> (start, end) in that passage's text


@dataclass
class RemovedSentence:
    text: str
    reason: str


@dataclass
class CheckReport:
    kept: list[KeptSentence] = field(default_factory=list)
    removed: list[RemovedSentence] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """The answer's sentences; markers after a full stop ("... accepted. [1]") stay with their sentence."""
    text = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", _MARKUP.sub("", text))
    sentences: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        pending = ""
        for piece in _SENTENCE_END.split(line):
            pending = f"{pending} {piece}".strip() if pending else piece
            if not _ABBREVIATION.search(pending):
                sentences.append(pending)
                pending = ""
        if pending:
            sentences.append(pending)
    return [sentence for sentence in sentences if sentence.strip()]


def cited_numbers(sentence: str) -> list[int]:
    """Every [n] in the sentence, in order, each once; [1, 3] counts as [1][3]."""
    numbers = [int(n) for group in _MARKER_GROUP.findall(sentence) for n in _MARKER_NUMBER.findall(group)]
    return list(dict.fromkeys(numbers))


def without_markers(sentence: str) -> str:
    return _WHITESPACE.sub(" ", _MARKER_GROUP.sub(" ", sentence)).replace(" .", ".").replace(" ,", ",").strip()


def figures(text: str) -> set[float]:
    """Every figure as a number: "£1.2m", "£1,200,000" and "1.2 million" are all 1200000; "5%", "5 per cent" are 5;
    "2023/24" is 2023 and 2024; "twelve" is 12."""
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    text = _YEAR_SPAN.sub(lambda m: f"{m.group(1)}{m.group(2)} {_full_year(m.group(1), m.group(3))}", text)
    values = set()
    for match in _FIGURE.finditer(text):
        number = float(match.group("number").replace(",", "") or 0)
        scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
        values.add(round(number * scale, 6))
    return values


def _full_year(century_decade: str, second: str) -> str:
    """The second year of "2023/24" written in full, so it matches "2023/2024"."""
    return second if len(second) > 2 else f"{century_decade[:2]}{second.zfill(2)}"


def names(sentence: str) -> set[str]:
    """Capitalised words and acronyms, lower-cased, split at hyphens and apostrophes. Any word opens a sentence
    with a capital, so the first counts only when it is plainly a name: an acronym, a possessive or a place."""
    found = set()
    for match in _CAPITALISED.finditer(sentence):
        word = match.group(0)
        parts = [part.lower() for part in re.split(r"['’-]", re.sub(r"['’]s$", "", word)) if len(part) > 1]
        if match.start() == 0 and not (_ACRONYM.match(word) or word != re.sub(r"['’]s$", "", word)
                                       or set(parts) & _place_words()):
            continue
        found.update(parts)
    return found


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """The words of every UK council's place name ("derby", "sussex"), lower-cased."""
    spellings = [spelling for authority in load_authorities() for spelling in (authority.short_name, *authority.aliases)]
    return frozenset(word for spelling in spellings for word in _WORD.findall(spelling.lower()) if len(word) > 3)


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    dated = _ISO_DATE.sub(lambda m: f"{m.group(0)} {MONTHS[int(m.group(2)) - 1] if 0 < int(m.group(2)) <= 12 else ''}",
                          text)
    return frozenset(_WORD.findall(dated.lower().replace("’", "'")))


def support(sentence: str, material: str) -> float:
    """The share of the sentence's content words (stemmed, synonyms allowed) that the material contains."""
    terms = content_terms(sentence)
    if not terms:
        return 0.0
    found = with_synonyms(content_terms(material))
    return sum(term in found for term in terms) / len(terms)


def check_answer(answer: str, passages: list[Passage]) -> CheckReport:
    """Keeps the sentences that pass every check, each with its quotes; says why each other one was removed."""
    report = CheckReport()
    for sentence in split_sentences(answer):
        reason, kept = _check_sentence(sentence, passages)
        if kept is None:
            report.removed.append(RemovedSentence(sentence, reason))
        else:
            report.kept.append(kept)
    return report


def _check_sentence(sentence: str, passages: list[Passage]) -> tuple[str, KeptSentence | None]:
    cited = [n for n in cited_numbers(sentence) if 1 <= n <= len(passages)]
    if not cited:
        return "cites no passage that was given", None
    wording = without_markers(sentence)
    material = " ".join(f"{passages[n - 1].reference} {passages[n - 1].text}" for n in cited)
    invented = figures(wording) - figures(material)
    if invented:
        return f"figures not in the cited passages: {sorted(invented)}", None
    unnamed = names(wording) - _words(material)
    if unnamed:
        return f"names not in the cited passages: {sorted(unnamed)}", None
    supported = support(wording, material)
    if supported < SUPPORT_THRESHOLD:
        return f"not supported by the cited passages (word overlap {supported:.2f})", None
    quotes = {n: span for n in cited if (span := best_quote(wording, passages[n - 1])) is not None}
    if not quotes:
        return "no sentence of the cited passages supports it", None
    return "", KeptSentence(wording, quotes)


def best_quote(wording: str, passage: Passage) -> tuple[int, int] | None:
    """The passage's own sentence, or run of up to three adjacent sentences, that best supports the wording:
    most of its figures first, then most of its words, then the shortest. None when none holds a figure of it or
    QUOTE_SUPPORT of its words."""
    spans = passage.sentence_spans or [(0, len(passage.text))]
    wanted_figures, wanted_terms = figures(wording), content_terms(wording)
    best_key, best_span = None, None
    for first in range(len(spans)):
        for last in range(first, min(first + MAX_QUOTE_SENTENCES, len(spans))):
            span = (spans[first][0], spans[last][1])
            text = passage.text[span[0]:span[1]]
            shared_terms = len(wanted_terms & with_synonyms(content_terms(text)))
            shared_figures = len(wanted_figures & figures(text))
            key = (shared_figures, shared_terms, -(last - first))
            supports = shared_figures or shared_terms >= QUOTE_SUPPORT * len(wanted_terms)
            if supports and (best_key is None or key > best_key):
                best_key, best_span = key, span
    return best_span
