"""Read the rows of a located table form (Form A, or Form C) and check them.

One pass over the data rows: blank rows are skipped, the totals row ("Tổng cộng",
"Cộng") is kept aside for a cross-check, the signature footer ends the table. Every
started row becomes a :class:`~nscl.report.TaskRow` whose ``cells`` map every column of
the form (found or not, empty or not) to an A1 reference, and yields problems of the
rules in :mod:`nscl.rules`. Per-cell work is kept light: this is the hot path of
``nscl validate`` on big files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nscl.forms import Column, TableForm
from nscl.legacy import convert_legacy, detect_legacy
from nscl.locate import TableLocation, a1, cell_text, column_letter
from nscl.numbers import ParsedNumber, parse_duration, parse_number
from nscl.problems import Problem, get_rule
from nscl.report import BudgetSummary, TaskRow
from nscl.text import compare_key

__all__ = ["TableOptions", "TableResult", "check_table", "format_number"]

MONEY_TOLERANCE = 0.001  # million VND
_TOTALS_LABEL = re.compile(r"^(?:tổng cộng|cộng|tổng|tổng số|tổng cộng kinh phí)\s*[:.]?$")
_FOOTER = re.compile(
    r"ngày\s*\S*\s*tháng|xác nhận của|ký,? ghi rõ|thủ trưởng|người lập|nơi nhận|"
    r"^kt\.|^tm\.|^giám đốc|^chủ tịch|^bộ trưởng"
)
_SEQ_TEXT = re.compile(r"^\s*(\d{1,5})\s*\.?\s*$")


@dataclass(frozen=True)
class TableOptions:
    """What the table checks need beyond the table itself."""

    year: int | None = None
    max_state_budget_share: float | None = None
    program_end_year: int = 2030


@dataclass
class TableResult:
    """Rows, problems and budget of one table."""

    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: BudgetSummary = field(default_factory=BudgetSummary)
    totals_row: int | None = None  # 1-based sheet row of "Tổng cộng"


def format_number(value: float) -> str:
    """A number the Vietnamese way: "1.250,5", "12.000", "0,25"."""
    if value != value:  # NaN
        return "?"
    rounded = round(value, 3)
    if rounded == int(rounded):
        text = f"{int(rounded):,}"
        return text.replace(",", ".")
    text = f"{rounded:,.3f}".rstrip("0")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _looks_like_totals(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    head = value.lstrip()[:1]
    if head not in ("T", "t", "C", "c"):
        return False
    return bool(_TOTALS_LABEL.match(compare_key(value)))


class _Checker:
    """State of one pass over a table."""

    def __init__(
        self,
        loc: TableLocation,
        *,
        sheet: str,
        file: str | None,
        options: TableOptions,
    ) -> None:
        self.loc = loc
        self.form: TableForm = loc.form
        self.sheet = sheet
        self.file = file
        self.options = options
        self.result = TableResult()
        self.columns: list[tuple[Column, int | None, str]] = [
            (col, loc.columns.get(col.key), column_letter(loc.columns[col.key])
             if col.key in loc.columns else "")
            for col in self.form.columns
        ]
        # Columns not found still get a cell reference: after the last column found.
        spare = max(loc.columns.values(), default=-1) + 1
        fixed: list[tuple[Column, int | None, str]] = []
        for col, index, letter in self.columns:
            if index is None:
                letter = column_letter(spare)
                spare += 1
            fixed.append((col, index, letter))
        self.columns = fixed
        self.headers = {col.key: col.header for col in self.form.columns}
        self.nfd_count = 0
        self.nfd_first: str | None = None
        self.names: dict[str, int] = {}
        self.expected_seq = 1
        self.sum_state = 0.0
        self.sum_counterpart = 0.0
        self.label_cols = [
            loc.columns[k] for k in ("seq", "task_name") if k in loc.columns
        ]

    # -- problems ------------------------------------------------------------------------
    def add(self, code: str, cell: str | None, at_row: int | None, /, **params: Any) -> None:
        self.result.problems.append(
            get_rule(code).problem(
                file=self.file, sheet=self.sheet, cell=cell, row=at_row, **params
            )
        )

    # -- row classification --------------------------------------------------------------
    def _non_empty(self, row: Sequence[Any]) -> list[Any]:
        return [v for v in row if not _is_blank(v)]

    def _is_footer(self, filled: list[Any]) -> bool:
        if len(filled) > 2:
            return False
        return any(isinstance(v, str) and _FOOTER.search(compare_key(v)) for v in filled)

    def _is_totals(self, row: Sequence[Any]) -> bool:
        width = len(row)
        for c in self.label_cols:
            if c < width and _looks_like_totals(row[c]):
                return True
        # A label merged over the first columns sits in the first non-empty cell.
        for value in row:
            if not _is_blank(value):
                return _looks_like_totals(value)
        return False

    # -- values --------------------------------------------------------------------------
    def _text(self, value: Any, cell: str, line: int) -> str | None:
        if _is_blank(value):
            return None
        if not isinstance(value, str):
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        text = value.strip()
        if not text.isascii():
            if not unicodedata.is_normalized("NFC", text):
                self.nfd_count += 1
                if self.nfd_first is None:
                    self.nfd_first = cell
                text = unicodedata.normalize("NFC", text)
            encoding = detect_legacy(text)
            if encoding is not None:
                converted = convert_legacy(text, encoding)
                self.add(
                    "text-legacy-encoding", cell, line,
                    encoding="TCVN3" if encoding == "tcvn3" else "VNI",
                    raw=_short(text), text=_short(converted),
                )
                text = converted
        return text

    def _money(self, col: Column, value: Any, cell: str, line: int) -> float | None:
        parsed: ParsedNumber = parse_number(value)
        if parsed.value is None:
            if not parsed.empty:
                self.add("not-a-number", cell, line, header=col.header, value=_short(value))
            return None
        number = parsed.value
        if parsed.style != "native":
            self.add(
                "number-as-text", cell, line,
                header=col.header, value=_short(value), number=format_number(number),
            )
            if parsed.style == "ambiguous":
                alternative = float(str(value).strip().replace(",", ""))
                self.add(
                    "number-ambiguous", cell, line, value=_short(value),
                    number=format_number(number), alternative=format_number(alternative),
                )
        if number < 0 and ((col.min is not None and col.min >= 0) or col.computed):
            self.add(
                "negative-budget", cell, line, header=col.header, number=format_number(number)
            )
        return number

    def _seq(self, value: Any, cell: str, line: int) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seq = int(value) if float(value).is_integer() else None
        elif isinstance(value, str):
            found = _SEQ_TEXT.match(value)
            seq = int(found.group(1)) if found else None
        else:
            seq = None
        expected = self.expected_seq
        if seq != expected:
            self.add("seq-order", cell, line, value=_short(cell_text(value)), expected=expected)
        self.expected_seq = (seq if seq is not None else expected) + 1
        return seq

    def _duration(self, col: Column, value: Any, cell: str, line: int) -> int | None:
        parsed = parse_duration(value)
        if parsed.empty:
            self.add("duration-missing", cell, line, line=line)
            return None
        if parsed.months is None:
            self.add("duration-invalid", cell, line, value=_short(value))
            return None
        months = parsed.whole_months
        if months is None:
            self.add("duration-not-whole", cell, line, months=format_number(parsed.months))
            return None
        low = int(col.min) if col.min is not None else 1
        high = int(col.max) if col.max is not None else 72
        if not low <= months <= high:
            self.add("duration-out-of-range", cell, line, months=months, min=low, max=high)
        end_year = self.options.program_end_year
        start_year = parsed.start[0] if parsed.start else self.options.year
        if parsed.end is not None:
            past = parsed.end[0] > end_year
        elif start_year is not None:
            past = months > (end_year + 1 - start_year) * 12
        else:
            past = False
        if past and start_year is not None:
            self.add(
                "duration-past-2030", cell, line,
                start=start_year, months=months, end_year=end_year,
            )
        return months

    # -- one row -------------------------------------------------------------------------
    def row(self, r: int, row: Sequence[Any]) -> None:
        line = r + 1
        width = len(row)
        line_text = str(line)
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        cells: dict[str, str] = {}
        for col, index, letter in self.columns:
            cells[col.key] = letter + line_text
            raw[col.key] = row[index] if index is not None and index < width else ""
        started = any(
            not _is_blank(raw[col.key])
            for col, _, _ in self.columns
            if col.key != "seq" and not col.computed
        )
        if not started:
            computed_values = [
                parse_number(raw[col.key]).value for col, _, _ in self.columns if col.computed
            ]
            if not any(v for v in computed_values):
                return
        for col, index, _ in self.columns:
            key = col.key
            if index is None:  # column absent: reported once as column-missing
                values[key] = None
                continue
            value = raw[key]
            cell = cells[key]
            if col.type == "text":
                parsed_text = self._text(value, cell, line)
                values[key] = parsed_text
                if parsed_text is None and col.required:
                    self.add("required-missing", cell, line, line=line, header=col.header)
            elif col.type == "integer":
                if _is_blank(value):
                    values[key] = None
                    if col.required:
                        self.add("required-missing", cell, line, line=line, header=col.header)
                    self.expected_seq += 1
                else:
                    values[key] = self._seq(value, cell, line)
            elif col.type == "duration":
                values[key] = self._duration(col, value, cell, line)
            else:  # money
                number = self._money(col, value, cell, line)
                values[key] = number
                if number is None and _is_blank(value) and col.required:
                    self.add("required-missing", cell, line, line=line, header=col.header)
        self._budget(values, cells, line)
        name = values.get("task_name")
        if isinstance(name, str):
            key = compare_key(name)
            first = self.names.get(key)
            if first is None:
                self.names[key] = line
            else:
                self.add(
                    "duplicate-task", cells["task_name"], line,
                    other_row=first, name=_short(name),
                )
        self.result.rows.append(TaskRow(sheet_row=line, values=values, raw=raw, cells=cells))

    def _budget(self, values: dict[str, Any], cells: dict[str, str], line: int) -> None:
        if not self.form.has_column("state_budget"):
            return
        state = values.get("state_budget")
        counterpart = values.get("counterpart")
        total = values.get("total")
        if isinstance(state, float):
            self.sum_state += state
        if isinstance(counterpart, float):
            self.sum_counterpart += counterpart
        if not isinstance(state, float) or not isinstance(counterpart, float):
            return
        expected = state + counterpart
        if total is None:
            if "total" in values:
                values["total"] = expected
        elif isinstance(total, float) and abs(total - expected) > MONEY_TOLERANCE:
            self.add(
                "budget-mismatch", cells["total"], line,
                total=format_number(total), expected=format_number(expected),
                diff=format_number(abs(total - expected)),
            )
        share_limit = self.options.max_state_budget_share
        if share_limit is not None and expected > 0 and state / expected > share_limit + 1e-9:
            self.add(
                "state-budget-share", cells["state_budget"], line,
                share=format_number(100 * state / expected),
                limit=format_number(100 * share_limit),
            )

    def totals(self, r: int, row: Sequence[Any]) -> None:
        self.result.totals_row = r + 1
        expected = {
            "state_budget": self.sum_state,
            "counterpart": self.sum_counterpart,
            "total": self.sum_state + self.sum_counterpart,
        }
        for col, index, letter in self.columns:
            if col.type != "money" or index is None or index >= len(row):
                continue
            parsed = parse_number(row[index])
            want = expected.get(col.key)
            if parsed.value is None or want is None:
                continue
            if abs(parsed.value - want) > MONEY_TOLERANCE * max(1, len(self.result.rows)):
                self.add(
                    "totals-mismatch", f"{letter}{r + 1}", r + 1,
                    header=col.header, found=format_number(parsed.value),
                    expected=format_number(want),
                )

    def finish(self) -> TableResult:
        if self.nfd_count:
            self.add(
                "text-not-nfc", self.nfd_first, None, count=self.nfd_count, first=self.nfd_first
            )
        self.result.summary = BudgetSummary(
            tasks=len(self.result.rows),
            total=self.sum_state + self.sum_counterpart,
            state_budget=self.sum_state,
            counterpart=self.sum_counterpart,
        )
        return self.result


def check_table(
    grid: Sequence[Sequence[Any]],
    loc: TableLocation,
    *,
    sheet: str,
    file: str | None = None,
    options: TableOptions | None = None,
) -> TableResult:
    """Read and check the data rows of the table at ``loc`` in ``grid``."""
    checker = _Checker(loc, sheet=sheet, file=file, options=options or TableOptions())
    after_totals = False
    for r in range(loc.data_start, len(grid)):
        row = grid[r]
        filled = checker._non_empty(row)
        if not filled:
            continue
        if checker._is_footer(filled):
            break
        if checker._is_totals(row):
            checker.totals(r, row)
            after_totals = True
            continue
        if after_totals and len(filled) <= 1:
            continue
        checker.row(r, row)
    return checker.finish()


def missing_required_columns(loc: TableLocation) -> list[Column]:
    """Required columns of the form that the located header does not have."""
    return [
        col
        for col in loc.form.columns
        if col.required and col.key not in loc.columns
    ]


def column_cell(loc: TableLocation, key: str) -> str:
    """A1 reference of a column's header cell (first header row)."""
    return a1(loc.header_row, loc.columns.get(key, 0))
