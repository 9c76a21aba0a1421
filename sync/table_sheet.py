"""The worksheet of the master's large table: cells stored fast, and turned into XML by
two processes when the workbook closes.

XlsxWriter keeps a worksheet's cells in memory and writes them out as XML in
``Workbook.close()``, one row after another, in one thread. For the master's
"Tổng hợp" table (10,000 tasks: about 120,000 formatted cells) that loop is the largest
single step of a nightly run (about 0.35 s), while the machine's other core is idle: the
validation workers are done by then.

:class:`TableWorksheet` forks a child process that writes the second half of the rows
to a temporary file while the parent writes the first half; the parent then copies the
child's part after its own. Both halves are written by XlsxWriter's own row writer
(``Worksheet._write_rows``) over a narrowed row range, the split falls on a multiple of
16 rows (XlsxWriter gives each block of 16 rows one ``spans`` value), and the formats'
style numbers, which XlsxWriter gives in the order its writer first meets them, are
given in that order before the fork (the parent's half) and while the child writes (the
child's half). So the file is the same, byte for byte, as XlsxWriter writes in one piece:
``tests/test_sync_table_sheet.py`` pins it with the installed XlsxWriter.

It falls back to the plain one-piece writer whenever splitting would not help or is not
safe: a small sheet, a platform without ``fork`` or a process with other threads running
(``nscl.isolation.fork_is_safe``), XlsxWriter's ``constant_memory`` mode, or an
XlsxWriter whose worksheet lacks the attributes used here. A child that fails (it cannot
be started, it dies, it cannot write its file) costs time, never content: the parent then
writes the second half itself.

The child inherits the parent's open files (the ledger, the lock, the packager's files):
it touches none of them, writes only to its own temporary file and leaves with
``os._exit``, so no buffer or finaliser of the parent's runs in it.

:meth:`TableWorksheet.cell_writers` gives the table's inner loop XlsxWriter's cell
writers without their A1-notation wrapper (about a fifth of each call).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from xlsxwriter.worksheet import Worksheet

from nscl.isolation import fork_is_safe

__all__ = ["MIN_SPLIT_ROWS", "TableWorksheet"]

# Below this many rows the fork (a few milliseconds) costs about what it saves.
MIN_SPLIT_ROWS = 2048

_BLOCK = 16  # rows per XlsxWriter "spans" block
_ATTRIBUTES = (
    "dim_rowmin", "dim_rowmax", "fh", "constant_memory", "table", "row_info", "_write_rows",
)


class TableWorksheet(Worksheet):
    """An XlsxWriter worksheet that writes its rows' XML in two processes (see module)."""

    #: Fewest rows for which the split is tried (tests lower it).
    min_split_rows: int = MIN_SPLIT_ROWS
    #: How the last close went: "split", "single" or "fallback" (the child failed).
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
        rows = _row_range(self)
        middle = _split_row(rows, self.min_split_rows) if rows else None
        if rows is None or middle is None or getattr(self, "constant_memory", True) \
                or not fork_is_safe():
            self.last_render = "single"
            super()._write_rows()
            return
        first, last = rows
        # Style numbers are given as the writer meets each format: the parent's half first.
        _number_styles(self, first, middle - 1)
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as part:
            child = _start_child(self, part, middle)
            try:
                self.dim_rowmax = middle - 1
                super()._write_rows()
                # The formats the child meets first get their numbers here too, in the
                # same order (while the child is still writing).
                _number_styles(self, middle, last)
            finally:
                self.dim_rowmax = last
                # Waited for even when the parent's half failed: no child is left behind.
                complete = child is not None and _child_succeeded(child)
            if complete:
                part.seek(0)
                shutil.copyfileobj(part, self.fh)
                self.last_render = "split"
                return
        # The child could not write its half: the parent writes it.
        self.last_render = "fallback"
        try:
            self.dim_rowmin = middle
            super()._write_rows()
        finally:
            self.dim_rowmin = first


def _number_styles(sheet: Any, first: int, last: int) -> None:
    """Give the formats of rows ``first``…``last`` their style numbers in the order
    XlsxWriter's row writer meets them.

    XlsxWriter numbers a format (``Format._get_xf_index``) the first time its writer
    meets it: a row's format, then its cells' formats from left to right. Two processes
    each writing half the rows must agree on the numbers, and the parent must know every
    number the child gave, since the styles part is written after the sheets.
    """
    table, row_info = sheet.table, sheet.row_info
    for r in range(first, last + 1):
        info = row_info.get(r)
        if info is not None and info.row_format:
            info.row_format._get_xf_index()
        cells = table.get(r)
        if cells:
            for c in sorted(cells):
                fmt = cells[c].format
                if fmt and fmt.xf_index is None:
                    fmt._get_xf_index()


def _row_range(sheet: Any) -> tuple[int, int] | None:
    """The sheet's first and last used row; None for an empty sheet, or for an
    XlsxWriter that keeps them elsewhere (the split is then not tried)."""
    if not all(hasattr(sheet, name) for name in _ATTRIBUTES) or not all(
        hasattr(info, "row_format") for info in sheet.row_info.values()
    ):
        return None
    first, last = sheet.dim_rowmin, sheet.dim_rowmax
    if isinstance(first, int) and isinstance(last, int):
        return first, last
    return None  # an empty sheet: XlsxWriter keeps None


def _split_row(rows: tuple[int, int], minimum: int) -> int | None:
    """The first row of the second half: a multiple of 16 near the middle, or None when
    the sheet is too small to be worth splitting."""
    first, last = rows
    if last - first + 1 < max(minimum, 2 * _BLOCK):
        return None
    middle = (first + last + 1) // 2 // _BLOCK * _BLOCK
    if middle <= first or middle > last:
        return None
    return middle


def _start_child(sheet: TableWorksheet, part: Any, middle: int) -> int | None:
    """Fork a child that writes rows ``middle``… into ``part``; its pid, or None."""
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid:
        return pid
    # In the child. The parent's file objects stay referenced (never flushed here), and
    # os._exit skips every finaliser and exit handler.
    status = 1
    parent_fh = sheet.fh
    try:
        sheet.fh = part
        sheet.dim_rowmin = middle
        Worksheet._write_rows(sheet)
        part.flush()
        status = 0
    except BaseException:  # the parent writes this half instead
        status = 1
    finally:
        # parent_fh is still referenced here: dropping the last reference would flush
        # the parent's buffered XML into the shared file.
        os._exit(status if parent_fh is not None else 1)


def _child_succeeded(pid: int) -> bool:
    """Wait for the child; True when it wrote its half completely."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
