"""Cell styles of the templates: the typography of Nghị định 30/2020/NĐ-CP.

Times New Roman (Unicode), black, with the sizes the decree sets for each element of
an administrative document. :class:`Styles` names each style the layout uses and gives
it as a format-independent :class:`~nscl.template_build.plan.CellStyle` (or, for a
conditional format, a :class:`~nscl.template_build.plan.Highlight`); the renderers turn
them into XlsxWriter formats or Google Sheets cell formats.
"""

from __future__ import annotations

from typing import Any

from nscl.template_build.plan import Align, CellStyle, Highlight

__all__ = [
    "BODY_SIZE",
    "FONT_NAME",
    "HEADING_SIZE",
    "MOTTO_SIZE",
    "NATIONAL_NAME_SIZE",
    "TABLE_SIZE",
    "TITLE_SIZE",
    "WORKBOOK_DEFAULT_FORMAT",
    "Styles",
]

FONT_NAME = "Times New Roman"
# Nghị định 30/2020, Phụ lục I: Quốc hiệu 12-13 pt bold capitals; Tiêu ngữ 13-14 pt bold;
# agency name 12-13 pt bold capitals; document title 13-14 pt bold; body text 13-14 pt.
NATIONAL_NAME_SIZE = 12
MOTTO_SIZE = 13
AGENCY_SIZE = 12
TITLE_SIZE = 13
HEADING_SIZE = 13
BODY_SIZE = 13
# Tables inside a document may use a smaller size (12 pt is the usual choice).
TABLE_SIZE = 12
NOTE_SIZE = 12

# Passed to xlsxwriter.Workbook so that every cell, even an untouched one, is Times New Roman.
WORKBOOK_DEFAULT_FORMAT: dict[str, Any] = {"font_name": FONT_NAME, "font_size": TABLE_SIZE}

# Light red of "required cell left empty", the usual Excel "bad" style.
MISSING_FILL = "#FFC7CE"
MISSING_FONT = "#9C0006"
UNLIKELY_FILL = "#FFEB9C"  # Excel's "Neutral": allowed, but look again
UNLIKELY_FONT = "#9C5700"
HEADER_FILL = "#F2F2F2"
COMPUTED_FILL = "#F2F2F2"


