"""The store: Chroma collections, the keyword index kept beside them, and the only place Chroma's filter syntax is
written. Embedded by default; a Chroma server when a host is configured."""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol, Sequence

import chromadb
import numpy as np
from chromadb.api.client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError
from tqdm import tqdm

from index.filters import SearchFilter
from index.lexical import KeywordIndex, KeywordPassage, LexicalIndex, item_labels
from index.records import DocumentRecord, StoredChunk, StoredSentence
from index.vector_files import DocumentVectors, DocumentVersion, VectorFiles, in_document_order, nearest
from ingest.chunker import Chunk
from ingest.recommendations import Recommendation

COSINE = {"hnsw": {"space": "cosine"}}
DOCUMENTS_CACHE_SECONDS = 1.0
# When a filtered vector query fails mid-write in another process, the unfiltered query is this much deeper.
UNFILTERED_DEPTH = 4
# A search allowing at most this many passages (a council's library of several hundred papers) is answered exactly
# from the papers' vector files; Chroma's own filtered search tests every row's metadata and grows with the library,
# and its unfiltered one is approximate: over the 5,140 passages of the KCC evaluation set it missed one of the 40
# nearest (the third) for a question and answered it differently from run to run. With about six sentences a
# passage, 20,000 passages' vectors still fit the vector files' memory cache (VectorFiles.max_rows).
FILE_SEARCH_MAX_PASSAGES = 20_000
# Reconciling the keyword index with more documents than this reads all passages in one call.
BULK_RECONCILE = 20


class Store(Protocol):
    """What the engine, the tracker and ingestion need from an index; filters are SearchFilters or field values."""

    def sync(self) -> str: ...
    def list_documents(self) -> list[dict[str, Any]]: ...
    def document(self, source: str) -> dict[str, Any] | None: ...
    def document_text(self, source: str) -> str | None: ...
    def lexical_index(self) -> LexicalIndex: ...
    def query_chunks(self, vector: np.ndarray, n: int, search_filter: SearchFilter | None = None
                     ) -> list[tuple[str, float]]: ...
    def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[StoredChunk]: ...
    def mentions(self, phrase: str) -> bool: ...
    def sentences_of(self, chunk_ids: list[str]) -> list[StoredSentence]: ...
    def recommendations(self, status: str | tuple[str, ...] | None = None, number: str | None = None,
                        source: str | None = None, chunk_id: str | None = None,
                        kind: str | None = None) -> list[dict[str, Any]]: ...
    def write_document(self, record: DocumentRecord, chunks: Sequence[Chunk], chunk_vectors: np.ndarray,
                       sentence_vectors: np.ndarray, chunk_metadata: dict[str, Any]) -> None: ...
    def write_recommendations(self, source: str, ingest_id: str, records: Sequence[Recommendation],
                              vectors: np.ndarray) -> None: ...
    def remove(self, source: str) -> bool: ...
    def remove_orphans(self) -> int: ...
    def complete_vector_files(self, progress: bool = False) -> int: ...


def make_client(index_dir: Path, host: str | None = None, port: int = 8000) -> chromadb.ClientAPI:
    """A server client when host is given (how a council outgrows one machine), else an on-disk one."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)


def chroma_where(search_filter: SearchFilter | None) -> dict[str, Any] | None:
    """A SearchFilter as a Chroma where-clause over the council, source and year every row carries."""
    search_filter = search_filter or SearchFilter()
    clauses: list[dict[str, Any]] = []
    if search_filter.councils:
        clauses.append({"council": {"$in": list(search_filter.councils)}})
    if search_filter.sources:
        clauses.append({"source": {"$in": list(search_filter.sources)}})
    if search_filter.year_from is not None:
        clauses.append({"year": {"$gte": search_filter.year_from}})
    if search_filter.year_to is not None:
        clauses.append({"year": {"$lte": search_filter.year_to}})
    return _all_of(clauses)


def _equal_to(**fields: Any) -> dict[str, Any] | None:
    return _all_of([{key: value} for key, value in fields.items() if value is not None])


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _row_matches(meta: Mapping[str, Any], search_filter: SearchFilter) -> bool:
    """The where-clause's test on a row's own metadata (rows carry "year" where documents carry "date")."""
    return search_filter.matches_document({"council": meta.get("council"), "date": str(meta.get("year", ""))},
                                          meta["source"])


def _sentence_rows(record: DocumentRecord, chunk_ids: list[str], chunks: Sequence[Chunk],
                   chunk_metadata: dict[str, Any]) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Each sentence's id, embedded text and metadata (its place, and the council and year filters test)."""
    ids, docs, metas = [], [], []
    for chunk_id, chunk in zip(chunk_ids, chunks):
        for position, sentence in enumerate(chunk.sentences):
            ids.append(f"{chunk_id}:{position}")
            docs.append(sentence.embed_text)
            metas.append(_clean({
                "chunk_id": chunk_id, "source": record.source, "ingest_id": record.ingest_id,
                "start": sentence.start, "end": sentence.end, "section": sentence.section,
                "page": sentence.page, "column": sentence.column,
                **{k: v for k, v in chunk_metadata.items() if k in ("council", "year")},
            }))
    return ids, docs, metas


