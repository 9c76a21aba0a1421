"""Sample annual reports (Form B), as agencies send them: the official template filled in,
a workbook retyped by a clerk, and a report written in Word.

Used by ``nscl demo`` (a report round over three years) and by the tests. The retyped
workbook and the Word report are deliberately not the template: headings typed as text
("2.3.", "II -"), titles and indicator names abbreviated ("NSCL", "DN") or reordered,
numbers typed as Vietnamese text ("1.250"), the indicator table under headings of the
clerk's own ("Kết quả" over "Năm 2026" and "Lũy kế đến hết năm 2026"), Word's automatic
numbering (the number is not in the paragraph's text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.forms import form_b
from nscl.numbers import format_number

__all__ = [
    "ReportData",
    "write_report",
    "write_retyped_report",
    "write_template_report",
    "write_word_report",
]


@dataclass(frozen=True)
class ReportData:
    """One agency's annual report: its narratives (outline key -> text) and indicator
    values (key -> (year value, cumulative value); a value may be text, as typed)."""

    agency: str  # registry code
    year: int
    narratives: Mapping[str, str] = field(default_factory=dict)
    indicators: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    header: str = ""  # the agency line of a retyped or Word report ("UBND TỈNH NGHỆ AN")


def write_report(path: Path, data: ReportData, layout: str) -> Path:
    """Write ``data`` in a ``layout``: "template", "retyped" or "word"."""
    writers = {"template": write_template_report, "retyped": write_retyped_report,
               "word": write_word_report}
    return writers[layout](path, data)


def write_template_report(path: Path, data: ReportData) -> Path:
    """The official template (Form B) filled in."""
    from nscl.registry import get_agency
    from nscl.template_build.filled import write_filled_report

    path.parent.mkdir(parents=True, exist_ok=True)
    write_filled_report(path, narratives=data.narratives, indicators=data.indicators,
                        year=data.year, agency=get_agency(data.agency))
    return path


# Abbreviated headings and indicator names a clerk types (the form's abbreviations).
_SHORT_TITLES = {
    "g21": "Hoàn thiện cơ chế, chính sách thúc đẩy hoạt động nâng cao NSCL",
    "g22": "Tăng cường thông tin, truyền thông về NSCL",
    "g23": "Hỗ trợ DN áp dụng TC, QCKT, HTQL, công cụ cải tiến NSCL",
    "g24": "Đào tạo nguồn nhân lực cho hoạt động nâng cao NSCL",
}
_SHORT_NAMES = {
    "enterprises_supported": "Số DN được hỗ trợ áp dụng TC, QC, HTQL, công cụ cải tiến NSCL",
    "events": "Hội nghị, hội thảo, diễn đàn về NSCL đã tổ chức",
    "experts_certified": "Chuyên gia năng suất được đào tạo, chứng nhận (số)",
    "trainees": "Số lượt người được đào tạo, bồi dưỡng về NSCL",
    "pilot_models": "Số mô hình điểm về NSCL",
    "media_items": "Số tin, bài truyền thông về NSCL",
}


def _typed(value: Any) -> Any:
    """A number as a clerk types it as text: "1.250", "12,5"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(float(value))
    return value


