"""Merged cells of an .ods workbook, which python-calamine does not report.

In OpenDocument a merged cell is the first cell of the range with
``table:number-rows-spanned`` / ``table:number-columns-spanned``; the cells it covers are
``table:covered-table-cell`` elements. ``content.xml`` is streamed (defusedxml), counting
rows and cells as a reader places them (repeated rows and cells expanded), so that the
ranges use the same 0-based positions as the grid.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from nscl.extent import (
    ODS_CELL,
    ODS_COLS_REPEATED,
    ODS_COVERED_CELL,
    ODS_NAME,
    ODS_ROW,
    ODS_ROWS_REPEATED,
    ODS_TABLE,
    ODS_TABLE_NS,
)

__all__ = ["ods_merged_ranges"]

Range = tuple[tuple[int, int], tuple[int, int]]

_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = ODS_TABLE, ODS_ROW, ODS_CELL, ODS_COVERED_CELL
_NAME, _ROWS_REPEATED, _COLS_REPEATED = ODS_NAME, ODS_ROWS_REPEATED, ODS_COLS_REPEATED
_ROWS_SPANNED = f"{{{ODS_TABLE_NS}}}number-rows-spanned"
_COLS_SPANNED = f"{{{ODS_TABLE_NS}}}number-columns-spanned"
_MAX_RANGES = 10_000  # per sheet: more is not a table a clerk typed


def _count(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def ods_merged_ranges(path: Path) -> dict[str, list[Range]]:
    """Merged ranges by sheet name, as ((row, col), (row, col)) 0-based and inclusive.
    Raises what the zip or XML reader raises on a damaged file."""
    from defusedxml.ElementTree import iterparse

    out: dict[str, list[Range]] = {}
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as stream:
        ranges: list[Range] = []
        row = col = 0
        row_repeat = 1
        for event, elem in iterparse(stream, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == _T_TABLE:
                    ranges = out.setdefault(elem.get(_NAME) or "", [])
                    row = 0
                elif tag == _T_ROW:
                    col, row_repeat = 0, _count(elem.get(_ROWS_REPEATED))
                elif tag in (_T_CELL, _T_COVERED):
                    repeat = _count(elem.get(_COLS_REPEATED))
                    rows = _count(elem.get(_ROWS_SPANNED))
                    cols = _count(elem.get(_COLS_SPANNED))
                    if tag == _T_CELL and (rows > 1 or cols > 1) and len(ranges) < _MAX_RANGES:
                        ranges.append(((row, col), (row + rows - 1, col + cols - 1)))
                    col += repeat
                continue
            if tag == _T_ROW:
                row += row_repeat
                elem.clear()
            elif tag in (_T_CELL, _T_COVERED):
                elem.clear()
    return out
