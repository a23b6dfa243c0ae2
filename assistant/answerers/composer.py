"""Writes the chosen sentences as a cited answer: verified quotes, table rows by column, bullets, council groups."""

from __future__ import annotations

import re

from assistant.answerers.scored import (LIST_ITEM, REPLY, Marks, ScoredSentence, behind_item_marker, opens_item,
                                        repeats)
from assistant.quotes import collapse_whitespace, verified_citation
from assistant.results import Answer, Citation
from index.records import StoredChunk
from ingest.resolutions import next_label
from ingest.sentences import LOWER_CASE_WORD, SENTENCE_END, continues_sentence
from ingest.structure import MARKUP
from ingest.vocabulary import MERGED_TEXT_WORDS
from prompts import render

ROW_NAME_WORDS = 20  # a first cell longer than this is the row's content, not its name
# A name or quotation ending in "!" or "?" inside a sentence ("a song recorded by ‘Ashford Sings!’ a group led by
# ..."): the sentence goes on in lower case after it, though a sentence splitter ends it there.
NAME_MARK_END = re.compile(r"[!?][\"'\u2019\u201d)\]]*$")
CELL_END = ".:;, "  # dropped from a cell's end where the answer joins it to the next with "; " or ": "
# An item letter or numeral inside running text, before a capital: "... to: a) To ADOPT ... b) To DELEGATE ...".
INLINE_MARKER = re.compile(r"(?<=\s)\(?([a-z]|[ivx]{1,4})\)\s+(?=[A-Z])")


def compose(chosen: list[ScoredSentence], marks: Marks, scored: list[ScoredSentence], by_council: bool = False,
            as_quotes: bool = False) -> Answer:
    """Answer text in the order chosen (grouped by council for comparisons), a list's items as bullets;
    adjacent sentences share a quote."""
    citations: list[Citation] = []
    pieces: list[str] = []
    piece_of: dict[int, int] = {}  # citation number -> the piece of text it cites
    groups = _groups(chosen, marks)
    if by_council:
        groups.sort(key=lambda g: (_council(g[0].chunk), g[0].sentence.start))
    previous_council, after_list = None, False
    for chosen_group, group in _spans(groups, scored):
        citation = _citation(group, len(citations) + 1)
        if citation is None:
            continue
        citations.append(citation)
        earlier = next((e for e in citations[:-1] if _says_again(citation, e)), None)
        if earlier is not None:  # the same words in another place: one more reference, not the words again
            at = piece_of[citation.n] = piece_of[earlier.n]
            pieces[at] = pieces[at].rstrip("\n") + f" [{citation.n}]" + ("\n" if as_quotes else "")
            continue
        piece_of[citation.n] = len(pieces)
        council = _council(group[0].chunk)
        heading = f"\n{council}: " if by_council and council != previous_council else ""
        mark = marks.get(group[0].key)
        # a briefing writer pastes the exact words with their reference, one quote a line
        piece = (render("briefing_reference", quote=citation.quote, reference=citation.reference())
                 if as_quotes else _wording(group, citation, scored, {item.key for item in chosen_group}))
        pieces.append(f"{heading}{_line_start(mark, after_list)}{piece} [{citation.n}]" + ("\n" if as_quotes else ""))
        previous_council, after_list = council, mark == LIST_ITEM or "\n" in piece
    text = "\n".join(line.rstrip() for line in " ".join(pieces).strip().splitlines())
    return Answer(text, citations, abstained=not citations)


def _spans(groups: list[list[ScoredSentence]],
           scored: list[ScoredSentence]) -> list[tuple[list[ScoredSentence], list[ScoredSentence]]]:
    """Each group of chosen sentences with the whole span its quote holds (whole_span). A span that holds all of an
    earlier one and more takes its place, with both groups: "Abstain (0) Amendment lost." quoted from the start of
    the count it ends ("Against (41) Mr Baker, ..., Mr Wright,") would print that count twice."""
    spans: list[tuple[list[ScoredSentence], list[ScoredSentence]]] = []
    for group in groups:
        span = whole_span(group, scored)
        keys = {s.key for s in span}
        held = next((at for at, (_, earlier) in enumerate(spans) if {s.key for s in earlier} < keys), None)
        if held is None:
            spans.append((group, span))
        else:
            spans[held] = (spans[held][0] + group, span)
    return spans