def _batches(count: int, size: int) -> Iterator[slice]:
    for start in range(0, count, size):
        yield slice(start, min(count, start + size))


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata takes no None values."""
    return {key: value for key, value in meta.items() if value is not None}


class _Generations:
    """A counter beside an embedded index, raised at the end of every write by any process. A process whose
    Chroma handles predate another process's write reopens them: an embedded Chroma keeps its vector index in
    memory and does not see other processes' writes (queries then fail with "Error finding id")."""

    written_here: dict[str, set[int]] = {}  # path -> generations this process wrote, shared by its stores
    epochs: dict[str, int] = {}  # path -> how many times this process reopened Chroma there
    # path -> the generation this process's Chroma handles there reflect; kept per process, not per store,
    # because Chroma shares one embedded system between every client of a path, so a store opened later
    # inherits handles that may predate other processes' writes
    handles_at: dict[str, int] = {}

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / "generation"
        self.key = str(index_dir)

    def read(self) -> int:
        try:
            return int(self.path.read_text(encoding="ascii").split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return 0

    def raise_(self) -> int:
        """Called under the write lock."""
        generation = self.read() + 1
        temporary = self.path.with_name(f".generation.{os.getpid()}")
        temporary.write_text(f"{generation} {os.getpid()}\n", encoding="ascii")
        os.replace(temporary, self.path)
        self.written_here.setdefault(self.key, set()).add(generation)
        self.handles_at[self.key] = generation  # the write went through this process's current handles
        return generation

    def opening(self) -> None:
        """Called before a client is made: a path with no open system will be loaded fresh from disk."""
        if self.key not in SharedSystemClient._identifier_to_system:  # noqa: SLF001 - chroma has no API
            self.handles_at[self.key] = self.read()

    def bring_handles_to(self, current: int) -> None:
        """Reopens this process's Chroma for the path when another process wrote since its handles were opened."""
        seen = self.handles_at.get(self.key, current)
        if any(g not in self.written_here.get(self.key, set()) for g in range(seen + 1, current + 1)):
            self.reopen()
        self.handles_at[self.key] = current

    def reopen(self) -> None:
        """Stops this process's embedded Chroma for the path, so the next client loads the index from disk."""
        system = SharedSystemClient._identifier_to_system.pop(self.key, None)  # noqa: SLF001 - chroma has no API
        if system is not None:
            system.stop()
        self.epochs[self.key] = self.epochs.get(self.key, 0) + 1


class ChromaStore:
    """Four collections: documents (the commit record), chunks (passages), sentences (for quoting and scoring
    passages; written to a Chroma server only) and recommendations (the tracker); plus, beside an embedded store, the
    keyword index of the current passages (index_dir/keyword) and each document version's passage and sentence
    vectors (index_dir/vectors), where an embedded store keeps its sentences."""

    def __init__(self, index_dir: Path, host: str | None = None, port: int = 8000, prefix: str = "scrutiny") -> None:
        self.index_dir, self.host, self.port, self.prefix = index_dir, host, port, prefix
        self._generations = None if host else _Generations(index_dir)
        self._lock_path, self._holding_lock = index_dir / "write.lock", False
        self._seen = self._generations.read() if self._generations else 0
        self._connect()
        self.keyword = KeywordIndex(None if host else index_dir / "keyword" / prefix)
        self.vector_files = None if host else VectorFiles(index_dir / "vectors" / prefix)
        self._lexical = LexicalIndex(self.keyword, self.chunks_by_id)
        self._documents_cache: tuple[float, list[dict[str, Any]]] | None = None
        self._generation = ""
        self.sync()

    def _connect(self) -> None:
        if self._generations is not None:
            self._generations.opening()
        self.client = make_client(self.index_dir, self.host, self.port)
        self._epoch = _Generations.epochs.get(str(self.index_dir), 0)
        self.documents = self._collection("documents")
        self.chunks = self._collection("chunks")
        self.sentences = self._collection("sentences")
        self.recommendation_rows = self._collection("recommendations")
        self._batch = max(1, min(4000, self.client.get_max_batch_size()))

    def _collection(self, name: str):  # noqa: ANN202 - chromadb's Collection type
        return self.client.get_or_create_collection(f"{self.prefix}_{name}", embedding_function=None,
                                                    configuration=COSINE)

    # --- keeping current with other processes ------------------------------------------------
    def sync(self) -> str:
        """Brings this process's view up to date with every write since the last call (its own or another
        process's): Chroma handles reopened when needed, the keyword index reloaded and reconciled. Cheap when
        nothing changed: one small file read (embedded) or one cached listing (server)."""
        if self._generations is not None:
            current = self._generations.read()
            self._generations.bring_handles_to(current)
            if self._epoch != _Generations.epochs.get(str(self.index_dir), 0):
                self._connect()
            if current != self._seen:
                self._documents_cache = None
            self._seen = current
        generation = str(self._seen) if self._generations else self._documents_digest()
        if generation != self._generation:
            self.keyword.refresh()
            if self._reconcile_keyword_index():
                self._generation = generation
        return generation

    def generation(self) -> str:
        """Changes whenever a document is added, replaced or removed; keys caches such as the BM25 index."""
        return self.sync()

    def _documents_digest(self) -> str:
        active = sorted(self.active_ingests().items())
        return hashlib.sha1(repr(active).encode()).hexdigest()[:16]

    @contextmanager
    def _write_lock(self, wait: bool = True) -> Iterator[bool]:
        """One writer at a time across processes (a file lock beside the index); yields whether it is held."""
        if self._holding_lock or self._generations is None:  # a Chroma server orders its own writes
            yield True
            return
        with open(self._lock_path, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            self._holding_lock = True
            try:
                yield True
            finally:
                self._holding_lock = False
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Writes happen on current handles, one process at a time, and end by raising the generation."""
        with self._write_lock():
            self.sync()
            yield
            self._documents_cache = None
            if self._generations is not None:
                self._seen = self._generations.raise_()
                self._generation = str(self._seen)

    def _reconcile_keyword_index(self) -> bool:
        """Documents Chroma holds that the keyword index lacks (an index built before it was kept on disk, a
        writer killed between the two, or a server written by another machine) are indexed now, and the
        other way round. False when another process holds the write lock: the next call tries again."""
        if self.active_ingests() == self.keyword.live:
            return True
        with self._write_lock(wait=False) as held:
            if held:
                self.keyword.refresh()
                self._index_missing_documents()
            return held

    def _index_missing_documents(self) -> None:
        active = self.active_ingests()
        missing = [source for source, ingest in active.items() if self.keyword.live.get(source) != ingest]
        chunks = self.all_chunks() if len(missing) > BULK_RECONCILE else [
            chunk for source in missing for chunk in self._chunks_where(_equal_to(source=source))]
        by_source: dict[str, list[StoredChunk]] = {}
        for chunk in chunks:
            by_source.setdefault(chunk.source, []).append(chunk)
        documents = {meta["source"]: meta for meta in self.list_documents()}
        self.keyword.add_documents([(documents[source], [KeywordPassage.of(chunk) for chunk in by_source.get(source, [])])
                                    for source in missing if source in documents])
        for source in set(self.keyword.live) - set(active):
            self.keyword.remove_document(source)

    def lexical_index(self) -> LexicalIndex:
        self.sync()
        return self._lexical

    # --- documents -------------------------------------------------------------------------
    def list_documents(self) -> list[dict[str, Any]]:
        """Every complete document's metadata (reading it takes ~200 ms at 2,500 papers). Kept until the index's
        generation changes (any process's write raises it; `sync`, which every question calls, notices); with a
        Chroma server, which has no generation, for a second."""
        if self._generations is not None and self._generations.read() != self._seen:
            self.sync()  # another process wrote: current handles, then a fresh listing (one small file read if not)
        if self._generations is not None and self._epoch != _Generations.epochs.get(str(self.index_dir), 0):
            self._connect()  # another store of this process reopened Chroma for this folder
        now = time.monotonic()
        expired = self._generations is None and self._documents_cache is not None and \
            now - self._documents_cache[0] > DOCUMENTS_CACHE_SECONDS
        if self._documents_cache is None or expired:
            result = self.documents.get(include=["metadatas"])
            self._documents_cache = (now, sorted(result["metadatas"], key=lambda meta: meta["source"]))
        return [dict(meta) for meta in self._documents_cache[1]]

    def document(self, source: str) -> dict[str, Any] | None:
        result = self.documents.get(ids=[source], include=["metadatas"])
        return result["metadatas"][0] if result["ids"] else None

    def document_text(self, source: str) -> str | None:
        result = self.documents.get(ids=[source], include=["documents"])
        return result["documents"][0] if result["ids"] else None

    def active_ingests(self) -> dict[str, str]:
        """source -> ingest_id of every complete document; chunks of any other ingest are invisible."""
        return {meta["source"]: meta["ingest_id"] for meta in self.list_documents()}

    # --- writing ---------------------------------------------------------------------------
    def write_document(self, record: DocumentRecord, chunks: Sequence[Chunk], chunk_vectors: np.ndarray,
                       sentence_vectors: np.ndarray, chunk_metadata: dict[str, Any]) -> None:
        """Chunks and sentences first, the document record last, then the keyword index, then the previous
        version's rows go. Embedded, sentences go to the vector file only: no process searches them across the
        library, and Chroma would hold an index of every one of them in the memory of each process that writes."""
        with self._writing():
            chunk_ids = [f"{record.source}:{record.ingest_id}:{chunk.ordinal}" for chunk in chunks]
            self._upsert(self.chunks, chunk_ids, chunk_vectors, [c.text for c in chunks],
                         [_clean({**chunk_metadata, **self._chunk_meta(record, c)}) for c in chunks])
            ids, docs, metas = _sentence_rows(record, chunk_ids, chunks, chunk_metadata)
            if self.vector_files is None:
                self._upsert(self.sentences, ids, sentence_vectors, docs, metas)
            else:
                self.vector_files.write((record.source, record.ingest_id),
                                        DocumentVectors(chunk_ids, chunk_vectors, metas, sentence_vectors))
            document_vector = chunk_vectors.mean(axis=0) if len(chunk_vectors) else np.zeros(chunk_vectors.shape[1])
            self._upsert(self.documents, [record.source], document_vector[None, :], [record.text],
                         [_clean(record.as_chroma_metadata())])
            passages = [KeywordPassage(c.ordinal, c.search_text, item_labels(c.text, c.section)) for c in chunks]
            self.keyword.add_documents([(record.as_chroma_metadata(), passages)])
            self._delete_stale(record.source, keep=record.ingest_id)

    def write_recommendations(self, source: str, ingest_id: str, records: Sequence[Recommendation],
                              vectors: np.ndarray) -> None:
        """Tracker records of one ingest; like chunks they stay invisible until the document record is written."""
        ids = [f"{source}:{ingest_id}:rec:{record.ordinal}" for record in records]
        metas = [_clean({**record.to_metadata(), "source": source, "ingest_id": ingest_id}) for record in records]
        with self._writing():  # on handles that have seen every other process's writes
            self._upsert(self.recommendation_rows, ids, vectors, [record.text for record in records], metas)

    def remove(self, source: str) -> bool:
        """Deletes the document record first, so a half-finished removal leaves only invisible rows."""
        with self._writing():
            if self.document(source) is None:
                return False
            self.documents.delete(ids=[source])
            self.keyword.remove_document(source)
            self._delete_stale(source, keep=None)
            return True

    def remove_orphans(self) -> int:
        """Rows left by an ingest that was killed before its document record was written."""
        active = self.active_ingests()
        # only rows of ingests no document uses are read, not the whole library's metadata
        where = {"ingest_id": {"$nin": sorted(set(active.values()))}} if active else None
        removed = 0
        for collection in (self.chunks, self.sentences, self.recommendation_rows):
            stale = collection.get(where=where, include=[])["ids"]
            if stale:
                with self._writing():
                    for part in _batches(len(stale), self._batch):
                        collection.delete(ids=stale[part])
            removed += len(stale)
        if self.vector_files is not None:
            # under the lock, so a file being written for a new version is not taken; no generation is raised, as
            # nothing visible changes
            with self._write_lock():
                self.sync()
                self.vector_files.keep_only(set(self.active_ingests().items()))
        return removed

    def complete_vector_files(self, progress: bool = False) -> int:
        """Writes the vector files that documents ingested before they existed lack, from their Chroma rows, one
        document at a time holding the write lock (no other process writes meanwhile); returns how many."""
        if self.vector_files is None:
            return 0
        with self._write_lock():
            self.sync()
            missing = [version for version in sorted(self.active_ingests().items()) if not self.vector_files.exists(version)]
            for version in tqdm(missing, desc="Vector files for older documents", unit="document",
                                disable=not progress or not missing, file=sys.stderr):
                self.vector_files.write(version, self._vectors_in_chroma(version))
        return len(missing)

    def _vectors_in_chroma(self, version: DocumentVersion) -> DocumentVectors:
        where = {"$and": [{"source": version[0]}, {"ingest_id": version[1]}]}
        chunks = self.chunks.get(where=where, include=["embeddings"])
        sentences = self.sentences.get(where=where, include=["metadatas", "embeddings"])
        return in_document_order(zip(chunks["ids"], chunks["embeddings"]),
                                 zip(sentences["ids"], sentences["metadatas"], sentences["embeddings"]))

    def _delete_stale(self, source: str, keep: str | None) -> None:
        where = {"source": source} if keep is None else {"$and": [{"source": source}, {"ingest_id": {"$ne": keep}}]}
        self.chunks.delete(where=where)
        self.sentences.delete(where=where)
        self.recommendation_rows.delete(where=where)
        if self.vector_files is not None:
            self.vector_files.remove_source(source, keep)

    def _upsert(self, collection, ids: list[str], vectors: np.ndarray, docs: list[str], metas: list[dict]) -> None:  # noqa: ANN001
        for part in _batches(len(ids), self._batch):
            collection.upsert(ids=ids[part], embeddings=vectors[part], documents=docs[part], metadatas=metas[part])

    @staticmethod
    def _chunk_meta(record: DocumentRecord, chunk: Chunk) -> dict[str, Any]:
        return {
            "source": record.source, "ingest_id": record.ingest_id, "ordinal": chunk.ordinal, "kind": chunk.kind,
            "start": chunk.start, "end": chunk.end, "section": chunk.section, "heading": chunk.heading,
            "item": chunk.item,
            "page": chunk.page, "search_text": chunk.search_text,
        }

    # --- reading ---------------------------------------------------------------------------
    def all_chunks(self, search_filter: SearchFilter | None = None) -> list[StoredChunk]:
        return self._chunks_where(chroma_where(search_filter))

    def _chunks_where(self, where: dict[str, Any] | None) -> list[StoredChunk]:
        active = self.active_ingests()
        result = self.chunks.get(where=where, include=["documents", "metadatas"])
        return [StoredChunk.from_chroma(i, d, m) for i, d, m in zip(result["ids"], result["documents"], result["metadatas"])
                if active.get(m["source"]) == m["ingest_id"]]

    def mentions(self, phrase: str) -> bool:
        """Whether some passage holds the phrase as written ("Kent and Medway"), by the store's own text search."""
        return bool(self.chunks.get(where_document={"$contains": phrase}, limit=1, include=[])["ids"])

    def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[StoredChunk]:
        """The current passages with these ids, in the order asked."""
        if not chunk_ids:
            return []
        active = self.active_ingests()
        result = self.chunks.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        found = {i: StoredChunk.from_chroma(i, d, m) for i, d, m in zip(result["ids"], result["documents"],
                                                                        result["metadatas"])
                 if active.get(m["source"]) == m["ingest_id"]}
        return [found[chunk_id] for chunk_id in chunk_ids if chunk_id in found]

    def query_chunks(self, vector: np.ndarray, n: int, search_filter: SearchFilter | None = None
                     ) -> list[tuple[str, float]]:
        """(chunk_id, similarity) for the passages nearest the vector."""
        in_files = self._files_query(vector, n, search_filter)
        if in_files is not None:
            return in_files
        return [(row_id, similarity) for row_id, _, similarity in self._query(self.chunks, vector, n, search_filter)]

    def sentences_of(self, chunk_ids: list[str]) -> list[StoredSentence]:
        """The sentences of these passages with their vectors: from their documents' vector files (every document
        of an embedded index written or ingested into since they exist), else from Chroma by a metadata filter (a
        Chroma server, or an older index not yet ingested into)."""
        sentences, in_chroma = self._sentences_in_files(chunk_ids)
        if in_chroma:
            result = self.sentences.get(where={"chunk_id": {"$in": in_chroma}}, include=["metadatas", "embeddings"])
            sentences.extend(StoredSentence.from_chroma(meta, vector)
                             for meta, vector in zip(result["metadatas"], result["embeddings"]))
        return sentences

    def _sentences_in_files(self, chunk_ids: list[str]) -> tuple[list[StoredSentence], list[str]]:
        """The sentences the vector files hold for these passages, and the passages whose document has no file."""
        if self.vector_files is None:
            return [], list(chunk_ids)
        by_version: dict[DocumentVersion, set[str]] = {}
        for chunk_id in chunk_ids:
            by_version.setdefault(_version_of(chunk_id), set()).add(chunk_id)
        sentences: list[StoredSentence] = []
        without_file: list[str] = []
        for version, wanted in by_version.items():
            vectors = self.vector_files.read(version)
            if vectors is None:
                without_file.extend(wanted)
            else:
                sentences.extend(vectors.sentences_of(wanted))
        return sentences, without_file

    def recommendations(self, status: str | tuple[str, ...] | None = None, number: str | None = None,
                        source: str | None = None, chunk_id: str | None = None,
                        kind: str | None = None) -> list[dict[str, Any]]:
        """Tracker records of complete ingests with these field values (status: one, or any of several), as
        metadata dicts with their "text", in document order."""
        active = self.active_ingests()
        statuses = {"$in": list(status)} if isinstance(status, tuple) else status
        where = _equal_to(status=statuses, number=number, source=source, chunk_id=chunk_id, kind=kind)
        result = self.recommendation_rows.get(where=where, include=["documents", "metadatas"])
        rows = [{**meta, "text": text} for text, meta in zip(result["documents"], result["metadatas"])
                if active.get(meta["source"]) == meta["ingest_id"]]
        return sorted(rows, key=lambda row: (row["source"], int(row.get("ordinal", 0))))

    def count(self) -> int:
        return self.chunks.count()

    def _files_query(self, vector: np.ndarray, n: int, search_filter: SearchFilter | None
                     ) -> list[tuple[str, float]] | None:
        """A search over few enough passages, answered exactly from their documents' vector files; None when it
        allows too many passages or a document has no file. Exact, it also finds the same passages in every copy
        of an index: Chroma's approximate search missed one of its 40 nearest for a fifth of the KCC questions, and
        two copies of one index differed for an eighth."""
        if self.vector_files is None:
            return None
        documents = self.list_documents()
        unfiltered = search_filter is None or search_filter.is_empty
        allowed = documents if unfiltered else [meta for meta in documents
                                                if search_filter.matches_document(meta, meta["source"])]
        if sum(int(meta.get("chunks", 0)) for meta in allowed) > FILE_SEARCH_MAX_PASSAGES:
            return None
        vectors = self.vector_files.read_all([(meta["source"], meta["ingest_id"]) for meta in allowed])
        return None if vectors is None else nearest(vector, n, vectors)

    def _query(self, collection, vector: np.ndarray, n: int, search_filter: SearchFilter | None  # noqa: ANN001
               ) -> list[tuple[str, dict[str, Any], float]]:
        """(id, metadata, similarity) of current rows nearest the vector. While another process writes, an
        embedded Chroma can fail a filtered query; the rows are then filtered here from a deeper unfiltered one."""
        if collection.count() == 0:
            return []
        where = chroma_where(search_filter)
        try:
            result = collection.query(query_embeddings=[vector], n_results=n, where=where,
                                      include=["metadatas", "distances"])
        except InternalError:
            if where is None:
                raise
            result = collection.query(query_embeddings=[vector], n_results=n * UNFILTERED_DEPTH,
                                      include=["metadatas", "distances"])
        active = self.active_ingests()
        rows = [(row_id, meta, 1.0 - distance) for row_id, meta, distance
                in zip(result["ids"][0], result["metadatas"][0], result["distances"][0])
                if active.get(meta["source"]) == meta["ingest_id"]]
        if where is not None:
            rows = [row for row in rows if _row_matches(row[1], search_filter)][:n]
        return rows


def _version_of(chunk_id: str) -> DocumentVersion:
    """A chunk id is "source:ingest_id:ordinal"; split from the right, since a file name may hold a colon."""
    source, ingest_id, _ = chunk_id.rsplit(":", 2)
    return source, ingest_id


def open_store(index_dir: Path, host: str | None = None, port: int = 8000, prefix: str = "scrutiny") -> ChromaStore:
    """The store for the settings' index folder; with a Chroma server nothing is written locally."""
    return ChromaStore(index_dir, host, port, prefix)
