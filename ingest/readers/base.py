"""The interface every format reader implements."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ingest.document import LoadedDocument


class Reader(Protocol):
    """Reads one file into text; raises IngestError with a user-facing reason when it cannot."""

    suffixes: frozenset[str]

    def read(self, path: Path) -> LoadedDocument: ...
