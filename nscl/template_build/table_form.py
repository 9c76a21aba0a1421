"""The sheet of a table form: Form A (proposals) and Form C (selection results).

Layout, top to bottom: the official header block (or, for an appendix such as Form C,
the "Phụ lục" label), the title and subtitle, the header rows (a group header such as
"Dự kiến kinh phí (triệu đồng)" merged over its columns, the other headers merged
vertically), the "(1) (2) …" column-number row, the input area of ``input_rows``
bordered rows, the totals row and the signature footer.

Every column property comes from the form description: header, width, type, unit,
bounds, help text (the input message), ``required`` (the empty-cell highlight) and
``computed`` (the formula of Tổng số).
"""

from __future__ import annotations

from dataclasses import dataclass

from nscl.a1 import a1, column_letter
from nscl.forms import Column, TableForm
from nscl.template_build.heading import (
    write_merged,
    write_national_header,
    write_signature_footer,
    write_wide_line,
)
from nscl.template_build.layout import blocks_for, row_height
from nscl.template_build.page import PageSetup
from nscl.template_build.plan import Align, CellStyle, SheetPlan, WorkbookPlan
from nscl.template_build.styles import BODY_SIZE, HEADING_SIZE, TABLE_SIZE, TITLE_SIZE, Styles
from nscl.template_build.validation import (
    add_column_validation,
    mark_missing_required,
    mark_non_numbers,
    mark_unlikely_amounts,
)

__all__ = ["TableLayout", "column_num_format", "write_table_sheet"]

MONEY_FORMAT = "#,##0.0##"
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"
_ALIGN: dict[str, Align] = {"money": "right", "duration": "center", "integer": "center"}
# Shown after the task count of the totals row ("3 nhiệm vụ"); the cell stays a number.
TASK_COUNT_FORMAT = '0" nhiệm vụ"'


@dataclass(frozen=True)
class TableLayout:
    """Where things are on a built table sheet (0-based rows and columns)."""

    sheet: str
    header_first_row: int
    header_last_row: int
    number_row: int
    first_input_row: int
    last_input_row: int
    totals_row: int | None
    columns: tuple[str, ...]

    def column_index(self, key: str) -> int:
        """0-based column of the form column ``key``."""
        return self.columns.index(key)

    def cell(self, key: str, row: int) -> str:
        """A1 reference of column ``key`` on 0-based ``row``."""
        return a1(row, self.column_index(key))


def column_num_format(column: Column) -> str:
    """The number format of a column's input cells, from its type and unit."""
    if column.type == "money":
        return MONEY_FORMAT
    if column.type == "duration":
        return f'0" {column.unit}"' if column.unit else INTEGER_FORMAT
    if column.type == "integer":
        return INTEGER_FORMAT
    return TEXT_FORMAT


def _input_format(styles: Styles, column: Column) -> CellStyle:
    num_format = column_num_format(column)
    if column.computed:
        return styles.computed_cell(num_format)
    align: Align = _ALIGN.get(column.type, "left")
    return styles.input_cell(num_format, align=align)


def _computed_formula(form: TableForm, column: Column, row: int) -> str:
    """``=IF(AND(I9="",J9=""),"",N(I9)+N(J9))``: empty until one addend is filled."""
    refs = [a1(row, form.column_number(key) - 1) for key in column.computed_from]
    empty = ",".join(f'{ref}=""' for ref in refs)
    total = "+".join(f"N({ref})" for ref in refs)
    return f'=IF(AND({empty}),"",{total})'


def _write_headers(
    worksheet: SheetPlan, styles: Styles, form: TableForm, row: int
) -> tuple[int, int]:
    """Write the header rows from ``row``; return (last header row, column-number row)."""
    widths = [c.width for c in form.columns]
    two_rows = any(group is not None for group, _ in form.groups)
    last = row + 1 if two_rows else row
    fmt = styles.header()
    col = 0
    top_height = 0.0
    leaf_height = 0.0
    full_height = 0.0
    for group, columns in form.groups:
        if group is None or not two_rows:
            for column in columns:
                write_merged(worksheet, row, (col, col), column.header, fmt, last_row=last)
                full_height = max(full_height, row_height(column.header, column.width,
                                                          TABLE_SIZE))
                col += 1
            continue
        span = (col, col + len(columns) - 1)
        write_merged(worksheet, row, span, group, fmt)
        top_height = max(top_height, row_height(group, sum(widths[span[0]:span[1] + 1]),
                                                TABLE_SIZE))
        for column in columns:
            worksheet.write_text(last, col, column.header, fmt)
            leaf_height = max(leaf_height, row_height(column.header, column.width, TABLE_SIZE))
            col += 1
    if two_rows:
        leaf_height = max(leaf_height, full_height - top_height)
        worksheet.set_row(row, top_height)
        worksheet.set_row(last, leaf_height)
    else:
        worksheet.set_row(row, full_height)
    number_row = last + 1
    for i in range(len(form.columns)):
        worksheet.write_text(number_row, i, f"({i + 1})", styles.column_number())
    return last, number_row


