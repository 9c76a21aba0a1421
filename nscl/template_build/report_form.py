"""The sheets of Form B, the annual results report.

"Báo cáo": the outline I-IV of the official report (numbers, bold headings for Roman
numerals and numbered items, guidance notes in italics) with a tall wrapped input box
under every narrative item. "Chỉ tiêu": the indicator table, one block per group
2.1-2.6 and the budget group, with the report-year value, the cumulative value since
the start of the Program and the national target; the budget total is a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from nscl.a1 import a1
from nscl.forms import Indicator, OutlineItem, ReportForm, fill
from nscl.paging import PageBreaker
from nscl.template_build.heading import (
    write_merged,
    write_national_header,
    write_signature_footer,
    write_wide_line,
)
from nscl.template_build.layout import blocks_for, row_height
from nscl.template_build.page import PageSetup
from nscl.template_build.plan import ValidationRule, WorkbookPlan
from nscl.template_build.styles import BODY_SIZE, NOTE_SIZE, TABLE_SIZE, TITLE_SIZE, Styles
from nscl.template_build.validation import ERROR_TITLE, short_title

__all__ = [
    "INDICATOR_WIDTHS",
    "REPORT_WIDTHS",
    "IndicatorLayout",
    "ReportLayout",
    "write_indicator_sheet",
    "write_report_sheet",
]

# "Báo cáo" sheet: the item number, then eight equal columns that the text spans
# (several columns so that the header blocks and the line under the Tiêu ngữ can be
# placed and centred on a portrait page).
REPORT_WIDTHS: tuple[float, ...] = (7.0, *(10.5,) * 8)
# Lines of text the input box of a narrative item shows before the clerk enlarges it.
NARRATIVE_LINES = 7
# "Chỉ tiêu" sheet, one width per entry of ``indicator_headers``.
INDICATOR_WIDTHS: tuple[float, ...] = (8.0, 52.0, 13.0, 14.0, 20.0, 28.0, 16.0)
INDICATOR_NUMBER_FORMAT = "#,##0.###"
COUNT_FORMAT = "#,##0"

# What each indicator kind accepts (the kinds are described in form_b.toml).
_KIND_VALIDATION: dict[str, ValidationRule] = {
    "count": ValidationRule("integer", "", "", criteria=">=", value=0),
    "amount": ValidationRule("decimal", "", "", criteria=">=", value=0),
    "rate": ValidationRule("decimal", "", "", criteria="between", minimum=0, maximum=100),
}
_KIND_RULE_TEXT: dict[str, str] = {
    "count": "số nguyên ≥ 0",
    "amount": "số ≥ 0 (được ghi số thập phân)",
    "rate": "tỷ lệ phần trăm từ 0 đến 100",
}


@dataclass(frozen=True)
class ReportLayout:
    """Where the narrative input boxes are on the "Báo cáo" sheet (0-based rows)."""

    sheet: str
    narrative_rows: dict[str, int] = field(default_factory=dict)
    text_columns: tuple[int, int] = (1, len(REPORT_WIDTHS) - 1)


@dataclass(frozen=True)
class IndicatorLayout:
    """Where the indicator values are on the "Chỉ tiêu" sheet (0-based)."""

    sheet: str
    header_row: int
    number_row: int
    rows: dict[str, int] = field(default_factory=dict)
    year_column: int = 3
    cumulative_column: int = 4
    notes_column: int = 6


def _text_span() -> tuple[int, int]:
    return (1, len(REPORT_WIDTHS) - 1)


# Height of a narrative item's input box.
NARRATIVE_HEIGHT = NARRATIVE_LINES * BODY_SIZE * 1.25 + 4


# Room above an outline heading, between it and the box before it.
HEADING_GAP = 8.0


def _title_height(item: OutlineItem, title: str, text_width: float) -> float:
    return row_height(title, text_width, BODY_SIZE, bold_caps=item.level <= 2) + HEADING_GAP


def _outline_blocks(form: ReportForm, year: int, text_width: float) -> list[list[float]]:
    """For each outline item, the heights of the rows printed on one page with it: its
    heading, its note and its box, and, for a heading without a box of its own (I, 1,
    2 …), the first item under it, down to a box."""
    own: list[list[float]] = []
    for item in form.outline:
        rows = [_title_height(item, item.title_for(year), text_width)]
        if item.note:
            rows.append(row_height(fill(item.note, year), text_width, NOTE_SIZE))
        if item.narrative and item.key:
            rows.append(NARRATIVE_HEIGHT)
        own.append(rows)
    blocks: list[list[float]] = []
    for i in range(len(form.outline)):
        block = list(own[i])
        j = i
        while not (form.outline[j].narrative and form.outline[j].key) \
                and j + 1 < len(form.outline):
            j += 1
            block.extend(own[j])
        blocks.append(block)
    return blocks


def write_report_sheet(
    workbook: WorkbookPlan, styles: Styles, form: ReportForm, *, year: int,
    agency_text: str | None,
) -> ReportLayout:
    """Add the narrative "Báo cáo" sheet (portrait) to ``workbook``."""
    worksheet = workbook.add_sheet(form.sheet)
    widths = list(REPORT_WIDTHS)
    for i, width in enumerate(widths):
        worksheet.set_column(i, i, width)
    blocks = blocks_for(widths, left_share=0.4, right_share=0.55)
    row = write_national_header(
        worksheet, styles, widths, blocks,
        agency_text=agency_text or form.agency_placeholder,
        national_name=form.national_name, motto=form.motto,
    )
    row += 1
    row = write_wide_line(worksheet, widths, (0, len(widths) - 1), row, form.title_for(year),
                          styles.title(), TITLE_SIZE, bold_caps=True)
    row += 1
    span = _text_span()
    text_width = float(sum(widths[span[0] : span[1] + 1]))
    # The pages: a heading is never printed at the foot of a page away from its box.
    pages = PageBreaker(widths, landscape=False)
    heights = worksheet.row_heights()
    for r in range(row):
        pages.row(heights.get(r))
    together = _outline_blocks(form, year, text_width)
    narrative_rows: dict[str, int] = {}
    for item, block in zip(form.outline, together, strict=True):
        pages.keep(block)
        title = item.title_for(year)
        worksheet.write_text(row, 0, item.number, styles.outline_number(item.level))
        write_merged(worksheet, row, span, title, styles.outline_title(item.level))
        worksheet.set_row(row, _title_height(item, title, text_width))
        pages.row(_title_height(item, title, text_width))
        row += 1
        if item.note:
            note = fill(item.note, year)
            write_merged(worksheet, row, span, note, styles.outline_note())
            worksheet.set_row(row, row_height(note, text_width, NOTE_SIZE))
            pages.row(row_height(note, text_width, NOTE_SIZE))
            row += 1
        if item.narrative and item.key:
            write_merged(worksheet, row, span, "", styles.narrative_cell())
            worksheet.set_row(row, NARRATIVE_HEIGHT)
            pages.row(NARRATIVE_HEIGHT)
            worksheet.validate(row, span[0], row, span[0], ValidationRule(
                "any",
                input_title=short_title(f"Mục {item.number} {title}"),
                input_message=(title if len(title) <= 255 else title[:254] + "…"),
            ))
            narrative_rows[item.key] = row
            row += 1
    pages.row(None)
    row += 1
    # The signature block stays together (with the last box if it must).
    pages.keep([20, 20, 18])
    write_signature_footer(
        worksheet, styles, widths, blocks,
        place_date=form.footer_place_date_for(year),
        signature=form.footer_signature,
        signature_note=form.footer_signature_note,
        row=row,
    )
    worksheet.page = PageSetup(landscape=False, breaks=tuple(pages.breaks))
    worksheet.protection = "input"
    worksheet.active = True
    return ReportLayout(sheet=form.sheet, narrative_rows=narrative_rows, text_columns=span)


def _value_validation(indicator: Indicator, header: str, when: str) -> ValidationRule:
    rule = _KIND_RULE_TEXT[indicator.kind]
    message = f"{indicator.name} ({indicator.unit}), {when}: {rule}."
    return replace(
        _KIND_VALIDATION[indicator.kind],
        input_title=short_title(header),
        input_message=message if len(message) <= 255 else message[:254] + "…",
        error_title=ERROR_TITLE,
        error_message=f"Cần nhập {rule}.",
    )


def _sum_formula(refs: list[str]) -> str:
    """Empty until one addend is filled, then the sum."""
    joined = ",".join(refs)
    return f'=IF(COUNT({joined})=0,"",SUM({joined}))'


def write_indicator_sheet(
    workbook: WorkbookPlan, styles: Styles, form: ReportForm, *, year: int,
    agency_text: str | None,
) -> IndicatorLayout:
    """Add the "Chỉ tiêu" sheet (indicator table, landscape) to ``workbook``."""
    headers = form.indicator_headers_for(year)
    if len(headers) != len(INDICATOR_WIDTHS):
        raise ValueError("indicator_headers and INDICATOR_WIDTHS differ in length")
    worksheet = workbook.add_sheet(form.indicator_sheet)
    widths = list(INDICATOR_WIDTHS)
    for i, width in enumerate(widths):
        worksheet.set_column(i, i, width)
    blocks = blocks_for(widths)
    whole = (0, len(widths) - 1)
    row = write_national_header(
        worksheet, styles, widths, blocks,
        agency_text=agency_text or form.agency_placeholder,
        national_name=form.national_name, motto=form.motto,
    )
    row += 1
    row = write_wide_line(worksheet, widths, whole, row, fill(form.indicator_title, year),
                          styles.title(), TITLE_SIZE, bold_caps=True)
    row += 1
    header_row = row
    for c, header in enumerate(headers):
        worksheet.write_text(row, c, header, styles.header())
    worksheet.set_row(row, max(row_height(h, w, TABLE_SIZE) for h, w in zip(headers, widths,
                                                                               strict=True)))
    number_row = row + 1
    for c in range(len(headers)):
        worksheet.write_text(number_row, c, f"({c + 1})", styles.column_number())
    row = number_row + 1

    year_col, cum_col, notes_col = 3, 4, 6
    rows: dict[str, int] = {}
    for group in form.groups:
        worksheet.write_text(row, 0, group.number, styles.group_row())
        write_merged(worksheet, row, (1, len(widths) - 1), group.title, styles.group_row())
        worksheet.set_row(row, row_height(group.title, sum(widths[1:]), TABLE_SIZE))
        row += 1
        for i, indicator in enumerate(group.indicators, start=1):
            rows[indicator.key] = row
            worksheet.write_text(row, 0, f"{group.number}.{i}", styles.table_text(
                align="center"))
            worksheet.write_text(row, 1, indicator.name, styles.table_text())
            worksheet.write_text(row, 2, indicator.unit, styles.table_text(align="center"))
            worksheet.write_text(row, 5, indicator.target, styles.table_text())
            worksheet.write_blank(row, notes_col, styles.input_cell("@"))
            worksheet.set_row(row, max(row_height(indicator.name, widths[1], TABLE_SIZE),
                                       row_height(indicator.target, widths[5], TABLE_SIZE)))
            row += 1
    for group in form.groups:
        for indicator in group.indicators:
            r = rows[indicator.key]
            num_format = COUNT_FORMAT if indicator.kind == "count" else INDICATOR_NUMBER_FORMAT
            for c, when, header in ((year_col, f"năm {year}", headers[year_col]),
                                    (cum_col, f"lũy kế đến hết năm {year}", headers[cum_col])):
                if indicator.computed:
                    refs = [a1(rows[k], c) for k in indicator.computed_from]
                    worksheet.write_formula(r, c, _sum_formula(refs),
                                            styles.totals_value(num_format), "")
                else:
                    worksheet.write_blank(r, c, styles.input_cell(num_format, align="right"))
                    worksheet.validate(r, c, r, c, _value_validation(indicator, header, when))
            if indicator.kind in ("count", "amount") and not indicator.computed:
                y = a1(r, year_col)
                cum = a1(r, cum_col)
                worksheet.highlight(
                    r, cum_col, r, cum_col,
                    formula=f"=AND(ISNUMBER({y}),ISNUMBER({cum}),{cum}<{y})",
                    highlight=styles.missing(), meaning="cumulative-below-year",
                )
    row += 1
    write_signature_footer(
        worksheet, styles, widths, blocks,
        place_date=form.footer_place_date_for(year),
        signature=form.footer_signature,
        signature_note=form.footer_signature_note,
        row=row,
    )
    worksheet.freeze_rows = number_row + 1
    worksheet.page = PageSetup(landscape=True, repeat_first_row=header_row,
                               repeat_last_row=number_row)
    worksheet.protection = "input"
    return IndicatorLayout(sheet=form.indicator_sheet, header_row=header_row,
                           number_row=number_row, rows=rows, year_column=year_col,
                           cumulative_column=cum_col, notes_column=notes_col)
