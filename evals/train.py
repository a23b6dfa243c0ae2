"""Fits the sentence ranker and the abstention model on the dev questions, cross-validated by document (`make train`)."""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import re
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence, TypeVar

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from assistant.answerers.features import (QUESTION_FEATURES, SENTENCE_FEATURES, SentenceFeaturiser, question_features,
                                          wants_typed)
from assistant.answerers.extractive import ExtractiveAnswerer, SentenceScorer
from assistant.answerers.fitted import MODEL_FILE, FittedScorer, FittedScoring
from assistant.answerers.hand_scorer import HandScorer
from index.logistic import LogisticModel
from assistant.services import Services
from assistant.settings import load_settings
from evals.gold import DATASETS_DIR, PROJECT, GoldQuestion, corpus_files, load_dataset
from evals.metrics import score, summarise
from evals.runner import DEFAULT_DATASETS, ask_ours

T = TypeVar("T")
DATASETS = tuple(path.name for path in DEFAULT_DATASETS)  # the gold sets `scrutiny eval` scores
MAX_FALSE_REFUSALS = 0.05
# Regularisation of the abstention model, chosen by cross-validated AUC on dev among 1, 0.1 and 0.01: with about
# 30 unanswerable dev questions a weaker penalty lets it lean on traits that depend on the library's size.
ABSTAINER_C = 0.01
FOLDS = 5
REPORT = PROJECT / "docs" / "training.md"
_WORD = re.compile(r"[a-z0-9£%]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def supports(sentence: str, evidence: tuple[str, ...], passage: str = "") -> bool:
    """The sentence states (part of) a gold evidence string: one holds the other, or most of the evidence's words
    are in the sentence, or the sentence is a whole piece of a longer evidence string. A shorter piece counts when
    its passage holds the whole evidence: a table row's cells ("432.40") are each a sentence of their own."""
    said = " ".join(_words(sentence))
    whole_passage = " ".join(_words(passage))
    for item in evidence:
        wanted = " ".join(_words(item))
        if not said or not wanted:
            continue
        in_passage = bool(whole_passage) and wanted in whole_passage
        if wanted in said or ((len(said.split()) >= 4 or in_passage) and f" {said} " in f" {wanted} "):
            return True
        sentence_words, evidence_words = set(said.split()), set(wanted.split())
        if len(evidence_words & sentence_words) >= 0.7 * len(evidence_words):
            return True
    return False


@dataclass
class QuestionRows:
    """One dev question's candidate sentences: features, labels, its gold set, and the document group it is held out by."""

    question: GoldQuestion
    dataset: str
    group: str
    features: np.ndarray
    labels: np.ndarray
    wants_typed: bool
    found_anywhere: float
    count_missing: bool
    out_of_fold: np.ndarray = field(default_factory=lambda: np.zeros(0))


def held_out_group(question: GoldQuestion, dataset: str, number: int) -> str:
    """What cross-validation holds out together: the question's paper, whichever gold set asks about it (several
    sets ask about the same Kent papers); unanswerable questions, which have no paper, spread over the folds."""
    return f"paper:{question.sources[0]}" if question.sources else f"unanswerable:{dataset}:{number % FOLDS}"


def collect(services: Services, questions: list[GoldQuestion], dataset: str) -> list[QuestionRows]:
    """Each question's candidates exactly as the engine would hand them to its answerers."""
    collected = []
    for number, question in enumerate(questions, start=1):
        context = services.engine.context(question.question, list(question.history))
        if context is None:
            continue
        featuriser = SentenceFeaturiser(context)
        rows = featuriser.rows()
        features = np.array([r[3] for r in rows]) if rows else np.zeros((0, len(SENTENCE_FEATURES)))
        labels = np.array([question.answerable and r[1].source in question.sources
                           and supports(r[1].text[r[0].start - r[1].start: r[0].end - r[1].start], question.evidence,
                                        r[1].text)
                           for r in rows], dtype=bool)
        collected.append(QuestionRows(question, dataset, held_out_group(question, dataset, number), features, labels,
                                      wants_typed(context.analysis), featuriser.found_anywhere(),
                                      featuriser.count_missing(rows)))
        print(f"\r  {dataset}: {number}/{len(questions)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return collected


def fit_logistic(rows: np.ndarray, labels: np.ndarray, names: tuple[str, ...], c: float = 1.0) -> LogisticModel:
    """A class-balanced logistic regression over standardised features."""
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit((rows - mean) / scale, labels)
    return LogisticModel(names, mean, scale, model.coef_[0], float(model.intercept_[0]))


class Candidates(Protocol):
    """One question's candidates (sentences or passages): a feature row and a label each."""

    features: np.ndarray
    labels: np.ndarray


def fit_ranker(questions: Sequence[Candidates], names: tuple[str, ...] = SENTENCE_FEATURES) -> LogisticModel:
    """A pairwise ranker (each supporting candidate against each other candidate of its question, so only the order
    within a question is learned), then Platt-scaled to a probability over all candidates."""
    trainable = [q for q in questions if len(q.features)]
    rows = np.vstack([q.features for q in trainable])
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    differences = []
    for question in trainable:
        standard = (question.features - mean) / scale
        for positive in standard[question.labels]:
            differences.append(positive - standard[~question.labels])
    pairs = np.vstack(differences) if differences else np.zeros((0, len(names)))
    pairwise = LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False)
    pairwise.fit(np.vstack([pairs, -pairs]), np.concatenate([np.ones(len(pairs)), np.zeros(len(pairs))]))
    weights = pairwise.coef_[0]
    margins = ((rows - mean) / scale) @ weights
    platt = LogisticRegression(C=1.0, max_iter=2000).fit(margins[:, None], np.concatenate([q.labels for q in trainable]))
    return LogisticModel(names, mean, scale, weights * platt.coef_[0][0], float(platt.intercept_[0]))


def _top1(questions: list[QuestionRows], scores: list[np.ndarray]) -> float:
    """Share of questions with a supporting candidate whose top-scored candidate supports the answer."""
    hits = [bool(q.labels[int(np.argmax(s))]) for q, s in zip(questions, scores) if q.labels.any()]
    return sum(hits) / len(hits) if hits else 0.0


def hand_scores(question: QuestionRows) -> np.ndarray:
    """The hand-set formula the ranker replaces (0.5 dense + 0.4 coverage + 0.1 rank, +0.15 counts)."""
    f = {name: question.features[:, i] for i, name in enumerate(SENTENCE_FEATURES)}
    lexical = np.maximum(f["coverage"], 0.8 * f["row_coverage"])
    score = 0.5 * f["dense"] + 0.4 * lexical + 0.1 * f["passage_rank"]
    return score + 0.15 * f["counts_asked"]


def cross_validate_ranker(questions: list[QuestionRows]) -> None:
    """Out-of-fold sentence probabilities for every question, folds split by document."""
    groups = np.array([q.group for q in questions])
    for train, held in GroupKFold(n_splits=FOLDS).split(questions, groups=groups):
        model = fit_ranker([questions[i] for i in train])
        for i in held:
            questions[i].out_of_fold = model.probability(questions[i].features)


def abstention_rows(questions: list[QuestionRows]) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([question_features(q.out_of_fold, q.features if len(q.features) else np.zeros((0, len(SENTENCE_FEATURES))),
                                       q.wants_typed, q.found_anywhere, q.count_missing) for q in questions])
    return rows, np.array([q.question.answerable for q in questions])


def choose_threshold(probabilities: np.ndarray, answerable: np.ndarray) -> float:
    """The highest threshold refusing at most MAX_FALSE_REFUSALS of the answerable questions."""
    ranked = np.sort(probabilities[answerable])
    allowed = int(np.floor(MAX_FALSE_REFUSALS * len(ranked)))
    return float(ranked[allowed]) if len(ranked) else 0.5


def cross_validate_abstainer(rows: np.ndarray, answerable: np.ndarray, groups: np.ndarray) -> np.ndarray:
    out = np.zeros(len(rows))
    for train, held in GroupKFold(n_splits=FOLDS).split(rows, groups=groups):
        model = fit_logistic(rows[train], answerable[train], QUESTION_FEATURES, ABSTAINER_C)
        out[held] = model.probability(rows[held])
    return out


def _refusal_figures(probabilities: np.ndarray, answerable: np.ndarray, threshold: float) -> tuple[float, float]:
    refused = probabilities < threshold
    return float(refused[~answerable].mean()) if (~answerable).any() else 0.0, float(refused[answerable].mean())


def dev_services(index_root: Path, name: str, **settings: str) -> tuple[Services, list[GoldQuestion]]:
    """A gold set's dev questions and the services answering over its index, brought up to date with its papers."""
    path = DATASETS_DIR / name
    services = Services(load_settings(index=index_root / path.stem / "index", **settings))
    summary = services.pipeline.ingest(corpus_files(load_dataset(path)), progress=False)
    if summary.failed:
        raise SystemExit(f"could not ingest {[str(r.path) for r in summary.failed]}")
    return services, [q for q in load_dataset(path) if q.split == "dev"]


def collect_all(index_root: Path, datasets: tuple[str, ...]) -> list[QuestionRows]:
    questions: list[QuestionRows] = []
    for name in datasets:
        services, dev = dev_services(index_root, name)
        questions += collect(services, dev, Path(name).stem)
    return questions


def cached(cache: Path | None, collect: Callable[[], T]) -> T:
    """What collect returns, kept in the cache file (pickle) and read back from it on later runs."""
    if cache is not None and cache.is_file():
        return pickle.loads(cache.read_bytes())
    collected = collect()
    if cache is not None:
        cache.write_bytes(pickle.dumps(collected))
    return collected


def train(index_root: Path, model_file: Path, report_file: Path, datasets: tuple[str, ...] = DATASETS,
          cache: Path | None = None) -> FittedScoring:
    """cache keeps the collected candidates between runs (pickle), for trying model settings quickly."""
    questions = cached(cache, lambda: collect_all(index_root, datasets))
    scoring, held_out = fit_scoring(questions)
    _, answerable = abstention_rows(questions)
    model_file.write_text(json.dumps(scoring.to_json(), indent=1) + "\n", encoding="utf-8")
    answers = compare_answers(questions, index_root)
    report = _report(questions, held_out, answerable, scoring, answers)
    report_file.write_text(report, encoding="utf-8")
    print(report)
    return scoring


def fit_scoring(questions: list[QuestionRows]) -> tuple[FittedScoring, np.ndarray]:
    """The ranker and abstainer fitted on these questions, with the abstainer's out-of-fold probabilities (the
    abstainer learns from the ranker's out-of-fold probabilities, as it meets unseen papers' in use)."""
    cross_validate_ranker(questions)
    rows, answerable = abstention_rows(questions)
    held_out = cross_validate_abstainer(rows, answerable, np.array([q.group for q in questions]))
    abstainer = fit_logistic(rows, answerable, QUESTION_FEATURES, ABSTAINER_C)
    return FittedScoring(fit_ranker(questions), abstainer, choose_threshold(held_out, answerable)), held_out


def with_scorer(services: Services, scorer: SentenceScorer) -> None:
    """The engine answering with this sentence scorer (in the extractive answerer put last)."""
    extractive = ExtractiveAnswerer(scorer, services.settings.max_answer_sentences)
    services.use_steps(replace(services.steps, answerers=services.answerers_ending_with(extractive)))


def compare_answers(questions: list[QuestionRows], index_root: Path) -> dict[str, dict]:
    """Headline figures of the engine's answers to the dev questions with the hand-set scorer and with the fitted one,
    each question answered by models fitted without its document (folds by document): which should be the default."""
    groups = np.array([q.group for q in questions])
    scorer_of: dict[str, SentenceScorer] = {}
    with tempfile.TemporaryDirectory() as folder:
        for fold, (train, held) in enumerate(GroupKFold(n_splits=FOLDS).split(questions, groups=groups)):
            scoring, _ = fit_scoring([copy.copy(questions[i]) for i in train])  # copies: keep their out-of-fold
            path = Path(folder) / f"fold{fold}.json"
            path.write_text(json.dumps(scoring.to_json()), encoding="utf-8")
            scorer_of.update({questions[i].question.id: FittedScorer(path) for i in held})
        scores: dict[str, list] = {"hand": [], "fitted": []}
        for dataset in sorted({q.dataset for q in questions}):
            services = Services(load_settings(index=index_root / dataset / "index"))
            asked = [q.question for q in questions if q.dataset == dataset]
            for name in scores:
                for question in asked:
                    with_scorer(services, HandScorer(services.settings.abstain_threshold) if name == "hand" else scorer_of[question.id])
                    scores[name].append(score(question, ask_ours(services, question), lambda source: None))
    return {name: summarise(found) for name, found in scores.items()}


def _report(questions: list[QuestionRows], held_out: np.ndarray, answerable: np.ndarray, scoring: FittedScoring,
            answers: dict[str, dict]) -> str:
    learned = _top1(questions, [q.out_of_fold for q in questions])
    hand = _top1(questions, [hand_scores(q) for q in questions])
    with_support = sum(q.labels.any() for q in questions)
    threshold = scoring.answerable_threshold
    refused, false_refused = _refusal_figures(held_out, answerable, threshold)
    auc = roc_auc_score(answerable, held_out) if 0 < answerable.sum() < len(answerable) else float("nan")
    lines = [
        "# Training report: fitted sentence ranker and abstention model", "",
        "Written by `make train` (`python -m evals.train`); figures are out-of-fold, folds split by document, "
        "on the dev questions only (the test split of `kcc.jsonl` is never used here).", "",
        f"- dev questions: {len(questions)} ({int(answerable.sum())} answerable, {int((~answerable).sum())} unanswerable); "
        f"{with_support} have a supporting sentence among their candidates",
        f"- candidate sentences: {sum(len(q.labels) for q in questions)}, supporting: {sum(int(q.labels.sum()) for q in questions)}",
        f"- ranker, top sentence supports the answer: learned {learned:.3f} vs the hand-set formula {hand:.3f}",
        f"- abstention AUC {auc:.3f}; threshold {threshold:.3f} (at most {MAX_FALSE_REFUSALS:.0%} false refusals on dev): "
        f"refuses {refused:.2f} of unanswerable, {false_refused:.2f} of answerable", "",
        "Answers to the same dev questions, each answered by models fitted without its document (`scorer` setting):", "",
        "| scorer | key facts | citation hit | unanswerable refused | false refusals |", "|---|---|---|---|---|",
        *[f"| {name} | {figures['key_fact_recall']:.3f} | {figures['citation_hit']:.3f} | "
          f"{figures['abstention_recall']:.3f} | {figures['false_abstention']:.3f} |" for name, figures in answers.items()],
        "",
        "| ranker feature | weight (standardised) |", "|---|---|",
        *[f"| {name} | {weight:+.3f} |" for name, weight in zip(scoring.ranker.features, scoring.ranker.coef)], "",
        "| abstention feature | weight (standardised) |", "|---|---|",
        *[f"| {name} | {weight:+.3f} |" for name, weight in zip(scoring.abstainer.features, scoring.abstainer.coef)], "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=PROJECT / "out" / "eval-index",
                        help="folder of the gold sets' indexes (kept between runs; unchanged papers are not re-ingested)")
    parser.add_argument("--model", type=Path, default=MODEL_FILE, help="where to write the fitted models")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the training report")
    parser.add_argument("--dataset", action="append", choices=DATASETS, help="only these gold sets (default: all)")
    parser.add_argument("--cache", type=Path, help="keep the collected candidates in this file and reuse them")
    args = parser.parse_args(argv)
    train(args.index, args.model, args.report, tuple(args.dataset or DATASETS), args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
