"""The fitted ranker and abstention model: the shipped file matches the code's features, and training labels are sound."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.answerers.features import QUESTION_FEATURES, SENTENCE_FEATURES, question_features
from assistant.answerers.fitted import MODEL_FILE, load_scoring
from assistant.query import analyse
from evals.gold import DATASETS_DIR, load_dataset
from evals.train import choose_threshold, held_out_group, supports


def test_shipped_models_match_the_features_the_code_computes() -> None:
    scoring = load_scoring()
    assert scoring.ranker.features == SENTENCE_FEATURES
    assert scoring.abstainer.features == QUESTION_FEATURES
    weights = dict(zip(SENTENCE_FEATURES, scoring.ranker.coef))
    assert weights["dense"] > 0  # a ranker that does not reward a sentence for being like the question was fitted wrongly
    # nor one that does not reward naming the question's terms: a sentence naming them sits in a passage naming them,
    # so the three coverage features rise together (alone, the sentence's own can trade weight with the others)
    average = scoring.ranker.mean.copy()
    naming = average.copy()
    for feature in ("coverage", "coverage_all", "passage_coverage"):
        average[SENTENCE_FEATURES.index(feature)], naming[SENTENCE_FEATURES.index(feature)] = 0.0, 1.0
    assert scoring.ranker.probability(naming[None, :])[0] > scoring.ranker.probability(average[None, :])[0]
    assert 0.0 < scoring.answerable_threshold < 1.0


def test_a_stale_model_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["ranker"]["features"] = data["ranker"]["features"][:-1]
    stale = tmp_path / "scoring.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="make train"):
        load_scoring(stale)


def test_training_labels_a_sentence_that_states_the_evidence() -> None:
    evidence = ("there were 613 approved households against a target of 700 households",)
    assert supports("At the end of December there were 613 approved households against a target of 700 households.",
                    evidence)
    assert supports("613 approved households against a target of 700", evidence)  # most of its words
    assert not supports("The fostering service recruited carers through a new campaign.", evidence)
    assert supports("The panel agreed the plan.", ("The panel agreed the plan. It asked for a report in May.",))


def test_training_labels_the_cells_of_a_row_that_holds_the_evidence() -> None:
    evidence = ("Public Works Loan Board 432.40 4.33",)
    row = "Public Works Loan Board\t432.40\t4.33"
    assert supports("432.40", evidence, row)  # a cell is too short to stand alone, but its row holds the evidence
    assert supports("Public Works Loan Board", evidence, row)
    assert not supports("432.40", evidence)  # without its row, a bare figure is no evidence
    assert not supports("4.3", evidence, row)  # a piece of a figure is not a cell of the row
    assert not supports("Market loans", evidence, "Market loans\t100.00\t4.10")  # another row


def test_the_abstention_threshold_keeps_false_refusals_within_five_percent() -> None:
    rng = np.random.default_rng(7)
    probabilities = rng.random(200)
    answerable = rng.random(200) < 0.8
    threshold = choose_threshold(probabilities, answerable)
    assert (probabilities[answerable] < threshold).mean() <= 0.05
    assert threshold > probabilities[answerable].min()  # it refuses something when it can


def test_cross_validation_holds_out_a_paper_with_every_gold_set_asking_about_it() -> None:
    """Two gold sets ask about some of the same Kent papers; a fold holding out a paper must hold out both sets'
    questions on it, or the other set's questions teach the model that paper."""
    kcc, tables = (load_dataset(DATASETS_DIR / name) for name in ("kcc.jsonl", "kcc_tables.jsonl"))
    shared = next(q for q in tables if q.answerable and any(k.sources[:1] == q.sources[:1] for k in kcc))
    other = next(k for k in kcc if k.sources[:1] == shared.sources[:1])
    assert held_out_group(shared, "kcc_tables", 1) == held_out_group(other, "kcc", 2)
    unanswerable = next(q for q in kcc if not q.answerable)
    assert len({held_out_group(unanswerable, "kcc", n) for n in range(10)}) == 5  # spread over the five folds


def test_a_question_with_no_candidates_has_no_evidence() -> None:
    row = question_features(np.zeros(0), np.zeros((0, len(SENTENCE_FEATURES))), wants_typed=True, found_anywhere=0.0,
                            count_missing=False)
    assert row.shape == (len(QUESTION_FEATURES),) and row.sum() == 1.0  # only "wants a typed answer" is set


