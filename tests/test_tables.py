"""Table rows keep their column headers: on the sample reports, on real council PDFs and when a row is too long."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXTERNAL_PDFS, KCC_LIBRARY, KENT_EQIA, SAMPLE_DIR
from ingest.chunker import Chunk, Chunker
from ingest.document import LoadedDocument
from ingest.readers import reader_for
from ingest.readers.forms import form_fields
from ingest.readers.tables import TableText, carry_names, frames_figures, stacks_rows, table_text
from ingest.structure import StructureParser
from ingest.vocabulary import spelled_month_years

KENT_Q3 = EXTERNAL_PDFS / "kcc_2025-03-04_cabinet_quarterly-performance-report-q3.pdf"
needs_kent = pytest.mark.skipif(not KENT_Q3.exists(), reason="external PDFs not present")


def _chunks(path: Path) -> tuple[LoadedDocument, list[Chunk]]:
    document = reader_for(path).read(path)
    return document, Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))


@pytest.fixture(scope="module")
def kent() -> tuple[LoadedDocument, list[Chunk]]:
    return _chunks(KENT_Q3)


def test_merged_headers_wrapped_cells_and_chart_frames() -> None:
    rows = [["Customer Services KPIs", "RAG rating", None, "DoT"], [None, "Latest", "Previous", None],
            ["% of phone calls to Contact Point\nwhich were answered", "GREEN", "AMBER", ""]]
    table = table_text(rows)
    assert table is not None
    assert table.text.splitlines()[2] == "% of phone calls to Contact Point which were answered\tGREEN\tAMBER\t"
    assert table.lines[0] == ("Customer Services KPIs", "RAG rating Latest", "RAG rating Previous", "DoT")
    assert list(table.lines.values())[2] is None
    assert table_text([["Chart title"], [""]]) is None  # a chart frame
    assert table_text([["", None], [None, ""]]) is None


@needs_kent
def test_kent_performance_table_rows_keep_their_headers_and_page(kent: tuple[LoadedDocument, list[Chunk]]) -> None:
    document, chunks = kent
    row = next(c for c in chunks if c.text.startswith("% of phone calls to Contact Point which were answered"))
    assert row.kind == "table_row" and row.page == 4
    assert "RAG rating Latest: GREEN" in row.search_text and "RAG rating Previous: AMBER" in row.search_text
    assert "Customer Services KPIs" in row.search_text or row.heading
    assert row.text == document.text[row.start:row.end]
    assert document.page_at(row.start) == 4


@needs_kent
def test_every_kent_table_row_has_a_header(kent: tuple[LoadedDocument, list[Chunk]]) -> None:
    document, chunks = kent
    rows = [c for c in chunks if c.kind == "table_row"]
    assert len(rows) > 100
    blocks = [b for b in StructureParser().parse(document.text, document.table_lines) if b.kind == "table_row"]
    data_lines = [b for b in blocks if b.start in document.table_lines and document.table_lines[b.start] is None]
    assert data_lines and all(b.table_header for b in data_lines)  # a header line read as a row too has none
    data_rows = [c for c in rows if document.table_lines.get(c.start, ()) is None]
    assert sum(1 for c in data_rows if any(s.column for s in c.sentences)) / len(data_rows) > 0.9


def test_derby_sample_row_keeps_its_header() -> None:
    _, chunks = _chunks(SAMPLE_DIR / "002_9657fb6dd67a30bc.txt")
    rows = [c for c in chunks if c.kind == "table_row"]
    assert len(rows) >= 30
    row = next(c for c in rows if c.section == "row 15")
    assert "Current Position:" in row.search_text


def test_an_over_long_row_is_split_on_sentences_with_header_and_number_repeated(tmp_path: Path) -> None:
    progress = " ".join(f"Milestone {n} of the recruitment plan was completed on time." for n in range(40))
    path = tmp_path / "tracker.txt"
    path.write_text(f"No\tRecommendation\tProgress\n7\tRecruit more foster carers.\t{progress}\n", encoding="utf-8")
    document, chunks = _chunks(path)
    parts = [c for c in chunks if c.kind == "table_row"]
    assert len(parts) >= 2
    for part in parts:
        assert part.section == "row 7"
        assert "No 7" in part.search_text and "Progress: Milestone" in part.search_text
        assert document.text[part.end - 1] == "."  # every part ends on a sentence boundary


KENT_BUDGET = KCC_LIBRARY / "kcc_2025-03-04_cabinet_appendix-1-cabinet-budget-update.pdf"


def test_a_row_stacking_figures_beside_their_labels_is_recognised_and_wrapped_text_is_not() -> None:
    assert stacks_rows(["11,806.0\n117,046.1\n-\n11,686.6", "Revenue Support Grant\nSocial Care Grant\nServices Grant\n"
                        "Discharge Fund", "15,680.3\n137,143.6\n(0.4)\n0.0"])
    assert not stacks_rows(["Recruit more foster carers\nthrough a joint campaign\nwith neighbouring councils",
                            "The campaign ran in 2024\nand recruited 40 carers\nagainst a target of 50", "Green"])
    assert not stacks_rows(["Total", "1,234.5", "6.7%"])


@pytest.mark.skipif(not KENT_BUDGET.exists(), reason="the KCC library is not present")
def test_a_table_drawn_without_row_rules_keeps_each_label_with_its_figures() -> None:
    """pdfplumber returns this budget table as two rows whose cells hold a whole column each; each line is a row."""
    lines = reader_for(KENT_BUDGET).read(KENT_BUDGET).text.splitlines()
    assert "135,347.0\tCouncil Tax Adult Social Care Levy\t155,881.6" in lines
    assert "117,046.1\tSocial Care Grant\t137,143.6" in lines


def test_a_paragraph_spanning_a_form_table_is_content_and_a_short_one_line_cell_labels_the_rows_below(
        tmp_path: Path) -> None:
    purpose = ("This budget acknowledges a significant imbalance between spending and funding in adult social care. "
               "Directorate spending in 2025-26 is planned to increase by £80.3m (13.7%).")
    path = tmp_path / "form.txt"
    path.write_text(f"Proposer:\tMr A Member\tSeconder:\tMs B Member\nProposed purpose:\t\t\t\n{purpose}\t\t\t\n"
                    "Children's services\t\t\t\nHome to school transport\t£250k\t\t\n", encoding="utf-8")
    _, chunks = _chunks(path)
    rows = [c for c in chunks if c.kind == "table_row"]
    assert any("£80.3m (13.7%)" in c.text for c in rows)
    transport = next(c for c in rows if "Home to school transport" in c.text)
    assert "Children's services" in transport.search_text  # a short one-cell line still names the rows below it


def test_a_forms_label_cells_name_the_cells_after_them_and_its_rows_are_one_record(tmp_path: Path) -> None:
    path = tmp_path / "form.txt"
    path.write_text("Amendment Form\t\t\t\nAmendment Name:\tSchool Streets\tAmendment Number:\t4\n"
                    "Proposer:\tMr A Member\tSeconder:\tMs B Member\nYear\tCost\t\t\n2025-26\t£2.1m\t\t\n",
                    encoding="utf-8")
    _, chunks = _chunks(path)
    form = next(c for c in chunks if "Ms B Member" in c.text)
    assert "School Streets" in form.text  # the amendment's name travels with its proposer and seconder
    named = {s.embed_text for s in form.sentences}
    assert {"Proposer: Mr A Member", "Seconder: Ms B Member", "Amendment Name: School Streets"} <= named
    assert not any(text.endswith("Seconder:") for text in named)  # a label is not a sentence of its own
    assert not any("£2.1m" in c.text for c in chunks if c is form)  # rows of figures are not the form's


KENT_AMENDMENT = KCC_LIBRARY / (
    "kcc_2025-02-13_full_council_7-amendment-liberal-democrats-adult-social-care-base-budget.pdf")


@pytest.mark.skipif(not KENT_AMENDMENT.exists(), reason="the KCC library is not present")
def test_a_budget_amendment_forms_purpose_is_read_as_content() -> None:
    _, chunks = _chunks(KENT_AMENDMENT)
    assert any("planned to increase by £80.3m (13.7%)" in c.text for c in chunks)


def test_a_table_going_on_from_the_page_before_has_no_header_row_of_its_own() -> None:
    rows = [["FTSE", "Financial Times stock exchange - a series of indices on the London Stock Exchange"],
            ["PWLB", "Public Works Loan Board - a statutory body that lends money to local authorities"]]
    continued = table_text(rows, continued_width=2)
    assert continued is not None and set(continued.lines.values()) == {None}  # both are rows
    assert table_text(rows).lines[0] is not None  # on its own, a table's first row is its header
    titled = [["Term", "Meaning"], ["PWLB", "Public Works Loan Board"]]
    assert table_text(titled, continued_width=2).lines[0] == ("Term", "Meaning")  # a header repeated on the new page


def test_the_end_of_a_row_broken_over_a_page_is_not_the_next_pages_header() -> None:
    """A modification's text running onto the next page leaves its first cells empty there: that row finishes the
    row before, and the rows below keep no column titles rather than its text as their titles."""
    rows = [["", "", "develop the economy to be more productive, sustainable and inclusive.'"],
            ["MM7", "23", "Amend Figure 3 to remove reference to SELEP and replace with KMEP."]]
    continued = table_text(rows, continued_width=3)
    assert continued is not None and set(continued.lines.values()) == {None}
    assert table_text([["Ref", "Page", "Change"], *rows[1:]], continued_width=3).lines[0] == ("Ref", "Page", "Change")
    page_long_row = [["MM6", "21", "Amend paragraph 2.1.4 as follows: 'Kent is a member of the partnership.'"]]
    assert table_text(page_long_row) is None  # alone, one row in a box is a frame around text
    assert list(table_text(page_long_row, continued_width=3).lines.values()) == [None]  # in a table, it is a row


@needs_kent
def test_boxes_drawn_behind_the_words_of_a_cell_are_not_a_table_of_their_own(
        kent: tuple[LoadedDocument, list[Chunk]]) -> None:
    """The risk register's actions sit in cells with a box behind each run of words: the cell reads them whole, and
    the boxes are not read again as a table of word fragments ("Following co | mpletion | of | the")."""
    _, chunks = kent
    assert any("Following completion of the Phase 1 implementation plan" in " ".join(c.text.split()) for c in chunks)
    assert not any("\tmpletion" in c.text or "Following co\t" in c.text for c in chunks)


def test_a_first_row_of_long_text_heads_its_table_and_is_a_row_too() -> None:
    """A KPI's title and rating head the figures below it, and answer "which indicators are red?" themselves."""
    _, chunks = _chunks(KENT_Q3) if KENT_Q3.exists() else pytest.skip("external PDFs not present")
    title = "Percentage of complaints responded to within timescale"
    assert any(c.kind == "table_row" and title in c.text and "RED" in c.text for c in chunks)
    assert any(title in c.search_text and "Latest: 71%" in c.text for c in chunks)


