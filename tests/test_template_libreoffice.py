"""The templates in a real spreadsheet application (LibreOffice headless).

A clerk's rows typed into the input cells (openpyxl stands in for the clerk) are
recalculated by LibreOffice: every Tổng số equals NSNN + Đối ứng and the totals row
adds up. Each template exported to PDF prints on A4, one page wide.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.forms import form_a, form_b
from nscl.libreoffice import convert, recalculate
from nscl.template_build import BuiltWorkbook, build_workbook_info, file_name
from nscl.template_build.filled import write_filled_table
from tests.conftest import require

pytestmark = pytest.mark.libreoffice

# (Stt, task name, lead org, objectives, content, results, months, NSNN, Đối ứng)
ROWS_A: list[tuple[Any, ...]] = [
    (1, "Truyền thông năng suất chất lượng", "Trung tâm A", "Nâng cao nhận thức",
     "Hội thảo", "06 hội thảo", 15, 1250.5, 300),
    (2, "Đào tạo chuyên gia năng suất", "Viện B", "Đào tạo", "Khóa học", "50 chuyên gia",
     24, 2000, None),
    (3, "Xây dựng TCVN", "Viện C", "Tiêu chuẩn", "Soạn thảo", "05 TCVN", 18, None, 0),
    (4, "Mô hình điểm", "Trường D", "Mô hình", "Hỗ trợ DN", "10 doanh nghiệp", 36,
     3999.75, 1000.25),
]


def _fill_form_a(target: Path) -> BuiltWorkbook:
    keys = [c.key for c in form_a().columns if not c.computed and c.key != "notes"]
    return write_filled_table(target, [dict(zip(keys, values, strict=True))
                                       for values in ROWS_A])


@pytest.fixture(scope="module")
def built_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltWorkbook]:
    out = tmp_path_factory.mktemp("lo-templates")
    return {x: build_workbook_info(x, out_path=out / file_name(x)) for x in ("A", "B", "C")}


@pytest.fixture(scope="module")
def recalculated_a(soffice: str, built_all: dict[str, BuiltWorkbook],
                   tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    work = tmp_path_factory.mktemp("filled-a")
    filled = _fill_form_a(work / "filled-a.xlsx").path
    result = recalculate(filled, work / "out")
    return openpyxl.load_workbook(result, data_only=True)


def test_total_is_state_budget_plus_counterpart(recalculated_a: openpyxl.Workbook,
                                                built_all: dict[str, BuiltWorkbook]) -> None:
    layout = built_all["A"].table
    assert layout is not None
    ws = recalculated_a[form_a().sheet]
    total, nsnn, counterpart = (layout.column_index(k) + 1 for k in
                                ("total", "state_budget", "counterpart"))
    for offset, values in enumerate(ROWS_A):
        row = layout.first_input_row + offset + 1
        expected = (values[7] or 0) + (values[8] or 0)
        assert ws.cell(row, total).value == pytest.approx(expected)
        assert ws.cell(row, nsnn).value == values[7]
        assert ws.cell(row, counterpart).value == values[8]
    # An untouched row stays empty, not 0.
    empty_row = layout.first_input_row + len(ROWS_A) + 1
    assert ws.cell(empty_row, total).value in (None, "")
    # The totals row.
    totals = layout.totals_row
    assert totals is not None
    sums = {
        "state_budget": sum(v[7] or 0 for v in ROWS_A),
        "counterpart": sum(v[8] or 0 for v in ROWS_A),
    }
    sums["total"] = sums["state_budget"] + sums["counterpart"]
    for key, expected in sums.items():
        value = ws.cell(totals + 1, layout.column_index(key) + 1).value
        assert value == pytest.approx(expected)
    assert sums["total"] == pytest.approx(8550.5)
    count_cell = ws.cell(totals + 1, layout.column_index("task_name") + 2).value
    assert count_cell == len(ROWS_A)


@pytest.fixture(scope="module")
def recalculated_b(soffice: str, built_all: dict[str, BuiltWorkbook],
                   tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    form = form_b()
    layout = built_all["B"].indicators
    assert layout is not None
    work = tmp_path_factory.mktemp("filled-b")
    wb = openpyxl.load_workbook(built_all["B"].path)
    ws = wb[form.indicator_sheet]
    values = {"budget_central": (100.5, 420.5), "budget_local": (50, 150),
              "budget_counterpart": (20.25, None)}
    for key, (year_value, cumulative) in values.items():
        row = layout.rows[key] + 1
        ws.cell(row, layout.year_column + 1, value=year_value)
        if cumulative is not None:
            ws.cell(row, layout.cumulative_column + 1, value=cumulative)
    wb.save(work / "filled-b.xlsx")
    return openpyxl.load_workbook(recalculate(work / "filled-b.xlsx", work / "out"),
                                  data_only=True)


def test_form_b_budget_total(recalculated_b: openpyxl.Workbook,
                             built_all: dict[str, BuiltWorkbook]) -> None:
    layout = built_all["B"].indicators
    assert layout is not None
    ws = recalculated_b[form_b().indicator_sheet]
    row = layout.rows["budget_total"] + 1
    assert ws.cell(row, layout.year_column + 1).value == pytest.approx(170.75)
    assert ws.cell(row, layout.cumulative_column + 1).value == pytest.approx(570.5)


# ---------------------------------------------------------------- printing


def _pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, from poppler's pdfinfo."""
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
    info = _run("pdfinfo", "-f", "1", "-l", str(count), str(pdf))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == count
    return [(float(w), float(h)) for w, h in sizes]


