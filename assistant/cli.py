"""The `scrutiny` command line: ingest, ask, chat, list and remove."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterator

from assistant.cli_errors import CommandError, check_port_free, explain
from assistant.question_limits import question_problem
from assistant.results import AnswerResult
from assistant.services import Services
from assistant.settings import Settings, load_settings
from index.faults import index_folder_problem

ANSWERING_COMMANDS = ("ask", "chat", "serve", "eval")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(index=getattr(args, "index", None), answerer=getattr(args, "answerer", None))


def _services(args: argparse.Namespace) -> Services:
    """The components over the index, once the index folder is known to be usable (an embedded one is checked)."""
    settings = args.settings
    if not settings.chroma_host:
        problem = index_folder_problem(settings.index)
        if problem:
            raise CommandError(problem)
    return Services(settings)


def cmd_ingest(args: argparse.Namespace) -> int:
    services = _services(args)
    summary = services.pipeline.ingest([Path(p) for p in args.paths])
    for failure in summary.failed:
        print(f"error: {failure.shown_path}: {failure.message}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.failed else 0


def format_answer(result: AnswerResult) -> str:
    lines = [result.answer, *(f"Note: {note}" for note in [*result.notes, *result.other_versions])]
    if result.citations:
        lines.append("")
        lines.append("Sources:")
        for citation in result.citations:
            lines.append(f"  [{citation.n}] {citation.reference()} ({citation.source})")
            lines.append(f"      \"{citation.quote}\"")
    return "\n".join(lines)


def _require_documents(services: Services) -> None:
    if not services.store.list_documents():
        raise CommandError(f"the index at {services.settings.index} has no documents yet; "
                           "run `scrutiny ingest samples/reports` (or your own folder) first")


def cmd_ask(args: argparse.Namespace) -> int:
    if args.batch and (args.question or args.history):
        raise CommandError("give either a question (with any --history) or --batch FILE, not both")
    if not args.batch and not " ".join(args.question).strip():
        raise CommandError(question_problem("", None, args.settings) or "give a question")
    services = _services(args)
    _require_documents(services)
    if args.batch:
        return _ask_batch(services, Path(args.batch))
    question, history = " ".join(args.question), args.history or []
    problem = question_problem(question, history, services.settings)
    if problem:
        raise CommandError(problem)
    result = services.engine.ask(question, history)
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else format_answer(result))
    return 0


BATCH_LINE = '{"question": "...", "history": ["earlier question", ...]}'


def _batch_lines(batch_file: Path) -> Iterator[str]:
    """The file's lines as they come (a pipe works too), with a bad file reported as one CommandError."""
    try:
        with batch_file.open(encoding="utf-8") as lines:
            yield from lines
    except FileNotFoundError:
        raise CommandError(f"batch file {batch_file} not found; check the path") from None
    except IsADirectoryError:
        raise CommandError(f"batch file {batch_file} is a folder; give a file of JSON lines") from None
    except UnicodeDecodeError:
        raise CommandError(f"batch file {batch_file} is not UTF-8 text; save it as UTF-8") from None


def _batch_item(line: str, settings: Settings) -> tuple[str, list[str]]:
    """The question and history of one batch line; CommandError says what is wrong with it. A line that does not
    open a JSON value is a question on its own, as typed: a plain list of questions is a batch too."""
    if not line.lstrip().startswith(("{", "[", '"')):
        question, history = line.strip(), []
    else:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(f"not JSON ({error.msg}); expected {BATCH_LINE} or a question as plain text") from None
        if not isinstance(item, dict):
            raise CommandError(f"expected {BATCH_LINE} or a question as plain text")
        question, history = item.get("question"), item.get("history") or []
    problem = question_problem(question, history, settings)
    if problem:
        raise CommandError(problem)
    return question, history


