"""The Recommendations tab: the tracker as a filterable table with roll-ups and Excel/CSV download; choosing a row
shows the passage it came from and its history across papers. Also the /recommendations API."""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app_common import AppContext
from assistant.tracker import OUTSTANDING_FILTER, list_recommendations, rollups
from assistant.tracker_export import write_export
from ingest.tracked import KINDS, Recommendation
from ingest.vocabulary import STATUSES

COLUMNS = ["Council", "Document", "No.", "Recommendation", "Status", "Target date", "Owner"]
COLUMN_WIDTHS = ["13%", "13%", "6%", "38%", "10%", "10%", "10%"]
CONTEXT_CHARS = 600
ALL = "All"
EXPORT_NAME = "recommendations"


def _chosen(value: str | None) -> str | None:
    return None if value in (None, "", ALL) else value


def find(context: AppContext, council: str | None, status: str | None, search: str | None,
         kind: str | None = None) -> list[Recommendation]:
    with context.lock:
        return list_recommendations(context.services.store, council=_chosen(council), status=_chosen(status),
                                    search=(search or "").strip() or None, kind=_chosen(kind))


def records(context: AppContext, council: str | None, status: str | None, search: str | None,
            kind: str | None = None) -> list[dict[str, Any]]:
    return [{**record.to_json(), "_start": record.start, "_end": record.end}
            for record in find(context, council, status, search, kind)]


def table_rows(found: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r.get("council") or "-", r.get("source") or "-", r.get("number") or "-", r.get("text") or "",
             r.get("status") or "-", r.get("target_date") or "-", r.get("owner") or r.get("body") or "-"]
            for r in found]


def rollup_markdown(found: list[Recommendation]) -> str:
    """Per council and per paper: counts by status, and how many are still outstanding."""
    lines = []
    for rollup in rollups(found):
        counts = ", ".join(f"{n} {status}" for status in STATUSES if (n := rollup.counts.get(status)))
        name = f"**{rollup.council}**" if rollup.source is None else f"&nbsp;&nbsp;{rollup.source}"
        lines.append(f"- {name}: {counts}; {len(rollup.outstanding)} outstanding")
    return "\n".join(lines) or "No records match."


def export_file(found: list[Recommendation], suffix: str) -> str:
    """The matching records written to a fresh file in Gradio's temp folder, for the download button."""
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=os.environ.get("GRADIO_TEMP_DIR") or None))
    path = folder / f"{EXPORT_NAME}{suffix}"
    write_export(found, path)
    return str(path)


def passage_html(context: AppContext, record: dict[str, Any]) -> str:
    """The stretch of the source document around the recommendation, with the recommendation marked, and the
    recommendation's status in each paper that reports on it."""
    text = context.services.store.document_text(record["source"]) or ""
    start, end = record["_start"], record["_end"]
    begin = text.rfind("\n", 0, max(0, start - CONTEXT_CHARS // 3)) + 1  # start the window on a line boundary
    passage = (html.escape(text[begin:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>"
               + html.escape(text[end:end + CONTEXT_CHARS]))
    section = record.get("section") or ""
    place = f"p. {record['page']}" if record.get("page") else (section if section.startswith("row") else
                                                                 f"para. {section}" if section else "")
    progress = (f"<p><b>Progress:</b> {html.escape(record['progress'])}</p>" if record.get("progress") else "")
    decided = ", ".join(filter(None, [record.get("body"), record.get("meeting_date"),
                                      f"decision {record['decision_number']}" if record.get("decision_number") else None]))
    history = "".join(f"<li>{html.escape(item.get('paper_date') or '-')} {html.escape(item['source'])}: "
                      f"<b>{html.escape(item['status'])}</b></li>" for item in record.get("history") or [])
    return (f"<div class='source-card' id='recommendation-source'><p><b>{html.escape(record['source'])}</b> "
            f"{html.escape(place)} · status <b>{html.escape(record.get('status') or '-')}</b>"
            f"{' · ' + html.escape(decided) if decided else ''}</p>{progress}"
            + (f"<div id='recommendation-history'><b>History, oldest first:</b><ol>{history}</ol></div>" if history else "")
            + f"<div class='passage'>{passage}</div></div>")


def build_tracker_tab(context: AppContext, tab: gr.Tab) -> None:
    """Lays out the tab; opening it re-reads the tracker, since uploads add recommendations."""
    with gr.Row():
        council = gr.Dropdown(label="Council", choices=[ALL, *context.councils()], value=ALL, elem_id="tracker-council")
        status = gr.Dropdown(label="Status", choices=[ALL, OUTSTANDING_FILTER, *STATUSES], value=ALL,
                             elem_id="tracker-status")
        kind = gr.Dropdown(label="Kind", choices=[ALL, *KINDS], value=ALL, elem_id="tracker-kind")
        search = gr.Textbox(label="Search", placeholder="words in the recommendation, e.g. foster", elem_id="tracker-search")
    first = find(context, None, None, None)
    found = gr.State([{**r.to_json(), "_start": r.start, "_end": r.end} for r in first])
    table = gr.Dataframe(table_rows(found.value), headers=COLUMNS, interactive=False, wrap=True, max_height=420,
                         column_widths=COLUMN_WIDTHS, elem_id="tracker-table")
    with gr.Row():
        count = gr.Markdown(f"{len(first)} recommendations", elem_id="tracker-count")
        xlsx = gr.DownloadButton("Download Excel", value=export_file(first, ".xlsx"), elem_id="tracker-download-xlsx",
                                 size="sm")
        csv = gr.DownloadButton("Download CSV", value=export_file(first, ".csv"), elem_id="tracker-download-csv",
                                size="sm")
    with gr.Accordion("Counts by status and outstanding, per council and paper", open=False):
        summary = gr.Markdown(rollup_markdown(first), elem_id="tracker-rollup")
    source = gr.HTML("<p>Choose a row to see the passage it comes from.</p>", elem_id="tracker-source", js_on_load=None)

    def apply(council_name: str, status_name: str, kind_name: str, words: str) -> tuple:
        matching = find(context, council_name, status_name, words, kind_name)
        shown = [{**r.to_json(), "_start": r.start, "_end": r.end} for r in matching]
        return (shown, table_rows(shown), f"{len(matching)} recommendations", rollup_markdown(matching),
                export_file(matching, ".xlsx"), export_file(matching, ".csv"))

    def show(matching: list[dict[str, Any]], event: gr.SelectData) -> str:
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        return passage_html(context, matching[row]) if 0 <= row < len(matching) else ""

    inputs, outputs = [council, status, kind, search], [found, table, count, summary, xlsx, csv]
    for control in (council, status, kind):
        control.change(apply, inputs, outputs, api_visibility="private")
    search.submit(apply, inputs, outputs, api_visibility="private")
    tab.select(apply, inputs, outputs, api_visibility="private")
    table.select(show, found, source, api_visibility="private")


def register_api(context: AppContext) -> None:
    """/recommendations: the same JSON as `scrutiny recommendations --json`."""

    def recommendations(council: str = "", status: str = "", search: str = "", kind: str = "") -> list[dict[str, Any]]:
        """Tracker records; council is part of a council's name, status a tracker status or "outstanding",
        kind recommendation, decision or resolution. Returns the same JSON as `scrutiny recommendations --json`."""
        try:
            return [record.to_json() for record in find(context, council or None, status or None, search, kind or None)]
        except ValueError as error:
            raise gr.Error(str(error)) from None

    gr.api(recommendations, api_name="recommendations")
