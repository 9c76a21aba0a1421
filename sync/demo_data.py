"""Sample submissions for ``nscl demo``: about a dozen agencies answering the call for
proposals of the 2027 round (deadline 17:00, 27/03/2026), then a consolidation run.

The content follows the priority areas of the call (seed 001): productivity policy,
communication and the National Productivity Forum, helping enterprises apply standards
and management systems (ISO 9001, ISO 14001, green productivity, circular economy),
training productivity experts, and national standards (TCVN) for smart production, AI,
chips, halal, OCOP. The files mix the official template (``nscl.template_build``) and
tables retyped by clerks (other header spellings, NFD text, numbers typed as text), one
legacy .xls (LibreOffice), two versions of one agency, one late file, typical mistakes,
two files that cannot be read, one workbook sent inside a .zip, and expected agencies
that sent nothing.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sync.config import SyncConfig, load_config

__all__ = [
    "DEMO_DEADLINE",
    "DEMO_YEAR",
    "DemoOutput",
    "DemoRefusedError",
    "Task",
    "generate_tasks",
    "task_rows",
    "write_demo",
    "write_submission",
]

DEMO_YEAR = 2027
VN = timezone(timedelta(hours=7))
DEMO_DEADLINE = datetime(2026, 3, 27, 17, 0, tzinfo=VN)
_MARKER = ".nscl-demo"
_LATER = ".gui-sau"  # files that arrive after the first run


class DemoRefusedError(RuntimeError):
    """The output folder holds something else: the demo will not overwrite it."""


@dataclass(frozen=True)
class Task:
    """One proposed task (Form A row) as an agency would type it."""

    name: str
    lead: str
    objectives: str
    content: str
    results: str
    months: int | str
    state: float | str | None
    counter: float | str | None
    notes: str = ""
    total: float | str | None = None  # only retyped tables carry a typed total


@dataclass(frozen=True)
class Agency:
    """One demo submitter and how its file is made."""

    code: str
    file: str
    layout: str  # "template", "retyped", "xls"
    received: datetime
    tasks: tuple[Task, ...]
    header: str = ""  # agency line of a retyped table
    nfd: bool = False  # typed with a decomposed-Unicode input method
    story: str = ""  # what the demo shows with this file (Vietnamese)
    later: bool = False  # arrives after the first consolidation run
    money_unit: str = "triệu đồng"  # unit in a retyped table's money header


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


AGENCIES: tuple[Agency, ...] = (
    Agency("bo-cong-thuong", "BCT/De xuat nhiem vu 2027 - Bo Cong Thuong.xlsx", "template",
           _at(20, 10, 15), (
        Task("Hỗ trợ doanh nghiệp ngành dệt may áp dụng ISO 14001 và công cụ năng suất xanh "
             "để giảm phát thải khí nhà kính",
             "Viện Nghiên cứu Chiến lược, Chính sách Công Thương; phối hợp: Hiệp hội Dệt May "
             "Việt Nam",
             "Giảm 10% tiêu hao năng lượng và phát thải tại 20 doanh nghiệp dệt may",
             "Đánh giá hiện trạng; đào tạo, tư vấn áp dụng ISO 14001, năng suất xanh; kiểm kê "
             "khí nhà kính; xây dựng 05 mô hình điểm",
             "20 doanh nghiệp áp dụng ISO 14001; 05 mô hình điểm; sổ tay hướng dẫn",
             24, 3500, 1800),
        Task("Nghiên cứu cơ chế, chính sách thúc đẩy năng suất các ngành công nghiệp chế biến, "
             "chế tạo dựa trên đổi mới sáng tạo",
             "Viện Nghiên cứu Chiến lược, Chính sách Công Thương",
             "Đề xuất chính sách nâng cao tỷ trọng đóng góp của TFP trong công nghiệp chế biến",
             "Phân tích năng suất, TFP của 10 phân ngành; kinh nghiệm quốc tế; đề xuất chính "
             "sách",
             "Báo cáo kiến nghị chính sách; 02 bài báo khoa học", 18, 1200, 0),
        Task("Hỗ trợ doanh nghiệp sản xuất thiết bị điện áp dụng hệ thống quản lý chất lượng "
             "ISO 9001 tích hợp chuyển đổi số",
             "Trung tâm Năng suất chất lượng Công Thương; phối hợp: 15 doanh nghiệp",
             "Nâng cao năng suất lao động tối thiểu 8% tại doanh nghiệp tham gia",
             "Đào tạo, tư vấn ISO 9001; số hóa quy trình; đánh giá hiệu quả",
             "15 doanh nghiệp được chứng nhận ISO 9001:2015", 24, 2400, 1600),
    ), story="mẫu chính thức, không lỗi"),
    Agency("bo-khoa-hoc-va-cong-nghe", "BKHCN - Bang tong hop de xuat.xlsx", "template",
           _at(25, 15, 40), (
        Task("Xây dựng tiêu chuẩn quốc gia (TCVN) về hệ thống quản lý trí tuệ nhân tạo và "
             "đánh giá sự phù hợp",
             "Viện Tiêu chuẩn Chất lượng Việt Nam",
             "Ban hành 04 TCVN hài hòa với ISO/IEC 42001 và bộ tiêu chuẩn liên quan",
             "Nghiên cứu, chuyển đổi tiêu chuẩn quốc tế; lấy ý kiến; hoàn thiện dự thảo",
             "04 dự thảo TCVN; hướng dẫn áp dụng", 18, 1800, 0),
        Task("Xây dựng TCVN cho chíp bán dẫn và sản phẩm halal phục vụ xuất khẩu",
             "Viện Tiêu chuẩn Chất lượng Việt Nam; phối hợp: Trung tâm Chứng nhận Halal quốc "
             "gia",
             "Hoàn thiện hệ thống TCVN cho hai nhóm sản phẩm ưu tiên",
             "Rà soát tiêu chuẩn quốc tế, khu vực; xây dựng 06 dự thảo TCVN",
             "06 dự thảo TCVN; báo cáo năng lực đánh giá sự phù hợp halal", 24, 2100, 300),
        Task("Tổ chức Diễn đàn Năng suất quốc gia năm 2027 và hội thảo vùng về năng suất xanh",
             "Viện Năng suất Việt Nam",
             "Nâng cao nhận thức về năng suất chất lượng tại 06 vùng kinh tế",
             "01 diễn đàn quốc gia (500 đại biểu); 06 hội thảo vùng (150 đại biểu/hội thảo)",
             "Kỷ yếu diễn đàn; 06 hội thảo; 01 bài báo khoa học", 12, 3200, 500),
    ), story="mẫu chính thức, không lỗi"),
    Agency("bo-y-te", "Bo Y te/DX nhiem vu 1322 nam 2027.xlsx", "retyped", _at(26, 9, 5), (
        Task("Hỗ trợ doanh nghiệp sản xuất trang thiết bị y tế áp dụng ISO 13485",
             "Viện Trang thiết bị và Công trình y tế",
             "30 doanh nghiệp áp dụng ISO 13485, giảm 15% tỷ lệ sản phẩm lỗi",
             "Khảo sát; đào tạo; tư vấn áp dụng; đánh giá",
             "30 doanh nghiệp áp dụng thành công; tài liệu hướng dẫn", "24 tháng", 1500, 600,
             total=2000),
        Task("Đào tạo chuyên gia năng suất cho các doanh nghiệp dược phẩm",
             "Trường Đại học Dược Hà Nội",
             "Đào tạo 40 chuyên gia năng suất ngành dược",
             "Xây dựng chương trình; tổ chức 04 khóa đào tạo; đánh giá, cấp chứng chỉ",
             "40 chuyên gia được cấp chứng chỉ", "18 tháng", 900, 100, total=1000),
    ), header="BỘ Y TẾ",
       story="bảng tự gõ lại; Tổng số gõ tay sai (2.000 ≠ 1.500 + 600)"),
    Agency("bo-giao-duc-va-dao-tao", "Bo GDDT.xlsx", "template", _at(24, 11, 30), (
        Task("Phát triển học phần năng suất chất lượng trong chương trình đào tạo khối ngành "
             "kỹ thuật",
             "Trường Đại học Bách khoa Hà Nội; phối hợp: Đại học Đà Nẵng, Trường Đại học Bách "
             "khoa - ĐHQG TP.HCM",
             "Đưa kiến thức năng suất chất lượng vào chương trình đào tạo của 03 trường",
             "Xây dựng học phần, giáo trình; đào tạo giảng viên; giảng dạy thí điểm",
             "01 học phần, 01 giáo trình; 03 trường áp dụng", 24, 1600, 200),
        Task("Bồi dưỡng kỹ năng cải tiến năng suất cho giảng viên cao đẳng nghề",
             "Trường Cao đẳng Kỹ thuật Cao Thắng",
             "Bồi dưỡng 120 giảng viên về công cụ cải tiến năng suất (5S, Kaizen, Lean)",
             "Tổ chức 06 lớp bồi dưỡng; biên soạn tài liệu",
             "120 giảng viên được bồi dưỡng", 12, 850, None),
    ), story="mẫu chính thức; thiếu kinh phí Đối ứng ở một dòng"),
    Agency("bo-nong-nghiep-va-moi-truong", "Bo NN va MT - de xuat 2027.xlsx", "retyped",
           _at(27, 16, 10), (
        Task("Hỗ trợ hợp tác xã áp dụng VietGAP và truy xuất nguồn gốc cho sản phẩm OCOP",
             "Cục Chất lượng, Chế biến và Phát triển thị trường",
             "50 hợp tác xã áp dụng VietGAP, 20 sản phẩm OCOP có truy xuất nguồn gốc",
             "Đào tạo; tư vấn áp dụng; hỗ trợ hệ thống truy xuất",
             "50 hợp tác xã đạt chứng nhận VietGAP", 24, "1.250,5", "350",
             notes="=> Đã có cam kết đối ứng của 12 hợp tác xã"),
        Task("Năng suất xanh và kinh tế tuần hoàn trong chế biến nông sản",
             "Viện Cơ điện nông nghiệp và Công nghệ sau thu hoạch",
             "Giảm 20% phụ phẩm thải bỏ tại 10 doanh nghiệp chế biến",
             "Đánh giá dòng vật chất; áp dụng giải pháp tái chế, tái sử dụng",
             "10 mô hình kinh tế tuần hoàn", "30 tháng", "2.400", "1.100"),
    ), header="BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
       story="bảng tự gõ; số tiền gõ dạng chữ kiểu Việt (1.250,5); ghi chú bắt đầu bằng «=»"),
    Agency("tinh-nghe-an", "Nghe An/UBND tinh Nghe An - de xuat.xlsx", "template",
           _at(30, 9, 15), (
        Task("Hỗ trợ doanh nghiệp chế biến gỗ tỉnh Nghệ An áp dụng công cụ cải tiến năng suất",
             "Sở Khoa học và Công nghệ tỉnh Nghệ An",
             "Tăng năng suất lao động 10% tại 15 doanh nghiệp chế biến gỗ",
             "Đào tạo Lean, 5S; tư vấn tại doanh nghiệp; nhân rộng mô hình",
             "15 doanh nghiệp áp dụng; 03 mô hình điểm", 18, 1100, 700),
        Task("Truyền thông về năng suất chất lượng trên báo điện tử, mạng xã hội năm 2027",
             "Trung tâm Truyền thông tỉnh Nghệ An",
             "Nâng cao nhận thức về năng suất chất lượng cho doanh nghiệp của tỉnh",
             "Sản xuất tin, bài, video; chuyên mục trên báo điện tử",
             "150 tin bài; 10 video", 12, 500, 0),
    ), story="mẫu chính thức, nộp muộn (30/03/2026); nhiệm vụ truyền thông gần trùng với "
             "nhiệm vụ của TP. Hồ Chí Minh"),
    Agency("tp-ha-noi", "Ha Noi.xlsx", "template", _at(18, 14, 0), (
        Task("Nâng cao năng suất chất lượng cho doanh nghiệp công nghiệp hỗ trợ trên địa bàn "
             "Hà Nội",
             "Trung tâm Hỗ trợ doanh nghiệp công nghiệp hỗ trợ Hà Nội",
             "30 doanh nghiệp công nghiệp hỗ trợ đáp ứng yêu cầu chuỗi cung ứng toàn cầu",
             "Đánh giá; tư vấn ISO 9001, IATF 16949; kết nối chuỗi",
             "30 doanh nghiệp được hỗ trợ; 10 doanh nghiệp vào chuỗi cung ứng", 24, 2600, 2000),
        Task("Xây dựng mô hình nhà máy thông minh cho doanh nghiệp cơ khí",
             "Viện Cơ khí Hà Nội",
             "03 mô hình nhà máy thông minh làm điểm nhân rộng",
             "Khảo sát; thiết kế giải pháp; triển khai thí điểm",
             "03 mô hình; tài liệu hướng dẫn", 30, 3000, 3500),
    ), story="mẫu chính thức, không lỗi"),
    Agency("tp-ho-chi-minh", "TPHCM/De xuat nhiem vu TP HCM.xls", "xls", _at(26, 17, 20), (
        Task("Hỗ trợ doanh nghiệp xuất khẩu áp dụng tiêu chuẩn halal",
             "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3",
             "20 doanh nghiệp thực phẩm được chứng nhận halal",
             "Đào tạo; tư vấn; đánh giá chứng nhận", "20 doanh nghiệp được chứng nhận",
             "24", 1900, 900),
        Task("Truyền thông năng suất chất lượng trên báo điện tử và mạng xã hội năm 2027",
             "Sở Khoa học và Công nghệ TP. Hồ Chí Minh",
             "Nâng cao nhận thức về năng suất chất lượng cho doanh nghiệp",
             "Sản xuất tin, bài, video; tọa đàm trực tuyến", "200 tin bài; 12 video; 04 tọa đàm",
             "12", 600, 0),
    ), header="UBND TP. HỒ CHÍ MINH",
       story="tệp Excel đời cũ (.xls), chuyển bằng LibreOffice"),
    Agency("tinh-thanh-hoa", "Thanh Hoa - de xuat NSCL.xlsx", "retyped", _at(22, 8, 45), (
        Task("Hỗ trợ doanh nghiệp sản xuất xi măng áp dụng ISO 50001 quản lý năng lượng",
             "Sở Khoa học và Công nghệ tỉnh Thanh Hóa",
             "Giảm 5% tiêu hao năng lượng tại 06 doanh nghiệp", "Đánh giá năng lượng; tư vấn "
             "ISO 50001", "06 doanh nghiệp áp dụng ISO 50001", "18 tháng", 950_000_000,
             550_000_000, total=1_500_000_000),
    ), header="ỦY BAN NHÂN DÂN TỈNH THANH HOÁ", money_unit="đồng",
       story="bảng tự gõ; tên tỉnh viết «Thanh Hoá» (dấu đặt kiểu cũ); kinh phí ghi theo "
             "đồng, không theo triệu đồng"),
    Agency("tinh-quang-ninh", "Quang Ninh/Quang Ninh - ban 1.xlsx", "template",
           _at(19, 10, 0), (
        Task("Hỗ trợ doanh nghiệp du lịch, dịch vụ áp dụng tiêu chuẩn quốc gia về dịch vụ "
             "thông minh",
             "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
             "Nâng cao chất lượng dịch vụ tại 20 doanh nghiệp du lịch",
             "Đào tạo; tư vấn áp dụng TCVN về dịch vụ thông minh", "20 doanh nghiệp áp dụng",
             12, 700, None),
    ), story="bản 1 thiếu kinh phí Đối ứng"),
    Agency("tinh-quang-ninh", "Quang Ninh/Quang Ninh - ban 2 (da sua).xlsx", "template",
           _at(23, 15, 30), (
        Task("Hỗ trợ doanh nghiệp du lịch, dịch vụ áp dụng tiêu chuẩn quốc gia về dịch vụ "
             "thông minh",
             "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
             "Nâng cao chất lượng dịch vụ tại 20 doanh nghiệp du lịch",
             "Đào tạo; tư vấn áp dụng TCVN về dịch vụ thông minh", "20 doanh nghiệp áp dụng",
             12, 700, 300),
        Task("Đào tạo chuyên gia năng suất cho doanh nghiệp du lịch vùng Đông Bắc",
             "Trường Đại học Hạ Long",
             "Đào tạo 30 chuyên gia năng suất cho ngành du lịch",
             "Xây dựng chương trình; 03 khóa đào tạo; đánh giá, cấp chứng chỉ",
             "30 chuyên gia được cấp chứng chỉ", 18, 650, 150),
    ), later=True, story="bản 2 đã sửa, gửi sau lần tổng hợp thứ nhất"),
    Agency("tp-da-nang", "Da Nang.xlsx", "retyped", _at(21, 13, 10), (
        Task("Hỗ trợ doanh nghiệp thủy sản áp dụng năng suất xanh",
             "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Đà Nẵng",
             "Giảm 15% nước thải tại 08 doanh nghiệp chế biến thủy sản",
             "Đánh giá; tư vấn giải pháp năng suất xanh", "08 doanh nghiệp áp dụng",
             "24 tháng", 1300, 800, total=2100),
    ), header="UBND THÀNH PHỐ ĐÀ NẴNG", nfd=True,
       story="bảng tự gõ bằng bộ gõ Unicode tổ hợp (NFD)"),
    Agency("tinh-lam-dong", "Lam Dong.xlsx", "template", _at(26, 10, 50), (
        Task("Xây dựng TCVN và hỗ trợ chứng nhận sản phẩm OCOP cà phê đặc sản",
             "Sở Khoa học và Công nghệ tỉnh Lâm Đồng",
             "Chuẩn hóa chất lượng cà phê đặc sản OCOP", "Xây dựng dự thảo TCVN; hỗ trợ 30 "
             "cơ sở", "01 dự thảo TCVN; 30 cơ sở đạt chứng nhận", 84, 1400, 600),
    ), story="mẫu chính thức; thời gian thực hiện 84 tháng (quá 72)"),
)

# Expected agencies that send nothing they can be counted for (Cà Mau's file is
# unreadable, Hà Tĩnh's is a .zip: both count as missing).
SILENT = ("bo-tai-chinh", "bo-xay-dung", "tinh-ha-tinh", "tp-can-tho", "tinh-ca-mau")


@dataclass
class DemoOutput:
    """What the demo wrote."""

    root: Path
    inbox: Path
    config_path: Path
    config: SyncConfig
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    later: list[tuple[Path, Path, datetime]] = field(default_factory=list)

    def deliver_later(self) -> list[Path]:
        """Move the files that arrive after the first run into the inbox."""
        delivered: list[Path] = []
        for staged, target, received in self.later:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged, target)
            _touch(target, received)
            delivered.append(target)
        self.later = []
        return delivered


def _set_text(cell: Any, value: str) -> None:
    """Store text as text, even when it starts with "=" (openpyxl would make a formula)."""
    cell.value = value
    cell.data_type = "s"


def _fill_rows(ws: Any, first_row: int, first_col: int, keys: list[str],
               tasks: tuple[Task, ...], *, nfd: bool) -> None:
    """Write tasks as a clerk retyping the table would, from 1-based ``first_row``
    (``keys``: the column keys in order), with the total typed by hand."""

    def text(value: Any) -> Any:
        return unicodedata.normalize("NFD", value) if nfd and isinstance(value, str) else value

    for r, (task, values) in enumerate(zip(tasks, task_rows(tasks), strict=True),
                                       start=first_row):
        values["total"] = task.total
        for j, key in enumerate(keys):
            value = text(values.get(key))
            cell = ws.cell(row=r, column=first_col + j)
            if isinstance(value, str):
                _set_text(cell, value)
            elif value is not None:
                cell.value = value


def _template_file(path: Path, agency: Agency, year: int) -> None:
    """The official template, filled in (Tổng số is left to the template's formula)."""
    write_submission(path, agency_code=agency.code, year=year, tasks=agency.tasks)


def _retyped_file(path: Path, agency: Agency, year: int) -> None:
    """A table typed by a clerk: own sheet name, header spellings from the form's aliases."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from nscl.forms import form_a

    form = form_a()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "DM de xuat"
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)

    def text(value: str) -> str:
        return unicodedata.normalize("NFD", value) if agency.nfd else value

    ws["A1"] = text(agency.header)
    ws["A1"].font = bold
    ws["A3"] = text(form.title_for(year))
    ws["A3"].font = bold
    ws["A3"].alignment = Alignment(wrap_text=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(form.columns))
    keys = [c.key for c in form.columns]
    for j, col in enumerate(form.columns, start=1):
        header = col.aliases[0] if col.aliases else col.header
        if col.group:
            group = col.group.replace("(triệu đồng)", f"({agency.money_unit})")
            ws.cell(row=5, column=j, value=text(group)).font = bold
            ws.cell(row=6, column=j, value=text(header)).font = bold
        else:
            ws.cell(row=5, column=j, value=text(header)).font = bold
        ws.column_dimensions[get_column_letter(j)].width = col.width
    _fill_rows(ws, 7, 1, keys, agency.tasks, nfd=agency.nfd)
    for row in ws.iter_rows(min_row=7, max_row=6 + len(agency.tasks)):
        for cell in row:
            cell.font = font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


def _touch(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def _prepare(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).exists():
            raise DemoRefusedError(
                f"Thư mục «{out}» đã có dữ liệu khác; chọn thư mục khác cho --out."
            )
        for name in ("inbox", "state", "master", "outbox", _LATER, "bao-cao-nam", "cong-bo"):
            shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("Thư mục do «nscl demo» tạo; chạy lại demo sẽ ghi đè.\n",
                               encoding="utf-8")


def write_demo(out: Path, *, year: int = DEMO_YEAR) -> DemoOutput:
    """Write the demo inbox and config under ``out``; return where things are."""
    from nscl.libreoffice import LibreOfficeError, convert, find_soffice

    out = out.resolve()
    _prepare(out)
    inbox = out / "inbox"
    inbox.mkdir()
    files: list[Path] = []
    notes: list[str] = []
    soffice = find_soffice() is not None
    later: list[tuple[Path, Path, datetime]] = []
    for agency in AGENCIES:
        path = inbox / agency.file
        if agency.later:
            target, path = path, out / _LATER / agency.file
            later.append((path, target, agency.received))
        path.parent.mkdir(parents=True, exist_ok=True)
        if agency.layout == "template":
            _template_file(path, agency, year)
        elif agency.layout == "retyped":
            _retyped_file(path, agency, year)
        else:  # legacy .xls: typed as .xlsx, saved by LibreOffice in the Excel 97 format
            staged = out / "state" / "demo-tmp" / (Path(agency.file).stem + ".xlsx")
            staged.parent.mkdir(parents=True, exist_ok=True)
            _retyped_file(staged, agency, year)
            if soffice:
                try:
                    converted = convert(staged, "xls:MS Excel 97", staged.parent)
                    shutil.move(converted, path)
                except LibreOfficeError as exc:
                    path = path.with_suffix(".xlsx")
                    shutil.move(staged, path)
                    notes.append(f"Không tạo được tệp .xls ({exc}); dùng .xlsx thay thế.")
            else:
                path = path.with_suffix(".xlsx")
                shutil.move(staged, path)
                notes.append("Không có LibreOffice: tệp .xls đời cũ được thay bằng .xlsx.")
            shutil.rmtree(staged.parent, ignore_errors=True)
        _touch(path, agency.received)
        files.append(path)
        notes.append(f"{agency.file}: {agency.story}")

    # Files that cannot be read: a truncated workbook and a text file named .xlsx.
    good = files[0].read_bytes()
    truncated = inbox / "Ca Mau" / "UBND tinh Ca Mau.xlsx"
    truncated.parent.mkdir(parents=True, exist_ok=True)
    truncated.write_bytes(good[: len(good) // 3])
    _touch(truncated, _at(26, 22, 5))
    notes.append(f"{truncated.relative_to(inbox)}: tệp bị cắt cụt khi gửi (không mở được)")
    not_sheet = inbox / "Bao cao tien do.xlsx"
    not_sheet.write_text("Báo cáo tiến độ: xem thư điện tử kèm theo.\n", encoding="utf-8")
    _touch(not_sheet, _at(25, 8, 0))
    notes.append(f"{not_sheet.relative_to(inbox)}: không phải bảng tính")
    # Hà Tĩnh sends its workbook inside a .zip: listed, not consolidated (still missing).
    packed = inbox / "Ha Tinh" / "De xuat 2027 - UBND tinh Ha Tinh.zip"
    packed.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("De xuat 2027 - UBND tinh Ha Tinh.xlsx", good)
    _touch(packed, _at(26, 9, 30))
    notes.append(f"{packed.relative_to(inbox)}: gửi tệp nén thay vì tệp bảng tính (được liệt "
                 "kê, không tổng hợp)")
    lock = inbox / "BCT" / "~$De xuat nhiem vu 2027 - Bo Cong Thuong.xlsx"
    lock.write_bytes(b"\x00" * 162)
    files.extend([truncated, not_sheet, packed])

    expected = list(dict.fromkeys([a.code for a in AGENCIES] + list(SILENT)))
    config_path = out / "nscl.toml"
    codes = ",\n".join(f'    "{c}"' for c in expected)
    config_path.write_text(
        "# Cấu hình mẫu do «nscl demo» tạo (xem nscl.example.toml để biết mọi mục).\n"
        "[sync]\n"
        'inbox = "inbox"\n'
        f'master = "master/bang-tong-hop-{year}.xlsx"\n'
        'state = "state"\n'
        'outbox = "outbox"\n'
        f"year = {year}\n"
        f"deadline = {DEMO_DEADLINE.isoformat()}\n"
        'form = "A"\n\n'
        "[agencies]\n"
        "# Các đơn vị phải nộp; bỏ mục này để dùng mọi bộ, ngành, địa phương đang tồn tại.\n"
        f"expected = [\n{codes},\n]\n",
        encoding="utf-8",
    )
    return DemoOutput(root=out, inbox=inbox, config_path=config_path,
                      config=load_config(config_path), files=files, notes=notes, later=later)


_SUBJECTS = (
    "doanh nghiệp chế biến thủy sản", "doanh nghiệp dệt may", "hợp tác xã nông nghiệp",
    "doanh nghiệp cơ khí chế tạo", "doanh nghiệp sản xuất sản phẩm OCOP",
    "doanh nghiệp công nghiệp hỗ trợ", "doanh nghiệp chế biến gỗ", "doanh nghiệp du lịch",
    "doanh nghiệp sản xuất linh kiện điện tử", "doanh nghiệp dược phẩm",
)
_ACTIONS = (
    ("Hỗ trợ {s} áp dụng hệ thống quản lý chất lượng ISO 9001",
     "Đào tạo, tư vấn áp dụng ISO 9001; đánh giá nội bộ; chứng nhận"),
    ("Hỗ trợ {s} áp dụng ISO 14001 và năng suất xanh",
     "Đánh giá môi trường; tư vấn ISO 14001; giải pháp năng suất xanh"),
    ("Nâng cao năng suất cho {s} bằng công cụ Lean, 5S, Kaizen",
     "Đào tạo công cụ cải tiến; tư vấn tại doanh nghiệp; nhân rộng mô hình điểm"),
    ("Kinh tế tuần hoàn và giảm phát thải khí nhà kính cho {s}",
     "Kiểm kê khí nhà kính; giải pháp tái chế, tái sử dụng; đánh giá hiệu quả"),
    ("Xây dựng tiêu chuẩn quốc gia phục vụ {s}",
     "Rà soát tiêu chuẩn quốc tế; xây dựng dự thảo TCVN; lấy ý kiến"),
    ("Đào tạo chuyên gia năng suất cho {s}",
     "Xây dựng chương trình; tổ chức khóa đào tạo; đánh giá, cấp chứng chỉ"),
)
_LEADS = (
    "Viện Năng suất Việt Nam", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1",
    "Sở Khoa học và Công nghệ", "Trường Đại học Bách khoa Hà Nội",
    "Trung tâm Hỗ trợ phát triển doanh nghiệp vừa và nhỏ 2",
)


def generate_tasks(count: int, *, seed: int = 0) -> list[Task]:
    """``count`` realistic, distinct Form A tasks (deterministic for a seed)."""
    import random

    rng = random.Random(seed)
    tasks: list[Task] = []
    for i in range(count):
        subject = _SUBJECTS[(seed + i) % len(_SUBJECTS)]
        name_t, content = _ACTIONS[(seed * 7 + i) % len(_ACTIONS)]
        n = rng.randint(5, 40)
        state = float(rng.randint(4, 60) * 50)
        counter = float(rng.randint(0, 40) * 50)
        tasks.append(Task(
            name=f"{name_t.format(s=subject)} (giai đoạn {i + 1})",
            lead=f"{_LEADS[i % len(_LEADS)]}; phối hợp: {n} doanh nghiệp",
            objectives=f"Nâng cao năng suất lao động tối thiểu {rng.randint(5, 15)}% tại {n} "
                       f"{subject}",
            content=content,
            results=f"{n} doanh nghiệp được hỗ trợ; {rng.randint(1, 5)} mô hình điểm; "
                    "tài liệu hướng dẫn",
            months=rng.choice((12, 15, 18, 24, 30, 36)),
            state=state, counter=counter,
        ))
    return tasks


def task_rows(tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """Tasks as Form A rows (values by column key), numbered from 1 in their order."""
    return [
        {"seq": i, "task_name": task.name or None, "lead_org": task.lead or None,
         "objectives": task.objectives or None, "main_content": task.content or None,
         "expected_results": task.results or None, "duration_months": task.months,
         "state_budget": task.state, "counterpart": task.counter,
         "notes": task.notes or None}
        for i, task in enumerate(tasks, start=1)
    ]


def write_submission(path: Path, *, agency_code: str, year: int,
                     tasks: Sequence[Task]) -> Path:
    """An agency's Form A submission: the official template (from
    :func:`nscl.template_build.filled.write_filled_table`) with ``tasks`` typed in."""
    from nscl.registry import get_agency
    from nscl.template_build.filled import write_filled_table

    path.parent.mkdir(parents=True, exist_ok=True)
    write_filled_table(path, task_rows(tasks), year=year, agency=get_agency(agency_code))
    return path