class Styles:
    """The named styles of the templates (stateless: every call gives an equal value)."""

    # ---- the official header block --------------------------------------------------
    def agency(self) -> CellStyle:
        """Agency name at the top left: bold capitals, centred."""
        return CellStyle(AGENCY_SIZE, bold=True, align="center", valign="vcenter", wrap=True)

    def national_name(self) -> CellStyle:
        """Quốc hiệu: bold capitals 12 pt, centred."""
        return CellStyle(NATIONAL_NAME_SIZE, bold=True, align="center", valign="vcenter")

    def motto(self) -> CellStyle:
        """Tiêu ngữ: bold 13 pt, centred."""
        return CellStyle(MOTTO_SIZE, bold=True, align="center", valign="vcenter")

    def rule(self) -> CellStyle:
        """A short solid line (the top border of an otherwise empty merged range)."""
        return CellStyle(TABLE_SIZE, top_rule=True)

    def title(self) -> CellStyle:
        """Document title: bold 13 pt, centred, wrapped."""
        return CellStyle(TITLE_SIZE, bold=True, align="center", valign="vcenter", wrap=True)

    def subtitle(self) -> CellStyle:
        """Line under the title, e.g. "(Kèm theo Thông báo số …)": italic, centred."""
        return CellStyle(BODY_SIZE, italic=True, align="center", valign="vcenter", wrap=True)

    def appendix_label(self) -> CellStyle:
        """The "Phụ lục" label above an appendix title."""
        return CellStyle(HEADING_SIZE, bold=True, align="center", valign="vcenter")

    # ---- the footer block -----------------------------------------------------------
    def place_date(self) -> CellStyle:
        """Place and date line: italic, centred."""
        return CellStyle(BODY_SIZE, italic=True, align="center", valign="vcenter")

    def signature(self) -> CellStyle:
        """Signature title: bold capitals, centred."""
        return CellStyle(AGENCY_SIZE, bold=True, align="center", valign="vcenter")

    def signature_note(self) -> CellStyle:
        """"(Ký, ghi rõ họ tên và đóng dấu)": italic, centred."""
        return CellStyle(NOTE_SIZE, italic=True, align="center", valign="vcenter")

    # ---- tables ---------------------------------------------------------------------
    def header(self) -> CellStyle:
        """Table header cell: bold, centred, wrapped, bordered, light grey."""
        return CellStyle(TABLE_SIZE, bold=True, align="center", valign="vcenter", wrap=True,
                         border=True, fill=HEADER_FILL)

    def column_number(self) -> CellStyle:
        """The "(1) (2) …" row under the header: italic, centred, bordered."""
        return CellStyle(TABLE_SIZE, italic=True, align="center", valign="vcenter",
                         border=True, fill=HEADER_FILL)

    def input_cell(self, num_format: str, *, align: Align = "left") -> CellStyle:
        """An unlocked, bordered, wrapped input cell."""
        return CellStyle(TABLE_SIZE, locked=False, border=True, wrap=True, valign="top",
                         align=align, num_format=num_format)

    def computed_cell(self, num_format: str) -> CellStyle:
        """A locked cell holding a formula, shaded to show it is not typed in."""
        return CellStyle(TABLE_SIZE, border=True, valign="top", align="right",
                         num_format=num_format, fill=COMPUTED_FILL)

    def totals_label(self) -> CellStyle:
        """The "Tổng cộng" label of a totals row."""
        return CellStyle(TABLE_SIZE, bold=True, border=True, align="center", valign="vcenter")

    def totals_value(self, num_format: str) -> CellStyle:
        """A total in the totals row: bold, locked."""
        return CellStyle(TABLE_SIZE, bold=True, border=True, align="right", valign="vcenter",
                         num_format=num_format, fill=COMPUTED_FILL)

    def totals_blank(self) -> CellStyle:
        """An empty bordered cell of the totals row."""
        return CellStyle(TABLE_SIZE, border=True, fill=COMPUTED_FILL)

    def missing(self) -> Highlight:
        """Conditional format of a required cell left empty in a started row."""
        return Highlight(MISSING_FILL, MISSING_FONT)

    def unlikely(self) -> Highlight:
        """Conditional format of an amount allowed but unlikely (Excel's "Neutral")."""
        return Highlight(UNLIKELY_FILL, UNLIKELY_FONT)

    # ---- report outline -------------------------------------------------------------
    def outline_number(self, level: int) -> CellStyle:
        """Number of an outline heading (Roman numerals bold), on its title's last line."""
        return CellStyle(BODY_SIZE, bold=level <= 2, valign="bottom", align="left")

    def outline_title(self, level: int) -> CellStyle:
        """Outline heading: levels 1-2 bold, level 3 regular, wrapped; at the bottom of
        its row, so that it sits right above its box and the room is above it."""
        return CellStyle(BODY_SIZE, bold=level <= 2, valign="bottom", wrap=True)

    def outline_note(self) -> CellStyle:
        """Guidance note of an outline item: italic."""
        return CellStyle(NOTE_SIZE, italic=True, valign="top", wrap=True)

    def narrative_cell(self) -> CellStyle:
        """The tall, unlocked, wrapped box where the report text is typed."""
        return CellStyle(BODY_SIZE, locked=False, border=True, wrap=True, valign="top",
                         num_format="@")

    def group_row(self) -> CellStyle:
        """Group heading row inside the indicator table."""
        return CellStyle(TABLE_SIZE, bold=True, border=True, valign="vcenter", wrap=True,
                         fill=HEADER_FILL)

    def table_text(self, *, align: Align = "left", wrap: bool = True) -> CellStyle:
        """A locked, bordered text cell of a table (indicator names, units, targets)."""
        return CellStyle(TABLE_SIZE, border=True, valign="vcenter", wrap=wrap, align=align)

    # ---- guide sheet ----------------------------------------------------------------
    def guide_heading(self) -> CellStyle:
        """Heading on the guide sheet."""
        return CellStyle(HEADING_SIZE, bold=True, valign="top", wrap=True)

    def guide_text(self) -> CellStyle:
        """Body text on the guide sheet."""
        return CellStyle(BODY_SIZE, valign="top", wrap=True)

    def guide_label(self) -> CellStyle:
        """Bold label cell on the guide sheet (e.g. a column header)."""
        return CellStyle(BODY_SIZE, bold=True, valign="top", wrap=True, border=True)

    def guide_cell(self) -> CellStyle:
        """Bordered text cell on the guide sheet."""
        return CellStyle(BODY_SIZE, valign="top", wrap=True, border=True)
