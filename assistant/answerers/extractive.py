"""The default answerer: picks the source sentences that answer the question and cites them, with no LLM."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

from assistant.answerers.base import AnswerContext
from assistant.answerers.composer import compose, whole_span
from assistant.answerers.features import wants_typed
from assistant.answerers.scored import LIST_ITEM, REPLY, Marks, ScoredSentence, opens_item, repeats
from assistant.query import QueryAnalysis, part_analysis, question_parts
from assistant.quotes import collapse_whitespace
from assistant.results import Answer
from index.lexical import content_terms
from index.retriever import announced_count, next_chunk_id, opens_list
from ingest.structure import ASKED
from ingest.vocabulary import STATUS_COLUMN, VOTE_PUT, records_vote
from prompts import render

# Cells this short (a date, an owner, a figure, a RAG rating) complete a table-row answer.
SHORT_CELL_WORDS = 12
MAX_LIST_ITEMS = 10
EXTRA_LIST_SENTENCES = 2  # "which ...", "list ...": the answer names up to five things (docs/rule-audit.md)
MAX_COMPARED = 5
REPLY_SENTENCES = 3
MIN_PART_TERMS = 2  # a part of a question with fewer words of its own is about the question's topic
# A sentence opening like this leans on the one before it, so the two travel together.
ANAPHORA = re.compile(r"^(?:these|this|that|they|those|such|the latter|it|its|both|each of these|here|also|"
                      r"there (?:are|is|were|was) also|firstly|secondly|thirdly|additionally|furthermore|moreover|"
                      r"in addition|"
                      r"the (?:figure|number|rate|total|result|cost|amount)s?)\b", re.IGNORECASE)

# "The loan was ...": a sentence opening on "the" and a noun.
DEFINITE_OPENING = re.compile(r"^the\s+([a-z][\w'-]*)\s", re.IGNORECASE)


class SentenceScorer(Protocol):
    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        """Every candidate sentence, best first, and whether any of them answers the question."""
        ...


class AnswerDoubt(Protocol):
    def doubtful(self, context: AnswerContext) -> bool:
        """The papers may not state what was asked, though an answer was found."""
        ...


class ExtractiveAnswerer:
    """Answers with the best-scored source sentences, whole and cited; abstains when its scorer finds none answers.
    The scorer is the hand-weighted one (HandScorer) or the fitted one (FittedScorer)."""

    def __init__(self, scorer: SentenceScorer, max_sentences: int = 3, doubt: AnswerDoubt | None = None) -> None:
        self.scorer = scorer
        self.max_sentences = max_sentences
        self.doubt = doubt  # marks an answer the papers may not give, so it is not read as a confident one

    def answer(self, context: AnswerContext) -> Answer:
        scored, answerable = self.scorer.score(context)
        if not scored or not answerable:
            return Answer(self._abstention(scored), [], abstained=True)
        # judged before composing: the fitted gate has just judged this context, and composing judges its parts
        doubtful = self.doubt is not None and self.doubt.doubtful(context)
        answer = self._composed(context, scored)
        return replace(answer, cautioned=True, notes=[*answer.notes, render("caution")]) if doubtful else answer

    def _composed(self, context: AnswerContext, scored: list[ScoredSentence]) -> Answer:
        if context.analysis.wants_comparison:
            return compose(*self._choose_per_document(scored, context.analysis), scored, by_council=True)
        part_answers = self._part_answers(context, scored)
        # a follow-up joined to the question it follows ("... ? And who seconded it?") is answered on its own first
        follow_up = bool(context.turn_question) and context.resolved.strip() != context.turn_question.strip()
        lead = part_answers[-1] if follow_up and part_answers else None
        chosen, marks = self._choose(scored, part_answers[1:] + part_answers[:1], context.analysis, lead=lead,
                                     wants_list=context.analysis.wants_list,
                                     one_vote=context.analysis.wants_vote and not context.analysis.wants_list)
        return compose(self._with_asker(context, chosen, scored), marks, scored, as_quotes=context.analysis.wants_quote)

    def _part_answers(self, context: AnswerContext, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """For a question asking several things at once ("Who approved it, and when?"), the best sentence for each
        part, in the question's order: scored for that part's kind of answer, about the whole question's topic."""
        parts = question_parts(context.resolved or context.question)
        by_key = {s.key: s for s in scored}
        answers = []
        for part in parts if len(parts) > 1 else []:
            # "..., and when did the hearings start?" is scored on its own words; "..., and when?" on the question's
            words = part if len(content_terms(part)) >= MIN_PART_TERMS else context.question
            part_scored, _ = self.scorer.score(context.asking(words, part_analysis(context.analysis, part)))
            answers.extend(by_key[s.key] for s in part_scored[:1])
        return answers

    def _choose(self, scored: list[ScoredSentence], part_answers: list[ScoredSentence], analysis: QueryAnalysis,
                lead: ScoredSentence | None = None, wants_list: bool = False,
                one_vote: bool = False) -> tuple[list[ScoredSentence], Marks]:
        """The best sentence, the best for each part of the question, and the next best, none repeating another (two
        more for a question asking for a list: "Which awards did the Chairman congratulate?"); `lead` first when it
        is among them. No floor on their scores: one (0.65 of the best) changed nothing on either split and depends
        on the scorer's scale (docs/rule-audit.md). With one_vote (how did the vote go?), a second vote put is left
        out: its counts would follow it, those of another motion."""
        chosen = [scored[0]]
        for candidate in [*part_answers, *scored[1:]]:
            if len(chosen) >= self.max_sentences + (EXTRA_LIST_SENTENCES if wants_list else 0):
                break
            if one_vote and VOTE_PUT.search(candidate.text) and any(VOTE_PUT.search(c.text) for c in chosen):
                continue
            if not repeats(candidate, chosen):
                chosen.append(candidate)
        if lead in chosen:
            chosen.insert(0, chosen.pop(chosen.index(lead)))
        for pick in list(chosen):
            chosen.extend(self._row_status(pick, scored, chosen, analysis))
        return self._with_continuations(chosen, scored)

    @staticmethod
    def _with_asker(context: AnswerContext, chosen: list[ScoredSentence],
                    scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """ "Who asked ...?" answered by a member's question or its reply that names no one: the item's heading
        ("Question by Mr X to Mrs Y, Cabinet Member for ...") goes before it, when its passage was found."""
        lead, analysis = chosen[0], context.analysis
        if not analysis.wants_person or lead.chunk.item is None or analysis.answer_type_satisfied(lead.text):
            return chosen
        heading = next((s for s in scored if s.chunk.item == lead.chunk.item and ASKED.match(s.text)), None)
        return chosen if heading is None or heading in chosen else [heading, *chosen]

    def _choose_per_document(self, scored: list[ScoredSentence],
                             analysis: QueryAnalysis) -> tuple[list[ScoredSentence], Marks]:
        """For a comparison, the best sentence of each document that speaks to the question, with its row or list."""
        chosen: list[ScoredSentence] = []
        for candidate in scored:
            if len(chosen) >= MAX_COMPARED:
                break
            if all(c.chunk.source != candidate.chunk.source for c in chosen):
                chosen.append(candidate)
        for pick in list(chosen):
            chosen.extend(self._row_status(pick, scored, chosen, analysis))
        return self._with_continuations(chosen, scored)

    def _with_continuations(self, chosen: list[ScoredSentence],
                            scored: list[ScoredSentence]) -> tuple[list[ScoredSentence], Marks]:
        """Each chosen sentence followed by what continues it: a list's items after "the following staff:", or
        "These include ..." after its lead (which may itself open a list: "They felt the following would help:").
        A member's question brings its reply. Also returns how the list items and replies are marked."""
        ordered: list[ScoredSentence] = []
        marks: Marks = {}
        for item in chosen:
            if item not in ordered:
                # "This would increase the bill by £80.37" says what "this" is only with the sentence before it
                before = self._antecedent(item, scored)
                if before is not None and before not in ordered:
                    ordered.append(before)
                ordered.append(item)
                # a chosen sentence that continues item (a list's item) is placed after it, not where it ranked
                chain, items = self._continuation(item, scored, ordered, chosen)
                ordered.extend(chain)
                marks.update({s.key: LIST_ITEM for s in items})
                reply = self._reply(item, scored, [*chosen, *ordered])
                ordered.extend(reply)
                marks.update({s.key: REPLY for s in reply[:1]})
        return ordered, marks

    @staticmethod
    def _reply(item: ScoredSentence, scored: list[ScoredSentence], taken: list[ScoredSentence]) -> list[ScoredSentence]:
        """A member's question (a passage ending with "?" under a question-and-answer pack's or minutes' item heading)
        brings the opening of the reply that follows it under the same heading: the question only restates what the
        user asks. A passage asking a question elsewhere (a consultation's, a heading's) brings nothing."""
        if item.chunk.item is None or not item.chunk.text.rstrip().endswith("?"):
            return []
        reply_id = next_chunk_id(item.chunk.id)
        reply = sorted((s for s in scored if s.chunk.id == reply_id and s.chunk.item == item.chunk.item
                        and s not in taken), key=lambda s: s.position)
        return reply[:REPLY_SENTENCES]

    def _continuation(self, lead: ScoredSentence, scored: list[ScoredSentence], taken: list[ScoredSentence],
                      chosen: list[ScoredSentence]) -> tuple[list[ScoredSentence], list[ScoredSentence]]:
        """The sentences continuing lead, and those of them that are a list's items. A chosen sentence met on the
        way is placed there, unless it leads a list of its own."""
        chain: list[ScoredSentence] = []
        while True:
            leads_list = opens_list(lead.text)
            added: list[ScoredSentence] = []
            for following in self._list_items(lead, scored) if leads_list else self._following(lead, scored)[:1]:
                if leads_list and following in chosen and opens_list(following.text):
                    break
                if following in taken or following in chain:
                    if leads_list:
                        continue  # an item already shown; the list goes on
                    break
                if not leads_list and not (ANAPHORA.match(following.text) or _names_again(lead, following)):
                    break
                added.append(following)
            chain.extend(added)
            if leads_list or not added:
                return chain, added if leads_list else []
            lead = added[-1]

    def _list_items(self, lead: ScoredSentence, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """A list's items after its lead-in: the sentences that follow it, or, when the lead says how many items
        there are, that many item openings (an item of several sentences is shown by its first)."""
        count = announced_count(lead.text.rstrip())
        openings = [s for s in self._following(lead, scored, passages=count or 1) if opens_item(s)]
        if count is None or len(openings) < count:
            return _before_its_vote(lead, self._following(lead, scored)[:MAX_LIST_ITEMS])
        return openings[:count]

    @staticmethod
    def _antecedent(item: ScoredSentence, scored: list[ScoredSentence]) -> ScoredSentence | None:
        """The sentence before item in its passage, when item leans on it ("This would ...", "Secondly, ...");
        a table cell leans on its row, which the answer shows anyway."""
        if item.chunk.kind == "table_row" or not ANAPHORA.match(item.text):
            return None
        return next((s for s in scored if s.chunk.id == item.chunk.id and s.position == item.position - 1), None)

    @staticmethod
    def _following(item: ScoredSentence, scored: list[ScoredSentence], passages: int = 1) -> list[ScoredSentence]:
        """The sentences after item in its passage, then those of the next passages that were retrieved: the next one,
        and up to `passages` in all while they stay in item's numbered paragraph."""
        after = sorted((s for s in scored if s.chunk.id == item.chunk.id and s.position > item.position),
                       key=lambda s: s.position)
        chunk_id = item.chunk.id
        for _ in range(passages):
            chunk_id = next_chunk_id(chunk_id)
            sentences = sorted((s for s in scored if s.chunk.id == chunk_id), key=lambda s: s.position)
            after.extend(sentences)
            if not sentences or not item.chunk.section or sentences[0].chunk.section != item.chunk.section:
                break
        return after

    def _row_status(self, pick: ScoredSentence, scored: list[ScoredSentence], chosen: list[ScoredSentence],
                    analysis: QueryAnalysis) -> list[ScoredSentence]:
        """A table-row answer brings its status cell's opening ("Not accepted."), its short cells (date, owner,
        figures), the cell after it when it only names what was asked and nothing else comes (a glossary's "PWLB"),
        and, when none of those gives the kind of answer asked (a sum, a count, a date, a person), the first cell that
        does: a risk's "costs to date of £1.162m" sits in a long cell."""
        if pick.chunk.kind != "table_row":
            return []
        row = sorted((s for s in scored if s.chunk.id == pick.chunk.id and s not in chosen), key=lambda s: s.position)
        status = [s for s in row if s.sentence.column and STATUS_COLUMN.search(s.sentence.column)]
        companions = status[:1]
        companions += [s for s in row if s not in companions and len(s.text.split()) <= SHORT_CELL_WORDS
                       and _whole_cell(s)]
        if not companions and content_terms(pick.text) <= analysis.question_terms:  # a name alone answers nothing
            companions = [s for s in row if s.position > pick.position][:1]
        shown = [s for s in [*chosen, *companions] if s.chunk.id == pick.chunk.id]
        if wants_typed(analysis) and not any(analysis.answer_type_satisfied(_cell(s)) for s in shown):
            companions += [s for s in row if s not in companions and analysis.answer_type_satisfied(_cell(s))][:1]
        return sorted(companions, key=lambda s: s.position)

    @staticmethod
    def _abstention(scored: list[ScoredSentence]) -> str:
        if not scored:
            return render("abstain", closest="").strip()
        closest = scored[0]
        snippet = " ".join(collapse_whitespace(s.text) for s in whole_span([closest], scored))
        where = closest.chunk.document.get("title") or closest.chunk.source
        return render("abstain", closest=render("abstain_closest", where=where, snippet=snippet[:200]))


def _before_its_vote(lead: ScoredSentence, items: list[ScoredSentence]) -> list[ScoredSentence]:
    """A motion's or amendment's words end where it is put to the vote ("the following amendment: ..." runs on to
    "... put to the vote the amendment ... For (16) ..."); the items of a vote's own lead ("the voting was as
    follows:") are its counts."""
    if records_vote(lead.text):
        return items
    ends = next((index for index, item in enumerate(items) if records_vote(item.text)), len(items))
    return items[:ends]


def _names_again(lead: ScoredSentence, following: ScoredSentence) -> bool:
    """The next sentence of the lead's passage takes up what the lead introduced by naming it again ("... a loan
    agreement was drawn up with the company." / "The loan was repaid in full on 28 April 2023."): "the" and a word of
    the lead. Past the passage a heading may lie between them ("Library budget"), and a new subject with it."""
    opening = DEFINITE_OPENING.match(following.text)
    return (opening is not None and following.chunk.id == lead.chunk.id and following.chunk.kind != "table_row"
            and bool(content_terms(opening.group(1)) & content_terms(lead.text)))


def _cell(item: ScoredSentence) -> str:
    """A cell's text with its column's name, which may hold its unit ("Net Cost £000s: 12,973.5")."""
    return f"{item.sentence.column}: {item.text}" if item.sentence.column else item.text


def _whole_cell(item: ScoredSentence) -> bool:
    """The sentence fills its table cell: a short cell (a date, an owner), not a short sentence of a long one (a
    form's paragraph spanning the table)."""
    text, offset = item.chunk.text, item.chunk.start
    before = text[:item.sentence.start - offset].rstrip(" ")
    after = text[item.sentence.end - offset:].lstrip(" ")
    return before[-1:] in ("", "\t", "\n") and after[:1] in ("", "\t", "\n")
