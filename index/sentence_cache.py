"""Keeps the vectors of sentences embedded earlier in this process, so a text repeated across papers is embedded once."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

# One entry is one sentence vector (384 floats, 1.5 KiB), so 60,000 hold about 90 MiB. That is more than the 18,458
# distinct sentences of the 115 KCC papers, whose 26,341 sentences (counted once per paper) repeat across papers:
# a report to Cabinet goes on to full Council, appendices and frontsheets recur (docs/scale.md).
SENTENCE_CACHE_ENTRIES = 60_000


class SentenceVectorCache:
    """The vectors of the texts embedded most recently, up to a number of entries; the least recently used leave
    first. Safe to share between threads (an app may ingest two uploads at once)."""

    def __init__(self, entries: int = SENTENCE_CACHE_ENTRIES) -> None:
        self.entries = entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The vectors held for any of these texts, each marked as just used."""
        with self._lock:
            found = {text: self._vectors[text] for text in texts if text in self._vectors}
            for text in found:
                self._vectors.move_to_end(text)
        return found

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Holds each text's vector (a copy, so the batch it came from can be freed), evicting the oldest."""
        with self._lock:
            for text, vector in zip(texts, vectors):
                self._vectors[text] = vector.copy()
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.entries:
                self._vectors.popitem(last=False)
