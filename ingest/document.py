"""The text of one loaded file, with the character span of each page when the format has pages."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from index.records import PrintedPages


@dataclass(frozen=True)
class LoadedDocument:
    """A file's full text as the index will quote it; page_starts[i] is where page i+1 begins."""

    source: str
    text: str
    format: str
    page_starts: tuple[int, ...] = field(default=())
    # Where the reader knows the table layout (PDF, DOCX, HTML): start offset of each table line ->
    # its column names for a header line, None for a data row. Plain text leaves the parser to guess.
    table_lines: dict[int, tuple[str, ...] | None] = field(default_factory=dict)
    # Things the user should know about a file that was still read, e.g. a legacy encoding.
    notes: tuple[str, ...] = ()
    printed_pages: PrintedPages | None = None  # where the paper prints page numbers other than its sheet numbers

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int | None:
        """1-based page holding the character at offset, or None for unpaged formats."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))
