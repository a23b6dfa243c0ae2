"""Checks that a quote is a verbatim span of its source, allowing only whitespace to differ, before it is cited."""

from __future__ import annotations

import re

from assistant.results import Citation
from index.records import PrintedPages, StoredChunk

_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def is_verbatim(quote: str, source_text: str) -> bool:
    """True when the quote appears in the source once runs of whitespace (tabs, newlines) are made single spaces."""
    quote = collapse_whitespace(quote)
    return bool(quote) and quote in collapse_whitespace(source_text)


def verified_citation(chunk: StoredChunk, n: int, quote: str, span: tuple[int, int], page: int | None,
                      section: str | None) -> Citation | None:
    """A citation of chunk with its document's reference, or None when the quote is not verbatim in the passage."""
    if not is_verbatim(quote, chunk.text):
        return None
    document = chunk.document
    printed = PrintedPages.from_metadata(document)
    page = page or chunk.page
    return Citation(n=n, source=chunk.source, title=document.get("title"), council=document.get("council"),
                    date=document.get("date"), page=page, section=section or chunk.section,
                    quote=quote, text=chunk.text, start=span[0], end=span[1], item=chunk.item,
                    printed_page=printed.printed(page) if printed else None, author=document.get("author"))


def locate(quote: str, chunk: StoredChunk) -> tuple[int, int] | None:
    """The document offsets of a whitespace-collapsed quote inside the chunk, or None when it is not there."""
    words = collapse_whitespace(quote).split(" ")
    if not words or not words[0]:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), chunk.text)
    return (chunk.start + match.start(), chunk.start + match.end()) if match else None
