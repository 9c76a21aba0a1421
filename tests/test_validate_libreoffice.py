"""Files saved by LibreOffice (.xls, .ods, and back to .xlsx) validate like the original."""

from __future__ import annotations

import sys
import time
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


def test_missing_libreoffice_is_explained_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nscl.libreoffice as lo

    monkeypatch.setattr(lo, "find_soffice", lambda: None)
    with pytest.raises(lo.LibreOfficeError, match="chưa cài LibreOffice"):
        convert(FIXTURES / "a_errors.xlsx", "ods", tmp_path)


@pytest.mark.libreoffice
def test_a_conversion_that_runs_too_long_is_stopped_with_a_vietnamese_reason(
    soffice: str, tmp_path: Path
) -> None:
    from nscl.libreoffice import LibreOfficeError

    # Far below what starting LibreOffice takes, so that a fast machine with a warm
    # disk cache cannot finish in time (1 s sometimes did).
    with pytest.raises(LibreOfficeError, match="quá 0,3 giây") as caught:
        convert(FIXTURES / "a_errors.xlsx", "ods", tmp_path, timeout=0.3)
    assert "a_errors.xlsx" in str(caught.value)
    if sys.platform.startswith("linux"):  # nothing of that LibreOffice is left running
        time.sleep(0.5)
        left = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            # This conversion's processes only (their command line names tmp_path as the
            # output folder): other conversions may be running on the machine meanwhile.
            if b"nscl-lo-" in text and str(tmp_path).encode() in text:
                left.append(text)
        assert left == []
