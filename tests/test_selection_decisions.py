"""The staff's decisions in the master: typed into its "Quyết định" and "Ý kiến" cells,
read back by the next run, kept in the ledger with who and when, carried over to the
rewritten master, flagged when the task changed since, listed when the task is gone,
never lost (a master saved during a run is not replaced), and sent back to the agency
when it asks for clarification.

The agencies' files are the official template filled in, validated by the real engine;
the staff's edits are made with openpyxl on the master's unlocked cells, and with
LibreOffice where a test says so.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from sync.config import SyncConfig
from sync.demo_data import Task, write_submission
from sync.demo_selection import Mark, record_decisions
from sync.ledger import LEDGER_NAME, Ledger
from sync.master import MasterChangedError
from sync.run import run_sync
from sync.selection import (
    COMMENT_HEADER,
    DECISION_HEADER,
    DECISIONS,
    KEY_HEADER,
    TRACE_HEADER,
    UNKNOWN_PERSON,
)

BCT_TASKS = (
    Task("Hỗ trợ doanh nghiệp ngành dệt may áp dụng ISO 14001",
         "Viện Nghiên cứu Chiến lược, Chính sách Công Thương",
         "Giảm 10% tiêu hao năng lượng tại 20 doanh nghiệp", "Đào tạo; tư vấn ISO 14001",
         "20 doanh nghiệp áp dụng ISO 14001", 24, 1000, 500),
    Task("Nghiên cứu cơ chế, chính sách thúc đẩy năng suất ngành chế biến",
         "Viện Nghiên cứu Chiến lược, Chính sách Công Thương",
         "Đề xuất chính sách nâng cao tỷ trọng TFP", "Phân tích năng suất của 10 phân ngành",
         "Báo cáo kiến nghị chính sách", 18, 1200, 0),
)
NGHE_AN_TASKS = (
    Task("Đào tạo chuyên gia năng suất cho doanh nghiệp chế biến gỗ",
         "Sở Khoa học và Công nghệ tỉnh Nghệ An", "Đào tạo 30 chuyên gia",
         "Ba khóa đào tạo", "30 chuyên gia được cấp chứng chỉ", 12, 600, 100),
)
STAFF = "Trần Văn Minh"
YEAR = 2027


def _submit(config: SyncConfig, code: str, name: str, tasks: tuple[Task, ...],
            day: int) -> Path:
    import os

    path = config.inbox / name
    write_submission(path, agency_code=code, year=YEAR, tasks=tasks)
    stamp = datetime(2026, 3, day, 9, 0, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _round(tmp_path: Path) -> SyncConfig:
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "master" / "m.xlsx",
                        state=tmp_path / "state", outbox=tmp_path / "outbox", year=YEAR,
                        workers=1, expected=("bo-cong-thuong", "tinh-nghe-an"))
    _submit(config, "bo-cong-thuong", "BCT.xlsx", BCT_TASKS, 20)
    _submit(config, "tinh-nghe-an", "NgheAn.xlsx", NGHE_AN_TASKS, 21)
    return config


MARKS = (
    Mark("bo-cong-thuong", "Hỗ trợ doanh nghiệp ngành dệt may", "include",
         "Phù hợp nội dung ưu tiên (3)."),
    Mark("tinh-nghe-an", "Đào tạo chuyên gia", "clarify", "Nêu rõ doanh nghiệp tham gia."),
)


def _table(master: Path) -> tuple[Any, dict[str, int], int]:
    """The master's "Tổng hợp" sheet, its columns by header (1-based) and the header row."""
    ws = openpyxl.load_workbook(master)["Tổng hợp"]
    header = next(row for row in ws.iter_rows(max_row=40)
                  if any(c.value == KEY_HEADER for c in row))
    columns = {c.value: c.column for c in header if isinstance(c.value, str)}
    return ws, columns, header[0].row


