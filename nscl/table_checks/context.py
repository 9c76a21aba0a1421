"""What every step of a table's check shares: its options, where the form's columns are
in this table, and the problems found so far.

Problems are recorded with their sort position (sheet row, column order in the form,
order of recording) and sorted once at the end: rows first, then columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import nscl.rules  # noqa: F401  (registers the rules used here)
from nscl.a1 import a1, column_letter
from nscl.forms import DESCRIBING_ROLES, OWN_ROLES, TASK_ONLY_ROLES, Column, TableForm
from nscl.locate import TableLocation
from nscl.numbers import MILLION
from nscl.problems import Problem, get_rule
from nscl.report import BudgetSummary, TaskRow

__all__ = ["TableContext", "TableOptions", "TableResult", "is_blank", "short"]


@dataclass(frozen=True)
class TableOptions:
    """What the table checks need beyond the table itself."""

    year: int | None = None
    max_state_budget_share: float | None = None
    program_end_year: int = 2030
    # Whether the result holds each task's parsed row (TableResult.rows); without them,
    # it still has the problems and the budget.
    keep_rows: bool = True
    # (column key, 1-based sheet row) of amount cells covered by a merge that is already
    # reported (``amount-merged``): their emptiness is that one mistake, not another.
    merged_amounts: frozenset[tuple[str, int]] = frozenset()
    # 0-based rows the reader could not convert (``row-unreadable``, reported already).
    unreadable_rows: frozenset[int] = frozenset()
    # 0-based rows hidden or filtered out of view in the spreadsheet.
    hidden_rows: frozenset[int] = frozenset()
    # (0-based row, 0-based column) of formula cells saved without their result.
    uncalculated: frozenset[tuple[int, int]] = frozenset()
    # Finds those cells when they are not given above: called only when the table has
    # cells or rows read as empty where data was expected (what such formulas explain),
    # so that a table without gaps does not pay for the search.
    find_uncalculated: Callable[[], Collection[tuple[int, int]]] | None = None
    # The file is the official template (its identity says so): its computed columns and
    # totals row are its own formulas, which count an amount typed as text as 0.
    template: bool = False


@dataclass
class TableResult:
    """Rows, problems and budget of one table."""

    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: BudgetSummary = field(default_factory=BudgetSummary)
    totals_row: int | None = None  # 1-based sheet row of "Tổng cộng"
    money_unit: str = MILLION  # the unit the table declares; amounts are converted from it
    # Whether the table has cells or rows read as empty where data was expected (what
    # formulas saved without their result would explain: see TableOptions.uncalculated).
    has_gaps: bool = False


def is_blank(value: Any) -> bool:
    """Whether a cell holds nothing (None, "", white space)."""
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")


def short(value: Any, limit: int = 60) -> str:
    """Agency text quoted in a message: one line, control characters shown as "�"."""
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL_CHARS.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TableContext:
    """One table being checked: its form, where each column is, and its problems.

    ``columns`` lists every column of the form with its 0-based index in the sheet (None
    when the table lacks it) and its letter: a column not found still gets a cell
    reference, after the last column found. The index lists below say which columns of
    this table play which part, from the columns' roles in the form description.
    """

    def __init__(
        self, loc: TableLocation, *, sheet: str, file: str | None, options: TableOptions
    ) -> None:
        self.loc = loc
        self.form: TableForm = loc.form
        self.sheet = sheet
        self.file = file
        self.options = options
        spare = max(loc.columns.values(), default=-1) + 1
        self.columns: list[tuple[Column, int | None, str]] = []
        for col in self.form.columns:
            index = loc.columns.get(col.key)
            if index is None:
                letter = column_letter(spare)
                spare += 1
            else:
                letter = column_letter(index)
            self.columns.append((col, index, letter))
        self.keys = [col.key for col in self.form.columns]
        self.position = {col.key: i for i, col in enumerate(self.form.columns)}
        self.letters = [letter for _, _, letter in self.columns]
        # The columns that number and name a row (Stt, task name), by role.
        self.seq_key = self._key_with_role("number")
        self.name_key = self._key_with_role("name")
        self.duration_key = self._key_with_role("duration")
        self.seq_col = loc.columns.get(self.seq_key) if self.seq_key else None
        self.name_col = loc.columns.get(self.name_key) if self.name_key else None
        # Where a row's label is ("Tổng cộng" …): its number or name column.
        self.label_cols = [loc.columns[k] for k in self.form.keys_with_role(*OWN_ROLES)
                           if k in loc.columns]
        # Columns that describe a task: a section heading fills none of them.
        self.describing = [loc.columns[k] for k in self.form.keys_with_role(*DESCRIBING_ROLES)
                           if k in loc.columns]
        # Columns whose content starts a task's row (not its number, not a computed one).
        self.start_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.role != "number" and not col.computed
        ]
        self.computed_cols = [
            index for col, index, _ in self.columns if index is not None and col.computed
        ]
        # What a task has and a line of its content does not: who leads it, how long,
        # how much. And the columns such a line writes in.
        self.identity_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.role in TASK_ONLY_ROLES
        ]
        self.text_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.type == "text" and col.role not in TASK_ONLY_ROLES
        ]
        self.amount_cols = [index for col, index, _ in self.columns
                            if col.type == "money" and index is not None]
        self.min_width = max(loc.columns.values(), default=-1) + 1
        self.has_money = bool(self.form.money_columns)  # not Form C
        # A row of the table could not be read: its amounts are unknown.
        self.lost_rows = any(r >= loc.data_start for r in options.unreadable_rows)
        # (column key, line) of empty cells whose emptiness another problem explains
        # (an amount merged over them, a formula saved without its result).
        self.explained: set[tuple[str, int]] = set(options.merged_amounts)
        self.money_unit = MILLION  # the table's own unit (see nscl.table_checks.units)
        # Amounts typed as text in the template, which its formulas count as 0: column
        # key -> {sheet row: the amount read}.
        self.text_amounts: dict[str, dict[int, float]] = {}
        self.duration_in_years = False  # the duration header says "(năm)"
        # (sheet row, column order, recording order, problem): see sorted_problems.
        self.problems: list[tuple[int, int, float, Problem]] = []
        self._recording_at: float | None = None

    def _key_with_role(self, role: str) -> str | None:
        keys = self.form.keys_with_role(role)
        return keys[0] if keys else None

    def cell(self, key: str, line: int) -> str:
        """A1 reference of column ``key`` on sheet row ``line`` (1-based)."""
        return self.letters[self.position[key]] + str(line)

    def add(self, code: str, key: str | None, line: int | None, /, **params: Any) -> None:
        """Record a problem of rule ``code`` at column ``key`` of sheet row ``line``."""
        cell = None
        if key is not None and line is not None:
            cell = self.letters[self.position[key]] + str(line)
        problem = get_rule(code).problem(
            file=self.file, sheet=self.sheet, cell=cell, row=line, **params
        )
        order = self.position.get(key, 99) if key is not None else 99
        self.problems.append((line or 0, order, self._order(), problem))

    def _order(self) -> float:
        at = self._recording_at
        return len(self.problems) if at is None else at

    def record_as_if_at(self, slot: float | None) -> None:
        """Sort the problems recorded from now on as if recorded at ``slot`` (a length
        of :attr:`problems` earlier in the run; None: where they are recorded)."""
        self._recording_at = slot

    def drop_problems(self, codes: Collection[str], cells: Collection[str]) -> None:
        """Forget the problems of ``codes`` recorded at ``cells``."""
        self.problems = [item for item in self.problems
                         if item[3].code not in codes or item[3].cell not in cells]

    def add_header_problem(self, code: str, r: int, c: int, **params: Any) -> None:
        """A problem at a cell of the header block (0-based), listed before the rows'."""
        self.add_before_rows(code, r + 1, cell=a1(r, c), **params)

    def add_before_rows(self, code: str, line: int, *, cell: str, **params: Any) -> None:
        """A problem at ``cell``, listed with sheet row ``line`` before the rows' own."""
        problem = get_rule(code).problem(file=self.file, sheet=self.sheet, cell=cell,
                                         **params)
        self.problems.append((line, -1, self._order(), problem))

    def sorted_problems(self) -> list[Problem]:
        """The problems in row, then column, then recording order."""
        self.problems.sort(key=lambda item: item[:3])
        return [item[3] for item in self.problems]

    def value(self, row: Sequence[Any], index: int | None) -> Any:
        """The cell of ``row`` at column ``index`` (None when the row is shorter)."""
        return row[index] if index is not None and index < len(row) else None
