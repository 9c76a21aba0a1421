"""The master workbook: sheets, official table, totals, text safety, atomic replacement."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from nscl.forms import form_a
from nscl.problems import Problem, get_rule
from sync.completeness import build_statuses
from sync.config import DEFAULT_TZ
from sync.form_a import FormAConsolidator
from sync.master import write_master
from sync.model import AgencyInfo, Change, Consolidation, Rejected
from tests.sync_support import master_task_rows, report, submission, task_row

INJECTION = '=HYPERLINK("http://evil.example","bấm vào")'


def _consolidation() -> Consolidation:
    bct = report("bo-cong-thuong", "Bộ Công Thương", "ministry", [
        task_row(1, "Hỗ trợ doanh nghiệp ngành dệt may áp dụng ISO 14001", 1500, 700.5),
        task_row(2, "Xây dựng TCVN về sản phẩm halal", 900, 0, notes=INJECTION),
    ], path="BCT.xlsx")
    yte = report("bo-y-te", "Bộ Y tế", "ministry", [
        task_row(1, "Đào tạo chuyên gia năng suất ngành dược", 800, None),
    ], problems=[Problem(code="required-missing", severity="error",
                         message="Thiếu Đối ứng Cách sửa: Nhập Đối ứng.", fix="Nhập Đối ứng.",
                         file="BYT.xlsx", sheet="Bảng tổng hợp", cell="J9")], path="BYT.xlsx")
    nghean = report("tinh-nghe-an", "Tỉnh Nghệ An", "province", [
        task_row(1, "Năng suất xanh cho doanh nghiệp chế biến thủy sản", 1200, 1300),
    ], path="NgheAn.xlsx")
    subs = {
        "bo-cong-thuong": submission(bct, order=7, file="BCT.xlsx"),
        "bo-y-te": submission(yte, order=13, file="BYT.xlsx"),
        "tinh-nghe-an": submission(nghean, order=39, late=True, file="NgheAn.xlsx"),
    }
    expected = [
        AgencyInfo("bo-cong-thuong", "Bộ Công Thương", "ministry", 7),
        AgencyInfo("bo-y-te", "Bộ Y tế", "ministry", 13),
        AgencyInfo("bo-tai-chinh", "Bộ Tài chính", "ministry", 6),
        AgencyInfo("tinh-nghe-an", "Tỉnh Nghệ An", "province", 39),
        AgencyInfo("tinh-ha-tinh", "Tỉnh Hà Tĩnh", "province", 40),
    ]
    statuses = build_statuses(expected, subs)
    return Consolidation(
        form="A", year=2027, deadline=datetime(2026, 3, 27, 10, tzinfo=UTC),
        generated_at=datetime(2026, 3, 30, 19, tzinfo=UTC), statuses=statuses,
        rejected=[Rejected(file="hong.xlsx", reason="Tệp hỏng", code="file-unreadable")],
        changes=[Change(expected[0], "task-added", "Xây dựng TCVN về sản phẩm halal", "x")],
        first_run=False, previous_run_at=datetime(2026, 3, 29, 19, tzinfo=UTC),
    )


def test_master_has_the_official_sheets_and_rows(tmp_path: Path) -> None:
    cons = _consolidation()
    out = tmp_path / "master.xlsx"
    written = write_master(cons, FormAConsolidator(), out, history=tmp_path / "h",
                           tz=DEFAULT_TZ)
    assert written.rows == 4 and written.previous_copy is None
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "Quyết định", "Lĩnh vực ưu tiên",
                             "Trùng lặp", "Tình hình nộp", "Tệp không tổng hợp",
                             "Lỗi kiểm tra", "Thay đổi", "Biểu đồ"]
    ws = wb["Tổng hợp"]
    texts = {c.value for row in ws.iter_rows(max_row=12) for c in row
             if isinstance(c.value, str)}
    for col in form_a().columns:
        assert col.header in texts
    assert "Dự kiến kinh phí (triệu đồng)" in texts
    col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "I. CÁC BỘ, NGÀNH" in col_a and "II. CÁC ĐỊA PHƯƠNG" in col_a
    assert col_a.index("I. CÁC BỘ, NGÀNH") < col_a.index("II. CÁC ĐỊA PHƯƠNG")
    # Print setup: A4 landscape, one page wide, header rows repeated, Times New Roman.
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.page_setup.fitToWidth in (None, 1) and ws.print_title_rows
    title = next(c for row in ws.iter_rows(max_row=10) for c in row
                 if isinstance(c.value, str) and c.value.startswith("BẢNG TỔNG HỢP"))
    assert title.font.name == "Times New Roman" and title.font.b
    assert len(wb["Biểu đồ"]._charts) == 2


def test_every_time_the_master_shows_is_in_the_configured_time_zone(tmp_path: Path) -> None:
    """The run's clock is UTC (19:00 on 30/03); Hà Nội reads 02:00 on 31/03, in the table's
    subtitle as on the status sheet. The table showed the UTC time."""
    out = tmp_path / "master.xlsx"
    write_master(_consolidation(), FormAConsolidator(), out, history=tmp_path / "h",
                 tz=DEFAULT_TZ)
    wb = openpyxl.load_workbook(out)
    (subtitle,) = [c.value for row in wb["Tổng hợp"].iter_rows(max_row=10) for c in row
                   if isinstance(c.value, str) and "cập nhật lúc" in c.value]
    assert subtitle.endswith("cập nhật lúc 31/03/2026 02:00)")
    status = [wb["Tình hình nộp"].cell(r, 1).value for r in range(1, 8)]
    assert "Cập nhật: 02:00 ngày 31/03/2026" in status


def test_the_by_agency_sheet_shows_long_paths_and_the_total_share(tmp_path: Path) -> None:
    """A long file path wraps in a row tall enough to show it (text overlapped the next
    rows on the printout), and the total's counterpart share is a percentage like the
    agencies' (it showed 0.303113)."""
    cons = _consolidation()
    long_path = "Bo Cong Thuong/Van thu/De xuat nhiem vu 2027 - Bo Cong Thuong (ban cuoi).xlsx"
    cons.submissions[0].file = long_path
    out = tmp_path / "master.xlsx"
    write_master(cons, FormAConsolidator(), out, history=tmp_path / "h", tz=DEFAULT_TZ)
    ws = openpyxl.load_workbook(out)["Theo đơn vị"]
    rows = {c.value: c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert (ws.row_dimensions[rows[long_path]].height or 0) >= 2 * 14.5
    assert ws.row_dimensions[rows["BYT.xlsx"]].height is None  # one line: default height
    total = rows["Tổng cộng"]
    share = next(c for c in ws[total] if isinstance(c.value, float) and 0 < c.value < 1)
    assert share.number_format == "0.0%"


def test_row_heights_allow_for_lines_ending_a_word_early() -> None:
    """Seen on the printout: 40 characters at width 28 (about 41 fit) took two lines,
    because lines break between words."""
    from sync.styles import row_height

    assert row_height([("Nghe An/UBND tinh Nghe An - de xuat.xlsx", 28)]) == 2 * 14.5 + 3
    assert row_height([("Ha Noi.xlsx", 28)]) is None


def test_master_rows_totals_and_text_safety(tmp_path: Path) -> None:
    out = tmp_path / "master.xlsx"
    write_master(_consolidation(), FormAConsolidator(), out, history=tmp_path / "h",
                 tz=DEFAULT_TZ)
    rows = master_task_rows(out)
    assert rows[0]["task_name"] == (
        "Hỗ trợ doanh nghiệp ngành dệt may áp dụng ISO 14001")
    assert [r["agency"] for r in rows] == ["Bộ Công Thương", "Bộ Công Thương", "Bộ Y tế",
                                           "Tỉnh Nghệ An"]
    for r in rows:
        assert r["total"] == pytest.approx((r["state_budget"] or 0) + (r["counterpart"] or 0))
    assert [r["status"] for r in rows] == ["Đã nộp", "Đã nộp", "Có lỗi", "Nộp muộn"]
    injected = rows[1]
    assert injected["notes"] == INJECTION and injected["types"][10] == "s"
    values = openpyxl.load_workbook(out, data_only=True)["Tổng hợp"]
    grand = [row for row in values.iter_rows(values_only=True)
             if isinstance(row[0], str) and row[0].startswith("TỔNG CỘNG")]
    assert grand and grand[0][7] == pytest.approx(1500 + 700.5 + 900 + 800 + 1200 + 1300)
    assert grand[0][8] == pytest.approx(1500 + 900 + 800 + 1200)


def test_a_long_table_keeps_every_row_and_its_used_range(tmp_path: Path) -> None:
    """About 120 task rows: every one is in the table with its values, in order, text
    that looks like a formula stays text, and the sheet's used range (the ``<dimension>``
    readers such as python-calamine trust) spans exactly the cells written: from A1, as
    wide as the header, down to the last row below the grand total."""
    import zipfile

    cons = _consolidation()
    more = [sub.report.rows[0] for sub in cons.submissions] * 40
    cons.submissions[0].report.rows.extend(more)
    out = tmp_path / "master.xlsx"
    written = write_master(cons, FormAConsolidator(), out, history=tmp_path / "h",
                           tz=DEFAULT_TZ)
    rows = master_task_rows(out)
    assert written.rows == len(rows) == 4 + len(more)
    expected = [row.values["task_name"] for sub in cons.submissions
                for row in sub.report.rows]
    assert [r["task_name"] for r in rows] == expected
    injected = [r for r in rows if r["notes"] == INJECTION]
    assert injected and all(r["types"][10] == "s" for r in injected)
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    last = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    grand = max(c.row for row in ws.iter_rows(max_col=1) for c in row
                if isinstance(c.value, str) and c.value.startswith("TỔNG CỘNG"))
    header = next(row for row in ws.iter_rows() if row[0].value == "Stt")
    width = max(c.column for c in header if c.value is not None)
    assert width > 14  # the form's columns, then nscl's own (agency, status, decisions, key)
    assert ws.max_column == width and ws.max_row == last > grand
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert f'<dimension ref="A1:{get_column_letter(width)}{last}"/>'.encode() in sheet


def test_unparsed_cells_keep_what_the_agency_typed(tmp_path: Path) -> None:
    """A cell the engine could not parse is shown as typed (as text, never a formula or a
    number); a bool is not a number; Tổng số counts only real amounts; a long task name
    gets a taller row than a short one."""
    long_name = "Xây dựng mô hình điểm áp dụng công cụ cải tiến năng suất " * 6
    odd = task_row(1, long_name, 1000, None)
    odd.values.update(state_budget=None, counterpart=True, duration_months=None,
                      lead_org=None)
    odd.raw = {**odd.raw, "state_budget": "1.000 triệu", "duration_months": "=2*12",
               "lead_org": ""}
    plain = task_row(2, "Đào tạo", 200.0, float("inf"))
    rep = report("bo-cong-thuong", "Bộ Công Thương", "ministry", [odd, plain], path="BCT.xlsx")
    cons = _consolidation()
    cons.statuses[0].submission = submission(rep, order=7, file="BCT.xlsx")
    out = tmp_path / "master.xlsx"
    write_master(cons, FormAConsolidator(), out, history=tmp_path / "h", tz=DEFAULT_TZ)

    rows = master_task_rows(out)
    first, second = rows[0], rows[1]
    assert first["state_budget"] == "1.000 triệu" and first["types"][8] == "s"
    assert first["counterpart"] == "True" and first["types"][9] == "s"
    assert first["total"] == 0
    assert second["total"] == pytest.approx(200.0)  # an infinite amount is not counted
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    duration = cells["=2*12"]
    assert duration.data_type == "s"  # the agency's text, not a live formula
    assert duration.border.left.style == "thin"
    lead = ws.cell(row=duration.row, column=3)
    assert lead.value is None and lead.border.left.style == "thin"  # a bordered blank
    short = cells["Đào tạo"]
    tall = ws.row_dimensions[duration.row].height or 0
    assert tall > (ws.row_dimensions[short.row].height or 15) + 30


def test_a_short_text_of_several_lines_gets_a_row_tall_enough(tmp_path: Path) -> None:
    """A task whose content is a few short lines (bullet lines joined to it) shows every
    line: the row grows although no line is wider than its column."""
    name = "ĐT\n- 5S\n- TPM\n- ISO"  # 4 lines, 19 characters: narrower than the column
    lines = task_row(1, name, 100.0, 0.0)
    plain = task_row(2, "Tư vấn", 100.0, 0.0)
    for row in (lines, plain):  # nothing else on the rows wraps
        row.values.update(lead_org="Viện", objectives="Mục tiêu", main_content="Nội dung",
                          expected_results="Kết quả")
    rep = report("bo-cong-thuong", "Bộ Công Thương", "ministry", [lines, plain],
                 path="BCT.xlsx")
    cons = _consolidation()
    cons.statuses[0].submission = submission(rep, order=7, file="BCT.xlsx")
    out = tmp_path / "master.xlsx"
    write_master(cons, FormAConsolidator(), out, history=tmp_path / "h", tz=DEFAULT_TZ)
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    tall = ws.row_dimensions[cells[name].row].height or 0
    assert tall >= 4 * 15 > (ws.row_dimensions[cells["Tư vấn"].row].height or 15)


def test_status_and_problem_sheets(tmp_path: Path) -> None:
    out = tmp_path / "master.xlsx"
    write_master(_consolidation(), FormAConsolidator(), out, history=tmp_path / "h",
                 tz=DEFAULT_TZ)
    wb = openpyxl.load_workbook(out, data_only=True)
    status = [row for row in wb["Tình hình nộp"].iter_rows(values_only=True)]
    by_name = {row[1]: row[3] for row in status if isinstance(row[0], int)}
    assert by_name["Bộ Tài chính"] == "Chưa nộp"
    assert by_name["Tỉnh Nghệ An"] == "Nộp muộn"
    assert by_name["Bộ Y tế"] == "Có lỗi"
    counts = {row[0]: row[2] for row in status[6:13] if row[0]}
    assert counts["Phải nộp"] == 5 and counts["Chưa nộp"] == 2
    assert counts["Đã nộp (có tệp)"] == 3 and counts["Nộp muộn"] == 1
    # The counts start in the first column: no empty bordered column on the printout.
    assert status[6][0] == "Tình trạng"
    unused = [v for row in wb["Tệp không tổng hợp"].iter_rows(values_only=True) for v in row
              if v]
    assert "hong.xlsx" in unused and "file-unreadable" in unused
    assert not any(v == "hong.xlsx" for row in status for v in row)
    problems = list(wb["Lỗi kiểm tra"].iter_rows(min_row=4, values_only=True))
    assert problems[0][1] == "Bộ Y tế" and problems[0][4] == "J9"
    # Led by the rule's Vietnamese title; the code in the last column, for IT.
    assert problems[0][6] == get_rule("required-missing").title
    assert problems[0][9] == "required-missing"
    assert problems[0][7] == "Thiếu Đối ứng" and problems[0][8] == "Nhập Đối ứng."
    agencies = list(wb["Theo đơn vị"].iter_rows(min_row=5, values_only=True))
    assert agencies[0][1] == "Bộ Công Thương" and agencies[0][3] == 2
    assert agencies[0][4] == pytest.approx(3100.5)


def test_previous_master_is_kept_and_replacement_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "master.xlsx"
    cons = _consolidation()
    write_master(cons, FormAConsolidator(), out, history=tmp_path / "h", tz=DEFAULT_TZ)
    first = out.read_bytes()
    written_at = datetime.fromtimestamp(out.stat().st_mtime, tz=DEFAULT_TZ)
    second = write_master(cons, FormAConsolidator(), out, history=tmp_path / "h",
                          tz=DEFAULT_TZ)
    assert second.previous_copy is not None and second.previous_copy.read_bytes() == first
    # Named after the previous master's time in the configured zone (as the master shows).
    assert second.previous_copy.name == f"master_{written_at:%Y%m%d-%H%M%S}.xlsx"
    assert not list(tmp_path.glob(".nscl-tmp-*"))
    openpyxl.load_workbook(out)


@pytest.mark.libreoffice
def test_libreoffice_recalculation_agrees_with_cached_totals(tmp_path: Path,
                                                             soffice: str) -> None:
    from nscl.libreoffice import recalculate

    out = tmp_path / "master.xlsx"
    write_master(_consolidation(), FormAConsolidator(), out, history=tmp_path / "h",
                 tz=DEFAULT_TZ)
    recalculated = recalculate(out, tmp_path / "lo")
    ours = openpyxl.load_workbook(out, data_only=True)["Tổng hợp"]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)["Tổng hợp"]
    for a, b in zip(ours.iter_rows(values_only=True), theirs.iter_rows(values_only=True),
                    strict=False):
        for x, y in zip(a[7:10], b[7:10], strict=False):
            if isinstance(x, float | int) or isinstance(y, float | int):
                assert x == pytest.approx(y)


