"""Agency-made workbooks (tests/fixtures/validate, made by make_validate_fixtures.py):
each file yields exactly the problem codes expected, at the expected cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nscl.forms import form_a
from nscl.report import FileReport
from nscl.validation import ValidationOptions, validate_path
from tests.support import codes

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def _validate(
    name: str, year: int | None = 2026, max_state_budget_share: float | None = None
) -> FileReport:
    options = ValidationOptions(max_state_budget_share=max_state_budget_share)
    return validate_path(FIXTURES / name, year=year, options=options)


def _found(report: FileReport) -> set[tuple[str, str | None]]:
    return {(p.code, p.cell) for p in report.problems}


@pytest.mark.parametrize("name", ["a_clean_ministry.xlsx", "a_clean_ministry.xls"])
def test_clean_ministry_table(name: str) -> None:
    report = _validate(name)
    assert report.problems == []
    assert report.form == "A"
    assert report.sheet == "DM de xuat 2026"
    assert report.year == 2026
    assert report.agency is not None and report.agency.code == "bo-cong-thuong"
    assert report.agency.source == "header"
    # Blank row 11 skipped, totals row 13 and footer not tasks.
    assert [row.sheet_row for row in report.rows] == [9, 10, 12]
    summary = report.summary
    assert (summary.tasks, summary.state_budget, summary.counterpart) == (3, 6200.5, 1100.0)
    assert summary.total == pytest.approx(7300.5)
    # Empty Tổng số of row 12 is filled from NSNN + Đối ứng without a problem.
    assert report.rows[2].values["total"] == 3000.0
    assert report.rows[1].values["duration_months"] == 18
    assert report.rows[0].values["seq"] == 1


def test_every_column_has_a_cell_reference() -> None:
    report = _validate("a_clean_ministry.xlsx")
    keys = [col.key for col in form_a().columns]
    row = report.rows[0]
    assert list(row.cells) == keys
    assert row.cells == {
        "seq": "A9", "task_name": "B9", "lead_org": "C9", "objectives": "D9",
        "main_content": "E9", "expected_results": "F9", "duration_months": "G9",
        "total": "H9", "state_budget": "I9", "counterpart": "J9", "notes": "K9",
    }
    assert set(row.raw) == set(keys) and set(row.values) == set(keys)
    assert row.values["notes"] is None and row.raw["notes"] == ""


@pytest.mark.parametrize("name", ["a_messy_province.xlsx", "a_messy_province.ods"])
def test_messy_province_reads_clean_data_with_warnings_only(name: str) -> None:
    report = _validate(name)
    assert report.errors == []
    assert report.sheet == "Sheet1"  # the help sheet before it holds no table
    assert report.agency is not None and report.agency.code == "tinh-nghe-an"
    assert _found(report) == {
        ("number-as-text", "I7"), ("number-as-text", "J7"), ("number-as-text", "K7"),
        ("number-as-text", "J8"), ("number-as-text", "I9"), ("number-as-text", "K9"),
        ("text-not-nfc", "B7"),
        ("column-not-in-form", "C6"),  # the extra "LĨNH VỰC" column: not consolidated
    }
    extra = next(p for p in report.problems if p.code == "column-not-in-form")
    assert (extra.params["letter"], extra.params["count"]) == ("C", 3)
    values = [row.values for row in report.rows]
    assert [v["total"] for v in values] == [1250.5, 1500.0, 1250.5]
    assert [v["state_budget"] for v in values] == [1000.0, 1200.0, 1000.5]
    assert [v["duration_months"] for v in values] == [24, 24, 24]
    # Text is stored as NFC; the extra "Lĩnh vực" column is left out, Ghi chú is absent.
    assert values[0]["task_name"].startswith("Hỗ trợ doanh nghiệp ngành dệt may")
    assert report.rows[0].cells["lead_org"] == "D7"
    assert report.rows[0].cells["notes"] == "L7"  # not in the file: after the last column


EXPECTED_ERRORS = {
    ("budget-mismatch", "H9"),
    ("duration-not-whole", "G10"),
    ("negative-budget", "I10"),
    ("duration-out-of-range", "G11"),
    ("duration-past-2030", "G11"),
    ("not-a-number", "I11"),
    ("duplicate-task", "B12"),
    ("required-missing", "C12"),
    ("duration-missing", "G12"),
    ("seq-order", "A13"),
    ("duration-past-2030", "G13"),
    ("duration-invalid", "G14"),
    ("required-missing", "J14"),
    ("totals-mismatch", "H15"),
    ("totals-mismatch", "I15"),
}


@pytest.mark.parametrize("name", ["a_errors.xlsx", "a_errors.ods"])
def test_errors_are_pinned_to_their_cells(name: str) -> None:
    report = _validate(name)
    assert _found(report) == EXPECTED_ERRORS
    assert all(p.sheet == "Bảng tổng hợp" for p in report.problems)
    assert {p.code for p in report.warnings} == {"seq-order", "totals-mismatch"}
    assert report.summary.tasks == 6
    assert report.summary.state_budget == pytest.approx(1960.0)
    assert report.summary.counterpart == pytest.approx(1700.0)
    assert not report.valid


def test_duplicate_names_point_to_the_first_row() -> None:
    report = _validate("a_errors.xlsx")
    duplicate = next(p for p in report.problems if p.code == "duplicate-task")
    assert duplicate.params["other_row"] == 11
    assert duplicate.row == 12


def test_legacy_text_is_detected_converted_and_located() -> None:
    report = _validate("a_legacy_text.xlsx")
    assert _found(report) == {
        ("text-legacy-encoding", "B9"), ("text-legacy-encoding", "C9"),
        ("text-legacy-encoding", "B10"),
    }
    encodings = [p.params["encoding"] for p in report.problems]
    assert encodings == ["TCVN3", "TCVN3", "VNI"]
    assert report.rows[0].values["task_name"] == (
        "Hỗ trợ doanh nghiệp ngành dệt may áp dụng công cụ cải tiến năng suất Lean"
    )
    assert report.rows[1].values["task_name"].startswith("Xây dựng mô hình điểm năng suất xanh")
    assert report.rows[0].raw["task_name"] != report.rows[0].values["task_name"]
    # The agency header itself was typed in TCVN3.
    assert report.agency is not None and report.agency.code == "tinh-ha-tinh"


def test_placeholder_agency_and_wrong_year() -> None:
    report = _validate("a_placeholder_2025.xlsx", year=2026)
    assert _found(report) == {("year-mismatch", "A4"), ("agency-unknown", "A1")}
    assert report.agency is None
    assert [row.sheet_row for row in report.rows] == [8]  # no number row in this one


def test_year_is_only_checked_when_expected() -> None:
    report = _validate("a_placeholder_2025.xlsx", year=None)
    assert "year-mismatch" not in codes(report.problems)
    assert report.year == 2025


def test_old_template_metadata_wins_and_mismatch_is_reported() -> None:
    report = _validate("a_metadata_old_template.xlsx")
    assert codes(report.problems) == {"template-outdated", "agency-mismatch"}
    assert report.agency is not None
    assert (report.agency.code, report.agency.source) == ("tinh-ha-tinh", "metadata")
    assert report.form_version == "2025.1"
    assert report.sheet == "Bảng tổng hợp"  # the very hidden _nscl sheet is not the table


def test_google_sheets_export_identity_from_hidden_sheet() -> None:
    report = _validate("a_gsheets_export.xlsx")
    assert report.problems == []
    assert report.agency is not None
    assert (report.agency.code, report.agency.source) == ("tp-ho-chi-minh", "metadata")


def test_missing_required_column_is_reported_once() -> None:
    report = _validate("a_missing_column.xlsx")
    assert [(p.code, p.params.get("header")) for p in report.problems] == [
        ("column-missing", "NSNN")
    ]
    row = report.rows[0]
    assert row.values["state_budget"] is None
    assert row.cells["state_budget"] == "J4" and row.cells["notes"] == "K4"


def test_empty_table_is_a_warning() -> None:
    report = _validate("a_empty.xlsx")
    assert _found(report) == {("table-empty", "A9")}
    assert report.valid


def test_table_on_two_sheets_uses_the_better_one() -> None:
    report = _validate("a_two_sheets.xlsx")
    assert report.sheet == "Chính thức"
    assert codes(report.problems) == {"table-several-sheets"}


def test_no_table_found() -> None:
    report = _validate("not_a_table.xlsx")
    assert codes(report.problems) == {"table-not-found"}
    assert report.form is None and report.readable


def test_macro_and_external_links_are_never_run_but_reported() -> None:
    report = _validate("a_with_macro.xlsm")
    assert codes(report.problems) == {"file-macros", "file-external-links"}
    assert report.summary.tasks == 3


def test_state_budget_share_is_off_by_default_and_configurable() -> None:
    assert "state-budget-share" not in codes(_validate("a_clean_ministry.xlsx").problems)
    report = _validate("a_clean_ministry.xlsx", max_state_budget_share=0.7)
    # Row 9: 2000/2500 = 80%; row 12: 3000/3000 = 100%; row 10: 1200.5/1800.5 = 66.7%.
    assert _found(report) == {("state-budget-share", "I9"), ("state-budget-share", "I12")}


def test_form_b_report() -> None:
    report = _validate("b_report_2024.xlsx", year=2024)
    assert report.form == "B"
    assert report.sheet == "Chỉ tiêu"
    assert report.year == 2024
    assert report.agency is not None and report.agency.code == "tinh-quang-ninh"
    assert _found(report) == {
        ("indicator-fractional", "D6"),
        ("cumulative-less-than-year", "E7"),
        ("indicator-negative", "D8"),
        ("indicator-unknown", "B10"),
        ("number-as-text", "D11"),
        ("indicator-total-mismatch", "D14"),
        ("indicator-missing", None),
        ("narrative-missing", "A10"),
    }
    indicators = report.indicators
    assert indicators["policy_documents"]["report_year"] == 2
    assert indicators["policy_documents"]["cumulative"] == 5
    assert indicators["budget_central"]["report_year"] == 1500.0
    assert indicators["harmonised_rate"]["cells"] == {"report_year": "D9", "cumulative": "E9"}
    assert report.narratives["leadership_plan"].startswith("Ban hành Kế hoạch số 12")
    assert "g21" in report.narratives
    assert report.summary.state_budget == 2000.0
    assert report.summary.counterpart == 700.0


def test_form_c_appendix() -> None:
    report = _validate("c_selection_2025.xlsx", year=2025)
    assert report.form == "C"
    assert report.errors == []
    assert [row.values["duration_months"] for row in report.rows] == [15, 18]
    assert report.rows[0].cells["lead_org_pi"] == "C6"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("hostile_zip_bomb.xlsx", "file-zip-bomb"),
        ("hostile_billion_laughs.xlsx", "file-xml-entities"),
        ("hostile_truncated.xlsx", "file-corrupt"),
        ("hostile_text.xlsx", "file-not-spreadsheet"),
        ("hostile_html.xls", "file-not-spreadsheet"),
        ("hostile_empty.xlsx", "file-not-spreadsheet"),
        ("hostile_encrypted.xlsx", "file-encrypted"),
        ("does_not_exist.xlsx", "file-not-found"),
    ],
)
def test_hostile_files_are_refused_with_their_own_code(name: str, code: str) -> None:
    report = _validate(name)
    assert not report.readable
    assert [p.code for p in report.problems] == [code]
    assert report.problems[0].severity == "error"
    # The message is Vietnamese: no library's English text leaks into it (an exception's
    # class name may follow "mã lỗi kỹ thuật" as a code for the IT officer).
    message = report.problems[0].message.split("mã lỗi kỹ thuật")[0]
    english = re.compile(r"\b(?:file|not|is|error|invalid|bad|the|truncated)\b", re.I)
    assert not english.search(message), message
    assert report.rows == [] and report.summary.tasks == 0