def _row_of(master: Path, name_start: str) -> dict[str, Any]:
    ws, columns, header = _table(master)
    for row in ws.iter_rows(min_row=header + 1):
        if isinstance(row[1].value, str) and row[1].value.startswith(name_start) \
                and row[columns[KEY_HEADER] - 1].value:
            return {head: row[col - 1] for head, col in columns.items()} | {"name": row[1]}
    raise AssertionError(f"no task {name_start!r}")


def _decisions(config: SyncConfig) -> dict[str, Any]:
    with Ledger(config.state / LEDGER_NAME) as ledger:
        return {d.task_name.split(" ")[0] + " " + d.agency: d
                for d in ledger.decisions("A", YEAR).values()}


def test_decisions_are_read_back_kept_and_carried_to_the_new_master(tmp_path: Path) -> None:
    config = _round(tmp_path)
    first = run_sync(config)
    assert first.master_written and first.result["selection"]["counts"] == {
        "include": 0, "exclude": 0, "clarify": 0}
    assert record_decisions(config.master, MARKS, by=STAFF) == 2
    saved = datetime.fromtimestamp(config.master.stat().st_mtime, tz=UTC)
    second = run_sync(config)
    assert not second.unchanged and second.master_written  # an edited master is not "untouched"
    selection = second.result["selection"]
    assert selection["counts"] == {"include": 1, "exclude": 0, "clarify": 1}
    assert selection["recorded"] == 2 and selection["read_from"]["modified_by"] == STAFF
    kept = _decisions(config)
    include = kept["Hỗ bo-cong-thuong"]
    assert (include.decision, include.comment, include.decided_by) == (
        "include", "Phù hợp nội dung ưu tiên (3).", STAFF)
    # When: the time the file says it was saved (openpyxl writes it on saving).
    assert abs(datetime.fromisoformat(include.decided_at) - saved).total_seconds() < 120
    assert include.master_run == first.run_id
    # The new master carries them, with who decided; the other tasks have none.
    row = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    assert row[DECISION_HEADER].value == "Đưa vào danh mục"
    assert row[COMMENT_HEADER].value == "Phù hợp nội dung ưu tiên (3)."
    assert row[TRACE_HEADER].value.startswith(f"{STAFF}, ")
    other = _row_of(config.master, "Nghiên cứu cơ chế")
    assert other[DECISION_HEADER].value is None and other[TRACE_HEADER].value is None
    # The next night, nothing new: the rewritten master is untouched, nothing is read.
    third = run_sync(config)
    assert third.unchanged
    with Ledger(config.state / LEDGER_NAME) as ledger:
        history = ledger.decision_history("A", YEAR)
    assert [(h["decision"], h["decided_by"]) for h in history] == [
        ("include", STAFF), ("clarify", STAFF)]


