"""``nscl validate``: the CLI's JSON is the library's report; exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nscl.cli import app
from nscl.validation import ValidationOptions, validate_path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
runner = CliRunner()


def _json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["validate", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_json_equals_library_reports() -> None:
    names = ["a_clean_ministry.xlsx", "a_errors.xlsx", "hostile_zip_bomb.xlsx",
             "b_report_2024.xlsx"]
    paths = [str(FIXTURES / n) for n in names]
    code, payload = _json(*paths, "--year", "2026", "--max-state-budget-share", "0.9")
    options = ValidationOptions(max_state_budget_share=0.9)
    expected = [validate_path(Path(p), year=2026, options=options).to_dict() for p in paths]
    assert payload == {"files": expected, "others": []}
    assert code == 1
    first = payload["files"][0]
    assert set(first) == {"path", "form", "agency", "summary", "issues"}
    assert first["agency"] == {"code": "bo-cong-thuong", "name": "Bộ Công Thương",
                               "kind": "ministry"}
    issue = payload["files"][1]["issues"][0]
    assert set(issue) == {"code", "severity", "sheet", "cell", "message"}


def test_clean_file_exits_zero() -> None:
    code, payload = _json(str(FIXTURES / "a_clean_ministry.xlsx"), "--year", "2026")
    assert code == 0
    assert payload["files"][0]["issues"] == []


def test_warnings_only_exit_zero() -> None:
    code, _ = _json(str(FIXTURES / "a_messy_province.xlsx"))
    assert code == 0


def test_unreadable_file_does_not_stop_the_others() -> None:
    code, payload = _json(str(FIXTURES / "hostile_encrypted.xlsx"),
                          str(FIXTURES / "a_clean_ministry.xlsx"))
    files = payload["files"]
    assert [f["issues"][0]["code"] if f["issues"] else None for f in files] == [
        "file-encrypted", None
    ]
    assert code == 1


def test_folder_is_expanded(tmp_path: Path) -> None:
    """A folder is walked as ``nscl sync`` walks its inbox: sub-folders too (the demo's
    inbox had 14 files and 8 were checked), files that are not spreadsheets listed."""
    (tmp_path / "Bo Y te").mkdir()
    for name, folder in (("a_clean_ministry.xlsx", tmp_path),
                         ("a_gsheets_export.xlsx", tmp_path / "Bo Y te")):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "notes.txt").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "Bo Y te" / "ho so.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (tmp_path / "~$a_clean_ministry.xlsx").write_bytes(b"\x00" * 162)  # Excel's lock file
    code, payload = _json(str(tmp_path))
    assert [Path(f["path"]).name for f in payload["files"]] == [
        "a_gsheets_export.xlsx", "a_clean_ministry.xlsx"
    ]
    assert {Path(o["file"]).name: o["code"] for o in payload["others"]} == {
        "ho so.zip": "other-archive", "notes.txt": "other-text"}
    assert all(o["reason"] for o in payload["others"])
    assert code == 0
    text = runner.invoke(app, ["validate", str(tmp_path)]).stdout
    assert "Tệp khác, không phải bảng tính, không kiểm tra (2)" in text


def test_forms_without_a_budget_show_a_dash() -> None:
    """Form B reports its budget as indicators and Form C has none: their budget columns
    in the summary show "–", not 0."""
    result = runner.invoke(app, ["validate", str(FIXTURES / "b_report_2024.xlsx"),
                                 str(FIXTURES / "c_selection_2025.xlsx")],
                           env={"COLUMNS": "220"})
    rows = [line for line in result.stdout.splitlines() if "│" in line
            and ("b_report" in line or "c_select" in line)]
    assert len(rows) == 2
    for line in rows:
        cells = [c.strip() for c in line.split("│")[1:-1]]
        assert cells[4:7] == ["–", "–", "–"], cells
    b_tasks = [c.strip() for c in rows[0].split("│")[1:-1]][3]
    assert b_tasks == "–"


def test_text_output_is_vietnamese_table() -> None:
    result = runner.invoke(app, ["validate", str(FIXTURES / "a_errors.xlsx"), "--year", "2026"])
    assert result.exit_code == 1
    assert "budget-mismatch" in result.stdout
    assert "Tổng hợp kết quả kiểm tra" in result.stdout


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["validate", str(tmp_path / "missing.xlsx")])
    assert missing.exit_code == 2
    assert missing.output.startswith("Lỗi: Không tìm thấy")  # a sentence, capitalised
    clean = str(FIXTURES / "a_clean_ministry.xlsx")
    assert runner.invoke(app, ["validate", clean, "--format", "xml"]).exit_code == 2
    assert runner.invoke(
        app, ["validate", clean, "--max-state-budget-share", "70"]
    ).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(app, ["validate", str(empty)]).exit_code == 2


def test_annotate_writes_marked_copies(tmp_path: Path) -> None:
    out = tmp_path / "marked"
    result = runner.invoke(
        app, ["validate", str(FIXTURES / "a_errors.xlsx"), "--annotate", str(out), "--year",
              "2026", "--format", "json"],
    )
    assert result.exit_code == 1
    assert (out / "a_errors.xlsx").is_file()


def test_a_file_that_aborts_the_reader_does_not_stop_the_others(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from tests.test_sync_robust import FIXTURES, damaged_xls

    damaged = damaged_xls(tmp_path / "hong.xls")
    out = subprocess.run(
        [sys.executable, "-c", "from nscl.cli import main; main()", "validate", str(damaged),
         str(FIXTURES / "a_clean_ministry.xlsx"), "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
    )
    assert out.returncode == 1, out.stderr
    files = json.loads(out.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["hong.xls", "a_clean_ministry.xlsx"]
    assert files[0]["issues"][0]["code"] in ("file-crashed-reader", "file-corrupt")
    assert files[1]["form"] == "A" and not [i for i in files[1]["issues"]
                                            if i["severity"] == "error"]
    assert "memory allocation" not in out.stderr  # the worker's own output is not shown


def test_marked_copies_of_files_with_the_same_name_do_not_overwrite_each_other(
    tmp_path: Path,
) -> None:
    # a_errors.xlsx and a_errors.ods would both become a_errors.xlsx (and are marked in
    # parallel workers): the later one gets its own name.
    from typer.testing import CliRunner

    from nscl.cli import app

    out = tmp_path / "danh-dau"
    result = CliRunner().invoke(app, [
        "validate", str(FIXTURES / "a_errors.xlsx"), str(FIXTURES / "a_errors.ods"),
        "--annotate", str(out), "--year", "2026",
    ])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a_errors (ods).xlsx", "a_errors.xlsx"]
    import openpyxl

    for copy in out.iterdir():
        assert "Kết quả kiểm tra" in openpyxl.load_workbook(copy).sheetnames


def test_a_report_without_rows_says_the_same_and_the_worker_sends_back_no_rows() -> None:
    """``nscl validate`` without --annotate needs no parsed rows: the engine builds none
    (keep_rows=False) and the worker's report goes back without them, with the same
    problems and budget."""
    import pickle

    from nscl.commands.validate import validate_job

    path = FIXTURES / "a_errors.xlsx"
    full = validate_path(path, year=2026)
    lean = validate_path(path, year=2026, options=ValidationOptions(keep_rows=False))
    assert full.rows and not lean.rows
    assert lean.to_dict() == full.to_dict() and lean.summary == full.summary
    report, note = validate_job((path, 2026, ValidationOptions(keep_rows=True), None, "x"))
    assert note is None and report.rows == [] and report.to_dict() == full.to_dict()
    assert len(pickle.dumps(report)) < len(pickle.dumps(full))
