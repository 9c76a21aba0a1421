"""The small workbook interface the marking logic is written against.

Two implementations exist: :class:`nscl.marking.openpyxl_book.OpenpyxlBook` (a file on disk, for
``nscl validate --annotate`` and the nightly job) and :class:`xl.xlwings_book.XlwingsBook`
(the workbook open in Excel, through its object model, for the ribbon button). Cells are
addressed by sheet name and A1 reference ("H12"). Colours are ``"RRGGBB"`` strings; an
implementation may also return an opaque token of its own (e.g. ``"theme:4:0.4"``) that
only it understands, so that an original fill can be restored exactly.

Values written through :meth:`WorkbookAccess.set_value` and
:meth:`WorkbookAccess.write_cells` are always literals: a text that starts with "=" is
stored as text, never as a formula (agency text must never become a live formula).

Every call into Excel costs a round trip, so the interface has bulk forms
(:meth:`~WorkbookAccess.read_values` for a whole sheet, :meth:`~WorkbookAccess.read_cells`,
:meth:`~WorkbookAccess.formula_cells` and :meth:`~WorkbookAccess.write_cells` for many
cells): what marking asks of a workbook grows with the problems found and the cells it
changes, not with the rows of the table.

Protection: Excel refuses to change a protected sheet or to add a sheet to a workbook
whose structure is locked (the official templates are both, without a password).
:meth:`~WorkbookAccess.lift_protection` lifts what a change needs and
:meth:`~WorkbookAccess.restore_protection` puts it back exactly as it was; a protection
with a password is :class:`PasswordProtected`, and nothing is changed then.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from nscl.a1 import a1
from nscl.reading import ReadLimits

__all__ = [
    "MAX_READ_CELLS",
    "NOTE_MIN_HEIGHT",
    "NOTE_WIDTH",
    "CellAddress",
    "CellValue",
    "LiftedProtection",
    "PasswordProtected",
    "SheetTooLarge",
    "WorkbookAccess",
    "excel_needs_text_prefix",
    "is_blank",
    "note_size",
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


class PasswordProtected(Exception):
    """The workbook's structure (``sheet`` None) or a sheet is protected with a password:
    changing it would need the password, which nscl never asks for, so nothing is changed."""

    def __init__(self, sheet: str | None) -> None:
        super().__init__(sheet or "(workbook structure)")
        self.sheet = sheet


@dataclass(frozen=True)
class LiftedProtection:
    """Protection lifted for a change, to be put back exactly as it was.

    ``structure`` and each sheet's entry are the implementation's own record of how it
    was protected (the options of Excel's ``Protect``); empty when nothing was lifted.
    """

    structure: object | None = None
    sheets: tuple[tuple[str, object], ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing was lifted."""
        return self.structure is None and not self.sheets


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

    def read_cells(self, sheet: str, cells: Collection[str]) -> dict[str, CellValue]:
        """The values of several cells at once (for each column, one read of the rows
        between its first and last cell)."""
        ...

    def formula_cells(self, sheet: str, cells: Collection[str]) -> set[str]:
        """Those of ``cells`` that hold a formula, or cannot hold a value of their own
        (inside a merged range, below its first cell): cells marking must not write."""
        ...

    def set_value(self, sheet: str, cell: str, value: CellValue) -> None:
        """Write a literal value (text starting with "=" stays text); None empties the cell."""
        ...

    def write_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        """Write literal values into several cells (a run of cells one under another in
        one write); None empties a cell."""
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

    def set_note(self, sheet: str, cell: str, text: str | None, *, fit: bool = False) -> None:
        """Replace the cell's note with ``text``; None deletes it. ``fit``: size the note
        to show all of ``text`` (:func:`note_size`; marking's own notes), otherwise the
        default size (an agency's note put back)."""
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

    def format_table(self, sheet: str, ref: str, *, header_row: int) -> None:
        """Make ``sheet`` print as an official table: A4 landscape, one page wide, the
        official margins, row ``header_row`` (1-based) repeated at the top of every page;
        thin borders, wrapped text and top alignment over the cells of ``ref``
        ("A14:F40"), whose rows grow to show their text."""
        ...

    def reset_sheet(self, sheet: str, *, very_hidden: bool = False) -> None:
        """Create the sheet at the end if missing, otherwise clear its contents and formats."""
        ...

    def remove_sheet(self, sheet: str) -> None:
        """Delete a sheet (one marking created, when it undoes its changes)."""
        ...

    def lift_protection(self, sheets: Collection[str], *, structure: bool) -> LiftedProtection:
        """Lift the protection (without a password) of those ``sheets`` that are protected,
        and the lock on the workbook's structure when ``structure`` and it is locked.

        Raises :class:`PasswordProtected` when one of them has a password; what was
        lifted before that is put back first, so that nothing has changed.
        """
        ...

    def restore_protection(self, lifted: LiftedProtection) -> None:
        """Protect again what :meth:`lift_protection` lifted, with the same options."""
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


# Notes: Excel's default note (about 108 × 59 points) shows two lines of a long
# Vietnamese message. Marking sizes its notes so that the whole text is readable.
NOTE_WIDTH = 320.0  # points: about 58 characters of the default note font per line
NOTE_MIN_HEIGHT = 140.0
_NOTE_CHARS_PER_LINE = 58
_NOTE_LINE_HEIGHT = 12.0
_NOTE_MAX_HEIGHT = 600.0


def note_size(text: str) -> tuple[float, float]:
    """(width, height) in points of a note holding ``text``: wide enough for a sentence,
    tall enough for every line (at least :data:`NOTE_MIN_HEIGHT`, at most 600)."""
    lines = sum(max(1, math.ceil(len(line) / _NOTE_CHARS_PER_LINE)) for line in text.split("\n"))
    height = min(_NOTE_MAX_HEIGHT, max(NOTE_MIN_HEIGHT, 8.0 + lines * _NOTE_LINE_HEIGHT))
    return NOTE_WIDTH, height
