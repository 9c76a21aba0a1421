"""The grid of the Google Sheets stand-in: a sheet's data, blocks of cells, defaults.

A :class:`Sheet` keeps its properties, cells as ``CellData`` dicts (and their parsed
formulas), merges, conditional formats, protected ranges, row and column sizes and
developer metadata; a :class:`Rect` is a block of cells. ``DEFAULT_FORMAT`` and
``SPREADSHEET_THEME`` are what Google gives a new spreadsheet (from recorded traffic).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nscl.google.standin.formulas import FormulaError, ParsedFormula

__all__ = ["DEFAULT_COL_PX", "DEFAULT_FORMAT", "DEFAULT_ROW_PX", "SPREADSHEET_THEME", "Rect",
           "Sheet", "clone", "num"]

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


def clone(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists copied, the rest shared)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


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
