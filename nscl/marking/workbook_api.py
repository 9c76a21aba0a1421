"""The small workbook interface the marking logic is written against.

Two implementations exist: :class:`nscl.marking.openpyxl_book.OpenpyxlBook` (a file on disk, for
``nscl validate --annotate`` and the nightly job) and :class:`xl.xlwings_book.XlwingsBook`
(the workbook open in Excel, for the ribbon button). Cells are addressed by sheet name
and A1 reference ("H12"). Colours are ``"RRGGBB"`` strings; an implementation may also
return an opaque token of its own (e.g. ``"theme:4:0.4"``) that only it understands, so
that an original fill can be restored exactly.

Values written through :meth:`WorkbookAccess.set_value` are always literals: a text that
starts with "=" is stored as text, never as a formula (agency text must never become a
live formula).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from nscl.a1 import a1
from nscl.reading import ReadLimits

__all__ = [
    "MAX_READ_CELLS",
    "CellAddress",
    "CellValue",
    "SheetTooLarge",
    "WorkbookAccess",
    "excel_needs_text_prefix",
    "is_blank",
]

CellValue = str | int | float | bool | datetime | date | None

# Cells a sheet may span (from A1) to be read at once: the validation engine's limit, so
# that both refuse the same sheets.
MAX_READ_CELLS = ReadLimits.max_sheet_cells


class SheetTooLarge(Exception):
    """The cells of ``sheet`` holding something reach ``rows`` × ``cols`` from A1: too far
    to read (a value typed far from the table, e.g. in XFD1048576)."""

    def __init__(self, sheet: str, rows: int, cols: int) -> None:
        super().__init__(f"{sheet}: {rows} × {cols}")
        self.sheet = sheet
        self.rows = rows
        self.cols = cols

    @property
    def corner(self) -> str:
        """The farthest cell (what Ctrl+End finds)."""
        return a1(self.rows - 1, self.cols - 1)


@runtime_checkable
class WorkbookAccess(Protocol):
    """What the marking logic needs from a workbook, and nothing more."""

    @property
    def name(self) -> str:
        """The workbook's file name as the user knows it ("Bo_Cong_Thuong.xlsx")."""
        ...

    def sheet_names(self) -> list[str]:
        """Names of every sheet, hidden ones included, in workbook order."""
        ...

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        """The sheet's values as a rectangle anchored at A1 (empty cells are None);
        :class:`SheetTooLarge` when the cells holding something span more than
        :data:`MAX_READ_CELLS`."""
        ...

    def merged_ranges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges in A1 notation (``"C9:C11"``); empty when there are
        none or the engine cannot tell."""
        ...

    def hidden_rows(self, sheet: str) -> list[int]:
        """The sheet's rows hidden or filtered out of view (1-based); empty when there
        are none or the engine cannot tell."""
        ...

    def get_value(self, sheet: str, cell: str) -> CellValue:
        """The value of one cell (a formula cell gives its computed value when known)."""
        ...

    def has_formula(self, sheet: str, cell: str) -> bool:
        """Whether the cell holds a formula (False when the engine cannot tell)."""
        ...

    def set_value(self, sheet: str, cell: str, value: CellValue) -> None:
        """Write a literal value (text starting with "=" stays text); None empties the cell."""
        ...

    def write_rows(self, sheet: str, first_row: int, rows: Sequence[Sequence[CellValue]]) -> None:
        """Write literal values row by row from column A of ``first_row``."""
        ...

    def get_fill(self, sheet: str, cell: str) -> str | None:
        """The cell's solid fill (colour or implementation token), None for no fill/unknown."""
        ...

    def set_fill(self, sheet: str, cell: str, fill: str | None) -> None:
        """Set a solid fill (``"RRGGBB"`` or a token from :meth:`get_fill`); None removes it."""
        ...

    def get_note(self, sheet: str, cell: str) -> str | None:
        """The text of the cell's note (legacy comment), None when none or unreadable."""
        ...

    def set_note(self, sheet: str, cell: str, text: str | None) -> None:
        """Replace the cell's note with ``text``; None deletes it."""
        ...

    def set_hyperlink(self, sheet: str, cell: str, target: str, text: str) -> None:
        """Make the cell a link to a place in this workbook (``"'Sheet'!H12"``)."""
        ...

    def set_bold(self, sheet: str, cell: str) -> None:
        """Bold font for the cell."""
        ...

    def set_column_width(self, sheet: str, column: str, width: float) -> None:
        """Column width in characters."""
        ...

    def reset_sheet(self, sheet: str, *, very_hidden: bool = False) -> None:
        """Create the sheet at the end if missing, otherwise clear its contents and formats."""
        ...


@dataclass(frozen=True)
class CellAddress:
    """A cell of a workbook: sheet name and A1 reference."""

    sheet: str
    cell: str

    def link_target(self) -> str:
        """In-workbook hyperlink target: ``'Sheet name'!H12``."""
        return f"'{self.sheet.replace(chr(39), chr(39) * 2)}'!{self.cell}"


def is_blank(value: object) -> bool:
    """None or a text holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


_NUMBER_OR_DATE_LIKE = re.compile(r"^\s*[-+(]?\s*[0-9.,]")


def excel_needs_text_prefix(text: str) -> bool:
    """Whether Excel would not keep ``text`` as the same text when it is typed or set
    through COM/Office.js ``Value`` (a formula, a number, a date, a leading apostrophe).

    Such texts are written with a leading apostrophe (Excel's text prefix) by the live
    workbook implementation.
    """
    if not text:
        return False
    return text[0] in "=+-@'" or bool(_NUMBER_OR_DATE_LIKE.match(text))
