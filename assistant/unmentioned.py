"""Names a question uses (Ofsted, GCSE, Mockingbird) that no paper in scope mentions: such a question is refused."""

from __future__ import annotations

import re
from typing import Callable

from assistant.glossary import meaning
from index.lexical import LexicalIndex, content_terms
from index.records import StoredChunk

# A capitalised word or acronym ("Ofsted", "GCSE", "Q3", "B&NES's").
CAPITALISED = re.compile(r"\b[A-Z][\w&'’-]*")
POSSESSIVE = re.compile(r"['’]s$")


def proper_names(question: str, ignored_terms: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised words that do not open a sentence, so name something; words whose terms are all ignored
    (the councils searched) or stopwords are left out."""
    names = []
    for match in CAPITALISED.finditer(question):
        before = question[: match.start()].rstrip()
        if not before or before.endswith((".", "?", "!", ":")):
            continue  # a sentence's first word is capitalised whatever it is
        name = POSSESSIVE.sub("", match.group(0))
        if content_terms(name) - ignored_terms:
            names.append(name)
    return list(dict.fromkeys(names))


def unmentioned_names(question: str, lexical: LexicalIndex, in_scope: Callable[[StoredChunk], bool],
                      ignored_terms: frozenset[str] = frozenset()) -> list[str]:
    """The question's names that no in-scope chunk contains, as a word or, for an acronym, as its spelled-out
    meaning ("LAC" is found in "looked after children")."""
    names = proper_names(question, ignored_terms)
    if not names:
        return []
    scope_terms = lexical.terms_in(in_scope)
    missing = []
    for name in names:
        if content_terms(name) & scope_terms:
            continue
        spelled_out = (meaning(name) or "").lower().rstrip("s")  # "key performance indicator" also finds the plural
        if spelled_out and any(spelled_out in chunk.search_text.lower() for chunk in lexical.chunks if in_scope(chunk)):
            continue
        missing.append(name)
    return missing if scope_terms else []
