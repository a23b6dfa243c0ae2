"""Follow-ups on the real sample index: a different question never gets the previous answer word for word."""

from __future__ import annotations

from assistant.app_common import AppContext
from assistant.followup import answer_follow_up, same_answer, topic_words
from assistant.services import Services

CONVERSATIONS = [
    ["What progress has been made on the Best Value Review of Children in Public Care?", "and who is responsible?",
     "what about education?", "is it on track?"],
    ["What did Leeds decide about external placements?", "and who is responsible?", "when will it be done?",
     "how much will it cost?"],
    ["What did Derby recommend?", "and why?", "who agreed it?"],
]


def test_no_follow_up_repeats_the_previous_answer(sample_services: Services) -> None:
    repeats_without_guard = 0
    for conversation in CONVERSATIONS:
        history: list[str] = []
        previous: str | None = None
        for question in conversation:
            result = answer_follow_up(sample_services.engine.ask, question, history, previous)
            assert not same_answer(result.answer, previous), (question, result.answer)
            if previous is not None:
                repeats_without_guard += same_answer(sample_services.engine.ask(question, history).answer, previous)
            history.append(question)
            previous = result.answer
    print(f"follow-ups the guard changed: {repeats_without_guard}")


def test_the_api_path_works_out_the_previous_answer(sample_services: Services) -> None:
    context = AppContext(sample_services)
    first = CONVERSATIONS[0][0]
    shown = context.ask(first).answer
    follow_up = context.ask("and who is responsible?", [first])
    assert not same_answer(follow_up.answer, shown)
    assert context.ask(first, [first]).answer == shown  # the same question asked again may repeat its answer


def test_topic_words_come_from_the_latest_standalone_question() -> None:
    history = ["What did Leeds decide about external placements?", "and why?"]
    assert topic_words(history) == "Leeds decide external placements"
