"""Structure-aware chunking on the real sample reports and PDFs: spans, sentences, table headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXTERNAL_PDFS, KCC_LIBRARY, SAMPLE_DIR, external_pdfs
from ingest.chunker import Chunker
from ingest.document import LoadedDocument
from ingest.readers import reader_for
from ingest.sentences import sentence_spans
from ingest.structure import StructureParser

SAMPLES = sorted(SAMPLE_DIR.glob("*.txt"))


def _chunks(path: Path):
    document = reader_for(path).read(path)
    return document, Chunker(160).chunk(document, StructureParser().parse(document.text))


@pytest.mark.parametrize("path", SAMPLES + external_pdfs()[:3], ids=lambda p: p.name)
def test_chunks_are_verbatim_spans_ending_on_sentence_boundaries(path: Path) -> None:
    document, chunks = _chunks(path)
    assert chunks
    sentence_ends = {end for _, end in sentence_spans(document.text)}
    for chunk in chunks:
        assert chunk.text == document.text[chunk.start:chunk.end]
        assert chunk.sentences, chunk
        assert chunk.sentences[-1].end in sentence_ends or chunk.kind == "table_row"
        for sentence in chunk.sentences:
            assert chunk.start <= sentence.start < sentence.end <= chunk.end


def test_a_table_row_keeps_its_column_headers_and_row_number() -> None:
    _, chunks = _chunks(SAMPLE_DIR / "002_9657fb6dd67a30bc.txt")
    row = next(c for c in chunks if "jointly funded marketing campaigns" in c.text)
    assert row.kind == "table_row"
    assert row.section == "row 15"  # the source writes "1 5." — a number split by PDF conversion
    assert "Current Position: This recommendation was not accepted." in row.search_text
    status = [s for s in row.sentences if s.column == "Current Position"]
    assert status and "not accepted" in status[0].embed_text


def test_numbered_paragraphs_carry_their_number() -> None:
    document, chunks = _chunks(SAMPLE_DIR / "001_9fd2cc959c742ed0.txt")
    sections = {s.section for c in chunks for s in c.sentences}
    assert {"3.2.1", "3.8.1", "3.13"} <= sections
    sentence = next(s for c in chunks for s in c.sentences
                    if document.text[s.start:s.end].startswith("This recommendation is accepted") and s.section == "3.8.1")
    assert sentence.section == "3.8.1"


def test_a_numbered_title_in_bold_heads_its_section() -> None:
    """West Sussex writes its later titles in Markdown bold ("6. **Customer Focused Appraisal**") over unnumbered
    text: that text is cited by its title's number, not by the last numbered paragraph above it (4.4)."""
    document, chunks = _chunks(SAMPLE_DIR / "003_b4e36d0c51f0492b.txt")
    sentence, chunk = next((s, c) for c in chunks for s in c.sentences
                           if document.text[s.start:s.end].startswith("The screening process has been undertaken"))
    assert (sentence.section, chunk.heading) == ("6", "6. Customer Focused Appraisal")


def test_sentences_drop_bullets_numbers_and_cell_markup() -> None:
    text = "- 2.1 The review ran from June. It ended in September.\t<ul> <li>a) first item;</li> <li>b) second.</li>"
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == ["The review ran from June.", "It ended in September.", "first item;", "second."]


def test_an_item_letter_opening_a_line_after_a_list_opening_starts_the_item() -> None:
    text = "Decision: Cabinet is asked to: \nA. Agree to TRANSFER the service. From 1 April 2025; and \nB. DELEGATE it."
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == ["Decision: Cabinet is asked to:", "Agree to TRANSFER the service.", "From 1 April 2025; and",
                         "DELEGATE it."]
    appendix = "It is set out in Appendix \nA. The plan follows."  # a letter that ends a sentence stays with it
    assert [appendix[s:e] for s, e in sentence_spans(appendix)][0] == "It is set out in Appendix \nA."


@pytest.mark.skipif(not external_pdfs(), reason="../shared/external/pdfs not present")
def test_pdf_chunks_know_their_page() -> None:
    path = next(p for p in external_pdfs() if "questions-and-answers" in p.name)
    document, chunks = _chunks(path)
    assert document.page_count == 17
    pages = {c.page for c in chunks}
    assert min(pages) == 1 and max(pages) == 17
    for chunk in chunks:
        assert document.page_at(chunk.start) == chunk.page


def test_a_row_under_long_column_titles_stays_one_passage() -> None:
    """Each cell is embedded under its column's title, but the row is split only when its own words are many: a row of
    twelve figures under long titles stays one passage, its label with every figure."""
    titles = [f"Estimated annual financial exposure for year {year} in millions of pounds after mitigation"
              for year in range(2025, 2037)]
    header = "\t".join(["Risk", *titles])
    row = "\t".join(["Insecure funding", *(f"{n}.5" for n in range(12))])
    text = f"Budget risks\n\n{header}\n{row}\n"
    document = LoadedDocument(source="risks.txt", text=text, format="txt", page_starts=(0,),
                              table_lines={text.index(header): tuple(["Risk", *titles]), text.index(row): None})
    chunks = Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))
    start = text.index(row)
    passages = [c for c in chunks if c.start < start + len(row) and c.end > start]
    assert len(passages) == 1 and passages[0].text == row


KENT_MINUTES = EXTERNAL_PDFS.parent / "kcc-library" / (
    "kcc_2025-02-13_full_council_9-january-2025-county-council-minutes.pdf")


