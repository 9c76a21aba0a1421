"""The master's table sheet writes its rows' XML in two processes: the file must be the
same, byte for byte, as XlsxWriter writes in one piece, whatever happens to the child."""

from __future__ import annotations

import os
import signal
import sys
import threading
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

import sync.table_sheet as table_sheet
from sync.config import DEFAULT_TZ
from sync.form_a import FormAConsolidator
from sync.master import write_master
from sync.table_sheet import TableWorksheet
from tests.sync_support import master_task_rows

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the split forks: Linux only")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _record_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each table sheet closed ("split", "single", "fallback"), in order."""
    renders: list[str] = []
    write_rows = TableWorksheet._write_rows

    def spy(self: TableWorksheet) -> None:
        write_rows(self)
        renders.append(self.last_render)

    monkeypatch.setattr(TableWorksheet, "_write_rows", spy)
    return renders


def _workbook(path: Path, sheet_class: type[Worksheet] | None, rows: int,
              **options: Any) -> Worksheet:
    """A sheet with what the master's table holds: merged title rows, two header rows,
    strings, numbers, bordered blanks, formulas with cached values, taller rows, a run of
    empty rows that only have a height, formats first used at the end (a total row, a
    row format), an autofilter and frozen panes."""
    wb = xlsxwriter.Workbook(str(path), options)
    wb.set_properties({"created": datetime(2026, 3, 30, 19)})
    text = wb.add_format({"border": 1, "text_wrap": True, "font_name": "Times New Roman"})
    money = wb.add_format({"border": 1, "num_format": "#,##0.0##"})
    bold = wb.add_format({"bold": True, "border": 1})
    ws = wb.add_worksheet("Tổng hợp", worksheet_class=sheet_class)
    ws.merge_range(0, 0, 0, 6, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    ws.merge_range(2, 0, 3, 0, "Stt", bold)
    ws.write_row(3, 1, ["Tên nhiệm vụ", "Tổng số", "NSNN", "Đối ứng", "Ghi chú"], bold)
    for i in range(rows):
        r = 5 + i + (40 if i >= rows // 3 else 0)  # a gap of 40 rows with heights only
        ws.write_number(r, 0, i + 1, money)
        ws.write_string(r, 1, f"Nhiệm vụ số {i} <&> \"năng suất\" xanh", text)
        ws.write_number(r, 3, i * 1.5, money)
        ws.write_number(r, 4, i % 7, money)
        ws.write_formula(r, 2, f"=D{r + 1}+E{r + 1}", money, i * 1.5 + i % 7)
        if i % 5:
            ws.write_blank(r, 5, None, text)
        if i % 11 == 0:
            ws.set_row(r, 45)
    for gap in range(5 + rows // 3, 5 + rows // 3 + 40, 3):
        ws.set_row(gap, 20)
    # Formats first met in the second half: a total row's, and a row format.
    end = 5 + rows + 40
    ws.write_string(end, 0, "TỔNG CỘNG", wb.add_format({"bold": True, "top": 2}))
    ws.write_formula(end, 3, f"=SUM(D6:D{end})", wb.add_format({"num_format": "0.00"}), 1)
    ws.set_row(end + 1, 30, wb.add_format({"italic": True}))
    ws.write_string(end + 1, 1, "Ghi chú", None)
    ws.autofilter(3, 0, end, 5)
    ws.freeze_panes(4, 2)
    other = wb.add_worksheet("Theo đơn vị")
    other.write_string(0, 0, "Nhiệm vụ số 1 <&> \"năng suất\" xanh", text)
    wb.close()
    return ws


@linux_only
@pytest.mark.parametrize("options", [{}, {"in_memory": True}], ids=["files", "in-memory"])
def test_a_table_sheet_is_the_same_file_as_one_written_in_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 64)
    plain = _workbook(tmp_path / "plain.xlsx", None, 700, **options)
    split = _workbook(tmp_path / "split.xlsx", TableWorksheet, 700, **options)
    assert isinstance(split, TableWorksheet) and not isinstance(plain, TableWorksheet)
    assert split.last_render == "split"
    assert _members(tmp_path / "split.xlsx") == _members(tmp_path / "plain.xlsx")


@linux_only
@pytest.mark.parametrize("rows", [64, 65, 80, 97, 511])
def test_the_halves_meet_at_a_block_of_16_rows_whatever_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 32)
    _workbook(tmp_path / "plain.xlsx", None, rows)
    split = _workbook(tmp_path / "split.xlsx", TableWorksheet, rows)
    assert split.last_render == "split"
    assert _members(tmp_path / "split.xlsx") == _members(tmp_path / "plain.xlsx")


def test_the_split_row_is_a_block_boundary_inside_the_sheet() -> None:
    for first in (0, 3, 16, 17):
        for last in range(first, first + 300):
            middle = table_sheet._split_row((first, last), 32)
            if last - first + 1 < 32:
                assert middle is None
                continue
            assert middle is not None and middle % 16 == 0 and first < middle <= last
            # Near the middle: neither half has more than a block more than the other.
            assert abs((middle - first) - (last + 1 - middle)) <= 32
    assert table_sheet._split_row((0, 10_000), 20_000) is None


@linux_only
@pytest.mark.parametrize("failure", ["error", "killed", "no-fork"])
def test_when_the_child_fails_the_parent_writes_its_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 64)
    _workbook(tmp_path / "plain.xlsx", None, 300)
    parent = os.getpid()
    write_rows = Worksheet._write_rows

    def failing_in_child(self: Worksheet) -> None:
        if os.getpid() != parent:
            if failure == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("the child's half fails")
        write_rows(self)

    def no_fork() -> int:
        raise OSError("fork: Resource temporarily unavailable")

    if failure == "no-fork":
        monkeypatch.setattr(table_sheet.os, "fork", no_fork)
    else:
        monkeypatch.setattr(Worksheet, "_write_rows", failing_in_child)
    split = _workbook(tmp_path / "split.xlsx", TableWorksheet, 300)
    assert split.last_render == "fallback"
    assert _members(tmp_path / "split.xlsx") == _members(tmp_path / "plain.xlsx")


