"""Validation results as data: one :class:`FileReport` per file read.

The validation engine fills these; the CLI, the add-in's marking, and the nightly
consolidation only read them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nscl.problems import Problem

__all__ = [
    "AgencyRef", "BudgetSummary", "FileReport", "RowCells", "RowRaw", "TaskRow", "figure_value",
]


@dataclass(frozen=True)
class AgencyRef:
    """The submitting agency as identified in a file (code from the registry)."""

    code: str
    name: str
    kind: str  # "ministry" (bộ, ngành) or "province" (địa phương)
    source: str = ""  # where it was found: "metadata", "header", "filename"

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"code": self.code, "name": self.name, "kind": self.kind}


class RowCells(Mapping[str, str]):
    """Column key -> A1 reference for one sheet row, computed on access.

    Shares one key -> column-letter map between all rows of a table, so that building
    10,000 rows costs one small object each instead of a dict of eleven strings.
    """

    __slots__ = ("_letters", "_row")

    def __init__(self, letters: Mapping[str, str], row: int | str) -> None:
        self._letters = letters
        self._row = str(row)

    def __getitem__(self, key: str) -> str:
        return self._letters[key] + self._row

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __repr__(self) -> str:
        return f"RowCells({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The letters map is shared by every row of a table; pickle stores it once.
        return (RowCells, (self._letters, self._row))


class RowRaw(Mapping[str, Any]):
    """Column key -> what the cell held, read through to the sheet row on access.

    ``positions`` (shared by every row of a table) maps each column key to its 0-based
    index in ``cells``, or None for a column the file does not have (reads as "").
    """

    __slots__ = ("_cells", "_positions")

    def __init__(self, positions: Mapping[str, int | None], cells: Sequence[Any]) -> None:
        self._positions = positions
        self._cells = cells

    def __getitem__(self, key: str) -> Any:
        index = self._positions[key]
        if index is None or index >= len(self._cells):
            return ""
        return self._cells[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return f"RowRaw({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RowRaw, (self._positions, self._cells))


@dataclass
class TaskRow:
    """One data row of a table form, parsed.

    ``values`` maps column keys (``task_name``, ``state_budget`` …) to parsed values:
    NFC text, ``float`` for money, ``int`` for Stt and duration, or None when empty or
    unparseable. ``raw`` keeps what the cell held. ``cells`` maps keys to A1 references.
    """

    sheet_row: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    cells: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BudgetSummary:
    """A file's budget (million VND): how many tasks, and the sum of each money column
    of its form (keyed like the columns: ``total``, ``state_budget``, ``counterpart``),
    a computed column always as the sum of its addends' sums (Tổng số = NSNN + Đối ứng,
    never the totals typed). A form without money columns has no amounts."""

    tasks: int = 0
    amounts: Mapping[str, float] = field(default_factory=dict)

    def amount(self, key: str) -> float | None:
        """The sum of column ``key``, or None when the file has no such amount."""
        return self.amounts.get(key)

    @property
    def total(self) -> float:
        """Tổng số (0 when the form has no budget)."""
        return self.amounts.get("total", 0.0)

    @property
    def state_budget(self) -> float:
        """NSNN (0 when the form has no budget)."""
        return self.amounts.get("state_budget", 0.0)

    @property
    def counterpart(self) -> float:
        """Đối ứng (0 when the form has no budget)."""
        return self.amounts.get("counterpart", 0.0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``tasks`` and each amount the file has."""
        return {"tasks": self.tasks, **{key: round(value, 6)
                                        for key, value in self.amounts.items()}}


@dataclass
class FileReport:
    """Everything learnt from one file: form, agency, rows, budget and problems."""

    path: str
    form: str | None = None  # "A", "B", "C" or None when not recognised
    form_version: str | None = None
    year: int | None = None
    agency: AgencyRef | None = None
    sheet: str | None = None
    rows: list[TaskRow] = field(default_factory=list)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)
    summary: BudgetSummary = field(default_factory=BudgetSummary)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    # The unit the table declares for its amounts ("đồng", …); the amounts in ``rows`` and
    # ``summary`` are always in million VND (nscl.numbers.from_million goes back).
    money_unit: str = "triệu đồng"

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity warning."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        """True when the file could be read and has no error."""
        return self.readable and not self.errors

    def issues(self) -> list[dict[str, Any]]:
        """The problems in the JSON shape shared by ``nscl validate`` and ``nscl sync``:
        ``{"code", "severity", "sheet", "cell", "message"}`` (the message with its
        position)."""
        return [
            {
                "code": p.code,
                "severity": p.severity,
                "sheet": p.sheet,
                "cell": p.cell,
                "message": p.full_message,
            }
            for p in self.problems
        ]

    def indicator_figures(self) -> dict[str, dict[str, int | float | None]]:
        """An annual report's figures for the JSON output: every indicator of Form B's
        description, in its order, as ``{"year": n | None, "cumulative": n | None}``
        (counts as whole numbers; None where the report gives no number)."""
        from nscl.forms import form_b

        out: dict[str, dict[str, int | float | None]] = {}
        for indicator in form_b().indicators:
            entry = self.indicators.get(indicator.key, {})
            out[indicator.key] = {
                "year": figure_value(entry.get("report_year"), indicator.kind),
                "cumulative": figure_value(entry.get("cumulative"), indicator.kind),
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``nscl validate --format json`` for one file (an annual
        report also gives its ``indicators``, as ``nscl sync`` does)."""
        out: dict[str, Any] = {
            "path": self.path,
            "form": self.form,
            "agency": self.agency.to_dict() if self.agency else None,
            "summary": self.summary.to_dict(),
            "issues": self.issues(),
        }
        if self.form == "B":
            out["indicators"] = self.indicator_figures()
        return out


def figure_value(value: Any, kind: str) -> int | float | None:
    """An indicator's value for JSON: None unless a finite number; a count as ``int``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
            or value in (float("inf"), float("-inf")):
        return None
    if kind == "count" and float(value).is_integer():
        return int(value)
    return float(value)