def test_only_the_decision_cells_are_open_in_the_protected_master(tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    wb = openpyxl.load_workbook(config.master)
    for ws in wb.worksheets:  # every sheet, without a password
        assert ws.protection.sheet and not ws.protection.password, ws.title
        assert ws.protection.autoFilter is False  # the filter stays usable
    ws, columns, header = _table(config.master)
    # The decision and comment columns are open by default (their column's format); an
    # undecided task writes no cell there, every other row writes its cells locked.
    open_columns = {head for head, col in columns.items()
                    if not ws.column_dimensions[get_column_letter(col)].protection.locked}
    assert open_columns == {DECISION_HEADER, COMMENT_HEADER}
    assert ws.cell(row=header, column=columns[DECISION_HEADER]).protection.locked
    task = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    assert all(cell.protection.locked for head, cell in task.items()
               if head not in open_columns and cell.has_style)
    assert task[DECISION_HEADER].value is None and not task[DECISION_HEADER].has_style
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        cell = row[columns[DECISION_HEADER] - 1]
        if cell.has_style and not ws.cell(row=cell.row, column=columns[KEY_HEADER]).value:
            assert cell.protection.locked, cell.coordinate  # headings, subtotals, totals
    # Decided, the cells are written open, with the decision.
    record_decisions(config.master, MARKS, by=STAFF)
    run_sync(config)
    ws, _, _ = _table(config.master)
    decided = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    assert not decided[DECISION_HEADER].protection.locked
    assert not decided[COMMENT_HEADER].protection.locked
    assert decided[TRACE_HEADER].protection.locked
    # The task rows' open cells are filled by a conditional format on their identity.
    (fill,) = [rule for cf in ws.conditional_formatting for rule in cf.rules
               if rule.type == "expression"]
    assert fill.formula[0].endswith('<>""')
    # The drop-down offers the three decisions over the task rows' column.
    (validation,) = [dv for dv in ws.data_validations.dataValidation
                     if task[DECISION_HEADER].coordinate in dv.sqref]
    assert validation.type == "list"
    assert validation.formula1 == '"Đưa vào danh mục,Không đưa vào,Cần làm rõ"'
    # The task's identity is in a hidden column outside the printed table.
    key_letter = task[KEY_HEADER].column_letter
    assert ws.column_dimensions[key_letter].hidden
    assert task[KEY_HEADER].value.startswith("bo-cong-thuong/")


def test_a_decision_on_a_task_changed_since_is_kept_and_flagged(tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS, by=STAFF)
    run_sync(config)
    # Bộ Công Thương raises the state budget of the task put on the list.
    revised = (replace(BCT_TASKS[0], state=1200), BCT_TASKS[1])
    _submit(config, "bo-cong-thuong", "BCT.xlsx", revised, 22)
    outcome = run_sync(config)
    (changed,) = [d for d in outcome.result["selection"]["decisions"] if d["changed"]]
    assert changed["decision"] == "include" and changed["agency"] == "bo-cong-thuong"
    assert changed["change"] == "NSNN: 1.000 → 1.200"
    codes = [i["code"] for i in outcome.result["selection"]["issues"]]
    assert codes == ["decision-content-changed"]
    row = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    assert row[DECISION_HEADER].value == "Đưa vào danh mục"  # kept
    assert "Nội dung đã thay đổi sau khi quyết định: NSNN: 1.000 → 1.200" in \
        row[TRACE_HEADER].value
    listed = _sheet_text(config.master, "Quyết định")
    assert "CẦN XEM LẠI: NỘI DUNG ĐÃ THAY ĐỔI SAU KHI QUYẾT ĐỊNH (1)" in listed
    # Having looked again, the staff confirm by adding to the comment: no flag any more.
    record_decisions(config.master, [replace(MARKS[0], comment="Đồng ý mức kinh phí mới.")],
                     by="Lê Thu Hà")
    again = run_sync(config)
    assert not any(d["changed"] for d in again.result["selection"]["decisions"])
    assert _decisions(config)["Hỗ bo-cong-thuong"].decided_by == "Lê Thu Hà"


def _sheet_text(master: Path, sheet: str) -> str:
    ws = openpyxl.load_workbook(master)[sheet]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row
                     if c.value is not None)


def test_a_decision_whose_task_is_gone_is_listed_and_comes_back_with_it(
        tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, [Mark("bo-cong-thuong", "Nghiên cứu cơ chế", "exclude",
                                          "Đã có nhiệm vụ tương tự.")], by=STAFF)
    run_sync(config)
    _submit(config, "bo-cong-thuong", "BCT.xlsx", BCT_TASKS[:1], 22)  # the task dropped
    gone = run_sync(config)
    selection = gone.result["selection"]
    assert selection["counts"]["exclude"] == 0
    (orphan,) = selection["orphaned"]
    assert (orphan["agency_name"], orphan["decision"], orphan["comment"]) == (
        "Bộ Công Thương", "exclude", "Đã có nhiệm vụ tương tự.")
    assert [i["code"] for i in selection["issues"]] == ["decision-task-missing"]
    listed = _sheet_text(config.master, "Quyết định")
    assert "QUYẾT ĐỊNH VỀ NHIỆM VỤ KHÔNG CÒN TRONG BẢNG TỔNG HỢP (1)" in listed
    assert "Đã có nhiệm vụ tương tự." in listed
    _submit(config, "bo-cong-thuong", "BCT.xlsx", BCT_TASKS, 23)  # and back again
    back = run_sync(config)
    assert back.result["selection"]["orphaned"] == []
    assert back.result["selection"]["counts"]["exclude"] == 1
    assert _row_of(config.master, "Nghiên cứu cơ chế")[DECISION_HEADER].value == \
        "Không đưa vào"