def _says_again(citation: Citation, earlier: Citation) -> bool:
    """The quote's words are all in an earlier quote: the same sentences printed in two papers (an amendment and the
    minutes that record it) or twice in one."""
    return _plain(citation.quote) in _plain(earlier.quote)


def _plain(quote: str) -> str:
    return " ".join(re.sub(r"[^\w£%.,;:-]+", " ", quote.lower()).split()).strip(" .,;:")


def _line_start(mark: str | None, after_list: bool) -> str:
    """A list item is a bullet and the text after a list starts a new line; a reply says it is one."""
    if mark == LIST_ITEM:
        return "\n- "
    return ("\n" if after_list else "") + ("Reply: " if mark == REPLY else "")


def _council(chunk: StoredChunk) -> str:
    return str(chunk.document.get("council") or chunk.document.get("title") or chunk.source)


def _groups(chosen: list[ScoredSentence], marks: Marks) -> list[list[ScoredSentence]]:
    """Sentences cited together: adjacent ones of a passage, or all of one table row when no markup lies between;
    a list item's opening starts its own."""
    groups: list[list[ScoredSentence]] = []
    for item in chosen:
        if any(repeats(item, group) for group in groups):
            continue
        new_item = marks.get(item.key) == LIST_ITEM and opens_item(item)
        home = None if new_item else next((g for g in groups if g[0].chunk.id == item.chunk.id
                                           and (_adjacent(g, item) or _same_clean_row(g, item))), None)
        if home is None:
            groups.append([item])
        else:
            home.append(item)
            home.sort(key=lambda s: s.position)
    return groups


def _same_clean_row(group: list[ScoredSentence], item: ScoredSentence) -> bool:
    if item.chunk.kind != "table_row":
        return False
    chunk = item.chunk
    start = min(s.sentence.start for s in [*group, item])
    end = max(s.sentence.end for s in [*group, item])
    return not MARKUP.search(chunk.text[start - chunk.start:end - chunk.start])


def _adjacent(group: list[ScoredSentence], item: ScoredSentence) -> bool:
    chunk = item.chunk
    for other in group:
        first, second = sorted((other, item), key=lambda s: s.sentence.start)
        gap = chunk.text[first.sentence.end - chunk.start: second.sentence.start - chunk.start]
        if abs(other.position - item.position) == 1 and not gap.strip():
            return True
    return False


