"""A1 cell references: the one place that turns row and column numbers into "H12".

Everything here counts from 0, as Python and the readers do: row 0, column 0 is "A1".
Code that counts from 1 (Excel's object model, openpyxl) converts at its own boundary.
"""

from __future__ import annotations

import re

__all__ = ["a1", "a1_range", "column_index", "column_letter", "parse_a1", "range_cells"]

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def column_letter(index: int) -> str:
    """Column letters of a 0-based column index: 0 -> "A", 27 -> "AB"."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, got {index}")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = _LETTERS[rem] + letters
    return letters


def column_index(letters: str) -> int:
    """0-based index of column ``letters``: "A" -> 0, "AB" -> 27."""
    n = 0
    for char in letters.upper():
        if char not in _LETTERS:
            raise ValueError(f"not column letters: {letters!r}")
        n = n * 26 + (ord(char) - 64)
    if not n:
        raise ValueError("empty column letters")
    return n - 1


def a1(row: int, col: int, *, row_abs: bool = False, col_abs: bool = False) -> str:
    """A1 reference of a 0-based (row, col): (11, 7) -> "H12" ("$H$12" with both
    ``col_abs`` and ``row_abs``)."""
    return f"{'$' if col_abs else ''}{column_letter(col)}{'$' if row_abs else ''}{row + 1}"


def a1_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """A1 range of 0-based inclusive bounds ("B10:G209"; one cell gives "B10")."""
    first = a1(first_row, first_col)
    if (first_row, first_col) == (last_row, last_col):
        return first
    return f"{first}:{a1(last_row, last_col)}"


def parse_a1(ref: str) -> tuple[int, int]:
    """0-based (row, col) of an A1 reference ("H12" or "$H$12" -> (11, 7)).

    Raises ValueError for anything else (a range, a sheet-qualified reference, text).
    """
    match = _A1.match(ref.strip())
    if not match:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    letters, digits = match.groups()
    return int(digits) - 1, column_index(letters)


def range_cells(ref: str, limit: int | None = None) -> list[str]:
    """The cells of "H12" or of a range "A12:K12", row by row, at most ``limit`` of them.

    Raises ValueError when ``ref`` is neither.
    """
    ref = ref.replace("$", "").strip()
    if ":" not in ref:
        row, col = parse_a1(ref)
        return [a1(row, col)]
    first, last = ref.split(":", 1)
    r1, c1 = parse_a1(first)
    r2, c2 = parse_a1(last)
    cells: list[str] = []
    for r in range(min(r1, r2), max(r1, r2) + 1):
        for c in range(min(c1, c2), max(c1, c2) + 1):
            if limit is not None and len(cells) >= limit:
                return cells
            cells.append(a1(r, c))
    return cells
