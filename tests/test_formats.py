"""Every supported format read from a real file: headings, numbered paragraphs and table rows with their headers."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.chunker import Chunk, Chunker
from ingest.document import LoadedDocument
from ingest.readers import reader_for, supported_suffixes
from ingest.structure import StructureParser

RECOMMENDATION = "The Council should publish a quarterly update on foster carer recruitment."
PROGRESS = "Achieved. The first update was published in March 2025."


def _chunks(path: Path) -> tuple[LoadedDocument, list[Chunk]]:
    document = reader_for(path).read(path)
    return document, Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))


def _assert_row_keeps_header(document: LoadedDocument, chunks: list[Chunk]) -> None:
    row = next(c for c in chunks if "foster carer recruitment" in c.text)
    assert row.kind == "table_row"
    assert row.section == "row 12"
    assert "Progress: Achieved." in row.search_text  # each sentence is labelled with its column
    assert "Progress: The first update was published in March 2025." in row.search_text
    assert f"Recommendation: {RECOMMENDATION}" in row.search_text
    for chunk in chunks:
        assert chunk.text == document.text[chunk.start:chunk.end]


def _paragraph_sections(chunks: list[Chunk]) -> set[str | None]:
    return {s.section for c in chunks for s in c.sentences}


def test_docx_keeps_headings_numbered_paragraphs_and_table_headers(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_heading("Recommendations of the review", level=1)
    word.add_paragraph("3.8.1 The panel heard evidence from foster carers in January.")
    table = word.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["No", "Recommendation", "Target date", "Progress"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["12", RECOMMENDATION, "March 2025", PROGRESS]):
        cell.text = text
    path = tmp_path / "review.docx"
    word.save(str(path))
    document, chunks = _chunks(path)
    assert document.format == "docx"
    assert document.text.startswith("# Recommendations of the review")
    _assert_row_keeps_header(document, chunks)
    assert "3.8.1" in _paragraph_sections(chunks)
    assert chunks[0].heading == "Recommendations of the review"


def test_html_headings_lists_and_list_markup_inside_cells(tmp_path: Path) -> None:
    path = tmp_path / "review.html"
    path.write_text(f"""<html><head><title>x</title><script>var hidden = 1;</script></head><body>
      <h2>Findings</h2><p>2.1 The panel met six times.</p>
      <ul><li>Recruitment is falling.</li><li>Retention is stable.</li></ul>
      <table><tr><th>No</th><th>Recommendation</th><th>Target date</th><th>Progress</th></tr>
      <tr><td>12</td><td>{RECOMMENDATION}</td><td>March 2025</td>
          <td><ul><li>Achieved.</li><li>The first update was published in March 2025.</li></ul></td></tr></table>
      </body></html>""", encoding="utf-8")
    document, chunks = _chunks(path)
    assert "hidden" not in document.text and "<" not in document.text
    assert "# Findings" in document.text and "- Retention is stable." in document.text
    _assert_row_keeps_header(document, chunks)
    assert "2.1" in _paragraph_sections(chunks)


def test_markdown_headings_and_pipe_free_tab_tables(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(f"# Recommendations\n\n1.2 The panel agreed its scope.\n\n"
                    f"No\tRecommendation\tTarget date\tProgress\n12\t{RECOMMENDATION}\tMarch 2025\t{PROGRESS}\n",
                    encoding="utf-8")
    document, chunks = _chunks(path)
    _assert_row_keeps_header(document, chunks)
    assert chunks[0].heading == "Recommendations"


def test_markdown_pipe_tables_are_rows_under_their_header(tmp_path: Path) -> None:
    """A pipe table ("| No | Recommendation |" over "|---|---|") is read as rows under its column names, not as text
    with pipes; the text around it stays as written."""
    path = tmp_path / "notes.md"
    path.write_text(f"# Recommendations\n\n1.2 The panel agreed its scope.\n\n"
                    f"| No | Recommendation | Target date | Progress |\n|---|---|---|---|\n"
                    f"| 12 | {RECOMMENDATION} | March 2025 | {PROGRESS} |\n\nThe panel will meet again in May.\n",
                    encoding="utf-8")
    document, chunks = _chunks(path)
    _assert_row_keeps_header(document, chunks)
    assert "|" not in document.text and "The panel will meet again in May." in document.text
    assert chunks[0].heading == "Recommendations"


def test_supported_suffixes_cover_every_format() -> None:
    assert {".pdf", ".docx", ".html", ".htm", ".md", ".txt"} <= supported_suffixes()


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_a_file_that_is_not_what_its_name_says_is_refused_clearly(tmp_path: Path, suffix: str) -> None:
    from ingest.errors import IngestError

    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"\x00\x01 not a document")
    with pytest.raises(IngestError) as error:
        reader_for(path).read(path)
    assert "again" in str(error.value) or "no readable text" in str(error.value)