def test_the_printed_table_is_the_official_one(tmp_path: Path, soffice: str) -> None:
    """LibreOffice prints the form's own columns, heading centred over them; the analysis
    columns (agency, status, source file) stay on screen only."""
    import shutil
    import subprocess

    from nscl.libreoffice import convert
    from tests.conftest import require

    out = tmp_path / "master.xlsx"
    write_master(_consolidation(), FormAConsolidator(), out, history=tmp_path / "h",
                 tz=DEFAULT_TZ)
    ws = openpyxl.load_workbook(out)["Tổng hợp"]
    last = get_column_letter(len(form_a().columns))
    area = re.fullmatch(rf"'Tổng hợp'!\$A\$1:\${last}\$(\d+)", str(ws.print_area))
    # Down to the signature block and the room left to sign under it.
    assert area is not None and int(area.group(1)) >= ws.max_row
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    pdf = convert(out, "pdf", tmp_path / "pdf")
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Tổng số" in first and "Bộ Công Thương" in first
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in first  # the issuing body's block
    # The table sheet's own pages: the first sheet's, up to its last page.
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    table = text.split("TỔNG HỢP THEO ĐƠN VỊ")[0]
    assert "TỔNG CỘNG" in table and "NGƯỜI LẬP BIỂU" in table
    assert "Tệp nguồn" not in table and "Tình trạng" not in table


def test_master_open_elsewhere_gives_a_clear_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from sync import master as master_module

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    out = tmp_path / "master.xlsx"
    monkeypatch.setattr(master_module.os, "replace", locked)
    with pytest.raises(master_module.MasterLockedError):
        master_module._replace(tmp_path / "x.xlsx", out, attempts=2, pause=0)


def test_a_task_whose_content_lines_changed_is_changed_not_replaced() -> None:
    """Content lines joined under a task's name are part of the task: adding one is a
    change to the task, named by its first line, not a task removed and another added."""
    old = report("bo-cong-thuong", "Bộ Công Thương", "ministry", [
        task_row(1, "Hỗ trợ doanh nghiệp dệt may\n- Đào tạo Lean", 100, 0)])
    new = report("bo-cong-thuong", "Bộ Công Thương", "ministry", [
        task_row(1, "Hỗ trợ doanh nghiệp dệt may\n- Đào tạo Lean\n- Tư vấn 5S", 100, 0)])
    assert FormAConsolidator().diff(old, new) == [
        ("task-changed", "Hỗ trợ doanh nghiệp dệt may", "Tên nhiệm vụ (sắp xếp theo thứ tự ưu"
         " tiên): đã sửa")]
