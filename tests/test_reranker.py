"""The fitted passage reranker: the shipped model matches the code's features, it reorders real candidates by its
weights, and a stale model file says how to rebuild it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from assistant.services import Services
from conftest import KCC_LIBRARY
from evals.gold import GoldQuestion
from evals.train_rerank import RecordingReranker, hits, holds_evidence
from index.logistic import LogisticModel
from index.rerank import PASSAGE_FEATURES, RERANK_FILE, Candidate, FittedReranker, load_reranker
from index.retriever import HybridRetriever, _without_copies

INSPECTORS_REPORT = KCC_LIBRARY / ("kcc_2025-03-04_cabinet_appendix-a-planning-inspectors-report-on-the-examination-of-"
                                   "the-kmwlp-.pdf")
QUESTION = "What did Derby decide about joint recruitment campaigns with other councils?"


def test_shipped_reranker_matches_the_features_the_code_computes() -> None:
    model = load_reranker()
    weights = dict(zip(PASSAGE_FEATURES, model.coef))
    # a reranker that does not reward a passage for being found by the searches was fitted wrongly
    assert weights["fused"] > 0 or weights["dense_sentence"] > 0 or weights["best_sentence"] > 0


def test_a_stale_reranker_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    data = json.loads(RERANK_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    stale = tmp_path / "rerank.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="make train"):
        load_reranker(stale)


def _model_favouring(feature: str, tmp_path: Path) -> Path:
    """A model file whose only weight is on one feature."""
    coef = np.array([1.0 if name == feature else 0.0 for name in PASSAGE_FEATURES])
    model = LogisticModel(PASSAGE_FEATURES, np.zeros(len(coef)), np.ones(len(coef)), coef, 0.0)
    path = tmp_path / f"{feature}.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    return path


def test_the_reranker_orders_real_candidates_by_its_weights(sample_services: Services, tmp_path: Path) -> None:
    recorder = RecordingReranker()
    plain = HybridRetriever(sample_services.store, sample_services.embedder, reranker=recorder)
    fused = plain.retrieve(QUESTION, top_k=30)
    assert len(recorder.seen) >= len(fused) > 8  # the reranker is handed a pool deeper than the answerer's passages
    longest_first = HybridRetriever(sample_services.store, sample_services.embedder,
                                    reranker=FittedReranker(_model_favouring("log_words", tmp_path)))
    passages = longest_first.retrieve(QUESTION, top_k=5)
    lengths = [len(p.chunk.text.split()) for p in passages]
    assert lengths == sorted(lengths, reverse=True)
    assert max(lengths) == max(len(c.chunk.text.split()) for c, _ in recorder.seen)


def test_the_default_search_puts_the_answer_first(sample_services: Services) -> None:
    passages = sample_services.retriever.retrieve(QUESTION, top_k=3)
    assert isinstance(sample_services.retriever.reranker, FittedReranker)
    assert "jointly funded marketing campaigns" in passages[0].chunk.text


def test_hit_at_k_counts_the_first_supporting_passage() -> None:
    class Rows:
        def __init__(self, labels: list[bool]) -> None:
            self.labels = np.array(labels)
    questions = [Rows([False, True, False]), Rows([False, False, False])]
    found = hits(questions, [np.array([3.0, 2.0, 1.0]), np.array([1.0, 2.0, 3.0])])  # type: ignore[arg-type]
    assert found[1] == 0.0 and found[3] == 0.5



def test_a_copy_of_the_evidence_in_another_paper_is_taught_as_right() -> None:
    """The search keeps one of two copies (the Cabinet's appendix reissued to Council): the reranker's training must
    not count the one it kept as a wrong passage because the gold question cites the other paper."""
    question = GoldQuestion("q", "fact", "How much is the reserve?", (), ("cabinet_appendix.pdf",), (None,),
                            ("The reserve stands at £12m.",), "£12m", ("£12m",))
    reissued = SimpleNamespace(source="council_appendix.pdf", text="Reserves\nThe reserve  stands at £12m. It is low.")
    elsewhere = SimpleNamespace(source="cabinet_appendix.pdf", text="The reserve is reviewed each year.")
    assert holds_evidence(reissued, question) and not holds_evidence(elsewhere, question)  # type: ignore[arg-type]


def test_a_reference_code_the_question_names_finds_its_passage(fresh_services: Services) -> None:
    # the Inspector's schedule has a row per modification, its column names on its first page only; the report's
    # prose uses the question's other words far more often than the row does
    assert not fresh_services.pipeline.ingest([INSPECTORS_REPORT], progress=False).failed
    passages = fresh_services.retriever.retrieve("Which part of the Plan does main modification MM72 change, and on "
                                                 "what page?", top_k=3)
    assert any(p.chunk.text.startswith("MM72") for p in passages)


def test_a_passage_worded_as_one_ranked_above_it_is_left_out() -> None:
    def candidate(text: str) -> Candidate:
        return Candidate(SimpleNamespace(text=text), 1.0, 0.5)  # type: ignore[arg-type]
    whole = candidate("The Council agreed the budget.\nIt rises by 3%.")
    copy = candidate("the council agreed  the budget. it rises by 3%.")  # spaced as another reading spaced it
    part, other = candidate("It rises by 3%."), candidate("Reserves are low.")
    # a part of another passage stays: the minutes' resolution quoting the report's recommendation says it was agreed
    assert _without_copies([whole, part, other, copy]) == [whole, part, other]