def test_a_master_without_its_editor_s_name_says_unknown(tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS[:1], by="")
    outcome = run_sync(config)
    assert outcome.result["selection"]["decisions"][0]["decided_by"] == UNKNOWN_PERSON


def test_a_value_outside_the_list_is_reported_and_the_decision_before_kept(
        tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS[:1], by=STAFF)
    run_sync(config)
    row = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    cell = row[DECISION_HEADER].coordinate
    wb = openpyxl.load_workbook(config.master)
    wb["Tổng hợp"][cell] = "Đồng ý"  # typed over the drop-down (pasted)
    other = _row_of(config.master, "Nghiên cứu cơ chế")[DECISION_HEADER].coordinate
    wb["Tổng hợp"][other] = "khong dua vao"  # without diacritics: understood
    wb.save(config.master)
    outcome = run_sync(config)
    (issue,) = [i for i in outcome.result["selection"]["issues"]
                if i["code"] == "decision-value-unknown"]
    assert issue["cell"] == cell and "«Đồng ý»" in issue["message"]
    assert outcome.result["selection"]["counts"] == {"include": 1, "exclude": 1,
                                                     "clarify": 0}
    assert _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")[
        DECISION_HEADER].value == "Đưa vào danh mục"
    assert "Quyết định không được ghi nhận" in _summary(outcome.result)


def _summary(result: dict[str, Any]) -> str:
    from sync.summary import summary_text

    return summary_text(result)


def test_a_cleared_decision_stays_cleared_when_an_older_master_is_put_back(
        tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS[:1], by=STAFF)
    old_copy = tmp_path / "ban-cu.xlsx"
    shutil.copy2(config.master, old_copy)  # the master with the decision, kept aside
    run_sync(config)
    row = _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")
    wb = openpyxl.load_workbook(config.master)
    wb["Tổng hợp"][row[DECISION_HEADER].coordinate] = None
    wb["Tổng hợp"][row[COMMENT_HEADER].coordinate] = None
    wb.save(config.master)
    cleared = run_sync(config)
    assert cleared.result["selection"]["counts"]["include"] == 0
    assert cleared.result["selection"]["orphaned"] == []  # a cleared decision is no orphan
    # The older copy, put back over the master, does not bring the decision back.
    shutil.copy(old_copy, config.master)
    outcome = run_sync(config)
    assert outcome.result["selection"]["counts"]["include"] == 0
    assert [i["code"] for i in outcome.result["selection"]["issues"]] == [
        "decision-master-stale"]
    with Ledger(config.state / LEDGER_NAME) as ledger:
        history = ledger.decision_history("A", YEAR)
    assert [h["decision"] for h in history] == ["include", None]


class _SavesTheMaster:
    """A progress display during which a staff member saves the master: right when the
    run starts writing it (the last moment before it is replaced)."""

    def __init__(self, master: Path) -> None:
        self.master = master
        self.saved = False

    def start(self, total: int, label: str) -> None:
        if label == "Ghi bảng tổng hợp" and not self.saved:
            record_decisions(self.master, MARKS[:1], by=STAFF)
            self.saved = True

    def advance(self, label: str = "") -> None:
        pass

    def stop(self) -> None:
        pass


