"""Answers who wrote a paper, who it is from, whom to contact and who holds a post, from the labelled fields of covers."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answerers.base import AnswerContext, Answerer
from assistant.query import COVER_FIELD_ASKED, KIND_TERMS, QueryAnalysis, name_terms, part_analysis, question_parts
from assistant.quotes import collapse_whitespace, locate, verified_citation
from assistant.results import Answer
from index.lexical import content_terms
from index.records import StoredChunk
from index.retriever import HybridRetriever
from ingest.metadata import NAME_POST_SEPARATOR, PERSON_AND_POST
from prompts import render

# The labels that give each kind of field asked, the likeliest first: "who wrote it" is its author, "who is it from"
# the people who bring it, a contact whoever its cover says to ask. A form's own label asked by name ("Who is the
# responsible officer on the EqIA?") is looked for as asked.
FIELD_LABELS = {
    "author": ("report author", "author", "authors", "report by", "report of", "report from", "from", "by",
               "lead officer"),
    "from": ("from", "report from", "report of", "report by", "by", "report author", "author", "authors"),
    "contact": ("contact officer", "contact officers", "officer contact", "contact", "ask for", "enquiries to",
                "for more information contact", "contact details", "report author"),
}
NAMED_LABELS = ("responsible officer", "responsible director", "relevant director", "lead director", "lead officer",
                "report author", "contact officer", "head of service")
# Any other field's label ends a field's value: "Telephone number" does not, "Relevant Director:" and "To:" do.
NEXT_LABEL = re.compile(r"^[ \t]*[A-Z][\w /'\u2019&()-]{0,40}:")
# What the other parts of "Who is the contact officer, and what is her phone number?" may ask: the field gives it.
FIELD_DETAILS = re.compile(r"\b(?:phone|telephone|e-?mail|number|role|post|job|title|position|contact details)\b",
                           re.IGNORECASE)
# "Who is the Leader of the Council?", "Who is currently the Director of Public Health?": the post is the rest
POST_ASKED = re.compile(r"^\s*who(?:'s|\s+is|\s+was)\s+(?:currently\s+|now\s+)?(?:the\s+)?(?:current\s+)?(?P<post>[^?]+?)"
                        r"\s*(?:\bnow\b|\bcurrently\b)?\s*\??\s*$", re.IGNORECASE)
PAPERS_LOOKED_AT = 3
VALUE_LINES = 8
TITLE_NAMED = 0.5  # share of a paper's title terms the question holds for it to count as the paper asked about


@dataclass(frozen=True)
class CoverField:
    """A labelled field found in a passage: the label as written, the value's lines, and its span in the passage."""

    chunk: StoredChunk
    label: str
    value: str
    start: int
    end: int


