"""Who decides that the papers do not answer: the fitted abstention model at its threshold, the hand scorer's order kept."""

from __future__ import annotations

from assistant.services import Services
from assistant.settings import load_settings

ANSWERED = "How many of the 34 recommendations have been fully achieved?"
UNANSWERABLE = "How many potholes did the highways team repair last winter?"


def _services(sample_services: Services, **settings: object) -> Services:
    """Another engine over the sample index already ingested."""
    return Services(load_settings(index=sample_services.settings.index, **settings))


def test_fitted_abstainer_keeps_the_hand_scorers_answer(sample_services: Services) -> None:
    gated = _services(sample_services, abstainer="fitted", fitted_abstain_threshold=0.0).engine.ask(ANSWERED)
    hand = _services(sample_services, abstainer="scorer").engine.ask(ANSWERED)
    assert not gated.abstained and not hand.abstained
    assert gated.answer == hand.answer and [c.text for c in gated.citations] == [c.text for c in hand.citations]


def test_fitted_abstainer_refuses_below_its_threshold(sample_services: Services) -> None:
    refused = _services(sample_services, abstainer="fitted", fitted_abstain_threshold=1.0).engine.ask(ANSWERED)
    assert refused.abstained and not refused.citations


def test_fitted_abstainer_at_its_chosen_threshold_answers_and_refuses(sample_services: Services) -> None:
    engine = _services(sample_services, abstainer="fitted").engine
    assert not engine.ask(ANSWERED).abstained
    assert engine.ask(UNANSWERABLE).abstained
