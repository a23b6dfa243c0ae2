"""BM25 keyword search over passages, kept on disk beside the store in segments that are updated per document."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import bm25s
import numpy as np
import Stemmer
from scipy import sparse

from index.filters import SearchFilter
from index.records import DOCUMENT_FIELDS, StoredChunk
from index.synonyms import with_synonyms
from ingest.vocabulary import LABELLED_NUMBER

_STEMMER = Stemmer.Stemmer("english")
# Words that frame a question rather than name its subject.
QUESTION_WORDS = {"what", "whi", "when", "where", "who", "how", "doe", "did", "do", "say", "said", "tell", "report",
                  "council", "document", "paper", "about", "happen", "wa", "were", "ani", "there", "give", "show",
                  "exact", "word", "quot", "quote", "pleas", "me", "us", "we", "our", "can", "could", "would", "should",
                  "plain", "english", "explain", "simpli", "simpl", "term", "mean", "which", "much", "mani", "got",
                  "has", "it", "yet", "anyth", "get", "go", "come", "see", "know", "whats", "like", "kind",
                  "thing", "someth", "actual", "verbatim", "wording", "line", "still", "ever", "let",
                  "so", "far", "moment"}
# BM25 as bm25s computes it ("lucene" variant), so rankings match the in-memory index this replaces.
K1, B = 1.5, 0.75
# How many texts a phrase check reads at most; the passages sharing all of a phrase's words are few in practice.


def tokens_of(texts: Sequence[str]) -> list[list[str]]:
    """Stemmed words less English stopwords: the keyword index's terms."""
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)


def is_content_term(token: str) -> bool:
    return token not in QUESTION_WORDS and len(token) > 1