KENT_INSPECTOR = KCC_LIBRARY / (
    "kcc_2025-03-04_cabinet_appendix-a-planning-inspectors-report-on-the-examination-of-the-kmwlp-.pdf")


@pytest.mark.skipif(not KENT_INSPECTOR.exists(), reason="../shared/external/kcc-library not present")
def test_a_row_filling_a_page_carries_its_table_on_to_the_next_page() -> None:
    """A schedule of modifications: one row's long text fills a page by itself, its first cells empty. The next
    page's table goes on from it, so its first row (MM53) is a row, not the column titles of the rows below it."""
    _, chunks = _chunks(KENT_INSPECTOR)
    mm54 = next(c for c in chunks if c.kind == "table_row" and c.text.startswith("MM54"))
    assert "Amend Policy DM 4 as follows" in mm54.text
    assert not any(s.column and s.column.startswith("MM53") for s in mm54.sentences)


KENT_RISK_REGISTER = KCC_LIBRARY / "kcc_2025-02-13_full_council_appendix-j-budget-risk-register.pdf"


@pytest.mark.skipif(not KENT_RISK_REGISTER.exists(), reason="../shared/external/kcc-library not present")
def test_a_label_hidden_behind_a_tables_first_row_does_not_garble_it() -> None:
    """"Significant Risks (over £10m)", in larger letters hidden behind each page's first row of the register, was
    read letter by letter into that row's cells ("ASLiLgnifican"): the row reads as it is shown."""
    document, chunks = _chunks(KENT_RISK_REGISTER)
    assert "ASLiLgnifican" not in document.text and "tM Rariksekt" not in document.text
    insecure = next(c for c in chunks if c.kind == "table_row" and "insecure funding (company dividends" in c.text)
    assert insecure.text.startswith("Non Attributable Costs\tInsecure funding\tThe 2025-26 core budget includes £14.2m")


