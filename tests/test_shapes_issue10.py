"""Answers that answer (issue 10): whole sentences, table cells by row and column, council spellings and acronym
plurals, and quotes in Q&A packs and minutes attributed to their own item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.query import analyse, without_councils
from assistant.quotes import is_verbatim
from assistant.services import Services
from assistant.unmentioned import name_forms_terms, proper_names
from conftest import EXTERNAL_PDFS, KCC_LIBRARY, KENT_EQIA, SAMPLE_DIR, ask_about_paper
from ingest.chunker import Chunk, Chunker
from ingest.readers import reader_for
from ingest.readers.tables import table_text
from ingest.sentences import sentence_spans
from ingest.structure import StructureParser

KENT_QA = EXTERNAL_PDFS / "kcc_2025-03-13_council_questions-and-answers.pdf"
KENT_CABINET = EXTERNAL_PDFS / "kcc_2025-01-30_cabinet_minutes.pdf"
KENT_PANEL = EXTERNAL_PDFS / "kcc_2024-10-29_corporate-parenting-panel_minutes.pdf"
KENT_GOVERNANCE = EXTERNAL_PDFS / "kcc_2025-03-13_council_governance-update-report.pdf"
EAST_PALO_ALTO = EXTERNAL_PDFS / "us-east-palo-alto_2020-01-27_planning-commission_minutes.pdf"
WEST_SUSSEX, BATH = SAMPLE_DIR / "003_b4e36d0c51f0492b.txt", SAMPLE_DIR / "004_77dbbb5ea04abb7b.txt"
KENT_RISKS = KCC_LIBRARY / "kcc_2025-01-30_cabinet_appendix-i-budget-risk-register-22-01-25.pdf"
needs_pdfs = pytest.mark.skipif(not KENT_QA.exists(), reason="../shared/external/pdfs not present")


def _chunks(path: Path) -> list[Chunk]:
    document = reader_for(path).read(path)
    return Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))


def _chunk_with(chunks: list[Chunk], words: str) -> Chunk:
    return next(chunk for chunk in chunks if words in " ".join(chunk.text.split()))


# --- whole sentences ---------------------------------------------------------------------------------------


def test_a_sentence_carried_over_a_blank_line_stays_whole() -> None:
    text = "The Chair agreed to remind Members of their duty as\n\na Corporate Parent, and to invite them. Next one."
    assert [text[s:e] for s, e in sentence_spans(text)][0].endswith("and to invite them.")
    # a list after a lead-in is still split: "a)" is a marker, not a word going on
    listed = "Members asked for\n\na) a report. b) a visit."
    assert len(sentence_spans(listed)) == 3


@needs_pdfs
def test_a_numbered_minute_line_that_wraps_is_a_paragraph_not_a_heading() -> None:
    """"2. The Chair agreed to write ... their duty as" / "a Corporate Parent, and to extend ..." is one sentence."""
    document = reader_for(KENT_PANEL).read(KENT_PANEL)
    chunks = Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))
    sentences = [" ".join(document.text[s.start:s.end].split()) for chunk in chunks for s in chunk.sentences]
    assert not any(sentence.startswith("a Corporate Parent") for sentence in sentences)
    assert any(sentence.startswith("The Chair agreed to write to group leaders") and "extend an invitation" in sentence
               for sentence in sentences)


def test_an_answer_never_starts_mid_clause(fresh_services: Services, tmp_path: Path) -> None:
    """A page number between the two halves of a sentence splits it; the answer still quotes it from its start."""
    paper = tmp_path / "panel.txt"
    paper.write_text("Chairman's Announcements\n\nThe Chair agreed to write to the group leaders of the council to "
                     "remind Members of their duty as\n\n7\n\na Corporate Parent, and to extend an invitation to attend "
                     "the Panel's meetings in the spring.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    result = fresh_services.engine.ask("What invitation did the Chair extend to Members?")
    assert not result.abstained, result.answer
    assert result.answer.startswith("The Chair agreed to write"), result.answer
    assert all(is_verbatim(c.quote, paper.read_text(encoding="utf-8")) for c in result.citations)


def test_a_sentence_running_on_past_a_name_ending_in_an_exclamation_mark_is_quoted_from_its_start(
        fresh_services: Services, tmp_path: Path) -> None:
    """A sentence splitter ends a sentence at "‘Ashford Sings!’", so its rest opens in lower case; the answer (and a
    refusal's closest quote) starts where the sentence does."""
    paper = tmp_path / "panel.txt"
    paper.write_text(
        "Corporate Parenting Panel\n\n1. Foster carers met the panel to discuss allowances and training.\n\n"
        "2. The fostering service recruited carers through events in libraries and schools.\n\n"
        "3. Members praised the work of the recruitment team over the summer.\n\n"
        "4. Members highlighted a recording by ‘Ashford Sings!’ a choir led by two foster carers that sang at "
        "the county show to promote fostering.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    result = fresh_services.engine.ask("Where did the choir led by two foster carers sing to promote fostering?")
    assert "a choir led by two foster carers" in result.answer, result.answer
    assert not re.search(r"(?:^|\] )a choir led", result.answer), result.answer
    assert all(is_verbatim(c.quote, paper.read_text(encoding="utf-8")) for c in result.citations)
    refused = fresh_services.engine.ask("Who conducts the choir led by two foster carers?")
    assert refused.abstained and "a choir led" in refused.answer, refused.answer
    assert '"a choir led' not in refused.answer, refused.answer


def test_a_lead_in_ending_with_its_first_items_letter_brings_its_list(fresh_services: Services, tmp_path: Path) -> None:
    """A motion's "... to: a.)" opens its list as "... to:" does: the answer quotes the items, not the lead alone."""
    motion = ("Motion for Time Limited Debate\n\nThis Council agrees to call on the Cabinet Member for Public Health "
              "to: a.)\nWrite again to the government, urging action on disposable vapes; b.)\nSupport calls for "
              "amendments that limit refill tank sizes; c.)\nAdvocate for a ban on Big Puff vapes; d.)\nWork with "
              "schools to raise awareness of the risks; and e.)\nEncourage stronger local enforcement.\n\nThe Cabinet "
              "Member for Public Health introduced the public health budget. The Cabinet Member for Public Health "
              "answered questions on the motion.\n")
    result = ask_about_paper(fresh_services, tmp_path, motion,
                             "What does the motion ask the Cabinet Member for Public Health to do?")
    assert all(item in result.answer for item in ("refill tank", "Big Puff", "local enforcement")), result.answer


def test_each_bullet_of_a_list_whose_items_end_in_commas_is_quoted_once(fresh_services: Services,
                                                                         tmp_path: Path) -> None:
    """Items ending in a comma ("\u2022 Be based on ...,") read on to the next, but each bullet is an item of its own:
    the answer lists them, not each item glued to every item before it."""
    strategy = ("Capital Strategy Principles\n\nThe core principles of the Capital Strategy are as follows:\n\n"
                "\u2022 Be based on delivering the council's strategic priorities,\n"
                "\u2022 Set out and deliver its statutory responsibilities on a risk-based approach,\n"
                "\u2022 Ensure the capital programme is long term, deliverable and affordable,\n"
                "\u2022 Review the current practice of no new borrowing for consideration in 2026-27.\n")
    result = ask_about_paper(fresh_services, tmp_path, strategy,
                             "What are the core principles of the capital strategy on borrowing?")
    assert "no new borrowing" in result.answer, result.answer
    assert result.answer.count("strategic priorities") == 1, result.answer
    assert all(not c.quote.startswith("Be based") or c.quote.endswith("priorities,") for c in result.citations)


def test_a_date_before_the_paper_does_not_answer_when_something_is_still_to_come(fresh_services: Services,
                                                                                 tmp_path: Path) -> None:
    """"When is the next training scheduled?" is not answered by when the last one was held."""
    paper = ("Treasury Management Strategy\n\nCounty Council, 13 February 2025\n\nMember Training\n\n"
             "The Code requires the responsible officer to ensure that members with responsibility for treasury "
             "management receive adequate training. Treasury management training was most recently undertaken by "
             "members on 23 November 2023 and further training will be arranged as required.\n")
    question = "When is the next treasury management training for members scheduled?"
    assert ask_about_paper(fresh_services, tmp_path, paper, question).abstained
    planned = paper.replace("was most recently undertaken by members on 23 November 2023 and further training will "
                            "be arranged as required", "for members is next scheduled for 14 May 2025")
    result = ask_about_paper(fresh_services, tmp_path, planned, question)
    assert not result.abstained and "14 May 2025" in result.answer, result.answer


# --- tables ------------------------------------------------------------------------------------------------


def test_a_rate_table_of_a_text_paper_is_read_as_rows_under_year_columns() -> None:
    """Rows of figures ("West Sussex 42.8 46.1 44.9 46.9") are data under the year headers, not more headers."""
    row = _chunk_with(_chunks(WEST_SUSSEX), "West Sussex 42.8")
    assert row.kind == "table_row"
    cell = next(s for s in row.sentences if s.column == "2007")
    assert "44.9" in cell.embed_text and "LAC per 10,000" in cell.embed_text and "West Sussex" in cell.embed_text


def test_a_merged_cell_repeated_by_the_reader_is_kept_once() -> None:
    table = table_text([["Objective", "How", "When"],
                        ["Review the placement strategy", "Review the placement strategy", "Ongoing"],
                        ["Cut agency use", "0", "0"]])
    assert table is not None
    lines = table.text.split("\n")
    assert lines[1].count("Review the placement strategy") == 1
    assert lines[2].split("\t") == ["Cut agency use", "0", "0"]  # short values may really repeat


def test_a_table_question_gets_the_cell_with_its_row_and_column(sample_services: Services) -> None:
    result = sample_services.engine.ask("What was the rate of looked after children per 10,000 in West Sussex in 2007?")
    assert not result.abstained, result.answer
    assert "West Sussex" in result.answer and "2007: 44.9" in result.answer, result.answer
    assert any("44.9" in citation.quote for citation in result.citations)


def test_a_figure_two_columns_share_is_shown_under_each(sample_services: Services) -> None:
    """England's rate was 54.6 in 2006 and again in 2007: the second is a datum, not a merged cell's repeat."""
    result = sample_services.engine.ask("What was the national rate of looked after children per 10,000 in 2007?")
    assert "2007: 54.6" in result.answer, result.answer


def test_a_row_going_on_from_the_page_before_is_not_named_by_its_fragment(sample_services: Services) -> None:
    """A B&NES plan row split over a page starts mid-sentence ("parent is in unsuitable accommodation."): the answer
    shows its cells under their columns, not that fragment as the row's name."""
    result = sample_services.engine.ask("Which councils reviewed what they pay foster carers, and what happened?")
    assert "young people staying put with foster carers to 19" in result.answer, result.answer
    assert "Council: parent is in unsuitable accommodation" not in result.answer, result.answer


def test_table_cells_are_named_not_glued(sample_services: Services) -> None:
    """A B&NES plan row answers with each cell under its column: "Cost: £10,000 pa; When: July 2008"."""
    # (the reranker ranks the row on education allowances first for "... and when was it due?": that row says "due to")
    result = sample_services.engine.ask("How much does the B&NES children in care council cost, and by when?")
    assert "Cost: £10,000 pa" in result.answer and "When: July 2008" in result.answer, result.answer
    assert "pa July 2008" not in result.answer



def test_cells_ending_in_a_full_stop_are_joined_without_it(fresh_services: Services, tmp_path: Path) -> None:
    """A plan's cells are often whole sentences ("Fewer residents will feel lonely often or always."): the answer joins
    them with "; " alone, not ".;", and the cell answering is there under its column."""
    plan = ("Health improvement plan\n\n1.1 The plan sets out what the council will achieve by 2027.\n\n"
            "Outcome\tMeasure\tTimescale\n"
            "Fewer residents will feel lonely often or always.\tShare of adults feeling lonely.\tMarch 2027\n"
            "More children will walk to school.\tShare of pupils walking.\tSeptember 2026\n")
    result = ask_about_paper(fresh_services, tmp_path, plan, "By when should fewer residents feel lonely?")
    assert "Outcome: Fewer residents will feel lonely often or always; Measure: Share of adults feeling lonely; " \
           "Timescale: March 2027" in result.answer, result.answer
    assert "lonely often or always." in result.citations[0].quote, "the quote keeps the paper's own full stop"

def test_the_cell_answering_comes_before_the_rows_other_cells(fresh_services: Services, tmp_path: Path) -> None:
    """A risk register's likelihood sits behind its long cause and consequence: the answer shows the row's name and
    the cells chosen as answering first, then the row's other quoted cells (here its cause), each under its column."""
    register = ("Budget risk register\n\n1.1 The register lists the main risks to the budget.\n\n"
                "Risk\tCause\tConsequence\tLikelihood\n"
                "Insecure funding\tThe core budget includes money from company dividends and the business rate pool. "
                "Such income varies from year to year. It was held in reserve in earlier years.\t"
                "An overspend on the revenue budget would follow. It would have to be met from reserves. Savings "
                "might be needed during the year.\tPossible\n"
                "Waste sites\tSites reach the end of their life as housing grows.\tNew sites are needed.\tLikely\n")
    result = ask_about_paper(fresh_services, tmp_path, register, "How likely is the insecure funding risk?")
    assert "Likelihood: Possible" in result.answer, result.answer
    cause = result.answer.index("Cause: The core budget includes")  # quoted, so still shown, after the answer
    assert result.answer.index("Likelihood: Possible") < cause, result.answer


@pytest.mark.skipif(not KENT_RISKS.exists(), reason="../shared/external/kcc-library not present")
def test_a_row_chosen_for_a_sum_shows_the_long_cell_that_gives_it(fresh_services: Services) -> None:
    """A risk's cost so far sits in a long cell behind its title and cause: a question asking how much gets that
    cell, not only the row's title and cause (which the question's words are closest to)."""
    fresh_services.pipeline.ingest([KENT_RISKS], progress=False)
    result = fresh_services.engine.ask("How much has the Galley Hill cliff collapse cost KCC so far?")
    assert "Risk Title: Capital – Galley Hill cliff collapse" in result.answer, result.answer
    assert "costs to date of £1.162m" in result.answer, result.answer
    assert all(is_verbatim(c.quote, c.text) for c in result.citations)


@pytest.mark.skipif(not KENT_EQIA.exists(), reason="../shared/external/kcc-library not present")
def test_a_form_line_answers_as_its_label_and_value_kept_apart(fresh_services: Services) -> None:
    """An equality form's lines have no column titles: the label and its value are shown as two cells, not run
    together ("Directorate Adult Social Care"), and the form's title is no cell's column name."""
    fresh_services.pipeline.ingest([KENT_EQIA], progress=False)
    result = fresh_services.engine.ask("Which directorate is responsible for the ICS delivery plan?")
    assert "Directorate | Adult Social Care and Health" in result.answer, result.answer
    assert "EQIA Submission Form" not in result.answer


def test_words_naming_the_paper_choose_the_paper_not_its_line(sample_services: Services) -> None:
    """"The Leeds external placements inquiry" is the paper's title ("Response to Scrutiny inquiry report - external
    placements"): every line of the paper has those words, so the line saying what the inquiry assessed is found by
    the question's other words."""
    result = sample_services.engine.ask("What was the Leeds external placements inquiry trying to assess?")
    assert "reduce reliance on external placements" in result.answer, result.answer


@needs_pdfs
def test_a_row_of_a_roll_call_is_answered_whole_under_its_column_titles(fresh_services: Services) -> None:
    """The roll call's titles are drawn one column to the left of its cells; read as one column each, they name the
    cells, and the row of the member asked about answers with every short cell, not the name alone."""
    fresh_services.pipeline.ingest([EAST_PALO_ALTO], progress=False)
    result = fresh_services.engine.ask("In what capacity did Juan Mendez sit on the Planning Commission?")
    assert not result.abstained, result.answer
    assert "Attendee Name: Juan Mendez; Title: Alternate; Status: Present" in result.answer, result.answer


def test_a_short_table_cell_is_a_sentence_of_its_row() -> None:
    """A page number, a tick or a rating in its own cell is data: "23" in "MM7 | 23 | Figure 3 | Amend ..." is
    quotable, where prose drops a piece that short."""
    text = "MM7\t23\tFigure 3\tAmend Figure 3.\tx"
    cells = [text[s:e] for cell in re.finditer(r"[^\t]+", text)
             for s, e in sentence_spans(text, cell.start(), cell.end(), min_chars=1)]
    assert cells == ["MM7", "23", "Figure 3", "Amend Figure 3.", "x"]
    prose = "It rose.\n\n23\n\nIt fell."
    assert [prose[s:e] for s, e in sentence_spans(prose)] == ["It rose.", "It fell."]


# --- council spellings, plurals and acronyms ------------------------------------------------------------


@pytest.mark.parametrize("question,council", [
    ("How many children are in care in Bath & NE Somerset?", "Bath and North East Somerset Council"),
    ("What does Bath and N.E. Somerset spend on Care Matters?", "Bath and North East Somerset Council"),
    ("What did Kent CC decide on potholes?", "Kent County Council"),
    ("What did KCC decide on potholes?", "Kent County Council"),
    ("Does ESCC use a preferred provider list?", "East Sussex County Council"),
])
def test_council_abbreviations_name_the_council(question: str, council: str) -> None:
    assert analyse(question).councils == (council,)
    assert not {"NE", "N.E.", "CC", "KCC", "ESCC"} & set(without_councils(question, (council,)).split())


def test_ambiguous_initials_name_no_council() -> None:
    """"DCC" is Derby, Devon, Durham and Dorset alike: it names none of them."""
    assert analyse("What did DCC decide about foster carers?").councils == ()


def test_an_abbreviated_council_is_answered_not_refused(sample_services: Services) -> None:
    result = sample_services.engine.ask("How many children are in care in Bath & NE Somerset?")
    assert not result.abstained and "mention" not in result.answer, result.answer
    assert "153" in result.answer


def test_an_acronym_plural_matches_its_singular(sample_services: Services) -> None:
    """B&NES's paper says "GCSE"; a question about "GCSEs" is about the same thing."""
    result = sample_services.engine.ask("What did children in care in B&NES achieve in their GCSEs?")
    assert not result.abstained and "mention" not in result.answer, result.answer
    assert any("GCSE" in citation.text for citation in result.citations)


def test_words_quoted_from_a_paper_are_not_names_to_check() -> None:
    question = "What happened to the recommendation 'Each Council children's home should have broadband access'?"
    assert proper_names(question) == []
    assert proper_names('Is "The Fostering Network" rate met in Derby?') == ["Derby"]


def test_a_recommendation_asked_by_its_exact_wording_is_answered(sample_services: Services) -> None:
    result = sample_services.engine.ask(
        "What happened to the recommendation that 'Each Council children's home should have broadband access for "
        "staff and residents'?")
    assert not result.abstained, result.answer
    assert any("broadband" in citation.text for citation in result.citations)


# --- speaker attribution in Q&A packs and minutes -------------------------------------------------------


@needs_pdfs
def test_each_question_of_a_qa_pack_is_the_item_of_its_own_passages() -> None:
    chunks = _chunks(KENT_QA)
    satnav = _chunk_with(chunks, "this remains work in progress")
    assert satnav.item == "Question 2: Question by Susan Carey to Neil Baker, Cabinet Member for Highways and Transport"
    gatwick = _chunk_with(chunks, "we oppose a second runway at Gatwick")
    assert gatwick.item is not None and gatwick.item.startswith("Question 3: Question by Mark Hood to Neil Baker")
    items = [chunk.item for chunk in chunks]
    assert None not in items and len(set(items)) >= 12  # every question has its own


@needs_pdfs
def test_each_minute_is_the_item_of_its_own_passages() -> None:
    chunks = _chunks(KENT_CABINET)
    assert _chunk_with(chunks, "Apologies were received from Mrs C Bell").item == "84. Apologies (Item 1)"
    update = _chunk_with(chunks, "The One You Kent service campaign")
    assert update.item == "87. Cabinet Member Updates (Item 4)" and update.section == "87"
    panel = _chunks(KENT_PANEL)
    assert _chunk_with(panel, "Mr P Bartlett be duly elected").item == "Chairman’s Announcements (Item 2)"


def test_the_sentences_recording_a_vote_are_embedded_with_the_motion_it_decides(tmp_path: Path) -> None:
    """A count is a list of names: which amendment it decides is said only in the lines that put the amendment
    forward, and the vote after the amendments decides the motion put first."""
    minutes = tmp_path / "minutes.txt"
    minutes.write_text(
        "14. Library Opening Hours\n\nCllr Evans moved and Cllr Ford seconded the motion that the Council adopts the "
        "library strategy for 2026 to 2030.\n\nCllr Adams moved and Cllr Baker seconded the following amendment: "
        "\"To keep Sunday opening at every town library.\"\n\nThe amendment was put to the vote.\n\nFor: 12\n\n"
        "Against: 20\n\nAmendment lost.\n\nCllr Cole moved and Cllr Dean seconded the following amendment: \"To fund "
        "a mobile library for the rural villages.\"\n\nThe amendment was put to the vote.\n\nFor: 25\n\nAgainst: 7\n\n"
        "Amendment carried.\n\nThe substantive motion, as amended, was then put to the vote and carried.\n",
        encoding="utf-8")
    embedded = {" ".join(minutes.read_text()[s.start:s.end].split()): s.embed_text
                for chunk in _chunks(minutes) for s in chunk.sentences}
    decides = {sentence: text for sentence, text in embedded.items() if "vote" in sentence or "For:" in sentence}
    assert [key for key in decides if "For: 12" in key and "Sunday opening" in decides[key]], decides
    assert [key for key in decides if "For: 25" in key and "mobile library" in decides[key]], decides
    assert "library strategy" in decides["The substantive motion, as amended, was then put to the vote and carried."]
    assert embedded["Cllr Evans moved and Cllr Ford seconded the motion that the Council adopts the library strategy "
                    "for 2026 to 2030."].startswith("Cllr Evans")  # a motion put is embedded as it stands


@needs_pdfs
def test_a_reply_is_quoted_with_its_own_question_and_speaker(fresh_services: Services) -> None:
    """A reply's sentence carries the heading of its own item (who asked whom), not the pack's first question's."""
    fresh_services.pipeline.ingest([KENT_QA], progress=False)
    result = fresh_services.engine.ask("What does KCC do to protect children who are educated at home?")
    reply = next(c for c in result.citations if "home education" in c.quote and not c.quote.endswith("?"))
    reference = reply.reference()
    assert reference.startswith("Questions to the County Council, Kent County Council, 2025-03-13, Question 1: "
                                "Question by Paul Stepto to Rory Love"), reference
    assert "Susan Carey" not in reference
    assert reply.to_json()["item"].startswith("Question 1")


@needs_pdfs
def test_a_reports_quote_is_referenced_with_who_the_report_is_from(fresh_services: Services) -> None:
    """A briefing writer pasting a quote from a report needs who said it: the people its cover says it is from."""
    fresh_services.pipeline.ingest([KENT_GOVERNANCE], progress=False)
    result = fresh_services.engine.ask("What is the Governance Working Party?")
    assert result.citations and not result.abstained
    reference = result.citations[0].reference()
    assert ", by Roger Gough, Leader of the Council; Dylan Jeffrey, Cabinet Member for Communications and Democratic " \
           "Services; Ben Watts – General Counsel, p. " in reference, reference
    assert result.citations[0].to_json()["author"].startswith("Roger Gough")


def test_a_quoted_items_speaker_stands_in_the_reference_for_the_papers_author() -> None:
    from assistant.results import Citation

    reply = Citation(n=1, source="qa.pdf", title="Questions to the County Council", council="Kent County Council",
                     date="2025-03-13", page=3, section=None, quote="q", text="q",
                     item="Question 2: Question by Susan Carey to Neil Baker", author="Democratic Services")
    assert reply.reference() == ("Questions to the County Council, Kent County Council, 2025-03-13, "
                                 "Question 2: Question by Susan Carey to Neil Baker, p. 3")


def test_shortened_plural_and_calendar_words_are_not_unknown_names(fresh_services: Services, tmp_path: Path) -> None:
    paper = tmp_path / "amendment.txt"
    paper.write_text("Budget amendment 4, proposed by the Liberal Democrats and the Green group, moves £5.6m to "
                     "highway maintenance.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    answered = fresh_services.engine.ask("What did the Lib Dems and the Greens propose in January?")
    assert not answered.abstained and "£5.6m" in answered.answer, answered.answer
    refused = fresh_services.engine.ask("What did the Reform group propose?")
    assert refused.abstained and "Reform" in refused.answer, refused.answer


def test_a_name_the_passages_found_do_not_mention_is_sought_in_the_papers_naming_it(fresh_services: Services,
                                                                                  tmp_path: Path) -> None:
    """The minutes match every word of the question but "Oracle", so the search brings only them; a refusal saying
    the documents do not mention Oracle would be false. The question is asked again of the papers that name it, and
    the note answers; a name no paper uses is still refused."""
    sites = ["Maidstone", "Ashford", "Dover", "Thanet", "Swale", "Canterbury", "Folkestone", "Tonbridge", "Sevenoaks",
             "Dartford", "Gravesham", "Deal", "Margate", "Ramsgate", "Whitstable", "Herne Bay", "Faversham", "Hythe"]
    minutes = "Budget debate minutes\n\n" + "\n\n".join(
        f"{number}. Members asked whether spending property sale money on building projects at {site} would mean "
        f"borrowing more. The Cabinet Member said the building programme's borrowing for {site} would be kept under "
        "review, that property sale money would be spent first on the projects already approved, and that any further "
        "borrowing for building projects would come back to members with its costs set out year by year."
        for number, site in enumerate(sites, start=1))
    licences = "Software licences\n\n" + "\n\n".join(
        f"{number}. The Oracle licence for the {service} service is renewed each April at the agreed list price."
        for number, service in enumerate(["library", "archive", "highways", "waste", "payroll", "pensions"], start=1))
    note = ("Quarterly note\n\nThe Oracle Cloud replacement is paid for from £8m of capital receipts already received, "
            "so it adds nothing to the council's debt.\n\nThe payroll module goes live in April.\n")
    for name, text in (("minutes.txt", minutes), ("licences.txt", licences), ("note.txt", note)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    fresh_services.pipeline.ingest(sorted(tmp_path.glob("*.txt")), progress=False)
    question = "Won't spending property sale money on the Oracle system mean borrowing more for building projects?"
    assert {Path(p.chunk.source).name for p in fresh_services.engine.passages(question)} == {"minutes.txt"}
    naming = fresh_services.retriever.lexical_index().sources_using(name_forms_terms(["Oracle"]))
    assert {Path(source).name for source in naming} == {"licences.txt", "note.txt"}
    answered = fresh_services.engine.ask(question)
    assert not answered.abstained and "£8m" in answered.answer, answered.answer
    assert Path(answered.citations[0].source).name == "note.txt"
    refused = fresh_services.engine.ask(question.replace("Oracle", "Cerner"))
    assert refused.abstained and "do not mention Cerner" in refused.answer, refused.answer


def test_the_body_a_paper_went_to_is_no_name_the_paper_must_print(fresh_services: Services, tmp_path: Path) -> None:
    """A revenue plan's table never says it went to Cabinet or to County Council: asked about "the plan put to
    Cabinet", it answers; asked about a group's plan it does not hold ("Reform"), it refuses."""
    assert proper_names("What did the plan put to Cabinet and then County Council say?") == []
    paper = tmp_path / "revenue-plan.txt"
    paper.write_text("High level revenue plan 2025-28\n\nLine\t2025-26\t2026-27\n"
                     "Savings rolled forward from the prior year\t-19,045.4\t-4,210.0\n"
                     "Net revenue budget\t1,529,659.5\t1,601,220.3\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    answered = fresh_services.engine.ask("What savings rolled forward from the prior year does the plan put to Cabinet show "
                                         "for 2025-26?")
    assert not answered.abstained and "-19,045.4" in answered.answer, answered.answer
    refused = fresh_services.engine.ask("What savings did the Reform group's plan roll forward for 2025-26?")
    assert refused.abstained, refused.answer


def test_a_name_in_the_file_name_a_council_published_a_paper_under_counts(fresh_services: Services,
                                                                          tmp_path: Path) -> None:
    paper = tmp_path / "4-amendment-liberal-democrats-highways.txt"
    paper.write_text("Budget Amendment Form\n\nProposed amount: £5.6m to increase the highways maintenance capital "
                     "project.\n\nProposer: Mr Richard Streatfeild. Seconder: Mr Antony Hook.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    result = fresh_services.engine.ask("How much did the Lib Dem amendment add to highways maintenance?")
    assert not result.abstained and "£5.6m" in result.answer, result.answer


def test_a_lead_in_that_counts_its_items_brings_each_of_them_from_their_own_passages(fresh_services: Services,
                                                                                       tmp_path: Path) -> None:
    """"... three risks that will shape the decision:" then three long items, a passage each: the answer names all
    three, by each item's opening sentence, not the first item's sentences alone."""
    filler = ("The officers will report on this to the committee at each of its meetings during the year, with the "
              "figures from the latest quarter, the trend since the start of the programme and the actions taken "
              "since the last report, so that Members can see where the programme stands. ")
    items = [f"{name}: {opening} " + filler * 2 for name, opening in (
        ("Rising energy prices", "The pool's heating costs have doubled since the contract was let."),
        ("Falling attendance", "Swimming lessons sold fewer places in each of the last four terms."),
        ("Ageing plant", "The boilers are past their design life and repairs take weeks."))]
    paper = ("Report to the Leisure Scrutiny Committee\n\n2. Background\n\n2.4 The review has been delayed by the "
             "autumn budget. Officers now agree there are three risks that will shape the decision on the pool:\n\n"
             + "\n\n".join(items) + "\n\n2.5 The committee will receive the full review in June.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper, "What three risks will shape the decision on the pool?")
    assert all(name in result.answer for name in ("Rising energy prices", "Falling attendance", "Ageing plant")), \
        result.answer


def test_a_question_asking_two_things_is_answered_on_both(fresh_services: Services, tmp_path: Path) -> None:
    """"Which inspector examined the plan, and when did the hearings start?": the second part, scored on its own
    words and for a date, brings the hearings' sentence beside the many about the inspector and the plan."""
    paper = ("Report on the Examination of the Waste Local Plan\n\n"
             "1. The Planning Inspector examined the Waste Local Plan on behalf of the Secretary of State. "
             "The Inspector found the Waste Local Plan sound subject to main modifications. "
             "The Planning Inspector examined the evidence base of the Waste Local Plan in full. "
             "The Inspector's report on the Waste Local Plan was received by the council in March. "
             "The Planning Inspector appointed to examine the plan was Ruth Allen.\n\n"
             "2. The hearing sessions started on 10 September 2024 and ran for four days.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper,
                             "Which Planning Inspector examined the Waste Local Plan, and when did the hearings start?")
    assert "10 September 2024" in result.answer, result.answer


def test_a_question_asking_two_things_is_answered_when_different_sentences_answer_each(
        fresh_services: Services, tmp_path: Path) -> None:
    """"How many ..., and when ...?": no sentence gives both a count and a date; one gives the count, another the
    date, so the question is answered from the two, not refused."""
    paper = ("Foster Carer Recruitment Campaign\n\n"
             "1. The foster carer recruitment campaign brought in 45 new foster carers across the county. "
             "Foster carers recruited by the campaign are supported by a dedicated social worker.\n\n"
             "2. The recruitment campaign ended on 31 March 2025, after six months of advertising.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper,
                             "How many foster carers did the recruitment campaign bring in, and when did it end?")
    assert not result.abstained, result.answer
    assert "45 new foster carers" in result.answer and "31 March 2025" in result.answer, result.answer


@pytest.mark.skipif(not KENT_GOVERNANCE.exists(), reason="../shared/external/pdfs not present")
def test_a_sentence_is_judged_with_the_passage_that_names_its_subject(fresh_services: Services) -> None:
    """"At the time of writing, no further legislation has been forthcoming" answers a question about remote and
    hybrid meetings, which its paragraph names and it does not, ahead of sentences elsewhere that repeat the
    question's words ("committees", "form") and say nothing of what changed."""
    fresh_services.pipeline.ingest([KENT_GOVERNANCE], progress=False)
    result = fresh_services.engine.ask("Have the rules on council committees meeting remotely or in hybrid form changed yet?")
    assert "no further legislation has been forthcoming" in result.answer.split("[1]")[0], result.answer


def test_a_follow_up_is_answered_on_its_own_first(fresh_services: Services, tmp_path: Path) -> None:
    """"And how long is the window for legal challenges?" after "What happens once the council adopts the plan?":
    the answer leads with the challenge window, not with what the first question would be answered with."""
    paper = ("Adoption of the Waste Local Plan\n\n"
             "1. Once the County Council adopts the Waste Local Plan it becomes part of the development plan. "
             "The adopted Waste Local Plan will replace the plan adopted in 2016. "
             "The County Council will publish the adopted Waste Local Plan with an adoption statement.\n\n"
             "2. Following adoption there is a six-week period for legal challenges.\n")
    (tmp_path / "paper.txt").write_text(paper, encoding="utf-8")
    assert not fresh_services.pipeline.ingest([tmp_path / "paper.txt"], progress=False).failed
    result = fresh_services.engine.ask("And how long is the window for legal challenges after that?",
                                       ["What happens once the County Council adopts the Waste Local Plan?"])
    assert result.answer.startswith("Following adoption there is a six-week period"), result.answer


def test_a_question_asking_which_things_names_up_to_five(fresh_services: Services, tmp_path: Path) -> None:
    """Five congratulations in five sentences: "Which awards ...?" names five, where a plain question gets three."""
    winners = ["the Libraries team", "the Trading Standards team", "the Highways apprentices", "Ms Okafor",
               "the Youth Service"]
    paper = "Chairman's Announcements\n\n" + " ".join(
        f"The Chairman congratulated {who} on winning the {award} award." for who, award in zip(
            winners, ["Library of the Year", "Enforcement Excellence", "Apprentice Team", "Graduate of the Year",
                      "Youth Work"])) + "\n\nThe meeting then turned to the budget.\n"
    result = ask_about_paper(fresh_services, tmp_path, paper, "Which awards did the Chairman congratulate people on?")
    assert sum(who in result.answer for who in winners) == 5, result.answer


def test_the_same_words_in_two_papers_are_said_once_with_both_references(fresh_services: Services,
                                                                          tmp_path: Path) -> None:
    """An amendment form (a table) and the minutes recording it print the same sentences: the answer says them once,
    citing both papers."""
    words = ("Potholes and poorly maintained roads continue to inconvenience the county's road users. This extra "
             "funding will tackle the ongoing challenges of road maintenance.")
    (tmp_path / "amendment.html").write_text(
        "<html><body><h1>Budget Amendment 4: Highways</h1><table><tr><th>Proposer</th><th>Reason for amendment</th>"
        f"</tr><tr><td>Mr Smith</td><td>{words}</td></tr></table></body></html>", encoding="utf-8")
    (tmp_path / "minutes.txt").write_text(f"Minutes of the County Council\n\n12. Mr Smith moved the amendment.\n\n"
                                          f"\u201c{words}\u201d\n", encoding="utf-8")
    assert not fresh_services.pipeline.ingest([tmp_path / "amendment.html", tmp_path / "minutes.txt"],
                                              progress=False).failed
    result = fresh_services.engine.ask("What did the amendment say about potholes and road users?")
    assert result.answer.count("poorly maintained roads") == 1, result.answer
    assert {Path(c.source).name for c in result.citations} == {"amendment.html", "minutes.txt"}, result.answer


def test_where_and_when_asks_two_questions_and_the_sentence_answering_both_leads(fresh_services: Services,
                                                                                 tmp_path: Path) -> None:
    """"Where and when is the model piloted?" asks "where" and "when": the sentence giving the place and the date
    leads, not the closer worded lead-in whose list of staff would fill the answer."""
    paper = ("Children's Delivery Programme\n\n"
             "1. To implement the new assessment model across the county will require the following additional staff:\n"
             "- 8 Senior Social Work Practitioners\n- 8 Social Workers\n- 8 Assistant Care Managers\n\n"
             "2. The model will be tried first in Worthing in June 2009.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper,
                             "Where and when will the new assessment model be implemented across the county?")
    assert "tried first in Worthing in June 2009." in result.answer.split("[1]")[0], result.answer
