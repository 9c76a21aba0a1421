"""The workbook interface over the workbook open in Excel, through Excel's object model.

The ribbon buttons run in Excel through xlwings' ``RunPython``: ``xw.Book.caller()`` hands
them an ``xlwings.Book`` whose ``api`` is Excel's COM ``Workbook`` (pywin32's dynamic
dispatch). Everything here goes through that object model, where each property read or
write and each method call is one round trip to Excel, so reads and writes are made in
bulk: a sheet's values in one ``Range.Value``, the cells of one column in one read or one
write; only the cells marked (fill and note) are visited one by one.

What Excel's object model returns, and what this class turns it into:

- numbers as ``float``; a Currency-formatted cell as ``decimal.Decimal`` (→ ``float``);
- dates as pywin32's ``datetime`` with a time zone (→ a naive ``datetime``);
- an error cell (#N/A, #DIV/0! …) as the integer code of the error (→ its text, "#N/A",
  as the saved file holds it): Excel's values are never Python integers otherwise;
- several cells as a tuple of row tuples, one cell as a plain value; an empty cell None.

Text is written so that Excel keeps it as the same text: a value that Excel would turn
into a formula, a number or a date ("=…", "+…", "1/2", "'…") gets Excel's text prefix
(a leading apostrophe, which Excel does not store as part of the value).

Protection: Excel refuses to change a protected sheet (a locked cell's value, a fill
unless formatting is allowed, a note unless editing objects is allowed) and to add,
hide or delete a sheet while the structure is locked. :meth:`XlwingsBook.lift_protection`
unprotects with an empty password (a password-protected sheet or workbook then fails,
and is reported as :class:`~nscl.marking.workbook_api.PasswordProtected`) and keeps
every option of ``Protect`` to protect again exactly as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nscl.a1 import a1, column_letter, parse_a1
from nscl.marking import workbook_api
from nscl.marking.print_setup import PRINT_MARGINS_MM
from nscl.marking.workbook_api import (
    CellValue,
    LiftedProtection,
    PasswordProtected,
    SheetTooLarge,
    excel_needs_text_prefix,
    note_size,
)

__all__ = ["EXCEL_ERRORS", "XlwingsBook", "excel_literal"]

_XL_SHEET_VISIBLE, _XL_SHEET_VERY_HIDDEN = -1, 2
_XL_LANDSCAPE, _XL_PAPER_A4 = 2, 9  # XlPageOrientation, XlPaperSize
_XL_CONTINUOUS, _XL_TOP = 1, -4160  # XlLineStyle, XlVAlign
_XL_COLOR_INDEX_NONE = -4142
# Excel's Find arguments (XlFindLookIn, XlLookAt, XlSearchOrder, XlSearchDirection).
_XL_FORMULAS, _XL_PART, _XL_BY_ROWS, _XL_BY_COLUMNS, _XL_PREVIOUS = -4123, 2, 1, 2, 2
_XL_NEXT = 1
# Merged areas looked for in one sheet, at most (a guard against a search that never
# comes back to its start).
_MAX_MERGED_AREAS = 20_000
_XL_CELL_TYPE_VISIBLE = 12
_MAX_VISIBLE_AREAS = 20_000

# Excel's error values as its object model returns them: the error's code (xlErrDiv0 =
# 2007 …) in a COM SCODE, 0x800A0000 + code, read by pywin32 as a signed integer.
EXCEL_ERRORS: dict[int, str] = {
    -2146828288 + code: text
    for code, text in (
        (2000, "#NULL!"), (2007, "#DIV/0!"), (2015, "#VALUE!"), (2023, "#REF!"),
        (2029, "#NAME?"), (2036, "#NUM!"), (2042, "#N/A"), (2043, "#GETTING_DATA"),
        (2045, "#SPILL!"), (2046, "#CONNECT!"), (2047, "#BLOCKED!"), (2048, "#UNKNOWN!"),
        (2049, "#FIELD!"), (2050, "#CALC!"), (2051, "#BUSY!"),
    )
}

# The options of Worksheet.Protect kept in its Protection object, in Protect's order.
_ALLOW_OPTIONS: tuple[str, ...] = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
    "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
    "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
    "AllowUsingPivotTables",
)


def excel_literal(value: CellValue) -> CellValue:
    """The value to assign through Excel's ``Range.Value`` so that Excel stores exactly
    ``value`` (None: an empty cell)."""
    if value is None:
        return ""  # assigning "" empties a cell
    if isinstance(value, str) and excel_needs_text_prefix(value):
        return "'" + value
    return value


def _cell_value(value: Any) -> CellValue:
    """One value of ``Range.Value`` as an interface value (see the module documentation)."""
    if value is None or isinstance(value, str | bool | float):
        return value
    if isinstance(value, int):  # Excel has no integers: an int is an error value
        return EXCEL_ERRORS.get(value, "#N/A")
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute,
                           value.second, value.microsecond)
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _grid(block: Any) -> list[list[Any]]:
    """``Range.Value`` of any range as a list of rows."""
    if isinstance(block, tuple):
        return [list(row) if isinstance(row, tuple) else [row] for row in block]
    return [[block]]


def _bgr_hex(bgr: int) -> str:
    """Excel's colour number (blue, green, red bytes) as ``"RRGGBB"``."""
    return f"{bgr & 0xFF:02X}{(bgr >> 8) & 0xFF:02X}{(bgr >> 16) & 0xFF:02X}"