KENT_TREASURY = KCC_LIBRARY / "kcc_2025-01-30_cabinet_appendix-l-treasury-management-strategy-2025-26.pdf"


@pytest.mark.skipif(not KENT_TREASURY.exists(), reason="the KCC library is not present")
def test_a_glossary_table_running_over_pages_keeps_every_term() -> None:
    _, chunks = _chunks(KENT_TREASURY)
    for definition in ("A certificate of long-term debt", "Financial Times stock exchange", "a statutory body operating"):
        assert any(definition in c.text for c in chunks), definition


def test_rows_of_short_titles_above_the_first_figures_head_the_table_but_a_group_label_does_not() -> None:
    rows = [["", "31-Mar-24", "30-Sep-24", None],
            ["Investment Fund", "Market Value", "6 months return", None],
            ["", "", "Income", "Total"],
            ["", "£m", "%", "%"],
            ["Equity Fund", "15.1", "3.12", "12.55"]]
    text = table_text(rows)
    assert text is not None and text.lines[0] == ("Investment Fund", "31-Mar-24 Market Value £m",
                                                  "30-Sep-24 6 months return Income %", "30-Sep-24 Total %")
    assert list(text.lines.values()).count(None) == 1  # only the figures are a row
    grouped = table_text([["Service", "2024-25", "2025-26"], ["Highways & Transportation", "", ""],
                          ["Concessionary travel", "12,973.5", "16,628.5"]])
    assert grouped is not None and list(grouped.lines.values())[1:] == [None, None]  # the group label is a row


