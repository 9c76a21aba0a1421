"""Merged cells in the add-in: "Kiểm tra" reads a value merged down over several tasks
for each of them, as ``nscl validate`` and the sync do on the saved file.

Before, the add-in's snapshot of the open workbook carried values only: a lead
organisation merged over three tasks gave two false ``required-missing`` errors in Excel
while the same file was clean in the nightly consolidation.

Excel's merged areas are found through its object model (Find on the merged-cells
format); there is no Excel here, so that search is exercised on a stand-in of the COM
objects that answers as Excel's Find does (row by row after a cell, wrapping around).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from nscl.a1 import a1
from nscl.marking import MARKS_SHEET, RESULTS_SHEET
from nscl.marking.openpyxl_book import OpenpyxlBook
from nscl.reading import open_workbook
from nscl.validation import validate_path
from tests.test_xl_support import (
    FIRST_DATA_ROW,
    ExcelBookStandIn,
    column_letters,
    ensure_remote_engine,
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
    assert sorted(str(row[1]) for row in listed) == expected
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


def test_the_remote_engine_cannot_tell_and_says_none(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Nor merged areas nor hidden rows (tests/test_xl_hidden_rows.py): the remote engine
    reads them only asynchronously."""
    import xlwings as xw

    from tests.test_xl_button import payload_from_file

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    ensure_remote_engine()
    path = _merged_form(tmp_path / "bo.xlsx", f"{L['lead_org']}{F}:{L['lead_org']}{F + 2}")
    wb = load_workbook(path)
    assert wb.active is not None
    wb.active.row_dimensions[F + 1].hidden = True
    wb.save(path)
    book = xw.Book(json=payload_from_file(path))
    try:
        wrapped = XlwingsBook(book)
        assert not wrapped.is_desktop
        sheet = wrapped.sheet_names()[0]
        assert wrapped.merged_ranges(sheet) == [] and wrapped.hidden_rows(sheet) == []
    finally:
        book.close()


# ----------------------------------------------------------------- Excel's COM objects


class _Cells:
    def __init__(self, owner: _ComRange) -> None:
        self.owner = owner
        self.Count = owner.rows * owner.cols

    def __call__(self, index: int) -> _ComCell:
        row, col = divmod(index - 1, self.owner.cols)
        return _ComCell(self.owner, self.owner.top + row, self.owner.left + col)


class _Count:
    def __init__(self, count: int) -> None:
        self.Count = count


class _Area:
    def __init__(self, top: int, left: int, bottom: int, right: int) -> None:
        self.Row, self.Column = top, left
        self.Rows, self.Columns = _Count(bottom - top + 1), _Count(right - left + 1)


class _ComCell:
    def __init__(self, owner: _ComRange, row: int, col: int) -> None:
        self.Row, self.Column = row, col
        self.MergeArea = owner.area_of(row, col)


class _FindFormat:
    def __init__(self) -> None:
        self.MergeCells: bool | None = None
        self.cleared = 0

    def Clear(self) -> None:
        self.MergeCells = None
        self.cleared += 1


class _Application:
    def __init__(self) -> None:
        self.FindFormat = _FindFormat()


class _ComRange:
    """A worksheet's UsedRange as Excel's COM exposes it, for what the search uses."""

    def __init__(self, rows: int, cols: int, areas: list[tuple[int, int, int, int]],
                 *, covered_found: bool = False, fail: bool = False) -> None:
        self.top, self.left, self.rows, self.cols = 1, 1, rows, cols
        self.areas = areas
        self.covered_found = covered_found  # whether Find also returns covered cells
        self.fail = fail
        self.Application = _Application()
        self.Cells = _Cells(self)
        self.finds = 0

    @property
    def MergeCells(self) -> bool | None:
        if not self.areas:
            return False
        return None  # mixed: some cells merged

    def area_of(self, row: int, col: int) -> _Area:
        for top, left, bottom, right in self.areas:
            if top <= row <= bottom and left <= col <= right:
                return _Area(top, left, bottom, right)
        return _Area(row, col, row, col)

    def Find(self, **kwargs: Any) -> _ComCell | None:
        self.finds += 1
        if self.fail:
            raise RuntimeError("(-2147352567, 'Exception occurred.')")
        assert kwargs["SearchFormat"] is True and kwargs["What"] == ""
        if not self.Application.FindFormat.MergeCells:
            return None
        cells = sorted(
            (r, c)
            for top, left, bottom, right in self.areas
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
            if self.covered_found or (r, c) == (top, left)
        )
        after = kwargs["After"]
        start = (after.Row, after.Column)
        following = [rc for rc in cells if rc > start] or cells
        if not following:
            return None
        return _ComCell(self, *following[0])




@pytest.mark.parametrize("covered_found", [False, True])
def test_excel_merged_areas_are_found_by_the_merged_cells_format(covered_found: bool) -> None:
    areas = [(9, 3, 11, 3), (9, 7, 10, 7), (4, 1, 4, 11), (6, 8, 6, 10)]
    used = _ComRange(40, 12, areas, covered_found=covered_found)
    book = XlwingsBook(ExcelBookStandIn(used))
    assert book.is_desktop
    assert book.merged_ranges("Biểu 1") == ["A4:K4", "H6:J6", "C9:C11", "G9:G10"]
    # Excel's Find dialog shares the search format: it is left empty afterwards.
    assert used.Application.FindFormat.MergeCells is None
    assert used.Application.FindFormat.cleared == 2


def test_a_sheet_without_merges_asks_excel_once() -> None:
    used = _ComRange(40, 12, [])
    assert XlwingsBook(ExcelBookStandIn(used)).merged_ranges("Biểu 1") == []
    assert used.finds == 0


def test_excel_failing_to_search_means_no_merges_and_a_clean_find_format() -> None:
    used = _ComRange(40, 12, [(9, 3, 11, 3)], fail=True)
    assert XlwingsBook(ExcelBookStandIn(used)).merged_ranges("Biểu 1") == []
    assert used.Application.FindFormat.MergeCells is None