def test_a_master_saved_during_the_run_is_not_replaced(tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    _submit(config, "tinh-nghe-an", "NgheAn.xlsx", NGHE_AN_TASKS, 22)  # something new
    progress = _SavesTheMaster(config.master)
    with pytest.raises(MasterChangedError, match="không ghi đè"):
        run_sync(config, progress=progress)
    assert progress.saved
    # The staff's save is still there, and the next run reads it.
    assert _row_of(config.master, "Hỗ trợ doanh nghiệp ngành dệt may")[
        DECISION_HEADER].value == "Đưa vào danh mục"
    outcome = run_sync(config)
    assert outcome.master_written
    assert outcome.result["selection"]["counts"]["include"] == 1


def test_the_agency_gets_the_request_for_clarification_in_its_marked_copy(
        tmp_path: Path) -> None:
    from nscl.marking import RESULTS_SHEET, WARNING_FILL

    config = _round(tmp_path)
    first = run_sync(config)
    assert "tinh-nghe-an" not in first.result["feedback"]  # a clean file: no copy
    record_decisions(config.master, MARKS, by=STAFF)
    outcome = run_sync(config)
    nghe_an = next(a for a in outcome.result["agencies"] if a["code"] == "tinh-nghe-an")
    (issue,) = [i for i in nghe_an["issues"] if i["code"] == "selection-clarification"]
    assert "Nêu rõ doanh nghiệp tham gia." in issue["message"]
    assert nghe_an["status"] == "ok"  # a request, not an error
    copy = Path(outcome.result["feedback"]["tinh-nghe-an"])
    wb = openpyxl.load_workbook(copy)
    results = "\n".join(str(c.value) for row in wb[RESULTS_SHEET].iter_rows() for c in row
                        if c.value is not None)
    assert "Bộ KH&CN đề nghị làm rõ nhiệm vụ" in results
    assert "Nêu rõ doanh nghiệp tham gia." in results
    # The task's row is marked in the agency's own sheet, from its first to last cell.
    sheet = wb[wb.sheetnames[0]]
    name_cell = next(c for row in sheet.iter_rows() for c in row
                     if c.value == NGHE_AN_TASKS[0].name)
    for cell in sheet[name_cell.row][:11]:
        assert (cell.fill.fgColor.rgb or "").endswith(WARNING_FILL), cell.coordinate
    # The comment reworded: the copy says the new words.
    record_decisions(config.master, [replace(MARKS[1], comment="Bổ sung danh sách.")],
                     by=STAFF)
    reworded = run_sync(config)
    again = openpyxl.load_workbook(reworded.result["feedback"]["tinh-nghe-an"])
    assert any(c.value and "Bổ sung danh sách." in str(c.value)
               for row in again[RESULTS_SHEET].iter_rows() for c in row)
    # Decided at last: the request is withdrawn, and the copy with it.
    record_decisions(config.master, [replace(MARKS[1], decision="include", comment="")],
                     by=STAFF)
    done = run_sync(config)
    assert "tinh-nghe-an" not in done.result["feedback"] and not copy.exists()


def test_a_trial_run_reads_the_decisions_but_records_nothing(tmp_path: Path) -> None:
    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS, by=STAFF)
    trial = run_sync(config, dry_run=True)
    assert trial.result["selection"]["counts"]["include"] == 1
    assert _decisions(config) == {}
    assert run_sync(config).result["selection"]["recorded"] == 2


@pytest.mark.libreoffice
def test_a_master_saved_by_libreoffice_is_read_back(tmp_path: Path, soffice: str) -> None:
    """The staff edit the master in LibreOffice Calc: what it saves keeps the hidden
    identities and the decisions."""
    from nscl.libreoffice import convert

    config = _round(tmp_path)
    run_sync(config)
    record_decisions(config.master, MARKS, by=STAFF)
    saved = convert(config.master, "xlsx", tmp_path / "lo")
    shutil.copy(saved, config.master)
    outcome = run_sync(config)
    assert outcome.result["selection"]["counts"] == {"include": 1, "exclude": 0,
                                                     "clarify": 1}


