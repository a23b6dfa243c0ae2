"""Document metadata read from the content of the real sample reports and external PDFs, never their names."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from ingest.metadata import DocumentMetadata, extract_metadata, load_authorities

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "samples" / "reports"
PDF_DIR = Path(__file__).resolve().parents[2] / "shared/external/pdfs"


def _sample(prefix: str) -> str:
    (path,) = SAMPLE_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _pdf(name: str) -> str:
    path = PDF_DIR / name
    if not path.is_file():
        pytest.skip(f"external PDF not available: {path}")
    return "\n\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


SAMPLE_EXPECTED = {
    "000": DocumentMetadata(
        title="Progress Report on Action Plan resulting from Best Value Review of Children in Public Care",
        council="East Sussex County Council",
        council_inferred=False,  # "ESCC" appears in the action plan
        committee="Social Services & Health Scrutiny Committee",
        date="2003-09-25",
        author="Directors of Social Services and Education",
    ),
    "001": DocumentMetadata(
        title="Response to Scrutiny inquiry report – external placements",
        council="Leeds City Council",
        council_inferred=True,  # only "Leeds" appears, never the council's name
        committee="Children and Families Scrutiny Board",
        date="2012-04-26",
        author="Director of Children's Services",
    ),
    "002": DocumentMetadata(
        title="Children Looked After Topic Review: Action Plan Update",
        council="Derby City Council",
        council_inferred=True,  # no heading names Derby; the body says "Derby" and "the City Council"
        committee="Children and Young People's Commission",  # "The Commission is asked to note"
        date="2007-11",  # presents the October 2007 position to the Commission's November 2007 meeting
        author=None,
    ),
    "003": DocumentMetadata(
        title="Children's Delivery Programme",
        council="West Sussex County Council",
        council_inferred=False,
        committee="Cabinet Member for Children and Young People's Services",
        date="2009-05",
        author="Director of Operations (Children and Young People)",
    ),
    "004": DocumentMetadata(
        title="Bath and North East Somerset Children's Service Care Matters implementation plan year 3",
        council="Bath and North East Somerset Council",
        council_inferred=False,  # the title names the authority
        committee=None,  # the plan is not addressed to any meeting
        date=None,  # no dated heading; "(Sept 30th 2010)" dates a count of children in care, not the plan
        author=None,
    ),
}

PDF_EXPECTED = {
    "kcc_2024-10-29_corporate-parenting-panel_minutes.pdf": DocumentMetadata(
        title="Minutes of the Corporate Parenting Panel",
        council="Kent County Council",
        council_inferred=False,  # "KCC" in the body
        committee="Corporate Parenting Panel",
        date="2024-10-29",
        author=None,
    ),
    "kcc_2024-12-10_corporate-parenting-panel_minutes.pdf": DocumentMetadata(
        title="Minutes of the Corporate Parenting Panel",
        council="Kent County Council",
        council_inferred=False,
        committee="Corporate Parenting Panel",
        date="2024-12-10",  # the heading's "10th December 2024", not the previous meeting's 29 October
        author=None,
    ),
    "kcc_2025-01-30_cabinet_minutes.pdf": DocumentMetadata(
        title="Minutes of the Cabinet",
        council="Kent County Council",
        council_inferred=False,
        committee="Cabinet",
        date="2025-01-30",  # not the 9 January minutes it approves
        author=None,
    ),
    "kcc_2025-03-04_cabinet_quarterly-performance-report-q3.pdf": DocumentMetadata(
        title="Quarterly Performance Report",
        council="Kent County Council",
        council_inferred=False,
        committee=None,  # the appendix never names the meeting it went to
        date="2024-12",  # end of "Quarter 3 2024/25"
        author="Kent Analytics",
    ),
    "kcc_2025-03-13_council_governance-update-report.pdf": DocumentMetadata(
        title="Governance Update",
        council="Kent County Council",
        council_inferred=False,
        committee="County Council",
        date="2025-03-13",
        author="Roger Gough, Leader of the Council; Dylan Jeffrey, Cabinet Member for Communications and "
        "Democratic Services; Ben Watts – General Counsel",
    ),
    "kcc_2025-03-13_council_jhosc-terms-of-reference-report.pdf": DocumentMetadata(
        # Medway Council is named more often, but the paper is for "the County Council".
        title="Kent and Medway NHS Joint Overview and Scrutiny Committee (JHOSC) Terms of Reference: Update",
        council="Kent County Council",
        council_inferred=False,
        committee="County Council",
        date="2025-03-13",
        author="Dylan Jeffrey – Cabinet Member for Communications and Democratic Services",
    ),
    "kcc_2025-03-13_council_questions-and-answers.pdf": DocumentMetadata(
        title="Questions to the County Council",  # its first question is not its title
        council="Kent County Council",
        council_inferred=False,
        committee="County Council",
        date="2025-03-13",
        author=None,
    ),
    "us-east-palo-alto_2020-01-27_planning-commission_minutes.pdf": DocumentMetadata(
        title="Minutes of the Planning Commission",
        council="City of East Palo Alto",  # not in the UK list: the generic "City of X" pattern
        council_inferred=False,
        committee="Planning Commission",
        date="2020-01-27",
        author=None,
    ),
}


@pytest.mark.parametrize("prefix", sorted(SAMPLE_EXPECTED))
def test_sample_report_metadata(prefix: str) -> None:
    assert extract_metadata(_sample(prefix)) == SAMPLE_EXPECTED[prefix]


@pytest.mark.parametrize("name", sorted(PDF_EXPECTED))
def test_external_pdf_metadata(name: str) -> None:
    assert extract_metadata(_pdf(name)) == PDF_EXPECTED[name]


def test_every_external_pdf_has_an_expectation() -> None:
    if not PDF_DIR.is_dir():
        pytest.skip(f"external PDFs not available: {PDF_DIR}")
    assert {path.name for path in PDF_DIR.glob("*.pdf")} == set(PDF_EXPECTED)


def test_as_metadata_keeps_only_known_values() -> None:
    metadata = SAMPLE_EXPECTED["002"]
    assert metadata.as_metadata() == {
        "title": "Children Looked After Topic Review: Action Plan Update",
        "council": "Derby City Council",
        "council_inferred": True,
        "committee": "Children and Young People's Commission",
        "date": "2007-11",
    }
    assert extract_metadata("Some notes with no heading, council or date.").as_metadata() == {}


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("25 September 2003", "2003-09-25"),
        ("28th of February 2012", "2012-02-28"),
        ("Thursday, 13th March 2025", "2025-03-13"),
        ("January 27, 2020", "2020-01-27"),
        ("10.12.24", "2024-12-10"),
        ("2012-04-26", "2012-04-26"),
        ("May 2009", "2009-05"),
        ("OCTOBER 2007", "2007-10"),
        ("2007", "2007"),
    ],
)
def test_labelled_dates_keep_the_precision_given(written: str, iso: str) -> None:
    assert extract_metadata(f"Report to: Cabinet\nDate: {written}\nSubject: Budget").date == iso


def test_unseen_council_paper_is_read_from_its_own_heading() -> None:
    text = (
        "OXFORDSHIRE COUNTY COUNCIL\n\nCABINET – 21 JANUARY 2014\n\nBUDGET MONITORING\n\n"
        "Report by the Chief Finance Officer\n\nIntroduction\n\n"
        "1. This report sets out the forecast for Oxford City Council services and Oxfordshire as a whole.\n"
    )
    assert extract_metadata(text) == DocumentMetadata(
        title="Budget Monitoring",
        council="Oxfordshire County Council",
        council_inferred=False,
        committee="Cabinet",
        date="2014-01-21",
        author="Chief Finance Officer",
    )


def test_minutes_heading_gives_committee_and_meeting_date_not_earlier_minutes() -> None:
    text = (
        "MINUTES of a meeting of the Children's Scrutiny Committee held at County Hall, Lewes on "
        "Thursday 13 March 2025.\n\nPRESENT: Councillors A and B\n\n"
        "Minutes of the meeting held on 9 January 2025\nRESOLVED that the minutes be signed.\n"
        "East Sussex County Council will respond in April 2025.\n"
    )
    metadata = extract_metadata(text)
    assert (metadata.committee, metadata.date) == ("Children's Scrutiny Committee", "2025-03-13")
    assert metadata.title == "Minutes of the Children's Scrutiny Committee"
    assert (metadata.council, metadata.council_inferred) == ("East Sussex County Council", False)


def test_place_mentions_alone_give_an_inferred_council() -> None:
    text = "Housing Update\n\nThe Panel is asked to note.\n\nHomes in Wigan rose. Wigan's plan is on track.\n"
    metadata = extract_metadata(text)
    assert (metadata.council, metadata.council_inferred) == ("Wigan Council", True)
    assert metadata.title == "Housing Update"


def test_a_single_passing_place_name_or_common_word_is_not_a_council() -> None:
    text = "Annual Report\n\nReading the data, staff visited Leeds once and went down the road.\n"
    assert extract_metadata(text).council is None


def test_the_county_councils_meeting_venue_is_not_its_council() -> None:
    # the wording of a county's agenda: it meets "at County Hall, Maidstone" and names no authority
    text = ("Summons to and Agenda for a Meeting of the County Council\n\nTo: All Members of the County Council\n\n"
            "The meeting will be held in the Council Chamber, Sessions House, County Hall, Maidstone.\n"
            "Parking in Maidstone is limited.\n")
    assert extract_metadata(text).council is None
    # the same place mentions in a paper that does not call itself a county's still give an inferred council
    borough = "Housing Update\n\nHomes in Maidstone rose. Maidstone's plan is on track.\n"
    assert extract_metadata(borough).council == "Maidstone Borough Council"


def test_a_month_or_budget_meeting_of_the_county_council_is_not_a_council() -> None:
    for meeting in ("the March County Council", "the 2025-26 Budget County Council"):
        text = f"Governance Update\n\nThe Committee will report to {meeting} on the changes.\n"
        assert extract_metadata(text).council is None, meeting
    # those words still open the names of committees
    text = ("Savings Update\n\nThe proposals were considered by the Budget Scrutiny Committee in March. "
            "The Committee is asked to note the report.\n")
    assert extract_metadata(text).committee == "Budget Scrutiny Committee"


def test_authority_list_covers_the_uk_with_the_aliases_papers_use() -> None:
    authorities = {authority.name: authority for authority in load_authorities()}
    assert len(authorities) == len(load_authorities()), "duplicate council names"
    assert len(authorities) > 400
    assert {"England", "Wales", "Scotland", "Northern Ireland"} == {a.nation for a in authorities.values()}
    assert {"B&NES", "BANES"} <= set(authorities["Bath and North East Somerset Council"].aliases)
    assert "WSCC" in authorities["West Sussex County Council"].aliases
    assert "KCC" in authorities["Kent County Council"].aliases
    assert "ESCC" in authorities["East Sussex County Council"].aliases
    for name, short in [("Derby City Council", "Derby"), ("Leeds City Council", "Leeds"), ("Medway Council", "Medway"),
                        ("Glasgow City Council", "Glasgow"), ("Cardiff Council", "Cardiff"),
                        ("Belfast City Council", "Belfast"), ("London Borough of Camden", "Camden")]:
        assert authorities[name].short_name == short


def test_a_label_on_its_own_line_takes_its_value_across_blank_lines() -> None:
    text = ("From: \n \nDeputy Leader and Cabinet Member for Finance \n \nTo: \n \nCounty Council – 13 March 2025 \n \n"
            "Subject: \n \nTreasury Management Mid-Year Update 2024-25 \n \nSummary: This report provides an overview.\n")
    metadata = extract_metadata(text)
    assert metadata.title == "Treasury Management Mid-Year Update 2024-25"
    assert metadata.author == "Deputy Leader and Cabinet Member for Finance"


def test_an_address_a_cut_short_question_and_a_row_of_figures_are_not_titles() -> None:
    letter = "To: Leaders of all two-tier councils and \nneighbouring unitary authorities\n\nDear Leaders\n\nThe paper sets out how.\n"
    assert extract_metadata(letter).title is None
    form = "Has there been a\n\nprevious assessment made?\n\nYes, in 2023 and again in the spring, as the board asked.\n"
    assert extract_metadata(form).title is None
    register = "Appendix I: Budget Risks Register 2025-26\nTOTAL £m 334.7 290.0\n\nDirectorate\tRisk Title\n"
    assert extract_metadata(register).title == "Appendix I: Budget Risks Register 2025-26"


def test_a_heading_set_directly_above_its_text_is_the_title() -> None:
    policy = ("Appendix G\nReserves Policy\n1. Background and Context\n1.1 Section 25 of the Local Government Act 2003 "
              "requires the Chief Financial Officer to report in July 2014.\n")
    assert extract_metadata(policy).title == "Reserves Policy"
    context = ("Appendix K\nEconomic & Fiscal Context\nIntroduction\nThe national fiscal and economic context is an "
               "important consideration\nfor the Council in setting its budget.\n")
    assert extract_metadata(context).title == "Economic & Fiscal Context"
    wrapped = "Draft Revenue Budget 2025-26,\nand Draft Capital Programme 2025-35\n\nSection\nExecutive Summary 1\n"
    assert extract_metadata(wrapped).title == "Draft Revenue Budget 2025-26, and Draft Capital Programme 2025-35"


def test_a_sentence_wrapped_across_lines_is_not_a_title() -> None:
    letter = ("OFFICIAL\nOFFICIAL\n\nThis Government has been clear on our vision for simpler, more sustainable, "
              "local\ngovernment structures, alongside a transfer of power.\n")
    assert extract_metadata(letter).title is None


def test_protective_markings_and_table_rows_are_not_titles() -> None:
    capital = ("APPENDIX C - POTENTIAL CAPITAL PROJECTS 2025-26 TO 2034-35 BY YEAR\t\t\t\n"
               "These projects are very high level and subject to business case approval.\n\n"
               "Directorate\tProject\tTotal Cost\t2025-26\n\t\t£000s\t£000s\n"
               "Shortfall on Office and Highways Network\t\t\t\nDCED\tModernisation of Assets\t101,790\t5,337\n")
    assert extract_metadata(capital).title == "Appendix C - Potential Capital Projects 2025-26 to 2034-35 by Year"
    assert extract_metadata("APPENDIX A - CAPITAL SUMMARY\n\nText.\n").title == "Appendix A - Capital Summary"
    table_only = "2025-26 APPENDIX E\n\nCategory\tCore £000s\tTotal £000s\nSPENDING\t\t\t\nBase changes\t10.3\t9.5\n"
    assert extract_metadata(table_only).title is None
    marked = "OFFICIAL-SENSITIVE\n\nBriefing on Home to School Transport\n\nThe briefing sets out the options.\n"
    assert extract_metadata(marked).title == "Briefing on Home to School Transport"


def test_forms_name_their_subject_in_a_field_of_their_own() -> None:
    record = ("PROPOSED RECORD OF DECISION\n\nDECISION NO:\n24/00001\n\nSubject Matter / Title of Decision\n"
              "Adoption of the Library Strategy 2025-30\n\nDecision:\nCabinet agree to adopt the strategy.\n")
    assert extract_metadata(record).title == "Adoption of the Library Strategy 2025-30"
    assessment = ("EQIA Submission Form\nEQIA Title\tCommunity Wardens Review\t\t\n"
                  "Responsible Officer\t\tA. Officer\t\n")
    assert extract_metadata(assessment).title == "Community Wardens Review"
    stacked = "EQIA Title\nCommunity Wardens Review\nResponsible Officer\nA. Officer\n"
    assert extract_metadata(stacked).title == "Community Wardens Review"
    amendment = ("Budget Amendment Form\t\t\t\nAmendment Name:\tHighway Asset Maintenance\tAmendment Number:\t\t4\n"
                 "Directorate:\tGrowth, Environment and Transport\t\t\n")
    assert extract_metadata(amendment).title == "Highway Asset Maintenance"


def test_two_labels_on_one_line_each_keep_their_own_value() -> None:
    text = ("By: Deputy Leader and Cabinet Member for Finance\n\nTo: County Council Date: 13 March 2025\n\n"
            "Subject: Pay Policy Statement 2025/26\n\nTerms of Reference: Update\n")
    metadata = extract_metadata(text)
    assert (metadata.committee, metadata.date) == ("County Council", "2025-03-13")
    titled = extract_metadata("Subject: Audit Committee Terms of Reference: Update\n\nThe report sets out changes.\n")
    assert titled.title == "Audit Committee Terms of Reference: Update"


def test_dates_in_prose_are_of_what_the_paper_speaks_about_not_its_own() -> None:
    appendix = ("Appendix H\n\nAssessment of Financial Resilience\n\nThe council maintained a stable level of usable\n"
                "reserves between April 2016 to March 2018 with small net movements between years. Over the\n"
                "period April 2018 to March 2020 reserves fell. The current government directive allowing the\n"
                "flexible use of capital receipts ends on 31 March 2030.\n")
    assert extract_metadata(appendix).date is None
    letter_page = ("Minister of State\n" + "".join(f"Address line {n}\n" for n in range(1, 25))
                   + "5 February 2025\nDear Leaders\nThe White Paper of December 2024 set out our plans.\n")
    assert extract_metadata(letter_page).date == "2025-02-05"  # a line that is only a date, below a long address


def test_an_agenda_is_dated_by_its_meeting_not_the_minutes_it_lists() -> None:
    agenda = ("Summons to and\nAgenda for the Budget\nCounty Council\nMeeting on\n Thursday, 13th\nFebruary, 2025\n"
              "at 9.30 am\nA G E N D A\n1. Apologies for Absence\n"
              "3. Minutes of the meetings held on 19 December 2024 and 9 January 2025\n\n")
    metadata = extract_metadata(agenda + "To: All Members of the County Council\n")
    assert metadata.date == "2025-02-13"  # the day above the month, not the minutes' meeting
    assert (metadata.committee, metadata.title) == ("County Council", "County Council agenda")


def test_a_letter_is_dated_by_its_date_line_and_titled_by_its_subject_line() -> None:
    letter = ("A. Leader\nLeader of the Council\nCounty Hall\n10 January 2025\nDear Minister,\n"
              "Re: Request to join the Devolution Priority Programme\n"
              "Further to the White Paper we write to ask that the county and its neighbour be included in the\n"
              "programme, with elections in May 2026 as planned.\n")
    metadata = extract_metadata(letter)
    assert metadata.date == "2025-01-10"
    assert metadata.title == "Request to join the Devolution Priority Programme"


def test_the_metadata_gold_names_papers_that_exist_with_well_formed_values() -> None:
    from evals.metadata_eval import judge_date, judge_title, load_gold
    from evals.tracker_eval import DOCUMENT_DIRS, document_path

    if not any(folder.is_dir() for folder in DOCUMENT_DIRS):
        pytest.skip("shared papers not available")
    records = load_gold()
    assert len({r["source"] for r in records}) == len(records) > 100
    for record in records:
        assert document_path(record["source"]).is_file()
        assert record["date"] is None or re.fullmatch(r"\d{4}(?:-\d\d){0,2}", record["date"]), record
        assert all(isinstance(title, str) and title.strip() for title in record["titles"]), record
    assert judge_date("2025-01-30", "2025-01") == "right" and judge_date("2025-01", "2025-01-30") == "wrong"
    assert judge_title("Reserves Policy 2025-26", ["Reserves Policy 2025/26"]) == "right"
    assert judge_title("Appendix G", ["Reserves Policy"]) == "wrong" and judge_title(None, []) == "right"


def test_the_metadata_scorer_names_a_missing_gold_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evals import metadata_eval

    missing = tmp_path / "nope.jsonl"
    monkeypatch.setattr("sys.argv", ["metadata_eval", "--gold", str(missing)])
    with pytest.raises(SystemExit) as stopped:
        metadata_eval.main()
    assert str(missing) in str(stopped.value.code)


def test_a_covers_from_line_names_every_person_with_their_whole_post() -> None:
    cover = ("From:  Ann Price, Cabinet Member for Integrated\n"
             "Children's Services\n \n"
             "   Tom Reyes, Corporate Director of Children, Young People \nand Education \n \n"
             "To:   Cabinet – 30 January 2025 \n \nSubject:  School Places Plan 2025-29 \n \n"
             "Summary: This report, which the committee asked for, sets out the plan.\n")
    assert extract_metadata(cover).author == ("Ann Price, Cabinet Member for Integrated Children's Services; "
                                              "Tom Reyes, Corporate Director of Children, Young People and Education")


def test_a_covers_from_line_stops_before_the_text_after_it() -> None:
    cover = "From: Director of Finance\n\nThe Council, having considered the report, agreed the budget.\n"
    assert extract_metadata(cover).author == "Director of Finance"


def test_a_real_reports_cover_names_its_cabinet_member_and_director() -> None:
    from conftest import KCC_LIBRARY
    from ingest.readers import reader_for

    path = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00096-commissioning-plan-for-education-provision-in-kent-2025-29-re.pdf"
    if not path.is_file():
        pytest.skip(f"KCC library paper not available: {path}")
    author = extract_metadata(reader_for(path).read(path).text).author
    assert author == ("Rory Love, Cabinet Member for Education and Skills; "
                      "Sarah Hammond, Corporate Director of Children, Young People and Education")
