"""Hàm trang tính (worksheet functions) của add-in NSCL 1322, đăng ký cho xlwings.

Each function is a plain Python function (unit-tested as such) decorated with
``@xw.func`` so that xlwings' "Import Functions" (the add-in's config lists
``UDF Modules = xl.udfs``) creates the Excel functions of the same name. Vietnamese
Excel separates arguments with ";" (regional setting), English Excel with ",".

=============================  ==============================================================
Hàm                            Ví dụ
=============================  ==============================================================
``NSCL_TONG(nsnn; doi_ung)``   ``=NSCL_TONG(I12; J12)`` → Tổng số = NSNN + Đối ứng; đọc được
                               cả số gõ dạng chữ: ``=NSCL_TONG("1.250,5"; "200")`` → 1450,5
``NSCL_TYLE_DOIUNG(nsnn;       ``=NSCL_TYLE_DOIUNG(I12; J12)`` → tỷ lệ Đối ứng / Tổng số
doi_ung)``                     (0,25 khi NSNN 1.500, đối ứng 500); rỗng khi tổng bằng 0
``NSCL_KIEMTRA_DONG(dong;      ``=NSCL_KIEMTRA_DONG(A12:K12; 2026)`` → các lỗi của một dòng
[nam])``                       bảng mẫu A (các cột từ Stt đến Ghi chú), rỗng khi hợp lệ
``NSCL_CHUAN_HOA(van_ban)``    ``=NSCL_CHUAN_HOA(B12)`` → văn bản TCVN3/VNI/NFD chuyển sang
                               Unicode dựng sẵn (NFC)
``NSCL_SO(van_ban)``           ``=NSCL_SO("1.200 triệu đồng")`` → 1200; ``=NSCL_SO("12.000")``
                               → 12000
=============================  ==============================================================

A value that cannot be read gives a Vietnamese text starting with "#" (e.g.
``#KHÔNG PHẢI SỐ: abc``), so that a wrong input shows where it is typed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

import xlwings as xw

from nscl.a1 import column_letter
from nscl.forms import form_a

__all__ = [
    "NSCL_CHUAN_HOA",
    "NSCL_KIEMTRA_DONG",
    "NSCL_SO",
    "NSCL_TONG",
    "NSCL_TYLE_DOIUNG",
    "UDF_NAMES",
]

CATEGORY = "NSCL 1322"
UDF_NAMES: tuple[str, ...] = (
    "NSCL_TONG",
    "NSCL_TYLE_DOIUNG",
    "NSCL_KIEMTRA_DONG",
    "NSCL_CHUAN_HOA",
    "NSCL_SO",
)

Money = Annotated[Any, {"doc": "Số tiền (triệu đồng): số, hoặc số gõ dạng chữ như 1.250,5"}]
Text = Annotated[Any, {"doc": "Ô hoặc đoạn văn bản"}]

# Form A's computed budget column (Tổng số = NSNN + Đối ứng) and the two addends the
# functions NSCL_TONG and NSCL_TYLE_DOIUNG take, in the form description's order.
_TOTAL = next(c for c in form_a().computed_columns if c.type == "money")
_STATE_KEY, _COUNTERPART_KEY = _TOTAL.computed_from
# A row of Form A as NSCL_KIEMTRA_DONG takes it, e.g. "A12:K12".
_ROW_EXAMPLE = f"A12:{column_letter(len(form_a().columns) - 1)}12"
_ROW_DOC = (f"Một dòng của bảng mẫu A: {len(form_a().columns)} ô từ "
            f"{form_a().columns[0].header} đến {form_a().columns[-1].header}, "
            f"ví dụ {_ROW_EXAMPLE}")


def _parts(nsnn: Any, doi_ung: Any) -> tuple[float, float] | str | None:
    """The two addends as numbers (empty as 0), a "#…" message for one that is not a
    number, or None when both are empty."""
    state_budget = _money(nsnn)
    counterpart = _money(doi_ung)
    for part in (state_budget, counterpart):
        if isinstance(part, str):
            return part
    if state_budget is None and counterpart is None:
        return None
    return float(state_budget or 0.0), float(counterpart or 0.0)


def _number(value: Any) -> float | str | None:
    """A float, None for an empty cell, or a "#…" message for something not a number."""
    from nscl.numbers import parse_number

    parsed = parse_number(value)
    if parsed.value is not None:
        return parsed.value
    if parsed.empty:
        return None
    return f"#KHÔNG PHẢI SỐ: {str(value)[:60]}"


def _money(value: Any) -> float | str | None:
    """:func:`_number` for an amount: a "#…" message too when it is too large to be one
    (the engine's ``amount-too-large``), so that a sum never overflows."""
    from nscl.numbers import MAX_AMOUNT, format_number

    number = _number(value)
    if isinstance(number, float) and abs(number) > MAX_AMOUNT:
        return f"#SỐ QUÁ LỚN: {format_number(number)}"
    return number


def _clean_float(value: float) -> float:
    rounded = round(value, 9)
    return 0.0 if rounded == 0 else rounded


@xw.func(category=CATEGORY)
def NSCL_TONG(nsnn: Money, doi_ung: Money) -> Any:
    """Tổng số kinh phí = NSNN + Đối ứng (triệu đồng). Ô trống được tính là 0."""
    parts = _parts(nsnn, doi_ung)
    if parts is None or isinstance(parts, str):
        return parts or ""
    total = _TOTAL.compute({_STATE_KEY: parts[0], _COUNTERPART_KEY: parts[1]})
    return "" if total is None else _clean_float(total)


@xw.func(category=CATEGORY)
def NSCL_TYLE_DOIUNG(nsnn: Money, doi_ung: Money) -> Any:
    """Tỷ lệ Đối ứng / Tổng số (0 đến 1; định dạng ô kiểu %). Rỗng khi Tổng số bằng 0."""
    parts = _parts(nsnn, doi_ung)
    if parts is None or isinstance(parts, str):
        return parts or ""
    total = _TOTAL.compute({_STATE_KEY: parts[0], _COUNTERPART_KEY: parts[1]})
    if not total or not math.isfinite(total):
        return ""
    return _clean_float(parts[1] / total)


@xw.func(category=CATEGORY)
def NSCL_SO(van_ban: Text) -> Any:
    """Số gõ dạng chữ kiểu Việt Nam thành số: "1.250,5" → 1250,5; "1.200 triệu đồng" → 1200."""
    value = _number(van_ban)
    if value is None:
        return ""
    return value if isinstance(value, str) else _clean_float(value)


@xw.func(category=CATEGORY)
def NSCL_CHUAN_HOA(van_ban: Text) -> Any:
    """Chuyển văn bản gõ bằng bảng mã cũ (TCVN3, VNI) hoặc Unicode tổ hợp sang Unicode NFC."""
    from nscl.legacy import to_unicode

    if van_ban is None:
        return ""
    if not isinstance(van_ban, str):
        return van_ban
    return to_unicode(van_ban)


@xw.func(category=CATEGORY)
@xw.arg("dong", xw.Range, doc=_ROW_DOC)
@xw.arg("nam", doc="Năm bắt đầu thực hiện của đợt đề xuất (không bắt buộc), ví dụ 2026")
def NSCL_KIEMTRA_DONG(dong: Any, nam: Any = None) -> Any:
    """Các lỗi và cảnh báo của một dòng bảng mẫu A (kiểm tra như nút Kiểm tra); rỗng khi hợp lệ.

    ``dong`` is an ``xlwings.Range`` in Excel (its row and column place the messages) or a
    plain list of the row's values; ``nam`` the round's year (enables the year checks).
    """
    from xl.row_check import check_row, describe_row_problems

    sheet_row, first_column = 2, 1
    if hasattr(dong, "value") and hasattr(dong, "row"):
        sheet_row, first_column = int(dong.row), int(dong.column)
        dong = dong.options(ndim=1).value
    values: Sequence[Any] = dong if isinstance(dong, list | tuple) else [dong]
    year = _number(nam)
    try:
        problems = check_row(
            values,
            sheet_row=sheet_row,
            first_column=first_column,
            year=int(year) if isinstance(year, float) else None,
        )
    except Exception as exc:  # never a Python traceback in a cell
        return f"#LỖI CHƯƠNG TRÌNH: {type(exc).__name__}: {exc}"
    return describe_row_problems(problems)
