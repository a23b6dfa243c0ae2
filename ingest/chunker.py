"""Groups structural blocks into retrieval chunks made of whole sentences, each with its searchable context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ingest.document import LoadedDocument
from ingest.sentences import sentence_spans
from ingest.structure import MARKUP, Block, clean_cell, form_labels
from ingest.vocabulary import PROPOSAL, ROW_LABEL, STATUS_COLUMN, VOTE_OUTCOME, records_vote, spelled_month_years

# A cell that is only a figure ("44.9", "£1.2m", "34%", "613 (Red)"), perhaps with its unit ("440 places", "0.3FE").
FIGURE_CELL = re.compile(r"[£$€]?[-+]?\d[\d,.]*\s*(?:%|[kmb]n?|million|bn)?(?:\s*\(\w+\))?(?:\s*[a-z]+){0,2}", re.IGNORECASE)
SUBJECT_WORDS = 20
MEASURE_WORDS = 8
MOTION_WORDS = 60  # of a motion or amendment, embedded with the sentences recording its vote


@dataclass
class Sentence:
    """One quotable sentence: its span in the document and the text its embedding is computed from."""

    start: int
    end: int
    section: str | None
    page: int | None
    column: str | None
    embed_text: str


@dataclass
class Chunk:
    """A passage of whole sentences; text is exactly document.text[start:end]."""

    ordinal: int
    kind: str
    start: int
    end: int
    text: str
    search_text: str
    section: str | None
    heading: str | None
    page: int | None
    sentences: list[Sentence] = field(default_factory=list)
    item: str | None = None  # who asked whom, or the minute, in a questions-and-answers pack or minutes
    form_row: bool = False  # a table row of label-value pairs ("Proposer: | Mr A Brady"), one line of a form

    @property
    def word_count(self) -> int:
        return len(self.search_text.split())


def _caption(context: str | None) -> str | None:
    """What a table's figures measure: the text before the table when it is short, else its last line when that is
    a short title ("SEND Commissioning Intentions:" under a paragraph), not the end of a sentence wrapped onto it; a
    paragraph would pull every cell its way."""
    whole = " ".join((context or "").split())
    if whole and len(whole.split()) <= MEASURE_WORDS:
        return whole
    last = (context or "").strip().splitlines()[-1].strip() if whole else ""
    if last and len(last.split()) <= MEASURE_WORDS and last[0].isupper() and not last.endswith("."):
        return last
    return None


def _searchable(column: str | None) -> str | None:
    """A column's name as the index searches it: a month-year headed short spelled out too ("Mar-26 (March 2026)"),
    as questions ask for it."""
    spelled = spelled_month_years(column or "")
    return f"{column} ({spelled})" if spelled else column


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", MARKUP.sub(" ", text)).strip()


def _cell_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for cell in text[start:end].split("\t"):
        spans.append((cursor, cursor + len(cell)))
        cursor += len(cell) + 1
    return spans


def _embed_votes_with_motions(document: LoadedDocument, chunks: list[Chunk]) -> None:
    """Each sentence recording a vote is embedded with the opening words of the motion or amendment last put forward
    in its minute: a count is a list of names, and which amendment it decides is said only before it. Once a vote's
    outcome is recorded, a vote with no new motion put decides the minute's first motion (the substantive motion,
    once its amendments are dealt with)."""
    motion, first, section = None, None, None
    for chunk in chunks:
        if chunk.kind != "paragraph":
            continue
        for sentence in chunk.sentences:
            text = document.text[sentence.start:sentence.end]
            if sentence.section != section:
                motion = first = None
                section = sentence.section
            if PROPOSAL.search(text):
                # read on past the passage's end: the amendment's words follow its proposer's line
                words = _plain(document.text[sentence.start:sentence.start + 20 * MOTION_WORDS]).split()
                motion = " ".join(words[:MOTION_WORDS])
                first = first or motion
            elif motion and records_vote(text):
                sentence.embed_text = f"{motion} ... {sentence.embed_text}"
                if VOTE_OUTCOME.search(text):
                    motion = first


class Chunker:
    """Paragraphs under one heading are merged up to max_words; a table row is its own chunk with its header."""

    def __init__(self, max_words: int = 160) -> None:
        self.max_words = max_words

    def chunk(self, document: LoadedDocument, blocks: list[Block]) -> list[Chunk]:
        chunks: list[Chunk] = []
        pending: list[Block] = []
        for index, block in enumerate(blocks):
            if block.kind == "heading":
                self._emit_paragraphs(document, pending, chunks)
                if index == len(blocks) - 1:  # a closing line read as a heading ("4. RESOLVED that ...") is kept
                    self._emit_paragraphs(document, [block], chunks)
                continue
            if block.kind == "table_row":
                self._emit_paragraphs(document, pending, chunks)
                self._emit_row(document, block, chunks)
                continue
            if pending and (pending[-1].heading != block.heading or pending[-1].item != block.item
                            or self._words(document, pending + [block]) > self.max_words):
                self._emit_paragraphs(document, pending, chunks)
            pending.append(block)
        self._emit_paragraphs(document, pending, chunks)
        chunks = self._merge_row_continuations(document, chunks)
        _embed_votes_with_motions(document, chunks)
        return chunks

    def _words(self, document: LoadedDocument, blocks: list[Block]) -> int:
        return sum(len(document.text[b.start:b.end].split()) for b in blocks)

    def _emit_paragraphs(self, document: LoadedDocument, blocks: list[Block], chunks: list[Chunk]) -> None:
        if not blocks:
            return
        sentences = [
            self._sentence(document, s, e, block.section, None, block.heading)
            for block in blocks
            for s, e in sentence_spans(document.text, block.start, block.end)
        ]
        heading, item = blocks[0].heading, blocks[0].item
        # the item's heading (who asked whom) is searchable in its reply too: "what did Mr Baker say about ..."
        prefix = "".join(f"{title}\n" for title in dict.fromkeys(filter(None, [item, heading])))
        for group in self._groups(sentences, self.max_words):
            body = " ".join(_plain(document.text[s.start:s.end]) for s in group)
            chunks.append(self._chunk(document, "paragraph", group, prefix + body, group[0].section, heading, len(chunks)))
            chunks[-1].item = item
        blocks.clear()

    def _emit_row(self, document: LoadedDocument, block: Block, chunks: list[Chunk]) -> None:
        header = block.table_header or []
        cells = _cell_spans(document.text, block.start, block.end)
        label_column = header[0] if header and header[0] else "No"
        row_name = f"{label_column} {block.row_label}" if block.row_label else None
        subject = next((clean_cell(document.text[s:e]) for i, (s, e) in enumerate(cells)
                        if clean_cell(document.text[s:e]) and not (i == 0 and block.row_label)), "")
        # "44.9" under "2007" means nothing alone: it is the rate of the row's subject in the table's measure
        about = " ".join(" ".join(filter(None, [_caption(block.table_context), subject])).split()[:SUBJECT_WORDS])
        sentences: list[Sentence] = []
        labels = form_labels([clean_cell(document.text[s:e]) for s, e in cells])
        for index, (cell_start, cell_end) in enumerate(cells):
            if index == 0 and ROW_LABEL.match(clean_cell(document.text[cell_start:cell_end]) or "-"):
                continue
            if labels.get(index) == "":
                continue  # a label: it names the next cell's sentences instead of being quoted alone
            column = labels.get(index) or (header[index] if index < len(header) and header[index] else None)
            named = _searchable(column)
            # a cell's short text is data (a tick "x", a page "23", a rating "G"), not a stray fragment of prose
            for s, e in sentence_spans(document.text, cell_start, cell_end, min_chars=1):
                sentence = self._sentence(document, s, e, block.section, column, block.heading)
                if column and STATUS_COLUMN.search(column):
                    sentence.embed_text = f"{named}: {sentence.embed_text} (on: {' '.join(subject.split()[:20])})"
                elif column and FIGURE_CELL.fullmatch(sentence.embed_text):
                    sentence.embed_text = f"{about}, {named}: {sentence.embed_text}"
                elif column:
                    sentence.embed_text = f"{named}: {sentence.embed_text}"
                sentences.append(sentence)
        if not sentences:
            return
        before = " ".join((block.table_context or "").split())
        context = " ".join(filter(None, [block.heading, before if before != block.heading else None]))
        # a row is split only when its own words are many: the column names each cell is embedded under repeat the
        # table's header, and counted, they split rows of long titles into passages of figures without their label
        for group in self._groups(sentences, self.max_words, lambda s: len(document.text[s.start:s.end].split())):
            labelled = [f"{_searchable(s.column)}: {_plain(document.text[s.start:s.end])}" if s.column else _plain(document.text[s.start:s.end])
                        for s in group]
            search_text = "\n".join(filter(None, [context, row_name, " | ".join(labelled)]))
            chunk = self._chunk(document, "table_row", group, search_text, block.section, block.heading, len(chunks))
            chunk.start = min(chunk.start, block.start) if len(group) == len(sentences) else chunk.start
            chunk.end = max(chunk.end, block.end) if len(group) == len(sentences) else chunk.end
            chunk.text = document.text[chunk.start:chunk.end]
            chunk.item = block.item
            chunk.form_row = bool(labels)
            chunks.append(chunk)

    def _merge_row_continuations(self, document: LoadedDocument, chunks: list[Chunk]) -> list[Chunk]:
        """A row whose first cell was empty continues the row above, and a form's label-value rows are one record
        (the amendment's name, its proposer and its seconder): keep them in one chunk when they fit."""
        merged: list[Chunk] = []
        for chunk in chunks:
            previous = merged[-1] if merged else None
            if (previous and chunk.kind == previous.kind == "table_row"
                    and ((chunk.section and chunk.section == previous.section) or (chunk.form_row and previous.form_row))
                    and previous.word_count + chunk.word_count <= self.max_words
                    and not document.text[previous.end:chunk.start].strip()):
                previous.end = chunk.end
                previous.text = document.text[previous.start:previous.end]
                previous.search_text += " | " + chunk.search_text.split("\n")[-1]
                previous.sentences.extend(chunk.sentences)
                continue
            merged.append(chunk)
        for ordinal, chunk in enumerate(merged):
            chunk.ordinal = ordinal
        return merged

    def _groups(self, sentences: list[Sentence], max_words: int,
                words_of: Callable[[Sentence], int] = lambda s: len(s.embed_text.split())) -> list[list[Sentence]]:
        groups: list[list[Sentence]] = [[]]
        words = 0
        for sentence in sentences:
            length = words_of(sentence)
            if groups[-1] and words + length > max_words:
                groups.append([])
                words = 0
            groups[-1].append(sentence)
            words += length
        return [group for group in groups if group]

    def _sentence(self, document: LoadedDocument, start: int, end: int, section: str | None,
                  column: str | None, heading: str | None) -> Sentence:
        return Sentence(start, end, section, document.page_at(start), column, _plain(document.text[start:end]))

    def _chunk(self, document: LoadedDocument, kind: str, group: list[Sentence], search_text: str,
               section: str | None, heading: str | None, ordinal: int) -> Chunk:
        start, end = group[0].start, group[-1].end
        return Chunk(ordinal, kind, start, end, document.text[start:end], search_text, section, heading,
                     document.page_at(start), group)
