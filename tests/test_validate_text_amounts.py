"""An amount typed as text in the official template ("1.250,5" in NSNN).

The template's Tổng số formula and its totals row count such a cell as 0 once Excel or
LibreOffice recalculates. The clerk must be sent to the cell holding the text, with an
error (the template colours that cell as an error too), whether or not the file was
recalculated, and never asked to edit the template's formulas.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nscl.forms import form_a
from nscl.libreoffice import recalculate
from nscl.registry import get_agency
from nscl.template_build.filled import write_filled_table
from nscl.validation import validate_path
from tests.support import CLEAN_ROW

ROWS = [
    {**CLEAN_ROW, "seq": 1, "state_budget": "1.250,5", "counterpart": 300},
    {**CLEAN_ROW, "seq": 2, "task_name": "Đào tạo chuyên gia năng suất",
     "state_budget": 2000, "counterpart": 500},
]


def _filled(tmp_path: Path) -> Path:
    rows = [{k: v for k, v in row.items() if v is not None and k != "total"} for row in ROWS]
    built = write_filled_table(tmp_path / "bo-y-te.xlsx", rows, year=2027,
                               agency=get_agency("bo-y-te"))
    return built.path


def _verdict(path: Path) -> list[tuple[str, str, str | None]]:
    report = validate_path(path, year=2027)
    assert report.summary.state_budget == pytest.approx(3250.5)  # the text is still read
    return [(p.code, p.severity, p.cell) for p in report.problems]


def test_text_amount_in_the_template_is_an_error_at_its_cell(tmp_path: Path) -> None:
    letter = {c.key: chr(65 + i) for i, c in enumerate(form_a().columns)}
    path = _filled(tmp_path)
    report = validate_path(path, year=2027)
    first = report.rows[0].sheet_row
    assert _verdict(path) == [("amount-as-text", "error", f"{letter['state_budget']}{first}")]


@pytest.mark.libreoffice
def test_the_verdict_does_not_depend_on_recalculation(tmp_path: Path, soffice: str) -> None:
    """Recalculated, the template's Tổng số reads 300 (N("1.250,5") = 0) and its totals
    row 2.800: neither is reported (they are the template's formulas), only the text."""
    import openpyxl

    path = _filled(tmp_path)
    recalculated = recalculate(path, tmp_path / "recalculated")
    ws = openpyxl.load_workbook(recalculated, data_only=True)[form_a().sheet]
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert 300 in values  # the formula counted the text as 0: the case this test is about
    assert _verdict(recalculated) == _verdict(path)


def test_a_retyped_table_keeps_the_warning(tmp_path: Path) -> None:
    """Without the template's formulas (a table typed by a clerk), nscl reads the text and
    counts it: a warning, as before."""
    from tests.support import make_form_a

    path = make_form_a(tmp_path / "retyped.xlsx", ROWS, year=2027)
    report = validate_path(path, year=2027)
    assert [(p.code, p.severity) for p in report.problems] == [("number-as-text", "warning")]
