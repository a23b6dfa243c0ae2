"""Renders the evaluation report as one self-contained HTML page: inline SVG charts from matplotlib, no network."""

from __future__ import annotations

import html
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the non-interactive backend must be chosen first

CHART_METRICS = (("key_fact_recall", "Key-fact recall"), ("citation_hit", "Citation hit"),
                 ("hit@5", "Retrieval hit@5"), ("mrr", "Retrieval MRR"))
COLOURS = {"ours": "#1f6f8b", "baseline": "#d98c3f", "llm": "#5a9e4b"}
STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
.wide{overflow-x:auto}table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:1em 0}figure svg{max-width:100%;height:auto}
details{border:1px solid #ddd;border-radius:4px;margin:.5em 0;padding:.4em .8em}summary{cursor:pointer}
blockquote{margin:.3em 0 .3em 1em;color:#444;border-left:3px solid #ccc;padding-left:.6em}.miss{color:#a12}"""


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and DOCTYPE, which are invalid inside HTML


def kind_bars(summary: dict[str, dict[str, dict[str, Any]]], key: str, title: str) -> str:
    """Grouped bars per question kind: ours beside the baseline."""
    kinds = [k for k in summary["ours"] if summary["ours"][k].get(key) is not None]
    figure, axes = plt.subplots(figsize=(9, 2.8))
    width = 0.8 / len(summary)
    for offset, (system, by_kind) in enumerate(summary.items()):
        values = [by_kind.get(kind, {}).get(key) or 0.0 for kind in kinds]
        positions = [i + (offset - (len(summary) - 1) / 2) * width for i in range(len(kinds))]
        axes.bar(positions, values, width, label=system, color=COLOURS.get(system))
    axes.set_xticks(range(len(kinds)), kinds, rotation=20)
    axes.set_ylim(0, 1.05)
    axes.set_title(title)
    axes.legend(loc="upper right", fontsize=8)
    return _svg(figure)


def latency_histogram(dataset: dict[str, Any]) -> str:
    figure, axes = plt.subplots(figsize=(9, 2.8))
    for system in dataset["summary"]:
        latencies = [q[system]["metrics"]["latency_ms"] for q in dataset["questions"]]
        axes.hist(latencies, bins=30, alpha=0.6, label=system, color=COLOURS.get(system))
    axes.set_xlabel("latency per question (ms)")
    axes.set_ylabel("questions")
    axes.set_title("Latency distribution")
    axes.legend(fontsize=8)
    return _svg(figure)


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.2f}" if isinstance(value, float) else html.escape(str(value))


def summary_table(summary: dict[str, dict[str, dict[str, Any]]]) -> str:
    keys = [k for k in summary["ours"]["overall"] if k != "n"]
    head = "<tr><th>kind</th><th>n</th>" + "".join(f"<th>{html.escape(k)}</th>" for k in keys) + "</tr>"
    rows = []
    for kind in summary["ours"]:
        for system, by_kind in summary.items():
            values = by_kind.get(kind, {})
            rows.append(f"<tr><td>{html.escape(kind)} ({system})</td><td>{values.get('n', '-')}</td>"
                        + "".join(f"<td>{_fmt(values.get(k))}</td>" for k in keys) + "</tr>")
    return f"<div class=wide><table>{head}{''.join(rows)}</table></div>"


def _page(page: int | None) -> str:
    return f" p. {page}" if page else ""


def failed_question(question: dict[str, Any]) -> str:
    ours, expected = question["ours"], question["expected"]
    metrics = ours["metrics"]
    cited = "".join(f"<li>[{i}] {html.escape(c['source'])}{_page(c.get('page'))}"
                    f"<blockquote>{html.escape(c['quote'])}</blockquote></li>" for i, c in enumerate(ours["cited"], start=1))
    history = "".join(f"<blockquote>earlier: {html.escape(turn)}</blockquote>" for turn in question["history"])
    evidence = "".join(f"<blockquote>{html.escape(e)}</blockquote>" for e in expected["evidence"])
    return (f"<details><summary><b>{question['id']}</b> ({question['type']}) {html.escape(question['question'])} "
            f"<span class=miss>key facts {_fmt(metrics['key_fact_recall'])}, citation hit {_fmt(metrics['citation_hit'])}, "
            f"abstained {metrics['abstained']}</span></summary>{history}"
            f"<p><b>Expected:</b> {html.escape(expected['answer'])}<br><b>Key facts:</b> "
            f"{html.escape(', '.join(expected['must_include']) or '(should abstain)')}<br><b>Gold evidence</b> in "
            f"{html.escape(', '.join(expected['sources']) or '-')}:</p>{evidence}"
            f"<p><b>Answered:</b> {html.escape(ours['answer'])}</p><p><b>Cited:</b></p><ol>{cited}</ol></details>")


def model_sentences_line(dataset: dict[str, Any]) -> str:
    """With the language-model answerer ("llm") run: how many of its sentences the checks kept."""
    counted = dataset.get("model_sentences")
    if not counted:
        return ""
    return (f"<p>The rows marked (llm) are the language model's answers, each sentence checked against the papers: "
            f"{counted['kept']} of the {counted['written']} sentences it wrote were kept "
            f"(share {_fmt(counted['kept_share'])}), and {counted['model_answers']} of {counted['questions']} answers "
            f"shown were the model's (the rest are refusals or the extractive answer after a failure or when no "
            f"sentence survived); (ours) is the extractive answerer.</p>")


def dataset_section(name: str, dataset: dict[str, Any]) -> str:
    summary = dataset["summary"]
    charts = "".join(f"<figure class=chart>{kind_bars(summary, key, title)}</figure>" for key, title in CHART_METRICS)
    failed = [q for q in dataset["questions"] if q["ours"]["metrics"]["failed"]]
    return (f"<section><h2>{html.escape(name)}</h2><p>{len(dataset['questions'])} questions over "
            f"{len(dataset['documents'])} documents.</p>{model_sentences_line(dataset)}{summary_table(summary)}{charts}"
            f"<figure class=chart>{latency_histogram(dataset)}</figure>"
            f"<h3>Questions we failed ({len(failed)})</h3>{''.join(failed_question(q) for q in failed)}</section>")


def render_html(report: dict[str, Any]) -> str:
    sections = "".join(dataset_section(name, dataset) for name, dataset in report["datasets"].items())
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Scrutiny Assistant evaluation</title>"
            f"<style>{STYLE}</style></head><body><h1>Scrutiny Assistant evaluation</h1>"
            f"<p>Generated {html.escape(report['generated'])}. Deterministic metrics; the baseline is a plain "
            f"llama-index pipeline over the same documents with the same embedding model.</p>{sections}</body></html>")
