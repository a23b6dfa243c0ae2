"""The measurable traits of a candidate answer sentence, and of a question's best candidates, that the fitted models weigh."""

from __future__ import annotations

import math
import re

import numpy as np

from assistant.answerers.base import AnswerContext
from assistant.answerers.scored import sentence_text
from assistant.query import QueryAnalysis
from index.lexical import content_terms
from index.records import StoredChunk, StoredSentence
from index.synonyms import with_synonyms

# A title line or form label: this short and without a sentence's closing punctuation.
LABEL_WORDS = 16
DIGIT = re.compile(r"\d")

SENTENCE_FEATURES = (
    "dense",                # cosine of the question and the sentence
    "coverage",             # share of the question's weighted terms in the sentence (council names in scope left out)
    "coverage_all",         # the same, council names included
    "passage_coverage",     # share of the question's terms in the whole passage (its row, heading and cells)
    "row_coverage",         # passage_coverage when the passage is a table row, else 0
    "heading_coverage",     # share of the question's terms in the passage's heading or section label
    "passage_rank",         # 1 for the top retrieved passage down to 0 for the last
    "passage_similarity",   # dense similarity of the passage's best sentence
    "table_row",
    "label_like",
    "answer_type",          # the sentence is the kind of answer asked for (a number, a sum, a date, a person)
    "row_answer_type",      # its table row is
    "counts_asked",         # it counts what "how many" counts
    "first_in_passage",
    "mid_clause",           # starts with a lower-case word: a fragment, not a whole sentence
    "log_words",
    "has_figure",
    "typed_coverage",       # answer_type x coverage: the kind of answer asked for, about what was asked
)


def coverage(question_terms: dict[str, float], text: str, implied: frozenset[str] = frozenset()) -> float:
    """Share of the question's term weight that the text contains ("spend" is found in "expenditure"), counting the
    implied terms as found too (a passage's paper title: found_terms of the title)."""
    total = sum(question_terms.values())
    if not total:
        return 0.0
    found = found_terms(text) | implied
    return sum(weight for term, weight in question_terms.items() if term in found) / total


def found_terms(text: str) -> frozenset[str]:
    """The terms a text holds, with their synonyms: what coverage looks for a question's terms in."""
    return with_synonyms(content_terms(text))


def label_like(text: str) -> bool:
    stripped = text.strip()
    return len(stripped.split()) <= LABEL_WORDS and not stripped.endswith((".", "!", "?", ":", ";"))


class SentenceFeaturiser:
    """Computes SENTENCE_FEATURES for every sentence of a context's passages, each passage's terms counted once."""

    def __init__(self, context: AnswerContext) -> None:
        self.context = context
        self.all_terms = {term: context.term_weight(term) for term in content_terms(context.question)}
        # In a search scoped to a council every passage shares its name: the name ranks nothing.
        self.terms = {t: w for t, w in self.all_terms.items() if t not in context.scope_terms}

    def found_anywhere(self) -> float:
        """Share of the question's weighted terms found in some candidate passage: a question about a month or a
        body the papers never name finds its topic's words, but not those."""
        return coverage(self.terms, " ".join(p.chunk.search_text for p in self.context.passages))

    def count_missing(self, rows: list[tuple[StoredSentence, StoredChunk, int, np.ndarray]]) -> bool:
        """The question asks how many of something, and no candidate sentence puts a figure beside it."""
        analysis = self.context.analysis
        return bool(analysis.counted) and not any(analysis.names_count(sentence_text(chunk, sentence))
                                                  for sentence, chunk, _, _ in rows)

    def rows(self) -> list[tuple[StoredSentence, StoredChunk, int, np.ndarray]]:
        """(sentence, its passage, its position in the passage, its features) for every candidate sentence."""
        passages = {p.chunk.id: (rank, p) for rank, p in enumerate(self.context.passages)}
        by_chunk: dict[str, list[StoredSentence]] = {}
        for sentence in sorted(self.context.sentences, key=lambda s: s.start):
            by_chunk.setdefault(sentence.chunk_id, []).append(sentence)
        rows = []
        for chunk_id, sentences in by_chunk.items():
            rank, passage = passages[chunk_id]
            shared = self._passage_features(passage.chunk, rank, passage.best_sentence_similarity)
            for position, sentence in enumerate(sentences):
                rows.append((sentence, passage.chunk, position, self._features(sentence, passage.chunk, position, shared)))
        return rows

    def _passage_features(self, chunk: StoredChunk, rank: int, similarity: float) -> dict[str, float]:
        analysis = self.context.analysis
        in_passage = coverage(self.terms, chunk.search_text)
        is_row = chunk.kind == "table_row"
        return {"passage_coverage": in_passage, "row_coverage": in_passage if is_row else 0.0,
                "heading_coverage": coverage(self.terms, " ".join(filter(None, (chunk.heading, chunk.section)))),
                "passage_rank": 1.0 - rank / max(1, len(self.context.passages)),
                "passage_similarity": similarity, "table_row": float(is_row),
                "row_answer_type": float(is_row and analysis.answer_type_satisfied(chunk.search_text))}

    def _features(self, sentence: StoredSentence, chunk: StoredChunk, position: int,
                  shared: dict[str, float]) -> np.ndarray:
        text = sentence_text(chunk, sentence)
        analysis = self.context.analysis
        first_word = text.strip().split(" ", 1)[0] if text.strip() else ""
        values = {
            **shared,
            "dense": float(np.dot(self.context.query_vector, sentence.vector)),
            "coverage": coverage(self.terms, text),
            "coverage_all": coverage(self.all_terms, text),
            "label_like": float(chunk.kind != "table_row" and label_like(text)),
            "answer_type": float(analysis.answer_type_satisfied(text)),
            "counts_asked": float(bool(analysis.counted) and analysis.counts_asked(text)),
            "first_in_passage": float(position == 0),
            "mid_clause": float(first_word[:1].islower()),
            "log_words": math.log1p(len(text.split())),
            "has_figure": float(bool(DIGIT.search(text))),
        }
        values["typed_coverage"] = max(values["answer_type"], values["row_answer_type"]) * values["coverage"]
        return np.array([values[name] for name in SENTENCE_FEATURES], dtype=np.float64)


