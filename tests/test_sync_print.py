"""The master's table as printed: rendered to PDF by LibreOffice and read back page by page.

A round of 20 agencies with tasks of every length: no page may end with a section's or
an agency's heading (its tasks on the next page), agencies are numbered within each
section, a task with errors is marked on paper, and the totals and the signature block
close the table on one page.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from nscl.problems import get_rule
from sync.completeness import build_statuses
from sync.config import DEFAULT_TZ
from sync.form_a import FormAConsolidator
from sync.master import write_master
from sync.model import AgencyInfo, Consolidation, Letterhead
from tests.sync_support import report, submission, task_row

pytestmark = pytest.mark.libreoffice

_TEXT = ("Hỗ trợ doanh nghiệp chế biến nông sản áp dụng hệ thống quản lý chất lượng "
         "ISO 9001 và công cụ cải tiến năng suất Lean, 5S, Kaizen tại các khu công nghiệp "
         "của tỉnh trong giai đoạn chuyển đổi số")
_WORDS = _TEXT.split(" ")


def _name(i: int) -> str:
    return " ".join(_WORDS[: 6 + (i * 7) % (len(_WORDS) - 6)]) + f" ({i})"


def _round() -> Consolidation:
    """20 agencies (12 ministries, 8 provinces), 1 to 6 tasks each, one with an error."""
    subs = {}
    expected = []
    for k in range(20):
        kind = "ministry" if k < 12 else "province"
        code, name = (f"bo-{k}", f"Bộ thử nghiệm số {k}") if kind == "ministry" else \
            (f"tinh-{k}", f"Tỉnh thử nghiệm số {k}")
        rows = [task_row(n, _name(k * 10 + n), 500.0 + n, 100.0)
                for n in range(1, 2 + (k * 5) % 6)]
        problems = []
        if k == 3:
            rule = get_rule("required-missing")
            problems = [rule.problem(file="x.xlsx", sheet="Bảng tổng hợp",
                                     cell=rows[0].cells["lead_org"], row=rows[0].sheet_row,
                                     line=rows[0].sheet_row, header="Tổ chức chủ trì")]
        rep = report(code, name, kind, rows, problems=problems, path=f"{code}.xlsx")
        subs[code] = submission(rep, order=k, file=f"{code}.xlsx")
        expected.append(AgencyInfo(code, name, kind, k))
    return Consolidation(
        form="A", year=2027, deadline=datetime(2026, 3, 27, 10, tzinfo=UTC),
        generated_at=datetime(2026, 3, 30, 1, tzinfo=UTC),
        statuses=build_statuses(expected, subs),
        letterhead=Letterhead(issuer="ỦY BAN TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG QUỐC GIA",
                              issuer_parent="BỘ KHOA HỌC VÀ CÔNG NGHỆ"),
    )


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[line for line in page.splitlines() if line.strip()]
            for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, list]:
    from nscl.libreoffice import convert

    work = tmp_path_factory.mktemp("print")
    master = work / "master.xlsx"
    write_master(_round(), FormAConsolidator(), master, history=work / "h", tz=DEFAULT_TZ)
    # The table sheet alone: the other sheets have pages of their own.
    wb = openpyxl.load_workbook(master)
    for name in wb.sheetnames[1:]:
        del wb[name]
    wb.save(work / "table.xlsx")
    pdf = convert(work / "table.xlsx", "pdf", work / "pdf")
    return master, _pages(pdf)


def test_no_page_ends_with_a_heading(printed: tuple[Path, list]) -> None:
    _, pages = printed
    assert len(pages) >= 3  # the round needs several pages: the test means something
    heading = re.compile(r"^\s*(?:\d+\s+(?:Bộ|Tỉnh) thử nghiệm số \d+(?: \([^)]*\))?"
                         r"|I\. CÁC BỘ, NGÀNH|II\. CÁC ĐỊA PHƯƠNG)\s*(?:[\d.,]+\s*)*$")
    for number, lines in enumerate(pages, start=1):
        body = [line for line in lines if not re.match(r"^\s*Trang \d+/\d+\s*$", line)]
        assert not heading.match(body[-1]), f"page {number} ends with a heading: {body[-1]!r}"


def test_the_printout_is_official_and_closes_on_one_page(printed: tuple[Path, list]) -> None:
    master, pages = printed
    first, last = "\n".join(pages[0]), "\n".join(pages[-1])
    assert "BỘ KHOA HỌC VÀ CÔNG NGHỆ" in first and "ỦY BAN TIÊU CHUẨN ĐO LƯỜNG" in first
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do" in first
    # The totals, the notes and both signatures on the last page together.
    for text in ("TỔNG CỘNG", "Ghi chú: Tổng số = NSNN + Đối ứng", "NGƯỜI LẬP BIỂU",
                 "THỦ TRƯỞNG ĐƠN VỊ", "Hà Nội, ngày"):
        assert text in last, text
    # The task with an error is marked, and the mark explained.
    text = "\n".join(line for page in pages for line in page)
    assert re.search(r"^\s*1 \(\*\)", text, re.MULTILINE)
    assert "(*) Nhiệm vụ có lỗi kiểm tra" in last
    assert "Bộ thử nghiệm số 3 (có lỗi)" in text
    # Agencies are numbered within each section: the first province is 1 again.
    ws = openpyxl.load_workbook(master)["Tổng hợp"]
    numbers = {row[1].value: row[0].value for row in ws.iter_rows()
               if isinstance(row[1].value, str) and "thử nghiệm số" in row[1].value}
    assert numbers["Bộ thử nghiệm số 0"] == "1" and numbers["Tỉnh thử nghiệm số 12"] == "1"
    assert numbers["Tỉnh thử nghiệm số 19"] == "8"
