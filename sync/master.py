"""The master workbook (bảng tổng hợp), written with XlsxWriter, atomically.

Sheets: the form's consolidated table (Form A: "Tổng hợp", Form B: "Chỉ tiêu", from the
consolidator), "Theo đơn vị" (generic, or the consolidator's own), the consolidator's
other sheets (Form A: "Quyết định", "Lĩnh vực ưu tiên", "Trùng lặp"; Form B: "Nội
dung"), "Tình hình nộp", "Tệp không tổng hợp", "Lỗi kiểm tra", "Thay đổi" and the
chart sheet (native Excel charts; Form A: "Biểu đồ", Form B: "Tiến độ mục tiêu").

Every sheet is protected without a password (formatting, column widths and the filter
stay free): the staff edit only the cells left unlocked, the decisions of Form A's
table (:mod:`sync.selection`). The file is written to a temporary name in the master's
folder, flushed to disk, then renamed over the master (``os.replace``): a reader, or a
run killed at any moment, sees either the previous complete master or the new complete
one. The previous master is first kept as a dated copy in the history folder. A master
saved again since the run looked at it (``expected``) is not replaced
(:class:`MasterChangedError`): it may hold decisions the run has not read.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nscl.gc_pause import gc_paused
from nscl.problems import SEVERITY_LABELS
from sync.archive import fsync_dir
from sync.consolidate import ChartContext, Consolidator
from sync.model import (
    CHANGE_LABELS,
    STATUS_LABELS,
    Consolidation,
    Deferred,
    OtherFile,
    Rejected,
)
from sync.styles import FONT, Styles, row_height, safe_text, setup_print, write_cell

__all__ = [
    "BY_AGENCY_SHEET",
    "CHANGES_SHEET",
    "CHARTS_SHEET",
    "PROBLEMS_SHEET",
    "PROTECTION_OPTIONS",
    "STATUS_SHEET",
    "UNUSED_FILES_SHEET",
    "MasterChangedError",
    "MasterLockedError",
    "MasterSeen",
    "MasterWritten",
    "clean_temporary_masters",
    "write_master",
]

BY_AGENCY_SHEET = "Theo đơn vị"
STATUS_SHEET = "Tình hình nộp"
UNUSED_FILES_SHEET = "Tệp không tổng hợp"
PROBLEMS_SHEET = "Lỗi kiểm tra"
CHANGES_SHEET = "Thay đổi"
CHARTS_SHEET = "Biểu đồ"
_TMP_PREFIX = ".nscl-tmp-"
# The master's sheets are protected without a password: only the unlocked cells (the
# decisions) are edited; formatting, column widths, row heights and the filter stay free.
PROTECTION_OPTIONS: dict[str, bool] = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "autofilter": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


@dataclass(frozen=True)
class MasterSeen:
    """The master file as a run found it (size and time; None: no file)."""

    size: int | None = None
    mtime_ns: int | None = None

    @classmethod
    def of(cls, path: Path) -> MasterSeen:
        """The state of ``path`` now (no file: none there, or a path that cannot be
        looked at, which writing the master reports)."""
        try:
            st = path.stat()
        except OSError:
            return cls()
        return cls(st.st_size, st.st_mtime_ns)

    @property
    def exists(self) -> bool:
        """Whether there was a file."""
        return self.size is not None


class MasterWritten:
    """Where the new master is, where the previous one was kept, rows written."""

    def __init__(self, path: Path, previous_copy: Path | None, rows: int) -> None:
        self.path = path
        self.previous_copy = previous_copy
        self.rows = rows


def _section_head(ws: Any, st: Styles, r: int, title: str,
                  heads: list[tuple[int, int, str]]) -> int:
    """A listing's title on row ``r`` and its column heads below it, each head spanning
    columns ``first``–``last``; return the row of the heads."""
    ws.write_string(r, 0, title, st.label)
    r += 1
    for first, last, text in heads:
        if first == last:
            ws.write_string(r, first, text, st.header)
        else:
            ws.merge_range(r, first, r, last, text, st.header)
    return r


def _stale_note(reason: str) -> str:
    return f"Chưa cập nhật được từ Google Drive ({reason}): số liệu là bản tải được lần trước"


def _local(dt: datetime, tz: timezone) -> datetime:
    return dt.astimezone(tz).replace(tzinfo=None)


def _write_by_agency(
    wb: Any, st: Styles, cons: Consolidation, consolidator: Consolidator, tz: timezone
) -> ChartContext:
    ws = wb.add_worksheet(BY_AGENCY_SHEET)
    figs = consolidator.figure_columns()
    head = ["Stt", "Đơn vị", "Loại", *[f.header for f in figs], "Tình trạng", "Tệp",
            "Thời điểm nhận", "Số lỗi", "Số cảnh báo"]
    widths = [6, 30, 11, *[f.width for f in figs], 11, 28, 16, 8, 10]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, len(head) - 1, "TỔNG HỢP THEO ĐƠN VỊ", st.title)
    ws.merge_range(1, 0, 1, len(head) - 1, consolidator.by_agency_note(cons.year),
                   st.subtitle)
    hr = 3
    for i, h in enumerate(head):
        ws.write_string(hr, i, h, st.header)
    ws.set_row(hr, 32)
    setup_print(ws, repeat=(hr, hr))
    ws.freeze_panes(hr + 1, 2)
    fig_cols = {f.key: 3 + i for i, f in enumerate(figs)}
    fmt_of = {"count": st.count, "money": st.money, "percent": st.percent}
    r = hr + 1
    first = r
    for n, sub in enumerate(cons.submissions, start=1):
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, sub.agency.name, st.text)
        ws.write_string(r, 2, sub.agency.kind_label, st.center)
        values = consolidator.figures(sub.report)
        for f in figs:
            write_cell(ws, r, fig_cols[f.key], values.get(f.key), fmt_of[f.kind])
        c = 3 + len(figs)
        ws.write_string(r, c, STATUS_LABELS[sub.status], st.status[sub.status])
        ws.write_string(r, c + 1, safe_text(cons.label(sub.file)), st.text)
        ws.write_datetime(r, c + 2, _local(sub.received, tz), st.datetime)
        ws.write_number(r, c + 3, len(sub.report.errors), st.count)
        ws.write_number(r, c + 4, len(sub.report.warnings), st.count)
        # A long file path or agency name wraps: the row grows to show it (no
        # spreadsheet application sizes rows on opening).
        height = row_height([(cons.label(sub.file), widths[c + 1]),
                             (sub.agency.name, widths[1])])
        if height is not None:
            ws.set_row(r, height)
        r += 1
    last = r - 1
    totals = consolidator.totals(cons)
    ws.merge_range(r, 0, r, 2, "Tổng cộng", st.total)
    total_fmt = {"money": st.total_money, "percent": st.total_percent}
    for f in figs:
        write_cell(ws, r, fig_cols[f.key], totals.get(f.key), total_fmt.get(f.kind, st.total))
    for j in range(3 + len(figs), len(head)):
        ws.write_blank(r, j, None, st.total)
    if last >= first:
        ws.autofilter(hr, 0, last, len(head) - 1)
    return ChartContext(BY_AGENCY_SHEET, first, last, 1, fig_cols)


def _status_title(form: str) -> str:
    """ "TÌNH HÌNH NỘP ĐỀ XUẤT NHIỆM VỤ CỦA CÁC BỘ, NGÀNH VÀ ĐỊA PHƯƠNG" for Form A,
    "… NỘP BÁO CÁO KẾT QUẢ THỰC HIỆN …" for Form B (from the form description)."""
    from nscl.forms import get_form

    try:
        what = get_form(form).submission
    except KeyError:
        what = ""
    return f"TÌNH HÌNH NỘP {(what or 'biểu mẫu ' + form).upper()} CỦA CÁC BỘ, NGÀNH VÀ ĐỊA PHƯƠNG"


def _write_status(wb: Any, st: Styles, cons: Consolidation, tz: timezone) -> tuple[int, int]:
    """Who has and has not sent: the counts, then one row per expected agency. The
    files not consolidated are listed on a sheet of their own (their headings would
    otherwise be printed under this table's repeated header)."""
    ws = wb.add_worksheet(STATUS_SHEET)
    widths = [6, 34, 11, 12, 9, 10, 9, 16, 30, 24]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ncol = len(widths)
    ws.set_row(0, 36)
    ws.merge_range(0, 0, 0, ncol - 1, _status_title(cons.form), st.title)
    deadline = (
        _local(cons.deadline, tz).strftime("%H:%M ngày %d/%m/%Y") if cons.deadline
        else "(chưa đặt)"
    )
    updated = _local(cons.generated_at, tz).strftime("%H:%M ngày %d/%m/%Y")
    for r, (name, text) in enumerate((("Năm", str(cons.year or "(chưa xác định)")),
                                      ("Hạn nộp", deadline), ("Cập nhật", updated)), start=2):
        ws.merge_range(r, 0, r, 3, "", st.plain)
        ws.write_rich_string(r, 0, st.label, f"{name}: ", st.plain, text, st.plain)

    expected = cons.expected_count
    ok, late, invalid, missing = (cons.count(s) for s in ("ok", "late", "invalid", "missing"))
    received = expected - missing
    r = 6
    # The counts: status, number of agencies, share (no empty first column).
    ws.merge_range(r, 0, r, 1, "Tình trạng", st.header)
    ws.write_string(r, 2, "Số đơn vị", st.header)
    ws.write_string(r, 3, "Tỷ lệ", st.header)
    rows = [
        ("Phải nộp", expected, None),
        ("Đã nộp (có tệp)", received, None),
        ("Đúng hạn, không lỗi", ok, "ok"),
        ("Nộp muộn", late, "late"),
        ("Có lỗi", invalid, "invalid"),
        ("Chưa nộp", missing, "missing"),
    ]
    expected_row = r + 1
    chart_first = r + 3
    for label, count, status in rows:
        r += 1
        ws.merge_range(r, 0, r, 1, label, st.status[status] if status else st.text)
        ws.write_number(r, 2, count, st.count)
        if expected:
            ws.write_formula(r, 3, f"=C{r + 1}/C{expected_row + 1}", st.percent,
                             count / expected)
        else:
            ws.write_blank(r, 3, None, st.percent)
    chart_last = r

    r += 2
    table_head = r
    heads = ["Stt", "Đơn vị", "Loại", "Tình trạng", "Đã nộp", "Nộp muộn", "Có lỗi",
             "Thời điểm nhận", "Tệp", "Ghi chú"]
    for i, h in enumerate(heads):
        ws.write_string(r, i, h, st.header)
    ws.set_row(r, 30)
    setup_print(ws, repeat=(table_head, table_head))
    rejected_of: dict[str, list[Rejected]] = {}
    for rej in cons.rejected:
        if rej.agency is not None:
            rejected_of.setdefault(rej.agency, []).append(rej)
    others_of: dict[str, list[OtherFile]] = {}
    for other in cons.others:
        if other.agency is not None:
            others_of.setdefault(other.agency, []).append(other)
    deferred_of: dict[str, list[Deferred]] = {}
    for item in cons.deferred:
        if item.agency is not None:
            deferred_of.setdefault(item.agency, []).append(item)
    for n, line in enumerate(cons.statuses, start=1):
        r += 1
        sub = line.submission
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, line.agency.name, st.text)
        ws.write_string(r, 2, line.agency.kind_label, st.center)
        ws.write_string(r, 3, STATUS_LABELS[line.status], st.status[line.status])
        ws.write_string(r, 4, "x" if sub else "", st.center)
        ws.write_string(r, 5, "x" if sub and sub.late else "", st.center)
        ws.write_string(r, 6, "x" if sub and sub.has_errors else "", st.center)
        if sub:
            ws.write_datetime(r, 7, _local(sub.received, tz), st.datetime)
            ws.write_string(r, 8, safe_text(cons.label(sub.file)), st.text)
        else:
            ws.write_blank(r, 7, None, st.datetime)
            ws.write_blank(r, 8, None, st.text)
        notes = [] if line.agency.expected else ["Ngoài danh sách phải nộp"]
        if sub is not None and sub.stale is not None:
            notes.append(_stale_note(sub.stale))
        notes += [f"Có tệp «{cons.name(d.file)}» trên Google Drive chưa tải được: {d.reason}"
                  for d in deferred_of.get(line.agency.code, ()) if not d.kept]
        notes += [f"Tệp «{cons.name(rej.file)}» bị từ chối (xem sheet «{UNUSED_FILES_SHEET}»)"
                  for rej in rejected_of.get(line.agency.code, ())]
        if sub is None:  # why nothing counts: a .zip, a PDF … sent instead
            notes += [f"Có tệp «{cons.name(other.file)}» nhưng không phải tệp bảng tính (xem "
                      f"sheet «{UNUSED_FILES_SHEET}»)"
                      for other in others_of.get(line.agency.code, ())]
        note = "; ".join(notes)
        ws.write_string(r, 9, safe_text(note), st.text)
        height = row_height([(note, widths[9]), (cons.label(sub.file) if sub else "", widths[8]),
                             (line.agency.name, widths[1])])
        if height is not None:
            ws.set_row(r, height)
    if cons.statuses:
        ws.autofilter(table_head, 0, r, ncol - 1)
    _write_unused_files(wb, st, cons, tz)
    return chart_first, chart_last


