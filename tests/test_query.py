"""Query understanding: councils, recommendation numbers, years, answer types, follow-ups and acronyms."""

from __future__ import annotations

import pytest

from assistant.followup import needs_history, resolve_question
from assistant.glossary import acronyms_in, expand_query, explain
from assistant.query import analyse, part_analysis, question_parts, without_councils
from assistant.unmentioned import proper_names
from index.lexical import content_terms
from index.synonyms import with_synonyms


@pytest.mark.parametrize("question,numbers", [
    ("where are we on rec 7?", ("7",)),
    ("What happened to recommendation seven?", ("7",)),
    ("Status of R12 please", ("12",)),
    ("recommendations 3 and 14", ("3",)),
    ("How many children are in care?", ()),
])
def test_recommendation_numbers(question: str, numbers: tuple[str, ...]) -> None:
    assert analyse(question).recommendation_numbers[: len(numbers)] == numbers
    if not numbers:
        assert analyse(question).recommendation_numbers == ()


@pytest.mark.parametrize("question,councils", [
    ("What did Derby decide?", ("Derby City Council",)),
    ("east sussex fostering budget", ("East Sussex County Council",)),
    ("How is B&NES doing on EET?", ("Bath and North East Somerset Council",)),
    ("Compare Leeds and Kent", ("Leeds City Council", "Kent County Council")),
    ("What did the panel say about foster carers?", ()),
])
def test_councils_are_recognised_in_plain_typing(question: str, councils: tuple[str, ...]) -> None:
    assert analyse(question).councils == councils


def test_answer_types() -> None:
    assert analyse("How many foster carers are there?").answer_type_satisfied("There are 40 carers.")
    assert not analyse("How many foster carers are there?").answer_type_satisfied("There are many carers.")
    assert not analyse("How much will the unit cost?").answer_type_satisfied("The unit will have 10 beds.")
    assert analyse("How much will the unit cost?").answer_type_satisfied("It will cost £1.2 million.")
    assert analyse("What time did the meeting finish?").answer_type_satisfied("It was adjourned at 7:48 p.m.")
    assert not analyse("What time did the meeting finish?").answer_type_satisfied("The meeting was adjourned.")
    assert not analyse("What were the GCSE results in 2010?").answer_type_satisfied("In 2009 16.7% achieved 5 GCSEs.")
    assert analyse("What were the GCSE results in 2009/10?").answer_type_satisfied("In 2010 20% achieved 5 GCSEs.")
    assert not analyse("Who chairs the panel?").answer_type_satisfied("this report sets out plans for the year")
    assert analyse("Who chairs the panel?").answer_type_satisfied("The panel is chaired by the Director.")


def test_a_share_or_a_count_of_money_matters_is_not_asked_as_a_sum() -> None:
    share = analyse("What proportion of the net revenue stream do financing costs take up in the 2025-26 budget?")
    assert share.wants_quantity and not share.wants_money and share.answer_type_satisfied("6.78")
    # "share" asks for a figure as "proportion" does: "4% of our capital finance requirement"
    share = analyse("What share of its capital financing requirement did the council set aside for MRP?")
    assert share.wants_quantity and not share.wants_money and not share.answer_type_satisfied("MRP is charged each year.")
    assert not analyse("How many savings proposals does the budget make?").wants_money
    assert analyse("How much will the budget cost?").wants_money


def test_a_sum_named_after_what_is_asked_as_a_sum() -> None:
    requirement = analyse("What net revenue budget requirement did County Council approve for 2025-26?")
    assert requirement.wants_money and analyse("What total council tax requirement was agreed?").wants_money
    assert not requirement.answer_type_satisfied("The 2025-26 revenue budget was agreed by County Council in February.")
    assert requirement.answer_type_satisfied("(c) The net revenue budget requirement of £1,530.9m for 2025-26.")
    assert not analyse("What local spending targets does the plan set?").wants_money  # a target, not a sum
    assert not analyse("What exactly did the budget report say about reserves?").wants_money


