"""The master's table sheet turns its rows into XML through its own fast path: the file
must be the same, byte for byte, as XlsxWriter writes, for every kind of cell and row."""

from __future__ import annotations

import math
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

import sync.shared_strings as shared_strings
import sync.table_sheet as table_sheet
from sync.config import DEFAULT_TZ
from sync.form_a import FormAConsolidator
from sync.master import write_master
from sync.table_sheet import TableWorksheet
from tests.sync_support import master_task_rows


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _record_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each table sheet closed ("fast", "xlsxwriter"), in order."""
    renders: list[str] = []
    write_rows = TableWorksheet._write_rows

    def spy(self: TableWorksheet) -> None:
        write_rows(self)
        renders.append(self.last_render)

    monkeypatch.setattr(TableWorksheet, "_write_rows", spy)
    return renders


def _workbook(path: Path, sheet_class: type[Worksheet] | None, rows: int,
              variant: str = "", **options: Any) -> Worksheet:
    """A sheet with what the master's table holds: merged title rows, two header rows,
    strings, numbers, bordered blanks, formulas with cached values, taller rows, a run of
    empty rows that only have a height, formats first used at the end (a total row, a
    row format), an autofilter and frozen panes; and what it does not hold but the
    writer must still write as XlsxWriter does: cells without a format in a formatted
    row or column, dates, booleans, rich strings, hidden and outlined rows, control
    characters, and per variant a default row height, a 2010 data bar, cell comments."""
    wb = xlsxwriter.Workbook(str(path), options)
    wb.set_properties({"created": datetime(2026, 3, 30, 19)})
    text = wb.add_format({"border": 1, "text_wrap": True, "font_name": "Times New Roman"})
    money = wb.add_format({"border": 1, "num_format": "#,##0.0##"})
    bold = wb.add_format({"bold": True, "border": 1})
    ws = wb.add_worksheet("Tổng hợp", worksheet_class=sheet_class)
    ws.set_column(7, 7, 12, wb.add_format({"italic": True}))
    ws.merge_range(0, 0, 0, 6, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    ws.merge_range(2, 0, 3, 0, "Stt", bold)
    ws.write_row(3, 1, ["Tên nhiệm vụ", "Tổng số", "NSNN", "Đối ứng", "Ghi chú"], bold)
    for i in range(rows):
        r = 5 + i + (40 if i >= rows // 3 else 0)  # a gap of 40 rows with heights only
        ws.write_number(r, 0, i + 1, money)
        ws.write_string(r, 1, f"Nhiệm vụ số {i} <&> \"năng suất\" xanh\x07", text)
        ws.write_number(r, 3, i * 1.5 + 1e-7 * i, money)
        ws.write_number(r, 4, -(i % 7) * 1e16 if i % 13 == 0 else i % 7, money)
        ws.write_formula(r, 2, f"=D{r + 1}+E{r + 1}", money, i * 1.5 + i % 7)
        if i % 5:
            ws.write_blank(r, 5, None, text)
        if i % 11 == 0:
            ws.set_row(r, 45)
        if i % 17 == 0:
            ws.write_string(r, 7, f"không định dạng {i}")  # takes the column's format
        if i % 19 == 0:
            ws.write_datetime(r, 8, datetime(2027, 1, 1 + i % 28),
                              wb.add_format({"num_format": "dd/mm/yyyy"}))
            ws.write_boolean(r, 9, bool(i % 2), text)
            ws.write_rich_string(r, 10, "mục ", bold, "đậm", text)
        if i % 23 == 0:
            ws.set_row(r, None, None, {"hidden": True, "level": 1})
    for gap in range(5 + rows // 3, 5 + rows // 3 + 40, 3):
        ws.set_row(gap, 20)
    # Formats first met late: a total row's, and a row format over cells with and
    # without a format of their own.
    end = 5 + rows + 40
    ws.write_string(end, 0, "TỔNG CỘNG", wb.add_format({"bold": True, "top": 2}))
    ws.write_formula(end, 3, f"=SUM(D6:D{end})", wb.add_format({"num_format": "0.00"}), 1)
    ws.set_row(end + 1, 30, wb.add_format({"italic": True}))
    ws.write_string(end + 1, 1, "Ghi chú", None)
    ws.write_string(end + 1, 2, "có định dạng", text)
    ws.autofilter(3, 0, end, 5)
    ws.freeze_panes(4, 2)
    if variant == "default-height":
        ws.set_default_row(24)
    elif variant == "data-bar":
        ws.conditional_format(5, 3, end, 3, {"type": "data_bar", "data_bar_2010": True})
    elif variant == "comments":
        ws.write_comment(6, 1, "Ghi chú của chuyên viên")
    other = wb.add_worksheet("Theo đơn vị")
    other.write_string(0, 0, "Nhiệm vụ số 1 <&> \"năng suất\" xanh", text)
    wb.close()
    return ws


@pytest.mark.parametrize(
    ("variant", "options", "render"),
    [
        ("", {}, "fast"),
        ("", {"in_memory": True}, "fast"),
        ("default-height", {}, "fast"),
        ("data-bar", {}, "fast"),
        ("comments", {}, "xlsxwriter"),
    ],
    ids=["files", "in-memory", "default-height", "data-bar-2010", "comments"],
)
def test_a_table_sheet_is_the_same_file_as_xlsxwriter_writes(
    tmp_path: Path, variant: str, options: dict[str, Any], render: str
) -> None:
    plain = _workbook(tmp_path / "plain.xlsx", None, 700, variant, **options)
    fast = _workbook(tmp_path / "fast.xlsx", TableWorksheet, 700, variant, **options)
    assert isinstance(fast, TableWorksheet) and not isinstance(plain, TableWorksheet)
    assert fast.last_render == render
    assert _members(tmp_path / "fast.xlsx") == _members(tmp_path / "plain.xlsx")


@pytest.mark.parametrize("rows", [1, 15, 16, 17, 97])
def test_the_spans_of_every_block_of_16_rows_whatever_the_size(
    tmp_path: Path, rows: int
) -> None:
    _workbook(tmp_path / "plain.xlsx", None, rows)
    fast = _workbook(tmp_path / "fast.xlsx", TableWorksheet, rows)
    assert fast.last_render == "fast"
    assert _members(tmp_path / "fast.xlsx") == _members(tmp_path / "plain.xlsx")


def test_an_xlsxwriter_without_the_expected_internals_writes_the_sheet_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _workbook(tmp_path / "plain.xlsx", None, 100)
    monkeypatch.setattr(table_sheet, "_ATTRIBUTES", (*table_sheet._ATTRIBUTES, "gone"))
    other = _workbook(tmp_path / "other.xlsx", TableWorksheet, 100)
    assert other.last_render == "xlsxwriter"
    assert _members(tmp_path / "other.xlsx") == _members(tmp_path / "plain.xlsx")


def test_constant_memory_mode_is_left_to_xlsxwriter(tmp_path: Path) -> None:
    files = []
    for sheet_class in (None, TableWorksheet):
        path = tmp_path / f"{sheet_class.__name__ if sheet_class else 'plain'}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        wb.set_properties({"created": datetime(2026, 3, 30, 19)})
        ws = wb.add_worksheet("Tổng hợp", worksheet_class=sheet_class)
        fmt = wb.add_format({"border": 1})
        for r in range(40):
            ws.write_string(r, 0, f"nhiệm vụ {r}", fmt)
            ws.write_number(r, 1, r / 3, fmt)
        wb.close()
        files.append(_members(path))
    assert files[0] == files[1]


def test_the_master_table_is_stored_and_written_fast_and_unchanged_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_sync_master import _consolidation

    cons = _consolidation()
    more = [sub.report.rows[0] for sub in cons.submissions] * 40  # ~120 task rows
    cons.submissions[0].report.rows.extend(more)
    renders = _record_renders(monkeypatch)
    write_master(cons, FormAConsolidator(), tmp_path / "fast.xlsx", history=tmp_path / "h1",
                 tz=DEFAULT_TZ)
    # XlsxWriter alone: its own cell writers, row writer and shared strings.
    monkeypatch.setattr(table_sheet, "_cell_types", lambda: None)
    monkeypatch.setattr(table_sheet, "_fast_path_applies", lambda sheet: False)
    monkeypatch.setattr(shared_strings, "_SHARED_STRINGS", ("gone",))
    write_master(cons, FormAConsolidator(), tmp_path / "plain.xlsx", history=tmp_path / "h2",
                 tz=DEFAULT_TZ)
    assert renders == ["fast", "xlsxwriter"]
    assert _members(tmp_path / "fast.xlsx") == _members(tmp_path / "plain.xlsx")
    assert len(master_task_rows(tmp_path / "fast.xlsx")) == 4 + len(more)


def _written_with(path: Path, fast: bool, variant: str) -> dict[str, bytes]:
    """A sheet whose cells are stored by the table's writers (``fast``) or by
    XlsxWriter's public methods, with the cases the fast writers hand to XlsxWriter:
    text longer than half Excel's limit (astral characters, counted twice in UTF-16),
    booleans and integers, cells outside the grid, blanks without a format."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime(2026, 3, 30, 19)})
    fmt = wb.add_format({"border": 1})
    ws = wb.add_worksheet("Tổng hợp", worksheet_class=TableWorksheet)
    assert isinstance(ws, TableWorksheet)
    string, number, blank = (ws.cell_writers() if fast
                             else (ws.write_string, ws.write_number, ws.write_blank))
    results = []
    # The first cells are not in column A, and a row's height is set before XlsxWriter
    # stores any cell: the used range must still start where the cells start.
    for r in range(2, 40):
        results.append(string(r, 2, f"=nhiệm vụ {r}", fmt))  # text, never a formula
        if r == 2:
            ws.set_row(r, 30)
        results.append(string(r, 9, f"Đơn vị chủ trì số {r} (ghi chú dài)", fmt))
        results.append(number(r, 3, r * 2.5, fmt))
        results.append(number(r, 4, r, fmt))
        results.append(number(r, 5, r % 2 == 0, fmt))
        results.append(blank(r, 6, None, fmt))
        results.append(blank(r, 7, None, None))
    results.append(string(41, 2, "\U0001F600" * 20_000, fmt))  # 40,000 UTF-16 units
    results.append(string(42, 2, "x" * 20_000, fmt))
    results.append(string(1_048_576, 2, "ngoài bảng", fmt))
    results.append(number(5, 16_384, 1.0, fmt))
    results.append(blank(-1, 2, None, fmt))
    if variant == "autofit":
        ws.autofit()
    wb.close()
    members = _members(path)
    members["results"] = repr(results).encode()
    return members


