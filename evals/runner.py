"""Runs the gold sets through our engine and the llama-index baseline, prints a comparison and writes report.json and report.html."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from assistant.llm_backend import build_llm, wants_llm
from assistant.results import LLM
from assistant.services import Services
from assistant.settings import load_settings
from evals.gold import DATASETS_DIR, GoldQuestion, SourceTexts, corpus_files, load_dataset
from evals.intervals import split_intervals
from evals.metrics import Attempt, Cited, QuestionScore, score, summarise_by_kind
from evals.tracker_eval import TRACKER_GOLD, document_path, load_gold
from evals.tracker_eval import report as tracker_report
from index.embedder import Embedder

RETRIEVAL_DEPTH = 10
DEFAULT_DATASETS = (DATASETS_DIR / "sample.jsonl", DATASETS_DIR / "external.jsonl", DATASETS_DIR / "kcc.jsonl",
                    DATASETS_DIR / "kcc_tables.jsonl", DATASETS_DIR / "kcc_budget.jsonl")
TABLE_METRICS = (("key_fact_recall", "key facts"), ("citation_hit", "citation hit"), ("hit@5", "hit@5"), ("mrr", "MRR"))
OVERALL_METRICS = ("citation_precision", "quote_fidelity", "abstention_precision", "abstention_recall",
                   "false_abstention", "cautioned", "cautioned_wrong", "latency_p50_ms", "latency_p95_ms")


def spread(questions: list[GoldQuestion], limit: int | None) -> list[GoldQuestion]:
    """The first `limit` questions taken round-robin over kinds, so a small run still covers every kind."""
    if limit is None or limit >= len(questions):
        return questions
    by_kind: dict[str, list[GoldQuestion]] = {}
    for question in questions:
        by_kind.setdefault(question.type, []).append(question)
    picked: list[GoldQuestion] = []
    while len(picked) < limit:
        for group in by_kind.values():
            if group and len(picked) < limit:
                picked.append(group.pop(0))
    return picked


def ask_ours(services: Services, question: GoldQuestion) -> Attempt:
    """The engine's answer, plus the passages the engine itself would use, searched deeper, for hit@k and MRR."""
    started = time.perf_counter()
    result = services.engine.ask(question.question, list(question.history))
    latency = (time.perf_counter() - started) * 1000
    passages = services.engine.passages(question.question, list(question.history), RETRIEVAL_DEPTH)
    retrieved = [p.chunk.text for p in passages]
    citations = [Cited(c.source, c.quote, c.text, c.page) for c in result.citations]
    return Attempt(result.answer, result.abstained, citations, retrieved, latency,
                   result.kept_sentences, result.removed_sentences, result.answerer, result.cautioned)


def run_system(name: str, ask: Callable[[GoldQuestion], Attempt], questions: list[GoldQuestion],
               sources: SourceTexts) -> tuple[list[Attempt], list[QuestionScore]]:
    attempts, scores = [], []
    for number, question in enumerate(questions, start=1):
        attempt = ask(question)
        attempts.append(attempt)
        scores.append(score(question, attempt, sources.text))
        if sys.stderr.isatty():
            print(f"\r  {name}: {number}/{len(questions)}", end="", file=sys.stderr, flush=True)
    print(f"\r  {name}: {len(questions)} questions answered", file=sys.stderr)
    return attempts, scores


def _system_json(attempt: Attempt, question_score: QuestionScore) -> dict[str, Any]:
    return {"answer": attempt.answer, "abstained": attempt.abstained,
            "cited": [asdict(c) for c in attempt.citations], "metrics": question_score.to_json(),
            "model_sentences": {"kept": attempt.kept_sentences, "removed": attempt.removed_sentences}}


def model_sentences(attempts: list[Attempt]) -> dict[str, float | int | None]:
    """How many sentences the model wrote, how many the checks kept, the share kept, and how many answers shown
    were the model's (the others are extractive: a refusal, a failed model, or no sentence kept)."""
    kept = sum(a.kept_sentences for a in attempts)
    written = kept + sum(a.removed_sentences for a in attempts)
    return {"written": written, "kept": kept, "kept_share": kept / written if written else None,
            "model_answers": sum(a.answerer == LLM for a in attempts), "questions": len(attempts)}