def test_a_question_for_a_day_or_a_month_is_not_answered_by_a_year() -> None:
    on_what_date = analyse("On what date will the new website go live?")
    assert not on_what_date.answer_type_satisfied("The new website is due to go live in 2025.")
    assert not on_what_date.answer_type_satisfied("A decision on the market is due in March 2025.")  # a month, no day
    assert on_what_date.answer_type_satisfied("The website went live on 16 December 2024.")
    assert on_what_date.answer_type_satisfied("It went live on 03/02/2025.")
    in_what_month = analyse("In what month of 2025 will the strategy be published?")
    assert not in_what_month.answer_type_satisfied("The strategy is due for publication in 2025.")
    assert not in_what_month.answer_type_satisfied("The strategy may be published in 2025.")  # "may" is a verb here
    assert in_what_month.answer_type_satisfied("The strategy will be published in June 2025.")
    assert analyse("When will the strategy be published?").answer_type_satisfied("It is due in 2025.")
    # a month is a month's name, not any word that starts like one ("decision", "market")
    assert not analyse("When will the strategy be published?").answer_type_satisfied("A decision on the market is due.")


def test_what_someone_was_asked_to_do_is_a_deed_not_a_sum() -> None:
    """"What was Cabinet asked to do with the draft budget?" is answered by "Cabinet is asked to: a) consider ...",
    which holds no sum; "What was the draft budget?" still asks for one."""
    deed = analyse("What was Cabinet asked to do with the draft 2025-26 revenue budget and capital programme?")
    assert not deed.wants_money
    assert analyse("What was the draft 2025-26 revenue budget?").wants_money


def test_a_year_or_a_labels_number_is_not_a_count() -> None:
    looked_after = analyse("How many looked after children does the council have?")
    assert not looked_after.answer_type_satisfied("The Children Act 1989 names looked after children's carers.")
    assert not looked_after.answer_type_satisfied("Item 15: the council looks after a significant number of children.")
    assert looked_after.answer_type_satisfied("In March 2012 the council had 1,450 looked after children.")
    responded = analyse("How many people responded to the survey?")
    assert not responded.answer_type_satisfied("The survey closed on 23 January 2025.")  # a date's day counts nothing
    assert responded.answer_type_satisfied("23 people responded to the survey by 30 January.")
    agencies = analyse("How many agencies applied?")
    assert not agencies.answer_type_satisfied("Recommendation 6: agencies applied by August 2003.")
    assert agencies.answer_type_satisfied("Twelve agencies applied by August 2003.")


def test_a_rates_figures_are_not_a_count_unless_a_rate_is_asked() -> None:
    in_care = analyse("How many children in care does the council have?")
    rate = "Staffing was 35 per 10,000 children against 48 per 10,000 children in Nottingham."
    assert not in_care.answer_type_satisfied(rate) and not in_care.counts_asked(rate)
    assert in_care.answer_type_satisfied("The council looked after 450 children in care at 31 March.")
    assert in_care.counts_asked("The council looked after 450 children in care at 31 March.")
    per_10000 = analyse("How many children in care per 10,000 does the council have?")
    assert per_10000.answer_type_satisfied("The council had 46.9 children in care per 10,000 children in 2008.")
    assert analyse("What is the rate of children in care?").answer_type_satisfied(rate)


