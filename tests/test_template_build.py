"""The built Excel templates, read back with openpyxl: wording, layout, input help, print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from nscl.forms import form_a, form_b, form_c
from nscl.identity import IDENTITY_SHEET, TemplateIdentity, identity_from_rows
from nscl.identity import read_identity_properties as read_props
from nscl.template_build import (
    CURRENT_YEAR,
    BuiltWorkbook,
    build_all,
    build_workbook_info,
    default_year,
    file_name,
)
from nscl.template_build.guide import GUIDE_SHEET
from nscl.template_build.page import MARGINS_MM

FONT = "Times New Roman"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltWorkbook]:
    out = tmp_path_factory.mktemp("templates")
    return {
        letter: build_workbook_info(letter, out_path=out / file_name(letter))
        for letter in ("A", "B", "C")
    }


@pytest.fixture(scope="module")
def books(built: dict[str, BuiltWorkbook]) -> dict[str, Workbook]:
    return {letter: openpyxl.load_workbook(b.path) for letter, b in built.items()}


def _merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _texts(ws: Worksheet) -> list[str]:
    """Every text of the sheet, its line breaks read as spaces (titles are broken into
    lines by the builder: the words are the official ones)."""
    return [c.value.replace("\n", " ") for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]


def _cell(ws: Worksheet, row0: int, col0: int) -> Any:
    """Cell at 0-based coordinates (the builder's layout is 0-based)."""
    return ws.cell(row=row0 + 1, column=col0 + 1)


def _width(ws: Worksheet, column: int) -> float:
    """Width of the 1-based ``column`` (a <col> element may span several columns)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= column <= dim.max:
            return float(dim.width)
    raise AssertionError(f"no width for column {column}")


def _validations(ws: Worksheet) -> dict[str, Any]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


# ---------------------------------------------------------------- defaults and names


def test_default_years_follow_one_constant() -> None:
    assert default_year("A") == default_year("C") == CURRENT_YEAR + 1
    assert default_year("B") == CURRENT_YEAR
    assert file_name("A") == "mau-A-de-xuat-nhiem-vu.xlsx"
    assert file_name("b", "tinh-nghe-an") == "mau-B-bao-cao-ket-qua-tinh-nghe-an.xlsx"


# ---------------------------------------------------------------- Form A wording


def test_form_a_header_block_and_title(built: dict[str, BuiltWorkbook],
                                       books: dict[str, Workbook]) -> None:
    form = form_a()
    ws = books["A"][form.sheet]
    year = built["A"].year
    assert year == CURRENT_YEAR + 1
    texts = _texts(ws)
    for expected in (form.agency_placeholder, form.national_name, form.motto,
                     form.title_for(year), form.footer_place_date_for(year),
                     form.footer_signature, form.footer_signature_note, form.totals_label):
        assert expected in texts
    # Agency at the top left, Quốc hiệu over Tiêu ngữ at the top right.
    assert ws["A1"].value == form.agency_placeholder
    national = next(c for c in ws[1] if c.value == form.national_name)
    motto = next(c for c in ws[2] if c.value == form.motto)
    assert national.column == motto.column > 3
    assert national.font.b and national.font.sz in (12, 13)
    assert motto.font.b and motto.font.sz in (13, 14)
    # The solid line under the Tiêu ngữ: a short merged range with a top border, inside
    # the right block and narrower than it.
    right_block = next(r for r in ws.merged_cells.ranges if r.min_row == 2
                       and r.min_col == motto.column)
    rule = next(r for r in ws.merged_cells.ranges if r.min_row == 3)
    assert ws.cell(3, rule.min_col).border.top.style == "thin"
    assert right_block.min_col <= rule.min_col and rule.max_col <= right_block.max_col
    assert (rule.max_col - rule.min_col) < (right_block.max_col - right_block.min_col)
    # The footer year is the signing year: the 2027 round is signed in 2026.
    assert form.footer_place_date_for(2027) == "….., ngày…..tháng….năm 2026"


def test_form_a_wording_pinned_to_seed_001(tmp_path: Path) -> None:
    """Spot-check against the literal text of seed 001 (round 2025, signed in 2024)."""
    built = build_workbook_info("A", year=2025, out_path=tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(built.path)[form_a().sheet]
    texts = _texts(ws)
    for literal in (
        "(TÊN BỘ, NGÀNH VÀ ĐỊA PHƯƠNG)",
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẢNG TỔNG HỢP DANH MỤC ĐỀ XUẤT NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ CẤP QUỐC GIA DỰ KIẾN "
        "THỰC HIỆN TỪ NĂM 2025 THUỘC CHƯƠNG TRÌNH QUỐC GIA HỖ TRỢ DOANH NGHIỆP NÂNG CAO "
        "NĂNG SUẤT VÀ CHẤT LƯỢNG SẢN PHẨM, HÀNG HÓA GIAI ĐOẠN 2021-2030",
        "Dự kiến kinh phí (triệu đồng)",
        "Tên nhiệm vụ (sắp xếp theo thứ tự ưu tiên)",
        "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được",
        "….., ngày…..tháng….năm 2024",
        "XÁC NHẬN CỦA BỘ, NGÀNH VÀ ĐỊA PHƯƠNG",
        "(Ký, ghi rõ họ tên và đóng dấu)",
    ):
        assert literal in texts, literal


def test_form_a_two_row_header(built: dict[str, BuiltWorkbook],
                               books: dict[str, Workbook]) -> None:
    form = form_a()
    layout = built["A"].table
    assert layout is not None
    ws = books["A"][form.sheet]
    top, bottom = layout.header_first_row + 1, layout.header_last_row + 1
    assert bottom == top + 1
    merged = _merged(ws)
    for i, column in enumerate(form.columns, start=1):
        letter = get_column_letter(i)
        if column.group is None:
            cell = ws.cell(top, i)
            assert f"{letter}{top}:{letter}{bottom}" in merged
        else:
            cell = ws.cell(bottom, i)
        assert cell.value == column.header
        assert cell.font.name == FONT and cell.font.b and cell.alignment.wrap_text
    budget = [i for i, c in enumerate(form.columns, start=1) if c.group]
    first, last = get_column_letter(budget[0]), get_column_letter(budget[-1])
    assert ws.cell(top, budget[0]).value == "Dự kiến kinh phí (triệu đồng)"
    assert f"{first}{top}:{last}{top}" in merged
    assert [ws.cell(bottom, i).value for i in budget] == ["Tổng số", "NSNN", "Đối ứng"]
    # The column-number row (1) … (11).
    number_row = layout.number_row + 1
    assert [ws.cell(number_row, i).value for i in range(1, len(form.columns) + 1)] == [
        f"({i})" for i in range(1, 12)
    ]
    # Widths come from the form description.
    for i, column in enumerate(form.columns, start=1):
        assert _width(ws, i) == pytest.approx(column.width, abs=0.8)


def test_form_a_times_new_roman_throughout(books: dict[str, Workbook]) -> None:
    for wb in books.values():
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.font.name == FONT, (ws.title, cell.coordinate)


# ---------------------------------------------------------------- input area


def test_form_a_input_area_formulas_and_totals(built: dict[str, BuiltWorkbook],
                                               books: dict[str, Workbook]) -> None:
    form = form_a()
    layout = built["A"].table
    assert layout is not None
    ws = books["A"][form.sheet]
    assert layout.last_input_row - layout.first_input_row + 1 >= form.input_rows
    total, nsnn, counterpart = (layout.column_index(k) for k in
                                ("total", "state_budget", "counterpart"))
    for r in (layout.first_input_row, layout.last_input_row):
        n, d = _cell(ws, r, nsnn).coordinate, _cell(ws, r, counterpart).coordinate
        cell = _cell(ws, r, total)
        assert cell.value == f'=IF(AND({n}="",{d}=""),"",N({n})+N({d}))'
        assert cell.protection.locked
        for c in range(len(form.columns)):
            if c != total:
                assert not _cell(ws, r, c).protection.locked
            assert _cell(ws, r, c).border.left.style == "thin"
    assert layout.totals_row == layout.last_input_row + 1
    first, last = layout.first_input_row + 1, layout.last_input_row + 1
    row = [_cell(ws, layout.totals_row, c).value for c in range(len(form.columns))]
    assert form.totals_label in row
    for key in ("total", "state_budget", "counterpart"):
        letter = get_column_letter(layout.column_index(key) + 1)
        assert row[layout.column_index(key)] == f"=SUM({letter}{first}:{letter}{last})"
    name_letter = get_column_letter(layout.column_index("task_name") + 1)
    assert f"=COUNTA({name_letter}{first}:{name_letter}{last})" in row
    # Text columns are text-formatted: "=…", "1/2" or "0123" stay as typed.
    assert _cell(ws, layout.first_input_row, layout.column_index("task_name")).number_format == "@"
    assert "tháng" in _cell(ws, layout.first_input_row,
                            layout.column_index("duration_months")).number_format


def test_form_a_data_validation(built: dict[str, BuiltWorkbook],
                                books: dict[str, Workbook]) -> None:
    form = form_a()
    layout = built["A"].table
    assert layout is not None
    dvs = _validations(books["A"][form.sheet])
    first, last = layout.first_input_row + 1, layout.last_input_row + 1

    def dv(key: str) -> Any:
        letter = get_column_letter(layout.column_index(key) + 1)
        return dvs[f"{letter}{first}:{letter}{last}"]

    seq = dv("seq")
    assert (seq.type, seq.operator, seq.formula1) == ("whole", "greaterThanOrEqual", "1")
    duration = dv("duration_months")
    column = form.column("duration_months")
    assert duration.type == "whole" and duration.operator in (None, "between")
    assert (float(duration.formula1), float(duration.formula2)) == (column.min, column.max)
    assert (column.min, column.max) == (1, 72)
    for key in ("state_budget", "counterpart"):
        money = dv(key)
        assert (money.type, money.operator, money.formula1) == ("decimal",
                                                                "greaterThanOrEqual", "0")
    for column in form.columns:
        v = dv(column.key)
        assert v.prompt == column.help and v.showInputMessage
        assert v.promptTitle and len(v.promptTitle) <= 32
        if column.type != "text" and not column.computed:
            assert v.showErrorMessage and v.errorStyle in (None, "stop")
            assert v.errorTitle == "Giá trị không hợp lệ"
            assert column.help in v.error


def test_form_a_conditional_formatting(built: dict[str, BuiltWorkbook],
                                       books: dict[str, Workbook]) -> None:
    form = form_a()
    layout = built["A"].table
    assert layout is not None
    ws = books["A"][form.sheet]
    first, last = layout.first_input_row + 1, layout.last_input_row + 1
    covered: set[int] = set()
    missing_rules = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            formula = rule.formula[0]
            if "COUNTA(" in formula:
                missing_rules.append(formula)
                assert rule.dxf.fill.bgColor.rgb.endswith("FFC7CE")
                for rng in cf.sqref.ranges:
                    min_col, min_row, max_col, max_row = range_boundaries(str(rng))
                    assert (min_row, max_row) == (first, last)
                    covered.update(range(min_col - 1, max_col))
    required = {i for i, c in enumerate(form.columns) if c.required and not c.computed}
    assert covered == required
    # "Started row" = any typed-in cell of the row is filled (the formula column excluded).
    assert all(f"COUNTA($A{first}:$G{first},$I{first}:$K{first})>0" in f
               for f in missing_rules)


def test_form_a_marks_unlikely_amounts_as_validation_warns(
    built: dict[str, BuiltWorkbook], books: dict[str, Workbook],
) -> None:
    """An amount above the column's warn_above (100 tỷ đồng for one task) turns light
    yellow while typing: the same limit as validation's amount-implausible warning."""
    form = form_a()
    layout = built["A"].table
    assert layout is not None
    ws = books["A"][form.sheet]
    first, last = layout.first_input_row + 1, layout.last_input_row + 1
    found: dict[int, str] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            formula = rule.formula[0]
            if formula.startswith("AND(ISNUMBER("):  # not the "text in a number column" one
                assert rule.dxf.fill.bgColor.rgb.endswith("FFEB9C")
                (rng,) = cf.sqref.ranges
                min_col, min_row, max_col, max_row = range_boundaries(str(rng))
                assert (min_row, max_row) == (first, last) and min_col == max_col
                found[min_col - 1] = formula
    expected = {i: c for i, c in enumerate(form.columns) if c.warn_above is not None}
    assert set(found) == set(expected) and len(expected) == 2  # NSNN, Đối ứng
    for i, column in expected.items():
        assert found[i].endswith(f">{column.warn_above:g})")


def test_form_a_print_setup_protection_and_panes(built: dict[str, BuiltWorkbook],
                                                 books: dict[str, Workbook]) -> None:
    layout = built["A"].table
    assert layout is not None
    ws = books["A"][form_a().sheet]
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth defaults to 1 when absent.
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    margins = ws.page_margins
    for side in ("left", "right", "top", "bottom"):
        assert getattr(margins, side) == pytest.approx(MARGINS_MM[side] / 25.4, abs=1e-3)
    assert 30 <= margins.left * 25.4 <= 35 and 15 <= margins.right * 25.4 <= 20
    assert 20 <= margins.top * 25.4 <= 25 and 20 <= margins.bottom * 25.4 <= 25
    assert ws.print_title_rows == f"${layout.header_first_row + 1}:${layout.number_row + 1}"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "Trang" in ws.oddFooter.center.text
    # Protected without password; formatting and row inserts allowed.
    prot = ws.protection
    assert prot.sheet and not prot.password
    assert prot.formatCells is False and prot.formatColumns is False
    assert prot.formatRows is False and prot.insertRows is False
    assert ws.freeze_panes == f"A{layout.first_input_row + 1}"
    # Workbook structure locked (sheets cannot be renamed or deleted), no password.
    for wb in books.values():
        assert wb.security is not None and wb.security.lockStructure
        assert not wb.security.workbookPassword
    # Header cells stay locked.
    assert _cell(ws, layout.header_first_row, 0).protection.locked


def test_identity_properties_and_hidden_sheet(built: dict[str, BuiltWorkbook],
                                              books: dict[str, Workbook]) -> None:
    for letter, form in (("A", form_a()), ("B", form_b()), ("C", form_c())):
        expected = TemplateIdentity(form_id=form.id, form_version=form.version,
                                    year=default_year(letter), agency_code=None)
        assert read_props(built[letter].path) == expected
        ws = books[letter][IDENTITY_SHEET]
        assert ws.sheet_state == "veryHidden"
        assert identity_from_rows(ws.iter_rows(values_only=True)) == expected
        assert books[letter].worksheets[0].sheet_state == "visible"


def test_document_date_is_fixed(built: dict[str, BuiltWorkbook],
                                books: dict[str, Workbook]) -> None:
    props = books["A"].properties
    assert props.created is not None and props.created.year == 2026
    assert props.created == props.modified


# ---------------------------------------------------------------- guide sheet


def test_guide_sheet_explains_the_form(books: dict[str, Workbook]) -> None:
    form = form_a()
    text = "\n".join(_texts(books["A"][GUIDE_SHEET]))
    for column in form.columns:
        assert column.help in text
        assert column.header in text
    assert "Tổng số = NSNN + Đối ứng" in text
    assert "triệu đồng" in text
    assert "từ 1 đến 72" in text
    assert "thứ tự ưu tiên" in text
    assert ".xlsx" in text and "tên bộ, ngành hoặc địa phương" in text
    assert "thời hạn" in text and f"\"{form.sheet}\"" in text
    assert "KHÔNG có mật khẩu" in text
    assert books["A"][GUIDE_SHEET].protection.sheet


@pytest.mark.parametrize("letter", ["A", "B", "C"])
def test_guide_asks_agencies_to_name_themselves(books: dict[str, Workbook], letter: str) -> None:
    """Forms an agency sends say where to write the agency's name; the Ministry's own
    appendix (Form C) does not."""
    from nscl.forms import get_form

    form = get_form(letter)
    text = "\n".join(_texts(books[letter][GUIDE_SHEET]))
    asked = f"Thay dòng \"{form.agency_placeholder}\"" in text
    assert asked == (form.submitted_by == "agency")


# ---------------------------------------------------------------- Form C


def test_form_c_appendix(built: dict[str, BuiltWorkbook], books: dict[str, Workbook]) -> None:
    form = form_c()
    layout = built["C"].table
    assert layout is not None
    ws = books["C"][form.sheet]
    year = built["C"].year
    assert ws["A1"].value == "Phụ lục" == form.appendix_label
    texts = _texts(ws)
    assert form.title_for(year) in texts
    subtitle = form.subtitle_for(year)
    assert subtitle.startswith("(Kèm theo Thông báo số") and subtitle in texts
    header_row = layout.header_first_row + 1
    assert layout.header_last_row == layout.header_first_row  # one header row
    assert [ws.cell(header_row, i).value for i in range(1, 8)] == [
        "tt", "Tên nhiệm vụ", "Tổ chức chủ trì/ Chủ nhiệm nhiệm vụ", "Tóm tắt mục tiêu",
        "Dự kiến kết quả, sản phẩm chính", "Thời gian thực hiện", "Ghi chú",
    ]
    assert [c.header for c in form.columns] == [
        ws.cell(header_row, i).value for i in range(1, 8)]
    dvs = _validations(ws)
    first, last = layout.first_input_row + 1, layout.last_input_row + 1
    assert dvs[f"F{first}:F{last}"].type == "whole"
    assert layout.totals_row is None
    assert ws.page_setup.orientation == "landscape" and ws.protection.sheet


# ---------------------------------------------------------------- Form B


def test_form_b_report_outline(built: dict[str, BuiltWorkbook],
                               books: dict[str, Workbook]) -> None:
    form = form_b()
    year = built["B"].year
    report = built["B"].report
    assert report is not None
    ws = books["B"][form.sheet]
    texts = _texts(ws)
    assert form.title_for(year) in texts
    assert form.national_name in texts and form.motto in texts
    # The title is broken into lines between words, never inside "GIAI ĐOẠN 2021-2030"
    # (the spreadsheet's own wrapping left "2030" alone on the last line).
    (title,) = [c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("BÁO CÁO KẾT QUẢ")]
    assert "\n" in title and title.splitlines()[-1].endswith("GIAI ĐOẠN 2021-2030")
    by_title = {}
    for row in ws.iter_rows():
        if isinstance(row[1].value, str):
            by_title[row[1].value] = row
    for item in form.outline:
        row = by_title[item.title_for(year)]
        assert row[0].value == item.number
        if item.number in ("I", "II", "III", "IV"):
            assert row[0].font.b and row[1].font.b
    narratives = [i for i in form.outline if i.narrative]
    assert set(report.narrative_rows) == {i.key for i in narratives}
    first_col, last_col = report.text_columns
    for r in report.narrative_rows.values():
        cell = _cell(ws, r, first_col)
        assert not cell.protection.locked and cell.alignment.wrap_text
        assert ws.row_dimensions[r + 1].height >= 60
        assert (f"{get_column_letter(first_col + 1)}{r + 1}:"
                f"{get_column_letter(last_col + 1)}{r + 1}") in _merged(ws)
    notes = [c for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("Cần cụ thể những tồn tại")]
    assert notes and notes[0].font.i
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.protection.sheet


def test_form_b_indicator_table(built: dict[str, BuiltWorkbook],
                                books: dict[str, Workbook]) -> None:
    form = form_b()
    year = built["B"].year
    layout = built["B"].indicators
    assert layout is not None
    ws = books["B"][form.indicator_sheet]
    header = [c.value for c in ws[layout.header_row + 1]][:7]
    assert header == list(form.indicator_headers_for(year))
    assert header[3] == f"Năm {year}" and header[0] == "STT"
    for group in form.groups:
        assert group.title in _texts(ws)
        for indicator in group.indicators:
            r = layout.rows[indicator.key]
            assert _cell(ws, r, 1).value == indicator.name
            assert _cell(ws, r, 2).value == indicator.unit
            assert (_cell(ws, r, 5).value or "") == indicator.target
            for c in (layout.year_column, layout.cumulative_column):
                cell = _cell(ws, r, c)
                if indicator.computed:
                    assert cell.protection.locked and str(cell.value).startswith("=IF(COUNT(")
                else:
                    assert not cell.protection.locked
    total = form.indicator("budget_total")
    r = layout.rows["budget_total"]
    refs = [_cell(ws, layout.rows[k], layout.year_column).coordinate
            for k in total.computed_from]
    assert _cell(ws, r, layout.year_column).value == (
        f'=IF(COUNT({",".join(refs)})=0,"",SUM({",".join(refs)}))')
    dvs = _validations(ws)
    rate = _cell(ws, layout.rows["harmonised_rate"], layout.year_column).coordinate
    assert dvs[rate].type == "decimal" and dvs[rate].operator in (None, "between")
    assert (float(dvs[rate].formula1), float(dvs[rate].formula2)) == (0, 100)
    count = _cell(ws, layout.rows["policy_documents"], layout.year_column).coordinate
    assert (dvs[count].type, dvs[count].formula1) == ("whole", "0")
    assert ws.page_setup.orientation == "landscape" and ws.protection.sheet
    assert ws.freeze_panes == f"A{layout.number_row + 2}"


# ---------------------------------------------------------------- agency and CLI


def test_agency_fills_the_header_and_identity(tmp_path: Path) -> None:
    from nscl.registry import get_agency

    agency = get_agency("tinh-nghe-an")
    built = build_workbook_info("A", agency=agency, out_path=tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(built.path)[form_a().sheet]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
    assert form_a().agency_placeholder not in _texts(ws)
    identity = read_props(built.path)
    assert identity is not None and identity.agency_code == "tinh-nghe-an"

    ministry = build_workbook_info("B", agency=get_agency("bo-cong-thuong"),
                                   out_path=tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(ministry.path)
    assert wb[form_b().sheet]["A1"].value == "BỘ CÔNG THƯƠNG"
    assert wb[form_b().indicator_sheet]["A1"].value == "BỘ CÔNG THƯƠNG"


def test_agency_text_is_never_a_formula(tmp_path: Path) -> None:
    class Odd:
        code = "x"
        name = "=HYPERLINK(\"http://x\")"
        kind = "ministry"

    built = build_workbook_info("A", agency=Odd(), out_path=tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(built.path)[form_a().sheet]
    assert ws["A1"].data_type == "s"


def test_cli_builds_all_and_rejects_unknown_agency(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nscl.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["template", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        file_name(x) for x in ("A", "B", "C"))

    result = runner.invoke(app, ["template", "build", "--form", "A", "--agency",
                                 "UBND tỉnh Nghệ An", "--year", "2028",
                                 "--out", str(tmp_path / "na")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "na" / file_name("A", "tinh-nghe-an")
    identity = read_props(path)
    assert identity is not None and (identity.year, identity.agency_code) == (2028,
                                                                             "tinh-nghe-an")

    for args in (["--agency", "Bộ Không Có Thật"], ["--agency", "Tỉnh Bình Dương"],
                 ["--form", "D"], ["--year", "1999"]):
        result = runner.invoke(app, ["template", "build", "--out", str(tmp_path / "x"),
                                     *args])
        assert result.exit_code == 2, args
        assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_build_all_writes_three_files(tmp_path: Path) -> None:
    paths = build_all(tmp_path, year=2030)
    assert [p.name for p in paths] == [file_name(x) for x in ("A", "B", "C")]
    for path in paths:
        identity = read_props(path)
        assert identity is not None and identity.year == 2030