class CoverFieldAnswerer:
    """Answers "Who wrote the report on ...?", "Who is the paper from?", "Who is the contact officer for ...?" by
    quoting the field that says so on the paper the question is about, and "Who is the Leader of the Council?" from
    the covers that name the post's holder; leaves other questions to the next answerer. A question asking more
    ("Who brought the plan to Cabinet, and what was Cabinet asked to decide?") has its other parts answered by
    `others` (the extractive answerer), the field after that answer."""

    def __init__(self, retriever: HybridRetriever, others: Answerer | None = None) -> None:
        self.retriever = retriever
        self.others = others

    def answer(self, context: AnswerContext) -> Answer | None:
        question = context.resolved or context.question
        parts = question_parts(question)
        labels, every = asked_labels(question)
        if labels and _only_asks_the_field(question):
            found = self._found(question, labels, every, context)
            if found:
                return _answer(found)
        elif len(parts) > 1 and self.others is not None:
            return self._with_other_parts(question, parts, context)
        if len(parts) == 1 and (post := asked_post(question, context.analysis)):
            return self._post_holder(post, context)
        return None

    def _found(self, question: str, labels: tuple[str, ...], every: bool, context: AnswerContext) -> list[CoverField]:
        """The fields asked for, on the first of the papers looked at that has any."""
        for source in self._papers(question, context):
            found = self._fields(source, labels, every)
            if found:
                return found
        return []

    def _with_other_parts(self, question: str, parts: list[str], context: AnswerContext) -> Answer | None:
        """One part asks for a cover's field and the others something else: the others' answer, then the field, its
        citations numbered after that answer's (so no marker inside a quote is rewritten). When the papers do not
        answer the other parts, the field alone, with a note saying so."""
        asking = [(part, asked_labels(part)) for part in parts]
        field_parts = [(part, labels, every) for part, (labels, every) in asking if labels]
        if len(field_parts) != 1:
            return None
        field_part, labels, every = field_parts[0]
        found = self._found(question, labels, every, context)
        if not found:
            return None
        others = " ".join(part.strip() for part in parts if part is not field_part)
        answered = self.others.answer(replace(context, analysis=part_analysis(context.analysis, others),
                                              resolved=others, turn_question=others))
        if answered is None or answered.abstained:
            field_answer = _answer(found)
            note = render("part_unanswered", part=others).strip()
            return None if field_answer is None else replace(field_answer, notes=[note])
        field_answer = _answer(found, first=len(answered.citations) + 1)
        if field_answer is None:
            return answered
        return replace(answered, text=f"{answered.text}\n{field_answer.text}",
                       citations=[*answered.citations, *field_answer.citations])

    def _papers(self, question: str, context: AnswerContext) -> list[str]:
        """The papers of the passages found, the ones whose title the question names first."""
        sources = list(dict.fromkeys(passage.chunk.source for passage in context.passages))
        titles = {p.chunk.source: str(p.chunk.document.get("title") or "") for p in context.passages}
        asked = content_terms(question)

        def named(source: str) -> bool:
            terms = content_terms(titles[source])
            return bool(terms) and len(terms & asked) / len(terms) >= TITLE_NAMED

        return sorted(sources, key=lambda source: not named(source))[:PAPERS_LOOKED_AT]

    def _post_holder(self, post: frozenset[str], context: AnswerContext) -> Answer | None:
        """The person the covers name with the post asked ("Who is the Leader of the Council?"): someone whose post
        has all the post's words and the fewest others, on the latest such paper; None when no cover names one."""
        lexical = self.retriever.lexical_index()
        holders = [(len(post) / len(terms), str(meta.get("date") or ""), source, person)
                   for source, meta in lexical.documents(context.search_filter).items()
                   for person, terms in _people(str(meta.get("author") or "")) if post <= terms]
        for _, _, source, person in sorted(holders, reverse=True):
            found = next(((c, span) for c in lexical.chunks_of(source) if (span := locate(person, c))), None)
            if found is not None:
                chunk, span = found
                citation = verified_citation(chunk, 1, collapse_whitespace(person), span, None, None)
                if citation is not None:
                    document = chunk.document
                    text = render("cover_post", person=collapse_whitespace(person), n=1,
                                  title=str(document.get("title") or source), date=str(document.get("date") or ""))
                    return Answer(text.strip(), [citation], abstained=False)
        return None

    def _fields(self, source: str, labels: tuple[str, ...], every: bool) -> list[CoverField]:
        """The paper's first field of each label (every) or of the first label it has."""
        chunks = self.retriever.lexical_index().chunks_of(source)
        found: list[CoverField] = []
        for label in labels:
            field = next((f for chunk in chunks if (f := find_field(chunk, label)) is not None), None)
            if field is not None:
                found.append(field)
                if not every:
                    break
        return found


def asked_labels(question: str) -> tuple[tuple[str, ...], bool]:
    """The labels whose fields answer the question, best first, and whether each named is asked (a form's fields
    named in the question) or the first the paper has; no labels when it does not ask for such a field."""
    lowered = question.lower()
    named = tuple(label for label in NAMED_LABELS if label in lowered)
    if named and COVER_FIELD_ASKED["named"].search(question):
        return named, True
    return next((FIELD_LABELS[kind] for kind in FIELD_LABELS if COVER_FIELD_ASKED[kind].search(question)), ()), False


