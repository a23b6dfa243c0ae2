"""The interface every format reader implements, and the limits a reader keeps to while it reads."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ingest.document import LoadedDocument
from ingest.errors import IngestError


@dataclass(frozen=True)
class ReadLimits:
    """How much text one file may expand to and how long it may take; readers check as they go and stop early."""

    max_text_chars: int | None = None
    max_seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self, text_chars: int = 0) -> None:
        """Raises IngestError once the text read so far, or the time spent on the file, is past its limit."""
        if self.max_text_chars is not None and text_chars > self.max_text_chars:
            raise IngestError(f"the file expands to more than {self.max_text_chars:,} characters of text, over the "
                              "limit; split it into smaller files (or raise SCRUTINY_MAX_TEXT_CHARS)")
        if self.max_seconds is not None and time.monotonic() - self.started > self.max_seconds:
            raise IngestError(f"the file took longer than the {self.max_seconds:g} s limit to read; split it into "
                              "smaller files (or raise SCRUTINY_MAX_SECONDS_PER_FILE)")


NO_LIMITS = ReadLimits()


class Reader(Protocol):
    """Reads one file into text; raises IngestError with a user-facing reason when it cannot."""

    suffixes: frozenset[str]

    def read(self, path: Path, limits: ReadLimits = NO_LIMITS) -> LoadedDocument: ...
