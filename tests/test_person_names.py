"""Telling a person's name from a body's or a post's: the shapes "who" questions are answered in."""

from __future__ import annotations

import pytest

from assistant.person_names import names_a_person, person_names


@pytest.mark.parametrize("text", [
    "Mr Hood proposed, and Mr Lewis seconded the following amendment:",
    "Contact: Georgina Little 03000 414043",
    "Responsible Head of Service | Anjan Ghosh",  # a first name the census lists lack, but no common word
    "Responsible Officer for mitigating actions for Race Alyson Waggett",
    "Roger Gough, Leader of the Council, gave an update.",
    "Commissioner Alvarez was elected Chair.",
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
