"""Finding the table by its headers (nscl.locate), on in-memory grids."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from nscl.a1 import a1, a1_range, column_index, column_letter, parse_a1, range_cells
from nscl.forms import form_a, form_b, form_c
from nscl.locate import (
    header_key,
    is_number_row,
    locate_indicators,
    locate_table,
)


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"
    ]
    assert a1(8, 7) == "H9"
    assert a1(8, 7, row_abs=True, col_abs=True) == "$H$9"
    assert [column_index(letter) for letter in ("A", "Z", "AA", "ZZ", "AAA")] == [
        0, 25, 26, 701, 702]
    assert parse_a1("$H$9") == (8, 7) and parse_a1(" xfd1048576 ") == (1048575, 16383)
    assert a1_range(9, 1, 208, 6) == "B10:G209" and a1_range(9, 1, 9, 1) == "B10"
    assert range_cells("A1:B2") == ["A1", "B1", "A2", "B2"]
    assert range_cells("A1:C3", limit=2) == ["A1", "B1"]
    for bad in ("H0", "H", "12", "Sheet!A1", "A1:B"):
        with pytest.raises(ValueError):
            range_cells(bad)


def test_header_key_forgives_breaks_case_spaces_and_unicode_form() -> None:
    official = "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được"
    typed = unicodedata.normalize("NFD", "DỰ KIẾN KẾT QUẢ /\nSẢN PHẨM VÀ YÊU  CẦU ĐẠT ĐƯỢC:")
    assert header_key(typed) == header_key(official)
    assert header_key("Thời gian thực hiện (tháng)") == header_key("Thời gian thực hiện(tháng)")


def test_two_row_header_with_number_row_and_offset() -> None:
    grid: list[list[Any]] = [
        ["", "BỘ Y TẾ"],
        ["", ""],
        ["", "Stt", "Tên nhiệm vụ\n(sắp xếp theo thứ tự ưu tiên)", "Tổ chức chủ trì, phối hợp",
         "Mục tiêu", "Nội dung chính", "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được",
         "Thời gian thực hiện", "Dự kiến kinh phí (triệu đồng)", "", "", "Ghi chú"],
        ["", "", "", "", "", "", "", "", "Tổng số", "NSNN", "Đối ứng", ""],
        ["", "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)"],
        ["", 1, "Nhiệm vụ", "Viện", "x", "x", "x", 24, 10, 5, 5, ""],
    ]
    loc = locate_table(grid, form_a())
    assert loc is not None
    assert loc.header_rows == (2, 3)
    assert loc.number_row == 4
    assert loc.data_start == 5
    assert loc.columns["seq"] == 1 and loc.columns["counterpart"] == 10
    assert loc.missing == ()


def test_aliases_missing_optional_and_extra_columns() -> None:
    grid = [
        ["TT", "Tên nhiệm vụ", "Lĩnh vực", "Tổ chức chủ trì", "Mục tiêu nhiệm vụ", "Nội dung",
         "Kết quả dự kiến", "Thời gian", "Tổng kinh phí", "Kinh phí NSNN", "Nguồn khác"],
    ]
    loc = locate_table(grid, form_a())
    assert loc is not None
    assert loc.missing == ("notes",)
    assert loc.columns["lead_org"] == 3 and loc.columns["state_budget"] == 9


def test_no_table_without_task_name() -> None:
    grid = [["Stt", "Mục tiêu", "NSNN", "Đối ứng", "Tổng số"]]
    assert locate_table(grid, form_a()) is None


def test_form_c_scores_higher_than_form_a_on_its_own_table() -> None:
    grid = [["tt", "Tên nhiệm vụ", "Tổ chức chủ trì/ Chủ nhiệm nhiệm vụ", "Tóm tắt mục tiêu",
             "Dự kiến kết quả, sản phẩm chính", "Thời gian thực hiện", "Ghi chú"]]
    c_loc = locate_table(grid, form_c())
    a_loc = locate_table(grid, form_a())
    assert c_loc is not None and a_loc is not None
    assert c_loc.score > a_loc.score


def test_number_row() -> None:
    assert is_number_row(["(1)", "(2)", "", "(3)", 4])
    assert not is_number_row([1, "Nhiệm vụ", 24])
    assert not is_number_row(["(1)", "(2)"])
    assert not is_number_row([1, 24, 10, 5, 5])


def test_indicator_table() -> None:
    grid = [
        ["UBND TỈNH QUẢNG NINH"],
        [],
        ["STT", "Chỉ tiêu", "ĐVT", "Năm 2024", "Luỹ kế từ đầu Chương trình đến hết năm 2024"],
    ]
    loc = locate_indicators(grid, form_b())
    assert loc is not None
    assert (loc.header_row, loc.name_col, loc.year_col, loc.cumulative_col) == (2, 1, 3, 4)
    assert loc.year == 2024 and loc.unit_col == 2


def test_once_the_templates_own_form_is_found_no_other_form_is_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Form A template (its identity says so) with an instructions sheet first and a
    copy of its table last: every form is looked for until Form A is found, then Form A
    only (no other form could win); the choice and the copy's warning are unchanged."""
    import openpyxl

    import nscl.validation as validation
    from sync.demo_data import generate_tasks, write_submission

    path = write_submission(tmp_path / "bct.xlsx", agency_code="bo-cong-thuong", year=2027,
                            tasks=generate_tasks(3))
    wb = openpyxl.load_workbook(path)
    sheet_a = wb.worksheets[0].title
    wb.copy_worksheet(wb.worksheets[0]).title = "Bản sao"
    wb.move_sheet("Hướng dẫn", offset=-1)  # the template's instructions, moved first
    wb.save(path)

    looked_for: list[tuple[str, bool]] = []
    locate = validation._locate

    def spy(grid: Any, letter: str) -> Any:
        where = locate(grid, letter)
        looked_for.append((letter, where is not None))
        return where

    monkeypatch.setattr(validation, "_locate", spy)
    for identity in (True, False):
        looked_for.clear()
        if not identity:
            monkeypatch.setattr(validation._Run, "_identity", lambda self, book: None)
        report = validation.validate_path(path, year=2027)
        assert (report.form, report.sheet) == ("A", sheet_a)
        several = [p for p in report.problems if p.code == "table-several-sheets"]
        assert len(several) == 1 and several[0].params["count"] == 2
        if identity:
            assert looked_for == [("A", False), ("C", False), ("B", False),
                                  ("A", True), ("A", True)]
        else:  # no template's form to prefer: every form on every sheet
            assert [letter for letter, _ in looked_for] == ["A", "C", "B"] * 3
