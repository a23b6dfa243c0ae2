"""Calibrates the answer checker's support threshold on the gold sets: the gold answers' sentences should pass
against the passage holding their own evidence and fail against another question's; prints both pass rates.

    python -m evals.calibrate_check [--dataset FILE ...]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from assistant.answer_check import SUPPORT_THRESHOLD, Passage, figures, names, split_sentences, support, _words
from evals.gold import DATASETS_DIR, GoldQuestion, SourceTexts, corpus_files, load_dataset
from evals.metrics import collapse
from ingest.metadata import extract_metadata

THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)
SEED = 11
PASSAGE_WORDS = 160


def passage_around(question: GoldQuestion, sources: SourceTexts) -> str:
    """What a model would cite: the document's reference, then each evidence sentence with the words around it in
    its document, about one passage's length (the chunker's 160 words); the evidence alone when it is not found."""
    pieces = [_reference(source, sources) for source in question.sources]
    for evidence in question.evidence:
        words = _document_words(question, sources)
        wanted = collapse(evidence).split()
        start = next((i for i in range(len(words)) if words[i:i + len(wanted)] == wanted), None)
        if start is None:
            pieces.append(evidence)
            continue
        around = (PASSAGE_WORDS - len(wanted)) // 2
        pieces.append(" ".join(words[max(0, start - around):start + len(wanted) + around]))
    return " ".join(pieces)


def _reference(source: str, sources: SourceTexts) -> str:
    """The reference line the model sees above each passage: title, council and date, read as ingest reads them."""
    metadata = extract_metadata(sources.text(source) or "")
    return ", ".join(part for part in (metadata.title or source, metadata.council, metadata.date) if part)


def _document_words(question: GoldQuestion, sources: SourceTexts) -> list[str]:
    return [word for source in question.sources for word in collapse(sources.text(source) or "").split()]


def _pairs(questions: list[GoldQuestion], sources: SourceTexts) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(sentence, passage) pairs: each gold answer sentence with its own evidence's passage, and with the passage
    of a random other question's evidence from another document."""
    answerable = [q for q in questions if q.answerable and q.evidence]
    passages = {q.id: passage_around(q, sources) for q in answerable}
    chooser = random.Random(SEED)
    matched, mismatched = [], []
    for question in answerable:
        others = [q for q in answerable if not set(q.sources) & set(question.sources)] or \
                 [q for q in answerable if q.id != question.id]
        other = chooser.choice(others)
        for sentence in split_sentences(question.answer):
            matched.append((sentence, passages[question.id]))
            mismatched.append((sentence, passages[other.id]))
    return matched, mismatched


def _passes(sentence: str, evidence: str, threshold: float) -> bool:
    """The checker's three tests on an unmarked sentence: figures, names, then word support."""
    material = Passage(evidence, "", [])
    return (figures(sentence) <= figures(material.text) and names(sentence) <= _words(material.text)
            and support(sentence, material.text) >= threshold)


def _rate(pairs: list[tuple[str, str]], test) -> float:  # noqa: ANN001 - a predicate on one pair
    return sum(test(sentence, evidence) for sentence, evidence in pairs) / len(pairs) if pairs else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", metavar="FILE")
    args = parser.parse_args()
    paths = [Path(p) for p in args.dataset] if args.dataset else [DATASETS_DIR / "sample.jsonl",
                                                                    DATASETS_DIR / "external.jsonl"]
    questions = [q for path in paths for q in load_dataset(path)]
    matched, mismatched = _pairs(questions, SourceTexts(corpus_files(questions)))
    print(f"{len(matched)} gold answer sentences from {len({q.id for q in questions if q.answerable})} questions "
          f"in {', '.join(p.name for p in paths)}")
    print(f"  figures all in own evidence:   {_rate(matched, lambda s, e: figures(s) <= figures(e)):.2f}  "
          f"in another's: {_rate(mismatched, lambda s, e: figures(s) <= figures(e)):.2f}")
    print(f"  names all in own evidence:     {_rate(matched, lambda s, e: names(s) <= _words(e)):.2f}  "
          f"in another's: {_rate(mismatched, lambda s, e: names(s) <= _words(e)):.2f}")
    print(f"{'support threshold':>18} {'own evidence':>13} {'another':>8} {'all checks: own':>16} {'another':>8}")
    for threshold in THRESHOLDS:
        marker = "  <- in use" if threshold == SUPPORT_THRESHOLD else ""
        print(f"{threshold:>18.2f} {_rate(matched, lambda s, e, t=threshold: support(s, e) >= t):>13.2f} "
              f"{_rate(mismatched, lambda s, e, t=threshold: support(s, e) >= t):>8.2f} "
              f"{_rate(matched, lambda s, e, t=threshold: _passes(s, e, t)):>16.2f} "
              f"{_rate(mismatched, lambda s, e, t=threshold: _passes(s, e, t)):>8.2f}{marker}")


if __name__ == "__main__":
    main()
