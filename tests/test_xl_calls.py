"""Each call into Excel is a round trip: what "Kiểm tra" asks of Excel grows with the
problems it marks and the cells it changes, not with the rows of the table.

Counted in the stand-in of Excel's object model (every property read or write and
method call of the object model is one call); the time the calls would take in Excel is
measured by hand (docs/kiem-thu-excel.md), not here.
"""

from __future__ import annotations

from pathlib import Path

from tests.excel_standin import open_workbook
from tests.test_xl_support import make_form_a, row_values

PROBLEM_ROWS = 10


def _table(path: Path, tasks: int, *, totals: bool) -> Path:
    """``tasks`` rows, every tenth of the table with a duration of 100 months (out of
    range): ten rows with problems whatever the size. Without ``totals`` every Tổng số
    is empty (a retyped table), and the button fills them all."""
    rows = []
    for n in range(1, tasks + 1):
        row = row_values(seq=n, task_name=f"Nhiệm vụ số {n} về năng suất chất lượng",
                         total=2000 if totals else None)
        if n % (tasks // PROBLEM_ROWS) == 0:
            row["duration_months"] = 100
        rows.append(row)
    return make_form_a(path, rows)


def test_a_click_on_2000_rows_asks_excel_as_much_as_on_200(tmp_path: Path) -> None:
    """A retyped table: Tổng số empty on every row, filled by the button."""
    few = open_workbook(_table(tmp_path / "small.xlsx", 200, totals=False))
    many = open_workbook(_table(tmp_path / "large.xlsx", 2000, totals=False))
    for excel in (few, many):  # the same ten cells with problems, every total filled
        alert = excel.press("kiem_tra")
        assert alert.text.startswith("Phát hiện 20 lỗi"), alert.text
        assert len(excel.fills("Bảng tổng hợp")) == PROBLEM_ROWS
    assert "Tổng số cho 2000 dòng" in many.alerts[-1].text

    assert many.total_calls == few.total_calls, (few.calls - many.calls) + (
        many.calls - few.calls)
    # the table is read in one bulk read per sheet, the filled totals in one write
    assert many.calls["Range.Value"] <= 1 + 2  # the sheet; the Tổng số cells (formulas?)
    assert many.calls["Range.Value="] <= 4  # record first, Tổng số, final record, results
    assert many.total_calls < 600

    # a second click undoes the first's marks: a few calls per marked cell more
    first = many.total_calls
    many.calls.clear()
    many.press("kiem_tra")
    assert many.total_calls <= first + 10 * PROBLEM_ROWS


def test_a_table_with_typed_totals_is_read_in_one_read(tmp_path: Path) -> None:
    excel = open_workbook(_table(tmp_path / "t.xlsx", 200, totals=True))
    excel.press("kiem_tra")
    assert excel.calls["Range.Value"] == 1  # the table; no total to fill, nothing else
