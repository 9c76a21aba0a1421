"""The nightly run collects from Google Drive (against the stand-in): what it fetches,
what each night costs in requests, what it does when Google fails, and that a file
from Google ends in the master exactly as the same file from the inbox would."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nscl.google.urls import XLSX_MIME
from sync.ledger import LEDGER_NAME, Ledger
from tests.google_support import CLERK, ROBOT, World, running_world
from tests.google_sync_support import Folder, by_agency, calls_since, tasks
from tests.sync_support import master_task_rows

AGENCIES = ("bo-cong-thuong", "bo-y-te", "tinh-nghe-an", "tinh-ha-tinh")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


@pytest.fixture
def folder(world: World, tmp_path: Path) -> Folder:
    """Two agencies' Google Sheets, one uploaded Excel file and a PDF in the folder."""
    folder = Folder(world, tmp_path / "site", expected=AGENCIES)
    folder.publish("bo-cong-thuong", tasks(3, 1))
    folder.publish("tinh-nghe-an", tasks(2, 2))
    folder.upload("bo-y-te", tasks(2, 3))
    world.stand_in.add_file("cong van de nghi.pdf", b"%PDF-1.4 scan", parent=world.folder_id,
                            mime_type="application/pdf", owner=CLERK)
    return folder


def _exports(world: World, mark: int) -> list[str]:
    return [c.path for c in calls_since(world, mark) if c.path.endswith("/export")]


def _downloads(world: World, mark: int) -> list[str]:
    return [c.path for c in calls_since(world, mark)
            if c.query.get("alt") == ["media"]]


def test_the_first_night_fetches_each_file_once_and_names_google_as_the_source(
        folder: Folder, world: World) -> None:
    mark = len(world.stand_in.calls)
    night = folder.run()
    assert night.exit_code == 0, night.result
    agencies = by_agency(night)
    sheet = folder.sheets["bo-cong-thuong"]
    assert agencies["bo-cong-thuong"]["source"] == "google"
    assert agencies["bo-cong-thuong"]["file"] == \
        f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit"
    assert agencies["bo-y-te"]["source"] == "google"
    assert agencies["bo-y-te"]["file"] == \
        f"https://drive.google.com/file/d/{folder.uploads['bo-y-te']}/view"
    assert (agencies["bo-cong-thuong"]["tasks"], agencies["tinh-nghe-an"]["tasks"],
            agencies["bo-y-te"]["tasks"]) == (3, 2, 2)
    assert agencies["tinh-ha-tinh"]["status"] == "missing"
    assert agencies["tinh-ha-tinh"]["source"] is None
    assert [o["code"] for o in night.result["others"]] == ["other-pdf"]
    # One listing, two exports (Google Sheets), one download (the Excel file): the
    # budget of a first night is listings + files fetched + 2.
    assert len(_exports(world, mark)) == 2 and len(_downloads(world, mark)) == 1
    google = night.result["google"]
    assert google["requests"] == len(calls_since(world, mark)) == 4
    assert google["requests"] <= google["folders"] + google["fetched"] + 2
    listing = next(c for c in calls_since(world, mark) if c.path == "/drive/v3/files")
    assert listing.query["fields"] == [
        "nextPageToken,files(id,name,mimeType,modifiedTime,version,lastModifyingUser(me))"]
    assert listing.query["pageSize"] == ["1000"]


def test_an_unchanged_night_lists_each_folder_once_and_fetches_nothing(
        world: World, tmp_path: Path) -> None:
    folder = Folder(world, tmp_path / "site", expected=AGENCIES)
    ministries = world.stand_in.add_folder("Bộ, ngành", parent=world.folder_id)
    provinces = world.stand_in.add_folder("Địa phương", parent=world.folder_id)
    deeper = world.stand_in.add_folder("2027", parent=provinces)
    folder.publish("bo-cong-thuong", tasks(2, 1), parent=ministries)
    folder.publish("tinh-nghe-an", tasks(2, 2), parent=deeper)
    first = folder.run()
    assert first.result["google"]["folders"] == 4
    assert {a["code"] for a in first.result["agencies"] if a["file"]} == {
        "bo-cong-thuong", "tinh-nghe-an"}
    mark = len(world.stand_in.calls)
    second = folder.run()
    assert second.unchanged and second.exit_code == first.exit_code == 0
    calls = calls_since(world, mark)
    assert [(c.method, c.path) for c in calls] == [("GET", "/drive/v3/files")] * 4
    assert second.result["google"]["requests"] == 4


