"""The Recommendations tab: the tracker as a filterable table; choosing a row shows the passage it came from."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from assistant.app_common import AppContext
from assistant.tracker import list_recommendations
from ingest.recommendations import STATUSES

COLUMNS = ["Council", "Document", "No.", "Recommendation", "Status", "Target date", "Owner"]
COLUMN_WIDTHS = ["13%", "13%", "6%", "38%", "10%", "10%", "10%"]
CONTEXT_CHARS = 600
ALL = "All"


def records(context: AppContext, council: str | None, status: str | None, search: str | None) -> list[dict[str, Any]]:
    with context.lock:
        found = list_recommendations(context.services.store, council=None if council in (None, ALL) else council,
                                             status=None if status in (None, ALL) else status,
                                             search=(search or "").strip() or None, number=None)
    return [{**record.to_json(), "_start": record.start, "_end": record.end} for record in found]


def table_rows(found: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r.get("council") or "-", r.get("source") or "-", r.get("number") or "-", r.get("text") or "",
             r.get("status") or "-", r.get("target_date") or "-", r.get("owner") or "-"] for r in found]


def passage_html(context: AppContext, record: dict[str, Any]) -> str:
    """The stretch of the source document around the recommendation, with the recommendation marked."""
    text = context.services.store.document_text(record["source"]) or ""
    start, end = record["_start"], record["_end"]
    begin = text.rfind("\n", 0, max(0, start - CONTEXT_CHARS // 3)) + 1  # start the window on a line boundary
    passage = (html.escape(text[begin:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>"
               + html.escape(text[end:end + CONTEXT_CHARS]))
    section = record.get("section") or ""
    place = f"p. {record['page']}" if record.get("page") else (section if section.startswith("row") else
                                                                 f"para. {section}" if section else "")
    progress = (f"<p><b>Progress:</b> {html.escape(record['progress'])}</p>" if record.get("progress") else "")
    return (f"<div class='source-card' id='recommendation-source'><p><b>{html.escape(record['source'])}</b> "
            f"{html.escape(place)} · status <b>{html.escape(record.get('status') or '-')}</b></p>{progress}"
            f"<div class='passage'>{passage}</div></div>")


def build_tracker_tab(context: AppContext, tab: gr.Tab) -> None:
    """Lays out the tab; opening it re-reads the tracker, since uploads add recommendations."""
    statuses = [ALL, *STATUSES]
    with gr.Row():
        council = gr.Dropdown(label="Council", choices=[ALL, *context.councils()], value=ALL, elem_id="tracker-council")
        status = gr.Dropdown(label="Status", choices=statuses, value=ALL, elem_id="tracker-status")
        search = gr.Textbox(label="Search", placeholder="words in the recommendation, e.g. foster", elem_id="tracker-search")
    found = gr.State(records(context, None, None, None))
    table = gr.Dataframe(table_rows(found.value), headers=COLUMNS, interactive=False, wrap=True, max_height=420,
                         column_widths=COLUMN_WIDTHS, elem_id="tracker-table")
    count = gr.Markdown(f"{len(found.value)} recommendations", elem_id="tracker-count")
    source = gr.HTML("<p>Choose a row to see the passage it comes from.</p>", elem_id="tracker-source", js_on_load=None)

    def apply(council_name: str, status_name: str, words: str) -> tuple:
        matching = records(context, council_name, status_name, words)
        return matching, table_rows(matching), f"{len(matching)} recommendations"

    def show(matching: list[dict[str, Any]], event: gr.SelectData) -> str:
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        return passage_html(context, matching[row]) if 0 <= row < len(matching) else ""

    for control in (council, status):
        control.change(apply, [council, status, search], [found, table, count], api_visibility="private")
    search.submit(apply, [council, status, search], [found, table, count], api_visibility="private")
    tab.select(apply, [council, status, search], [found, table, count], api_visibility="private")
    table.select(show, found, source, api_visibility="private")
