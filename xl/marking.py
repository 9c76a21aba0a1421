"""Mark a workbook from its validation report, written once for both workbook engines.

What marking does (the "Kiểm tra" button and ``nscl validate --annotate``):

1. clears the marks of an earlier run: every cell recorded in the very hidden sheet
   ``_nscl_kiemtra`` gets its original fill and note back, and the Tổng số cells an
   earlier run filled are emptied again (so clicking twice gives the same workbook);
2. fills the empty Tổng số cells of the table from NSNN + Đối ứng (never a cell holding
   a formula, never a cell the user typed a value into);
3. colours error cells red and warning cells yellow, each with a note holding the
   messages (Vietnamese) and how to fix them;
4. records what it changed in ``_nscl_kiemtra``;
5. writes the sheet "Kết quả kiểm tra": a summary and one row per problem, with a link
   to the cell.

:func:`annotate_copy` does this on a copy of a file with openpyxl.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.numbers import from_million
from nscl.problems import SEVERITY_LABELS, Problem
from nscl.reading import describe_error
from nscl.report import FileReport
from xl.workbook_api import (
    CellAddress,
    CellValue,
    WorkbookAccess,
    a1,
    is_blank,
    split_a1,
)

__all__ = [
    "ERROR_FILL",
    "MARKS_SHEET",
    "OWN_SHEETS",
    "RESULTS_SHEET",
    "WARNING_FILL",
    "AnnotationError",
    "MarkRecord",
    "MarkingResult",
    "annotate_copy",
    "apply_report",
    "clear_marks",
    "format_number_vi",
    "outcome_message",
    "read_mark_records",
]

RESULTS_SHEET = "Kết quả kiểm tra"
MARKS_SHEET = "_nscl_kiemtra"
# Sheets written by the add-in: never part of the agency's data.
OWN_SHEETS: tuple[str, ...] = (RESULTS_SHEET, MARKS_SHEET)
ERROR_FILL = "FFC7CE"  # Excel's light red ("Bad")
WARNING_FILL = "FFEB9C"  # Excel's light yellow ("Neutral")
_MARKS_HEADER: tuple[str, ...] = ("sheet", "cell", "kind", "fill", "note")
_MAX_CELLS_PER_PROBLEM = 200

_RESULTS_HEADER: tuple[str, ...] = ("Mức độ", "Mã lỗi", "Ô", "Nội dung", "Cách sửa")
_RESULTS_WIDTHS: dict[str, float] = {"A": 24, "B": 26, "C": 16, "D": 90, "E": 60}
_FORM_NAMES: dict[str, str] = {
    "A": "Mẫu A - Bảng tổng hợp danh mục đề xuất nhiệm vụ",
    "B": "Mẫu B - Báo cáo kết quả thực hiện năm",
    "C": "Mẫu C - Phụ lục công bố kết quả tuyển chọn",
}


class AnnotationError(ValueError):
    """The file could not be opened or written for marking (message in Vietnamese)."""


@dataclass(frozen=True)
class MarkRecord:
    """One change the add-in made, kept so that the next run can undo it.

    ``kind`` is ``"mark"`` (fill + note; ``fill``/``note`` hold the originals) or
    ``"total"`` (a Tổng số value the add-in filled in).
    """

    sheet: str
    cell: str
    kind: str
    fill: str | None = None
    note: str | None = None

    def as_row(self) -> list[CellValue]:
        """Row written to the very hidden marks sheet."""
        return [self.sheet, self.cell, self.kind, self.fill or "", self.note or ""]


@dataclass
class MarkingResult:
    """What marking did to a workbook."""

    workbook: str
    readable: bool
    errors: int
    warnings: int
    tasks: int
    total: float
    state_budget: float
    counterpart: float
    totals_filled: list[str] = field(default_factory=list)
    marked_cells: dict[str, str] = field(default_factory=dict)  # "Sheet!H12" -> severity
    first_problem: str = ""

    @property
    def clean(self) -> bool:
        """Readable, with neither error nor warning."""
        return self.readable and not self.errors and not self.warnings


def format_number_vi(value: float) -> str:
    """Vietnamese number style: 1250.5 → "1.250,5", 12000 → "12.000"."""
    if not math.isfinite(value):
        return str(value)
    rounded = round(value, 3)
    whole = f"{abs(rounded):,.3f}".rstrip("0").rstrip(".")
    text = whole.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    return f"-{text}" if rounded < 0 else text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# ---------------------------------------------------------------- records


def read_mark_records(book: WorkbookAccess) -> list[MarkRecord]:
    """The changes recorded by an earlier run (empty when there was none)."""
    if MARKS_SHEET not in book.sheet_names():
        return []
    records: list[MarkRecord] = []
    for row in book.read_values(MARKS_SHEET)[1:]:
        cells = [*list(row), None, None, None, None, None][:5]
        sheet, cell, kind, fill, note = cells
        if not isinstance(sheet, str) or not isinstance(cell, str) or kind not in ("mark", "total"):
            continue
        records.append(
            MarkRecord(
                sheet=sheet,
                cell=cell,
                kind=str(kind),
                fill=str(fill) if fill not in (None, "") else None,
                note=str(note) if note not in (None, "") else None,
            )
        )
    return records


def clear_marks(book: WorkbookAccess, records: Iterable[MarkRecord]) -> set[tuple[str, str]]:
    """Undo recorded changes; return the (sheet, cell) of the Tổng số cells emptied again.

    Cells whose sheet was renamed or deleted since are skipped.
    """
    names = set(book.sheet_names())
    emptied: set[tuple[str, str]] = set()
    for record in records:
        if record.sheet not in names:
            continue
        try:
            if record.kind == "total":
                if not book.has_formula(record.sheet, record.cell):
                    book.set_value(record.sheet, record.cell, None)
                    emptied.add((record.sheet, record.cell))
            else:
                book.set_fill(record.sheet, record.cell, record.fill)
                book.set_note(record.sheet, record.cell, record.note)
        except (KeyError, ValueError):
            continue
    return emptied


# ---------------------------------------------------------------- planning


def _cells_of(ref: str) -> list[str]:
    """Cells of an A1 reference or range ("H12", "A12:K12"), capped in number."""
    ref = ref.replace("$", "").strip()
    if ":" not in ref:
        split_a1(ref)
        return [ref.upper()]
    first, last = ref.split(":", 1)
    r1, c1 = split_a1(first)
    r2, c2 = split_a1(last)
    cells = [
        a1(r, c)
        for r in range(min(r1, r2), max(r1, r2) + 1)
        for c in range(min(c1, c2), max(c1, c2) + 1)
    ]
    return cells[:_MAX_CELLS_PER_PROBLEM]


def _problem_sheet(problem: Problem, report: FileReport) -> str | None:
    return problem.sheet or report.sheet


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
        sheet = _problem_sheet(problem, report)
        if not problem.cell or sheet is None or sheet not in sheets or sheet in OWN_SHEETS:
            continue
        try:
            cells = _cells_of(problem.cell)
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


def _fill_totals(
    book: WorkbookAccess, report: FileReport, emptied: set[tuple[str, str]]
) -> tuple[list[str], list[MarkRecord]]:
    """Write NSNN + Đối ứng into empty Tổng số cells; return their refs and records."""
    sheet = report.sheet
    if report.form not in ("A", None) or not sheet or sheet not in book.sheet_names():
        return [], []
    filled: list[str] = []
    records: list[MarkRecord] = []
    for row in report.rows:
        cell = row.cells.get("total")
        state_budget: Any = row.values.get("state_budget")
        counterpart: Any = row.values.get("counterpart")
        if not cell or not _is_number(state_budget) or not _is_number(counterpart):
            continue
        ours = (sheet, cell) in emptied
        if not ours and not is_blank(row.raw.get("total")):
            continue
        try:
            if book.has_formula(sheet, cell):
                continue
            if not ours and not is_blank(book.get_value(sheet, cell)):
                continue
            # In the sheet's own unit (the report's amounts are in million VND).
            total = from_million(float(state_budget) + float(counterpart), report.money_unit)
            value = round(total, 6)
            book.set_value(sheet, cell, int(value) if value.is_integer() else value)
        except (KeyError, ValueError):
            continue
        filled.append(cell)
        records.append(MarkRecord(sheet=sheet, cell=cell, kind="total"))
    return filled, records


# ---------------------------------------------------------------- results sheet


def _write_results(book: WorkbookAccess, report: FileReport) -> None:
    summary = report.summary
    form = _FORM_NAMES.get(report.form or "", "(không nhận ra biểu mẫu)")
    agency = report.agency.name if report.agency else "(chưa xác định)"
    rows: list[list[CellValue]] = [
        ["KẾT QUẢ KIỂM TRA BIỂU MẪU (NSCL 1322)"],
        ["Tệp", book.name],
        ["Biểu mẫu", form],
        ["Cơ quan", agency],
        [],
        ["Tổng hợp"],
        ["Số nhiệm vụ", summary.tasks],
        ["Tổng số (triệu đồng)", round(summary.total, 6)],
        ["NSNN (triệu đồng)", round(summary.state_budget, 6)],
        ["Đối ứng (triệu đồng)", round(summary.counterpart, 6)],
        ["Số lỗi", len(report.errors)],
        ["Số cảnh báo", len(report.warnings)],
        [],
        list(_RESULTS_HEADER),
    ]
    header_row = len(rows)
    ordered = sorted(report.problems, key=lambda p: 0 if p.severity == "error" else 1)
    sheets = set(book.sheet_names())
    links: list[tuple[int, CellAddress, str]] = []
    for problem in ordered:
        sheet = _problem_sheet(problem, report)
        where = ""
        if problem.cell:
            first = problem.cell.replace("$", "").split(":", 1)[0]
            address = CellAddress(sheet or "", first)
            where = problem.cell if sheet == report.sheet else f"{sheet}!{problem.cell}"
            if sheet in sheets and sheet not in OWN_SHEETS:
                links.append((len(rows) + 1, address, where))
        rows.append(
            [
                SEVERITY_LABELS.get(problem.severity, problem.severity),
                problem.code,
                where,
                problem.statement,
                problem.fix,
            ]
        )
    if not ordered:
        rows.append(["Không có lỗi hay cảnh báo."])

    book.reset_sheet(RESULTS_SHEET)
    book.write_rows(RESULTS_SHEET, 1, rows)
    for cell in ("A1", "A6", *(a1(header_row, c) for c in range(1, len(_RESULTS_HEADER) + 1))):
        book.set_bold(RESULTS_SHEET, cell)
    for row_number, address, text in links:
        try:
            book.set_hyperlink(RESULTS_SHEET, a1(row_number, 3), address.link_target(), text)
        except (KeyError, ValueError):
            continue
    for column, width in _RESULTS_WIDTHS.items():
        book.set_column_width(RESULTS_SHEET, column, width)


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
    :func:`clear_marks` already emptied, when the caller cleared the old marks itself
    before validating (the button does, so that the engine never sees the add-in's own
    filled totals). Without them, old marks are read and cleared here.
    """
    if previous is None:
        previous = read_mark_records(book)
        emptied = clear_marks(book, previous)
    emptied = emptied or set()
    originals = {(r.sheet, r.cell): r for r in previous if r.kind == "mark"}

    filled, records = _fill_totals(book, report, emptied)
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
    book.write_rows(MARKS_SHEET, 1, [list(_MARKS_HEADER), *(r.as_row() for r in records)])
    _write_results(book, report)

    first = report.errors[0] if report.errors else (report.problems[0] if report.problems else None)
    return MarkingResult(
        workbook=book.name,
        readable=report.readable,
        errors=len(report.errors),
        warnings=len(report.warnings),
        tasks=report.summary.tasks,
        total=report.summary.total,
        state_budget=report.summary.state_budget,
        counterpart=report.summary.counterpart,
        totals_filled=filled,
        marked_cells=marked,
        first_problem=first.message if first else "",
    )


