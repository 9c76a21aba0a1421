"""The draft national report of a report round: ``bao-cao-tong-hop-<year>.docx``.

The report the Ministry of Science and Technology drafts for the Prime Minister from the
agencies' annual reports, following outline I-IV of the reporting letter (seed 004,
:func:`nscl.forms.form_b`): under each item, the national figures of its indicators in
a sentence ("Năm 2026, các bộ, ngành, địa phương đã hỗ trợ 1.640 doanh nghiệp … (lũy kế
từ năm 2021: 6.430 doanh nghiệp)"), then every agency's narrative for the item, led by
the agency's name; progress towards the Decision 1322 targets under the assessment of
the cumulative results. Appendix I is the national indicator table, appendix II the
figures of every agency (a landscape section, one table per group of indicators).

Formatting follows Nghị định 30/2020/NĐ-CP: A4 portrait (the appendix of wide tables
landscape), margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman,
body 14 pt, justified, first-line indent, 6 pt between paragraphs; the issuing body and
the Quốc hiệu block (capitals, bold, a line under the motto and under the body's name);
page numbers centred at the top from the second page. Numbers are written the
Vietnamese way (1.640; 12,5).

Everything is written through python-docx's public interface; the few things it has no
call for (a paragraph border, a page-number field, a table's header row repeated on
each page) are added to the XML of a style, the header part or the document body, which
python-docx exposes publicly (``element``), with :func:`docx.oxml.parse_xml`.
"""

from __future__ import annotations

import os
from datetime import timezone
from pathlib import Path
from typing import Any

from nscl.forms import IndicatorGroup, OutlineItem, ReportForm
from nscl.numbers import format_number
from sync.docx_parts import Cell as _Cell
from sync.docx_parts import append_table
from sync.docx_parts import bottom_border as _bottom_border
from sync.docx_parts import east_asian_font as _east_asian_font
from sync.docx_parts import page_field as _page_field
from sync.docx_parts import set_widths as _set_widths
from sync.form_b_sheets import indicator_sentence, short_name
from sync.model import Consolidation, Submission
from sync.round_figures import RoundFigures

__all__ = ["ISSUING_BODY", "write_national_report"]

ISSUING_BODY = "BỘ KHOA HỌC VÀ\nCÔNG NGHỆ"  # on two lines, as the Ministry writes it
ADDRESSEE = "Thủ tướng Chính phủ"
DECISION = ("Quyết định số 1322/QĐ-TTg ngày 31 tháng 8 năm 2020 của Thủ tướng Chính phủ phê "
            "duyệt Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng "
            "sản phẩm, hàng hóa giai đoạn 2021-2030")
PROGRAM = ("Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản "
           "phẩm, hàng hóa giai đoạn 2021-2030")
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
WIDE_TABLE_PT = 10
_RULE_STYLE = "NSCL đường kẻ"


def write_national_report(path: Path, consolidation: Consolidation, figures: RoundFigures, *,
                          tz: timezone) -> Path:
    """Write the draft report to ``path`` (atomically: a temporary file renamed over it)."""
    import docx

    document = docx.Document()
    writer = _Writer(document, consolidation, figures, tz)
    writer.write()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".nscl-tmp-{os.getpid()}-{path.name}")
    try:
        document.save(str(tmp))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


