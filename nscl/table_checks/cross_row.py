"""Checks across a table's rows and columns, once every task is parsed.

Computed columns against their addends (``budget-mismatch``, the optional cap on the
state budget's share), duplicate task names, totals rows, section and sub-item totals
against the tasks they count, columns the form does not have, tasks on hidden rows, and
formulas saved without their result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from typing import Any

from nscl.a1 import column_letter
from nscl.numbers import MONEY_TOLERANCE, format_number, parse_number, to_million
from nscl.problems import listed
from nscl.table_checks.context import TableContext, is_blank, short
from nscl.table_checks.rows import RowLayout
from nscl.text import canonical_tone_placement, compare_key

__all__ = [
    "check_computed", "check_duplicates", "check_extra_columns", "check_group_totals",
    "check_hidden_tasks", "check_totals_rows", "check_uncalculated", "column_sums",
]

# Words that make an added column's header a money column (compared on compare_key text).
# "đồng" only as a unit ("(đồng)", "triệu đồng", "đồng/năm"): not "cộng đồng" (community),
# "hội đồng" (council).
_MONEY_HEADER = re.compile(
    r"kinh phí|nsnn|ngân sách|\bvốn\b|nguồn|tiền|\bvn[dđ]\b"
    r"|(?:[(/:]|triệu|nghìn|ngàn|tỷ|tỉ)\s*đồng\b"
)


def check_computed(ctx: TableContext, parsed: dict[str, list[Any]], lines: list[int]) -> None:
    """Each computed column (Tổng số = NSNN + Đối ứng) against the sum of its addends:
    filled in where left empty, ``budget-mismatch`` where typed otherwise; and the
    configurable cap on the state budget's share of it (``state-budget-share``)."""
    share_limit = ctx.options.max_state_budget_share
    for col in ctx.form.computed_columns:
        parts = col.computed_from
        if not all(key in parsed for key in parts):
            continue
        totals = parsed.get(col.key)
        share_of = parsed["state_budget"] if (
            share_limit is not None and "state_budget" in parts) else None
        for j, addends in enumerate(zip(*(parsed[key] for key in parts), strict=True)):
            if any(value is None for value in addends):
                continue
            expected = math.fsum(addends)
            if totals is not None:
                total = totals[j]
                # What the template's own formula shows when an addend holds text.
                formula = expected - math.fsum(ctx.text_amounts.get(key, {}).get(lines[j], 0.0)
                                               for key in parts)
                if total is None:
                    totals[j] = expected
                elif abs(total - expected) > MONEY_TOLERANCE and not (
                        formula != expected and abs(total - formula) <= MONEY_TOLERANCE):
                    ctx.add(
                        "budget-mismatch", col.key, lines[j],
                        total=format_number(total), expected=format_number(expected),
                        diff=format_number(abs(total - expected)),
                    )
            if share_of is not None and share_limit is not None and expected > 0 \
                    and share_of[j] / expected > share_limit + 1e-9:
                ctx.add(
                    "state-budget-share", "state_budget", lines[j],
                    share=format_number(100 * share_of[j] / expected),
                    limit=format_number(100 * share_limit),
                )


def check_duplicates(ctx: TableContext, names: list[Any], lines: list[int]) -> None:
    """``duplicate-task`` at each task named like one above it (compared on
    compare_key: case, spacing and tone placement aside)."""
    present = [(j, name) for j, name in enumerate(names) if name is not None]
    # compare_key of every name in one pass over the joined names (one tone-placement
    # and one casefold call). NUL never occurs in a cell's text; should a name hold
    # one anyway, the names take the per-name path.
    folded = canonical_tone_placement("\0".join([name for _, name in present])).casefold()
    parts = folded.split("\0")
    if len(parts) != len(present):
        keys = [compare_key(name) for _, name in present]
    elif (folded.replace("\0", "").isprintable() and "  " not in folded
          and " \0" not in folded and "\0 " not in folded
          and folded[:1] != " " and folded[-1:] != " "):
        keys = parts  # no white space but single spaces between words: collapsed already
    else:
        keys = [" ".join(part.split()) for part in parts]
    if len(set(keys)) == len(keys):
        return
    seen: dict[str, int] = {}
    for (j, name), key in zip(present, keys, strict=True):
        first = seen.setdefault(key, lines[j])
        if first != lines[j]:
            ctx.add("duplicate-task", ctx.name_key, lines[j], other_row=first,
                    name=short(name))