def _run(*cmd: str) -> str:
    require(shutil.which(cmd[0]) is not None, f"{cmd[0]} (poppler-utils) is not installed")
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _page_text(pdf: Path, page: int) -> str:
    return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


def _is_a4(size: tuple[float, float], *, landscape: bool) -> bool:
    w, h = size
    long_side, short_side = (w, h) if landscape else (h, w)
    return abs(long_side - 841.9) < 2 and abs(short_side - 595.3) < 2


@pytest.fixture(scope="module")
def pdfs(soffice: str, built_all: dict[str, BuiltWorkbook],
         tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    return {x: convert(b.path, "pdf", out) for x, b in built_all.items()}


@pytest.mark.parametrize("letter", ["A", "C"])
def test_table_form_prints_one_page_wide_on_a4_landscape(pdfs: dict[str, Path],
                                                         letter: str) -> None:
    pages = _pages(pdfs[letter])
    table_pages = 0
    for size in pages:
        if not _is_a4(size, landscape=True):
            break
        table_pages += 1
    # Header + 200 bordered input rows + footer fit on a few pages (a table split across
    # pages horizontally would need twice as many).
    assert 1 <= table_pages <= 8
    # The remaining pages are the guide sheet, portrait A4.
    assert all(_is_a4(size, landscape=False) for size in pages[table_pages:])
    text = _page_text(pdfs[letter], 1)
    columns = 11 if letter == "A" else 7
    for i in range(1, columns + 1):
        assert f"({i})" in text
    assert "Ghi chú" in text
    # The header rows repeat on the next page.
    if table_pages > 1:
        assert f"({columns})" in _page_text(pdfs[letter], 2)


def test_report_form_prints_on_a4(pdfs: dict[str, Path]) -> None:
    pages = _pages(pdfs["B"])
    assert _is_a4(pages[0], landscape=False)
    landscape = [i for i, size in enumerate(pages, start=1) if _is_a4(size, landscape=True)]
    assert landscape, "the indicator sheet prints landscape"
    text = _page_text(pdfs["B"], landscape[0])
    for i in range(1, 8):
        assert f"({i})" in text
    assert all(_is_a4(s, landscape=True) or _is_a4(s, landscape=False) for s in pages)
    assert len(pages) <= 10


def test_report_outline_keeps_each_heading_with_its_box(
        pdfs: dict[str, Path], built_all: dict[str, BuiltWorkbook]) -> None:
    """Every page of "Báo cáo" after the first starts with an outline heading, and the
    pages are the ones planned: no heading printed at the foot of a page away from its
    answer box (the box is empty: the planned breaks are what LibreOffice follows)."""
    form = form_b()
    ws = openpyxl.load_workbook(built_all["B"].path)[form.sheet]
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # pages start after these rows
    assert breaks, "the outline needs several pages"
    numbers = {item.number for item in form.outline}
    for after in breaks:
        assert ws.cell(after + 1, 1).value in numbers  # a heading opens the page
    pages = _pages(pdfs["B"])
    portrait = [i for i, size in enumerate(pages, start=1) if _is_a4(size, landscape=False)]
    report_pages = portrait[: len(breaks) + 1]
    assert report_pages == list(range(1, len(breaks) + 2))  # no page LibreOffice added
    for page in report_pages[1:]:
        # The heading's number sits on its title's last line (a title may take two).
        first, second = [line for line in _page_text(pdfs["B"], page).splitlines()
                         if line.strip()][:2]
        assert {first.split()[0], second.split()[0]} & numbers, (first, second)
