"""The engine as declared steps: each guard, answerer and check can be removed in one place, and the tracker answers
a number past the end of every plan as such."""

from __future__ import annotations

from dataclasses import replace

from assistant.engine import QAEngine
from assistant.services import Services
from assistant.steps import UnknownCouncilGuard


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
