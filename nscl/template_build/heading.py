"""The official header and footer blocks of a form (Nghị định 30/2020 layout).

Header: agency name at the top left; Quốc hiệu over Tiêu ngữ at the top right, with a
solid line under the Tiêu ngữ (the top border of a short merged range, centred under
it); then the title. Footer: place and date, the confirming authority and the
signature note, at the right.
"""

from __future__ import annotations

from collections.abc import Sequence

from nscl.template_build.layout import (
    Blocks,
    row_height,
    rule_span,
    text_width_units,
    wrap_words,
)
from nscl.template_build.plan import CellStyle, SheetPlan
from nscl.template_build.styles import (
    AGENCY_SIZE,
    MOTTO_SIZE,
    NATIONAL_NAME_SIZE,
    Styles,
)

__all__ = ["write_merged", "write_national_header", "write_signature_footer", "write_wide_line"]

RULE_ROW_HEIGHT = 6.0


def write_merged(
    worksheet: SheetPlan, row: int, span: tuple[int, int], text: str, fmt: CellStyle, *,
    last_row: int = -1,
) -> None:
    """Write ``text`` (always as a string, never a formula) into the merged ``span``."""
    first_col, last_col = span
    end_row = row if last_row < 0 else last_row
    if first_col == last_col and end_row == row:
        worksheet.write_text(row, first_col, text, fmt)
    else:
        worksheet.merge(row, first_col, end_row, last_col, fmt)
        worksheet.write_text(row, first_col, text, fmt)


def write_national_header(
    worksheet: SheetPlan,
    styles: Styles,
    widths: Sequence[float],
    blocks: Blocks,
    *,
    agency_text: str,
    national_name: str,
    motto: str,
    row: int = 0,
) -> int:
    """Write the agency / Quốc hiệu / Tiêu ngữ block from ``row``; return the next free row."""
    left_width = blocks.width(widths, blocks.left)
    agency_height = row_height(agency_text, left_width, AGENCY_SIZE, bold_caps=True)
    national_height = row_height(national_name, blocks.width(widths, blocks.right),
                                 NATIONAL_NAME_SIZE, bold_caps=True)
    # The agency name may wrap over the Quốc hiệu and Tiêu ngữ rows.
    two_rows = agency_height > national_height
    write_merged(worksheet, row, blocks.left, agency_text, styles.agency(),
                 last_row=row + 1 if two_rows else -1)
    write_merged(worksheet, row, blocks.right, national_name, styles.national_name())
    write_merged(worksheet, row + 1, blocks.right, motto, styles.motto())
    motto_height = row_height(motto, blocks.width(widths, blocks.right), MOTTO_SIZE)
    if two_rows:
        extra = max(0.0, agency_height - national_height - motto_height)
        worksheet.set_row(row, national_height + extra / 2)
        worksheet.set_row(row + 1, motto_height + extra / 2)
    else:
        worksheet.set_row(row, national_height)
        worksheet.set_row(row + 1, motto_height)
    # The solid line under the Tiêu ngữ, about as long as the Tiêu ngữ itself.
    target = text_width_units(motto, MOTTO_SIZE, bold_caps=False)
    span = rule_span(widths, blocks.right, target)
    write_merged(worksheet, row + 2, span, "", styles.rule())
    worksheet.set_row(row + 2, RULE_ROW_HEIGHT)
    return row + 3


def write_wide_line(
    worksheet: SheetPlan,
    widths: Sequence[float],
    span: tuple[int, int],
    row: int,
    text: str,
    fmt: CellStyle,
    font_size: float,
    *,
    bold_caps: bool = False,
) -> int:
    """Write a wrapped line of text across ``span``, sized to fit; return the next row.

    A title (``bold_caps``) is broken into lines here, so that no phrase such as "GIAI
    ĐOẠN 2021-2030" is split by the spreadsheet's own wrapping."""
    width = float(sum(widths[span[0] : span[1] + 1]))
    if bold_caps:
        text = wrap_words(text, width, font_size, bold_caps=True)
    write_merged(worksheet, row, span, text, fmt)
    worksheet.set_row(row, row_height(text, width, font_size, bold_caps=bold_caps))
    return row + 1


def write_signature_footer(
    worksheet: SheetPlan,
    styles: Styles,
    widths: Sequence[float],
    blocks: Blocks,
    *,
    place_date: str,
    signature: str,
    signature_note: str,
    row: int,
) -> int:
    """Write the place/date line and the signature block at the right from ``row``."""
    if not (place_date or signature or signature_note):
        return row
    right = blocks.right
    if place_date:
        write_merged(worksheet, row, right, place_date, styles.place_date())
        worksheet.set_row(row, 20)
        row += 1
    if signature:
        write_merged(worksheet, row, right, signature, styles.signature())
        worksheet.set_row(row, 20)
        row += 1
    if signature_note:
        write_merged(worksheet, row, right, signature_note, styles.signature_note())
        worksheet.set_row(row, 18)
        row += 1
    return row