def test_a_count_asked_for_that_no_candidate_gives_counts_against_an_answer(sample_services) -> None:  # noqa: ANN001
    """"How many ...?" over passages that put no figure beside what it counts: the trait is set, and the shipped
    abstention model reads it as a sign that the papers do not answer. A figure beside it, even a change ("45 new
    foster carers" for "how many did the campaign bring in"), clears it."""
    from assistant.answerers.features import SentenceFeaturiser

    history = ["What did Leeds decide about external placements?"]
    unanswered = SentenceFeaturiser(sample_services.engine.context("How many children were in external placements?", history))
    assert unanswered.count_missing(unanswered.rows())
    counted = SentenceFeaturiser(sample_services.engine.context("How many recommendations did the Derby review make?"))
    assert not counted.count_missing(counted.rows())
    assert analyse("How many foster carers did the campaign bring in?").names_count("It brought in 45 new foster carers.")
    missing = QUESTION_FEATURES.index("count_missing")
    assert question_features(np.array([0.5]), np.zeros((1, len(SENTENCE_FEATURES))), True, 0.8, True)[missing] == 1.0
    assert dict(zip(QUESTION_FEATURES, load_scoring().abstainer.coef))["count_missing"] < 0


def test_a_typed_sentence_from_a_passage_far_from_the_question_counts_against_an_answer() -> None:
    """The trait is the share of the question's terms in the passage of the best top sentence of the kind asked: a
    figure from a passage about something else ("LEVI: 12,280" for "how many chargepoints") leaves it low, and the
    shipped abstention model reads a high one as the papers answering."""
    names = {name: index for index, name in enumerate(SENTENCE_FEATURES)}
    features = np.zeros((3, len(SENTENCE_FEATURES)))
    features[:, names["passage_coverage"]] = [0.9, 0.6, 0.3]
    features[:, names["answer_type"]] = [0.0, 1.0, 1.0]  # the best-covered passage's sentence is not of the kind asked
    trait = QUESTION_FEATURES.index("typed_passage")
    assert question_features(np.array([0.5, 0.4, 0.3]), features, True, 0.8, False)[trait] == 0.6
    features[:, names["answer_type"]] = 0.0
    assert question_features(np.array([0.5, 0.4, 0.3]), features, True, 0.8, False)[trait] == 0.0
    assert dict(zip(QUESTION_FEATURES, load_scoring().abstainer.coef))["typed_passage"] > 0


def test_the_fitted_scorer_answers_the_questions_the_papers_answer(sample_services) -> None:  # noqa: ANN001
    """Its ranker puts the answer first; its abstainer answers the sample's answerable questions about as often as
    its training report says (5% false refusals on dev, chosen so): one question's verdict is the model's noise."""
    from assistant.answerers.extractive import ExtractiveAnswerer
    from assistant.answerers.fitted import FittedScorer
    from evals.gold import DATASETS_DIR, load_dataset

    answerer = ExtractiveAnswerer(FittedScorer())
    leeds = answerer.scorer.score(sample_services.engine.context("How many recommendations did the Leeds scrutiny board make?"))
    assert "twelve recommendations" in leeds[0][0].text
    answerable = [q for q in load_dataset(DATASETS_DIR / "sample.jsonl") if q.answerable and not q.history]
    refused = [q.id for q in answerable if answerer.answer(sample_services.engine.context(q.question)).abstained]
    assert len(refused) <= 0.1 * len(answerable), refused


def test_an_answer_the_fitted_check_doubts_carries_a_caution(sample_services) -> None:  # noqa: ANN001
    """An answer the abstention model finds less likely than the caution threshold is shown with a note to check it
    against its quotes; the same answer, with the same text, carries none below a threshold it clears."""
    from assistant.answerers.extractive import ExtractiveAnswerer
    from assistant.answerers.fitted import FittedScorer
    from assistant.answerers.hand_scorer import HandScorer
    from prompts import render

    clear = sample_services.engine.context("How many recommendations did the Leeds scrutiny board make?")
    plain = ExtractiveAnswerer(HandScorer(0.30), doubt=FittedScorer(caution_threshold=0.25)).answer(clear)
    assert not plain.abstained and not plain.cautioned and not plain.notes
    doubted = ExtractiveAnswerer(HandScorer(0.30), doubt=FittedScorer(caution_threshold=1.0)).answer(clear)
    assert doubted.cautioned and doubted.notes == [render("caution")] and doubted.text == plain.text


def test_the_caution_reaches_the_answer_and_its_json(sample_services) -> None:  # noqa: ANN001
    from assistant.services import Services
    from assistant.settings import load_settings

    question = "How many recommendations did the Leeds scrutiny board make?"
    assert sample_services.engine.ask(question).to_json()["cautioned"] is False
    doubting = Services(load_settings(index=sample_services.settings.index, fitted_caution_threshold="1.0"))
    doubting.__dict__["embedder"] = sample_services.embedder
    result = doubting.engine.ask(question)
    assert result.to_json()["cautioned"] is True and result.notes[-1].startswith("Check this answer")
