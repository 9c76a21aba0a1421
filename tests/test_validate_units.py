"""A table whose amounts are not in million VND, or whose durations are not in months,
as its header says ("(đồng)", "(năm)").

Before, such a table was read as if in the form's units: a province writing its budget
in đồng counted a million times too much in the master, and "2" under "Thời gian thực
hiện (năm)" was 2 months. The declared unit is now read from the headers (or a "Đơn vị
tính: …" line for amounts), values are converted (amounts exactly, by powers of ten), and
a warning says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.numbers import declared_money_unit, from_million, to_million
from nscl.validation import validate_path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
CLEAN = FIXTURES / "a_clean_ministry.xlsx"  # tasks in rows 9, 10 and 12; header H6
SHEET = "DM de xuat 2026"
GROUP_HEADER = "H6"
CLEAN_TOTALS = (7300.5, 6200.5, 1100.0)  # total, NSNN, đối ứng in million VND


@pytest.mark.parametrize(
    ("text", "labelled_only", "unit"),
    [
        ("Dự kiến kinh phí (triệu đồng)", False, "triệu đồng"),
        ("Dự kiến kinh phí (Tr.đ)", False, "triệu đồng"),
        ("Dự kiến kinh phí (đồng)", False, "đồng"),
        ("NSNN (nghìn đồng)", False, "nghìn đồng"),
        ("Tổng số (tỷ đồng)", False, "tỷ đồng"),
        ("(Đơn vị: VNĐ)", False, "đồng"),
        ("Kinh phí (đ)", False, "đồng"),
        ("Đơn vị tính: đồng", True, "đồng"),
        ("ĐVT: 1.000 đồng", True, "nghìn đồng"),
        ("ĐVT: Triệu đồng", True, "triệu đồng"),
        ("Dự kiến kinh phí (đồng)", True, None),  # above a table, only a labelled line
        ("Đơn vị đề xuất: Bộ Công Thương", True, None),
        ("Tổng số", False, None),
        ("BẢNG TỔNG HỢP DANH MỤC ĐỀ XUẤT", False, None),
    ],
)
def test_declared_money_unit(text: str, labelled_only: bool, unit: str | None) -> None:
    assert declared_money_unit(text, labelled_only=labelled_only) == unit


def test_conversions_are_exact_powers_of_ten() -> None:
    assert to_million(2_550_000_000, "đồng") == 2550.0
    assert to_million(1_250_500, "nghìn đồng") == 1250.5
    assert to_million(2.5, "tỷ đồng") == 2500.0
    assert from_million(3350.0, "đồng") == 3_350_000_000
    assert from_million(1250.5, "nghìn đồng") == 1_250_500
    assert to_million(7.5, "triệu đồng") == 7.5 == from_million(7.5, "triệu đồng")


def _in_unit(target: Path, unit: str, *, header: bool = True, blank_totals: bool = False,
             extra: dict[str, Any] | None = None) -> Path:
    """The clean file with its amounts in ``unit``, declared in the group header (or in a
    "Đơn vị tính" line above the table)."""
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    assert "(triệu đồng)" in str(ws[GROUP_HEADER].value)
    if header:
        ws[GROUP_HEADER] = str(ws[GROUP_HEADER].value).replace("(triệu đồng)", f"({unit})")
    else:  # the group header without a unit, and a line above the table
        ws[GROUP_HEADER] = str(ws[GROUP_HEADER].value).replace(" (triệu đồng)", "")
        ws["K3"] = f"Đơn vị tính: {unit}"
    for row in ws.iter_rows(min_row=9, min_col=8, max_col=10):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = from_million(float(cell.value), unit)
                if blank_totals and cell.column == 8:
                    cell.value = None
    for ref, value in (extra or {}).items():
        ws[ref] = value
    wb.save(target)
    return target


@pytest.mark.parametrize("unit", ["đồng", "nghìn đồng", "tỷ đồng"])
def test_amounts_in_another_unit_are_converted_with_a_warning(
    tmp_path: Path, unit: str
) -> None:
    report = validate_path(_in_unit(tmp_path / "a.xlsx", unit), year=2026)
    assert [(p.code, p.cell, p.severity) for p in report.problems] == [
        ("money-unit-converted", GROUP_HEADER, "warning")]
    assert report.money_unit == unit
    summary = report.summary
    assert (summary.total, summary.state_budget, summary.counterpart) == pytest.approx(
        CLEAN_TOTALS)
    first = report.rows[0]
    assert first.values["state_budget"] == pytest.approx(
        to_million(float(first.raw["state_budget"]), unit))


def test_a_unit_line_above_the_table_counts_too(tmp_path: Path) -> None:
    report = validate_path(_in_unit(tmp_path / "a.xlsx", "nghìn đồng", header=False),
                           year=2026)
    assert [(p.code, p.cell) for p in report.problems] == [("money-unit-converted", "K3")]
    assert report.summary.total == pytest.approx(CLEAN_TOTALS[0])


def test_the_official_unit_changes_nothing(tmp_path: Path) -> None:
    report = validate_path(_in_unit(tmp_path / "a.xlsx", "triệu đồng"), year=2026)
    assert report.problems == [] and report.money_unit == "triệu đồng"
    assert report.summary.total == pytest.approx(CLEAN_TOTALS[0])


def test_a_cell_with_its_own_unit_is_not_converted_twice(tmp_path: Path) -> None:
    path = _in_unit(tmp_path / "a.xlsx", "đồng", extra={"I9": "2.000 triệu đồng"})
    report = validate_path(path, year=2026)
    assert report.rows[0].values["state_budget"] == 2000.0
    assert "number-as-text" in {p.code for p in report.problems}


def test_the_marked_copy_fills_totals_in_the_sheet_s_own_unit(tmp_path: Path) -> None:
    from nscl.marking import annotate_copy

    path = _in_unit(tmp_path / "a.xlsx", "đồng", blank_totals=True)
    report = validate_path(path, year=2026)
    out = annotate_copy(report, path, tmp_path / "out")
    ws = openpyxl.load_workbook(out)[SHEET]
    for row in report.rows:
        typed = ws[row.cells["state_budget"]].value + ws[row.cells["counterpart"]].value
        assert ws[row.cells["total"]].value == typed  # in đồng, as the sheet
        assert math.isclose(row.values["total"], to_million(typed, "đồng"))


def test_amounts_typed_in_dong_under_a_million_header_are_flagged(tmp_path: Path) -> None:
    """The header says triệu đồng, but 1,5 tỷ đồng was typed as 1500000000: counted as
    typed (the unit is not guessed), and flagged once per column at its first cell.
    90 tỷ đồng (90.000) is large but plausible: nothing."""
    path = _in_unit(tmp_path / "a.xlsx", "triệu đồng", blank_totals=True, extra={
        "I9": 1_500_000_000, "I10": 90_000, "J10": 2_000_000_000, "J12": 3_000_000_000})
    report = validate_path(path, year=2026)
    found = [p for p in report.problems if p.code == "amount-implausible"]
    assert [(p.cell, p.severity, p.params["count"]) for p in found] == [
        ("I9", "warning", 1), ("J10", "warning", 2)]
    assert (found[0].params["value"], found[0].params["as_dong"]) == ("1.500.000.000", "1.500")
    assert report.summary.state_budget == pytest.approx(1_500_000_000 + 90_000 + 2500)


def test_the_master_counts_million_vnd(tmp_path: Path) -> None:
    from sync.config import SyncConfig
    from sync.run import run_sync
    from tests.sync_support import master_task_rows

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _in_unit(inbox / "bct.xlsx", "đồng")
    outcome = run_sync(SyncConfig(inbox=inbox, master=tmp_path / "m.xlsx",
                                  state=tmp_path / "s", year=2026, expected=("bo-cong-thuong",)))
    (agency,) = outcome.result["agencies"]
    assert agency["total"] == pytest.approx(CLEAN_TOTALS[0])
    assert agency["warnings"] == 1 and agency["status"] == "ok"
    rows = master_task_rows(tmp_path / "m.xlsx")
    assert sum(r["state_budget"] for r in rows) == pytest.approx(CLEAN_TOTALS[1])


def test_durations_in_years_are_converted_to_months(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    ws["G6"] = "Thời gian thực hiện (năm)"
    ws["G9"], ws["G10"], ws["G12"] = 2, "1,5", "18 tháng"  # a cell's own unit still counts
    wb.save(tmp_path / "a.xlsx")
    report = validate_path(tmp_path / "a.xlsx", year=2026)
    assert [(p.code, p.cell) for p in report.problems] == [("duration-unit-converted", "G6")]
    assert [row.values["duration_months"] for row in report.rows] == [24, 18, 18]
    assert report.rows[0].raw["duration_months"] == 2  # what the cell holds is kept


def test_years_over_the_limit_are_reported_in_months(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    ws["G6"] = "Thời gian thực hiện (năm)"
    ws["G9"] = 7  # 84 months: over the 72 allowed
    wb.save(tmp_path / "a.xlsx")
    codes = {(p.code, p.cell) for p in validate_path(tmp_path / "a.xlsx", year=2026).problems}
    assert ("duration-out-of-range", "G9") in codes


def test_a_unit_line_that_contradicts_the_header_is_flagged(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    ws["K3"] = "Đơn vị tính: đồng"  # the header still says (triệu đồng)
    wb.save(tmp_path / "a.xlsx")
    report = validate_path(tmp_path / "a.xlsx", year=2026)
    assert [(p.code, p.cell, p.params["header_cell"]) for p in report.problems] == [
        ("money-unit-conflict", "K3", GROUP_HEADER)]
    assert report.summary.total == pytest.approx(CLEAN_TOTALS[0])  # read as the header says
    ws["K3"] = "Đơn vị tính: triệu đồng"  # the same unit: nothing to say
    wb.save(tmp_path / "b.xlsx")
    assert validate_path(tmp_path / "b.xlsx", year=2026).problems == []
