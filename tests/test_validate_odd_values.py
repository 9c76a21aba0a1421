"""Values the readers cannot convert, and numbers too large to be a budget.

A number formatted as a date or a duration but far outside every date (Excel shows
"######") made python-calamine fail on the whole sheet (``OverflowError``, or a Rust
panic), so the file was rejected as corrupt; a number like 1E+308 made the budget sums
overflow, so validation stopped with an internal error. Now such a row is reported on its
own and the rest is read, such a number is reported and left out of the sums, and the
marked copy keeps what the agency typed.
"""

from __future__ import annotations

import math
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.forms import form_a
from nscl.locate import locate_table
from nscl.numbers import MAX_AMOUNT, format_number
from nscl.reading import ReadFailure, open_workbook
from nscl.table_checks import TableOptions, check_table
from nscl.validation import validate_path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
CLEAN = FIXTURES / "a_clean_ministry.xlsx"  # three tasks: rows 9, 10 and 12
SHEET = "DM de xuat 2026"

# Out-of-range values: (value, number format) as an agency's file may hold them.
DURATION_OVERFLOW = (1e20, "[h]:mm")  # python-calamine: OverflowError
DATE_PANIC = (-1e308, "dd/mm/yyyy")  # python-calamine: Rust panic


def _with_cells(target: Path, cells: dict[str, tuple[Any, str | None]],
                extra_sheet: list[tuple[Any, str]] | None = None) -> Path:
    """A copy of the clean Form A file with ``cells`` (A1 -> (value, number format))."""
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    for ref, (value, number_format) in cells.items():
        ws[ref] = value
        if number_format:
            ws[ref].number_format = number_format
    if extra_sheet is not None:
        notes = wb.create_sheet("Ghi chú")
        for r, (value, number_format) in enumerate(extra_sheet, start=1):
            notes.cell(r, 1, f"dòng {r}")
            notes.cell(r, 2, value).number_format = number_format
    wb.save(target)
    return target


def _codes(path: Path, **kwargs: Any) -> dict[str, list[Any]]:
    report = validate_path(path, year=2026, **kwargs)
    out: dict[str, list[Any]] = {}
    for p in report.problems:
        out.setdefault(p.code, []).append(p)
    return out


# ---- rows the reader cannot convert ---------------------------------------------------


def test_an_out_of_range_date_loses_its_row_only(tmp_path: Path) -> None:
    path = _with_cells(tmp_path / "a.xlsx", {"J10": DURATION_OVERFLOW, "H12": DATE_PANIC})
    report = validate_path(path, year=2026)
    codes = {p.code for p in report.problems}
    assert "file-corrupt" not in codes and report.readable
    unreadable = [p for p in report.problems if p.code == "row-unreadable"]
    assert [(p.sheet, p.cell, p.row, p.severity) for p in unreadable] == [
        (SHEET, "A10:K10", 10, "error"), (SHEET, "A12:K12", 12, "error"),
    ]
    # The other task is read and checked as usual; the two lost rows are reported.
    assert [row.sheet_row for row in report.rows] == [9]
    assert report.agency is not None and report.agency.code == "bo-cong-thuong"
    assert not report.valid


def test_a_lost_row_does_not_also_make_the_totals_row_wrong(tmp_path: Path) -> None:
    """One mistake, one complaint: with row 12 unreadable, the table's "Tổng cộng" (row
    13) cannot be checked; it was reported as not matching the tasks that were read."""
    clean = validate_path(_with_cells(tmp_path / "c.xlsx", {"I13": (9999, None)}), year=2026)
    assert [p.cell for p in clean.problems if p.code == "totals-mismatch"] == ["I13"]

    lost = validate_path(_with_cells(tmp_path / "a.xlsx", {"H12": DATE_PANIC}), year=2026)
    assert sorted(p.code for p in lost.problems) == ["row-unreadable"]


def test_the_grid_keeps_its_positions_around_an_unreadable_row(tmp_path: Path) -> None:
    path = _with_cells(tmp_path / "a.xlsx", {"J10": DURATION_OVERFLOW})
    whole = open_workbook(CLEAN)
    apart = open_workbook(path)
    try:
        expected, grid = whole.read(SHEET), apart.read(SHEET)
        assert apart.unreadable_rows == {SHEET: [9]}
        assert grid[9] == []
        assert grid[:9] == expected[:9] and grid[10:] == expected[10:]
    finally:
        whole.close()
        apart.close()


def test_an_unreadable_xls_row_is_reported_too(tmp_path: Path, soffice: str) -> None:
    from nscl.libreoffice import convert

    source = _with_cells(tmp_path / "a.xlsx", {"J10": DURATION_OVERFLOW})
    xls = convert(source, "xls:MS Excel 97", tmp_path / "xls")
    report = validate_path(xls, year=2026)
    assert [p.cell for p in report.problems if p.code == "row-unreadable"] == ["A10:K10"]
    assert [row.sheet_row for row in report.rows] == [9, 12]