@pytest.mark.skipif(not KENT_MINUTES.exists(), reason="../shared/external/kcc-library not present")
def test_a_recorded_vote_is_one_passage_with_its_counts_beside_their_names() -> None:
    document = reader_for(KENT_MINUTES).read(KENT_MINUTES)
    blocks = StructureParser().parse(document.text, document.table_lines)
    headings = [document.text[b.start:b.end].strip() for b in blocks if b.kind == "heading"]
    # "For (14)" and a one-line list of names were taken for headings, and headed the minutes after them
    assert not [h for h in headings if h.startswith(("For (", "Against (", "Abstain (")) or h.startswith("Mrs Bruneau")]
    chunks = Chunker(160).chunk(document, blocks)
    vote = next(c for c in chunks if "paragraph 17 to the vote" in c.text)
    assert "For (14)" in vote.text and "Abstain (4)" in vote.text and "Amendment lost." in vote.text
    counted = [" ".join(document.text[s.start:s.end].split()) for s in vote.sentences]
    assert "Abstain (4) Mrs Bruneau, Mr Chittenden, Mrs Dean, Mr Webb" in counted
    assert vote.heading.startswith("285.")


PALO_ALTO_MINUTES = EXTERNAL_PDFS / "us-east-palo-alto_2020-01-27_planning-commission_minutes.pdf"


@pytest.mark.skipif(not PALO_ALTO_MINUTES.exists(), reason="external PDFs not present")
def test_a_numbered_title_in_capitals_heads_its_item_with_no_blank_line_above_it() -> None:
    _, chunks = _chunks(PALO_ALTO_MINUTES)
    comment = next(c for c in chunks if "Court Skinner provided public comment." in c.text)
    assert (comment.heading, comment.section) == ("3. PUBLIC COMMENT", "3")
    assert "ABSENT" not in comment.text  # the item above it, which PDF text runs straight on into the title


CABINET_DISPATCH = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00096-prod-30th-jan-2025-10-00-cabinet.pdf"


def test_a_page_stamp_is_no_heading() -> None:
    text = ("Our Commissioning Intentions\n\n2.1 The plan identifies the places needed.\n\nPage 1\nAgenda Item 9\n"
            "Financial Implications\n\n3.1 Basic Need grant meets the cost.\n\nPage 2 of 54\n\n"
            "3.2 The grant is allocated by formula.")
    blocks = StructureParser().parse(text)
    assert not any("Page" in (block.heading or "") for block in blocks)
    grant = next(b for b in blocks if text[b.start:b.end].startswith("3.2"))
    assert grant.heading == "Financial Implications"


@pytest.mark.skipif(not CABINET_DISPATCH.exists(), reason="KCC library not present")
def test_an_agenda_packs_page_stamp_does_not_head_the_pages_after_it() -> None:
    _, chunks = _chunks(CABINET_DISPATCH)
    grant = next(c for c in chunks if "Kent has been allocated" in c.text)
    assert "Page 1" not in (grant.heading or "") + grant.search_text
    assert "Agenda Item 9" in grant.search_text  # the item the pack's stamp opens


def test_a_letters_greeting_ends_its_letterhead_and_its_subject_heads_the_body() -> None:
    text = ("Jane Smith\nLeader of the Council\nCounty Hall\n10 January 2025\nDear Minister,\n"
            "Re: Request to join the priority programme\nWe write to ask that the county be included.\n"
            "We are confident we can meet the timetable.")
    blocks = [b for b in StructureParser().parse(text) if b.kind == "paragraph"]
    letterhead, body = blocks
    assert "Dear" not in text[letterhead.start:letterhead.end] and "We write" not in text[letterhead.start:letterhead.end]
    assert text[body.start:body.end].startswith("We write") and body.heading == "Request to join the priority programme"


@pytest.mark.parametrize("paper, opening, number", [
    ("kcc_2025-01-30_cabinet_appendix-p-flexible-use-of-capital-receipts-strategy.pdf",
     "3. Proposed Flexible Use of Capital Receipts", "3"),
    ("kcc_2025-03-13_full_council_appendix-1-selection-and-member-services-recommendations.pdf", "7.", "7"),
])
def test_a_paragraph_opening_with_the_next_number_is_cited_by_that_number(paper: str, opening: str, number: str) -> None:
    """"3. Proposed ..." after section 2's paragraphs is paragraph 3: a briefing citing it by section 2 would send the
    reader to the wrong place."""
    document = reader_for(KCC_LIBRARY / paper).read(KCC_LIBRARY / paper)
    blocks = StructureParser().parse(document.text, document.table_lines)
    opened = next(b for b in blocks if b.kind == "paragraph" and document.text[b.start:b.end].lstrip().startswith(opening))
    assert opened.section == number


def test_a_list_item_inside_a_minute_keeps_the_minute_number() -> None:
    """"5. Lower the age of universal suffrage to 16." in a motion recorded under minute 281 is the motion's point 5,
    not minute 5."""
    path = KCC_LIBRARY / "kcc_2025-02-13_full_council_19-december-2024-county-council-minutes.pdf"
    document = reader_for(path).read(path)
    blocks = StructureParser().parse(document.text, document.table_lines)
    point = next(b for b in blocks if "Lower the age of universal suffrage" in document.text[b.start:b.end])
    assert point.section == "281"
