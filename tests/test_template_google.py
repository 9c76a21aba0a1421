"""One layout plan, two renderers: the Google Sheets requests say what the Excel template
says (texts, formulas, merges, validation, highlighting), and read right only in en_US."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.a1 import a1
from nscl.google.standin.formulas import FormulaError, parse_formula
from nscl.registry import get_agency
from nscl.template_build import build_workbook, file_name, plan_workbook
from nscl.template_build.google_sheets import (
    cell_format,
    column_pixels,
    row_pixels,
    sheet_ids,
    sheets_requests,
    validation_rule,
)
from nscl.template_build.plan import ValidationRule
from nscl.template_build.styles import Styles


def _cells(requests: list[dict[str, Any]], sheet_id: int) -> dict[tuple[int, int], Any]:
    (update,) = [r["updateCells"] for r in requests
                 if "updateCells" in r and r["updateCells"]["start"]["sheetId"] == sheet_id]
    return {(r, c): data for r, row in enumerate(update["rows"])
            for c, data in enumerate(row["values"])}


def _formulas(requests: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("formulaValue", "userEnteredValue") and isinstance(item, str) \
                        and item.startswith("="):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(requests)
    return found


@pytest.mark.parametrize("letter", ["A", "B", "C"])
def test_the_google_template_holds_the_excel_templates_texts_and_formulas(
        letter: str, tmp_path: Path) -> None:
    agency = get_agency("tinh-nghe-an") if letter != "C" else None
    plan = plan_workbook(letter, agency=agency)
    requests = sheets_requests(plan)
    ids = sheet_ids(plan)
    excel = openpyxl.load_workbook(build_workbook(letter, agency=agency,
                                                  out_path=tmp_path / file_name(letter)))
    for sheet in plan.sheets:
        cells = _cells(requests, ids[sheet.name])
        worksheet = excel[sheet.name]
        checked = 0
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value in (None, ""):
                    continue
                value = cells[(cell.row - 1, cell.column - 1)]["userEnteredValue"]
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert value == {"formulaValue": cell.value}
                else:
                    assert value == {"stringValue": cell.value}
                checked += 1
        written = sum(1 for data in cells.values() if "userEnteredValue" in data)
        assert checked == written > 0
        merges = [r["mergeCells"]["range"] for r in requests if "mergeCells" in r
                  and r["mergeCells"]["range"]["sheetId"] == ids[sheet.name]]
        assert {(m["startRowIndex"] + 1, m["startColumnIndex"] + 1, m["endRowIndex"],
                 m["endColumnIndex"]) for m in merges} == {
            (m.min_row, m.min_col, m.max_row, m.max_col)
            for m in worksheet.merged_cells.ranges}


@pytest.mark.parametrize("letter", ["A", "B", "C"])
def test_every_formula_reads_in_en_us_and_not_in_vi_vn(letter: str) -> None:
    formulas = _formulas(sheets_requests(plan_workbook(letter)))
    assert formulas
    for formula in formulas:
        parse_formula(formula, "en_US")  # raises FormulaError when it does not read
    # In vi_VN "," is the decimal comma: a formula with more than one argument does not
    # read there — why the locale becomes vi_VN only with the last request.
    with_arguments = [f for f in formulas if "," in f]
    assert with_arguments
    for formula in with_arguments:
        with pytest.raises(FormulaError):
            parse_formula(formula, "vi_VN")


def test_the_sheets_get_ids_and_the_identity_sheet_is_hidden() -> None:
    plan = plan_workbook("B")
    requests = sheets_requests(plan)
    assert sheet_ids(plan) == {"Báo cáo": 0, "Chỉ tiêu": 1001, "Hướng dẫn": 1002,
                               "_nscl": 1003}
    first = requests[1]["updateSheetProperties"]["properties"]
    assert (first["sheetId"], first["title"], first["hidden"]) == (0, "Báo cáo", False)
    added = [r["addSheet"]["properties"] for r in requests if "addSheet" in r]
    assert [(p["title"], p.get("hidden", False)) for p in added] == [
        ("Chỉ tiêu", False), ("Hướng dẫn", False), ("_nscl", True)]
    frozen = {p["title"]: p["gridProperties"].get("frozenRowCount") for p in [first, *added]}
    assert frozen["Chỉ tiêu"] == plan.sheet("Chỉ tiêu").freeze_rows > 0


def test_styles_become_sheets_formats() -> None:
    header = cell_format(Styles().header())
    assert header["textFormat"] == {"fontFamily": "Times New Roman", "fontSize": 12,
                                    "bold": True, "italic": False}
    assert header["horizontalAlignment"] == "CENTER"
    assert header["verticalAlignment"] == "MIDDLE" and header["wrapStrategy"] == "WRAP"
    assert set(header["borders"]) == {"top", "bottom", "left", "right"}
    assert header["backgroundColorStyle"]["rgbColor"] == {"red": 0.949, "green": 0.949,
                                                          "blue": 0.949}
    money = cell_format(Styles().input_cell("#,##0.0##", align="right"))
    assert money["numberFormat"] == {"type": "NUMBER", "pattern": "#,##0.0##"}
    assert cell_format(Styles().narrative_cell())["numberFormat"]["type"] == "TEXT"
    assert cell_format(Styles().rule())["borders"] == {"top": {"style": "SOLID"}}
    assert (column_pixels(10.5), row_pixels(15.75)) == (78, 21)


def test_validation_rules_in_sheets_terms() -> None:
    duration = ValidationRule("integer", "Thời gian thực hiện", "Số tháng, từ 1 đến 72.",
                              criteria="between", minimum=1, maximum=72,
                              error_title="x", error_message="y")
    rule = validation_rule(duration, a1(9, 6))
    assert rule["condition"]["values"][0]["userEnteredValue"] == (
        "=AND(ISNUMBER(G10),G10=INT(G10),G10>=1,G10<=72)")
    assert rule["strict"] is True
    assert rule["inputMessage"] == "Thời gian thực hiện: Số tháng, từ 1 đến 72."
    help_only = validation_rule(ValidationRule("any", "Mục tiêu", "Mục tiêu của nhiệm vụ."),
                                "D10")
    assert help_only["strict"] is False
    rate = validation_rule(ValidationRule("decimal", "Tỷ lệ", "…", criteria="between",
                                          minimum=0, maximum=100), "D10")
    assert rate["condition"] == {"type": "NUMBER_BETWEEN", "values": [
        {"userEnteredValue": "0"}, {"userEnteredValue": "100"}]}