@lru_cache(maxsize=50_000)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed words of the text, less English stopwords and question framing; cached, as sentences recur."""
    return frozenset(token for token in tokens_of([text])[0] if is_content_term(token))


def item_labels(text: str, section: str | None) -> list[str]:
    """The numbers a passage is labelled with: its table row ("row 7") or the items it names ("Action 7")."""
    labels = {match.group(1) for match in LABELLED_NUMBER.finditer(text)}
    if section and section.startswith("row "):
        labels.add(section.removeprefix("row "))
    return sorted(labels)


@dataclass
class KeywordPassage:
    """What the keyword index keeps of a passage: its ordinal in the document, search text and item labels."""

    ordinal: int
    search_text: str
    labels: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, chunk: StoredChunk) -> "KeywordPassage":
        return cls(int(chunk.id.rsplit(":", 1)[1]), chunk.search_text, item_labels(chunk.text, chunk.section))


@dataclass
class _Segment:
    """An immutable block of passages of some documents: term counts both by row and by term, lengths, labels."""

    name: str
    documents: list[dict[str, Any]]  # source, ingest_id and the DOCUMENT_FIELDS filters read
    row_document: np.ndarray  # row -> position in documents
    ordinals: np.ndarray
    lengths: np.ndarray
    terms: list[str]
    by_row: sparse.csr_matrix
    labels: dict[str, np.ndarray]
    by_term: sparse.csc_matrix = field(init=False)
    columns: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.by_term = self.by_row.tocsc()
        self.columns = {term: column for column, term in enumerate(self.terms)}

    @property
    def rows(self) -> int:
        return len(self.ordinals)

    def chunk_id(self, row: int) -> str:
        document = self.documents[self.row_document[row]]
        return f"{document['source']}:{document['ingest_id']}:{int(self.ordinals[row])}"

    def postings(self, term: str, values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, counts) of the passages using the term; or (rows, values) for values aligned with the counts."""
        column = self.columns.get(term)
        if column is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        start, end = self.by_term.indptr[column], self.by_term.indptr[column + 1]
        return self.by_term.indices[start:end], (self.by_term.data if values is None else values)[start:end]

    def saturated(self, average_length: float) -> np.ndarray:
        """BM25's term-frequency part of every posting, tf / (tf + k1 (1 - b + b len / average len)), computed
        once per change of the index so a search only adds up precomputed numbers."""
        counts = self.by_term.data
        lengths = self.lengths[self.by_term.indices]
        return (counts / (counts + K1 * (1 - B + B * lengths / average_length))).astype(np.float32)

    @classmethod
    def build(cls, name: str, documents: list[tuple[dict[str, Any], list[KeywordPassage]]]) -> "_Segment":
        metas, row_document, ordinals, texts, labels = [], [], [], [], {}
        for position, (meta, passages) in enumerate(documents):
            metas.append(meta)
            for passage in passages:
                for label in passage.labels:
                    labels.setdefault(label, []).append(len(ordinals))
                row_document.append(position)
                ordinals.append(passage.ordinal)
                texts.append(passage.search_text)
        vocabulary: dict[str, int] = {}
        cells, columns, indptr = [], [], [0]
        for tokens in tokens_of(texts) if texts else []:
            counts = Counter(vocabulary.setdefault(token, len(vocabulary)) for token in tokens)
            columns.extend(counts)
            cells.extend(counts.values())
            indptr.append(len(columns))
        by_row = sparse.csr_matrix((np.asarray(cells, np.float32), np.asarray(columns, np.int32), np.asarray(indptr)),
                                   shape=(len(ordinals), len(vocabulary)))
        return cls(name, metas, np.asarray(row_document, np.int32), np.asarray(ordinals, np.int32),
                   np.asarray(by_row.sum(axis=1)).ravel().astype(np.float32), list(vocabulary), by_row,
                   {label: np.asarray(rows, np.int32) for label, rows in labels.items()})

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"row_document": self.row_document, "ordinals": self.ordinals, "lengths": self.lengths,
                  "data": self.by_row.data, "indices": self.by_row.indices, "indptr": self.by_row.indptr}
        strings = {"documents": self.documents, "terms": self.terms,
                   "labels": {label: rows.tolist() for label, rows in self.labels.items()}}
        _write_atomically(folder / f"{self.name}.npz", lambda f: np.savez(f, **arrays))
        _write_atomically(folder / f"{self.name}.json", lambda f: f.write(json.dumps(strings).encode()))

    @classmethod
    def load(cls, folder: Path, name: str) -> "_Segment":
        strings = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{name}.npz") as arrays:
            by_row = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                       shape=(len(arrays["ordinals"]), len(strings["terms"])))
            return cls(name, strings["documents"], arrays["row_document"], arrays["ordinals"], arrays["lengths"],
                       strings["terms"], by_row,
                       {label: np.asarray(rows, np.int32) for label, rows in strings["labels"].items()})

    @classmethod
    def merged(cls, name: str, segments: list["_Segment"], live: Mapping[str, str]) -> "_Segment":
        """The current documents' rows of several segments as one, from their term counts (nothing re-tokenised)."""
        vocabulary: dict[str, int] = {}
        metas, row_document, ordinals, lengths, blocks, labels = [], [], [], [], [], {}
        for segment in segments:
            kept_documents = [position for position, meta in enumerate(segment.documents)
                              if live.get(meta["source"]) == meta["ingest_id"]]
            renumber = np.full(len(segment.documents), -1, dtype=np.int32)
            renumber[kept_documents] = np.arange(len(metas), len(metas) + len(kept_documents), dtype=np.int32)
            metas.extend(segment.documents[position] for position in kept_documents)
            rows = np.flatnonzero(renumber[segment.row_document] >= 0)
            new_row = np.full(segment.rows, -1, dtype=np.int64)
            new_row[rows] = np.arange(len(rows)) + sum(len(part) for part in ordinals)
            for label, labelled in segment.labels.items():
                moved = new_row[labelled]
                labels.setdefault(label, []).extend(int(row) for row in moved[moved >= 0])
            columns = np.array([vocabulary.setdefault(term, len(vocabulary)) for term in segment.terms], dtype=np.int32)
            block = segment.by_row[rows].tocoo()
            blocks.append((block.row, columns[block.col], block.data, len(rows)))
            row_document.append(renumber[segment.row_document[rows]])
            ordinals.append(segment.ordinals[rows])
            lengths.append(segment.lengths[rows])
        offset, coo_rows, coo_cols, coo_data = 0, [], [], []
        for rows, columns, data, count in blocks:
            coo_rows.append(rows + offset)
            coo_cols.append(columns)
            coo_data.append(data)
            offset += count
        by_row = sparse.csr_matrix((np.concatenate(coo_data or [np.zeros(0, np.float32)]),
                                    (np.concatenate(coo_rows or [np.zeros(0, np.int32)]),
                                     np.concatenate(coo_cols or [np.zeros(0, np.int32)]))),
                                   shape=(offset, len(vocabulary)), dtype=np.float32)
        return cls(name, metas, np.concatenate(row_document).astype(np.int32), np.concatenate(ordinals).astype(np.int32),
                   np.concatenate(lengths).astype(np.float32), list(vocabulary), by_row,
                   {label: np.asarray(sorted(rows), np.int32) for label, rows in labels.items()})


