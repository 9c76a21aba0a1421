"""Check one row of a Form A table with the validation engine's own row checks.

Used by the worksheet function ``NSCL_KIEMTRA_DONG``: the row is placed at its real
position (sheet row and first column) under the official header and handed to
:func:`nscl.table_checks.check_table`, the same code ``nscl validate`` runs on every
data row, so the rules are never rewritten here. Problems that need the whole table
(the order of Stt across rows) are left out, since one row cannot be judged for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from nscl.problems import SEVERITY_LABELS, Problem

__all__ = ["TABLE_WIDE_CODES", "check_row", "describe_row_problems"]

# Codes that compare a row with the rows before it.
TABLE_WIDE_CODES: frozenset[str] = frozenset({"seq-order", "duplicate-task", "totals-mismatch"})


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def check_row(
    values: Sequence[Any],
    *,
    sheet_row: int = 2,
    first_column: int = 1,
    year: int | None = None,
) -> list[Problem]:
    """Problems of one Form A row (values from Stt to Ghi chú), as ``nscl validate`` finds them.

    ``sheet_row``/``first_column`` (1-based) place the row where it is in the sheet, so
    that cell references and line numbers in the messages are the real ones. ``year``
    is the round's starting year (checks that depend on it are skipped without it).
    """
    key = tuple(_hashable(v) for v in values)
    return list(_check_row(key, sheet_row, first_column, year))


@lru_cache(maxsize=2048)
def _check_row(
    values: tuple[Any, ...], sheet_row: int, first_column: int, year: int | None
) -> tuple[Problem, ...]:
    import nscl.rules  # noqa: F401  (registers the rule catalogue)
    from nscl.forms import form_a
    from nscl.locate import TableLocation
    from nscl.table_checks import TableOptions, check_table

    form = form_a()
    row_index = max(sheet_row, 2) - 1  # 0-based; the header sits on the row above
    offset = max(first_column, 1) - 1
    header = [None] * offset + [col.header for col in form.columns]
    data = [None] * offset + [None if v == "" else v for v in values[: len(form.columns)]]
    grid: list[list[Any]] = [[] for _ in range(row_index)]
    grid[row_index - 1] = header
    grid.append(data)
    location = TableLocation(
        form=form,
        header_rows=(row_index - 1,),
        data_start=row_index,
        columns={col.key: offset + i for i, col in enumerate(form.columns)},
    )
    result = check_table(grid, location, sheet=form.sheet, options=TableOptions(year=year))
    return tuple(
        p for p in result.problems
        if p.code not in TABLE_WIDE_CODES and p.row in (None, row_index + 1)
    )


def describe_row_problems(problems: Sequence[Problem]) -> str:
    """One line per problem ("Lỗi [code]: message"), errors first; "" when none."""
    ordered = sorted(problems, key=lambda p: 0 if p.severity == "error" else 1)
    return "\n".join(
        f"{SEVERITY_LABELS.get(p.severity, p.severity)} [{p.code}]: {p.message}" for p in ordered
    )
