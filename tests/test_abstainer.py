"""Who decides that the papers do not answer: the scorer's own gate and the fitted abstention model, both of which
must find an answer; the scorer's order of sentences is kept either way."""

from __future__ import annotations

from assistant.services import Services
from assistant.settings import load_settings

ANSWERED = "How many of the 34 recommendations have been fully achieved?"
UNANSWERABLE = "How many potholes did the highways team repair last winter?"
# the scorer's gate refuses it: a change in the number of carers is not how many there are
REFUSED_BY_THE_SCORER = "How many foster carers has West Sussex got?"


def _services(sample_services: Services, **settings: object) -> Services:
    """Another engine over the sample index already ingested."""
    return Services(load_settings(index=sample_services.settings.index, **settings))


def test_with_the_fitted_gate_open_both_gates_answer_as_the_scorer_alone(sample_services: Services) -> None:
    both = _services(sample_services, abstainer="both", fitted_abstain_threshold=0.0).engine.ask(ANSWERED)
    scorer = _services(sample_services, abstainer="scorer").engine.ask(ANSWERED)
    assert not both.abstained and not scorer.abstained
    assert both.answer == scorer.answer and [c.text for c in both.citations] == [c.text for c in scorer.citations]


def test_the_fitted_gate_refuses_below_its_threshold(sample_services: Services) -> None:
    refused = _services(sample_services, abstainer="both", fitted_abstain_threshold=1.0).engine.ask(ANSWERED)
    assert refused.abstained and not refused.citations


def test_an_open_fitted_gate_does_not_answer_what_the_scorers_gate_refuses(sample_services: Services) -> None:
    assert _services(sample_services, abstainer="scorer").engine.ask(REFUSED_BY_THE_SCORER).abstained
    assert _services(sample_services, abstainer="both", fitted_abstain_threshold=0.0).engine.ask(REFUSED_BY_THE_SCORER).abstained


def test_the_default_answers_and_refuses(sample_services: Services) -> None:
    engine = _services(sample_services).engine
    assert not engine.ask(ANSWERED).abstained
    assert engine.ask(UNANSWERABLE).abstained