def _hex_bgr(rgb: str) -> int:
    red, green, blue = int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)
    return red | (green << 8) | (blue << 16)


def _is_hex(text: str) -> bool:
    return len(text) == 6 and all(c in "0123456789ABCDEFabcdef" for c in text)


def _columns(cells: Collection[str]) -> dict[int, dict[int, str]]:
    """Cells grouped by column (0-based): row (0-based) -> the cell's reference."""
    grouped: dict[int, dict[int, str]] = {}
    for cell in cells:
        row, col = parse_a1(cell)
        grouped.setdefault(col, {})[row] = cell
    return grouped


def _runs(rows: Sequence[int]) -> Iterator[list[int]]:
    """Consecutive runs of sorted row numbers."""
    run: list[int] = []
    for row in sorted(rows):
        if run and row != run[-1] + 1:
            yield run
            run = []
        run.append(row)
    if run:
        yield run


def _merged_areas(used: Any) -> list[str]:
    """Every merged area of ``used`` (a COM Range), by repeated Find with the search
    format set to merged cells, row by row from the top, until the search comes back
    to the first area found."""
    areas: list[str] = []
    seen: set[str] = set()
    after = used.Cells(used.Cells.Count)  # search from the top-left
    first: str | None = None
    for _ in range(_MAX_MERGED_AREAS):
        cell = used.Find(What="", After=after, LookIn=_XL_FORMULAS, LookAt=_XL_PART,
                         SearchOrder=_XL_BY_ROWS, SearchDirection=_XL_NEXT,
                         MatchCase=False, SearchFormat=True)
        if cell is None:
            break
        here = a1(int(cell.Row) - 1, int(cell.Column) - 1)
        if here == first:
            break
        first = first or here
        area = cell.MergeArea
        top, left = int(area.Row), int(area.Column)
        bottom = top + int(area.Rows.Count) - 1
        right = left + int(area.Columns.Count) - 1
        address = f"{a1(top - 1, left - 1)}:{a1(bottom - 1, right - 1)}"
        if address not in seen and (bottom, right) != (top, left):
            seen.add(address)
            areas.append(address)
        after = cell
    return areas


@dataclass(frozen=True)
class _SheetProtection:
    """How a sheet was protected: every option of ``Worksheet.Protect`` (no password)."""

    contents: bool
    drawing_objects: bool
    scenarios: bool
    user_interface_only: bool
    allow: tuple[tuple[str, bool], ...]
    enable_selection: int


@dataclass(frozen=True)
class _StructureProtection:
    """How the workbook was protected (structure locked; windows maybe)."""

    windows: bool


