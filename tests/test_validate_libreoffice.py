"""Files saved by LibreOffice (.xls, .ods, and back to .xlsx) validate like the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from nscl.libreoffice import convert
from nscl.validation import validate_path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


@pytest.mark.libreoffice
@pytest.mark.parametrize("target", ["xls:MS Excel 97", "ods", "xlsx"])
def test_conversions_keep_problems_and_cells(soffice: str, tmp_path: Path, target: str) -> None:
    source = FIXTURES / "a_errors.xlsx"
    original = validate_path(source, year=2026)
    converted = convert(source, target, tmp_path / "out")
    again = validate_path(converted, year=2026)
    assert again.readable
    assert {(p.code, p.cell) for p in again.problems} == {
        (p.code, p.cell) for p in original.problems
    }
    assert again.summary == original.summary
    assert [r.values for r in again.rows] == [r.values for r in original.rows]
