"""The "Kiểm tra" and "Chuẩn hoá văn bản" buttons on xlwings' remote engine.

There is no Excel on Linux: xlwings' remote engine (``xw.Book(json=...)``) implements
the same Book/Sheet/Range API and records every change as an action, which these tests
read back. The JSON book is built from a real Form A workbook (the payload an Office.js
client sends). xlwings PRO code (the remote engine) is used under its noncommercial
licence (``XLWINGS_LICENSE_KEY=noncommercial``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from nscl.a1 import parse_a1
from nscl.legacy import encode_legacy
from nscl.marking import ERROR_FILL, MARKS_SHEET, RESULTS_SHEET, WARNING_FILL, annotate_copy
from nscl.problems import Problem
from nscl.report import FileReport
from tests.test_xl_marking import EVIL, SHEET, _problem, _report
from tests.test_xl_support import (
    FIRST_DATA_ROW,
    column_letters,
    ensure_remote_engine,
    make_form_a,
    row_values,
)
from xl.button import check_workbook, normalize_workbook, run_check, run_normalize

L = column_letters()


@pytest.fixture(autouse=True)
def _xlwings_licence(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    ensure_remote_engine()
    yield


# ----------------------------------------------------------------- a tiny Excel stand-in


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def payload_from_file(path: Path, name: str | None = None) -> dict[str, Any]:
    """The JSON an Office.js client sends for ``path`` (computed values, notes)."""
    import xlwings as xw

    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[_json_value(c.value) for c in row] for row in ws.iter_rows()] or [[]]
        notes = [
            {"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment
        ]
        sheets.append(
            {
                "name": ws.title,
                "values": values,
                "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
                "pictures": [], "tables": [], "shapes": [], "charts": [], "notes": notes,
            }
        )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


class FakeExcel:
    """Applies the remote engine's actions to a payload, as Excel would (values, fills, notes)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = copy.deepcopy(payload)
        self.fills: dict[tuple[str, str], str | None] = {}
        self.notes: dict[tuple[str, str], str] = {}
        self.links: dict[tuple[str, str], str] = {}
        self.alerts: list[str] = []

    def _sheet(self, position: int) -> dict[str, Any]:
        return self.payload["sheets"][position]  # type: ignore[no-any-return]

    def _set(self, sheet: dict[str, Any], row: int, col: int, value: Any) -> None:
        values = sheet["values"]
        while len(values) <= row:
            values.append([])
        for r in values:
            while len(r) <= col:
                r.append("")
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]  # Excel's text prefix is not part of the value
        values[row][col] = "" if value is None else value

    def apply(self, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            func, args = action["func"], action["args"]
            if func == "addSheet":
                self.payload["sheets"].insert(
                    args[0], {"name": args[1], "values": [[]], "visibility": "Visible",
                              "pictures": [], "tables": [], "shapes": [], "charts": [],
                              "notes": []})
                continue
            if func == "alert":
                self.alerts.append(args[0])
                continue
            sheet = self._sheet(action["sheet_position"])
            name = sheet["name"]
            row, col = action["start_row"], action["start_column"]
            cell = None if row is None else f"{chr(65 + col)}{row + 1}"
            if func == "setValues":
                for dr, values in enumerate(action["values"]):
                    for dc, value in enumerate(values):
                        self._set(sheet, row + dr, col + dc, value)
            elif func == "rangeClearContents":
                self._set(sheet, row, col, None)
            elif func == "setRangeColor":
                self.fills[(name, str(cell))] = args[0]
            elif func == "addNote":
                self.notes[(name, str(cell))] = args[1]
                sheet["notes"].append({"address": args[0]})
            elif func == "deleteNote":
                self.notes.pop((name, str(cell)), None)
                sheet["notes"] = [n for n in sheet["notes"]
                                  if n["address"].replace("$", "") != args[0].replace("$", "")]
            elif func == "addHyperlink":
                self.links[(name, str(cell))] = args[0]
            elif func == "sheetClear":
                sheet["values"] = [[]]
                for store in (self.fills, self.notes, self.links):
                    for key in [k for k in store if k[0] == name]:
                        del store[key]
            elif func == "setSheetVisibility":
                sheet["visibility"] = args[0]

    def value(self, sheet: str, cell: str) -> Any:
        row, col = parse_a1(cell)
        for s in self.payload["sheets"]:
            if s["name"] == sheet:
                try:
                    return s["values"][row][col]
                except IndexError:
                    return ""
        raise KeyError(sheet)

    def sheet_rows(self, sheet: str) -> list[list[Any]]:
        for s in self.payload["sheets"]:
            if s["name"] == sheet:
                return s["values"]  # type: ignore[no-any-return]
        raise KeyError(sheet)

    def state(self) -> tuple[Any, ...]:
        return (
            [(s["name"], s["visibility"], s["values"]) for s in self.payload["sheets"]],
            {k: v for k, v in self.fills.items() if v},
            dict(self.notes),
            dict(self.links),
        )


def click(excel: FakeExcel, validate: Any = None) -> list[dict[str, Any]]:
    """Press "Kiểm tra" on the workbook ``excel`` holds; apply and return the actions."""
    import xlwings as xw

    book = xw.Book(json=copy.deepcopy(excel.payload))
    run_check(book, validate=validate)
    actions: list[dict[str, Any]] = book.json()["actions"]
    excel.apply(actions)
    book.close()
    return actions


# ----------------------------------------------------------------- with a fixed report


def _fixed(path: Path) -> tuple[list[dict[str, Any]], FileReport]:
    rows = [row_values(seq=1), row_values(seq=2, total=900, state_budget=800, counterpart=200),
            row_values(seq=3, task_name=EVIL)]
    make_form_a(path, rows)
    report = _report(
        path,
        [{**rows[0], "total": None}, rows[1], {**rows[2], "total": None}],
        [
            _problem("total-mismatch", "error", f"{L['total']}{FIRST_DATA_ROW + 1}"),
            _problem("task-name-suspicious", "warning", f"{L['task_name']}{FIRST_DATA_ROW + 2}",
                     message=EVIL),
            _problem("agency-unknown", "warning", None),
        ],
    )
    return rows, report


def test_button_writes_totals_colours_notes_results_and_message(tmp_path: Path) -> None:
    _, report = _fixed(tmp_path / "bo.xlsx")
    excel = FakeExcel(payload_from_file(tmp_path / "bo.xlsx"))
    actions = click(excel, validate=lambda path, name: report)

    total_cell = f"{L['total']}{FIRST_DATA_ROW}"
    assert excel.value(SHEET, total_cell) == 2000
    assert excel.value(SHEET, f"{L['total']}{FIRST_DATA_ROW + 1}") == 900
    err = (SHEET, f"{L['total']}{FIRST_DATA_ROW + 1}")
    warn = (SHEET, f"{L['task_name']}{FIRST_DATA_ROW + 2}")
    assert excel.fills[err] == f"#{ERROR_FILL}"
    assert excel.fills[warn] == f"#{WARNING_FILL}"
    assert "total-mismatch" in excel.notes[err]
    # the results sheet: summary and one row per problem with a link
    rows = excel.sheet_rows(RESULTS_SHEET)
    labels = {r[0]: r[1] for r in rows if len(r) > 1 and r[0]}
    assert labels["Số lỗi"] == 1 and labels["Số cảnh báo"] == 2 and labels["Số nhiệm vụ"] == 3
    codes = [r[1] for r in rows if len(r) > 1 and r[0] in ("Lỗi", "Cảnh báo")]
    assert codes == ["total-mismatch", "task-name-suspicious", "agency-unknown"]
    assert f"'{SHEET}'!{err[1]}" in next(iter(excel.links.values()))
    # agency text starting with "=" is sent with Excel's text prefix, never as a formula
    sent = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert f"'{EVIL}" in sent and EVIL not in sent
    # the marks sheet is hidden, one message box
    marks = next(s for s in excel.payload["sheets"] if s["name"] == MARKS_SHEET)
    assert marks["visibility"] != "Visible"
    assert len(excel.alerts) == 1 and "1 lỗi" in excel.alerts[0]


def test_button_marks_identical_to_annotated_copy(tmp_path: Path) -> None:
    """The xlwings path and the openpyxl path make the same marks from one report."""
    _, report = _fixed(tmp_path / "bo.xlsx")
    excel = FakeExcel(payload_from_file(tmp_path / "bo.xlsx"))
    click(excel, validate=lambda path, name: report)
    copy_path = annotate_copy(report, tmp_path / "bo.xlsx", tmp_path / "out")
    wb = load_workbook(copy_path)
    ws = wb[SHEET]
    file_fills = {}
    file_notes = {}
    for row in ws.iter_rows():
        for c in row:
            if c.fill.fill_type == "solid":
                file_fills[(SHEET, c.coordinate)] = "#" + str(c.fill.fgColor.rgb)[-6:]
            if c.comment:
                file_notes[(SHEET, c.coordinate)] = c.comment.text
    assert {k: v for k, v in excel.fills.items() if v and k[0] == SHEET} == file_fills
    assert {k: v for k, v in excel.notes.items() if k[0] == SHEET} == file_notes
    assert excel.value(SHEET, f"{L['total']}{FIRST_DATA_ROW}") == ws[
        f"{L['total']}{FIRST_DATA_ROW}"].value
    results = wb[RESULTS_SHEET]
    file_rows = [[c.value for c in r] for r in results.iter_rows()]
    live_rows = excel.sheet_rows(RESULTS_SHEET)
    for frow, lrow in zip(file_rows, live_rows, strict=False):
        assert [v for v in frow if v not in (None, "")] == [v for v in lrow if v not in (None, "")]


def test_clicking_twice_gives_the_same_workbook(tmp_path: Path) -> None:
    _, report = _fixed(tmp_path / "bo.xlsx")
    excel = FakeExcel(payload_from_file(tmp_path / "bo.xlsx"))
    seen: list[Path] = []

    def validate(path: Path, name: str) -> FileReport:
        seen.append(path)
        # the engine must never see the add-in's own filled total
        snap = load_workbook(path)[SHEET]
        assert snap[f"{L['total']}{FIRST_DATA_ROW}"].value is None
        assert MARKS_SHEET not in load_workbook(path).sheetnames
        return report

    click(excel, validate=validate)
    first = excel.state()
    click(excel, validate=validate)
    assert excel.state() == first
    assert len(seen) == 2


def test_fixed_problem_loses_its_mark(tmp_path: Path) -> None:
    _, report = _fixed(tmp_path / "bo.xlsx")
    excel = FakeExcel(payload_from_file(tmp_path / "bo.xlsx"))
    click(excel, validate=lambda p, n: report)
    clean = FileReport(**{**report.__dict__, "problems": []})
    click(excel, validate=lambda p, n: clean)
    assert not {k: v for k, v in excel.fills.items() if v and k[0] == SHEET}
    assert not {k for k in excel.notes if k[0] == SHEET}
    assert "Không phát hiện lỗi" in excel.alerts[-1]


def test_unexpected_failure_is_one_message_box(tmp_path: Path) -> None:
    import xlwings as xw

    make_form_a(tmp_path / "bo.xlsx", [row_values()])
    book = xw.Book(json=payload_from_file(tmp_path / "bo.xlsx"))

    def broken(path: Path, name: str) -> FileReport:
        raise RuntimeError("boom")

    assert run_check(book, validate=broken) is None
    alerts = [a for a in book.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "RuntimeError" in alerts[0]["args"][0]


# ----------------------------------------------------------------- Chuẩn hoá văn bản


def test_normalize_converts_legacy_and_nfd_text(tmp_path: Path) -> None:
    import unicodedata

    import xlwings as xw

    name = "Nâng cao năng suất cho doanh nghiệp chế biến gỗ"
    rows = [
        row_values(seq=1, task_name=encode_legacy(name, "tcvn3")),
        row_values(seq=2, task_name=encode_legacy(name, "vni")),
        row_values(seq=3, task_name=unicodedata.normalize("NFD", name)),
        row_values(seq=4, task_name=name),
    ]
    make_form_a(tmp_path / "cu.xlsx", rows)
    book = xw.Book(json=payload_from_file(tmp_path / "cu.xlsx"))
    result = run_normalize(book)
    assert result is not None
    cells = {f"{SHEET}!{L['task_name']}{FIRST_DATA_ROW + i}" for i in range(3)}
    assert set(result.changed) == cells
    assert result.legacy == 2 and result.decomposed == 1
    written = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    assert len(written) == 3 and all(a["values"] == [[name]] for a in written)
    alert = [a for a in book.json()["actions"] if a["func"] == "alert"]
    assert len(alert) == 1 and "3 ô" in alert[0]["args"][0]


def test_normalize_on_a_file_is_idempotent(tmp_path: Path) -> None:
    from nscl.marking.openpyxl_book import OpenpyxlBook

    make_form_a(tmp_path / "cu.xlsx", [row_values(task_name=encode_legacy("Hà Tĩnh", "tcvn3"))])
    wb = load_workbook(tmp_path / "cu.xlsx")
    book = OpenpyxlBook(wb, "cu.xlsx")
    assert len(normalize_workbook(book).changed) == 1
    assert wb[SHEET][f"{L['task_name']}{FIRST_DATA_ROW}"].value == "Hà Tĩnh"
    assert normalize_workbook(book).changed == []


# ----------------------------------------------------------------- with the real engine


def _engine_problems(report: FileReport) -> list[Problem]:
    return list(report.problems)


def test_check_workbook_uses_the_validation_engine(tmp_path: Path) -> None:
    from nscl.validation import validate_path

    rows = [row_values(seq=1), row_values(seq=2, state_budget=-5, counterpart=100, total=95)]
    path = make_form_a(tmp_path / "Bo_Cong_Thuong.xlsx", rows)
    expected = validate_path(path)
    excel = FakeExcel(payload_from_file(path))
    click(excel)
    codes = sorted(p.code for p in _engine_problems(expected))
    rows_out = excel.sheet_rows(RESULTS_SHEET)
    got = sorted(r[1] for r in rows_out if len(r) > 1 and r[0] in ("Lỗi", "Cảnh báo"))
    assert got == codes
    assert expected.errors, "a negative NSNN must be an error"
    marked = {k for k, v in excel.fills.items() if v == f"#{ERROR_FILL}"}
    assert (SHEET, f"{L['state_budget']}{FIRST_DATA_ROW + 1}") in marked
    assert excel.value(SHEET, f"{L['total']}{FIRST_DATA_ROW}") == 2000
    click(excel)  # idempotent with the engine too
    assert sorted(r[1] for r in excel.sheet_rows(RESULTS_SHEET)
                  if len(r) > 1 and r[0] in ("Lỗi", "Cảnh báo")) == codes


def test_check_workbook_on_a_file_matches_nscl_validate(tmp_path: Path) -> None:
    from nscl.marking.openpyxl_book import OpenpyxlBook
    from nscl.validation import validate_path

    rows = [row_values(seq=1), row_values(seq=2, counterpart="abc")]
    path = make_form_a(tmp_path / "Bo_Y_te.xlsx", rows)
    expected = sorted(p.code for p in validate_path(path).problems)
    wb = load_workbook(path)
    result = check_workbook(OpenpyxlBook(wb, path.name))
    assert result.errors + result.warnings == len(expected)


# ----------------------------------------------------------------- a sheet reaching too far


def _with_far_sheet(tmp_path: Path) -> tuple[FakeExcel, int]:
    """A clean Form A workbook plus a sheet "Nháp" spanning 100 rows × 30 columns; the
    limit returned lies between the form's size and the scratch sheet's."""
    make_form_a(tmp_path / "bo.xlsx", [row_values(seq=1), row_values(seq=2)])
    payload = payload_from_file(tmp_path / "bo.xlsx")
    form_cells = max(len(s["values"]) * max(len(r) for r in s["values"])
                     for s in payload["sheets"])
    far = [["" for _ in range(30)] for _ in range(100)]
    far[0][0], far[99][29] = "ghi chú", "gõ nhầm"
    payload["sheets"].append({"name": "Nháp", "values": far, "visibility": "Visible",
                              "pictures": [], "tables": [], "shapes": [], "charts": [],
                              "notes": []})
    return FakeExcel(payload), form_cells + 1


def test_button_reports_a_sheet_reaching_too_far_and_checks_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A value typed far away (e.g. XFD1048576) made the button read the whole rectangle
    # through Excel. Scaled down here: the limit is lowered for the add-in and the engine.
    import nscl.marking.workbook_api
    from nscl.reading import ReadLimits
    from nscl.validation import ValidationOptions, validate_path

    excel, limit = _with_far_sheet(tmp_path)
    monkeypatch.setattr(nscl.marking.workbook_api, "MAX_READ_CELLS", limit)
    seen: list[FileReport] = []
    copied: list[tuple[object, object]] = []

    def validate(path: Path, name: str) -> FileReport:
        options = ValidationOptions(limits=ReadLimits(max_sheet_cells=limit))
        report = validate_path(path, display_name=name, options=options)
        snapshot = load_workbook(path)["Nháp"]
        copied.append((snapshot["A1"].value, snapshot["AD100"].value))
        seen.append(report)
        return report

    actions = click(excel, validate=validate)
    # The scratch sheet was not read through Excel: the snapshot only reaches as far.
    assert copied == [(None, "…")]
    report = seen[0]
    assert report.form == "A" and len(report.rows) == 2  # the form itself was checked
    far = [(p.sheet, p.cell) for p in report.problems if p.code == "sheet-too-large"]
    assert far == [("Nháp", "AD100")]
    position = [s["name"] for s in excel.payload["sheets"]].index("Nháp")
    marked = [(a["start_row"], a["start_column"]) for a in actions
              if a["func"] == "setRangeColor" and a["sheet_position"] == position]
    assert marked == [(99, 29)]  # the far cell is marked for the clerk to find


def test_normalize_skips_a_sheet_reaching_too_far_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlwings as xw

    import nscl.marking.workbook_api
    from xl.button import normalize_message
    from xl.xlwings_book import XlwingsBook

    excel, limit = _with_far_sheet(tmp_path)
    monkeypatch.setattr(nscl.marking.workbook_api, "MAX_READ_CELLS", limit)
    book = xw.Book(json=copy.deepcopy(excel.payload))
    result = normalize_workbook(XlwingsBook(book))
    book.close()
    assert result.too_large == ["Nháp!AD100"]
    assert "Nháp!AD100" in normalize_message(result)
