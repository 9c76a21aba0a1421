"""How a sheet that marking writes is printed: the official page (Nghị định 30/2020/NĐ-CP:
A4, margins left 30, right 15, top and bottom 20 mm) and the height a row of wrapped
text needs, for workbook implementations that cannot ask an application to fit it."""

from __future__ import annotations

import math

__all__ = ["LINE_POINTS", "PRINT_MARGINS_MM", "wrapped_lines"]

# Left, right, top, bottom.
PRINT_MARGINS_MM: tuple[float, float, float, float] = (30, 15, 20, 20)
LINE_POINTS = 15.0  # a line of 11 pt text

# Characters of an 11 pt proportional font a unit of column width holds, once wrapped at
# word boundaries (a little under one and a quarter).
_CHARS_PER_UNIT = 1.15


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(1, int(width * _CHARS_PER_UNIT - 1))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
