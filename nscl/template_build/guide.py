"""The "Hướng dẫn" sheet: how to fill in, save and send the form, in Vietnamese.

Column descriptions, units and bounds come from the form description (``help``,
``unit``, ``min``/``max``, ``computed``), so the guide always matches the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nscl.forms import ReportForm, TableForm
from nscl.template_build.heading import write_merged
from nscl.template_build.layout import row_height
from nscl.template_build.page import PageSetup
from nscl.template_build.plan import WorkbookPlan
from nscl.template_build.styles import BODY_SIZE, HEADING_SIZE, TITLE_SIZE, Styles

__all__ = ["GUIDE_SHEET", "GuideLine", "Target", "guide_lines", "write_guide_sheet"]

Target = Literal["excel", "google"]

GUIDE_SHEET = "Hướng dẫn"
_WIDTHS: tuple[float, ...] = (6.0, 30.0, 13.0, 62.0)
_EXAMPLE_AGENCY_SLUG = "bo-cong-thuong"


@dataclass(frozen=True)
class GuideLine:
    """One line of the guide: a heading, a paragraph, or a row of the column table."""

    kind: str  # "heading" | "text" | "column"
    text: str = ""
    cells: tuple[str, ...] = ()


def _table_rules(form: TableForm, target: Target) -> list[GuideLine]:
    google = target == "google"
    lines: list[GuideLine] = []
    for column in form.columns:
        if column.computed:
            parts = [form.column(key).header for key in column.computed_from]
            unit = f", đơn vị {column.unit}" if column.unit else ""
            lines.append(GuideLine("text", (
                f"• Kinh phí{unit}: {column.header} = {' + '.join(parts)}. Cột "
                f"\"{column.header}\" tự tính bằng công thức khi nhập "
                f"{' hoặc '.join(parts)}; không gõ đè vào cột này. Mỗi khoản kinh phí là "
                + ("số ≥ 0, được ghi số thập phân kiểu Việt Nam: dấu phẩy thập phân, dấu "
                   "chấm ngăn hàng nghìn (ví dụ 1.250,5); " if google else
                   "số ≥ 0, được ghi số thập phân theo dấu thập phân của máy (ví dụ 1250,5); ")
                + "không gõ chữ \"triệu đồng\" vào ô số."
            )))
    for column in form.columns:
        if column.type == "duration" and column.min is not None and column.max is not None:
            lines.append(GuideLine("text", (
                f"• {column.header}: số nguyên từ {column.min:g} đến {column.max:g} "
                f"({column.unit}); chỉ gõ số, ví dụ 24 (ô tự hiển thị \"24 {column.unit}\")."
            )))
    if any("thứ tự ưu tiên" in column.header for column in form.columns):
        seq = form.columns[0]
        lines.append(GuideLine("text", (
            "• Thứ tự ưu tiên: sắp xếp các nhiệm vụ theo thứ tự ưu tiên, nhiệm vụ ưu tiên "
            f"cao nhất ghi ở dòng đầu tiên với {seq.header} = 1, các dòng tiếp theo 2, 3 …"
        )))
    lines.append(GuideLine("text", (
        f"• Vùng nhập có sẵn {form.input_rows} dòng kẻ khung. Mỗi nhiệm vụ ghi trên một "
        "dòng, không để dòng trống xen giữa, không gộp ô (merge)."
        + (f" Dòng \"{form.totals_label}\" dưới vùng nhập tự cộng kinh phí và đếm số "
           "nhiệm vụ." if form.totals_label else "")
    )))
    lines.append(GuideLine("text", (
        "• Khi in (Tệp > In): chọn khổ A4, hướng ngang, vừa với chiều rộng trang; ẩn các "
        "dòng trống còn thừa của vùng nhập (nhấp phải vào số dòng > Ẩn hàng) để phần ký "
        "xác nhận nằm ngay dưới bảng." if google else
        "• Trước khi in: chọn các dòng trống còn thừa của vùng nhập, nhấp phải > Hide (Ẩn) "
        "để bản in gọn, phần ký xác nhận nằm ngay dưới bảng; bản in vừa một trang theo "
        "chiều ngang, khổ A4."
    )))
    lines.append(GuideLine("text", (
        "• Ô tô màu đỏ nhạt: ô bắt buộc còn trống trong một dòng đã bắt đầu nhập, hoặc ô "
        f"số đang chứa chữ. Khi chọn một ô, {'Google Sheets' if google else 'Excel'} hiện "
        "hướng dẫn của cột; giá trị sai kiểu hoặc ngoài giới hạn bị từ chối."
    )))
    return lines


def _work_online(sheets: list[str]) -> list[GuideLine]:
    """How to work on the Google Sheets template (instead of saving and sending a file)."""
    names = ", ".join(f"\"{s}\"" for s in sheets)
    return [
        GuideLine("heading", "LÀM VIỆC TRÊN GOOGLE SHEETS"),
        GuideLine("text", (
            "• Điền trực tiếp vào bảng tính này; không cần tải về hay gửi tệp: Bộ Khoa học "
            "và Công nghệ tổng hợp từ chính bảng tính này, theo thời hạn ghi trong công văn "
            "hướng dẫn."
        )),
        GuideLine("text", (
            "• Bảng tính dùng ngôn ngữ Tiếng Việt (Tệp > Cài đặt > Ngôn ngữ: Việt Nam): gõ số "
            "kiểu Việt Nam, ví dụ 1.250,5. Không đổi cài đặt này."
        )),
        GuideLine("text", (
            f"• Giữ nguyên cấu trúc: không đổi tên sheet {names}, không thêm, xóa hoặc đổi "
            "thứ tự cột, không xóa các dòng tiêu đề, không xóa, đổi tên hay hiện lại sheet "
            "ẩn «_nscl» (dùng để máy nhận biết biểu mẫu)."
        )),
        GuideLine("text", (
            "• Gõ tiếng Việt Unicode; không dán chữ từ tài liệu phông .VnTime, VNI."
        )),
        GuideLine("heading", "BẢO VỆ"),
        GuideLine("text", (
            "• Tiêu đề, công thức và các phần cố định của biểu mẫu được bảo vệ ở mức cảnh "
            "báo: khi sửa vào đó, Google Sheets hỏi lại. Chỉ sửa khi thật cần; ô nhập liệu "
            "nhập bình thường."
        )),
    ]


def _save_and_send(sheets: list[str], example_stem: str) -> list[GuideLine]:
    names = ", ".join(f"\"{s}\"" for s in sheets)
    return [
        GuideLine("heading", "LƯU VÀ GỬI FILE"),
        GuideLine("text", (
            "• Lưu file dạng Excel .xlsx (File > Save As > Excel Workbook). Không chuyển "
            "sang .xls, .csv hoặc PDF thay cho file Excel (có thể gửi kèm bản PDF đã ký)."
        )),
        GuideLine("text", (
            "• Đặt tên file có tên bộ, ngành hoặc địa phương, ví dụ: "
            f"{example_stem}-{_EXAMPLE_AGENCY_SLUG}.xlsx."
        )),
        GuideLine("text", (
            "• Gửi file đúng thời hạn ghi trong công văn hướng dẫn của Bộ Khoa học và Công "
            "nghệ, cùng các hồ sơ mà công văn yêu cầu."
        )),
        GuideLine("text", (
            f"• Giữ nguyên cấu trúc: không đổi tên sheet {names}, không thêm, xóa hoặc đổi "
            "thứ tự cột, không xóa các dòng tiêu đề, không xóa hoặc đổi tên sheet, kể cả "
            "sheet ẩn (dùng để máy nhận biết biểu mẫu)."
        )),
        GuideLine("text", (
            "• Gõ tiếng Việt Unicode, phông Times New Roman; không dùng phông .VnTime, VNI. "
            "Có thể dùng Microsoft Excel, LibreOffice Calc hoặc Google Sheets (tải về "
            "dạng .xlsx)."
        )),
        GuideLine("heading", "BẢO VỆ SHEET"),
        GuideLine("text", (
            f"• Các sheet {names} được bảo vệ KHÔNG có mật khẩu, chỉ để tránh sửa nhầm tiêu "
            "đề và công thức. Ô nhập liệu vẫn nhập bình thường; vẫn được định dạng ô, đổi "
            "độ rộng cột, chiều cao dòng và chèn dòng."
        )),
        GuideLine("text", (
            "• Cấu trúc file (tên, thứ tự các sheet) cũng được khóa, không có mật khẩu."
        )),
        GuideLine("text", (
            "• Khi thật cần sửa phần bị khóa: Review (Xem lại) > Unprotect Sheet (Bỏ bảo "
            "vệ trang tính) hoặc Protect Workbook (Bảo vệ sổ làm việc), không cần mật khẩu; "
            "sửa xong bật lại bảo vệ."
        )),
    ]


def _issue(form: TableForm, sheets: list[str]) -> list[GuideLine]:
    """How the Ministry issues a form of its own (Form C): no agency fills it in, signs
    it or sends it."""
    names = ", ".join(f"\"{s}\"" for s in sheets)
    return [
        GuideLine("heading", "BAN HÀNH"),
        GuideLine("text", (
            f"• {form.name} do Ủy ban Tiêu chuẩn Đo lường Chất lượng Quốc gia (Bộ Khoa học "
            "và Công nghệ) lập và công bố kèm theo thông báo kết quả tuyển chọn; các bộ, "
            "ngành, địa phương không điền và không gửi biểu mẫu này."
        )),
        GuideLine("text", (
            "• Ghi số và ngày của thông báo vào dòng \"(Kèm theo Thông báo số …)\" dưới "
            "tiêu đề. Phụ lục không có phần ký: chữ ký và con dấu ở văn bản thông báo."
        )),
        GuideLine("text", (
            "• Lưu dạng Excel .xlsx để lưu trữ; khi đăng tải, xuất PDF khổ A4, hướng ngang, "
            "vừa một trang theo chiều ngang (ẩn các dòng trống còn thừa trước khi xuất)."
        )),
        GuideLine("heading", "BẢO VỆ SHEET"),
        GuideLine("text", (
            f"• {'Sheet' if len(sheets) == 1 else 'Các sheet'} {names} được bảo vệ KHÔNG có "
            "mật khẩu, chỉ để tránh sửa nhầm tiêu đề. Ô nhập liệu vẫn nhập bình thường; khi "
            "thật cần sửa phần bị khóa: Review "
            "(Xem lại) > Unprotect Sheet (Bỏ bảo vệ trang tính), không cần mật khẩu."
        )),
    ]


def _ministry_rules(form: TableForm) -> list[GuideLine]:
    """The rules of a table the Ministry fills in itself (Form C)."""
    lines = [GuideLine("text", (
        "• Mỗi dòng là một nhiệm vụ đã được phê duyệt đưa vào danh mục tuyển chọn, theo thứ "
        f"tự của quyết định phê duyệt; {form.columns[0].header} ghi liên tục 1, 2, 3 …"
    ))]
    for column in form.columns:
        if column.type == "duration" and column.min is not None and column.max is not None:
            lines.append(GuideLine("text", (
                f"• {column.header}: số nguyên từ {column.min:g} đến {column.max:g} "
                f"({column.unit}), theo quyết định phê duyệt."
            )))
    lines.append(GuideLine("text", (
        f"• Vùng nhập có sẵn {form.input_rows} dòng kẻ khung; không để dòng trống xen giữa, "
        "không gộp ô (merge)."
    )))
    return lines


def guide_lines(form: TableForm | ReportForm, *, year: int, example_stem: str,
                target: Target = "excel") -> list[GuideLine]:
    """The content of the guide sheet for ``form`` (for the Excel template, or for the
    Google Sheets one, which is filled in online instead of saved and sent)."""
    lines = [GuideLine("heading", f"HƯỚNG DẪN ĐIỀN BIỂU MẪU: {form.name.upper()}")]
    if form.submitted_by == "agency":
        lines.append(GuideLine("text", (
            f"• Thay dòng \"{form.agency_placeholder}\" ở góc trên bên trái bằng tên cơ quan "
            "mình (ví dụ \"BỘ CÔNG THƯƠNG\", \"UBND TỈNH NGHỆ AN\"). Thiếu tên cơ quan là "
            "lỗi: Bộ không tổng hợp được file."
        )))
    if isinstance(form, TableForm):
        lines.append(GuideLine("text", (
            f"Điền vào sheet \"{form.sheet}\", bắt đầu từ dòng ngay dưới hàng số thứ tự cột "
            f"(1), (2) … Năm của biểu mẫu: {year}."
        )))
        lines.append(GuideLine("heading", "CÁCH ĐIỀN TỪNG CỘT"))
        lines.append(GuideLine("column", cells=("Cột", "Tên cột", "Bắt buộc", "Cách ghi")))
        for i, column in enumerate(form.columns, start=1):
            header = f"{column.group}: {column.header}" if column.group else column.header
            required = "Tự tính" if column.computed else ("Có" if column.required else "Không")
            lines.append(GuideLine("column", cells=(f"({i})", header, required, column.help)))
        lines.append(GuideLine("heading", "QUY TẮC"))
        if form.submitted_by == "ministry":
            lines.extend(_ministry_rules(form))
            lines.extend(_issue(form, [form.sheet]))
            return lines
        lines.extend(_table_rules(form, target))
        sheets = [form.sheet]
    else:
        lines.append(GuideLine("text", (
            f"Biểu mẫu gồm hai sheet: \"{form.sheet}\" (nội dung báo cáo theo đề cương) và "
            f"\"{form.indicator_sheet}\" (số liệu). Năm báo cáo: {year}."
        )))
        lines.append(GuideLine("heading", f"SHEET \"{form.sheet.upper()}\""))
        lines.append(GuideLine("text", (
            "• Ghi nội dung vào ô có khung ngay dưới mỗi mục của đề cương (I, II, III, IV). "
            "Các dòng chữ nghiêng là yêu cầu của đề cương đối với mục đó."
        )))
        lines.append(GuideLine("text", (
            "• Trong một ô, xuống dòng bằng Alt+Enter. Nội dung dài: kéo giãn chiều cao "
            "dòng để in đủ chữ."
        )))
        headers = form.indicator_headers_for(year)
        lines.append(GuideLine("heading", f"SHEET \"{form.indicator_sheet.upper()}\""))
        lines.append(GuideLine("text", (
            f"• Mỗi chỉ tiêu ghi hai số: cột \"{headers[3]}\" (kết quả trong năm) và cột "
            f"\"{headers[4]}\" (cộng dồn từ năm {form.program_start_year}). Lũy kế năm nay "
            "= lũy kế năm trước + số của năm nay, nên không nhỏ hơn số của năm; ô lũy kế "
            "nhỏ hơn số của năm tô màu đỏ nhạt."
        )))
        lines.append(GuideLine("text", (
            "• Số lượng là số nguyên ≥ 0; kinh phí ghi bằng triệu đồng, được ghi số thập "
            "phân; tỷ lệ ghi bằng phần trăm từ 0 đến 100 (chỉ gõ số, không gõ dấu %). Chỉ "
            "tiêu không có số liệu thì để trống và ghi lý do vào cột Ghi chú."
        )))
        for group in form.groups:
            for indicator in group.indicators:
                if indicator.computed:
                    parts = [form.indicator(k).name for k in indicator.computed_from]
                    lines.append(GuideLine("text", (
                        f"• {indicator.name} ({indicator.unit}) tự tính = "
                        f"{' + '.join(parts)}; không gõ đè vào ô này."
                    )))
        sheets = [form.sheet, form.indicator_sheet]
    lines.extend(_work_online(sheets) if target == "google"
                 else _save_and_send(sheets, example_stem))
    return lines


def write_guide_sheet(
    workbook: WorkbookPlan, styles: Styles, form: TableForm | ReportForm, *, year: int,
    example_stem: str, target: Target = "excel",
) -> list[GuideLine]:
    """Add the guide sheet to ``workbook``; return the lines written."""
    worksheet = workbook.add_sheet(GUIDE_SHEET)
    widths = list(_WIDTHS)
    for i, width in enumerate(widths):
        worksheet.set_column(i, i, width)
    whole = (0, len(widths) - 1)
    total = float(sum(widths))
    lines = guide_lines(form, year=year, example_stem=example_stem, target=target)
    row = 0
    for index, line in enumerate(lines):
        if line.kind == "heading":
            if index:
                row += 1
            size = TITLE_SIZE if index == 0 else HEADING_SIZE
            write_merged(worksheet, row, whole, line.text, styles.guide_heading())
            worksheet.set_row(row, row_height(line.text, total, size, bold_caps=True))
        elif line.kind == "text":
            write_merged(worksheet, row, whole, line.text, styles.guide_text())
            worksheet.set_row(row, row_height(line.text, total, BODY_SIZE))
        else:
            is_head = line.cells[0] == "Cột"
            fmt = styles.guide_label() if is_head else styles.guide_cell()
            height = 0.0
            for c, text in enumerate(line.cells):
                worksheet.write_text(row, c, text, fmt)
                height = max(height, row_height(text, widths[c], BODY_SIZE))
            worksheet.set_row(row, height)
        row += 1
    worksheet.page = PageSetup(landscape=False)
    worksheet.protection = "input"
    return lines
