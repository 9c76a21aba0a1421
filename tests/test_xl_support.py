"""Helpers for the add-in tests: a filled Form A workbook in the official layout.

Headers come from the form description (``nscl.forms.form_a()``), never retyped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

from nscl.a1 import column_letter
from nscl.forms import form_a

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
