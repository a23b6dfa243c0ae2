"""Finds the structure of a council paper's text: headings, numbered paragraphs and table rows with their headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.sentences import SENTENCE_END, continues_sentence
from ingest.vocabulary import FIGURE, LETTER_GREETING, LETTER_SUBJECT, PAGE_STAMP, ROW_LABEL, VOTE_COUNT

# "2.1", "3.8.1", optionally behind a list bullet; the number must be followed by text.
NUMBERED_PARAGRAPH = re.compile(r"^[ \t]*(?:[-*\u2022][ \t]+)?(\d{1,2}(?:\.\d{1,2}){1,3})\.?[ \t]+(?=\S)")
# "1 Purpose of this report", "3. Panel Comments", "5. **Risk Management Implications**": a top-level number before
# a short title, perhaps in Markdown bold.
NUMBERED_TITLE = re.compile(r"^[ \t]*(?:#+[ \t]*)?(\d{1,2})\.?[ \t]+((?:\*\*|__)?[A-Z][^\t]{0,80})$")
EMPHASIS = re.compile(r"\*\*|__")
# "5. Late Changes ...", "284. Declarations of ...": a top-level number, with its full stop, before any text.
NEXT_NUMBER = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(?=\S)")
MARKDOWN_HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+(.+?)[ \t#]*$")
MARKUP = re.compile(r"<[^>]{1,200}>")
YEAR_CELL = re.compile(r"^(?:19|20)\d\d(?:[/-]\d{2}(?:\d{2})?)?$")
# Items of a questions-and-answers pack or of minutes: "Question 2", "Minute 12", "(Item 1)", "Agenda item 4".
ITEM_LABEL = re.compile(r"^[ \t]*\(?(?:question|minute|(?:agenda[ \t]+)?item)[ \t]+(?:no\.?[ \t]*)?\d{1,3}[a-z]?\)?[ \t.:]*$",
                        re.IGNORECASE)
# Who asked whom: "Question by Mr X to Mrs Y, Cabinet Member for ...", "Question 3 from Cllr X to the Leader".
ASKED = re.compile(r"^[ \t]*question[ \t]+(?:\d{1,3}[ \t]+)?(?:by|from)[ \t]+\S.*?[ \t]to[ \t]+\S", re.IGNORECASE)
MAX_ROLE_WORDS = 12
ITEM_NUMBER = re.compile(r"^(\d{1,4})\.?[ \t]")  # "88. 24/00108 - Revenue and Capital Budget ..."
MAX_TITLE_WORDS = 16  # a numbered line longer than this is a paragraph's opening, not a title
# A table line with one filled cell this short names the rows below it ("Children's services"); a longer one is a
# cell spanning the table (a form's "Proposed purpose" paragraph) and is content.
MAX_GROUP_LABEL_WORDS = 12
MAX_TITLE_LINES, MAX_ITEM_TITLE_WORDS = 3, 40  # a minute's title may wrap: "90. 24/00109 - Transfer the 18-25 ..."
# "Answer", "Reply:": the label that opens the reply to a question, a heading even with text right under it.
REPLY_LABEL = re.compile(r"^[ \t]*(?:answer|reply|response)[ \t]*:?[ \t]*$", re.IGNORECASE)
# A heading is whole on its line: a line ending in a joining word or followed by a lower-case line is a wrapped sentence.
CONTINUED_LINE = re.compile(r"(?:[,(\u2013-]|\b(?:and|or|of|to|the|a|an|as|for|in|on|by|with|that|at|from))[ \t]*$")
# A line this long with text right under it is a paragraph's first line, not a title.
MAX_TITLE_WORDS_ABOVE_TEXT = 8
# A form's label cell ("Seconder:", "Decision No:") names the filled cell after it in its row, as a header would.
FORM_LABEL = re.compile(r"[^.:;]{1,60}:")
FORM_LABEL_WORDS = 6


@dataclass
class Block:
    """A structural unit of the source text; start/end index the document text."""

    kind: str  # "heading" | "paragraph" | "table_row"
    start: int
    end: int
    section: str | None = None
    heading: str | None = None
    table_header: list[str] | None = None
    table_context: str | None = None
    cells: list[str] = field(default_factory=list)
    row_label: str | None = None
    item: str | None = None  # the item of a Q&A pack or minutes the block belongs to: who asked whom, its number


@dataclass
class _Line:
    text: str
    start: int
    end: int

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def is_table(self) -> bool:
        return "\t" in self.text.strip(" \n") and len([c for c in self.text.split("\t") if c.strip()]) >= 1


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(raw, offset, offset + len(raw)))
        offset += len(raw) + 1
    return lines


def clean_cell(cell: str) -> str:
    """A table cell as plain words: HTML list markup becomes spaces."""
    return re.sub(r"\s+", " ", MARKUP.sub(" ", cell)).strip()


def _in_capitals(line: _Line) -> bool:
    """More than three letters, every one a capital ("PUBLIC COMMENT", not "Q3" or "KCC")."""
    letters = [ch for ch in line.stripped if ch.isalpha()]
    return len(letters) > 3 and all(ch.isupper() for ch in letters)


def _capitals_title(line: _Line) -> bool:
    """A numbered title in capitals ("3. PUBLIC COMMENT"): a heading even right under a paragraph's last line, as
    PDF text often puts it, with no blank line between."""
    return NUMBERED_TITLE.match(line.text) is not None and _in_capitals(line)


def _looks_like_heading(line: _Line, next_blank: bool) -> bool:
    words = line.stripped.split()
    if not words or len(words) > 12 or line.stripped[-1] in ".,;:":
        return False
    if _in_capitals(line):
        return True
    return next_blank and line.stripped[0].isupper() and len(words) <= 8


def form_labels(cells: list[str]) -> dict[int, str]:
    """Form rows ("Proposer: | Mr A Brady | Seconder: | Mrs J Meade"): each label cell maps to "" and the next
    filled cell to the label's name. A label with no filled cell after it in the row is left as ordinary text."""
    labels: dict[int, str] = {}
    pending: int | None = None
    for index, text in enumerate(cells):
        if not text:
            continue
        is_label = FORM_LABEL.fullmatch(text) is not None and len(text.split()) <= FORM_LABEL_WORDS
        if pending is not None and not is_label:
            labels[pending], labels[index] = "", cells[pending][:-1].strip()
        pending = index if is_label else None
    return labels


