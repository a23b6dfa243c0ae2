"""The evaluation suite: metrics on hand-made results, a regression gate on a sample subset, and the HTML report.

The report is opened in a real headless Chromium with the network off."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import pytest

from assistant.services import Services
from conftest import EXTERNAL_PDFS, KCC_LIBRARY
from evals import check_gold, compare_reports
from evals.gold import DATASETS_DIR, GoldQuestion, SourceTexts, corpus_files, load_dataset
from evals.intervals import split_intervals
from evals.metrics import (Attempt, Cited, QuestionScore, contains_evidence, key_fact_recall, score, summarise,
                           summarise_by_kind)
from evals.report_html import render_html
from evals.runner import ask_ours, dataset_report, format_intervals, run_system, spread

CHROMIUM = Path("/usr/bin/chromium")
SUBSET = 30
# Measured on this subset when the gate was last raised (key facts 0.91, citation hit 0.93, hit@10 1.0, abstention
# recall 1/3, false abstention 1/27), less a margin; raise them as the engine improves. Citation hit lowered to 0.80
# when the rule audit's condemned rules were removed (one question, 0.85 -> 0.81; the whole sample set's unchanged).
GATE = {"key_fact_recall": 0.85, "citation_hit": 0.80, "hit@10": 0.9, "abstention_recall": 0.3}
MAX_FALSE_ABSTENTION = 0.05

SOURCE = "Derby agreed twelve recommendations.\nThe   panel will report back in July 2012. Joint campaigns were not accepted."


def gold(kind: str = "fact", **changes: object) -> GoldQuestion:
    fields = dict(id="t001", type=kind, question="When will the panel report?", history=(), sources=("derby.txt",),
                  pages=(None,), evidence=("The panel will report back in July 2012.",), answer="In July 2012.",
                  must_include=("July 2012", "panel"))
    fields.update(changes)
    return GoldQuestion(**fields)  # type: ignore[arg-type]


def texts(source: str) -> str | None:
    return SOURCE if source == "derby.txt" else None


def test_retrieval_hit_at_k_and_mrr_use_the_first_passage_holding_evidence() -> None:
    attempt = Attempt("x", False, [], ["Derby agreed twelve recommendations.", "the panel WILL report back\nin July 2012."],
                      5.0)
    result = score(gold(), attempt, texts)
    assert result.hits == {1: False, 5: True, 10: True}
    assert result.reciprocal_rank == 0.5
    missed = score(gold(), Attempt("x", False, [], ["nothing relevant"] * 10, 5.0), texts)
    assert missed.hits[10] is False and missed.reciprocal_rank == 0.0


def test_evidence_is_found_however_a_reader_spaces_its_punctuation() -> None:
    """The gold evidence was copied from one PDF reader's text and the engine reads with another: "However , capital"
    and "2024- 2030" are the paper's words as much as "However, capital" and "2024-2030"."""
    evidence = ("However , capital is not unlimited or “free money”", "the 2024- 2030 Asset Management Strategy")
    assert contains_evidence('However, capital is not unlimited or\n"free money" - capital funding', evidence[:1])
    assert contains_evidence("finalising the 2024-2030 Asset Management Strategy (AMS)", evidence[1:])
    assert not contains_evidence("capital is unlimited", evidence)


def test_citation_hit_precision_and_quote_fidelity() -> None:
    citations = [
        Cited("derby.txt", "The panel will report back in July 2012.", "whole passage"),
        Cited("leeds.txt", "Leeds agreed nothing.", "Leeds agreed nothing."),
        Cited("derby.txt", "Joint campaigns were rejected.", "Joint campaigns were rejected."),
    ]
    result = score(gold(), Attempt("The panel reports in July 2012 [1].", False, citations, [], 1.0), texts)
    assert result.citation_hit is True
    assert result.citation_precision == pytest.approx(2 / 3)
    assert (result.quotes, result.verbatim_quotes) == (3, 1)  # the paraphrase and the unknown source are not verbatim
    assert result.failed  # an unfaithful quote fails the question even with every fact present
    miss = score(gold(), Attempt("July 2012 panel", False, citations[1:], [], 1.0), texts)
    assert miss.citation_hit is False


def test_key_fact_recall_counts_only_the_first_words_and_longer_for_lists() -> None:
    padding = " ".join(["word"] * 160)
    answer = f"The panel [1] [2] [3] met. {padding} July 2012"
    assert key_fact_recall(answer, ("july 2012", "PANEL"), "fact") == 0.5
    assert key_fact_recall(answer, ("july 2012", "PANEL"), "list") == 1.0
    # citation markers do not use up the word budget
    assert key_fact_recall("[1] " * 200 + "July 2012", ("July 2012",), "fact") == 1.0