def test_a_sheet_whose_every_row_fails_still_names_each_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for ref in ("A1", "B3"):
        wb.active[ref] = DURATION_OVERFLOW[0]
        wb.active[ref].number_format = DURATION_OVERFLOW[1]
    wb.save(tmp_path / "x.xlsx")
    book = open_workbook(tmp_path / "x.xlsx")
    try:
        name = book.sheets[0].name
        assert book.read(name) == [[], ["", ""], []]
        assert book.unreadable_rows == {name: [0, 2]}
    finally:
        book.close()


def test_a_sheet_that_cannot_be_gone_through_is_a_corrupt_file() -> None:
    from nscl.reading import Workbook

    class Broken:
        def get_sheet_by_name(self, name: str) -> Any:
            raise OverflowError("days=2147483647; must have magnitude <= 999999999")

    book = Workbook(path=CLEAN, kind="xlsx", sheets=[], _book=Broken())
    with pytest.raises(ReadFailure) as info:
        book.read("Trang 1")
    assert info.value.code == "file-corrupt"



def test_a_reader_that_never_moves_on_is_a_corrupt_file_not_a_hang() -> None:
    from nscl.reading import Workbook

    class Stuck:
        """Fails on the whole sheet, then on every row for ever."""

        start, end = (0, 0), (3, 2)

        def to_python(self, **kwargs: Any) -> Any:
            raise OverflowError("whole sheet")

        def iter_rows(self) -> Any:
            return self

        def __iter__(self) -> Any:
            return self

        def __next__(self) -> Any:
            raise OverflowError("this row")

    class Book:
        def get_sheet_by_name(self, name: str) -> Stuck:
            return Stuck()

    book = Workbook(path=CLEAN, kind="xlsx", sheets=[], _book=Book())
    with pytest.raises(ReadFailure) as info:
        book.read("Trang 1")
    assert info.value.code == "file-corrupt"


def test_many_unreadable_rows_are_reported_once_each_up_to_a_limit(tmp_path: Path) -> None:
    path = _with_cells(tmp_path / "a.xlsx", {}, extra_sheet=[DURATION_OVERFLOW] * 130)
    problems = _codes(path)["row-unreadable"]
    assert len(problems) == 101
    assert {p.sheet for p in problems} == {"Ghi chú"}
    assert [p.row for p in problems[:100]] == list(range(1, 101))
    assert problems[-1].cell is None and problems[-1].row is None  # the other 30 rows
    assert "file-corrupt" not in _codes(path)



@pytest.mark.parametrize(
    ("cell", "value", "number_format", "shown"),
    [("I9", 2550, "dd/mm/yyyy", "24/12/1906"), ("J9", 800.5, "dd/mm/yyyy hh:mm",
                                                  "10/03/1902 12:00"),
     ("G9", 24, "[h]:mm", "576:00"), ("G10", 0.5, "hh:mm:ss", "12:00:00")],
)
def test_a_number_under_a_date_format_says_so(
    tmp_path: Path, cell: str, value: float, number_format: str, shown: str
) -> None:
    """A money or duration cell formatted as a date shows a date in Excel: the problem
    says that the cell is date-formatted and what it shows, not "not a number"."""
    path = _with_cells(tmp_path / "a.xlsx", {cell: (value, number_format)})
    problems = [p for p in validate_path(path, year=2026).problems if p.cell == cell]
    assert [(p.code, p.params["shown"]) for p in problems] == [
        ("number-formatted-as-date", shown)]


# ---- numbers too large to be a budget -------------------------------------------------

HEADER = ["Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
          "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện", "Tổng số",
          "NSNN", "Đối ứng", "Ghi chú"]


def _table(rows: list[tuple[Any, Any, Any]]) -> Any:
    grid: list[list[Any]] = [["BỘ CÔNG THƯƠNG"], HEADER]
    for i, (total, state, counterpart) in enumerate(rows, start=1):
        grid.append([i, f"Nhiệm vụ {i}", "Viện", "x", "x", "x", 24, total, state, counterpart,
                     ""])
    loc = locate_table(grid, form_a())
    assert loc is not None
    return check_table(grid, loc, sheet="S", options=TableOptions(year=2026))


def test_huge_amounts_are_reported_and_left_out_of_the_sums() -> None:
    result = _table([("", 1e308, 1e308), ("", 100.0, 50.0),
                     ("", "1.000.000.000.000.000", 2e12), ("", 5.0, 0)])
    assert {(p.code, p.cell) for p in result.problems} == {
        ("amount-too-large", "I3"), ("amount-too-large", "J3"),
        ("amount-too-large", "I5"), ("amount-too-large", "J5"),
    }
    assert result.summary.state_budget == pytest.approx(105.0)
    assert result.summary.counterpart == pytest.approx(50.0)
    assert math.isfinite(result.summary.total)
    assert result.rows[0].values["state_budget"] is None  # not summed, not a number kept


