"""A stand-in for Excel's object model, as the add-in reaches it through pywin32.

There is no Excel on this machine. The add-in's buttons get the workbook from
``xw.Book.caller()`` and use its ``api``: Excel's COM ``Workbook``. This module implements
the part of that object model the add-in uses, over a workbook loaded from an .xlsx
(openpyxl), and answers as Excel does:

- **Refusals** (each a :class:`ComError` shaped like ``pywintypes.com_error``, with
  Excel's message and its HRESULT 0x800A03EC):
  a value written into a locked cell of a protected sheet; a fill or bold font on a
  protected sheet unless ``AllowFormattingCells``; a column width unless
  ``AllowFormattingColumns``; a note added, deleted or edited on a sheet protected with
  ``DrawingObjects`` (Excel's "Edit objects" unticked, as in the templates); a hyperlink
  unless ``AllowInsertingHyperlinks`` on an unlocked cell; a sheet added, renamed, hidden,
  shown or deleted while the workbook's structure is locked; ``Unprotect`` with a wrong
  password ("" for a sheet or workbook that has one); ``AddComment`` on a cell that
  already has a note; ``SpecialCells`` finding nothing. A call Excel would answer with
  a dialog instead (``Unprotect`` of a password-protected sheet with no password,
  deleting a sheet with content while ``DisplayAlerts`` is on) fails the test.
- **Values** as pywin32 gives them: numbers as ``float``, dates as time-zone-aware
  ``datetime``, error cells as the error's integer code, Currency cells as ``Decimal``,
  one cell as a plain value and several as a tuple of row tuples; text assigned to
  ``Value`` is read as Excel reads typed text (a leading apostrophe makes it text,
  "=…" and "+…" become formulas, "1,250.5" a number, "1/2" a date).
- **State** kept and shown back: fills, notes (and their size), hyperlinks, bold fonts,
  column widths, merged areas, hidden rows, sheet visibility, sheet protection with all
  of ``Protect``'s options, workbook protection. Not modelled: calculation (a formula
  keeps the value it was loaded with), undo history, events, threaded comments.
- **Calls**: every property read or write and method call of an object-model member
  (a name starting with a capital letter) counts as one COM round trip
  (:attr:`Excel.calls`: ``"Range.Value"`` for a read, ``"Range.Value="`` for a write).
  :meth:`Excel.reject` makes Excel refuse a member's next calls, as it does while the
  user is editing a cell ("Call was rejected by callee").

Drive it through the add-in's entry points: :meth:`Excel.press` runs ``xl.button.kiem_tra``
etc. with this workbook as ``xw.Book.caller()``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from nscl.a1 import a1, column_index, parse_a1

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
XL_PROTECTED = -2146827284  # 0x800A03EC, Excel's error for a refused call
RPC_E_CALL_REJECTED = -2147418111
WHITE = 16777215
XL_CONTINUOUS, XL_LINE_NONE = 1, -4142  # XlLineStyle
XL_TOP = -4160  # XlVAlign
# A new note's size (points). A loaded note keeps the size openpyxl reads (openpyxl does
# not read the note's shape: its own default, the same numbers).
DEFAULT_NOTE_SIZE = (144.0, 79.0)
ALLOW_OPTIONS: tuple[str, ...] = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
    "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
    "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
    "AllowUsingPivotTables",
)
# OOXML sheetProtection attributes (True = locked) behind each Allow… option.
_OOXML_LOCKS = {
    "AllowFormattingCells": "formatCells", "AllowFormattingColumns": "formatColumns",
    "AllowFormattingRows": "formatRows", "AllowInsertingColumns": "insertColumns",
    "AllowInsertingRows": "insertRows", "AllowInsertingHyperlinks": "insertHyperlinks",
    "AllowDeletingColumns": "deleteColumns", "AllowDeletingRows": "deleteRows",
    "AllowSorting": "sort", "AllowFiltering": "autoFilter",
    "AllowUsingPivotTables": "pivotTables",
}
ERROR_CODES = {
    "#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029,
    "#NUM!": 2036, "#N/A": 2042, "#SPILL!": 2045, "#CALC!": 2050,
}
PROTECTED_SHEET = ("The cell or chart you're trying to change is on a protected sheet. To make "
                   "a change, unprotect the sheet. You might be requested to enter a password.")
WRONG_PASSWORD = ("The password you supplied is not correct. Verify that the CAPS LOCK key is "
                  "off and be sure to use the correct capitalization.")
STRUCTURE_LOCKED = "Workbook is protected and cannot be changed."


class ComError(Exception):
    """What pywin32 raises for a failed call: ``pywintypes.com_error``'s arguments."""

    def __init__(self, description: str, scode: int = XL_PROTECTED) -> None:
        super().__init__(-2147352567, "Exception occurred.",
                         (0, "Microsoft Excel", description, None, 0, scode), None)
        self.description = description
        self.scode = scode

    def __str__(self) -> str:
        return f"(-2147352567, 'Exception occurred.', (0, 'Microsoft Excel', " \
               f"{self.description!r}, None, 0, {self.scode}), None)"


class Rejected(Exception):
    """pywintypes.com_error for RPC_E_CALL_REJECTED (Excel busy: a cell is being edited)."""

    def __init__(self) -> None:
        super().__init__(RPC_E_CALL_REJECTED, "Call was rejected by callee.", None, None)


@dataclass(frozen=True)
class ErrorValue:
    """An error cell (#N/A …)."""

    text: str


# ----------------------------------------------------------------------------- the model


