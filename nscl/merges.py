"""Cells merged down over several tasks, read as the clerk sees them.

Clerks often merge a cell down over consecutive tasks that share it: the same lead
organisation, the same duration. The reader gives the value to the first row only, so
the tasks below read as empty ("thiếu Tổ chức chủ trì") and the master would show them
blank. :func:`fill_merged_down` copies the value down in text and duration columns, for
the rows that are tasks of their own (their task name is filled). Amounts are not copied:
one amount shared by several tasks cannot be split, so such merges are returned for the
validation to report (``amount-merged``). The ranges come from python-calamine (.xlsx,
.xls) or :mod:`nscl.ods_merges` (.ods).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nscl.forms import Column
from nscl.locate import TableLocation

__all__ = ["MergedAmount", "fill_merged_down"]

Range = tuple[tuple[int, int], tuple[int, int]]  # ((row, col), (row, col)), 0-based
_FILLED_TYPES = frozenset({"text", "duration"})
_NOT_FILLED = frozenset({"seq", "task_name"})  # a task's own identity is never copied


@dataclass(frozen=True)
class MergedAmount:
    """A money cell merged down over several tasks (0-based rows, inclusive)."""

    column: Column
    col: int
    first_row: int
    last_row: int


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fill_merged_down(
    grid: list[list[Any]], merged: Iterable[Range], loc: TableLocation
) -> list[MergedAmount]:
    """Copy, in place, the value of each vertical merge in the data rows down to the
    tasks it covers (text and duration columns); return the money merges covering
    several tasks."""
    name_col = loc.columns.get("task_name")
    if name_col is None:
        return []
    by_index = {loc.columns[c.key]: c for c in loc.form.columns if c.key in loc.columns}
    amounts: list[MergedAmount] = []
    for (r1, c1), (r2, c2) in merged:
        first, last = min(r1, r2), min(max(r1, r2), len(grid) - 1)
        if last <= first or first < loc.data_start:
            continue
        tasks_below = [r for r in range(first + 1, last + 1)
                       if name_col < len(grid[r]) and not _blank(grid[r][name_col])]
        if not tasks_below:  # one task spread over several rows: nothing to copy
            continue
        for col in range(min(c1, c2), max(c1, c2) + 1):
            column = by_index.get(col)
            if column is None or column.key in _NOT_FILLED:
                continue
            if column.type == "money":
                amounts.append(MergedAmount(column, col, first, last))
                continue
            if column.type not in _FILLED_TYPES:
                continue
            top = grid[first]
            value = top[col] if col < len(top) else None
            if _blank(value):
                continue
            for r in tasks_below:
                row = grid[r]
                if len(row) <= col:
                    row.extend([""] * (col + 1 - len(row)))
                if _blank(row[col]):
                    row[col] = value
    return amounts
