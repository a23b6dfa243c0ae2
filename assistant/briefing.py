"""Exports a conversation's answers with their quotes and numbered references, as Word (footnotes) or Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from assistant.results import Citation
from prompts import render

MARKER = re.compile(r"\[(\d+)\]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters Word's XML cannot hold
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()<>#!|~])")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_PART = "/word/footnotes.xml"


@dataclass
class BriefingTurn:
    """One question and its answer, as the chat keeps them."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    other_versions: list[str] = field(default_factory=list)  # "[n] A paper that shares ... reads differently ..."
    cautioned: bool = False  # the answer was shown with a note to check it against its quotes

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BriefingTurn:
        return cls(data["question"], data["answer"], bool(data.get("abstained")),
                   [Citation(**citation) for citation in data.get("citations", [])], list(data.get("other_versions", [])),
                   bool(data.get("cautioned")))


@dataclass
class _Note:
    number: int
    text: str


def _numbered(turns: list[BriefingTurn]) -> list[tuple[BriefingTurn, dict[int, _Note]]]:
    """Each turn with its [n] markers mapped to notes numbered through the whole briefing (1, 2, ... across turns)."""
    numbered, next_number = [], 1
    for turn in turns:
        notes = {}
        for citation in turn.citations:
            text = render("briefing_reference", quote=citation.quote, reference=citation.reference())
            notes[citation.n] = _Note(next_number, text)
            next_number += 1
        numbered.append((turn, notes))
    return numbered


def _pieces(answer: str, notes: dict[int, _Note]) -> list[str | _Note]:
    """The answer split into text and the notes its markers point at; a marker without a citation stays as text."""
    pieces: list[str | _Note] = []
    position = 0
    for marker in MARKER.finditer(answer):
        note = notes.get(int(marker.group(1)))
        if note is None:
            continue
        pieces.append(answer[position:marker.start()].rstrip(" "))
        pieces.append(note)
        position = marker.end()
    pieces.append(answer[position:])
    return [piece for piece in pieces if piece != ""]


def _notes_below(turn: BriefingTurn, notes: dict[int, _Note]) -> list[str]:
    """What the chat showed under the answer and the briefing keeps: the caution to check it, then the notes on papers
    that read differently, each naming the briefing's note of the quote it is about (the chat's [n] is renumbered
    through the briefing)."""
    shown = [render("caution")] if turn.cautioned else []
    for text in turn.other_versions:
        marker = MARKER.match(text)
        note = notes.get(int(marker.group(1))) if marker else None
        shown.append(render("briefing_other_version", number=note.number, note=text[marker.end():].strip())
                     if marker and note else text)
    return shown


def _title() -> str:
    return f"Briefing, {date.today():%d %B %Y}"


def _markdown_text(text: str) -> str:
    """Document text shown literally: markdown syntax escaped, so a link in a paper stays text in the briefing."""
    return _MARKDOWN_SYNTAX.sub(r"\\\1", text)


def briefing_markdown(turns: list[BriefingTurn]) -> str:
    """The briefing as Markdown with footnotes ([^n]); every quote and reference is escaped to read as written."""
    lines = [f"# {_title()}", ""]
    footnotes = []
    for turn, notes in _numbered(turns):
        lines += [f"## {_markdown_text(turn.question)}", ""]
        body = "".join(f"[^{piece.number}]" if isinstance(piece, _Note) else _markdown_text(piece)
                       for piece in _pieces(turn.answer, notes))
        lines += [f"*{body}*" if turn.abstained else body, ""]
        lines += [line for text in _notes_below(turn, notes) for line in (f"> {_markdown_text(text)}", "")]
        footnotes += [f"[^{note.number}]: {_markdown_text(note.text)}" for note in notes.values()]
    return "\n".join(lines + footnotes) + "\n"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def _footnote_xml(notes: list[_Note]) -> bytes:
    """The footnotes part: Word's two separators, then one footnote per reference."""
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                  '</w:p></w:footnote>')
    body = "".join(
        f'<w:footnote w:id="{note.number}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {xml_escape(_xml_text(note.text))}</w:t></w:r>'
        f'</w:p></w:footnote>' for note in notes)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">'
            f"{separators}{body}</w:footnotes>").encode("utf-8")


def _add_footnote_reference(paragraph: Paragraph, number: int) -> None:
    run = paragraph.add_run()
    properties = OxmlElement("w:rPr")
    superscript = OxmlElement("w:vertAlign")
    superscript.set(qn("w:val"), "superscript")
    properties.append(superscript)
    run._r.append(properties)
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)


def briefing_docx(turns: list[BriefingTurn], path: Path) -> Path:
    """Writes the briefing as a Word document whose references are real, numbered Word footnotes."""
    document = Document()
    document.add_heading(_title(), level=1)
    all_notes: list[_Note] = []
    for turn, notes in _numbered(turns):
        document.add_heading(_xml_text(turn.question), level=2)
        paragraph = document.add_paragraph()
        for piece in _pieces(turn.answer, notes):
            if isinstance(piece, _Note):
                _add_footnote_reference(paragraph, piece.number)
            else:
                paragraph.add_run(_xml_text(piece)).italic = turn.abstained
        for text in _notes_below(turn, notes):
            document.add_paragraph().add_run(_xml_text(text)).italic = True
        all_notes += notes.values()
    package_part = document.part
    footnotes = Part(PackURI(FOOTNOTES_PART), CONTENT_TYPE.WML_FOOTNOTES, _footnote_xml(all_notes),
                     package_part.package)
    package_part.relate_to(footnotes, RELATIONSHIP_TYPE.FOOTNOTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
