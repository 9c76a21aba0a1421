"""The Google Sheets renderer: a :class:`~nscl.template_build.plan.WorkbookPlan` as the
requests of one ``spreadsheets.batchUpdate`` on a new, empty spreadsheet.

In order: the spreadsheet's locale is set to ``en_US`` (so that every formula — in
cells, custom validation rules and conditional formats — is read with "," between
arguments and "." in numbers); each sheet is shaped (the spreadsheet's first sheet,
ID 0, is renamed; the others are added), sized (column widths, row heights), filled
(one ``updateCells`` with every cell's text or formula and format), merged, given its
data validation (with the Vietnamese input help), its conditional formats and a
warning-only protected range over everything but the input cells; the template's
identity is written as developer metadata (and is in the hidden ``_nscl`` sheet); the
LAST request sets the locale to ``vi_VN``, so that a clerk typing "1.250,5" gets the
number 1250.5.

What Sheets cannot do that the Excel template does: lock the workbook structure, hide
a sheet beyond unhiding ("very hidden"), protect a sheet so that it refuses edits
rather than warns, and print setup (paper, margins, print titles, page numbers).
"""

from __future__ import annotations

from typing import Any

from nscl.a1 import a1
from nscl.template_build.plan import (
    Cell,
    CellStyle,
    ConditionalFormat,
    Highlight,
    Merge,
    SheetPlan,
    ValidationRule,
    WorkbookPlan,
)
from nscl.template_build.styles import FONT_NAME

__all__ = [
    "FIRST_SHEET_ID",
    "IDENTITY_NOTE",
    "PROTECTION_NOTE",
    "TEMPLATE_LOCALE",
    "TIME_ZONE",
    "WRITING_LOCALE",
    "cell_format",
    "column_pixels",
    "row_pixels",
    "sheet_ids",
    "sheets_requests",
    "validation_rule",
]

WRITING_LOCALE = "en_US"
TEMPLATE_LOCALE = "vi_VN"
TIME_ZONE = "Asia/Ho_Chi_Minh"
# A spreadsheet created through Drive has one sheet, with ID 0: it becomes the first.
FIRST_SHEET_ID = 0
_ADDED_SHEET_IDS = 1000  # IDs of the other sheets: 1001, 1002 …
PROTECTION_NOTE = ("Phần tiêu đề, công thức của biểu mẫu nscl (Chương trình 1322): Google "
                   "Sheets hỏi lại trước khi sửa. Chỉ nhập vào các ô nhập liệu.")
IDENTITY_NOTE = ("Thông tin nhận biết biểu mẫu nscl: không sửa, không xóa sheet này.")


def column_pixels(width_units: float) -> int:
    """Pixels of a column ``width_units`` characters wide (Excel's conversion)."""
    return round(width_units * 7 + 5)


def row_pixels(height_points: float) -> int:
    """Pixels of a row ``height_points`` high (96 px per 72 pt)."""
    return round(height_points * 4 / 3)


def _rgb(color: str) -> dict[str, float]:
    value = color.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


_H_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}
_V_ALIGN = {"top": "TOP", "vcenter": "MIDDLE", "bottom": "BOTTOM"}
_SOLID = {"style": "SOLID"}


def cell_format(style: CellStyle) -> dict[str, Any]:
    """The Sheets ``CellFormat`` of ``style`` (Times New Roman always)."""
    fmt: dict[str, Any] = {"textFormat": {
        "fontFamily": FONT_NAME, "fontSize": style.font_size, "bold": bool(style.bold),
        "italic": style.italic,
    }}
    if style.align is not None:
        fmt["horizontalAlignment"] = _H_ALIGN[style.align]
    if style.valign is not None:
        fmt["verticalAlignment"] = _V_ALIGN[style.valign]
    if style.wrap:
        fmt["wrapStrategy"] = "WRAP"
    if style.border:
        fmt["borders"] = {side: dict(_SOLID) for side in ("top", "bottom", "left", "right")}
    elif style.top_rule:
        fmt["borders"] = {"top": dict(_SOLID)}
    if style.fill is not None:
        fmt["backgroundColorStyle"] = {"rgbColor": _rgb(style.fill)}
    if style.num_format == "@":
        fmt["numberFormat"] = {"type": "TEXT", "pattern": "@"}
    elif style.num_format is not None:
        fmt["numberFormat"] = {"type": "NUMBER", "pattern": style.num_format}
    return fmt


def _highlight_format(highlight: Highlight) -> dict[str, Any]:
    return {"backgroundColorStyle": {"rgbColor": _rgb(highlight.fill)},
            "textFormat": {"foregroundColorStyle": {"rgbColor": _rgb(highlight.font_color)}}}


def _number(value: float | None) -> str:
    assert value is not None
    return f"{value:g}"


