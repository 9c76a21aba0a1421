"""Pieces of an official Word document (Nghị định 30/2020/NĐ-CP) written with
python-docx, shared by the draft national report (:mod:`sync.national_report`) and the
selection's appendix (:mod:`sync.announce`).

Everything goes through python-docx's public interface; what it has no call for (a
paragraph border, a page-number field, a table's header row repeated on each page, a
table of many cells built fast) is added to the XML of a style, the header part or the
document body, which python-docx exposes publicly (``element``), with
:func:`docx.oxml.parse_xml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "FONT",
    "TWIPS_PER_CM",
    "Cell",
    "append_table",
    "bottom_border",
    "east_asian_font",
    "page_field",
    "set_widths",
]

FONT = "Times New Roman"
TWIPS_PER_CM = 1440 / 2.54


@dataclass(frozen=True)
class Cell:
    """A cell of a table: its text, spanning ``span`` grid columns; ``merge`` "restart"
    opens a cell merged down over the next rows, "continue" is one of those. A text of
    several lines (``\\n``) gives a paragraph a line."""

    text: str
    bold: bool = False
    align: str = "left"  # left, center, right, both
    span: int = 1
    merge: str | None = None


def set_widths(table: Any, widths: list[float]) -> None:
    """Fixed column widths (cm), in the table's grid and in every cell (Word reads the
    cells', LibreOffice the grid's)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def append_table(document: Any, widths: list[float], rows: list[list[Cell]], *,
                 header_rows: int, paragraph_style: str) -> None:
    """A bordered table ("Table Grid") at the end of ``document``, columns ``widths``
    (cm), its first ``header_rows`` rows repeated on every page, every cell's paragraphs
    in ``paragraph_style`` (a style id). Built as one piece of XML: python-docx looks up
    the document's default style each time a cell's paragraph is given a style, which
    made a table of 56 agencies take seconds."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    twips = [round(w * TWIPS_PER_CM) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    body: list[str] = []
    for r, row in enumerate(rows):
        body.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if r < header_rows
                                else ""))
        column = 0
        for cell in row:
            width = sum(twips[column:column + cell.span])
            column += cell.span
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if cell.span > 1:
                props += f'<w:gridSpan w:val="{cell.span}"/>'
            if cell.merge is not None:
                props += f'<w:vMerge w:val="{cell.merge}"/>'
            paragraph_props = f'<w:pPr><w:pStyle w:val="{paragraph_style}"/>'
            if cell.align != "left":
                paragraph_props += f'<w:jc w:val="{cell.align}"/>'
            paragraph_props += "</w:pPr>"
            bold = "<w:rPr><w:b/></w:rPr>" if cell.bold else ""
            paragraphs = []
            for line in cell.text.split("\n") if cell.text else [""]:
                run = (f'<w:r>{bold}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
                       if line else "")
                paragraphs.append(f"<w:p>{paragraph_props}{run}</w:p>")
            body.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{''.join(paragraphs)}</w:tc>")
        body.append("</w:tr>")
    table_style = document.styles["Table Grid"].style_id
    xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{table_style}"/>'
           f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
           f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>")
    element = document.element.body
    # Before the body's closing section properties, as python-docx adds content.
    element.insert(len(element) - 1, parse_xml(xml))


def east_asian_font(style: Any, font: str = FONT) -> None:
    """``font`` for every script of a style (Word picks the East Asian font slot for some
    Vietnamese characters when it is unset)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    r_pr = style.element.find(qn("w:rPr"))
    if r_pr is None:
        return
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        r_pr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), font)


def bottom_border(style: Any) -> None:
    """A solid line under the paragraphs of ``style`` (the short rules of a header)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    p_pr = style.element.find(qn("w:pPr"))
    if p_pr is None:
        p_pr = parse_xml(f"<w:pPr {nsdecls('w')}/>")
        style.element.append(p_pr)
    p_pr.append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
        'w:color="000000"/></w:pBdr>'))


def page_field(header: Any, *, size_half_points: int = 28) -> None:
    """A PAGE field in the first paragraph of a header part's XML."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    paragraph = header.find(qn("w:p"))
    paragraph.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr>'
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:sz w:val="{size_half_points}"/>'
        "</w:rPr><w:t>2</w:t></w:r></w:fldSimple>"))
