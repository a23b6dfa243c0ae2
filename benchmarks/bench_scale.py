"""Benchmark: a council's whole library. Cold ingest of the KCC library, then synthetic libraries of N passages
(copies of the real papers' passages and vectors under varied councils, titles and dates, plus the five sample
papers): query p50/p95 over the sample gold questions, app start, first question after adding a paper, peak
memory, and key facts / citation hit with the library as distractors. Prints a growth table, saves JSON.

  python benchmarks/bench_scale.py --kcc-files 115 --sizes 10000 30000 100000 --json scale.json

Each measurement runs in a fresh process (`--measure`), so start time and peak memory are the app's own."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

SAMPLE_DIR = PROJECT / "samples" / "reports"
KCC_DIR = PROJECT.parent / "shared" / "external" / "kcc-library"
ADDED_PAPER = PROJECT.parent / "shared" / "external" / "pdfs" / "us-east-palo-alto_2020-01-27_planning-commission_minutes.pdf"
COUNCILS = [f"{place} {kind}" for place in ("Northshire", "Eastwold", "Southmere", "Westvale", "Highdale", "Lowfield",
                                            "Ashbourne", "Brackley", "Cranmore", "Dunmere", "Elmstead", "Fernhill",
                                            "Greywater", "Hollowmead", "Ironbridge", "Kingsford", "Larchmont",
                                            "Millbrook", "Netherby", "Oakhurst")
            for kind in ("County Council", "City Council")]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the KCC library, ingested cold -------------------------------------------------------------
def ingest_cold(files: list[Path], index: Path, raw_embedding: bool = True) -> dict[str, Any]:
    """Run in its own process: the pipeline's ingest, then the raw embedding of exactly the same sentences."""
    from assistant.services import Services
    from assistant.settings import load_settings
    from benchmarks.bench_ingest import sentence_texts

    services = Services(load_settings(index=index))
    services.embedder.embed(["warm up"])
    started, cpu = time.perf_counter(), time.process_time()
    summary = services.pipeline.ingest(files, progress=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    ingest_peak = peak_mib()
    stored = [r for r in summary.results if r.status in ("added", "replaced")]
    if not raw_embedding:
        return {"stored": len(stored), "failed": len(summary.failed)}
    per_file = [sentence_texts_of(path, sentence_texts) for path in files]
    texts = [text for file_texts in per_file for text in file_texts]
    started, cpu = time.perf_counter(), time.process_time()
    services.embedder.embed(texts)
    embed_seconds, embed_cpu = time.perf_counter() - started, time.process_time() - cpu
    # the ingest embeds a text repeated within a paper once, and one repeated across papers once: the model time
    # it cannot avoid is that of the library's distinct sentences
    distinct = [text for file_texts in per_file for text in dict.fromkeys(file_texts)]
    started = time.perf_counter()
    services.embedder.embed(distinct)
    distinct_seconds = time.perf_counter() - started
    library_distinct = list(dict.fromkeys(texts))
    started = time.perf_counter()
    services.embedder.embed(library_distinct)
    library_distinct_seconds = time.perf_counter() - started
    pages, passages = sum(r.pages for r in stored), sum(r.chunks for r in stored)
    return {"files": len(files), "stored": len(stored), "failed": len(summary.failed), "pages": pages,
            "passages": passages, "sentences": len(texts), "ingest_s": seconds, "ingest_cpu_s": cpu_seconds,
            "pages_per_s": pages / seconds, "passages_per_s": passages / seconds, "embed_s": embed_seconds,
            "embed_cpu_s": embed_cpu, "ratio_wall": seconds / embed_seconds, "ratio_cpu": cpu_seconds / embed_cpu,
            "distinct_sentences": len(distinct), "distinct_embed_s": distinct_seconds,
            "ratio_distinct_wall": seconds / distinct_seconds, "library_distinct_sentences": len(library_distinct),
            "library_distinct_embed_s": library_distinct_seconds,
            "ratio_library_distinct_wall": seconds / library_distinct_seconds, "peak_mib": ingest_peak}


def sentence_texts_of(path: Path, sentence_texts: Any) -> list[str]:
    """bench_ingest's sentence texts for one file, via a folder holding only that file."""
    with tempfile.TemporaryDirectory() as folder:
        os.symlink(path.resolve(), Path(folder) / path.name)
        try:
            return sentence_texts(Path(folder))
        except Exception:  # noqa: BLE001 - a file the pipeline refused has no sentences to embed
            return []


# --- synthetic libraries -----------------------------------------------------------------------------
def _rows(collection: Any, where: dict[str, Any]) -> dict[str, list]:
    return collection.get(where=where, include=["embeddings", "documents", "metadatas"])


class Library:
    """Writes copies of stored documents (rows and vectors, no model time) into a new index."""

    def __init__(self, index: Path) -> None:
        from index.store import ChromaStore

        self.store = ChromaStore(index)
        self.pending: dict[str, dict[str, list]] = {}
        self.keyword: list[tuple[dict, list]] = []
        self.passages = 0
        self.sentences = 0

    def copy(self, source_store: Any, meta: dict[str, Any], rows: dict[str, dict[str, list]], source: str,
             changes: dict[str, Any]) -> None:
        from index.lexical import KeywordPassage, item_labels

        ingest = meta["ingest_id"]
        old_prefix, new_prefix = f"{meta['source']}:{ingest}:", f"{source}:{ingest}:"
        year = {"year": int(str(changes["date"])[:4])} if changes.get("date") else {}
        for name, got in rows.items():
            target = self.pending.setdefault(name, {"ids": [], "embeddings": [], "documents": [], "metadatas": []})
            for row_id, vector, text, row_meta in zip(got["ids"], got["embeddings"], got["documents"], got["metadatas"]):
                new_meta = {**row_meta, "source": source}
                if "chunk_id" in row_meta:
                    new_meta["chunk_id"] = row_meta["chunk_id"].replace(old_prefix, new_prefix, 1)
                if name in ("chunks", "recommendation_rows"):
                    new_meta.update({k: v for k, v in changes.items() if k in ("council",)}, **year)
                if name == "chunks":
                    new_meta.update({k: v for k, v in changes.items() if k in ("council", "title", "date")})
                target["ids"].append(source if name == "documents" else row_id.replace(meta["source"], source, 1))
                target["embeddings"].append(vector)
                target["documents"].append(text)
                target["metadatas"].append(new_meta)
        document = {**meta, "source": source, **changes}
        self.pending["documents"]["metadatas"][-1] = document
        self.sentences += self._write_vector_file(source_store, meta["source"], source, ingest)
        chunks = rows["chunks"]
        self.keyword.append((document, [KeywordPassage(int(i.rsplit(":", 1)[1]), m.get("search_text", t),
                                                        item_labels(t, m.get("section")))
                                        for i, t, m in zip(chunks["ids"], chunks["documents"], chunks["metadatas"])]))
        self.passages += len(chunks["ids"])
        if len(self.pending.get("chunks", {}).get("ids", [])) > 5_000:
            self.flush()

    def _write_vector_file(self, source_store: Any, original: str, source: str, ingest: str) -> int:
        """The copy's vector file: the original's rows under the copy's chunk ids, as the store writes one for every
        document it ingests (an embedded store keeps sentences only there); returns its sentence count."""
        import numpy as np

        from index.vector_files import DocumentVectors

        vectors = source_store.vector_files.read((original, ingest))
        old_prefix, new_prefix = f"{original}:{ingest}:", f"{source}:{ingest}:"
        chunk_ids = [str(chunk_id).replace(old_prefix, new_prefix, 1) for chunk_id in vectors.chunk_ids]
        sentences = vectors.all_sentences()
        rows = [{**s.place(), "chunk_id": s.chunk_id.replace(old_prefix, new_prefix, 1)} for s in sentences]
        self.store.vector_files.write((source, ingest), DocumentVectors(
            chunk_ids, vectors.chunk_vectors, rows, np.asarray([s.vector for s in sentences], np.float32)))
        return len(rows)

    def flush(self) -> None:
        """Rows first, then the keyword index, then the document records that make them visible (the store's order)."""
        import numpy as np

        with self.store._writing():  # noqa: SLF001 - a benchmark writes rows the way the store does, minus the model
            for name in ("chunks", "recommendation_rows", "keyword", "documents"):
                if name == "keyword":
                    self.store.keyword.add_documents(self.keyword)
                    continue
                got = self.pending.pop(name, None)
                if got and got["ids"]:
                    self.store._upsert(getattr(self.store, name), got["ids"],  # noqa: SLF001
                                       np.asarray(got["embeddings"], np.float32), got["documents"], got["metadatas"])
        self.keyword = []


def build_library(size: int, sources: list[tuple[Any, list[str]]], index: Path, seed: int = 7) -> dict[str, Any]:
    """The sample papers as they are, then copies of the distractor papers until `size` passages."""
    started = time.perf_counter()
    library = Library(index)
    rng = random.Random(seed)
    sample_store, sample_sources = sources[0]
    cache: dict[tuple[int, str], tuple[dict, dict]] = {}

    def document_rows(position: int, store: Any, source: str) -> tuple[dict, dict]:
        if (position, source) not in cache:
            meta = store.document(source)
            where = {"$and": [{"source": source}, {"ingest_id": meta["ingest_id"]}]}
            documents = store.documents.get(ids=[source], include=["embeddings", "documents", "metadatas"])
            cache[(position, source)] = (meta, {"chunks": _rows(store.chunks, where),
                                                "recommendation_rows": _rows(store.recommendation_rows, where),
                                                "documents": documents})
        return cache[(position, source)]

    for source in sample_sources:
        meta, rows = document_rows(0, sample_store, source)
        library.copy(sample_store, meta, rows, source, {})
    distractors = [(position, store, source) for position, (store, names) in enumerate(sources[1:], 1) for source in names]
    copy = 0
    while library.passages < size and distractors:
        position, store, source = distractors[copy % len(distractors)]
        meta, rows = document_rows(position, store, source)
        council = rng.choice(COUNCILS)
        date = f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        title = f"{meta.get('title') or source} ({council}, {date})"
        library.copy(store, meta, rows, f"{council.split()[0].lower()}_{date}_{copy}_{source}",
                     {"council": council, "date": date, "title": title, "council_inferred": False})
        copy += 1
    library.flush()
    return {"passages": library.passages, "documents": len(sample_sources) + copy,
            "sentences": library.sentences, "build_s": time.perf_counter() - started}


# --- measuring one library, in a fresh process --------------------------------------------------------
def measure(index: Path, questions_limit: int | None, add: Path | None) -> dict[str, Any]:
    from evals.gold import DATASETS_DIR, SourceTexts, load_dataset
    from evals.metrics import Attempt, Cited, score, summarise

    process_started = time.perf_counter()
    from assistant.services import Services
    from assistant.settings import load_settings

    imported = time.perf_counter()
    services = Services(load_settings(index=index))
    services.retriever.lexical_index()  # Chroma opened, keyword index loaded
    opened = time.perf_counter()
    services.engine.ask("warm-up")  # as `scrutiny serve` does before its first visitor: model and vector indexes
    model = time.perf_counter()
    questions = load_dataset(DATASETS_DIR / "sample.jsonl")[:questions_limit]
    first = services.engine.ask(questions[0].question, list(questions[0].history))
    ready, ready_cpu = time.perf_counter(), time.process_time()
    sources = SourceTexts(sorted(SAMPLE_DIR.glob("*.txt")))
    latencies, cpu, scores = [], [], []
    for question in questions:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = services.engine.ask(question.question, list(question.history))
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)  # barely moves when other jobs load the machine
        cited = [Cited(c.source, c.quote, c.text, c.page) for c in result.citations]
        scores.append(score(question, Attempt(result.answer, result.abstained, cited, [], latencies[-1]), sources.text))
    quality = summarise(scores)
    out: dict[str, Any] = {
        "import_s": imported - process_started, "open_s": opened - imported, "model_s": model - opened,
        "first_question_s": ready - model, "start_s": ready - process_started,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "questions": len(latencies),
        "p50_cpu_ms": percentile(cpu, 50), "p95_cpu_ms": percentile(cpu, 95), "start_cpu_s": ready_cpu,
        "key_facts": quality["key_fact_recall"], "citation_hit": quality["citation_hit"],
        "passages": services.retriever.lexical_index().passage_count, "first_answer_cited": bool(first.citations)}
    if add is not None:
        added = services.pipeline.ingest([add], progress=False)
        started = time.perf_counter()
        cpu_started = time.process_time()
        after = services.engine.ask("What did the planning commission decide?")
        out["after_add_first_question_s"] = time.perf_counter() - started
        out["after_add_first_question_cpu_s"] = time.process_time() - cpu_started
        out["after_add_cites_new_paper"] = any(c.source == add.name for c in after.citations)
        out["add_status"] = added.results[0].status
        services.store.remove(add.name)
    out["peak_mib"] = peak_mib()
    return out


