"""Geometry of a template sheet: where the header blocks go and how tall a row must be.

Column widths are in Excel character units (the width of "0" in an 11 pt font); row
heights are in points. Merged cells never grow by themselves in Excel, so the builder
sizes each row that holds long wrapped text from an estimate of its line count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Blocks", "blocks_for", "row_height", "rule_span", "text_width_units", "wrap_words"]

# Average glyph width of Times New Roman relative to the width unit, per point size.
_REGULAR_FACTOR = 0.85 / 11
_BOLD_CAPS_FACTOR = 1.22 / 11


def text_width_units(text: str, font_size: float, *, bold_caps: bool = False) -> float:
    """Approximate width of one line of ``text`` in column-width units."""
    factor = _BOLD_CAPS_FACTOR if bold_caps else _REGULAR_FACTOR
    return len(text) * font_size * factor


# Phrases a title must not break inside: "GIAI ĐOẠN 2021-2030" (a spreadsheet wraps at
# the hyphen, leaving "2030" alone on the last line), "NĂM 2027".
_UNBROKEN = re.compile(r"(?:giai đoạn|năm)\s+\d{4}(?:\s*-\s*\d{4})?", re.IGNORECASE)
# Of a cell's width, what a line is filled to: the estimate of a glyph's width is an
# average, and a line the application finds too long would be wrapped again.
_FILL = 0.9


def wrap_words(text: str, width_units: float, font_size: float, *,
               bold_caps: bool = False) -> str:
    """``text`` with line breaks where a cell ``width_units`` wide should wrap it, never
    inside a phrase such as "GIAI ĐOẠN 2021-2030"; the words are unchanged."""
    glued = _UNBROKEN.sub(lambda m: m.group(0).replace(" ", "\0"), " ".join(text.split()))
    usable = max(width_units - 1.0, 1.0) * _FILL
    lines: list[str] = []
    for word in glued.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_units(candidate, font_size, bold_caps=bold_caps) <= usable:
            lines[-1] = candidate
        else:
            lines.append(word)
    return "\n".join(lines).replace("\0", " ")


def row_height(
    text: str,
    width_units: float,
    font_size: float,
    *,
    bold_caps: bool = False,
    min_lines: int = 1,
) -> float:
    """Height in points of a row showing ``text`` wrapped in a cell ``width_units`` wide."""
    usable = max(width_units - 1.0, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        width = text_width_units(paragraph, font_size, bold_caps=bold_caps)
        lines += max(1, math.ceil(width / usable))
    lines = max(lines, min_lines)
    return round(lines * font_size * 1.25 + 4.0, 1)


@dataclass(frozen=True)
class Blocks:
    """Column spans (first, last; 0-based, inclusive) of the official header blocks."""

    total_first: int
    total_last: int
    left: tuple[int, int]
    right: tuple[int, int]

    def width(self, widths: Sequence[float], span: tuple[int, int]) -> float:
        """Width in units of the columns ``span``."""
        return float(sum(widths[span[0] : span[1] + 1]))


def blocks_for(
    widths: Sequence[float], *, left_share: float = 0.25, right_share: float = 0.4
) -> Blocks:
    """Split the columns into a left block (agency) and a right block (Quốc hiệu).

    The left block is the shortest run of leading columns holding ``left_share`` of the
    total width, the right block the shortest run of trailing columns holding
    ``right_share``; they never overlap.
    """
    if len(widths) < 2:
        raise ValueError("a header block needs at least two columns")
    total = float(sum(widths))
    acc = 0.0
    left_last = 0
    for i, w in enumerate(widths):
        acc += w
        left_last = i
        if acc >= left_share * total:
            break
    acc = 0.0
    right_first = len(widths) - 1
    for i in range(len(widths) - 1, -1, -1):
        acc += widths[i]
        right_first = i
        if acc >= right_share * total:
            break
    right_first = max(right_first, left_last + 1)
    left_last = min(left_last, right_first - 1)
    return Blocks(0, len(widths) - 1, (0, left_last), (right_first, len(widths) - 1))


def rule_span(widths: Sequence[float], span: tuple[int, int], target: float) -> tuple[int, int]:
    """The run of columns inside ``span`` best suited to a centred line ``target`` units long.

    Scores each contiguous run by how far its centre is from the centre of ``span`` plus
    how far its width is from ``target``; the lowest score wins.
    """
    first, last = span
    origin = sum(widths[:first])
    centre = origin + sum(widths[first : last + 1]) / 2
    best: tuple[float, tuple[int, int]] | None = None
    for a in range(first, last + 1):
        for b in range(a, last + 1):
            start = sum(widths[:a])
            width = sum(widths[a : b + 1])
            score = abs(start + width / 2 - centre) + abs(width - target)
            if best is None or score < best[0]:
                best = (score, (a, b))
    assert best is not None
    return best[1]