def evaluate_dataset(path: Path, embedder: Embedder, work_dir: Path, limit: int | None,
                     baseline_model: Any | None, with_llm: bool = False) -> dict[str, Any]:
    """Ingest the dataset's document folders into a fresh index, run each system, score every question."""
    questions = spread(load_dataset(path), limit)
    files = corpus_files(load_dataset(path))  # the whole set's papers, so a limited run has the same distractors
    sources = SourceTexts(files)
    services = Services(load_settings(index=work_dir / "index", answerer="extractive"))
    services.__dict__["embedder"] = embedder  # one model load for every dataset
    summary = services.pipeline.ingest(files, progress=False)
    if summary.failed:
        raise ValueError(f"could not ingest {[str(r.path) for r in summary.failed]}; run `scrutiny ingest` on them to see why")
    print(f"{path.name}: {len(questions)} questions over {len(files)} documents ({summary.line()})", file=sys.stderr)
    systems: dict[str, tuple[list[Attempt], list[QuestionScore]]] = {
        "ours": run_system("ours", lambda q: ask_ours(services, q), questions, sources)}
    if with_llm:
        with_model = Services(load_settings(index=work_dir / "index", answerer="llm"))
        with_model.__dict__.update(embedder=embedder, store=services.store, retriever=services.retriever)
        systems["llm"] = run_system("llm", lambda q: ask_ours(with_model, q), questions, sources)
    if baseline_model is not None:
        from evals.baseline import LlamaIndexBaseline

        baseline = LlamaIndexBaseline(baseline_model, work_dir / "baseline")
        baseline.build(files)
        systems["baseline"] = run_system("baseline", lambda q: baseline.ask(q.question, q.history), questions, sources)
    return dataset_report(path, files, questions, systems)


def dataset_report(path: Path, files: list[Path], questions: list[GoldQuestion],
                   systems: dict[str, tuple[list[Attempt], list[QuestionScore]]]) -> dict[str, Any]:
    """The JSON record of one dataset's run: summaries per system and kind, and every question's result."""
    return {
        "dataset": str(path), "documents": [f.name for f in files],
        "summary": {name: summarise_by_kind(scores) for name, (_, scores) in systems.items()},
        "splits": {name: {split: summarise_by_kind([s for q, s in zip(questions, scores) if q.split == split])["overall"]
                          for split in sorted({q.split for q in questions}, reverse=True)}
                   for name, (_, scores) in systems.items()},
        "intervals": split_intervals(questions, systems["ours"][1]),
        **({"model_sentences": model_sentences(systems["llm"][0])} if "llm" in systems else {}),
        "questions": [{
            "id": q.id, "type": q.type, "split": q.split, "table": q.table, "question": q.question,
            "history": list(q.history),
            "expected": {"answer": q.answer, "must_include": list(q.must_include), "evidence": list(q.evidence),
                         "sources": list(q.sources), "pages": list(q.pages)},
            **{name: _system_json(attempts[i], scores[i]) for name, (attempts, scores) in systems.items()},
        } for i, q in enumerate(questions)],
    }


SPLIT_METRICS = (("key_fact_recall", "key facts"), ("citation_hit", "citation hit"), ("abstention_recall", "refused"),
                 ("false_abstention", "false refusals"), ("quote_fidelity", "verbatim"))


def _gap(dev: float | None, test: float | None) -> str:
    return "-" if dev is None or test is None else f"{dev - test:+.2f}"


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def _ratio(ours: float | None, base: float | None) -> str:
    if ours is None or base is None:
        return "   -  "
    return f"{ours / base:5.2f}x" if base else "   inf" if ours else "   -  "


def format_table(name: str, report: dict[str, Any]) -> str:
    """Per kind: each headline metric as ours | baseline | ratio; then the overall-only metrics."""
    ours, base = report["summary"]["ours"], report["summary"].get("baseline", {})
    header = f"{'kind':15}{'n':>4}  " + "".join(f"{label:^24}" for _, label in TABLE_METRICS)
    sub = " " * 21 + "".join(f"{'ours':>6} {'base':>6} {'ratio':>7}   " for _ in TABLE_METRICS)
    lines = [f"== {name} ==", header, sub]
    for kind, metrics in ours.items():
        row = f"{kind:15}{metrics['n']:>4}  "
        for key, _ in TABLE_METRICS:
            theirs = base.get(kind, {}).get(key)
            row += f" {_cell(metrics[key])}  {_cell(theirs)} {_ratio(metrics[key], theirs)}   "
        lines.append(row)
    lines.append("")
    splits = report.get("splits", {}).get("ours", {})
    if len(splits) > 1:  # test first: it is the figure that says how the engine does on papers nobody tuned on
        lines.append(f"  {'split':6}{'n':>4}  " + "".join(f"{label:>16}" for _, label in SPLIT_METRICS))
        for split, metrics in splits.items():
            lines.append(f"  {split:6}{metrics['n']:>4}  " + "".join(f"{_cell(metrics[key]):>16}" for key, _ in SPLIT_METRICS))
        if {"dev", "test"} <= splits.keys():
            gap = [_gap(splits["dev"][key], splits["test"][key]) for key, _ in SPLIT_METRICS]
            lines.append(f"  {'gap':6}{'':>4}  " + "".join(f"{g:>16}" for g in gap))
        lines.append("")
    lines.extend(format_intervals(report.get("intervals", {})))
    with_model = report["summary"].get("llm", {}).get("overall", {})
    for key in OVERALL_METRICS:
        lines.append(f"  {key:22} ours {_cell(ours['overall'][key])}   baseline {_cell(base.get('overall', {}).get(key))}"
                     + (f"   llm {_cell(with_model.get(key))}" if with_model else ""))
    if with_model:
        lines.append(format_llm(report))
    return "\n".join(lines)


