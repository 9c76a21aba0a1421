"""Formula cells saved without their result.

A spreadsheet application always saves what a formula computes; a file written by
another program (a report exported by some software, a script) may hold the formulas
alone. A reader then gives those cells as empty, although Excel shows a value once it
recalculates: before, "=1000+500" under NSNN was reported as "thiếu NSNN" (and a row of
such formulas was no row at all). Now ``formula-not-calculated`` names the cells, once,
and their emptiness is not reported again.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from nscl.extent import xlsx_uncalculated_cells
from nscl.libreoffice import convert
from nscl.validation import validate_path
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values

L = column_letters()
F = FIRST_DATA_ROW


def _with_formulas(path: Path, cells: dict[str, str], *, tasks: int = 3) -> Path:
    """A Form A file (openpyxl: formulas are saved without results) with ``cells``."""
    rows = [row_values(seq=n, task_name=f"Nhiệm vụ thứ {n}") for n in range(1, tasks + 1)]
    make_form_a(path, rows)
    wb = load_workbook(path)
    ws = wb.active
    assert ws is not None
    for ref, formula in cells.items():
        ws[ref] = formula
    wb.save(path)
    return path


def test_formulas_without_results_are_named_once_not_reported_missing(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "Bo_Cong_Thuong.xlsx", {
        f"{L['state_budget']}{F}": "=1000+500",
        f"{L['counterpart']}{F + 1}": "=Z1*2",
        f"{L['total']}{F + 2}": f"={L['state_budget']}{F + 2}+{L['counterpart']}{F + 2}",
    })
    report = validate_path(path)
    assert [(p.code, p.cell, p.severity) for p in report.problems] == [
        ("formula-not-calculated", f"{L['state_budget']}{F}", "error")]
    problem = report.problems[0]
    assert (problem.params["count"], problem.params["cells"]) == (
        2, f"{L['state_budget']}{F}, {L['counterpart']}{F + 1}")  # Tổng số: nscl computes it
    assert not report.valid


def test_recalculated_by_a_spreadsheet_application_the_file_is_clean(
    tmp_path: Path, soffice: str,
) -> None:
    """The advice works: LibreOffice computes the formulas and saves their results."""
    path = _with_formulas(tmp_path / "Bo_Cong_Thuong.xlsx",
                          {f"{L['state_budget']}{F}": "=1000+500"})
    saved = convert(path, "xlsx", tmp_path / "saved")
    report = validate_path(saved)
    assert report.problems == []
    assert report.rows[0].values["state_budget"] == 1500
    assert xlsx_uncalculated_cells(b"") == []


def test_a_row_of_formulas_only_is_not_lost_in_silence(tmp_path: Path) -> None:
    """A task row computed entirely from another sheet, saved without results, reads as
    a blank row: its cells are named, so the row cannot vanish unseen."""
    path = _with_formulas(tmp_path / "Bo_Cong_Thuong.xlsx", {
        f"{letter}{F + 3}": f"=Nguon!{letter}2" for letter in "ABCDEFGIJ"
    })
    report = validate_path(path)
    assert report.summary.tasks == 3  # the fourth row reads as nothing …
    (problem,) = [p for p in report.problems if p.code == "formula-not-calculated"]
    assert problem.cell == f"A{F + 3}" and problem.params["count"] == 9  # … and says so


def test_a_totals_row_formula_without_result_is_nothing_to_report(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path / "Bo_Cong_Thuong.xlsx", {
        f"B{F + 3}": "Tổng cộng",
        f"{L['state_budget']}{F + 3}": f"=SUM({L['state_budget']}{F}:{L['state_budget']}{F + 2})",
    })
    assert validate_path(path).problems == []


def test_the_scan_reads_every_way_of_saving_a_formula_without_result() -> None:
    data = (
        b'<row r="2"><c r="A2"><f>1+1</f></c>'  # formula only
        b'<c r="B2" t="str"><f>A2&amp;"x"</f><v></v></c>'  # an empty value
        b'<c r="C2"><f t="shared" ref="C2:C3" si="0">A2*2</f><v>4</v></c></row>'  # computed
        b'<row r="3"><c r="C3"><f t="shared" si="0"/></c>'  # a shared formula's follower
        b'<c r="D3" s="1"/><c r="E3"><v>7</v></c></row>'
    )
    assert xlsx_uncalculated_cells(data) == [(1, 0), (1, 1), (2, 2)]
    # Columns the caller computes itself (Tổng số) are left out of the search.
    assert xlsx_uncalculated_cells(data, skip_columns={1, 2}) == [(1, 0)]
    assert xlsx_uncalculated_cells(data, skip_columns={27}) == [(1, 0), (1, 1), (2, 2)]


def test_an_indicator_formula_without_result_in_a_report(tmp_path: Path) -> None:
    """Form B: an empty indicator value is no error of itself, so a formula saved without
    its result would have gone unseen (and counted as nothing in the budget)."""
    from nscl.a1 import a1
    from nscl.forms import form_b
    from nscl.locate import locate_indicators
    from nscl.reading import open_workbook

    source = Path(__file__).parent / "fixtures" / "validate" / "b_report_2024.xlsx"
    assert "formula-not-calculated" not in {p.code for p in validate_path(source).problems}
    report = validate_path(source)
    assert report.sheet is not None
    book = open_workbook(source)
    try:
        loc = locate_indicators(book.read(report.sheet), form_b())
    finally:
        book.close()
    assert loc is not None
    entry = report.indicators["budget_central"]
    cell = a1(int(entry["row"]) - 1, loc.year_col)
    wb = load_workbook(source)
    wb[report.sheet][cell] = "=1000+500"
    wb.save(tmp_path / "b.xlsx")
    found = [(p.code, p.cell) for p in validate_path(tmp_path / "b.xlsx").problems
             if p.code == "formula-not-calculated"]
    assert found == [("formula-not-calculated", cell)]


def test_a_flood_of_formula_ends_without_cells_finds_nothing() -> None:
    """A hostile part repeating "</f></c>" with no cell around it: nothing is named, and
    the search back for each cell's start is bounded (it was a scan to the part's start
    for every hit, quadratic in the part's size)."""
    flood = b'<row r="1">' + b"</f></c>" * 300_000 + b"</row>"
    assert xlsx_uncalculated_cells(flood) == []
    far = b'<c r="C3"><f>' + b"A1+" * 5000 + b"1</f></c>"  # 15 KB formula: past the window
    assert xlsx_uncalculated_cells(far) == []
    near = b'<c r="C3"><f>' + b"A1+" * 100 + b"1</f></c>"
    assert xlsx_uncalculated_cells(near) == [(2, 2)]


