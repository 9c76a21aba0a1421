"""Protected workbooks in Excel: the buttons lift the protection of what they change
(no password), and protect it again exactly as it was; a password stops them before
any change, with a Vietnamese message.

Run in the stand-in of Excel's object model (``tests/excel_standin.py``), which refuses
what Excel refuses on a protected sheet or a locked structure; the first tests pin those
refusals, so that the others cannot pass by a stand-in being lenient.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Protection as CellProtection
from openpyxl.workbook.protection import WorkbookProtection

from nscl.legacy import encode_legacy
from nscl.marking import ERROR_FILL, MARKS_SHEET, RESULTS_SHEET
from nscl.validation import validate_path
from tests.excel_standin import ComError, open_workbook
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values

L = column_letters()
F = FIRST_DATA_ROW
SHEET = "Bảng tổng hợp"


def _protected(path: Path, *, sheet_password: str | None = None,
               structure_password: str | None = None, legacy: bool = False) -> Path:
    """A Form A file with a wrong Tổng số, protected as a clerk might: input cells
    unlocked, "Format cells" and "Use AutoFilter" allowed, objects protected, the
    structure locked."""
    name = "Nâng cao năng suất cho doanh nghiệp chế biến gỗ"
    rows = [row_values(seq=1, task_name=encode_legacy(name, "vni") if legacy else name),
            row_values(seq=2, task_name="Đào tạo chuyên gia năng suất", total=900)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    ws = wb[SHEET]
    for row in ws.iter_rows(min_row=F, max_row=F + 1, max_col=len(L)):
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


# ----------------------------------------------------------------- what Excel refuses


def test_excel_refuses_changes_to_a_protected_sheet_and_a_locked_structure(
    tmp_path: Path,
) -> None:
    excel = open_workbook(_protected(tmp_path / "bo.xlsx"))
    book = excel.workbook
    sheet = book.Worksheets.Item(SHEET)
    with pytest.raises(ComError):  # a sheet added to a locked structure
        book.Worksheets.Add(After=sheet)
    with pytest.raises(ComError):
        sheet.Visible = 0
    with pytest.raises(ComError):  # a note on a sheet whose objects are protected
        sheet.Range(f"{L['total']}{F + 1}").AddComment("Sai")
    with pytest.raises(ComError):  # a value in a locked cell
        sheet.Range("A4").Value = "x"
    with pytest.raises(ComError):  # a column width without "Format columns"
        sheet.Range("D:D").ColumnWidth = 30
    with pytest.raises(ComError):  # "" is not the password of a sheet that has one
        open_workbook(_protected(tmp_path / "mk.xlsx", sheet_password="bí mật")
                      ).workbook.Worksheets.Item(SHEET).Unprotect(Password="")
    # allowed by these options: a fill, a value in an unlocked cell
    sheet.Range(f"{L['total']}{F + 1}").Interior.Color = 255
    sheet.Range(f"{L['total']}{F + 1}").Value = 1000


def test_excel_reads_text_assigned_to_a_cell_as_typed_text(tmp_path: Path) -> None:
    """What the add-in writes must survive Excel's reading: "=…" and "+…" become
    formulas, "1,250.5" a number, unless written with Excel's text prefix."""
    excel = open_workbook(make_form_a(tmp_path / "bo.xlsx", [row_values()]))
    cell = excel.workbook.Worksheets.Item(SHEET).Range("M1")
    for typed, value, formula in [("'=1+1", "=1+1", None), ("=1+1", None, "=1+1"),
                                  ("+abc", None, "=+abc"), ("1,250.5", 1250.5, None),
                                  ("Bộ Công Thương", "Bộ Công Thương", None)]:
        cell.Value = typed
        assert (excel.value(SHEET, "M1"), excel.formula(SHEET, "M1")) == (value, formula)
    cell.Value = "'=1+1"
    assert cell.Formula == "=1+1" and not cell.HasFormula  # Formula gives text as text


# ----------------------------------------------------------------- lifted and put back


