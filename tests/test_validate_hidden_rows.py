"""Tasks on rows hidden or filtered out of view.

No reader reports hidden rows, so a task the clerk had hidden (instead of deleting it),
or left filtered out when saving, was counted in the agency's totals and in the master
while nobody looking at the sheet could see it. Now it is still counted (it is in the
file), and ``rows-hidden`` says so. The rows are found in the same pass as the sheet's
reach: ``<row hidden="1">`` in .xlsx, the ROW record's flag in .xls, and
``table:visibility`` in .ods; the .xls and .ods files here are written by LibreOffice.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from nscl.extent import xlsx_hidden_rows
from nscl.libreoffice import convert
from nscl.validation import validate_path
from tests.support import FIRST_DATA_ROW, with_hidden_tasks


def _hidden_problems(path: Path) -> list[tuple[str | None, int, str]]:
    report = validate_path(path)
    assert report.summary.tasks == 4  # hidden or not, every task is counted
    return [(p.cell, p.params["count"], p.params["rows"]) for p in report.problems
            if p.code == "rows-hidden"]


def test_hidden_task_rows_are_counted_and_reported(tmp_path: Path) -> None:
    path = with_hidden_tasks(tmp_path / "Bo_Cong_Thuong.xlsx", 1, 3)
    second, fourth = FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 3
    assert _hidden_problems(path) == [(f"A{second}", 2, f"{second}, {fourth}")]
    report = validate_path(path)
    assert report.valid  # a warning: nothing is wrong with the tasks themselves


def test_a_sheet_without_hidden_rows_says_nothing(tmp_path: Path) -> None:
    assert _hidden_problems(with_hidden_tasks(tmp_path / "Bo_Cong_Thuong.xlsx")) == []


def test_hidden_rows_outside_the_tasks_say_nothing(tmp_path: Path) -> None:
    """A hidden row above the table (a helper row) is no task of anyone's."""
    path = with_hidden_tasks(tmp_path / "Bo_Cong_Thuong.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws.row_dimensions[3].hidden = True
    wb.save(path)
    assert _hidden_problems(path) == []


def test_hidden_rows_in_xls_and_ods_written_by_libreoffice(
    tmp_path: Path, soffice: str,
) -> None:
    source = with_hidden_tasks(tmp_path / "Bo_Cong_Thuong.xlsx", 2)
    third = FIRST_DATA_ROW + 2
    for target in ("xls:MS Excel 97", "ods"):
        converted = convert(source, target, tmp_path / target.split(":")[0])
        assert _hidden_problems(converted) == [(f"A{third}", 1, f"{third}")], target


def test_the_xml_scan_finds_hidden_rows_in_any_spelling() -> None:
    assert xlsx_hidden_rows(b'<row r="3"><c r="A3"/></row>') == []
    assert xlsx_hidden_rows(
        b'<row r="3" spans="1:11" hidden="1" ht="0"><c r="A3"/></row>'
        b'<x:row hidden="true" r="12"/><row r="13" hidden="0"/>'
        b'<row r="14" customHeight="1" ht="12.75" hidden="1">'
    ) == [(2, 1), (11, 1), (13, 1)]


def test_consecutive_hidden_rows_are_one_range_and_a_flood_is_bounded() -> None:
    rows = b"".join(b'<row r="%d" hidden="1"/>' % r for r in range(5, 200_006))
    assert xlsx_hidden_rows(rows) == [(4, 200_001)]
    apart = b"".join(b'<row r="%d" hidden="1"/>' % r for r in range(1, 400_000, 2))
    found = xlsx_hidden_rows(apart)
    assert len(found) == 100_000 and found[:2] == [(0, 1), (2, 1)]


def test_a_hidden_indicator_row_in_a_report(tmp_path: Path) -> None:
    """Form B: an indicator whose row is hidden is still read, and said to be hidden."""
    source = Path(__file__).parent / "fixtures" / "validate" / "b_report_2024.xlsx"
    report = validate_path(source)
    assert report.sheet is not None
    assert "indicator-rows-hidden" not in {p.code for p in report.problems}
    row = int(report.indicators["budget_central"]["row"])
    wb = load_workbook(source)
    wb[report.sheet].row_dimensions[row].hidden = True
    wb.save(tmp_path / "b.xlsx")
    again = validate_path(tmp_path / "b.xlsx")
    found = [(p.code, p.params["count"], p.params["rows"]) for p in again.problems
             if p.code == "indicator-rows-hidden"]
    assert found == [("indicator-rows-hidden", 1, str(row))]
    assert again.summary.state_budget == report.summary.state_budget  # still counted