def test_formulas_without_results_are_looked_for_only_in_a_table_with_gaps() -> None:
    """The table is checked once: the search runs only when something is read as empty
    where data was expected, and what it finds replaces the missing-data problems."""
    from nscl.forms import form_a
    from nscl.locate import locate_table
    from nscl.table_checks import TableOptions, check_table

    form = form_a()
    header = [col.header for col in form.columns]

    def task(n: int, state: object) -> list[object]:
        return [n, f"Nhiệm vụ {n}", "Viện Năng suất", "Mục tiêu", "Nội dung", "Kết quả", 24,
                "", state, 50.0, ""]

    searches: list[int] = []

    def finder() -> list[tuple[int, int]]:
        searches.append(1)
        return [(3, form.column_number("state_budget") - 1)]  # the second task's NSNN

    for rows, expected, looked in (
        ([task(1, 100.0), task(2, 200.0)], [], 0),
        ([task(1, 100.0), task(2, "")], [("formula-not-calculated", "I4")], 1),
    ):
        searches.clear()
        grid: list[list[object]] = [["BỘ CÔNG THƯƠNG"], header, *rows]
        loc = locate_table(grid, form)
        assert loc is not None
        result = check_table(grid, loc, sheet="S",
                             options=TableOptions(year=2026, find_uncalculated=finder))
        assert [(p.code, p.cell) for p in result.problems] == expected
        assert len(searches) == looked
