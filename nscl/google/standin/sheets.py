"""The spreadsheets of the Google stand-in: Sheets v4 behaviour on an in-memory model.

A :class:`Spreadsheet` holds its properties (title, locale, time zone), its sheets
(properties, cells as ``CellData``, merges, conditional formats, protected ranges,
row and column sizes, developer metadata) and spreadsheet-level developer metadata.
It answers ``spreadsheets.get`` (``fields``, ``ranges``, grid data) and the ``values``
endpoints, and applies ``batchUpdate`` (:mod:`nscl.google.standin.batch`); it
evaluates formulas, tells which cells a conditional format paints or a validation
rejects, and exports itself as .xlsx. JSON follows proto3 conventions as Google's
does: default values (0, false, "") are left out, except where the recorded traffic
shows them.
"""

from __future__ import annotations

import copy
import io
import random
from typing import Any

from nscl.a1 import column_letter
from nscl.google.standin.batch import BatchRequests
from nscl.google.standin.common import (
    apply_fields,
    invalid_argument,
    parse_fields,
    sheets_error,
)
from nscl.google.standin.formulas import FormulaError, ParsedFormula, evaluate, parse_formula
from nscl.google.standin.grid import (
    DEFAULT_COL_PX,
    DEFAULT_FORMAT,
    DEFAULT_ROW_PX,
    SPREADSHEET_THEME,
    Sheet,
    clone,
    num,
)
from nscl.google.standin.values import (
    format_value,
    parse_a1,
    quote_title,
    range_text,
    raw_value,
    user_entered,
)

__all__ = ["DEFAULT_FORMAT", "SPREADSHEET_THEME", "Sheet", "Spreadsheet"]


