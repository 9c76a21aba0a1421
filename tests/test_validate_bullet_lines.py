"""A task's content typed as bullet lines on rows of their own, under the task.

Clerks often list a task's contents under it, one per row: "- Đào tạo Lean", "- Tư vấn
5S", with nothing else on the row. Before, each such row was a task of its own: eight
errors a row (no Stt, no lead organisation, no duration, no amounts …), a task count too
high in the agency's totals and in the master, and a "Stt should be 4" warning on the
next task. Now such lines are joined to the task above them, in the same columns, with
one warning (``task-lines-joined``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nscl.validation import validate_path
from tests.support import (
    FIRST_DATA_ROW,
    check_rows,
    codes_at,
    heading_cells,
    make_form_a,
    row_values,
    task_cells,
)


def _line(text: str, *, seq: Any = "", column: int = 1, amount: Any = "") -> list[Any]:
    """A row with ``text`` in column ``column`` (1: Tên nhiệm vụ) and Stt ``seq``."""
    row: list[Any] = [seq, "", "", "", "", "", "", "", amount, "", ""]
    row[column] = text
    return row


def test_bullet_lines_under_a_task_are_its_content() -> None:
    result = check_rows([
        task_cells(1, "Hỗ trợ doanh nghiệp dệt may", 200, 100),
        _line("- Đào tạo Lean cho doanh nghiệp"),
        _line("- Tư vấn 5S"),
        task_cells(2, "Xây dựng mô hình năng suất xanh", 50, 0),
    ])
    assert codes_at(result.problems) == [("task-lines-joined", "A4")]
    joined = result.problems[0]
    assert joined.severity == "warning"
    assert (joined.params["count"], joined.params["rows"], joined.params["task_line"]) == (
        2, "4–5", 3)
    first, second = result.rows
    assert first.values["task_name"] == (
        "Hỗ trợ doanh nghiệp dệt may\n- Đào tạo Lean cho doanh nghiệp\n- Tư vấn 5S")
    assert (first.sheet_row, second.sheet_row) == (3, 6)
    assert second.values["task_name"] == "Xây dựng mô hình năng suất xanh"
    assert (result.summary.tasks, result.summary.total) == (2, 350)


def test_a_bullet_in_the_stt_column_goes_with_the_text_it_marks() -> None:
    result = check_rows([
        task_cells(1, "Hỗ trợ doanh nghiệp dệt may", 200, 100),
        _line("Đào tạo Lean", seq="-", column=4),  # Nội dung chính
        _line("Tư vấn 5S", seq="a)", column=4),
    ])
    assert codes_at(result.problems) == [("task-lines-joined", "A4")]
    (task,) = result.rows
    assert task.values["main_content"] == "Nội dung\n- Đào tạo Lean\na) Tư vấn 5S"


def test_numbered_lines_under_a_task_are_its_content_too() -> None:
    """"1.1", "1.2" (as text or as numbers) under task 1, with nothing of a task's: lines
    of task 1. A "2.1" is not task 1's, and a sub-item with amounts is a sub-task."""
    result = check_rows([
        task_cells(1, "Hỗ trợ doanh nghiệp dệt may", 200, 100),
        _line("Khảo sát", seq="1.1"),
        _line("Đào tạo", seq=1.2),
        _line("Tư vấn", seq="2.1"),
        task_cells(2, "Xây dựng mô hình năng suất xanh", 50, 0),
    ])
    assert [row.values["task_name"] for row in result.rows] == [
        "Hỗ trợ doanh nghiệp dệt may\n1.1 Khảo sát\n1.2 Đào tạo", "Tư vấn",
        "Xây dựng mô hình năng suất xanh"]
    joined = next(p for p in result.problems if p.code == "task-lines-joined")
    assert (joined.cell, joined.params["count"], joined.params["rows"]) == ("A4", 2, "4–5")
    assert "required-missing" in {p.code for p in result.problems if p.cell == "C6"}


def test_text_continued_on_the_next_row_without_number_or_name_is_joined() -> None:
    """The task's content ran out of its cell and went on below, with no Stt and no
    name: no task of its own (a task has a name), so it is the task's text continued."""
    result = check_rows([
        task_cells(1, "Hỗ trợ doanh nghiệp dệt may", 200, 100),
        _line("và tư vấn áp dụng 5S tại 10 doanh nghiệp", column=4),  # Nội dung chính
        task_cells(2, "Xây dựng mô hình năng suất xanh", 50, 0),
    ])
    assert codes_at(result.problems) == [("task-lines-joined", "A4")]
    first, _ = result.rows
    assert first.values["main_content"] == "Nội dung\nvà tư vấn áp dụng 5S tại 10 doanh nghiệp"
    assert result.summary.tasks == 2


def test_rows_that_are_not_bullet_lines_stay_tasks() -> None:
    """Text without a bullet, a bullet line with an amount, and a bullet line right under
    a section heading (no task above it) are rows of their own, reported as before."""
    result = check_rows([
        task_cells(1, "Nhiệm vụ A", 200, 100),
        _line("Nhiệm vụ chưa ghi đủ thông tin"),
        _line("- Đào tạo", amount=300),
        heading_cells("II", "Nhiệm vụ mở mới"),
        _line("- Tư vấn"),
    ])
    assert "task-lines-joined" not in {code for code, _ in codes_at(result.problems)}
    assert len(result.rows) == 4
    assert {"A4", "A5", "A7"} <= {p.cell for p in result.problems
                                  if p.code == "required-missing"}


def test_bullet_lines_on_a_real_workbook_and_in_the_master(tmp_path: Path) -> None:
    from sync.config import SyncConfig
    from sync.run import run_sync
    from tests.sync_support import master_task_rows

    blank = {key: None for key in row_values()}
    rows = [
        row_values(seq=1, task_name="Hỗ trợ doanh nghiệp ngành dệt may"),
        {**blank, "main_content": "- Đào tạo Lean cho 10 doanh nghiệp"},
        {**blank, "main_content": "- Tư vấn 5S cho 10 doanh nghiệp"},
        row_values(seq=2, task_name="Xây dựng mô hình điểm năng suất xanh"),
    ]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = make_form_a(inbox / "Bo_Cong_Thuong.xlsx", rows, year=2027)
    report = validate_path(path, year=2027)
    assert [(p.code, p.cell) for p in report.problems] == [
        ("task-lines-joined", f"A{FIRST_DATA_ROW + 1}")]
    assert report.valid and report.summary.tasks == 2
    content = report.rows[0].values["main_content"]
    assert content.endswith("\n- Đào tạo Lean cho 10 doanh nghiệp\n- Tư vấn 5S cho 10 doanh nghiệp")

    config = SyncConfig(inbox=inbox, master=tmp_path / "master.xlsx", state=tmp_path / "state",
                        year=2027)
    outcome = run_sync(config)
    (agency,) = [a for a in outcome.result["agencies"] if a["file"]]
    assert agency["tasks"] == 2
    assert [row["task_name"] for row in master_task_rows(config.master)] == [
        "Hỗ trợ doanh nghiệp ngành dệt may", "Xây dựng mô hình điểm năng suất xanh"]
