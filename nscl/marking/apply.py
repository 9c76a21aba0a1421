"""Mark a workbook from its validation report, written once for both workbook engines.

What marking does (the "Kiểm tra" button and ``nscl validate --annotate``):

1. clears the marks of an earlier run: every cell recorded in the very hidden sheet
   ``_nscl_kiemtra`` gets its original fill and note back, and the computed cells an
   earlier run filled are emptied again (so clicking twice gives the same workbook);
2. fills the empty cells of the form's computed columns (Tổng số = NSNN + Đối ứng) from
   their addends (never a cell holding a formula, never a cell the user typed into);
3. colours error cells red and warning cells yellow, each with a note holding the
   messages (Vietnamese) and how to fix them;
4. records what it changed in ``_nscl_kiemtra`` (:mod:`nscl.marking.records`);
5. writes the sheet "Kết quả kiểm tra" (:mod:`nscl.marking.results_sheet`): a summary
   and one row per problem, with a link to the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nscl.a1 import range_cells
from nscl.forms import TableForm, get_form
from nscl.marking.records import (
    MARKS_HEADER,
    MARKS_SHEET,
    MarkRecord,
    clear_marks,
    read_mark_records,
)
from nscl.marking.results_sheet import OWN_SHEETS, RESULTS_SHEET, problem_sheet, write_results
from nscl.marking.workbook_api import CellAddress, WorkbookAccess, is_blank
from nscl.numbers import format_number, from_million
from nscl.problems import SEVERITY_LABELS, Problem
from nscl.report import BudgetSummary, FileReport

__all__ = [
    "ERROR_FILL",
    "WARNING_FILL",
    "MarkingResult",
    "apply_report",
    "outcome_message",
]

ERROR_FILL = "FFC7CE"  # Excel's light red ("Bad")
WARNING_FILL = "FFEB9C"  # Excel's light yellow ("Neutral")
_MAX_CELLS_PER_PROBLEM = 200


@dataclass
class MarkingResult:
    """What marking did to a workbook."""

    workbook: str
    readable: bool
    errors: int
    warnings: int
    summary: BudgetSummary
    form: str | None = None
    totals_filled: list[str] = field(default_factory=list)
    marked_cells: dict[str, str] = field(default_factory=dict)  # "Sheet!H12" -> severity
    first_problem: str = ""

    @property
    def clean(self) -> bool:
        """Readable, with neither error nor warning."""
        return self.readable and not self.errors and not self.warnings


def _table_form(report: FileReport) -> TableForm | None:
    if not report.form:
        return None
    form = get_form(report.form)
    return form if isinstance(form, TableForm) else None


# ---------------------------------------------------------------- planning


def _note_line(problem: Problem) -> str:
    label = SEVERITY_LABELS.get(problem.severity, problem.severity)
    line = f"{label} [{problem.code}]: {problem.statement}"
    if problem.fix:
        line += f"\nCách sửa: {problem.fix}"
    return line


@dataclass
class _PlannedMark:
    severity: str
    lines: list[str]


def _plan_marks(report: FileReport, sheets: set[str]) -> dict[CellAddress, _PlannedMark]:
    planned: dict[CellAddress, _PlannedMark] = {}
    for problem in report.problems:
        sheet = problem_sheet(problem, report)
        if not problem.cell or sheet is None or sheet not in sheets or sheet in OWN_SHEETS:
            continue
        try:
            cells = range_cells(problem.cell, _MAX_CELLS_PER_PROBLEM)
        except ValueError:
            continue
        for cell in cells:
            key = CellAddress(sheet, cell)
            mark = planned.setdefault(key, _PlannedMark(problem.severity, []))
            if problem.severity == "error":
                mark.severity = "error"
            line = _note_line(problem)
            if line not in mark.lines:
                mark.lines.append(line)
    return planned


def _fill_computed(
    book: WorkbookAccess, report: FileReport, emptied: set[tuple[str, str]]
) -> tuple[list[str], list[MarkRecord]]:
    """Write the sum of its addends into each empty cell of a computed column (Tổng số =
    NSNN + Đối ứng); return the cells filled and their records."""
    sheet = report.sheet
    form = _table_form(report)
    if form is None or not sheet or sheet not in book.sheet_names():
        return [], []
    filled: list[str] = []
    records: list[MarkRecord] = []
    for column in form.computed_columns:
        for row in report.rows:
            cell = row.cells.get(column.key)
            value = column.compute(row.values)
            if not cell or value is None:
                continue
            ours = (sheet, cell) in emptied
            if not ours and not is_blank(row.raw.get(column.key)):
                continue
            try:
                if book.has_formula(sheet, cell):
                    continue
                if not ours and not is_blank(book.get_value(sheet, cell)):
                    continue
                if column.type == "money":  # in the sheet's own unit (the report's: million)
                    value = from_million(value, report.money_unit)
                value = round(value, 6)
                book.set_value(sheet, cell, int(value) if value.is_integer() else value)
            except (KeyError, ValueError):
                continue
            filled.append(cell)
            records.append(MarkRecord(sheet=sheet, cell=cell, kind="total"))
    return filled, records


# ---------------------------------------------------------------- entry points


def apply_report(
    book: WorkbookAccess,
    report: FileReport,
    *,
    previous: Sequence[MarkRecord] | None = None,
    emptied: set[tuple[str, str]] | None = None,
) -> MarkingResult:
    """Mark ``book`` from ``report`` (see the module documentation); idempotent.

    ``previous``/``emptied``: the records of the earlier run and the cells
    :func:`~nscl.marking.records.clear_marks` already emptied, when the caller cleared
    the old marks itself before validating (the button does, so that the engine never
    sees the add-in's own filled totals). Without them, old marks are read and cleared
    here.
    """
    if previous is None:
        previous = read_mark_records(book)
        emptied = clear_marks(book, previous)
    emptied = emptied or set()
    originals = {(r.sheet, r.cell): r for r in previous if r.kind == "mark"}

    filled, records = _fill_computed(book, report, emptied)
    sheets = set(book.sheet_names())
    marked: dict[str, str] = {}
    for address, mark in _plan_marks(report, sheets).items():
        old = originals.get((address.sheet, address.cell))
        try:
            fill = old.fill if old else book.get_fill(address.sheet, address.cell)
            note = old.note if old else book.get_note(address.sheet, address.cell)
            colour = ERROR_FILL if mark.severity == "error" else WARNING_FILL
            book.set_fill(address.sheet, address.cell, colour)
            book.set_note(address.sheet, address.cell, "\n\n".join(mark.lines))
        except (KeyError, ValueError):
            continue
        records.append(MarkRecord(address.sheet, address.cell, "mark", fill, note))
        marked[f"{address.sheet}!{address.cell}"] = mark.severity

    book.reset_sheet(MARKS_SHEET, very_hidden=True)
    book.write_rows(MARKS_SHEET, 1, [list(MARKS_HEADER), *(r.as_row() for r in records)])
    write_results(book, report)

    first = report.errors[0] if report.errors else (report.problems[0] if report.problems else None)
    return MarkingResult(
        workbook=book.name,
        readable=report.readable,
        errors=len(report.errors),
        warnings=len(report.warnings),
        summary=report.summary,
        form=report.form,
        totals_filled=filled,
        marked_cells=marked,
        first_problem=first.message if first else "",
    )


def _money_sentence(result: MarkingResult) -> str:
    """ "3 nhiệm vụ, tổng kinh phí 1.500 triệu đồng (NSNN 1.000, Đối ứng 500)." from the
    form's money columns; just the tasks for a form without any."""
    tasks = f"{result.summary.tasks} nhiệm vụ"
    form = get_form(result.form) if result.form else None
    if not isinstance(form, TableForm) or not result.summary.amounts:
        return f"{tasks}."
    amounts = result.summary.amounts
    parts: list[str] = []
    lead = ""
    for column in form.computed_columns:
        if column.type != "money" or column.key not in amounts:
            continue
        lead = f", tổng kinh phí {format_number(amounts[column.key])} {column.unit or ''}".rstrip()
        parts = [f"{form.column(key).header} {format_number(amounts[key])}"
                 for key in column.computed_from if key in amounts]
        break
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{tasks}{lead}{detail}."


def outcome_message(result: MarkingResult) -> str:
    """The one Vietnamese sentence block shown in the button's message box."""
    if not result.readable:
        return (
            "Không đọc được bảng số liệu của tệp này.\n"
            f"{result.first_problem}\n"
            f"Xem chi tiết ở sheet “{RESULTS_SHEET}”."
        )
    money = _money_sentence(result)
    if result.clean:
        text = f"Không phát hiện lỗi. Bảng có {money}"
    else:
        text = (
            f"Phát hiện {result.errors} lỗi và {result.warnings} cảnh báo. "
            "Ô lỗi được tô đỏ, ô cảnh báo tô vàng (di chuột vào ô để xem ghi chú); "
            f"danh sách đầy đủ ở sheet “{RESULTS_SHEET}”.\nBảng có {money}"
        )
    if result.totals_filled:
        text += "\n" + _filled_sentence(result)
    return text


def _filled_sentence(result: MarkingResult) -> str:
    """ "Đã tự điền cột Tổng số cho 3 dòng (= NSNN + Đối ứng)." """
    count = len(result.totals_filled)
    form = get_form(result.form) if result.form else None
    if isinstance(form, TableForm) and form.computed_columns:
        column = form.computed_columns[0]
        addends = " + ".join(form.column(key).header for key in column.computed_from)
        return f"Đã tự điền cột {column.header} cho {count} dòng (= {addends})."
    return f"Đã tự điền {count} ô tính tổng."
