"""Rows of a Form A table that are not tasks: section headings ("I | Nhiệm vụ chuyển
tiếp", "A | Lĩnh vực …"), a grand total above the tasks, note lines ("Ghi chú: …"), the
header and column-number rows repeated inside the table.

Before, such a heading was read as a task: a cascade of false errors (no lead
organisation, no duration …) and, when it carried its section's subtotal, the amounts
counted twice in the master.
"""

from __future__ import annotations

from typing import Any

import pytest

from nscl.forms import form_a
from nscl.locate import locate_table
from nscl.table_checks import TableOptions, TableResult, check_table

HEADER = ["Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
          "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện", "Tổng số",
          "NSNN", "Đối ứng", "Ghi chú"]


def _task(seq: Any, name: str, state: float, counterpart: float) -> list[Any]:
    return [seq, name, "Viện Năng suất Việt Nam", "Mục tiêu", "Nội dung", "Kết quả", 24,
            state + counterpart, state, counterpart, ""]


def _heading(seq: str, label: str, *amounts: float) -> list[Any]:
    money = list(amounts) if amounts else ["", "", ""]
    return [seq, label, "", "", "", "", "", *money, ""]


def _check(rows: list[list[Any]], *, header: list[Any] | None = None) -> TableResult:
    grid: list[list[Any]] = [["BỘ CÔNG THƯƠNG"], header or HEADER, *rows]
    loc = locate_table(grid, form_a())
    assert loc is not None
    return check_table(grid, loc, sheet="S", options=TableOptions(year=2026))


def test_headings_are_not_tasks_and_numbering_may_restart() -> None:
    result = _check([
        _heading("I", "Nhiệm vụ chuyển tiếp"),
        _task(1, "Nhiệm vụ A", 100, 50),
        _task(2, "Nhiệm vụ B", 200, 0),
        _heading("II.", "Nhiệm vụ mở mới"),
        _task(1, "Nhiệm vụ C", 300, 100),
    ])
    assert result.problems == []
    assert [row.values["task_name"] for row in result.rows] == [
        "Nhiệm vụ A", "Nhiệm vụ B", "Nhiệm vụ C"]
    assert result.summary.total == 750


def test_a_heading_s_subtotal_is_not_counted_and_is_checked() -> None:
    tasks = [_task(1, "Nhiệm vụ A", 300, 50), _task(2, "Nhiệm vụ B", 0, 0)]
    right = _check([_heading("A", "Lĩnh vực tiêu chuẩn", 350, 300, 50), *tasks])
    assert right.problems == [] and right.summary.total == 350  # not 700
    wrong = _check([_heading("A", "Lĩnh vực tiêu chuẩn", 400, 350, 50), *tasks])
    assert {(p.code, p.cell) for p in wrong.problems} == {
        ("section-total-mismatch", "H3"), ("section-total-mismatch", "I3")}
    assert wrong.summary.total == 350


def test_nested_sections_are_summed_at_their_own_level() -> None:
    result = _check([
        _heading("A", "Lĩnh vực năng suất", 450, 400, 50),
        _heading("I", "Nhiệm vụ chuyển tiếp", 150, 100, 50),
        _task(1, "Nhiệm vụ A", 100, 50),
        _heading("II", "Nhiệm vụ mở mới", 300, 300, 0),
        _task(1, "Nhiệm vụ B", 300, 0),
        _heading("B", "Lĩnh vực chất lượng", 70, 70, 0),
        _heading("I", "Nhiệm vụ mở mới", 70, 70, 0),
        _task(1, "Nhiệm vụ C", 70, 0),
        ["", "Tổng cộng", "", "", "", "", "", 520, 470, 50, ""],
    ])
    assert result.problems == [] and result.summary.total == 520


def test_lettered_sections_may_reach_c_beside_roman_ones() -> None:
    result = _check([
        _heading("A", "Lĩnh vực 1", 10, 10, 0), _heading("I", "Mục", 10, 10, 0),
        _task(1, "Nhiệm vụ A", 10, 0),
        _heading("B", "Lĩnh vực 2", 20, 20, 0), _heading("I", "Mục", 20, 20, 0),
        _task(1, "Nhiệm vụ B", 20, 0),
        _heading("C", "Lĩnh vực 3", 30, 30, 0), _heading("I", "Mục", 12, 12, 0),
        _task(1, "Nhiệm vụ C", 12, 0), _heading("II", "Mục", 18, 18, 0),
        _task(1, "Nhiệm vụ D", 18, 0),
    ])
    assert result.problems == [] and result.summary.total == 60


def test_a_lone_lettered_row_with_amounts_is_not_lost_unseen() -> None:
    """A task numbered "A" with nothing but its name and amounts looks like a heading: its
    amounts are not counted, and the mismatch with its (empty) section says so."""
    result = _check([_task(1, "Nhiệm vụ A", 100, 50),
                     ["B", "Nhiệm vụ chỉ có tên", "", "", "", "", "", 80, 80, 0, ""]])
    assert {p.code for p in result.problems} == {"section-total-mismatch"}


def test_numbering_that_goes_on_across_sections_is_fine_too() -> None:
    result = _check([
        _heading("I", "Nhiệm vụ chuyển tiếp"),
        _task(1, "Nhiệm vụ A", 100, 50),
        _heading("II", "Nhiệm vụ mở mới"),
        _task(2, "Nhiệm vụ B", 200, 0),
    ])
    assert result.problems == []