def asked_post(question: str, analysis: QueryAnalysis) -> frozenset[str]:
    """The terms of the post whose holder a question asks for ("Who is the Cabinet Member for Education?"; a post
    ASKS_NAMED_PERSON knows), less the council's name and kind; none when it asks something else."""
    match = POST_ASKED.match(question)
    if match is None or not analysis.wants_named_person:
        return frozenset()
    post = content_terms(match["post"]) - KIND_TERMS
    for council in analysis.councils:
        post -= name_terms(council)
    return post


def _people(author: str) -> list[tuple[str, frozenset[str]]]:
    """Each person a paper's author field names with a post ("Roger Gough, Leader of the Council"), and the terms
    of the post."""
    found = []
    for person in author.split("; "):
        if PERSON_AND_POST.match(person):
            post = NAME_POST_SEPARATOR.split(person, maxsplit=1)[1]
            found.append((person, content_terms(post) - KIND_TERMS))
    return [(person, terms) for person, terms in found if terms]


def _only_asks_the_field(question: str) -> bool:
    """One thing asked, or more that the field gives too (her phone number, his role)."""
    return all(FIELD_DETAILS.search(part) for part in question_parts(question)[1:])


def find_field(chunk: StoredChunk, label: str) -> CoverField | None:
    """The field with this label in the passage: the label at a line's start ("Responsible Head of Service" for "head
    of service"), then a colon, a form's cell break or (a label longer than "From") the line's end, and the lines of
    its value up to the next label or a gap not followed by another person and post."""
    ends = r"(?::|\t|[ \t]*(?=\n))" if len(label) > len("from") else r"(?::|\t)"
    pattern = re.compile(rf"(?im)^[ \t]*((?:(?:responsible|relevant|lead)[ \t]+)?{re.escape(label)}(?:s|\(s\))?)[ \t]*{ends}")
    match = pattern.search(chunk.text)
    if match is None:
        return None
    lines, end = _value_lines(chunk.text, match.end())
    if not lines:
        return None
    return CoverField(chunk, match.group(1), "; ".join(lines), match.start(1), end)


def _value_lines(text: str, start: int) -> tuple[list[str], int]:
    """A field's value: its lines (wrapped lines of one person joined) and where the value ends in the text."""
    people: list[str] = []
    end, gap = start, False
    for line in re.finditer(r"[^\n]*\n?", text[start:]):
        content = collapse_whitespace(line.group(0))
        if not content:
            gap = gap or bool(people)
            continue
        if (people and NEXT_LABEL.match(line.group(0))) or len(people) >= VALUE_LINES:
            break
        if gap and not PERSON_AND_POST.match(content):
            break
        # on the next line without a gap: the same person's post, unless a new name and post follow a whole one
        if people and not gap and not (PERSON_AND_POST.match(content) and NAME_POST_SEPARATOR.search(people[-1])):
            people[-1] = f"{people[-1]} {content}"
        else:
            people.append(content)
        end, gap = start + line.start() + len(line.group(0).rstrip()), False
    return people, end


def _answer(fields: list[CoverField], first: int = 1) -> Answer | None:
    """The paper's title, then each field's label and value, cited by its verbatim text (all from one paper), the
    citations numbered from `first`."""
    shown, citations = [], []
    for field in fields:
        chunk = field.chunk
        quote = collapse_whitespace(chunk.text[field.start:field.end])
        span = (chunk.start + field.start, chunk.start + field.end)
        citation = verified_citation(chunk, len(citations) + first, quote, span, None, None)
        if citation is not None:
            citations.append(citation)
            shown.append(f"{field.label}: {field.value} [{citation.n}]")
    if not citations:
        return None
    document = fields[0].chunk.document
    text = render("cover_field", title=str(document.get("title") or fields[0].chunk.source), fields="; ".join(shown))
    return Answer(text.strip(), citations, abstained=False)