def test_a_night_with_one_changed_file_costs_one_request_more(folder: Folder,
                                                              world: World) -> None:
    folder.run()
    folder.type("tinh-nghe-an", "state_budget", 999.5)
    mark = len(world.stand_in.calls)
    night = folder.run()
    assert night.result["google"]["requests"] == 1 + 1
    assert len(_exports(world, mark)) == 1
    rows = [r for r in master_task_rows(folder.root / "out" / "tong-hop.xlsx")
            if r["agency"] == "Tỉnh Nghệ An"]
    assert rows[0]["state_budget"] == pytest.approx(999.5)
    assert night.result["changes"].get("task-changed") == 1


def test_an_uploaded_file_replaced_by_a_new_version_is_fetched_again(
        folder: Folder, world: World) -> None:
    folder.run()
    from sync.demo_data import write_submission

    newer = write_submission(folder.root / "v2.xlsx", agency_code="bo-y-te", year=2027,
                             tasks=tasks(4, 9))
    world.stand_in.replace_content(folder.uploads["bo-y-te"], newer.read_bytes(), by=CLERK)
    mark = len(world.stand_in.calls)
    night = folder.run()
    assert by_agency(night)["bo-y-te"]["tasks"] == 4
    assert len(_downloads(world, mark)) == 1 and night.result["google"]["requests"] == 2


def test_a_429_storm_with_retry_after_is_waited_out(folder: Folder, world: World) -> None:
    world.stand_in.fail("429", path_contains="/export", times=3, retry_after="7")
    mark = len(world.stand_in.calls)
    night = folder.run()
    assert night.exit_code == 0 and not night.result["deferred"]
    assert by_agency(night)["bo-cong-thuong"]["tasks"] == 3
    waits = world.clock.sleeps
    assert sum(1 for s in waits if s >= 7) >= 3  # Retry-After honoured on each retry
    google = night.result["google"]
    assert google["retries"] == 3
    assert google["requests"] == len(calls_since(world, mark)) == 4 + 3


def test_a_storm_longer_than_the_retries_keeps_the_last_good_version_marked_stale(
        folder: Folder, world: World) -> None:
    first = folder.run()
    folder.type("bo-cong-thuong", "state_budget", 12345.0)
    world.stand_in.fail("429", path_contains="/export", times=50, retry_after="3")
    night = folder.run()
    agency = by_agency(night)["bo-cong-thuong"]
    # Not lost, not missing: last night's figures, marked as not updated.
    assert agency["status"] == "ok" and agency["stale"] is True
    assert agency["total"] == by_agency(first)["bo-cong-thuong"]["total"]
    sheet = folder.sheets["bo-cong-thuong"]
    link = f"https://docs.google.com/spreadsheets/d/{sheet.id}/edit"
    assert [d["file"] for d in agency["deferred"]] == [link]
    assert "429" in agency["deferred"][0]["reason"]
    assert night.result["deferred"][0]["kept"] is True
    assert night.exit_code == 1  # incomplete, never 0
    assert "stale" not in by_agency(night)["tinh-nghe-an"]
    master = _master_texts(folder.root / "out" / "tong-hop.xlsx", "Tình hình nộp")
    assert any("Chưa cập nhật được từ Google Drive" in text and "429" in text
               for text in master)
    # The next night Google answers again: the new version, a clean exit.
    world.stand_in.faults.clear()
    after = folder.run()
    assert by_agency(after)["bo-cong-thuong"]["total"] != agency["total"]
    assert "stale" not in by_agency(after)["bo-cong-thuong"]
    assert after.exit_code == 0 and after.result["deferred"] == []


def test_when_the_nights_time_for_google_is_up_files_are_deferred_not_missing(
        folder: Folder, world: World) -> None:
    folder.run()
    folder.type("bo-cong-thuong", "state_budget", 1.0)
    folder.type("tinh-nghe-an", "state_budget", 2.0)
    world.stand_in.fail("503", path_contains="/export", times=50)
    night = folder.run(deadline=20.0)
    assert night.exit_code == 1
    deferred = {d["agency"]: d for d in night.result["deferred"]}
    assert set(deferred) == {"bo-cong-thuong", "tinh-nghe-an"}
    assert all(d["kept"] for d in deferred.values())
    assert any("hết thời gian" in d["reason"] for d in deferred.values())
    assert {a["code"] for a in night.result["agencies"] if a["status"] == "missing"} == {
        "tinh-ha-tinh"}


def test_5xx_answers_and_a_stalled_answer_are_retried(folder: Folder, world: World) -> None:
    world.stand_in.fail("503", path_contains="/drive/v3/files", method="GET", times=2)
    world.stand_in.fail("500-html", path_contains="/export", times=1)
    world.stand_in.fail("stall", path_contains="/export", times=1, stall_seconds=2.6)
    night = folder.run()
    assert night.exit_code == 0 and not night.result["deferred"]
    assert night.result["google"]["retries"] == 4
    assert {a["code"] for a in night.result["agencies"] if a["file"]} == {
        "bo-cong-thuong", "bo-y-te", "tinh-nghe-an"}


