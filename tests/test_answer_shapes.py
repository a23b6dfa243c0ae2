"""Answers shaped to the question, on the real sample index: tracker status, lists, comparisons, quotes, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.quotes import is_verbatim
from assistant.results import AnswerResult
from assistant.services import Services
from conftest import COUNCIL_TAX_PAPER, COUNCIL_TAX_QUESTION, EXTERNAL_PDFS, KCC_LIBRARY, SAMPLE_DIR, ask_about_paper
from index.retriever import opens_list
from ingest.readers import reader_for

KENT_Q3 = "kcc_2025-03-04_cabinet_quarterly-performance-report-q3.pdf"
KENT_QA = "kcc_2025-03-13_council_questions-and-answers.pdf"
DERBY, LEEDS, EAST_SUSSEX = "002_9657fb6dd67a30bc.txt", "001_9fd2cc959c742ed0.txt", "000_5235fb501e279139.txt"


def _verbatim(result) -> None:  # noqa: ANN001 - an AnswerResult
    for citation in result.citations:
        assert is_verbatim(citation.quote, (SAMPLE_DIR / citation.source).read_text(encoding="utf-8"))


def _needs_pdf(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not (EXTERNAL_PDFS / name).exists(), reason="../shared/external/pdfs not present")


def _ask_about_pdf(services: Services, name: str, question: str) -> AnswerResult:
    """Ingests one of the external PDFs, asks, and checks every quote is verbatim in the PDF's text."""
    path = EXTERNAL_PDFS / name
    services.pipeline.ingest([path], progress=False)
    result = services.engine.ask(question)
    text = reader_for(path).read(path).text
    assert all(is_verbatim(citation.quote, text) for citation in result.citations)
    return result


def test_a_numbered_recommendation_is_answered_from_the_tracker(sample_services: Services) -> None:
    result = sample_services.engine.ask("where is derby on rec 12?")
    assert result.answer.startswith("Recommendation 12 (Derby City Council) is in progress")
    assert "April 2008" in result.answer  # its target date
    assert result.citations[0].source == DERBY and result.citations[0].section == "row 12"
    _verbatim(result)


def test_a_numbered_recommendation_is_quoted_in_whole_sentences(sample_services: Services) -> None:
    """What a recommendation asks for, and by when, is often at the end of its one long sentence: it is not cut."""
    result = sample_services.engine.ask("What did Leeds scrutiny Recommendation 12 ask the director of children's "
                                        "services to do?")
    shown = result.answer.split('The recommendation: "')[1].split('"')[0]
    assert shown.startswith("That the director") and shown.endswith(".") and "…" not in shown, result.answer
    assert shown in result.citations[0].quote
    _verbatim(result)


def test_each_part_of_a_question_about_a_recommendation_brings_its_progress_sentence() -> None:
    from assistant.answerers.tracker import _progress_excerpt

    progress = ("The action is accepted. Work on it began in May 2025 with the carers forum. The new leaflet for carers "
                "will be printed in March 2026. A report on the leaflet goes to the panel in April 2026.")
    excerpt = _progress_excerpt(progress, "When will the leaflet for carers be printed, and when does the report go "
                                          "to the panel?")
    assert excerpt == ("The action is accepted. … The new leaflet for carers will be printed in March 2026. A report on "
                       "the leaflet goes to the panel in April 2026.")
    assert _progress_excerpt(progress, "What is the status of action 4?") == progress  # no sentence asked: all of it


def test_a_status_list_is_a_bulleted_list_with_every_item_cited(sample_services: Services) -> None:
    result = sample_services.engine.ask("Which Derby recommendations were not accepted?")
    lines = result.answer.splitlines()
    assert lines[0].startswith("- Recommendation 15 (not accepted)")
    assert all(re.search(r"\[\d+\]$", line) for line in lines)
    _verbatim(result)


def test_a_yes_or_no_question_about_any_recommendation_in_a_status_is_answered_with_the_list(
        sample_services: Services) -> None:
    """ "Were any ... rejected?" is answered by those there are, not by sentences that mention the word."""
    result = sample_services.engine.ask("Were any recommendations rejected by Derby?")
    assert result.answer.splitlines()[0].startswith("- Recommendation 15 (not accepted)")
    assert [c.section for c in result.citations] == ["row 15"]
    _verbatim(result)