def test_a_key_of_words_and_signs_is_headed_by_its_first_row_alone() -> None:
    """An appraisal's key ("Significant positive effect | ++" ... "No effect | 0") is no table of figures: the rows
    above its one "0" are entries, not column titles."""
    rows = [["Nature of effect", "Symbol"], ["Significant positive effect", "++"], ["Some positive effect", "+"],
            ["No effect", "0"], ["Some negative effect", "-"], ["Significant negative effect", "--"],
            ["Uncertain effect", "?"]]
    text = table_text(rows)
    assert text is not None and text.lines[0] == ("Nature of effect", "Symbol")
    assert list(text.lines.values()).count(None) == 6


def test_a_heading_and_its_figures_drawn_in_neighbouring_columns_are_one_column() -> None:
    rows = [["", "2024-25 forecast", "", "2025-26"], ["", "", "", "budget"],
            ["Proportion of net revenue stream", "7.41", "6.78", ""]]
    text = table_text(rows)
    assert text is not None and text.lines[0] == ("", "2024-25 forecast", "2025-26 budget")
    assert text.text.splitlines()[-1] == "Proportion of net revenue stream\t7.41\t6.78"
    kpi = table_text([["Number of foster households in the county", "", "RED"],
                      ["Latest: 613", "Target: 700", ""]])
    assert kpi is not None and kpi.text.splitlines()[-1] == "Latest: 613\tTarget: 700\t"  # a long title: no columns joined


KENT_PLACES = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00096-prod.pdf"
needs_kent_places = pytest.mark.skipif(not KENT_PLACES.exists(), reason="../shared/external/kcc-library not present")


@needs_kent_places
def test_a_caption_under_a_paragraph_names_the_figures_of_the_table_below_it() -> None:
    """"440 places" under "By 2026-27" is embedded with the caption over its table ("SEND Commissioning Intentions:",
    the last line of a paragraph), not the paragraph's other sentences."""
    _, chunks = _chunks(KENT_PLACES)
    cell = next(s for chunk in chunks for s in chunk.sentences if s.column == "By 2026-27" and "440" in s.embed_text)
    assert cell.embed_text.startswith("SEND Commissioning Intentions:"), cell.embed_text
    assert "810 temporary" not in cell.embed_text