def test_a_file_changed_between_listing_and_export_is_fetched_again_next_night(
        folder: Folder, world: World) -> None:
    sheet = folder.sheets["tinh-nghe-an"]
    world.stand_in.before(lambda: folder.type("tinh-nghe-an", "state_budget", 777.0),
                          path_contains=f"/files/{sheet.id}/export")
    first = folder.run()
    rows = [r for r in master_task_rows(folder.root / "out" / "tong-hop.xlsx")
            if r["agency"] == "Tỉnh Nghệ An"]
    assert rows[0]["state_budget"] == pytest.approx(777.0)  # the export had the edit
    # The listing said the version before the edit: the file is fetched again once, and
    # its figures do not change.
    mark = len(world.stand_in.calls)
    second = folder.run()
    assert _exports(world, mark) == [f"/drive/v3/files/{sheet.id}/export"]
    assert by_agency(second)["tinh-nghe-an"]["total"] == by_agency(first)["tinh-nghe-an"][
        "total"]
    assert "task-changed" not in second.result["changes"]
    mark = len(world.stand_in.calls)
    third = folder.run()
    assert third.unchanged and third.result["google"]["requests"] == 1


def test_a_file_removed_from_the_folder_is_withdrawn(folder: Folder, world: World) -> None:
    folder.run()
    world.stand_in.trash(folder.uploads["bo-y-te"], by=CLERK)
    night = folder.run()
    agency = by_agency(night)["bo-y-te"]
    assert agency["status"] == "missing" and agency["file"] is None
    assert night.result["changes"].get("agency-withdrawn") == 1
    assert night.result["deferred"] == [] and night.exit_code == 0
    assert night.result["google"]["requests"] == 1


def test_a_token_that_cannot_be_obtained_fails_google_and_keeps_the_inbox(
        folder: Folder, world: World) -> None:
    from sync.demo_data import write_submission

    write_submission(folder.inbox / "Ha Tinh.xlsx", agency_code="tinh-ha-tinh", year=2027,
                     tasks=tasks(2, 7))
    first = folder.run()
    assert by_agency(first)["tinh-ha-tinh"]["source"] == "folder"
    world.stand_in.keys.pop(ROBOT)  # the key was deleted in Google Cloud
    mark = len(world.stand_in.calls)
    night = folder.run()
    assert night.exit_code == 1
    error = night.result["google"]["error"]
    assert "Google không cấp quyền" in error and "credentials" in error
    agencies = by_agency(night)
    assert agencies["tinh-ha-tinh"]["status"] == "ok"
    assert agencies["tinh-ha-tinh"]["tasks"] == 2
    # What was fetched before is kept, marked as not updated.
    for code in ("bo-cong-thuong", "bo-y-te", "tinh-nghe-an"):
        assert agencies[code]["status"] == "ok" and agencies[code]["stale"] is True
    assert calls_since(world, mark) == []  # no Drive request without a token


def test_a_night_with_inbox_and_google_gives_the_master_of_the_same_files_all_local(
        folder: Folder, world: World, tmp_path: Path) -> None:
    from sync.demo_data import write_submission

    write_submission(folder.inbox / "Ha Tinh.xlsx", agency_code="tinh-ha-tinh", year=2027,
                     tasks=tasks(2, 7))
    mixed = folder.run()
    assert {a["source"] for a in mixed.result["agencies"]} == {"google", "folder"}
    # The same files, all in an inbox folder, dated as Drive dates them.
    local = tmp_path / "local-inbox"
    local.mkdir()
    shutil.copy2(folder.inbox / "Ha Tinh.xlsx", local / "Ha Tinh.xlsx")
    api = world.api("check")
    for agency, sheet in folder.sheets.items():
        path = local / f"{agency}.xlsx"
        path.write_bytes(api.drive.export(sheet.id, mime_type=XLSX_MIME))
        moment = world.stand_in.file(sheet.id).modified
        os.utime(path, (moment, moment))
    for agency, file_id in folder.uploads.items():
        path = local / f"{agency}.xlsx"
        path.write_bytes(world.stand_in.file(file_id).content or b"")
        moment = world.stand_in.file(file_id).modified
        os.utime(path, (moment, moment))
    alone = folder.run(inbox=local, state=tmp_path / "state-local",
                       master=tmp_path / "local" / "tong-hop.xlsx", google=False)
    assert "google" not in alone.result

    def figures(outcome: object) -> list[dict[str, object]]:
        keep = ("code", "status", "tasks", "total", "state_budget", "counterpart", "errors",
                "warnings", "late", "received")
        return [{k: a[k] for k in keep} for a in outcome.result["agencies"]]  # type: ignore[attr-defined]

    assert figures(mixed) == figures(alone)
    assert mixed.result["totals"] == alone.result["totals"]

    def table(path: Path) -> list[dict[str, object]]:
        return [{k: v for k, v in row.items() if k != "file"}
                for row in master_task_rows(path)]

    assert table(folder.root / "out" / "tong-hop.xlsx") == table(
        tmp_path / "local" / "tong-hop.xlsx")