def _write_unused_files(wb: Any, st: Styles, cons: Consolidation, tz: timezone) -> None:
    """The files of the inbox that are not in the table: rejected (with the reason),
    replaced by a newer version, and other files that are not spreadsheets."""
    ws = wb.add_worksheet(UNUSED_FILES_SHEET)
    widths = [6, 34, 22, 14, 14, 14, 14, 16, 12, 20]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ncol = len(widths)
    ws.merge_range(0, 0, 0, ncol - 1, "CÁC TỆP KHÔNG ĐƯA VÀO BẢNG TỔNG HỢP", st.title)
    setup_print(ws)

    r = _section_head(ws, st, 2, f"TỆP BỊ TỪ CHỐI ({len(cons.rejected)})",
                      [(0, 0, "Stt"), (1, 1, "Tệp"), (2, 6, "Lý do"),
                       (7, 7, "Số dòng đọc được"), (8, 9, "Mã (cho cán bộ CNTT)")])
    for n, rej in enumerate(cons.rejected, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, safe_text(cons.label(rej.file)), st.text)
        ws.merge_range(r, 2, r, 6, safe_text(rej.reason), st.text)
        ws.write_number(r, 7, rej.rows, st.integer)
        ws.merge_range(r, 8, r, 9, rej.code, st.code)
        height = row_height([(rej.reason, sum(widths[2:7])), (cons.label(rej.file), widths[1])])
        if height is not None:
            ws.set_row(r, height)
    if not cons.rejected:
        r += 1
        ws.merge_range(r, 0, r, ncol - 1, "(Không có)", st.text)

    r = _section_head(ws, st, r + 2,
                      f"BẢN NỘP TRƯỚC, ĐÃ ĐƯỢC THAY BẰNG BẢN MỚI ({len(cons.superseded)})",
                      [(0, 0, "Stt"), (1, 1, "Tệp"), (2, 3, "Đơn vị"), (4, 7, "Thay bằng"),
                       (8, 9, "Thời điểm nhận")])
    for n, old in enumerate(cons.superseded, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, safe_text(cons.label(old.file)), st.text)
        ws.merge_range(r, 2, r, 3, old.agency.name, st.text)
        ws.merge_range(r, 4, r, 7, safe_text(cons.label(old.replaced_by)), st.text)
        ws.merge_range(r, 8, r, 9, "", st.datetime)
        ws.write_datetime(r, 8, _local(old.received, tz), st.datetime)
        height = row_height([(cons.label(old.file), widths[1]),
                             (cons.label(old.replaced_by), sum(widths[4:8]))])
        if height is not None:
            ws.set_row(r, height)
    if not cons.superseded:
        r += 1
        ws.merge_range(r, 0, r, ncol - 1, "(Không có)", st.text)

    # Files that are not spreadsheets (a .zip sent in place of the workbook …).
    r = _section_head(ws, st, r + 2, "TỆP KHÁC TRONG THƯ MỤC NHẬN, KHÔNG PHẢI BẢNG TÍNH "
                      f"({len(cons.others)})",
                      [(0, 0, "Stt"), (1, 1, "Tệp"), (2, 5, "Ghi chú"),
                       (6, 6, "Thời điểm nhận"), (7, 8, "Đơn vị (theo tên tệp)"),
                       (9, 9, "Mã (cho cán bộ CNTT)")])
    for n, other in enumerate(cons.others, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, safe_text(cons.label(other.file)), st.text)
        ws.merge_range(r, 2, r, 5, other.reason, st.text)
        when = datetime.fromtimestamp(other.mtime_ns / 1e9, tz=tz)
        ws.write_datetime(r, 6, _local(when, tz), st.datetime)
        agency = cons.agency_name(other.agency) if other.agency else ""
        ws.merge_range(r, 7, r, 8, agency, st.text)
        ws.write_string(r, 9, other.code, st.code)
        height = row_height([(other.reason, sum(widths[2:6])), (cons.label(other.file), widths[1]),
                             (agency, sum(widths[7:9]))])
        if height is not None:
            ws.set_row(r, height)
    if not cons.others:
        r += 1
        ws.merge_range(r, 0, r, ncol - 1, "(Không có)", st.text)
    if cons.deferred:
        _write_deferred(ws, st, cons, r + 2, widths)


