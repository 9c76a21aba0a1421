"""``nscl validate --annotate`` end to end: the real engine, marked copies, re-validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nscl.marking import ERROR_FILL, MARKS_SHEET, RESULTS_SHEET, annotate_copy
from nscl.validation import validate_path
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values

L = column_letters()
SHEET = "Bảng tổng hợp"


def _bad_file(folder: Path) -> Path:
    rows = [
        row_values(seq=1),
        row_values(seq=2, task_name="Đào tạo chuyên gia năng suất", state_budget=-5,
                   counterpart=100, total=95),
    ]
    return make_form_a(folder / "Bo_Cong_Thuong.xlsx", rows)


def test_cli_annotate_writes_a_marked_copy(tmp_path: Path) -> None:
    from nscl.cli import app

    source = _bad_file(tmp_path)
    out = tmp_path / "danh-dau"
    result = CliRunner().invoke(app, ["validate", "--annotate", str(out), str(source)])
    assert result.exit_code == 1, result.output  # data problems
    marked = out / source.name
    wb = load_workbook(marked)
    cell = wb[SHEET][f"{L['state_budget']}{FIRST_DATA_ROW + 1}"]
    assert str(cell.fill.fgColor.rgb).endswith(ERROR_FILL)
    assert "negative-budget" in cell.comment.text
    assert wb[SHEET][f"{L['total']}{FIRST_DATA_ROW}"].value == 2000  # filled
    assert RESULTS_SHEET in wb.sheetnames and wb[MARKS_SHEET].sheet_state == "veryHidden"


def test_marked_copy_validates_like_the_original(tmp_path: Path) -> None:
    """The add-in's own sheets and filled totals do not change what the engine finds."""
    source = _bad_file(tmp_path)
    report = validate_path(source)
    marked = annotate_copy(report, source, tmp_path / "out")
    again = validate_path(marked)
    assert sorted(p.code for p in again.problems) == sorted(p.code for p in report.problems)
    assert again.summary == report.summary
    # and marking the marked copy again changes nothing
    twice = annotate_copy(again, marked, tmp_path / "out2")
    first = load_workbook(marked)[SHEET]
    second = load_workbook(twice)[SHEET]
    for row_a, row_b in zip(first.iter_rows(), second.iter_rows(), strict=True):
        for a, b in zip(row_a, row_b, strict=True):
            assert a.value == b.value
            assert a.fill.fgColor.rgb == b.fill.fgColor.rgb
            note_a = a.comment.text if a.comment else None
            assert note_a == (b.comment.text if b.comment else None)


@pytest.mark.libreoffice
def test_annotate_an_xls_file(tmp_path: Path, soffice: str) -> None:
    from nscl.libreoffice import convert

    source = _bad_file(tmp_path)
    xls = convert(source, "xls:MS Excel 97", tmp_path / "xls")
    report = validate_path(xls)
    marked = annotate_copy(report, xls, tmp_path / "out")
    assert marked.suffix == ".xlsx"
    wb = load_workbook(marked)
    cell = wb[SHEET][f"{L['state_budget']}{FIRST_DATA_ROW + 1}"]
    assert str(cell.fill.fgColor.rgb).endswith(ERROR_FILL)