def whole_span(group: list[ScoredSentence], scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """Every sentence of the passage between the group's first and last, as the quote holds them all, starting
    where the first sentence really starts: a piece cut from the end of the sentence before it ("a Corporate
    Parent, and to extend ...") brings that sentence along, so an answer never starts mid-clause."""
    passage = sorted((s for s in scored if s.chunk.id == group[0].chunk.id), key=lambda s: s.position)
    at = next((index for index, s in enumerate(passage) if s is group[0]), 0)
    while at > 0 and _cut_from(passage[at - 1], passage[at]):
        at -= 1
    first, last = min(passage[at].sentence.start, group[0].sentence.start), group[-1].sentence.end
    inside = [s for s in passage if first <= s.sentence.start < last]
    return inside or group


def _cut_from(before: ScoredSentence, sentence: ScoredSentence) -> bool:
    """The sentence carries on the one before it: that one stops without a sentence's end, and this one goes on in
    lower case or after a comma. Cells of a table row are separate even when they read on, and so are a list's
    items ("\u2022 Be based on ..., \u2022 Set out ...")."""
    if sentence.chunk.kind == "table_row" and before.sentence.column != sentence.sentence.column:
        return False
    if behind_item_marker(sentence):
        return False
    previous = before.text.rstrip()
    return (continues_sentence(previous, sentence.text) or (previous.endswith(",") and not SENTENCE_END.search(previous))
            or (NAME_MARK_END.search(previous) is not None and LOWER_CASE_WORD.match(sentence.text.lstrip()) is not None))


def _wording(group: list[ScoredSentence], citation: Citation, scored: list[ScoredSentence],
             chosen: set[tuple[str, int]]) -> str:
    """The quote itself, or for a table row the row's name and each cell under its column name, since a bare cell
    ("£584,000") says little; a merged cell's repeated words are shown once (a figure, tick or rating two columns
    share is shown under each) and cells are never run together. The cells chosen as answering come first, then the
    row's other quoted cells: a risk's likelihood is not left behind its long cause and consequence."""
    first = group[0]
    if first.chunk.kind != "table_row":
        return items_on_lines(citation.quote)
    cells: dict[str, list[str]] = {}
    for item, previous in zip(group, [None, *group]):
        text = collapse_whitespace(item.text)
        # judged as the table reader judges a merged cell's repeat (ingest/readers/tables.py)
        if len(text.split()) >= MERGED_TEXT_WORDS and any(text in texts for texts in cells.values()):
            continue
        column = (item.sentence.column or "").rstrip(":")
        if not column and previous is not None and _between_cells(previous, item):
            text = f"| {text}"  # cells without column names are still separate cells: "Directorate | Adult Social Care"
        cells.setdefault(column, []).append(text)
    answering = {(item.sentence.column or "").rstrip(":") for item in group if item.key in chosen}
    ordered = sorted(cells.items(), key=lambda cell: cell[0] not in answering)
    # A cell's closing stop goes, as cells are joined by "; " ("... or always; Measure: ...").
    shown = "; ".join(f"{column}: {' '.join(texts)}".rstrip(CELL_END) if column
                      else " ".join(texts).removeprefix("| ").rstrip(CELL_END) for column, texts in ordered)
    row = _row_name(first, scored)
    return f"{row}: {shown}" if row and row not in shown else shown


def items_on_lines(text: str) -> str:
    """A decision's lettered items run together in one paragraph ("... to: a) To ADOPT ... b) To DELEGATE ...") put
    one a line, as bullets; a lone letter ("option b) Was ...") is no list: two items in sequence are."""
    markers = list(INLINE_MARKER.finditer(text))
    cuts = sorted({m.start() for before, after in zip(markers, markers[1:]) if next_label(before.group(1), after.group(1))
                   for m in (before, after)})
    if not cuts:
        return text
    lines = [text[start:end].strip() for start, end in zip([0, *cuts], [*cuts, len(text)])]
    return "\n- ".join(line for line in lines if line)  # a quote opening on its first item is bulleted by its caller


def _between_cells(before: ScoredSentence, item: ScoredSentence) -> bool:
    """A cell boundary (the reader's tab) lies between two sentences of a table row."""
    chunk = item.chunk
    return "\t" in chunk.text[before.sentence.end - chunk.start: item.sentence.start - chunk.start]


def _row_name(cell: ScoredSentence, scored: list[ScoredSentence]) -> str:
    """What the row is about: its number ("Item 15"), else its first cell ("Foster households")."""
    section = cell.chunk.section or ""
    if section.startswith("row "):
        return section.replace("row", "Item", 1)
    first = min((s for s in scored if s.chunk.id == cell.chunk.id), key=lambda s: s.position, default=cell)
    name = collapse_whitespace(first.text).rstrip(CELL_END)  # followed by ": " and the cells
    # A first cell going on from the page before ("parent is in unsuitable accommodation.") is a fragment, no name.
    named = first is not cell and len(name.split()) <= ROW_NAME_WORDS and not name[:1].islower()
    return name if named else ""


def _citation(group: list[ScoredSentence], n: int) -> Citation | None:
    chunk = group[0].chunk
    start, end = group[0].sentence.start, group[-1].sentence.end
    quote = collapse_whitespace(chunk.text[start - chunk.start: end - chunk.start])
    return verified_citation(chunk, n, quote, (start, end), group[0].sentence.page, group[0].sentence.section)
