"""The answer checker on hand-written model outputs over passages taken from the sample reports: invented figures
and names, missing or out-of-range [n] and unsupported sentences are removed; £1.2m / 5 per cent and the like match."""

from __future__ import annotations

import re

import pytest

from assistant.answer_check import Passage, check_answer, figures, split_sentences
from conftest import SAMPLE_DIR


def passage_with(source: str, words: str, reference: str) -> Passage:
    """The line of a sample report holding `words`, as a passage whose sentences are split at full stops."""
    line = next(line for line in (SAMPLE_DIR / source).read_text(encoding="utf-8").splitlines() if words in line)
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.?", line) if m.group(0).strip()]
    return Passage(line, reference, spans)


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    derby = passage_with("002_9657fb6dd67a30bc.txt", "net loser in any joint campaigns",
                         "Derby fostering review action plan, Derby City Council")
    east_sussex = passage_with("000_5235fb501e279139.txt", "A further investment of £300,000",
                               "Children in public care best value review, East Sussex County Council")
    return [derby, east_sussex]


def test_supported_sentences_are_kept_with_the_passage_own_words_as_quote(passages: list[Passage]) -> None:
    report = check_answer("Derby did not accept the idea of joint recruitment campaigns, because it would be a net "
                          "loser in them [1]. A further £300,000 went into the Fostering Service in 2003/04 [2].",
                          passages)
    assert not report.removed, report.removed
    first, second = report.kept
    assert first.wording.startswith("Derby did not accept") and "[1]" not in first.wording
    start, end = first.quotes[1]
    assert "net loser in any joint campaigns" in passages[0].text[start:end]
    start, end = second.quotes[2]
    assert "£300,000" in passages[1].text[start:end]


def test_invented_recommendation_numbers_and_sums_are_removed(passages: list[Passage]) -> None:
    report = check_answer("Derby also rejected recommendations 17, 19 and 20 on joint campaigns [1]. "
                          "A further £450,000 was invested in the Fostering Service [2].", passages)
    assert not report.kept
    assert [r.reason.split(":")[0] for r in report.removed] == ["figures not in the cited passages"] * 2


def test_a_sentence_without_a_given_passage_number_is_removed(passages: list[Passage]) -> None:
    report = check_answer("Derby did not accept joint recruitment campaigns. The fostering service got £300,000 [7].",
                          passages)
    assert not report.kept
    assert all(r.reason == "cites no passage that was given" for r in report.removed)


def test_a_figure_must_be_in_the_passage_cited_not_just_any(passages: list[Passage]) -> None:
    report = check_answer("A further investment of £300,000 was made in the Fostering Service in 2003/04 [1].",
                          passages)
    assert not report.kept and "figures" in report.removed[0].reason


def test_an_invented_name_is_removed(passages: list[Passage]) -> None:
    report = check_answer("Derby and Leeds did not accept joint recruitment campaigns as they would lose carers [1].",
                          passages)
    assert not report.kept and "leeds" in report.removed[0].reason


def test_unsupported_content_is_removed_even_with_a_marker(passages: list[Passage]) -> None:
    report = check_answer("Councillors praised the excellent new swimming pool and its sauna [1].", passages)
    assert not report.kept and "not supported" in report.removed[0].reason


def test_markers_after_the_full_stop_and_grouped_markers_count(passages: list[Passage]) -> None:
    report = check_answer("Derby would be a net loser in any joint campaigns. [1]\n"
                          "- A further investment of £300,000 was made in the Fostering Service [1, 2]", passages)
    assert len(report.kept) == 2 and not report.removed
    assert set(report.kept[1].quotes) == {2}  # the Derby passage supports nothing of it, so it is not quoted


@pytest.mark.parametrize("written, stated", [
    ("£1.2m", "£1,200,000"), ("1.2 million pounds", "£1,200,000"), ("£300k", "£300,000"), ("5%", "5 per cent"),
    ("2003/04", "2003-2004"), ("twelve recommendations", "12 recommendations"), ("£2bn", "£2,000,000,000"),
])
def test_figures_are_normalised(written: str, stated: str) -> None:
    assert figures(written) == figures(stated)


def test_different_figures_stay_different() -> None:
    assert figures("£1.2m") != figures("£1.25m")
    assert figures("5%") != figures("50 per cent")


def test_sentences_split_at_full_stops_but_not_abbreviations() -> None:
    assert split_sentences("It was agreed, e.g. by the Board. [2] See p. 4 for details [1].\n**Bold** line [3]") == [
        "It was agreed, e.g. by the Board [2].", "See p. 4 for details [1].", "Bold line [3]"]