def keyword_only(sizes: list[int], work: Path) -> list[dict[str, Any]]:
    """The keyword index alone at each size (no Chroma, no model): open, search p50/p95 with and without a
    council filter, adding one paper. Built from the sample papers' paragraphs under varied councils."""
    import re

    from index.filters import SearchFilter
    from index.lexical import KeywordIndex, KeywordPassage, item_labels

    paragraphs = [" ".join(part.split()) for path in sorted(SAMPLE_DIR.glob("*.txt"))
                  for part in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if len(part.split()) > 8]
    queries = [q.question for q in __import__("evals.gold", fromlist=["load_dataset"]).load_dataset(
        PROJECT / "evals" / "datasets" / "sample.jsonl")]
    rows = []
    for size in sizes:
        folder = work / f"keyword-{size}"
        index, rng, batch, made = KeywordIndex(folder), random.Random(size), [], 0
        while made < size:
            start = rng.randrange(len(paragraphs))
            passages = [KeywordPassage(n, text, item_labels(text, None)) for n, text in
                        enumerate(paragraphs[start:start + 100])]
            batch.append(({"source": f"paper-{made}.pdf", "ingest_id": "v1", "council": rng.choice(COUNCILS),
                           "date": f"{rng.randint(2012, 2025)}-01-01"}, passages))
            made += len(passages)
            if len(batch) == 50:
                index.add_documents(batch)
                batch = []
        index.add_documents(batch)
        started = time.perf_counter()
        reopened = KeywordIndex(folder)
        open_s = time.perf_counter() - started
        timings = {"all": [], "council": []}
        for question in queries:
            for name, search_filter in (("all", None), ("council", SearchFilter(councils=(COUNCILS[3],)))):
                started = time.perf_counter()
                reopened.search(question, 40, search_filter)
                reopened.labelled(["7"], search_filter)
                timings[name].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        index.add_documents([({"source": "new.pdf", "ingest_id": "v1", "council": COUNCILS[0]},
                              [KeywordPassage(n, text) for n, text in enumerate(paragraphs[:60])])])
        add_s = time.perf_counter() - started
        started = time.perf_counter()
        reopened.refresh()
        refresh_s = time.perf_counter() - started
        rows.append({"passages": reopened.passage_count, "segments": len(reopened.segments), "open_s": open_s,
                     "search_p50_ms": percentile(timings["all"], 50), "search_p95_ms": percentile(timings["all"], 95),
                     "filtered_p50_ms": percentile(timings["council"], 50),
                     "filtered_p95_ms": percentile(timings["council"], 95), "add_paper_s": add_s,
                     "reader_refresh_s": refresh_s, "peak_mib": peak_mib()})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else 0.0