def test_google_files_are_kept_in_the_archive_and_the_ledger(folder: Folder) -> None:
    night = folder.run()
    with Ledger(folder.root / "state" / LEDGER_NAME) as ledger:
        paths = {row[0] for row in ledger.conn.execute("SELECT path FROM versions")}
        archived = ledger.blob_paths()
    links = {a["file"] for a in night.result["agencies"] if a["file"]}
    assert links <= paths
    assert all(Path(p).is_file() for p in archived.values()) and len(archived) == 3


def _master_texts(path: Path, sheet: str) -> list[str]:
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]


def test_a_listing_that_fails_keeps_every_known_file_and_reports_none_missing(
        folder: Folder, world: World) -> None:
    first = folder.run()
    world.stand_in.fail("503", path_contains="/drive/v3/files", method="GET", times=100)
    night = folder.run()
    assert night.exit_code == 1
    assert "danh sách tệp của thư mục Google Drive" in night.result["google"]["error"]
    agencies = by_agency(night)
    for code in ("bo-cong-thuong", "bo-y-te", "tinh-nghe-an"):
        assert agencies[code]["status"] == "ok" and agencies[code]["stale"] is True
        assert agencies[code]["total"] == by_agency(first)[code]["total"]
    assert "agency-withdrawn" not in night.result["changes"]


def test_configured_spreadsheets_outside_the_folder_cost_one_request_each(
        world: World, tmp_path: Path) -> None:
    folder = Folder(world, tmp_path / "site", expected=AGENCIES)
    elsewhere = world.stand_in.add_folder("Của Bộ Công Thương", parent=world.drive_id)
    sheet = folder.publish("bo-cong-thuong", tasks(2, 1), parent=elsewhere)
    from dataclasses import replace

    world.config = replace(world.config, folder_id=None, spreadsheets=(sheet.id,))
    first = folder.run()
    assert by_agency(first)["bo-cong-thuong"]["tasks"] == 2
    assert first.result["google"]["requests"] == 2  # files.get + export
    mark = len(world.stand_in.calls)
    second = folder.run()
    assert second.unchanged
    assert [c.path for c in calls_since(world, mark)] == [f"/drive/v3/files/{sheet.id}"]


def test_a_folder_of_more_than_a_thousand_files_is_listed_page_by_page(
        world: World, tmp_path: Path) -> None:
    folder = Folder(world, tmp_path / "site", expected=AGENCIES)
    for i in range(1001):
        world.stand_in.add_file(f"anh chup {i:04d}.jpg", b"\xff\xd8", mime_type="image/jpeg",
                                parent=world.folder_id, owner=CLERK)
    first = folder.run()
    assert len(first.result["others"]) == 1001
    mark = len(world.stand_in.calls)
    second = folder.run()
    assert second.unchanged and second.result["google"]["requests"] == 2
    assert [c.query.get("pageToken") is not None for c in calls_since(world, mark)] == [
        False, True]


def test_a_trial_run_fetches_but_writes_nothing(folder: Folder, world: World) -> None:
    import tempfile

    from sync.google_source import GoogleOptions
    from sync.run import run_sync
    from tests.google_support import FAST_POLICY

    options = GoogleOptions(clock=world.clock, policy=FAST_POLICY)
    mark = len(world.stand_in.calls)
    scratch = set(Path(tempfile.gettempdir()).glob("nscl-google-*"))
    trial = run_sync(folder.config(writeback=True), dry_run=True, google=options)
    assert {a["code"] for a in trial.result["agencies"] if a["source"] == "google"} == {
        "bo-cong-thuong", "bo-y-te", "tinh-nghe-an"}
    assert not (folder.root / "state").exists()
    assert not (folder.root / "out").exists()
    assert "writeback" not in trial.result["google"]
    assert [c.api for c in calls_since(world, mark)] == ["drive"] * 4
    assert set(Path(tempfile.gettempdir()).glob("nscl-google-*")) == scratch  # removed
