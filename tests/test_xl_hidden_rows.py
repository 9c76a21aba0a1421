"""Hidden rows in the add-in: "Kiểm tra" warns about tasks on rows hidden or filtered
out of view (``rows-hidden``), as ``nscl validate`` and the nightly run do on the saved
file: the snapshot of the open workbook keeps which rows are hidden.

Excel's hidden rows are read through its object model (the visible areas of the used
range's first column); there is no Excel here, so that is exercised on a stand-in of the
COM objects that answers as Excel does, including its "No cells were found" error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from nscl.marking import RESULTS_SHEET
from nscl.marking.openpyxl_book import OpenpyxlBook
from nscl.validation import validate_path
from tests.test_validate_hidden_rows import _with_hidden
from tests.test_xl_support import FIRST_DATA_ROW, ExcelBookStandIn
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
    listed = [row for row in book.read_values(RESULTS_SHEET) if row and row[1] == "rows-hidden"]
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


# ----------------------------------------------------------------- Excel's COM objects


class _Count:
    def __init__(self, count: int) -> None:
        self.Count = count


class _Rows:
    """``Range.EntireRow``: ``Hidden`` is True, False, or None when mixed."""

    def __init__(self, hidden: bool | None) -> None:
        self.Hidden = hidden


class _Area:
    def __init__(self, top: int, bottom: int) -> None:
        self.Row = top
        self.Rows = _Count(bottom - top + 1)


class _Areas:
    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.Count = len(spans)

    def __call__(self, index: int) -> _Area:
        return _Area(*self.spans[index - 1])


class _Column:
    def __init__(self, used: _UsedRange) -> None:
        self.used = used

    def SpecialCells(self, kind: int) -> Any:
        assert kind == 12  # xlCellTypeVisible
        visible = [r for r in range(self.used.Row, self.used.Row + self.used.Rows.Count)
                   if r not in self.used.hidden]
        if not visible:
            raise RuntimeError("(-2147352567, 'Exception occurred.', (0, 'Microsoft Excel', "
                               "'No cells were found.', None, 0, -2146827284), None)")
        spans: list[tuple[int, int]] = []
        for r in visible:
            if spans and spans[-1][1] == r - 1:
                spans[-1] = (spans[-1][0], r)
            else:
                spans.append((r, r))
        return type("Visible", (), {"Areas": _Areas(spans)})()


class _UsedRange:
    def __init__(self, top: int, count: int, hidden: set[int]) -> None:
        self.Row, self.Rows, self.hidden = top, _Count(count), hidden
        rows = set(range(top, top + count))
        mixed = None if hidden & rows and rows - hidden else bool(hidden & rows)
        self.EntireRow = _Rows(mixed)

    def Columns(self, index: int) -> _Column:
        assert index == 1
        return _Column(self)




@pytest.mark.parametrize(("top", "count", "hidden", "expected"), [
    (1, 20, set(), []),
    (1, 20, {9, 11, 12, 20}, [9, 11, 12, 20]),
    (3, 5, {3, 4, 5, 6, 7}, [3, 4, 5, 6, 7]),  # every row: Excel answers True at once
    (5, 1, {5}, [5]),
    (5, 1, set(), []),
])
def test_excel_hidden_rows_are_the_used_rows_outside_the_visible_areas(
    top: int, count: int, hidden: set[int], expected: list[int],
) -> None:
    book = XlwingsBook(ExcelBookStandIn(_UsedRange(top, count, hidden)))
    assert book.is_desktop
    assert book.hidden_rows("Biểu 1") == expected


def test_too_many_visible_areas_means_excel_cannot_tell_not_every_row_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the cap on areas read, the rows beyond were counted as hidden; now none are
    reported (the engine cannot tell), rather than tasks that are in view."""
    import xl.xlwings_book as module

    hidden = set(range(2, 60, 2))  # every other row: 30 visible areas
    book = XlwingsBook(ExcelBookStandIn(_UsedRange(1, 60, hidden)))
    assert book.hidden_rows("Biểu 1") == sorted(hidden)
    monkeypatch.setattr(module, "_MAX_VISIBLE_AREAS", 10)
    assert book.hidden_rows("Biểu 1") == []


def test_excel_without_the_object_model_means_no_hidden_rows() -> None:
    broken = type("Broken", (), {"Row": property(lambda self: 1 / 0)})()
    book = XlwingsBook(ExcelBookStandIn(broken))
    assert book.hidden_rows("Biểu 1") == []
