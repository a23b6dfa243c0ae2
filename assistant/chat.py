"""An interactive terminal chat that keeps the conversation so follow-up questions work."""

from __future__ import annotations

from typing import Callable

from assistant.engine import QAEngine
from assistant.results import AnswerResult

EXIT_WORDS = {"exit", "quit", ":q"}


def run_chat(engine: QAEngine, format_answer: Callable[[AnswerResult], str],
             problem: Callable[[str, list[str]], str | None], failure: Callable[[Exception], str | None],
             max_history: int) -> int:
    """Reads questions until end of input or 'exit'; 'clear' forgets the conversation.

    problem() refuses a question (too long, not UTF-8) and failure() words an error (the Chroma server down)
    in one line; the chat goes on after either. Only the latest max_history questions are kept."""
    print("Ask about the ingested papers. 'clear' starts a new conversation, 'exit' leaves.")
    history: list[str] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question.lower() in EXIT_WORDS:
            return 0
        if question.lower() == "clear":
            history.clear()
            print("(conversation cleared)")
            continue
        refusal = problem(question, history)
        if refusal:
            print(f"error: {refusal}")
            continue
        try:
            result = engine.ask(question, history)
        except Exception as error:  # noqa: BLE001 - failure() decides; a fault in the program itself is re-raised
            message = failure(error)
            if message is None:
                raise
            print(f"error: {message}")
            continue
        print("\n" + format_answer(result))
        history = (history + [question])[-max_history:] if max_history else []
