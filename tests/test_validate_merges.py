"""Cells merged down over several tasks (nscl.merges), on real files.

Before, the tasks under a merged "Tổ chức chủ trì" read as empty: a false
``required-missing`` error on each, and a blank cell in the master.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from nscl.validation import validate_path

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
CLEAN = FIXTURES / "a_clean_ministry.xlsx"  # tasks in rows 9, 10 and 12
SHEET = "DM de xuat 2026"


def _merged(target: Path, *ranges: str, edit: dict[str, object] | None = None) -> Path:
    wb = openpyxl.load_workbook(CLEAN)
    ws = wb[SHEET]
    for ref, value in (edit or {}).items():
        ws[ref] = value
    for rng in ranges:
        first, last = rng.split(":")
        for row in ws[rng]:
            for cell in row:
                if cell.coordinate != first:
                    cell.value = None
        assert last
        ws.merge_cells(rng)
    wb.save(target)
    return target


def test_text_and_duration_merged_over_tasks_are_read_for_each(tmp_path: Path) -> None:
    path = _merged(tmp_path / "a.xlsx", "C9:C10", "G9:G10")
    report = validate_path(path, year=2026)
    assert report.problems == []
    first, second, _ = report.rows
    assert second.values["lead_org"] == first.values["lead_org"] != ""
    assert second.values["duration_months"] == first.values["duration_months"] == 24


def test_an_amount_merged_over_tasks_is_an_error_at_the_merged_range(tmp_path: Path) -> None:
    path = _merged(tmp_path / "a.xlsx", "I9:I10")
    report = validate_path(path, year=2026)
    merged = [p for p in report.problems if p.code == "amount-merged"]
    assert [(p.cell, p.params["first"], p.params["last"]) for p in merged] == [
        ("I9:I10", 9, 10)]
    assert report.rows[1].values["state_budget"] is None  # never copied: no double count
    assert report.summary.state_budget == 2000 + 3000


def test_the_tasks_under_a_merged_amount_are_not_also_reported_as_missing_it(
    tmp_path: Path,
) -> None:
    """One mistake, one complaint: the merge is reported; the covered task's empty NSNN
    is not a second error. An NSNN left empty elsewhere still is."""
    plain = validate_path(_merged(tmp_path / "plain.xlsx", edit={"I10": None}), year=2026)
    assert [p.cell for p in plain.problems if p.code == "required-missing"] == ["I10"]

    merged = validate_path(_merged(tmp_path / "merged.xlsx", "I9:I10", edit={"I12": None}),
                           year=2026)
    assert [p.cell for p in merged.problems if p.code == "amount-merged"] == ["I9:I10"]
    assert [p.cell for p in merged.problems if p.code == "required-missing"] == ["I12"]


def test_one_task_spread_over_two_rows_is_left_as_it_was(tmp_path: Path) -> None:
    """Stt, name and lead organisation merged over rows 9-10 (one task whose content goes
    on below): row 10 has no task name of its own, so nothing is copied into it."""
    report = validate_path(_merged(tmp_path / "a.xlsx", "A9:A10", "B9:B10", "C9:C10"),
                           year=2026)
    row10 = next(row for row in report.rows if row.sheet_row == 10)
    assert row10.values["lead_org"] is None and row10.values["task_name"] is None
    assert {"C10", "B10"} <= {p.cell for p in report.problems if p.code == "required-missing"}


def test_the_master_shows_the_merged_value_for_each_task(tmp_path: Path) -> None:
    from sync.config import SyncConfig
    from sync.run import run_sync
    from tests.sync_support import master_task_rows

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _merged(inbox / "bct.xlsx", "C9:C10")
    outcome = run_sync(SyncConfig(inbox=inbox, master=tmp_path / "m.xlsx",
                                  state=tmp_path / "s", year=2026,
                                  expected=("bo-cong-thuong",)))
    assert outcome.result["agencies"][0]["status"] == "ok"
    import openpyxl as xl

    ws = xl.load_workbook(tmp_path / "m.xlsx", read_only=True)["Tổng hợp"]
    rows = [r for r in ws.iter_rows(values_only=True)
            if r and isinstance(r[1], str) and r[1].startswith(("Hỗ trợ", "Xây dựng"))]
    assert len(rows) == 2 and rows[0][2] == rows[1][2] and rows[0][2]
    assert len(master_task_rows(tmp_path / "m.xlsx")) == outcome.rows_in == 3


def test_xls_and_ods_merges_are_read_the_same_way(tmp_path: Path, soffice: str) -> None:
    """.xls ranges come from python-calamine, .ods ones from nscl.ods_merges (content.xml):
    both files saved by LibreOffice give the .xlsx's ranges and the same reading."""
    from nscl.libreoffice import convert
    from nscl.reading import open_workbook

    source = _merged(tmp_path / "a.xlsx", "C9:C10", "I9:I10")
    expected = validate_path(source, year=2026)
    book = open_workbook(source)
    ranges = sorted(book.merged_ranges(SHEET))
    book.close()
    for target in ("xls:MS Excel 97", "ods"):
        converted = convert(source, target, tmp_path / target.split(":")[0])
        other = open_workbook(converted)
        try:
            assert sorted(other.merged_ranges(SHEET)) == ranges
        finally:
            other.close()
        report = validate_path(converted, year=2026)
        assert [(p.code, p.cell) for p in report.problems] == [
            (p.code, p.cell) for p in expected.problems]
        assert [r.values["lead_org"] for r in report.rows] == [
            r.values["lead_org"] for r in expected.rows]
