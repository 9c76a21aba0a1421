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
of cell and row the table uses and for the real master.

The whole sheet falls back to XlsxWriter's own writer when it holds what the fast path
does not know (cell comments), in XlsxWriter's ``constant_memory`` mode, or with an
XlsxWriter whose worksheet lacks the attributes used here.

:meth:`TableWorksheet.cell_writers` gives the table's inner loop XlsxWriter's cell
writers without their A1-notation wrapper (about a fifth of each call).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


class TableWorksheet(Worksheet):
    """An XlsxWriter worksheet that turns its rows into XML fast (see the module)."""

    #: How the last close went: "fast" or "xlsxwriter" (the whole sheet by XlsxWriter).
    last_render: str = ""

    def cell_writers(
        self,
    ) -> tuple[Callable[..., object], Callable[..., object], Callable[..., object]]:
        """``(write_string, write_number, write_blank)`` taking row and column numbers
        only (no "A1" references): XlsxWriter's own writers without the wrapper that
        converts A1 references, which costs about a fifth of each call in a loop over
        100,000 cells (XlsxWriter 3.1, the oldest version accepted, has them too)."""
        return self._write_string, self._write_number, self._write_blank

    def _write_rows(self) -> None:
        if not _fast_path_applies(self):
            self.last_render = "xlsxwriter"
            super()._write_rows()
            return
        self.last_render = "fast"
        _write_rows_fast(self)


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
