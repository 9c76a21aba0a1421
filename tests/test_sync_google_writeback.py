"""Problems written back into the agencies' Google Sheets (against the stand-in): one
sheet of nscl's, replaced whole; highlighting through nscl's own conditional formats;
nothing else of the agency's changed; no formula ever written; two requests per
spreadsheet written and none when the problems did not change."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nscl.a1 import parse_a1
from nscl.google.standin.sheets import Spreadsheet
from nscl.marking.results_sheet import RESULTS_SHEET
from sync.demo_data import Task
from sync.google_state import load_states
from sync.ledger import LEDGER_NAME, Ledger
from sync.writeback import MARKER_FORMULA, ResultLine, WriteTarget, write_back
from tests.google_support import World, running_world
from tests.google_sync_support import Folder, by_agency, calls_since, iter_cells, tasks

FORMULA_NAME = '=IMPORTXML("http://example.com/x";"//a")'


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def _with_mistakes() -> list[Task]:
    """Three tasks: the second without its lead organisation (an error), the third
    named like a formula, and the same name again on the first (an error quoting it)."""
    first, second, third = tasks(3, 4)
    return [
        Task(FORMULA_NAME, first.lead, first.objectives, first.content, first.results,
             first.months, first.state, first.counter),
        Task(second.name, "", second.objectives, second.content, second.results,
             second.months, second.state, second.counter),
        Task(FORMULA_NAME, third.lead, third.objectives, third.content, third.results,
             third.months, third.state, third.counter),
    ]


@pytest.fixture
def folder(world: World, tmp_path: Path) -> Folder:
    folder = Folder(world, tmp_path / "site", expected=("bo-cong-thuong", "bo-y-te"))
    folder.publish("bo-cong-thuong", _with_mistakes())
    folder.upload("bo-y-te", [Task("", "", "", "", "", 24, 100.0, 50.0)])  # errors too
    return folder


def _model(world: World, folder: Folder, agency: str = "bo-cong-thuong") -> Spreadsheet:
    return world.stand_in.spreadsheet(folder.sheets[agency].id)


def _agency_sheet(ss: Spreadsheet, title: str) -> dict[str, Any]:
    """Everything of an agency's sheet but nscl's conditional formats."""
    sheet = ss.sheet_by_title(title)
    assert sheet is not None
    return {"props": copy.deepcopy(sheet.props), "cells": copy.deepcopy(sheet.cells),
            "merges": [m.grid_range() for m in sheet.merges],
            "protected": copy.deepcopy(sheet.protected_ranges),
            "metadata": copy.deepcopy(sheet.developer_metadata),
            "rules": [r for r in copy.deepcopy(sheet.conditional_formats) if not _ours(r)]}


def _ours(rule: dict[str, Any]) -> bool:
    condition = rule.get("booleanRule", {}).get("condition", {})
    return condition.get("values", [{}])[0].get("userEnteredValue") == MARKER_FORMULA


def _results(ss: Spreadsheet) -> list[list[Any]]:
    return ss.value_range(f"'{RESULTS_SHEET}'!A1:F40")["values"]


def _codes(rows: list[list[Any]]) -> list[str]:
    header = rows.index(["Mức độ", "Lỗi", "Ô", "Nội dung", "Cách sửa", "Mã (cho cán bộ CNTT)"])
    return [row[5] for row in rows[header + 1:] if len(row) > 5]


def test_problems_are_written_into_a_sheet_of_their_own_with_two_requests(
        folder: Folder, world: World) -> None:
    sheet = folder.sheets["bo-cong-thuong"]
    before = _agency_sheet(_model(world, folder), sheet.table_sheet)
    mark = len(world.stand_in.calls)
    night = folder.run(writeback=True)
    assert by_agency(night)["bo-cong-thuong"]["status"] == "invalid"
    sheets_calls = [c for c in calls_since(world, mark) if c.api == "sheets"]
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in sheets_calls] == [
        ("GET", sheet.id), ("POST", f"{sheet.id}:batchUpdate")]
    assert night.result["google"]["writeback"]["written"] == [
        f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit"]
    # The uploaded Excel file is not written to: its marked copy is in the outbox.
    assert not any(folder.uploads["bo-y-te"] in c.path for c in sheets_calls)
    assert "bo-y-te" in night.result["feedback"]
    ss = _model(world, folder)
    rows = _results(ss)
    assert rows[0][0] == "KẾT QUẢ KIỂM TRA CỦA NSCL (CHƯƠNG TRÌNH 1322)"
    codes = _codes(rows)
    assert "required-missing" in codes and "duplicate-task" in codes
    # Nothing of the agency's own changed: values, formats, notes, merges, protection,
    # metadata, its conditional formats (nscl's come first).
    after = _agency_sheet(ss, sheet.table_sheet)
    assert after == before
    table = ss.sheet_by_title(sheet.table_sheet)
    assert table is not None
    assert [_ours(r) for r in table.conditional_formats[:1]] == [True]
    painted = ss.highlighted(sheet.table_sheet)
    lead = sheet.a1("lead_org", 1)
    row, col = int(lead[1:]) - 1, ord(lead[0]) - 65
    assert painted[(row, col)]["backgroundColor"]["red"] == 1.0


def test_the_cell_column_links_to_the_cell_without_a_formula(folder: Folder,
                                                             world: World) -> None:
    folder.run(writeback=True)
    ss = _model(world, folder)
    data = ss.to_json(include_grid_data=True, ranges=[f"'{RESULTS_SHEET}'!A1:F40"])
    cells = list(iter_cells(data))
    links = [c["userEnteredFormat"]["textFormat"]["link"]["uri"] for c in cells
             if "link" in (c.get("userEnteredFormat") or {}).get("textFormat", {})]
    sheet = folder.sheets["bo-cong-thuong"]
    table = ss.sheet_by_title(sheet.table_sheet)
    assert table is not None
    assert f"#gid={table.sheet_id}&range={sheet.a1('lead_org', 1)}" in links
    values = [c["userEnteredValue"] for c in cells if "userEnteredValue" in c]
    assert values and all(set(v) <= {"stringValue", "numberValue"} for v in values)
    # The agency's task name is quoted as text, and stays a text in its own sheet too.
    texts = [v["stringValue"] for v in values if "stringValue" in v]
    assert any(FORMULA_NAME in t for t in texts)
    name_cell = sheet.a1("task_name", 0)
    assert ss.value_range(f"'{sheet.table_sheet}'!{name_cell}",
                          value_render="FORMULA")["values"] == [[FORMULA_NAME]]


def test_the_next_night_takes_nscls_write_for_nscls_and_sends_one_request(
        folder: Folder, world: World) -> None:
    first = folder.run(writeback=True)
    sheet = folder.sheets["bo-cong-thuong"]
    assert world.stand_in.file(sheet.id).last_modifier.endswith("gserviceaccount.com")
    mark = len(world.stand_in.calls)
    second = folder.run(writeback=True)
    assert [(c.method, c.path) for c in calls_since(world, mark)] == [
        ("GET", "/drive/v3/files")]
    assert second.unchanged and second.exit_code == first.exit_code
    assert "task-changed" not in second.result["changes"]


def test_fixing_problems_replaces_the_sheet_and_the_highlights(folder: Folder,
                                                               world: World) -> None:
    folder.run(writeback=True)
    sheet = folder.sheets["bo-cong-thuong"]
    own_rules = _agency_sheet(_model(world, folder), sheet.table_sheet)["rules"]
    folder.type("bo-cong-thuong", "lead_org", "Viện Năng suất Việt Nam", offset=1)
    mark = len(world.stand_in.calls)
    night = folder.run(writeback=True)
    assert [c.method for c in calls_since(world, mark) if c.api == "sheets"] == ["GET", "POST"]
    assert night.result["google"]["requests"] == 1 + 1 + 2
    ss = _model(world, folder)
    codes = _codes(_results(ss))
    assert "required-missing" not in codes and "duplicate-task" in codes
    table = ss.sheet_by_title(sheet.table_sheet)
    assert table is not None
    assert sum(1 for r in table.conditional_formats if _ours(r)) == 1  # errors only now
    assert _agency_sheet(ss, sheet.table_sheet)["rules"] == own_rules
    assert [s.title for s in ss.sheets].count(RESULTS_SHEET) == 1
    # Everything fixed: the sheet says so and nscl's highlighting is gone.
    folder.type("bo-cong-thuong", "task_name", "Hỗ trợ doanh nghiệp áp dụng ISO 9001", 2)
    clean = folder.run(writeback=True)
    assert by_agency(clean)["bo-cong-thuong"]["status"] == "ok"
    ss = _model(world, folder)
    assert ["Không có lỗi hay cảnh báo."] in _results(ss)
    table = ss.sheet_by_title(sheet.table_sheet)
    assert table is not None
    assert not any(_ours(r) for r in table.conditional_formats)


def test_unchanged_problems_send_no_request(folder: Folder, world: World) -> None:
    folder.run(writeback=True)
    # The agency changes something that changes no problem: fetched, not written.
    folder.type("bo-cong-thuong", "notes", "Ghi chú mới")
    mark = len(world.stand_in.calls)
    night = folder.run(writeback=True)
    assert [c.api for c in calls_since(world, mark)] == ["drive", "drive"]
    assert "writeback" not in night.result["google"]


def test_writing_the_same_problems_again_gives_the_same_spreadsheet(
        folder: Folder, world: World) -> None:
    folder.run(writeback=True)
    ss_id = folder.sheets["bo-cong-thuong"].id
    once = world.stand_in.spreadsheet(ss_id).to_json(include_grid_data=True)
    with Ledger(folder.root / "state" / LEDGER_NAME) as ledger:
        state = load_states(ledger)[ss_id]
        state.writeback_digest = None  # as if the problems had changed
        lines = tuple(ResultLine("error" if i % 2 else "warning", "Lỗi", "Bảng tổng hợp",
                                 f"C{10 + i}", f"Nội dung {i}", "Sửa", "required-missing")
                      for i in range(3))
        api = folder.world.api("writeback")
        for _ in range(2):
            write_back(api, [(WriteTarget(state, lines), "Bảng tổng hợp")], ledger=None,
                       now="")
        twice = world.stand_in.spreadsheet(ss_id).to_json(include_grid_data=True)
        write_back(api, [(WriteTarget(state, lines), "Bảng tổng hợp")], ledger=None, now="")
    assert world.stand_in.spreadsheet(ss_id).to_json(include_grid_data=True) == twice
    assert twice != once


def test_a_message_starting_with_an_equals_sign_is_written_as_text(folder: Folder,
                                                                   world: World) -> None:
    folder.run(writeback=True)
    ss_id = folder.sheets["bo-cong-thuong"].id
    with Ledger(folder.root / "state" / LEDGER_NAME) as ledger:
        state = load_states(ledger)[ss_id]
    state.writeback_digest = None
    line = ResultLine("error", "=1+1", "Bảng tổng hợp", "B10", FORMULA_NAME, "=SUM(1;2)",
                      "=HYPERLINK(\"x\")")
    write_back(folder.world.api("writeback"), [(WriteTarget(state, (line,)), "Bảng tổng hợp")],
               ledger=None, now="")
    ss = world.stand_in.spreadsheet(ss_id)
    shown = ss.value_range(f"'{RESULTS_SHEET}'!A7:F7", value_render="FORMULA")["values"]
    assert shown == [["Lỗi", "=1+1", "B10", FORMULA_NAME, "=SUM(1;2)", "=HYPERLINK(\"x\")"]]


def test_a_write_that_fails_is_tried_again_next_night(folder: Folder, world: World) -> None:
    world.stand_in.fail("503", path_contains=":batchUpdate", times=20)
    night = folder.run(writeback=True)
    failed = night.result["google"]["writeback"]["failed"]
    assert len(failed) == 1 and "503" in failed[0]["reason"]
    assert night.exit_code == 1  # the errors of the files; the write-back is retried
    world.stand_in.faults.clear()
    again = folder.run(writeback=True)
    assert not again.unchanged  # a write-back was due: not the stored result
    assert len(again.result["google"]["writeback"]["written"]) == 1
    assert "required-missing" in _codes(_results(_model(world, folder)))


def test_the_stand_in_deletes_a_conditional_format_rule_as_google_does(
        folder: Folder, world: World) -> None:
    from nscl.google.errors import GoogleRequestError

    sheet = folder.sheets["bo-cong-thuong"]
    api = folder.world.api("writeback")
    ss = _model(world, folder)
    table = ss.sheet_by_title(sheet.table_sheet)
    assert table is not None
    rules = copy.deepcopy(table.conditional_formats)
    answer = api.sheets.batch_update(sheet.id, [{"deleteConditionalFormatRule": {
        "sheetId": table.sheet_id, "index": 1}}])
    deleted = answer["replies"][0]["deleteConditionalFormatRule"]["rule"]
    assert deleted["ranges"] == rules[1]["ranges"]
    after = _model(world, folder).sheet_by_title(sheet.table_sheet)
    assert after is not None and len(after.conditional_formats) == len(rules) - 1
    with pytest.raises(GoogleRequestError, match="400"):
        api.sheets.batch_update(sheet.id, [{"deleteConditionalFormatRule": {
            "sheetId": table.sheet_id, "index": len(rules) + 5}}])


def test_turning_write_back_on_writes_even_when_nothing_changed(folder: Folder,
                                                                world: World) -> None:
    before = folder.run()
    assert "writeback" not in before.result["google"]
    assert RESULTS_SHEET not in [s.title for s in _model(world, folder).sheets]
    mark = len(world.stand_in.calls)
    night = folder.run(writeback=True)
    assert not night.unchanged
    assert [c.method for c in calls_since(world, mark)] == ["GET", "GET", "POST"]
    assert "required-missing" in _codes(_results(_model(world, folder)))




def test_a_request_for_clarification_is_written_into_the_agencys_sheet(
        world: World, tmp_path: Path) -> None:
    """The staff mark a task of a Google spreadsheet "Cần làm rõ" in the master: the next
    night writes the request, with their comment, into the agency's "Kết quả kiểm tra"
    (created for it), at the task's row; a decision made since clears the sheet again."""
    from sync.demo_selection import Mark, record_decisions

    folder = Folder(world, tmp_path / "site", expected=("bo-cong-thuong",))
    clean = tasks(2, 11)
    folder.publish("bo-cong-thuong", clean)
    first = folder.run(writeback=True)
    assert by_agency(first)["bo-cong-thuong"]["status"] == "ok"
    assert RESULTS_SHEET not in [s.title for s in _model(world, folder).sheets]
    comment = "Nêu rõ số doanh nghiệp tham gia và cam kết đối ứng."
    master = folder.root / "out" / "tong-hop.xlsx"
    assert record_decisions(master, [Mark("bo-cong-thuong", clean[1].name, "clarify",
                                          comment)]) == 1
    asked = folder.run(writeback=True)
    assert asked.result["google"]["writeback"]["written"] == [
        f"https://docs.google.com/spreadsheets/d/{folder.sheets['bo-cong-thuong'].id}/edit"]
    rows = _results(_model(world, folder))
    assert _codes(rows) == ["selection-clarification"]
    line = next(row for row in rows if len(row) > 5 and row[5] == "selection-clarification")
    sheet = folder.sheets["bo-cong-thuong"]
    assert comment in line[3]
    row = parse_a1(sheet.a1("task_name", 1))[0]
    assert row in {parse_a1(cell)[0] for cell in line[2].split(":")}  # the task's row
    # Clarified, the staff put the task on the list: the request goes, the sheet is cleared.
    record_decisions(master, [Mark("bo-cong-thuong", clean[1].name, "include")])
    cleared = folder.run(writeback=True)
    assert len(cleared.result["google"]["writeback"]["written"]) == 1
    assert ["Không có lỗi hay cảnh báo."] in _results(_model(world, folder))