QUESTION_FEATURES = (
    "best",            # the fitted probability of the best sentence
    "second",          # of the second best
    "best_typed",      # of the best sentence that is also the kind of answer asked for
    "best_dense",
    "best_coverage",
    "typed_share",     # share of the top six sentences that are the kind of answer asked for
    "wants_typed",     # the question asks for a number, sum, date or person
    "found_anywhere",  # share of the question's weighted terms that some candidate passage contains
    "best_passage",    # the highest share of them in one passage
    "count_missing",   # the question asks how many of something, and no candidate sentence puts a figure beside it
    "typed_passage",   # the highest share of the question's terms in the passage of a top sentence of the kind asked
)
TOP_WINDOW = 6


def wants_typed(analysis: QueryAnalysis) -> bool:
    """The question asks for a number, a sum, a date or a person."""
    return analysis.wants_quantity or analysis.wants_money or analysis.wants_date or analysis.wants_person


def question_features(probabilities: np.ndarray, features: np.ndarray, wants_typed: bool,
                      found_anywhere: float, count_missing: bool) -> np.ndarray:
    """QUESTION_FEATURES from the sentence probabilities and features of one question's candidates, the share of
    its terms found anywhere in them (SentenceFeaturiser.found_anywhere), and whether it asks how many of something
    no candidate puts a figure beside (SentenceFeaturiser.count_missing)."""
    if not len(probabilities):
        return np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, float(wants_typed), found_anywhere, 0.0, float(count_missing), 0.0])
    order = np.argsort(-probabilities)
    top = order[:TOP_WINDOW]
    typed_index = SENTENCE_FEATURES.index("answer_type")
    row_typed_index = SENTENCE_FEATURES.index("row_answer_type")
    passage_index = SENTENCE_FEATURES.index("passage_coverage")
    typed = np.maximum(features[top, typed_index], features[top, row_typed_index])
    best_typed = float(max((probabilities[i] for i, t in zip(top, typed) if t), default=0.0))
    second = float(probabilities[order[1]]) if len(order) > 1 else 0.0
    return np.array([float(probabilities[order[0]]), second, best_typed,
                     float(features[:, SENTENCE_FEATURES.index("dense")].max()),
                     float(features[:, SENTENCE_FEATURES.index("coverage_all")].max()),
                     float(typed.mean()), float(wants_typed), found_anywhere,
                     float(features[:, passage_index].max()), float(count_missing),
                     # the sentence's own kind, not its row's: with the row's too it refused fewer out of fold
                     float((features[top, typed_index] * features[top, passage_index]).max())])
