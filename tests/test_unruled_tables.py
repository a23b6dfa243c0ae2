"""Tables of figures drawn without rules are found from word positions, each figure named by its column headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import KCC_LIBRARY
from ingest.chunker import Chunker
from ingest.readers import reader_for
from ingest.readers.unruled import Word, unruled_tables
from ingest.structure import StructureParser

LINE_HEIGHT = 10.0
CHAR_WIDTH = 5.0


def _line(top: float, *placed: tuple[float, str]) -> list[Word]:
    """Words at (x, text), split on spaces with one space between words, as a PDF page sets them."""
    words = []
    for x, text in placed:
        for word in text.split():
            words.append(Word(word, x, x + CHAR_WIDTH * len(word), top, top + LINE_HEIGHT))
            x += CHAR_WIDTH * (len(word) + 1)
    return words


def _right(x1: float, text: str) -> tuple[float, str]:
    """A figure set flush right against x1, as columns of figures are."""
    return x1 - CHAR_WIDTH * len(text), text


def test_each_figure_is_named_by_the_headings_above_its_column_and_a_label_between_columns_heads_its_row() -> None:
    words = (_line(-20, (300, "Savings table"))
             + _line(20, (150, "2024-25"), (400, "2025-26"))
             + _line(32, (100, "Core"), (160, "Total"), (350, "Core"), (410, "Total"))
             + _line(50, _right(125, "31,721.5"), _right(185, "31,721.5"), (200, "Base Budget Changes"),
                     _right(375, "10,320.7"), _right(435, "9,576.6"))
             + _line(62, _right(125, "10,798.4"), _right(185, "11,303.5"), (200, "Pay"),
                     _right(375, "21,845.7"), _right(435, "22,472.6"))
             + _line(74, (200, "SPENDING"))
             + _line(86, _right(185, "35.0"), (200, "Grant Income"), _right(375, "3,234.7"), _right(435, "14,510.9"))
             + _line(130, (0, "The council will publish the final figures in March.")))
    [table] = unruled_tables(words)
    assert table.names[1:] == ("Core", "2024-25 Total", "Core", "2025-26 Total")
    assert table.rows[1] == ["Pay", "10,798.4", "11,303.5", "21,845.7", "22,472.6"]
    assert table.rows[2] == ["SPENDING", "", "", "", ""]
    assert table.rows[3] == ["Grant Income", "", "35.0", "3,234.7", "14,510.9"]
    assert table.bbox[3] < 130  # the sentence below is prose, not a row


def test_headings_centred_over_like_groups_of_columns_name_every_column_of_their_group() -> None:
    """"2024-25" and "2025-26", each centred over "Core External Total", head three columns each; headings over some
    columns only ("Capital" over the first of four, "Real" over the third) name only those."""
    words = (_line(20, (167.5, "2024-25"), (367.5, "2025-26"))
             + _line(32, (100, "Core"), (160, "External"), (240, "Total"), (300, "Core"), (360, "External"), (440, "Total"))
             + _line(50, (0, "Pay"), _right(125, "10.7"), _right(185, "0.5"), _right(265, "11.2"),
                     _right(325, "21.8"), _right(385, "0.6"), _right(465, "22.4"))
             + _line(62, (0, "Prices"), _right(125, "49.5"), _right(185, "1.6"), _right(265, "51.2"),
                     _right(325, "41.4"), _right(385, "1.9"), _right(465, "43.3")))
    [table] = unruled_tables(words)
    assert table.names[1:] == ("2024-25 Core", "2024-25 External", "2024-25 Total",
                               "2025-26 Core", "2025-26 External", "2025-26 Total")
    uneven = (_line(20, (100, "Capital"), (240, "Real"))
              + _line(32, (100, "Budget"), (160, "Variance"), (240, "Variance"), (300, "Rephasing"))
              + _line(50, (0, "Adults"), _right(125, "1.3"), _right(185, "-0.2"), _right(265, "0.1"), _right(325, "-0.3"))
              + _line(62, (0, "Children"), _right(125, "138.2"), _right(185, "-53.7"), _right(265, "-0.5"),
                      _right(325, "-53.3")))
    [table] = unruled_tables(uneven)
    assert table.names[1:] == ("Capital Budget", "Variance", "Real Variance", "Rephasing")


def test_a_date_heading_broken_at_its_hyphen_is_one_name_and_one_row_under_years_is_a_table() -> None:
    words = (_line(0, (0, "Forecast"), (100, "Dec"), (150, "Mar-"))
             + _line(12, (100, "-24"), (150, "25"))
             + _line(30, (0, "Bank Rate"), _right(125, "4.75"), _right(175, "4.50")))
    [table] = unruled_tables(words)
    assert table.names == ("Forecast", "Dec-24", "Mar-25")
    assert table.rows == [["Bank Rate", "4.75", "4.50"]]


def test_a_label_wrapped_round_its_figures_is_the_rows_label() -> None:
    words = (_line(0, (100, "2023-24"), (160, "2024-25"))
             + _line(12, (100, "actual"), (160, "forecast"))
             + _line(30, (0, "Proportion of net"))
             + _line(38, _right(135, "8.17"), _right(195, "7.41"))
             + _line(46, (0, "revenue stream")))
    [table] = unruled_tables(words)
    assert table.names[1:] == ("2023-24 actual", "2024-25 forecast")
    assert table.rows == [["Proportion of net revenue stream", "8.17", "7.41"]]


def test_prose_with_numbers_and_a_contact_block_are_not_tables() -> None:
    contact = (_line(0, (0, "Report Author"), (200, "Relevant Director"))
               + _line(12, (0, "Telephone number"), (200, "Telephone number"))
               + _line(24, (0, "03000 419601"), (200, "03000 410066")))
    prose = (_line(100, (0, "In 2024 the council spent 12.5 and 13.1"))
             + _line(112, (0, "million pounds, against 14.0 and 15.2"))
             + _line(124, (0, "in the two years before, 16.3 and 17.4")))
    assert unruled_tables(contact) == []
    assert unruled_tables(prose) == []


KENT_MONITORING = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00108-finance-monitoring-report-q3-november-2024-25.pdf"


@pytest.mark.skipif(not KENT_MONITORING.exists(), reason="the KCC library is not present")
def test_a_real_unruled_budget_table_becomes_rows_that_name_their_columns(tmp_path: Path) -> None:
    """Page 6 sets its directorate budgets as aligned figures with no rules; each line is a row with its headings."""
    document = reader_for(KENT_MONITORING).read(KENT_MONITORING)
    chunks = Chunker(160).chunk(document, StructureParser().parse(document.text, document.table_lines))
    row = next(c for c in chunks if c.kind == "table_row" and c.text.startswith("Growth, Environment & Transport\t202.9"))
    assert "Budget: 202.9" in row.search_text and "Forecast: 209.2" in row.search_text
    assert row.page == 6


def test_headings_over_a_blank_band_name_the_columns_under_a_group_label() -> None:
    """A coloured header, an empty row, then a group label over the first row, as budget monitoring tables are set."""
    words = (_line(0, (20, "Service"), _right(150, "Budget"), _right(200, "Forecast"))
             + _line(42, (20, "Strategic Management"))
             + _line(56, (30, "Directorate Budgets"), _right(150, "4.3"), _right(200, "4.7"))
             + _line(70, (30, "Libraries"), _right(150, "11.1"), _right(200, "10.5"))
             + _line(84, (30, "Growth Total"), _right(150, "31.3"), _right(200, "29.9")))
    table = unruled_tables(words)[0]
    assert table.names == ("Service", "Budget", "Forecast")
    assert ["Libraries", "11.1", "10.5"] in [list(row) for row in table.rows]
