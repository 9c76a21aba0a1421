"""Annual reports (Form B) as agencies really send them: retyped workbooks and Word."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from nscl.cli import app
from nscl.forms import form_b
from nscl.libreoffice import convert
from nscl.validation import validate_path
from sync.demo_reports import ReportData, write_report, write_retyped_report, write_word_report

NARRATIVES = {
    "leadership_plan": "UBND tỉnh ban hành Kế hoạch số 45/KH-UBND ngày 15 tháng 3 năm 2026.",
    "g23": "Hỗ trợ 40 doanh nghiệp áp dụng ISO 9001, Lean, 5S.\nXây dựng 02 mô hình điểm.",
    "g24": "Đào tạo 12 chuyên gia năng suất.",
    "recommendations": "Đề nghị Bộ Khoa học và Công nghệ bố trí kinh phí đối ứng.",
}
INDICATORS = {
    "enterprises_supported": (40, 120), "events": (3, 10), "experts_certified": (12, 30),
    "trainees": (1250, 4000), "harmonised_rate": (12.5, 12.5),
    "budget_central": (100, 400), "budget_local": (50, 150), "budget_counterpart": (25.5, 60),
}
DATA = ReportData("tinh-nghe-an", 2026, NARRATIVES, INDICATORS, header="UBND TỈNH NGHỆ AN")


def _values(report_path: Path) -> dict[str, tuple[float | None, float | None]]:
    report = validate_path(report_path)
    return {k: (v["year"], v["cumulative"]) for k, v in report.to_dict()["indicators"].items()
            if v["year"] is not None or v["cumulative"] is not None}


EXPECTED = {
    "enterprises_supported": (40, 120), "events": (3, 10), "experts_certified": (12, 30),
    "trainees": (1250, 4000), "harmonised_rate": (12.5, 12.5),
    "budget_central": (100.0, 400.0), "budget_local": (50.0, 150.0),
    "budget_counterpart": (25.5, 60.0), "budget_total": (175.5, 610.0),
}


@pytest.mark.parametrize("layout", ["template", "retyped", "word"])
def test_the_same_report_reads_the_same_in_every_layout(tmp_path: Path, layout: str) -> None:
    path = write_report(tmp_path / ("r.docx" if layout == "word" else "r.xlsx"), DATA, layout)
    report = validate_path(path)
    assert (report.form, report.year) == ("B", 2026)
    assert report.agency is not None and report.agency.code == "tinh-nghe-an"
    assert report.narratives == NARRATIVES
    assert _values(path) == EXPECTED
    # The budget total is the sum of its parts even where the table leaves it out.
    assert report.summary.amounts == {"state_budget": 150.0, "counterpart": 25.5,
                                      "total": 175.5}
    assert not report.errors


def test_retyped_numbers_as_text_are_flagged_at_their_cells(tmp_path: Path) -> None:
    report = validate_path(write_retyped_report(tmp_path / "r.xlsx", DATA))
    assert report.sheet == "So lieu"
    texts = {p.cell for p in report.problems if p.code == "number-as-text"}
    # The clerk listed the budget first: Ngân sách trung ương is on row 5.
    assert {"D5", "E5"} <= texts
    narrative = validate_path(write_retyped_report(tmp_path / "r2.xlsx", DATA))
    assert not any(p.code == "indicator-unknown" for p in narrative.problems)


def test_an_unknown_indicator_is_reported_with_its_text_cell_and_figures(
        tmp_path: Path) -> None:
    path = write_retyped_report(tmp_path / "r.xlsx", DATA)
    wb = openpyxl.load_workbook(path)
    ws = wb["So lieu"]
    row = ws.max_row + 1
    ws.cell(row=row, column=2, value="Số lượng sáng kiến cải tiến của tỉnh")
    ws.cell(row=row, column=4, value=7)
    ws.cell(row=row, column=5, value=19)
    wb.save(path)
    report = validate_path(path)
    unknown = [p for p in report.problems if p.code == "indicator-unknown"]
    assert [(p.sheet, p.cell) for p in unknown] == [("So lieu", f"B{row}")]
    assert unknown[0].params["name"] == "Số lượng sáng kiến cải tiến của tỉnh"
    assert "7" in unknown[0].params["values"] and "19" in unknown[0].params["values"]


def test_word_report_headings_narratives_and_table(tmp_path: Path) -> None:
    path = write_word_report(tmp_path / "Nghe An.docx", DATA)
    # The sub-headings are numbered by Word: their text holds no number.
    paragraphs = [p for p in docx.Document(str(path)).paragraphs if p.text.startswith(
        "Hỗ trợ doanh nghiệp áp dụng tiêu chuẩn")]
    assert paragraphs and paragraphs[0].style.name == "List Number"
    report = validate_path(path)
    assert report.sheet == "Bảng 2"  # the header block is table 1
    assert not any(p.code == "number-as-text" for p in report.problems)
    # A problem in the table points at its cell of that table.
    doc = docx.Document(str(path))
    doc.tables[1].cell(3, 4).text = "5"  # cumulative below the year's value (row 4, col E)
    doc.save(str(path))
    report = validate_path(path)
    wrong = [p for p in report.problems if p.code == "cumulative-less-than-year"]
    assert [(p.sheet, p.cell) for p in wrong] == [("Bảng 2", "E4")]


def test_word_report_without_figures_or_outline(tmp_path: Path) -> None:
    no_table = ReportData("tinh-nghe-an", 2026, NARRATIVES, {}, header="UBND TỈNH NGHỆ AN")
    report = validate_path(write_word_report(tmp_path / "a.docx", no_table))
    assert report.form == "B" and report.narratives == NARRATIVES
    assert [p.code for p in report.problems if p.code.startswith("indicator")] == [
        "indicator-table-missing"]
    letter = docx.Document()
    letter.add_paragraph("UBND TỈNH NGHỆ AN")
    letter.add_paragraph("V/v gửi báo cáo kết quả thực hiện Chương trình năm 2026.")
    letter.save(str(tmp_path / "cong van.docx"))
    report = validate_path(tmp_path / "cong van.docx")
    assert report.form is None and [p.code for p in report.errors] == ["document-not-report"]


def test_word_container_is_checked_like_a_workbook(tmp_path: Path) -> None:
    good = write_word_report(tmp_path / "good.docx", DATA)
    with zipfile.ZipFile(good) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert [p.code for p in validate_path(bomb).errors] == ["file-zip-bomb"]
    entities = tmp_path / "entities.docx"
    with zipfile.ZipFile(entities, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaa">]>', 1)
            zf.writestr(name, data)
    report = validate_path(entities)
    assert [p.code for p in report.errors] == ["file-xml-entities"] and not report.readable
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(good.read_bytes()[:2000])
    assert [p.code for p in validate_path(truncated).errors] == ["file-corrupt"]


@pytest.mark.libreoffice
def test_doc_and_odt_are_read_through_libreoffice(tmp_path: Path, soffice: str) -> None:
    source = write_word_report(tmp_path / "source" / "bao cao.docx", DATA)
    for target in ("doc:MS Word 97", "odt"):
        converted = convert(source, target, tmp_path / target.split(":")[0])
        report = validate_path(converted)
        assert (report.form, report.agency and report.agency.code) == ("B", "tinh-nghe-an")
        assert report.narratives == NARRATIVES, target
        assert _values(converted) == EXPECTED, target


def test_doc_without_libreoffice_says_what_to_do(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    odt = tmp_path / "bao cao.odt"
    with zipfile.ZipFile(odt, "w") as zf:  # an OpenDocument text, as Writer stores it
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    monkeypatch.setenv("PATH", "")  # no soffice on the PATH: LibreOffice not installed
    report = validate_path(odt)
    assert [p.code for p in report.errors] == ["document-needs-libreoffice"]
    assert not report.readable


def test_validate_json_gives_every_indicator_of_a_report(tmp_path: Path) -> None:
    word = write_word_report(tmp_path / "Nghe An.docx", DATA)
    shutil.copy(word, tmp_path / "folder.docx")
    result = CliRunner().invoke(app, ["validate", str(tmp_path), "--format", "json"])
    files = json.loads(result.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["Nghe An.docx", "folder.docx"]
    indicators = files[0]["indicators"]
    assert list(indicators) == [ind.key for ind in form_b().indicators]
    assert indicators["enterprises_supported"] == {"year": 40, "cumulative": 120}
    assert indicators["policy_documents"] == {"year": None, "cumulative": None}
    assert isinstance(indicators["enterprises_supported"]["year"], int)
    assert result.exit_code == 0


def test_a_report_speaks_for_the_agency_in_force_in_its_year(tmp_path: Path) -> None:
    # The merged city's template used for old Đà Nẵng's report of 2024.
    data = ReportData("tp-da-nang", 2024, NARRATIVES, INDICATORS)
    report = validate_path(write_report(tmp_path / "Da Nang 2024.xlsx", data, "template"))
    assert report.agency is not None and report.agency.code == "tp-da-nang-cu"
    report = validate_path(write_report(tmp_path / "Da Nang 2025.xlsx",
                                        ReportData("tp-da-nang", 2025, NARRATIVES, INDICATORS),
                                        "template"))
    assert report.agency is not None and report.agency.code == "tp-da-nang"
    # A Word report of 2024 naming "Thành phố Đà Nẵng": the city as it was then.
    word = write_word_report(tmp_path / "bao cao.docx", ReportData(
        "tp-da-nang-cu", 2024, NARRATIVES, INDICATORS, header="UBND THÀNH PHỐ ĐÀ NẴNG"))
    report = validate_path(word)
    assert report.agency is not None and report.agency.code == "tp-da-nang-cu"