@dataclass
class CellModel:
    value: Any = None  # None, str, float, bool, datetime, ErrorValue
    formula: str | None = None
    locked: bool = True
    fill: int | None = None  # Excel's colour number (blue, green, red)
    note: str | None = None
    note_size: tuple[float, float] | None = None
    link: tuple[str, str] | None = None  # (sub-address, text)
    bold: bool = False
    currency: bool = False
    bordered: bool = False
    wrap: bool = False

    def holds_something(self) -> bool:
        return self.value is not None or self.formula is not None

    def is_default(self) -> bool:
        return self == CellModel(locked=self.locked, currency=self.currency)


@dataclass
class SheetProtection:
    """Every option of ``Worksheet.Protect``; ``password`` None when there is none."""

    password: str | None = None
    contents: bool = True
    drawing_objects: bool = True
    scenarios: bool = True
    user_interface_only: bool = False
    allow: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(ALLOW_OPTIONS, False))


@dataclass
class SheetModel:
    name: str
    cells: dict[tuple[int, int], CellModel] = field(default_factory=dict)  # 1-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    column_widths: dict[int, float] = field(default_factory=dict)
    visible: int = -1  # xlSheetVisible; 0 hidden; 2 very hidden
    protection: SheetProtection | None = None
    enable_selection: int = 0  # xlNoRestrictions
    page_setup: dict[str, Any] = field(default_factory=dict)  # PageSetup members set
    autofit_rows: set[int] = field(default_factory=set)  # rows fitted to their text

    def cell(self, row: int, col: int) -> CellModel:
        found = self.cells.get((row, col))
        if found is None:
            found = self.cells[(row, col)] = CellModel()
        return found

    def peek(self, row: int, col: int) -> CellModel:
        return self.cells.get((row, col)) or CellModel()


@dataclass
class BookModel:
    name: str
    sheets: list[SheetModel]
    structure_locked: bool = False
    windows_locked: bool = False
    password: str | None = None
    active: int = 0


# ----------------------------------------------------------------------------- COM objects


