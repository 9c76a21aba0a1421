"""The worksheet of the master's large table: cells stored and turned into XML fast.

XlsxWriter keeps a worksheet's cells in memory and writes them out as XML in
``Workbook.close()``, one cell at a time through general-purpose code: every cell builds
a list of attributes, escapes each one, and is dispatched on its type's name. For the
master's "Tổng hợp" table (10,000 tasks: about 130,000 formatted cells) that loop was the
largest single step of a nightly run (about 0.5 s).

:class:`TableWorksheet` writes the rows itself for the cells the table holds (text,
numbers and bordered blanks, each with a format): one preformatted string per cell, the
column letters computed once, one write per row. Everything else (formulas, cells
without a format, rows that only carry a height or a format) goes through XlsxWriter's
own code, in the same order. The output is the same, byte for byte, as XlsxWriter's:
``tests/test_sync_table_sheet.py`` pins it with the installed XlsxWriter, for every kind
of cell and row the table uses and for the real master. It relies on XlsxWriter's
internals (``table``, ``row_info``, ``dim_*``, ``str_table``, the cell tuples,
``Format._get_xf_index``); an XlsxWriter that changes them shows as a failing test, or,
when an attribute is gone, as XlsxWriter's own slower code.

The whole sheet falls back to XlsxWriter's own writer when it holds what the fast path
does not know (cell comments), in XlsxWriter's ``constant_memory`` mode, or with an
XlsxWriter whose worksheet lacks the attributes used here.

:meth:`TableWorksheet.cell_writers` gives the table's inner loop cell writers that store
what XlsxWriter's own writers store, without their A1-notation wrapper and with the
sheet's extent taken once, when the sheet is written, instead of at every cell (about
half of each call). Whatever they do not take (a string longer than half Excel's limit,
a number that is not a plain finite int or float, a cell outside the grid, no format
for a blank) goes to XlsxWriter's own writer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import xlsxwriter.worksheet as _xlsxwriter_worksheet
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

__all__ = ["TableWorksheet"]

_BLOCK = 16  # rows per XlsxWriter "spans" block
_ATTRIBUTES = (
    "dim_rowmin", "dim_rowmax", "fh", "constant_memory", "table", "row_info", "comments",
    "default_row_height", "original_row_height", "excel_version", "_write_row",
    "_write_empty_row", "_write_cell",
)
# XlsxWriter's cell tuples are namedtuples whose type names say the kind of cell (their
# Python names changed between versions; XlsxWriter itself dispatches on these).
_FAST_KINDS = frozenset(("String", "Number", "Blank"))
_STORE_ATTRIBUTES = (
    "table", "str_table", "constant_memory", "xls_rowmax", "xls_colmax", "xls_strmax",
    "dim_rowmin", "dim_rowmax", "dim_colmin", "dim_colmax",
)


def _cell_types() -> tuple[Any, Any, Any] | None:
    """XlsxWriter's (string, number, blank) cell tuples, by either of their names."""
    found = []
    for names in (("CellStringTuple", "cell_string_tuple"),
                  ("CellNumberTuple", "cell_number_tuple"),
                  ("CellBlankTuple", "cell_blank_tuple")):
        kind = next((getattr(_xlsxwriter_worksheet, n) for n in names
                     if hasattr(_xlsxwriter_worksheet, n)), None)
        if kind is None:
            return None
        found.append(kind)
    return found[0], found[1], found[2]


class TableWorksheet(Worksheet):
    """An XlsxWriter worksheet that turns its rows into XML fast (see the module)."""

    #: How the last close went: "fast" or "xlsxwriter" (the whole sheet by XlsxWriter).
    last_render: str = ""

    #: Whether cells were stored by :meth:`cell_writers` (the extent is then taken
    #: from the cells when the sheet is written).
    _stored_fast: bool = False

    def cell_writers(
        self,
    ) -> tuple[Callable[..., object], Callable[..., object], Callable[..., object]]:
        """``(write_string, write_number, write_blank)`` taking row and column numbers
        only (no "A1" references), storing what XlsxWriter's ``write_string``,
        ``write_number`` and ``write_blank`` store (see the module). An XlsxWriter
        without the expected internals, or ``constant_memory`` mode, gets XlsxWriter's
        own writers (without the A1 wrapper: XlsxWriter 3.1, the oldest version
        accepted, has them too)."""
        slow_string, slow_number, slow_blank = (
            self._write_string, self._write_number, self._write_blank
        )
        types = _cell_types()
        if types is None or not all(hasattr(self, name) for name in _STORE_ATTRIBUTES) \
                or self.constant_memory:
            return slow_string, slow_number, slow_blank
        string_cell, number_cell, blank_cell = types
        table = self.table
        index = self.str_table._get_shared_string_index
        rows, cols = self.xls_rowmax, self.xls_colmax
        short = self.xls_strmax // 2  # no need to count UTF-16 units below this length
        finite = math.isfinite
        self._stored_fast = True

        def write_string(row: int, col: int, string: str, fmt: Any = None) -> int:
            if 0 <= row < rows and 0 <= col < cols and len(string) <= short:
                table[row][col] = string_cell(index(string), fmt)
                return 0
            return slow_string(row, col, string, fmt)

        def write_number(row: int, col: int, number: float, fmt: Any = None) -> int:
            if 0 <= row < rows and 0 <= col < cols and type(number) in (float, int) \
                    and finite(number):
                table[row][col] = number_cell(number, fmt)
                return 0
            return slow_number(row, col, number, fmt)

        def write_blank(row: int, col: int, blank: Any = None, fmt: Any = None) -> int:
            if fmt is not None and 0 <= row < rows and 0 <= col < cols:
                table[row][col] = blank_cell(fmt)
                return 0
            return slow_blank(row, col, blank, fmt)

        return write_string, write_number, write_blank

    # XlsxWriter reads the used range before the sheet is written in two places: a row's
    # properties take its first column when one is known, and autofit measures the used
    # range. Both then see the cells stored by the fast writers too.
    def set_row(self, row: int, *args: Any, **kwargs: Any) -> Any:
        """XlsxWriter's ``set_row``, seeing the cells stored by the fast writers."""
        if self._stored_fast and self.dim_colmin is None:
            _take_extent(self)
        return super().set_row(row, *args, **kwargs)

    def autofit(self, *args: Any, **kwargs: Any) -> Any:
        """XlsxWriter's ``autofit``, measuring the cells stored by the fast writers too."""
        if self._stored_fast:
            _take_extent(self)
        return super().autofit(*args, **kwargs)

    def _assemble_xml_file(self) -> None:
        if self._stored_fast:
            _take_extent(self)
        super()._assemble_xml_file()

    def _write_rows(self) -> None:
        if not _fast_path_applies(self):
            self.last_render = "xlsxwriter"
            super()._write_rows()
            return
        self.last_render = "fast"
        _write_rows_fast(self)


