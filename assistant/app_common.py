"""What every tab of the web app shares: the services, one lock over the index, question limits and filter choices."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from assistant.followup import answer_follow_up
from assistant.question_limits import checked_question
from assistant.results import AnswerResult
from assistant.services import Services
from index.filters import SearchFilter


@dataclass
class AppContext:
    """Serialises index access: the retriever's BM25 cache and an ingest must not interleave with a question."""

    services: Services
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ask(self, question: str, history: list[str] | None = None, search_filter: SearchFilter | None = None,
            previous_answer: str | None = None) -> AnswerResult:
        """A cited answer within the question limits, never the previous answer again for a different question.

        previous_answer is the answer shown for history's last question; when the caller does not have it (the /ask
        API), it is worked out again. Raises QuestionRefused for a question over the limits.
        """
        text, kept = checked_question(question, history, self.services.settings)

        def ask_engine(asked: str, earlier: list[str]) -> AnswerResult:
            with self.lock:
                return self.services.engine.ask(asked, earlier, search_filter)

        if kept and previous_answer is None:
            previous_answer = ask_engine(kept[-1], kept[:-1]).answer
        return answer_follow_up(ask_engine, text, kept, previous_answer)

    def documents(self) -> list[dict[str, Any]]:
        return self.services.store.list_documents()

    def councils(self) -> list[str]:
        return sorted({str(doc["council"]) for doc in self.documents() if doc.get("council")})

    def sources(self) -> list[str]:
        return [str(doc["source"]) for doc in self.documents()]
