"""The engine as declared steps: each guard, answerer and check can be removed in one place, and the tracker answers
a number past the end of every plan as such."""

from __future__ import annotations

from dataclasses import replace

from assistant.engine import QAEngine
from assistant.services import Services
from assistant.steps import UnknownCouncilGuard, YearsUnmatchedCheck


def test_services_declare_every_step_in_order(sample_services: Services) -> None:
    steps = sample_services.steps
    names = [type(step).__name__ for step in
             [*steps.guards_before_search, *steps.guards_after_search, *steps.answerers, *steps.checks]]
    assert names.index("TrackerAnswerer") < names.index("ExtractiveAnswerer")  # the tracker is tried first
    assert names.index("CoverFieldAnswerer") < names.index("ExtractiveAnswerer")  # then who wrote or sent a paper
    assert "UnknownCouncilGuard" in names and "NamesUnmatchedCheck" in names


def test_removing_a_guard_removes_its_refusal(sample_services: Services) -> None:
    question = "What has Surrey County Council done about foster carer recruitment?"
    with_guard = sample_services.engine.ask(question)
    assert with_guard.abstained and "Surrey County Council" in with_guard.answer
    steps = sample_services.steps
    without_guard = replace(steps, guards_before_search=[g for g in steps.guards_before_search
                                                         if not isinstance(g, UnknownCouncilGuard)])
    engine = QAEngine(sample_services.store, sample_services.retriever, without_guard)
    assert engine.ask(question).answer != with_guard.answer  # no longer refused as a council with no papers


def test_a_recommendation_number_past_the_end_of_the_plan_is_answered_as_missing(sample_services: Services) -> None:
    result = sample_services.engine.ask("What is the status of Derby's recommendation 40?")
    assert result.abstained and not result.citations
    assert "no recommendation 40" in result.answer and "1 to 34" in result.answer
    present = sample_services.engine.ask("What is the status of Derby's recommendation 34?")
    assert not present.abstained and present.citations


def test_years_are_read_as_written_in_questions_papers_and_column_titles() -> None:
    from assistant.query import years_asked, years_in

    assert years_asked("What is the forecast for March 2028?") == {2028}
    assert years_asked("What is the 2025-26 budget?") == {2025}  # the year a financial year is named by
    assert years_in("Bank Rate\tDec -24\tMar- 25\tDec-27") == {2024, 2025, 2027}
    assert years_in("the budget for 2025-26 and 2024/25") == {2024, 2025, 2026}
    assert years_in("accounts for 1999-00") == {1999, 2000}
    assert years_in("Value in Accounts as at 31.03.24 £m") == {2024}  # a date in figures
    assert years_in("paragraph 1.10.12 cost 4.230") == set()  # section numbers and decimals are no dates


def test_a_financial_year_asked_is_not_met_by_the_year_before_it() -> None:
    """"2025-26" ends in 2026 but does not speak of 2026-27; "2026/27" or "in 2026" does. A calendar year asked is met
    by the financial year ending in it."""
    from assistant.query import speaks_of_years_asked

    assert not speaks_of_years_asked("What will the wage be in 2026-27?", ["£12.21 in 2025-26"])
    assert speaks_of_years_asked("What will the wage be in 2026-27?", ["£12.71 for 2026/27"])
    assert speaks_of_years_asked("What will the wage be in 2026-27?", ["from April 2026 the wage is £12.71"])
    assert speaks_of_years_asked("What was the wage in 2026?", ["£12.21 in 2025-26"])