def test_a_question_in_two_parts_is_not_answered_by_a_status_list_of_one(sample_services: Services) -> None:
    """ "How many are achieved, and which was not accepted?" asks two things: the summary paragraph answers both,
    where the tracker's list of the one not accepted answered only the second."""
    result = sample_services.engine.ask(
        "Derby topic review: how many of the 34 recommendations are fully achieved, and which one was not accepted?")
    opening = result.answer.split("[2]")[0]
    assert "11 have been fully achieved" in opening and "not accepted (15)" in result.answer
    _verbatim(result)


def test_a_status_list_lists_recommendations_only_when_they_are_what_is_asked_for(sample_services: Services) -> None:
    """ "Which Derby budgets are still outstanding?" is not answered with Derby's outstanding recommendations; the
    same question about its recommendations, typed in lower case, is."""
    budgets = sample_services.engine.ask("Which Derby budgets are still outstanding?")
    assert "Recommendation 2 (in progress)" not in budgets.answer and "13 outstanding" not in budgets.answer
    recommendations = sample_services.engine.ask("which derby recommendations are still outstanding?")
    assert "13 outstanding" in recommendations.answer.splitlines()[0]


def test_a_comparison_is_grouped_by_council(sample_services: Services) -> None:
    result = sample_services.engine.ask("What have East Sussex and Derby done about CAMHS for looked after children?")
    assert {c.source for c in result.citations} >= {DERBY, EAST_SUSSEX}
    assert "Derby City Council:" in result.answer and "East Sussex County Council:" in result.answer
    _verbatim(result)


def test_a_quote_request_gets_exact_words_and_a_paste_ready_reference(sample_services: Services) -> None:
    result = sample_services.engine.ask("give me the exact wording of Leeds recommendation 9")
    citation = result.citations[0]
    assert citation.source == LEEDS
    assert result.answer.startswith(f'"{citation.quote}" ({citation.reference()})')
    assert "Leeds City Council, 2012-04-26, by Director of Children's Services, para. 3.10" in citation.reference()
    _verbatim(result)


def test_a_council_that_is_not_indexed_is_refused_with_what_is_covered(sample_services: Services) -> None:
    result = sample_services.engine.ask("What did Surrey County Council decide about foster carer allowances?")
    assert result.abstained and result.citations == []
    assert "Surrey County Council" in result.answer and "Derby City Council" in result.answer


def test_two_councils_are_compared_only_when_both_have_papers(sample_services: Services) -> None:
    """"Kent and Medway" in a Kent paper is one area; with only one of two named councils indexed there is nothing
    to compare, so the answer is not split by council."""
    both = sample_services.engine.context("What have East Sussex and Derby done about CAMHS for children in care?")
    one = sample_services.engine.context("What have Derby and Nottingham done about CAMHS for children in care?")
    assert both is not None and both.analysis.wants_comparison
    assert one is not None and not one.analysis.wants_comparison
    answer = sample_services.engine.ask("What have Derby and Nottingham done about CAMHS for children in care?").answer
    assert not answer.startswith("Derby City Council:"), answer


def test_two_places_the_papers_name_together_are_one_area_not_a_comparison(fresh_services: Services,
                                                                            tmp_path: Path) -> None:
    """"Derby and Leeds" is two councils to compare until a paper names an area so ("the Derby and Leeds Adoption
    Partnership"); then it is that area's name, and the answer is not split by council."""
    question = "What do Derby and Leeds do to match children waiting for adoption with adopters?"
    for council, how in (("Derby City Council", "through its regional consortium"),
                         ("Leeds City Council", "through its own adoption team")):
        paper = tmp_path / f"{council.split()[0].lower()}.txt"
        paper.write_text(f"{council}\n\nReport to the Adoption Panel\n\n1.1 The council matches children waiting "
                         f"for adoption with approved adopters {how}.\n", encoding="utf-8")
        assert not fresh_services.pipeline.ingest([paper], progress=False).failed
    context = fresh_services.engine.context(question)
    assert context is not None and context.analysis.wants_comparison
    paper = tmp_path / "partnership.txt"
    paper.write_text("Derby City Council\n\nReport to the Adoption Panel\n\n1.1 The Derby and Leeds Adoption "
                     "Partnership matches children waiting for adoption with approved adopters in both cities.\n",
                     encoding="utf-8")
    assert not fresh_services.pipeline.ingest([paper], progress=False).failed
    context = fresh_services.engine.context(question)
    assert context is not None and not context.analysis.wants_comparison
    answer = fresh_services.engine.ask(question).answer
    assert "matches children waiting for adoption" in answer and "Leeds City Council:" not in answer, answer


