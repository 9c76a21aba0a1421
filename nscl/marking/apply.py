"""Mark a workbook from its validation report, written once for both workbook engines.

What marking does (the "Kiểm tra" button and ``nscl validate --annotate``):

1. plans every change, reading only: the marks of an earlier run to undo (the cells
   recorded in the very hidden sheet ``_nscl_kiemtra`` get their original fill and note
   back, the computed cells it filled are emptied again, so that clicking twice gives
   the same workbook), the empty cells of the form's computed columns to fill (Tổng số
   = NSNN + Đối ứng; never a cell holding a formula, never a cell the user typed into),
   the error cells to colour red and the warning cells yellow, each with a note holding
   the messages (Vietnamese) and how to fix them;
2. lifts the protection of the sheets it changes, and the lock on the workbook's
   structure when it must add a sheet (:meth:`~nscl.marking.workbook_api.WorkbookAccess.
   lift_protection`; a password stops it here, before any change);
3. writes the record (:mod:`nscl.marking.records`) *first*: every cell it is about to
   change, with its original fill and note;
4. makes the changes, each entered in an undo log (:mod:`nscl.marking.journal`) before it
   is made; then writes the final record and the sheet "Kết quả kiểm tra"
   (:mod:`nscl.marking.results_sheet`): a summary and one row per problem, with a link
   to the cell;
5. protects again what it lifted, with the same options.

When the workbook refuses a change (Excel's COM error), every change made so far is
undone and :class:`~nscl.marking.journal.ChangeFailed` is raised: a workbook is never
left half-marked. Should the undo itself fail, the record written first still names
every changed cell, and the next click undoes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from nscl.a1 import parse_a1, range_cells
from nscl.forms import TableForm, get_form
from nscl.marking.journal import ChangeFailed, Journal
from nscl.marking.records import (
    MARKS_HEADER,
    MARKS_SHEET,
    MarkRecord,
    pending_totals,
    read_mark_records,
)
from nscl.marking.results_sheet import OWN_SHEETS, RESULTS_SHEET, problem_sheet, write_results
from nscl.marking.workbook_api import (
    CellAddress,
    CellValue,
    PasswordProtected,
    WorkbookAccess,
    is_blank,
)
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
    """What marking did to a workbook.

    ``password_sheet``/``password_structure``: the workbook was not marked at all, because
    that sheet (or its structure) is protected with a password; the counts are still the
    validation's.
    """

    workbook: str
    readable: bool
    errors: int
    warnings: int
    summary: BudgetSummary
    form: str | None = None
    totals_filled: list[str] = field(default_factory=list)
    marked_cells: dict[str, str] = field(default_factory=dict)  # "Sheet!H12" -> severity
    first_problem: str = ""
    password_sheet: str | None = None
    password_structure: bool = False

    @property
    def clean(self) -> bool:
        """Readable, with neither error nor warning."""
        return self.readable and not self.errors and not self.warnings

    @property
    def marked(self) -> bool:
        """Whether the workbook was marked (not stopped by a password)."""
        return self.password_sheet is None and not self.password_structure


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


def _computed_fills(
    book: WorkbookAccess, report: FileReport, present: set[str], ours: set[tuple[str, str]]
) -> dict[tuple[str, str], CellValue]:
    """The sum of its addends for each empty cell of a computed column (Tổng số = NSNN +
    Đối ứng), in the sheet's own money unit. ``ours``: cells an earlier run filled (they
    count as empty); a cell holding a formula is left alone."""
    sheet = report.sheet
    form = _table_form(report)
    if form is None or not sheet or sheet not in present:
        return {}
    candidates: dict[str, CellValue] = {}
    for column in form.computed_columns:
        for row in report.rows:
            cell = row.cells.get(column.key)
            value = column.compute(row.values)
            if not cell or value is None:
                continue
            if (sheet, cell) not in ours and not is_blank(row.raw.get(column.key)):
                continue
            if column.type == "money":  # in the sheet's own unit (the report's: million)
                value = from_million(value, report.money_unit)
            value = round(value, 6)
            candidates[cell] = int(value) if value.is_integer() else value
    kept = book.formula_cells(sheet, candidates) if candidates else set()
    return {(sheet, cell): value for cell, value in candidates.items() if cell not in kept}


@dataclass
class _CellChange:
    """A fill and note to set on one cell, and what it holds now (to undo the change)."""

    sheet: str
    cell: str
    fill: str | None
    note: str | None
    before_fill: str | None
    before_note: str | None
    ours: bool = False  # a mark (its note sized to its text), not an original put back
    before_ours: bool = False  # the cell holds the earlier run's mark now

    @property
    def needed(self) -> bool:
        """The cell does not already look like this (a mark left by the earlier run)."""
        return (self.fill, self.note) != (self.before_fill, self.before_note)


@dataclass
class _Plan:
    """Every change marking will make, found by reading the workbook only."""

    present: set[str]
    previous: list[MarkRecord]
    values: dict[str, dict[str, CellValue]] = field(default_factory=dict)  # sheet -> cell -> new
    values_before: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    cells: list[_CellChange] = field(default_factory=list)  # restored first, then marked
    records: list[MarkRecord] = field(default_factory=list)  # the final record
    first_record: list[MarkRecord] = field(default_factory=list)  # written before any change
    totals_filled: list[str] = field(default_factory=list)
    marked: dict[str, str] = field(default_factory=dict)
    prior_results: list[list[CellValue]] | None = None

    @property
    def sheets_changed(self) -> set[str]:
        """Sheets whose cells change, the add-in's own sheets that exist included."""
        changed = set(self.values) | {c.sheet for c in self.cells if c.needed}
        return changed | (set(OWN_SHEETS) & self.present)

    @property
    def sheets_added(self) -> bool:
        """Whether marking adds a sheet (its own sheets do not all exist yet)."""
        return not set(OWN_SHEETS) <= self.present