def outcome_message(result: MarkingResult) -> str:
    """The one Vietnamese sentence block shown in the button's message box."""
    if not result.readable:
        return (
            "Không đọc được bảng số liệu của tệp này.\n"
            f"{result.first_problem}\n"
            f"Xem chi tiết ở sheet “{RESULTS_SHEET}”."
        )
    money = (
        f"{result.tasks} nhiệm vụ, tổng kinh phí {format_number_vi(result.total)} triệu đồng "
        f"(NSNN {format_number_vi(result.state_budget)}, "
        f"đối ứng {format_number_vi(result.counterpart)})."
    )
    if result.clean:
        text = f"Không phát hiện lỗi. Bảng có {money}"
    else:
        text = (
            f"Phát hiện {result.errors} lỗi và {result.warnings} cảnh báo. "
            "Ô lỗi được tô đỏ, ô cảnh báo tô vàng (di chuột vào ô để xem ghi chú); "
            f"danh sách đầy đủ ở sheet “{RESULTS_SHEET}”.\nBảng có {money}"
        )
    if result.totals_filled:
        text += f"\nĐã tự điền cột Tổng số cho {len(result.totals_filled)} dòng (= NSNN + Đối ứng)."
    return text


_OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
_CONVERTIBLE_SUFFIXES = (".xls", ".ods", ".xlsb")


