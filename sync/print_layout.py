"""The printed page of the master's table (Nghị định 30/2020/NĐ-CP): the issuing body's
block and the national heading at the top, the signature block under the table, and
page breaks that never leave a heading alone at the foot of a page.

No spreadsheet application keeps a row with the next one when it paginates, so the
pages are laid out here, from the row heights the writer set, the paper (A4 landscape),
the margins and the scale that fits the printed columns to the page width, and manual
page breaks are placed before every heading that would otherwise be stranded. The
estimate leaves a margin, so that Excel and LibreOffice, whose fonts measure slightly
differently, break no earlier than planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nscl.template_build.layout import blocks_for, rule_span, text_width_units
from sync.model import Letterhead
from sync.styles import PAGE_MARGINS_MM, Styles

__all__ = [
    "DEFAULT_ROW_POINTS",
    "SIGNING_ROWS",
    "PageBreaker",
    "write_letterhead",
    "write_signatures",
]

DEFAULT_ROW_POINTS = 15.0  # XlsxWriter's default row height
_MM_POINTS = 72 / 25.4
_A4_LANDSCAPE_POINTS = (297 * _MM_POINTS, 210 * _MM_POINTS)
# Of the estimated page, what a page is planned to hold: fonts measure differently from
# one application to the next, and an automatic break before a planned one would strand
# a heading again.
_SAFETY = 0.95


def _column_points(width: float) -> float:
    """Printed width (points, before scaling) of a column ``width`` characters wide:
    Excel's pixel width of the default font's digits, at 96 pixels an inch."""
    pixels = int(width * 7 + 5) if width >= 1 else int(width * 12 + 0.5)
    return pixels * 0.75


def write_letterhead(
    ws: Any, st: Styles, widths: Sequence[float], letterhead: Letterhead, *,
    national_name: str, motto: str,
) -> int:
    """The issuing body at the top left (its parent body above it, if any, and a short
    rule under it), the Quốc hiệu and Tiêu ngữ at the top right (a rule under the Tiêu
    ngữ), over the columns of ``widths``; return the next free row."""
    blocks = blocks_for(widths, left_share=0.35, right_share=0.45)
    left, right = blocks.left, blocks.right

    def merged(row: int, span: tuple[int, int], text: str, fmt: Any) -> None:
        if span[0] == span[1]:
            ws.write_string(row, span[0], text, fmt)
        else:
            ws.merge_range(row, span[0], row, span[1], text, fmt)

    left_lines = [(letterhead.issuer_parent, st.issuer_parent)] \
        if letterhead.issuer_parent else []
    left_lines.append((letterhead.issuer, st.issuer))
    right_lines = [(national_name, st.national_name), (motto, st.motto_text)]
    rows = max(len(left_lines), len(right_lines))
    for i in range(rows):
        if i < len(left_lines):
            merged(i, left, *left_lines[i])
        if i < len(right_lines):
            merged(i, right, *right_lines[i])
        ws.set_row(i, 17)
    # The rules: under the issuer, about a third as long as its name; under the Tiêu ngữ,
    # as long as it.
    issuer_rule = rule_span(widths, left, text_width_units(letterhead.issuer, 12,
                                                           bold_caps=True) / 3)
    motto_rule = rule_span(widths, right, text_width_units(motto, 13))
    merged(rows, issuer_rule, "", st.rule)
    merged(rows, motto_rule, "", st.rule)
    ws.set_row(rows, 6)
    return rows + 1


def write_signatures(
    ws: Any, st: Styles, widths: Sequence[float], row: int, letterhead: Letterhead,
) -> int:
    """Place and date at the right; the preparer at the left and the approving official
    at the right, each with the signature note and room to sign; return the next row."""
    blocks = blocks_for(widths, left_share=0.35, right_share=0.45)
    left, right = blocks.left, blocks.right
    date_line = f"{letterhead.place}, ngày … tháng … năm …"
    ws.merge_range(row, right[0], row, right[1], date_line, st.place_date)
    row += 1
    ws.merge_range(row, left[0], row, left[1], letterhead.preparer, st.signature)
    ws.merge_range(row, right[0], row, right[1], letterhead.approver, st.signature)
    row += 1
    note = "(Ký, ghi rõ họ tên)"
    ws.merge_range(row, left[0], row, left[1], note, st.signature_note)
    ws.merge_range(row, right[0], row, right[1], "(Ký, ghi rõ họ tên và đóng dấu)",
                   st.signature_note)
    return row + 1 + SIGNING_ROWS


SIGNING_ROWS = 4  # blank rows left to sign in


@dataclass
class PageBreaker:
    """Lays out the printed pages of a sheet as it is written, and says where to break.

    ``widths`` are the printed columns (the print area); ``repeated`` the height of the
    header rows printed again at the top of every page. Call :meth:`row` for each row in
    order with its height, and :meth:`keep` before a block whose first rows must stay
    together (an agency's heading with its first task); :attr:`breaks` are the rows a
    page must start with.
    """

    widths: Sequence[float]
    repeated: float = 0.0
    breaks: list[int] = field(default_factory=list)
    _used: float = 0.0
    _first_page: bool = True

    def __post_init__(self) -> None:
        page_width, page_height = _A4_LANDSCAPE_POINTS
        left, right, top, bottom = PAGE_MARGINS_MM
        printable_width = page_width - (left + right) * _MM_POINTS
        printable_height = page_height - (top + bottom) * _MM_POINTS
        width = sum(_column_points(w) for w in self.widths)
        scale = min(1.0, printable_width / width) if width else 1.0
        self.capacity = printable_height / scale * _SAFETY  # in sheet points

    def _room(self) -> float:
        header = 0.0 if self._first_page else self.repeated
        return self.capacity - header - self._used

    def keep(self, row: int, heights: Sequence[float]) -> None:
        """Rows from ``row`` with ``heights`` go on one page: break before ``row`` when
        they do not fit in what is left of this one (and would on a new page)."""
        need = sum(heights)
        if self._used and need > self._room() and need <= self.capacity - self.repeated:
            self.breaks.append(row)
            self._used = 0.0
            self._first_page = False

    def row(self, height: float | None) -> None:
        """One more row of ``height`` points (None: the default height)."""
        h = DEFAULT_ROW_POINTS if height is None else height
        if self._used and h > self._room():  # the application breaks here by itself
            self._used = 0.0
            self._first_page = False
        self._used += h
