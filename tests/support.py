"""Helpers shared by the tests: problem codes at their cells; Form A as a clerk retypes
it (a workbook in a layout of its own, or a bare grid for the table checks); workbooks
with hidden rows or protection; a damaged .xls; a worker memory limit above this
process; the English words a Vietnamese help screen must not show.

Headers come from the form description (``nscl.forms.form_a()``), never retyped here.
Official-layout submissions are made by :func:`sync.demo_data.write_submission` (the
template, filled in).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Protection as CellProtection
from openpyxl.workbook.protection import WorkbookProtection

from nscl.a1 import column_letter
from nscl.forms import form_a
from nscl.legacy import encode_legacy
from nscl.locate import locate_table
from nscl.problems import Problem
from nscl.table_checks import TableOptions, TableResult, check_table

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def codes_at(problems: Iterable[Problem]) -> list[tuple[str, str | None]]:
    """(code, cell) of each problem, sorted: what a test asserts (never the wording)."""
    return sorted((p.code, p.cell) for p in problems)


def codes(problems: Iterable[Problem]) -> set[str]:
    """The codes of the problems."""
    return {p.code for p in problems}

HEADER_ROW = 6  # group header row; column headers on 6 (merged down) and 7
FIRST_DATA_ROW = 8

# A clean task row: values by column key.
CLEAN_ROW: dict[str, Any] = {
    "seq": 1,
    "task_name": "Nghiên cứu, áp dụng công cụ cải tiến năng suất cho doanh nghiệp chế biến gỗ",
    "lead_org": "Viện Năng suất Việt Nam; Sở Khoa học và Công nghệ tỉnh Nghệ An",
    "objectives": "Nâng cao năng suất lao động của 20 doanh nghiệp chế biến gỗ",
    "main_content": "Đào tạo, tư vấn áp dụng 5S, Kaizen và Lean cho doanh nghiệp",
    "expected_results": "20 doanh nghiệp áp dụng thành công; năng suất tăng ít nhất 10%",
    "duration_months": 24,
    "total": None,
    "state_budget": 1500,
    "counterpart": 500,
    "notes": None,
}


def column_letters() -> dict[str, str]:
    """Column key -> letter in the official layout (Stt in column A)."""
    return {col.key: column_letter(i) for i, col in enumerate(form_a().columns)}


def row_values(**changes: Any) -> dict[str, Any]:
    """A clean row with some values changed."""
    values = dict(CLEAN_ROW)
    values.update(changes)
    return values


def make_form_a(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    agency: str = "BỘ CÔNG THƯƠNG",
    year: int = 2026,
    formulas_in_total: bool = False,
) -> Path:
    """Write a Form A workbook with ``rows`` (dicts by column key) and return its path."""
    form = form_a()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.sheet
    ncols = len(form.columns)
    ws["A1"] = agency
    ws.cell(row=1, column=6, value=form.national_name)
    ws.cell(row=2, column=6, value=form.motto)
    ws.cell(row=4, column=1, value=form.title_for(year))
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=ncols)
    for group, columns in form.groups:
        first = form.column_number(columns[0].key)
        if group is None:
            for col in columns:
                n = form.column_number(col.key)
                ws.cell(row=HEADER_ROW, column=n, value=col.header)
                ws.merge_cells(start_row=HEADER_ROW, start_column=n, end_row=HEADER_ROW + 1,
                               end_column=n)
        else:
            ws.cell(row=HEADER_ROW, column=first, value=group)
            ws.merge_cells(start_row=HEADER_ROW, start_column=first, end_row=HEADER_ROW,
                           end_column=first + len(columns) - 1)
            for col in columns:
                ws.cell(row=HEADER_ROW + 1, column=form.column_number(col.key), value=col.header)
    letters = column_letters()
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        for key, value in values.items():
            cell = ws[f"{letters[key]}{r}"]
            assert isinstance(cell, Cell)
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
        if formulas_in_total:
            ws[f"{letters['total']}{r}"] = (
                f'=IF(AND({letters["state_budget"]}{r}="",{letters["counterpart"]}{r}=""),"",'
                f'{letters["state_budget"]}{r}+{letters["counterpart"]}{r})'
            )
    footer = FIRST_DATA_ROW + len(rows) + 1
    ws.cell(row=footer, column=8, value=form.footer_place_date_for(year))
    ws.cell(row=footer + 1, column=8, value=form.footer_signature)
    ws.cell(row=footer + 2, column=8, value=form.footer_signature_note)
    wb.save(path)
    return path


# ---- a Form A table as a bare grid (the table checks) ------------------------------

HEADER = ["Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
          "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện", "Tổng số",
          "NSNN", "Đối ứng", "Ghi chú"]


def task_cells(seq: Any, name: str, state: float, counterpart: float) -> list[Any]:
    """A task's row of :data:`HEADER`'s table (Tổng số typed as NSNN + Đối ứng)."""
    return [seq, name, "Viện Năng suất Việt Nam", "Mục tiêu", "Nội dung", "Kết quả", 24,
            state + counterpart, state, counterpart, ""]


def heading_cells(seq: str, label: str, *amounts: float) -> list[Any]:
    """A section heading's row ("I | Nhiệm vụ chuyển tiếp"), with a subtotal if given."""
    money = list(amounts) if amounts else ["", "", ""]
    return [seq, label, "", "", "", "", "", *money, ""]