def test_a_protected_workbook_is_marked_and_protected_again_with_every_option(
    tmp_path: Path,
) -> None:
    excel = open_workbook(_protected(tmp_path / "bo.xlsx"))
    table = excel.sheet(SHEET)
    table.enable_selection = 1  # xlUnlockedCells
    assert table.protection is not None
    table.protection.user_interface_only = True
    before = {s.name: (s.protection, s.enable_selection) for s in excel.model.sheets}
    assert before[SHEET][0] and before["Hướng dẫn"][0]

    alert = excel.press("kiem_tra")

    assert "1 lỗi" in alert.text
    assert excel.fill(SHEET, f"{L['total']}{F + 1}") == ERROR_FILL
    assert "[budget-mismatch]" in (excel.note(SHEET, f"{L['total']}{F + 1}") or "")
    assert excel.value(SHEET, f"{L['total']}{F}") == 2000
    assert {s.name: (s.protection, s.enable_selection) for s in excel.model.sheets
            if s.name in before} == before
    assert excel.model.structure_locked and not excel.model.windows_locked
    assert {MARKS_SHEET, RESULTS_SHEET} <= set(excel.sheet_names())
    # only the sheets it changed were unprotected: the guide sheet was left alone
    assert excel.calls["Worksheet.Unprotect"] == 1


def test_a_workbook_the_user_left_unprotected_stays_unprotected(tmp_path: Path) -> None:
    path = make_form_a(tmp_path / "bo.xlsx", [row_values(seq=1, total=900)])
    excel = open_workbook(path)
    excel.press("kiem_tra")
    assert all(s.protection is None for s in excel.model.sheets)
    assert not excel.model.structure_locked
    assert excel.calls["Worksheet.Protect"] == excel.calls["Workbook.Protect"] == 0


@pytest.mark.parametrize("where", ["sheet", "structure"])
def test_a_password_stops_kiem_tra_before_any_change(tmp_path: Path, where: str) -> None:
    path = _protected(tmp_path / "bo.xlsx", sheet_password="bí mật" if where == "sheet" else None,
                      structure_password="bí mật" if where == "structure" else None)
    report = validate_path(path)
    excel = open_workbook(path)
    before = excel.state()

    alert = excel.press("kiem_tra")

    assert excel.state() == before
    assert alert.mode == "critical" and "mật khẩu" in alert.text
    assert (f"Sheet “{SHEET}”" if where == "sheet" else "Cấu trúc sổ tính") in alert.text
    assert f"{len(report.errors)} lỗi và {len(report.warnings)} cảnh báo" in alert.text


def test_a_password_on_a_sheet_it_does_not_change_does_not_stop_it(tmp_path: Path) -> None:
    path = _protected(tmp_path / "bo.xlsx")
    wb = load_workbook(path)
    wb["Hướng dẫn"].protection.password = "bí mật"
    wb.save(path)
    excel = open_workbook(path)
    alert = excel.press("kiem_tra")
    assert "1 lỗi" in alert.text and excel.fill(SHEET, f"{L['total']}{F + 1}") == ERROR_FILL


def test_a_password_on_the_structure_does_not_stop_a_later_click(tmp_path: Path) -> None:
    """The add-in's sheets exist already: the structure need not be unlocked."""
    path = _protected(tmp_path / "bo.xlsx")
    excel = open_workbook(path)
    excel.press("kiem_tra")
    excel.model.password = "bí mật"  # the user locks the structure with a password now
    alert = excel.press("kiem_tra")
    assert "1 lỗi" in alert.text


def test_chuan_hoa_on_a_protected_sheet_converts_and_protects_again(tmp_path: Path) -> None:
    excel = open_workbook(_protected(tmp_path / "cu.xlsx", legacy=True))
    before = excel.sheet(SHEET).protection
    alert = excel.press("chuan_hoa")
    assert "Đã chuẩn hoá 1 ô" in alert.text
    assert excel.value(SHEET, f"{L['task_name']}{F}") == (
        "Nâng cao năng suất cho doanh nghiệp chế biến gỗ")
    assert excel.sheet(SHEET).protection == before and excel.model.structure_locked


def test_chuan_hoa_with_a_password_changes_nothing(tmp_path: Path) -> None:
    excel = open_workbook(_protected(tmp_path / "cu.xlsx", legacy=True,
                                     sheet_password="bí mật"))
    before = excel.state()
    alert = excel.press("chuan_hoa")
    assert excel.state() == before
    assert "mật khẩu" in alert.text and SHEET in alert.text
