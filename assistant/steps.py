"""The engine's pluggable steps: guards that refuse before answering and checks that judge an answer after it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from assistant.query import (QueryAnalysis, asks_after_papers, council_type, financial_years, place_terms,
                            speaks_of_years_asked, years_asked, years_in)
from assistant.results import Answer, Citation
from assistant.unmentioned import names_no_citation_mentions
from assistant.versions import VersionFinder
from index.filters import SearchFilter
from index.records import StoredChunk
from index.retriever import HybridRetriever, Passage
from index.store import ChromaStore, Store
from ingest.vocabulary import MONTH_NAMES, MONTH_YEAR
from prompts import render


@dataclass
class Turn:
    """One question as the engine sees it: the user's own words, the standalone question and its analysis."""

    question: str  # this turn's own words
    resolved: str  # the question made standalone with the conversation's topic
    analysis: QueryAnalysis


@dataclass
class Search:
    """What one search used and found: the expanded query, its vector, the filter applied and the passages."""

    query: str
    query_vector: np.ndarray
    search_filter: SearchFilter | None
    passages: list[Passage]
    scope_terms: frozenset[str]  # the names of the councils searched, which every passage shares


class GuardBeforeSearch(Protocol):
    """Refuses a question the index cannot answer whatever it retrieves; None lets it through."""

    def refuse(self, turn: Turn) -> str | None: ...


class GuardAfterSearch(Protocol):
    """Refuses a question the retrieved scope cannot answer; None lets it through."""

    def refuse(self, turn: Turn, search: Search) -> str | None: ...


class Check(Protocol):
    """Judges an answer once written: returns it, or a refusal in its place."""

    def check(self, turn: Turn, search: Search, answer: Answer) -> Answer: ...


def indexed_councils(store: ChromaStore) -> set[str]:
    return {str(doc["council"]) for doc in store.list_documents() if doc.get("council")}


class UnknownCouncilGuard:
    """A council asked about that has no papers in the index, nor is mentioned by a paper whose council was not
    recognised (that paper may well be the council's own), nor is a district that an indexed county's papers name
    ("the family hub in Dartford" is a question for Kent's papers)."""

    def __init__(self, store: ChromaStore, retriever: HybridRetriever) -> None:
        self.store = store
        self.retriever = retriever

    def refuse(self, turn: Turn) -> str | None:
        councils = turn.analysis.councils
        indexed = indexed_councils(self.store)
        if not councils or any(name in indexed for name in councils):
            return None
        lexical, unattributed = self.retriever.lexical_index(), (lambda document: not document.get("council"))
        if any(lexical.terms_in(place_terms(name), unattributed) == place_terms(name) for name in councils):
            return None
        counties = SearchFilter(councils=tuple(sorted(name for name in indexed if council_type(name) == "county")))
        if counties.councils and any(council_type(name) == "district" and
                                     lexical.terms_in(place_terms(name), counties) == place_terms(name)
                                     for name in councils):
            return None
        covered = ", ".join(sorted(indexed)) or "none yet"
        return render("abstain_council", councils=", ".join(councils), covered=covered)


class LaterThanPapersGuard:
    """Papers cannot report what happened after they were written."""

    def __init__(self, store: ChromaStore) -> None:
        self.store = store

    def refuse(self, turn: Turn, search: Search) -> str | None:
        scope = search.search_filter or SearchFilter()
        documents = [doc for doc in self.store.list_documents() if scope.matches_document(doc, doc["source"])]
        later = asks_after_papers(turn.question, documents)
        return render("abstain_later", month=later) if later else None


