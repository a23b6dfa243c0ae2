"""The question-answering engine: resolve the question, retrieve passages, answer with citations, time each step."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from assistant.answerers.base import AnswerContext, Answerer
from assistant.answerers.tracker import TrackerAnswerer
from assistant.followup import resolve_question
from assistant.glossary import expand_query, explain
from assistant.query import (QueryAnalysis, analyse, asks_after_papers, name_terms, papers_named, place_terms,
                             without_councils)
from assistant.results import Answer, AnswerResult
from assistant.unmentioned import names_no_citation_mentions, unmentioned_names
from index.filters import SearchFilter
from index.retriever import HybridRetriever, Passage
from index.store import ChromaStore
from prompts import render


@dataclass
class _Search:
    """What one search used and found: the expanded query, its vector, the filter applied and the passages."""

    query: str
    query_vector: np.ndarray
    search_filter: SearchFilter | None
    passages: list[Passage]
    scope_terms: frozenset[str]  # the names of the councils searched, which every passage shares


class QAEngine:
    """One question in, one cited answer out; the answerer is swappable, retrieval is shared."""

    def __init__(self, store: ChromaStore, retriever: HybridRetriever, answerer: Answerer, top_k: int = 8,
                 tracker: TrackerAnswerer | None = None,
                 resolver: Callable[[str, list[str]], str] = resolve_question) -> None:
        self.store = store
        self.resolve = resolver  # turns a follow-up into the question to search with
        self.tracker = tracker
        self.retriever = retriever
        self.answerer = answerer
        self.top_k = top_k

    def ask(self, question: str, history: list[str] | None = None,
            search_filter: SearchFilter | None = None) -> AnswerResult:
        started = time.perf_counter()
        resolved = self.resolve(question.strip(), history or [])
        analysis = self._analyse(question, resolved)
        unknown = self._councils_not_indexed(analysis)
        if unknown:
            return self._no_such_council(question, resolved, unknown, started)
        search = self._search(resolved, analysis, search_filter, self.top_k)
        refusal = self._refusal_before_answering(question, resolved, search)
        if refusal:
            return self._refusal(question, resolved, refusal, started)
        retrieved = time.perf_counter()
        answer = self._tracker_answer(question, resolved, analysis, search.search_filter, search.passages)
        if answer is None:
            sentences = self.store.sentences_of([p.chunk.id for p in search.passages])
            context = AnswerContext(search.query, search.query_vector, search.passages, sentences,
                                    self.retriever.lexical_index().term_weight, analysis, search.scope_terms)
            answer = self.answerer.answer(context)
        answer = self._unless_names_unmatched(resolved, answer, search)
        finished = time.perf_counter()
        timings = {"retrieve": (retrieved - started) * 1000, "answer": (finished - retrieved) * 1000,
                   "total": (finished - started) * 1000}
        return AnswerResult(question, self._with_glossary(answer), answer.abstained, answer.citations, timings, resolved,
                            answerer=answer.answerer, removed_sentences=answer.removed_sentences, notes=answer.notes,
                            kept_sentences=answer.kept_sentences)

    def passages(self, question: str, history: list[str] | None = None, top_k: int | None = None) -> list[Passage]:
        """The passages ask() would answer from, top_k deep: what the evaluation scores as retrieval."""
        resolved = self.resolve(question.strip(), history or [])
        analysis = self._analyse(question, resolved)
        if self._councils_not_indexed(analysis):
            return []
        return self._search(resolved, analysis, None, top_k or self.top_k).passages

    def _search(self, resolved: str, analysis: QueryAnalysis, search_filter: SearchFilter | None,
                top_k: int) -> _Search:
        search_filter = self._narrow(search_filter, analysis, resolved)
        query = expand_query(resolved)
        topic = without_councils(query, search_filter.councils) if search_filter else query
        query_vector = self.retriever.embedder.embed_query(topic)
        passages = self._retrieve(topic, analysis, search_filter, query_vector, top_k)
        return _Search(query, query_vector, search_filter, self._with_following(passages),
                       self._scope_terms(search_filter))

    def _refusal_before_answering(self, question: str, resolved: str, search: _Search) -> str | None:
        """Papers cannot report what happened after they were written, nor anything they never mention."""
        later = asks_after_papers(question, self._documents_in(search.search_filter))
        if later:
            return render("abstain_later", month=later)
        in_scope = (search.search_filter or SearchFilter()).matches
        unmentioned = unmentioned_names(resolved, self.retriever.lexical_index(), in_scope, search.scope_terms)
        return render("abstain_unmentioned", names=", ".join(unmentioned)) if unmentioned else None

    def _with_following(self, passages: list[Passage]) -> list[Passage]:
        """A passage ending "... as follows:" is followed by its list, and one ending with a question (a member's
        question in council Q&A papers) by its reply; bring that passage along, ranked last."""
        present = {p.chunk.id for p in passages}
        extra: list[Passage] = []
        for passage in passages:
            if passage.chunk.text.rstrip().endswith((":", "?")):
                following = self.retriever.next_chunk(passage.chunk)
                if following is not None and following.id not in present:
                    present.add(following.id)
                    extra.append(Passage(following, 0.0, 0.0))
        return passages + extra

    def _tracker_answer(self, question: str, resolved: str, analysis: QueryAnalysis,
                        search_filter: SearchFilter | None, passages: list[Passage]) -> Answer | None:
        """The tracker's record when one answers; this turn's own words pick which progress sentence to show."""
        if self.tracker is None:
            return None
        answer = self.tracker.answer(resolved, analysis, search_filter, facet=question)
        if answer is None and passages:
            answer = self.tracker.answer_for_passage(passages[0].chunk.id, analysis, question)
        return answer

    @staticmethod
    def _analyse(question: str, resolved: str) -> QueryAnalysis:
        analysis, own = analyse(resolved), analyse(question)
        # "did it pass?" after "who moved the motion?" no longer asks who
        analysis = replace(analysis, role=own.role)
        # "what about rec 16?" asks about 16, not the 15 of the earlier turn
        numbers = own.recommendation_numbers or analysis.recommendation_numbers
        return replace(analysis, recommendation_numbers=numbers)

    def _unless_names_unmatched(self, resolved: str, answer: Answer, search: _Search) -> Answer:
        """An answer none of whose passages mentions any name the question uses ("GCSE") answers another question."""
        lexical = self.retriever.lexical_index()
        unmatched = names_no_citation_mentions(resolved, answer.citations, lexical, search.scope_terms)
        if not unmatched:
            return answer
        closest = answer.citations[0]
        where = render("abstain_closest", where=closest.title or closest.source, snippet=closest.quote[:200])
        return Answer(render("abstain_names_unmatched", names=", ".join(unmatched), closest=where), [], abstained=True)

    @staticmethod
    def _scope_terms(search_filter: SearchFilter | None) -> frozenset[str]:
        councils = search_filter.councils if search_filter else ()
        return frozenset().union(*(name_terms(council) for council in councils))

    @staticmethod
    def _with_glossary(answer: Answer) -> str:
        explained = "" if answer.abstained else explain(answer.text)
        return f"{answer.text}\n\n{render('acronyms', explained=explained)}" if explained else answer.text

    def _retrieve(self, question: str, analysis: QueryAnalysis, search_filter: SearchFilter | None,
                  query_vector: np.ndarray, top_k: int) -> list[Passage]:
        """A comparison draws passages from each council named (or from twice as many passages) so every side is heard."""
        numbers = analysis.recommendation_numbers
        if not analysis.wants_comparison:
            return self.retriever.retrieve(question, top_k, search_filter, query_vector, numbers)
        if search_filter is not None and len(search_filter.councils) > 1:
            share = max(3, top_k // len(search_filter.councils))
            return [p for council in search_filter.councils for p in self.retriever.retrieve(
                question, share, replace(search_filter, councils=(council,)), query_vector, numbers)]
        return self.retriever.retrieve(question, top_k * 2, search_filter, query_vector, numbers)

    def _indexed_councils(self) -> set[str]:
        return {str(doc["council"]) for doc in self.store.list_documents() if doc.get("council")}

    def _councils_not_indexed(self, analysis: QueryAnalysis) -> list[str]:
        """Councils asked about when none of them has papers in the index, nor is mentioned by a paper whose
        council was not recognised (that paper may well be the council's own)."""
        indexed = self._indexed_councils()
        if not analysis.councils or any(name in indexed for name in analysis.councils):
            return []
        unattributed = self.retriever.lexical_index().terms_in(lambda chunk: not chunk.document.get("council"))
        if any(place_terms(name) <= unattributed for name in analysis.councils):
            return []
        return list(analysis.councils)

    def _narrow(self, search_filter: SearchFilter | None, analysis: QueryAnalysis,
                question: str = "") -> SearchFilter | None:
        """A council, committee or meeting month named in the question narrows the search, unless the user chose a filter."""
        if search_filter is not None and not search_filter.is_empty:
            return search_filter
        named = tuple(name for name in analysis.councils if name in self._indexed_councils())
        papers = papers_named(question, self.store.list_documents())
        if not named and not papers:
            return search_filter
        return SearchFilter(councils=named, sources=papers)

    def _no_such_council(self, question: str, resolved: str, unknown: list[str], started: float) -> AnswerResult:
        covered = ", ".join(sorted(self._indexed_councils())) or "none yet"
        return self._refusal(question, resolved, render("abstain_council", councils=", ".join(unknown), covered=covered),
                             started)

    def _documents_in(self, search_filter: SearchFilter | None) -> list[dict]:
        scope = search_filter or SearchFilter()
        return [doc for doc in self.store.list_documents() if scope.matches_document(doc, doc["source"])]

    @staticmethod
    def _refusal(question: str, resolved: str, text: str, started: float) -> AnswerResult:
        elapsed = (time.perf_counter() - started) * 1000
        return AnswerResult(question, text, True, [], {"retrieve": elapsed, "answer": 0.0, "total": elapsed}, resolved)
