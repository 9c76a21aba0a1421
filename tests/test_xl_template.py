"""The add-in on the official Form A template built by ``nscl template build``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nscl.libreoffice import recalculate
from nscl.marking import ERROR_FILL, RESULTS_SHEET, annotate_copy
from nscl.validation import validate_path
from tests.test_xl_button import FakeExcel, click, payload_from_file
from tests.test_xl_support import CLEAN_ROW, column_letters, ensure_remote_engine

TEMPLATE = Path(__file__).resolve().parent.parent / "workbook_templates" / "excel" / (
    "mau-A-de-xuat-nhiem-vu.xlsx"
)
L = column_letters()
SHEET = "Bảng tổng hợp"
FIRST = 10  # first data row of the built template


@pytest.fixture
def filled(tmp_path: Path, soffice: str) -> Path:
    if not TEMPLATE.exists():
        pytest.skip("template not built")
    source = tmp_path / "src" / "Bo_Cong_Thuong.xlsx"
    source.parent.mkdir()
    shutil.copyfile(TEMPLATE, source)
    wb = load_workbook(source)
    ws = wb[SHEET]
    ws["A1"] = "BỘ CÔNG THƯƠNG"
    rows = [dict(CLEAN_ROW), {**CLEAN_ROW, "seq": 2, "task_name": "Đào tạo chuyên gia",
                              "state_budget": -5}]
    for r, values in enumerate(rows, start=FIRST):
        for key, value in values.items():
            if key != "total" and value is not None:
                ws[f"{L[key]}{r}"] = value
    wb.save(source)
    return recalculate(source, tmp_path / "calc")  # cached formula values, as Excel saves


def test_template_formulas_survive_marking(filled: Path, tmp_path: Path) -> None:
    report = validate_path(filled)
    assert report.form == "A" and {p.code for p in report.errors} == {"negative-budget"}
    marked = annotate_copy(report, filled, tmp_path / "out")
    ws = load_workbook(marked)[SHEET]
    assert str(ws[f"{L['total']}{FIRST}"].value).startswith("=")  # template formula kept
    bad = ws[f"{L['state_budget']}{FIRST + 1}"]
    assert str(bad.fill.fgColor.rgb).endswith(ERROR_FILL)
    assert RESULTS_SHEET in load_workbook(marked).sheetnames


def test_button_on_the_template(filled: Path) -> None:
    ensure_remote_engine()
    excel = FakeExcel(payload_from_file(filled))
    actions = click(excel)
    bad = (SHEET, f"{L['state_budget']}{FIRST + 1}")
    assert excel.fills[bad] == f"#{ERROR_FILL}"
    # nothing is written into the table's Tổng số column: the template computes it
    table = 0
    total_col = ord(L["total"]) - 65
    assert not [a for a in actions if a["func"] == "setValues"
                and a["sheet_position"] == table and a["start_column"] == total_col]
    assert "1 lỗi" in excel.alerts[0]