class Spreadsheet(BatchRequests):
    """One spreadsheet of the stand-in."""

    def __init__(self, spreadsheet_id: str, title: str, *, seed: int = 0) -> None:
        self.id = spreadsheet_id
        self.title = title
        self.locale = "en_US"
        self.time_zone = "Etc/GMT"
        self.auto_recalc = "ON_CHANGE"
        self.developer_metadata: list[dict[str, Any]] = []
        self.rng = random.Random(seed)
        self.sheets: list[Sheet] = [Sheet({
            "sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
            "gridProperties": {"rowCount": 1000, "columnCount": 26},
        })]

    def copy(self, spreadsheet_id: str, title: str) -> Spreadsheet:
        """A copy with a new ID and title (files.copy)."""
        other = self.clone()
        other.id, other.title = spreadsheet_id, title
        return other

    def clone(self) -> Spreadsheet:
        """An independent copy (the working copy of a batch)."""
        other = copy.copy(self)
        other.developer_metadata = clone(self.developer_metadata)
        other.rng = random.Random()
        other.rng.setstate(self.rng.getstate())
        other.sheets = [Sheet(
            props=clone(s.props), cells={k: clone(v) for k, v in s.cells.items()},
            formulas=dict(s.formulas), validation_origins=dict(s.validation_origins),
            merges=list(s.merges), conditional_formats=clone(s.conditional_formats),
            protected_ranges=clone(s.protected_ranges), row_px=dict(s.row_px),
            col_px=dict(s.col_px), hidden_rows=set(s.hidden_rows),
            hidden_cols=set(s.hidden_cols), developer_metadata=clone(s.developer_metadata),
        ) for s in self.sheets]
        return other

    # ---- lookups --------------------------------------------------------------------
    def _new_id(self) -> int:
        return self.rng.randint(1, 2_000_000_000)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The sheet with ``sheet_id``."""
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The sheet called ``title``."""
        return next((s for s in self.sheets if s.title == title), None)

    def titles(self) -> list[str]:
        """Sheet titles in order."""
        return [s.title for s in sorted(self.sheets, key=lambda s: s.props["index"])]

    def resolve(self, a1: str) -> tuple[Sheet, int, int, int, int]:
        """(sheet, r1, c1, r2, c2) of an A1 range, inclusive and within the grid."""
        title, r1, c1, r2, c2 = parse_a1(a1, self.titles())
        sheet = self.sheet_by_title(title)
        assert sheet is not None
        top = 0 if r1 is None else r1
        left = 0 if c1 is None else c1
        bottom = sheet.rows - 1 if r2 is None else r2
        right = sheet.cols - 1 if c2 is None else c2
        if top >= sheet.rows or left >= sheet.cols:
            raise invalid_argument(
                f"Range ({quote_title(sheet.title)}!{a1.rsplit('!', 1)[-1]}) exceeds grid "
                f"limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        return sheet, top, left, min(bottom, sheet.rows - 1), min(right, sheet.cols - 1)

    # ---- values -----------------------------------------------------------------------
    def effective(self, sheet: Sheet, r: int, c: int,
                  memo: dict[tuple[int, int, int], Any] | None = None,
                  stack: set[tuple[int, int, int]] | None = None) -> Any:
        """The value a cell shows (float, str, bool, None or FormulaError)."""
        memo = {} if memo is None else memo
        stack = set() if stack is None else stack
        key = (sheet.sheet_id, r, c)
        if key in memo:
            return memo[key]
        cell = sheet.cells.get((r, c))
        value: Any = None
        if cell and "userEnteredValue" in cell:
            ev = cell["userEnteredValue"]
            if "formulaValue" in ev:
                parsed = sheet.formulas.get((r, c))
                if isinstance(parsed, ParsedFormula):
                    if key in stack:
                        return FormulaError("#REF!")
                    stack.add(key)

                    def lookup(name: str | None, row: int, col: int) -> Any:
                        target = sheet if name is None else self.sheet_by_title(name)
                        if target is None:
                            return FormulaError("#REF!")
                        return self.effective(target, row, col, memo, stack)

                    value = evaluate(parsed.tree, lookup, None)
                    stack.discard(key)
                    if isinstance(value, list):
                        value = value[0][0] if value and value[0] else None
                    if isinstance(value, int) and not isinstance(value, bool):
                        value = float(value)
                else:
                    value = FormulaError("#ERROR!")
            elif "numberValue" in ev:
                value = float(ev["numberValue"])
            elif "stringValue" in ev:
                value = ev["stringValue"]
            elif "boolValue" in ev:
                value = bool(ev["boolValue"])
        memo[key] = value
        return value

    def _rendered(self, sheet: Sheet, r: int, c: int, value_render: str, date_render: str,
                  memo: dict[tuple[int, int, int], Any]) -> Any:
        cell = sheet.cells.get((r, c), {})
        ev = cell.get("userEnteredValue", {})
        if value_render == "FORMULA" and "formulaValue" in ev:
            return self._formula_text(sheet, r, c)
        value = self.effective(sheet, r, c, memo)
        fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
        if value_render == "FORMATTED_VALUE" or isinstance(value, FormulaError):
            return format_value(value, fmt, self.locale) or ""
        if value is None:
            return ""
        if (isinstance(value, float) and fmt and fmt.get("type") in ("DATE", "DATE_TIME")
                and date_render == "FORMATTED_STRING"):
            return format_value(value, fmt, self.locale)
        if isinstance(value, float):
            return num(value)
        return value

    def _formula_text(self, sheet: Sheet, r: int, c: int) -> str:
        parsed = sheet.formulas.get((r, c))
        if isinstance(parsed, ParsedFormula):
            return parsed.text(self.locale)
        return str(sheet.cells[(r, c)]["userEnteredValue"]["formulaValue"])

    def value_range(self, a1: str, *, value_render: str = "FORMATTED_VALUE",
                    date_render: str = "SERIAL_NUMBER",
                    major_dimension: str = "ROWS") -> dict[str, Any]:
        """A ValueRange (trailing empty cells and rows left out)."""
        sheet, r1, c1, r2, c2 = self.resolve(a1)
        memo: dict[tuple[int, int, int], Any] = {}
        grid = [[self._rendered(sheet, r, c, value_render, date_render, memo)
                 for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if major_dimension == "COLUMNS":
            grid = [list(col) for col in zip(*grid, strict=True)] if grid else []
        rows = []
        for row in grid:
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        out: dict[str, Any] = {"range": range_text(sheet.title, r1, c1, r2, c2),
                               "majorDimension": major_dimension}
        if rows:
            out["values"] = rows
        return out

    def _write_value(self, sheet: Sheet, r: int, c: int, value: Any, option: str) -> None:
        if value is None:
            return  # null leaves the cell as it is
        if option == "RAW":
            ev, auto_format = raw_value(value), None
        else:
            ev, auto_format = user_entered(value, self.locale)
        cell = dict(sheet.cells.get((r, c), {}))
        if ev is None:
            cell.pop("userEnteredValue", None)
        else:
            cell["userEnteredValue"] = ev
        if auto_format is not None:
            fmt = dict(cell.get("userEnteredFormat", {}))
            fmt["numberFormat"] = auto_format
            cell["userEnteredFormat"] = fmt
        self._store_cell(sheet, r, c, cell)

    def _store_cell(self, sheet: Sheet, r: int, c: int, cell: dict[str, Any]) -> None:
        cell = {k: v for k, v in cell.items() if v not in (None, {})}
        sheet.formulas.pop((r, c), None)
        ev = cell.get("userEnteredValue")
        if ev is not None and "formulaValue" in ev:
            try:
                parsed = parse_formula(str(ev["formulaValue"]), self.locale)
            except FormulaError as exc:
                sheet.formulas[(r, c)] = exc
            else:
                sheet.formulas[(r, c)] = parsed
                cell["userEnteredValue"] = {"formulaValue": parsed.text("en_US")}
        if "dataValidation" not in cell:
            sheet.validation_origins.pop((r, c), None)
        if cell:
            sheet.cells[(r, c)] = cell
        else:
            sheet.cells.pop((r, c), None)

    def update_values(self, a1: str, body: Any, option: str) -> dict[str, Any]:
        """values.update (PUT): write ``body["values"]`` from the range's top left."""
        values = _values_of(body)
        if option not in ("RAW", "USER_ENTERED"):
            raise invalid_argument("Invalid valueInputOption: " + str(option))
        sheet, r1, c1, r2, c2 = self.resolve(a1)
        _, _, _, given_r2, given_c2 = parse_a1(a1, self.titles())
        if str((body or {}).get("majorDimension") or "ROWS") == "COLUMNS":
            width = max((len(v) for v in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values]
                      for i in range(width)]
        height = len(values)
        width = max((len(row) for row in values), default=0)
        single = (r1, c1) == (r2, c2) and given_r2 is not None and given_c2 is not None
        if not single:
            if height > r2 - r1 + 1:
                raise invalid_argument(
                    f"Requested writing within range [{a1}], but tried writing to row "
                    f"[{r1 + height}]")
            if width > c2 - c1 + 1:
                raise invalid_argument(
                    f"Requested writing within range [{a1}], but tried writing to column "
                    f"[{column_letter(c1 + width - 1)}]")
        if r1 + height > sheet.rows or c1 + width > sheet.cols:
            raise invalid_argument(
                f"Range ({range_text(sheet.title, r1, c1, r1 + height - 1, c1 + width - 1)}) "
                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        count = 0
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                self._write_value(sheet, r1 + i, c1 + j, value, option)
                count += value is not None
        return {"spreadsheetId": self.id,
                "updatedRange": range_text(sheet.title, r1, c1, r1 + max(height, 1) - 1,
                                           c1 + max(width, 1) - 1),
                "updatedRows": height, "updatedColumns": width, "updatedCells": count}

    def clear_values(self, a1: str) -> dict[str, Any]:
        """values.clear: values gone, formats kept."""
        sheet, r1, c1, r2, c2 = self.resolve(a1)
        for (r, c), cell in list(sheet.cells.items()):
            if r1 <= r <= r2 and c1 <= c <= c2 and "userEnteredValue" in cell:
                kept = {k: v for k, v in cell.items() if k != "userEnteredValue"}
                self._store_cell(sheet, r, c, kept)
        return {"spreadsheetId": self.id, "clearedRange": range_text(sheet.title, r1, c1, r2, c2)}

    def append_values(self, a1: str, body: Any, option: str) -> dict[str, Any]:
        """values.append: after the last row holding data in the range's columns."""
        values = _values_of(body)
        sheet, r1, c1, _, c2 = self.resolve(a1)
        used = [r for (r, c), cell in sheet.cells.items()
                if r >= r1 and c1 <= c <= c2 and "userEnteredValue" in cell]
        out: dict[str, Any] = {"spreadsheetId": self.id}
        start = r1
        if used:
            last = max(used)
            right = max(c for (r, c), cell in sheet.cells.items()
                        if r1 <= r <= last and c1 <= c <= c2 and "userEnteredValue" in cell)
            out["tableRange"] = range_text(sheet.title, r1, c1, last, right)
            start = last + 1
        need = start + len(values)
        if need > sheet.rows:
            sheet.props["gridProperties"]["rowCount"] = need
        width = max((len(row) for row in values), default=0)
        if c1 + width > sheet.cols:
            sheet.props["gridProperties"]["columnCount"] = c1 + width
        target = range_text(sheet.title, start, c1, start, c1)
        update = self.update_values(target, {"values": values}, option)
        out["updates"] = update
        return out

    # ---- spreadsheets.get -------------------------------------------------------------
    def _cell_json(self, sheet: Sheet, r: int, c: int, memo: dict[Any, Any]) -> dict[str, Any]:
        cell = sheet.cells.get((r, c))
        if not cell:
            return {}
        out: dict[str, Any] = {}
        ev = cell.get("userEnteredValue")
        if ev is not None:
            if "formulaValue" in ev:
                out["userEnteredValue"] = {"formulaValue": self._formula_text(sheet, r, c)}
            else:
                out["userEnteredValue"] = {k: num(v) if k == "numberValue" else v
                                           for k, v in ev.items()}
            value = self.effective(sheet, r, c, memo)
            if isinstance(value, FormulaError):
                out["effectiveValue"] = {"errorValue": {"type": _ERROR_TYPES.get(
                    value.code, "ERROR"), "message": value.code}}
            elif isinstance(value, bool):
                out["effectiveValue"] = {"boolValue": value}
            elif isinstance(value, float):
                out["effectiveValue"] = {"numberValue": num(value)}
            elif isinstance(value, str):
                out["effectiveValue"] = {"stringValue": value}
            shown = format_value(value, cell.get("userEnteredFormat", {}).get("numberFormat"),
                                 self.locale)
            if shown is not None:
                out["formattedValue"] = shown
        if "userEnteredFormat" in cell:
            out["userEnteredFormat"] = clone(cell["userEnteredFormat"])
        if "dataValidation" in cell:
            rule = clone(cell["dataValidation"])
            origin = sheet.validation_origins.get((r, c), (r, c))
            _render_rule(rule, self.locale, r - origin[0], c - origin[1])
            out["dataValidation"] = rule
        if "note" in cell:
            out["note"] = cell["note"]
        return out

    def _grid_data(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> dict[str, Any]:
        memo: dict[Any, Any] = {}
        data: dict[str, Any] = {}
        if r1:
            data["startRow"] = r1
        if c1:
            data["startColumn"] = c1
        data["rowData"] = [{"values": [self._cell_json(sheet, r, c, memo)
                                       for c in range(c1, c2 + 1)]}
                           for r in range(r1, r2 + 1)]
        data["rowMetadata"] = [_dimension(sheet.row_px.get(r, DEFAULT_ROW_PX),
                                          r in sheet.hidden_rows) for r in range(r1, r2 + 1)]
        data["columnMetadata"] = [_dimension(sheet.col_px.get(c, DEFAULT_COL_PX),
                                             c in sheet.hidden_cols) for c in range(c1, c2 + 1)]
        return data

    def to_json(self, *, fields: str | None = None, ranges: list[str] | None = None,
                include_grid_data: bool = False) -> dict[str, Any]:
        """The Spreadsheet resource as spreadsheets.get gives it."""
        tree = parse_fields(fields)
        # Grid data comes with includeGridData, or when ``fields`` names it.
        wants_data = include_grid_data or (
            tree is not None and isinstance(tree.get("sheets"), dict)
            and "data" in tree["sheets"])
        by_sheet: dict[int, list[tuple[int, int, int, int]]] = {}
        for a1 in ranges or []:
            sheet, r1, c1, r2, c2 = self.resolve(a1)
            by_sheet.setdefault(sheet.sheet_id, []).append((r1, c1, r2, c2))
        sheets_json = []
        for sheet in sorted(self.sheets, key=lambda s: s.props["index"]):
            if ranges and sheet.sheet_id not in by_sheet:
                continue
            item: dict[str, Any] = {"properties": sheet.props_json()}
            if wants_data:
                blocks = by_sheet.get(sheet.sheet_id) or [(0, 0, sheet.rows - 1,
                                                           sheet.cols - 1)]
                item["data"] = [self._grid_data(sheet, *block) for block in blocks]
            if sheet.merges:
                item["merges"] = [m.grid_range() for m in sheet.merges]
            if sheet.conditional_formats:
                item["conditionalFormats"] = [_render_cf(rule, self.locale)
                                              for rule in sheet.conditional_formats]
            if sheet.protected_ranges:
                item["protectedRanges"] = clone(sheet.protected_ranges)
            if sheet.developer_metadata:
                item["developerMetadata"] = clone(sheet.developer_metadata)
            sheets_json.append(item)
        out: dict[str, Any] = {
            "spreadsheetId": self.id,
            "properties": {"title": self.title, "locale": self.locale,
                           "autoRecalc": self.auto_recalc, "timeZone": self.time_zone,
                           "defaultFormat": clone(DEFAULT_FORMAT),
                           "spreadsheetTheme": clone(SPREADSHEET_THEME)},
            "sheets": sheets_json,
        }
        if self.developer_metadata:
            out["developerMetadata"] = clone(self.developer_metadata)
        out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{self.id}/edit"
        result = apply_fields(out, tree)
        _trim_grid(result)
        return result

    # ---- what a person would see --------------------------------------------------------
    def highlighted(self, title: str) -> dict[tuple[int, int], dict[str, Any]]:
        """Cells of sheet ``title`` a conditional format paints: (row, col) → format."""
        sheet = self.sheet_by_title(title)
        assert sheet is not None
        memo: dict[Any, Any] = {}
        painted: dict[tuple[int, int], dict[str, Any]] = {}
        for rule in reversed(sheet.conditional_formats):  # the first rule wins
            condition = rule.get("booleanRule", {}).get("condition", {})
            if condition.get("type") != "CUSTOM_FORMULA":
                continue
            formula = parse_formula(condition["values"][0]["userEnteredValue"], "en_US")
            first = rule["ranges"][0]
            origin = (first.get("startRowIndex", 0), first.get("startColumnIndex", 0))
            for grid_range in rule["ranges"]:
                for r in range(grid_range.get("startRowIndex", 0), grid_range["endRowIndex"]):
                    for c in range(grid_range.get("startColumnIndex", 0),
                                   grid_range["endColumnIndex"]):
                        value = self._eval_at(sheet, formula.shifted(r - origin[0],
                                                                     c - origin[1]), memo)
                        if value is True:
                            painted[(r, c)] = rule["booleanRule"].get("format", {})
        return painted

    def invalid(self, title: str) -> set[tuple[int, int]]:
        """Cells of sheet ``title`` holding a value their data validation rejects."""
        sheet = self.sheet_by_title(title)
        assert sheet is not None
        memo: dict[Any, Any] = {}
        bad: set[tuple[int, int]] = set()
        for (r, c), cell in sheet.cells.items():
            rule = cell.get("dataValidation")
            value = self.effective(sheet, r, c, memo)
            if rule is None or value is None:
                continue
            condition = rule["condition"]
            values = [v.get("userEnteredValue", "") for v in condition.get("values") or []]
            kind = condition["type"]
            if kind == "CUSTOM_FORMULA":
                origin = sheet.validation_origins.get((r, c), (r, c))
                formula = parse_formula(values[0], "en_US").shifted(r - origin[0],
                                                                    c - origin[1])
                ok = self._eval_at(sheet, formula, memo) is True
            elif kind.startswith("NUMBER_"):
                ok = isinstance(value, float) and _number_ok(kind, value, values)
            elif kind == "ONE_OF_LIST":
                ok = str(value) in values
            else:
                ok = True
            if not ok:
                bad.add((r, c))
        return bad

    def _eval_at(self, sheet: Sheet, formula: ParsedFormula, memo: dict[Any, Any]) -> Any:
        def lookup(name: str | None, row: int, col: int) -> Any:
            target = sheet if name is None else self.sheet_by_title(name)
            return FormulaError("#REF!") if target is None else self.effective(
                target, row, col, memo)

        return evaluate(formula.tree, lookup, None)

    # ---- export -------------------------------------------------------------------------
    def to_xlsx(self) -> bytes:
        """The spreadsheet as .xlsx (values, formulas with their results, merges, hidden
        sheets), as files.export gives it."""
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
        memo: dict[Any, Any] = {}
        for sheet in sorted(self.sheets, key=lambda s: s.props["index"]):
            ws = book.add_worksheet(sheet.title[:31])
            for (r, c), cell in sorted(sheet.cells.items()):
                ev = cell.get("userEnteredValue")
                if ev is None:
                    continue
                value = self.effective(sheet, r, c, memo)
                if "formulaValue" in ev and isinstance(sheet.formulas.get((r, c)),
                                                       ParsedFormula):
                    shown = value.code if isinstance(value, FormulaError) else (
                        "" if value is None else value)
                    ws.write_formula(r, c, self._formula_text_en(sheet, r, c), None, shown)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, float):
                    ws.write_number(r, c, value)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                elif isinstance(value, FormulaError):
                    ws.write_string(r, c, value.code)
            for m in sheet.merges:
                ws.merge_range(m.r1, m.c1, m.r2 - 1, m.c2 - 1, None)
                top = sheet.cells.get((m.r1, m.c1), {})
                if "userEnteredValue" in top:
                    value = self.effective(sheet, m.r1, m.c1, memo)
                    if isinstance(value, str):
                        ws.write_string(m.r1, m.c1, value)
                    elif isinstance(value, float):
                        ws.write_number(m.r1, m.c1, value)
            if sheet.props.get("hidden"):
                ws.hide()
        book.close()
        return buffer.getvalue()

    def _formula_text_en(self, sheet: Sheet, r: int, c: int) -> str:
        parsed = sheet.formulas[(r, c)]
        assert isinstance(parsed, ParsedFormula)
        return parsed.text("en_US")


_ERROR_TYPES = {"#DIV/0!": "DIVIDE_BY_ZERO", "#VALUE!": "VALUE", "#REF!": "REF",
                "#NAME?": "NAME", "#NUM!": "NUM", "#N/A": "N_A", "#ERROR!": "ERROR"}




def _values_of(body: Any) -> list[list[Any]]:
    values = (body or {}).get("values") if isinstance(body, dict) else None
    if values is None:
        return []
    if not isinstance(values, list):
        message = ("Invalid value at 'data.values' (type.googleapis.com/google.protobuf."
                   f"ListValue), {_json_text(values)}")
        raise sheets_error(400, message, "INVALID_ARGUMENT", [{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": "data.values", "description": message}],
        }])
    for i, row in enumerate(values):
        if not isinstance(row, list):
            message = (f"Invalid value at 'data.values[{i}]' (type.googleapis.com/google."
                       f"protobuf.ListValue), {_json_text(row)}")
            raise sheets_error(400, message, "INVALID_ARGUMENT", [{
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": f"data.values[{i}]", "description": message}],
            }])
    return values


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _dimension(pixels: int, hidden: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"pixelSize": pixels}
    if hidden:
        out["hiddenByUser"] = True
    return out



def _render_rule(rule: dict[str, Any], locale: str, rows: int, cols: int) -> None:
    """Show a stored rule as Google does: formulas in the current locale, moved to the
    cell; numbers with the locale's decimal separator."""
    condition = rule["condition"]
    if condition["type"] == "CUSTOM_FORMULA":
        value = condition["values"][0]
        value["userEnteredValue"] = parse_formula(value["userEnteredValue"], "en_US").shifted(
            rows, cols).text(locale)
    elif condition["type"].startswith("NUMBER_"):
        for value in condition.get("values") or []:
            text = str(value["userEnteredValue"])
            value["userEnteredValue"] = text.replace(".", ",") if locale in (
                "vi_VN",) else text


def _render_cf(rule: dict[str, Any], locale: str) -> dict[str, Any]:
    out = clone(rule)
    condition = out.get("booleanRule", {}).get("condition", {})
    if condition.get("type") == "CUSTOM_FORMULA":
        value = condition["values"][0]
        value["userEnteredValue"] = parse_formula(value["userEnteredValue"], "en_US").text(
            locale)
    return out


def _number_ok(kind: str, value: float, values: list[str]) -> bool:
    nums = [float(v.replace(",", ".")) for v in values]
    return {
        "NUMBER_GREATER": lambda: value > nums[0],
        "NUMBER_GREATER_THAN_EQ": lambda: value >= nums[0],
        "NUMBER_LESS": lambda: value < nums[0],
        "NUMBER_LESS_THAN_EQ": lambda: value <= nums[0],
        "NUMBER_EQ": lambda: value == nums[0],
        "NUMBER_NOT_EQ": lambda: value != nums[0],
        "NUMBER_BETWEEN": lambda: nums[0] <= value <= nums[1],
        "NUMBER_NOT_BETWEEN": lambda: not nums[0] <= value <= nums[1],
    }[kind]()


def _trim_grid(value: Any) -> None:
    """Leave out trailing empty cells and rows of grid data, and then empty lists, as
    Google does (after ``fields`` was applied)."""
    if isinstance(value, list):
        for item in value:
            _trim_grid(item)
        return
    if not isinstance(value, dict):
        return
    if isinstance(value.get("rowData"), list):
        rows = value["rowData"]
        for row in rows:
            cells = row.get("values")
            if isinstance(cells, list):
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    row.pop("values")
        while rows and not rows[-1]:
            rows.pop()
        if not rows:
            value.pop("rowData")
    for key, item in list(value.items()):
        if key != "rowData":
            _trim_grid(item)