def _write_atomically(path: Path, write: Callable[[Any], Any]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        write(handle)
    os.replace(temporary, path)


class KeywordIndex:
    """Segments listed by a manifest with the current ingest of every document; a replaced or removed document's
    rows stay in their segment, masked, until segments are merged. Writers hold the store's write lock."""

    MANIFEST = "manifest.json"

    def __init__(self, folder: Path | None) -> None:
        """folder None keeps the index in memory only (a Chroma server's, rebuilt from it per process)."""
        self.folder = folder
        self.live: dict[str, str] = {}  # source -> ingest_id
        self.segments: list[_Segment] = []
        self._manifest_stamp: tuple[int, int] | None = None
        self._masks: dict[Any, list[np.ndarray]] = {}
        self._document_frequency: dict[str, int] = {}
        self._live_rows: list[np.ndarray] = []
        self._saturated: list[np.ndarray] = []
        self._total, self._average_length = 0, 1.0
        self.refresh()

    # --- keeping current ---------------------------------------------------------------------
    def refresh(self) -> bool:
        """Reads the manifest again when another process (or this one) changed it; True when anything changed."""
        if self.folder is None:
            return False
        path = self.folder / self.MANIFEST
        try:
            stat = path.stat()
        except FileNotFoundError:
            changed = bool(self.segments or self.live)
            self.live, self.segments, self._manifest_stamp = {}, [], None
            self._recount()
            return changed
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._manifest_stamp:
            return False
        manifest = json.loads(path.read_text(encoding="utf-8"))
        loaded = {segment.name: segment for segment in self.segments}
        try:
            self.segments = [loaded.get(name) or _Segment.load(self.folder, name) for name in manifest["segments"]]
        except FileNotFoundError:  # a writer merged those segments meanwhile; its newer manifest lists the result
            return self.refresh()
        self.live, self._manifest_stamp = manifest["documents"], stamp
        self._recount()
        return True

    def add_documents(self, documents: list[tuple[dict[str, Any], list[KeywordPassage]]]) -> None:
        """New or replacing documents as one new segment; small segments are then merged (sizes stay in powers of
        two, so each passage is re-merged only a logarithmic number of times)."""
        if not documents:
            return
        self.refresh()
        name = f"segment-{os.getpid()}-{os.urandom(4).hex()}"
        self.segments.append(_Segment.build(name, [(_document_meta(meta), passages) for meta, passages in documents]))
        self._save_segment(self.segments[-1])
        for meta, _ in documents:
            self.live[meta["source"]] = meta["ingest_id"]
        while len(self.segments) > 1 and self.segments[-1].rows * 2 >= self.segments[-2].rows:
            self._merge_last_two()
        self._save_manifest()

    def remove_document(self, source: str) -> None:
        self.refresh()
        if self.live.pop(source, None) is not None:
            self._save_manifest()

    def _merge_last_two(self) -> None:
        older, newer = self.segments[-2], self.segments[-1]
        name = f"segment-{os.getpid()}-{os.urandom(4).hex()}"
        merged = _Segment.merged(name, [older, newer], self.live)
        self._save_segment(merged)
        self.segments[-2:] = [merged]

    def _save_segment(self, segment: _Segment) -> None:
        if self.folder is not None:
            segment.save(self.folder)

    def _save_manifest(self) -> None:
        if self.folder is None:
            self._recount()
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = {"segments": [segment.name for segment in self.segments], "documents": self.live}
        _write_atomically(self.folder / self.MANIFEST, lambda f: f.write(json.dumps(manifest).encode()))
        stat = (self.folder / self.MANIFEST).stat()
        self._manifest_stamp = (stat.st_mtime_ns, stat.st_size)
        self._remove_unlisted_files()
        self._recount()

    def _remove_unlisted_files(self) -> None:
        """Segment files no manifest lists; a reader that still loads one retries with the newer manifest."""
        listed = {segment.name for segment in self.segments}
        for path in self.folder.glob("segment-*"):
            if path.name.split(".")[0] not in listed and not path.name.startswith("."):
                path.unlink(missing_ok=True)

    def _recount(self) -> None:
        """Document frequencies, row count and average length over live rows only, as a fresh index would have."""
        self._masks.clear()
        self._live_rows = [self._document_mask(segment, lambda meta: True)[segment.row_document]
                           for segment in self.segments]
        frequency: Counter[str] = Counter()
        total, length = 0, 0.0
        for segment, live in zip(self.segments, self._live_rows):
            per_term = np.bincount(segment.by_row.indices, minlength=len(segment.terms)) if live.all() else \
                np.asarray((segment.by_row[live] > 0).sum(axis=0)).ravel()
            frequency.update({segment.terms[column]: int(count) for column, count in enumerate(per_term) if count})
            total += int(live.sum())
            length += float(segment.lengths[live].sum())
        self._document_frequency = dict(frequency)
        self._total, self._average_length = total, (length / total if total else 1.0)
        self._saturated = [segment.saturated(self._average_length) for segment in self.segments]

    def _document_mask(self, segment: _Segment, keep: Callable[[Mapping[str, Any]], bool]) -> np.ndarray:
        return np.array([self.live.get(meta["source"]) == meta["ingest_id"] and keep(meta)
                         for meta in segment.documents], dtype=bool)

    # --- reading -------------------------------------------------------------------------------
    @property
    def passage_count(self) -> int:
        return self._total

    def _row_masks(self, keep: Callable[[Mapping[str, Any]], bool] | SearchFilter | None) -> list[np.ndarray]:
        """Per segment, which rows are live and kept; built from the documents (hundreds), not the passages."""
        if keep is None:
            return self._live_rows
        if isinstance(keep, SearchFilter):
            if keep.is_empty:
                return self._live_rows
            key, test = keep, (lambda meta, f=keep: f.matches_document(meta, meta["source"]))
        else:
            key, test = None, keep
        if key is not None and key in self._masks:
            return self._masks[key]
        masks = [self._document_mask(segment, test)[segment.row_document] for segment in self.segments]
        if key is not None:
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[key] = masks
        return masks

    def search(self, query: str, limit: int, search_filter: SearchFilter | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first, only passages that the filter keeps and that share a term with the
        query; the filter applies before the cut to the top, so a small council is not crowded out."""
        tokens = tokens_of([query])[0]
        if not tokens or not self._total:
            return []
        tokens += sorted(with_synonyms(frozenset(tokens)) - set(tokens))
        found: list[tuple[float, int, int]] = []
        weights = {term: self._idf(term) for term in tokens}
        for index, (segment, mask) in enumerate(zip(self.segments, self._row_masks(search_filter))):
            scores = np.zeros(segment.rows, dtype=np.float32)
            for term in tokens:
                rows, saturated = segment.postings(term, self._saturated[index])
                if len(rows):
                    scores[rows] += weights[term] * saturated
            scores[~mask] = 0.0
            hits = np.flatnonzero(scores > 0)
            if len(hits) > limit:  # the best, and any tied with the last of them
                hits = hits[scores[hits] >= np.partition(scores[hits], len(hits) - limit)[len(hits) - limit]]
            found.extend((float(scores[row]), index, int(row)) for row in hits)
        ranked = [(self.segments[index].chunk_id(row), score) for score, index, row in found]
        return sorted(ranked, key=lambda hit: (-round(hit[1], 5), hit[0]))[:limit]  # ties in id order

    def term_weights(self, query: str) -> dict[str, float]:
        """The query's content terms and how rare each is in the current passages (inverse document frequency)."""
        return {term: self._idf(term) for term in content_terms(query)}

    def _idf(self, term: str) -> float:
        frequency = self._document_frequency.get(term, 0)
        return math.log(1 + (self._total - frequency + 0.5) / (frequency + 0.5))

    def labelled(self, numbers: Iterable[str], search_filter: SearchFilter | None = None) -> list[str]:
        """Ids of the kept passages labelled with any of the numbers, in index order."""
        found = []
        for segment, mask in zip(self.segments, self._row_masks(search_filter)):
            rows = sorted({int(row) for number in numbers for row in segment.labels.get(number, ()) if mask[row]})
            found.extend(segment.chunk_id(row) for row in rows)
        return found

    def term_weight(self, term: str) -> float:
        """Inverse document frequency: a rare word ("focus", "broadband") says more than "children"."""
        total = max(1, self._total)
        return math.log(1 + (total + 1) / (self._document_frequency.get(term, 0) + 1))

    def terms_in(self, terms: Iterable[str], keep: Callable[[Mapping[str, Any]], bool] | SearchFilter | None = None
                 ) -> frozenset[str]:
        """Which of the terms some kept passage uses; keep tests a document's metadata (with its "source")."""
        masks = self._row_masks(keep)
        return frozenset(term for term in set(terms) if any(
            mask[segment.postings(term)[0]].any() for segment, mask in zip(self.segments, masks)))

    def sources_using(self, terms: Iterable[str], search_filter: SearchFilter | None = None) -> tuple[str, ...]:
        """The current papers, within the filter, with a passage using any of the terms, in index order."""
        found: dict[str, None] = {}
        for segment, mask in zip(self.segments, self._row_masks(search_filter)):
            rows = {int(row) for term in set(terms) for row in segment.postings(term)[0] if mask[row]}
            found.update((segment.documents[segment.row_document[row]]["source"], None) for row in sorted(rows))
        return tuple(found)

    def documents(self, search_filter: SearchFilter | None = None) -> dict[str, Mapping[str, Any]]:
        """source -> metadata (title, council, date, author ...) of the current papers within the filter."""
        found = {}
        for segment in self.segments:
            for meta in segment.documents:
                if (self.live.get(meta["source"]) == meta["ingest_id"]
                        and (search_filter is None or search_filter.matches_document(meta, meta["source"]))):
                    found[meta["source"]] = meta
        return found

    def titles(self, search_filter: SearchFilter | None = None) -> dict[str, str]:
        """source -> title of the current papers within the filter that have one."""
        return {source: str(meta["title"]) for source, meta in self.documents(search_filter).items() if meta.get("title")}

    def using(self, term: str, search_filter: SearchFilter | None = None) -> list[str]:
        """Ids of the kept passages using the term, in index order."""
        found = []
        for segment, mask in zip(self.segments, self._row_masks(search_filter)):
            found.extend(segment.chunk_id(int(row)) for row in sorted(segment.postings(term)[0]) if mask[row])
        return found

    def passage_ids_of(self, source: str) -> list[str]:
        """The current passages of a document in reading order."""
        ingest_id = self.live.get(source)
        for segment in self.segments:
            for position, meta in enumerate(segment.documents):
                if meta["source"] == source and meta["ingest_id"] == ingest_id:
                    rows = np.flatnonzero(segment.row_document == position)
                    return [segment.chunk_id(int(row)) for row in rows[np.argsort(segment.ordinals[rows])]]
        return []

    def passage_term_counts(self, source: str) -> Counter[str]:
        """For each term, how many of the document's current passages use it."""
        ingest_id = self.live.get(source)
        counts: Counter[str] = Counter()
        for segment in self.segments:
            for position, meta in enumerate(segment.documents):
                if meta["source"] == source and meta["ingest_id"] == ingest_id:
                    rows = segment.by_row[segment.row_document == position]
                    per_term = np.bincount(rows.indices, minlength=len(segment.terms))
                    counts.update({segment.terms[c]: int(n) for c, n in enumerate(per_term) if n})
        return counts


def _document_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The document fields a filter reads, kept with its rows."""
    return {"source": meta["source"], "ingest_id": meta["ingest_id"],
            **{key: meta[key] for key in DOCUMENT_FIELDS if meta.get(key) is not None}}


class LexicalIndex:
    """The keyword index as the engine sees it: searches plus the passages' text, fetched from the store by id
    (a bounded cache keeps the ones asked for recently)."""

    CACHE = 4096

    def __init__(self, keyword: KeywordIndex, fetch: Callable[[list[str]], list[StoredChunk]]) -> None:
        self.keyword = keyword
        self._fetch = fetch
        self._cache: dict[str, StoredChunk] = {}

    def __getattr__(self, name: str) -> Any:  # search, labelled, term_weight, terms_in... come from the index
        return getattr(self.__dict__["keyword"], name)

    def chunks(self, chunk_ids: Sequence[str]) -> list[StoredChunk]:
        """The passages with these ids, in the same order; ids of replaced or removed documents are left out."""
        wanted = list(dict.fromkeys(chunk_ids))
        missing = [chunk_id for chunk_id in wanted if chunk_id not in self._cache]
        if missing:
            if len(self._cache) + len(missing) > self.CACHE:
                # emptied of all but the passages asked for now: those found in it must still be returned
                self._cache = {chunk_id: self._cache[chunk_id] for chunk_id in wanted if chunk_id in self._cache}
            self._cache.update({chunk.id: chunk for chunk in self._fetch(missing)})
        return [self._cache[chunk_id] for chunk_id in chunk_ids if chunk_id in self._cache]

    def chunk(self, chunk_id: str) -> StoredChunk | None:
        found = self.chunks([chunk_id])
        return found[0] if found else None

    def chunks_of(self, source: str) -> list[StoredChunk]:
        """The document's chunks in reading order."""
        return self.chunks(self.keyword.passage_ids_of(source))