@needs_kent_places
def test_a_row_cited_under_its_caption_answers_a_question_naming_the_caption(fresh_services) -> None:
    """The row's cells do not say "SEND"; the caption over its table does, so the answer is not withheld."""
    assert not fresh_services.pipeline.ingest([KENT_PLACES], progress=False).failed
    result = fresh_services.engine.ask("How many new SEND places are planned by 2026-27?")
    assert not result.abstained, result.answer
    assert "440 places" in result.answer


KENT_REVENUE_PLAN = KCC_LIBRARY / "kcc_2025-02-13_full_council_appendix-d-3-year-revenue-plan.pdf"


def test_boxes_round_columns_of_figures_are_no_table_but_a_contents_list_and_a_ruled_table_are() -> None:
    """Rules round each year's columns ("Core External Total" boxed together) leave lines of several figures in one
    cell: those rules frame groups, not cells. A contents list's page ranges ("7 – 13") are one figure each."""
    boxed = [[None, "INDICATIVE FOR PLANNING PURPOSES", None],
             ["2025-26\nCore External Total\n£000s £000s £000s\n1,429,506.8 0.0 1,429,506.8\n-836.6 836.6 0.0\n"
              "41,407.1 1,944.4 43,351.5", "2026-27\nCore External Total\n£000s £000s £000s\n1,530,923.8 0.0 1,530,923.8\n"
              "0.0 0.0 0.0\n31,361.3 0.0 31,361.3"]]
    contents = [["Contents", "Pages"], ["Overview", "3"], ["Public Health", "7 – 13"], ["Communities", "14 – 15"],
                ["Adult Social Care", "21 – 26"]]
    ruled = [["Directorate", "Capital Budget", "Variance"], ["Adults", "1.305", "-0.193"],
             ["Children", "138.234", "-53.724"], ["Growth", "232.481", "-48.270"]]
    assert frames_figures(boxed)
    assert not frames_figures(contents) and not frames_figures(ruled)


def test_bands_behind_columns_of_figures_with_their_labels_outside_are_no_table() -> None:
    """Coloured bands behind each directorate's columns come back as cells stacking a column of figures each, with
    no column of labels beside them (the labels stand left of the bands): the bands frame columns, not cells. A
    ruled table drawn without rules between its rows stacks its labels beside its figures, and is a table."""
    banded = [["ASCH", "Public\nHealth", "CED"],
              ["Core\n£000s\n585,946.2\n275.4\n26,300.0", "External\n£000s\n0.0\n436.6\n1,944.4",
               "Core\n£000s\n29,540.9\n-661.3\n6.7"]]
    labelled = [["Grant", "2024-25"], ["Revenue Support Grant\nSocial Care Grant\nServices Grant",
                                       "11,806.0\n117,046.1\n-"]]
    assert frames_figures(banded)
    assert not frames_figures(labelled)


KENT_DIRECTORATE_BUDGET = KCC_LIBRARY / (
    "kcc_2025-02-13_full_council_appendix-e-2025-26-budget-by-directorate.pdf")


@pytest.mark.skipif(not KENT_DIRECTORATE_BUDGET.exists(), reason="../shared/external/kcc-library not present")
def test_a_budget_banded_by_directorate_keeps_every_directorate_figure_beside_its_row_label() -> None:
    """Each directorate's columns sit on a coloured band, its name over the band, the row labels and the council's
    totals left of the bands: every figure is read in its row, under its directorate (the band's name, for each of
    the band's columns) and column."""
    _, chunks = _chunks(KENT_DIRECTORATE_BUDGET)
    prices = next(c for c in chunks if c.kind == "table_row" and c.text.startswith("Prices"))
    cells = [(s.column, " ".join(prices.text[s.start - prices.start:s.end - prices.start].split())) for s in prices.sentences]
    columns = dict(cells)
    assert len(columns) == len(cells) == 18  # the label and 17 figures, no two under one name
    assert columns["ASCH Core £000s"] == "26,300.0" and columns["TOTAL External £000s"] == "1,944.4"
    assert columns["CYPE Core £000s"] == "9,148.5" and columns["GET Total £000s"] == "5,413.5"


