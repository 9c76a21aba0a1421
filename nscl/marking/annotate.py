"""Mark a copy of a file on disk (``nscl validate --annotate``, the nightly feedback
copies), with openpyxl: :func:`annotate_copy`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from nscl.marking.apply import apply_report
from nscl.marking.journal import ChangeFailed
from nscl.marking.print_setup import LINE_POINTS, wrapped_lines
from nscl.numbers import format_number
from nscl.reading import describe_error
from nscl.report import FileReport

if TYPE_CHECKING:  # openpyxl is loaded when a copy is made, not on import
    from openpyxl.workbook.workbook import Workbook

__all__ = ["MAX_MARKED_CELLS", "AnnotationError", "annotate_copy", "fit_task_rows"]


def fit_task_rows(workbook: Workbook, report: FileReport) -> None:
    """Grow the rows of the report's tasks to show their text: a clerk's long text in a
    row of the template's height is cut off on paper ("Sở Khoa học và Công nghệ tỉnh
    Lâm" for "… tỉnh Lâm Đồng"), and no application sizes the rows of a file it opens.
    Rows are only ever made taller."""
    if not report.sheet or report.sheet not in workbook.sheetnames:
        return
    from openpyxl.worksheet.worksheet import Worksheet

    ws = workbook[report.sheet]
    if not isinstance(ws, Worksheet):
        return
    default = ws.sheet_format.defaultRowHeight or LINE_POINTS
    for task in report.rows:
        lines = 1
        for ref in task.cells.values():
            value = ws[ref].value
            if isinstance(value, str) and value:
                letter = ref.rstrip("0123456789")
                width = ws.column_dimensions[letter].width or 8.43
                lines = max(lines, wrapped_lines(value, width))
        if lines > 1:
            needed = lines * LINE_POINTS + 3
            current = ws.row_dimensions[task.sheet_row].height or default
            if needed > current:
                ws.row_dimensions[task.sheet_row].height = needed


class AnnotationError(ValueError):
    """The file could not be opened or written for marking (message in Vietnamese)."""


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
        raise AnnotationError(
            f'Tệp "{name}" có {format_number(count)} ô (kể cả ô chỉ có định dạng), quá nhiều'
            f" để đánh dấu (tối đa {format_number(MAX_MARKED_CELLS)}); hãy xóa định dạng ở"
            " vùng ngoài bảng rồi gửi lại."
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

    from nscl.marking.openpyxl_book import OpenpyxlBook
    from nscl.marking.raw_numbers import loading_dates, restore_numbers

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
        try:
            apply_report(OpenpyxlBook(workbook, shown), report)
            fit_task_rows(workbook, report)
        except ChangeFailed as exc:  # openpyxl refused a value or a style: no copy then
            raise AnnotationError(
                f'Không đánh dấu được tệp "{shown}" ({exc.step}): {describe_error(exc.cause)}'
            ) from exc
        target = out_dir / ((stem or source.stem) + (".xlsm" if keep_vba else ".xlsx"))
        try:
            workbook.save(target)
        except OSError as exc:
            raise AnnotationError(
                f'Không ghi được tệp "{target}": {describe_error(exc)}'
            ) from exc
    return target
