"""The keyword index kept on disk: filters inside the search, updates per document, BM25 as bm25s ranks it."""

from __future__ import annotations

import re
from pathlib import Path

import bm25s
import pytest

from conftest import SAMPLE_DIR
from index.filters import SearchFilter
from index.lexical import KeywordIndex, KeywordPassage, item_labels, tokens_of
from index.synonyms import with_synonyms


def _paragraphs(limit: int = 400) -> list[str]:
    """Real paragraphs of the sample reports."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    paragraphs = [" ".join(part.split()) for text in texts for part in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if len(p.split()) >= 12][:limit]


def _document(source: str, council: str, texts: list[str], date: str = "2024-03-01",
              ingest_id: str = "v1") -> tuple[dict, list[KeywordPassage]]:
    meta = {"source": source, "ingest_id": ingest_id, "council": council, "date": date}
    return meta, [KeywordPassage(n, text, item_labels(text, None)) for n, text in enumerate(texts)]


def test_a_council_filter_finds_its_passages_when_other_councils_outrank_them(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path)
    crowd = [_document(f"big-{n}.pdf", f"Council {n}", [f"Broadband rollout broadband coverage and broadband "
                                                        f"speeds in area {n} {k}." for k in range(5)])
             for n in range(40)]
    small = _document("small.pdf", "Small Council", ["The panel asked about broadband in the villages.",
                                                      "Library opening hours were reviewed."])
    index.add_documents(crowd + [small])
    unfiltered = index.search("broadband", 80)
    assert len(unfiltered) == 80 and not any(cid.startswith("small.pdf") for cid, _ in unfiltered)
    found = index.search("broadband", 5, SearchFilter(councils=("Small Council",)))
    assert [cid for cid, _ in found] == ["small.pdf:v1:0"]
    by_year = index.search("broadband", 5, SearchFilter(year_from=2025))
    assert by_year == []


def test_rankings_match_bm25s_over_the_same_passages(tmp_path: Path) -> None:
    paragraphs = _paragraphs()
    index = KeywordIndex(tmp_path)
    # several documents, added one by one, so the ranking spans merged and unmerged segments
    for start in range(0, len(paragraphs), 37):
        index.add_documents([_document(f"doc{start}.txt", "A", paragraphs[start:start + 37])])
    assert len(index.segments) > 1
    reference = bm25s.BM25()
    reference.index(tokens_of(paragraphs), show_progress=False)
    ids = [f"doc{start}.txt:v1:{n}" for start in range(0, len(paragraphs), 37)
           for n in range(len(paragraphs[start:start + 37]))]
    for query in ("foster carers recruitment", "budget overspend", "school attainment gaps"):
        tokens = tokens_of([query])
        tokens[0] += sorted(with_synonyms(frozenset(tokens[0])) - set(tokens[0]))  # as the search expands it
        tokens[0] = [token for token in tokens[0] if token in reference.vocab_dict]
        expected, scores = reference.retrieve(tokens, k=10, show_progress=False)
        got = index.search(query, 10)
        assert [ids[p] for p in expected[0] if scores[0][list(expected[0]).index(p)] > 0][:5] == \
            [cid for cid, _ in got][:5]
        assert got[0][1] == pytest.approx(float(scores[0][0]), rel=1e-4)


def test_the_index_is_saved_and_updated_per_document(tmp_path: Path) -> None:
    paragraphs = _paragraphs(120)
    writer = KeywordIndex(tmp_path)
    writer.add_documents([_document("a.txt", "A", paragraphs[:60]), _document("b.txt", "B", paragraphs[60:])])
    reader = KeywordIndex(tmp_path)  # as another process would open it
    query = paragraphs[70].split()[:8]
    assert reader.search(" ".join(query), 5) == writer.search(" ".join(query), 5)
    writer.add_documents([_document("b.txt", "B", ["A replaced paper about potholes."], ingest_id="v2")])
    assert reader.refresh()  # it reads the new manifest
    assert [cid for cid, _ in reader.search("potholes", 5)] == ["b.txt:v2:0"]
    assert not any(cid.startswith("b.txt:v1") for cid, _ in reader.search(" ".join(query), 50))
    assert reader.passage_count == 61
    writer.remove_document("a.txt")
    reader.refresh()
    assert reader.passage_count == 1
    assert not any(cid.startswith("a.txt") for cid, _ in reader.search(paragraphs[3], 50))
    assert reader.passage_ids_of("b.txt") == ["b.txt:v2:0"]


def test_merged_segments_score_as_one_fresh_index(tmp_path: Path) -> None:
    paragraphs = _paragraphs(200)
    grown = KeywordIndex(tmp_path / "grown")
    for n in range(0, 200, 10):
        grown.add_documents([_document(f"d{n}.txt", "A", paragraphs[n:n + 10])])
    grown.add_documents([_document("d0.txt", "A", paragraphs[:5], ingest_id="v2")])  # replaces one
    fresh = KeywordIndex(tmp_path / "fresh")
    fresh.add_documents([_document("d0.txt", "A", paragraphs[:5], ingest_id="v2")] +
                        [_document(f"d{n}.txt", "A", paragraphs[n:n + 10]) for n in range(10, 200, 10)])
    for query in ("children's services", "recommendation progress", "the council budget"):
        got, expected = grown.search(query, 10), fresh.search(query, 10)
        assert [cid for cid, _ in got] == [cid for cid, _ in expected]
        assert [score for _, score in got] == pytest.approx([score for _, score in expected], rel=1e-5)
    assert grown.term_weight("budget") == fresh.term_weight("budget")


def test_item_labels_are_found_at_index_time(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path)
    index.add_documents([_document("r.txt", "A", ["Recommendation 7: more foster carers.", "See Action no. 12.",
                                                  "Recommendation 70 is later.", "Item 7a is unrelated."])])
    assert index.labelled(["7"]) == ["r.txt:v1:0"]
    assert index.labelled(["12", "70"]) == ["r.txt:v1:1", "r.txt:v1:2"]
    assert item_labels("Table row", "row 15") == ["15"]