@pytest.mark.skipif(not KENT_REVENUE_PLAN.exists(), reason="../shared/external/kcc-library not present")
def test_a_revenue_plan_boxed_by_year_is_read_as_rows_under_year_and_column_names() -> None:
    """Each year's three columns are boxed, the labels between the first year and the rest: every figure is read
    under its year and column, beside its row's label."""
    _, chunks = _chunks(KENT_REVENUE_PLAN)
    prices = next(c for c in chunks if c.kind == "table_row" and c.text.startswith("Prices"))
    cells = {s.column: " ".join(prices.text[s.start - prices.start:s.end - prices.start].split()) for s in prices.sentences}
    assert cells["2025-26 Total £000s"] == "43,351.5" and cells["2024-25 Core £000s"] == "49,568.4"


def test_a_table_going_on_over_a_page_under_a_stray_line_keeps_the_columns_of_the_page_before() -> None:
    """The next page's part of a table, headed by a stray line naming one of its columns (a footnote's last words
    beside a group's label) or by no line at all, is read under the column names of the page before; a table with
    column titles of its own keeps them, and a table of another width is another table."""
    names = ("", "2025-26 Core", "2025-26 Total")
    text = "\t\tsavings monitoring process RESERVES\nNET BUDGET\t1.0\t2.0"
    stray = TableText(text, {0: ("", "", "savings monitoring process RESERVES"), text.index("NET"): None})
    assert carry_names(stray, names).lines == {0: None, text.index("NET"): names}  # the stray line heads nothing
    data_first = TableText("NET BUDGET\t1.0\t2.0", {0: None})
    assert carry_names(data_first, names).lines == {0: names}
    own = TableText("Line\tCore\tTotal\nNET BUDGET\t1.0\t2.0", {0: ("Line", "Core", "Total"), 18: None})
    assert carry_names(own, names).lines[0] == ("Line", "Core", "Total")
    assert carry_names(TableText("a\tb", {0: None}), names).lines == {0: None}
    first_row = ("MM3", "15", "Create a new paragraph 1.3.10 as follows: 'The policy of the Secretary of State ...'")
    assert carry_names(data_first, first_row).lines == {0: None}  # a modification taken for a header is no title
    blocks = StructureParser().parse(data_first.text, carry_names(data_first, names).lines)
    assert [b.table_header for b in blocks if b.kind == "table_row"] == [list(names)]  # its first row is a row
    text = "Operations Directors: A Person\t\t\nNET BUDGET\t1.0\t2.0"
    grouped = TableText(text, {0: None, text.index("NET"): None})
    blocks = StructureParser().parse(grouped.text, carry_names(grouped, names).lines)
    rows = [b for b in blocks if b.kind == "table_row"]  # a group's title over the first row still names it
    assert [(b.table_header, b.table_context) for b in rows] == [(list(names), "Operations Directors: A Person")]


def test_a_label_wrapped_onto_a_second_line_of_a_table_is_one_label_in_its_row() -> None:
    """A table drawn without rules between its rows gives each line of a long label as a row of its own: the line
    that finishes an unfinished label, or glosses it in brackets, joins its row; a row of its own does not."""
    rows = [["2024-25", "Funding", "2025-26"],
            ["800,320.3", "Council Tax Income (including increase up to", "838,406.1"],
            ["", "referendum limit but excluding social care levy)", ""],
            ["3,544.6", "Other Un-ringfenced grants", "0.0"],
            ["", "(Extended Rights to Free Travel Grant merged into", ""],
            ["", "Revenue Support Grant from 2025-26)", ""],
            ["", "Business Rates", ""]]
    table = table_text(rows)
    assert table is not None
    assert table.text.splitlines()[1:] == [
        "800,320.3\tCouncil Tax Income (including increase up to referendum limit but excluding social care levy)\t838,406.1",
        "3,544.6\tOther Un-ringfenced grants (Extended Rights to Free Travel Grant merged into Revenue Support Grant "
        "from 2025-26)\t0.0",
        "\tBusiness Rates\t"]


