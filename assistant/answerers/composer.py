"""Writes the chosen sentences as a cited answer: verified quotes, table rows by column, bullets, council groups."""

from __future__ import annotations

from assistant.answerers.scored import LIST_ITEM, REPLY, Marks, ScoredSentence, repeats
from assistant.quotes import collapse_whitespace, verified_citation
from assistant.results import Answer, Citation
from index.records import StoredChunk
from ingest.structure import MARKUP
from prompts import render


def compose(chosen: list[ScoredSentence], marks: Marks, scored: list[ScoredSentence], by_council: bool = False,
            as_quotes: bool = False) -> Answer:
    """Answer text in the order chosen (grouped by council for comparisons), a list's items as bullets;
    adjacent sentences share a quote."""
    citations: list[Citation] = []
    pieces: list[str] = []
    groups = _groups(chosen)
    if by_council:
        groups.sort(key=lambda g: (_council(g[0].chunk), g[0].sentence.start))
    previous_council, after_list = None, False
    for group in groups:
        citation = _citation(group, len(citations) + 1)
        if citation is None:
            continue
        citations.append(citation)
        council = _council(group[0].chunk)
        heading = f"\n{council}: " if by_council and council != previous_council else ""
        mark = marks.get(group[0].key)
        # a briefing writer pastes the exact words with their reference, one quote a line
        piece = (render("briefing_reference", quote=citation.quote, reference=citation.reference())
                 if as_quotes else _wording(_whole_span(group, scored), citation))
        pieces.append(f"{heading}{_line_start(mark, after_list)}{piece} [{citation.n}]" + ("\n" if as_quotes else ""))
        previous_council, after_list = council, mark == LIST_ITEM
    text = "\n".join(line.rstrip() for line in " ".join(pieces).strip().splitlines())
    return Answer(text, citations, abstained=not citations)


def _line_start(mark: str | None, after_list: bool) -> str:
    """A list item is a bullet and the text after a list starts a new line; a reply says it is one."""
    if mark == LIST_ITEM:
        return "\n- "
    return ("\n" if after_list else "") + ("Reply: " if mark == REPLY else "")


def _council(chunk: StoredChunk) -> str:
    return str(chunk.document.get("council") or chunk.document.get("title") or chunk.source)


def _groups(chosen: list[ScoredSentence]) -> list[list[ScoredSentence]]:
    """Sentences cited together: adjacent ones of a passage, or all of one table row when no markup lies between."""
    groups: list[list[ScoredSentence]] = []
    for item in chosen:
        if any(repeats(item, group) for group in groups):
            continue
        home = next((g for g in groups if g[0].chunk.id == item.chunk.id
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


def _whole_span(group: list[ScoredSentence], scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """Every sentence of the passage between the group's first and last, as the quote holds them all."""
    first, last = group[0].sentence.start, group[-1].sentence.end
    inside = [s for s in scored if s.chunk.id == group[0].chunk.id and first <= s.sentence.start < last]
    return sorted(inside, key=lambda s: s.position) or group


def _wording(group: list[ScoredSentence], citation: Citation) -> str:
    """The quote itself, or for a table row each cell under its column name, since a bare cell ("£584,000") says little."""
    first = group[0]
    if first.chunk.kind != "table_row" or not any(item.sentence.column for item in group):
        return citation.quote
    cells: dict[str, list[str]] = {}
    for item in group:
        column = (item.sentence.column or "").rstrip(":")
        cells.setdefault(column, []).append(collapse_whitespace(item.text))
    row = f"{first.chunk.section.replace('row', 'Item').strip()}: " if first.chunk.section else ""
    return row + " | ".join(f"{column}: {' '.join(texts)}" if column else " ".join(texts)
                           for column, texts in cells.items())


def _citation(group: list[ScoredSentence], n: int) -> Citation | None:
    chunk = group[0].chunk
    start, end = group[0].sentence.start, group[-1].sentence.end
    quote = collapse_whitespace(chunk.text[start - chunk.start: end - chunk.start])
    return verified_citation(chunk, n, quote, (start, end), group[0].sentence.page, group[0].sentence.section)
