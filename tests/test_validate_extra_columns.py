"""Columns an agency adds to Form A: what they hold is not consolidated, and says so.

Before, a column the form does not have was ignored without a word: a province that
split NSNN into "NSNN trung ương" and "NSNN địa phương" lost the second from its totals
and from the master, silently whenever Tổng số was left for nscl to compute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from nscl.validation import validate_path
from tests.test_validate_sections import HEADER, _check, _task
from tests.test_xl_support import FIRST_DATA_ROW, HEADER_ROW, make_form_a, row_values


def _codes(result: Any) -> list[tuple[str, str | None]]:
    return sorted((p.code, p.cell) for p in result.problems)


def _with_column(at: int, header: str, values: list[Any],
                 rows: list[list[Any]]) -> list[list[Any]]:
    """The header and the rows with a column inserted at index ``at``."""
    return [[*HEADER[:at], header, *HEADER[at:]],
            *([*row[:at], value, *row[at:]] for row, value in zip(rows, values, strict=True))]


def _grid_check(header_and_rows: list[list[Any]]) -> Any:
    header, *rows = header_and_rows
    return _check(rows, header=header)


def test_a_split_state_budget_is_an_error_at_the_extra_header() -> None:
    tasks = [_task(1, "Nhiệm vụ A", 200, 100), _task(2, "Nhiệm vụ B", 50, 0)]
    for task in tasks:
        task[7] = ""  # Tổng số left for nscl: nothing else would show the loss
    result = _grid_check(_with_column(9, "NSNN địa phương", [100, ""], tasks))
    assert _codes(result) == [("amount-column-not-in-form", "J2")]
    problem = result.problems[0]
    assert problem.severity == "error"
    assert (problem.params["letter"], problem.params["header"], problem.params["count"]) == (
        "J", "NSNN địa phương", 1)
    assert result.summary.state_budget == 250  # the form's NSNN column only, as it says


def test_an_extra_text_column_is_a_warning_and_an_empty_one_nothing() -> None:
    tasks = [_task(1, "Nhiệm vụ A", 200, 100), _task(2, "Nhiệm vụ B", 50, 0)]
    filled = _grid_check(_with_column(2, "Lĩnh vực", ["Dệt may", "Da giày"], tasks))
    assert _codes(filled) == [("column-not-in-form", "C2")]
    assert filled.problems[0].params["count"] == 2
    empty = _grid_check(_with_column(2, "Lĩnh vực", ["", None], tasks))
    assert empty.problems == []


def test_a_money_header_holding_words_is_not_an_amount() -> None:
    tasks = [_task(1, "Nhiệm vụ A", 200, 100)]
    result = _grid_check(_with_column(10, "Nguồn kinh phí", ["NSNN trung ương"], tasks))
    assert _codes(result) == [("column-not-in-form", "K2")]


def test_numbers_under_community_or_council_headers_are_not_amounts() -> None:
    """"đồng" is money only as a unit: "Cộng đồng …", "Hội đồng …" hold counts."""
    tasks = [_task(1, "Nhiệm vụ A", 200, 100)]
    for header in ("Cộng đồng hưởng lợi (người)", "Hội đồng tư vấn (số thành viên)",
                   "Đồng chủ trì"):
        result = _grid_check(_with_column(11, header, [120], tasks))
        assert _codes(result) == [("column-not-in-form", "L2")], header
    for header in ("Vốn khác (đồng)", "Kinh phí địa phương", "Số tiền (VNĐ)",
                   "Huy động (triệu đồng)"):
        result = _grid_check(_with_column(11, header, [120], tasks))
        assert _codes(result) == [("amount-column-not-in-form", "L2")], header


def test_official_table_has_no_extra_column() -> None:
    assert _check([_task(1, "Nhiệm vụ A", 200, 100)]).problems == []


def test_an_extra_amount_column_under_the_budget_group_of_a_real_workbook(
    tmp_path: Path,
) -> None:
    """Two-row header: "Vốn vay" added at the end, under the merged budget group."""
    rows = [row_values(seq=1), row_values(seq=2, task_name="Nhiệm vụ thứ hai")]
    path = make_form_a(tmp_path / "Nghe_An.xlsx", rows, agency="UBND TỈNH NGHỆ AN")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    extra = ws.max_column + 1
    ws.cell(row=HEADER_ROW + 1, column=extra, value="Vốn vay (triệu đồng)")
    ws.cell(row=FIRST_DATA_ROW + 1, column=extra, value=300)
    wb.save(path)
    report = validate_path(path)
    found = [(p.code, p.cell, p.severity) for p in report.problems]
    letter = ws.cell(row=1, column=extra).column_letter
    assert found == [("amount-column-not-in-form", f"{letter}{HEADER_ROW + 1}", "error")]
    assert not report.valid


def test_a_form_without_budget_columns_has_no_amount_to_lose() -> None:
    """Form C (the selection-results appendix) has no budget: an added "Kinh phí" column
    is a column outside the form, not budget left out of totals."""
    from nscl.forms import form_c
    from nscl.locate import locate_table
    from nscl.table_checks import TableOptions, check_table

    header = ["TT", "Tên nhiệm vụ", "Tổ chức chủ trì/ Chủ nhiệm nhiệm vụ", "Tóm tắt mục tiêu",
              "Dự kiến kết quả, sản phẩm chính", "Thời gian thực hiện", "Kinh phí (triệu đồng)",
              "Ghi chú"]
    task = [1, "Nhiệm vụ A", "Viện Năng suất Việt Nam; TS. Nguyễn Văn A", "Mục tiêu",
            "Kết quả", 24, 1500, ""]
    grid = [["BỘ KHOA HỌC VÀ CÔNG NGHỆ"], header, task]
    loc = locate_table(grid, form_c())
    assert loc is not None
    result = check_table(grid, loc, sheet="S", options=TableOptions(year=2026))
    assert _codes(result) == [("column-not-in-form", "G2")]


def test_data_under_no_header_is_a_warning_at_its_first_cell() -> None:
    """Typed one column too far, or a note written beside the table: not read, so said."""
    tasks = [_task(1, "Nhiệm vụ A", 200, 100), _task(2, "Nhiệm vụ B", 50, 0),
             _task(3, "Nhiệm vụ C", 80, 20)]
    tasks[1].append("đã thống nhất với Sở Tài chính")  # column L: no header
    tasks[2].append(15)
    result = _check(tasks)
    assert _codes(result) == [("column-without-header", "L4")]
    problem = result.problems[0]
    assert problem.severity == "warning"
    assert (problem.params["letter"], problem.params["count"], problem.params["first"]) == (
        "L", 2, "L4")
    assert result.summary.tasks == 3 and result.summary.state_budget == 330


def test_a_blank_unheaded_column_or_a_note_below_the_tasks_is_nothing() -> None:
    tasks = [_task(1, "Nhiệm vụ A", 200, 100), _task(2, "Nhiệm vụ B", 50, 0)]
    tasks[0].append("   ")
    tasks[1].append(None)
    below = ["", "Người lập biểu", "", "", "", "", "", "", "", "", "", "Ký tên"]
    assert _check([*tasks, below]).problems == []


def test_data_under_no_header_in_a_real_workbook(tmp_path: Path) -> None:
    rows = [row_values(seq=1), row_values(seq=2, task_name="Nhiệm vụ thứ hai")]
    path = make_form_a(tmp_path / "Nghe_An.xlsx", rows, agency="UBND TỈNH NGHỆ AN")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    extra = ws.max_column + 2  # a blank column between, as when typed off to the side
    ws.cell(row=FIRST_DATA_ROW + 1, column=extra, value="bổ sung sau")
    wb.save(path)
    report = validate_path(path)
    letter = ws.cell(row=1, column=extra).column_letter
    assert [(p.code, p.sheet, p.cell) for p in report.problems] == [
        ("column-without-header", ws.title, f"{letter}{FIRST_DATA_ROW + 1}")]
    assert report.valid  # a warning: the tasks themselves are complete