class _Writer:
    def __init__(self, document: Any, consolidation: Consolidation, figures: RoundFigures,
                 tz: timezone) -> None:
        self.doc = document
        self.cons = consolidation
        self.figures = figures
        self.form: ReportForm = figures.form
        self.year = figures.year
        self.tz = tz
        self._cell_styles: dict[float, Any] = {}

    # -- page set-up and styles ----------------------------------------------------------

    def write(self) -> None:
        self._setup()
        self._header_block()
        self._title()
        self._introduction()
        for item in self.form.outline:
            self._item(item)
        self._signature()
        self._appendix_national()
        self._appendix_agencies()

    def _setup(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Mm, Pt

        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = Mm(10)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        _east_asian_font(normal)
        fmt = normal.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15
        fmt.first_line_indent = Cm(1)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        table_grid = self.doc.styles["Table Grid"]
        table_grid.font.name = FONT
        rule = self.doc.styles.add_style(_RULE_STYLE, 1)  # a paragraph style
        rule.base_style = normal
        rule.font.size = Pt(2)
        rule.paragraph_format.first_line_indent = Cm(0)
        rule.paragraph_format.space_after = Pt(6)
        rule.paragraph_format.line_spacing = 1.0
        _bottom_border(rule)
        # The paragraphs of table cells: smaller, no indent, no spacing, left-aligned.
        for size in (TABLE_PT, WIDE_TABLE_PT):
            style = self.doc.styles.add_style(f"NSCL bảng {size}", 1)
            style.base_style = normal
            style.font.size = Pt(size)
            style.paragraph_format.first_line_indent = Cm(0)
            style.paragraph_format.space_after = Pt(0)
            style.paragraph_format.line_spacing = 1.0
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            self._cell_styles[size] = style
        # Page numbers: centred at the top, from the second page (Nghị định 30/2020).
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.paragraph_format.first_line_indent = Cm(0)
        _page_field(section.header.part.element)
        self.doc.core_properties.title = f"Báo cáo kết quả thực hiện năm {self.year} của Chương " \
                                         "trình 1322 (dự thảo)"
        self.doc.core_properties.author = "nscl sync"

    def _para(self, text: str = "", *, bold: bool = False, italic: bool = False,
              align: str | None = None, size: float | None = None, indent: bool = True,
              space_after: float | None = None, keep: bool = False, upper: bool = False,
              container: Any = None) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        target = container if container is not None else self.doc
        fresh = container is not None and len(container.paragraphs) == 1 and \
            not container.paragraphs[0].runs
        # A new table cell holds one empty paragraph: its first text goes there.
        paragraph = container.paragraphs[0] if fresh else target.add_paragraph()
        if text:
            run = paragraph.add_run(text.upper() if upper else text)
            run.bold = bold
            run.italic = italic
            if size is not None:
                run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER,
                                   "right": WD_ALIGN_PARAGRAPH.RIGHT,
                                   "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        if not indent or align in ("center", "right"):
            paragraph.paragraph_format.first_line_indent = Cm(0)
        if space_after is not None:
            paragraph.paragraph_format.space_after = Pt(space_after)
        if keep:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def _rule(self, container: Any, width_cm: float, cell_cm: float) -> None:
        """A short solid line, centred, under a block of a cell ``cell_cm`` wide."""
        from docx.shared import Cm

        paragraph = container.add_paragraph(style=_RULE_STYLE)
        margin = max(0.0, (cell_cm - width_cm) / 2)
        paragraph.paragraph_format.left_indent = Cm(margin)
        paragraph.paragraph_format.right_indent = Cm(margin)

    # -- first page ----------------------------------------------------------------------

    def _header_block(self) -> None:

        self._para("DỰ THẢO", bold=True, italic=True, align="right", size=12, space_after=0)
        table = self.doc.add_table(rows=1, cols=2)
        widths = (6.3, 10.2)
        _set_widths(table, list(widths))
        left, right = table.rows[0].cells
        self._para(ISSUING_BODY, bold=True, align="center", size=12, space_after=0,
                   container=left)
        self._rule(left, 2.4, widths[0])
        self._para("Số:        /BC-BKHCN", align="center", size=13, space_after=0,
                   container=left)
        self._para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="center", size=12,
                   space_after=0, container=right)
        self._para("Độc lập - Tự do - Hạnh phúc", bold=True, align="center", size=13.5,
                   space_after=0, container=right)
        self._rule(right, 6.0, widths[1])
        year = self.cons.generated_at.astimezone(self.tz).year
        self._para(f"Hà Nội, ngày      tháng      năm {year}", italic=True, align="center",
                   size=13.5, space_after=0, container=right)

    def _title(self) -> None:
        self._para("", space_after=6)
        self._para("BÁO CÁO", bold=True, align="center", size=BODY_PT, space_after=0)
        self._para(f"Kết quả thực hiện năm {self.year} của {PROGRAM}", bold=True,
                   align="center", size=BODY_PT, space_after=0)
        self._rule(self.doc, 4.0, 16.5)
        self._para(f"Kính gửi: {ADDRESSEE}.", align="center", space_after=12)

    def _introduction(self) -> None:
        subs = self.cons.submissions
        ministries = sum(1 for s in subs if s.agency.kind == "ministry")
        provinces = len(subs) - ministries
        missing = self.cons.count("missing")
        text = (f"Thực hiện {DECISION} (sau đây gọi là Chương trình), trên cơ sở báo cáo của "
                f"{ministries} bộ, ngành và {provinces} địa phương, Bộ Khoa học và Công nghệ "
                f"báo cáo Thủ tướng Chính phủ kết quả thực hiện năm {self.year} của Chương "
                "trình như sau:")
        self._para(text)
        if missing:
            self._para(f"(Đến thời điểm tổng hợp, còn {missing} bộ, ngành, địa phương chưa gửi "
                       "báo cáo; số liệu dưới đây là tổng số liệu của các đơn vị đã báo cáo.)",
                       italic=True)

    # -- the outline ---------------------------------------------------------------------

    def _heading(self, item: OutlineItem) -> None:
        title = item.title_for(self.year) if self.year else item.title
        number = item.number if item.number.endswith(")") else f"{item.number}."
        self._para(f"{number} {title}", bold=True, italic=item.level >= 3, keep=True,
                   upper=item.level == 1)

    def _item(self, item: OutlineItem) -> None:
        self._heading(item)
        if item.number == "2" and item.level == 2 and not item.narrative and not item.key \
                and "{year}" in item.title and item.note:
            self._budget()
        if item.group:
            self._group_figures(item.group)
        if item.key == "assessment_cumulative":
            self._targets()
        if not item.narrative or not item.key:
            return
        written = 0
        for sub in self.cons.submissions:
            text = sub.report.narratives.get(item.key, "").strip()
            if text:
                self._narrative(sub, text)
                written += 1
        if not written:
            self._para("(Chưa có bộ, ngành, địa phương nào báo cáo nội dung này.)", italic=True)

    def _narrative(self, sub: Submission, text: str) -> None:
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        first = self._para()
        lead = first.add_run(f"{sub.agency.name}: ")
        lead.bold = True
        first.add_run(paragraphs[0])
        for more in paragraphs[1:]:
            self._para(more)

    def _group_figures(self, number: str) -> None:
        group = next((g for g in self.form.groups if g.number == number), None)
        if group is None:
            return
        summed = [s for s in (indicator_sentence(ind, self.figures)
                              for ind in group.indicators if ind.summable) if s]
        rates = [s for s in (indicator_sentence(ind, self.figures)
                             for ind in group.indicators if not ind.summable) if s]
        if summed:
            self._para(f"Năm {self.year}, các bộ, ngành, địa phương đã " + "; ".join(summed)
                       + ".")
        for sentence in rates:
            self._para(sentence[:1].upper() + sentence[1:] + ".")
        if not summed and not rates:
            self._para(f"(Chưa có số liệu năm {self.year} của nhóm nhiệm vụ này.)", italic=True)

    def _budget(self) -> None:
        budget = [ind for ind in self.form.indicators if ind.budget_part]
        total = next((ind for ind in budget if ind.computed), None)
        if total is None:
            return
        national = self.figures.national[total.key]
        if national.year is None and national.cumulative is None:
            return
        parts = []
        for ind in budget:
            if ind is total:
                continue
            value = self.figures.national[ind.key].year
            if value is not None:
                parts.append(f"{ind.name[:1].lower()}{ind.name[1:]} {format_number(value)}")
        text = (f"Tổng kinh phí thực hiện Chương trình năm {self.year} theo báo cáo của "
                f"{national.agencies} đơn vị là {format_number(national.year or 0.0)} "
                f"{total.unit}")
        if parts:
            text += f" ({'; '.join(parts)})"
        if national.cumulative is not None:
            text += (f"; lũy kế từ năm {self.form.program_start_year}: "
                     f"{format_number(national.cumulative)} {total.unit}")
        self._para(text + ".")

    def _targets(self) -> None:
        items = [(ind, self.figures.progress[ind.key]) for ind in self.form.indicators
                 if ind.key in self.figures.progress]
        if not items:
            return
        self._para("So với mục tiêu của Quyết định số 1322/QĐ-TTg:")
        for ind, progress in items:
            target = progress.target.label or ind.target
            note = progress.note.rstrip(".")
            ratio = f" ({format_number(progress.ratio * 100, 1)}% mục tiêu)" \
                if progress.ratio is not None and progress.target.kind == "total" else ""
            self._para(f"- {ind.name}: {note[:1].lower()}{note[1:]}{ratio}; mục tiêu "
                       f"{target}.")

    def _signature(self) -> None:

        self._para("", space_after=0)
        table = self.doc.add_table(rows=1, cols=2)
        _set_widths(table, [8.0, 8.5])
        left, right = table.rows[0].cells
        self._para("Nơi nhận:", bold=True, italic=True, size=12, indent=False, space_after=0,
                   align="left", container=left)
        for line in ("- Như trên;", "- Văn phòng Chính phủ;", "- Bộ trưởng (để b/c);",
                     "- Lưu: VT, TĐC."):
            self._para(line, size=11, indent=False, space_after=0, align="left",
                       container=left)
        self._para("BỘ TRƯỞNG", bold=True, align="center", space_after=0, container=right)
        self._para("(Ký, ghi rõ họ tên)", italic=True, align="center", size=12,
                   container=right)

    # -- appendices ----------------------------------------------------------------------

    def _appendix_title(self, number: str, title: str) -> None:
        first = self._para(f"Phụ lục {number}", bold=True, align="center", space_after=0)
        first.paragraph_format.page_break_before = True
        self._para(title, bold=True, align="center", space_after=0, upper=True)
        self._para("(Kèm theo Báo cáo số        /BC-BKHCN của Bộ Khoa học và Công nghệ)",
                   italic=True, align="center", size=13)

    def _table(self, widths: list[float], rows: list[list[_Cell]], *, header_rows: int,
               size: float) -> None:
        """A bordered table at the end of the document, its first ``header_rows`` rows
        repeated on every page (:func:`sync.docx_parts.append_table`)."""
        append_table(self.doc, widths, rows, header_rows=header_rows,
                     paragraph_style=self._cell_styles[size].style_id)

    def _appendix_national(self) -> None:
        self._appendix_title("I", f"Số liệu tổng hợp các chỉ tiêu năm {self.year} và lũy kế từ "
                                  "đầu Chương trình")
        heads = ["STT", "Chỉ tiêu", "Đơn vị tính", f"Năm {self.year}",
                 f"Lũy kế đến hết năm {self.year}", "Số đơn vị báo cáo",
                 "Mục tiêu theo Quyết định 1322/QĐ-TTg"]
        widths = [1.3, 5.8, 1.8, 1.7, 1.9, 1.4, 2.6]
        rows = [[_Cell(head, bold=True, align="center") for head in heads]]
        for group in self.form.groups:
            rows.append([_Cell(group.number, bold=True, align="center"),
                         _Cell(group.title, bold=True, span=len(heads) - 1)])
            for ind in group.indicators:
                national = self.figures.national[ind.key]
                if ind.summable:
                    values = [_Cell(_number(national.year), align="right"),
                              _Cell(_number(national.cumulative), align="right")]
                else:
                    values = [_Cell(national.range_text(ind.unit) or "-", align="center"),
                              _Cell("-", align="center")]
                rows.append([_Cell(ind.number, align="center"), _Cell(ind.name),
                             _Cell(ind.unit, align="center"), *values,
                             _Cell(str(national.agencies), align="right"), _Cell(ind.target)])
        self._table(widths, rows, header_rows=1, size=TABLE_PT)
        self._para("Ghi chú: số liệu cả nước là tổng số liệu của các bộ, ngành, địa phương đã "
                   "gửi báo cáo; tỷ lệ không cộng (ghi khoảng giá trị các đơn vị báo cáo).",
                   italic=True, size=12, indent=False)

    def _appendix_agencies(self) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Mm

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False  # numbered from its first page
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        self._appendix_title("II", f"Số liệu chỉ tiêu năm {self.year} theo từng bộ, ngành, "
                                   "địa phương")
        subs = self.cons.submissions
        if not subs:
            self._para("(Chưa có báo cáo.)", italic=True)
            return
        for group in self.form.groups:
            self._agency_table(group, subs)

    def _agency_table(self, group: IndicatorGroup, subs: list[Submission]) -> None:
        indicators = list(group.indicators)
        self._para(f"{group.number}. {group.title}", bold=True, indent=False, keep=True,
                   size=12, space_after=3)
        value_width = min(2.2, 19.6 / (2 * len(indicators)))
        widths = [1.0, 4.6, *[value_width] * (2 * len(indicators))]
        top = [_Cell("Stt", bold=True, align="center", merge="restart"),
               _Cell("Bộ, ngành, địa phương", bold=True, align="center", merge="restart")]
        second = [_Cell("", merge="continue"), _Cell("", merge="continue")]
        for ind in indicators:
            top.append(_Cell(f"{ind.number}. {short_name(ind, 60)} ({ind.unit})", bold=True,
                             align="center", span=2))
            second += [_Cell(f"Năm {self.year}", bold=True, align="center"),
                       _Cell("Lũy kế", bold=True, align="center")]
        rows = [top, second]
        for n, sub in enumerate(subs, start=1):
            row = [_Cell(str(n), align="center"), _Cell(sub.agency.name)]
            for ind in indicators:
                row += [_Cell(_number(self.figures.agency_value(sub.agency.code, ind.key,
                                                                period)), align="right")
                        for period in ("year", "cumulative")]
            rows.append(row)
        total = [_Cell("Cả nước", bold=True, span=2)]
        for ind in indicators:
            national = self.figures.national[ind.key]
            if ind.summable:
                total += [_Cell(_number(national.year), bold=True, align="right"),
                          _Cell(_number(national.cumulative), bold=True, align="right")]
            else:
                total.append(_Cell(national.range_text(ind.unit) or "-", bold=True,
                                   align="center", span=2))
        rows.append(total)
        self._table(widths, rows, header_rows=2, size=WIDE_TABLE_PT)
        self._para("", size=6, space_after=0)


def _number(value: float | None) -> str:
    return format_number(value) if value is not None else "-"