def test_how_many_questions_know_what_they_count() -> None:
    analysis = analyse("How many fostering households did Kent have at the end of 2024?")
    assert analysis.counted == {"foster", "household"}
    assert analysis.counts_asked("As of December there were 613 approved households.")
    assert not analysis.counts_asked("The report was published on 28 February 2012.")
    assert analyse("How many recommendations were made?").counts_asked("It makes a total of twelve recommendations.")
    assert analyse("How many extra staff will fostering get?").counts_asked("It needs 3 fte.")  # fte: staff
    carers = analyse("How many approved foster carers does West Sussex have?")
    assert not carers.answer_type_satisfied("This assumes 30 additional in-house foster carers.")  # a change
    assert carers.answer_type_satisfied("The number of foster carers stands at 612.")
    assert not carers.answer_type_satisfied("The report was published in 2009.")
    assert analyse("How many extra foster carers are planned?").answer_type_satisfied("30 additional foster carers")
    saved = analyse("How much did Leeds actually save in 2011/12?")
    assert not saved.answer_type_satisfied("A report on savings in 2011/12 against the £500k projection.")
    assert saved.answer_type_satisfied("Savings of £420k were achieved in 2011/12.")
    anticipated = "It is anticipated that over 3 years the programme will deliver circa £4 million savings per annum."
    assert not saved.answer_type_satisfied(anticipated)  # a sentence that only expects its sum
    assert analyse("How much is the programme expected to save?").answer_type_satisfied(anticipated)
    for hoped in ("How much is the council hoping to save?", "How much does it anticipate saving?",
                  "How much is it likely to save?", "How much do they intend to save?"):
        assert analyse(hoped).answer_type_satisfied(anticipated), hoped
    assert analyse("How much is planned for 2010?").answer_type_satisfied("A planned spend of £186,000 in 2010.")
    assert analyse("By how much will the service grow?").wants_quantity
    assert analyse("What did Kent decide?").counted == frozenset()


def test_a_scoped_search_looks_for_the_topic_without_the_council_names() -> None:
    bath = ("Bath and North East Somerset Council",)
    assert without_councils("How much does Bath and North East Somerset spend?", bath) == "How much does spend?"
    assert without_councils("Is B&NES's plan on track?", bath) == "Is plan on track?"
    assert without_councils("What did Kent's cabinet decide?", ("Kent County Council",)) == "What did cabinet decide?"
    assert without_councils("What did Kent decide?", ()) == "What did Kent decide?"


def test_council_paraphrases_count_as_the_same_word() -> None:
    assert {"expenditur", "spent"} <= with_synonyms(content_terms("spend"))
    assert "annum" in with_synonyms(content_terms("each year"))
    assert with_synonyms(content_terms("foster carers")) >= {"foster", "carer", "household"}
    assert with_synonyms(content_terms("looked after children")) == content_terms("looked after children")
    # "Who decides ...?" is answered by "a decision only Ministers can make"
    assert analyse("Who decides whether the elections are postponed?").answer_type_satisfied(
        "Any decision to postpone council elections is a decision only Ministers can make.")


def test_proper_names_are_the_capitalised_words_that_do_not_open_a_sentence() -> None:
    assert proper_names("What Ofsted grades did Derby's homes get?") == ["Ofsted", "Derby"]
    assert proper_names("Ofsted grades? And the GCSE results.") == ["GCSE"]
    # the body a paper went to is no name the paper must print (FORUM): a plan's table never says "Cabinet"
    assert proper_names("What did Kent's Cabinet decide in Q3?", content_terms("Kent")) == ["Q3"]
    assert proper_names("what did the council decide?") == []
    # a title names no one a cited passage must mention: the Minister's letter is signed, not titled, on its pages
    assert proper_names("What deadlines did the Minister set for the Leader's plan?") == []
    # an abbreviation in brackets glosses the words before it: the paper may say only "High Needs"
    assert proper_names("How likely is the high needs (SEN) risk for Kent?") == ["Kent"]
    assert proper_names("What did the Local Government Association (LGA) say?") == ["Local", "Government", "Association"]


def test_a_span_of_time_does_not_count_what_how_many_counts() -> None:
    plans = analyse("How many individual savings plans are held in the new database?")
    assert not plans.answer_type_satisfied("A central database holds all savings plans over the three years.")
    assert plans.answer_type_satisfied("The database holds 412 savings plans.")
    assert analyse("How many years does the plan cover?").answer_type_satisfied("The plan covers three years.")
    assert analyse("How long did the review take?").answer_type_satisfied("The review took six months.")


