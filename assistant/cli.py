"""The `scrutiny` command line: ingest, ask, chat, list and remove."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

from assistant.results import AnswerResult
from assistant.services import Services
from assistant.settings import load_settings

ANSWERING_COMMANDS = ("ask", "chat", "serve", "eval")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _services(args: argparse.Namespace) -> Services:
    return Services(load_settings(index=getattr(args, "index", None), answerer=getattr(args, "answerer", None)))


def cmd_ingest(args: argparse.Namespace) -> int:
    services = _services(args)
    summary = services.pipeline.ingest([Path(p) for p in args.paths])
    for failure in summary.failed:
        print(f"error: {failure.shown_path}: {failure.message}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed else 0


def format_answer(result: AnswerResult) -> str:
    lines = [result.answer, *(f"Note: {note}" for note in result.notes)]
    if result.citations:
        lines.append("")
        lines.append("Sources:")
        for citation in result.citations:
            lines.append(f"  [{citation.n}] {citation.reference()} ({citation.source})")
            lines.append(f"      \"{citation.quote}\"")
    return "\n".join(lines)


def _require_documents(services: Services) -> None:
    if not services.store.list_documents():
        raise SystemExit(f"The index at {services.settings.index} has no documents yet; "
                         "run `scrutiny ingest samples/reports` (or your own folder) first.")


def cmd_ask(args: argparse.Namespace) -> int:
    services = _services(args)
    _require_documents(services)
    if args.batch:
        return _ask_batch(services, Path(args.batch))
    if not args.question:
        raise SystemExit("Give a question, e.g. scrutiny ask \"What did Leeds decide about external placements?\"")
    result = services.engine.ask(" ".join(args.question), args.history or [])
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else format_answer(result))
    return 0


def _ask_batch(services: Services, batch_file: Path) -> int:
    """One JSON result line per JSON input line; the models load once for the whole file."""
    for line_number, line in enumerate(batch_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            result = services.engine.ask(item["question"], item.get("history") or [])
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            print(f"error: {batch_file}:{line_number}: expected {{\"question\": str, \"history\": [str]}} ({error})",
                  file=sys.stderr)
            return 2
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.chat import run_chat

    services = _services(args)
    _require_documents(services)
    return run_chat(services.engine, format_answer)


def cmd_list(args: argparse.Namespace) -> int:
    documents = _services(args).store.list_documents()
    if args.json:
        print(json.dumps(documents, ensure_ascii=False, indent=2))
        return 0
    if not documents:
        print("No documents ingested yet.")
    for doc in documents:
        inferred = " (inferred)" if doc.get("council_inferred") else ""
        print(f"{doc['source']}: {doc.get('title') or '-'} | {doc.get('council') or '-'}{inferred} | "
              f"{doc.get('date') or '-'} | {doc.get('pages') or '-'} pages, {doc['chunks']} chunks | {doc['ingested_at']}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    store = _services(args).store
    if store.remove(args.source):
        print(f"Removed {args.source}.")
        return 0
    print(f"error: no document called {args.source}; `scrutiny list` shows what is ingested.", file=sys.stderr)
    return 1


def cmd_recommendations(args: argparse.Namespace) -> int:
    from assistant.tracker import list_recommendations

    records = list_recommendations(_services(args).store, council=args.council, status=args.status, search=args.search)
    if args.json:
        print(json.dumps([record.to_json() for record in records], ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("No recommendations match; `scrutiny list` shows what is ingested.")
    for record in records:
        where = ", ".join(filter(None, [record.source, record.section, f"p. {record.page}" if record.page else None]))
        print(f"[{record.status}] {record.number or '-'}. {record.text}")
        details = [f"target: {record.target_date}" if record.target_date else None,
                   f"owner: {record.owner}" if record.owner else None, record.council, where]
        print("    " + " | ".join(filter(None, details)))
        if record.progress:
            print("    progress: " + " ".join(record.progress.split())[:300])
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.runner import default_datasets, run

    datasets = [Path(p) for p in args.dataset] if args.dataset else default_datasets()
    run(datasets, Path(args.report) if args.report else None, Path(args.index) if args.index else None,
        args.limit, not args.no_baseline, args.answerer)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web_security import prepare_environment

    services = _services(args)
    prepare_environment(services.settings)  # before gradio is imported: it reads its temp folder at import
    from assistant.app import serve

    if services.store.list_documents():
        services.engine.ask("warm-up")  # loads the model and the keyword index before the first visitor asks
    else:
        print("The library is empty; add papers on the Documents tab or run `scrutiny ingest samples/reports`.",
              file=sys.stderr)
    print(f"Scrutiny Assistant on http://{args.host}:{args.port} (Ctrl+C to stop)", file=sys.stderr)
    serve(services, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scrutiny", description="Cited answers from council scrutiny papers, offline.")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--index", help="index folder (default: SCRUTINY_INDEX or the user data folder)")
        sub.set_defaults(handler=handler)
        if name in ANSWERING_COMMANDS:
            sub.add_argument("--answerer", choices=("auto", "llm", "extractive"),
                             help="who writes answers: auto (the language model when SCRUTINY_LLM is set), llm or "
                                  "extractive (default: SCRUTINY_ANSWERER or auto)")
        return sub

    ingest = command("ingest", cmd_ingest, "Ingest files or folders (.pdf, .docx, .html, .md, .txt) into the index.")
    ingest.add_argument("paths", nargs="+")
    ask = command("ask", cmd_ask, "Answer one question with cited passages.")
    ask.add_argument("question", nargs="*")
    ask.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    ask.add_argument("--history", nargs="*", metavar="Q", help="earlier questions, oldest first, for follow-ups")
    ask.add_argument("--batch", metavar="FILE", help="JSON lines of {question, history}; one JSON result per line")
    command("chat", cmd_chat, "Ask questions in the terminal; follow-ups use the conversation so far.")
    listing = command("list", cmd_list, "List ingested documents with their metadata.")
    listing.add_argument("--json", action="store_true")
    remove = command("remove", cmd_remove, "Remove a document (by its file name) from the index.")
    remove.add_argument("source")
    tracker = command("recommendations", cmd_recommendations,
                      "List tracked recommendations and actions with their target date, owner, progress and status.")
    tracker.add_argument("--council", help="part of the council's name, any case (e.g. Derby)")
    tracker.add_argument("--status", help="achieved, in progress, accepted, not accepted, ongoing or unknown")
    tracker.add_argument("--search", metavar="TEXT", help="words that must appear in the text or progress")
    tracker.add_argument("--json", action="store_true", help="print a JSON list of records")
    serving = command("serve", cmd_serve, "Open the web app: chat with sources, recommendations, document library.")
    serving.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serving.add_argument("--port", type=int, default=7860)
    evaluate = command("eval", cmd_eval, "Score the engine and a llama-index baseline on the gold question sets.")
    evaluate.add_argument("--dataset", action="append", metavar="FILE", help="gold JSON lines (default: both sets)")
    evaluate.add_argument("--report", metavar="DIR", help="write report.json and report.html here")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only N questions per set, spread over kinds")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the llama-index baseline")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