def validation_rule(rule: ValidationRule, top_left: str) -> dict[str, Any]:
    """The Sheets ``DataValidationRule`` of ``rule`` on a range whose top-left cell is
    ``top_left`` (custom formulas are relative to it)."""
    message = rule.input_message
    if rule.input_title and not message.startswith(rule.input_title):
        message = f"{rule.input_title}: {message}"
    if not rule.refuses:
        condition: dict[str, Any] = {"type": "CUSTOM_FORMULA",
                                     "values": [{"userEnteredValue": "=TRUE"}]}
    elif rule.kind == "integer":
        parts = [f"ISNUMBER({top_left})", f"{top_left}=INT({top_left})"]
        if rule.criteria == "between":
            parts += [f"{top_left}>={_number(rule.minimum)}",
                      f"{top_left}<={_number(rule.maximum)}"]
        else:
            parts.append(f"{top_left}{rule.criteria}{_number(rule.value)}")
        condition = {"type": "CUSTOM_FORMULA",
                     "values": [{"userEnteredValue": f"=AND({','.join(parts)})"}]}
    elif rule.criteria == "between":
        condition = {"type": "NUMBER_BETWEEN",
                     "values": [{"userEnteredValue": _number(rule.minimum)},
                                {"userEnteredValue": _number(rule.maximum)}]}
    else:
        kind = "NUMBER_GREATER_THAN_EQ" if rule.criteria == ">=" else "NUMBER_LESS_THAN_EQ"
        condition = {"type": kind, "values": [{"userEnteredValue": _number(rule.value)}]}
    return {"condition": condition, "inputMessage": message, "strict": rule.refuses,
            "showCustomUi": False}


def sheet_ids(plan: WorkbookPlan) -> dict[str, int]:
    """The sheet ID each sheet of ``plan`` gets (the first keeps the existing ID 0)."""
    return {sheet.name: FIRST_SHEET_ID if i == 0 else _ADDED_SHEET_IDS + i
            for i, sheet in enumerate(plan.sheets)}


def _grid_range(sheet_id: int, r1: int, c1: int, r2: int, c2: int) -> dict[str, int]:
    """GridRange of 0-based inclusive bounds."""
    return {"sheetId": sheet_id, "startRowIndex": r1, "endRowIndex": r2 + 1,
            "startColumnIndex": c1, "endColumnIndex": c2 + 1}


def _runs(values: dict[int, int]) -> list[tuple[int, int, int]]:
    """(first, last, value) of consecutive indexes holding the same value."""
    runs: list[tuple[int, int, int]] = []
    for index in sorted(values):
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == values[index]:
            runs[-1] = (runs[-1][0], index, values[index])
        else:
            runs.append((index, index, values[index]))
    return runs


def _final_cells(sheet: SheetPlan) -> tuple[dict[tuple[int, int], CellStyle],
                                             dict[tuple[int, int], Cell]]:
    """Each cell's final style and content, replaying the plan in order (a merge styles
    every cell it covers, as Excel's merge does)."""
    styles: dict[tuple[int, int], CellStyle] = {}
    contents: dict[tuple[int, int], Cell] = {}
    for item in sheet.items:
        if isinstance(item, Merge):
            for r in range(item.first_row, item.last_row + 1):
                for c in range(item.first_col, item.last_col + 1):
                    styles[(r, c)] = item.style
        elif isinstance(item, Cell):
            if item.style is not None:
                styles[(item.row, item.col)] = item.style
            contents[(item.row, item.col)] = item
    return styles, contents