def _by_sheet(cells: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for sheet, cell in cells:
        grouped.setdefault(sheet, []).append(cell)
    return grouped


def _row_order(cell: str) -> tuple[int, int]:
    return parse_a1(cell)


def _plan(book: WorkbookAccess, report: FileReport, previous: Sequence[MarkRecord]) -> _Plan:
    present = set(book.sheet_names())
    plan = _Plan(present=present, previous=list(previous))
    old = [r for r in previous if r.sheet in present]

    # Computed cells: the earlier run's emptied again, the new ones filled.
    emptied = pending_totals(book, old)
    fills = _computed_fills(book, report, present, emptied)
    for sheet, cells in _by_sheet(emptied | set(fills)).items():
        before = book.read_cells(sheet, cells)
        plan.values_before[sheet] = before
        plan.values[sheet] = {cell: fills.get((sheet, cell)) for cell in
                              sorted(cells, key=_row_order)}
    for (sheet, cell) in fills:
        plan.totals_filled.append(cell)
        plan.records.append(MarkRecord(sheet=sheet, cell=cell, kind="total"))

    # Marks: the earlier run's undone, the new ones made.
    old_marks = {(r.sheet, r.cell): r for r in old if r.kind == "mark"}
    marks: list[_CellChange] = []
    for address, mark in _plan_marks(report, present).items():
        key = (address.sheet, address.cell)
        try:
            fill = book.get_fill(address.sheet, address.cell)
            note = book.get_note(address.sheet, address.cell)
        except (KeyError, ValueError):  # not a cell of its own (inside a merged range)
            continue
        earlier = old_marks.pop(key, None)
        original_fill = earlier.fill if earlier else fill
        original_note = earlier.note if earlier else note
        colour = ERROR_FILL if mark.severity == "error" else WARNING_FILL
        marks.append(_CellChange(address.sheet, address.cell, colour, "\n\n".join(mark.lines),
                                 fill, note, ours=True, before_ours=earlier is not None))
        plan.records.append(MarkRecord(address.sheet, address.cell, "mark",
                                       original_fill, original_note))
        plan.marked[f"{address.sheet}!{address.cell}"] = mark.severity
    for (sheet, cell), record in old_marks.items():
        try:
            fill = book.get_fill(sheet, cell)
            note = book.get_note(sheet, cell)
        except (KeyError, ValueError):
            continue
        plan.cells.append(_CellChange(sheet, cell, record.fill, record.note, fill, note,
                                      before_ours=True))
    plan.cells.extend(marks)

    # The record written first names the earlier run's cells too, until they are undone.
    kept = {(r.sheet, r.cell, r.kind) for r in plan.records}
    plan.first_record = plan.records + [r for r in old if (r.sheet, r.cell, r.kind) not in kept]
    if RESULTS_SHEET in present:
        plan.prior_results = book.read_values(RESULTS_SHEET)
    return plan


def _write_record(book: WorkbookAccess, records: Sequence[MarkRecord]) -> None:
    book.reset_sheet(MARKS_SHEET, very_hidden=True)
    book.write_rows(MARKS_SHEET, 1, [list(MARKS_HEADER), *(r.as_row() for r in records)])


def _execute(book: WorkbookAccess, report: FileReport, plan: _Plan) -> None:
    """Make the planned changes, all or none (:class:`ChangeFailed` after undoing)."""
    journal = Journal()
    undo_record = None
    step = f"ghi sheet ẩn {MARKS_SHEET}"
    try:
        created = MARKS_SHEET not in plan.present
        book.reset_sheet(MARKS_SHEET, very_hidden=True)
        if created:
            def undo_record() -> None:
                book.remove_sheet(MARKS_SHEET)
        else:
            def undo_record() -> None:
                _write_record(book, plan.previous)
        _write_record(book, plan.first_record)

        step = "điền hoặc xoá ô Tổng số"
        for sheet, values in plan.values.items():
            before = plan.values_before[sheet]
            journal.record(f"{sheet}: {len(values)} ô", partial(book.write_cells, sheet, before))
            book.write_cells(sheet, values)
        for change in plan.cells:
            if not change.needed:
                continue
            step = f"tô màu, ghi chú ô {change.sheet}!{change.cell}"
            journal.record(step, partial(_set_mark, book, change.sheet, change.cell,
                                         change.before_fill, change.before_note,
                                         fit=change.before_ours))
            _set_mark(book, change.sheet, change.cell, change.fill, change.note, fit=change.ours)

        step = f"ghi sheet ẩn {MARKS_SHEET}"
        _write_record(book, plan.records)
        step = f"ghi sheet “{RESULTS_SHEET}”"
        journal.record(step, partial(_undo_results, book, plan.prior_results))
        write_results(book, report)
    except Exception as exc:  # whatever the engine raises (Excel's COM errors …)
        restored = journal.roll_back()
        if restored and undo_record is not None:
            try:
                undo_record()
            except Exception:
                restored = False
        raise ChangeFailed(step, exc, restored=restored) from exc


def _set_mark(book: WorkbookAccess, sheet: str, cell: str, fill: str | None,
              note: str | None, *, fit: bool = False) -> None:
    book.set_fill(sheet, cell, fill)
    book.set_note(sheet, cell, note, fit=fit)


def _undo_results(book: WorkbookAccess, prior: list[list[CellValue]] | None) -> None:
    """Put back "Kết quả kiểm tra" as it was (its values), or remove it if it was new."""
    if prior is None:
        if RESULTS_SHEET in book.sheet_names():
            book.remove_sheet(RESULTS_SHEET)
        return
    book.reset_sheet(RESULTS_SHEET)
    book.write_rows(RESULTS_SHEET, 1, prior)


# ---------------------------------------------------------------- entry points


def apply_report(
    book: WorkbookAccess,
    report: FileReport,
    *,
    previous: Sequence[MarkRecord] | None = None,
) -> MarkingResult:
    """Mark ``book`` from ``report`` (see the module documentation); idempotent.

    ``previous``: the records of the earlier run, when the caller has read them already
    (the button does, to leave the add-in's own filled totals out of what it validates).

    Returns without any change when a sheet to change (or the structure, when a sheet
    must be added) is protected with a password (``MarkingResult.marked`` False). Raises
    :class:`~nscl.marking.journal.ChangeFailed` when the workbook refuses a change,
    after undoing the others.
    """
    if previous is None:
        previous = read_mark_records(book)
    plan = _plan(book, report, previous)
    first = report.errors[0] if report.errors else (report.problems[0] if report.problems else None)
    result = MarkingResult(
        workbook=book.name,
        readable=report.readable,
        errors=len(report.errors),
        warnings=len(report.warnings),
        summary=report.summary,
        form=report.form,
        first_problem=first.message if first else "",
    )
    try:
        lifted = book.lift_protection(sorted(plan.sheets_changed), structure=plan.sheets_added)
    except PasswordProtected as locked:
        result.password_sheet = locked.sheet
        result.password_structure = locked.sheet is None
        return result
    try:
        _execute(book, report, plan)
    finally:
        book.restore_protection(lifted)
    result.totals_filled = plan.totals_filled
    result.marked_cells = plan.marked
    return result


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


def _password_sentence(result: MarkingResult) -> str:
    where = ("Cấu trúc sổ tính (Protect Workbook)" if result.password_structure
             else f"Sheet “{result.password_sheet}”")
    counts = (f"Kết quả kiểm tra: {result.errors} lỗi và {result.warnings} cảnh báo"
              if result.readable else "Không đọc được bảng số liệu của tệp này")
    return (
        f"{where} được bảo vệ bằng mật khẩu, nên nscl không tô màu, không ghi chú và không "
        "thay đổi gì trong sổ tính (nscl không bao giờ dùng mật khẩu).\n"
        f"{counts}. Để xem từng lỗi ngay trong sổ tính, hãy bỏ bảo vệ (Review > Unprotect "
        "Sheet / Protect Workbook, nhập mật khẩu) rồi bấm Kiểm tra lại; sau đó bật lại bảo vệ."
    )


def outcome_message(result: MarkingResult) -> str:
    """The one Vietnamese sentence block shown in the button's message box."""
    if not result.marked:
        return _password_sentence(result)
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
