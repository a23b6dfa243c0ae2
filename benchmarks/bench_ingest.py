"""Benchmark: ingest speed (pages/s, chunks/s) and its ratio to the raw embedding time of the same sentence texts."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from ingest.chunker import Chunker  # noqa: E402
from ingest.pipeline import discover  # noqa: E402
from ingest.readers import reader_for  # noqa: E402
from ingest.structure import StructureParser  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
CORPORA = [PROJECT / "samples" / "reports", PROJECT.parent / "shared" / "external" / "pdfs"]


def sentence_texts(folder: Path) -> list[str]:
    """Exactly the texts the pipeline embeds, built outside the timed ingest."""
    texts: list[str] = []
    for path in discover([folder]):
        document = reader_for(path).read(path)
        chunks = Chunker().chunk(document, StructureParser().parse(document.text, document.table_lines))
        texts.extend(sentence.embed_text for chunk in chunks for sentence in chunk.sentences)
    return texts


def bench(services: Services, folder: Path) -> None:
    cpu_started = time.process_time()
    summary = services.pipeline.ingest([folder], progress=False)
    ingest_cpu = time.process_time() - cpu_started
    stored = [r for r in summary.results if r.status in ("added", "replaced")]
    pages, chunks = sum(r.pages for r in stored), sum(r.chunks for r in stored)
    texts = sentence_texts(folder)
    started, cpu_started = time.perf_counter(), time.process_time()
    services.embedder.embed(texts)
    embed_seconds, embed_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"{folder.name}: {len(stored)} files, {pages} pages, {chunks} chunks, {len(texts)} sentences")
    print(f"  ingest {summary.seconds:.1f} s: {pages / summary.seconds:.1f} pages/s, {chunks / summary.seconds:.1f} chunks/s")
    print(f"  raw embedding of the same sentences {embed_seconds:.1f} s; ingest/embedding ratio "
          f"{summary.seconds / embed_seconds:.2f}x")
    # CPU time (all threads of this process) barely moves when other jobs load the machine; wall time does.
    print(f"  CPU time: ingest {ingest_cpu:.1f} s, raw embedding {embed_cpu:.1f} s; ratio {ingest_cpu / embed_cpu:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", default=[str(c) for c in CORPORA if c.is_dir()])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as index:
        services = Services(load_settings(index=Path(index)))
        services.embedder.embed(["warm up"])
        for folder in args.folders:
            bench(services, Path(folder))


if __name__ == "__main__":
    main()
