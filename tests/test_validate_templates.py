"""The nscl templates themselves (workbook_templates/excel): found, identified, and a
filled copy validates clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from nscl.forms import form_a
from nscl.locate import locate_table
from nscl.reading import open_workbook
from nscl.validation import validate_path

EXCEL = Path(__file__).resolve().parent.parent / "workbook_templates" / "excel"
TEMPLATES = {"A": "mau-A-de-xuat-nhiem-vu.xlsx", "B": "mau-B-bao-cao-ket-qua.xlsx",
             "C": "mau-C-ket-qua-tuyen-chon.xlsx"}


def issued_by_ministry(letter: str) -> bool:
    """Whether the form is the Ministry's own document (no sending agency)."""
    from nscl.forms import get_form

    return get_form(letter).submitted_by == "ministry"


@pytest.mark.parametrize(("letter", "name"), sorted(TEMPLATES.items()))
def test_empty_templates_are_recognised(letter: str, name: str) -> None:
    path = EXCEL / name
    if not path.exists():
        pytest.skip(f"{name} not built")
    report = validate_path(path)
    assert report.readable and report.form == letter
    assert report.form_version is not None  # identity read from the template metadata
    # Only the sending agency is missing: the header still shows the placeholder. The
    # Ministry's own appendix (Form C) names no sending agency.
    expected = [] if issued_by_ministry(letter) else ["agency-unknown"]
    assert [p.code for p in report.errors] == expected
    for problem in report.errors:  # it points at the header cell the clerk must fill
        ws = load_workbook(path)[problem.sheet]
        assert "TÊN BỘ" in str(ws[problem.cell].value)
    assert "indicator-unknown" not in {p.code for p in report.problems}
    assert report.narratives == {}  # guidance notes and the footer are not answers


def test_filled_form_a_template_validates(tmp_path: Path) -> None:
    path = EXCEL / TEMPLATES["A"]
    if not path.exists():
        pytest.skip("Form A template not built")
    book = open_workbook(path)
    try:
        sheet = next(s.name for s in book.sheets if s.visible)
        loc = locate_table(book.read(sheet), form_a())
    finally:
        book.close()
    assert loc is not None
    wb = load_workbook(path)
    ws = wb[sheet]
    rows = [
        [1, "Hỗ trợ doanh nghiệp áp dụng ISO 9001", "Sở KH&CN", "x", "x", "x", 24, None, 800,
         200.5],
        [2, "Đào tạo chuyên gia năng suất", "Trường Đại học", "x", "x", "x", 18, None, 500, 0],
    ]
    for i, values in enumerate(rows):
        for col in form_a().columns[:10]:
            value = values[form_a().column_number(col.key) - 1]
            if value is not None:
                ws.cell(row=loc.data_start + 1 + i, column=loc.columns[col.key] + 1, value=value)
    placeholder = form_a().agency_placeholder
    agency_cells = [c for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and placeholder in c.value]
    assert agency_cells, "the template shows where the clerk names the agency"
    for cell in agency_cells:
        cell.value = cell.value.replace(placeholder, "BỘ CÔNG THƯƠNG")
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    report = validate_path(filled)
    assert report.errors == []
    assert report.agency is not None and report.agency.code == "bo-cong-thuong"
    assert report.summary.tasks == 2
    assert report.summary.total == pytest.approx(1500.5)
    assert report.rows[0].values["total"] == pytest.approx(1000.5)