def _write_deferred(ws: Any, st: Styles, cons: Consolidation, r: int,
                    widths: list[int]) -> None:
    """The Google files not updated in this run: the reason, and whether the last
    version fetched is still counted."""
    r = _section_head(ws, st, r, "TỆP TRÊN GOOGLE DRIVE CHƯA CẬP NHẬT ĐƯỢC, SẼ TẢI LẠI Ở LẦN "
                      f"CHẠY SAU ({len(cons.deferred)})",
                      [(0, 0, "Stt"), (1, 1, "Tệp"), (2, 6, "Lý do"),
                       (7, 9, "Bảng tổng hợp dùng")])
    for n, item in enumerate(cons.deferred, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, safe_text(cons.label(item.file)), st.text)
        ws.merge_range(r, 2, r, 6, safe_text(item.reason), st.text)
        agency = cons.agency_name(item.agency) if item.agency else ""
        used = ("Bản tải được lần trước" if item.kept else "Chưa có bản nào") + (
            f" ({agency})" if agency else "")
        ws.merge_range(r, 7, r, 9, used, st.text)
        height = row_height([(item.reason, sum(widths[2:7])), (cons.label(item.file),
                                                               widths[1]),
                             (used, sum(widths[7:10]))])
        if height is not None:
            ws.set_row(r, height)