def format_intervals(intervals: dict[str, dict[str, list[float] | None]]) -> list[str]:
    """The 95% intervals, papers resampled (evals/intervals.py): how far each figure could move on other papers."""
    if not intervals:
        return []
    lines = ["  95% intervals, papers resampled:"]
    for split, figures in intervals.items():
        cells = [f"{label} {_span(figures.get(key), signed=split == 'gap')}" for key, label in SPLIT_METRICS if key in figures]
        lines.append(f"    {split:5} " + ", ".join(cells))
    return lines + [""]


def _span(bounds: list[float] | None, signed: bool) -> str:
    if bounds is None:
        return "-"
    low, high = bounds
    return f"{low:+.2f} to {high:+.2f}" if signed else f"{low:.2f}-{high:.2f}"


def format_llm(report: dict[str, Any]) -> str:
    """The language-model answerer's headline metrics beside the extractive one's, and the share of its sentences kept."""
    ours, with_model = report["summary"]["ours"]["overall"], report["summary"]["llm"]["overall"]
    lines = ["", f"  {'language model':22} {'extractive':>10} {'llm':>6}"]
    lines += [f"  {label:22} {_cell(ours[key]):>10} {_cell(with_model[key]):>6}" for key, label in TABLE_METRICS]
    counted = report["model_sentences"]
    lines.append(f"  model sentences kept: {counted['kept']} of {counted['written']} "
                 f"(share {_cell(counted['kept_share']).strip()}); answers shown from the model: "
                 f"{counted['model_answers']} of {counted['questions']}")
    return "\n".join(lines)


def run(datasets: list[Path], report_dir: Path | None, index_dir: Path | None, limit: int | None,
        with_baseline: bool, answerer: str | None = None) -> dict[str, Any]:
    """Scores the extractive engine (and the baseline); with a language model configured (or --answerer llm) the
    model's answers too, side by side."""
    if limit is not None and limit < 1:
        raise ValueError("--limit must be 1 or more (the number of questions per set)")
    missing = [str(p) for p in datasets if not p.is_file()]
    if missing:
        raise ValueError(f"dataset not found: {', '.join(missing)}; give a JSON-lines file from evals/datasets/")
    settings = load_settings(answerer=answerer)
    with_llm = wants_llm(settings)
    if with_llm:
        build_llm(settings)  # a missing model name or package is reported before any work is done
    embedder = Embedder(settings.embedding_model)
    baseline_model = None
    if with_baseline:
        from evals.baseline import configure_llama_index

        baseline_model = configure_llama_index(embedder.model_name)
    report: dict[str, Any] = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "datasets": {}}
    with tempfile.TemporaryDirectory(prefix="scrutiny-eval-") as scratch:
        for path in datasets:
            if path.stem == TRACKER_GOLD.stem:  # records, not questions: scored by the tracker's own metrics
                report["tracker"] = tracker_report(path)
                continue
            work_dir = (index_dir or Path(scratch)) / path.stem
            report["datasets"][path.stem] = evaluate_dataset(path, embedder, work_dir, limit, baseline_model, with_llm)
            print(format_table(path.stem, report["datasets"][path.stem]), flush=True)
    if report_dir:
        from evals.report_html import render_html

        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        (report_dir / "report.html").write_text(render_html(report), encoding="utf-8")
        print(f"Wrote {report_dir / 'report.json'} and {report_dir / 'report.html'}")
    return report


def default_datasets() -> list[Path]:
    """Every gold set whose papers are present on this machine (the shared PDFs may not be)."""
    chosen = [DEFAULT_DATASETS[0]]
    for path in DEFAULT_DATASETS[1:]:
        try:
            corpus_files(load_dataset(path))
            chosen.append(path)
        except (ValueError, FileNotFoundError) as error:
            print(f"skipping {path.name}: {error}", file=sys.stderr)
    try:
        for record in load_gold(TRACKER_GOLD):
            document_path(record["source"])
        chosen.append(TRACKER_GOLD)
    except ValueError as error:
        print(f"skipping the tracker set: {error}", file=sys.stderr)
    return chosen
