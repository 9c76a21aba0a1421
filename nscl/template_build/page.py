"""Print setup of the templates: A4, the margins of Nghị định 30/2020, page numbers.

Margins (Phụ lục I of the decree): top and bottom 20-25 mm, left 30-35 mm, right
15-20 mm. The templates use the lower bound of each range, which leaves the widest
table on the page; every sheet prints one page wide (as many pages high as needed)
with its header rows repeated on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nscl.template_build.styles import FONT_NAME

__all__ = [
    "A4_PAPER",
    "MARGINS_MM",
    "PAGE_FOOTER",
    "PageSetup",
    "apply_page_setup",
    "mm_to_inches",
]
# Print setup is part of the Excel template only: the Google Sheets API has no print
# settings (a clerk sets them in the print dialogue).

A4_PAPER = 9  # Excel paper size code of A4.
# Millimetres, per Nghị định 30/2020/NĐ-CP.
MARGINS_MM: dict[str, float] = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
# Distance of the page-number footer from the paper edge.
FOOTER_MARGIN_MM = 8.0
# "Trang 2/5", centred, Times New Roman 11 pt.
PAGE_FOOTER = f'&C&"{FONT_NAME},Regular"&11Trang &P/&N'


def mm_to_inches(mm: float) -> float:
    """Millimetres to inches (Excel stores margins in inches)."""
    return mm / 25.4


@dataclass(frozen=True)
class PageSetup:
    """How one sheet prints."""

    landscape: bool = True
    repeat_first_row: int | None = None  # 0-based rows repeated at the top of every page
    repeat_last_row: int | None = None
    breaks: tuple[int, ...] = ()  # 0-based rows that start a page (nscl.paging)


def apply_page_setup(worksheet: Any, setup: PageSetup) -> None:
    """Apply to an XlsxWriter worksheet: A4, orientation, Decree 30 margins, fit-to-width,
    print titles and page numbers."""
    worksheet.set_paper(A4_PAPER)
    if setup.landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.set_margins(
        left=mm_to_inches(MARGINS_MM["left"]),
        right=mm_to_inches(MARGINS_MM["right"]),
        top=mm_to_inches(MARGINS_MM["top"]),
        bottom=mm_to_inches(MARGINS_MM["bottom"]),
    )
    worksheet.set_footer(PAGE_FOOTER, {"margin": mm_to_inches(FOOTER_MARGIN_MM)})
    worksheet.fit_to_pages(1, 0)
    worksheet.center_horizontally()
    worksheet.hide_gridlines(2)
    if setup.repeat_first_row is not None:
        worksheet.repeat_rows(setup.repeat_first_row, setup.repeat_last_row)
    if setup.breaks:
        worksheet.set_h_pagebreaks(list(setup.breaks))
