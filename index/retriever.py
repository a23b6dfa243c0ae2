"""Hybrid retrieval: dense passages, BM25, item numbers, reference codes and the papers a question names by title
find candidates; their sentences' closeness to the question ranks them once more; the rankings are fused by reciprocal
rank, less any passage worded as one above it (a paper reissued to a later meeting), then reordered by the fitted
passage reranker."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.embedder import Embedder
from index.filters import SearchFilter
from index.fusion import reciprocal_rank_fusion
from index.lexical import LexicalIndex, content_terms
from index.records import StoredChunk
from index.rerank import Candidate, Reranker, RetrievalSignals
from index.store import Store
from ingest.vocabulary import NUMBER_WORDS

# A reference code in a question ("MM72", "CRR0056", "indicator B79"): letters then digits, used by few passages.
REFERENCE_CODE = re.compile(r"\b[A-Za-z]{1,5}\d{1,6}[A-Za-z]?\b")
RARE_CODE_PASSAGES = 20  # more than this and the "code" is common wording ("Q3", "S106"), which BM25 weighs already
# A paper the question names by its title ("the EqIA for the Commissioning Plan"): most of the title's weight is in
# the question, in at least two words; its passages are searched by the rest of the question.
TITLE_SHARE = 0.6
TITLE_TERMS = 2
TITLED_PAPERS = 3
TITLED_PASSAGES = 20
RERANK_POOL = 30  # fused candidates the reranker reorders; hit@30 of the fusion bounds what it can find
# "... there are three critical issues that will shape ...:" announces its list's length ("two scenarios ...;" too),
# at the end of a passage or of a line within it.
ANNOUNCED_COUNT = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|[2-9])\s+(?:[a-z-]+\s+){0,2}?[a-z-]+s\b[^.:;]*[:;][ \t]*(?:\n|$)",
                             re.IGNORECASE)

# A list's lead-in ends with a colon, sometimes followed by its first item's marker: "... asked to: a.)", "(i)".
COLON_LEAD = re.compile(r":(?:\s*\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]{1,2})?$", re.IGNORECASE)
# "... based on the following assessed levels.", "... is as follows.": a list's lead-in that ends on a full stop.
FOLLOWING_LEAD = re.compile(r"\b(?:the following(?:\s+[\w-]+){0,3}|as follows)\s*[.:]?\s*$", re.IGNORECASE)


@dataclass
class Passage:
    """A retrieved chunk with its fused score and the dense similarity of its best sentence."""

    chunk: StoredChunk
    score: float
    best_sentence_similarity: float


def opens_list(lead: str) -> bool:
    """The text ends as a list's lead-in: with a colon, or a colon and the first item's marker ("... to: a.)"), or by
    saying a list follows ("... based on the following assessed levels.", "... as follows.") or how many items it has
    ("There will be two scenarios ...;")."""
    text = lead.rstrip()
    return (COLON_LEAD.search(text) is not None or FOLLOWING_LEAD.search(text) is not None
            or announced_count(text) is not None)


def announced_count(lead: str) -> int | None:
    """How many items a list's lead-in says follow it, if it says."""
    found = ANNOUNCED_COUNT.search(lead)
    if found is None:
        return None
    word = found.group(1).lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def next_chunk_id(chunk_id: str) -> str:
    """Chunk ids are "source:ingest:ordinal"; the next passage has the next ordinal."""
    prefix, ordinal = chunk_id.rsplit(":", 1)
    return f"{prefix}:{int(ordinal) + 1}"


