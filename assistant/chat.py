"""An interactive terminal chat that keeps the conversation so follow-up questions work."""

from __future__ import annotations

from typing import Callable

from assistant.engine import QAEngine
from assistant.results import AnswerResult

EXIT_WORDS = {"exit", "quit", ":q"}


def run_chat(engine: QAEngine, format_answer: Callable[[AnswerResult], str]) -> int:
    """Reads questions until end of input or 'exit'; 'clear' forgets the conversation."""
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
        result = engine.ask(question, history)
        print("\n" + format_answer(result))
        history.append(question)
