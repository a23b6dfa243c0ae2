"""What every tab of the web app shares: the services, one lock over the index, and the filter choices."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from assistant.results import AnswerResult
from assistant.services import Services
from index.filters import SearchFilter


@dataclass
class AppContext:
    """Serialises index access: the retriever's BM25 cache and an ingest must not interleave with a question."""

    services: Services
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ask(self, question: str, history: list[str] | None = None,
            search_filter: SearchFilter | None = None) -> AnswerResult:
        with self.lock:
            return self.services.engine.ask(question, history or [], search_filter)

    def documents(self) -> list[dict[str, Any]]:
        return self.services.store.list_documents()

    def councils(self) -> list[str]:
        return sorted({str(doc["council"]) for doc in self.documents() if doc.get("council")})

    def sources(self) -> list[str]:
        return [str(doc["source"]) for doc in self.documents()]