def test_a_follow_up_naming_another_council_asks_about_that_council(sample_services: Services) -> None:
    """"And what did East Sussex say?" after a question about Derby is answered from East Sussex's paper."""
    result = sample_services.engine.ask("And what did East Sussex say?",
                                        ["What has Derby done about CAMHS for looked after children?"])
    assert result.citations and {c.source for c in result.citations} == {EAST_SUSSEX}, result.answer
    assert "CAMHS" in result.answer


def test_a_follow_up_asking_to_compare_is_answered_for_each_council(sample_services: Services) -> None:
    """"How does that compare with East Sussex?" after a status question about Derby: both councils' papers, by
    council, not the record of the first passage alone."""
    result = sample_services.engine.ask("How does that compare with East Sussex?",
                                        ["What has Derby done about CAMHS for looked after children?"])
    assert {c.source for c in result.citations} >= {DERBY, EAST_SUSSEX}, result.answer
    assert "East Sussex County Council:" in result.answer, result.answer


def test_a_refusal_names_the_closest_passage(sample_services: Services) -> None:
    result = sample_services.engine.ask("How much will the new Lansdowne secure unit cost?")
    assert result.abstained
    assert "closest" in result.answer and "Lansdowne" in result.answer


def test_acronyms_in_an_answer_are_explained(sample_services: Services) -> None:
    result = sample_services.engine.ask("How is the SDQ used for children in care in Bath and North East Somerset?")
    assert not result.abstained
    assert "SDQ: strengths and difficulties questionnaire" in result.answer


def test_a_question_naming_a_committee_is_answered_from_its_papers(sample_services: Services) -> None:
    result = sample_services.engine.ask("What did the Children and Families Scrutiny Board hear about foster carers?")
    assert result.citations and {c.source for c in result.citations} == {LEEDS}


def test_a_place_mentioned_by_a_paper_is_not_refused_for_missing_metadata(fresh_services: Services, tmp_path) -> None:  # noqa: ANN001
    paper = tmp_path / "notes.txt"
    paper.write_text("1.1 The panel in Rutland agreed to review foster carer allowances by March 2024.\n", encoding="utf-8")
    fresh_services.pipeline.ingest([paper], progress=False)
    assert not fresh_services.store.list_documents()[0].get("council")  # one mention is too little to infer it
    result = fresh_services.engine.ask("What did Rutland agree about foster carer allowances?")
    assert not result.abstained and result.citations[0].source == "notes.txt"


def test_a_past_event_after_every_paper_is_refused_but_a_promise_about_it_is_answered(sample_services: Services) -> None:
    later = sample_services.engine.ask("What did the July 2012 Leeds progress report to scrutiny conclude?")
    assert later.abstained and "July" not in later.answer and "2012-07" in later.answer
    promise = sample_services.engine.ask("What will Leeds report to the Scrutiny Board in July 2012?")
    assert not promise.abstained and promise.citations[0].source == LEEDS


def test_a_how_many_question_leads_with_the_count_of_what_it_asks(sample_services: Services) -> None:
    result = sample_services.engine.ask("How many recommendations did the Leeds scrutiny board make?")
    first_sentence = result.answer.split(". ")[0]
    assert "twelve recommendations" in first_sentence
    _verbatim(result)


def test_a_rate_does_not_answer_how_many_there_are(sample_services: Services) -> None:
    """Derby's paper gives social care staff "per 10,000 children", never how many children it looks after."""
    refused = sample_services.engine.ask("How many children in care does Derby have?")
    assert refused.abstained and "do not say" in refused.answer
    rate = sample_services.engine.ask("How many social care staff per 10,000 children does Derby have?")
    assert not rate.abstained and "35 per 10,000 children" in rate.answer
    _verbatim(rate)


