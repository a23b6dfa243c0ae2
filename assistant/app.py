"""The Gradio web app: Chat, Recommendations and Documents tabs plus the /ask API, over the shared Services."""

from __future__ import annotations

import os

# Gradio reads these at import time: no analytics calls, no Hugging Face look-ups from an offline machine.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"

from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402

from assistant.app_chat import build_chat_tab  # noqa: E402
from assistant.app_common import AppContext  # noqa: E402
from assistant.app_library import build_library_tab  # noqa: E402
from assistant.app_tracker import build_tracker_tab, register_api  # noqa: E402
from assistant.question_limits import QuestionRefused  # noqa: E402
from assistant.services import Services  # noqa: E402
from assistant.web_security import launch_options, prepare_environment  # noqa: E402

# Two cores: two requests at once keeps both busy; the index lock serialises the part that must not interleave.
CONCURRENCY = 2
QUEUE_SIZE = 64
CSS = """
.app-title h2 { margin: 0; display: inline; font-size: 1.3em; }
.app-title p { margin: 0 0 0 12px; display: inline; color: var(--body-text-color-subdued); }
#conversation .conversation { height: calc(100vh - 390px); min-height: 200px; overflow-y: auto; padding: 4px 8px;
  border: 1px solid var(--border-color-primary); border-radius: 8px; }
.conversation .placeholder { color: var(--body-text-color-subdued); }
.conversation .turn { margin: 0 0 12px; }
.conversation .question { font-weight: 600; margin: 8px 0 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
.conversation .answer { white-space: pre-wrap; line-height: 1.5; overflow-wrap: anywhere; }
.conversation .answer.abstained { font-style: italic; }
.conversation .answer.loading { color: var(--body-text-color-subdued); }
.conversation a.cite { font-weight: 700; text-decoration: none; padding: 0; }
.conversation a.cite:hover { text-decoration: underline; }
.spinner { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 6px; vertical-align: -2px;
  border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%;
  animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
/* Gradio puts "processing" timers on every output of a running event, even with show_progress="hidden";
   in the chat only the answer's own spinner shows. */
.calm [data-testid="status-tracker"] { display: none !important; }
.chat-status { margin: 0; }
.chat-status.error { color: var(--error-text-color, #b91c1c); }
.chat-status.note { color: var(--body-text-color-subdued); }
#sources-panel .sources-scroll { height: calc(100vh - 430px); min-height: 120px; overflow-y: auto; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; margin: 0 0 8px; }
.source-card.cited { outline: 2px solid var(--color-accent); }
.source-card summary { cursor: pointer; }
.source-card blockquote { margin: 6px 0 0 0; font-style: italic; }
.source-card .passage { margin-top: 8px; white-space: pre-wrap; line-height: 1.5; }
.source-card mark { background: #ffe58a; color: #000; padding: 0 2px; }
.source-file { color: var(--body-text-color-subdued); font-size: 0.85em; }
"""


def build_app(services: Services) -> gr.Blocks:
    context = AppContext(services)

    def ask(question: str, history: list[str] | None = None) -> dict[str, Any]:
        """Answers one question with cited passages; history holds earlier questions, oldest first.

        Returns the same JSON as `scrutiny ask --json`.
        """
        try:
            return context.ask(question, list(history or [])).to_json()
        except QuestionRefused as error:
            raise gr.Error(str(error)) from None

    # Gradio's cache (uploads waiting to be added, exported briefings) is emptied of files older than a day, hourly.
    with gr.Blocks(title="Scrutiny Assistant", delete_cache=(3600, 86400)) as app:
        gr.HTML("<h2>Scrutiny Assistant</h2><p>Cited answers from council scrutiny papers, quoted word for word; "
                "when they don't say, it tells you so.</p>", elem_classes="app-title", js_on_load=None)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                filter_inputs = build_chat_tab(context)
            with gr.Tab("Recommendations", id="recommendations") as tracker_tab:
                build_tracker_tab(context, tracker_tab)
            with gr.Tab("Documents", id="documents") as library_tab:
                build_library_tab(context, library_tab, filter_inputs)
        gr.api(ask, api_name="ask")
        register_api(context)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return app


def serve(services: Services, host: str = "127.0.0.1", port: int | None = 7860,
          block: bool = True) -> tuple[gr.Blocks, str]:
    """Starts the app; with block=False it returns at once (tests, benchmarks) and the caller closes it."""
    settings = services.settings
    prepare_environment(settings)
    app = build_app(services)
    _, url, _ = app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=not block,
                           show_error=False, footer_links=["api"], css=CSS, ssr_mode=False, **launch_options(settings))
    return app, url