def test_who_does_what_needs_the_doing_in_the_answer() -> None:
    chairs = analyse("Who chairs the Overview and Scrutiny Panel?")
    assert chairs.answer_type_satisfied("This group is chaired by the deputy director.")
    assert not chairs.answer_type_satisfied("A report goes to the Overview and Scrutiny Panel in autumn.")
    assert analyse("Who leads on CAMHS?").answer_type_satisfied("The work was led by the Head of Service.")
    assert analyse("Who is responsible for it?").role == frozenset()  # "is" is no deed to look for
    # a follow-up opening with a joining word asks as the bare question does
    seconded = analyse("And who seconded it?")
    assert seconded.wants_person and seconded.answer_type_satisfied("Ms Meade seconded the motion.")
    assert analyse("And when did the Commission sign it off?").wants_date
    assert analyse("and how many care leavers are they supporting?").wants_quantity
    # a word qualifying "who" is no deed either: the deed is the word after it, if any
    assert analyse("Who currently chairs the panel?").role == analyse("Who chairs the panel?").role
    assert analyse("Who else did he copy the letter to?").role == frozenset()
    moved = analyse("Who moved the consent calendar, and who seconded it?")
    assert moved.answer_type_satisfied("RESULT: APPROVED AS AMENDED MOTION BY: Garcia SECOND: Allen Fisk")  # minutes' form
    assert not moved.answer_type_satisfied("The consent calendar was approved by Commissioner Garcia.")
    # who moved a motion is who the minutes say proposed it
    assert moved.answer_type_satisfied("Mr Hood proposed, and Mr Lewis seconded the following amendment:")
    assert "propos" not in with_synonyms(content_terms("moving the service"))  # a search for "moving" stays as it was


def test_comparisons_and_quotes_are_recognised() -> None:
    assert analyse("Which councils cut agency placements?").wants_comparison
    assert analyse("Did Leeds and Derby both accept them?").wants_comparison
    assert not analyse("What did Derby decide about campaigns with other councils?").wants_comparison
    # one council named: its own paper's benchmarks, not a comparison across the library
    assert not analyse("How does West Sussex compare to similar councils?").wants_comparison
    assert analyse("Give me the exact wording of recommendation 9").wants_quote


def test_elliptical_followups_carry_the_earlier_topic() -> None:
    history = ["What did Derby decide about joint recruitment campaigns?"]
    assert needs_history("and why?") and needs_history("what about rec 16?")
    assert not needs_history("What did Leeds decide about external placements?")
    assert resolve_question("and why?", history) == f"{history[0]} and why?"
    assert resolve_question("What did Leeds decide about external placements?", history).startswith("What did Leeds")


def test_a_followup_leaning_on_it_or_its_is_asked_of_the_earlier_question_however_long() -> None:
    history = ["What precept will Dover pay to the county council in 2025-26?"]
    follow_up = "Has its council tax base grown or shrunk across the district, and by how much?"
    assert needs_history(follow_up) and needs_history("How often does it meet, and when will it report back?")
    assert resolve_question(follow_up, history) == f"{history[0]} {follow_up}"
    # "that" and "this" are often no pronoun at all: a question long enough to stand alone stays as asked
    standalone = "What evidence is there that this year's placements cost more than planned?"
    assert resolve_question(standalone, history) == standalone


def test_a_followup_counting_years_from_the_earlier_question_names_the_year() -> None:
    spend = ["How much did Kent spend on transport in 2024/25?"]
    assert resolve_question("Is that up on the previous year?", spend).endswith("the previous year (2023/24)?")
    assert resolve_question("And the year after?", ["How much is borrowed?"]).endswith("And the year after?")


def test_a_followup_moving_only_the_year_asks_the_earlier_question_of_that_year() -> None:
    borrowing = ["How much of the capital programme is to be funded by borrowing in 2025-26?"]
    of_2026 = "How much of the capital programme is to be funded by borrowing in 2026-27?"
    assert resolve_question("And the year after?", borrowing) == of_2026
    assert resolve_question("And the year after, 2026-27?", borrowing) == of_2026
    assert resolve_question("And the year before?", ["What rise was agreed in 2025?"]) == "What rise was agreed in 2024?"
    # the year asked about is the earlier question's last: the plan's span stays
    plan = ["How much grant does the 2025-28 revenue plan expect in 2025-26?"]
    assert resolve_question("And in 2027-28?", plan) == "How much grant does the 2025-28 revenue plan expect in 2027-28?"
    # a follow-up asking more than another year is joined to the earlier question
    assert resolve_question("And between 2029 and 2032?", borrowing) == f"{borrowing[0]} And between 2029 and 2032?"


