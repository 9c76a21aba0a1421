"""Input help on a table sheet: data validation and conditional formatting.

Data validation shows each column's ``help`` text (Vietnamese) as the input message
and refuses values outside the column's type and bounds with a stop alert.
Conditional formatting paints light red a required cell left empty in a started row
(a row where any input cell is filled) and a number column holding text (pasted
values skip data validation), and light yellow an amount above its column's
``warn_above`` (what validation reports as ``amount-implausible``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from nscl.a1 import column_letter
from nscl.forms import Column, TableForm
from nscl.template_build.plan import Highlight, SheetPlan, ValidationRule
from nscl.template_build.styles import Styles

__all__ = [
    "ERROR_TITLE",
    "add_column_validation",
    "column_validation",
    "input_segments",
    "mark_missing_required",
    "mark_non_numbers",
    "mark_unlikely_amounts",
    "short_title",
]

ERROR_TITLE = "Giá trị không hợp lệ"
_TITLE_MAX = 32  # Excel limit of a validation title
_MESSAGE_MAX = 255  # Excel limit of a validation message


def short_title(text: str) -> str:
    """``text`` cut to Excel's 32-character title limit (at " (" when possible)."""
    if len(text) <= _TITLE_MAX:
        return text
    head = text.split(" (", 1)[0]
    if len(head) <= _TITLE_MAX:
        return head
    return text[: _TITLE_MAX - 1] + "…"


def _message(text: str) -> str:
    return text if len(text) <= _MESSAGE_MAX else text[: _MESSAGE_MAX - 1] + "…"


def _bounds(column: Column, rule: ValidationRule) -> ValidationRule:
    if column.min is not None and column.max is not None:
        return replace(rule, criteria="between", minimum=column.min, maximum=column.max)
    if column.min is not None:
        return replace(rule, criteria=">=", value=column.min)
    if column.max is not None:
        return replace(rule, criteria="<=", value=column.max)
    return replace(rule, criteria=">=", value=0)


def column_validation(column: Column) -> ValidationRule:
    """The data validation of the input cells of ``column``."""
    title, message = short_title(column.header), _message(column.help)
    if column.computed or column.type not in ("integer", "duration", "money"):
        return ValidationRule("any", title, message)
    return _bounds(column, ValidationRule(
        "decimal" if column.type == "money" else "integer", title, message,
        error_title=ERROR_TITLE, error_message=_message(f"{column.header}: {column.help}"),
    ))


def add_column_validation(
    worksheet: SheetPlan, column: Column, col: int, first_row: int, last_row: int
) -> None:
    """Add the data validation of ``column`` to its input cells."""
    worksheet.validate(first_row, col, last_row, col, column_validation(column))


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted column indexes."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def input_segments(form: TableForm) -> list[tuple[int, int]]:
    """Contiguous runs of typed-in (not computed) columns, 0-based."""
    return _runs([i for i, c in enumerate(form.columns) if not c.computed])


def _paint(worksheet: SheetPlan, first_row: int, last_row: int, first_col: int,
           last_col: int, fmt: Highlight, criteria: Callable[[str], str], meaning: str) -> None:
    """Conditional format ``fmt`` on the input rows of columns ``first_col``…``last_col``
    where the formula ``criteria(top-left cell)`` (relative to that cell) holds."""
    top_left = f"{column_letter(first_col)}{first_row + 1}"
    worksheet.highlight(first_row, first_col, last_row, last_col,
                        formula=criteria(top_left), highlight=fmt, meaning=meaning)


def _above(cell: str, *, limit: str) -> str:
    return f"=AND(ISNUMBER({cell}),{cell}>{limit})"


def _started_test(form: TableForm, row: int) -> str:
    """``COUNTA($A9:$G9,$I9:$K9)>0``: the row has any typed-in value."""
    parts = [
        f"${column_letter(a)}{row + 1}:${column_letter(b)}{row + 1}"
        for a, b in input_segments(form)
    ]
    return f"COUNTA({','.join(parts)})>0"


def mark_missing_required(
    worksheet: SheetPlan, styles: Styles, form: TableForm, first_row: int, last_row: int
) -> None:
    """Light red on a required cell left empty in a started row."""
    required = [i for i, c in enumerate(form.columns) if c.required and not c.computed]
    fmt = styles.missing()
    started = _started_test(form, first_row)
    for a, b in _runs(required):
        _paint(worksheet, first_row, last_row, a, b, fmt,
               lambda cell: f"=AND({started},LEN(TRIM({cell}))=0)", "missing-required")


def mark_non_numbers(
    worksheet: SheetPlan, styles: Styles, form: TableForm, first_row: int, last_row: int
) -> None:
    """Light red on text typed or pasted into a number column."""
    numeric = [
        i for i, c in enumerate(form.columns)
        if c.type in ("integer", "duration", "money") and not c.computed
    ]
    fmt = styles.missing()
    for a, b in _runs(numeric):
        _paint(worksheet, first_row, last_row, a, b, fmt,
               lambda cell: f'=AND({cell}<>"",NOT(ISNUMBER({cell})))', "not-a-number")


def mark_unlikely_amounts(
    worksheet: SheetPlan, styles: Styles, form: TableForm, first_row: int, last_row: int
) -> None:
    """Light yellow on an amount above its column's ``warn_above`` (most likely typed in
    đồng under a triệu đồng header): allowed, as validation allows it with a warning."""
    fmt = styles.unlikely()
    for i, column in enumerate(form.columns):
        if column.warn_above is None or column.computed:
            continue
        _paint(worksheet, first_row, last_row, i, i, fmt,
               partial(_above, limit=f"{column.warn_above:g}"), "amount-implausible")
