"""The engine's pluggable steps: guards that refuse before answering and checks that judge an answer after it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from assistant.query import QueryAnalysis, asks_after_papers, council_type, place_terms
from assistant.results import Answer, Citation
from assistant.unmentioned import names_no_citation_mentions
from assistant.versions import VersionFinder
from index.filters import SearchFilter
from index.records import StoredChunk
from index.retriever import HybridRetriever, Passage
from index.store import ChromaStore
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