def test_acronyms_are_explained_and_read_for_what_is_counted() -> None:
    assert acronyms_in("LAC and CAMHS, not lac") == ["LAC", "CAMHS"]
    assert "looked after children" in expand_query("How many LAC?")
    assert explain("The PEP was late.") == "PEP: personal education plan"
    assert explain("Nothing to explain here.") == ""
    # a plural takes its singular's meaning
    assert "key performance indicators" in expand_query("How many KPIs were red?")
    assert explain("Four KPIs were red.") == "KPIs: key performance indicators"
    assert "indic" in analyse("How many KPIs were red?").counted  # "nine indicators" answers it


def test_how_often_is_answered_by_a_frequency_as_by_a_number() -> None:
    analysis = analyse("How often does the council look again at its rules on reserves?")
    assert analysis.answer_type_satisfied("The Council will review the Reserves Policy on an annual basis.")
    assert analysis.answer_type_satisfied("The board meets every two weeks.")
    assert not analysis.answer_type_satisfied("The Council will maintain a general reserve.")
    # a frequency word is no count for "how many"
    assert not analyse("How many reserves does the council hold?").answer_type_satisfied("It reports annually.")


def test_past_tense_questions_about_months_after_the_papers() -> None:
    from assistant.query import asks_after_papers

    papers = [{"date": "2012-04-26"}, {"date": "2011-11"}]
    assert asks_after_papers("What did the July 2012 report conclude?", papers) == "2012-07"
    assert asks_after_papers("What will the July 2012 report cover?", papers) is None  # a promise, not a past event
    assert asks_after_papers("What did the March 2012 report conclude?", papers) is None
    assert asks_after_papers("What did the July 2012 report conclude?", [{"date": None}]) is None  # undated: unknown
    march = [{"date": "2025-03-04"}, {"date": "2025-03-13"}]
    assert asks_after_papers("How many households did Kent have at the end of March 2025?", march) == "2025-03-31"
    assert asks_after_papers("How many households did Kent have in March 2025?", march) is None
    assert asks_after_papers("What was the figure at the end of March 2025?", [{"date": "2025-03"}]) is None
    assert asks_after_papers("What were the investments worth at 31 March 2025?", march) == "2025-03-31"
    assert asks_after_papers("What did Cabinet agree on 4 March 2025?", march) is None  # a day the papers reach


def test_a_question_asking_several_things_is_split_into_its_parts() -> None:
    assert question_parts("Who approved the new pay structure, and when?") == ["Who approved the new pay structure", "when?"]
    assert question_parts("How many forms of entry and how many Reception places does the plan commission?") == [
        "How many forms of entry", "how many Reception places does the plan commission?"]
    # a scene-setting opening belongs to the question after it
    assert len(question_parts("Under decision 24/00109, what is Cabinet asked to agree?")) == 1
    # two question words sharing one rest ask it twice
    assert question_parts("Where and when is the pilot?") == ["Where is the pilot?", "When is the pilot?"]
    # ... unless it is followed by a question of its own; "out of how many" asks one
    assert question_parts("In the Q2 report, how many KPIs were red, and out of how many?") == [
        "In the Q2 report, how many KPIs were red", "out of how many?"]
    assert part_analysis(analyse("Which inspector examined the Kent plan, and when did hearings start?"),
                         "when did hearings start?").wants_date


