"""A workbook is never left half-marked.

Excel can refuse any call (here: as it does while the user is editing a cell, "Call was
rejected by callee"). A click then undoes what it had changed and shows one Vietnamese
message; and since the record of the marks is written before the first cell changes,
even a click whose undo fails leaves nothing the next click cannot undo.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from nscl.marking import MARKS_SHEET, RESULTS_SHEET
from tests.excel_standin import Excel, open_workbook
from tests.test_xl_protection import _protected
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values

L = column_letters()
F = FIRST_DATA_ROW
SHEET = "Bảng tổng hợp"


def _three_errors(path: Path) -> Path:
    """Three wrong Tổng số cells; the second has a fill and a note of the agency's."""
    rows = [row_values(seq=n, task_name=f"Nhiệm vụ số {n}", total=900) for n in (1, 2, 3)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    cell = wb[SHEET][f"{L['total']}{F + 1}"]
    cell.fill = PatternFill("solid", fgColor="FF00B0F0")
    cell.comment = Comment("Số liệu tạm tính", "Đơn vị")
    wb.save(path)
    return path


def test_a_refused_change_undoes_the_first_click(tmp_path: Path) -> None:
    excel = open_workbook(_protected(tmp_path / "bo.xlsx"))
    before = excel.state()
    excel.reject("AddComment")

    alert = excel.press("kiem_tra")

    assert excel.state() == before  # no mark, no sheet added, protected as before
    assert alert.mode == "critical"
    assert "Excel từ chối" in alert.text and "đã được hoàn tác" in alert.text
    assert "Call was rejected by callee" in alert.text


def test_a_refused_change_undoes_a_later_click(tmp_path: Path) -> None:
    excel = open_workbook(_three_errors(tmp_path / "bo.xlsx"))
    excel.press("kiem_tra")
    # the clerk fixes the first row and breaks another cell
    excel.sheet(SHEET).cell(F, 8).value = 2000
    excel.sheet(SHEET).cell(F + 2, 9).value = -7
    before = excel.state()
    excel.reject("AddComment", after=1, times=1)  # one call refused, the undo goes through

    alert = excel.press("kiem_tra")

    assert excel.state() == before  # the earlier marks are back, the new ones undone
    assert "đã được hoàn tác" in alert.text
    excel.press("kiem_tra")
    assert excel.fill(SHEET, f"{L['total']}{F}") is None  # once Excel accepts, it goes on


def test_a_refusal_while_writing_the_results_undoes_the_marks(tmp_path: Path) -> None:
    excel = open_workbook(_three_errors(tmp_path / "bo.xlsx"))
    before = excel.state()
    excel.reject("Hyperlinks")
    alert = excel.press("kiem_tra")
    assert excel.state() == before
    assert RESULTS_SHEET not in excel.sheet_names() and MARKS_SHEET not in excel.sheet_names()
    assert "đã được hoàn tác" in alert.text


def test_when_the_undo_fails_too_the_record_lets_the_next_click_clean_up(
    tmp_path: Path,
) -> None:
    path = _three_errors(tmp_path / "bo.xlsx")
    excel = open_workbook(path)
    excel.reject("AddComment", after=2)  # the third note is refused …
    excel.reject("Delete")  # … and so is removing the first two notes again

    alert = excel.press("kiem_tra")

    assert "chưa hoàn tác được" in alert.text and "bấm Kiểm tra lần nữa" in alert.text
    # cells were left marked: each of them is in the record written before any change
    recorded = {(row[0], row[1]) for row in excel.rows(MARKS_SHEET)[1:]}
    left = {(SHEET, cell) for cell in excel.notes(SHEET)
            if cell != f"{L['total']}{F + 1}"} | {(SHEET, c) for c in excel.fills(SHEET)}
    assert left and left <= recorded
    assert [SHEET, f"{L['total']}{F + 1}", "mark", "00B0F0", "Số liệu tạm tính"] in excel.rows(
        MARKS_SHEET)

    excel.accept()
    excel.press("kiem_tra")
    fresh = open_workbook(path)
    fresh.press("kiem_tra")
    assert _looks(excel) == _looks(fresh)
    # and once fixed, the agency's own fill and note come back
    for row in (F, F + 1, F + 2):
        excel.sheet(SHEET).cell(row, 8).value = 2000
    assert excel.press("kiem_tra").text.startswith("Không phát hiện lỗi")
    assert excel.fill(SHEET, f"{L['total']}{F + 1}") == "00B0F0"
    assert excel.notes(SHEET) == {f"{L['total']}{F + 1}": "Số liệu tạm tính"}


def _looks(excel: Excel) -> object:
    return ({sheet: (excel.fills(sheet), excel.notes(sheet), excel.rows(sheet))
             for sheet in excel.sheet_names()}, excel.sheet_names())
