"""Each document version's passage and sentence vectors in one file beside an embedded store, for filtered searches
and a passage's sentences that do not go through Chroma (an embedded store keeps its sentences only here).

Chroma answers an unfiltered query from its HNSW graph in a few milliseconds, but a filtered one (a council, a
paper, a year range) by testing every row's metadata: 130-550 ms at 100,000 passages on two cores; fetching a
passage's sentences by a metadata filter takes ~110 ms there. Reading the same rows of the same library from
Chroma in bulk while another process writes crashed the reading process inside Chroma; these files are written
once (to a temporary name, then renamed) and never changed, so a reader sees a whole file or none."""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from index.records import StoredSentence

DocumentVersion = tuple[str, str]  # (source, ingest_id)
SUFFIX = ".npz"


@dataclass(frozen=True)
class DocumentVectors:
    """One document version's rows to write, in document order: passages (ids, vectors) and sentences (the
    metadata the store gives each sentence row: chunk_id, start, end, section, page, column; and vectors)."""

    chunk_ids: Sequence[str]
    chunk_vectors: np.ndarray
    sentences: Sequence[Mapping[str, Any]]
    sentence_vectors: np.ndarray


@dataclass(frozen=True)
class StoredVectors:
    """A document version's rows as read from its file: arrays, from which sentence records are made only for the
    passages asked for (making them all cost ~8 ms a paper, which a council's first question paid for each)."""

    chunk_ids: np.ndarray
    chunk_vectors: np.ndarray
    sentence_chunks: np.ndarray
    sentence_starts: np.ndarray
    sentence_ends: np.ndarray
    sentence_sections: np.ndarray
    sentence_pages: np.ndarray
    sentence_columns: np.ndarray
    sentence_vectors: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.chunk_ids) + len(self.sentence_chunks)

    def all_sentences(self) -> list[StoredSentence]:
        """Every sentence of the document version, in document order."""
        return self.sentences_of({str(chunk_id) for chunk_id in self.chunk_ids})

    def sentences_of(self, chunk_ids: set[str]) -> list[StoredSentence]:
        """The sentences of these passages, in document order."""
        wanted = np.flatnonzero(np.isin(self.sentence_chunks, list(chunk_ids)))
        return [StoredSentence(str(self.sentence_chunks[i]), int(self.sentence_starts[i]), int(self.sentence_ends[i]),
                               str(self.sentence_sections[i]) or None,
                               int(self.sentence_pages[i]) if self.sentence_pages[i] >= 0 else None,
                               str(self.sentence_columns[i]) or None, self.sentence_vectors[i])
                for i in wanted]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def file_name(version: DocumentVersion) -> str:
    """"<source digest>-<ingest digest>.npz": safe on any file system for any source name, and a source's
    files are found by name."""
    return f"{_digest(version[0])}-{_digest(version[1])}{SUFFIX}"


def in_document_order(chunks: Iterable[tuple[str, Any]], sentences: Iterable[tuple[str, Mapping[str, Any], Any]]
                      ) -> DocumentVectors:
    """A document's rows as Chroma returns them, (id, vector) and (id, metadata, vector) in any order, sorted."""
    chunk_rows = sorted(chunks, key=lambda row: _chunk_order(row[0]))
    sentence_rows = sorted(sentences, key=lambda row: _sentence_order(row[0]))
    return DocumentVectors([row_id for row_id, _ in chunk_rows], [vector for _, vector in chunk_rows],
                           [meta for _, meta, _ in sentence_rows], [vector for _, _, vector in sentence_rows])


def _chunk_order(chunk_id: str) -> int:
    """A chunk id is "source:ingest_id:ordinal"."""
    return int(chunk_id.rsplit(":", 1)[1])


def _sentence_order(sentence_id: str) -> tuple[int, int]:
    """A sentence id is its chunk's id plus ":position"."""
    chunk_id, position = sentence_id.rsplit(":", 1)
    return _chunk_order(chunk_id), int(position)


def _matrix(vectors: Any) -> np.ndarray:
    """Rows of float32, also when there are none."""
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix if matrix.ndim == 2 else np.zeros((0, 0), np.float32)


def _optional(values: Sequence[str | int | None], missing: str | int) -> np.ndarray:
    return np.array([missing if value is None else value for value in values])


