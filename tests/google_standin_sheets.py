"""The spreadsheets of the Google stand-in: Sheets v4 behaviour on an in-memory model.

A :class:`Spreadsheet` holds its properties (title, locale, time zone), its sheets
(properties, cells as ``CellData``, merges, conditional formats, protected ranges,
row and column sizes, developer metadata) and spreadsheet-level developer metadata.
It answers ``spreadsheets.get`` (``fields``, ``ranges``, grid data), the ``values``
endpoints and ``batchUpdate``, whose requests are applied in order to a copy that
replaces the spreadsheet only when every request succeeded (all or nothing, as at
Google). JSON follows proto3 conventions as Google's does: default values (0, false,
"") are left out, except where the recorded traffic shows them.
"""

from __future__ import annotations

import copy
import io
import random
from dataclasses import dataclass, field
from typing import Any

from tests.google_standin_common import (
    ApiError,
    apply_fields,
    invalid_argument,
    parse_fields,
    set_by_mask,
    sheets_error,
)
from tests.google_standin_formulas import FormulaError, ParsedFormula, evaluate, parse_formula
from tests.google_standin_values import (
    format_value,
    parse_a1,
    quote_title,
    range_text,
    raw_value,
    user_entered,
)

__all__ = ["DEFAULT_FORMAT", "SPREADSHEET_THEME", "Sheet", "Spreadsheet"]

# The properties Google gives a new spreadsheet (from the recorded traffic).
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
        "bold": False, "italic": False, "strikethrough": False, "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_ACCENTS = [
    ("ACCENT1", 0.25882354, 0.52156866, 0.95686275),
    ("ACCENT2", 0.91764706, 0.2627451, 0.20784314),
    ("ACCENT3", 0.9843137, 0.7372549, 0.015686275),
    ("ACCENT4", 0.20392157, 0.65882355, 0.3254902),
    ("ACCENT5", 1, 0.42745098, 0.003921569),
    ("ACCENT6", 0.27450982, 0.7411765, 0.7764706),
    ("LINK", 0.06666667, 0.33333334, 0.8),
]
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
        *({"colorType": name, "color": {"rgbColor": {"red": r, "green": g, "blue": b}}}
          for name, r, g, b in _ACCENTS),
    ],
}
DEFAULT_ROW_PX = 21
DEFAULT_COL_PX = 100
_REQUEST_KINDS = frozenset({
    "addSheet", "deleteSheet", "updateSheetProperties", "updateSpreadsheetProperties",
    "updateCells", "repeatCell", "mergeCells", "unmergeCells", "updateDimensionProperties",
    "setDataValidation", "addConditionalFormatRule", "addProtectedRange",
    "createDeveloperMetadata",
})
# Real Sheets request kinds the stand-in does not implement: refused with a 400 that
# says so (a test then fails loudly instead of the stand-in pretending).
_KNOWN_UNIMPLEMENTED = frozenset({
    "updateBorders", "autoResizeDimensions", "insertDimension", "deleteDimension",
    "appendDimension", "moveDimension", "addNamedRange", "copyPaste", "cutPaste",
    "findReplace", "sortRange", "setBasicFilter", "addChart", "addBanding",
    "duplicateSheet", "updateConditionalFormatRule", "deleteConditionalFormatRule",
    "updateProtectedRange", "deleteProtectedRange", "updateDeveloperMetadata",
    "deleteDeveloperMetadata", "appendCells", "insertRange", "deleteRange", "pasteData",
})


def clone(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists copied, the rest shared)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


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


