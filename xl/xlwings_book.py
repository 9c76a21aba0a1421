"""The workbook interface over an ``xlwings.Book``: the workbook open in Excel.

The ribbon button runs in Excel through xlwings' ``RunPython`` (the desktop COM engine).
The same code also drives xlwings' remote engine (``xw.Book(json=...)``), which the tests
use on Linux: it implements the same Book/Sheet/Range API and records every change as
an action. Where the remote engine cannot read something synchronously (fills, formulas,
note texts), this class answers "unknown" (None/False): on the remote engine an earlier
fill of a marked cell is therefore restored as "no fill".

Text is written so that Excel keeps it as the same text: a value that Excel would turn
into a formula, a number or a date ("=…", "+…", "1/2", "'…") gets Excel's text prefix
(a leading apostrophe, which Excel does not store as part of the value).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Any

from nscl.a1 import a1
from nscl.marking import workbook_api
from nscl.marking.workbook_api import CellValue, SheetTooLarge, excel_needs_text_prefix

__all__ = ["XlwingsBook", "excel_literal"]

_XL_SHEET_VERY_HIDDEN = 2
# Excel's Find arguments (XlFindLookIn, XlLookAt, XlSearchOrder, XlSearchDirection).
_XL_FORMULAS, _XL_PART, _XL_BY_ROWS, _XL_BY_COLUMNS, _XL_PREVIOUS = -4123, 2, 1, 2, 2
_XL_NEXT = 1
# Merged areas looked for in one sheet, at most (a guard against a search that never
# comes back to its start).
_MAX_MERGED_AREAS = 20_000
_XL_CELL_TYPE_VISIBLE = 12
_MAX_VISIBLE_AREAS = 20_000


def excel_literal(value: CellValue) -> CellValue:
    """The value to assign through xlwings so that Excel stores exactly ``value``."""
    if isinstance(value, str) and excel_needs_text_prefix(value):
        return "'" + value
    return value


def _hex(rgb: Any) -> str | None:
    if isinstance(rgb, tuple) and len(rgb) == 3:
        return "".join(f"{int(c):02X}" for c in rgb)
    if isinstance(rgb, str):
        return rgb.lstrip("#").upper()[-6:]
    return None


def _as_cell_value(value: Any) -> CellValue:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)


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


class XlwingsBook:
    """:class:`nscl.marking.workbook_api.WorkbookAccess` over an ``xlwings.Book``."""

    def __init__(self, book: Any) -> None:
        self.book = book
        try:
            self._engine = str(book.app.engine.name)
        except Exception:  # an engine without app/engine attributes
            self._engine = "unknown"

    @property
    def is_desktop(self) -> bool:
        """Whether this is a real Excel (COM on Windows), not the remote engine."""
        return self._engine == "excel"

    @property
    def name(self) -> str:
        """The workbook's name as shown in Excel's title bar."""
        return str(self.book.name)

    def _sheet(self, sheet: str) -> Any:
        for candidate in self.book.sheets:
            if candidate.name == sheet:
                return candidate
        raise KeyError(sheet)

    def _range(self, sheet: str, cell: str) -> Any:
        return self._sheet(sheet).range(cell)

    def sheet_names(self) -> list[str]:
        """Every sheet name, hidden ones included."""
        return [str(s.name) for s in self.book.sheets]

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        """Values from A1 to the last used cell (:class:`SheetTooLarge` when too far)."""
        sht = self._sheet(sheet)
        last = sht.used_range.last_cell
        rows, cols = int(last.row), int(last.column)
        if rows * cols > workbook_api.MAX_READ_CELLS:
            # Excel's used range also covers cells that are only formatted: find the
            # last cells that hold something before giving up.
            found = self._last_value_cell(sht)
            if found is not None:
                rows, cols = found
        if rows * cols > workbook_api.MAX_READ_CELLS:
            raise SheetTooLarge(sheet, rows, cols)
        if rows == 0 or cols == 0:
            return []
        values = sht.range((1, 1), (rows, cols)).options(ndim=2).value
        return [[_as_cell_value(v) for v in row] for row in values or []]

    def _last_value_cell(self, sht: Any) -> tuple[int, int] | None:
        """(last row, last column) holding a value or formula, by Excel's Find (the
        desktop engine only); None when it cannot tell."""
        if not self.is_desktop:
            return None
        try:
            cells = sht.api.Cells
            first = cells(1, 1)
            by_row = cells.Find(What="*", After=first, LookIn=_XL_FORMULAS, LookAt=_XL_PART,
                                SearchOrder=_XL_BY_ROWS, SearchDirection=_XL_PREVIOUS)
            by_col = cells.Find(What="*", After=first, LookIn=_XL_FORMULAS, LookAt=_XL_PART,
                                SearchOrder=_XL_BY_COLUMNS, SearchDirection=_XL_PREVIOUS)
        except Exception:  # no COM object model (another engine, a protected sheet …)
            return None
        if by_row is None or by_col is None:
            return 0, 0  # nothing at all
        return int(by_row.Row), int(by_col.Column)

    def merged_ranges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges, found by Excel's Find on the merged-cells format
        (the desktop engine; one search per merged area). The remote engine reads merged
        areas only asynchronously: there, and whenever Excel cannot tell, none."""
        if not self.is_desktop:
            return []
        try:
            used = self._sheet(sheet).api.UsedRange
            if used.MergeCells is False:  # None when some cells are merged, True when all
                return []
            find_format = used.Application.FindFormat
        except Exception:  # no COM object model (another engine, a protected sheet …)
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
        """Rows of the used range hidden or filtered out of view (the desktop engine:
        one question when none or all are, else the visible areas of its first column).
        The remote engine cannot tell: none."""
        if not self.is_desktop:
            return []
        try:
            used = self._sheet(sheet).api.UsedRange
            top, count = int(used.Row), int(used.Rows.Count)
            every = used.EntireRow.Hidden  # None when some rows are hidden
            if every is False:
                return []
            rows = range(top, top + count)
            if every is True:
                return list(rows)
            if count == 1:  # SpecialCells of one cell would search the whole sheet
                return []
            try:
                visible = used.Columns(1).SpecialCells(_XL_CELL_TYPE_VISIBLE)
            except Exception:  # "No cells were found": every row is hidden
                return list(rows)
            shown: set[int] = set()
            areas = visible.Areas
            if int(areas.Count) > _MAX_VISIBLE_AREAS:  # rows hidden one in two: cannot tell
                return []
            for index in range(1, int(areas.Count) + 1):
                area = areas(index)
                first = int(area.Row)
                shown.update(range(first, first + int(area.Rows.Count)))
            return [r for r in rows if r not in shown]
        except Exception:  # no COM object model (another engine, a protected sheet …)
            return []

    def get_value(self, sheet: str, cell: str) -> CellValue:
        """The cell's (computed) value."""
        return _as_cell_value(self._range(sheet, cell).value)

    def has_formula(self, sheet: str, cell: str) -> bool:
        """Whether the cell holds a formula; False when the engine cannot tell."""
        try:
            formula = self._range(sheet, cell).formula
        except NotImplementedError:
            return False
        return isinstance(formula, str) and formula.startswith("=")

    def set_value(self, sheet: str, cell: str, value: CellValue) -> None:
        """Write a literal value; None clears the cell's contents."""
        rng = self._range(sheet, cell)
        if value is None:
            rng.clear_contents()
        else:
            rng.value = excel_literal(value)

    def write_rows(self, sheet: str, first_row: int, rows: Sequence[Sequence[CellValue]]) -> None:
        """Write literal values row by row from column A (one call per non-empty row)."""
        sht = self._sheet(sheet)
        for offset, row in enumerate(rows):
            if not row:
                continue
            sht.range((first_row + offset, 1)).value = [[excel_literal(v) for v in row]]

    def get_fill(self, sheet: str, cell: str) -> str | None:
        """The fill as ``"RRGGBB"``; None for no fill or when the engine cannot tell."""
        try:
            return _hex(self._range(sheet, cell).color)
        except NotImplementedError:
            return None

    def set_fill(self, sheet: str, cell: str, fill: str | None) -> None:
        """Set a solid fill ``"RRGGBB"``; None (or a token this engine cannot draw) removes it."""
        rng = self._range(sheet, cell)
        if fill is not None and len(fill) == 6 and all(c in "0123456789ABCDEFabcdef" for c in fill):
            rng.color = f"#{fill.upper()}"
            return
        if fill is not None and fill.startswith("theme:") and self.is_desktop:
            _, theme, tint = fill.split(":", 2)
            rng.api.Interior.ThemeColor = int(theme) + 1
            rng.api.Interior.TintAndShade = float(tint)
            return
        rng.color = None

    def get_note(self, sheet: str, cell: str) -> str | None:
        """The note's text; None when there is none or the engine cannot read it."""
        note = self._range(sheet, cell).note
        if note is None:
            return None
        try:
            return str(note.text)
        except NotImplementedError:
            return None

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        """Replace or delete the cell's note."""
        rng = self._range(sheet, cell)
        existing = rng.note
        if existing is not None:
            existing.delete()
        if text:
            rng.add_note(text)

    def set_hyperlink(self, sheet: str, cell: str, target: str, text: str) -> None:
        """Link the cell to ``target`` ("'Sheet'!H12") inside this workbook."""
        rng = self._range(sheet, cell)
        if self.is_desktop:
            rng.api.Hyperlinks.Add(
                Anchor=rng.api, Address="", SubAddress=target, TextToDisplay=text
            )
            return
        rng.add_hyperlink(f"#{target}", text_to_display=text, screen_tip=text)

    def set_bold(self, sheet: str, cell: str) -> None:
        """Bold font."""
        self._range(sheet, cell).font.bold = True

    def set_column_width(self, sheet: str, column: str, width: float) -> None:
        """Column width in characters."""
        self._range(sheet, f"{column}1").column_width = width

    def reset_sheet(self, sheet: str, *, very_hidden: bool = False) -> None:
        """Create the sheet after the last one, or clear it; optionally very hidden."""
        try:
            sht = self._sheet(sheet)
            sht.clear()
        except KeyError:
            sheets = self.book.sheets
            sht = sheets.add(sheet, after=sheets[len(sheets) - 1])
        if very_hidden:
            if self.is_desktop:
                sht.api.Visible = _XL_SHEET_VERY_HIDDEN
            else:
                sht.visible = False
