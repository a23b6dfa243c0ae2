"""The ingestion pipeline, one visible step at a time: hash, load, parse, describe, chunk, embed, store."""

from __future__ import annotations

import hashlib
import re
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable

import numpy as np
from tqdm import tqdm

from index.embedder import Embedder
from index.faults import damage_reason, is_unreachable, server_address, unreachable_message
from index.records import DocumentRecord
from index.sentence_cache import SentenceVectorCache
from index.store import ChromaStore
from ingest.chunker import Chunk, Chunker
from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.metadata import DocumentMetadata, extract_metadata
from ingest.readers import reader_for, supported_suffixes
from ingest.readers.base import ReadLimits
from ingest.recommendations import Recommendation, RecommendationExtractor, link_chunks
from ingest.sentences import load_sentence_model
from ingest.structure import Block, StructureParser


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_SHOWN_PATH = 160
MAX_SHOWN_SKIPPED = 10
# Sentences embedded between two checks of the time limit: a few seconds of model time on two cores.
READING_CODE = Path(__file__).parent
EMBED_SLICE = 512
# Files read ahead of the one being embedded. With one, a paper slow to read (many table pages, few sentences)
# left the model waiting on one busy core; a few more keep the reader ahead through such runs. On the 115 KCC papers
# (docs/scale.md) one ahead took 1.50x the raw embedding time, four 1.32x, nine 1.31x.
READ_AHEAD_FILES = 4