def _ask_batch(services: Services, batch_file: Path) -> int:
    """One JSON line out per question line in, in order; the models load once for the whole file.

    A line that cannot be answered (a bad line, the Chroma server down) gives {"line": n, "error": ...} in its
    place and one line on stderr, and the batch goes on, so answers resume when the server is back."""
    failures = 0
    for line_number, line in enumerate(_batch_lines(batch_file), start=1):
        if not line.strip():
            continue
        try:
            question, history = _batch_item(line, services.settings)
            print(json.dumps(services.engine.ask(question, history).to_json(), ensure_ascii=False), flush=True)
        except Exception as error:  # noqa: BLE001 - explain() decides; a fault in the program itself is re-raised
            message = explain(error, services.settings)
            if message is None:
                raise
            failures += 1
            print(f"error: {batch_file}:{line_number}: {message}", file=sys.stderr, flush=True)
            print(json.dumps({"line": line_number, "error": message}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.chat import run_chat

    services = _services(args)
    _require_documents(services)
    settings = services.settings

    def problem(question: str, history: list[str]) -> str | None:
        return question_problem(question, history, settings)

    def failure(error: Exception) -> str | None:
        return explain(error, settings)

    return run_chat(services.engine, format_answer, problem, failure, settings.max_history_questions)


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
    from assistant.tracker_cli import run

    return run(args, _services(args).store)


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.runner import default_datasets, run

    datasets = [Path(p) for p in args.dataset] if args.dataset else default_datasets()
    run(datasets, Path(args.report) if args.report else None, Path(args.index) if args.index else None,
        args.limit, not args.no_baseline, args.answerer)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web_security import prepare_environment

    check_port_free(args.host, args.port)
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


class _IntermixedParser(argparse.ArgumentParser):
    """A command's parser that lets options stand anywhere, even between the words of a question."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201 - argparse's signature
        if self._intermixing or self._subparsers is not None:
            return super().parse_known_args(args, namespace)
        self._intermixing = True  # parse_known_intermixed_args calls parse_known_args itself
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; give one from 1 to 65535 (e.g. 7860)")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scrutiny", description="Cited answers from council scrutiny papers, offline.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_IntermixedParser)

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
    ask.add_argument("--history", action="append", metavar="Q",
                     help="an earlier question, for follow-ups; repeat it for each, oldest first")
    ask.add_argument("--batch", metavar="FILE", help="one question per line, as plain text or as JSON {question, history}; "
                                                     "one JSON result per line")
    command("chat", cmd_chat, "Ask questions in the terminal; follow-ups use the conversation so far.")
    listing = command("list", cmd_list, "List ingested documents with their metadata.")
    listing.add_argument("--json", action="store_true")
    remove = command("remove", cmd_remove, "Remove a document (by its file name) from the index.")
    remove.add_argument("source")
    tracker = command("recommendations", cmd_recommendations,
                      "List tracked recommendations, actions and resolutions with their status, owner, target date and history; "
                      "roll them up, check them against each paper's own summary, or export them.")
    from assistant.tracker_cli import add_arguments

    add_arguments(tracker)
    serving = command("serve", cmd_serve, "Open the web app: chat with sources, recommendations, document library.")
    serving.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serving.add_argument("--port", type=_port, default=7860, help="port to listen on, 1-65535 (default 7860)")
    evaluate = command("eval", cmd_eval, "Score the engine and a llama-index baseline on the gold question sets.")
    evaluate.add_argument("--dataset", action="append", metavar="FILE", help="gold JSON lines (default: both sets)")
    evaluate.add_argument("--report", metavar="DIR", help="write report.json and report.html here")
    evaluate.add_argument("--limit", type=int, metavar="N", help="only N questions per set, spread over kinds")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the llama-index baseline")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs one command; a mistake the user can fix ends in one line on stderr and a non-zero exit."""
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = args.settings = _settings(args)
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - explain() decides; a fault in the program itself is re-raised
        message = explain(error, settings)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