def write_table_sheet(
    workbook: WorkbookPlan, styles: Styles, form: TableForm, *, year: int,
    agency_text: str | None,
) -> TableLayout:
    """Add the form's sheet to ``workbook``; return where its parts are."""
    worksheet = workbook.add_sheet(form.sheet)
    widths = [c.width for c in form.columns]
    for i, width in enumerate(widths):
        worksheet.set_column(i, i, width)
    whole = (0, len(widths) - 1)
    blocks = blocks_for(widths)
    row = 0
    if form.appendix_label:
        # An appendix (Form C) opens with its label, not with the national header block.
        row = write_wide_line(worksheet, widths, whole, row, form.appendix_label,
                              styles.appendix_label(), HEADING_SIZE)
    else:
        row = write_national_header(
            worksheet, styles, widths, blocks,
            agency_text=agency_text or form.agency_placeholder,
            national_name=form.national_name, motto=form.motto, row=row,
        )
        row += 1
    row = write_wide_line(worksheet, widths, whole, row, form.title_for(year), styles.title(),
                          TITLE_SIZE, bold_caps=True)
    subtitle = form.subtitle_for(year)
    if subtitle:
        row = write_wide_line(worksheet, widths, whole, row, subtitle, styles.subtitle(),
                              BODY_SIZE)
    row += 1  # blank row above the table

    header_first = row
    header_last, number_row = _write_headers(worksheet, styles, form, header_first)
    first_input = number_row + 1
    last_input = first_input + form.input_rows - 1

    for c, column in enumerate(form.columns):
        fmt = _input_format(styles, column)
        for r in range(first_input, last_input + 1):
            if column.computed:
                worksheet.write_formula(r, c, _computed_formula(form, column, r), fmt, "")
            else:
                worksheet.write_blank(r, c, fmt)
        add_column_validation(worksheet, column, c, first_input, last_input)
    mark_missing_required(worksheet, styles, form, first_input, last_input)
    mark_non_numbers(worksheet, styles, form, first_input, last_input)
    mark_unlikely_amounts(worksheet, styles, form, first_input, last_input)

    row = last_input + 1
    totals_row: int | None = None
    if form.totals_label:
        totals_row = row
        _write_totals(worksheet, styles, form, totals_row, first_input, last_input)
        row += 1
    row += 1
    end = write_signature_footer(
        worksheet, styles, widths, blocks,
        place_date=form.footer_place_date_for(year),
        signature=form.footer_signature,
        signature_note=form.footer_signature_note,
        row=row,
    )

    # The whole form prints, empty bordered rows included (Excel and LibreOffice alike);
    # rows the clerk hides before printing drop out of the print.
    worksheet.print_area = (0, 0, max(end, row) - 1, len(widths) - 1)
    worksheet.freeze_rows = first_input
    worksheet.page = PageSetup(landscape=True, repeat_first_row=header_first,
                               repeat_last_row=number_row)
    worksheet.protection = "input"
    worksheet.active = True
    return TableLayout(
        sheet=form.sheet,
        header_first_row=header_first,
        header_last_row=header_last,
        number_row=number_row,
        first_input_row=first_input,
        last_input_row=last_input,
        totals_row=totals_row,
        columns=tuple(c.key for c in form.columns),
    )


def _write_totals(
    worksheet: SheetPlan, styles: Styles, form: TableForm, row: int, first: int, last: int
) -> None:
    """The totals row: label, task count, and the SUM of every budget column."""
    text_columns = [i for i, c in enumerate(form.columns) if c.type == "text"]
    label_col = text_columns[0] if text_columns else 0
    count_col = label_col + 1
    for c, column in enumerate(form.columns):
        letter = column_letter(c)
        if c == label_col:
            worksheet.write_text(row, c, form.totals_label, styles.totals_label())
        elif c == count_col and count_col < len(form.columns):
            name_letter = column_letter(label_col)
            worksheet.write_formula(
                row, c, f"=COUNTA({name_letter}{first + 1}:{name_letter}{last + 1})",
                styles.totals_value(TASK_COUNT_FORMAT), 0,
            )
        elif column.type == "money":
            worksheet.write_formula(
                row, c, f"=SUM({letter}{first + 1}:{letter}{last + 1})",
                styles.totals_value(MONEY_FORMAT), 0,
            )
        else:
            worksheet.write_blank(row, c, styles.totals_blank())
    worksheet.set_row(row, 20)