def test_a_question_about_what_is_to_come_is_not_answered_by_earlier_years() -> None:
    upcoming = analyse("When is the Special School Review due to be completed?")
    assert upcoming.dated_before("The review began in 2023.", "2025-01-30")
    assert not upcoming.dated_before("The review will report in 2025-26.", "2025-01-30")
    assert not upcoming.dated_before("The review began in 2023.", None)  # the paper's date unknown: no judgement
    assert not analyse("When did the review start?").dated_before("The review began in 2023.", "2025-01-30")
    next_meeting = analyse("When is the next meeting of the panel?")
    assert next_meeting.dated_before("PANEL – 10th December 2024 MINUTES of the meeting", "2024-12-10")  # its own day
    assert not next_meeting.dated_before("The next meeting is on 4 February 2025.", "2024-12-10")
    assert not next_meeting.dated_before("It is due in December 2024.", "2024-12-10")  # later that month


def test_a_name_or_a_named_role_asked_for_wants_a_person() -> None:
    assert analyse("What is the name of the planning inspector who held the examination?").wants_person
    assert analyse("Which councillor chairs the joint committee?").wants_person
    assert not analyse("Which schools are expanding?").wants_person


def test_a_vice_chair_does_not_answer_who_chairs() -> None:
    chairs = analyse("Who chairs the Corporate Parenting Panel?")
    assert not chairs.answer_type_satisfied("RESOLVED that Mr P Bartlett be duly elected Vice Chair of the Panel.")
    assert chairs.answer_type_satisfied("Mrs Chandler chaired the Corporate Parenting Panel.")
    assert analyse("Who is vice chair of the panel?").answer_type_satisfied("Mr P Bartlett was elected Vice Chair.")


def test_who_is_not_answered_by_the_role_the_question_names() -> None:
    leader = analyse("Who is the Leader of Kent County Council?")
    assert not leader.answer_type_satisfied("The Leader was also present.")
    assert not leader.answer_type_satisfied("The Leader of Kent County Council spoke.")
    assert leader.answer_type_satisfied("Mr R Gough, Leader of the Council, provided an update.")
    assert analyse("Who approved the budget?").answer_type_satisfied("County Council approved the budget.")


def test_a_table_row_answers_when_only_by_a_date_in_its_cells() -> None:
    opens = analyse("When is the proposed public mortuary expected to open?")
    budget_row = ("Capital programme\nProject: Public Mortuary | Total Cost £000s: 3,000 | 2029-30 Year 5 £000s: 0")
    assert not opens.row_answers("Public Mortuary 3,000 0", budget_row)  # the year is a column's name
    assert opens.row_answers("Public Mortuary March 2027", "Project: Public Mortuary | Opening: March 2027")
    cost = analyse("How much will the public mortuary cost?")
    assert cost.row_answers("Public Mortuary 3,000 0", budget_row)  # its sum's pounds are in the column's name


def test_a_percentage_asked_is_stated_as_one() -> None:
    """"What percentage ...?" is answered by a share written with "%" or "per cent", not by another figure."""
    share = analyse("What percentage pay award for 2025-26 is built into the draft budget?")
    assert share.wants_percentage
    assert not share.answer_type_satisfied("Contribution to the annual pay award for 2025-26: £5.2m")
    assert share.answer_type_satisfied("The draft budget assumes a 3% pay award for 2025-26.")
    assert share.answer_type_satisfied("It assumes a pay award of three per cent in 2025-26.")
    assert not analyse("How much is built into the draft budget for the pay award?").wants_percentage


def test_a_figure_the_question_gives_does_not_answer_it() -> None:
    cameras = analyse("How many ANPR cameras would the £1m fly-tipping amendment have paid for?")
    assert not cameras.answer_type_satisfied("Allocate £1m to fund movable ANPR cameras near fly-tipping sites.")
    assert cameras.answer_type_satisfied("The £1m would fund 12 movable ANPR cameras.")
    children = analyse("How many of the 4,798 home-educated children KCC monitors have an EHCP?")
    assert not children.answer_type_satisfied("KCC currently monitors 4,798 pupils who are educated at home.")
    assert children.answer_type_satisfied("Of the 4,798 children, 312 have an EHCP.")