def test_a_sum_the_paper_only_expects_does_not_say_what_was_saved(sample_services: Services) -> None:
    """West Sussex says "it is anticipated that ... will ... deliver circa £4 million savings per annum": what it
    expects to save, not what it has saved."""
    assert sample_services.engine.ask("How much has the West Sussex Children's Delivery Programme saved so far?").abstained
    for asked in ("How much is the West Sussex Children's Delivery Programme expected to save?",
                  "How much money is West Sussex hoping to save from the children's programme?"):
        expected = sample_services.engine.ask(asked)
        assert not expected.abstained and "£4 million savings" in expected.answer, asked
        _verbatim(expected)


@_needs_pdf(KENT_Q3)
def test_every_cited_table_row_brings_its_short_cells_with_their_figures(fresh_services: Services) -> None:
    """A KPI row cited in support brings all its figures; "Latest: 613" beside "Previous: 612" is not a duplicate."""
    result = _ask_about_pdf(fresh_services, KENT_Q3, "What is the latest figure for Kent's foster households KPI?")
    assert "Latest: 613" in result.answer and "Previous: 612" in result.answer
    assert not result.abstained and {c.source for c in result.citations} == {KENT_Q3}


def test_the_council_a_search_is_scoped_to_does_not_pick_the_answer(sample_services: Services) -> None:
    """Every B&NES passage says "B&NES"; a row that happens to repeat the name must not outrank the one on topic."""
    result = sample_services.engine.ask("Does B&NES have a children in care council yet?")
    assert "children in care council" in result.citations[0].quote.lower()
    _verbatim(result)


def test_a_name_no_paper_in_scope_mentions_is_refused_by_name(sample_services: Services) -> None:
    refused = sample_services.engine.ask("What did Ofsted say about Derby's fostering service?")
    assert refused.abstained and "mention Ofsted" in refused.answer
    assert not sample_services.engine.ask("What did Ofsted say about West Sussex?").abstained  # that paper cites Ofsted
    # an acronym counts as mentioned when the papers spell it out ("looked after children")
    assert "mention" not in sample_services.engine.ask("How is Derby improving LAC health?").answer


def test_progress_reported_in_its_own_paragraph_is_cited_there(sample_services: Services) -> None:
    """Leeds answers each recommendation in the paragraph below it: the progress shown must be quoted from there."""
    result = sample_services.engine.ask("What has Leeds done about recommendation 9?")
    progress = re.search(r"Progress: (.+?) \[\d+\]", result.answer).group(1)
    assert any(is_verbatim(progress, citation.quote) for citation in result.citations)
    assert [c.section for c in result.citations] == ["3.10", "3.10.1"]
    _verbatim(result)


def test_progress_worded_as_another_reply_is_cited_in_the_reply_to_its_own_recommendation(
        sample_services: Services) -> None:
    """Each Leeds reply opens "This recommendation is accepted by the director of children's services.": the
    progress of recommendation 7 is cited in its reply (3.8.1), not in the first reply saying so (3.2.1)."""
    result = sample_services.engine.ask("What has Leeds done about recommendation 7?")
    assert "Progress: This recommendation is accepted" in result.answer
    assert [c.section for c in result.citations] == ["3.8", "3.8.1", "3.8.1"]
    _verbatim(result)


def test_a_when_question_about_a_recommendation_shows_the_progress_sentence_giving_a_date(
        sample_services: Services) -> None:
    """Leeds's reply to recommendation 12 says in its fourth sentence when the new guidance is launched; the second,
    sharing more of the question's words, gives no date."""
    result = sample_services.engine.ask(
        "When will Leeds launch the new guidance on decisions delegated to foster carers under recommendation 12?")
    assert "this will be launched at the end of June" in result.answer.split("The recommendation:")[0]
    assert result.citations[0].section == "3.13"
    _verbatim(result)


def test_a_list_introduced_by_a_following_sentence_is_shown_as_bullets_after_it(sample_services: Services) -> None:
    result = sample_services.engine.ask("What additional staff does the West Sussex assessment model need?")
    lines = result.answer.splitlines()
    opener = next(i for i, line in enumerate(lines) if "the following additional staff:" in line)
    assert lines[opener + 1].startswith("- 8 Senior Social Work Practitioners")
    assert lines[opener + 2].startswith("- 8 Social Workers")
    assert all(re.search(r"\[\d+\]$", line) for line in lines[opener:opener + 3])
    _verbatim(result)