class _Com:
    """An object of Excel's object model: each capitalised member is one COM call."""

    def __init__(self, excel: Excel) -> None:
        object.__setattr__(self, "_excel", excel)

    def __getattribute__(self, name: str) -> Any:
        if name[:1].isupper():
            object.__getattribute__(self, "_excel").count(type(self).__name__, name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name[:1].isupper():
            object.__getattribute__(self, "_excel").count(type(self).__name__, name + "=")
        object.__setattr__(self, name, value)

    def _call(self) -> None:  # a collection called like a function: its default member
        object.__getattribute__(self, "_excel").count(type(self).__name__, "Item")


def _parse_text(text: str) -> tuple[Any, str | None]:
    """(value, formula) of text assigned to ``Range.Value``, read as Excel reads typing."""
    if text.startswith("'"):
        return text[1:], None
    if text.startswith("=") and len(text) > 1:
        return None, text
    if re.fullmatch(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?", text.strip()):
        return float(text.strip().replace(",", "")), None
    found = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\s*", text)
    if found and 1 <= int(found[1]) <= 12 and 1 <= int(found[2]) <= 31:
        year = int(found[3]) if found[3] else 2026
        with_century = year + 2000 if year < 100 else year
        try:
            return dt.datetime(with_century, int(found[1]), int(found[2])), None
        except ValueError:
            return text, None
    if text[:1] in "+-@" and len(text) > 1:
        return None, "=" + text.lstrip("@")
    return text, None


class Range(_Com):
    """A rectangle of cells (1-based, inclusive) of one sheet."""

    def __init__(self, excel: Excel, sheet: SheetModel, r1: int, c1: int, r2: int, c2: int):
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_box", (r1, c1, r2, c2))

    # -- helpers (not COM members) --
    def _cells(self) -> Iterator[tuple[int, int]]:
        r1, c1, r2, c2 = self._box
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                yield r, c

    def _stored(self) -> Iterator[tuple[tuple[int, int], CellModel]]:
        """The stored cells inside the range (without visiting a whole sheet)."""
        r1, c1, r2, c2 = self._box
        for key, cell in list(self._sheet.cells.items()):
            if r1 <= key[0] <= r2 and c1 <= key[1] <= c2:
                yield key, cell

    def _single(self) -> bool:
        r1, c1, r2, c2 = self._box
        return r1 == r2 and c1 == c2

    def _check_values(self) -> None:
        protection = self._sheet.protection
        if protection is None or not protection.contents:
            return
        r1, c1, r2, c2 = self._box
        area = (r2 - r1 + 1) * (c2 - c1 + 1)
        if area > len(self._sheet.cells):  # cells never formatted are locked
            raise ComError(PROTECTED_SHEET)
        if any(self._sheet.peek(r, c).locked for r, c in self._cells()):
            raise ComError(PROTECTED_SHEET)

    def _check_format(self, option: str, member: str, owner: str) -> None:
        protection = self._sheet.protection
        if protection is not None and not protection.allow[option]:
            raise ComError(f"Unable to set the {member} property of the {owner} class")

    def _check_objects(self) -> None:
        protection = self._sheet.protection
        if protection is not None and protection.drawing_objects:
            raise ComError(PROTECTED_SHEET)

    def _out(self, cell: CellModel) -> Any:
        value = cell.value
        if isinstance(value, ErrorValue):
            return -2146828288 + ERROR_CODES.get(value.text, 2042)
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return Decimal(str(value)) if cell.currency else float(value)
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        return value

    def _block(self, read: Any) -> Any:
        r1, c1, r2, c2 = self._box
        if self._single():
            return read(self._sheet.peek(r1, c1))
        return tuple(tuple(read(self._sheet.peek(r, c)) for c in range(c1, c2 + 1))
                     for r in range(r1, r2 + 1))

    def _assign(self, row: int, col: int, value: Any) -> None:
        cell = self._sheet.cell(row, col)
        cell.formula = None
        if value is None or value == "":
            cell.value = None
        elif isinstance(value, str):
            cell.value, cell.formula = _parse_text(value)
        elif isinstance(value, bool | int | float | dt.datetime):
            cell.value = value
        else:
            raise TypeError(f"pywin32 cannot pass {type(value).__name__} to Excel")

    def _sub(self, r1: int, c1: int, r2: int, c2: int) -> Range:
        return Range(self._excel, self._sheet, r1, c1, r2, c2)

    # -- COM members --
    @property
    def Value(self) -> Any:
        return self._block(self._out)

    @Value.setter
    def Value(self, value: Any) -> None:
        self._check_values()
        r1, c1, r2, c2 = self._box
        if isinstance(value, tuple | list):
            rows = [list(row) if isinstance(row, tuple | list) else [row] for row in value]
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    i, j = r - r1, c - c1
                    inside = i < len(rows) and j < len(rows[i])
                    self._assign(r, c, rows[i][j] if inside else "#N/A")
        else:
            for r, c in self._cells():
                self._assign(r, c, value)

    @property
    def Formula(self) -> Any:
        def text(cell: CellModel) -> str:
            if cell.formula is not None:
                return cell.formula
            return "" if cell.value is None else str(cell.value)

        return self._block(text)

    @property
    def HasFormula(self) -> bool | None:
        flags = {self._sheet.peek(r, c).formula is not None for r, c in self._cells()}
        return None if len(flags) > 1 else flags.pop()

    @property
    def Locked(self) -> bool:
        r1, c1, _, _ = self._box
        return self._sheet.peek(r1, c1).locked

    def ClearContents(self) -> None:
        self._check_values()
        for _, cell in self._stored():
            cell.value = cell.formula = None

    def Clear(self) -> None:
        self._check_values()
        for key, _ in self._stored():
            del self._sheet.cells[key]

    @property
    def Interior(self) -> Interior:
        return Interior(self._excel, self)

    @property
    def Borders(self) -> Borders:
        return Borders(self._excel, self)

    @property
    def WrapText(self) -> bool:
        return all(self._sheet.peek(r, c).wrap for r, c in self._cells())

    @WrapText.setter
    def WrapText(self, wrap: bool) -> None:
        self._check_format("AllowFormattingCells", "WrapText", "Range")
        for r, c in self._cells():
            self._sheet.cell(r, c).wrap = bool(wrap)

    @property
    def VerticalAlignment(self) -> int:
        return XL_TOP

    @VerticalAlignment.setter
    def VerticalAlignment(self, alignment: int) -> None:
        self._check_format("AllowFormattingCells", "VerticalAlignment", "Range")

    @property
    def Font(self) -> Font:
        return Font(self._excel, self)

    @property
    def Comment(self) -> Comment | None:
        r1, c1, _, _ = self._box
        if self._sheet.peek(r1, c1).note is None:
            return None
        return Comment(self._excel, self._sheet, r1, c1)

    def AddComment(self, Text: str | None = None) -> Comment:
        r1, c1, _, _ = self._box
        self._check_objects()
        cell = self._sheet.cell(r1, c1)
        if cell.note is not None:
            raise ComError("Application-defined or object-defined error")
        cell.note = Text or ""
        cell.note_size = DEFAULT_NOTE_SIZE
        return Comment(self._excel, self._sheet, r1, c1)

    @property
    def ColumnWidth(self) -> float:
        return self._sheet.column_widths.get(self._box[1], 8.43)

    @ColumnWidth.setter
    def ColumnWidth(self, width: float) -> None:
        self._check_format("AllowFormattingColumns", "ColumnWidth", "Range")
        for col in range(self._box[1], self._box[3] + 1):
            self._sheet.column_widths[col] = float(width)

    @property
    def Row(self) -> int:
        return self._box[0]

    @property
    def Column(self) -> int:
        return self._box[1]

    @property
    def Rows(self) -> _Lines:
        return _Lines(self._excel, self, by_row=True)

    @property
    def Columns(self) -> _Lines:
        return _Lines(self._excel, self, by_row=False)

    @property
    def Cells(self) -> _Cells:
        return _Cells(self._excel, self)

    @property
    def Address(self) -> str:
        r1, c1, r2, c2 = self._box
        first = f"${a1(r1 - 1, c1 - 1).rstrip('0123456789')}${r1}"
        if self._single():
            return first
        return f"{first}:${a1(r2 - 1, c2 - 1).rstrip('0123456789')}${r2}"

    @property
    def Application(self) -> Application:
        return self._excel.app

    @property
    def EntireRow(self) -> _EntireRow:
        r1, _, r2, _ = self._box
        hidden = {r in self._sheet.hidden_rows for r in range(r1, r2 + 1)}
        return _EntireRow(self._excel, None if len(hidden) > 1 else hidden.pop())

    def _merge_of(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        for area in self._sheet.merged:
            if area[0] <= row <= area[2] and area[1] <= col <= area[3]:
                return area
        return None

    @property
    def MergeCells(self) -> bool | None:
        r1, c1, r2, c2 = self._box
        touching = [m for m in self._sheet.merged
                    if m[0] <= r2 and m[2] >= r1 and m[1] <= c2 and m[3] >= c1]
        if not touching:
            return False
        if len(touching) == 1 and touching[0] == self._box:
            return True
        return None

    @property
    def MergeArea(self) -> Range:
        area = self._merge_of(self._box[0], self._box[1])
        return self._sub(*area) if area else self

    def Find(self, What: str, After: Range | None = None, LookIn: int | None = None,
             LookAt: int | None = None, SearchOrder: int = 1, SearchDirection: int = 1,
             MatchCase: bool = False, SearchFormat: bool = False) -> Range | None:
        start = (After._box[0], After._box[1]) if After is not None else (self._box[0],
                                                                           self._box[1])
        if SearchFormat:
            if not self._excel.find_format.merge_cells:
                return None
            found = sorted(
                (r, c) for area in self._sheet.merged
                for r in range(area[0], area[2] + 1) for c in range(area[1], area[3] + 1)
                if self._excel.find_covered_cells or (r, c) == (area[0], area[1])
            )
        elif What == "*":
            found = sorted((k for k, v in self._sheet.cells.items() if v.holds_something()),
                           key=(lambda k: k) if SearchOrder == 1 else (lambda k: (k[1], k[0])))
        else:
            raise NotImplementedError(f"Find({What!r}) is not modelled")
        if not found:
            return None
        if SearchDirection == 2:  # xlPrevious: from After backwards, wrapping to the end
            return self._sub(*found[-1], *found[-1])
        following = [rc for rc in found if rc > start] or found
        return self._sub(*following[0], *following[0])

    def SpecialCells(self, kind: int) -> _Visible:
        assert kind == 12, "only xlCellTypeVisible is modelled"
        r1, _, r2, _ = self._box
        visible = [r for r in range(r1, r2 + 1) if r not in self._sheet.hidden_rows]
        if not visible:
            raise ComError("No cells were found.")
        spans: list[tuple[int, int]] = []
        for r in visible:
            if spans and spans[-1][1] == r - 1:
                spans[-1] = (spans[-1][0], r)
            else:
                spans.append((r, r))
        return _Visible(self._excel, self, spans)


class _Lines(_Com):
    """``Range.Rows`` / ``Range.Columns``: ``Count``, and ``Columns(i)`` the i-th column."""

    def __init__(self, excel: Excel, owner: Range, *, by_row: bool) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_by_row", by_row)

    @property
    def Count(self) -> int:
        r1, c1, r2, c2 = self._owner._box
        return r2 - r1 + 1 if self._by_row else c2 - c1 + 1

    def AutoFit(self) -> bool:
        """Rows fitted to their text (refused on a protected sheet unless formatting rows
        is allowed); columns are not modelled."""
        assert self._by_row, "Columns.AutoFit is not modelled"
        owner = self._owner
        protection = owner._sheet.protection
        if protection is not None and not protection.allow["AllowFormattingRows"]:
            raise ComError("AutoFit method of Range class failed")
        owner._sheet.autofit_rows.update(range(owner._box[0], owner._box[2] + 1))
        return True

    def __call__(self, index: int) -> Range:
        self._call()
        r1, c1, r2, c2 = self._owner._box
        if self._by_row:
            return self._owner._sub(r1 + index - 1, c1, r1 + index - 1, c2)
        return self._owner._sub(r1, c1 + index - 1, r2, c1 + index - 1)


class _Cells(_Com):
    """``Range.Cells``: ``Cells(i)`` in row order, ``Cells(row, column)``, ``Count``."""

    def __init__(self, excel: Excel, owner: Range) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)

    @property
    def Count(self) -> int:
        r1, c1, r2, c2 = self._owner._box
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    def __call__(self, index: int, column: int | None = None) -> Range:
        self._call()
        r1, c1, _, c2 = self._owner._box
        if column is None:
            row, col = divmod(index - 1, c2 - c1 + 1)
            r, c = r1 + row, c1 + col
        else:
            r, c = r1 + index - 1, c1 + column - 1
        return self._owner._sub(r, c, r, c)

    def Find(self, **kwargs: Any) -> Range | None:
        return self._owner.Find(**kwargs)

    def Clear(self) -> None:
        self._owner.Clear()


class Borders(_Com):
    """``Range.Borders``: setting ``LineStyle`` draws every edge of every cell."""

    def __init__(self, excel: Excel, owner: Range) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)

    @property
    def LineStyle(self) -> int:
        return XL_CONTINUOUS if all(self._owner._sheet.peek(r, c).bordered
                                    for r, c in self._owner._cells()) else XL_LINE_NONE

    @LineStyle.setter
    def LineStyle(self, style: int) -> None:
        self._owner._check_format("AllowFormattingCells", "LineStyle", "Border")
        for r, c in self._owner._cells():
            self._owner._sheet.cell(r, c).bordered = style == XL_CONTINUOUS


class PageSetup(_Com):
    """``Worksheet.PageSetup``: the members set are kept (Excel talks to the printer
    driver for each: one call each, as counted)."""

    def __init__(self, excel: Excel, sheet: SheetModel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)

    def __setattr__(self, name: str, value: Any) -> None:
        if name[:1].isupper():
            object.__getattribute__(self, "_excel").count("PageSetup", name + "=")
            object.__getattribute__(self, "_sheet").page_setup[name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if name[:1].isupper():
            return object.__getattribute__(self, "_sheet").page_setup.get(name)
        raise AttributeError(name)


class _EntireRow(_Com):
    def __init__(self, excel: Excel, hidden: bool | None) -> None:
        super().__init__(excel)
        object.__setattr__(self, "Hidden", hidden)


class _Visible(_Com):
    def __init__(self, excel: Excel, owner: Range, spans: list[tuple[int, int]]) -> None:
        super().__init__(excel)
        object.__setattr__(self, "Areas", _Areas(excel, owner, spans))


class _Areas(_Com):
    def __init__(self, excel: Excel, owner: Range, spans: list[tuple[int, int]]) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_spans", spans)
        object.__setattr__(self, "Count", len(spans))

    def __call__(self, index: int) -> Range:
        self._call()
        top, bottom = self._spans[index - 1]
        box = self._owner._box
        return self._owner._sub(top, box[1], bottom, box[3])


class Interior(_Com):
    def __init__(self, excel: Excel, owner: Range) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)

    def _fills(self) -> set[int | None]:
        return {self._owner._sheet.peek(r, c).fill for r, c in self._owner._cells()}

    def _set(self, fill: int | None, member: str) -> None:
        self._owner._check_format("AllowFormattingCells", member, "Interior")
        for r, c in self._owner._cells():
            self._owner._sheet.cell(r, c).fill = fill

    @property
    def Color(self) -> int | None:
        fills = self._fills()
        if len(fills) > 1:
            return None
        fill = fills.pop()
        return WHITE if fill is None else fill

    @Color.setter
    def Color(self, bgr: int) -> None:
        self._set(int(bgr), "Color")

    @property
    def ColorIndex(self) -> int | None:
        fills = self._fills()
        if len(fills) > 1:
            return None
        return -4142 if fills.pop() is None else 1  # xlColorIndexNone, or the palette's

    @ColorIndex.setter
    def ColorIndex(self, index: int) -> None:
        self._set(None if index == -4142 else _PALETTE.get(index, 0xC0C0C0), "ColorIndex")

    @property
    def Pattern(self) -> int:
        return -4142 if self._fills() == {None} else 1


_PALETTE = {3: 0x0000FF, 6: 0x00FFFF}


class Font(_Com):
    def __init__(self, excel: Excel, owner: Range) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_owner", owner)

    @property
    def Bold(self) -> bool:
        r1, c1, _, _ = self._owner._box
        return self._owner._sheet.peek(r1, c1).bold

    @Bold.setter
    def Bold(self, bold: bool) -> None:
        self._owner._check_format("AllowFormattingCells", "Bold", "Font")
        for r, c in self._owner._cells():
            self._owner._sheet.cell(r, c).bold = bool(bold)


class Comment(_Com):
    def __init__(self, excel: Excel, sheet: SheetModel, row: int, col: int) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_at", (row, col))

    def _cell(self) -> CellModel:
        return self._sheet.cell(*self._at)

    def _check(self) -> None:
        protection = self._sheet.protection
        if protection is not None and protection.drawing_objects:
            raise ComError(PROTECTED_SHEET)

    def Text(self, Text: str | None = None, Start: int | None = None,
             Overwrite: bool | None = None) -> str:
        if Text is not None:
            self._check()
            self._cell().note = Text
        return self._cell().note or ""

    def Delete(self) -> None:
        self._check()
        cell = self._cell()
        cell.note = None
        cell.note_size = None

    @property
    def Shape(self) -> Shape:
        return Shape(self._excel, self)


class Shape(_Com):
    def __init__(self, excel: Excel, comment: Comment) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_comment", comment)

    def _size(self) -> tuple[float, float]:
        return self._comment._cell().note_size or DEFAULT_NOTE_SIZE

    @property
    def Width(self) -> float:
        return self._size()[0]

    @Width.setter
    def Width(self, width: float) -> None:
        self._comment._check()
        self._comment._cell().note_size = (float(width), self._size()[1])

    @property
    def Height(self) -> float:
        return self._size()[1]

    @Height.setter
    def Height(self, height: float) -> None:
        self._comment._check()
        self._comment._cell().note_size = (self._size()[0], float(height))


class Hyperlinks(_Com):
    def __init__(self, excel: Excel, sheet: SheetModel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)

    def Add(self, Anchor: Range, Address: str, SubAddress: str | None = None,
            ScreenTip: str | None = None, TextToDisplay: str | None = None) -> object:
        protection = self._sheet.protection
        if protection is not None and (not protection.allow["AllowInsertingHyperlinks"]
                                       or Anchor._sheet.peek(*Anchor._box[:2]).locked):
            raise ComError(PROTECTED_SHEET)
        cell = self._sheet.cell(*Anchor._box[:2])
        cell.link = (SubAddress or Address, TextToDisplay or "")
        cell.value, cell.formula = TextToDisplay, None
        return object()


class Protection(_Com):
    def __init__(self, excel: Excel, sheet: SheetModel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)

    def __getattr__(self, name: str) -> bool:
        if name in ALLOW_OPTIONS:
            protection = self._sheet.protection
            return bool(protection and protection.allow[name])
        raise AttributeError(name)


class Worksheet(_Com):
    def __init__(self, excel: Excel, sheet: SheetModel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "_sheet", sheet)

    @property
    def PageSetup(self) -> PageSetup:
        return PageSetup(self._excel, self._model())

    def _model(self) -> SheetModel:
        if self._sheet not in self._excel.model.sheets:
            raise ComError("Object required")  # the sheet was deleted
        return self._sheet

    def _structure(self) -> None:
        if self._excel.model.structure_locked:
            raise ComError(STRUCTURE_LOCKED)

    @property
    def Name(self) -> str:
        return self._model().name

    @Name.setter
    def Name(self, name: str) -> None:
        self._structure()
        if any(s.name.lower() == name.lower() for s in self._excel.model.sheets
               if s is not self._sheet):
            raise ComError("That name is already taken. Try a different one.")
        self._model().name = name

    @property
    def Visible(self) -> int:
        return self._model().visible

    @Visible.setter
    def Visible(self, visible: int) -> None:
        self._structure()
        visible = -1 if visible is True else (0 if visible is False else int(visible))
        others = [s for s in self._excel.model.sheets if s is not self._sheet and s.visible == -1]
        if visible != -1 and not others:
            raise ComError("Unable to set the Visible property of the Worksheet class")
        self._model().visible = visible

    @property
    def UsedRange(self) -> Range:
        keys = [k for k, v in self._model().cells.items() if not v.is_default()]
        if not keys:
            return Range(self._excel, self._sheet, 1, 1, 1, 1)
        rows = [k[0] for k in keys]
        cols = [k[1] for k in keys]
        return Range(self._excel, self._sheet, min(rows), min(cols), max(rows), max(cols))

    @property
    def Cells(self) -> _Cells:
        return _Cells(self._excel, Range(self._excel, self._model(), 1, 1, MAX_ROWS, MAX_COLS))

    def Range(self, ref: str) -> Range:
        sheet = self._model()
        first, _, last = ref.replace("$", "").partition(":")
        if first.isalpha():  # "D:D"
            c1, c2 = column_index(first) + 1, column_index(last or first) + 1
            return Range(self._excel, sheet, 1, c1, MAX_ROWS, c2)
        r1, c1 = parse_a1(first)
        r2, c2 = parse_a1(last) if last else (r1, c1)
        return Range(self._excel, sheet, r1 + 1, c1 + 1, r2 + 1, c2 + 1)

    @property
    def Hyperlinks(self) -> Hyperlinks:
        return Hyperlinks(self._excel, self._model())

    @property
    def ProtectContents(self) -> bool:
        protection = self._model().protection
        return bool(protection and protection.contents)

    @property
    def ProtectDrawingObjects(self) -> bool:
        protection = self._model().protection
        return bool(protection and protection.drawing_objects)

    @property
    def ProtectScenarios(self) -> bool:
        protection = self._model().protection
        return bool(protection and protection.scenarios)

    @property
    def ProtectionMode(self) -> bool:
        protection = self._model().protection
        return bool(protection and protection.user_interface_only)

    @property
    def Protection(self) -> Protection:
        return Protection(self._excel, self._model())

    @property
    def EnableSelection(self) -> int:
        return self._model().enable_selection

    @EnableSelection.setter
    def EnableSelection(self, value: int) -> None:
        self._model().enable_selection = int(value)

    def Protect(self, Password: str | None = None, DrawingObjects: bool = True,
                Contents: bool = True, Scenarios: bool = True,
                UserInterfaceOnly: bool = False, **allow: bool) -> None:
        unknown = set(allow) - set(ALLOW_OPTIONS)
        assert not unknown, f"Worksheet.Protect has no parameter {unknown}"
        self._model().protection = SheetProtection(
            password=Password or None, contents=Contents, drawing_objects=DrawingObjects,
            scenarios=Scenarios, user_interface_only=UserInterfaceOnly,
            allow={option: bool(allow.get(option, False)) for option in ALLOW_OPTIONS},
        )

    def Unprotect(self, Password: str | None = None) -> None:
        protection = self._model().protection
        if protection is None:
            return
        if protection.password is not None:
            assert Password is not None, "Excel would ask the user for the sheet's password"
            if Password != protection.password:
                raise ComError(WRONG_PASSWORD)
        self._model().protection = None

    def Delete(self) -> None:
        self._structure()
        sheet = self._model()
        if sheet.cells and self._excel.display_alerts():
            raise AssertionError("Excel would ask the user to confirm deleting the sheet")
        visible = [s for s in self._excel.model.sheets if s.visible == -1 and s is not sheet]
        if not visible:
            raise ComError("A workbook must contain at least one visible worksheet.")
        self._excel.model.sheets.remove(sheet)

    def Activate(self) -> None:
        self._excel.model.active = self._excel.model.sheets.index(self._model())


class Sheets(_Com):
    """``Workbook.Worksheets``."""

    @property
    def Count(self) -> int:
        return len(self._excel.model.sheets)

    def Item(self, index: int | str) -> Worksheet:
        sheets = self._excel.model.sheets
        if isinstance(index, str):
            for sheet in sheets:
                if sheet.name.lower() == index.lower():
                    return Worksheet(self._excel, sheet)
            raise ComError("Subscript out of range", -2147352565)
        return Worksheet(self._excel, sheets[index - 1])

    def __call__(self, index: int | str) -> Worksheet:
        self._call()
        return self.Item(index)

    def Add(self, Before: Worksheet | None = None, After: Worksheet | None = None,
            Count: int | None = None, Type: int | None = None) -> Worksheet:
        model = self._excel.model
        if model.structure_locked:
            raise ComError("Add method of Sheets class failed")
        taken = {s.name.lower() for s in model.sheets}
        number = 1
        while f"sheet{number}" in taken:
            number += 1
        sheet = SheetModel(f"Sheet{number}")
        if After is not None:
            position = model.sheets.index(After._sheet) + 1
        elif Before is not None:
            position = model.sheets.index(Before._sheet)
        else:
            position = model.active
        model.sheets.insert(position, sheet)
        model.active = position
        return Worksheet(self._excel, sheet)


class Workbook(_Com):
    @property
    def Name(self) -> str:
        return self._excel.model.name

    @property
    def FullName(self) -> str:
        return "C:\\Users\\canbo\\Documents\\" + self._excel.model.name

    @property
    def Application(self) -> Application:
        return self._excel.app

    @property
    def Worksheets(self) -> Sheets:
        return Sheets(self._excel)

    @property
    def ActiveSheet(self) -> Worksheet:
        return Worksheet(self._excel, self._excel.model.sheets[self._excel.model.active])

    @property
    def ProtectStructure(self) -> bool:
        return self._excel.model.structure_locked

    @property
    def ProtectWindows(self) -> bool:
        return self._excel.model.windows_locked

    def Protect(self, Password: str | None = None, Structure: bool = False,
                Windows: bool = False) -> None:
        model = self._excel.model
        model.structure_locked, model.windows_locked = bool(Structure), bool(Windows)
        model.password = Password or None

    def Unprotect(self, Password: str | None = None) -> None:
        model = self._excel.model
        if not (model.structure_locked or model.windows_locked):
            return
        if model.password is not None and Password != model.password:
            raise ComError(WRONG_PASSWORD)
        model.structure_locked = model.windows_locked = False
        model.password = None


class FindFormat(_Com):
    def __init__(self, excel: Excel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "merge_cells", None)

    @property
    def MergeCells(self) -> bool | None:
        return self.merge_cells

    @MergeCells.setter
    def MergeCells(self, value: bool) -> None:
        object.__setattr__(self, "merge_cells", value)

    def Clear(self) -> None:
        object.__setattr__(self, "merge_cells", None)


class Application(_Com):
    def __init__(self, excel: Excel) -> None:
        super().__init__(excel)
        object.__setattr__(self, "ScreenUpdating", True)
        object.__setattr__(self, "DisplayAlerts", True)
        object.__setattr__(self, "Hwnd", 4242)

    @property
    def FindFormat(self) -> FindFormat:
        return self._excel.find_format


# ----------------------------------------------------------------------------- the handle


class _ImplApp:
    """What ``xlwings.App`` needs from its engine here: the message box."""

    def __init__(self, excel: Excel) -> None:
        self.excel = excel
        self.pid = 4242

    @property
    def api(self) -> Application:
        return self.excel.app

    def alert(self, prompt: str, title: str, buttons: str, mode: str | None,
              callback: Any) -> str:
        self.excel.alerts.append(Alert(title, prompt, mode))
        return "ok"


class _ImplBook:
    """What ``xlwings.Book`` needs from its engine here: ``api``, ``app``, ``name``."""

    def __init__(self, excel: Excel) -> None:
        self.excel = excel
        self.app = _ImplApp(excel)

    @property
    def api(self) -> Workbook:
        return self.excel.workbook

    @property
    def name(self) -> str:
        return self.excel.model.name


@dataclass(frozen=True)
class Alert:
    title: str
    text: str
    mode: str | None


class Excel:
    """One Excel instance holding one workbook (:func:`open_workbook`)."""

    def __init__(self, model: BookModel) -> None:
        self.model = model
        self.calls: Counter[str] = Counter()
        self.alerts: list[Alert] = []
        self.find_covered_cells = False  # whether Find on the merged format finds every cell
        self._reject: dict[str, tuple[int, int | None]] = {}
        self.find_format = FindFormat(self)
        self.app = Application(self)
        self.workbook = Workbook(self)

    # -- driving --
    def count(self, owner: str, member: str) -> None:
        """One COM call: ``member`` read (or called), ``member=`` written."""
        self.calls[f"{owner}.{member}"] += 1
        name = member.rstrip("=")
        if name in self._reject:
            after, times = self._reject[name]
            if after > 0:
                self._reject[name] = (after - 1, times)
                return
            if times is not None:
                if times <= 1:
                    del self._reject[name]
                else:
                    self._reject[name] = (0, times - 1)
            raise Rejected()

    def reject(self, member: str, *, after: int = 0, times: int | None = None) -> None:
        """Refuse calls of ``member`` (e.g. "AddComment"; reads and writes) once ``after``
        have gone through, as Excel does while the user edits a cell: every later call,
        or the next ``times`` calls."""
        self._reject[member] = (after, times)

    def accept(self) -> None:
        """Stop refusing calls (the user has left the cell)."""
        self._reject.clear()

    def book(self) -> Any:
        """The ``xlwings.Book`` the add-in gets from ``xw.Book.caller()`` in Excel."""
        import xlwings as xw

        return xw.Book(impl=_ImplBook(self))

    def press(self, entry: str) -> Alert:
        """Run the add-in's entry point ``xl.button.<entry>`` as the ribbon does, with this
        workbook as ``xw.Book.caller()``; return the one message box it showed."""
        import xl.button

        self.book().set_mock_caller()
        before = len(self.alerts)
        getattr(xl.button, entry)()
        assert len(self.alerts) == before + 1, "a click shows exactly one message box"
        return self.alerts[-1]

    def display_alerts(self) -> bool:
        """Application.DisplayAlerts, read without counting a call."""
        return bool(object.__getattribute__(self.app, "DisplayAlerts"))

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    # -- looking (no COM calls) --
    def sheet(self, name: str) -> SheetModel:
        for sheet in self.model.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.model.sheets]

    def _at(self, sheet: str, cell: str) -> CellModel:
        row, col = parse_a1(cell)
        return self.sheet(sheet).peek(row + 1, col + 1)

    def value(self, sheet: str, cell: str) -> Any:
        value = self._at(sheet, cell).value
        return value.text if isinstance(value, ErrorValue) else value

    def formula(self, sheet: str, cell: str) -> str | None:
        return self._at(sheet, cell).formula

    def fill(self, sheet: str, cell: str) -> str | None:
        bgr = self._at(sheet, cell).fill
        if bgr is None:
            return None
        return f"{bgr & 0xFF:02X}{(bgr >> 8) & 0xFF:02X}{(bgr >> 16) & 0xFF:02X}"

    def note(self, sheet: str, cell: str) -> str | None:
        return self._at(sheet, cell).note

    def note_size(self, sheet: str, cell: str) -> tuple[float, float] | None:
        return self._at(sheet, cell).note_size

    def link(self, sheet: str, cell: str) -> tuple[str, str] | None:
        return self._at(sheet, cell).link

    def fills(self, sheet: str) -> dict[str, str]:
        found = {}
        for (r, c), cell in self.sheet(sheet).cells.items():
            if cell.fill is not None:
                found[a1(r - 1, c - 1)] = self.fill(sheet, a1(r - 1, c - 1)) or ""
        return found

    def notes(self, sheet: str) -> dict[str, str]:
        return {a1(r - 1, c - 1): cell.note for (r, c), cell in self.sheet(sheet).cells.items()
                if cell.note is not None}

    def rows(self, sheet: str) -> list[list[Any]]:
        """The sheet's values from A1 to the last cell holding one (trailing empties cut)."""
        cells = {k: v for k, v in self.sheet(sheet).cells.items() if v.value is not None}
        if not cells:
            return []
        height = max(r for r, _ in cells)
        width = max(c for _, c in cells)
        grid = [[None] * width for _ in range(height)]
        for (r, c), cell in cells.items():
            value = cell.value
            grid[r - 1][c - 1] = value.text if isinstance(value, ErrorValue) else value
        return [[v for v in row] for row in grid]

    def state(self) -> Any:
        """Everything the user could see or the next click could read."""
        return copy.deepcopy((
            [(s.name, s.visible, s.protection, s.enable_selection, s.merged,
              sorted(s.hidden_rows), s.column_widths,
              sorted((k, v) for k, v in s.cells.items() if not v.is_default()))
             for s in self.model.sheets],
            self.model.structure_locked, self.model.windows_locked, self.model.password,
            self.model.active,
        ))