def _looks_like_header_row(cells: list[str]) -> bool:
    """Short column titles; years may head columns ("2005 | 2006"), but a measured figure ("42.8") is data."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or ROW_LABEL.match(filled[0]) or any(FIGURE.match(c) and not YEAR_CELL.match(c) for c in filled):
        return False
    if form_labels(filled).get(0) == "":  # "Proposer: | Mr A Member" is a line of a form, not column titles
        return False
    return all(len(c.split()) <= 6 and not c.endswith(".") for c in filled)


def _table_line_kind(cells: list[str], header: list[str] | None) -> str:
    """'header' for column titles, 'group' for a one-label line that groups the rows below, else 'row'."""
    filled = [c for c in cells if c]
    header_width = len([c for c in header or [] if c])
    if _looks_like_header_row(cells) and len(filled) >= header_width - 1:
        return "header"
    starts_with_label = bool(cells[0]) and ROW_LABEL.match(cells[0]) is not None
    if not filled:
        return "group"
    if (cells[0] and not starts_with_label and (len(filled) == 1 or _looks_like_header_row(cells))
            and len(filled[0].split()) <= MAX_GROUP_LABEL_WORDS):
        return "group"
    return "row"


def _known_line_kind(cells: list[str], names: tuple[str, ...] | None) -> str:
    """A reader-marked header is a header; a row with one short filled cell and no number groups the rows below."""
    if names is not None:
        return "header"
    filled = [c for c in cells if c]
    is_label = len(filled) == 1 and cells[0] and len(cells[0].split()) <= MAX_GROUP_LABEL_WORDS
    return "group" if is_label and not ROW_LABEL.match(cells[0]) else "row"


def _text_line(lines: list[_Line]) -> _Line | None:
    """The first line that holds text, passing blank lines and page numbers."""
    return next((line for line in lines if line.stripped and not PAGE_STAMP.match(line.text)), None)


def _continues(paragraph: list[_Line], following: _Line | None) -> bool:
    """A paragraph cut by a page break or blank line mid-sentence: it stops without a sentence's end and the
    next text line goes on in lower case ("... their duty as" / "a Corporate Parent, and ...")."""
    return bool(paragraph) and following is not None and not following.is_table and continues_sentence(
        paragraph[-1].stripped, following.stripped)


def _opens_paragraph(line: _Line, next_line: _Line | None) -> bool:
    """The line opens a paragraph, not a heading: it ends on a joining word or comma, it is a long lead-in
    ("3. Further to comments and questions from Members it was noted:"), or it wraps onto the line under it."""
    long = len(line.stripped.split()) > MAX_TITLE_WORDS_ABOVE_TEXT
    if CONTINUED_LINE.search(line.stripped) or (long and line.stripped.endswith(":")):
        return True
    if next_line is None or not next_line.stripped or next_line.is_table:
        return False
    numbered = NUMBERED_PARAGRAPH.match(next_line.text) or NUMBERED_TITLE.match(next_line.text)
    return continues_sentence(line.stripped, next_line.stripped) or (not numbered and long)


def _next_number(line: _Line, section: str | None) -> re.Match[str] | None:
    """A line opening with the number after its section's ("5. Late Changes to the Budget" under "4. Cabinet Member
    Updates", "2. The council has ..." under "1. Introduction") opens that next section; a list's "5." inside minute
    281 does not."""
    match = NEXT_NUMBER.match(line.text)
    return match if match and section and section.isdigit() and int(match.group(1)) == int(section) + 1 else None


class StructureParser:
    """Splits text into blocks; every block knows its heading, its paragraph number or table row, and in a
    questions-and-answers pack or minutes, the item (who asked whom, the minute) it belongs to."""

    def parse(self, text: str, table_lines: dict[int, tuple[str, ...] | None] | None = None) -> list[Block]:
        """table_lines (from readers that see the table layout) overrides the guessing of header and row lines."""
        known = table_lines or {}
        lines = _lines(text)
        blocks: list[Block] = []
        heading: str | None = None
        section: str | None = None
        header: list[str] | None = None
        context: str | None = None
        item: str | None = None
        label: str | None = None  # "Question 2" before the item's own heading names who asked whom
        paragraph: list[_Line] = []

        def add_heading(first: _Line, last: _Line, title: str) -> None:
            nonlocal heading, context
            heading = context = title
            blocks.append(Block("heading", first.start, last.end, section, heading, item=item))

        def flush_paragraph() -> None:
            nonlocal section, context, item, label
            if not paragraph:
                return
            if ASKED.match(paragraph[0].text):  # "Question by Mr X to Mrs Y, Cabinet Member for ...": the item's heading
                count = self._asked_lines(paragraph)
                asked = re.sub(r"\s+", " ", " ".join(line.stripped for line in paragraph[:count])).strip(" ,")
                item, label = (f"{label}: {asked}" if label else asked), None
                add_heading(paragraph[0], paragraph[count - 1], item)
                # and it is the question's first sentence, to quote for "who asked ...?" and "who answered ...?"
                blocks.append(Block("paragraph", paragraph[0].start, paragraph[count - 1].end, section, heading,
                                    item=item))
                del paragraph[:count]
                if not paragraph:
                    return
            match = NUMBERED_PARAGRAPH.match(paragraph[0].text) or _next_number(paragraph[0], section)
            if match:
                section = match.group(1)
            blocks.append(Block("paragraph", paragraph[0].start, paragraph[-1].end, section, heading, item=item))
            context = "\n".join(line.stripped for line in paragraph)  # lines kept: the last may be a table's caption
            paragraph.clear()

        for index, line in enumerate(lines):
            next_line = lines[index + 1] if index + 1 < len(lines) else None
            if not line.stripped or PAGE_STAMP.match(line.text):
                if not _continues(paragraph, _text_line(lines[index + 1:])):
                    flush_paragraph()
                continue
            if line.is_table:
                flush_paragraph()
                cells = [clean_cell(c) for c in line.text.split("\t")]
                kind = _known_line_kind(cells, known[line.start]) if line.start in known else _table_line_kind(cells, header)
                if kind == "header":
                    header = list(known.get(line.start) or cells)
                    if not _looks_like_header_row(cells):
                        # a reader takes a table's first row for its header; one of long text or figures (a KPI's
                        # title and rating, a glossary's first term) also says something of its own. Names not its
                        # own are those of the table it goes on from, on the page before: the row is under them.
                        own = all(not cell or (at < len(header) and cell in header[at]) for at, cell in enumerate(cells))
                        blocks.append(self._table_row(line, cells, None if own else header, heading, context, blocks))
                        blocks[-1].item = item
                elif kind == "group":
                    context = next((c for c in cells if c), context)
                else:
                    blocks.append(self._table_row(line, cells, header, heading, context, blocks))
                    blocks[-1].item = item
                continue
            header = None
            if ITEM_LABEL.match(line.text):
                # "(Item 1)" under a minute's title makes that title the item; "Question 2" opens an item
                title = self._title_above(paragraph, blocks, lines, index)
                flush_paragraph()
                named = line.stripped.strip("(). :")
                if title is not None:
                    number = ITEM_NUMBER.match(title)
                    section = number.group(1) if number else section
                    item, label = f"{title} ({named})", None
                    heading = context = item
                else:
                    item = label = named
                    add_heading(line, line, named)
                continue
            if LETTER_GREETING.match(line.text):  # the letterhead and addresses end; the greeting itself says nothing
                flush_paragraph()
                continue
            subject = LETTER_SUBJECT.match(line.text)
            if subject and not paragraph:  # a letter's subject heads its body
                add_heading(line, line, subject.group(1))
                continue
            if REPLY_LABEL.match(line.text):  # the reply starts here, even right under the question
                flush_paragraph()
                add_heading(line, line, line.stripped.rstrip(": "))
                continue
            title = self._heading_text(line, next_line)
            if title and paragraph and _capitals_title(line):
                flush_paragraph()
            if title and not paragraph:
                number = NUMBERED_TITLE.match(line.text)
                section = number.group(1) if number else section
                add_heading(line, line, title)
                continue
            if NUMBERED_PARAGRAPH.match(line.text) or line.stripped.startswith(("- ", "* ", "\u2022")) or ASKED.match(line.text):
                flush_paragraph()
            paragraph.append(line)
        flush_paragraph()
        return blocks

    def _title_above(self, paragraph: list[_Line], blocks: list[Block], lines: list[_Line], index: int) -> str | None:
        """The title an "(Item 1)" line sits under: the heading just above it, or a short line the paragraph
        holds alone (a title not followed by a blank line is not otherwise seen as one)."""
        words = " ".join(line.stripped for line in paragraph).split()
        if paragraph and len(paragraph) <= MAX_TITLE_LINES and len(words) <= MAX_ITEM_TITLE_WORDS and not SENTENCE_END.search(words[-1]):
            paragraph.clear()
            return " ".join(words).strip("*_ ")
        previous = _text_line(lines[index - 1::-1]) if index else None
        if not paragraph and blocks and blocks[-1].kind == "heading" and previous is not None and blocks[-1].end == previous.end:
            return blocks[-1].heading
        return None

    @staticmethod
    def _asked_lines(paragraph: list[_Line]) -> int:
        """How many lines of the paragraph say who asks whom: the first, and each short line its comma carries on to
        ("Question by Mr X to Mrs Y," / "Cabinet Member for Highways")."""
        count = 1
        while (count < len(paragraph) and paragraph[count - 1].stripped.endswith(",")
               and len(paragraph[count].stripped.split()) <= MAX_ROLE_WORDS and not SENTENCE_END.search(paragraph[count].stripped)):
            count += 1
        return count

    def _heading_text(self, line: _Line, next_line: _Line | None) -> str | None:
        markdown = MARKDOWN_HEADING.match(line.text)
        if markdown:
            return markdown.group(2).strip("*_ ")
        if _opens_paragraph(line, next_line):
            return None
        next_blank = next_line is None or not next_line.stripped
        if NUMBERED_TITLE.match(line.text) and not line.stripped.endswith("."):
            return EMPHASIS.sub("", line.stripped) if len(line.stripped.split()) <= MAX_TITLE_WORDS else None
        if NUMBERED_PARAGRAPH.match(line.text) or VOTE_COUNT.match(line.text):
            return None
        return line.stripped.strip("*_ ") if _looks_like_heading(line, next_blank) else None

    def _table_row(self, line: _Line, cells: list[str], header: list[str] | None, heading: str | None,
                   context: str | None, blocks: list[Block]) -> Block:
        label_match = ROW_LABEL.match(cells[0]) if cells and cells[0] else None
        label = label_match.group(1).replace(" ", "") if label_match else None
        previous = blocks[-1] if blocks and blocks[-1].kind == "table_row" else None
        if label is None and not (cells and cells[0]) and previous is not None:
            label = previous.row_label  # a row whose first cell is empty continues the row above
        section = f"row {label}" if label else None
        return Block("table_row", line.start, line.end, section, heading, header, context, cells, label)
