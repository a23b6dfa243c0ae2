"""Who wrote a paper, who it is from and whom to contact: answered from the labelled fields of its cover, quoted."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerers.cover import FIELD_LABELS, asked_labels, asked_post, find_field
from assistant.query import analyse
from assistant.quotes import is_verbatim
from assistant.services import Services
from conftest import KCC_LIBRARY, KENT_EQIA, ask_about_paper
from index.records import StoredChunk

COMMISSIONING_REPORT = KCC_LIBRARY / (
    "kcc_2025-01-30_cabinet_24-00096-commissioning-plan-for-education-provision-in-kent-2025-29-re.pdf")
needs_library = pytest.mark.skipif(not COMMISSIONING_REPORT.exists(), reason="../shared/external/kcc-library not present")


@pytest.mark.parametrize(("question", "labels"), [
    ("Who wrote the report on the library strategy?", FIELD_LABELS["author"]),
    ("Who has written the budget paper?", FIELD_LABELS["author"]),
    ("Who is the report author for the pay policy?", ("report author",)),
    ("Who is the Cabinet report on the school places plan from?", FIELD_LABELS["from"]),
    ("Who brought the plan to Cabinet?", FIELD_LABELS["from"]),
    ("Who is the contact officer for the meeting?", ("contact officer",)),
    ("Who should members get in touch with about the papers?", FIELD_LABELS["contact"]),
    ("Who are the responsible officer and head of service on the EqIA?", ("responsible officer", "head of service")),
    ("Who chairs the scrutiny committee?", ()),
    ("Where did the money come from?", ()),
    ("What did the report say about foster carers?", ()),
])
def test_the_fields_asked_for_are_read_from_the_question(question: str, labels: tuple[str, ...]) -> None:
    assert asked_labels(question)[0] == labels


def _chunk(text: str) -> StoredChunk:
    return StoredChunk(id="c", source="paper.pdf", text=text, search_text=text, kind="paragraph", start=100,
                       end=100 + len(text), section=None, heading=None, page=1)


def test_a_field_runs_over_its_wrapped_lines_and_the_people_after_a_gap_but_stops_at_the_next_label() -> None:
    cover = _chunk("From:  Ann Price, Cabinet Member for Integrated \nChildren's Services \n \n"
                   "   Tom Reyes, Corporate Director of Finance \n \nTo:   Cabinet – 30 January 2025")
    found = find_field(cover, "from")
    assert found is not None
    assert found.value == "Ann Price, Cabinet Member for Integrated Children's Services; Tom Reyes, Corporate Director " \
                          "of Finance"
    assert cover.text[found.start:found.end].endswith("Corporate Director of Finance")


def test_a_label_alone_on_its_line_takes_the_lines_below_and_a_lone_word_label_needs_its_colon() -> None:
    box = _chunk("Report Author: \nNick Abrahams \nAssistant Director Education \nRelevant Director: \nJo Smith")
    found = find_field(box, "report author")
    assert found is not None and found.value == "Nick Abrahams Assistant Director Education"
    several = find_field(_chunk("Report Author(s)\n• Dave Shipton (Head of Finance Policy)\n• 03000 419418\n"), "report author")
    assert several is not None and several.value.startswith("• Dave Shipton (Head of Finance Policy)")
    assert find_field(_chunk("By\n2026-27 440 places"), "by") is None
    assert find_field(_chunk("Drawdowns from reserves:\t-10.6"), "from") is None


@pytest.mark.skipif(not KENT_EQIA.exists(), reason="../shared/external/kcc-library not present")
def test_a_forms_named_fields_are_each_quoted(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([KENT_EQIA], progress=False)
    result = fresh_services.engine.ask("Who are the responsible officer and head of service on the EqIA?")
    assert not result.abstained
    assert "Responsible Officer: Mike Gogarty [1]" in result.answer and "Anjan Ghosh [2]" in result.answer
    assert len(result.citations) == 2
    assert all(is_verbatim(c.quote, c.text) for c in result.citations)


@needs_library
def test_who_wrote_a_report_and_who_it_is_from_are_different_fields(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([COMMISSIONING_REPORT], progress=False)
    wrote = fresh_services.engine.ask("Who wrote the Cabinet report on the education commissioning plan?")
    assert wrote.answer.startswith("Commissioning Plan for Education Provision in Kent 2025-29: Report Author: "
                                   "Nick Abrahams"), wrote.answer
    assert wrote.citations[0].page == 6
    brought = fresh_services.engine.ask("Who is the report on the Commissioning Plan for Education Provision from?")
    assert "From: Rory Love, Cabinet Member for Education and Skills; Sarah Hammond, Corporate Director" in brought.answer
    assert brought.citations[0].page == 1 and is_verbatim(brought.citations[0].quote, brought.citations[0].text)


@needs_library
def test_a_question_asking_more_than_the_field_has_the_rest_answered_first(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([COMMISSIONING_REPORT], progress=False)
    result = fresh_services.engine.ask("What was Cabinet asked to decide on the education commissioning plan, and who "
                                       "wrote the report?")
    assert result.answer.startswith("Cabinet is asked to agree the Commissioning Plan"), result.answer
    field_line = result.answer.splitlines()[-1]
    assert field_line.startswith("Commissioning Plan for Education Provision in Kent 2025-29: Report Author: Nick "
                                 "Abrahams"), result.answer
    # the field's citation is numbered after the other answer's, so the other answer's markers are as it wrote them
    assert field_line.endswith(f"[{len(result.citations)}]")
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    assert all(is_verbatim(c.quote, c.text) for c in result.citations)


def test_a_field_asked_beside_what_the_papers_do_not_say_is_given_with_a_note(fresh_services: Services,
                                                                                  tmp_path: Path) -> None:
    result = ask_about_paper(fresh_services, tmp_path, "Library Strategy 2026\n\nReport Author: Ann Price, Head of "
                             "Libraries\nTelephone: 03000 417000\n\nThe strategy sets out how the county's libraries will open for longer.\n",
                             "Who wrote the library strategy report, and how many libraries will close?")
    assert result.answer.endswith("Report Author: Ann Price, Head of Libraries [1]"), result.answer
    assert result.notes == ['The papers found do not answer this part of the question: "how many libraries will '
                            'close?"']


def test_a_paper_with_no_such_field_is_answered_from_its_text(fresh_services: Services, tmp_path: Path) -> None:
    result = ask_about_paper(fresh_services, tmp_path, "Library Strategy 2026\n\nThe strategy was written by the "
                             "Head of Libraries, Ann Price, after a public consultation.\n",
                             "Who wrote the library strategy?")
    assert "Ann Price" in result.answer and "Report Author" not in result.answer


@pytest.mark.parametrize(("question", "post"), [
    ("Who is the Leader of Kent County Council?", {"leader"}),
    ("Who is currently the Cabinet Member for Education?", {"cabinet", "member", "educ"}),
    ("Who is the Deputy Leader?", {"deputi", "leader"}),
    ("What did the Leader say about devolution?", set()),
    ("Who chairs the panel?", set()),
])
def test_the_post_whose_holder_is_asked_is_read_from_the_question(question: str, post: set[str]) -> None:
    assert asked_post(question, analyse(question)) == post


@needs_library
def test_who_holds_a_post_is_answered_from_the_cover_that_names_them(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([COMMISSIONING_REPORT], progress=False)
    result = fresh_services.engine.ask("Who is the Cabinet Member for Education and Skills?")
    assert result.answer.startswith("Rory Love, Cabinet Member for Education and Skills, as the cover of "
                                    "Commissioning Plan for Education Provision in Kent 2025-29 (2025-01-30)")
    assert result.citations[0].quote == "Rory Love, Cabinet Member for Education and Skills"
    other = fresh_services.engine.ask("Who is the Cabinet Member for Highways?")
    assert other.abstained  # every word of the post asked must be in the post the cover gives


def test_a_papers_name_with_a_slash_does_not_hide_what_is_asked() -> None:
    assert asked_labels("Who is the Pay Policy Statement 2025/26 report to County Council from?")[0] == \
        FIELD_LABELS["from"]


@pytest.mark.skipif(not KENT_EQIA.exists(), reason="../shared/external/kcc-library not present")
def test_a_field_named_in_a_who_is_question_is_looked_for_before_a_post_holder(fresh_services: Services) -> None:
    fresh_services.pipeline.ingest([KENT_EQIA], progress=False)
    result = fresh_services.engine.ask("Who is the responsible officer on the equality impact assessment for the "
                                       "ICS delivery plan?")
    assert result.answer.endswith("Responsible Officer: Mike Gogarty [1]"), result.answer