def test_a_key_fact_printed_with_curly_quotes_or_dashes_is_found() -> None:
    answer = "The updated Children\u2019s Social Care Prevention Grant runs 2025\u201326."
    assert key_fact_recall(answer, ("Children's Social Care Prevention Grant", "2025-26"), "fact") == 1.0
    assert key_fact_recall(answer, ("Children's Services Grant",), "fact") == 0.0


def test_abstention_precision_recall_and_false_abstentions() -> None:
    unanswerable = gold("unanswerable", sources=(), evidence=(), must_include=())
    scores = [
        score(unanswerable, Attempt("", True, [], [], 10.0), texts),
        score(unanswerable, Attempt("Something [1].", False, [], [], 20.0), texts),
        score(gold(), Attempt("", True, [], [], 30.0), texts),
        score(gold(), Attempt("The panel: July 2012 [1].", False,
                              [Cited("derby.txt", "The panel will report back in July 2012.", "")], [], 40.0), texts),
    ]
    summary = summarise(scores)
    assert summary["abstention_precision"] == 0.5
    assert summary["abstention_recall"] == 0.5
    assert summary["false_abstention"] == 0.5
    assert summary["key_fact_recall"] == 0.5  # the abstained answerable question scores zero
    assert summary["latency_p50_ms"] == 25.0
    assert [s.failed for s in scores] == [False, True, True, False]
    by_kind = summarise_by_kind(scores)
    assert list(by_kind) == ["unanswerable", "fact", "overall"] and by_kind["fact"]["n"] == 2


def _answered(question: GoldQuestion, found: bool) -> QuestionScore:
    cited = [Cited(question.sources[0], "The panel will report back in July 2012.", "")] if found else []
    return score(question, Attempt("The panel: July 2012 [1]." if found else "Other words [1].", False, cited, [], 1.0),
                 texts)


def test_intervals_resample_papers_and_hold_the_figure() -> None:
    one_paper = [gold(id=f"t{n}") for n in range(8)]
    scores = [_answered(q, found=n % 2 == 0) for n, q in enumerate(one_paper)]
    # every question on one paper: each draw takes that paper, and so the same questions
    assert split_intervals(one_paper, scores)["dev"]["key_fact_recall"] == [0.5, 0.5]

    papers = [gold(id=f"t{n}", sources=(f"paper{n}.txt",), split="test" if n < 6 else "dev") for n in range(12)]
    scores = [_answered(q, found=n % 3 != 0) for n, q in enumerate(papers)]
    intervals = split_intervals(papers, scores)
    low, high = intervals["test"]["key_fact_recall"]
    assert 0.0 <= low < summarise(scores[:6])["key_fact_recall"] < high <= 1.0
    assert intervals["gap"]["key_fact_recall"][0] < 0.0 < intervals["gap"]["key_fact_recall"][1]
    assert intervals["test"]["abstention_recall"] is None  # no unanswerable question in the split
    assert split_intervals(papers, scores) == intervals  # a report gives the same intervals each time
    assert "test  key facts" in "\n".join(format_intervals(intervals))


def test_spread_covers_every_kind() -> None:
    questions = load_dataset(DATASETS_DIR / "sample.jsonl")
    picked = spread(questions, 20)
    assert len(picked) == 20 and {q.type for q in picked} == {q.type for q in questions}


@pytest.fixture(scope="module")
def subset_report(sample_services: Services) -> dict:
    """Our engine over a kind-balanced subset of the sample gold set, scored by the real metrics."""
    path = DATASETS_DIR / "sample.jsonl"
    questions = spread(load_dataset(path), SUBSET)
    files = corpus_files(questions)
    systems = {"ours": run_system("ours", lambda q: ask_ours(sample_services, q), questions, SourceTexts(files))}
    return dataset_report(path, files, questions, systems)


def test_subset_gate_holds_the_current_level(subset_report: dict) -> None:
    overall = subset_report["summary"]["ours"]["overall"]
    print({key: overall[key] for key in [*GATE, "quote_fidelity", "false_abstention"]})
    assert overall["quote_fidelity"] == 1.0
    for key, floor in GATE.items():
        assert overall[key] >= floor, f"{key} fell to {overall[key]:.2f} (gate {floor})"
    assert overall["false_abstention"] <= MAX_FALSE_ABSTENTION