def check_rows(rows: list[list[Any]], *, header: list[Any] | None = None) -> TableResult:
    """The table checks on ``rows`` under the official header (agency line above)."""
    grid: list[list[Any]] = [["BỘ CÔNG THƯƠNG"], header or HEADER, *rows]
    loc = locate_table(grid, form_a())
    assert loc is not None
    return check_table(grid, loc, sheet="S", options=TableOptions(year=2026))


# ---- workbooks ---------------------------------------------------------------------

def with_hidden_tasks(path: Path, *offsets: int) -> Path:
    """A Form A file with four tasks, the ones at ``offsets`` (0 = first) hidden."""
    rows = [row_values(seq=n, task_name=f"Nhiệm vụ thứ {n}") for n in range(1, 5)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    for offset in offsets:
        ws.row_dimensions[FIRST_DATA_ROW + offset].hidden = True
    wb.save(path)
    return path


def protected_form_a(path: Path, *, sheet_password: str | None = None,
                     structure_password: str | None = None, legacy: bool = False) -> Path:
    """A Form A file with a wrong Tổng số, protected as a clerk might: input cells
    unlocked, "Format cells" and "Use AutoFilter" allowed, objects protected, the
    structure locked."""
    name = "Nâng cao năng suất cho doanh nghiệp chế biến gỗ"
    rows = [row_values(seq=1, task_name=encode_legacy(name, "vni") if legacy else name),
            row_values(seq=2, task_name="Đào tạo chuyên gia năng suất", total=900)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    ws = wb[form_a().sheet]
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + 1,
                            max_col=len(form_a().columns)):
        for cell in row:
            cell.protection = CellProtection(locked=False)
    guard = ws.protection
    guard.sheet = True
    guard.objects = True
    guard.scenarios = False
    guard.formatCells = False  # allowed
    guard.autoFilter = False  # allowed
    guard.insertRows = False  # allowed
    if sheet_password:
        guard.password = sheet_password
    guide = wb.create_sheet("Hướng dẫn")
    guide["A1"] = "Hướng dẫn điền biểu mẫu"
    guide.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    if structure_password:
        wb.security.workbookPassword = structure_password
    wb.save(path)
    return path



def damaged_xls(target: Path) -> Path:
    """The clean .xls fixture with one byte of its shared-string table changed: enough to
    make python-calamine 0.9 reserve 1.9 TB and abort its process (found by fuzzing)."""
    data = bytearray((FIXTURES / "a_clean_ministry.xls").read_bytes())
    data[6048] = 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


# ---- processes and help screens -----------------------------------------------------

def memory_limit_above_this_process(extra_mb: int = 1024) -> int:
    """A worker address-space limit that leaves room above what this (forked) test process
    already maps: pytest with numpy loaded can map more than a gigabyte."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024**2 + extra_mb


ENGLISH_FRAME = ("Usage", "Options", "Commands", "Arguments", "Show this message",
                 "[default", "[required]", "[OPTIONS]", "COMMAND", "[ARGS]", "<path>",
                 "<int>", "<str>", "<text>", "<float>", "<integer>", "paths")
