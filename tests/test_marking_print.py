"""The marked copy sent back to an agency, as printed: "Kết quả kiểm tra" on landscape A4
pages one page wide, with borders, wrapped text and its header row repeated; the
agency's own rows tall enough to show their text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from nscl.marking import RESULTS_SHEET, annotate_copy
from nscl.validation import validate_path
from sync.demo_data import Task, write_submission

LONG_LEAD = ("Sở Khoa học và Công nghệ tỉnh Lâm Đồng; phối hợp: Trung tâm Kỹ thuật Tiêu "
             "chuẩn Đo lường Chất lượng Lâm Đồng và 30 hợp tác xã sản xuất sản phẩm OCOP")


def _marked(tmp_path: Path) -> tuple[Path, int]:
    task = Task(name="Xây dựng TCVN và hỗ trợ chứng nhận sản phẩm OCOP", lead=LONG_LEAD,
                objectives="Chuẩn hóa chất lượng cà phê đặc sản", content="Xây dựng dự thảo",
                results="01 dự thảo TCVN", months=84, state=1400, counter=600)
    source = write_submission(tmp_path / "Lam Dong.xlsx", agency_code="tinh-lam-dong",
                              year=2027, tasks=[task])
    report = validate_path(source, year=2027)
    assert report.errors  # 84 months: the copy has something to say
    marked = annotate_copy(report, source, tmp_path / "out")
    return marked, report.rows[0].sheet_row


def test_results_sheet_prints_as_an_official_table(tmp_path: Path) -> None:
    marked, _ = _marked(tmp_path)
    ws = openpyxl.load_workbook(marked)[RESULTS_SHEET]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    header = next(r for r in ws.iter_rows() if r[0].value == "Mức độ")[0].row
    assert ws.print_title_rows == f"${header}:${header}"
    body = [row for row in ws.iter_rows(min_row=header) if row[0].value]
    assert len(body) >= 3
    for row in body:
        for cell in row[:6]:
            assert cell.border.left.style == "thin" and cell.alignment.wrap_text


def test_the_agencys_long_text_is_not_cut_off(tmp_path: Path) -> None:
    marked, line = _marked(tmp_path)
    ws = openpyxl.load_workbook(marked).worksheets[0]
    # The lead organisation wraps to five lines or more in its column: the row shows them.
    assert (ws.row_dimensions[line].height or 0) >= 5 * 15


@pytest.mark.libreoffice
def test_the_marked_copy_renders_landscape_and_whole(tmp_path: Path, soffice: str) -> None:
    from nscl.libreoffice import convert

    marked, _ = _marked(tmp_path)
    pdf = convert(marked, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "841.89 x 595" in info  # A4 landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # The whole lead organisation is printed, to its last words (the row was cut after
    # "tỉnh Lâm" at the template's height).
    flat = " ".join(text.split())
    assert "Đồng; phối hợp:" in flat and "xã sản xuất sản phẩm OCOP" in flat
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    results = [" ".join(line.split()) for line in
               layout[layout.index("KẾT QUẢ KIỂM TRA BIỂU MẪU"):].splitlines()]
    # Labels are not cut off, and the figures are written the Vietnamese way.
    assert "Tổng số (triệu đồng) 2.000" in results and "NSNN (triệu đồng) 1.400" in results
    assert any(line.startswith("Mức độ Lỗi Ô Nội dung Cách sửa") for line in results)
