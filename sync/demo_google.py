"""The Google part of ``nscl demo --google``: the nightly run collecting from a Google
Drive folder and writing the problems back, against the Google stand-in that the demo
starts on this machine (:mod:`nscl.google.standin`), so that it runs without an account.

The stand-in holds a shared drive with the folder "Chương trình 1322 - đề xuất 2027",
where the Ministry's service account published Form A as Google Sheets for two agencies
that sent nothing to the inbox folder: Bộ Tài chính (filled in correctly) and TP Cần
Thơ (in a sub-folder "Địa phương", with a lead organisation left out and an amount
typed as text). Bộ Xây dựng uploaded its Excel file, and a letter was put there as a
Google Docs document. Between the nights, Cần Thơ's clerk fixes the missing lead
organisation. ``[google]`` is added to the demo's ``nscl.toml``, pointing at the
stand-in (``api_root``) with ``writeback = true``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sync.demo_data import DEMO_DEADLINE, DEMO_YEAR, Task, task_rows, write_submission

__all__ = ["GoogleDemo", "start_google_demo"]

ROBOT = "nscl-1322@nscl-demo.iam.gserviceaccount.com"
OFFICER = "chuyen-vien@most.example.gov.vn"
CLERKS = {"tp-can-tho": "can-bo@cantho.example.gov.vn",
          "bo-tai-chinh": "can-bo@mof.example.gov.vn",
          "bo-xay-dung": "can-bo@moc.example.gov.vn"}

_TASKS: dict[str, tuple[Task, ...]] = {
    "bo-tai-chinh": (
        Task("Nghiên cứu cơ chế tài chính khuyến khích doanh nghiệp đầu tư nâng cao năng "
             "suất", "Viện Chiến lược và Chính sách tài chính",
             "Đề xuất cơ chế ưu đãi tài chính cho dự án năng suất",
             "Rà soát chính sách; khảo sát 200 doanh nghiệp; đề xuất sửa đổi",
             "Báo cáo đề xuất chính sách; dự thảo thông tư", 24, 2500.0, 0.0),
        Task("Hỗ trợ doanh nghiệp nhỏ và vừa áp dụng chuẩn mực kế toán quản trị chi phí "
             "năng suất", "Hiệp hội Kế toán và Kiểm toán Việt Nam",
             "Doanh nghiệp đo được chi phí và năng suất theo từng công đoạn",
             "Biên soạn tài liệu; đào tạo 300 kế toán viên; tư vấn 20 doanh nghiệp",
             "20 doanh nghiệp áp dụng; bộ tài liệu hướng dẫn", 18, 1800.0, 450.0),
    ),
    "tp-can-tho": (
        Task("Hỗ trợ doanh nghiệp chế biến thủy sản Cần Thơ áp dụng ISO 22000 và HACCP",
             "Sở Khoa học và Công nghệ TP Cần Thơ", "30 doanh nghiệp được chứng nhận",
             "Đánh giá hiện trạng; đào tạo; tư vấn áp dụng; chứng nhận",
             "30 doanh nghiệp đạt chứng nhận ISO 22000", 24, 3200.0, 1600.0),
        Task("Mô hình năng suất xanh cho hợp tác xã lúa gạo vùng Đồng bằng sông Cửu Long",
             "", "Giảm 15% chi phí sản xuất tại 10 hợp tác xã",
             "Khảo sát; áp dụng giải pháp năng suất xanh; nhân rộng mô hình",
             "10 mô hình điểm; tài liệu hướng dẫn", 30, "2.400", 800.0),
    ),
    "bo-xay-dung": (
        Task("Tiêu chuẩn quốc gia về vật liệu xây dựng xanh", "Viện Vật liệu xây dựng",
             "Hoàn thiện hệ thống TCVN cho vật liệu xây dựng xanh",
             "Rà soát tiêu chuẩn quốc tế; xây dựng 5 dự thảo TCVN",
             "05 dự thảo TCVN được công bố", 24, 2100.0, 300.0),
    ),
}
_CAN_THO_FIX = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ TP Cần Thơ"


@dataclass
class _Published:
    agency: str
    spreadsheet_id: str
    sheet: str
    first_row: int
    columns: tuple[str, ...]

    def a1(self, key: str, row: int = 0) -> str:
        from nscl.a1 import a1

        return a1(self.first_row + row, self.columns.index(key))


@dataclass
class GoogleDemo:
    """The running stand-in and what the demo put in its Drive."""

    stand_in: Any  # nscl.google.standin.StandIn
    folder_id: str
    key: Path
    published: dict[str, _Published] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the stand-in."""
        self.stand_in.stop()

    def config_text(self, root: Path) -> str:
        """The ``[google]`` table for the demo's ``nscl.toml``."""
        from nscl.google.urls import folder_url

        return (
            "\n[google]\n"
            "# Phần Google của «nscl demo --google»: Google Drive giả lập trên máy này, chỉ"
            " chạy\n# trong lúc demo. Với Google thật, xem docs/google.md.\n"
            f'credentials = "{self.key.relative_to(root).as_posix()}"\n'
            f'folder = "{folder_url(self.folder_id)}"\n'
            "writeback = true\n"
            f'api_root = "{self.stand_in.url}"\n'
        )

    def fix_between_nights(self) -> str:
        """Cần Thơ's clerk types the missing lead organisation; what happened."""
        sheet = self.published["tp-can-tho"]
        self.stand_in.type_in(sheet.spreadsheet_id, f"'{sheet.sheet}'!{sheet.a1('lead_org', 1)}",
                              [[_CAN_THO_FIX]], by=CLERKS["tp-can-tho"])
        return ("Trên Google Sheets, cán bộ TP Cần Thơ điền tổ chức chủ trì còn thiếu "
                f"(ô {sheet.a1('lead_org', 1)}).")

    def results_sheet(self, agency: str) -> list[list[Any]]:
        """What the agency sees in the sheet "Kết quả kiểm tra" of its spreadsheet."""
        from nscl.marking.results_sheet import RESULTS_SHEET

        spreadsheet = self.stand_in.spreadsheet(self.published[agency].spreadsheet_id)
        if spreadsheet.sheet_by_title(RESULTS_SHEET) is None:
            return []
        rows: list[list[Any]] = spreadsheet.value_range(f"'{RESULTS_SHEET}'!A1:F60")["values"]
        return rows


