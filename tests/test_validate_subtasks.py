"""A task broken into sub-items ("1" then "1.1", "1.2" …) with amounts of their own.

Before, the group's row and its sub-items were all tasks: the same money was counted
twice in the agency's totals and in the master, with nothing but "Stt should be 2"
warnings to show for it. Now the sub-items are the tasks, the group's row is left out of
the totals (``subtasks-grouped`` says so at its Stt cell) and its amounts are checked
against its sub-items (``subtask-total-mismatch``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nscl.validation import validate_path
from tests.support import FIRST_DATA_ROW, check_rows, codes_at, make_form_a, row_values, task_cells


def _group(seq: Any, name: str, *amounts: float) -> list[Any]:
    """A group's row: a task's columns, with its amounts (if any) as typed."""
    row = task_cells(seq, name, 0, 0)
    row[7:10] = list(amounts) if amounts else ["", "", ""]
    return row


def _names(result: Any) -> list[str]:
    return [row.values["task_name"] for row in result.rows]


def test_sub_items_are_counted_and_their_group_is_not() -> None:
    result = check_rows([
        _group(1, "Chương trình hỗ trợ ngành dệt may", 400, 300, 100),
        task_cells("1.1", "Đào tạo Lean cho doanh nghiệp dệt", 200, 50),
        task_cells("1.2", "Tư vấn 5S cho doanh nghiệp may", 100, 50),
        task_cells(2, "Xây dựng mô hình năng suất xanh", 500, 0),
    ])
    assert _names(result) == ["Đào tạo Lean cho doanh nghiệp dệt",
                              "Tư vấn 5S cho doanh nghiệp may",
                              "Xây dựng mô hình năng suất xanh"]
    assert result.summary.total == 900  # not 1,300
    assert (result.summary.state_budget, result.summary.counterpart) == (800, 100)
    # The numbering 1, 1.1, 1.2, 2 is right.
    assert codes_at(result.problems) == [("subtasks-grouped", "A3")]
    grouped = result.problems[0]
    assert (grouped.params["number"], grouped.params["count"]) == (1, 2)
    assert (grouped.params["first"], grouped.params["last"]) == ("1.1", "1.2")
    assert [row.raw["seq"] for row in result.rows] == ["1.1", "1.2", 2]


def test_a_group_s_amounts_are_checked_against_its_sub_items() -> None:
    result = check_rows([
        _group(1, "Chương trình hỗ trợ ngành dệt may", 500, 400, 100),
        task_cells("1.1", "Đào tạo Lean", 200, 50),
        task_cells("1.2", "Tư vấn 5S", 100, 50),
    ])
    assert codes_at(result.problems) == [("subtask-total-mismatch", "H3"),
                              ("subtask-total-mismatch", "I3"), ("subtasks-grouped", "A3")]
    assert result.summary.total == 400


def test_a_group_without_amounts_or_details_is_no_error() -> None:
    result = check_rows([
        ["1", "Chương trình hỗ trợ ngành dệt may", "", "", "", "", "", "", "", "", ""],
        task_cells("1.1", "Đào tạo Lean", 200, 50),
        task_cells("1.2.", "Tư vấn 5S", 100, 50),
        task_cells("2", "Nhiệm vụ B", 10, 0),
    ])
    assert codes_at(result.problems) == [("subtasks-grouped", "A3")]
    assert result.summary.total == 410


def test_numbers_typed_as_numbers_and_several_groups() -> None:
    result = check_rows([
        task_cells(1, "Nhiệm vụ A", 100, 0),
        _group(2, "Nhóm B", 30, 30, 0),
        task_cells(2.1, "Nhiệm vụ B1", 10, 0),
        task_cells(2.2, "Nhiệm vụ B2", 20, 0),
        _group(3, "Nhóm C"),
        task_cells("3.1", "Nhiệm vụ C1", 5, 5),
        task_cells(4, "Nhiệm vụ D", 1, 0),
    ])
    assert codes_at(result.problems) == [("subtasks-grouped", "A4"), ("subtasks-grouped", "A7")]
    assert _names(result) == ["Nhiệm vụ A", "Nhiệm vụ B1", "Nhiệm vụ B2", "Nhiệm vụ C1",
                              "Nhiệm vụ D"]
    assert result.summary.total == 141


def test_a_group_numbered_out_of_order_is_reported_at_its_row() -> None:
    result = check_rows([
        task_cells(1, "Nhiệm vụ A", 100, 0),
        _group(3, "Nhóm B"),
        task_cells("3.1", "Nhiệm vụ B1", 10, 0),
        task_cells(4, "Nhiệm vụ C", 1, 0),
    ])
    assert codes_at(result.problems) == [("seq-order", "A4"), ("subtasks-grouped", "A4")]
    assert next(p for p in result.problems if p.code == "seq-order").params["expected"] == 2


def test_sub_items_without_amounts_stay_rows_of_their_own() -> None:
    """Sub-items carrying no money are not counted instead of their group: every row is
    still a task, and what is missing is reported on it (nothing is left out unseen)."""
    empty = ["1.1", "Nội dung đào tạo", "Viện Năng suất Việt Nam", "Mục tiêu", "Nội dung",
             "Kết quả", 12, "", "", "", ""]
    result = check_rows([task_cells(1, "Nhiệm vụ A", 100, 0), empty])
    assert "subtasks-grouped" not in {p.code for p in result.problems}
    assert len(result.rows) == 2
    assert result.summary.total == 100


def test_sub_items_with_sections_and_a_grand_total() -> None:
    heading = ["I", "Nhiệm vụ chuyển tiếp", "", "", "", "", "", 330, 300, 30, ""]
    result = check_rows([
        heading,
        _group(1, "Nhóm A", 300, 270, 30),
        task_cells("1.1", "Nhiệm vụ A1", 200, 30),
        task_cells("1.2", "Nhiệm vụ A2", 70, 0),
        task_cells(2, "Nhiệm vụ B", 30, 0),
        ["II", "Nhiệm vụ mở mới", "", "", "", "", "", "", "", "", ""],
        _group(1, "Nhóm C"),
        task_cells("1.1", "Nhiệm vụ C1", 5, 0),
        ["", "Tổng cộng", "", "", "", "", "", 335, 305, 30, ""],
    ])
    assert codes_at(result.problems) == [("subtasks-grouped", "A4"), ("subtasks-grouped", "A9")]
    assert result.summary.total == 335


def test_on_a_real_workbook_the_totals_are_not_counted_twice(tmp_path: Path) -> None:
    rows = [
        row_values(seq=1, task_name="Chương trình hỗ trợ doanh nghiệp ngành dệt may",
                   state_budget=3000, counterpart=1000),
        row_values(seq="1.1", task_name="Đào tạo Lean cho doanh nghiệp dệt",
                   state_budget=1500, counterpart=500),
        row_values(seq="1.2", task_name="Tư vấn 5S cho doanh nghiệp may",
                   state_budget=1500, counterpart=500),
        row_values(seq=2, task_name="Xây dựng mô hình điểm năng suất xanh"),
    ]
    report = validate_path(make_form_a(tmp_path / "Bo_Cong_Thuong.xlsx", rows))
    assert [(p.code, p.cell) for p in report.problems] == [
        ("subtasks-grouped", f"A{FIRST_DATA_ROW}")]
    assert report.valid
    state = 3000 + row_values()["state_budget"]
    counterpart = 1000 + row_values()["counterpart"]
    assert (report.summary.state_budget, report.summary.counterpart) == (state, counterpart)
    assert len(report.rows) == 3



def test_sub_items_nested_deeper_are_counted_once_at_the_innermost_level() -> None:
    result = check_rows([
        _group(1, "Chương trình hỗ trợ ngành dệt may", 1000, 800, 200),
        _group("1.1", "Đào tạo", 500, 400, 100),
        task_cells("1.1.1", "Đào tạo Lean", 200, 50),
        task_cells("1.1.2", "Đào tạo Kaizen", 200, 50),
        task_cells("1.2", "Tư vấn 5S", 400, 100),
        task_cells(2, "Xây dựng mô hình năng suất xanh", 100, 0),
    ])
    assert _names(result) == ["Đào tạo Lean", "Đào tạo Kaizen", "Tư vấn 5S",
                              "Xây dựng mô hình năng suất xanh"]
    assert result.summary.total == 1100  # not 2,600
    assert codes_at(result.problems) == [("subtasks-grouped", "A3"), ("subtasks-grouped", "A4")]
    outer, inner = result.problems
    assert (outer.params["number"], outer.params["count"], outer.params["first"],
            outer.params["last"]) == (1, 3, "1.1.1", "1.2")
    assert (inner.params["number"], inner.params["count"], inner.params["first"],
            inner.params["last"]) == ("1.1", 2, "1.1.1", "1.1.2")


def test_a_nested_group_s_amounts_are_checked_against_its_own_sub_items() -> None:
    result = check_rows([
        _group(1, "Chương trình hỗ trợ ngành dệt may", 1000, 800, 200),
        _group("1.1.", "Đào tạo", 600, 500, 100),  # its sub-items make 500 (400 + 100)
        task_cells("1.1.1.", "Đào tạo Lean", 200, 50),
        task_cells("1.1.2.", "Đào tạo Kaizen", 200, 50),
        task_cells("1.2.", "Tư vấn 5S", 400, 100),
    ])
    mismatches = [(p.cell, p.params["number"]) for p in result.problems
                  if p.code == "subtask-total-mismatch"]
    assert mismatches == [("H4", "1.1"), ("I4", "1.1")]  # the outer group adds up
    assert result.summary.total == 1000


def test_a_third_level_with_nothing_of_a_task_is_its_sub_item_s_content() -> None:
    """A "1.1.1" line carrying only a name under a costed "1.1": a line of 1.1's content,
    joined to it (``task-lines-joined``); 1.1 is the sub-item counted under group 1."""
    line = ["1.1.1", "Nội dung đào tạo", "", "", "", "", "", "", "", "", ""]
    result = check_rows([
        _group(1, "Chương trình hỗ trợ ngành dệt may", 300, 250, 50),
        task_cells("1.1", "Đào tạo Lean", 250, 50),
        line,
    ])
    assert _names(result) == ["Đào tạo Lean\n1.1.1 Nội dung đào tạo"]
    assert result.summary.total == 300
    assert codes_at(result.problems) == [("subtasks-grouped", "A3"), ("task-lines-joined", "A5")]


def test_nested_sub_items_on_a_real_workbook(tmp_path: Path) -> None:
    rows = [
        row_values(seq=1, task_name="Chương trình hỗ trợ doanh nghiệp ngành dệt may",
                   state_budget=3000, counterpart=1000),
        row_values(seq="1.1", task_name="Đào tạo cho doanh nghiệp dệt",
                   state_budget=1500, counterpart=500),
        row_values(seq="1.1.1", task_name="Đào tạo Lean cho doanh nghiệp dệt",
                   state_budget=1000, counterpart=250),
        row_values(seq="1.1.2", task_name="Đào tạo Kaizen cho doanh nghiệp dệt",
                   state_budget=500, counterpart=250),
        row_values(seq="1.2", task_name="Tư vấn 5S cho doanh nghiệp may",
                   state_budget=1500, counterpart=500),
        row_values(seq=2, task_name="Xây dựng mô hình điểm năng suất xanh"),
    ]
    report = validate_path(make_form_a(tmp_path / "Bo_Cong_Thuong.xlsx", rows))
    assert [(p.code, p.cell) for p in report.problems] == [
        ("subtasks-grouped", f"A{FIRST_DATA_ROW}"),
        ("subtasks-grouped", f"A{FIRST_DATA_ROW + 1}")]
    assert report.valid
    assert [row.raw["seq"] for row in report.rows] == ["1.1.1", "1.1.2", "1.2", 2]
    assert (report.summary.state_budget, report.summary.counterpart) == (
        3000 + row_values()["state_budget"], 1000 + row_values()["counterpart"])