@pytest.mark.libreoffice
def test_the_counts_follow_the_staff_s_choices_live(tmp_path: Path, soffice: str) -> None:
    """The counts of "Quyết định" and "Lĩnh vực ưu tiên" are formulas over the table:
    recalculated by LibreOffice after the staff chose, before any run, they count the
    new decisions; and as the run wrote them, they agree with the cached values."""
    from nscl.libreoffice import recalculate

    config = _round(tmp_path)
    totals = run_sync(config).result["totals"]
    recalculated = recalculate(config.master, tmp_path / "lo0")
    ours = openpyxl.load_workbook(config.master, data_only=True)
    theirs = openpyxl.load_workbook(recalculated, data_only=True)
    for sheet in ("Quyết định", "Lĩnh vực ưu tiên"):
        for a, b in zip(ours[sheet].iter_rows(values_only=True),
                        theirs[sheet].iter_rows(values_only=True), strict=False):
            for x, y in zip(a, b, strict=False):
                if isinstance(x, int | float) and not isinstance(x, bool):
                    assert x == pytest.approx(y), sheet
    record_decisions(config.master, MARKS, by=STAFF)
    live = openpyxl.load_workbook(recalculate(config.master, tmp_path / "lo1"),
                                  data_only=True)
    counts = {row[1]: row[3] for row in live["Quyết định"].iter_rows(values_only=True)
              if row[1] in ("Đưa vào danh mục", "Cần làm rõ", "Chưa quyết định")}
    assert counts == {"Đưa vào danh mục": 1, "Cần làm rõ": 1, "Chưa quyết định": 1}
    # The amounts of the four rows (the undecided ones included) add up to the round's.
    amounts = [row[4:7] for row in live["Quyết định"].iter_rows(values_only=True)
               if row[1] in (*DECISIONS.values(), "Chưa quyết định")]
    assert len(amounts) == 4 and all(v is not None for row in amounts for v in row)
    assert [sum(column) for column in zip(*amounts, strict=True)] == pytest.approx(
        [totals["total"], totals["state_budget"], totals["counterpart"]])
    areas = {row[0]: row for row in live["Lĩnh vực ưu tiên"].iter_rows(values_only=True)
             if isinstance(row[0], str) and row[0].startswith("(")}
    assert areas["(3) Hỗ trợ doanh nghiệp áp dụng tiêu chuẩn, hệ thống quản lý, công cụ cải "
                 "tiến"][5] == 1  # put on the list
    assert areas["(4) Đào tạo nguồn nhân lực"][7] == 1  # to be clarified


@pytest.mark.libreoffice
def test_libreoffice_opens_the_decision_columns_only(tmp_path: Path, soffice: str) -> None:
    """LibreOffice reads the master's decision and comment columns as unprotected (their
    column's default style), every other column as protected."""
    import re
    import zipfile

    from nscl.libreoffice import convert

    config = _round(tmp_path)
    run_sync(config)
    _, columns, _ = _table(config.master)
    ods = convert(config.master, "ods", tmp_path / "lo")
    content = zipfile.ZipFile(ods).read("content.xml").decode("utf-8")
    first_table = content.split("</table:table>", 1)[0]
    styles: list[str] = []
    for element in re.findall(r"<table:table-column [^>]*>", first_table):
        repeat = re.search(r'table:number-columns-repeated="(\d+)"', element)
        style = re.search(r'table:default-cell-style-name="([^"]+)"', element)
        styles += [style.group(1) if style else "Default"] * int(
            repeat.group(1) if repeat else 1)
    unprotected = {name for name in set(styles) if re.search(
        rf'<style:style style:name="{re.escape(name)}"[^>]*>\s*<style:table-cell-properties '
        r'[^>]*style:cell-protect="none"', content)}
    open_columns = {i + 1 for i, name in enumerate(styles[:40]) if name in unprotected}
    assert open_columns == {columns[DECISION_HEADER], columns[COMMENT_HEADER]}
