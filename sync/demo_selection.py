"""The demo's selection: a staff member records decisions in the master, an agency then
changes a task that was decided on, the next run carries the decisions over (one
flagged as changed), and Form C is produced from the tasks put on the list.

:func:`record_decisions` is what a staff member does in Excel: choose a value in the
"Quyết định" cells and type an "Ý kiến", then save (the file's last-modified-by is then
their name). It is done here with openpyxl on the master's unlocked cells only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sync.selection import COMMENT_HEADER, DECISION_HEADER, DECISIONS, KEY_HEADER

__all__ = ["DEMO_DECISIONS", "DEMO_STAFF", "Mark", "record_decisions"]

DEMO_STAFF = "Nguyễn Thị Lan (Vụ Kế hoạch - Tài chính)"


@dataclass(frozen=True)
class Mark:
    """A decision to record: the task (its agency's code and the start of its name),
    the decision's code and the comment."""

    agency: str
    task: str
    decision: str  # "include", "exclude", "clarify"
    comment: str = ""


DEMO_DECISIONS: tuple[Mark, ...] = (
    Mark("bo-cong-thuong", "Hỗ trợ doanh nghiệp ngành dệt may", "include",
         "Phù hợp nội dung ưu tiên (3); đề nghị Hội đồng tuyển chọn."),
    Mark("bo-khoa-hoc-va-cong-nghe", "Tổ chức Diễn đàn Năng suất quốc gia", "include"),
    Mark("bo-khoa-hoc-va-cong-nghe", "Xây dựng tiêu chuẩn quốc gia (TCVN) về hệ thống quản lý "
         "trí tuệ nhân tạo", "include"),
    Mark("bo-giao-duc-va-dao-tao", "Phát triển học phần năng suất chất lượng", "clarify",
         "Nêu rõ ba trường cùng khối ngành tham gia và cam kết áp dụng học phần."),
    Mark("tinh-thanh-hoa", "Hỗ trợ doanh nghiệp sản xuất xi măng", "exclude",
         "Trùng với nhiệm vụ đang thực hiện của Bộ Công Thương."),
    Mark("tp-ha-noi", "Xây dựng mô hình nhà máy thông minh", "include"),
)


def record_decisions(master: Path, marks: Sequence[Mark], *, by: str = DEMO_STAFF) -> int:
    """Type ``marks`` into the master's decision cells as ``by`` and save it (its
    modification time moves on); return how many tasks were found."""
    import openpyxl

    workbook = openpyxl.load_workbook(master)
    ws = workbook["Tổng hợp"]
    header = next(row for row in ws.iter_rows(max_row=40)
                  if any(cell.value == KEY_HEADER for cell in row))
    columns = {cell.value: cell.column for cell in header if isinstance(cell.value, str)}
    key_col, decision_col, comment_col = (columns[KEY_HEADER], columns[DECISION_HEADER],
                                          columns[COMMENT_HEADER])
    found = 0
    first = (header[0].row or 0) + 1
    for number, row in enumerate(ws.iter_rows(min_row=first), start=first):
        key = row[key_col - 1].value
        name = row[1].value
        if not isinstance(key, str) or not isinstance(name, str):
            continue
        agency = key.split("/", 1)[0]
        for mark in marks:
            if mark.agency == agency and name.startswith(mark.task):
                ws.cell(row=number, column=decision_col).value = DECISIONS[mark.decision]
                ws.cell(row=number, column=comment_col).value = mark.comment or None
                found += 1
    workbook.properties.lastModifiedBy = by
    workbook.save(master)
    # A person saves a while after the file was written: its time moves on visibly.
    later = max(time.time(), master.stat().st_mtime + 60)
    os.utime(master, (later, later))
    return found
