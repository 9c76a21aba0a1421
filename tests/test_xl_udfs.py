"""Worksheet functions: plain-Python behaviour, and their registration with xlwings.

On Linux ``xw.func`` is a no-op; the registration test imports xlwings' real Windows
UDF module (``xlwings.udfs``) with stand-ins for the pywin32 modules it imports, applies
its decorators to ``xl.udfs`` and generates the VBA wrappers that "Import Functions"
writes into the add-in, proving the signatures and argument options are accepted.
"""

from __future__ import annotations

import importlib
import io
import sys
import types
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from nscl.legacy import encode_legacy
from tests.test_xl_support import CLEAN_ROW, row_values
from xl import udfs
from xl.row_check import check_row, describe_row_problems


def test_nscl_tong() -> None:
    assert udfs.NSCL_TONG(1500, 500) == 2000
    assert udfs.NSCL_TONG("1.250,5", "200") == 1450.5
    assert udfs.NSCL_TONG(0.1, 0.2) == pytest.approx(0.3)
    assert udfs.NSCL_TONG(None, 500) == 500
    assert udfs.NSCL_TONG(None, None) == ""
    assert str(udfs.NSCL_TONG("abc", 1)).startswith("#")
    # Too large to be an amount (the engine's amount-too-large): a message, never infinity.
    assert str(udfs.NSCL_TONG(1e308, 1e308)).startswith("#")
    assert str(udfs.NSCL_TYLE_DOIUNG(1, -1e308)).startswith("#")
    assert udfs.NSCL_TONG(1e12, 1) == 1e12 + 1


def test_nscl_tyle_doiung() -> None:
    assert udfs.NSCL_TYLE_DOIUNG(1500, 500) == 0.25
    assert udfs.NSCL_TYLE_DOIUNG("1.500", "500") == 0.25
    assert udfs.NSCL_TYLE_DOIUNG(0, 0) == ""
    assert udfs.NSCL_TYLE_DOIUNG(100, None) == 0
    assert str(udfs.NSCL_TYLE_DOIUNG(100, "x")).startswith("#")


def test_nscl_so() -> None:
    assert udfs.NSCL_SO("1.250,5") == 1250.5
    assert udfs.NSCL_SO("12.000") == 12000
    assert udfs.NSCL_SO("1.200 triệu đồng") == 1200
    assert udfs.NSCL_SO(42) == 42
    assert udfs.NSCL_SO(None) == ""
    assert udfs.NSCL_SO("không có") == 0 == udfs.NSCL_SO("-")  # "none", as tables write it
    assert str(udfs.NSCL_SO("chưa xác định")).startswith("#")


def test_nscl_chuan_hoa() -> None:
    text = "Sở Khoa học và Công nghệ tỉnh Hà Tĩnh"
    assert udfs.NSCL_CHUAN_HOA(encode_legacy(text, "tcvn3")) == text
    assert udfs.NSCL_CHUAN_HOA(encode_legacy(text, "vni")) == text
    assert udfs.NSCL_CHUAN_HOA(unicodedata.normalize("NFD", text)) == text
    assert udfs.NSCL_CHUAN_HOA(text) == text
    assert udfs.NSCL_CHUAN_HOA(12) == 12
    assert udfs.NSCL_CHUAN_HOA(None) == ""


def _codes(values: dict[str, Any]) -> set[str]:
    return {p.code for p in check_row(list(values.values()))}


def test_nscl_kiemtra_dong_clean_row_is_empty() -> None:
    assert udfs.NSCL_KIEMTRA_DONG(list(CLEAN_ROW.values())) == ""


def test_nscl_kiemtra_dong_reports_the_engine_codes() -> None:
    bad = row_values(state_budget=-5, total=99, duration_months="abc", seq=7)
    text = udfs.NSCL_KIEMTRA_DONG(list(bad.values()))
    codes = _codes(bad)
    assert codes and all(f"[{code}]" in text for code in codes)
    assert "seq-order" not in codes  # one row alone cannot be out of order
    assert text.splitlines()[0].startswith("Lỗi")


