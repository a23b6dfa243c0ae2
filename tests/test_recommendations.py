"""The recommendations tracker on the real sample reports and a real council PDF: counts, statuses, CLI, removal."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from assistant.services import Services
from assistant.tracker import list_recommendations
from conftest import EXTERNAL_PDFS, SAMPLE_DIR
from ingest.recommendations import normalise_status
from ingest.tracked import JSON_FIELDS
from test_cli import DERBY, run

EAST_SUSSEX, LEEDS, BATH = "000_5235fb501e279139.txt", "001_9fd2cc959c742ed0.txt", "004_77dbbb5ea04abb7b.txt"
KENT_GOVERNANCE = EXTERNAL_PDFS / "kcc_2025-03-13_council_governance-update-report.pdf"


def by_number(services: Services, source: str) -> dict[str, object]:
    return {r.number: r for r in list_recommendations(services.store, source=source)}


def test_counts_on_the_sample(sample_services: Services) -> None:
    counts = Counter(r.source for r in list_recommendations(sample_services.store))
    assert (counts[EAST_SUSSEX], counts[LEEDS], counts[DERBY]) == (21, 12, 34)
    assert counts[BATH] >= 15  # the Objective/How/Cost/When/Outcomes/Progress plan, one record per objective


def test_derby_recommendation_15_is_the_one_not_accepted(sample_services: Services) -> None:
    """The report: "One recommendation was not accepted (15)"; its 2.5 summary table adds no records."""
    refused = list_recommendations(sample_services.store, council="derby", status="Not-Accepted")
    assert [(r.number, r.source) for r in refused] == [("15", DERBY)]
    record = refused[0]
    assert record.text.startswith("There should be closer collaboration between councils")
    assert "This recommendation was not accepted" in record.progress
    assert record.council == "Derby City Council" and record.owner == "AD HOS" and record.section == "row 15"


def test_statuses_and_fields_match_the_text(sample_services: Services) -> None:
    derby = by_number(sample_services, DERBY)
    assert derby["20"].status == "achieved"  # "This recommendation was accepted." | "Achieved."
    assert derby["5"].status == "achieved"  # listed as achieved in the section 2.5 summary table
    assert "Summary: achieved (summary table)" in derby["5"].progress
    assert derby["3"].status == "in progress"  # "A review ... is underway"
    assert (derby["12"].target_date, derby["12"].owner) == ("April 2008", "C&YP DMT")
    leeds = by_number(sample_services, LEEDS)
    assert leeds["7"].section == "3.8" and leeds["7"].text.startswith("That the director of children")
    assert leeds["7"].status == "accepted" and "review of the payment structure" in leeds["7"].progress
    east = by_number(sample_services, EAST_SUSSEX)
    assert east["12"].status == "partly achieved"  # "A comprehensive review ... is underway"; "The first phase ... completed"
    assert east["21"].target_date == "6 monthly intervals from Jan 2003"
    assert "April '04" in east["6"].target_date  # the continuation row (empty first cell) extends recommendation 6


def test_status_rules() -> None:
    assert normalise_status("This recommendation was not accepted. It was agreed instead that ...") == "not accepted"
    assert normalise_status("The structure should be completed in January 2008.") == "in progress"
    assert normalise_status("Review completed.") == "achieved"
    assert normalise_status("Work is on going.") == "ongoing"
    assert normalise_status("Nothing to report.", "Ongoing") == "ongoing"
    assert normalise_status("Nothing to report.") == "unknown"


def test_cli_lists_derby_recommendation_15(sample_services: Services) -> None:
    done = run("recommendations", "--council", "Derby", "--status", "not accepted", "--json",
               index=sample_services.settings.index)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [r["number"] for r in records] == ["15"]
    assert tuple(records[0]) == JSON_FIELDS
    searched = json.loads(run("recommendations", "--search", "BROADBAND", "--json", index=sample_services.settings.index).stdout)
    assert [(r["source"], r["number"]) for r in searched] == [(DERBY, "20")]
    bad = run("recommendations", "--status", "finished", index=sample_services.settings.index)
    assert bad.returncode == 1 and "use one of" in bad.stderr and "Traceback" not in bad.stderr


def test_records_go_with_their_document(fresh_services: Services) -> None:
    summary = fresh_services.pipeline.ingest([SAMPLE_DIR / DERBY, SAMPLE_DIR / LEEDS], progress=False)
    assert not summary.failed
    assert len(list_recommendations(fresh_services.store)) == 46
    assert fresh_services.store.remove(DERBY)
    assert {r.source for r in list_recommendations(fresh_services.store)} == {LEEDS}
    assert fresh_services.store.recommendation_rows.count() == 12  # the rows are deleted, not just hidden


@pytest.mark.skipif(not KENT_GOVERNANCE.exists(), reason="external PDFs not present")
def test_a_real_pdf_lists_what_it_asks_council_to_decide(fresh_services: Services) -> None:
    """The Kent governance report tracks no plan; its numbered "Recommendations" to full Council are listed."""
    assert not fresh_services.pipeline.ingest([KENT_GOVERNANCE], progress=False).failed
    records = list_recommendations(fresh_services.store, council="kent")
    assert [r.number for r in records] == ["1", "2", "3", "4", "5", "6"]
    assert records[3].text == ("DEBATE and DECIDE whether the Chair of the Scrutiny Committee should be mandated "
                               "as an opposition Member.")
    assert all(r.page == 8 and r.status == "unknown" and r.section == "8" for r in records)
    assert list_recommendations(fresh_services.store, number="5")[0].text.startswith("If Recommendation 4 is passed")
