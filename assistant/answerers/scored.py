"""A sentence of a retrieved passage with its scores, and the tests on it that choosing and writing share."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.records import StoredChunk, StoredSentence

NEAR_DUPLICATE = 0.9
FIGURES = re.compile(r"\d[\d,.]*")
LIST_ITEM, REPLY = "list item", "reply"  # how a sentence that continues another is shown
Marks = dict[tuple[str, int], str]  # ScoredSentence.key -> LIST_ITEM or REPLY
# A bullet or item letter opening a line, straight before a list item's first sentence.
ITEM_MARKER = r"(?:^|\n)[ \t]*(?:[-\u2022*\u25aa\u25e6\uf0b7]|\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]{1,2})[ \t]*$"
MARKED_ITEM_START = re.compile(ITEM_MARKER, re.IGNORECASE)
# What precedes a list item's first sentence: the passage's start, a blank line, or an item marker.
ITEM_START = re.compile(r"^\s*$|\n[ \t]*\n\s*$|" + ITEM_MARKER, re.IGNORECASE)


def sentence_text(chunk: StoredChunk, sentence: StoredSentence) -> str:
    return chunk.text[sentence.start - chunk.start: sentence.end - chunk.start]


@dataclass
class ScoredSentence:
    sentence: StoredSentence
    chunk: StoredChunk
    position: int  # order within its chunk
    score: float  # the fitted probability that this sentence answers the question

    @property
    def text(self) -> str:
        return sentence_text(self.chunk, self.sentence)

    @property
    def key(self) -> tuple[str, int]:
        return self.chunk.id, self.position


def repeats(candidate: ScoredSentence, chosen: list[ScoredSentence]) -> bool:
    """Papers repeat themselves (a summary and its paragraph 1.1); a near-identical sentence adds nothing,
    unless its figures differ ("Latest: 613" beside "Previous: 612" embeds alike but says something new)."""
    figures = set(FIGURES.findall(candidate.text))
    return any(float(np.dot(candidate.sentence.vector, c.sentence.vector)) >= NEAR_DUPLICATE
               and set(FIGURES.findall(c.text)) == figures for c in chosen)


def opens_item(item: ScoredSentence) -> bool:
    """The sentence starts its passage, a paragraph or a bulleted or lettered item: a list item's opening. (A line
    break alone does not tell: PDF text breaks lines everywhere.)"""
    return ITEM_START.search(_text_before(item)) is not None


def behind_item_marker(item: ScoredSentence) -> bool:
    """The sentence follows a bullet or item letter opening its line ("\u2022 Set out ...", "b) ...")."""
    return MARKED_ITEM_START.search(_text_before(item)) is not None


def _text_before(item: ScoredSentence) -> str:
    return item.chunk.text[:item.sentence.start - item.chunk.start]