class VectorFiles:
    """The folder of vector files, with the recently read ones kept in memory (least recently used out first)."""

    # 150,000 rows of 384 floats is 230 MiB: room for many filtered searches of up to 5,000 passages (and their
    # sentences) without pushing a 100,000-passage app past 2 GiB
    def __init__(self, folder: Path, max_rows: int = 150_000) -> None:
        self.folder = folder
        self.max_rows = max_rows
        self._cached: OrderedDict[DocumentVersion, StoredVectors] = OrderedDict()
        self._rows = 0

    def write(self, version: DocumentVersion, vectors: DocumentVectors) -> None:
        """Written whole under a temporary name, then renamed: a killed writer leaves no partial file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / file_name(version)
        temporary = self.folder / f".{target.stem}.{os.getpid()}.tmp{SUFFIX}"
        rows = vectors.sentences
        np.savez(temporary, chunk_ids=np.array(vectors.chunk_ids, dtype=str),
                 chunk_vectors=_matrix(vectors.chunk_vectors),
                 sentence_chunks=np.array([row["chunk_id"] for row in rows], dtype=str),
                 sentence_starts=np.array([int(row["start"]) for row in rows], dtype=np.int64),
                 sentence_ends=np.array([int(row["end"]) for row in rows], dtype=np.int64),
                 sentence_sections=_optional([row.get("section") or None for row in rows], ""),
                 sentence_pages=_optional([int(row["page"]) if row.get("page") else None for row in rows], -1
                                          ).astype(np.int64),
                 sentence_columns=_optional([row.get("column") or None for row in rows], ""),
                 sentence_vectors=_matrix(vectors.sentence_vectors))
        os.replace(temporary, target)

    def exists(self, version: DocumentVersion) -> bool:
        return version in self._cached or (self.folder / file_name(version)).is_file()

    def read(self, version: DocumentVersion) -> StoredVectors | None:
        """The version's rows, or None when it has no file (written before these files existed, or removed)."""
        if version in self._cached:
            self._cached.move_to_end(version)
            return self._cached[version]
        try:
            with np.load(self.folder / file_name(version), allow_pickle=False) as data:
                vectors = StoredVectors(**{name: data[name] for name in StoredVectors.__dataclass_fields__})
        except (FileNotFoundError, OSError, ValueError, KeyError):
            return None
        self._cached[version] = vectors
        self._rows += vectors.rows
        while self._rows > self.max_rows and len(self._cached) > 1:
            _, dropped = self._cached.popitem(last=False)
            self._rows -= dropped.rows
        return vectors

    def read_all(self, versions: Sequence[DocumentVersion]) -> list[StoredVectors] | None:
        """Every version's rows, or None when any lacks its file (the caller then asks Chroma)."""
        found = []
        for version in versions:
            vectors = self.read(version)
            if vectors is None:
                return None
            found.append(vectors)
        return found

    def remove_source(self, source: str, keep: str | None = None) -> None:
        """Deletes the files of a source's versions other than the kept ingest."""
        kept = file_name((source, keep)) if keep is not None else None
        for path in self.folder.glob(f"{_digest(source)}-*{SUFFIX}"):
            if path.name != kept:
                path.unlink(missing_ok=True)

    def keep_only(self, versions: set[DocumentVersion]) -> int:
        """Deletes every file, and temporary file a killed writer left, not of these versions; returns how many."""
        kept = {file_name(version) for version in versions}
        removed = 0
        for path in self.folder.glob(f"*{SUFFIX}") if self.folder.is_dir() else []:
            if path.name not in kept:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def nearest(vector: np.ndarray, n: int, documents: list[StoredVectors]) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) of the n passages of these documents nearest the normalised vector; exact, so a
    filtered search finds the same rows however large the library."""
    blocks = [(d.chunk_ids, d.chunk_vectors) for d in documents if len(d.chunk_vectors)]
    if not blocks:
        return []
    query = np.asarray(vector, dtype=np.float32)
    similarities = np.concatenate([vectors @ query for _, vectors in blocks])
    all_ids = np.concatenate([ids for ids, _ in blocks])
    top = np.argsort(-similarities, kind="stable")[:n]
    return [(str(all_ids[i]), float(similarities[i])) for i in top]