def test_an_answer_from_papers_silent_on_the_year_asked_is_withheld(fresh_services: Services, tmp_path) -> None:  # noqa: ANN001
    paper = tmp_path / "treasury.txt"
    paper.write_text("Interest rate forecast\n\nLink Group's forecast of Bank Rate is 4.00% for March 2026 and 3.75% for "
                     "March 2027. Link Group's Bank Rate forecast assumes inflation returns to target.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    answered = fresh_services.engine.ask("What is Link Group's Bank Rate forecast for March 2027?")
    assert not answered.abstained and "3.75%" in answered.answer
    question = "What is Link Group's Bank Rate forecast for March 2029?"
    withheld = fresh_services.engine.ask(question)
    assert withheld.abstained and "2029" in withheld.answer
    steps = fresh_services.steps
    without_check = replace(steps, checks=[c for c in steps.checks if not isinstance(c, YearsUnmatchedCheck)])
    assert not QAEngine(fresh_services.store, fresh_services.retriever, without_check).ask(question).abstained


def test_a_paper_dated_nowhere_is_not_withheld_for_the_year_asked(fresh_services: Services, tmp_path) -> None:  # noqa: ANN001
    """A budget amendment's form prints no date and names no year: it cannot be about another year than the one a
    question about this year's budget names, so its answer stands; a paper naming other years is still withheld."""
    from conftest import ask_about_paper

    form = ("Budget Amendment Form\n\nAmendment Name: Highway Asset Maintenance\n\nProposer: Mr Robin Sallow\n\n"
            "This amendment moves £5.6m from the office refurbishment to road maintenance, to tackle potholes across "
            "the county's highways network.\n")
    question = "Did anyone propose extra money for fixing potholes in the 2025-26 budget?"
    answered = ask_about_paper(fresh_services, tmp_path, form, question)
    assert not answered.abstained and "£5.6m" in answered.answer, answered.answer
    dated = form.replace("Budget Amendment Form", "Budget Amendment Form 2023-24")
    withheld = ask_about_paper(fresh_services, tmp_path, dated, question)
    assert withheld.abstained and "2025" in withheld.answer, withheld.answer


def test_a_district_named_by_an_indexed_countys_papers_is_asked_of_them(fresh_services: Services, tmp_path) -> None:
    """A councillor asks about their district; the county's papers speak of it, so they answer, while a district of
    a county with no papers here is still refused as a council without papers."""
    from conftest import ask_about_paper

    paper = ("Kent County Council\n\nQuarterly Performance Report\n\nPupil Exclusions\n\nIn the 12-month period to "
             "December 2024, 102 pupils were permanently excluded across the County. Tonbridge and Malling district "
             "accounted for 20 of them, followed by Dartford with 15 and Sevenoaks with 13 pupils excluded.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper, "How many pupils were excluded in Dartford?")
    assert not result.abstained and "Dartford with 15" in result.answer, result.answer
    elsewhere = fresh_services.engine.ask("How many pupils were excluded in Wealden?")
    assert elsewhere.abstained and "Wealden District Council" in elsewhere.answer, elsewhere.answer


def test_a_table_laid_out_by_year_does_not_answer_for_a_year_it_stops_before(fresh_services: Services,
                                                                            tmp_path) -> None:  # noqa: ANN001
    """The paper speaks of 2029-30 in its prose, but its table stops at 2027-28: asked for a row's 2029-30 figure, the
    answer is withheld rather than quoting the row's other years; a year the table has is answered, and a year that
    dates the paper ("the January 2025 plan") is not taken for the column asked."""
    from conftest import ask_about_paper

    paper = ("Capital programme\n\n1.1 The ten-year programme runs to 2029-30 and beyond, and is reviewed each year.\n\n"
             "Capital investment summary\n\nDirectorate\t2025-26\t2026-27\t2027-28\n"
             "Highways and transport\t159,314\t144,563\t113,757\n"
             "Schools and education\t88,020\t71,400\t52,310\n")
    answered = ask_about_paper(fresh_services, tmp_path, paper, "What capital investment for highways and transport is "
                                                               "planned in 2026-27 in the January 2025 summary?")
    assert not answered.abstained and "144,563" in answered.answer, answered.answer
    withheld = fresh_services.engine.ask("What capital investment for highways and transport is planned in 2029-30 in "
                                         "the January 2025 summary?")
    assert withheld.abstained and "2029" in withheld.answer, withheld.answer
