"""Merged cells in the add-in: "Kiểm tra" reads a value merged down over several tasks
for each of them, as ``nscl validate`` and the sync do on the saved file.

Before, the add-in's snapshot of the open workbook carried values only: a lead
organisation merged over three tasks gave two false ``required-missing`` errors in Excel
while the same file was clean in the nightly consolidation.

Excel's merged areas are found through its object model (Find on the merged-cells
format); there is no Excel here, so that search is exercised on the stand-in of Excel's
object model (``tests/excel_standin.py``), whose Find answers as Excel's does (row by
row after a cell, wrapping around).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from nscl.a1 import a1
from nscl.marking import MARKS_SHEET, RESULTS_SHEET
from nscl.marking.openpyxl_book import OpenpyxlBook
from nscl.reading import open_workbook
from nscl.validation import validate_path
from tests.test_xl_support import (
    FIRST_DATA_ROW,
    column_letters,
    make_form_a,
    row_values,
)
from xl.button import check_workbook
from xl.snapshot import snapshot_to_xlsx
from xl.xlwings_book import XlwingsBook

L = column_letters()
F = FIRST_DATA_ROW
CLEAN_STATE, CLEAN_COUNTERPART = (row_values()["state_budget"], row_values()["counterpart"])


def _merged_form(path: Path, *ranges: str) -> Path:
    """Three tasks; the cells covered by ``ranges`` (below their first row) left empty
    and merged, as a clerk does for a lead organisation shared by several tasks."""
    rows = [row_values(seq=i, task_name=f"Nhiệm vụ số {i} về năng suất chất lượng")
            for i in (1, 2, 3)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    for rng in ranges:
        first, last = rng.split(":")
        col = "".join(ch for ch in first if ch.isalpha())
        for r in range(int(first[len(col):]) + 1, int(last[len(col):]) + 1):
            ws[f"{col}{r}"] = None
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _codes(problems: Any) -> list[tuple[str, str | None]]:
    return sorted((p.code, p.cell) for p in problems)


def test_a_text_merged_over_tasks_is_clean_in_the_add_in_as_in_the_file(
    tmp_path: Path,
) -> None:
    path = _merged_form(tmp_path / "bo.xlsx", f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}",
                        f"{L['duration_months']}{F + 1}:{L['duration_months']}{F + 2}")
    assert validate_path(path).problems == []
    result = check_workbook(OpenpyxlBook(load_workbook(path), path.name))
    assert (result.errors, result.warnings, result.summary.tasks) == (0, 0, 3)
    assert result.summary.total == 3 * (CLEAN_STATE + CLEAN_COUNTERPART)


def test_an_amount_merged_over_tasks_is_the_same_error_in_the_add_in(tmp_path: Path) -> None:
    rng = f"{L['state_budget']}{F}:{L['state_budget']}{F + 1}"
    path = _merged_form(tmp_path / "bo.xlsx", rng)
    expected = sorted(p.code for p in validate_path(path).errors)
    assert "amount-merged" in expected
    book = OpenpyxlBook(load_workbook(path), path.name)
    result = check_workbook(book)
    assert result.errors == len(expected)
    listed = [row for row in book.read_values(RESULTS_SHEET) if row and row[0] == "Lỗi"]
    assert sorted(str(row[5]) for row in listed) == expected
    marks = book.read_values(MARKS_SHEET)
    assert any(f"{L['state_budget']}{F}" in str(cell) for row in marks for cell in row)


def test_the_snapshot_keeps_the_merged_ranges(tmp_path: Path) -> None:
    ranges = {f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}",
              f"{L['state_budget']}{F + 1}:{L['state_budget']}{F + 2}"}
    path = _merged_form(tmp_path / "gốc.xlsx", *ranges)
    book = OpenpyxlBook(load_workbook(path), path.name)
    sheet = book.sheet_names()[0]
    assert ranges <= set(book.merged_ranges(sheet))
    (tmp_path / "snap").mkdir()
    snap = snapshot_to_xlsx(book, tmp_path / "snap")
    assert snap != path
    read = open_workbook(snap)  # as the engine reads it (python-calamine)
    try:
        read.read(sheet)
        got = {f"{a1(r0, c0)}:{a1(r1, c1)}"
               for (r0, c0), (r1, c1) in read.merged_ranges(sheet)}
    finally:
        read.close()
    assert got == set(book.merged_ranges(sheet))  # the header's merges included
    assert _codes(validate_path(snap).problems) == _codes(validate_path(path).problems)


# ----------------------------------------------------------------- in Excel


def test_kiem_tra_in_excel_reads_a_value_merged_over_tasks_for_each(tmp_path: Path) -> None:
    """Excel's merged areas are found by Find on the merged-cells format; the snapshot
    keeps them, so the clerk gets the nightly run's verdict."""
    from tests.excel_standin import open_workbook

    path = _merged_form(tmp_path / "bo.xlsx", f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}",
                        f"{L['duration_months']}{F + 1}:{L['duration_months']}{F + 2}")
    excel = open_workbook(path)
    alert = excel.press("kiem_tra")
    assert alert.text.startswith("Không phát hiện lỗi"), alert.text
    assert "3 nhiệm vụ" in alert.text


def test_an_amount_merged_over_tasks_is_the_same_error_in_excel(tmp_path: Path) -> None:
    from tests.excel_standin import open_workbook

    path = _merged_form(tmp_path / "bo.xlsx", f"{L['state_budget']}{F}:{L['state_budget']}{F + 1}")
    expected = sorted(p.code for p in validate_path(path).problems)
    excel = open_workbook(path)
    excel.press("kiem_tra")
    listed = sorted(str(r[5]) for r in excel.rows(RESULTS_SHEET) if r and r[0] in ("Lỗi",
                                                                                   "Cảnh báo"))
    assert listed == expected and "amount-merged" in listed


@pytest.mark.parametrize("covered_found", [False, True])
def test_excel_merged_areas_are_found_by_the_merged_cells_format(
    tmp_path: Path, covered_found: bool
) -> None:
    """Whether Excel's Find returns only each area's first cell or every cell of it,
    each area is listed once; the search format is left empty for Excel's Find dialog."""
    from tests.excel_standin import open_workbook

    path = _merged_form(tmp_path / "bo.xlsx", f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}",
                        f"{L['duration_months']}{F}:{L['duration_months']}{F + 1}")
    expected = set(OpenpyxlBook(load_workbook(path), path.name).merged_ranges("Bảng tổng hợp"))
    excel = open_workbook(path)
    excel.find_covered_cells = covered_found
    book = XlwingsBook(excel.book())
    assert set(book.merged_ranges("Bảng tổng hợp")) == expected
    assert len(book.merged_ranges("Bảng tổng hợp")) == len(expected)
    assert excel.find_format.merge_cells is None


def test_a_sheet_without_merges_asks_excel_once(tmp_path: Path) -> None:
    from tests.excel_standin import open_workbook

    path = tmp_path / "plain.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["C9"] = "Stt", 1
    wb.save(path)
    excel = open_workbook(path)
    assert XlwingsBook(excel.book()).merged_ranges(ws.title) == []
    assert excel.calls["Range.Find"] == 0


def test_excel_refusing_to_search_means_no_merges_and_a_clean_find_format(
    tmp_path: Path,
) -> None:
    from tests.excel_standin import open_workbook

    path = _merged_form(tmp_path / "bo.xlsx", f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}")
    excel = open_workbook(path)
    excel.reject("Find")
    assert XlwingsBook(excel.book()).merged_ranges("Bảng tổng hợp") == []
    assert excel.find_format.merge_cells is None
