"""``spreadsheets.batchUpdate`` in the Google Sheets stand-in (mixed into
:class:`nscl.google.standin.sheets.Spreadsheet`).

The requests are applied in order to a copy of the spreadsheet, which replaces it only
when every request succeeded (all or nothing). An unknown request kind is Google's 400
("Unknown name … Cannot find field"); a kind Google has but the stand-in does not
implement (``KNOWN_UNIMPLEMENTED``) is a 400 saying so. Formulas of custom validation
and conditional formats are read in the spreadsheet's locale at that moment, and
refused when they do not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nscl.google.standin.common import (
    ApiError,
    invalid_argument,
    parse_fields,
    set_by_mask,
    sheets_error,
)
from nscl.google.standin.formulas import FormulaError, ParsedFormula, parse_formula
from nscl.google.standin.grid import DEFAULT_COL_PX, DEFAULT_ROW_PX, Rect, Sheet, clone, num
from nscl.google.standin.values import range_text, user_entered

if TYPE_CHECKING:
    from nscl.google.standin.sheets import Spreadsheet

__all__ = ["KNOWN_UNIMPLEMENTED", "REQUEST_KINDS", "BatchRequests"]

REQUEST_KINDS = frozenset({
    "addSheet", "deleteSheet", "updateSheetProperties", "updateSpreadsheetProperties",
    "updateCells", "repeatCell", "mergeCells", "unmergeCells", "updateDimensionProperties",
    "setDataValidation", "addConditionalFormatRule", "deleteConditionalFormatRule",
    "addProtectedRange", "createDeveloperMetadata",
})
# Real Sheets request kinds the stand-in does not implement: refused with a 400 that
# says so (a test then fails loudly instead of the stand-in pretending).
KNOWN_UNIMPLEMENTED = frozenset({
    "updateBorders", "autoResizeDimensions", "insertDimension", "deleteDimension",
    "appendDimension", "moveDimension", "addNamedRange", "copyPaste", "cutPaste",
    "findReplace", "sortRange", "setBasicFilter", "addChart", "addBanding",
    "duplicateSheet", "updateConditionalFormatRule",
    "updateProtectedRange", "deleteProtectedRange", "updateDeveloperMetadata",
    "deleteDeveloperMetadata", "appendCells", "insertRange", "deleteRange", "pasteData",
})


# ---- colours mirrored as Google does ---------------------------------------------------
def _mirror_colors(fmt: dict[str, Any]) -> dict[str, Any]:
    """Google answers a colour with both ``…Color`` and ``…ColorStyle.rgbColor``."""
    out = clone(fmt)

    def pair(obj: dict[str, Any], plain: str, style: str) -> None:
        if plain in obj and style not in obj:
            obj[style] = {"rgbColor": clone(obj[plain])}
        elif style in obj and plain not in obj and "rgbColor" in obj[style]:
            obj[plain] = clone(obj[style]["rgbColor"])

    pair(out, "backgroundColor", "backgroundColorStyle")
    if isinstance(out.get("textFormat"), dict):
        pair(out["textFormat"], "foregroundColor", "foregroundColorStyle")
    if isinstance(out.get("borders"), dict):
        for side in out["borders"].values():
            if isinstance(side, dict):
                side.setdefault("width", 1)
                side.setdefault("color", {})
                pair(side, "color", "colorStyle")
    return out


@dataclass
class _Context:
    """Where a batch is: the request index and kind (for error messages), who asks."""

    index: int
    kind: str
    identity: str

    def error(self, message: str) -> ApiError:
        return invalid_argument(f"Invalid requests[{self.index}].{self.kind}: {message}")


class BatchRequests:
    """The batchUpdate requests the stand-in applies."""

    # What the spreadsheet (nscl.google.standin.sheets.Spreadsheet) provides.
    id: str
    title: str
    locale: str
    time_zone: str
    auto_recalc: str
    sheets: list[Sheet]
    developer_metadata: list[dict[str, Any]]

    if TYPE_CHECKING:
        def clone(self) -> Spreadsheet: ...

        def sheet_by_id(self, sheet_id: int) -> Sheet | None: ...

        def sheet_by_title(self, title: str) -> Sheet | None: ...

        def _new_id(self) -> int: ...

        def _store_cell(self, sheet: Sheet, r: int, c: int, cell: dict[str, Any]) -> None: ...

    # ---- batchUpdate ------------------------------------------------------------------
    def batch_update(self, body: Any, identity: str) -> tuple[Any, dict[str, Any]]:
        """Apply ``body["requests"]`` to a copy; (the copy, the answer). Raises
        :class:`ApiError` (and changes nothing) when any request fails."""
        if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
            raise invalid_argument("Must specify at least one request.")
        if not body["requests"]:
            raise invalid_argument("Must specify at least one request.")
        work = self.clone()
        replies = []
        for i, request in enumerate(body["requests"]):
            if not isinstance(request, dict) or not request:
                raise invalid_argument(f"Invalid requests[{i}]: No request set.")
            kinds = list(request)
            if len(kinds) > 1:
                raise invalid_argument(
                    f"Invalid value at 'requests[{i}]' (oneof), oneof field 'kind' is already "
                    f"set. Cannot set '{kinds[1]}'")
            kind = kinds[0]
            if kind not in REQUEST_KINDS:
                if kind in KNOWN_UNIMPLEMENTED:
                    raise invalid_argument(
                        f"Invalid requests[{i}].{kind}: not implemented by the stand-in")
                message = (f"Invalid JSON payload received. Unknown name \"{kind}\" at "
                           f"'requests[{i}]': Cannot find field.")
                raise sheets_error(400, message, "INVALID_ARGUMENT", [{
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": f"requests[{i}]", "description": message}],
                }])
            payload = request[kind]
            if not isinstance(payload, dict):
                raise invalid_argument(f"Invalid requests[{i}].{kind}: must be an object")
            replies.append(getattr(work, f"_do_{kind}")(payload, _Context(i, kind, identity)))
        answer: dict[str, Any] = {"spreadsheetId": self.id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            answer["updatedSpreadsheet"] = work.to_json()
        return work, answer

    # Each _do_<kind> applies one request to ``self`` (the working copy) and returns its
    # reply ({} for most).
    def _sheet(self, sheet_id: Any, ctx: _Context) -> Sheet:
        sheet = self.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise ctx.error(f"No grid with id: {int(sheet_id or 0)}")
        return sheet

    def _rect(self, grid_range: Any, ctx: _Context) -> tuple[Sheet, Rect]:
        if not isinstance(grid_range, dict):
            raise ctx.error("range is required")
        sheet = self._sheet(grid_range.get("sheetId", 0), ctx)
        r1 = int(grid_range.get("startRowIndex", 0))
        r2 = int(grid_range.get("endRowIndex", sheet.rows))
        c1 = int(grid_range.get("startColumnIndex", 0))
        c2 = int(grid_range.get("endColumnIndex", sheet.cols))
        if r1 < 0 or c1 < 0 or r2 < r1 or c2 < c1:
            raise ctx.error("Invalid range")
        if r2 > sheet.rows or c2 > sheet.cols:
            raise ctx.error(
                f"Range ({range_text(sheet.title, r1, c1, max(r2 - 1, r1), max(c2 - 1, c1))}) "
                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        return sheet, Rect(sheet.sheet_id, r1, c1, r2, c2)

    def _do_addSheet(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        props = clone(payload.get("properties") or {})
        title = props.get("title")
        if title is None:
            n = len(self.sheets) + 1
            while self.sheet_by_title(f"Sheet{n}") is not None:
                n += 1
            title = f"Sheet{n}"
        if self.sheet_by_title(title) is not None:
            raise ctx.error(f"A sheet with the name \"{title}\" already exists. Please enter "
                            "another name.")
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self._new_id()
        elif int(sheet_id) < 0 or self.sheet_by_id(int(sheet_id)) is not None:
            raise ctx.error(f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        index = int(props.get("index", len(self.sheets)))
        index = max(0, min(index, len(self.sheets)))
        for other in self.sheets:
            if other.props["index"] >= index:
                other.props["index"] += 1
        new = {
            "sheetId": int(sheet_id), "title": title, "index": index,
            "sheetType": props.get("sheetType", "GRID"),
            "gridProperties": {"rowCount": int(grid.get("rowCount", 1000)),
                               "columnCount": int(grid.get("columnCount", 26))},
        }
        for key in ("frozenRowCount", "frozenColumnCount"):
            if grid.get(key):
                new["gridProperties"][key] = int(grid[key])
        if props.get("hidden"):
            new["hidden"] = True
        if "tabColor" in props:
            new["tabColor"] = props["tabColor"]
        sheet = Sheet(new)
        self._check_sheet(sheet, ctx)
        self.sheets.append(sheet)
        return {"addSheet": {"properties": sheet.props_json()}}

    def _check_sheet(self, sheet: Sheet, ctx: _Context) -> None:
        grid = sheet.props["gridProperties"]
        if grid["rowCount"] < 1 or grid["columnCount"] < 1:
            raise ctx.error("Grid must have at least one row and one column.")
        if grid.get("frozenRowCount", 0) > grid["rowCount"]:
            raise ctx.error("frozenRowCount must be less than the number of rows.")

    def _do_deleteSheet(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        sheet = self._sheet(payload.get("sheetId"), ctx)
        if len(self.sheets) == 1:
            raise ctx.error("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        for other in self.sheets:
            if other.props["index"] > sheet.props["index"]:
                other.props["index"] -= 1
        return {}

    def _do_updateSheetProperties(self, payload: dict[str, Any],
                                  ctx: _Context) -> dict[str, Any]:
        props = payload.get("properties") or {}
        if "fields" not in payload:
            raise ctx.error("At least one field must be updated.")
        sheet = self._sheet(props.get("sheetId", 0), ctx)
        tree = parse_fields(payload["fields"])
        updated = clone(sheet.props)
        old_index = updated["index"]
        set_by_mask(updated, props, tree)
        updated["sheetId"] = sheet.sheet_id
        updated.setdefault("title", sheet.title)
        updated.setdefault("index", old_index)
        updated.setdefault("sheetType", "GRID")
        grid = updated.setdefault("gridProperties", {})
        grid.setdefault("rowCount", sheet.rows)
        grid.setdefault("columnCount", sheet.cols)
        other = self.sheet_by_title(updated["title"])
        if other is not None and other is not sheet:
            raise ctx.error(f"A sheet with the name \"{updated['title']}\" already exists. "
                            "Please enter another name.")
        if updated["index"] != old_index:
            new_index = max(0, min(int(updated["index"]), len(self.sheets) - 1))
            order = sorted((s for s in self.sheets if s is not sheet),
                           key=lambda s: s.props["index"])
            order.insert(new_index, sheet)
            for i, s in enumerate(order):
                s.props["index"] = i
            updated["index"] = new_index
        sheet.props = updated
        if updated.get("hidden") and all(s.props.get("hidden") for s in self.sheets):
            raise ctx.error("You can't hide all the sheets in a document.")
        self._check_sheet(sheet, ctx)
        rows, cols = sheet.rows, sheet.cols
        for (r, c) in list(sheet.cells):
            if r >= rows or c >= cols:
                sheet.cells.pop((r, c))
                sheet.formulas.pop((r, c), None)
        sheet.merges = [m for m in sheet.merges if m.r2 <= rows and m.c2 <= cols]
        return {}

    def _do_updateSpreadsheetProperties(self, payload: dict[str, Any],
                                        ctx: _Context) -> dict[str, Any]:
        props = payload.get("properties") or {}
        if "fields" not in payload:
            raise ctx.error("At least one field must be updated.")
        current = {"title": self.title, "locale": self.locale, "timeZone": self.time_zone,
                   "autoRecalc": self.auto_recalc}
        set_by_mask(current, props, parse_fields(payload["fields"]))
        for key in ("defaultFormat", "spreadsheetTheme", "iterativeCalculationSettings"):
            if key in current and key != "iterativeCalculationSettings":
                raise ctx.error(f"{key} is read-only")
        if not current.get("title"):
            raise ctx.error("title must not be empty")
        self.title = str(current["title"])
        self.locale = str(current.get("locale") or "en_US")
        self.time_zone = str(current.get("timeZone") or "Etc/GMT")
        self.auto_recalc = str(current.get("autoRecalc") or "ON_CHANGE")
        return {}

    def _write_cell_data(self, sheet: Sheet, r: int, c: int, data: dict[str, Any],
                         tree: Any, ctx: _Context, origin: tuple[int, int]) -> None:
        cell = clone(sheet.cells.get((r, c), {}))
        source = dict(data)  # set_by_mask copies what it takes
        ev = source.get("userEnteredValue")
        if ev is not None:
            if not isinstance(ev, dict) or len(ev) != 1 or next(iter(ev)) not in (
                    "numberValue", "stringValue", "boolValue", "formulaValue"):
                raise ctx.error("userEnteredValue must set exactly one of numberValue, "
                                "stringValue, boolValue, formulaValue")
            if "formulaValue" in ev and (r, c) != origin:
                # repeatCell: relative references move with the cell, as at Google.
                try:
                    shifted = parse_formula(str(ev["formulaValue"]), self.locale).shifted(
                        r - origin[0], c - origin[1])
                    source["userEnteredValue"] = {"formulaValue": shifted.text(self.locale)}
                except FormulaError:
                    pass
        if "dataValidation" in source:
            self._check_rule(source["dataValidation"], ctx)
        set_by_mask(cell, source, tree)
        if "userEnteredFormat" in cell:
            cell["userEnteredFormat"] = _mirror_colors(cell["userEnteredFormat"])
        self._store_cell(sheet, r, c, cell)
        if "dataValidation" in cell and "dataValidation" in source:
            sheet.validation_origins[(r, c)] = origin

    def _do_updateCells(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        if "fields" not in payload:
            raise ctx.error("At least one field must be specified.")
        tree = parse_fields(payload["fields"])
        rows = payload.get("rows") or []
        if "range" in payload:
            sheet, rect = self._rect(payload["range"], ctx)
        elif "start" in payload:
            start = payload["start"]
            sheet = self._sheet(start.get("sheetId", 0), ctx)
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
            width = max((len(row.get("values") or []) for row in rows), default=0)
            _, rect = self._rect({"sheetId": sheet.sheet_id, "startRowIndex": r0,
                                  "endRowIndex": r0 + len(rows), "startColumnIndex": c0,
                                  "endColumnIndex": c0 + width}, ctx)
        else:
            raise ctx.error("Either start or range must be specified.")
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values") or []):
                r, c = rect.r1 + i, rect.c1 + j
                if not rect.contains(r, c):
                    raise ctx.error("Attempting to write outside of the range.")
                self._write_cell_data(sheet, r, c, data, tree, ctx, (r, c))
        if "range" in payload:  # cells of the range not covered by rows are cleared
            for r, c in rect.cells():
                i, j = r - rect.r1, c - rect.c1
                if i >= len(rows) or j >= len(rows[i].get("values") or []):
                    self._write_cell_data(sheet, r, c, {}, tree, ctx, (r, c))
        return {}

    def _do_repeatCell(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        if "fields" not in payload:
            raise ctx.error("At least one field must be specified.")
        sheet, rect = self._rect(payload.get("range"), ctx)
        tree = parse_fields(payload["fields"])
        data = payload.get("cell") or {}
        for r, c in rect.cells():
            self._write_cell_data(sheet, r, c, data, tree, ctx, (rect.r1, rect.c1))
        return {}

    def _do_mergeCells(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        sheet, rect = self._rect(payload.get("range"), ctx)
        kind = payload.get("mergeType", "MERGE_ALL")
        if kind == "MERGE_ALL":
            pieces = [rect]
        elif kind == "MERGE_COLUMNS":
            pieces = [Rect(rect.sheet_id, rect.r1, c, rect.r2, c + 1)
                      for c in range(rect.c1, rect.c2)]
        elif kind == "MERGE_ROWS":
            pieces = [Rect(rect.sheet_id, r, rect.c1, r + 1, rect.c2)
                      for r in range(rect.r1, rect.r2)]
        else:
            raise ctx.error(f"Invalid mergeType: {kind}")
        for piece in pieces:
            if (piece.r2 - piece.r1) * (piece.c2 - piece.c1) <= 1:
                continue
            for existing in list(sheet.merges):
                if existing.overlaps(piece):
                    if existing.inside(piece):
                        sheet.merges.remove(existing)
                    else:
                        raise ctx.error("You can't merge cells that partially overlap a "
                                        "merged range.")
            sheet.merges.append(piece)
            for r, c in piece.cells():
                if (r, c) != (piece.r1, piece.c1) and "userEnteredValue" in sheet.cells.get(
                        (r, c), {}):
                    kept = {k: v for k, v in sheet.cells[(r, c)].items()
                            if k != "userEnteredValue"}
                    self._store_cell(sheet, r, c, kept)
        return {}

    def _do_unmergeCells(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        sheet, rect = self._rect(payload.get("range"), ctx)
        sheet.merges = [m for m in sheet.merges if not m.overlaps(rect)]
        return {}

    def _do_updateDimensionProperties(self, payload: dict[str, Any],
                                      ctx: _Context) -> dict[str, Any]:
        dim = payload.get("range") or {}
        if "fields" not in payload:
            raise ctx.error("At least one field must be specified.")
        sheet = self._sheet(dim.get("sheetId", 0), ctx)
        dimension = dim.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise ctx.error("dimension must be ROWS or COLUMNS")
        limit = sheet.rows if dimension == "ROWS" else sheet.cols
        start, end = int(dim.get("startIndex", 0)), int(dim.get("endIndex", limit))
        if not 0 <= start < end <= limit:
            raise ctx.error(f"Invalid dimension range {start}:{end} (grid has {limit}).")
        props = payload.get("properties") or {}
        tree = parse_fields(payload["fields"])
        sizes = sheet.row_px if dimension == "ROWS" else sheet.col_px
        hidden = sheet.hidden_rows if dimension == "ROWS" else sheet.hidden_cols
        for i in range(start, end):
            current: dict[str, Any] = {"pixelSize": sizes.get(
                i, DEFAULT_ROW_PX if dimension == "ROWS" else DEFAULT_COL_PX)}
            if i in hidden:
                current["hiddenByUser"] = True
            set_by_mask(current, props, tree)
            if "pixelSize" in current:
                if int(current["pixelSize"]) < 0:
                    raise ctx.error("pixelSize must not be negative")
                sizes[i] = int(current["pixelSize"])
            if current.get("hiddenByUser"):
                hidden.add(i)
            else:
                hidden.discard(i)
        return {}

    def _check_formula(self, text: str, ctx: _Context, what: str) -> ParsedFormula:
        try:
            return parse_formula(text, self.locale)
        except FormulaError:
            raise ctx.error(f"Invalid {what}: the formula {text} is not valid in the "
                            f"spreadsheet's locale ({self.locale}).") from None

    def _check_rule(self, rule: Any, ctx: _Context) -> None:
        condition = (rule or {}).get("condition") if isinstance(rule, dict) else None
        if not isinstance(condition, dict) or "type" not in condition:
            raise ctx.error("A data validation rule needs a condition.")
        self._check_condition(condition, ctx, "data validation rule")

    def _check_condition(self, condition: dict[str, Any], ctx: _Context, what: str) -> None:
        values = [v.get("userEnteredValue", "") for v in condition.get("values") or []]
        kind = condition["type"]
        if kind == "CUSTOM_FORMULA":
            if len(values) != 1:
                raise ctx.error(f"Invalid {what}: CUSTOM_FORMULA needs one formula.")
            self._check_formula(str(values[0]), ctx, what)
        elif kind.startswith("NUMBER_"):
            need = 2 if kind in ("NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN") else 1
            if len(values) != need:
                raise ctx.error(f"Invalid {what}: {kind} needs {need} value(s).")
            for value in values:
                ev, _ = user_entered(str(value), self.locale)
                if not (ev and ("numberValue" in ev or "formulaValue" in ev)):
                    raise ctx.error(f"Invalid {what}: {value} is not a number in the "
                                    f"spreadsheet's locale ({self.locale}).")
        elif kind not in ("ONE_OF_LIST", "ONE_OF_RANGE", "TEXT_CONTAINS", "TEXT_NOT_CONTAINS",
                          "BLANK", "NOT_BLANK", "BOOLEAN", "TEXT_EQ", "DATE_IS_VALID",
                          "TEXT_IS_EMAIL", "TEXT_IS_URL"):
            raise ctx.error(f"Invalid {what}: condition type {kind} is not supported by the "
                            "stand-in.")

    def _do_setDataValidation(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        sheet, rect = self._rect(payload.get("range"), ctx)
        rule = payload.get("rule")
        if rule is not None:
            self._check_rule(rule, ctx)
            rule = _canonical_rule(rule, self.locale)
        for r, c in rect.cells():
            cell = dict(sheet.cells.get((r, c), {}))
            if rule is None:
                cell.pop("dataValidation", None)
            else:
                cell["dataValidation"] = rule  # stored rules are never changed in place
            self._store_cell(sheet, r, c, cell)
            if rule is not None:
                sheet.validation_origins[(r, c)] = (rect.r1, rect.c1)
        return {}

    def _do_addConditionalFormatRule(self, payload: dict[str, Any],
                                     ctx: _Context) -> dict[str, Any]:
        rule = clone(payload.get("rule") or {})
        ranges = rule.get("ranges") or []
        if not ranges:
            raise ctx.error("A conditional format rule needs at least one range.")
        sheets = {self._rect(r, ctx)[0].sheet_id for r in ranges}
        if len(sheets) != 1:
            raise ctx.error("All ranges of a conditional format rule must be on one sheet.")
        sheet = self._sheet(next(iter(sheets)), ctx)
        if "booleanRule" in rule:
            condition = rule["booleanRule"].get("condition") or {}
            if "type" not in condition:
                raise ctx.error("A boolean rule needs a condition.")
            self._check_condition(condition, ctx, "conditional format rule")
            if condition["type"] == "CUSTOM_FORMULA":
                text = condition["values"][0]["userEnteredValue"]
                condition["values"][0]["userEnteredValue"] = parse_formula(
                    text, self.locale).text("en_US")
            fmt = rule["booleanRule"].get("format")
            if isinstance(fmt, dict):
                rule["booleanRule"]["format"] = _mirror_colors(fmt)
        elif "gradientRule" not in rule:
            raise ctx.error("A conditional format rule needs a booleanRule or a gradientRule.")
        rule["ranges"] = [self._rect(r, ctx)[1].grid_range() for r in ranges]
        index = int(payload.get("index", 0))
        if not 0 <= index <= len(sheet.conditional_formats):
            raise ctx.error(f"Invalid index {index}.")
        sheet.conditional_formats.insert(index, rule)
        return {}

    def _do_deleteConditionalFormatRule(self, payload: dict[str, Any],
                                        ctx: _Context) -> dict[str, Any]:
        """Remove the rule at ``index`` of sheet ``sheetId``; the reply holds it."""
        sheet = self._sheet(payload.get("sheetId", 0), ctx)
        index = int(payload.get("index", 0))
        if not 0 <= index < len(sheet.conditional_formats):
            raise ctx.error(f"No conditional format on sheet: {sheet.sheet_id} at index: "
                            f"{index}")
        rule = sheet.conditional_formats.pop(index)
        return {"deleteConditionalFormatRule": {"rule": clone(rule)}}

    def _do_addProtectedRange(self, payload: dict[str, Any], ctx: _Context) -> dict[str, Any]:
        given = clone(payload.get("protectedRange") or {})
        sheet, rect = self._rect(given.get("range"), ctx)
        whole_sheet = not any(k in given["range"] for k in (
            "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"))
        unprotected = given.get("unprotectedRanges") or []
        if unprotected and not whole_sheet:
            raise ctx.error("Unprotected ranges are only supported on protected sheets "
                            "(a range with no row or column bounds).")
        editors = given.get("editors") or {}
        if given.get("warningOnly") and (editors.get("users") or editors.get("groups")
                                         or editors.get("domainUsersCanEdit")):
            raise ctx.error("Warning-only protected ranges cannot have editors.")
        stored: dict[str, Any] = {"protectedRangeId": self._new_id()}
        stored["range"] = ({"sheetId": sheet.sheet_id} if sheet.sheet_id else {}) \
            if whole_sheet else rect.grid_range()
        if given.get("description"):
            stored["description"] = given["description"]
        if given.get("warningOnly"):
            stored["warningOnly"] = True
        if unprotected:
            stored["unprotectedRanges"] = [self._rect(r, ctx)[1].grid_range()
                                           for r in unprotected]
        stored["requestingUserCanEdit"] = True
        reply = clone(stored)
        if not given.get("warningOnly"):
            reply["editors"] = {}
            users = [u for u in editors.get("users") or [] if u != ctx.identity]
            stored["editors"] = {"users": [ctx.identity, *users]}
        sheet.protected_ranges.append(stored)
        return {"addProtectedRange": {"protectedRange": reply}}

    def _do_createDeveloperMetadata(self, payload: dict[str, Any],
                                    ctx: _Context) -> dict[str, Any]:
        meta = clone(payload.get("developerMetadata") or {})
        if not meta.get("metadataKey"):
            raise ctx.error("metadataKey is required")
        if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
            raise ctx.error("Developer metadata visibility must be DOCUMENT or PROJECT.")
        location = meta.get("location") or {}
        meta["metadataId"] = int(meta.get("metadataId") or self._new_id())
        if location.get("spreadsheet"):
            meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
            self.developer_metadata.append(meta)
        elif "sheetId" in location:
            sheet = self._sheet(location["sheetId"], ctx)
            meta["location"] = {"locationType": "SHEET", "sheetId": sheet.sheet_id}
            sheet.developer_metadata.append(meta)
        else:
            raise ctx.error("Developer metadata location must be the spreadsheet or a sheet.")
        return {"createDeveloperMetadata": {"developerMetadata": meta}}


def _canonical_rule(rule: dict[str, Any], locale: str) -> dict[str, Any]:
    out = clone(rule)
    condition = out["condition"]
    if condition["type"] == "CUSTOM_FORMULA":
        value = condition["values"][0]
        value["userEnteredValue"] = parse_formula(value["userEnteredValue"], locale).text()
    elif condition["type"].startswith("NUMBER_"):
        for value in condition.get("values") or []:
            ev, _ = user_entered(str(value["userEnteredValue"]), locale)
            if ev and "numberValue" in ev:
                value["userEnteredValue"] = str(num(ev["numberValue"]))
    return out
