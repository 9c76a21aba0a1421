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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sync.selection import COMMENT_HEADER, DECISION_HEADER, DECISIONS, KEY_HEADER

if TYPE_CHECKING:
    from sync.announce import Announcement
    from sync.demo_data import DemoOutput
    from sync.run import RunOutcome

__all__ = ["DEMO_DECISIONS", "DEMO_STAFF", "OUT_FOLDER", "Mark", "SelectionDemo",
           "record_decisions", "revise_submission", "run_selection"]

OUT_FOLDER = "cong-bo"  # where the demo writes Form C, under its output folder

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


def revise_submission(demo: DemoOutput) -> Path:
    """The Ministry of Science and Technology sends its file again, the budget of its
    National Productivity Forum raised (a task the staff had put on the list); returns
    the file."""
    from sync.demo_data import AGENCIES, _at, _touch, write_submission

    agency = next(a for a in AGENCIES if a.code == "bo-khoa-hoc-va-cong-nghe")
    tasks = tuple(replace(task, state=3600) if task.name.startswith("Tổ chức Diễn đàn")
                  else task for task in agency.tasks)
    path = demo.inbox / agency.file
    write_submission(path, agency_code=agency.code, year=demo.config.year or 2027,
                     tasks=tasks)
    _touch(path, _at(26, 9, 0))
    return path


@dataclass
class SelectionDemo:
    """What the demo's selection did."""

    marked: int
    revised: Path
    outcome: RunOutcome
    announcement: Announcement
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_selection(demo: DemoOutput) -> SelectionDemo:
    """After the demo's second night: decisions recorded in the master, a decided task
    revised by its agency, the next night's run, then Form C into ``cong-bo/``."""
    from sync.announce import read_announcement, write_announcement
    from sync.run import run_sync

    master = demo.config.resolved().master
    marked = record_decisions(master, DEMO_DECISIONS)
    revised = revise_submission(demo)
    outcome = run_sync(demo.config)
    announcement = read_announcement(master)
    files = write_announcement(announcement, demo.root / OUT_FOLDER)
    notes = [
        f"{DEMO_STAFF} ghi {marked} quyết định vào cột «Quyết định», «Ý kiến» của bảng tổng "
        "hợp rồi lưu tệp.",
        f"Bộ Khoa học và Công nghệ gửi lại tệp «{revised.name}»: kinh phí NSNN của nhiệm vụ "
        "Diễn đàn Năng suất quốc gia (đã chọn «Đưa vào danh mục») tăng từ 3.200 lên 3.600 "
        "triệu đồng.",
    ]
    return SelectionDemo(marked, revised, outcome, announcement, files, notes)