def test_two_reports_compared_question_by_question(subset_report: dict, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = {"datasets": {"sample": subset_report}}
    after = copy.deepcopy(before)
    questions = after["datasets"]["sample"]["questions"]
    answered = next(q for q in questions if q["type"] != "unanswerable" and q["ours"]["metrics"]["key_fact_recall"])
    answered["ours"]["metrics"]["key_fact_recall"] = 0.0
    unanswerable = next(q for q in questions if q["type"] == "unanswerable")
    unanswerable["ours"]["abstained"] = not unanswerable["ours"]["abstained"]
    paths = [tmp_path / "before.json", tmp_path / "after.json"]
    for path, report in zip(paths, (before, after)):
        path.write_text(json.dumps(report), encoding="utf-8")

    assert compare_reports.main([str(paths[0]), str(paths[0])]) == 0
    assert "(0 better, 0 worse)" in capsys.readouterr().out
    assert compare_reports.main([str(paths[0]), str(paths[1]), "--list"]) == 0
    printed = capsys.readouterr().out

    answerable = [q for q in subset_report["questions"] if q["type"] != "unanswerable"]
    old = sum(q["ours"]["metrics"]["key_fact_recall"] or 0.0 for q in answerable) / len(answerable)
    lost = subset_report["questions"][questions.index(answered)]["ours"]["metrics"]["key_fact_recall"]
    assert f"key facts {old:.3f} -> {old - lost / len(answerable):.3f} (0 better, 1 worse)" in printed, printed
    assert f"sample:{answered['id']} " in printed and f"sample:{unanswerable['id']} " in printed
    assert compare_reports.main([str(tmp_path / "missing.json"), str(paths[1])]) == 2
    assert "missing.json" in capsys.readouterr().err


@pytest.mark.browser
def test_html_report_renders_offline_in_chromium(subset_report: dict, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium: apt-get install -y chromium (or `make browser-deps`)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html({"generated": "test", "datasets": {"sample": subset_report}}), encoding="utf-8")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        try:
            page = browser.new_page()

            def guard(route) -> None:  # noqa: ANN001 - playwright's Route
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(page_file.as_uri())
            charts = page.locator("figure.chart svg")
            assert charts.count() == 5  # four per-kind metrics and the latency distribution
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 200 and box["height"] > 100
            assert page.locator("figure.chart svg path, figure.chart svg rect").count() > 20  # the bars are drawn
            failed = sum(q["ours"]["metrics"]["failed"] for q in subset_report["questions"])
            assert page.locator("details").count() == failed
            assert "Scrutiny Assistant evaluation" in page.title()
        finally:
            browser.close()
    assert blocked == []


def test_gold_check_passes_the_question_sets_and_leaves_the_metadata_set_to_its_scorer(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("sample.jsonl", "metadata.jsonl"):
        (tmp_path / name).write_bytes((DATASETS_DIR / name).read_bytes())
    assert check_gold.main(["--datasets-dir", str(tmp_path)]) == 0
    assert "metadata.jsonl: not questions; checked by python -m evals.metadata_eval" in capsys.readouterr().out
    broken = json.loads((DATASETS_DIR / "sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
    broken["evidence"] = ["words no sample paper holds"]
    (tmp_path / "sample.jsonl").write_text(json.dumps(broken) + "\n", encoding="utf-8")
    assert check_gold.main(["--datasets-dir", str(tmp_path)]) == 1


def test_gold_ids_are_the_set_letter_and_three_or_four_digits() -> None:
    """A set past its thousandth question goes on numbering; a letter and two digits, or five, is a typo."""
    record = json.loads((DATASETS_DIR / "sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
    for good in ("s001", "s1001"):
        assert check_gold.check_schema({**record, "id": good}, "sample.jsonl:1", "s") == []
    for bad in ("s01", "s10001", "sx001"):
        assert check_gold.check_schema({**record, "id": bad}, "sample.jsonl:1", "s") == [f"sample.jsonl:1: bad id {bad!r}"]


@pytest.mark.skipif(not KCC_LIBRARY.is_dir() or not EXTERNAL_PDFS.is_dir(), reason="../shared/external not present")
def test_every_gold_set_in_the_project_passes_the_gold_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Every question set as committed: the KCC sets' evidence is verbatim on its page of the Kent papers."""
    assert check_gold.main([]) == 0, capsys.readouterr().out
    printed = capsys.readouterr().out
    for name in ("kcc.jsonl", "kcc_tables.jsonl", "kcc_budget.jsonl", "external.jsonl"):
        assert re.search(rf"^{re.escape(name)}: \d+ records, 0 problem", printed, re.MULTILINE), printed