def test_a_question_about_a_vote_is_answered_by_its_tally_or_outcome() -> None:
    for question in ("How did the vote on the LEVI amendment go?", "What was the vote on adopting the plan?",
                     "How did Mr Brady vote on the amendment?"):
        vote = analyse(question)
        assert vote.wants_vote and vote.answer_type_satisfied("For (16) Mr Baldock, Mr Brady, Mr Campkin"), question
    whole = analyse("Who moved it, and did it pass?")
    passed = part_analysis(whole, question_parts("Who moved it, and did it pass?")[-1])
    assert passed.wants_vote and passed.answer_type_satisfied("Amendment lost.")
    vote = analyse("How did the vote on the LEVI amendment go?")
    assert not vote.answer_type_satisfied("Mr Hook proposed, and Mr Streatfeild seconded the following amendment:")
    assert not vote.answer_type_satisfied("£2.149m to top up the LEVI capital project for 2025-26.")
    for named in ("Was the Liberal Democrat highway asset maintenance amendment carried?",
                  "Did Mr Hood's home to school transport amendment pass?"):
        assert analyse(named).wants_vote, named
    for other in ("Which amendments to the budget were voted on in February?",
                  "Did the recruitment campaign bring in more foster carers?",
                  "How many young people voted in the Youth County Council elections?"):
        assert not analyse(other).wants_vote, other


def test_a_financial_year_asked_is_not_answered_by_the_one_before_or_after() -> None:
    """The 2025-26 budget shares a year with 2026-27 but is no answer about it; a plan's span ("2025-28") holds its
    years; a year asked alone is met by the financial year holding it ("2008/09" answers "in 2009")."""
    later = analyse("What net budget is proposed for Adult Social Care in 2026-27?")
    assert not later.answer_type_satisfied("Net Budget 2025-26; Adult Social Care: £643.2m")
    assert later.answer_type_satisfied("Net Budget 2026-27; Adult Social Care: £671.0m")
    assert later.answer_type_satisfied("The 2025-28 plan sets Adult Social Care at £671.0m in the second year.")
    beyond = analyse("How much growth for waste disposal does the plan assume for 2028-29?")
    assert not beyond.answer_type_satisfied("Waste Disposal: 2025-28 Draft MTFP 2027-28: £1.0m")
    assert analyse("What was the rate in 2009?").answer_type_satisfied("The rate was 4.2 in 2008/09.")
    baseline = analyse("What increase did the Public Health grant settlement for 2025-26 give councils?")
    assert baseline.answer_type_satisfied("The grant includes an average 5.4% cash increase compared to 2024-25.")


def test_what_how_many_counts_is_found_when_a_verb_or_of_follows_it() -> None:
    """"How many independent fostering agencies applied ...?" counts agencies, so a figure about something else (the
    "3 working days" of another row) does not answer it."""
    assert analyse("How many independent fostering agencies applied to join the list?").counted == {
        "independ", "foster", "agenc"}
    assert analyse("How many of Derby's foster carers live outside the city?").counted == {"foster", "carer"}
    assert analyse("How many people responded to the consultation?").counted == {"peopl"}
    agencies = analyse("How many independent fostering agencies applied to join the list?")
    assert not agencies.answer_type_satisfied("Carers should have up to 3 working days per year to attend reviews.")
    assert agencies.answer_type_satisfied("Twelve independent fostering agencies applied.")


@pytest.mark.parametrize(("questions", "without_a_sum", "with_a_sum", "asking_no_sum"), [
    # "How much Services Grant did Kent receive?" asks for a sum: "a new grant for 2022-23" does not give one
    (("How much Services Grant did Kent receive in 2022-23?", "How much did the campaign raise?",
      "How much income does the solar park bring in each year?", "How much will the council borrow?"),
     "This was a new, un-ringfenced grant for 2022-23, one of 3 grants.",
     "Kent received £3.2m of Services Grant in 2022-23.",
     ("How many grants were awarded?", "What are the core principles of the capital strategy on borrowing?")),
    # "What weekly allowance does Derby pay?" is not answered by a sentence without a sum
    (("What weekly allowance does Derby pay its foster carers?", "What stipend amount did the officer recommend for "
      "commissioners?", "What fees does the council charge for the service?", "What price was agreed for the site?",
      "What stipend amount per meeting was proposed?"),
     "Derby reviews its foster carers' allowances every year.",
     "Derby pays foster carers an allowance of £120 a week.",
     ("What did the panel decide about foster carer allowances?",)),
], ids=["a grant, income or borrowing asked how much", "a fee, stipend, allowance, wage, price or charge asked what"])
def test_a_sum_asked_for_is_not_given_by_a_sentence_without_one(questions: tuple[str, ...], without_a_sum: str,
                                                                 with_a_sum: str, asking_no_sum: tuple[str, ...]) -> None:
    for question in questions:
        assert analyse(question).wants_money, question
    first = analyse(questions[0])
    assert not first.answer_type_satisfied(without_a_sum)
    assert first.answer_type_satisfied(with_a_sum)
    for question in asking_no_sum:
        assert not analyse(question).wants_money, question