def _type_tasks(stand_in: Any, published: _Published, tasks: Sequence[Task], by: str) -> None:
    """A clerk types the tasks (Tổng số left to the template's formula)."""
    for i, row in enumerate(task_rows(tasks)):
        values = [row.get(key) if key != "total" else None for key in published.columns]
        values = [f"'{v}" if isinstance(v, str) else v for v in values]  # as typed text
        stand_in.type_in(published.spreadsheet_id,
                         f"'{published.sheet}'!{published.a1(published.columns[0], i)}",
                         [values], by=by)


def start_google_demo(root: Path, *, year: int = DEMO_YEAR) -> GoogleDemo:
    """Start the stand-in and fill its Drive (see the module documentation)."""
    from nscl.google.config import GoogleConfig
    from nscl.google.publish import publish_template
    from nscl.google.session import connect
    from nscl.google.standin import StandIn, WallClock
    from nscl.registry import get_agency
    from nscl.template_build import plan_workbook

    # Drive's clock starts the afternoon before the deadline, as the local files' times
    # do: the agencies on Google are on time.
    start = DEMO_DEADLINE - timedelta(hours=25)
    stand_in = StandIn(WallClock(start.timestamp()), quota_per_minute=300).start()
    try:
        key_dir = root / "google"
        key_dir.mkdir(parents=True, exist_ok=True)
        key = stand_in.service_account_key(key_dir / "tai-khoan-dich-vu.json", ROBOT)
        drive = stand_in.add_shared_drive("Bộ Khoa học và Công nghệ",
                                          {ROBOT: "fileOrganizer", OFFICER: "organizer"})
        folder = stand_in.add_folder(f"Chương trình 1322 - đề xuất {year}", parent=drive,
                                     shared_with={c: "writer" for c in CLERKS.values()})
        provinces = stand_in.add_folder("Địa phương", parent=folder)
        demo = GoogleDemo(stand_in, folder, key)
        api = connect(GoogleConfig(credentials=key, folder_id=folder, api_root=stand_in.url),
                      purpose="publish")
        try:
            for code, parent in (("bo-tai-chinh", folder), ("tp-can-tho", provinces)):
                agency = get_agency(code)
                template = publish_template(api, "A", folder_id=parent, year=year,
                                            agency=agency)
                plan = plan_workbook("A", year=year, agency=agency, target="google")
                assert plan.table is not None
                published = _Published(code, template.spreadsheet_id, plan.table.sheet,
                                       plan.table.first_input_row, plan.table.columns)
                demo.published[code] = published
                _type_tasks(stand_in, published, _TASKS[code], CLERKS[code])
        finally:
            api.close()
        demo.notes += [
            f"Google Sheets «{demo_title('bo-tai-chinh', year)}»: Bộ Tài chính điền trực "
            "tuyến, đúng mẫu",
            f"Google Sheets «Địa phương/{demo_title('tp-can-tho', year)}»: TP Cần Thơ thiếu "
            "tổ chức chủ trì, gõ kinh phí dạng chữ",
        ]
        staged = write_submission(root / "state" / "demo-tmp" / "bo-xay-dung.xlsx",
                                  agency_code="bo-xay-dung", year=year,
                                  tasks=_TASKS["bo-xay-dung"])
        stand_in.add_file("Bo Xay dung - de xuat 2027.xlsx", staged.read_bytes(),
                          parent=folder, owner=CLERKS["bo-xay-dung"])
        staged.unlink()
        demo.notes.append("Bo Xay dung - de xuat 2027.xlsx: Bộ Xây dựng tải tệp Excel lên "
                          "thư mục Google Drive")
        stand_in.add_file("Công văn gửi kèm đề xuất", None, parent=folder,
                          mime_type="application/vnd.google-apps.document",
                          owner=CLERKS["bo-tai-chinh"])
        demo.notes.append("Công văn gửi kèm đề xuất: tài liệu Google Docs (được liệt kê, "
                          "không tổng hợp)")
        return demo
    except BaseException:
        stand_in.stop()
        raise


def demo_title(code: str, year: int) -> str:
    """The title the publisher gives an agency's template."""
    from nscl.google.publish import template_name
    from nscl.registry import get_agency

    return template_name("A", year, get_agency(code))
