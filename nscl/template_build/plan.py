"""The layout plan of a template, independent of the file format.

The form modules (:mod:`.table_form`, :mod:`.report_form`, :mod:`.guide`,
:mod:`.metadata`) describe each sheet as a :class:`SheetPlan`: cells with their text,
formula and :class:`CellStyle`, merged ranges, column widths, row heights, data
validation, conditional formats, protection, frozen rows and print setup. Two
renderers turn a :class:`WorkbookPlan` into a file: :mod:`.excel` (XlsxWriter, the
official .xlsx templates) and :mod:`.google_sheets` (the requests of one Google Sheets
``spreadsheets.batchUpdate``).

A sheet's items keep the order they were added in: the Excel renderer replays them in
that order, so that the .xlsx stays byte for byte what the builder always wrote (merged
ranges, validations and conditional formats are written to the file in call order).
Rows and columns are 0-based; formulas use A1 references in the English (en_US)
function syntax, with a leading ``=``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from nscl.identity import TemplateIdentity
    from nscl.template_build.page import PageSetup
    from nscl.template_build.report_form import IndicatorLayout, ReportLayout
    from nscl.template_build.table_form import TableLayout

__all__ = [
    "Cell",
    "CellStyle",
    "ColumnWidth",
    "ConditionalFormat",
    "DocumentProperties",
    "Highlight",
    "Item",
    "Merge",
    "RowHeight",
    "SheetPlan",
    "Validation",
    "ValidationRule",
    "WorkbookPlan",
]


Align = Literal["left", "center", "right"]
VAlign = Literal["top", "vcenter", "bottom"]


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks and whether it is an input cell. Colours are "#RRGGBB".

    ``num_format`` is a number format code in the spreadsheet syntax both Excel and
    Google Sheets read (``#,##0.0##``, ``0" tháng"``; ``@`` is text). ``locked=False``
    marks a cell the clerk types into: Excel leaves it unlocked on a protected sheet,
    Google Sheets leaves it out of the sheet's protected range. ``bold=False`` and
    ``bold=None`` look the same; Excel's file records the difference (a separate cell
    format), and the templates keep the formats they always had.
    """

    font_size: float
    bold: bool | None = None  # None: regular, not set (False: set regular explicitly)
    italic: bool = False
    align: Align | None = None
    valign: VAlign | None = None
    wrap: bool = False
    border: bool = False  # a thin line on all four sides
    top_rule: bool = False  # a thin line on the top side only
    fill: str | None = None
    num_format: str | None = None
    locked: bool = True


@dataclass(frozen=True)
class Highlight:
    """The colours a conditional format paints (fill and font)."""

    fill: str
    font_color: str


@dataclass(frozen=True)
class Cell:
    """A cell's content: text, a formula (with the value shown before recalculation) or
    nothing but its style."""

    row: int
    col: int
    style: CellStyle | None
    text: str | None = None
    formula: str | None = None
    cached: str | float | None = None  # result of ``formula`` in a fresh template

    @property
    def is_blank(self) -> bool:
        """Whether the cell holds neither text nor a formula."""
        return self.text is None and self.formula is None


@dataclass(frozen=True)
class Merge:
    """Cells merged into one; their text is the :class:`Cell` at the top left."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    style: CellStyle


@dataclass(frozen=True)
class RowHeight:
    """The height of one row, in points."""

    row: int
    height: float


@dataclass(frozen=True)
class ColumnWidth:
    """The width of columns ``first``…``last``, in character units (the width of "0")."""

    first: int
    last: int
    width: float


ValidationKind = Literal["any", "integer", "decimal"]
Criteria = Literal[">=", "<=", "between"]


@dataclass(frozen=True)
class ValidationRule:
    """What a cell accepts, and the help shown when it is selected.

    ``kind="any"`` only shows the input help. For numbers, ``criteria`` and its bounds
    (``value``, or ``minimum`` and ``maximum`` for "between") say what is allowed; a
    value outside is refused (``error_*`` is the message).
    """

    kind: ValidationKind
    input_title: str
    input_message: str
    criteria: Criteria | None = None
    value: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    error_title: str | None = None
    error_message: str | None = None

    @property
    def refuses(self) -> bool:
        """Whether values outside the rule are refused (not only a help text)."""
        return self.kind != "any" and self.criteria is not None


@dataclass(frozen=True)
class Validation:
    """A :class:`ValidationRule` on the cells of a range (0-based, inclusive)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    rule: ValidationRule


@dataclass(frozen=True)
class ConditionalFormat:
    """Paint ``highlight`` on the cells of a range where ``formula`` holds.

    ``formula`` (with a leading "=") is written for the top-left cell of the range and
    applies to every other cell with its relative references moved accordingly.
    ``meaning`` names the mistake in a few words (for developers and tests).
    """

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    formula: str
    highlight: Highlight
    meaning: str


Item = Cell | Merge | RowHeight | ColumnWidth | Validation | ConditionalFormat
_T = TypeVar("_T", Cell, Merge, RowHeight, ColumnWidth, Validation, ConditionalFormat)

Protection = Literal["none", "input", "full"]


