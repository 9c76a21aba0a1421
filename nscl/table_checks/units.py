"""The units a table declares above its rows, when not the form's own.

Amounts in đồng or nghìn đồng ("Dự kiến kinh phí (đồng)", "Đơn vị tính: đồng") and
durations in years ("Thời gian thực hiện (năm)"): the column parsers then convert every
value without a unit of its own, and a warning at the header says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from nscl.a1 import a1
from nscl.numbers import MILLION, declared_money_unit, format_number, to_million
from nscl.table_checks.context import TableContext

__all__ = ["find_duration_unit", "find_money_unit"]

_YEARS_HEADER = re.compile(r"\(\s*(?:(?:đơn\s*vị(?:\s*tính)?|đvt)\s*:?\s*)?năm\s*\)")


def find_money_unit(ctx: TableContext, grid: Sequence[Sequence[Any]]) -> None:
    """The unit the table declares for its amounts, when not million VND: in a money
    header ("Dự kiến kinh phí (đồng)", "NSNN (nghìn đồng)"; a group header merged over
    the money columns sits above the first of them), else in a "Đơn vị tính: …" line
    above the table. Amounts are then converted (``ctx.money_unit``), with a warning at
    that cell; a line that says otherwise than the header gets a warning of its own."""
    loc = ctx.loc
    places = [(r, c) for r in loc.header_rows for c in ctx.amount_cols]
    labelled = [(r, c) for r in range(min(loc.header_row, len(grid)))
                for c in range(len(grid[r]))]
    found: list[tuple[str, int, int]] = []  # (unit, row, col): the header's, the line's
    for cells, labelled_only in ((places, False), (labelled, True)):
        for r, c in cells:
            value = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
            if isinstance(value, str):
                unit = declared_money_unit(value, labelled_only=labelled_only)
                if unit is not None:
                    found.append((unit, r, c))
                    break
    if not found:
        return
    unit, r, c = found[0]
    if unit != MILLION:
        ctx.money_unit = unit
        ctx.add_header_problem("money-unit-converted", r, c, unit=unit,
                               example=format_number(to_million(1_000_000, unit)))
    if len(found) == 2 and found[1][0] != unit:
        other, r2, c2 = found[1]
        ctx.add_header_problem("money-unit-conflict", r2, c2, line_unit=other,
                               header_unit=unit, header_cell=a1(r, c))


def find_duration_unit(ctx: TableContext, grid: Sequence[Sequence[Any]]) -> None:
    """Whether the duration header counts in years ("Thời gian thực hiện (năm)"): plain
    numbers are then converted to months (``ctx.duration_in_years``), with a warning at
    the header."""
    key = ctx.duration_key
    index = ctx.loc.columns.get(key) if key is not None else None
    if key is None or index is None:
        return
    for r in ctx.loc.header_rows:
        value = grid[r][index] if r < len(grid) and index < len(grid[r]) else None
        if isinstance(value, str) and _YEARS_HEADER.search(
                unicodedata.normalize("NFC", value).lower()):
            ctx.duration_in_years = True
            ctx.add_header_problem("duration-unit-converted", r, index,
                                   header=ctx.form.column(key).header)
            return
