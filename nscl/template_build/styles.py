"""Cell styles of the templates: the typography of Nghị định 30/2020/NĐ-CP.

Times New Roman (Unicode), black, with the sizes the decree sets for each element of
an administrative document. A :class:`Styles` object creates each XlsxWriter format
once per workbook and hands out the same object afterwards.
"""

from __future__ import annotations

from typing import Any

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
    """Factory of the workbook's cell formats, created once per distinct set of properties."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **props: Any) -> Any:
        """The format with Times New Roman and ``props`` (XlsxWriter property names)."""
        merged: dict[str, Any] = {"font_name": FONT_NAME, "font_size": TABLE_SIZE}
        merged.update(props)
        key = tuple(sorted(merged.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._workbook.add_format(merged)
            self._cache[key] = fmt
        return fmt

    # ---- the official header block --------------------------------------------------
    def agency(self) -> Any:
        """Agency name at the top left: bold capitals, centred."""
        return self.get(bold=True, font_size=AGENCY_SIZE, align="center", valign="vcenter",
                        text_wrap=True)

    def national_name(self) -> Any:
        """Quốc hiệu: bold capitals 12 pt, centred."""
        return self.get(bold=True, font_size=NATIONAL_NAME_SIZE, align="center",
                        valign="vcenter")

    def motto(self) -> Any:
        """Tiêu ngữ: bold 13 pt, centred."""
        return self.get(bold=True, font_size=MOTTO_SIZE, align="center", valign="vcenter")

    def rule(self) -> Any:
        """A short solid line (the top border of an otherwise empty merged range)."""
        return self.get(top=1)

    def title(self) -> Any:
        """Document title: bold 13 pt, centred, wrapped."""
        return self.get(bold=True, font_size=TITLE_SIZE, align="center", valign="vcenter",
                        text_wrap=True)

    def subtitle(self) -> Any:
        """Line under the title, e.g. "(Kèm theo Thông báo số …)": italic, centred."""
        return self.get(italic=True, font_size=BODY_SIZE, align="center", valign="vcenter",
                        text_wrap=True)

    def appendix_label(self) -> Any:
        """The "Phụ lục" label above an appendix title."""
        return self.get(bold=True, font_size=HEADING_SIZE, align="center", valign="vcenter")

    # ---- the footer block -----------------------------------------------------------
    def place_date(self) -> Any:
        """Place and date line: italic, centred."""
        return self.get(italic=True, font_size=BODY_SIZE, align="center", valign="vcenter")

    def signature(self) -> Any:
        """Signature title: bold capitals, centred."""
        return self.get(bold=True, font_size=AGENCY_SIZE, align="center", valign="vcenter")

    def signature_note(self) -> Any:
        """"(Ký, ghi rõ họ tên và đóng dấu)": italic, centred."""
        return self.get(italic=True, font_size=NOTE_SIZE, align="center", valign="vcenter")

    # ---- tables ---------------------------------------------------------------------
    def header(self) -> Any:
        """Table header cell: bold, centred, wrapped, bordered, light grey."""
        return self.get(bold=True, align="center", valign="vcenter", text_wrap=True, border=1,
                        bg_color=HEADER_FILL)

    def column_number(self) -> Any:
        """The "(1) (2) …" row under the header: italic, centred, bordered."""
        return self.get(italic=True, align="center", valign="vcenter", border=1,
                        bg_color=HEADER_FILL)

    def input_cell(self, num_format: str, *, align: str = "left") -> Any:
        """An unlocked, bordered, wrapped input cell."""
        return self.get(locked=False, border=1, text_wrap=True, valign="top", align=align,
                        num_format=num_format)

    def computed_cell(self, num_format: str) -> Any:
        """A locked cell holding a formula, shaded to show it is not typed in."""
        return self.get(locked=True, border=1, valign="top", align="right",
                        num_format=num_format, bg_color=COMPUTED_FILL)

    def totals_label(self) -> Any:
        """The "Tổng cộng" label of a totals row."""
        return self.get(bold=True, border=1, align="center", valign="vcenter")

    def totals_value(self, num_format: str) -> Any:
        """A total in the totals row: bold, locked."""
        return self.get(bold=True, border=1, align="right", valign="vcenter",
                        num_format=num_format, bg_color=COMPUTED_FILL)

    def totals_blank(self) -> Any:
        """An empty bordered cell of the totals row."""
        return self.get(border=1, bg_color=COMPUTED_FILL)

    def missing(self) -> Any:
        """Conditional format of a required cell left empty in a started row."""
        return self._workbook.add_format({"bg_color": MISSING_FILL, "font_color": MISSING_FONT})

    def unlikely(self) -> Any:
        """Conditional format of an amount allowed but unlikely (Excel's "Neutral")."""
        return self._workbook.add_format({"bg_color": UNLIKELY_FILL, "font_color": UNLIKELY_FONT})

    # ---- report outline -------------------------------------------------------------
    def outline_number(self, level: int) -> Any:
        """Number of an outline heading (Roman numerals bold)."""
        return self.get(bold=level <= 2, font_size=BODY_SIZE, valign="top", align="left")

    def outline_title(self, level: int) -> Any:
        """Outline heading: levels 1-2 bold, level 3 regular, wrapped."""
        return self.get(bold=level <= 2, font_size=BODY_SIZE, valign="top", text_wrap=True)

    def outline_note(self) -> Any:
        """Guidance note of an outline item: italic."""
        return self.get(italic=True, font_size=NOTE_SIZE, valign="top", text_wrap=True)

    def narrative_cell(self) -> Any:
        """The tall, unlocked, wrapped box where the report text is typed."""
        return self.get(locked=False, border=1, text_wrap=True, valign="top",
                        font_size=BODY_SIZE, num_format="@")

    def group_row(self) -> Any:
        """Group heading row inside the indicator table."""
        return self.get(bold=True, border=1, valign="vcenter", text_wrap=True,
                        bg_color=HEADER_FILL)

    def table_text(self, *, align: str = "left", wrap: bool = True) -> Any:
        """A locked, bordered text cell of a table (indicator names, units, targets)."""
        return self.get(border=1, valign="vcenter", text_wrap=wrap, align=align)

    # ---- guide sheet ----------------------------------------------------------------
    def guide_heading(self) -> Any:
        """Heading on the guide sheet."""
        return self.get(bold=True, font_size=HEADING_SIZE, valign="top", text_wrap=True)

    def guide_text(self) -> Any:
        """Body text on the guide sheet."""
        return self.get(font_size=BODY_SIZE, valign="top", text_wrap=True)

    def guide_label(self) -> Any:
        """Bold label cell on the guide sheet (e.g. a column header)."""
        return self.get(bold=True, font_size=BODY_SIZE, valign="top", text_wrap=True, border=1)

    def guide_cell(self) -> Any:
        """Bordered text cell on the guide sheet."""
        return self.get(font_size=BODY_SIZE, valign="top", text_wrap=True, border=1)
