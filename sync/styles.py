"""The official look of the master workbook (Nghị định 30/2020/NĐ-CP): XlsxWriter formats
and page setup, created once per workbook.

Times New Roman, black; A4 landscape, fitted to the page width, header rows repeated on
every printed page, margins top/bottom 20 mm, left 30 mm, right 15 mm. Formatting stays
light (a handful of shared formats) so that writing tens of thousands of rows is fast.
"""

from __future__ import annotations

from typing import Any

from nscl.paging import OFFICIAL_MARGINS_MM

__all__ = [
    "FONT",
    "PAGE_MARGINS_MM",
    "Styles",
    "chars_per_line",
    "height_for_lines",
    "lines_needed",
    "row_height",
    "safe_text",
    "setup_print",
    "write_cell",
]

FONT = "Times New Roman"
_MM = 1 / 25.4  # inches per millimetre
PAGE_MARGINS_MM = OFFICIAL_MARGINS_MM  # left, right, top, bottom
MONEY_FORMAT = "#,##0.0##"  # million VND, decimals shown only when present
PERCENT_FORMAT = "0.0%"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MAX_TEXT = 32_767  # Excel's cell limit


def safe_text(value: Any) -> str:
    """Text for a cell: ``str``, trimmed to Excel's limit. Never interpreted as a formula."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class Styles:
    """The shared formats of one XlsxWriter workbook."""

    def __init__(self, workbook: Any) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}

        def fmt(**extra: Any) -> Any:
            return workbook.add_format({**base, **extra})

        border = {"border": 1}
        self.title = fmt(bold=True, font_size=13, align="center", valign="vcenter",
                         text_wrap=True)
        self.subtitle = fmt(italic=True, font_size=12, align="center", valign="vcenter",
                            text_wrap=True)
        self.agency_header = fmt(bold=True, font_size=12, align="center")
        self.note = fmt(italic=True, font_size=11)
        self.label = fmt(bold=True)
        self.plain = fmt()
        self.header = fmt(bold=True, align="center", valign="vcenter", text_wrap=True,
                          bg_color="#D9D9D9", **border)
        self.header_number = fmt(italic=True, align="center", valign="vcenter", **border)
        self.section = fmt(bold=True, font_size=12, **border)
        self.section_money = fmt(bold=True, font_size=12, num_format=MONEY_FORMAT, **border)
        self.agency_row = fmt(bold=True, italic=True, **border)
        # A long source-file path shrinks into its column instead of spilling off the page.
        self.agency_file = fmt(bold=True, italic=True, shrink=True, **border)
        self.subtotal = fmt(bold=True, italic=True, **border)
        self.subtotal_money = fmt(bold=True, italic=True, num_format=MONEY_FORMAT, **border)
        self.total = fmt(bold=True, bg_color="#F2F2F2", **border)
        self.total_money = fmt(bold=True, bg_color="#F2F2F2", num_format=MONEY_FORMAT,
                               **border)
        self.total_percent = fmt(bold=True, bg_color="#F2F2F2", num_format=PERCENT_FORMAT,
                                 **border)
        self.text = fmt(text_wrap=True, **border)
        self.center = fmt(align="center", text_wrap=True, **border)
        self.integer = fmt(align="center", num_format="0", **border)
        self.count = fmt(num_format="#,##0", **border)
        self.money = fmt(num_format=MONEY_FORMAT, **border)
        self.percent = fmt(num_format=PERCENT_FORMAT, **border)
        self.datetime = fmt(num_format=DATETIME_FORMAT, align="center", **border)
        self.status = {
            "ok": fmt(align="center", font_color="#006100", bg_color="#C6EFCE", **border),
            "late": fmt(align="center", font_color="#9C5700", bg_color="#FFEB9C", **border),
            "invalid": fmt(align="center", font_color="#9C0006", bg_color="#FFC7CE", **border),
            "missing": fmt(align="center", font_color="#595959", bg_color="#EDEDED",
                           **border),
        }
        self.error = fmt(text_wrap=True, font_color="#9C0006", **border)
        # Warnings in black on a light fill (amber text is too pale on a printout).
        self.warning = fmt(text_wrap=True, **border)
        self.severity = {
            "error": fmt(bold=True, align="center", text_wrap=True, font_color="#9C0006",
                         bg_color="#FFC7CE", **border),
            "warning": fmt(bold=True, align="center", text_wrap=True, font_color="#5C3B00",
                           bg_color="#FFEB9C", **border),
        }
        self.code = fmt(text_wrap=True, font_size=9, font_color="#595959", **border)
        # The letterhead and the signature block of a printed table.
        self.issuer_parent = fmt(font_size=12, align="center", valign="vcenter")
        self.issuer = fmt(bold=True, font_size=12, align="center", valign="vcenter")
        self.national_name = fmt(bold=True, font_size=12, align="center", valign="vcenter")
        self.motto_text = fmt(bold=True, font_size=13, align="center", valign="vcenter")
        self.rule = fmt(top=1)
        self.place_date = fmt(italic=True, font_size=12, align="center")
        self.signature = fmt(bold=True, font_size=12, align="center")
        self.signature_note = fmt(italic=True, font_size=11, align="center")
        # A task with errors, marked so that a printout shows it: its Stt followed by
        # "(*)" and a light fill (grey on a black-and-white printer).
        self.flagged_integer = fmt(bold=True, align="center", num_format='0" (*)"',
                                   bg_color="#FFC7CE", **border)
        self.flagged_text = fmt(text_wrap=True, bg_color="#FFC7CE", **border)


_LINE_POINTS = 14.5  # one line of 11 pt Times New Roman
_MAX_ROW_POINTS = 409.0  # Excel's limit


def chars_per_line(width: float) -> int:
    """How many characters of Times New Roman 11 pt a line of a column of ``width``
    holds once wrapped at word boundaries: about 1.15 per unit of column width (the
    workbook's font is Times New Roman 11 pt too), less one for the word that does not
    fit (a task name of 50 characters wraps to three lines at width 22)."""
    return max(1, int(width * 1.15 - 1))


def lines_needed(text: str, per_line: int) -> int:
    """Lines that ``text`` wraps to in a column holding ``per_line`` characters a line."""
    if "\n" not in text:
        return max(1, -(-len(text) // per_line))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def height_for_lines(lines: int) -> float | None:
    """Row height (points) for ``lines`` lines of text; None for a single line."""
    if lines <= 1:
        return None
    return min(_MAX_ROW_POINTS, lines * _LINE_POINTS + 3)


def row_height(cells: list[tuple[Any, float]]) -> float | None:
    """Estimated height (points) of a row of wrapped text: (value, column width) pairs.

    Neither XlsxWriter nor LibreOffice fits row heights to wrapped text when a file is
    opened, so the height is estimated from the text length. None for a single-line row.
    """
    lines = 1
    for value, width in cells:
        if isinstance(value, str) and len(value) >= width:
            lines = max(lines, lines_needed(value, chars_per_line(width)))
    return height_for_lines(lines)


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """Write a value with its natural type; text always as text (never a formula)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Có" if value else "Không", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, safe_text(value), fmt)


def setup_print(ws: Any, *, repeat: tuple[int, int] | None = None, landscape: bool = True) -> None:
    """A4, landscape, fit to one page wide, official margins, page numbers, repeated header."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    left, right, top, bottom = PAGE_MARGINS_MM
    ws.set_margins(left=left * _MM, right=right * _MM, top=top * _MM, bottom=bottom * _MM)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_footer(f'&C&"{FONT}"&10Trang &P/&N')
    if repeat is not None:
        ws.repeat_rows(repeat[0], repeat[1])
