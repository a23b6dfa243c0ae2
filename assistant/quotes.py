"""Checks that a quote is a verbatim span of its source, allowing only whitespace to differ."""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def is_verbatim(quote: str, source_text: str) -> bool:
    """True when the quote appears in the source once runs of whitespace (tabs, newlines) are made single spaces."""
    quote = collapse_whitespace(quote)
    return bool(quote) and quote in collapse_whitespace(source_text)