@dataclass
class SheetPlan:
    """Everything on one sheet, in the order it was laid out.

    ``protection``: "input" — protected, only unlocked cells editable (and formatting,
    row heights, inserted rows); "full" — nothing editable (the identity sheet).
    ``hidden``: kept out of sight (very hidden in Excel, hidden in Google Sheets).
    """

    name: str
    items: list[Item] = field(default_factory=list)
    freeze_rows: int = 0
    print_area: tuple[int, int, int, int] | None = None
    page: PageSetup | None = None
    protection: Protection = "none"
    hidden: bool = False
    active: bool = False

    # ---- laying out -----------------------------------------------------------------
    def set_column(self, first: int, last: int, width: float) -> None:
        """Width of columns ``first``…``last`` in character units."""
        self.items.append(ColumnWidth(first, last, width))

    def set_row(self, row: int, height: float) -> None:
        """Height of ``row`` in points."""
        self.items.append(RowHeight(row, height))

    def write_text(self, row: int, col: int, text: str, style: CellStyle | None = None) -> None:
        """Text (always text: never turned into a formula, number or link)."""
        self.items.append(Cell(row, col, style, text=text))

    def write_blank(self, row: int, col: int, style: CellStyle) -> None:
        """An empty cell with a style (a bordered input cell)."""
        self.items.append(Cell(row, col, style))

    def write_formula(self, row: int, col: int, formula: str, style: CellStyle,
                      cached: str | float) -> None:
        """A formula and the value it shows in a fresh template."""
        self.items.append(Cell(row, col, style, formula=formula, cached=cached))

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int,
              style: CellStyle) -> None:
        """Merge a range (its text is written separately, at the top left)."""
        self.items.append(Merge(first_row, first_col, last_row, last_col, style))

    def validate(self, first_row: int, first_col: int, last_row: int, last_col: int,
                 rule: ValidationRule) -> None:
        """Data validation on a range."""
        self.items.append(Validation(first_row, first_col, last_row, last_col, rule))

    def highlight(self, first_row: int, first_col: int, last_row: int, last_col: int, *,
                  formula: str, highlight: Highlight, meaning: str) -> None:
        """A conditional format on a range."""
        self.items.append(ConditionalFormat(first_row, first_col, last_row, last_col,
                                            formula, highlight, meaning))

    # ---- reading --------------------------------------------------------------------
    def _of(self, kind: type[_T]) -> Iterator[_T]:
        return (item for item in self.items if isinstance(item, kind))

    @property
    def cells(self) -> list[Cell]:
        """The cells, in layout order (a later cell at the same place wins)."""
        return list(self._of(Cell))

    @property
    def merges(self) -> list[Merge]:
        """The merged ranges."""
        return list(self._of(Merge))

    @property
    def validations(self) -> list[Validation]:
        """The data validations."""
        return list(self._of(Validation))

    @property
    def conditional_formats(self) -> list[ConditionalFormat]:
        """The conditional formats."""
        return list(self._of(ConditionalFormat))

    def column_widths(self) -> dict[int, float]:
        """Width of every column given one (character units)."""
        widths: dict[int, float] = {}
        for item in self._of(ColumnWidth):
            for col in range(item.first, item.last + 1):
                widths[col] = item.width
        return widths

    def row_heights(self) -> dict[int, float]:
        """Height of every row given one (points); the last one set wins."""
        return {item.row: item.height for item in self._of(RowHeight)}

    def grid(self) -> dict[tuple[int, int], Cell]:
        """The final cell at each position (later writes replace earlier ones)."""
        return {(cell.row, cell.col): cell for cell in self._of(Cell)}

    def extent(self) -> tuple[int, int]:
        """(rows, columns) spanned by the sheet's content, styles and merges."""
        rows = cols = 0
        for item in self.items:
            if isinstance(item, Cell):
                rows, cols = max(rows, item.row + 1), max(cols, item.col + 1)
            elif isinstance(item, Merge | Validation | ConditionalFormat):
                rows, cols = max(rows, item.last_row + 1), max(cols, item.last_col + 1)
            elif isinstance(item, ColumnWidth):
                cols = max(cols, item.last + 1)
            elif isinstance(item, RowHeight):
                rows = max(rows, item.row + 1)
        if self.print_area is not None:
            rows = max(rows, self.print_area[2] + 1)
            cols = max(cols, self.print_area[3] + 1)
        return rows, cols


@dataclass(frozen=True)
class DocumentProperties:
    """What a file says about itself (Excel's document properties)."""

    title: str
    subject: str
    author: str
    company: str
    keywords: str
    comments: str
    created: datetime


@dataclass
class WorkbookPlan:
    """A whole template: its sheets in order, its identity and where its parts are."""

    form_letter: str
    year: int
    identity: TemplateIdentity
    sheets: list[SheetPlan] = field(default_factory=list)
    properties: DocumentProperties | None = None
    table: TableLayout | None = None
    report: ReportLayout | None = None
    indicators: IndicatorLayout | None = None

    def add_sheet(self, name: str) -> SheetPlan:
        """A new empty sheet after the others."""
        sheet = SheetPlan(name)
        self.sheets.append(sheet)
        return sheet

    def sheet(self, name: str) -> SheetPlan:
        """The sheet called ``name``."""
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)
