"""The Excel renderer: a :class:`~nscl.template_build.plan.WorkbookPlan` written as .xlsx.

XlsxWriter writes the sheets in plan order and replays each sheet's items in the order
they were laid out (merged ranges, validations and conditional formats keep that order
in the file), then the workbook structure is locked. The same plan always gives the
same bytes (fixed creation date, deep-copied workbook options).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from nscl.a1 import a1_range
from nscl.template_build.page import apply_page_setup
from nscl.template_build.plan import (
    Cell,
    CellStyle,
    ColumnWidth,
    ConditionalFormat,
    Highlight,
    Merge,
    RowHeight,
    SheetPlan,
    Validation,
    ValidationRule,
    WorkbookPlan,
)
from nscl.template_build.protection import (
    PROTECTION_OPTIONS,
    lock_workbook_structure,
)
from nscl.template_build.styles import FONT_NAME, WORKBOOK_DEFAULT_FORMAT

__all__ = ["WORKBOOK_OPTIONS", "render_excel", "xlsx_format_properties"]

WORKBOOK_OPTIONS: dict[str, Any] = {
    # Text is always text: an agency name or a task name starting with "=" or
    # looking like a URL or a number stays as typed.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_format_properties": dict(WORKBOOK_DEFAULT_FORMAT),
    "default_row_height": 21,  # 15.75 pt, the natural height of Times New Roman 12 pt
}


def xlsx_format_properties(style: CellStyle) -> dict[str, Any]:
    """XlsxWriter format properties of ``style`` (Times New Roman always)."""
    props: dict[str, Any] = {"font_name": FONT_NAME, "font_size": style.font_size}
    if style.bold is not None:
        props["bold"] = style.bold
    if style.italic:
        props["italic"] = True
    if style.align is not None:
        props["align"] = style.align
    if style.valign is not None:
        props["valign"] = style.valign
    if style.wrap:
        props["text_wrap"] = True
    if style.border:
        props["border"] = 1
    if style.top_rule:
        props["top"] = 1
    if style.fill is not None:
        props["bg_color"] = style.fill
    if style.num_format is not None:
        props["num_format"] = style.num_format
    if not style.locked:
        props["locked"] = False
    return props


def _validation_options(rule: ValidationRule) -> dict[str, Any]:
    options: dict[str, Any] = {
        "input_title": rule.input_title,
        "input_message": rule.input_message,
        "validate": rule.kind,
    }
    if not rule.refuses:
        return options
    options["criteria"] = rule.criteria
    if rule.criteria == "between":
        options.update({"minimum": rule.minimum, "maximum": rule.maximum})
    else:
        options["value"] = rule.value
    options.update({
        "error_type": "stop",
        "error_title": rule.error_title,
        "error_message": rule.error_message,
    })
    return options


class _Formats:
    """One XlsxWriter format per distinct style of the workbook."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[CellStyle, Any] = {}

    def cell(self, style: CellStyle | None) -> Any:
        if style is None:
            return None
        fmt = self._cache.get(style)
        if fmt is None:
            fmt = self._workbook.add_format(xlsx_format_properties(style))
            self._cache[style] = fmt
        return fmt

    def highlight(self, highlight: Highlight) -> Any:
        return self._workbook.add_format({"bg_color": highlight.fill,
                                          "font_color": highlight.font_color})


def _render_sheet(workbook: Any, formats: _Formats, plan: SheetPlan) -> None:
    worksheet = workbook.add_worksheet(plan.name)
    for item in plan.items:
        if isinstance(item, Cell):
            fmt = formats.cell(item.style)
            if item.formula is not None:
                worksheet.write_formula(item.row, item.col, item.formula, fmt, item.cached)
            elif item.text is not None:
                worksheet.write_string(item.row, item.col, item.text, fmt)
            else:
                worksheet.write_blank(item.row, item.col, None, fmt)
        elif isinstance(item, Merge):
            worksheet.merge_range(item.first_row, item.first_col, item.last_row, item.last_col,
                                  "", formats.cell(item.style))
        elif isinstance(item, RowHeight):
            worksheet.set_row(item.row, item.height)
        elif isinstance(item, ColumnWidth):
            worksheet.set_column(item.first, item.last, item.width)
        elif isinstance(item, Validation):
            worksheet.data_validation(item.first_row, item.first_col, item.last_row,
                                      item.last_col, _validation_options(item.rule))
        elif isinstance(item, ConditionalFormat):
            worksheet.conditional_format(
                a1_range(item.first_row, item.first_col, item.last_row, item.last_col),
                {"type": "formula", "criteria": item.formula,
                 "format": formats.highlight(item.highlight)},
            )
    if plan.print_area is not None:
        worksheet.print_area(*plan.print_area)
    if plan.freeze_rows:
        worksheet.freeze_panes(plan.freeze_rows, 0)
    if plan.page is not None:
        apply_page_setup(worksheet, plan.page)
    if plan.protection == "input":
        worksheet.protect("", dict(PROTECTION_OPTIONS))
    elif plan.protection == "full":
        worksheet.protect("")
    if plan.hidden:
        worksheet.very_hidden()
    if plan.active:
        worksheet.activate()


def render_excel(plan: WorkbookPlan, out_path: Path) -> Path:
    """Write ``plan`` as an .xlsx file at ``out_path`` (folders created); return the path.

    The identity goes into custom document properties ``nscl_*`` as well as the plan's
    ``_nscl`` sheet; the workbook structure is locked without a password.
    """
    import xlsxwriter

    out_path.parent.mkdir(parents=True, exist_ok=True)
    # A deep copy: XlsxWriter writes into the nested default-format dict, and a second
    # build with the mutated dict would write a different styles.xml.
    workbook = xlsxwriter.Workbook(str(out_path), copy.deepcopy(WORKBOOK_OPTIONS))
    try:
        formats = _Formats(workbook)
        for sheet in plan.sheets:
            _render_sheet(workbook, formats, sheet)
        for name, value in plan.identity.as_properties().items():
            workbook.set_custom_property(name, value, "text")
        if plan.properties is not None:
            props = plan.properties
            workbook.set_properties({
                "title": props.title,
                "subject": props.subject,
                "author": props.author,
                "company": props.company,
                "keywords": props.keywords,
                "comments": props.comments,
                "created": props.created,
            })
    finally:
        workbook.close()
    lock_workbook_structure(out_path)
    return out_path