@_needs_pdf(KENT_QA)
def test_a_members_question_brings_the_reply_that_follows_it(fresh_services: Services) -> None:
    """In council Q&A papers the question restates what the user asks; the reply, in the next passage, answers."""
    question = "Has KCC heard back from the satnav providers about alerts near schools?"
    result = _ask_about_pdf(fresh_services, KENT_QA, question)
    assert "Reply: " in result.answer and "remains work in progress" in result.answer


def test_a_question_outside_a_members_item_brings_no_reply(fresh_services: Services, tmp_path: Path) -> None:
    """A paper asking a question of its own (what a consultation asked) is not answered by the paragraph after it."""
    paper = ("Library consultation summary\n\nWhat residents were asked\n\nResidents across the district were asked in "
             "the consultation whether the central library should open on Sundays?\n\nLibrary budget\n\nThe library "
             "service budget for 2025-26 is £4.2m, of which £0.3m is for opening hours.\n\nConsultation responses\n\n"
             "Of the 1,240 residents who responded, 68% supported opening the central library on Sundays. Residents said "
             "Sunday opening would help working families use the library. Opening on Sundays was most popular with "
             "residents aged under 40.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper, "Were residents asked about opening the library on Sundays?")
    assert not result.abstained and "Reply:" not in result.answer and "£4.2m" not in result.answer, result.answer


@_needs_pdf(KENT_QA)
def test_who_asked_and_who_answered_a_members_question_is_the_heading_of_its_item(fresh_services: Services) -> None:
    """ "Question by Mark Hood to Neil Baker, Cabinet Member for ..." heads the Gatwick question: it is quoted before
    the question, which names no one, and it says both who asked and who was asked."""
    for question in ("Who asked the question about Gatwick Airport expansion at the March 2025 County Council?",
                     "Who answered the question about Gatwick Airport expansion?"):
        result = _ask_about_pdf(fresh_services, KENT_QA, question)
        assert not result.abstained, result.answer
        assert result.answer.startswith("Question by Mark Hood to Neil Baker"), result.answer[:200]
        assert result.citations[0].item.startswith("Question 3: Question by Mark Hood")


def test_who_chairs_a_body_is_answered_only_by_a_passage_that_says_who_chairs_it(sample_services: Services) -> None:
    answered = sample_services.engine.ask("Who chairs Leeds's Looked After Children Programme Group?")
    assert "chaired by the deputy director" in answered.answer
    _verbatim(answered)
    refused = sample_services.engine.ask("Who chairs the Corporate Parenting Members Group in B&NES?")
    assert refused.abstained and not refused.citations  # the papers only send it reports
    assert not sample_services.engine.ask("Who chairs the group?", ["Which Leeds group manages the risks?"]).abstained


def test_an_answer_whose_passages_mention_none_of_the_names_asked_about_is_withheld(sample_services: Services) -> None:
    """B&NES's paper names GCSEs once, for 2009; a row on school attainment is not an answer about GCSEs."""
    result = sample_services.engine.ask("What GCSE grades did children in care in B&NES get in 2010?")
    assert result.abstained and "do not mention GCSE" in result.answer and not result.citations
    answered = sample_services.engine.ask("What did B&NES children in care achieve at GCSE?")
    assert not answered.abstained and "GCSE" in answered.citations[0].text


@_needs_pdf(KENT_Q3)
def test_a_name_common_in_the_cited_paper_counts_as_mentioned(fresh_services: Services) -> None:
    """The Q3 report is about its KPIs: a passage of it answers a KPI question without saying "KPI"."""
    result = _ask_about_pdf(fresh_services, KENT_Q3, "What is the latest figure for Kent's foster households KPI?")
    assert not result.abstained and "613" in result.answer


def _refused_but_answered_as_a_plan(services: Services, outcome: str, plan: str, planned_words: str) -> None:
    """The papers give only what was planned: the outcome question is refused, the plan question answered."""
    refused = services.engine.ask(outcome)
    assert refused.abstained and not refused.citations
    planned = services.engine.ask(plan)
    assert planned_words in planned.answer
    _verbatim(planned)


def test_a_change_in_a_number_does_not_answer_how_many_there_are(sample_services: Services) -> None:
    """West Sussex's paper gives only the extra carers it plans; it never says how many it has."""
    _refused_but_answered_as_a_plan(sample_services, "How many foster carers has West Sussex got?",
                                    "How many extra foster carers does West Sussex plan to recruit?",
                                    "additional in-house foster carers")


def test_a_sum_only_projected_does_not_say_what_was_spent_or_saved(sample_services: Services) -> None:
    """Leeds's paper promises a report on 2011/12 savings against a £500k projection; it never gives the savings."""
    outcome = "How much money did Leeds save on external placements during 2011/12?"
    plan = "How much did Leeds project to save on external placements?"
    _refused_but_answered_as_a_plan(sample_services, outcome, plan, "£500k")



KENT_AMENDMENT = EXTERNAL_PDFS.parent / "kcc-library" / (
    "kcc_2025-02-13_full_council_7-amendment-liberal-democrats-adult-social-care-base-budget.pdf")


@pytest.mark.skipif(not KENT_AMENDMENT.exists(), reason="the KCC library is not present")
def test_a_form_paragraph_spanning_its_table_is_quoted_around_the_answer_not_whole(fresh_services: Services) -> None:
    """Its sentences share one cell: the short ones are not short cells of the row to bring along."""
    fresh_services.pipeline.ingest([KENT_AMENDMENT], progress=False)
    result = fresh_services.engine.ask("By how much is adult social care directorate spending planned to rise in 2025-26?")
    assert "£80.3m (13.7%)" in result.answer
    assert "This cannot be justified to Kent council taxpayers" not in result.answer


def test_a_list_announced_without_a_colon_is_brought_with_its_lead(fresh_services: Services, tmp_path: Path) -> None:
    """"... judged against the following bands." ends on a full stop, yet its list follows: the bands are the answer."""
    policy = (
        "Reserves policy\n\n2.1 The Council reviews its general reserves every year against its net revenue budget.\n\n"
        "2.2 Given the financial risks ahead, the Council now intends to hold general reserves worth between 6% and 9% "
        "of its net revenue budget, judged against the following bands.\n\n"
        "• Under 4% is regarded as critical\n• 4% to 6% is regarded as weak\n• 6% to 9% is regarded as adequate\n"
        "• Above 9% is regarded as strong\n\n3. Strategic context\n\n3.1 Interest on cash balances supports the budget.\n")
    answer = ask_about_paper(fresh_services, tmp_path, policy,
                             "How does the policy grade different levels of general reserves?").answer
    assert "judged against the following bands" in answer
    assert "Under 4% is regarded as critical" in answer and "Above 9% is regarded as strong" in answer


def test_reasons_counted_off_firstly_secondly_come_with_the_sentence_announcing_them(
        fresh_services: Services, tmp_path: Path) -> None:
    """"Several factors contribute" says there are reasons; "Firstly, ...", "Secondly, ..." lean on it and give them."""
    minutes = (
        "Virtual School Kent annual report\n\n4. Members asked why few care leavers go on to university. The Head of "
        "the Virtual School explained that several factors contribute to this. Firstly, few young people take Level 3 "
        "courses at seventeen. Secondly, tuition fees deter young people worried about debt. Additionally, "
        "degree apprenticeships offer another route.\n\n5. RESOLVED that the report be noted.\n")
    answer = ask_about_paper(fresh_services, tmp_path, minutes,
                             "What reasons did the Head of the Virtual School give for few care leavers going to "
                             "university?").answer
    assert "several factors contribute to this" in answer
    assert "Firstly, few young people" in answer and "Secondly, tuition fees" in answer
    assert "Additionally, degree apprenticeships" in answer


def test_a_sentence_saying_this_comes_after_the_sentence_saying_what_this_is(
        fresh_services: Services, tmp_path: Path) -> None:
    """ "This would add £1.54 a week" answers how much a bill goes up only with the rise it refers to before it."""
    answer = ask_about_paper(fresh_services, tmp_path, COUNCIL_TAX_PAPER, COUNCIL_TAX_QUESTION).answer
    assert "This would add £1.54 a week" in answer
    assert "4.99% increase" in answer and answer.index("4.99% increase") < answer.index("This would add")


def test_a_sentence_naming_again_what_the_chosen_one_introduced_comes_with_it(
        fresh_services: Services, tmp_path: Path) -> None:
    """ "The loan was repaid ..." takes up the loan the sentence before it introduced: it says what became of it."""
    strategy = (
        "Loans to companies\n\n1.14 Education company\n\nDuring 2019-20 a loan agreement was drawn up with EduCo Ltd, "
        "trading as The Learning People, for £2.2m to aid the start-up of the company. The loan was repaid in full on "
        "28th April 2023 so the balance as at 31.03.24 was £nil.\n\n1.15 Tourism board\n\nDuring 2020-21 the council "
        "lent £0.3m to Visit Shire to aid its marketing and the balance as at 31.03.24 was £0.15m. Repayment is due in "
        "April 2026.\n\n1.16 Broadband\n\nThe council lent £5m to a broadband provider in 2018-19 to aid the start-up "
        "of rural connections. The provider repaid £1m in 2023-24.\n")
    answer = ask_about_paper(fresh_services, tmp_path, strategy,
                             "What happened to the start-up money The Learning People got from the council?").answer
    lead = "a loan agreement was drawn up with EduCo Ltd"
    assert lead in answer and "The loan was repaid in full on 28th April 2023" in answer
    assert answer.index(lead) < answer.index("The loan was repaid")


def test_a_section_longer_than_a_passage_is_read_on_past_the_cut(fresh_services: Services, tmp_path: Path) -> None:
    """The best passage brings the next one of its section: an answer may run on past the 160-word cut."""
    filler = " ".join(f"The panel also heard evidence on topic {n} from officers and partners." for n in range(11))
    paper = ("Allotment waiting lists\n\n4.1 The allotment waiting list review began in spring after residents "
             f"complained about delays in the Wexbridge ward. {filler}\n\n4.2 Plots released after the review totalled "
             "sixty-two, most of them split into half plots.\n")
    (tmp_path / "paper.txt").write_text(paper, encoding="utf-8")
    fresh_services.pipeline.ingest([tmp_path / "paper.txt"], progress=False)
    passages = fresh_services.engine.passages("Why did the allotment waiting list review begin in Wexbridge?", top_k=1)
    texts = [p.chunk.text for p in passages if p.chunk.source.endswith("paper.txt")]
    assert any("Wexbridge ward" in text for text in texts)
    assert any("sixty-two" in text and "Wexbridge" not in text for text in texts)


@pytest.mark.parametrize(("text", "leads"), [
    ("Cabinet is asked to:", True),
    ("Cabinet is asked to: a.)", True),
    ("The Committee RESOLVED to: (i)", True),
    ("Reserves are judged against the following bands.", True),
    ("The position is as follows.", True),
    ("There are three critical issues that will shape the budget:", True),
    ("There will be two scenarios for the budget;", True),
    ("The Council approved the budget.", False),
    ("Ratio: 4.2", False),
])
def test_a_list_lead_in_is_told_the_same_way_when_searching_and_answering(text: str, leads: bool) -> None:
    """One test decides both whether search brings a passage's list items along and whether the answer shows them."""
    assert opens_list(text) is leads


def test_a_decisions_lettered_items_run_together_are_shown_one_a_line(fresh_services: Services, tmp_path: Path) -> None:
    """A decision's items printed in one paragraph ("... to: a) To ADOPT ... b) To DELEGATE ...") are bulleted one a
    line in the answer; the quote keeps the paper's words as printed."""
    paper = ("Cycling strategy decision\n\n1.1 Cabinet received the cycling strategy report in March.\n\n"
             "Decision: Cabinet is asked to: a) To ADOPT the Cycling Strategy on behalf of the council b) To DELEGATE "
             "authority to the Director of Highways to make minor changes to the strategy c) To NOTE the results of "
             "the public consultation on the strategy.\n\n2.1 The strategy runs to 2030.\n")
    result = ask_about_paper(fresh_services, tmp_path, paper, "What is Cabinet asked to decide on the cycling strategy?")
    assert "\n- b) To DELEGATE authority to the Director of Highways" in result.answer, result.answer
    assert "\n- c) To NOTE the results" in result.answer, result.answer
    assert any("council b) To DELEGATE" in citation.quote for citation in result.citations)
    assert all(is_verbatim(citation.quote, paper) for citation in result.citations)


COUNCIL_MINUTES = KCC_LIBRARY / "kcc_2025-02-13_full_council_printed-minutes-13th-feb-2025-09-30-county-council.pdf"


@pytest.mark.skipif(not COUNCIL_MINUTES.is_file(), reason="the Kent library is not here")
def test_a_question_about_a_vote_is_answered_with_its_tally(fresh_services: Services) -> None:
    """Minutes record a vote as counts over lists of names, below the amendment put: "how did the vote go" is
    answered with the vote put and its counts, not with the amendment's words again."""
    assert not fresh_services.pipeline.ingest([COUNCIL_MINUTES], progress=False).failed
    result = fresh_services.engine.ask("What was the vote on the amendment about home to school transport?")
    assert not result.abstained and "For (16)" in result.answer and "Against (41)" in result.answer, result.answer
    assert "to the vote" in result.answer.split("[1]")[0], result.answer  # it leads with the vote, not the amendment
    # one vote, each count once: not another amendment's vote after it, nor a count again as the start of the next
    assert result.answer.count("to the vote") == 1 and result.answer.count("Against (41)") == 1, result.answer
    assert all(is_verbatim(c.quote, fresh_services.store.document_text(c.source) or "") for c in result.citations)
    # each amendment's vote is its own: the counts are found by what was put forward before them
    for question, counts in (("How did the vote go on the amendment to put more capital into highway asset maintenance?",
                               ("For (8)", "Against (40)")),
                             ("How did the vote on the Labour Group's alternative budget go?", ("For (12)", "Against (42)"))):
        answer = fresh_services.engine.ask(question).answer
        assert all(count in answer for count in counts), (question, answer)
    # a question about what an amendment proposed is not answered by its vote, though the vote is embedded with it
    for question in ("What did the home to school transport amendment propose?",
                     "What exactly was the proposed purpose of the amendment on home to school transport?"):
        answer = fresh_services.engine.ask(question).answer
        assert "feasibility study" in answer and "For (16)" not in answer, (question, answer)


BUDGET_REPORT = KCC_LIBRARY / "kcc_2025-02-13_full_council_february-2025-kent-county-council-budget-report.pdf"


@pytest.mark.skipif(not BUDGET_REPORT.is_file(), reason="the Kent library is not here")
def test_a_follow_up_about_its_subject_is_answered_for_the_subject_of_the_earlier_question(
        fresh_services: Services) -> None:
    """"Has its tax base grown?" after a question about Dover's precept asks about Dover's tax base: the district's
    row of the tax base table, not the county's overall assumption alone."""
    assert not fresh_services.pipeline.ingest([BUDGET_REPORT], progress=False).failed
    for district, change in (("Dover", "+3.05%"), ("Maidstone", "-0.26%")):
        history = [f"What precept will {district} pay to the county council in 2025-26?"]
        result = fresh_services.engine.ask("Has its tax base grown since last year?", history)
        assert f"District: {district}" in result.answer and change in result.answer, result.answer
        assert all(is_verbatim(c.quote, fresh_services.store.document_text(c.source) or "") for c in result.citations)


GLOSSARY = KCC_LIBRARY / "kcc_2025-03-13_full_council_appendix-2-glossary-of-terms-2024-25.pdf"


@pytest.mark.skipif(not GLOSSARY.is_file(), reason="the Kent library is not here")
def test_a_row_found_by_its_name_alone_is_answered_with_the_cell_after_it(fresh_services: Services) -> None:
    """A glossary row's first cell ("PWLB") only names what was asked: when it leads, the cell that says what it
    means comes with it, however long (short cells only came before, so other papers' sentences followed "PWLB")."""
    assert not fresh_services.pipeline.ingest([GLOSSARY], progress=False).failed
    for question, term, meaning in (("How does the glossary define the PWLB?", "PWLB", "Public Works Loan Board"),
                                    ("What does MRP stand for?", "MRP", "Minimum Revenue Provision")):
        context = fresh_services.engine.context(question)
        assert context is not None
        answerer = fresh_services.engine.steps.answerers[-1]
        scored, _ = answerer.scorer.score(context)
        name_cell = next(s for s in scored if s.text.strip() == term and s.chunk.kind == "table_row")
        companions = answerer._row_status(name_cell, scored, [name_cell], context.analysis)
        assert companions and companions[0].text.startswith(meaning), [c.text for c in companions]
        answer = fresh_services.engine.ask(question).answer
        assert meaning in answer.split("[1]")[0], answer