@pytest.mark.skipif(not KENT_REVENUE_PLAN.exists(), reason="../shared/external/kcc-library not present")
def test_the_rows_of_a_revenue_plan_on_its_second_page_are_read_under_its_years() -> None:
    """The plan's second page repeats its header as loose text, a footnote's end beside the first row: the net
    budget and the unresolved balance there are read under the first page's years and columns."""
    _, chunks = _chunks(KENT_REVENUE_PLAN)

    def cells(opening: str) -> dict[str | None, str]:
        row = next(c for c in chunks if c.kind == "table_row" and c.text.startswith(opening))
        return {s.column: " ".join(row.text[s.start - row.start:s.end - row.start].split()) for s in row.sentences}

    assert cells("NET BUDGET")["2025-26 Total £000s"] == "1,530,923.8"
    assert any(column.endswith("2026-27 Total £000s") and value == "-2,596.4"
               for column, value in cells("UNRESOLVED BALANCE").items() if column)


def test_month_years_headed_short_are_searched_spelled_out() -> None:
    """"Mar- 26" over a forecast is what "March 2026" asks for; a month written whole with its year is left alone,
    and a word that only starts like a month is none."""
    assert spelled_month_years("Mar- 26") == "March 2026"
    assert spelled_month_years("31-Mar-24 Market Value £m") == "March 2024"
    assert spelled_month_years("Sept 2025 | Dec -24") == "September 2025, December 2024"
    assert spelled_month_years("March 2026") == spelled_month_years("Marketing 24") == spelled_month_years("By 2026-27") == ""


@pytest.mark.skipif(not KENT_TREASURY.exists(), reason="the KCC library is not present")
def test_a_forecast_under_a_short_month_year_is_found_by_the_month_spelled_out() -> None:
    """The Bank Rate row's cell under "Mar- 26" is embedded and searched as March 2026, under the row's own label
    rather than the tail of the sentence above the table."""
    _, chunks = _chunks(KENT_TREASURY)
    row = next(c for c in chunks if c.kind == "table_row" and c.text.startswith("Bank Rate"))
    assert "Mar- 26 (March 2026): 3.75" in row.search_text
    cell = next(s for s in row.sentences if s.column == "Mar- 26")
    assert cell.embed_text == "Bank Rate, Mar- 26 (March 2026): 3.75"


def test_a_title_spanning_a_table_above_its_column_titles_names_the_rows_not_the_columns() -> None:
    """"APPENDIX B - CAPITAL INVESTMENT SUMMARY" and a directorate's name, each alone in a row above the column
    titles, do not name every column: the titles under them do, and the names above are the rows' group."""
    rows = [["APPENDIX B - CAPITAL INVESTMENT SUMMARY 2025-26 to 2034-35", None, None, None, None],
            ["Adult Social Care & Health (ASCH)", None, None, None, None],
            ["ROW REF", "Project", "Total Cost of Scheme", "2025-26", "2026-27"],
            ["", "", "£000s", "£000s", "£000s"],
            ["1", "Home Support Fund & Equipment", "2,500", "250", "250"]]
    text = table_text(rows)
    assert text is not None
    marks = [text.lines[offset] for offset in sorted(text.lines)]
    assert marks[:2] == [None, None]  # the title and the directorate: rows filled in their first cell only
    assert marks[2] == ("ROW REF", "Project", "Total Cost of Scheme £000s", "2025-26 £000s", "2026-27 £000s")
    assert marks[4] is None
    pair = table_text([["Number of foster households", None], ["Latest", "Target"], ["613", "700"]])
    assert pair is not None and list(pair.lines.values())[0] == ("Number of foster households",) * 2, \
        "two titles under a title may be figures' labels: the title heads the table, as before"


KENT_TEMPLATES = KCC_LIBRARY / "kcc_2025-02-13_full_council_appendix-f-all-templates.pdf"


