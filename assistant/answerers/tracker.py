"""Answers questions about a numbered recommendation and status lists from the recommendations tracker, each record
cited."""

from __future__ import annotations

import re
from collections import Counter

from assistant.answerers.base import AnswerContext
from assistant.answerers.features import wants_typed
from assistant.query import QueryAnalysis, analyse, question_parts, without_councils
from assistant.quotes import collapse_whitespace, is_verbatim, locate, verified_citation
from assistant.results import Answer, Citation
from assistant.tracker import list_recommendations, rollups
from index.filters import SearchFilter
from index.lexical import content_terms
from index.records import StoredChunk
from index.retriever import HybridRetriever
from index.store import ChromaStore
from ingest.recommendations import Recommendation
from ingest.vocabulary import ASKED_STATUSES, OUTSTANDING, STATUSES
from ingest.structure import MARKUP
from prompts import render

# What "which ..." lists: the first lower-case word after it, past "of the" and names ("Which of Derby's actions");
# the tracker lists recommendations, not "Which Kent savings have been delivered?"
WHICH_LISTED = re.compile(r"\b[Ww]hich\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|our\s+)?(?:[A-Z&][\w'\u2019&.-]*\s+)*([a-z][\w-]*)")
TRACKED_WORDS = frozenset({"recommendation", "recommendations", "rec", "recs", "action", "actions", "commitment",
                           "commitments", "one", "ones", "are", "is", "were", "was", "have", "has", "had", "remain",
                           "remains", "still", "of"})
MAX_NUMBERED = 3
PROGRESS_WORDS = 90
# A list names each recommendation briefly so that all of it fits in a glance; one item gets its whole sentences, up
# to about this many words (its first sentence always whole: what it asks for and by when are often at its end).
SUMMARY_WORDS, LISTED_SUMMARY_WORDS = 60, 12


def _counts(counts: Counter) -> str:
    return ", ".join(f"{n} {status}" for status in STATUSES if (n := counts.get(status)))


def _opening(text: str, max_words: int) -> str:
    """Whole sentences from the start of text, up to about max_words: the latest position, not all of it."""
    kept: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if kept and len(" ".join(kept + [sentence]).split()) > max_words:
            break
        kept.append(sentence)
    return " ".join(kept)


def _progress_excerpt(progress: str, question: str) -> str:
    """The latest position (the opening), or, when a later sentence matches the question ("what did the panel
    say?" finds the panel's comment), the first sentence and that one; each part of a question asking several things
    ("when will it be launched, and when is the report due?") brings its own."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", progress) if s]
    picks = sorted({best for part in question_parts(question) if (best := _best_sentence(sentences, part)) is not None})
    if not picks:
        return _opening(progress, PROGRESS_WORDS)
    shown = [0, *picks]
    pieces = [sentences[0]]
    for before, position in zip(shown, shown[1:]):
        pieces.append(("" if position == before + 1 else "… ") + sentences[position])
    return " ".join(pieces)


def _best_sentence(sentences: list[str], question: str) -> int | None:
    """The position (after the first) of the sentence sharing most words with the question, of those sharing any one
    giving the kind of answer asked first ("when will it be launched?" finds "will be launched at the end of June")."""
    terms = content_terms(question)
    overlaps = [(len(terms & content_terms(sentence)), position) for position, sentence in enumerate(sentences[1:], 1)]
    if not any(overlap for overlap, _ in overlaps):
        return None
    analysis = analyse(question)  # only for a progress that has such a sentence: a status list shows many records
    typed = wants_typed(analysis)
    _, _, best = max((overlap > 0 and typed and analysis.answer_type_satisfied(sentences[position]), overlap, position)
                     for overlap, position in overlaps)
    return best


def _nearest_after(chunks: list[StoredChunk], start: int) -> list[StoredChunk]:
    """A paper's passages (in reading order) from the one reaching past start onwards, then those before it nearest
    first: a reply follows its recommendation, and replies to other recommendations may open with the same words
    ("This recommendation is accepted by the director ..."), so the nearest one after it is the reply to cite."""
    after = [chunk for chunk in chunks if chunk.end > start]
    before = [chunk for chunk in chunks if chunk.end <= start]
    return after + before[::-1]


def _lists_other_things(question: str, councils: tuple[str, ...]) -> bool:
    """ "Which budgets are outstanding?" lists budgets; "Which are outstanding?" and "Which of its recommendations
    ...?" list recommendations. The councils' names are passed over however they are typed ("which derby ...")."""
    match = WHICH_LISTED.search(without_councils(question, councils))
    return match is not None and match.group(1).lower() not in TRACKED_WORDS