def write_retyped_report(path: Path, data: ReportData) -> Path:
    """A workbook typed by a clerk: the outline on "Bao cao" with the numbers typed in the
    headings' cells, the indicators on "So lieu" under headings of the clerk's own,
    abbreviated names, numbers as Vietnamese text."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    form = form_b()
    year = data.year
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bao cao"
    bold = Font(name="Times New Roman", size=12, bold=True)
    ws.column_dimensions["A"].width = 100
    ws["A1"] = data.header or "UBND TỈNH …"
    ws["A1"].font = bold
    ws["A3"] = f"BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM {year} CHƯƠNG TRÌNH NSCL"
    ws["A3"].font = bold
    r = 5
    level_one = {"I": "I -", "II": "II -", "III": "III -", "IV": "IV -"}
    for item in form.outline:
        title = _SHORT_TITLES.get(item.key or "", item.title_for(year))
        number = level_one.get(item.number, f"{item.number}." if item.level == 3 and
                               "." in item.number else item.number)
        ws.cell(row=r, column=1, value=f"{number} {title}").font = bold
        r += 1
        text = data.narratives.get(item.key or "")
        if text:
            cell = ws.cell(row=r, column=1, value=text)
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
    sheet = wb.create_sheet("So lieu")
    sheet["A1"] = "SỐ LIỆU KẾT QUẢ THỰC HIỆN"
    sheet["A3"], sheet["B3"], sheet["C3"], sheet["D3"] = "TT", "Nội dung", "ĐVT", "Kết quả"
    sheet.merge_cells("D3:E3")
    sheet["D4"], sheet["E4"] = f"Năm {year}", f"Lũy kế đến hết năm {year}"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:C4")
    for column, width in (("A", 6), ("B", 70), ("C", 14), ("D", 12), ("E", 16)):
        sheet.column_dimensions[column].width = width
    r = 5
    # The clerk lists the indicators in an order of their own: the budget first.
    order = sorted(form.indicators, key=lambda ind: (ind.budget_part is None, ind.number))
    for n, ind in enumerate(order, start=1):
        if ind.key not in data.indicators:
            continue
        values = data.indicators[ind.key]
        sheet.cell(row=r, column=1, value=n)
        sheet.cell(row=r, column=2, value=_SHORT_NAMES.get(ind.key, ind.name))
        sheet.cell(row=r, column=3, value=ind.unit)
        for c, value in zip((4, 5), values, strict=True):
            if value is not None:
                cell = sheet.cell(row=r, column=c, value=_typed(value))
                cell.data_type = "s"
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_word_report(path: Path, data: ReportData) -> Path:
    """A report written in Word: the header block, the outline's headings (Roman ones
    typed, the others numbered automatically by Word, so their numbers are not in the
    text), narratives, the indicator table under item 2 of part I, the signature."""
    import docx
    from docx.shared import Pt

    form = form_b()
    year = data.year
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].add_run(data.header or "ỦY BAN NHÂN DÂN").bold = True
    left.add_paragraph("Số: 245/BC-UBND")
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc").runs[0].bold = True
    right.add_paragraph(f"……, ngày 25 tháng 11 năm {year}")
    document.add_paragraph().add_run("BÁO CÁO").bold = True
    document.add_paragraph().add_run(
        f"Kết quả thực hiện năm {year} Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao "
        "năng suất và chất lượng sản phẩm, hàng hóa giai đoạn 2021-2030").bold = True
    document.add_paragraph("Kính gửi: Bộ Khoa học và Công nghệ.")
    document.add_paragraph(
        "Thực hiện Công văn của Bộ Khoa học và Công nghệ về việc báo cáo kết quả thực hiện "
        f"Chương trình năm {year}, đơn vị báo cáo như sau:")
    for item in form.outline:
        title = item.title_for(year)
        if item.level == 1:
            document.add_paragraph().add_run(f"{item.number}. {title.upper()}").bold = True
        else:
            # Word's automatic numbering: the number is drawn, not typed.
            document.add_paragraph(title, style="List Number").runs[0].bold = True
        text = data.narratives.get(item.key or "")
        if text:
            for part in text.split("\n"):
                document.add_paragraph(part)
        if item.level == 2 and item.number == "2" and "{year}" in item.title and \
                data.indicators:  # the figures under "2. Kết quả thực hiện … năm {year}"
            document.add_paragraph("Số liệu kết quả thực hiện tại bảng sau:")
            table = document.add_table(rows=2, cols=5)
            table.style = document.styles["Table Grid"]
            heads = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Kết quả")
            for c, head in enumerate(heads):
                table.cell(0, c).text = head
            table.cell(0, 3).merge(table.cell(0, 4))
            for c in (0, 1, 2):
                table.cell(0, c).merge(table.cell(1, c))
            table.cell(1, 3).text = f"Năm {year}"
            table.cell(1, 4).text = f"Lũy kế đến hết năm {year}"
            for ind in form.indicators:
                if ind.key not in data.indicators:
                    continue
                row = table.add_row().cells
                row[0].text = ind.number
                row[1].text = _SHORT_NAMES.get(ind.key, ind.name)
                row[2].text = ind.unit
                for cell, value in zip((row[3], row[4]), data.indicators[ind.key],
                                       strict=True):
                    cell.text = "" if value is None else str(_typed(value))
    signature = document.add_table(rows=1, cols=2)
    signature.cell(0, 0).text = "Nơi nhận:\n- Bộ KH&CN;\n- Lưu: VT."
    signature.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