@pytest.mark.parametrize("variant", ["", "autofit"])
def test_the_cell_writers_store_what_the_public_methods_store(
    tmp_path: Path, variant: str
) -> None:
    public = _written_with(tmp_path / "public.xlsx", False, variant)
    fast = _written_with(tmp_path / "fast.xlsx", True, variant)
    assert fast == public
    sheet = fast["xl/worksheets/sheet1.xml"]
    assert b"<f>" not in sheet
    assert b'<dimension ref="C3:' in sheet


@pytest.mark.parametrize("number", [math.nan, math.inf])
def test_a_number_the_fast_writer_does_not_take_fails_as_xlsxwriter_fails(
    tmp_path: Path, number: float
) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "nan.xlsx"))
    ws = wb.add_worksheet("Tổng hợp", worksheet_class=TableWorksheet)
    assert isinstance(ws, TableWorksheet)
    _, write_number, _ = ws.cell_writers()
    with pytest.raises(TypeError):
        ws.write_number(0, 0, number)
    with pytest.raises(TypeError):
        write_number(0, 0, number)
    wb.close()


def test_constant_memory_mode_gets_xlsxwriters_own_writers(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "cm.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("Tổng hợp", worksheet_class=TableWorksheet)
    assert isinstance(ws, TableWorksheet)
    string, _, _ = ws.cell_writers()
    assert getattr(string, "__func__", None) is Worksheet._write_string
    wb.close()