def test_the_largest_amount_allowed_is_still_summed() -> None:
    result = _table([("", MAX_AMOUNT, 0.0), ("", 1.0, 0.0)])
    assert not [p for p in result.problems if p.code == "amount-too-large"]
    assert result.summary.state_budget == MAX_AMOUNT + 1.0


def test_a_huge_typed_total_is_reported_not_a_crash() -> None:
    result = _table([(1e308, 10.0, 5.0), (-1e308, 1.0, 1.0)])
    codes = sorted((p.code, p.cell) for p in result.problems)
    assert ("amount-too-large", "H3") in codes and ("amount-too-large", "H4") in codes
    assert result.summary.total == pytest.approx(17.0)


def test_a_file_full_of_huge_numbers_is_validated_not_rejected(tmp_path: Path) -> None:
    cells = {f"{c}{r}": (1e308, None) for c in "AGHIJ" for r in (9, 10, 12)}
    codes = _codes(_with_cells(tmp_path / "a.xlsx", cells))
    assert "file-corrupt" not in codes
    assert {"amount-too-large", "duration-out-of-range"} <= set(codes)


def test_form_b_indicators_too_large_are_reported(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(FIXTURES / "b_report_2024.xlsx")
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    cell.value = 1e308
                    changed += 1
    assert changed > 2
    wb.save(tmp_path / "b.xlsx")
    report = validate_path(tmp_path / "b.xlsx")
    codes = {p.code for p in report.problems}
    assert "indicator-too-large" in codes and "file-corrupt" not in codes
    assert math.isfinite(report.summary.total)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1e308, "1E+308"), (-1.5e20, "-1,5E+20"), (1e15, "1E+15"),
     (999_999_999_999_999.0, "999.999.999.999.999"), (float("inf"), "?"),
     (float("nan"), "?"), (1250.5, "1.250,5")],
)
def test_format_number_never_fails(value: float, shown: str) -> None:
    assert format_number(value) == shown


# ---- the marked copy keeps what the agency typed --------------------------------------


def _raw_cell(path: Path, ref: str) -> tuple[str | None, str | None]:
    """(type attribute, stored value) of a cell of the first worksheet."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as zf:
        root = fromstring(zf.read("xl/worksheets/sheet1.xml"))
    for elem in root.iter():
        if elem.tag.endswith("}c") and elem.get("r") == ref:
            value = next((child.text for child in elem if child.tag.endswith("}v")), None)
            return elem.get("t"), value
    return None, None


def test_the_marked_copy_keeps_out_of_range_numbers(tmp_path: Path) -> None:
    from nscl.marking import annotate_copy

    path = _with_cells(tmp_path / "a.xlsx", {
        "J10": DURATION_OVERFLOW, "H12": DATE_PANIC, "H9": (3_000_000, "dd/mm/yyyy"),
        "K9": ("#VALUE!", None),  # an error the agency's file holds: stays an error
    })
    report = validate_path(path, year=2026)
    copy = annotate_copy(report, path, tmp_path / "out")
    assert float(_raw_cell(copy, "J10")[1] or "nan") == 1e20
    assert float(_raw_cell(copy, "H12")[1] or "nan") == -1e308
    assert float(_raw_cell(copy, "H9")[1] or "nan") == 3_000_000
    assert _raw_cell(copy, "J10")[0] in (None, "n")
    assert _raw_cell(copy, "K9") == ("e", "#VALUE!")
    with pytest.warns(UserWarning, match="outside the limits for dates"):  # numbers again
        marked = openpyxl.load_workbook(copy)[SHEET]
    assert marked["J10"].number_format == "[h]:mm"
    assert marked["A10"].comment is not None and "row-unreadable" in marked["A10"].comment.text


# ---- the nightly run ------------------------------------------------------------------


def test_the_nightly_run_consolidates_such_a_file(tmp_path: Path) -> None:
    from sync.config import SyncConfig
    from sync.run import run_sync
    from tests.sync_support import master_task_rows

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _with_cells(inbox / "bct.xlsx", {"J10": DURATION_OVERFLOW, "I9": (1e308, None)})
    shutil.copy(FIXTURES / "a_messy_province.xlsx", inbox / "tinh.xlsx")
    config = SyncConfig(inbox=inbox, master=tmp_path / "out" / "master.xlsx",
                        state=tmp_path / "state", year=2026)
    outcome = run_sync(config)
    result = outcome.result
    assert result["rejected"] == []
    status = {a["code"]: a for a in result["agencies"] if a["status"] != "missing"}
    assert status["bo-cong-thuong"]["status"] == "invalid"
    assert status["bo-cong-thuong"]["tasks"] == 2
    assert all(math.isfinite(v) for v in result["totals"].values())
    rows = master_task_rows(config.master)
    assert len(rows) == outcome.rows_in
    assert "bct.xlsx" in {r["file"] for r in rows}