def shown(path: Path | str) -> str:
    """A path on one line, whatever characters a hostile name holds, shortened if very long."""
    text = CONTROL_CHARACTERS.sub(lambda m: repr(m.group())[1:-1], str(path))
    return text if len(text) <= MAX_SHOWN_PATH else text[:MAX_SHOWN_PATH // 2] + "..." + text[-MAX_SHOWN_PATH // 2:]


@dataclass
class FileResult:
    """What happened to one file: added, replaced, unchanged or failed (with the reason)."""

    path: Path
    status: str
    message: str = ""
    pages: int = 0
    chunks: int = 0


    @property
    def shown_path(self) -> str:
        return shown(self.path)


@dataclass(frozen=True)
class Skipped:
    """A file in a folder that was not read, and why (its type is not one the readers take)."""

    path: Path
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    """What a file's text yields without the model: its blocks, chunks, metadata and tracker records."""

    document: LoadedDocument
    blocks: list[Block]
    chunks: list[Chunk]
    metadata: DocumentMetadata
    recommendations: list[Recommendation]


@lru_cache(maxsize=1)
def reading_version() -> str:
    """A digest of the code that turns a file into passages (this package). A file is unchanged only when it and
    this code are, so a better reader reaches the papers ingested before it on their next ingest."""
    digest = hashlib.sha256()
    for path in sorted(READING_CODE.rglob("*.py")):
        digest.update(path.relative_to(READING_CODE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class ReadFile:
    """A changed file read and parsed (in the background, while the file before it is embedded), waiting to be
    embedded and stored."""

    path: Path
    content_hash: str
    replaces: bool
    parsed: ParsedFile
    read_seconds: float


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def line(self) -> str:
        stored = [r for r in self.results if r.status in ("added", "replaced")]
        unchanged = sum(r.status == "unchanged" for r in self.results)
        noun = "document" if len(stored) == 1 else "documents"
        return (f"{len(stored)} {noun} ingested ({sum(r.pages for r in stored)} pages, "
                f"{sum(r.chunks for r in stored)} chunks), {unchanged} unchanged, {len(self.failed)} failed "
                f"in {self.seconds:.1f} s{self.skipped_text()}")

    def skipped_text(self) -> str:
        """'; skipped 2: report.xlsx (unsupported type), notes.exe (unsupported type)', or '' when none were."""
        if not self.skipped:
            return ""
        named = [f"{shown(item.path)} ({item.reason})" for item in self.skipped[:MAX_SHOWN_SKIPPED]]
        more = len(self.skipped) - len(named)
        return f"; skipped {len(self.skipped)}: " + ", ".join(named) + (f" and {more} more" if more else "")


def _folder_files(folder: Path) -> list[tuple[Path, str | None]]:
    """Every file under the folder, with why it is skipped (None when it is read); hidden files are left out."""
    files: list[tuple[Path, str | None]] = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        files.append((path, None if path.suffix.lower() in supported_suffixes() else "unsupported type"))
    return files


def discover(paths: list[Path]) -> list[Path]:
    """Files named directly (whatever their type, so a wrong type gets a message) and supported files in folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(file for file, reason in _folder_files(path) if reason is None)
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def skipped_in(paths: list[Path]) -> list[Skipped]:
    """Files inside the given folders that discover() leaves out, named relative to their folder."""
    return [Skipped(file.relative_to(path), reason) for path in paths if path.is_dir()
            for file, reason in _folder_files(path) if reason is not None]


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.3g} MB"


def _normalised_mean(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


class IngestPipeline:
    """Ingests files into the store; a file either lands whole or not at all."""

    def __init__(self, store: ChromaStore, embedder: Embedder, max_chunk_words: int = 160,
                 max_file_bytes: int = 50 * 1024 * 1024, max_text_chars: int | None = None,
                 max_seconds_per_file: float | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.sentence_cache = SentenceVectorCache()
        self.parser = StructureParser()
        self.chunker = Chunker(max_chunk_words)
        self.recommendations = RecommendationExtractor()
        self.max_file_bytes = max_file_bytes
        self.max_text_chars = max_text_chars
        self.max_seconds_per_file = max_seconds_per_file

    def ingest(self, paths: list[Path], progress: bool | None = None) -> IngestSummary:
        """Reads files in a background thread, up to READ_AHEAD_FILES ahead of the one being embedded and stored:
        the model releases the interpreter lock while it computes, and reading PDFs is a large share of an ingest."""
        started = time.perf_counter()
        files = discover(paths)
        self.store.remove_orphans()
        show = sys.stderr.isatty() if progress is None else progress
        self.store.complete_vector_files(show)
        summary = IngestSummary(skipped=skipped_in(paths))
        bar = tqdm(files, desc="Ingesting", unit="file", disable=not show, file=sys.stderr)
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-reader")
        try:
            reads: list[Future[FileResult | ReadFile] | None] = [
                reader.submit(self._read_changed, path) for path in files[:READ_AHEAD_FILES]]
            for position, path in enumerate(bar):
                if position + READ_AHEAD_FILES < len(files):
                    reads.append(reader.submit(self._read_changed, files[position + READ_AHEAD_FILES]))
                bar.set_postfix_str(path.name[:40])
                result = self._outcome(path, partial(self._store_read_future, reads[position]))
                reads[position] = None  # a stored file's text is not kept
                if show or result.status != "failed":  # without a bar, the caller reports each failure once
                    bar.write(f"  {result.status:9} {result.shown_path}" + (f": {result.message}" if result.message else ""),
                              file=sys.stderr)
                summary.results.append(result)
        finally:
            reader.shutdown(wait=True, cancel_futures=True)
        summary.seconds = time.perf_counter() - started
        return summary

    def ingest_file(self, path: Path, write_lock: AbstractContextManager | None = None) -> FileResult:
        """Reads, chunks and embeds the file, then stores it holding write_lock (if given) only while writing."""
        return self._outcome(path, lambda: self._store_read(self._read_changed(path), write_lock or nullcontext()))

    def _store_read_future(self, read: Future[FileResult | ReadFile]) -> FileResult:
        return self._store_read(read.result(), nullcontext())

    def _outcome(self, path: Path, ingest: Callable[[], FileResult]) -> FileResult:
        """The file's result; a failure in the file or in the index becomes a failed result with the reason."""
        try:
            return ingest()
        except IngestError as error:
            return FileResult(path, "failed", str(error))
        except Exception as error:  # noqa: BLE001 - the index failing on one file must not stop the run
            return FileResult(path, "failed", self._store_failure(error))

    def _store_failure(self, error: Exception) -> str:
        """What went wrong in the index, not in the file: the Chroma server down, or a damaged index."""
        address = server_address(self.store.client)
        if address and is_unreachable(error):
            return unreachable_message(address) + "; this file was not stored"
        reason = damage_reason(error)
        if reason:
            return f"the index is damaged ({reason}); move it aside and ingest your papers into a new one"
        return f"could not be stored in the index ({error.__class__.__name__}: {error}); try again"

    def _read(self, path: Path, limits: ReadLimits) -> ParsedFile:
        """The file parsed; any failure of a reader library becomes a message about the file."""
        try:
            document = reader_for(path).read(path, limits)
            blocks = self.parser.parse(document.text, document.table_lines)
            metadata = extract_metadata(document.text)
            return ParsedFile(document, blocks, self.chunker.chunk(document, blocks), metadata,
                              self.recommendations.extract(document, blocks, metadata))
        except IngestError:
            raise
        except (OSError, MemoryError) as error:
            raise IngestError(f"could not be read ({error.__class__.__name__}: {error}); check the file") from None
        except Exception as error:  # noqa: BLE001 - a reader library failing on one odd file must not stop the run
            raise IngestError(f"could not be read ({error.__class__.__name__}); open and re-save "
                              "the file, or convert it to PDF or text") from None

    def _read_changed(self, path: Path) -> FileResult | ReadFile:
        """The file read, parsed and chunked, or its result when it is unchanged since it was last ingested.

        The time limit's clock starts when reading starts, not when the file was queued, and not while the sentence
        model loads for the process's first changed file (an ingest of unchanged files does not load it)."""
        try:
            self._check_size(path)
            content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as error:
            raise IngestError(f"could not be read ({error.__class__.__name__}: {error}); check the file") from None
        existing = self.store.document(path.name)
        if existing and existing.get("content_hash") == content_hash and existing.get("reading") == reading_version():
            return FileResult(path, "unchanged", pages=int(existing.get("pages", 0)), chunks=int(existing.get("chunks", 0)))
        load_sentence_model()
        limits = ReadLimits(self.max_text_chars, self.max_seconds_per_file)
        parsed = self._read(path, limits)
        if not parsed.chunks:
            raise IngestError("no readable text was found; check the file opens and contains text")
        return ReadFile(path, content_hash, existing is not None, parsed, time.monotonic() - limits.started)

    def _store_read(self, read: FileResult | ReadFile, write_lock: AbstractContextManager) -> FileResult:
        """Embeds a read file and stores it, holding write_lock only while writing; the time spent reading it
        counts against its time limit, the time it waited for the file before it does not."""
        if isinstance(read, FileResult):
            return read
        limits = ReadLimits(self.max_text_chars, self.max_seconds_per_file, started=time.monotonic() - read.read_seconds)
        document, chunks = read.parsed.document, read.parsed.chunks
        printed = document.printed_pages.as_metadata() if document.printed_pages else {}
        metadata = {**read.parsed.metadata.as_metadata(), **printed}
        record = DocumentRecord(
            source=read.path.name, content_hash=read.content_hash, reading=reading_version(),
            # a new id when the file or its reading changes, so a half-written ingest never mixes with the last one
            ingest_id=hashlib.sha256(f"{read.content_hash}:{reading_version()}".encode()).hexdigest()[:16],
            text=document.text,
            format=document.format, pages=document.page_count, chunks=len(chunks),
            ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), path=str(read.path.resolve()),
            metadata=metadata,
        )
        chunk_vectors, sentence_vectors = self._embed(chunks, limits)
        with write_lock:
            self._write_recommendations(record, read.parsed.recommendations, chunks, chunk_vectors)
            self.store.write_document(record, chunks, chunk_vectors, sentence_vectors, self._chunk_metadata(metadata))
        return FileResult(read.path, "replaced" if read.replaces else "added", "; ".join(document.notes),
                          pages=document.page_count, chunks=len(chunks))

    def _write_recommendations(self, record: DocumentRecord, records: list[Recommendation], chunks: list[Chunk],
                               chunk_vectors: np.ndarray) -> None:
        """Tracker records, each carrying the vector of the chunk it sits in (no extra model time)."""
        if not records:
            return
        link_chunks(records, [(f"{record.source}:{record.ingest_id}:{c.ordinal}", c.start, c.end) for c in chunks])
        row = {f"{record.source}:{record.ingest_id}:{c.ordinal}": i for i, c in enumerate(chunks)}
        council = record.metadata.get("council")
        for item in records:
            item.council = str(council) if council else None
        vectors = np.vstack([chunk_vectors[row.get(item.chunk_id or "", 0)] for item in records])
        self.store.write_recommendations(record.source, record.ingest_id, records, vectors)

    def _check_size(self, path: Path) -> None:
        if CONTROL_CHARACTERS.search(path.name):
            raise IngestError("the file name contains a control character such as a newline; rename the file")
        if not path.exists():
            raise IngestError("file not found; check the path")
        size = path.stat().st_size
        if size == 0:
            raise IngestError("the file is empty; nothing to ingest")
        if size > self.max_file_bytes:
            raise IngestError(f"the file is {_megabytes(size)}, over the {_megabytes(self.max_file_bytes)} limit; "
                              "split it or raise SCRUTINY_MAX_FILE_MB")

    def _embed(self, chunks: list[Chunk], limits: ReadLimits) -> tuple[np.ndarray, np.ndarray]:
        """Sentences are embedded once; a chunk's vector is the mean of its sentences', so nothing is truncated.

        A text repeated in the paper (a table's "Directorate: GET" on every row, a running header) is embedded once:
        half the sentences of the KCC budget papers are repeats. So is a text already embedded for an earlier paper
        in this process (a report to Cabinet that goes on to Council): 30% of the KCC library's distinct sentences."""
        texts = [sentence.embed_text for chunk in chunks for sentence in chunk.sentences]
        distinct = list(dict.fromkeys(texts))
        vectors = self.sentence_cache.known(distinct)
        missing = [text for text in distinct if text not in vectors]
        fresh = self._embed_longest_first(missing, limits)
        self.sentence_cache.add(missing, fresh)
        vectors.update(zip(missing, fresh))
        sentence_vectors = np.vstack([vectors[text] for text in texts])
        chunk_vectors, cursor = [], 0
        for chunk in chunks:
            count = len(chunk.sentences)
            chunk_vectors.append(_normalised_mean(sentence_vectors[cursor:cursor + count]))
            cursor += count
        return np.vstack(chunk_vectors).astype(np.float32), sentence_vectors

    def _embed_longest_first(self, texts: list[str], limits: ReadLimits) -> np.ndarray:
        """The texts' vectors, in order, embedded a slice at a time so the time limit is checked while the model
        works, longest first so each slice's batches hold sentences of like length (a batch is padded to its
        longest: slices in document order cost ~40% more model time on the KCC papers)."""
        longest_first = np.argsort([-len(text) for text in texts], kind="stable")
        slices = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for start in range(0, len(texts), EMBED_SLICE):
            limits.check()
            slices.append(self.embedder.embed([texts[i] for i in longest_first[start:start + EMBED_SLICE]]))
        return np.vstack(slices)[np.argsort(longest_first)]  # back in the order given

    @staticmethod
    def _chunk_metadata(metadata: dict[str, str | int | bool]) -> dict[str, str | int | bool]:
        year = str(metadata.get("date", ""))[:4]
        return {**metadata, **({"year": int(year)} if year.isdigit() else {})}
