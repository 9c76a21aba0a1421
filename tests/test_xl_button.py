"""The "Kiểm tra" and "Chuẩn hoá văn bản" buttons, pressed as the ribbon presses them.

There is no Excel here: the workbook is open in a stand-in of Excel's object model
(``tests/excel_standin.py``) that answers and refuses as Excel does, and each test runs
the Python entry point the add-in's VBA calls (``xl.button.kiem_tra()``,
``xl.button.chuan_hoa()``), which finds the workbook through ``xw.Book.caller()``.
Validation is the real engine (``nscl.validation.validate_path``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from nscl.legacy import encode_legacy
from nscl.marking import ERROR_FILL, MARKS_SHEET, RESULTS_SHEET, WARNING_FILL, annotate_copy
from nscl.marking.openpyxl_book import OpenpyxlBook
from nscl.validation import validate_path
from tests.excel_standin import Excel, open_workbook
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values
from xl.button import check_workbook, normalize_workbook

L = column_letters()
F = FIRST_DATA_ROW
SHEET = "Bảng tổng hợp"


def _listed(excel: Excel) -> list[tuple[str, str]]:
    """(code, cell) of each problem row of "Kết quả kiểm tra"."""
    return [(str(r[5]), str(r[2])) for r in excel.rows(RESULTS_SHEET)
            if len(r) > 5 and r[0] in ("Lỗi", "Cảnh báo")]


def _agency_file(path: Path) -> Path:
    """Three tasks: the first without Tổng số, the second's Tổng số wrong (900 for
    800 + 200), the third with a negative NSNN and without Tổng số."""
    rows = [
        row_values(seq=1, task_name="Nhiệm vụ một về năng suất"),
        row_values(seq=2, task_name="Nhiệm vụ hai về chất lượng", total=900,
                   state_budget=800, counterpart=200),
        row_values(seq=3, task_name="Nhiệm vụ ba về tiêu chuẩn", state_budget=-5),
    ]
    return make_form_a(path, rows)


def test_kiem_tra_fills_totals_colours_notes_and_lists_every_problem(tmp_path: Path) -> None:
    path = _agency_file(tmp_path / "Bo_Cong_Thuong.xlsx")
    expected = sorted((p.code, p.cell) for p in validate_path(path).problems)
    excel = open_workbook(path)

    alert = excel.press("kiem_tra")

    assert excel.value(SHEET, f"{L['total']}{F}") == 2000  # 1500 + 500, filled
    assert excel.value(SHEET, f"{L['total']}{F + 1}") == 900  # typed: kept (and marked)
    assert excel.fill(SHEET, f"{L['total']}{F + 1}") == ERROR_FILL
    assert excel.fill(SHEET, f"{L['state_budget']}{F + 2}") == ERROR_FILL
    assert "[budget-mismatch]" in (excel.note(SHEET, f"{L['total']}{F + 1}") or "")
    assert sorted(_listed(excel)) == expected
    # each listed cell links to its place in the table
    results = excel.sheet(RESULTS_SHEET)
    links = [cell.link for cell in results.cells.values() if cell.link]
    assert (f"'{SHEET}'!{L['total']}{F + 1}", f"{L['total']}{F + 1}") in links
    # the record of the marks is a very hidden sheet
    assert excel.sheet(MARKS_SHEET).visible == 2
    assert excel.sheet(RESULTS_SHEET).visible == -1
    assert excel.sheet_names()[0] == SHEET  # the user's sheet stays active and first
    assert excel.model.sheets[excel.model.active].name == SHEET
    assert alert.title == "NSCL 1322 - Kiểm tra" and alert.mode == "critical"
    assert alert.text.startswith(f"Phát hiện {len(expected)} lỗi")
    assert "Đã tự điền cột Tổng số cho 2 dòng" in alert.text


def test_notes_are_sized_to_show_the_whole_message(tmp_path: Path) -> None:
    excel = open_workbook(_agency_file(tmp_path / "bo.xlsx"))
    excel.press("kiem_tra")
    cell = f"{L['total']}{F + 1}"
    width, height = excel.note_size(SHEET, cell) or (0, 0)
    assert width >= 300 and height >= 140  # not Excel's 108 × 59 default
    text = excel.note(SHEET, cell) or ""
    lines = sum(max(1, -(-len(line) // 58)) for line in text.split("\n"))
    assert height >= lines * 12


def test_marks_are_those_of_the_annotated_copy(tmp_path: Path) -> None:
    """The button and ``nscl validate --annotate`` mark the same cells the same way."""
    path = _agency_file(tmp_path / "bo.xlsx")
    excel = open_workbook(path)
    excel.press("kiem_tra")
    copy = load_workbook(annotate_copy(validate_path(path), path, tmp_path / "out"))
    ws = copy[SHEET]
    file_fills = {c.coordinate: str(c.fill.fgColor.rgb)[-6:] for row in ws.iter_rows()
                  for c in row if c.fill.fill_type == "solid"}
    file_notes = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row
                  if c.comment}
    assert excel.fills(SHEET) == file_fills
    assert excel.notes(SHEET) == file_notes
    assert excel.value(SHEET, f"{L['total']}{F}") == ws[f"{L['total']}{F}"].value
    file_rows = [[c.value for c in r] for r in copy[RESULTS_SHEET].iter_rows()]
    for file_row, live_row in zip(file_rows, excel.rows(RESULTS_SHEET), strict=False):
        assert [v for v in file_row if v not in (None, "")] == [
            v for v in live_row if v not in (None, "")]


def test_clicking_twice_gives_the_same_workbook(tmp_path: Path) -> None:
    excel = open_workbook(_agency_file(tmp_path / "bo.xlsx"))
    first_alert = excel.press("kiem_tra")
    first = excel.state()
    second_alert = excel.press("kiem_tra")
    assert excel.state() == first
    # the engine saw the add-in's own totals as empty again, not as typed figures
    assert second_alert.text == first_alert.text


def test_a_fixed_problem_loses_its_mark_and_the_original_look_comes_back(
    tmp_path: Path,
) -> None:
    path = _agency_file(tmp_path / "bo.xlsx")
    wb = load_workbook(path)
    bad = f"{L['state_budget']}{F + 2}"
    wb[SHEET][bad].fill = PatternFill("solid", fgColor="FF00B0F0")
    wb[SHEET][bad].comment = Comment("=ghi chú của đơn vị", "Đơn vị")  # starts like a formula
    wb.save(path)
    excel = open_workbook(path)
    excel.press("kiem_tra")
    assert excel.fill(SHEET, bad) == ERROR_FILL
    marks = excel.rows(MARKS_SHEET)
    assert [SHEET, bad, "mark", "00B0F0", "=ghi chú của đơn vị"] in marks
    assert all(excel.formula(MARKS_SHEET, f"E{r}") is None for r in range(1, len(marks) + 1))

    row = excel.sheet(SHEET)
    row.cell(F + 2, 9).value = 700  # NSNN corrected
    row.cell(F + 1, 8).value = 1000  # Tổng số corrected
    alert = excel.press("kiem_tra")

    assert excel.fill(SHEET, bad) == "00B0F0"
    assert excel.note(SHEET, bad) == "=ghi chú của đơn vị"
    assert excel.fill(SHEET, f"{L['total']}{F + 1}") is None
    assert excel.note(SHEET, f"{L['total']}{F + 1}") is None
    assert alert.text.startswith("Không phát hiện lỗi")
    assert excel.value(SHEET, f"{L['total']}{F + 2}") == 1200  # refilled from the new NSNN


def test_the_sheet_active_before_the_click_stays_active(tmp_path: Path) -> None:
    excel = open_workbook(_agency_file(tmp_path / "bo.xlsx"))
    excel.press("kiem_tra")
    assert excel.model.sheets[excel.model.active].name == SHEET


def test_dates_come_from_excel_as_datetimes_and_reach_the_engine(tmp_path: Path) -> None:
    """Excel gives a date cell as a time-zone-aware datetime (pywin32): the snapshot
    the engine reads holds the date (openpyxl refuses time zones)."""
    path = make_form_a(tmp_path / "bo.xlsx", [row_values(seq=1)])
    wb = load_workbook(path)
    wb[SHEET]["K8"] = dt.datetime(2026, 3, 29, 17, 0)  # a date typed in Ghi chú
    wb[SHEET]["K8"].number_format = "dd/mm/yyyy"
    wb.save(path)
    excel = open_workbook(path)
    value = excel.workbook.Worksheets.Item(1).Range("K8").Value
    assert isinstance(value, dt.datetime) and value.tzinfo is not None
    alert = excel.press("kiem_tra")
    assert alert.text.startswith("Không phát hiện lỗi"), alert.text


def test_error_cells_reach_the_engine_as_errors(tmp_path: Path) -> None:
    """Excel gives #DIV/0! as an integer code; the engine must see the error, not a
    number."""
    path = make_form_a(tmp_path / "bo.xlsx", [row_values(seq=1), row_values(seq=2,
                       task_name="Nhiệm vụ thứ hai")])
    wb = load_workbook(path)
    wb[SHEET][f"{L['counterpart']}{F + 1}"] = "#DIV/0!"
    wb.save(path)
    expected = sorted((p.code, p.cell) for p in validate_path(path).problems)
    assert expected  # an error value is not an amount
    excel = open_workbook(path)
    assert isinstance(excel.workbook.Worksheets.Item(1).Range(
        f"{L['counterpart']}{F + 1}").Value, int)
    excel.press("kiem_tra")
    assert sorted(_listed(excel)) == expected


def test_an_unexpected_failure_is_one_message_box(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import xl.button

    def broken(path: Path, name: str) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(xl.button, "_default_validator", broken)
    excel = open_workbook(_agency_file(tmp_path / "bo.xlsx"))
    before = excel.state()
    alert = excel.press("kiem_tra")
    assert alert.mode == "critical" and "RuntimeError: boom" in alert.text
    assert excel.state() == before


def test_the_checked_copy_of_a_file_matches_nscl_validate(tmp_path: Path) -> None:
    rows = [row_values(seq=1), row_values(seq=2, task_name="Khác", counterpart="abc")]
    path = make_form_a(tmp_path / "Bo_Y_te.xlsx", rows)
    expected = sorted(p.code for p in validate_path(path).problems)
    wb = load_workbook(path)
    result = check_workbook(OpenpyxlBook(wb, path.name))
    assert result.errors + result.warnings == len(expected)


# ----------------------------------------------------------------- Chuẩn hoá văn bản


def test_chuan_hoa_converts_legacy_and_nfd_text(tmp_path: Path) -> None:
    name = "Nâng cao năng suất cho doanh nghiệp chế biến gỗ"
    rows = [
        row_values(seq=1, task_name=encode_legacy(name, "tcvn3")),
        row_values(seq=2, task_name=encode_legacy(name, "vni")),
        row_values(seq=3, task_name=unicodedata.normalize("NFD", name)),
        row_values(seq=4, task_name=name),
        row_values(seq=5, task_name=encode_legacy("=" + name, "tcvn3")),
    ]
    excel = open_workbook(make_form_a(tmp_path / "cu.xlsx", rows))
    alert = excel.press("chuan_hoa")
    for offset in range(4):
        assert excel.value(SHEET, f"{L['task_name']}{F + offset}") == name
    converted = f"{L['task_name']}{F + 4}"
    assert excel.value(SHEET, converted) == "=" + name  # text, not a formula
    assert excel.formula(SHEET, converted) is None
    assert alert.title == "NSCL 1322 - Chuẩn hoá văn bản"
    assert "Đã chuẩn hoá 4 ô" in alert.text and "3 ô gõ bằng bảng mã cũ" in alert.text
    assert "1 ô Unicode tổ hợp" in alert.text
    assert excel.press("chuan_hoa").text.startswith("Không có ô nào cần chuẩn hoá")


def test_chuan_hoa_writes_one_block_per_column_run(tmp_path: Path) -> None:
    rows = [row_values(seq=n, task_name=encode_legacy(f"Nhiệm vụ số {n}", "vni"))
            for n in range(1, 31)]
    excel = open_workbook(make_form_a(tmp_path / "cu.xlsx", rows))
    excel.press("chuan_hoa")
    assert excel.calls["Range.Value"] == 1 + 1  # the sheet, the cells' values (formulas?)
    assert excel.calls["Range.Value="] == 1  # one write for the whole column


def test_normalize_on_a_file_is_idempotent(tmp_path: Path) -> None:
    make_form_a(tmp_path / "cu.xlsx", [row_values(task_name=encode_legacy("Hà Tĩnh", "tcvn3"))])
    wb = load_workbook(tmp_path / "cu.xlsx")
    book = OpenpyxlBook(wb, "cu.xlsx")
    assert len(normalize_workbook(book).changed) == 1
    assert wb[SHEET][f"{L['task_name']}{F}"].value == "Hà Tĩnh"
    assert normalize_workbook(book).changed == []


# ----------------------------------------------------------------- a sheet reaching too far


def _with_far_sheet(tmp_path: Path) -> tuple[Excel, int]:
    """A clean Form A workbook plus a sheet "Nháp" spanning 100 rows × 30 columns; the
    limit returned lies between the form's size and the scratch sheet's."""
    path = make_form_a(tmp_path / "bo.xlsx", [row_values(seq=1),
                                              row_values(seq=2, task_name="Thứ hai")])
    wb = load_workbook(path)
    form_cells = wb[SHEET].max_row * wb[SHEET].max_column
    scratch = wb.create_sheet("Nháp")
    scratch["A1"], scratch["AD100"] = "ghi chú", "gõ nhầm"
    wb.save(path)
    return open_workbook(path), form_cells + 1


def test_kiem_tra_reports_a_sheet_reaching_too_far_and_checks_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A value typed far away (e.g. XFD1048576) made the button read the whole rectangle
    # through Excel. Scaled down here: the limit is lowered for the add-in and the engine.
    import nscl.marking.workbook_api
    import xl.button
    from nscl.reading import ReadLimits
    from nscl.validation import ValidationOptions

    excel, limit = _with_far_sheet(tmp_path)
    monkeypatch.setattr(nscl.marking.workbook_api, "MAX_READ_CELLS", limit)
    copied: list[tuple[object, object]] = []

    def validate(path: Path, name: str) -> Any:
        snapshot = load_workbook(path)["Nháp"]
        copied.append((snapshot["A1"].value, snapshot["AD100"].value))
        options = ValidationOptions(limits=ReadLimits(max_sheet_cells=limit))
        return validate_path(path, display_name=name, options=options)

    monkeypatch.setattr(xl.button, "_default_validator", validate)
    excel.press("kiem_tra")
    assert copied == [(None, "…")]  # the scratch sheet was not read through Excel
    assert ("sheet-too-large", "Nháp!AD100") in _listed(excel)
    assert excel.fill("Nháp", "AD100") == ERROR_FILL  # the far cell is marked
    assert excel.calls["Range.Value"] <= 3  # the form, the far sheet's mark, not the sheet


def test_chuan_hoa_skips_a_sheet_reaching_too_far_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nscl.marking.workbook_api

    excel, limit = _with_far_sheet(tmp_path)
    monkeypatch.setattr(nscl.marking.workbook_api, "MAX_READ_CELLS", limit)
    alert = excel.press("chuan_hoa")
    assert "Nháp!AD100" in alert.text


def test_warning_fill_is_yellow(tmp_path: Path) -> None:
    rows = [row_values(seq=1), row_values(seq=2, task_name="Hai", state_budget="1.250,5")]
    path = make_form_a(tmp_path / "bo.xlsx", rows)
    warnings = [p for p in validate_path(path).warnings if p.sheet == SHEET and p.cell]
    assert warnings
    excel = open_workbook(path)
    excel.press("kiem_tra")
    errors = {p.cell for p in validate_path(path).errors}
    for problem in warnings:
        if problem.cell not in errors and ":" not in str(problem.cell):
            assert excel.fill(SHEET, str(problem.cell)) == WARNING_FILL
