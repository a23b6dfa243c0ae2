"""The rule audit's switches: each still fits the code it patches, and switching a rule off changes what it governs."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.followup import resolve_question
from assistant.services import Services
from conftest import COUNCIL_TAX_PAPER, COUNCIL_TAX_QUESTION, ask_about_paper
from evals.audit import SHAPING_RULES

# Questions on the bundled sample papers that reach most of the patched methods: several parts, a table row, a list.
# A switch whose method none of them reaches (a member's question's reply: the sample papers have none) is only
# entered and left here.
QUESTIONS = (
    "How many foster carers did the recruitment campaign bring in, and when did it end?",
    "What progress has Derby made on recommendation 7?",
    "Which councils are trying to cut use of agency or external placements?",
)


@pytest.mark.parametrize("rule", sorted(SHAPING_RULES))
def test_each_audit_switch_runs_the_engine_without_error(sample_services: Services, rule: str) -> None:
    # A patch written for an older signature fails only when the audit calls it, 40 minutes into a run.
    with SHAPING_RULES[rule]():
        for question in QUESTIONS:
            result = sample_services.engine.ask(question)
            assert result.answer.strip()


def test_switching_off_supporting_sentences_leaves_the_lead_alone(sample_services: Services) -> None:
    question = "What did East Sussex say about foster carer recruitment?"
    full = sample_services.engine.ask(question)
    with SHAPING_RULES["rule: supporting sentences near the best score"]():
        alone = sample_services.engine.ask(question)
    assert full.answerer == alone.answerer == "extractive"
    assert len(full.citations) > 1
    assert len(alone.citations) == 1
    assert alone.citations[0].quote == full.citations[0].quote


def test_switching_off_the_follow_up_rule_leaves_a_long_follow_up_as_asked() -> None:
    history, follow_up = ["What precept will Dover pay in 2025-26?"], "Has its council tax base grown or shrunk across the district, and by how much?"
    assert resolve_question(follow_up, history) != follow_up
    with SHAPING_RULES["rule: a follow-up leaning on 'it' or 'its' is asked of the earlier question"]():
        assert resolve_question(follow_up, history) == follow_up


def test_switching_off_the_antecedent_rule_leaves_a_this_sentence_without_the_one_before(
        fresh_services: Services, tmp_path: Path) -> None:
    full = ask_about_paper(fresh_services, tmp_path, COUNCIL_TAX_PAPER, COUNCIL_TAX_QUESTION).answer
    with SHAPING_RULES["rule: a chosen sentence leaning on the one before it comes after that one"]():
        alone = fresh_services.engine.ask(COUNCIL_TAX_QUESTION).answer
    assert full.index("4.99% increase") < full.index("This would add")
    rise = alone.find("4.99% increase")
    assert rise == -1 or rise > alone.index("This would add")