class XlwingsBook:
    """:class:`nscl.marking.workbook_api.WorkbookAccess` over the workbook open in Excel
    (``book``: an ``xlwings.Book``; everything goes through its ``api``)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.api: Any = book.api
        self._sheets: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        """The workbook's name as shown in Excel's title bar."""
        return str(self.api.Name)

    # ------------------------------------------------------------ sheets

    def _worksheets(self) -> dict[str, Any]:
        if self._sheets is None:
            sheets = self.api.Worksheets
            found: dict[str, Any] = {}
            for index in range(1, int(sheets.Count) + 1):
                worksheet = sheets.Item(index)
                found[str(worksheet.Name)] = worksheet
            self._sheets = found
        return self._sheets

    def _sheet(self, sheet: str) -> Any:
        try:
            return self._worksheets()[sheet]
        except KeyError:
            raise KeyError(sheet) from None

    def _range(self, sheet: str, ref: str) -> Any:
        return self._sheet(sheet).Range(ref)

    def sheet_names(self) -> list[str]:
        """Every worksheet name, hidden ones included, in workbook order."""
        return list(self._worksheets())

    @contextlib.contextmanager
    def frozen_screen(self) -> Iterator[None]:
        """Excel does not redraw while the block runs (much faster marking)."""
        app = self.api.Application
        app.ScreenUpdating = False
        try:
            yield
        finally:
            app.ScreenUpdating = True

    # ------------------------------------------------------------ reading

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        """Values from A1 to the last used cell, in one read (:class:`SheetTooLarge`
        when the cells holding something reach too far)."""
        worksheet = self._sheet(sheet)
        used = worksheet.UsedRange
        rows = int(used.Row) + int(used.Rows.Count) - 1
        cols = int(used.Column) + int(used.Columns.Count) - 1
        if rows * cols > workbook_api.MAX_READ_CELLS:
            # Excel's used range also covers cells that are only formatted: find the
            # last cells that hold something before giving up.
            found = self._last_value_cell(worksheet)
            if found is not None:
                rows, cols = found
        if rows * cols > workbook_api.MAX_READ_CELLS:
            raise SheetTooLarge(sheet, rows, cols)
        if rows == 0 or cols == 0:
            return []
        block = worksheet.Range(f"A1:{a1(rows - 1, cols - 1)}").Value
        return [[_cell_value(v) for v in row] for row in _grid(block)]

    def _last_value_cell(self, worksheet: Any) -> tuple[int, int] | None:
        """(last row, last column) holding a value or formula, by Excel's Find; None
        when it cannot tell."""
        try:
            cells = worksheet.Cells
            first = cells(1, 1)
            by_row = cells.Find(What="*", After=first, LookIn=_XL_FORMULAS, LookAt=_XL_PART,
                                SearchOrder=_XL_BY_ROWS, SearchDirection=_XL_PREVIOUS)
            by_col = cells.Find(What="*", After=first, LookIn=_XL_FORMULAS, LookAt=_XL_PART,
                                SearchOrder=_XL_BY_COLUMNS, SearchDirection=_XL_PREVIOUS)
        except Exception:  # Excel refused to search
            return None
        if by_row is None or by_col is None:
            return 0, 0  # nothing at all
        return int(by_row.Row), int(by_col.Column)

    def merged_ranges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges, found by Excel's Find on the merged-cells format
        (one search per merged area); none when Excel cannot tell."""
        try:
            used = self._sheet(sheet).UsedRange
            if used.MergeCells is False:  # None when some cells are merged, True when all
                return []
            find_format = used.Application.FindFormat
        except Exception:  # Excel refused
            return []
        try:
            find_format.Clear()
            find_format.MergeCells = True
            return _merged_areas(used)
        except Exception:
            return []
        finally:
            with contextlib.suppress(Exception):  # Excel's Find dialog shares this format
                find_format.Clear()

    def hidden_rows(self, sheet: str) -> list[int]:
        """Rows of the used range hidden or filtered out of view: one question when none
        or all are, else the visible areas of its first column (``SpecialCells``), or,
        when Excel refuses that (it may on a protected sheet), blocks of rows halved
        until each is all hidden or all shown. None when Excel cannot tell."""
        try:
            worksheet = self._sheet(sheet)
            used = worksheet.UsedRange
            top, count = int(used.Row), int(used.Rows.Count)
            every = used.EntireRow.Hidden  # None when some rows are hidden
            if every is False:
                return []
            rows = range(top, top + count)
            if every is True:
                return list(rows)
            try:
                visible = used.Columns(1).SpecialCells(_XL_CELL_TYPE_VISIBLE)
            except Exception:  # some rows are shown, so Excel refused: ask by halves
                return self._hidden_by_halves(worksheet, top, top + count - 1)
            shown: set[int] = set()
            areas = visible.Areas
            if int(areas.Count) > _MAX_VISIBLE_AREAS:  # rows hidden one in two: cannot tell
                return []
            for index in range(1, int(areas.Count) + 1):
                area = areas(index)
                first = int(area.Row)
                shown.update(range(first, first + int(area.Rows.Count)))
            return [r for r in rows if r not in shown]
        except Exception:  # Excel refused
            return []

    @staticmethod
    def _hidden_by_halves(worksheet: Any, top: int, bottom: int) -> list[int]:
        """The hidden rows between ``top`` and ``bottom``, asking whether a block of rows
        is hidden (True, False, or None when mixed) and halving the mixed ones: a few
        questions per run of hidden rows. Empty when that takes too many questions."""
        hidden: list[int] = []
        pending = [(top, bottom)]
        asked = 0
        while pending:
            first, last = pending.pop()
            asked += 1
            if asked > _MAX_VISIBLE_AREAS:
                return []
            state = worksheet.Range(f"A{first}:A{last}").EntireRow.Hidden
            if state is True:
                hidden.extend(range(first, last + 1))
            elif state is None and first < last:
                middle = (first + last) // 2
                pending += [(middle + 1, last), (first, middle)]
        return sorted(hidden)

    def get_value(self, sheet: str, cell: str) -> CellValue:
        """The cell's (computed) value."""
        return _cell_value(self._range(sheet, cell).Value)

    def has_formula(self, sheet: str, cell: str) -> bool:
        """Whether the cell holds a formula (``Range.HasFormula``)."""
        return self._range(sheet, cell).HasFormula is True

    def _column_blocks(self, sheet: str, cells: Collection[str],
                       member: str) -> Iterator[tuple[str, Any]]:
        """(cell, what ``member`` of its range gives) for ``cells``: one read per column,
        from its first to its last cell."""
        worksheet = self._sheet(sheet)
        for col, rows in _columns(cells).items():
            top, bottom = min(rows), max(rows)
            letter = column_letter(col)
            block = _grid(getattr(worksheet.Range(f"{letter}{top + 1}:{letter}{bottom + 1}"),
                                  member))
            for row, cell in rows.items():
                yield cell, block[row - top][0]

    def read_cells(self, sheet: str, cells: Collection[str]) -> dict[str, CellValue]:
        """The values of ``cells``: one read per column."""
        return {cell: _cell_value(v) for cell, v in self._column_blocks(sheet, cells, "Value")}

    def formula_cells(self, sheet: str, cells: Collection[str]) -> set[str]:
        """Those of ``cells`` holding a formula: per column, one read of ``Range.Formula``
        and one of ``Range.Value``.

        ``Formula`` gives a constant as its text, so a text typed as '=… (kept as text
        with Excel's prefix) also starts with "=": a formula is a cell whose formula text
        is not also its value.
        """
        values = dict(self._column_blocks(sheet, cells, "Value"))
        return {cell for cell, formula in self._column_blocks(sheet, cells, "Formula")
                if isinstance(formula, str) and formula.startswith("=")
                and values.get(cell) != formula}

    # ------------------------------------------------------------ writing

    def set_value(self, sheet: str, cell: str, value: CellValue) -> None:
        """Write a literal value; None clears the cell's contents."""
        rng = self._range(sheet, cell)
        if value is None:
            rng.ClearContents()
        else:
            rng.Value = excel_literal(value)

    def write_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        """Write literal values: one write per run of cells one under another."""
        worksheet = self._sheet(sheet)
        for col, rows in _columns(values).items():
            letter = column_letter(col)
            for run in _runs(list(rows)):
                target = worksheet.Range(f"{letter}{run[0] + 1}:{letter}{run[-1] + 1}")
                if len(run) == 1:
                    target.Value = excel_literal(values[rows[run[0]]])
                else:
                    target.Value = tuple((excel_literal(values[rows[r]]),) for r in run)

    def write_rows(self, sheet: str, first_row: int, rows: Sequence[Sequence[CellValue]]) -> None:
        """Write literal values from column A of ``first_row``, in one write (the cells
        right of a shorter row are emptied)."""
        if not rows:
            return
        width = max((len(row) for row in rows), default=0)
        if width == 0:
            return
        block = tuple(
            tuple(excel_literal(row[c]) if c < len(row) else "" for c in range(width))
            for row in rows
        )
        last = a1(first_row + len(rows) - 2, width - 1)
        self._sheet(sheet).Range(f"A{first_row}:{last}").Value = block

    def get_fill(self, sheet: str, cell: str) -> str | None:
        """The fill as ``"RRGGBB"``; None for no fill."""
        interior = self._range(sheet, cell).Interior
        if interior.ColorIndex == _XL_COLOR_INDEX_NONE:
            return None
        return _bgr_hex(int(interior.Color))

    def set_fill(self, sheet: str, cell: str, fill: str | None) -> None:
        """Set a solid fill: ``"RRGGBB"``, or a token of the openpyxl interface
        (``"theme:4:0.4"``, ``"indexed:5"``, from a copy marked by ``nscl validate
        --annotate``); None removes it."""
        interior = self._range(sheet, cell).Interior
        if fill is not None and _is_hex(fill):
            interior.Color = _hex_bgr(fill)
        elif fill is not None and fill.startswith("theme:"):
            _, theme, tint = fill.split(":", 2)
            interior.ThemeColor = int(theme) + 1
            interior.TintAndShade = float(tint)
        elif fill is not None and fill.startswith("indexed:") and 8 <= int(fill[8:]) < 64:
            interior.ColorIndex = int(fill[8:]) - 7  # the file's palette starts at 8
        else:
            interior.ColorIndex = _XL_COLOR_INDEX_NONE

    def get_note(self, sheet: str, cell: str) -> str | None:
        """The note's text; None when there is none."""
        comment = self._range(sheet, cell).Comment
        if comment is None:
            return None
        return str(comment.Text())

    def set_note(self, sheet: str, cell: str, text: str | None, *, fit: bool = False) -> None:
        """Replace or delete the cell's note (with ``fit``, sized to show all its text;
        otherwise Excel's default size)."""
        rng = self._range(sheet, cell)
        existing = rng.Comment
        if existing is not None:
            existing.Delete()
        if text:
            comment = rng.AddComment(text)
            if fit:
                shape = comment.Shape
                shape.Width, shape.Height = note_size(text)

    def set_hyperlink(self, sheet: str, cell: str, target: str, text: str) -> None:
        """Link the cell to ``target`` ("'Sheet'!H12") inside this workbook."""
        worksheet = self._sheet(sheet)
        worksheet.Hyperlinks.Add(Anchor=worksheet.Range(cell), Address="", SubAddress=target,
                                 TextToDisplay=text)

    def set_bold(self, sheet: str, cell: str) -> None:
        """Bold font."""
        self._range(sheet, cell).Font.Bold = True

    def set_column_width(self, sheet: str, column: str, width: float) -> None:
        """Column width in characters."""
        self._range(sheet, f"{column}:{column}").ColumnWidth = width

    def format_table(self, sheet: str, ref: str, *, header_row: int) -> None:
        """Print setup (one call per PageSetup member: Excel asks the printer driver for
        each), then borders, wrapped text and top alignment over ``ref``, whose rows
        Excel fits to their text."""
        setup = self._worksheets()[sheet].PageSetup
        setup.Orientation = _XL_LANDSCAPE
        setup.PaperSize = _XL_PAPER_A4
        setup.Zoom = False
        setup.FitToPagesWide = 1
        setup.FitToPagesTall = False
        left, right, top, bottom = (mm * 72 / 25.4 for mm in PRINT_MARGINS_MM)
        setup.LeftMargin, setup.RightMargin = left, right
        setup.TopMargin, setup.BottomMargin = top, bottom
        setup.PrintTitleRows = f"${header_row}:${header_row}"
        table = self._range(sheet, ref)
        table.Borders.LineStyle = _XL_CONTINUOUS
        table.WrapText = True
        table.VerticalAlignment = _XL_TOP
        table.Rows.AutoFit()

    def reset_sheet(self, sheet: str, *, very_hidden: bool = False) -> None:
        """Clear the sheet, or add it after the last one (the user's active sheet stays
        active); optionally very hidden."""
        sheets = self._worksheets()
        if sheet in sheets:
            worksheet = sheets[sheet]
            worksheet.Cells.Clear()
        else:
            active = self.api.ActiveSheet
            collection = self.api.Worksheets
            worksheet = collection.Add(After=collection.Item(int(collection.Count)))
            worksheet.Name = sheet
            sheets[sheet] = worksheet
            if very_hidden:
                worksheet.Visible = _XL_SHEET_VERY_HIDDEN
            if active is not None:
                active.Activate()
            return
        if very_hidden and worksheet.Visible != _XL_SHEET_VERY_HIDDEN:
            worksheet.Visible = _XL_SHEET_VERY_HIDDEN

    def remove_sheet(self, sheet: str) -> None:
        """Delete the sheet without Excel asking the user to confirm."""
        worksheet = self._sheet(sheet)
        app = self.api.Application
        alerts = app.DisplayAlerts
        app.DisplayAlerts = False
        try:
            if worksheet.Visible != _XL_SHEET_VISIBLE:
                worksheet.Visible = _XL_SHEET_VISIBLE
            worksheet.Delete()
        finally:
            app.DisplayAlerts = alerts
        self._worksheets().pop(sheet, None)

    # ------------------------------------------------------------ protection

    def lift_protection(self, sheets: Collection[str], *, structure: bool) -> LiftedProtection:
        """Unprotect (empty password) the structure when asked and locked, and those of
        ``sheets`` that are protected; :class:`PasswordProtected` when one has a
        password (after protecting again what was lifted)."""
        lifted_structure: _StructureProtection | None = None
        lifted: list[tuple[str, object]] = []
        try:
            if structure and self.api.ProtectStructure:
                windows = bool(self.api.ProtectWindows)
                try:
                    self.api.Unprotect(Password="")
                except Exception as exc:  # "The password you supplied is not correct."
                    raise PasswordProtected(None) from exc
                lifted_structure = _StructureProtection(windows)
            for name in sheets:
                worksheet = self._worksheets().get(name)
                if worksheet is None:
                    continue
                state = self._sheet_protection(worksheet)
                if state is None:
                    continue
                try:
                    worksheet.Unprotect(Password="")
                except Exception as exc:
                    raise PasswordProtected(name) from exc
                lifted.append((name, state))
        except PasswordProtected:
            self.restore_protection(LiftedProtection(lifted_structure, tuple(lifted)))
            raise
        return LiftedProtection(lifted_structure, tuple(lifted))

    @staticmethod
    def _sheet_protection(worksheet: Any) -> _SheetProtection | None:
        contents = bool(worksheet.ProtectContents)
        drawing_objects = bool(worksheet.ProtectDrawingObjects)
        scenarios = bool(worksheet.ProtectScenarios)
        if not (contents or drawing_objects or scenarios):
            return None
        protection = worksheet.Protection
        allow = tuple((option, bool(getattr(protection, option))) for option in _ALLOW_OPTIONS)
        return _SheetProtection(
            contents=contents,
            drawing_objects=drawing_objects,
            scenarios=scenarios,
            user_interface_only=bool(worksheet.ProtectionMode),
            allow=allow,
            enable_selection=int(worksheet.EnableSelection),
        )

    def restore_protection(self, lifted: LiftedProtection) -> None:
        """Protect again, with the options each had, what :meth:`lift_protection` lifted."""
        for name, state in lifted.sheets:
            if not isinstance(state, _SheetProtection):
                raise TypeError(f"not a sheet protection of this workbook: {state!r}")
            worksheet = self._sheet(name)
            worksheet.Protect(
                DrawingObjects=state.drawing_objects,
                Contents=state.contents,
                Scenarios=state.scenarios,
                UserInterfaceOnly=state.user_interface_only,
                **dict(state.allow),
            )
            worksheet.EnableSelection = state.enable_selection
        if isinstance(lifted.structure, _StructureProtection):
            self.api.Protect(Structure=True, Windows=lifted.structure.windows)