@pytest.mark.skipif(not KENT_TEMPLATES.exists(), reason="../shared/external/kcc-library not present")
def test_column_titles_drawn_without_rules_between_them_name_their_own_columns() -> None:
    """pdfplumber reads the budget templates' title row as one cell across the table; split where the columns below
    are, each figure is under its year ("2025-26 £000's"), not under the whole run of titles."""
    _, chunks = _chunks(KENT_TEMPLATES)
    row = next(c for c in chunks if c.kind == "table_row" and "Apprenticeship Levy" in c.text)
    cells = {s.column: " ".join(row.text[s.start - row.start:s.end - row.start].split()) for s in row.sentences}
    assert cells.get("2025-26 £000's") == "50.0" and cells.get("Cabinet Member") == "Peter Oakford", cells
    assert cells.get("Core or Externally Funded") == "Core"


def test_a_form_title_spanning_its_first_row_names_no_column() -> None:
    """A form's title over its label and value rows names the form; over figures, a title names what they measure."""
    form = table_text([["EQIA Submission Form", None, None], ["Responsible Officer", "", "Mike Gogarty"],
                       ["Directorate", "", "Adult Social Care and Health"]])
    assert form is not None and set(form.lines.values()) == {None}  # no line is taken for column titles
    figures = table_text([["Foster households", None], ["613", "700"]])
    assert figures is not None and figures.lines[0] == ("Foster households", "Foster households")


@pytest.mark.skipif(not KENT_EQIA.exists(), reason="../shared/external/kcc-library not present")
def test_an_equality_form_reads_as_labels_and_their_values() -> None:
    """Each line of the EqIA form is its label and value ("Responsible Officer | Mike Gogarty"), searched and embedded
    without the form's title repeated as every cell's column name."""
    _, chunks = _chunks(KENT_EQIA)
    officer = next(c for c in chunks if "Mike Gogarty" in c.text)
    assert "Responsible Officer | Mike Gogarty" in officer.search_text
    assert "EQIA Submission Form" not in officer.search_text
    assert all(s.column is None for s in officer.sentences)


KENT_EQIA_FIELDS = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00096-eqia.pdf"


@pytest.mark.skipif(not KENT_EQIA_FIELDS.exists(), reason="../shared/external/kcc-library not present")
def test_bold_labels_over_their_values_read_as_rows_of_a_form() -> None:
    """An EqIA laid out as bold labels each over its value (no table drawn) reads as rows of label and value, so the
    responsible officer is a row of its own, not a line in a page of fields run together; a bold heading over a
    paragraph stays prose."""
    document, chunks = _chunks(KENT_EQIA_FIELDS)
    officer = next(c for c in chunks if "Paul Wilson" in c.text)
    assert officer.kind == "table_row" and officer.text == "Responsible Officer\tPaul Wilson - CY EPA"
    assert "Responsible Officer | Paul Wilson - CY EPA" in officer.search_text
    assert "Responsible Head of Service\tNicholas Abrahams - CY EPA" in document.text
    aims = next(c for c in chunks if "overarching framework" in c.text)
    assert aims.kind != "table_row" and "\t" not in aims.text


def test_form_fields_need_a_run_of_short_values_under_bold_labels() -> None:
    """Three bold labels each over a short value are a form; a bold heading over a long paragraph is not a field."""
    def line(text: str, top: float, bold: bool) -> list[dict]:
        font = "Calibri-Bold" if bold else "Calibri"
        return [{"text": word, "x0": 36.0 + 30 * i, "x1": 60.0 + 30 * i, "top": top, "bottom": top + 12,
                 "fontname": font, "size": 12.0} for i, word in enumerate(text.split())]
    fields = [("Directorate", "Growth"), ("Responsible Service", "Highways"), ("Responsible Director", "Jo Bloggs")]
    words = [w for i, (label, value) in enumerate(fields) for w in line(label, 30 * i, True) + line(value, 30 * i + 15, False)]
    forms = form_fields(words)
    assert len(forms) == 1 and forms[0][1].text.splitlines()[1] == "Responsible Service\tHighways"
    paragraph = [w for i in range(5) for w in line("the plan sets out where places are needed " * 2, 15 + 15 * i, False)]
    headings = [w for i, (label, _) in enumerate(fields) for w in line(label, 200 * i, True)]
    assert form_fields(headings + [dict(w, top=w["top"] + 200 * i, bottom=w["bottom"] + 200 * i)
                                   for i in range(3) for w in paragraph]) == []
