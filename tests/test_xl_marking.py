"""Marking on real files with openpyxl: colours, notes, filled totals, results sheet, idempotence.

These tests build the report by hand (the shared ``FileReport`` contract) so that the
marking rules are pinned independently of the validation engine; the end-to-end tests
with the engine are in ``test_xl_annotate_engine.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from nscl.marking import (
    ERROR_FILL,
    MARKS_SHEET,
    RESULTS_SHEET,
    WARNING_FILL,
    AnnotationError,
    annotate_copy,
)
from nscl.problems import Problem
from nscl.report import BudgetSummary, FileReport, TaskRow
from tests.test_xl_support import FIRST_DATA_ROW, column_letters, make_form_a, row_values

L = column_letters()
SHEET = "Bảng tổng hợp"
EVIL = '=HYPERLINK("http://example.invalid","bấm vào đây")'


def _report(path: Path, rows: list[dict[str, object]], problems: list[Problem]) -> FileReport:
    task_rows = []
    for i, values in enumerate(rows):
        r = FIRST_DATA_ROW + i
        task_rows.append(
            TaskRow(
                sheet_row=r,
                values=dict(values),
                raw=dict(values),
                cells={key: f"{letter}{r}" for key, letter in L.items()},
            )
        )
    total = sum(float(v["state_budget"]) + float(v["counterpart"]) for v in rows)  # type: ignore[arg-type]
    return FileReport(
        path=str(path),
        form="A",
        sheet=SHEET,
        rows=task_rows,
        summary=BudgetSummary(len(rows), {
            "total": total,
            "state_budget": sum(float(v["state_budget"]) for v in rows),  # type: ignore[arg-type]
            "counterpart": sum(float(v["counterpart"]) for v in rows),  # type: ignore[arg-type]
        }),
        problems=problems,
    )


def _problem(code: str, severity: str, cell: str | None, message: str = "Sai.") -> Problem:
    return Problem(
        code=code,
        severity=severity,  # type: ignore[arg-type]
        message=message,
        fix="Sửa lại ô này.",
        file="bo.xlsx",
        sheet=SHEET if cell else None,
        cell=cell,
    )


@pytest.fixture
def marked(tmp_path: Path) -> tuple[Path, Path, FileReport]:
    rows = [
        row_values(seq=1),
        row_values(seq=2, state_budget=800, counterpart=200, total=900),
        row_values(seq=3, task_name=EVIL),
    ]
    source = make_form_a(tmp_path / "bo.xlsx", rows)
    # an original fill on a cell that will be marked, to be restored later
    wb = load_workbook(source)
    blue = PatternFill("solid", fgColor="FF00B0F0")
    wb[SHEET][f"{L['task_name']}{FIRST_DATA_ROW + 2}"].fill = blue
    wb.save(source)
    report = _report(
        source,
        [
            {**rows[0], "total": None},
            {**rows[1]},
            {**rows[2], "total": None},
        ],
        [
            _problem("total-mismatch", "error", f"{L['total']}{FIRST_DATA_ROW + 1}"),
            _problem("task-name-suspicious", "warning", f"{L['task_name']}{FIRST_DATA_ROW + 2}",
                     message=EVIL),
            _problem("agency-unknown", "warning", None),
        ],
    )
    out = annotate_copy(report, source, tmp_path / "out")
    return source, out, report


def _ws(path: Path, name: str = SHEET) -> Worksheet:
    ws = load_workbook(path)[name]
    assert isinstance(ws, Worksheet)
    return ws


def _fill(ws: Worksheet, cell: str) -> str | None:
    fill = ws[cell].fill
    if fill.fill_type != "solid":
        return None
    return str(fill.fgColor.rgb)[-6:]


def test_marks_error_and_warning_cells_with_notes(marked: tuple[Path, Path, FileReport]) -> None:
    _, out, _ = marked
    ws = _ws(out)
    err = f"{L['total']}{FIRST_DATA_ROW + 1}"
    warn = f"{L['task_name']}{FIRST_DATA_ROW + 2}"
    assert _fill(ws, err) == ERROR_FILL
    assert _fill(ws, warn) == WARNING_FILL
    assert "total-mismatch" in ws[err].comment.text
    assert "task-name-suspicious" in ws[warn].comment.text
    assert _fill(ws, f"{L['task_name']}{FIRST_DATA_ROW}") is None
    assert ws[f"{L['task_name']}{FIRST_DATA_ROW}"].comment is None


def test_fills_empty_totals_only(marked: tuple[Path, Path, FileReport]) -> None:
    _, out, _ = marked
    ws = _ws(out)
    assert ws[f"{L['total']}{FIRST_DATA_ROW}"].value == 2000
    assert ws[f"{L['total']}{FIRST_DATA_ROW + 1}"].value == 900  # typed by the user: kept
    assert ws[f"{L['total']}{FIRST_DATA_ROW + 2}"].value == 2000


def test_agency_text_never_becomes_a_formula(marked: tuple[Path, Path, FileReport]) -> None:
    _, out, _ = marked
    ws = _ws(out)
    cell = ws[f"{L['task_name']}{FIRST_DATA_ROW + 2}"]
    assert cell.value == EVIL and cell.data_type == "s"
    results = _ws(out, RESULTS_SHEET)
    texts = [c for row in results.iter_rows() for c in row if c.value == EVIL]
    assert texts and all(c.data_type == "s" for c in texts)


def test_results_sheet_summary_and_links(marked: tuple[Path, Path, FileReport]) -> None:
    _, out, _ = marked
    ws = _ws(out, RESULTS_SHEET)
    labels = {row[0].value: row[2].value for row in ws.iter_rows(max_col=3) if row[0].value}
    # Written the Vietnamese way, whatever the computer's regional setting.
    assert labels["Số nhiệm vụ"] == "3"
    assert labels["Tổng số (triệu đồng)"] == "5.000"
    assert labels["NSNN (triệu đồng)"] == "3.800"
    assert labels["Đối ứng (triệu đồng)"] == "1.200"
    assert labels["Số lỗi"] == "1"
    assert labels["Số cảnh báo"] == "2"
    header = next(r for r in ws.iter_rows() if r[0].value == "Mức độ")
    assert [c.value for c in header] == ["Mức độ", "Lỗi", "Ô", "Nội dung", "Cách sửa",
                                         "Mã (cho cán bộ CNTT)"]
    body = [r for r in ws.iter_rows(min_row=header[0].row + 1) if r[0].value]
    codes = [r[5].value for r in body]
    # Led by the rule's title (the code itself for a rule not in the catalogue); the
    # code, for IT, in the last column.
    titles = {p.code: p.title for p in marked[2].problems}
    assert [r[1].value for r in body] == [titles[code] for code in codes]
    assert codes == ["total-mismatch", "task-name-suspicious", "agency-unknown"]
    assert body[0][0].value == "Lỗi" and body[1][0].value == "Cảnh báo"
    link = body[0][2].hyperlink
    assert link is not None and link.location == f"'{SHEET}'!{L['total']}{FIRST_DATA_ROW + 1}"
    assert body[2][2].hyperlink is None  # file-level problem: no cell
    assert load_workbook(out)[MARKS_SHEET].sheet_state == "veryHidden"


def _snapshot(path: Path) -> dict[str, object]:
    wb = load_workbook(path)
    state: dict[str, object] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None
                if c.value is not None or fill or c.comment:
                    state[f"{ws.title}!{c.coordinate}"] = (
                        c.value,
                        fill,
                        c.comment.text if c.comment else None,
                    )
    return state


def test_marking_twice_gives_the_same_workbook(
    marked: tuple[Path, Path, FileReport], tmp_path: Path
) -> None:
    _, out, report = marked
    again = annotate_copy(report, out, tmp_path / "again")
    assert _snapshot(again) == _snapshot(out)


def test_earlier_marks_are_cleared_and_original_fill_restored(
    marked: tuple[Path, Path, FileReport], tmp_path: Path
) -> None:
    _, out, report = marked
    fixed = FileReport(**{**report.__dict__, "problems": []})
    clean = annotate_copy(fixed, out, tmp_path / "clean")
    ws = _ws(clean)
    assert _fill(ws, f"{L['total']}{FIRST_DATA_ROW + 1}") is None
    assert ws[f"{L['total']}{FIRST_DATA_ROW + 1}"].comment is None
    assert _fill(ws, f"{L['task_name']}{FIRST_DATA_ROW + 2}") == "00B0F0"
    results = _ws(clean, RESULTS_SHEET)
    assert any(c.value == "Không có lỗi hay cảnh báo." for row in results.iter_rows() for c in row)


def test_template_formula_in_total_is_kept(tmp_path: Path) -> None:
    rows = [row_values(seq=1)]
    source = make_form_a(tmp_path / "f.xlsx", rows, formulas_in_total=True)
    report = _report(source, [{**rows[0], "total": None}], [])
    out = annotate_copy(report, source, tmp_path / "out")
    value = _ws(out)[f"{L['total']}{FIRST_DATA_ROW}"].value
    assert isinstance(value, str) and value.startswith("=IF(")


def test_refuses_to_overwrite_the_source_folder(tmp_path: Path) -> None:
    source = make_form_a(tmp_path / "a.xlsx", [row_values()])
    report = _report(source, [row_values()], [])
    with pytest.raises(AnnotationError):
        annotate_copy(report, source, tmp_path)


def test_unreadable_file_raises_annotation_error(tmp_path: Path) -> None:
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(AnnotationError):
        annotate_copy(FileReport(path=str(bad), readable=False), bad, tmp_path / "out")


def test_format_number() -> None:
    from nscl.numbers import format_number

    assert format_number(1250.5) == "1.250,5"
    assert format_number(12000) == "12.000"
    assert format_number(0) == "0"
    assert format_number(-3.25) == "-3,25"
    assert format_number(0.25) == "0,25"
    assert format_number(1e15) == "1E+15"
    assert format_number(float("nan")) == "?"
    assert format_number(1234.56, 1) == "1.234,6"


@pytest.mark.libreoffice
def test_marked_copy_opens_in_libreoffice(
    marked: tuple[Path, Path, FileReport], tmp_path: Path, soffice: str
) -> None:
    from nscl.libreoffice import convert

    _, out, _ = marked
    roundtrip = convert(out, "xlsx", tmp_path / "lo")
    wb = load_workbook(roundtrip)
    assert RESULTS_SHEET in wb.sheetnames
    ws = wb[SHEET]
    assert isinstance(ws, Worksheet)
    cell = ws[f"{L['task_name']}{FIRST_DATA_ROW + 2}"]
    assert cell.value == EVIL and cell.data_type == "s"
    assert "total-mismatch" in ws[f"{L['total']}{FIRST_DATA_ROW + 1}"].comment.text
    pdf = convert(out, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 1000


def test_notes_and_results_give_the_fix_once(tmp_path: Path) -> None:
    """Catalogue messages end with "Cách sửa: …"; where the fix has its own line or column
    (cell notes, the results sheet) the message is shown without it."""
    from nscl.validation import validate_path

    source = Path(__file__).parent / "fixtures" / "validate" / "a_errors.xlsx"
    report = validate_path(source, year=2026)
    assert any(p.cell for p in report.problems)
    out = annotate_copy(report, source, tmp_path / "out")
    wb = load_workbook(out)
    notes = [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.comment is not None]
    for text in notes:  # one "Cách sửa" per problem in the note, not two
        assert text.count("Cách sửa") == len(re.findall(r"\[[a-z0-9-]+\]:", text)), text
    results = [v for row in wb[RESULTS_SHEET].iter_rows(values_only=True) for v in row
               if isinstance(v, str)]
    fixes = {p.fix_sentence for p in report.problems}
    assert fixes & set(results)  # the fix column, each a sentence of its own
    assert all(fix[:1].isupper() for fix in fixes)
    assert not any("Cách sửa:" in v for v in results)


def test_a_workbook_with_too_many_cells_is_not_loaded_for_marking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # openpyxl holds every cell, formatted-only ones too: a few MB of zip can hold tens of
    # millions. Such a file is refused before loading (here with a lowered limit).
    import nscl.marking.annotate
    from nscl.marking import AnnotationError, annotate_copy
    from nscl.validation import validate_path
    from sync.demo_data import generate_tasks, write_submission

    path = tmp_path / "in" / "nhieu-o.xlsx"
    write_submission(path, agency_code="bo-y-te", year=2027,
                          tasks=generate_tasks(3, seed=1))
    report = validate_path(path, year=2027)
    monkeypatch.setattr(nscl.marking.annotate, "MAX_MARKED_CELLS", 10)
    with pytest.raises(AnnotationError) as info:
        annotate_copy(report, path, tmp_path / "out")
    assert "nhieu-o.xlsx" in str(info.value) and "tối đa 10" in str(info.value)
    assert not (tmp_path / "out" / "nhieu-o.xlsx").exists()


def test_openpyxl_book_refuses_to_read_a_sheet_reaching_too_far(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from nscl.marking.openpyxl_book import OpenpyxlBook
    from nscl.marking.workbook_api import SheetTooLarge

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "bảng"
    ws["XFD1048576"] = "gõ nhầm"
    with pytest.raises(SheetTooLarge) as info:
        OpenpyxlBook(wb, "xa.xlsx").read_values(ws.title)
    assert (info.value.sheet, info.value.corner) == (ws.title, "XFD1048576")


def test_the_marked_copy_keeps_pictures_and_charts(tmp_path: Path) -> None:
    """A logo or a scanned stamp in an agency's file stays in its marked copy (openpyxl
    keeps pictures only with Pillow installed), and so does a chart."""
    import io
    import zipfile

    import xlsxwriter
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(picture, format="PNG")
    rows = [row_values(seq=1)]
    plain = make_form_a(tmp_path / "plain.xlsx", rows)
    source = tmp_path / "f.xlsx"
    # The same table written again with a picture and a chart beside it.
    ws_plain = load_workbook(plain)[SHEET]
    wb = xlsxwriter.Workbook(str(source), {"strings_to_formulas": False})
    ws = wb.add_worksheet(SHEET)
    for row in ws_plain.iter_rows():
        for cell in row:
            if cell.value is not None:
                ws.write(cell.row - 1, cell.column - 1, cell.value)
    ws.insert_image("N2", "stamp.png", {"image_data": picture})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": f"='{SHEET}'!$I${FIRST_DATA_ROW}:$J${FIRST_DATA_ROW}"})
    ws.insert_chart("N10", chart)
    wb.close()
    problem = Problem(code="negative-budget", severity="error", message="NSNN âm.",
                      file="f.xlsx", sheet=SHEET, cell=f"{L['state_budget']}{FIRST_DATA_ROW}")
    out = annotate_copy(_report(source, rows, [problem]), source, tmp_path / "out")
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        pictures = [n for n in names if n.startswith("xl/media/")]
        assert pictures and Image.open(io.BytesIO(zf.read(pictures[0]))).size == (4, 4)
    assert any(n.startswith("xl/charts/chart") for n in names)
    assert _fill(_ws(out), f"{L['state_budget']}{FIRST_DATA_ROW}") is not None