def test_no_split_for_a_small_sheet_or_with_other_threads_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _workbook(tmp_path / "small.xlsx", TableWorksheet, 50)
    assert small.last_render == "single"
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 64)
    _workbook(tmp_path / "plain.xlsx", None, 300)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        busy = _workbook(tmp_path / "busy.xlsx", TableWorksheet, 300)
    finally:
        stop.set()
        thread.join()
    assert busy.last_render == "single"
    assert _members(tmp_path / "busy.xlsx") == _members(tmp_path / "plain.xlsx")


@linux_only
def test_the_master_table_is_split_and_unchanged_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_sync_master import _consolidation

    cons = _consolidation()
    more = [sub.report.rows[0] for sub in cons.submissions] * 40  # ~120 task rows
    cons.submissions[0].report.rows.extend(more)
    renders = _record_renders(monkeypatch)
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 10**9)
    write_master(cons, FormAConsolidator(), tmp_path / "one.xlsx", history=tmp_path / "h1",
                 tz=DEFAULT_TZ)
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 64)
    write_master(cons, FormAConsolidator(), tmp_path / "two.xlsx", history=tmp_path / "h2",
                 tz=DEFAULT_TZ)
    assert renders == ["single", "split"]
    assert _members(tmp_path / "two.xlsx") == _members(tmp_path / "one.xlsx")
    assert len(master_task_rows(tmp_path / "two.xlsx")) == 4 + len(more)


def test_the_cell_writers_store_what_the_public_methods_store(tmp_path: Path) -> None:
    files = []
    for fast in (False, True):
        path = tmp_path / f"{'fast' if fast else 'public'}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        wb.set_properties({"created": datetime(2026, 3, 30, 19)})
        fmt = wb.add_format({"border": 1})
        ws = wb.add_worksheet("Tổng hợp", worksheet_class=TableWorksheet)
        assert isinstance(ws, TableWorksheet)
        string, number, blank = (ws.cell_writers() if fast
                                 else (ws.write_string, ws.write_number, ws.write_blank))
        for r in range(20):
            string(r, 0, f"=nhiệm vụ {r}", fmt)  # text, never a formula
            number(r, 1, r * 2.5, fmt)
            blank(r, 2, None, fmt)
        wb.close()
        files.append(_members(path))
    assert files[0] == files[1]
    assert b"<f>" not in files[1]["xl/worksheets/sheet1.xml"]


@linux_only
@pytest.mark.parametrize("bar", [False, True], ids=["cron", "terminal"])
def test_a_nightly_run_writes_its_table_in_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bar: bool
) -> None:
    """Through the whole pipeline: the validation workers and their threads are gone
    when the master is written, and the terminal's progress bar runs no thread of its
    own, so the split is not refused for another thread."""
    from sync.commands import _RichProgress
    from sync.config import SyncConfig
    from sync.run import run_sync
    from tests.sync_support import DEADLINE, fake_validator, write_fake

    rows = [[f"Nhiệm vụ năng suất số {i}", 100 + i, 50] for i in range(60)]
    write_fake(tmp_path / "inbox" / "BCT.xlsx",
               {"agency": ["bo-cong-thuong", "Bộ Công Thương", "ministry"], "rows": rows})
    renders = _record_renders(monkeypatch)
    monkeypatch.setattr(TableWorksheet, "min_split_rows", 32)
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "tong-hop.xlsx",
                        state=tmp_path / "state", year=2027, deadline=DEADLINE, workers=2)
    threads = threading.active_count()
    progress = _RichProgress() if bar else None
    assert threading.active_count() == threads
    run_sync(config, validator=fake_validator, progress=progress)
    assert renders == ["split"]
    assert len(master_task_rows(config.master)) == 60