def column_sums(ctx: TableContext, amounts: dict[str, list[Any]], begin: int,
                end: int) -> dict[str, float]:
    """The sum of each money column over tasks ``begin`` to ``end``, a computed column
    as the sum of its addends' sums."""
    sums = {key: math.fsum(v for v in values[begin:end] if v is not None)
            for key, values in amounts.items()}
    form = ctx.form
    for col in form.computed_columns:
        if col.type == "money":
            sums[col.key] = math.fsum(sums.get(key, 0.0) for key in col.computed_from)
    return {col.key: sums[col.key] for col in form.money_columns if col.key in sums}


def _text_sums(ctx: TableContext, lines: Sequence[int]) -> dict[str, float]:
    """The amounts typed as text on ``lines`` (sheet rows), by money column, a computed
    column's as its addends'."""
    sums = {key: math.fsum(by_line.get(line, 0.0) for line in lines)
            for key, by_line in ctx.text_amounts.items()}
    for col in ctx.form.computed_columns:
        sums[col.key] = math.fsum(sums.get(key, 0.0) for key in col.computed_from)
    return sums


def _check_totals(
    ctx: TableContext, row: Sequence[Any], line: int, amounts: dict[str, list[Any]],
    *, scopes: list[tuple[int, int]], code: str = "totals-mismatch", lines: Sequence[int],
    **params: Any,
) -> None:
    """Compare a totals row with the sums of its tasks: ``scopes`` are the candidate
    ranges of tasks (begin, end); the row is right when it matches one of them, and
    is reported against the closest one otherwise. Not when a row of the table could
    not be read: its amounts are unknown, and that error says so already."""
    if ctx.lost_rows:
        return
    found: dict[str, float] = {}
    for col, index, _ in ctx.columns:
        if col.type != "money" or index is None or index >= len(row):
            continue
        typed = parse_number(row[index])
        if typed.value is not None:
            found[col.key] = (to_million(typed.value, ctx.money_unit)
                              if typed.unit is None else typed.value)

    def wrong(begin: int, end: int) -> list[tuple[str, float, float]]:
        want = column_sums(ctx, amounts, begin, end)
        # The template's SUM formulas count amounts typed as text as 0 (reported at
        # their cells already): a total that differs by just those is the formula's.
        unread = _text_sums(ctx, lines[begin:end]) if ctx.text_amounts else {}
        tolerance = MONEY_TOLERANCE * max(1, end - begin)
        return [(key, value, want[key]) for key, value in found.items()
                if key in want and abs(value - want[key]) > tolerance
                and abs(value - (want[key] - unread.get(key, 0.0))) > tolerance]

    mismatches = [wrong(begin, end) for begin, end in scopes]
    if not found or any(not m for m in mismatches):
        return
    closest = min(mismatches, key=lambda m: sum(abs(value - want) for _, value, want in m))
    for key, value, want in closest:
        ctx.add(code, key, line, header=ctx.form.column(key).header,
                found=format_number(value), expected=format_number(want), **params)


def check_totals_rows(ctx: TableContext, grid: Sequence[Sequence[Any]], layout: RowLayout,
                      amounts: dict[str, list[Any]], n: int, lines: Sequence[int]) -> None:
    """Each totals row against the tasks it counts (``totals-mismatch``), then each
    section heading's subtotal against its section's (``section-total-mismatch``)."""
    starts = sorted({first for _, first in layout.sections})
    for r, before in layout.totals_at:
        # A "Tổng cộng" row above every task (a common layout) totals all of them; one
        # after a section may total that section only (its tasks since a heading).
        count = before or n
        scopes = [(0, count), *((first, count) for first in starts if first < count)]
        _check_totals(ctx, grid[r], r + 1, amounts, scopes=scopes, lines=lines)
    if not layout.sections:
        return
    seq, name = ctx.seq_col, ctx.name_col
    assert seq is not None and name is not None  # a heading has both
    for r, begin, end in layout.section_spans(grid, seq, n):
        row = grid[r]
        label = f"{str(row[seq]).strip()} {str(row[name]).strip()}"
        _check_totals(ctx, row, r + 1, amounts, scopes=[(begin, end)], lines=lines,
                      code="section-total-mismatch", label=short(label))