def _write_problems(wb: Any, st: Styles, cons: Consolidation) -> None:
    """Every problem of the counted files, led by the rule's Vietnamese title; the rule's
    code stays in a narrow last column, for IT."""
    ws = wb.add_worksheet(PROBLEMS_SHEET)
    heads = ["Stt", "Đơn vị", "Tệp", "Sheet", "Ô", "Mức độ", "Lỗi", "Nội dung", "Cách sửa",
             "Mã (cho cán bộ CNTT)"]
    widths = [6, 22, 22, 14, 7, 10, 22, 46, 36, 14]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, len(heads) - 1, "KẾT QUẢ KIỂM TRA SỐ LIỆU", st.title)
    hr = 2
    for i, h in enumerate(heads):
        ws.write_string(hr, i, h, st.header)
    ws.set_row(hr, 30)
    setup_print(ws, repeat=(hr, hr))
    ws.freeze_panes(hr + 1, 0)
    r = hr
    n = 0
    for sub in cons.submissions:
        for p in sub.report.problems:
            r += 1
            n += 1
            fmt = {"error": st.error, "warning": st.warning}.get(p.severity, st.text)
            ws.write_number(r, 0, n, st.integer)
            ws.write_string(r, 1, sub.agency.name, st.text)
            ws.write_string(r, 2, safe_text(cons.label(sub.file)), st.text)
            ws.write_string(r, 3, safe_text(p.sheet or ""), st.text)
            ws.write_string(r, 4, p.cell or "", st.center)
            ws.write_string(r, 5, SEVERITY_LABELS.get(p.severity, p.severity),
                            st.severity.get(p.severity, st.center))
            ws.write_string(r, 6, p.title, st.text)
            ws.write_string(r, 7, safe_text(p.statement), fmt)
            ws.write_string(r, 8, safe_text(p.fix_sentence), st.text)
            ws.write_string(r, 9, p.code, st.code)
            height = row_height([(p.statement, widths[7]), (p.fix, widths[8]),
                                 (cons.label(sub.file), widths[2]), (p.title, widths[6]),
                                 (sub.agency.name, widths[1])])
            if height is not None:
                ws.set_row(r, height)
    if n:
        ws.autofilter(hr, 0, r, len(heads) - 1)
    else:
        ws.merge_range(hr + 1, 0, hr + 1, len(heads) - 1, "(Không có lỗi hay cảnh báo)", st.text)


