"""The annual report round (Form B): two years consolidated into one state folder.

2024: Bộ Công Thương, Quảng Nam and Đà Nẵng (before their merger), Nghệ An, Bộ Kế hoạch và
Đầu tư and Bộ Tài chính (before theirs), and old Lào Cai (Yên Bái sends nothing).
2025: the new Thành phố Đà Nẵng (in Word) continues the sum of Quảng Nam's and old Đà
Nẵng's cumulative figures, Bộ Tài chính continues its own plus Bộ Kế hoạch và Đầu tư's,
Nghệ An (a retyped workbook) does not continue its own, Bộ Công Thương has an error, the
new Lào Cai cannot be checked (Yên Bái did not report), a PDF and a covering letter sit
in the inbox.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.forms import form_b
from sync.config import SyncConfig
from sync.demo_reports import ReportData, write_report
from sync.ledger import LEDGER_NAME, Ledger
from sync.run import RunOutcome, run_sync
from sync.summary import summary_text

NARRATIVE = {"g23": "Hỗ trợ doanh nghiệp áp dụng ISO 9001, Lean, 5S.",
             "recommendations": "Đề nghị bố trí kinh phí đối ứng."}

# (agency, layout, indicators) per year; the budget parts give a total with a decimal.
ROUND: dict[int, list[tuple[str, str, dict[str, tuple[Any, Any]]]]] = {
    2024: [
        ("bo-cong-thuong", "template", {"enterprises_supported": (900, 3100),
                                        "experts_certified": (20, 60),
                                        "harmonised_rate": (58, 58)}),
        ("bo-ke-hoach-va-dau-tu", "template", {"enterprises_supported": (10, 30)}),
        ("bo-tai-chinh", "template", {"enterprises_supported": (12, 40)}),
        ("tinh-quang-nam", "template", {"enterprises_supported": (150, 500)}),
        ("tp-da-nang-cu", "template", {"enterprises_supported": (210, 760)}),
        ("tinh-nghe-an", "template", {"enterprises_supported": (80, 300)}),
        ("tinh-lao-cai-cu", "template", {"enterprises_supported": (40, 120)}),
    ],
    2025: [
        ("bo-cong-thuong", "template", {"enterprises_supported": (1000, 4100),
                                        "experts_certified": (25, 15),  # an error
                                        "harmonised_rate": (62, 62),
                                        "budget_central": (5000, 14000),
                                        "budget_local": (1200.5, 3000),
                                        "budget_counterpart": (800, 2100)}),
        ("bo-tai-chinh", "template", {"enterprises_supported": (15, 85)}),  # 40 + 30 + 15
        ("tp-da-nang", "word", {"enterprises_supported": (420, 1680),  # 500 + 760 + 420
                                "harmonised_rate": (64, 64)}),
        ("tinh-nghe-an", "retyped", {"enterprises_supported": (150, 465)}),  # not 450
        ("tinh-lao-cai", "template", {"enterprises_supported": (55, 100)}),
    ],
}
HEADERS = {"tp-da-nang": "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG", "tinh-nghe-an": "UBND TỈNH NGHỆ AN"}


def _config(root: Path, year: int) -> SyncConfig:
    return SyncConfig(inbox=root / f"inbox-{year}", master=root / "master" / f"bao-cao-{year}.xlsx",
                      state=root / "state", year=year, form="B", workers=2,
                      expected=tuple(code for code, _, _ in ROUND[year]))


def _write_inbox(root: Path, year: int) -> None:
    for code, layout, indicators in ROUND[year]:
        suffix = ".docx" if layout == "word" else ".xlsx"
        data = ReportData(code, year, NARRATIVE, indicators, header=HEADERS.get(code, ""))
        write_report(root / f"inbox-{year}" / f"{code}{suffix}", data, layout)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, RunOutcome]]:
    root = tmp_path_factory.mktemp("round")
    out: dict[int, RunOutcome] = {}
    for year in ROUND:
        _write_inbox(root, year)
        if year == 2025:
            (root / "inbox-2025" / "Bao cao Ha Noi.pdf").write_bytes(b"%PDF-1.4 scanned\n")
            import docx

            letter = docx.Document()
            letter.add_paragraph("UBND TỈNH NGHỆ AN")
            letter.add_paragraph("V/v gửi báo cáo kết quả thực hiện Chương trình năm 2025.")
            letter.save(str(root / "inbox-2025" / "Cong van Nghe An.docx"))
        out[year] = run_sync(_config(root, year))
    return root, out


def _agencies(outcome: RunOutcome) -> dict[str, dict[str, Any]]:
    return {a["code"]: a for a in outcome.result["agencies"]}


def test_json_contract(rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    root, out = rounds
    result = out[2025].result
    assert {"form", "year", "master", "report", "agencies", "totals", "others",
            "rejected"} <= set(result)
    assert (result["form"], result["year"]) == ("B", 2025)
    assert result["report"] == str(root / "master" / "bao-cao-tong-hop-2025.docx")
    keys = [ind.key for ind in form_b().indicators]
    for agency in result["agencies"]:
        assert {"code", "name", "kind", "status", "file", "errors", "warnings", "issues",
                "indicators"} <= set(agency)
        assert list(agency["indicators"]) == keys
        assert all(set(v) == {"year", "cumulative"} for v in agency["indicators"].values())
        for issue in agency["issues"]:
            assert set(issue) == {"code", "severity", "sheet", "cell", "message"}
    assert list(result["totals"]) == ["indicators"]
    assert list(result["totals"]["indicators"]) == keys
    assert all(set(v) == {"year", "cumulative", "agencies"}
               for v in result["totals"]["indicators"].values())
    # The JSON is JSON (the CLI prints it as is).
    json.dumps(result, ensure_ascii=False)


def test_national_totals_include_every_agency_read_and_never_sum_rates(
        rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    totals = rounds[1][2025].result["totals"]["indicators"]
    assert totals["enterprises_supported"] == {"year": 1640, "cumulative": 6430,
                                               "agencies": 5}
    # Bộ Công Thương's file has an error: its figures are still its report, and counted.
    assert totals["experts_certified"] == {"year": 25, "cumulative": 15, "agencies": 1}
    assert totals["harmonised_rate"] == {"year": None, "cumulative": None, "agencies": 2}
    assert totals["budget_total"] == {"year": 7000.5, "cumulative": 19100.0, "agencies": 1}
    agencies = _agencies(rounds[1][2025])
    assert agencies["tp-da-nang"]["indicators"]["enterprises_supported"] == {
        "year": 420, "cumulative": 1680}
    assert agencies["tp-da-nang"]["file"] == "tp-da-nang.docx"
    assert agencies["bo-cong-thuong"]["status"] == "invalid"


def _issues(outcome: RunOutcome, code: str, rule: str) -> list[dict[str, Any]]:
    return [i for i in _agencies(outcome)[code]["issues"] if i["code"] == rule]


def test_continuity_with_last_year_merged_agencies_and_missing_predecessors(
        rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    _, out = rounds
    assert not any(i["code"].startswith("indicator-continuity")
                   for a in out[2024].result["agencies"] for i in a["issues"])
    year = out[2025]
    # Nghệ An: 300 + 150 = 450, not 465: a warning at the cumulative cell of its sheet.
    [broken] = _issues(year, "tinh-nghe-an", "indicator-continuity")
    assert (broken["severity"], broken["sheet"]) == ("warning", "So lieu")
    assert broken["cell"].startswith("E")
    for figure in ("465", "300", "150", "450"):
        assert figure in broken["message"]
    # Merged in 2025: the new Đà Nẵng continues old Quảng Nam + old Đà Nẵng, Bộ Tài chính
    # continues itself + Bộ Kế hoạch và Đầu tư: no warning.
    for code in ("tp-da-nang", "bo-tai-chinh", "bo-cong-thuong"):
        assert not _issues(year, code, "indicator-continuity"), code
    # The new Lào Cai: old Lào Cai reported for 2024, Yên Bái did not: information only.
    [unknown] = _issues(year, "tinh-lao-cai", "indicator-continuity-unknown")
    assert unknown["severity"] == "info" and "Tỉnh Yên Bái" in unknown["message"]
    assert _agencies(year)["tinh-lao-cai"]["warnings"] == \
        len([i for i in _agencies(year)["tinh-lao-cai"]["issues"]
             if i["severity"] == "warning"])
    # A cumulative below the year's is an error at its cell (and not also a break).
    [error] = _issues(year, "bo-cong-thuong", "cumulative-less-than-year")
    assert error["severity"] == "error"
    assert not _issues(year, "bo-cong-thuong", "indicator-continuity")


def test_other_files_of_a_report_round(rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    result = rounds[1][2025].result
    others = {o["file"]: o for o in result["others"]}
    assert others["Bao cao Ha Noi.pdf"]["code"] == "other-pdf"
    assert ".docx" in others["Bao cao Ha Noi.pdf"]["reason"]
    assert others["Cong van Nghe An.docx"]["code"] == "other-document"
    assert others["Cong van Nghe An.docx"]["agency"] == "tinh-nghe-an"
    assert result["rejected"] == []
    text = summary_text(result)
    assert "Dự thảo báo cáo tổng hợp:" in text and "Thành phố Đà Nẵng" in text


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return list(wb[sheet].iter_rows(values_only=True))


def test_the_master_of_a_round(rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    root, _ = rounds
    master = root / "master" / "bao-cao-2025.xlsx"
    wb = openpyxl.load_workbook(master, read_only=True)
    assert wb.sheetnames == ["Chỉ tiêu", "Theo đơn vị", "Nội dung", "Tình hình nộp",
                             "Tệp không tổng hợp", "Lỗi kiểm tra", "Thay đổi",
                             "Tiến độ mục tiêu"]
    national = {row[0]: row for row in _rows(master, "Chỉ tiêu") if row and row[0]}
    # STT, name, unit, year, cumulative, agencies, last year, last year's cumulative …
    assert national["2.3.1"][3:8] == (1640, 6430, 5, 1402, 4850)
    assert national["2.5.2"][3] is None and "không cộng" in national["2.5.2"][11]
    # Agencies × indicators: each agency's pair of values; the one with errors marked.
    matrix = _rows(master, "Theo đơn vị")
    header = matrix[3]
    column = header.index("2.3.1. " + form_b().indicator("enterprises_supported").name
                          + " (doanh nghiệp)")
    by_name = {row[1]: row for row in matrix if row and isinstance(row[0], int)}
    assert by_name["Thành phố Đà Nẵng"][column:column + 2] == (420, 1680)
    assert by_name["Bộ Công Thương"][2] == "Có lỗi"
    assert by_name["Tỉnh Nghệ An"][2] == "Đã nộp"
    assert any(row[0] and str(row[0]).startswith("CẢ NƯỚC") and row[column] == 1640
               for row in matrix)
    # Narratives under their outline item, led by the agency.
    narratives = [row for row in _rows(master, "Nội dung") if row and row[1]]
    assert ("Tỉnh Nghệ An", NARRATIVE["g23"]) in [(row[1], row[2]) for row in narratives]
    # The chart sheet holds native charts (targets' progress, years, the submission pie).
    with zipfile.ZipFile(master) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3


def test_checks_across_the_years_come_from_the_ledger(
        rounds: tuple[Path, dict[int, RunOutcome]]) -> None:
    root, out = rounds
    with Ledger(root / "state" / LEDGER_NAME) as ledger:
        assert ledger.indicator_years("B") == [2024, 2025]
        kept = ledger.indicator_values("B", 2024)
    assert kept["tp-da-nang-cu"]["enterprises_supported"] == (210.0, 760.0)
    # Nothing changed: the next run of the round is the fast one, and says the same.
    again = run_sync(_config(root, 2025))
    assert again.unchanged
    assert again.result["totals"] == out[2025].result["totals"]
    # The draft report deleted: written again.
    Path(out[2025].result["report"]).unlink()
    assert not run_sync(_config(root, 2025)).unchanged
    assert Path(out[2025].result["report"]).is_file()


def test_an_older_ledger_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    with Ledger(path) as ledger:
        run = ledger.begin_run("2025-11-30T10:00:00+00:00", "x")
    # The ledger as version 1 left it: no table of kept values (nor of decisions).
    with sqlite3.connect(path) as conn:
        for table in ("indicator_values", "decisions", "decision_history"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    with Ledger(path) as ledger:
        assert [r.id for r in ledger.runs()] == [run]
        assert ledger.indicator_values("B", 2024) == {}
        assert ledger.decisions("A", 2027) == {}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "3"


def test_form_a_agencies_give_their_issues(tmp_path: Path) -> None:
    from sync.demo_data import Task, write_submission

    write_submission(tmp_path / "inbox" / "BCT.xlsx", agency_code="bo-cong-thuong", year=2027,
                     tasks=[Task("Hỗ trợ doanh nghiệp áp dụng ISO 9001", "Viện Năng suất",
                                 "Mục tiêu", "Nội dung", "Kết quả", 84, 1000, 200)])
    outcome = run_sync(SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "m.xlsx",
                                  state=tmp_path / "state", year=2027, workers=1,
                                  expected=("bo-cong-thuong",)))
    [agency] = outcome.result["agencies"]
    assert {i["code"] for i in agency["issues"] if i["severity"] == "error"} == {
        "duration-out-of-range", "duration-past-2030"}
    assert agency["errors"] == 2
    assert agency["issues"][0]["message"].startswith('Tệp "BCT.xlsx"')


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    import subprocess

    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    out = subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    import re
    import subprocess

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


@pytest.mark.libreoffice
def test_the_draft_national_report(rounds: tuple[Path, dict[int, RunOutcome]], soffice: str,
                                   tmp_path: Path) -> None:
    import docx
    from docx.shared import Pt

    from nscl.libreoffice import convert

    _, out = rounds
    report = Path(out[2025].result["report"])
    document = docx.Document(str(report))
    section = document.sections[0]
    # (Word stores lengths in twentieths of a point: compared to a tenth of a millimetre.)
    measured = (section.page_width, section.page_height, section.top_margin,
                section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in measured] == [210, 297, 20, 20, 30, 15]
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))

    pdf = convert(report, "pdf", tmp_path)
    sizes = _page_sizes(pdf)
    assert sizes[0] == pytest.approx((595.3, 841.9), abs=1)  # A4 portrait
    assert sizes[-1] == pytest.approx((841.9, 595.3), abs=1)  # the wide appendix
    text = _pdf_text(pdf)
    for heading in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                    "BỘ KHOA HỌC VÀ", "CÔNG NGHỆ", "Kính gửi: Thủ tướng Chính phủ",
                    "I. TÌNH HÌNH TRIỂN KHAI VÀ KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH",
                    "2.3. Hỗ trợ doanh nghiệp áp dụng tiêu chuẩn",
                    "II. ĐÁNH GIÁ KẾT QUẢ", "III. PHƯƠNG HƯỚNG, GIẢI PHÁP",
                    "IV. ĐỀ XUẤT, KIẾN NGHỊ", "Phụ lục I", "Phụ lục II"):
        assert heading in text, heading
    # National figures in a sentence, Vietnamese numbers; each agency's narrative led by
    # its name.
    assert "Năm 2025, các bộ, ngành, địa phương đã hỗ trợ 1.640 doanh nghiệp" in text
    assert "(lũy kế từ năm 2021: 6.430 doanh nghiệp)" in text
    assert "7.000,5 triệu đồng" in text
    assert "Tỉnh Nghệ An: Hỗ trợ doanh nghiệp áp dụng ISO 9001" in text
    assert "Thành phố Đà Nẵng: Đề nghị bố trí kinh phí đối ứng." in text
    # Page numbers at the top, from the second page.
    assert _pdf_text(pdf, 2, 2).startswith("2 ")
    assert not _pdf_text(pdf, 1, 1).startswith("1 ")


def test_feedback_changes_and_the_command_line(rounds: tuple[Path, dict[int, RunOutcome]],
                                               tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nscl.cli import app

    root, out = rounds
    result = out[2025].result
    # Workbooks get a marked copy (an "info" problem among the others is no obstacle);
    # a report written in Word does not.
    assert Path(result["feedback"]["tinh-lao-cai"]).is_file()
    assert "tp-da-nang" not in result["feedback"]
    assert out[2025].rows_in == out[2025].rows_out == sum(
        1 for a in result["agencies"] for v in a["indicators"].values()
        if v["year"] is not None or v["cumulative"] is not None)
    # The same round, from the command line, into another state folder.
    import shutil

    inbox = shutil.copytree(root / "inbox-2025", tmp_path / "inbox")
    state = tmp_path / "state"
    args = ["sync", "--form", "B", "--year", "2025", "--inbox", str(inbox),
            "--out", str(tmp_path / "bao-cao.xlsx"), "--state", str(state),
            "--format", "json"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1, first.output  # Bộ Công Thương's file has an error
    payload = json.loads(first.stdout)
    assert payload["totals"]["indicators"]["enterprises_supported"]["year"] == 1640
    assert Path(payload["report"]).name == "bao-cao-tong-hop-2025.docx"
    # Without last year in this state folder: nothing to check the cumulative against.
    assert not any(i["code"].startswith("indicator-continuity")
                   for a in payload["agencies"] for i in a["issues"])
    # A corrected figure: the changes sheet names the indicator.
    data = ReportData("tinh-lao-cai", 2025, NARRATIVE, {"enterprises_supported": (60, 100)})
    write_report(inbox / "tinh-lao-cai.xlsx", data, "template")
    second = json.loads(CliRunner().invoke(app, args).stdout)
    assert second["changes"] == {"agency-updated": 1, "indicator-changed": 1}
    changes = _rows(tmp_path / "bao-cao.xlsx", "Thay đổi")
    assert any(row[2] == "Sửa số liệu chỉ tiêu" and "năm: 55 → 60" in str(row[4])
               for row in changes if row and len(row) > 4)