def test_row_check_matches_the_full_table_check(tmp_path: Any) -> None:
    """The row function finds exactly what validating the whole table finds for that row."""
    from nscl import validation
    from tests.test_xl_support import FIRST_DATA_ROW, make_form_a

    bad = row_values(seq=1, counterpart="abc", duration_months=200, lead_org=None)
    path = make_form_a(tmp_path / "Bo_Y_te.xlsx", [bad])
    report = validation.validate_path(path)
    expected = {p.code for p in report.problems if p.row == FIRST_DATA_ROW}
    got = {p.code for p in check_row(list(bad.values()), sheet_row=FIRST_DATA_ROW, year=2026)}
    assert got == expected


def test_row_check_places_messages_on_the_real_row() -> None:
    bad = row_values(lead_org=None)
    problems = check_row(list(bad.values()), sheet_row=15, first_column=2)
    assert problems and all(p.row == 15 for p in problems)
    assert describe_row_problems(problems)
    assert describe_row_problems([]) == ""


def test_nscl_kiemtra_dong_reads_an_xlwings_range(tmp_path: Any) -> None:
    """In Excel the argument is a Range: its position goes into the messages."""

    class FakeRange:
        row = 12
        column = 1

        def options(self, **_: Any) -> FakeRange:
            return self

        @property
        def value(self) -> list[Any]:
            return list(row_values(lead_org=None).values())

    text = udfs.NSCL_KIEMTRA_DONG(FakeRange())
    assert "[required-missing]" in text and "12" in text


# ----------------------------------------------------------------- registration


@pytest.fixture
def windows_udfs(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """xlwings.udfs importable on Linux (pywin32 stand-ins), xw.func = the real decorator."""
    import xlwings as xw

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pywintypes = types.ModuleType("pywintypes")
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a: None  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    for name, module in {"pythoncom": pythoncom, "pywintypes": pywintypes,
                         "win32com": win32com, "win32com.client": client}.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    real = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xw, "func", real.xlfunc)
    monkeypatch.setattr(xw, "arg", real.xlarg)
    monkeypatch.setattr(xw, "ret", real.xlret)
    importlib.reload(udfs)
    yield real
    monkeypatch.undo()
    importlib.reload(udfs)
    sys.modules.pop("xlwings.udfs", None)


def test_udfs_register_with_xlwings(windows_udfs: types.ModuleType) -> None:
    for name in udfs.UDF_NAMES:
        info = getattr(udfs, name).__xlfunc__
        assert info["name"] == name
        assert info["category"] == udfs.CATEGORY
        assert info["ret"]["doc"]  # the Vietnamese description shown in Excel
    row_arg = udfs.NSCL_KIEMTRA_DONG.__xlfunc__["argmap"]["dong"]
    assert row_arg["doc"].startswith("Một dòng")

    class _Book:
        Name = "nscl1322.xlam"

    out = io.StringIO()
    windows_udfs.generate_vba_wrapper("xl.udfs", udfs, out, _Book())
    vba = out.getvalue()
    assert "Function NSCL_TONG(nsnn, doi_ung)" in vba
    assert "Function NSCL_KIEMTRA_DONG(dong, Optional nam)" in vba
    assert 'XLPy.CallUDF("xl.udfs", "NSCL_SO"' in vba
    assert "ActiveWorkbook" in vba  # add-ins call UDFs for the active workbook


def test_nscl_kiemtra_dong_year_argument() -> None:
    long = list(row_values(duration_months=72).values())
    assert "[duration-past-2030]" not in udfs.NSCL_KIEMTRA_DONG(long)
    assert "[duration-past-2030]" in udfs.NSCL_KIEMTRA_DONG(long, 2026)


def test_the_built_wrappers_are_what_xlwings_writes(windows_udfs: types.ModuleType) -> None:
    """The add-in's module xlwings_udfs (generated at build time, xl/udf_vba.py) is the
    text xlwings' own "Import Functions" would write into an add-in on Windows."""
    from xl.udf_vba import udf_module_source

    class _Addin:
        Name = "nscl1322.xlam"

    out = io.StringIO()
    out.write('Attribute VB_Name = "xlwings_udfs"\n')
    out.write("'Autogenerated code by xlwings - changes will be lost with next import!\n")
    out.write("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel\n""")
    windows_udfs.generate_vba_wrapper("xl.udfs", udfs, out, _Addin())
    assert udf_module_source() == out.getvalue()