def _write_changes(wb: Any, st: Styles, cons: Consolidation, tz: timezone,
                   item_label: str = "Nhiệm vụ") -> None:
    ws = wb.add_worksheet(CHANGES_SHEET)
    heads = ["Stt", "Đơn vị", "Thay đổi", item_label, "Chi tiết"]
    widths = [6, 28, 22, 50, 60]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, len(heads) - 1, "THAY ĐỔI SO VỚI LẦN TỔNG HỢP TRƯỚC", st.title)
    if cons.first_run or cons.previous_run_at is None:
        since = "Lần tổng hợp đầu tiên: mọi đơn vị đều là mới."
    else:
        since = (
            "So với bản tổng hợp lúc "
            f"{_local(cons.previous_run_at, tz).strftime('%H:%M ngày %d/%m/%Y')}."
        )
    ws.merge_range(1, 0, 1, len(heads) - 1, since, st.subtitle)
    hr = 3
    for i, h in enumerate(heads):
        ws.write_string(hr, i, h, st.header)
    setup_print(ws, repeat=(hr, hr))
    r = hr
    for n, ch in enumerate(cons.changes, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, ch.agency.name, st.text)
        ws.write_string(r, 2, CHANGE_LABELS[ch.kind], st.text)
        ws.write_string(r, 3, safe_text(ch.task), st.text)
        ws.write_string(r, 4, safe_text(ch.detail), st.text)
        height = row_height([(ch.task, widths[3]), (ch.detail, widths[4])])
        if height is not None:
            ws.set_row(r, height)
    if not cons.changes:
        ws.merge_range(hr + 1, 0, hr + 1, len(heads) - 1, "(Không có thay đổi)", st.text)