def _wanted_statuses(question: str) -> tuple[str, ...]:
    for pattern, statuses in ASKED_STATUSES:
        if pattern.search(question):
            return statuses
    return ()


class TrackerAnswerer:
    """Used before the extractive answerer: a numbered recommendation or a status list has a record to answer from."""

    def __init__(self, store: ChromaStore, retriever: HybridRetriever) -> None:
        self.store = store
        self.retriever = retriever  # its keyword index holds every passage in memory

    def answer(self, context: AnswerContext) -> Answer | None:
        """The record a numbered recommendation or status list asks for; a number no tracked plan in scope has is
        answered as such, not with other rows."""
        answer = self.answer_question(context.resolved, context.analysis, context.search_filter,
                                      facet=context.turn_question)
        if answer is None and context.analysis.recommendation_numbers:
            answer = self._no_such_number(context.analysis.recommendation_numbers, context.search_filter)
        return answer

    def _no_such_number(self, numbers: tuple[str, ...], search_filter: SearchFilter | None) -> Answer | None:
        """When the plans in scope number their recommendations and the asked number is past the end of all of them, say
        how far each goes."""
        councils = search_filter.councils if search_filter else ()
        titles = {doc["source"]: doc.get("title") or doc["source"] for doc in self.store.list_documents()}
        highest: dict[str, int] = {}
        for record in self._records(councils):
            if record.number and record.number.isdigit():
                name = f"{titles.get(record.source, record.source)} ({record.council or 'council not known'})"
                highest[name] = max(highest.get(name, 0), int(record.number))
        asked = [int(n) for n in numbers if n.isdigit()]
        # only a number past the end of every plan: a gap, or an agenda item of that number, may be answered elsewhere
        if not highest or not asked or min(asked) <= max(highest.values()):
            return None
        plans = "; ".join(f"{name} numbers its recommendations 1 to {top}" for name, top in sorted(highest.items()))
        return Answer(render("tracker_no_such_number", numbers=" or ".join(numbers), plans=plans), [], abstained=True)

    def answer_question(self, question: str, analysis: QueryAnalysis, search_filter: SearchFilter | None,
                        facet: str | None = None) -> Answer | None:
        """facet is this turn's own words ("what did the panel say?"), which pick the progress sentence to show."""
        councils = search_filter.councils if search_filter else ()
        if analysis.recommendation_numbers:
            records = [r for n in analysis.recommendation_numbers for r in self._records(councils, number=n)]
            template = "tracker_item_quote" if analysis.wants_quote else "tracker_item"
            return self._compose(records[:MAX_NUMBERED], template, facet or question) if records else None
        statuses = _wanted_statuses(question)
        # a list answers one question; "how many are achieved, and which was not accepted?" asks two
        if ((analysis.wants_list or analysis.asks_any) and statuses and councils and len(question_parts(question)) < 2
                and not _lists_other_things(question, councils)):
            return self.status_list(councils, statuses)
        return None

    def status_list(self, councils: tuple[str, ...], statuses: tuple[str, ...]) -> Answer | None:
        """Every record in the statuses (never a sample); an outstanding list opens with each paper's counts."""
        everything = self._records(councils)
        records = sorted((r for r in everything if r.status in statuses), key=lambda r: (r.source, r.ordinal))
        if not records:
            return None
        sources = {r.source for r in records}
        heads = [render("tracker_rollup", council=rollup.council, source=rollup.source or "",
                        total=str(sum(rollup.counts.values())), counts=_counts(rollup.counts),
                        outstanding=str(len(rollup.outstanding)))
                 for rollup in rollups(everything) if rollup.source in sources] if statuses == OUTSTANDING else []
        return self._compose(records, "tracker_item_list", heads=heads)

    def _records(self, councils: tuple[str, ...], **where: str) -> list[Recommendation]:
        found = list_recommendations(self.store, kind="recommendation", with_history=False, **where)
        return [r for r in found if not councils or r.council in councils]

    def _compose(self, records: list[Recommendation], template: str, question: str = "",
                 heads: list[str] | None = None) -> Answer | None:
        citations: list[Citation] = []
        lines: list[str] = []
        listed = template == "tracker_item_list"
        for record in records:
            citation = self._citation(record, len(citations) + 1)
            if citation is None:
                continue
            citations.append(citation)
            fields = self._fields(record, citation, question, listed)
            if fields["progress"] and not listed:
                progress_citations = self._progress_citations(record, fields["progress"], citation, len(citations) + 1)
                citations.extend(progress_citations)
                fields["progress"] = self._with_markers(fields["progress"], progress_citations)
            lines.append(render(template, **fields))
        if not citations:
            return None
        text = "\n".join(f"- {line}" for line in lines) if listed else " ".join(lines)
        return Answer("\n".join([*(heads or []), text]), citations, abstained=False)

    @staticmethod
    def _fields(record: Recommendation, citation: Citation, question: str, listed: bool) -> dict[str, str]:
        text = collapse_whitespace(record.text)
        summary = " ".join(text.split()[:LISTED_SUMMARY_WORDS]) if listed else _opening(text, SUMMARY_WORDS)
        summary += "…" if len(summary) < len(text) else ""
        progress = _progress_excerpt(collapse_whitespace(record.progress or ""), question)
        return {
            "number": record.number or "", "council": record.council or record.source, "status": record.status,
            "text": summary, "progress": f" Progress: {progress.rstrip('.')}." if progress else "",
            "target": f" Target date: {record.target_date}." if record.target_date else "",
            "owner": f" Owner: {record.owner}." if record.owner else "", "n": str(citation.n),
            "quote": citation.quote, "reference": citation.reference(),
        }

    def _citation(self, record: Recommendation, n: int) -> Citation | None:
        if not record.chunk_id:
            return None
        chunk = self.retriever.lexical_index().chunk(record.chunk_id)
        if chunk is None:
            return None
        start, end = max(record.start, chunk.start), min(record.end, chunk.end)
        quote = collapse_whitespace(chunk.text[start - chunk.start:end - chunk.start])
        if MARKUP.search(quote) or not quote:
            quote = self._first_clean_sentence(record, chunk)
        return verified_citation(chunk, n, quote, (start, end), record.page, record.section) if quote else None

    def _progress_citations(self, record: Recommendation, progress: str, own: Citation, n: int) -> list[Citation]:
        """Progress reported in a passage of its own (a reply paragraph under the recommendation) is cited there:
        each excerpt piece not already inside the recommendation's quote gets the passage that holds it."""
        pieces = [piece.strip() for piece in progress.removeprefix(" Progress: ").split(" … ")]
        chunks = _nearest_after(self.retriever.lexical_index().chunks_of(record.source), record.start)
        citations: list[Citation] = []
        for piece in pieces:
            if not piece or any(is_verbatim(piece.rstrip("."), c.quote) for c in [own, *citations]):
                continue
            citation = self._cite_piece(piece, chunks, n + len(citations))
            citations.extend([citation] if citation else [])
        return citations

    @staticmethod
    def _cite_piece(piece: str, chunks: list[StoredChunk], n: int) -> Citation | None:
        """The first of these passages holding the piece, with its closing full stop when the passage has one."""
        for quote in (piece, piece.rstrip(".")):
            for chunk in chunks:
                span = locate(quote, chunk)
                if span:
                    return verified_citation(chunk, n, collapse_whitespace(quote), span, None, None)
        return None

    @staticmethod
    def _with_markers(progress: str, citations: list[Citation]) -> str:
        markers = " ".join(f"[{citation.n}]" for citation in citations)
        return f"{progress} {markers}" if markers else progress

    def _first_clean_sentence(self, record: Recommendation, chunk: StoredChunk) -> str:
        sentences = [s for s in self.store.sentences_of([chunk.id]) if record.start <= s.start < record.end]
        for sentence in sorted(sentences, key=lambda s: s.start):
            text = collapse_whitespace(chunk.text[sentence.start - chunk.start:sentence.end - chunk.start])
            if not MARKUP.search(text):
                return text
        return ""