def _cell_data(style: CellStyle | None, cell: Cell | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if cell is not None and cell.formula is not None:
        data["userEnteredValue"] = {"formulaValue": cell.formula}
    elif cell is not None and cell.text:
        # Always a string: a name starting with "=" or looking like a number stays text.
        data["userEnteredValue"] = {"stringValue": cell.text}
    if style is not None:
        data["userEnteredFormat"] = cell_format(style)
    return data


def _input_blocks(styles: dict[tuple[int, int], CellStyle]) -> list[tuple[int, int, int, int]]:
    """Rectangles (r1, c1, r2, c2) covering the unlocked (input) cells."""
    columns: dict[int, list[tuple[int, int]]] = {}
    for (r, c) in sorted(styles, key=lambda rc: (rc[1], rc[0])):
        if styles[(r, c)].locked:
            continue
        runs = columns.setdefault(c, [])
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    blocks: list[tuple[int, int, int, int]] = []
    for c in sorted(columns):
        for r1, r2 in columns[c]:
            for i, (br1, bc1, br2, bc2) in enumerate(blocks):
                if (br1, br2) == (r1, r2) and bc2 == c - 1:
                    blocks[i] = (br1, bc1, br2, c)
                    break
            else:
                blocks.append((r1, c, r2, c))
    return blocks


def _sheet_requests(sheet: SheetPlan, sheet_id: int, index: int) -> list[dict[str, Any]]:
    rows, cols = sheet.extent()
    rows, cols = max(rows, sheet.freeze_rows + 1, 1), max(cols, 1)
    grid: dict[str, Any] = {"rowCount": rows, "columnCount": cols}
    if sheet.freeze_rows:
        grid["frozenRowCount"] = sheet.freeze_rows
    props: dict[str, Any] = {"sheetId": sheet_id, "title": sheet.name, "index": index,
                             "gridProperties": grid}
    out: list[dict[str, Any]] = []
    if sheet_id == FIRST_SHEET_ID:
        props["hidden"] = sheet.hidden
        fields = "title,index,gridProperties(rowCount,columnCount,frozenRowCount),hidden"
        out.append({"updateSheetProperties": {"properties": props, "fields": fields}})
    else:
        if sheet.hidden:
            props["hidden"] = True
        out.append({"addSheet": {"properties": props}})
    widths = {c: column_pixels(w) for c, w in sheet.column_widths().items()}
    for first, last, pixels in _runs(widths):
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": first,
                      "endIndex": last + 1},
            "properties": {"pixelSize": pixels}, "fields": "pixelSize"}})
    heights = {r: row_pixels(h) for r, h in sheet.row_heights().items()}
    for first, last, pixels in _runs(heights):
        out.append({"updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": first,
                      "endIndex": last + 1},
            "properties": {"pixelSize": pixels}, "fields": "pixelSize"}})
    styles, contents = _final_cells(sheet)
    used = set(styles) | set(contents)
    if used:
        last_row = max(r for r, _ in used)
        last_col = max(c for _, c in used)
        out.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [_cell_data(styles.get((r, c)), contents.get((r, c)))
                                 for c in range(last_col + 1)]}
                     for r in range(last_row + 1)],
            "fields": "userEnteredValue,userEnteredFormat"}})
    for merge in sheet.merges:
        out.append({"mergeCells": {"range": _grid_range(sheet_id, merge.first_row,
                                                        merge.first_col, merge.last_row,
                                                        merge.last_col),
                                   "mergeType": "MERGE_ALL"}})
    for check in sheet.validations:
        out.append({"setDataValidation": {
            "range": _grid_range(sheet_id, check.first_row, check.first_col, check.last_row,
                                 check.last_col),
            "rule": validation_rule(check.rule, a1(check.first_row, check.first_col))}})
    out.extend(_conditional_formats(sheet.conditional_formats, sheet_id))
    if sheet.protection != "none":
        protected: dict[str, Any] = {
            "range": {"sheetId": sheet_id}, "warningOnly": True,
            "description": IDENTITY_NOTE if sheet.protection == "full" else PROTECTION_NOTE,
        }
        blocks = _input_blocks(styles) if sheet.protection == "input" else []
        if blocks:
            protected["unprotectedRanges"] = [_grid_range(sheet_id, *block)
                                              for block in blocks]
        out.append({"addProtectedRange": {"protectedRange": protected}})
    return out


def _conditional_formats(items: list[ConditionalFormat],
                         sheet_id: int) -> list[dict[str, Any]]:
    # Excel gives the first rule added the highest priority; so does index 0 in Sheets.
    return [{"addConditionalFormatRule": {"index": i, "rule": {
        "ranges": [_grid_range(sheet_id, item.first_row, item.first_col, item.last_row,
                               item.last_col)],
        "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA",
                          "values": [{"userEnteredValue": item.formula}]},
            "format": _highlight_format(item.highlight),
        },
    }}} for i, item in enumerate(items)]


def sheets_requests(plan: WorkbookPlan) -> list[dict[str, Any]]:
    """Every request that turns a new spreadsheet (one sheet, ID 0) into the template."""
    requests: list[dict[str, Any]] = [{"updateSpreadsheetProperties": {
        "properties": {"locale": WRITING_LOCALE, "timeZone": TIME_ZONE},
        "fields": "locale,timeZone"}}]
    ids = sheet_ids(plan)
    for index, sheet in enumerate(plan.sheets):
        requests.extend(_sheet_requests(sheet, ids[sheet.name], index))
    for key, value in plan.identity.as_properties().items():
        meta: dict[str, Any] = {"metadataKey": key, "location": {"spreadsheet": True},
                                "visibility": "DOCUMENT"}
        if value:
            meta["metadataValue"] = value
        requests.append({"createDeveloperMetadata": {"developerMetadata": meta}})
    # Last: from now on the spreadsheet reads what a clerk types as Vietnamese.
    requests.append({"updateSpreadsheetProperties": {
        "properties": {"locale": TEMPLATE_LOCALE}, "fields": "locale"}})
    return requests
