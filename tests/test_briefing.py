"""Briefing export from real answers: a Word file with real footnotes and a Markdown file, both read back."""

from __future__ import annotations

from pathlib import Path

import docx

from assistant.briefing import FOOTNOTES_PART, BriefingTurn, briefing_docx, briefing_markdown
from assistant.results import Citation
from assistant.services import Services

QUESTIONS = ["What did Leeds decide about external placements?", "What did Derby recommend?"]


def answered(services: Services) -> list[BriefingTurn]:
    history: list[str] = []
    turns = []
    for question in QUESTIONS:
        result = services.engine.ask(question, history)
        turns.append(BriefingTurn(question, result.answer, result.abstained, result.citations))
        history.append(question)
    return turns


def test_word_briefing_has_a_numbered_footnote_per_citation(sample_services: Services, tmp_path: Path) -> None:
    turns = answered(sample_services)
    citations = [citation for turn in turns for citation in turn.citations]
    document = docx.Document(str(briefing_docx(turns, tmp_path / "briefing.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[1:] == QUESTIONS
    body = document.element.body.xml
    assert [int(n) for n in __import__("re").findall(r'w:footnoteReference w:id="(\d+)"', body)] == \
        list(range(1, len(citations) + 1))
    notes = next(p for p in document.part.package.parts if str(p.partname) == FOOTNOTES_PART).blob.decode()
    for citation in citations:  # each quote and its reference, in order
        assert citation.quote.split()[0] in notes and citation.reference().split(",")[0] in notes
    assert "[1]" not in "".join(p.text for p in document.paragraphs[2:])  # markers became footnotes


def test_markdown_briefing_numbers_through_and_keeps_document_text_literal(sample_services: Services) -> None:
    turns = answered(sample_services)
    hostile = Citation(1, "x.txt", "T", "C", "2024", None, "1", "see [the tariff](javascript:alert(1))", "text")
    turns.append(BriefingTurn("And the tariff?", "Prices rise [1]. <b>bold</b>", False, [hostile]))
    markdown = briefing_markdown(turns)
    total = sum(len(turn.citations) for turn in turns)
    assert f"[^{total}]: " in markdown and f"[^{total + 1}]" not in markdown
    assert "\\[the tariff\\]\\(javascript:alert\\(1\\)\\)" in markdown and "\\<b\\>" in markdown
    assert f"## {QUESTIONS[0]}" in markdown


def test_a_cautioned_answer_keeps_its_caution_in_both_briefings(sample_services: Services, tmp_path: Path) -> None:
    """An answer the chat showed with a note to check it is not pasted into a briefing as a confident one."""
    from prompts import render

    shown, plain = answered(sample_services)
    shown.cautioned = True
    caution = render("caution")
    markdown = briefing_markdown([shown, plain])
    assert markdown.count(f"> {caution}") == 1
    assert markdown.index(f"> {caution}") < markdown.index(f"## {QUESTIONS[1]}")
    document = docx.Document(str(briefing_docx([shown, plain], tmp_path / "briefing.docx")))
    assert [p.text for p in document.paragraphs].count(caution) == 1
    assert BriefingTurn.from_json({"question": "q", "answer": "a", "cautioned": True}).cautioned