def _write_charts(
    wb: Any, st: Styles, consolidator: Consolidator, context: ChartContext,
    status_rows: tuple[int, int],
) -> None:
    ws = wb.add_worksheet(consolidator.charts_sheet)
    ws.merge_range(0, 0, 0, 12, consolidator.charts_title, st.title)
    setup_print(ws)
    ws.fit_to_pages(1, 1)
    row = consolidator.add_charts(wb, ws, context, 2)
    first, last = status_rows
    chart = wb.add_chart({"type": "pie"})
    colours = ["#70AD47", "#FFC000", "#C00000", "#A5A5A5"]
    chart.add_series({
        "name": "Tình hình nộp",
        "categories": [STATUS_SHEET, first, 0, last, 0],
        "values": [STATUS_SHEET, first, 2, last, 2],
        "points": [{"fill": {"color": c}} for c in colours],
        "data_labels": {"value": True, "percentage": True, "separator": "\n",
                        "font": {"name": "Times New Roman"}},
    })
    chart.set_title({"name": "Tình hình nộp của các đơn vị",
                     "name_font": {"name": "Times New Roman", "size": 12}})
    chart.set_legend({"position": "right", "font": {"name": "Times New Roman"}})
    chart.set_size({"width": 640, "height": 360})
    ws.insert_chart(row, 0, chart)


def clean_temporary_masters(folder: Path) -> int:
    """Remove temporary masters left by an interrupted run (call while holding the lock)."""
    removed = 0
    if folder.is_dir():
        for tmp in folder.glob(f"{_TMP_PREFIX}*"):
            try:
                tmp.unlink()
                removed += 1
            except OSError:
                continue
    return removed


def _keep_previous(path: Path, history: Path, stamp: datetime) -> Path | None:
    if not path.exists():
        return None
    history.mkdir(parents=True, exist_ok=True)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=stamp.tzinfo)
    copy = history / f"{path.stem}_{mtime.strftime('%Y%m%d-%H%M%S')}{path.suffix}"
    n = 1
    while copy.exists():
        n += 1
        copy = history / f"{path.stem}_{mtime.strftime('%Y%m%d-%H%M%S')}-{n}{path.suffix}"
    try:
        os.link(path, copy)
    except OSError:
        shutil.copy2(path, copy)
    return copy


class MasterLockedError(OSError):
    """The master cannot be replaced: it is open in another program (Windows)."""


class MasterChangedError(MasterLockedError):
    """The master was saved again while the run worked: replacing it could lose what was
    typed into it (Vietnamese message)."""


