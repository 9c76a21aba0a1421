"""The workbook interface over an openpyxl workbook (a file on disk).

Used by :func:`nscl.marking.annotate_copy` (``nscl validate --annotate``) and by the
snapshot that feeds the validation engine. Fills are read back exactly: RGB colours as
``"RRGGBB"``, theme and indexed colours as tokens (``"theme:4:0.4"``, ``"indexed:5"``).

openpyxl does not enforce sheet or workbook protection: it writes the cells of a
protected sheet and keeps the protection in the file as it was, so lifting protection
is a no-op here (a marked copy of a protected file is protected as the original was).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.colors import Color
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from nscl.a1 import parse_a1
from nscl.marking import workbook_api
from nscl.marking.print_setup import LINE_POINTS, PRINT_MARGINS_MM, wrapped_lines
from nscl.marking.workbook_api import CellValue, LiftedProtection, SheetTooLarge, note_size

__all__ = ["OpenpyxlBook", "write_literal"]

_MAX_CELL_TEXT = 32_767
NOTE_AUTHOR = "NSCL 1322"


def _clean_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_MAX_CELL_TEXT]


def write_literal(cell: Cell, value: CellValue) -> None:
    """Put a literal value in an openpyxl cell: text starting with "=" stays text."""
    if isinstance(value, str):
        text = _clean_text(value)
        cell.value = text
        if text.startswith("="):
            cell.data_type = "s"  # openpyxl would otherwise write it as a formula
        return
    cell.value = value


def _as_cell_value(value: Any) -> CellValue:
    """openpyxl's value types narrowed to the interface's (rich text as plain text)."""
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    return str(value)


def _color_token(color: Color | None) -> str | None:
    if color is None:
        return None
    kind = getattr(color, "type", None)
    if kind == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb.upper()
        return rgb[-6:] if len(rgb) >= 6 else None
    if kind == "theme":
        return f"theme:{color.theme}:{color.tint or 0}"
    if kind == "indexed":
        return f"indexed:{color.indexed}"
    return None


def _color_from_token(token: str) -> Color:
    if token.startswith("theme:"):
        _, theme, tint = token.split(":", 2)
        return Color(theme=int(theme), tint=float(tint))
    if token.startswith("indexed:"):
        return Color(indexed=int(token.split(":", 1)[1]))
    return Color(rgb="FF" + token.upper())


class OpenpyxlBook:
    """:class:`nscl.marking.workbook_api.WorkbookAccess` over an openpyxl ``Workbook``."""

    def __init__(self, workbook: Workbook, name: str) -> None:
        self.workbook = workbook
        self._name = name

    @property
    def name(self) -> str:
        """The workbook's file name."""
        return self._name

    def _ws(self, sheet: str) -> Worksheet:
        ws = self.workbook[sheet]
        if not isinstance(ws, Worksheet):
            raise KeyError(f"{sheet!r} is not a worksheet")
        return ws

    def _cell(self, sheet: str, cell: str) -> Cell:
        row, column = parse_a1(cell)
        found = self._ws(sheet).cell(row=row + 1, column=column + 1)
        if not isinstance(found, Cell):  # a merged cell other than the top-left one
            raise KeyError(f"{sheet}!{cell} is inside a merged range")
        return found

    def sheet_names(self) -> list[str]:
        """Every sheet name (worksheets only), hidden ones included."""
        return [ws.title for ws in self.workbook.worksheets]

    def read_values(self, sheet: str) -> list[list[CellValue]]:
        """Values from A1 to the last used cell; formula cells give their formula text
        (:class:`SheetTooLarge` when the last used cell is too far)."""
        ws = self._ws(sheet)
        if ws.max_row * ws.max_column > workbook_api.MAX_READ_CELLS:
            raise SheetTooLarge(sheet, ws.max_row, ws.max_column)
        rows: list[list[CellValue]] = []
        for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column):
            rows.append([_as_cell_value(c.value) for c in row])
        return rows

    def merged_ranges(self, sheet: str) -> list[str]:
        """The sheet's merged ranges (``"C9:C11"``)."""
        return [str(rng) for rng in self._ws(sheet).merged_cells.ranges]

    def hidden_rows(self, sheet: str) -> list[int]:
        """Rows marked hidden (by hand or by a filter)."""
        dims = self._ws(sheet).row_dimensions
        return sorted(r for r, dim in dims.items() if dim.hidden)

    def get_value(self, sheet: str, cell: str) -> CellValue:
        """The stored value (formula text for a formula cell)."""
        return _as_cell_value(self._cell(sheet, cell).value)

    def has_formula(self, sheet: str, cell: str) -> bool:
        """Whether the cell holds a formula."""
        return self._cell(sheet, cell).data_type == "f"

    def read_cells(self, sheet: str, cells: Collection[str]) -> dict[str, CellValue]:
        """The stored values of ``cells``."""
        return {cell: self.get_value(sheet, cell) for cell in cells}

    def formula_cells(self, sheet: str, cells: Collection[str]) -> set[str]:
        """The cells holding a formula, or covered by a merged range."""
        found: set[str] = set()
        for cell in cells:
            try:
                if self.has_formula(sheet, cell):
                    found.add(cell)
            except KeyError:  # inside a merged range
                found.add(cell)
        return found

    def set_value(self, sheet: str, cell: str, value: CellValue) -> None:
        """Write a literal value."""
        write_literal(self._cell(sheet, cell), value)

    def write_cells(self, sheet: str, values: Mapping[str, CellValue]) -> None:
        """Write literal values into several cells."""
        for cell, value in values.items():
            self.set_value(sheet, cell, value)

    def write_rows(self, sheet: str, first_row: int, rows: Sequence[Sequence[CellValue]]) -> None:
        """Write literal values row by row from column A."""
        ws = self._ws(sheet)
        for r, values in enumerate(rows, start=first_row):
            for c, value in enumerate(values, start=1):
                target = ws.cell(row=r, column=c)
                if isinstance(target, Cell):
                    write_literal(target, value)

    def get_fill(self, sheet: str, cell: str) -> str | None:
        """The solid fill as ``"RRGGBB"`` or a theme/indexed token, None when none."""
        fill = self._cell(sheet, cell).fill  # a style proxy around a PatternFill
        if getattr(fill, "fill_type", None) != "solid":
            return None
        return _color_token(getattr(fill, "fgColor", None))

    def set_fill(self, sheet: str, cell: str, fill: str | None) -> None:
        """Set or remove a solid fill."""
        target = self._cell(sheet, cell)
        if fill is None:
            target.fill = PatternFill(fill_type=None)
        else:
            color = _color_from_token(fill)
            target.fill = PatternFill(fill_type="solid", fgColor=color, bgColor=color)

    def get_note(self, sheet: str, cell: str) -> str | None:
        """The note's text, or None."""
        comment = self._cell(sheet, cell).comment
        return comment.text if comment is not None else None

    def set_note(self, sheet: str, cell: str, text: str | None, *, fit: bool = False) -> None:
        """Replace or delete the note (sized to its text with ``fit``)."""
        target = self._cell(sheet, cell)
        if text is None:
            target.comment = None
            return
        comment = Comment(_clean_text(text), NOTE_AUTHOR)
        if fit:
            width, height = note_size(comment.text)
            comment.width = width
            comment.height = height
        target.comment = comment

    def set_hyperlink(self, sheet: str, cell: str, target: str, text: str) -> None:
        """Link the cell to a place inside this workbook."""
        found = self._cell(sheet, cell)
        write_literal(found, text)
        found.hyperlink = Hyperlink(ref=found.coordinate, location=target, display=text)
        found.font = Font(color="0563C1", underline="single")

    def set_bold(self, sheet: str, cell: str) -> None:
        """Bold font."""
        self._cell(sheet, cell).font = Font(bold=True)

    def set_column_width(self, sheet: str, column: str, width: float) -> None:
        """Column width in characters."""
        self._ws(sheet).column_dimensions[column].width = width

    def format_table(self, sheet: str, ref: str, *, header_row: int) -> None:
        """Print setup, borders and wrapped text; no application sizes the rows of a
        file it opens, so their heights are estimated from the text and column widths."""
        ws = self._ws(sheet)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        left, right, top, bottom = (mm / 25.4 for mm in PRINT_MARGINS_MM)
        ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom)
        ws.print_title_rows = f"{header_row}:{header_row}"
        side = Side(style="thin")
        border = Border(left=side, right=side, top=side, bottom=side)
        for row in ws[ref]:
            lines = 1
            for cell in row:
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.value:
                    width = ws.column_dimensions[cell.column_letter].width or 8.43
                    lines = max(lines, wrapped_lines(cell.value, width))
            if lines > 1:
                ws.row_dimensions[row[0].row].height = lines * LINE_POINTS + 3

    def reset_sheet(self, sheet: str, *, very_hidden: bool = False) -> None:
        """Create the sheet at the end, or recreate it empty at its place."""
        if sheet in self.workbook.sheetnames:
            old = self.workbook[sheet]
            index = self.workbook.sheetnames.index(sheet)
            self.workbook.remove(old)
            ws = self.workbook.create_sheet(sheet, index)
        else:
            ws = self.workbook.create_sheet(sheet)
        if very_hidden:
            ws.sheet_state = "veryHidden"

    def remove_sheet(self, sheet: str) -> None:
        """Delete the sheet."""
        self.workbook.remove(self.workbook[sheet])

    def lift_protection(self, sheets: Collection[str], *, structure: bool) -> LiftedProtection:
        """Nothing to lift: openpyxl writes protected sheets as they are."""
        return LiftedProtection()

    def restore_protection(self, lifted: LiftedProtection) -> None:
        """Nothing was lifted."""