class NamesUnmatchedCheck:
    """An answer none of whose passages mentions any name the question uses ("GCSE") answers another question."""

    def __init__(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever

    def check(self, turn: Turn, search: Search, answer: Answer) -> Answer:
        lexical = self.retriever.lexical_index()
        # a table row is cited by its cells; the caption over its table ("SEND Commissioning Intentions:") names it
        contexts = [chunk.search_text for chunk in _cited_chunks(search, answer)]
        unmatched = names_no_citation_mentions(turn.resolved, answer.citations, lexical, search.scope_terms, contexts)
        return replace(_withheld(answer, unmatched), unmatched_names=tuple(unmatched)) if unmatched else answer


class YearsUnmatchedCheck:
    """An answer from papers that speak of none of the years the question names (the forecast "for March 2028" of a
    table that stops at 2027) answers another question. The cited papers' retrieved passages, headings and dates all
    count, so a paper about 2025-26 answers "in 2025" from a sentence that does not repeat the year. An answer quoting
    only table rows laid out by year must quote the year asked: a plan's columns stop where it does ("2035-36" is not
    answered from a row of 2025-26 to 2034-35). Papers dated nowhere (a budget amendment's form) are about no other
    year, so their answer stands."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def check(self, turn: Turn, search: Search, answer: Answer) -> Answer:
        asked = years_asked(turn.question)
        if not asked or answer.abstained or not answer.citations:
            return answer
        cited = {citation.source for citation in answer.citations}
        texts = [text for citation in answer.citations for text in (citation.text, citation.title, citation.date) if text]
        texts += [p.chunk.search_text for p in search.passages if p.chunk.source in cited]
        if not speaks_of_years_asked(turn.question, texts) and not self._timeless(cited, answer):
            return _withheld(answer, [str(year) for year in sorted(asked)])
        beyond_columns = _years_beyond_columns(turn.question, search, answer)
        return _withheld(answer, [str(year) for year in sorted(beyond_columns)]) if beyond_columns else answer

    def _timeless(self, sources: set[str], answer: Answer) -> bool:
        """The cited papers are dated nowhere: no date printed and no year anywhere in their text (a budget
        amendment's form), so they cannot be about another year than the one asked."""
        if any(citation.date for citation in answer.citations):
            return False
        return not any(years_in(self.store.document_text(source) or "") for source in sources)


class OtherVersionsCheck:
    """A quote that a paper sharing most of its text words differently (a reissued form, the final of a draft) keeps
    its place, with the other words beside it: which holds is for the reader to judge, not for the engine to guess."""

    def __init__(self, store: ChromaStore) -> None:
        self.finder = VersionFinder(store.document_text)

    def check(self, turn: Turn, search: Search, answer: Answer) -> Answer:
        if answer.abstained or not answer.citations:
            return answer
        found = self.finder.differing(answer.citations, [passage.chunk for passage in search.passages])
        return replace(answer, other_versions=[version.describe() for version in found]) if found else answer


def _years_beyond_columns(question: str, search: Search, answer: Answer) -> set[int]:
    """The years asked when every quoted passage is a table row laid out by year ("2029-30 Year 5 ... 2034-35 Year
    10") and none of them is among its years; else none."""
    cited = _cited_chunks(search, answer)
    by_year = [chunk for chunk in cited if chunk.kind == "table_row" and len(financial_years(chunk.search_text)) >= 2]
    if not by_year or len(by_year) < len(cited):
        return set()
    # "the plan put to Cabinet in January 2025": a year dating a meeting is not a column asked for
    columns_asked = MONTH_YEAR.sub(lambda m: " " if m.group(1).lower() in MONTH_NAMES else m.group(0), question)
    if speaks_of_years_asked(columns_asked, [chunk.search_text for chunk in by_year]):
        return set()
    return years_asked(columns_asked)


def _cited_chunks(search: Search, answer: Answer) -> list[StoredChunk]:
    """The retrieved passages the answer quotes."""
    return [p.chunk for p in search.passages if _cited(p.chunk, answer.citations)]


def _cited(chunk: StoredChunk, citations: list[Citation]) -> bool:
    """Some citation quotes this passage."""
    return any(c.source == chunk.source and chunk.start <= c.start < chunk.end for c in citations)


def _withheld(answer: Answer, unmatched: list[str]) -> Answer:
    """The refusal that replaces an answer whose passages do not mention what the question names, with the closest
    passage shown."""
    closest = answer.citations[0]
    where = render("abstain_closest", where=closest.title or closest.source, snippet=closest.quote[:200])
    return Answer(render("abstain_names_unmatched", names=", ".join(unmatched), closest=where), [], abstained=True)