# ----------------------------------------------------------------------------- loading


def _bgr(rgb: str) -> int:
    rgb = rgb[-6:]
    return int(rgb[0:2], 16) | (int(rgb[2:4], 16) << 8) | (int(rgb[4:6], 16) << 16)


def _fill(cell: Cell) -> int | None:
    fill = cell.fill
    if getattr(fill, "fill_type", None) != "solid":
        return None
    color = fill.fgColor
    if color.type == "rgb" and isinstance(color.rgb, str):
        return _bgr(color.rgb)
    return 0xDDDDDD  # a theme or palette colour: some colour


def _is_currency(number_format: str) -> bool:
    """A Currency/Accounting format (Excel then gives the value as a Currency)."""
    without_locale = re.sub(r"\[\$-[^\]]*\]", "", number_format)
    return "₫" in without_locale or "$" in without_locale


def open_workbook(path: Path, *, name: str | None = None,
                  values_from: Path | None = None) -> Excel:
    """An Excel instance with ``path`` open, as Excel would load it (its formulas with
    the values last calculated, formats, notes, links, merges, hidden rows, protection).

    ``values_from``: the same workbook recalculated elsewhere (LibreOffice), for the
    formulas' values when ``path`` was written by a program that does not calculate
    (XlsxWriter, openpyxl); LibreOffice's copy itself loses the structure lock.
    """
    formulas = load_workbook(path)
    values = load_workbook(values_from or path, data_only=True)
    sheets: list[SheetModel] = []
    for ws in formulas.worksheets:
        computed = values[ws.title]
        sheet = SheetModel(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell, Cell):
                    continue
                model = CellModel(locked=bool(cell.protection.locked))
                if cell.data_type == "f":
                    model.formula = str(cell.value)
                    model.value = computed[cell.coordinate].value
                elif cell.data_type == "e":
                    model.value = ErrorValue(str(cell.value))
                else:
                    model.value = cell.value
                if isinstance(model.value, str) and model.value in ERROR_CODES:
                    model.value = ErrorValue(model.value)
                model.fill = _fill(cell)
                if cell.comment:
                    model.note = cell.comment.text
                    model.note_size = (float(cell.comment.width), float(cell.comment.height))
                if cell.hyperlink is not None:
                    model.link = (cell.hyperlink.location or cell.hyperlink.target or "",
                                  cell.hyperlink.display or str(cell.value or ""))
                model.bold = bool(cell.font and cell.font.b)
                model.currency = _is_currency(cell.number_format or "")
                if not model.is_default() or not model.locked:
                    sheet.cells[(cell.row, cell.column)] = model
        for rng in ws.merged_cells.ranges:
            sheet.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        sheet.hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
        sheet.visible = {"visible": -1, "hidden": 0, "veryHidden": 2}[ws.sheet_state]
        guard = ws.protection
        if guard.sheet:
            sheet.protection = SheetProtection(
                password="(set in the file)" if guard.password else None,
                contents=True,
                drawing_objects=bool(guard.objects),
                scenarios=bool(guard.scenarios),
                allow={option: not bool(getattr(guard, attr))
                       for option, attr in _OOXML_LOCKS.items()},
            )
        sheets.append(sheet)
    security = formulas.security
    model = BookModel(name=name or path.name, sheets=sheets)
    if security is not None:
        model.structure_locked = bool(security.lockStructure)
        model.windows_locked = bool(security.lockWindows)
        model.password = "(set in the file)" if security.workbookPassword else None
    model.active = next(i for i, s in enumerate(sheets) if s.visible == -1)
    return Excel(model)
