"""Each document version's passage and sentence vectors in one file beside an embedded store, for filtered searches
and a passage's sentences that do not go through Chroma.

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
from typing import Sequence

import numpy as np

from index.records import StoredSentence

DocumentVersion = tuple[str, str]  # (source, ingest_id)
SUFFIX = ".npz"


@dataclass(frozen=True)
class SentenceRow:
    """Where a sentence sits: the row a file keeps for it beside its vector."""

    chunk_id: str
    start: int
    end: int
    section: str | None
    page: int | None
    column: str | None


@dataclass(frozen=True)
class DocumentVectors:
    """One document version's rows: passages (ids, vectors) and sentences (rows, vectors), in document order."""

    chunk_ids: tuple[str, ...]
    chunk_vectors: np.ndarray
    sentences: tuple[SentenceRow, ...]
    sentence_vectors: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.chunk_ids) + len(self.sentences)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def file_name(version: DocumentVersion) -> str:
    """"<source digest>-<ingest digest>.npz": safe on any file system for any source name, and a source's
    files are found by name."""
    return f"{_digest(version[0])}-{_digest(version[1])}{SUFFIX}"


def _optional(values: Sequence[str | int | None], missing: str | int) -> np.ndarray:
    return np.array([missing if value is None else value for value in values])


class VectorFiles:
    """The folder of vector files, with the recently read ones kept in memory (least recently used out first)."""

    def __init__(self, folder: Path, max_rows: int = 300_000) -> None:
        self.folder = folder
        self.max_rows = max_rows
        self._cached: OrderedDict[DocumentVersion, DocumentVectors] = OrderedDict()
        self._rows = 0

    def write(self, version: DocumentVersion, vectors: DocumentVectors) -> None:
        """Written whole under a temporary name, then renamed: a killed writer leaves no partial file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / file_name(version)
        temporary = self.folder / f".{target.stem}.{os.getpid()}.tmp{SUFFIX}"
        rows = vectors.sentences
        np.savez(temporary, chunk_ids=np.array(vectors.chunk_ids, dtype=str), chunk_vectors=vectors.chunk_vectors.astype(np.float32),
                 sentence_chunks=np.array([row.chunk_id for row in rows], dtype=str),
                 sentence_starts=np.array([row.start for row in rows], dtype=np.int64),
                 sentence_ends=np.array([row.end for row in rows], dtype=np.int64),
                 sentence_sections=_optional([row.section for row in rows], ""),
                 sentence_pages=_optional([row.page for row in rows], -1).astype(np.int64),
                 sentence_columns=_optional([row.column for row in rows], ""),
                 sentence_vectors=vectors.sentence_vectors.astype(np.float32))
        os.replace(temporary, target)

    def exists(self, version: DocumentVersion) -> bool:
        return version in self._cached or (self.folder / file_name(version)).is_file()

    def read(self, version: DocumentVersion) -> DocumentVectors | None:
        """The version's rows, or None when it has no file (written before these files existed, or removed)."""
        if version in self._cached:
            self._cached.move_to_end(version)
            return self._cached[version]
        try:
            with np.load(self.folder / file_name(version), allow_pickle=False) as data:
                vectors = _decoded(data)
        except (FileNotFoundError, OSError, ValueError, KeyError):
            return None
        self._cached[version] = vectors
        self._rows += vectors.rows
        while self._rows > self.max_rows and len(self._cached) > 1:
            _, dropped = self._cached.popitem(last=False)
            self._rows -= dropped.rows
        return vectors

    def read_all(self, versions: Sequence[DocumentVersion]) -> list[DocumentVectors] | None:
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


def _decoded(data: np.lib.npyio.NpzFile) -> DocumentVectors:
    sections, pages, columns = data["sentence_sections"], data["sentence_pages"], data["sentence_columns"]
    sentences = tuple(
        SentenceRow(str(chunk_id), int(start), int(end), str(sections[i]) or None,
                    int(pages[i]) if pages[i] >= 0 else None, str(columns[i]) or None)
        for i, (chunk_id, start, end) in enumerate(zip(data["sentence_chunks"], data["sentence_starts"],
                                                       data["sentence_ends"])))
    return DocumentVectors(tuple(str(i) for i in data["chunk_ids"]), data["chunk_vectors"], sentences,
                           data["sentence_vectors"])


def nearest(vector: np.ndarray, n: int, documents: list[DocumentVectors], sentences: bool) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) of the n passages, or sentences, of these documents nearest the normalised
    vector; exact, so a filtered search finds the same rows however large the library."""
    ids: list[str] = []
    blocks: list[np.ndarray] = []
    for document in documents:
        ids.extend(row.chunk_id for row in document.sentences) if sentences else ids.extend(document.chunk_ids)
        blocks.append(document.sentence_vectors if sentences else document.chunk_vectors)
    if not ids:
        return []
    similarities = np.vstack(blocks) @ np.asarray(vector, dtype=np.float32)
    top = np.argsort(-similarities, kind="stable")[:n]
    return [(ids[i], float(similarities[i])) for i in top]


def sentences_of(chunk_ids: set[str], documents: list[DocumentVectors]) -> list[StoredSentence]:
    """The sentences of these passages, in document order."""
    return [StoredSentence(row.chunk_id, row.start, row.end, row.section, row.page, row.column,
                           document.sentence_vectors[i])
            for document in documents for i, row in enumerate(document.sentences) if row.chunk_id in chunk_ids]
