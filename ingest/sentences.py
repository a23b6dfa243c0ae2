"""Finds sentence spans with NLTK's Punkt model (shipped inside llama-index-core), never splitting inside a sentence."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.vocabulary import VOTE_COUNT

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktTokenizer

# Cell markup and bullets are boundaries too: a quote should never carry "</li> <li>".
HARD_BREAK = re.compile(r"<[^>]{1,200}>|\t|\n[ \t]*\n|\n(?=[ \t]*(?:[-*\u2022\u00a7]|\d{1,2}(?:\.\d{1,2})+)[ \t])")
LEADING_MARKER = re.compile(r"^(?:[-*\u2022\u00a7]\s+)?(?:\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+|\(?[a-z0-9]{1,3}[.)]\s+)?")
ABBREVIATIONS = {"e.g", "i.e", "etc", "no", "nos", "rec", "para", "paras", "cllr", "approx", "dr", "mr", "mrs", "ms",
                 "st", "vs", "ref", "dept", "cf", "fig", "incl", "govt", "yr", "yrs", "jan", "feb", "mar", "apr",
                 "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
MIN_SENTENCE_CHARS = 3
# A list item's marker that starts a line after a list's opening or an item's end ("... is asked to:\nA.", "...; and\nB."):
# Punkt ends the sentence after it, but it opens the next item. ("... in Appendix\nA." is a sentence's end.)
TRAILING_MARKER = re.compile(r"(?:(?<=[:;])|(?<=\band)|(?<=\bor))[ \t]*\n[ \t]*\(?(?:[A-Za-z]|\d{1,2}|[ivx]{1,4})[.)]$")
# A sentence carried over a blank line (a PDF page break, a wrapped paragraph): the text before stops without a
# sentence's end and the text after goes on with a lower-case word (not a list marker such as "a)" or "ii.").
SENTENCE_END = re.compile(r"[.!?:;][\"'\u2019\u201d)\]]*$")
LOWER_CASE_WORD = re.compile(r"[a-z][a-z'\u2019-]*(?=[\s,;:]|$)")


def continues_sentence(before: str, after: str) -> bool:
    """True when `after` carries on the sentence `before` left unfinished, or lists the names that a vote's count
    ("For (14)"), ending `before`, counts."""
    before, after = before.rstrip(), after.lstrip()
    if before and after and VOTE_COUNT.match(before.rsplit("\n", 1)[-1]):
        return True
    return bool(before) and not SENTENCE_END.search(before) and LOWER_CASE_WORD.match(after) is not None


@lru_cache(maxsize=1)
def _punkt() -> PunktTokenizer:
    # Imported here, not at the top: importing nltk and llama-index-core takes ~5 s (scipy.stats among them), which
    # every process paid at start although only splitting text into sentences (ingest) needs them.
    import nltk
    from nltk.tokenize.punkt import PunktTokenizer

    spec = importlib.util.find_spec("llama_index.core")
    nltk_cache = Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache"
    if str(nltk_cache) not in nltk.data.path:
        nltk.data.path.append(str(nltk_cache))
    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(ABBREVIATIONS)
    return tokenizer


def load_sentence_model() -> None:
    """Loads the sentence model now (about 2 s, once a process), so a caller can keep it out of a file's time."""
    _punkt()


def sentence_spans(text: str, start: int = 0, end: int | None = None,
                   min_chars: int = MIN_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Spans (into text) of the sentences in text[start:end], trimmed of bullets and paragraph numbers; a piece
    shorter than min_chars is dropped (in prose a stray "a." or page number; a table cell passes 1: "x", "23")."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    segment_start = start
    for match in HARD_BREAK.finditer(text, start, end):
        if not match.group().strip() and continues_sentence(text[segment_start:match.start()], text[match.end():end]):
            continue
        spans.extend(_segment_sentences(text, segment_start, match.start(), min_chars))
        segment_start = match.end()
    spans.extend(_segment_sentences(text, segment_start, end, min_chars))
    return spans


def _segment_sentences(text: str, start: int, end: int, min_chars: int) -> list[tuple[int, int]]:
    segment = text[start:end]
    spans = []
    for rel_start, rel_end in _punkt().span_tokenize(segment):
        piece = segment[rel_start:rel_end]
        marker = LEADING_MARKER.match(piece)
        rel_start += marker.end() if marker and marker.end() < len(piece) else 0
        stripped = segment[rel_start:rel_end].rstrip()
        trailing = TRAILING_MARKER.search(stripped)
        stripped = stripped[:trailing.start()].rstrip() if trailing else stripped
        if len(stripped.strip()) >= min_chars and any(ch.isalnum() for ch in stripped):
            spans.append((start + rel_start, start + rel_start + len(stripped)))
    return spans
