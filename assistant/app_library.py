"""The Documents tab: the library with its metadata, uploads with per-file results, and removal."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app_common import AppContext
from assistant.web_security import UPLOAD_TYPES, accept_upload, forget_upload, remove_stored_copies
from ingest.errors import IngestError
from ingest.pipeline import FileResult

LIBRARY_COLUMNS = ["Document", "Title", "Council", "Committee", "Date", "Pages", "Passages", "Added"]
LIBRARY_WIDTHS = ["16%", "26%", "14%", "16%", "8%", "6%", "7%", "7%"]
RESULT_COLUMNS = ["File", "Result", "Details"]


def library_rows(documents: list[dict[str, Any]]) -> list[list[Any]]:
    def council(doc: dict[str, Any]) -> str:
        name = str(doc.get("council") or "-")
        return f"{name} (inferred)" if doc.get("council_inferred") else name

    return [[doc["source"], doc.get("title") or "-", council(doc), doc.get("committee") or "-", doc.get("date") or "-",
             doc.get("pages") or "-", doc.get("chunks", 0), str(doc.get("ingested_at", ""))[:10]] for doc in documents]


def result_row(name: str, result: FileResult) -> list[str]:
    details = result.message or f"{result.chunks} passages" + (f", {result.pages} pages" if result.pages else "")
    return [name, result.status, details]


def ingest_uploads(context: AppContext, files: list[str], progress: gr.Progress) -> list[list[str]]:
    """Each upload is checked, copied into the upload folder and ingested; one row per file says what happened."""
    rows: list[list[str]] = []
    settings = context.services.settings
    for position, incoming in enumerate(files):
        name = Path(incoming).name
        progress((position, len(files)), desc=f"Ingesting {name}")
        try:
            stored = accept_upload(Path(incoming), name, settings)
        except IngestError as error:
            rows.append([name, "failed", str(error)])
            continue
        finally:
            forget_upload(Path(incoming))
        # read and embed outside the lock: questions wait only while the rows are written
        result = context.services.pipeline.ingest_file(stored, write_lock=context.lock)
        if result.status == "failed":
            stored.unlink(missing_ok=True)
        rows.append(result_row(stored.name, result))
    progress((len(files), len(files)), desc="Done")
    return rows


def status_html(message: str) -> str:
    return f"<p>{html.escape(message)}</p>"


def build_library_tab(context: AppContext, tab: gr.Tab, filter_inputs: dict[str, gr.components.Component]) -> None:
    """Lays out the tab; opening it, uploads and removals refresh the library and the chat tab's filter choices."""
    gr.Markdown("### Library\nEvery paper the assistant can quote. Council names marked *(inferred)* were read from "
                "the text rather than stated on the cover.")
    library = gr.Dataframe(library_rows(context.documents()), headers=LIBRARY_COLUMNS, interactive=False,
                           wrap=True, elem_id="library", max_height=280, column_widths=LIBRARY_WIDTHS)
    with gr.Row():
        with gr.Column():
            uploads = gr.File(label=f"Add papers ({', '.join(UPLOAD_TYPES)})", file_count="multiple",
                              file_types=list(UPLOAD_TYPES), elem_id="upload")
            add = gr.Button("Add to library", variant="primary", elem_id="add-documents")
        with gr.Column():
            removable = gr.Dropdown(label="Remove a document", choices=context.sources(), elem_id="remove-pick")
            remove = gr.Button("Remove", variant="stop", elem_id="remove-document")
    outcome = gr.Dataframe(headers=RESULT_COLUMNS, interactive=False, wrap=True, label="Results", elem_id="upload-results")
    status = gr.HTML("", elem_id="library-status", js_on_load=None)  # file names in it are shown as text

    def refreshed() -> tuple:
        sources = context.sources()
        return (library_rows(context.documents()), gr.update(choices=sources, value=None),
                gr.update(choices=context.councils()), gr.update(choices=sources))

    def add_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 - Gradio injects progress this way
        if not files:
            return ([], status_html("Choose one or more files first."), *refreshed())
        rows = ingest_uploads(context, files, progress)
        failed = sum(row[1] == "failed" for row in rows)
        summary = f"{len(rows) - failed} of {len(rows)} files added." + (" See the details for the others." if failed else "")
        return (rows, status_html(summary), *refreshed())

    def remove_document(source: str | None) -> tuple:
        if not source:
            return (status_html("Choose a document to remove first."), *refreshed())
        with context.lock:
            removed = context.services.store.remove(source)
        remove_stored_copies(source, context.services.settings)
        message = f"Removed {source}." if removed else f"{source} is no longer in the library."
        return (status_html(message), *refreshed())

    tables = [library, removable, filter_inputs["councils"], filter_inputs["sources"]]
    add.click(add_files, uploads, [outcome, status, *tables], api_visibility="private").then(
        lambda: None, None, uploads, api_visibility="private")
    remove.click(remove_document, removable, [status, *tables], api_visibility="private")
    tab.select(refreshed, None, tables, api_visibility="private")
