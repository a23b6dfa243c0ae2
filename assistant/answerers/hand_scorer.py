"""The hand-weighted sentence scorer: similarity, keyword coverage and rank with set weights, and a relevance gate."""

from __future__ import annotations

import numpy as np

from assistant.answerers.base import AnswerContext
from assistant.answerers.features import coverage, found_terms
from assistant.answerers.scored import ScoredSentence, sentence_text
from assistant.query import QueryAnalysis, asks_pair, part_analyses
from index.lexical import content_terms
from index.records import StoredChunk, StoredSentence
from ingest.vocabulary import records_vote

# Measured against the fitted scorer on the dev splits (README, "How good is it"): these set weights did better there.
DENSE_WEIGHT, LEXICAL_WEIGHT, PASSAGE_WEIGHT = 0.5, 0.4, 0.1
ROW_WEIGHT = 0.8  # a table cell is judged with its row: "Not accepted" answers a question about the row's subject
# A sentence is judged partly with its passage: "The backlog had now been cleared" answers a question about the
# Freedom of Information backlog its passage names (dev: 0.3, 0.5, 0.7 tried; docs/rule-audit.md)
PARAGRAPH_WEIGHT = 0.5
COUNT_BONUS = 0.15  # "twelve recommendations" answers "how many recommendations" however the sentence is worded
VOTE_BONUS = COUNT_BONUS  # "For (16) ... Amendment lost." answers "how did the vote go?" in names, not the motion's words
# A vote's sentences are embedded with the motion they decide (ingest/chunker.py), so they come close to a question
# about the motion's words; they answer only a question about the vote (a half: 0.8 left them chosen third).
OFF_TOPIC_VOTE_PENALTY = 0.5
TYPED_ANSWER_WINDOW = 6


def written_on(chunk: StoredChunk) -> str | None:
    """The date the passage's paper was written ("2025-01-30"), when it is known."""
    return str(chunk.document.get("date") or "") or None


def _of_kind(analysis: QueryAnalysis, scored: ScoredSentence) -> bool:
    """The sentence, or its table row, is the kind of answer asked for, and not dated before its paper when the
    question asks about what is still to come."""
    chunk = scored.chunk
    typed = analysis.answer_type_satisfied(scored.text) or (
        chunk.kind == "table_row" and analysis.row_answers(chunk.text, chunk.search_text)) or (
        # a member's question or its reply says who asked whom in its item's heading ("Question by Mr X to Mrs Y")
        analysis.wants_person and chunk.item is not None and analysis.answer_type_satisfied(f"{chunk.item}. {scored.text}"))
    return typed and not analysis.dated_before(scored.text, written_on(chunk))


class HandScorer:
    """Scores every sentence; the question counts as answered only when a sentence near the top is both relevant
    and the kind of answer it wants ("how many" with no number near the top is not answered by these papers)."""

    def __init__(self, abstain_threshold: float) -> None:
        self.abstain_threshold = abstain_threshold

    def score(self, context: AnswerContext) -> tuple[list[ScoredSentence], bool]:
        """The sentences best first (those of the kind asked for leading), and whether any answers."""
        scored = self._scored(context)
        typed = [(s, parts) for s, relevance, parts in self._of_kind_asked(scored, context)
                 if relevance >= self.abstain_threshold]
        # "Where and when is it piloted?": the sentence answering both leads. Not for parts asked of different things
        # ("Who will propose the budget, and when is it published?"): a sentence naming someone and some date led
        # there, and lost on both splits (docs/rule-audit.md)
        if asks_pair(context.resolved or context.question):
            typed.sort(key=lambda pair: pair[1], reverse=True)
        leading = [s for s, _ in typed]
        ranked = leading + [s for s, _ in scored if s not in leading]
        return ranked, bool(leading)

    def gate_relevance(self, context: AnswerContext) -> float:
        """What the gate compares with its threshold: the relevance of the most relevant sentence near the top that
        is of the kind asked; -1 when there is none (`python -m evals.gate_sweep` chooses the threshold with it)."""
        return max((relevance for _, relevance, _ in self._of_kind_asked(self._scored(context), context)), default=-1.0)

    @staticmethod
    def _of_kind_asked(scored: list[tuple[ScoredSentence, float]],
                       context: AnswerContext) -> list[tuple[ScoredSentence, float, int]]:
        """The sentences near the top that are the kind of answer some part of the question asks for, with their
        relevance and how many parts they answer."""
        # "How many carers did it recruit, and when did it end?": a count answers one part, a date the other; the
        # answer brings a sentence for each (ExtractiveAnswerer), so neither sentence need answer both
        analyses = part_analyses(context.resolved or context.question, context.analysis)
        answered = ((s, relevance, sum(_of_kind(analysis, s) for analysis in analyses))
                    for s, relevance in scored[:TYPED_ANSWER_WINDOW])
        return [(s, relevance, parts) for s, relevance, parts in answered if parts]

    @staticmethod
    def _scored(context: AnswerContext) -> list[tuple[ScoredSentence, float]]:
        all_terms = {term: context.term_weight(term) for term in content_terms(context.question)}
        # In a search scoped to a council every passage shares its name: the name ranks nothing, though it
        # still counts as the papers speaking to the question.
        ranking_terms = {term: weight for term, weight in all_terms.items() if term not in context.scope_terms}
        passages = {p.chunk.id: (rank, p) for rank, p in enumerate(context.passages)}
        votes_off_topic = not context.analysis.speaks_of_votes()
        by_chunk: dict[str, list[StoredSentence]] = {}
        for sentence in sorted(context.sentences, key=lambda s: s.start):
            by_chunk.setdefault(sentence.chunk_id, []).append(sentence)
        scored = []
        for chunk_id, sentences in by_chunk.items():
            rank, passage = passages[chunk_id]
            chunk = passage.chunk
            prior = 1.0 - rank / max(1, len(passages))
            passage_weight = ROW_WEIGHT if chunk.kind == "table_row" else PARAGRAPH_WEIGHT
            # a passage says what its paper's title says: words that name the paper ("the Leeds external placements
            # inquiry") are found in each of its passages, so its lines are ranked by the rest of the question
            title = found_terms(str(chunk.document.get("title") or ""))
            ranking_in_chunk = passage_weight * coverage(ranking_terms, chunk.search_text, title)
            all_in_chunk = coverage(all_terms, chunk.search_text)
            closeness = [float(np.dot(context.query_vector, sentence.vector)) for sentence in sentences]
            for position, (sentence, dense) in enumerate(zip(sentences, closeness)):
                text = sentence_text(chunk, sentence)
                lexical = max(coverage(ranking_terms, text, title), ranking_in_chunk)
                score = DENSE_WEIGHT * dense + LEXICAL_WEIGHT * lexical + PASSAGE_WEIGHT * prior
                if context.analysis.counts_asked(text):
                    score += COUNT_BONUS
                # a vote's tally is as relevant as the motion in its passage: its own words are names
                votes = context.analysis.states_vote(text)
                if votes:
                    score += VOTE_BONUS
                elif votes_off_topic and records_vote(text):
                    score *= OFF_TOPIC_VOTE_PENALTY
                relevance = 0.7 * (max(closeness) if votes else dense) + 0.3 * max(coverage(all_terms, text), all_in_chunk)
                scored.append((ScoredSentence(sentence, chunk, position, score), relevance))
        return sorted(scored, key=lambda pair: pair[0].score, reverse=True)
