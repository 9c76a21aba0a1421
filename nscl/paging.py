"""Where the pages of a printed sheet break, planned before the sheet is written.

No spreadsheet application keeps a row with the next one when it paginates: a heading
can end a page while what it heads starts the next. The pages are laid out here instead,
from the row heights the writer sets, the paper (A4), the margins and the scale that fits
the printed columns to the page width; every break is placed as a manual page break
(the template builder's ``PageSetup.breaks``, the master's ``set_h_pagebreaks``), so that
the application's pages never drift from the plan. The plan leaves a margin: Excel and
LibreOffice measure columns slightly differently, and an automatic break before a
planned one would strand a heading again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["A4_POINTS", "DEFAULT_ROW_POINTS", "OFFICIAL_MARGINS_MM", "PageBreaker"]

DEFAULT_ROW_POINTS = 15.0  # a row of 11 pt text at its default height
_MM_POINTS = 72 / 25.4
A4_POINTS = (210 * _MM_POINTS, 297 * _MM_POINTS)  # width, height (portrait)
# Left, right, top, bottom (Nghị định 30/2020/NĐ-CP: left 30-35, right 15-20, top and
# bottom 20-25 mm).
OFFICIAL_MARGINS_MM: tuple[float, float, float, float] = (30, 15, 20, 20)
# Of the estimated page, what a page is planned to hold: LibreOffice fitted a table at a
# scale 7 % larger than Excel's pixel widths give, so that its pages held 7 % less.
_SAFETY = 0.9


def _column_points(width: float) -> float:
    """Printed width (points, before scaling) of a column ``width`` characters wide:
    Excel's pixel width for the default font's digits, at 96 pixels an inch."""
    pixels = int(width * 7 + 5) if width >= 1 else int(width * 12 + 0.5)
    return pixels * 0.75


@dataclass
class PageBreaker:
    """Lays out the printed pages of a sheet as it is written, and says where to break.

    ``widths`` are the printed columns (the print area, fitted to the page width);
    ``repeated`` the height of the header rows printed again at the top of every page
    but the first. Call :meth:`row` for each row in order from the sheet's row
    ``start``, with its height, and :meth:`keep` before rows that must stay on one page
    (an agency's heading with its first task); :attr:`breaks` are the rows pages start
    with.
    """

    widths: Sequence[float]
    repeated: float = 0.0
    landscape: bool = True
    margins_mm: tuple[float, float, float, float] = OFFICIAL_MARGINS_MM
    start: int = 0
    breaks: list[int] = field(default_factory=list)
    _used: float = 0.0
    _first_page: bool = True
    _next: int = 0

    def __post_init__(self) -> None:
        width, height = A4_POINTS
        if self.landscape:
            width, height = height, width
        left, right, top, bottom = self.margins_mm
        printable_width = width - (left + right) * _MM_POINTS
        printable_height = height - (top + bottom) * _MM_POINTS
        columns = sum(_column_points(w) for w in self.widths)
        scale = min(1.0, printable_width / columns) if columns else 1.0
        self.capacity = printable_height / scale * _SAFETY  # in sheet points
        self._next = self.start

    def _room(self) -> float:
        header = 0.0 if self._first_page else self.repeated
        return self.capacity - header - self._used

    def _new_page(self) -> None:
        self.breaks.append(self._next)
        self._used = 0.0
        self._first_page = False

    def keep(self, heights: Sequence[float]) -> None:
        """The next rows, of ``heights``, go on one page: break before them when they do
        not fit in what is left of this one (and would on a new page)."""
        need = sum(heights)
        if self._used and need > self._room() and need <= self.capacity - self.repeated:
            self._new_page()

    def row(self, height: float | None) -> None:
        """One more row of ``height`` points (None: the default height); a row that does
        not fit starts a page."""
        h = DEFAULT_ROW_POINTS if height is None else height
        if self._used and h > self._room():
            self._new_page()
        self._used += h
        self._next += 1
