"""The printed page of the master's table (Nghị định 30/2020/NĐ-CP): the issuing body's
block and the national heading at the top, the signature block under the table. Its
page breaks are planned by :class:`nscl.paging.PageBreaker`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nscl.template_build.layout import blocks_for, rule_span, text_width_units
from sync.model import Letterhead
from sync.styles import Styles

__all__ = ["SIGNING_ROWS", "write_letterhead", "write_signatures"]


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