# ---- grid ranges -----------------------------------------------------------------------
@dataclass(frozen=True)
class Rect:
    """A block of cells of one sheet (0-based, end exclusive)."""

    sheet_id: int
    r1: int
    c1: int
    r2: int
    c2: int

    def cells(self) -> list[tuple[int, int]]:
        """Every (row, col) of the block."""
        return [(r, c) for r in range(self.r1, self.r2) for c in range(self.c1, self.c2)]

    def contains(self, r: int, c: int) -> bool:
        """Whether the cell is in the block."""
        return self.r1 <= r < self.r2 and self.c1 <= c < self.c2

    def overlaps(self, other: Rect) -> bool:
        """Whether the blocks share a cell."""
        return (self.sheet_id == other.sheet_id and self.r1 < other.r2 and other.r1 < self.r2
                and self.c1 < other.c2 and other.c1 < self.c2)

    def inside(self, other: Rect) -> bool:
        """Whether this block lies within ``other``."""
        return (self.r1 >= other.r1 and self.r2 <= other.r2 and self.c1 >= other.c1
                and self.c2 <= other.c2)

    def grid_range(self, *, with_sheet: bool = True) -> dict[str, Any]:
        """GridRange JSON (sheetId 0 left out, as proto3 JSON does)."""
        out: dict[str, Any] = {}
        if with_sheet and self.sheet_id:
            out["sheetId"] = self.sheet_id
        out.update({"startRowIndex": self.r1, "endRowIndex": self.r2,
                    "startColumnIndex": self.c1, "endColumnIndex": self.c2})
        return out


# ---- sheets ----------------------------------------------------------------------------
@dataclass
class Sheet:
    """One sheet (tab)."""

    props: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    formulas: dict[tuple[int, int], ParsedFormula | FormulaError] = field(default_factory=dict)
    validation_origins: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    merges: list[Rect] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    row_px: dict[int, int] = field(default_factory=dict)
    col_px: dict[int, int] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sheet_id(self) -> int:
        """The sheet's ID."""
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        """The sheet's name."""
        return str(self.props["title"])

    @property
    def rows(self) -> int:
        """Rows in the grid."""
        return int(self.props["gridProperties"]["rowCount"])

    @property
    def cols(self) -> int:
        """Columns in the grid."""
        return int(self.props["gridProperties"]["columnCount"])

    def whole(self) -> Rect:
        """The whole grid."""
        return Rect(self.sheet_id, 0, 0, self.rows, self.cols)

    def props_json(self) -> dict[str, Any]:
        """SheetProperties JSON."""
        props = clone(self.props)
        grid = props["gridProperties"]
        for key in ("frozenRowCount", "frozenColumnCount"):
            if not grid.get(key):
                grid.pop(key, None)
        if not props.get("hidden"):
            props.pop("hidden", None)
        return props


@dataclass
class _Context:
    """Where a batch is: the request index and kind (for error messages), who asks."""

    index: int
    kind: str
    identity: str

    def error(self, message: str) -> ApiError:
        return invalid_argument(f"Invalid requests[{self.index}].{self.kind}: {message}")


class Spreadsheet:
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
            return _num(value)
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
                    f"[{_col_letters(c1 + width - 1)}]")
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

    # ---- batchUpdate ------------------------------------------------------------------
    def batch_update(self, body: Any, identity: str) -> tuple[Spreadsheet, dict[str, Any]]:
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
            if kind not in _REQUEST_KINDS:
                if kind in _KNOWN_UNIMPLEMENTED:
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
                out["userEnteredValue"] = {k: _num(v) if k == "numberValue" else v
                                           for k, v in ev.items()}
            value = self.effective(sheet, r, c, memo)
            if isinstance(value, FormulaError):
                out["effectiveValue"] = {"errorValue": {"type": _ERROR_TYPES.get(
                    value.code, "ERROR"), "message": value.code}}
            elif isinstance(value, bool):
                out["effectiveValue"] = {"boolValue": value}
            elif isinstance(value, float):
                out["effectiveValue"] = {"numberValue": _num(value)}
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


def _col_letters(col: int) -> str:
    from tests.google_standin_values import col_name

    return col_name(col)


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
                value["userEnteredValue"] = str(_num(ev["numberValue"]))
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
