"""``nscl announce``: Form C from the tasks the staff put on the list in the master.

The workbook is the official Form C template filled in, checked by the validation
engine as any Form C; the appendix is a Word document read back with python-docx and
rendered by LibreOffice.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nscl.cli import app
from sync.announce import docx_name, read_announcement, xlsx_name
from sync.demo_data import Task
from sync.demo_selection import Mark, record_decisions
from sync.run import run_sync
from tests.test_selection_decisions import BCT_TASKS, MARKS, STAFF, _round, _submit

runner = CliRunner()


def _decided(tmp_path: Path, marks: tuple[Mark, ...] = MARKS) -> Path:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, marks, by=STAFF)
    run_sync(config)
    return config.master


def _announce(master: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["announce", "--master", str(master), "--out", str(out),
                                 *extra])
    return result.exit_code, result.output


def test_form_c_lists_the_tasks_put_on_the_list(tmp_path: Path) -> None:
    from nscl.validation import validate_path

    marks = (*MARKS, Mark("bo-cong-thuong", "Nghiên cứu cơ chế", "include"))
    master = _decided(tmp_path, marks)
    code, output = _announce(master, tmp_path / "cong-bo", "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    assert data["year"] == 2027 and data["warnings"] == []
    assert [t["task_name"] for t in data["tasks"]] == [BCT_TASKS[0].name, BCT_TASKS[1].name]
    xlsx, docx_path = Path(data["files"]["xlsx"]), Path(data["files"]["docx"])
    assert (xlsx.name, docx_path.name) == (xlsx_name(2027), docx_name(2027))
    # The workbook is a Form C as the validation engine knows it: no error.
    report = validate_path(xlsx, year=2027)
    assert report.form == "C" and report.errors == []
    assert [(r.values["seq"], r.values["task_name"], r.values["lead_org_pi"],
             r.values["duration_months"]) for r in report.rows] == [
        (1, BCT_TASKS[0].name, BCT_TASKS[0].lead, 24), (2, BCT_TASKS[1].name,
                                                         BCT_TASKS[1].lead, 18)]
    # Only as many rows as tasks: no empty rows to print.
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx)[report.sheet or "Phụ lục"]
    assert sheet.cell(row=report.rows[-1].sheet_row + 1, column=2).value is None
    last_printed = int(str(sheet.print_area).rsplit("$", 1)[1])
    assert last_printed <= report.rows[-1].sheet_row + 2


def test_the_appendix_is_the_official_document(tmp_path: Path) -> None:
    import docx

    master = _decided(tmp_path)
    code, _ = _announce(master, tmp_path / "cong-bo")
    assert code == 0
    document = docx.Document(str(tmp_path / "cong-bo" / docx_name(2027)))
    section = document.sections[0]
    def mm(length: object) -> int:
        return round(getattr(length, "mm", 0))

    assert (mm(section.page_width), mm(section.page_height)) == (297, 210)  # A4 landscape
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert mm(section.top_margin) == mm(section.bottom_margin) == 20
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "Phụ lục"
    assert texts[1].endswith("BẮT ĐẦU THỰC HIỆN TỪ NĂM 2027")
    assert texts[2].startswith("(Kèm theo Thông báo số") and "năm 2026" in texts[2]
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["tt", "Tên nhiệm vụ", "Tổ chức chủ trì/ Chủ nhiệm nhiệm vụ",
                       "Tóm tắt mục tiêu", "Dự kiến kết quả, sản phẩm chính",
                       "Thời gian thực hiện", "Ghi chú"]
    assert rows[1] == [f"({i})" for i in range(1, 8)]
    assert rows[2][:2] == ["1", BCT_TASKS[0].name] and rows[2][5] == "24 tháng"
    assert len(rows) == 3
    style = document.styles["Normal"]
    assert style.font.name == "Times New Roman"


@pytest.mark.libreoffice
def test_the_appendix_and_the_workbook_print_every_task(tmp_path: Path, soffice: str) -> None:
    """Twelve long tasks run over pages: the header row is printed again on the next
    page, and every task's name is on paper."""
    from dataclasses import replace

    from nscl.libreoffice import convert

    config = _round(tmp_path)
    long_tasks = tuple(replace(BCT_TASKS[0], name=f"{BCT_TASKS[0].name} tại vùng {n}",
                               results="; ".join(["20 doanh nghiệp áp dụng ISO 14001, 05 mô "
                                                  "hình điểm, sổ tay hướng dẫn"] * 3))
                       for n in range(1, 13))
    _submit(config, "bo-cong-thuong", "BCT.xlsx", long_tasks, 20)
    run_sync(config)
    record_decisions(config.master, [Mark("bo-cong-thuong", BCT_TASKS[0].name, "include")],
                     by=STAFF)
    assert _announce(config.master, tmp_path / "cong-bo")[0] == 0
    for name in (docx_name(2027), xlsx_name(2027)):
        pdf = convert(tmp_path / "cong-bo" / name, "pdf", tmp_path / "pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        body = " ".join(" ".join(p.split()) for p in pages)
        assert "BẮT ĐẦU THỰC HIỆN TỪ NĂM 2027" in body
        for n in range(1, 13):
            assert f"vùng {n}" in body, (name, n)
        table_pages = [p for p in pages if "vùng" in p]
        assert len(table_pages) >= 2, name
        assert all("Tên nhiệm vụ" in p for p in table_pages), name  # header repeated


def test_with_no_task_on_the_list_nothing_is_written(tmp_path: Path) -> None:
    master = _decided(tmp_path, (MARKS[1],))  # a request for clarification only
    code, output = _announce(master, tmp_path / "cong-bo")
    assert code == 1
    assert "chưa có nhiệm vụ nào được chọn «Đưa vào danh mục»" in output
    assert not (tmp_path / "cong-bo").exists()


def test_a_task_changed_since_its_decision_is_announced_with_a_warning(
        tmp_path: Path) -> None:
    from dataclasses import replace

    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS, by=STAFF)
    run_sync(config)
    _submit(config, "bo-cong-thuong", "BCT.xlsx", (replace(BCT_TASKS[0], months=30),
                                                   BCT_TASKS[1]), 22)
    run_sync(config)
    announcement = read_announcement(config.master)
    assert [t.duration for t in announcement.tasks] == [30]
    (warning,) = announcement.warnings
    assert "nội dung đã thay đổi sau khi quyết định" in warning


def test_a_file_that_is_not_a_master_is_refused(tmp_path: Path) -> None:
    from sync.demo_data import write_submission

    submission = write_submission(tmp_path / "BCT.xlsx", agency_code="bo-cong-thuong",
                                  year=2027, tasks=[Task("A", "B", "C", "D", "E", 12, 1, 1)])
    code, output = _announce(submission, tmp_path / "out")
    assert code == 2 and "không có sheet «Tổng hợp»" in output
    code, output = _announce(tmp_path / "khong-co.xlsx", tmp_path / "out")
    assert code == 2 and "Không tìm thấy bảng tổng hợp" in output
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(submission.read_bytes()[:500])
    code, output = _announce(broken, tmp_path / "out")
    assert code == 2 and "Không đọc được bảng tổng hợp" in output
    code, output = runner.invoke(app, ["announce", "--out", str(tmp_path)]).exit_code, ""
    assert code == 2
    assert not (tmp_path / "out").exists()