def _take_extent(sheet: Any) -> None:
    """Widen the sheet's used range (``dim_*``) to every stored cell, as XlsxWriter's
    writers do cell by cell."""
    used = [(r, min(cells), max(cells)) for r, cells in sheet.table.items() if cells]
    if not used:
        return
    first, last = min(u[0] for u in used), max(u[0] for u in used)
    left, right = min(u[1] for u in used), max(u[2] for u in used)
    for name, value, pick in (("dim_rowmin", first, min), ("dim_rowmax", last, max),
                              ("dim_colmin", left, min), ("dim_colmax", right, max)):
        current = getattr(sheet, name)
        setattr(sheet, name, value if current is None else pick(current, value))


def _fast_path_applies(sheet: Any) -> bool:
    """Whether the fast writer knows everything the sheet holds."""
    if not all(hasattr(sheet, name) for name in _ATTRIBUTES):
        return False
    return (
        not sheet.constant_memory
        and not sheet.comments
        and isinstance(sheet.dim_rowmin, int)
        and isinstance(sheet.dim_rowmax, int)
    )


def _spans(table: Any, first: int, last: int) -> dict[int, str]:
    """XlsxWriter's ``spans`` of the ``<row>`` tags: per block of 16 rows, the first and
    last column (1-based) with a cell, as ``Worksheet._calculate_spans`` gives them for
    a sheet without comments."""
    spans: dict[int, str] = {}
    low = high = -1
    for r in range(first, last + 1):
        cells = table.get(r)
        if cells:
            lo, hi = min(cells), max(cells)
            if low < 0:
                low, high = lo, hi
            else:
                low, high = min(low, lo), max(high, hi)
        if ((r + 1) % _BLOCK == 0 or r == last) and low >= 0:
            spans[r // _BLOCK] = f"{low + 1}:{high + 1}"
            low = -1
    return spans


def _write_rows_fast(sheet: Any) -> None:
    """Write the sheet's ``<row>`` elements: what ``Worksheet._write_rows`` writes, byte
    for byte, for a sheet without comments."""
    table, row_info = sheet.table, sheet.row_info
    first, last = sheet.dim_rowmin, sheet.dim_rowmax
    spans = _spans(table, first, last)
    sheet.row_spans = spans  # as XlsxWriter's own writer leaves it
    # A row without height, format or outline is written here; others by XlsxWriter.
    plain = sheet.default_row_height == sheet.original_row_height \
        and sheet.excel_version != 2010
    write = sheet.fh.write
    letters: dict[int, str] = {}
    kinds: dict[type, str] = {}
    for r in range(first, last + 1):
        cells = table.get(r)
        info = row_info.get(r)
        span = spans.get(r // _BLOCK)
        if not cells:
            if info is not None:
                sheet._write_empty_row(r, span, info)
            continue
        if info is None and plain:
            write(f'<row r="{r + 1}" spans="{span}">' if span else f'<row r="{r + 1}">')
        else:
            sheet._write_row(r, span, info)
        number = str(r + 1)
        parts: list[str] = []
        for c in sorted(cells):
            cell = cells[c]
            fmt = cell.format
            kind = kinds.get(type(cell))
            if kind is None:
                kind = kinds[type(cell)] = type(cell).__name__
            if fmt is None or kind not in _FAST_KINDS:
                # A formula, or a cell taking its row's or column's format: XlsxWriter's.
                if parts:
                    write("".join(parts))
                    parts = []
                sheet._write_cell(r, c, cell)
                continue
            # Numbered as XlsxWriter numbers formats: the first time the writer meets one.
            xf = fmt.xf_index
            if xf is None:
                xf = fmt._get_xf_index()
            ref = letters.get(c)
            if ref is None:
                ref = letters[c] = xl_col_to_name(c)
            if kind == "String":
                parts.append(f'<c r="{ref}{number}" s="{xf}" t="s"><v>{cell.string}</v></c>')
            elif kind == "Number":
                parts.append(f'<c r="{ref}{number}" s="{xf}"><v>{cell.number:.16G}</v></c>')
            else:
                parts.append(f'<c r="{ref}{number}" s="{xf}"/>')
        parts.append("</row>")
        write("".join(parts))
