"""The sheet "Kết quả kiểm tra" that marking writes into a workbook: a summary of the
file and one row per problem, each with a link to its cell."""

from __future__ import annotations

from nscl.a1 import a1
from nscl.forms import TableForm, get_form
from nscl.marking.workbook_api import CellAddress, CellValue, WorkbookAccess
from nscl.numbers import format_number
from nscl.problems import SEVERITY_LABELS, Problem
from nscl.report import FileReport

__all__ = ["OWN_SHEETS", "RESULTS_SHEET", "problem_sheet", "write_results"]

RESULTS_SHEET = "Kết quả kiểm tra"
# Sheets written by marking: never part of the agency's data.
OWN_SHEETS: tuple[str, ...] = (RESULTS_SHEET, "_nscl_kiemtra")
_RESULTS_HEADER: tuple[str, ...] = ("Mức độ", "Lỗi", "Ô", "Nội dung", "Cách sửa",
                                     "Mã (cho cán bộ CNTT)")
_RESULTS_WIDTHS: dict[str, float] = {"A": 12, "B": 26, "C": 12, "D": 58, "E": 44, "F": 16}


def problem_sheet(problem: Problem, report: FileReport) -> str | None:
    """The sheet a problem is on (the report's table sheet when it names none)."""
    return problem.sheet or report.sheet


def _figures(report: FileReport) -> list[list[CellValue]]:
    """Tasks and the sum of each money column of the report's form, written the
    Vietnamese way ("1.250,5") whatever the computer's regional setting."""
    summary = report.summary
    rows: list[list[CellValue]] = [["Số nhiệm vụ", None, format_number(summary.tasks)]]
    form = get_form(report.form) if report.form else None
    if isinstance(form, TableForm):
        for column in form.money_columns:
            amount = summary.amount(column.key)
            if amount is not None:
                unit = f" ({column.unit})" if column.unit else ""
                rows.append([f"{column.header}{unit}", None, format_number(amount)])
    return rows


def write_results(book: WorkbookAccess, report: FileReport) -> None:
    """(Re)write the sheet "Kết quả kiểm tra" of ``book`` from ``report``."""
    form = get_form(report.form) if report.form else None
    form_name = f"Mẫu {form.letter} - {form.name}" if form else "(không nhận ra biểu mẫu)"
    agency = report.agency.name if report.agency else "(chưa xác định)"
    # Labels in column A spill over the empty column B; values in column C.
    rows: list[list[CellValue]] = [
        ["KẾT QUẢ KIỂM TRA BIỂU MẪU (NSCL 1322)"],
        ["Tệp", None, book.name],
        ["Biểu mẫu", None, form_name],
        ["Cơ quan", None, agency],
        [],
        ["Tổng hợp"],
        *_figures(report),
        ["Số lỗi", None, format_number(len(report.errors))],
        ["Số cảnh báo", None, format_number(len(report.warnings))],
        [],
        list(_RESULTS_HEADER),
    ]
    header_row = len(rows)
    ordered = sorted(report.problems, key=lambda p: 0 if p.severity == "error" else 1)
    sheets = set(book.sheet_names())
    links: list[tuple[int, CellAddress, str]] = []
    for problem in ordered:
        sheet = problem_sheet(problem, report)
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
                problem.title,
                where,
                problem.statement,
                problem.fix_sentence,
                problem.code,
            ]
        )
    if not ordered:
        rows.append(["Không có lỗi hay cảnh báo."])

    book.reset_sheet(RESULTS_SHEET)
    book.write_rows(RESULTS_SHEET, 1, rows)
    for cell in ("A1", "A6", *(a1(header_row - 1, c) for c in range(len(_RESULTS_HEADER)))):
        book.set_bold(RESULTS_SHEET, cell)
    for row_number, address, text in links:
        try:
            book.set_hyperlink(RESULTS_SHEET, a1(row_number - 1, 2), address.link_target(), text)
        except (KeyError, ValueError):
            continue
    for column, width in _RESULTS_WIDTHS.items():
        book.set_column_width(RESULTS_SHEET, column, width)
    last_column = a1(0, len(_RESULTS_HEADER) - 1).rstrip("1")
    book.format_table(RESULTS_SHEET, f"A{header_row}:{last_column}{len(rows)}",
                      header_row=header_row)
