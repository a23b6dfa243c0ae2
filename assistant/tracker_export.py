"""Writes tracker records to CSV or XLSX: one row per record, the JSON contract's fields as columns."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ingest.tracked import JSON_FIELDS, Recommendation

COLUMNS = tuple(name for name in JSON_FIELDS if name != "history") + ("history",)
SHEET_TITLE = "Recommendations"


def _history(record: dict[str, Any]) -> str:
    """"2007-11 002_x.txt: in progress; 2008-06 005_y.txt: achieved": each paper's status, oldest first."""
    return "; ".join(f"{item.get('paper_date') or '-'} {item['source']}: {item['status']}" for item in record["history"])


def export_rows(records: list[Recommendation]) -> list[list[Any]]:
    """The header row, then one row per record; every value is text or a number, never None."""
    rows: list[list[Any]] = [list(COLUMNS)]
    for record in records:
        values = record.to_json()
        values["history"] = _history(values)
        rows.append(["" if values[name] is None else values[name] for name in COLUMNS])
    return rows


def write_csv(records: list[Recommendation], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # the BOM lets Excel read it as UTF-8
        csv.writer(handle).writerows(export_rows(records))


def write_xlsx(records: list[Recommendation], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    for row in export_rows(records):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    wide = {"text": 80, "progress": 60, "history": 40, "source": 30}
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = wide.get(name, 16)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def write_export(records: list[Recommendation], path: Path) -> None:
    """By the file's suffix: .csv or .xlsx; a folder that does not exist is a clear error, not a traceback."""
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {path}: the folder {path.parent} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(records, path)
    elif suffix == ".xlsx":
        write_xlsx(records, path)
    else:
        raise ValueError(f"cannot write {path}: give a .csv or .xlsx file name")
