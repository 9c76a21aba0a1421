"""The add-in on the official templates built by ``nscl template build``.

The templates protect every sheet and lock the workbook's structure (no password). In
Excel that refuses what marking does (adding "Kết quả kiểm tra", a note on a protected
sheet), so these tests run "Kiểm tra" in the stand-in of Excel's object model, which
refuses the same things, on each template as Excel would open it (formulas calculated
by LibreOffice, as Excel saves them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nscl.libreoffice import recalculate
from nscl.marking import ERROR_FILL, MARKS_SHEET, RESULTS_SHEET, annotate_copy
from nscl.validation import validate_path
from tests.excel_standin import ComError, Excel, open_workbook
from tests.test_xl_support import CLEAN_ROW, column_letters

TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates" / "excel"
TEMPLATE = TEMPLATES / "mau-A-de-xuat-nhiem-vu.xlsx"
L = column_letters()
SHEET = "Bảng tổng hợp"
FIRST = 10  # first data row of the built template


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, Path]:
    """(the filled template, the same recalculated by LibreOffice); tests must not
    change either file."""
    if not TEMPLATE.exists():
        pytest.skip("template not built")
    tmp_path = tmp_path_factory.mktemp("filled")
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
    return source, recalculate(source, tmp_path / "calc")  # values, as Excel saves them


def _opened(filled: tuple[Path, Path]) -> Excel:
    """The filled template open in Excel: the template's protection (LibreOffice's copy
    loses the structure lock), with the formulas' values calculated."""
    source, calculated = filled
    return open_workbook(source, values_from=calculated)


def test_template_formulas_survive_marking(filled: tuple[Path, Path], tmp_path: Path) -> None:
    calculated = filled[1]
    report = validate_path(calculated)
    assert report.form == "A" and {p.code for p in report.errors} == {"negative-budget"}
    marked = annotate_copy(report, calculated, tmp_path / "out")
    ws = load_workbook(marked)[SHEET]
    assert str(ws[f"{L['total']}{FIRST}"].value).startswith("=")  # template formula kept
    bad = ws[f"{L['state_budget']}{FIRST + 1}"]
    assert str(bad.fill.fgColor.rgb).endswith(ERROR_FILL)
    assert RESULTS_SHEET in load_workbook(marked).sheetnames


def test_excel_refuses_what_marking_does_on_the_protected_template(
    filled: tuple[Path, Path],
) -> None:
    """Without lifting the protection, Excel refuses the add-in's changes."""
    excel = _opened(filled)
    book = excel.workbook
    with pytest.raises(ComError):
        book.Worksheets.Add(After=book.Worksheets.Item(1))
    table = book.Worksheets.Item(SHEET)
    with pytest.raises(ComError):
        table.Range(f"{L['state_budget']}{FIRST + 1}").AddComment("x")
    with pytest.raises(ComError):  # a locked cell: the title
        table.Range("A4").Value = "x"
    # formatting cells and typing into the input cells stay allowed, as the guide says
    table.Range(f"{L['state_budget']}{FIRST + 1}").Interior.Color = 255
    table.Range(f"{L['state_budget']}{FIRST + 1}").Value = 7


def test_kiem_tra_on_the_template_marks_it_and_protects_it_again(
    filled: tuple[Path, Path],
) -> None:
    excel = _opened(filled)
    before = {s.name: s.protection for s in excel.model.sheets}
    assert excel.model.structure_locked and all(before.values())

    alert = excel.press("kiem_tra")

    assert "1 lỗi" in alert.text, alert.text
    bad = f"{L['state_budget']}{FIRST + 1}"
    assert excel.fill(SHEET, bad) == ERROR_FILL
    assert "[negative-budget]" in (excel.note(SHEET, bad) or "")
    assert RESULTS_SHEET in excel.sheet_names() and MARKS_SHEET in excel.sheet_names()
    # the template's Tổng số formulas are kept, not overwritten
    assert str(excel.formula(SHEET, f"{L['total']}{FIRST}")).startswith("=")
    # protected again exactly as before; the structure locked again
    assert {s.name: s.protection for s in excel.model.sheets if s.name in before} == before
    assert excel.model.structure_locked
    # a second click (the add-in's sheets exist now) leaves the structure lock alone
    state = excel.state()
    calls = excel.calls["Workbook.Unprotect"]
    excel.press("kiem_tra")
    assert excel.state() == state
    assert excel.calls["Workbook.Unprotect"] == calls


@pytest.mark.parametrize("template", ["mau-A-de-xuat-nhiem-vu.xlsx",
                                      "mau-B-bao-cao-ket-qua.xlsx",
                                      "mau-C-ket-qua-tuyen-chon.xlsx"])
def test_kiem_tra_on_each_blank_template(template: str, tmp_path: Path, soffice: str) -> None:
    if not (TEMPLATES / template).exists():
        pytest.skip("template not built")
    calculated = recalculate(TEMPLATES / template, tmp_path / "calc")
    expected = sorted((p.code, p.cell) for p in validate_path(calculated).problems)
    excel = open_workbook(TEMPLATES / template, values_from=calculated)
    assert excel.model.structure_locked
    before = excel.state()
    protections = {s.name: s.protection for s in excel.model.sheets}

    alert = excel.press("kiem_tra")

    assert alert.title == "NSCL 1322 - Kiểm tra"
    listed = sorted((str(r[5]), str(r[2]).split("!")[-1]) for r in excel.rows(RESULTS_SHEET)
                    if len(r) > 2 and r[0] in ("Lỗi", "Cảnh báo"))
    assert [code for code, _ in listed] == [code for code, _ in expected]
    assert {s.name: s.protection for s in excel.model.sheets
            if s.name in protections} == protections
    assert excel.model.structure_locked
    assert excel.state() != before  # marked