def check_group_totals(ctx: TableContext, grid: Sequence[Sequence[Any]], layout: RowLayout,
                       amounts: dict[str, list[Any]], lines: Sequence[int]) -> None:
    """The amounts on a group's row against its sub-items' (``subtask-total-mismatch``)."""
    for r, begin, end, number in layout.group_spans:
        _check_totals(ctx, grid[r], r + 1, amounts, scopes=[(begin, end)], lines=lines,
                      code="subtask-total-mismatch", number=number)


def check_extra_columns(ctx: TableContext, grid: Sequence[Sequence[Any]],
                        rows: Sequence[Sequence[Any]], lines: Sequence[int]) -> None:
    """Columns the agency added to the table (under a header the form does not have,
    or under none) holding something on a task row: what they hold is neither
    checked nor consolidated, which must not pass unseen (an amount there: an
    error)."""
    loc = ctx.loc
    mapped = set(loc.columns.values())
    headers: dict[int, tuple[int, str]] = {}  # column -> (header row, text)
    for r in loc.header_rows:
        if r >= len(grid):
            continue
        for c, value in enumerate(grid[r]):
            if c not in mapped and isinstance(value, str) and value.strip():
                headers[c] = (r, " ".join(value.split()))
    width = max(map(len, rows), default=0)
    for c in range(width):
        if c in mapped:
            continue
        filled = [(line, row[c]) for row, line in zip(rows, lines, strict=True)
                  if c < len(row) and not is_blank(row[c])]
        if not filled:
            continue
        letter = column_letter(c)
        if c not in headers:
            line, _ = filled[0]
            ctx.add_before_rows("column-without-header", loc.header_row + 1,
                                cell=f"{letter}{line}", letter=letter, count=len(filled),
                                first=f"{letter}{line}")
            continue
        r, text = headers[c]
        numbers = [v for _, v in filled if parse_number(v).value is not None]
        money = (bool(numbers) and ctx.has_money
                 and bool(_MONEY_HEADER.search(compare_key(text))))
        ctx.add_header_problem(
            "amount-column-not-in-form" if money else "column-not-in-form", r, c,
            letter=letter, header=short(text), count=len(numbers) if money else len(filled),
        )


def check_hidden_tasks(ctx: TableContext, lines: list[int]) -> None:
    """Tasks on rows hidden or filtered out of view are counted like the others: say
    so (``rows-hidden``), since the clerk (and whoever checks the printout) does not
    see them."""
    hidden = ctx.options.hidden_rows
    found = [line for line in lines if line - 1 in hidden]
    if found:
        ctx.add("rows-hidden", ctx.seq_key, found[0], count=len(found), rows=listed(found, 8))


def check_uncalculated(ctx: TableContext, grid: Sequence[Sequence[Any]], lines: list[int],
                       end: int, uncalculated: Collection[tuple[int, int]]) -> set[str]:
    """Formula cells saved without their result (``uncalculated``: 0-based row and
    column), on the tasks or on rows that read as nothing because of them: read as empty,
    although Excel shows a value once it recalculates. Reported once
    (``formula-not-calculated``), and their emptiness is not reported again as missing
    data (they join ``ctx.explained``; their A1 references are returned). Computed
    columns (nscl computes them) and labelled rows (totals, headings) are left out."""
    key_of = {index: col.key for col, index, _ in ctx.columns
              if index is not None and not col.computed}
    tasks = set(lines)
    start = ctx.loc.data_start
    blank: dict[int, bool] = {}  # each row looked at once, however many cells it has

    def counts(row: int) -> bool:
        if row + 1 in tasks:
            return True
        if row not in blank:
            blank[row] = start <= row < end and all(is_blank(v) for v in grid[row])
        return blank[row]

    cells = sorted((row + 1, col) for row, col in uncalculated
                   if col in key_of and row < len(grid) and counts(row))
    if not cells:
        return set()
    ctx.explained.update((key_of[col], line) for line, col in cells)
    line, col = cells[0]
    references = [f"{column_letter(col)}{line}" for line, col in cells]
    ctx.add("formula-not-calculated", key_of[col], line, count=len(cells),
            cells=listed(references))
    return set(references)