class HybridRetriever:
    """The dense passage query goes to the store, keyword and item-number queries to its keyword index (filters apply
    inside each search); the candidates' sentences are scored here, and only the fused top passages are read in
    full."""

    def __init__(self, store: Store, embedder: Embedder, candidate_pool: int = 40, rrf_k: int = 60,
                 reranker: Reranker | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.candidate_pool = candidate_pool
        self.rrf_k = rrf_k
        self.reranker = reranker

    def lexical_index(self) -> LexicalIndex:
        """The keyword index, current with every write to the store (this process's or another's)."""
        return self.store.lexical_index()

    def next_chunk(self, chunk: StoredChunk) -> StoredChunk | None:
        """The passage that follows this one in its document, e.g. the reply to a member's question."""
        return self.lexical_index().chunk(next_chunk_id(chunk.id))

    def list_items(self, lead: StoredChunk) -> list[StoredChunk]:
        """The passages after a list's lead-in: the next one, and when the lead says how many items follow ("three
        issues:"), as many more of its numbered paragraph (a list of long items is a passage per item)."""
        most = announced_count(lead.text) or 1
        items: list[StoredChunk] = []
        following = self.next_chunk(lead)
        while following is not None and len(items) < most:
            items.append(following)
            if not lead.section or following.section != lead.section:
                break
            following = self.next_chunk(following)
        return items

    def retrieve(self, query: str, top_k: int = 8, search_filter: SearchFilter | None = None,
                 query_vector: np.ndarray | None = None, item_numbers: tuple[str, ...] = ()) -> list[Passage]:
        """Top passages; item_numbers ("15") add a ranking of the table rows and paragraphs so numbered, joined by the
        passages using a rare reference code the query names ("MM72"); a paper named by its title adds its passages
        found by the rest of the query."""
        vector = self.embedder.embed_query(query) if query_vector is None else query_vector
        lexical = self.lexical_index()
        dense_chunks = [cid for cid, _ in self.store.query_chunks(vector, self.candidate_pool, search_filter)]
        keyword_hits = lexical.search(query, self.candidate_pool, search_filter)
        keyword = [cid for cid, _ in keyword_hits]
        numbered = lexical.labelled(item_numbers, search_filter) if item_numbers else []
        numbered += [cid for cid in _coded(lexical, query, search_filter) if cid not in numbered]
        titled = _in_titled_papers(lexical, query, search_filter)
        best_sentence = self._closest_sentences(vector, list(dict.fromkeys(dense_chunks + keyword + numbered + titled)))
        dense_sentences = sorted(best_sentence, key=best_sentence.get, reverse=True)
        rankings = [dense_sentences, dense_chunks, keyword, numbered, titled]
        pool = top_k if self.reranker is None else max(top_k, RERANK_POOL)
        # read deeper than the pool, so that copies left out leave room for other passages
        fused = reciprocal_rank_fusion(rankings, k=self.rrf_k, weights=[1.0, 1.0, 1.0, 3.0, 2.0])[:2 * pool]
        chunks = {chunk.id: chunk for chunk in lexical.chunks([cid for cid, _ in fused])}
        candidates = _without_copies([Candidate(chunks[cid], score, best_sentence.get(cid, 0.0))
                                      for cid, score in fused if cid in chunks])[:pool]
        if self.reranker is not None:
            signals = RetrievalSignals(_positions(dense_sentences), _positions(dense_chunks), _positions(keyword),
                                       dict(keyword_hits), frozenset(numbered), lexical.term_weights(query), self.rrf_k)
            candidates = self.reranker.order(candidates, signals)
        return [Passage(c.chunk, c.fused, c.best_sentence) for c in candidates[:top_k]]

    def _closest_sentences(self, vector: np.ndarray, chunk_ids: list[str]) -> dict[str, float]:
        """Each candidate passage's closest sentence to the question (cosine). Scored within the candidates rather
        than searched across the library: the same evidence found on every gold set (docs/scale.md), without an
        index of every sentence in memory (790 MiB at 100,000 passages)."""
        sentences = self.store.sentences_of(chunk_ids)
        if not sentences:
            return {}
        similarities = np.stack([s.vector for s in sentences]).astype(np.float32) @ np.asarray(vector, np.float32)
        closest: dict[str, float] = {}
        for sentence, similarity in zip(sentences, similarities.tolist()):
            closest[sentence.chunk_id] = max(similarity, closest.get(sentence.chunk_id, -1.0))
        return closest


def _coded(lexical: LexicalIndex, query: str, search_filter: SearchFilter | None) -> list[str]:
    """Passages using a reference code the query names, when few passages use it."""
    found: list[str] = []
    for code in dict.fromkeys(match.group(0).lower() for match in REFERENCE_CODE.finditer(query)):
        passages = lexical.using(code, search_filter)
        if len(passages) <= RARE_CODE_PASSAGES:
            found += passages
    return found


def _in_titled_papers(lexical: LexicalIndex, query: str, search_filter: SearchFilter | None) -> list[str]:
    """Passages of the papers the query names by title, found by the query's other words, best first: a form's rows
    ("Responsible Director | ...") do not repeat the subject its title names."""
    hits = []
    for source, title_terms in _titled_papers(lexical, content_terms(query), search_filter):
        rest = " ".join(word for word in query.split() if not content_terms(word) <= title_terms)
        if content_terms(rest):
            hits += lexical.search(rest, TITLED_PASSAGES, SearchFilter(sources=(source,)))
    return [chunk_id for chunk_id, _ in sorted(hits, key=lambda hit: -hit[1])[:TITLED_PASSAGES]]


def _titled_papers(lexical: LexicalIndex, asked: frozenset[str], search_filter: SearchFilter | None
                   ) -> list[tuple[str, frozenset[str]]]:
    """The papers (and their titles' terms) most of whose title's weight the query's terms hold, best first."""
    named = []
    for source, title in lexical.titles(search_filter).items():
        terms = content_terms(title)
        shared = terms & asked
        if len(shared) >= TITLE_TERMS:
            share = sum(map(lexical.term_weight, shared)) / sum(map(lexical.term_weight, terms))
            if share >= TITLE_SHARE:
                named.append((share, source, terms))
    return [(source, terms) for _, source, terms in sorted(named, reverse=True)[:TITLED_PAPERS]]


def _without_copies(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates less any passage worded as one ranked above it: a paper reissued to a later meeting (the
    Cabinet's appendix again in the Council's papers) would otherwise fill two places with one text. A passage that
    is only part of another is kept: a minute's resolution quoting a report's recommendation says it was agreed."""
    seen: set[str] = set()
    kept = []
    for candidate in candidates:
        wording = " ".join(candidate.chunk.text.split()).lower()
        if wording not in seen:
            seen.add(wording)
            kept.append(candidate)
    return kept


def _positions(ranking: list[str]) -> dict[str, int]:
    """Each id's 1-based place in a ranking."""
    return {chunk_id: place for place, chunk_id in enumerate(ranking, start=1)}
