"""``check_table``: the steps of a table's check, in order.

Units declared above the table (:mod:`.units`), then which rows are tasks
(:mod:`.rows`), then each column of the tasks parsed (:mod:`.columns`), then the checks
across rows (:mod:`.cross_row`); the parsed tasks become :class:`~nscl.report.TaskRow`
objects whose ``cells`` map every column of the form (found or not, empty or not) to an
A1 reference.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import cache, partial
from typing import Any

from nscl.gc_pause import gc_paused
from nscl.locate import TableLocation
from nscl.report import BudgetSummary, RowCells, RowRaw, TaskRow
from nscl.table_checks import cross_row
from nscl.table_checks.columns import ColumnParser
from nscl.table_checks.context import TableContext, TableOptions, TableResult
from nscl.table_checks.rows import RowLayout, classify_rows
from nscl.table_checks.units import find_duration_unit, find_money_unit

__all__ = ["check_table"]


@cache
def _dict_maker(keys: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function building ``{keys[0]: a0, keys[1]: a1, …}`` from positional arguments.

    Generated once per key tuple (as ``collections.namedtuple`` does): a dict display with
    constant keys is about twice as fast as ``dict(zip(keys, values))`` on the hot path.
    The keys are column identifiers from the form description, embedded with ``repr``.
    """
    params = ", ".join(f"a{i}" for i in range(len(keys)))
    body = ", ".join(f"{key!r}: a{i}" for i, key in enumerate(keys))
    namespace: dict[str, Any] = {}
    exec(f"def make({params}):\n    return {{{body}}}", namespace)
    maker: Callable[..., dict[str, Any]] = namespace["make"]
    return maker


def check_table(
    grid: Sequence[Sequence[Any]],
    loc: TableLocation,
    *,
    sheet: str,
    file: str | None = None,
    options: TableOptions | None = None,
) -> TableResult:
    """Read and check the data rows of the table at ``loc`` in ``grid``."""
    ctx = TableContext(loc, sheet=sheet, file=file, options=options or TableOptions())
    with gc_paused():  # many small containers, none cyclic: the collector would only slow us
        return _run(ctx, grid)


def _run(ctx: TableContext, grid: Sequence[Sequence[Any]]) -> TableResult:
    options = ctx.options
    find_money_unit(ctx, grid)
    find_duration_unit(ctx, grid)
    layout = classify_rows(ctx, grid)
    rows = layout.task_rows(grid)
    lines = [r + 1 for r in layout.tasks]
    n = len(rows)
    if options.hidden_rows:
        cross_row.check_hidden_tasks(ctx, lines)
    if options.uncalculated:
        cross_row.check_uncalculated(ctx, grid, lines, layout.table_end, options.uncalculated)
    slot = len(ctx.problems)  # where formulas without results are reported
    columns = ColumnParser(ctx, layout)
    parsed = columns.parse(rows, lines)
    if options.find_uncalculated is not None and not options.uncalculated:
        _explain_gaps(ctx, grid, layout, lines, slot, options.find_uncalculated)
    cross_row.check_computed(ctx, parsed, lines)
    if ctx.name_key is not None and ctx.name_key in parsed:
        cross_row.check_duplicates(ctx, parsed[ctx.name_key], lines)
    amounts = {col.key: parsed[col.key] for col in ctx.form.money_columns
               if not col.computed}
    cross_row.check_totals_rows(ctx, grid, layout, amounts, n)
    cross_row.check_extra_columns(ctx, grid, rows, lines)
    cross_row.check_group_totals(ctx, grid, layout, amounts)
    columns.report_nfd()
    problems = ctx.sorted_problems()
    return TableResult(
        rows=_task_rows(ctx, parsed, rows, lines) if options.keep_rows else [],
        problems=problems,
        summary=BudgetSummary(n, cross_row.column_sums(ctx, amounts, 0, n)),
        totals_row=layout.totals_at[0][0] + 1 if layout.totals_at else None,
        money_unit=ctx.money_unit,
        has_gaps=layout.blank_rows or any(p.code in _GAPS for p in problems),
    )


# Problems of cells read as empty where data was expected.
_GAPS = frozenset({"required-missing", "duration-missing"})


def _explain_gaps(
    ctx: TableContext, grid: Sequence[Sequence[Any]], layout: RowLayout, lines: list[int],
    slot: int, find: Callable[[], Collection[tuple[int, int]]],
) -> None:
    """Cells or rows read as empty where data was expected: formulas saved without their
    result would explain them. If the file has such formulas, they are named once for
    what they are, where that problem would have been recorded had they been known from
    the start (``slot``), and the missing-data problems they explain are dropped."""
    if not (layout.blank_rows or any(item[3].code in _GAPS for item in ctx.problems)):
        return
    found = find()
    if not found:
        return
    ctx.record_as_if_at(slot - 0.5)
    explained = cross_row.check_uncalculated(ctx, grid, lines, layout.table_end, found)
    ctx.record_as_if_at(None)
    ctx.drop_problems(_GAPS, explained)


def _task_rows(ctx: TableContext, parsed: dict[str, list[Any]],
               rows: Sequence[Sequence[Any]], lines: list[int]) -> list[TaskRow]:
    """The parsed tasks as :class:`TaskRow` objects (one dict, and two light views
    sharing the table's column maps, per task)."""
    keys = ctx.keys
    make_dict = _dict_maker(tuple(keys))
    letters = dict(zip(keys, ctx.letters, strict=True))
    positions = {col.key: index for col, index, _ in ctx.columns}
    return list(
        map(
            TaskRow,
            lines,
            map(make_dict, *(parsed[k] for k in keys)),
            map(partial(RowRaw, positions), rows),
            map(partial(RowCells, letters), lines),
        )
    )