def _check_unchanged(path: Path, expected: MasterSeen | None) -> None:
    """:class:`MasterChangedError` when ``path`` is no longer as the run found it."""
    if expected is None:
        return
    now = MasterSeen.of(path)
    if now == expected:
        return
    when = ""
    if now.mtime_ns is not None:
        stamp = datetime.fromtimestamp(now.mtime_ns / 1e9).astimezone()
        when = f" (lưu lúc {stamp.strftime('%H:%M:%S ngày %d/%m/%Y')})"
    what = "bị xoá" if not now.exists else f"được lưu lại{when}"
    raise MasterChangedError(
        f"Bảng tổng hợp «{path}» {what} trong khi nscl đang tổng hợp: nscl không ghi đè để"
        " khỏi mất quyết định vừa ghi vào đó. Chạy lại nscl sync (lần chạy sau đọc các"
        " quyết định mới rồi mới ghi bảng tổng hợp)."
    )


def _replace(tmp: Path, path: Path, *, attempts: int = 10, pause: float = 3.0) -> None:
    """``os.replace`` with retries: on Windows a master open in Excel cannot be replaced."""
    import time

    for attempt in range(attempts):
        try:
            os.replace(tmp, path)
            return
        except PermissionError as exc:
            if attempt == attempts - 1:
                raise MasterLockedError(
                    f"Không thay được bảng tổng hợp «{path}»: tệp đang được mở bằng chương "
                    "trình khác (Excel?). Đóng tệp rồi chạy lại."
                ) from exc
            time.sleep(pause)


def write_master(
    cons: Consolidation,
    consolidator: Consolidator,
    path: Path,
    *,
    history: Path,
    tz: timezone,
    fingerprint: str = "",
    run_id: int = 0,
    expected: MasterSeen | None = None,
) -> MasterWritten:
    """Write the master to ``path`` atomically; keep the previous one in ``history``.

    ``run_id``: the run writing it (kept in the file: :mod:`sync.selection` tells an
    older copy by it); ``expected``: the master as the run found it, checked right
    before it is replaced (:class:`MasterChangedError`)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{_TMP_PREFIX}{os.getpid()}-{path.name}"
    try:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                # The workbook's own font is the official one: column widths are measured
                # in it (Excel and LibreOffice alike), so the printed pages are the same.
                "default_format_properties": {"font_name": FONT, "font_size": 11},
            },
        )
        wb.set_properties({
            "title": f"Bảng tổng hợp biểu mẫu {cons.form} năm {cons.year or ''}".strip(),
            "subject": "Chương trình 1322",
            "author": "nscl sync",
            "created": cons.generated_at.replace(tzinfo=None),
        })
        wb.set_custom_property("nscl_master_form", cons.form)
        if fingerprint:
            wb.set_custom_property("nscl_fingerprint", fingerprint)
        if run_id:
            wb.set_custom_property("nscl_run", str(run_id))
        if cons.year:
            wb.set_custom_property("nscl_master_year", str(cons.year))
        # XlsxWriter keeps a small tuple per cell: with the collector running, each of its
        # passes would walk all of them (and every report) for nothing to free. The pause
        # covers this workbook only; the rest of the run (feedback copies through openpyxl,
        # whose workbooks are cyclic) runs with the collector on. What the workbook leaves
        # is kept out of the collector's reach (the first pass after the pause would walk
        # it whole) until the run ends.
        with gc_paused(keep=True):
            st = Styles(wb)
            # The table's "cập nhật lúc …" is in the configured time zone, as every other
            # time the master shows (the run's clock is UTC).
            local = replace(cons, generated_at=cons.generated_at.astimezone(tz))
            rows = consolidator.write_table(wb, st, local)
            context = consolidator.write_by_agency(wb, st, local) \
                or _write_by_agency(wb, st, cons, consolidator, tz)
            consolidator.write_details(wb, st, local)
            status_rows = _write_status(wb, st, cons, tz)
            _write_problems(wb, st, cons)
            _write_changes(wb, st, cons, tz, consolidator.item_label)
            _write_charts(wb, st, consolidator, context, status_rows)
            for sheet in wb.worksheets():
                if not sheet.protect_options:  # a consolidator may protect its own
                    sheet.protect("", PROTECTION_OPTIONS)
            wb.close()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        _check_unchanged(path, expected)
        previous = _keep_previous(path, history, cons.generated_at.astimezone(tz))
        _replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return MasterWritten(path, previous, rows)