# openpyxl holds every cell element, formatted-only ones included (about 500 bytes and
# 20 µs each): a few megabytes of zip can hold tens of millions of them.
MAX_MARKED_CELLS = 1_000_000


def _check_cell_count(path: Path, name: str) -> None:
    """Refuse (AnnotationError) a workbook with more cells than marking can hold."""
    from nscl.extent import cell_elements

    try:
        count = cell_elements(path)
    except Exception:  # not a readable zip: openpyxl will say so
        return
    if count > MAX_MARKED_CELLS:
        from nscl.checks_table import format_number as vn

        raise AnnotationError(
            f'Tệp "{name}" có {vn(count)} ô (kể cả ô chỉ có định dạng), quá nhiều để đánh dấu'
            f" (tối đa {vn(MAX_MARKED_CELLS)}); hãy xóa định dạng ở vùng ngoài bảng rồi gửi lại."
        )


def annotate_copy(
    report: FileReport, source: Path, out_dir: Path, *, stem: str | None = None
) -> Path:
    """Write a marked copy of ``source`` into ``out_dir`` and return its path.

    The copy has the same name, or ``stem`` with the copy's extension (``.xls``/``.ods``/
    ``.xlsb`` files become ``.xlsx``, converted with LibreOffice first). ``report`` is
    the validation report of ``source``. Raises :class:`AnnotationError` (Vietnamese
    message) when the file cannot be opened or written; ``out_dir`` must not be the
    source's own folder.
    """
    from openpyxl import load_workbook

    from xl.openpyxl_book import OpenpyxlBook
    from xl.raw_numbers import loading_dates, restore_numbers

    source = Path(source)
    out_dir = Path(out_dir)
    # The name the agency gave its file (the nightly run marks the archived copy, named
    # by its hash): shown on the results sheet and in the messages.
    shown = Path(report.path).name or source.name
    out_dir.mkdir(parents=True, exist_ok=True)
    if out_dir.resolve() == source.parent.resolve():
        raise AnnotationError(
            f'Thư mục ghi bản đánh dấu phải khác thư mục chứa tệp gốc "{shown}".'
        )
    suffix = source.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nscl-annotate-") as tmp:
        readable = source
        if suffix in _CONVERTIBLE_SUFFIXES:
            from nscl.libreoffice import LibreOfficeError, convert

            try:
                readable = convert(source, "xlsx", Path(tmp))
            except LibreOfficeError as exc:
                raise AnnotationError(
                    f'Không chuyển được tệp "{shown}" sang .xlsx để đánh dấu: {exc}'
                ) from exc
        elif suffix not in _OPENPYXL_SUFFIXES:
            raise AnnotationError(
                f'Không đánh dấu được tệp "{shown}": chỉ hỗ trợ .xlsx, .xlsm, .xlsb, .xls, .ods.'
            )
        keep_vba = suffix == ".xlsm"
        _check_cell_count(readable, shown)
        try:
            with loading_dates() as out_of_range:
                workbook = load_workbook(readable, keep_vba=keep_vba, keep_links=True)
            if out_of_range:  # numbers openpyxl loaded as #VALUE!: the copy keeps them
                restore_numbers(workbook, readable)
        except Exception as exc:  # any unreadable/corrupt/encrypted file
            raise AnnotationError(
                f'Không mở được tệp "{shown}" để đánh dấu: {describe_error(exc)}'
            ) from exc
        apply_report(OpenpyxlBook(workbook, shown), report)
        target = out_dir / ((stem or source.stem) + (".xlsm" if keep_vba else ".xlsx"))
        try:
            workbook.save(target)
        except OSError as exc:
            raise AnnotationError(
                f'Không ghi được tệp "{target}": {describe_error(exc)}'
            ) from exc
    return target