def _in_child(*args: str) -> dict[str, Any]:
    """Runs this script with the arguments in a fresh process and returns the JSON it prints last."""
    return _child_result(_start_child(*args))


def _start_child(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *args], env={**os.environ, "PYTHONPATH": str(PROJECT), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _child_result(child: subprocess.Popen) -> dict[str, Any]:
    stdout, stderr = child.communicate()
    if child.returncode:
        raise RuntimeError(stderr[-2000:])
    return json.loads(stdout.strip().splitlines()[-1])


def _sentences_into_chroma(index: Path) -> None:
    """An embedded library keeps its sentences in its vector files; a server has none, so the served folder gets
    them as Chroma rows, as an index ingested through a server holds them (once; a rerun finds them there)."""
    import numpy as np

    from index.store import ChromaStore

    store = ChromaStore(index)
    if store.sentences.count():
        return
    for meta in store.list_documents():
        vectors = store.vector_files.read((meta["source"], meta["ingest_id"]))
        sentences = vectors.all_sentences()
        rows = [{**s.place(), "source": meta["source"], "ingest_id": meta["ingest_id"]} for s in sentences]
        ids = [f"{row['chunk_id']}:{row['start']}" for row in rows]
        store._upsert(store.sentences, ids, np.asarray([s.vector for s in sentences], np.float32),  # noqa: SLF001
                      [""] * len(ids), rows)


def measure_on_server(index: Path, questions: int | None, processes: int = 2) -> list[dict[str, Any]]:
    """The library served by a real `chroma run` on 127.0.0.1 and measured by several app processes at once, each
    asking the questions (no paper is added: the processes share one library)."""
    sys.path.insert(0, str(PROJECT / "tests"))
    from ports import free_port, wait_for_port

    _sentences_into_chroma(index)
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    server = subprocess.Popen([str(chroma), "run", "--path", str(index), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, 120, server)
        env = {"SCRUTINY_CHROMA_HOST": "127.0.0.1", "SCRUTINY_CHROMA_PORT": str(port)}
        children = [_start_child("--measure", str(index), *(["--questions", str(questions)] if questions else []), env=env)
                    for _ in range(processes)]
        return [_child_result(child) for child in children]
    finally:
        server.terminate()
        server.wait(timeout=60)


def table(results: dict[str, Any]) -> str:
    lines = []
    if "kcc_ingest" in results:
        k = results["kcc_ingest"]
        lines += [f"KCC library ingested cold: {k['stored']} of {k['files']} files, {k['pages']} pages, "
                  f"{k['passages']} passages in {k['ingest_s']:.0f} s: {k['pages_per_s']:.2f} pages/s, "
                  f"{k['passages_per_s']:.1f} passages/s; raw embedding of its {k['sentences']} sentences "
                  f"{k['embed_s']:.0f} s; ingest/embedding {k['ratio_wall']:.2f}x wall, {k['ratio_cpu']:.2f}x CPU; "
                  f"its {k['distinct_sentences']} distinct sentences a paper {k['distinct_embed_s']:.0f} s, "
                  f"{k['ratio_distinct_wall']:.2f}x wall; its {k['library_distinct_sentences']} distinct sentences "
                  f"across the library {k['library_distinct_embed_s']:.0f} s, {k['ratio_library_distinct_wall']:.2f}x wall; "
                  f"peak {k['peak_mib']:.0f} MiB", ""]
    header = (f"{'passages':>9} {'docs':>6} {'build s':>8} {'start s':>8} {'open s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p50 cpu':>8} {'p95 cpu':>8} {'add->ask s':>10} {'peak MiB':>9} {'key facts':>9} {'cite hit':>9}")
    lines += [header, "-" * len(header)]
    for row in results["libraries"]:
        m = row["measure"]
        lines.append(f"{m['passages']:>9} {row['documents']:>6} {row.get('build_s', 0):>8.0f} {m['start_s']:>8.1f} "
                     f"{m['open_s']:>7.2f} {m['p50_ms']:>7.0f} {m['p95_ms']:>7.0f} {m['p50_cpu_ms']:>8.0f} {m['p95_cpu_ms']:>8.0f} "
                     f"{m.get('after_add_first_question_s', float('nan')):>10.2f} {m['peak_mib']:>9.0f} "
                     f"{m['key_facts']:>9.3f} {m['citation_hit']:>9.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 30_000, 100_000],
                        help="passages per synthetic library (0 = the sample papers alone)")
    parser.add_argument("--kcc-files", type=int, default=115, help="KCC papers to ingest cold (0 to skip)")
    parser.add_argument("--kcc-index", type=Path, default=None,
                        help="an index already holding the KCC papers, used for the distractors (no cold ingest)")
    parser.add_argument("--questions", type=int, default=None, help="sample gold questions asked per library")
    parser.add_argument("--work", type=Path, default=None, help="folder for the indexes (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=PROJECT / "benchmarks" / "scale.json")
    parser.add_argument("--keyword-only", action="store_true", help="time the keyword index alone at each size")
    parser.add_argument("--chroma-server", type=int, default=0, metavar="PROCESSES",
                        help="also measure each library through a `chroma run` server shared by this many app processes")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure-server", type=Path, metavar="INDEX",
                        help="measure an existing library through a Chroma server only (with --chroma-server N)")
    parser.add_argument("--ingest", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--add", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-raw-embedding", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.questions, args.add)))
        return
    if args.measure_server:
        print(json.dumps(measure_on_server(args.measure_server, args.questions, args.chroma_server or 2)))
        return
    if args.ingest:
        print(json.dumps(ingest_cold(args.files, args.ingest, not args.no_raw_embedding)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    if args.keyword_only:
        args.json.write_text(json.dumps({"keyword_only": keyword_only(args.sizes, work)}, indent=2))
        return
    results: dict[str, Any] = {"sizes": args.sizes, "libraries": []}
    kcc_files = [] if args.kcc_index else sorted(KCC_DIR.glob("*.pdf"))[: args.kcc_files]
    kcc_record = work / "kcc-ingest.json"  # a rerun in the same --work folder reuses the cold ingest
    if kcc_files and not kcc_record.exists():
        kcc_record.write_text(json.dumps(_in_child("--ingest", str(work / "kcc"), *map(str, kcc_files))))
    if kcc_files:
        results["kcc_ingest"] = json.loads(kcc_record.read_text())
        print(table({**results, "libraries": []}), flush=True)
    from index.store import ChromaStore

    sample_index = work / "sample"
    if not (sample_index / "generation").exists():
        _in_child("--ingest", str(sample_index), "--no-raw-embedding", *map(str, sorted(SAMPLE_DIR.glob("*.txt"))))
    sample = ChromaStore(sample_index)
    stores = [(sample, [d["source"] for d in sample.list_documents()])]
    if kcc_files or args.kcc_index:
        kcc = ChromaStore(args.kcc_index or work / "kcc")
        stores.append((kcc, [d["source"] for d in kcc.list_documents()]))
    for store, _ in stores:
        store.complete_vector_files(progress=True)  # the copies' sentences come from their originals' files
    for size in args.sizes:
        index = work / f"library-{size}"
        built = build_library(size, stores, index)
        measured = _in_child("--measure", str(index), "--add", str(ADDED_PAPER),
                             *(["--questions", str(args.questions)] if args.questions else []))
        results["libraries"].append({**built, "size": size, "measure": measured})
        if args.chroma_server:
            results["libraries"][-1]["server"] = measure_on_server(index, args.questions, args.chroma_server)
        args.json.write_text(json.dumps(results, indent=2))
        print(table(results), flush=True)
    args.json.write_text(json.dumps(results, indent=2))  # also when only the KCC ingest was measured
    print(f"\nsaved {args.json}; indexes in {work}")


if __name__ == "__main__":
    main()
