"""Hidden rows in the add-in: "Kiểm tra" warns about tasks on rows hidden or filtered
out of view (``rows-hidden``), as ``nscl validate`` and the nightly run do on the saved
file: the snapshot of the open workbook keeps which rows are hidden.

Excel's hidden rows are read through its object model (the visible areas of the used
range's first column); there is no Excel here, so that is exercised on the stand-in of
Excel's object model (``tests/excel_standin.py``), which answers as Excel does,
including its "No cells were found" error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from nscl.marking import RESULTS_SHEET
from nscl.marking.openpyxl_book import OpenpyxlBook
from nscl.validation import validate_path
from tests.excel_standin import open_workbook
from tests.test_validate_hidden_rows import _with_hidden
from tests.test_xl_support import FIRST_DATA_ROW, make_form_a, row_values
from xl.button import check_workbook
from xl.snapshot import snapshot_to_xlsx
from xl.xlwings_book import XlwingsBook


def test_kiem_tra_warns_about_hidden_tasks_as_the_saved_file_does(tmp_path: Path) -> None:
    path = _with_hidden(tmp_path / "Bo_Cong_Thuong.xlsx", 1)
    expected = [(p.code, p.cell) for p in validate_path(path).problems]
    assert expected == [("rows-hidden", f"A{FIRST_DATA_ROW + 1}")]
    book = OpenpyxlBook(load_workbook(path), path.name)
    result = check_workbook(book)
    assert (result.errors, result.warnings, result.summary.tasks) == (0, 1, 4)
    listed = [row for row in book.read_values(RESULTS_SHEET)
              if len(row) > 5 and row[5] == "rows-hidden"]
    assert len(listed) == 1


def test_the_snapshot_keeps_the_hidden_rows(tmp_path: Path) -> None:
    path = _with_hidden(tmp_path / "Bo_Cong_Thuong.xlsx", 0, 2)
    book = OpenpyxlBook(load_workbook(path), path.name)
    sheet = book.sheet_names()[0]
    assert book.hidden_rows(sheet) == [FIRST_DATA_ROW, FIRST_DATA_ROW + 2]
    (tmp_path / "snap").mkdir()
    snap = snapshot_to_xlsx(book, tmp_path / "snap")
    assert OpenpyxlBook(load_workbook(snap), snap.name).hidden_rows(sheet) == [
        FIRST_DATA_ROW, FIRST_DATA_ROW + 2]
    assert [p.code for p in validate_path(snap).problems] == ["rows-hidden"]


# ----------------------------------------------------------------- in Excel


def test_kiem_tra_in_excel_warns_about_hidden_tasks(tmp_path: Path) -> None:
    path = _with_hidden(tmp_path / "Bo_Cong_Thuong.xlsx", 1)
    excel = open_workbook(path)
    alert = excel.press("kiem_tra")
    assert "0 lỗi và 1 cảnh báo" in alert.text
    listed = [r for r in excel.rows(RESULTS_SHEET) if len(r) > 5 and r[5] == "rows-hidden"]
    assert len(listed) == 1 and listed[0][2] == f"A{FIRST_DATA_ROW + 1}"


@pytest.mark.parametrize(("hidden", "expected_calls"), [
    (set(), 1),  # none hidden: Excel says so in one answer
    ({9, 11, 12}, None),
    ({8, 9, 10, 11, 12, 13}, None),
])
def test_excel_hidden_rows_are_the_used_rows_outside_the_visible_areas(
    tmp_path: Path, hidden: set[int], expected_calls: int | None,
) -> None:
    path = _with_hidden(tmp_path / "bo.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(path)
    excel = open_workbook(path)
    book = XlwingsBook(excel.book())
    assert book.hidden_rows(ws.title) == sorted(hidden)
    if expected_calls is not None:
        assert excel.calls["_EntireRow.Hidden"] == expected_calls
        assert excel.calls["Range.SpecialCells"] == 0


def test_too_many_visible_areas_means_excel_cannot_tell_not_every_row_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the cap on areas read, the rows beyond were counted as hidden; now none are
    reported (Excel cannot tell), rather than tasks that are in view."""
    import xl.xlwings_book as module

    rows = [row_values(seq=n, task_name=f"Nhiệm vụ {n}") for n in range(1, 41)]
    path = make_form_a(tmp_path / "bo.xlsx", rows)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    hidden = set(range(FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 40, 2))  # every other row
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(path)
    book = XlwingsBook(open_workbook(path).book())
    assert book.hidden_rows(ws.title) == sorted(hidden)
    monkeypatch.setattr(module, "_MAX_VISIBLE_AREAS", 10)
    assert book.hidden_rows(ws.title) == []


def test_excel_refusing_to_answer_means_no_hidden_rows(tmp_path: Path) -> None:
    path = _with_hidden(tmp_path / "bo.xlsx", 1)
    excel = open_workbook(path)
    excel.reject("UsedRange")
    assert XlwingsBook(excel.book()).hidden_rows(excel.sheet_names()[0]) == []


def test_when_excel_refuses_to_list_visible_cells_rows_are_asked_by_halves(
    tmp_path: Path,
) -> None:
    """Excel may refuse SpecialCells on a protected sheet. Before, that read as "every
    row hidden" (a warning on every task); now blocks of rows are asked whether they are
    hidden, halving the mixed ones: a few questions per run of hidden rows."""
    rows = [row_values(seq=n, task_name=f"Nhiệm vụ {n}") for n in range(1, 201)]
    path = make_form_a(tmp_path / "bo.xlsx", rows)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    hidden = {FIRST_DATA_ROW + 3, FIRST_DATA_ROW + 4, FIRST_DATA_ROW + 150}
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(path)
    excel = open_workbook(path)
    excel.reject("SpecialCells")
    assert XlwingsBook(excel.book()).hidden_rows(ws.title) == sorted(hidden)
    assert excel.calls["_EntireRow.Hidden"] < 60  # not one question per row
