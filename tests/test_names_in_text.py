"""Telling a person's or a firm's name from a body's or a post's: the shapes "who" and "which firm" questions are answered in."""

from __future__ import annotations

import pytest

from assistant.names_in_text import names_a_person, names_an_organisation, person_names


@pytest.mark.parametrize("text", [
    "Mr Hood proposed, and Mr Lewis seconded the following amendment:",
    "Contact: Georgina Little 03000 414043",
    "Responsible Head of Service | Anjan Ghosh",  # a first name the census lists lack, but no common word
    "Responsible Officer for mitigating actions for Race Alyson Waggett",
    "Roger Gough, Leader of the Council, gave an update.",
    "Commissioner Alvarez was elected Chair.",
    "Clive Pearman attended.",  # a first name the census lists lack, vouched for by a rare surname
    "Giles Smith, Corporate Director of Finance, presented the report.",  # a name introduced with its post
])
def test_a_person_is_named(text: str) -> None:
    assert names_a_person(text)


@pytest.mark.parametrize("text", [
    "The Council must receive a report from the Planning Inspectorate (on behalf of the Secretary of State).",
    "Before the updated Kent Mineral and Waste Local Plan can be adopted, it must be examined.",
    "There will be a Kent and Medway NHS Joint Overview and Scrutiny Committee comprising members of Medway Council.",
    "The Corporate Director of Finance may make minor corrections.",
    "EQIA Title | KCC adoption of ICS delivery Plan",
    "Select a new Chair/Vice Chair utilizing the nomination process outlined in the staff report.",
])
def test_a_body_or_a_post_names_no_person(text: str) -> None:
    assert not names_a_person(text), person_names(text)


def test_the_people_a_question_names_are_not_its_answer() -> None:
    assert not names_a_person("Mr Hood spoke first.", besides={"hood"})
    assert names_a_person("Mr Hood proposed, and Mr Lewis seconded.", besides={"hood"})


def test_a_firm_is_named_by_its_ending_or_a_rare_word() -> None:
    assert names_an_organisation("The Council uses Link Group as its treasury management adviser.")
    assert names_an_organisation("The loans were provided by Barclays Bank and Dexia.")
    assert names_an_organisation("The works were let to Kier.")
    # labels, a sentence's first word, acronyms and people are not firms' names
    assert not names_an_organisation("Item 44: Project: Sturry Link Road; Description of Project: Construction of bypass",
                                     besides={"sturry", "link", "road"})
    assert not names_an_organisation("Capital programme for Adult Social Care & Health (ASCH)")
    assert not names_an_organisation("Mr Streatfield declared an interest.")