def test_a_name_asked_for_is_not_given_by_a_body_or_a_post() -> None:
    inspector = analyse("What is the name of the planning inspector who held the examination?")
    assert inspector.wants_named_person
    assert not inspector.answer_type_satisfied("The Council must receive a report from the Planning Inspectorate.")
    assert inspector.answer_type_satisfied("The examination was held by Jane Stevens, an Inspector.")
    chair = analyse("Who is the current chair of the Joint Health Overview and Scrutiny Committee?")
    assert not chair.answer_type_satisfied("There will be a Joint Overview and Scrutiny Committee comprising of "
                                           "members appointed by Medway Council and Kent County Council.")
    assert chair.answer_type_satisfied("Mr Booth was elected Chair of the Committee.")
    assert analyse("Which councillor's question was not put?").wants_named_person
    # a post answers who does something ("chaired by the deputy director"), and "who is responsible" names no post
    assert not analyse("Who chairs the Overview and Scrutiny Panel?").wants_named_person
    assert not analyse("Who is responsible for the plan?").wants_named_person


def test_a_sum_is_not_a_count() -> None:
    """"How many journeys?" is not answered by a budget line's figures, written as sums or under a column in pounds."""
    journeys = analyse("How many concessionary bus journeys were made in Kent last year?")
    budget_line = ("Item 83: 2024-25 Revised Base Budget (Net Cost) £000s: 12,973.5; Key Service: English National "
                   "Concessionary Travel Scheme")
    assert not journeys.answer_type_satisfied(budget_line)
    assert not journeys.answer_type_satisfied("Concessionary bus travel cost £12.9m last year.")
    assert journeys.answer_type_satisfied("There were 10.2 million concessionary bus journeys in 2024.")
    assert analyse("How much did concessionary bus travel cost?").answer_type_satisfied(budget_line)


@pytest.mark.parametrize("question", [
    "Did the December 2024 County Council pass the motion calling for proportional representation?",
    "Was the motion on proportional representation passed?",
    "Did councillors approve the amendment on potholes?",
])
def test_asking_whether_a_motion_passed_asks_about_its_vote(question: str) -> None:
    assert analyse(question).wants_vote


def test_a_motion_named_in_a_question_about_something_else_asks_no_vote() -> None:
    assert not analyse("Was the motion on schools referred to Cabinet, and has it passed the consultation stage?").wants_vote
    assert not analyse("Did the council adopt the plan?").wants_vote


def test_a_firm_asked_for_is_named() -> None:
    contractor = analyse("Which contractor has been appointed to build the Sturry Link Road?")
    assert contractor.wants_organisation
    capital_row = ("Item 44: Project: Sturry Link Road, Canterbury; Description of Project: Construction of bypass; "
                   "Total Cost of Scheme £000s: 43,774")
    assert not contractor.answer_type_satisfied(capital_row)  # labels and the road's own name are no contractor
    assert contractor.answer_type_satisfied("Kier Construction was appointed to build the Sturry Link Road.")
    adviser = analyse("Which firm does the council use for treasury management advice?")
    assert adviser.answer_type_satisfied("The Council uses Link Group as its treasury management adviser.")
    assert not analyse("What Bank Rate did Link Group forecast for March 2026?").wants_organisation