@pytest.mark.parametrize("row", [
    _task("A", "Nhiệm vụ đánh số bằng chữ", 100, 0),  # a task: its columns are filled
    ["I", "", "", "", "", "", "", 100, 100, 0, ""],  # no label: not a heading
    [1, "Nhiệm vụ chỉ có tên", "", "", "", "", "", 100, 100, 0, ""],  # a number: a task
])
def test_rows_that_are_not_headings_stay_tasks(row: list[Any]) -> None:
    result = _check([row])
    assert len(result.rows) == 1
    assert "section-total-mismatch" not in {p.code for p in result.problems}


def test_a_grand_total_above_the_tasks_totals_all_of_them() -> None:
    grand = ["", "TỔNG CỘNG", "", "", "", "", "", 450, 400, 50, ""]
    result = _check([grand, _task(1, "Nhiệm vụ A", 100, 50), _task(2, "Nhiệm vụ B", 300, 0)])
    assert result.problems == [] and result.summary.total == 450
    wrong = ["", "Tổng cộng", "", "", "", "", "", 500, 450, 50, ""]
    result = _check([wrong, _task(1, "Nhiệm vụ A", 100, 50), _task(2, "Nhiệm vụ B", 300, 0)])
    assert {(p.code, p.cell) for p in result.problems} == {
        ("totals-mismatch", "H3"), ("totals-mismatch", "I3")}


@pytest.mark.parametrize("note", [
    "Ghi chú: kinh phí đối ứng do doanh nghiệp đóng góp",
    "* Nhiệm vụ số 2 là nhiệm vụ chuyển tiếp",
    "(*) Nhiệm vụ chuyển tiếp",
    "Lưu ý: số liệu tạm tính",
    "Nguồn: Sở Khoa học và Công nghệ",
])
@pytest.mark.parametrize("column", [1, 10])
def test_a_note_line_under_the_table_is_not_a_task(note: str, column: int) -> None:
    line = [""] * 11
    line[column] = note
    result = _check([_task(1, "Nhiệm vụ A", 100, 50), _task(2, "Nhiệm vụ B", 300, 0),
                     [""] * 11, line])
    assert result.problems == [] and len(result.rows) == 2


def test_a_task_that_merely_starts_with_a_star_word_stays_a_task() -> None:
    result = _check([_task(1, "Ghi chú về nhiệm vụ đặc biệt", 100, 50)])  # a full row
    assert len(result.rows) == 1


def test_header_rows_repeated_inside_the_table_are_not_tasks() -> None:
    """A table pasted page by page repeats its header and "(1) (2) …" rows: they were
    tasks, with fifteen errors, and "(8)" read as -8 changed the totals."""
    numbers = [f"({i})" for i in range(1, 12)]
    result = _check([_task(1, "Nhiệm vụ A", 100, 50), HEADER, numbers,
                     _task(2, "Nhiệm vụ B", 300, 0), numbers, _task(3, "Nhiệm vụ C", 1, 1)])
    assert result.problems == []
    assert len(result.rows) == 3 and result.summary.total == 452


@pytest.mark.parametrize("label", ["Cộng mục I", "Cộng (I)", "Cộng I", "Tổng cộng mục I",
                                   "Cộng nhiệm vụ chuyển tiếp", "Cộng:"])
def test_section_subtotal_rows_are_not_tasks(label: str) -> None:
    """A "Cộng mục I" row after each section was a task: errors, and counted twice."""
    def subtotal(text: str, *amounts: float) -> list[Any]:
        return ["", text, "", "", "", "", "", *amounts, ""]

    result = _check([
        _heading("I", "Nhiệm vụ chuyển tiếp"),
        _task(1, "Nhiệm vụ A", 100, 50), _task(2, "Nhiệm vụ B", 300, 0),
        subtotal(label, 450, 400, 50),
        _heading("II", "Nhiệm vụ mở mới"), _task(1, "Nhiệm vụ C", 10, 0),
        subtotal("Cộng mục II", 10, 10, 0),
        subtotal("Tổng cộng (I+II)", 460, 410, 50),
    ])
    assert result.problems == [] and result.summary.total == 460
    wrong = _check([_task(1, "Nhiệm vụ A", 100, 50), subtotal("Cộng mục I", 160, 110, 50)])
    assert {(p.code, p.cell, p.params["expected"]) for p in wrong.problems} == {
        ("totals-mismatch", "H4", "150"), ("totals-mismatch", "I4", "100")}


def test_tasks_about_the_community_are_tasks() -> None:
    """"Cộng đồng …" begins many task names; a row describing a task is never a total."""
    result = _check([_task(1, "Cộng đồng doanh nghiệp áp dụng ISO", 100, 50),
                     ["", "Cộng tác viên năng suất", "Viện", "", "", "", "", 20, 20, 0, ""]])
    assert len(result.rows) == 2


def test_a_task_begun_after_a_section_subtotal_is_still_reported() -> None:
    """Only a stray cell under the table's own total is ignored: under a section's
    subtotal, the next section's half-typed task is a task (with its errors)."""
    result = _check([
        _heading("I", "Nhiệm vụ chuyển tiếp"), _task(1, "Nhiệm vụ A", 100, 50),
        ["", "Cộng mục I", "", "", "", "", "", 150, 100, 50, ""],
        _heading("II", "Nhiệm vụ mở mới"),
        ["", "Nhiệm vụ mới chỉ có tên", "", "", "", "", "", "", "", "", ""],
    ])
    assert [row.values["task_name"] for row in result.rows] == [
        "Nhiệm vụ A", "Nhiệm vụ mới chỉ có tên"]
