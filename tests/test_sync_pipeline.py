"""The consolidation pipeline with a stand-in validator (FileReports built by the tests)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sync.config import SyncConfig
from sync.ledger import LEDGER_NAME
from sync.run import run_sync
from sync.summary import summary_text
from tests import sync_support
from tests.sync_support import DEADLINE, fake_validator, master_task_rows, write_fake

ON_TIME = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
BCT = ["bo-cong-thuong", "Bộ Công Thương", "ministry"]
BYT = ["bo-y-te", "Bộ Y tế", "ministry"]
NGHE_AN = ["tinh-nghe-an", "Tỉnh Nghệ An", "province"]


def _config(tmp_path: Path) -> SyncConfig:
    return SyncConfig(
        inbox=tmp_path / "inbox", master=tmp_path / "out" / "tong-hop.xlsx",
        state=tmp_path / "state", year=2027, deadline=DEADLINE, workers=1,
        expected=("bo-cong-thuong", "bo-y-te", "tinh-nghe-an", "tinh-ha-tinh"),
    )


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_fake(inbox / "BCT" / "Bo Cong Thuong.xlsx", {"agency": BCT, "rows": [
        ["Hỗ trợ doanh nghiệp dệt may áp dụng ISO 14001", 1500, 700],
        ["=cmd|' /C calc'!A0", 900, 0],
    ]}, mtime=ON_TIME)
    write_fake(inbox / "Bo Y te.xlsx", {"agency": BYT, "rows": [
        ["Đào tạo chuyên gia năng suất ngành dược", 800, None],
    ], "errors": ["counterpart-missing"]}, mtime=ON_TIME)
    write_fake(inbox / "Nghe An.xlsx", {"agency": NGHE_AN, "rows": [
        ["Năng suất xanh cho doanh nghiệp chế biến thủy sản", 1200, 1300],
    ]}, mtime=LATE)
    (inbox / "hong.xlsx").write_bytes(b"\x00\xff not a spreadsheet")
    write_fake(inbox / "khong-ro.xlsx", {"agency": None, "rows": [["X", 1, 1]]}, mtime=ON_TIME)
    write_fake(inbox / "nam-cu.xlsx", {"agency": BCT, "year": 2026, "rows": [["Y", 1, 1]]},
               mtime=ON_TIME)
    write_fake(inbox / "bao-cao.xlsx", {"agency": BYT, "form": "B"}, mtime=ON_TIME)
    (inbox / "~$Bo Y te.xlsx").write_bytes(b"lock")
    return inbox


def test_first_run_consolidates_reports_and_rejects(tmp_path: Path) -> None:
    _inbox(tmp_path)
    outcome = run_sync(_config(tmp_path), validator=fake_validator)
    result = outcome.result
    assert outcome.exit_code == 1 and outcome.master_written
    status = {a["code"]: a["status"] for a in result["agencies"]}
    assert status == {"bo-cong-thuong": "ok", "bo-y-te": "invalid", "tinh-nghe-an": "late",
                      "tinh-ha-tinh": "missing"}
    assert set(result) >= {"master", "agencies", "totals", "rejected"}
    assert set(result["agencies"][0]) >= {"code", "name", "kind", "status", "tasks", "total",
                                          "state_budget", "counterpart", "errors", "warnings",
                                          "file"}
    assert result["totals"] == {"tasks": 4, "total": 6400.0, "state_budget": 4400.0,
                                "counterpart": 2000.0}
    codes = {r["file"]: r["code"] for r in result["rejected"]}
    assert codes == {"hong.xlsx": "file-not-spreadsheet", "khong-ro.xlsx": "agency-unknown",
                     "nam-cu.xlsx": "year-mismatch", "bao-cao.xlsx": "form-not-consolidated"}
    # No row dropped silently: rows read from counted files == rows in the master.
    rows = master_task_rows(Path(result["master"]))
    assert outcome.rows_in == outcome.rows_out == len(rows) == 4
    injected = [r for r in rows if r["task_name"] == "=cmd|' /C calc'!A0"]
    assert injected and injected[0]["types"][1] == "s"
    # The ledger knows every version and the run.
    db = sqlite3.connect(tmp_path / "state" / LEDGER_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 7
    assert db.execute("SELECT status FROM runs").fetchall() == [("written",)]
    statuses = dict(db.execute("SELECT path, status FROM versions").fetchall())
    assert statuses["hong.xlsx"] == "rejected" and statuses["Bo Y te.xlsx"] == "invalid"
    archived = list((tmp_path / "state" / "archive").rglob("*.xlsx"))
    assert len(archived) == 7
    assert (tmp_path / "state" / "logs" / "nscl-sync.log").exists()


def test_rerun_with_nothing_changed_parses_nothing_and_keeps_the_master(tmp_path: Path) -> None:
    _inbox(tmp_path)
    config = _config(tmp_path)
    first = run_sync(config, validator=fake_validator)
    master = Path(first.result["master"])
    before = master.stat().st_mtime_ns, master.read_bytes()
    sync_support.CALLS.clear()
    second = run_sync(config, validator=fake_validator)
    assert sync_support.CALLS == []
    assert second.unchanged and not second.master_written
    assert (master.stat().st_mtime_ns, master.read_bytes()) == before
    assert second.exit_code == first.exit_code
    assert second.result["agencies"] == first.result["agencies"]
    # Deleting the master forces a rewrite, still without parsing anything.
    master.unlink()
    third = run_sync(config, validator=fake_validator)
    assert sync_support.CALLS == [] and third.master_written and master.exists()
    assert third.result["totals"] == first.result["totals"]



def test_archived_copies_deleted_by_hand_are_made_again(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    config = _config(tmp_path)
    run_sync(config, validator=fake_validator)
    archive = config.state / "archive"
    before = sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file())
    assert before
    shutil.rmtree(archive)
    # A file whose bytes changed since they were archived is not archived under the old
    # hash (its new version is recorded as such when it is next read).
    changed = inbox / "Nghe An.xlsx"
    stat = changed.stat()
    changed.write_bytes(changed.read_bytes().replace(b"1300", b"1301"))
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = run_sync(config, validator=fake_validator)
    assert again.unchanged  # nothing new: the archive is healed on the fast path too
    after = sorted(p.relative_to(archive) for p in archive.rglob("*") if p.is_file())
    with sqlite3.connect(config.state / LEDGER_NAME) as conn:
        nghe_an = conn.execute(
            "SELECT b.archived FROM versions v JOIN blobs b USING(sha256)"
            " WHERE v.path = 'Nghe An.xlsx'").fetchone()[0]
    assert Path(nghe_an).relative_to(archive) not in after
    assert set(after) == set(before) - {Path(nghe_an).relative_to(archive)}
    for path in after:
        assert hashlib.sha256((archive / path).read_bytes()).hexdigest() == path.stem


def test_newest_version_counts_and_changes_are_listed(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    config = _config(tmp_path)
    run_sync(config, validator=fake_validator)
    write_fake(inbox / "BCT" / "Bo Cong Thuong - sua.xlsx", {"agency": BCT, "rows": [
        ["Hỗ trợ doanh nghiệp dệt may áp dụng ISO 14001", 1600, 700],
        ["Xây dựng TCVN về sản phẩm halal", 500, 100],
    ]}, mtime=datetime(2026, 3, 25, 9, 0, tzinfo=UTC))
    sync_support.CALLS.clear()
    outcome = run_sync(config, validator=fake_validator)
    assert sync_support.CALLS == ["BCT/Bo Cong Thuong - sua.xlsx"]
    # Every row of every file is either in the master or reported.
    rows_read = 8  # 2+2 (two versions of BCT) + 1 + 1 + 1 (unknown agency) + 1 (wrong year)
    reported = sum(r["rows"] for r in outcome.result["rejected"]) + sum(
        s["rows"] for s in outcome.result["superseded"])
    assert len(master_task_rows(Path(outcome.result["master"]))) + reported == rows_read
    bct = next(a for a in outcome.result["agencies"] if a["code"] == "bo-cong-thuong")
    assert bct["file"] == "BCT/Bo Cong Thuong - sua.xlsx" and bct["state_budget"] == 2100
    assert outcome.result["superseded"] == [{"file": "BCT/Bo Cong Thuong.xlsx",
                                             "agency": "bo-cong-thuong", "rows": 2}]
    assert outcome.result["changes"] == {"agency-updated": 1, "task-added": 1,
                                         "task-removed": 1, "task-changed": 1}
    wb = openpyxl.load_workbook(outcome.result["master"], read_only=True)
    changes = [row for row in wb["Thay đổi"].iter_rows(min_row=5, values_only=True)]
    kinds = {row[2] for row in changes}
    assert {"Thêm nhiệm vụ", "Bớt nhiệm vụ", "Sửa nhiệm vụ"} <= kinds
    changed = next(row for row in changes if row[2] == "Sửa nhiệm vụ")
    assert "1.500 → 1.600" in changed[4]  # Vietnamese number style
    added = next(row for row in changes if row[2] == "Thêm nhiệm vụ")
    assert added[4] == "Tổng số 600 triệu đồng"
    previous = list((tmp_path / "state" / "masters").glob("tong-hop_*.xlsx"))
    assert len(previous) == 1


def test_same_mtime_tie_is_broken_by_first_seen(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_fake(inbox / "a.xlsx", {"agency": BYT, "rows": [["Cũ", 1, 1]]}, mtime=ON_TIME)
    config = _config(tmp_path)
    run_sync(config, validator=fake_validator)
    write_fake(inbox / "b.xlsx", {"agency": BYT, "rows": [["Mới", 2, 2]]}, mtime=ON_TIME)
    outcome = run_sync(config, validator=fake_validator)
    byt = next(a for a in outcome.result["agencies"] if a["code"] == "bo-y-te")
    assert byt["file"] == "b.xlsx"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    _inbox(tmp_path)
    outcome = run_sync(_config(tmp_path), validator=fake_validator, dry_run=True)
    assert outcome.result["totals"]["tasks"] == 4
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "state" / LEDGER_NAME).exists()
    assert not (tmp_path / "state").exists()
    assert "Nhật ký" not in summary_text(outcome.result)  # no log was written


def test_unexpected_agency_is_consolidated_and_flagged(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_fake(inbox / "ha-giang.xlsx", {"agency": ["tinh-ha-giang", "Tỉnh Hà Giang",
                                                    "province"], "rows": [["Z", 5, 5]]},
               mtime=ON_TIME)
    outcome = run_sync(_config(tmp_path), validator=fake_validator)
    extra = next(a for a in outcome.result["agencies"] if a["code"] == "tinh-ha-giang")
    assert extra["expected"] is False and extra["tasks"] == 1
    assert outcome.rows_out == 1


def test_json_result_is_serialisable(tmp_path: Path) -> None:
    _inbox(tmp_path)
    outcome = run_sync(_config(tmp_path), validator=fake_validator)
    assert json.loads(json.dumps(outcome.result, ensure_ascii=False)) == outcome.result


@pytest.mark.parametrize("bad", ["inbox"])
def test_missing_inbox_is_a_config_error(tmp_path: Path, bad: str) -> None:
    from sync.config import ConfigError

    with pytest.raises(ConfigError):
        run_sync(_config(tmp_path), validator=fake_validator)


def test_master_state_and_outbox_inside_the_inbox_are_not_collected(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_fake(inbox / "a.xlsx", {"agency": BYT, "rows": [["A", 1, 1]]}, mtime=ON_TIME)
    config = SyncConfig(inbox=inbox, master=inbox / "tong-hop" / "m.xlsx",
                        state=inbox / "trang-thai", outbox=inbox / "phan-hoi", year=2027,
                        workers=1, expected=("bo-y-te",))
    run_sync(config, validator=fake_validator)
    write_fake(inbox / "a.xlsx", {"agency": BYT, "rows": [["A", 2, 1]]},
               mtime=datetime(2026, 3, 21, tzinfo=UTC))
    second = run_sync(config, validator=fake_validator)
    assert second.result["rejected"] == [] and second.result["superseded"] == []
    assert [a["file"] for a in second.result["agencies"]] == ["a.xlsx"]


def test_a_file_saved_again_while_queued_waits_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose bytes change between being hashed (and queued for validation) and
    being archived is rejected as being written; nothing of it is recorded or counted,
    and the next run takes its new version."""
    import sync.run

    _inbox(tmp_path)
    target = tmp_path / "inbox" / "Nghe An.xlsx"
    real_sha = sync.run.file_sha256

    def hash_then_resave(path: Path) -> str:
        digest = real_sha(path)
        if path == target:
            write_fake(target, {"agency": NGHE_AN, "rows": [["Mới", 10, 10]]}, mtime=LATE)
        return digest

    monkeypatch.setattr(sync.run, "file_sha256", hash_then_resave)
    first = run_sync(_config(tmp_path), validator=fake_validator)
    rejected = {r["file"]: r for r in first.result["rejected"]}
    assert rejected["Nghe An.xlsx"]["code"] == "file-changing"
    status = {a["code"]: a["status"] for a in first.result["agencies"]}
    assert status["tinh-nghe-an"] == "missing"
    with sqlite3.connect(tmp_path / "state" / LEDGER_NAME) as db:
        paths = [p for (p,) in db.execute("SELECT path FROM versions")]
    assert "Nghe An.xlsx" not in paths

    monkeypatch.setattr(sync.run, "file_sha256", real_sha)
    second = run_sync(_config(tmp_path), validator=fake_validator)
    status = {a["code"]: a["status"] for a in second.result["agencies"]}
    assert status["tinh-nghe-an"] == "late"
    assert [r["task_name"] for r in master_task_rows(tmp_path / "out" / "tong-hop.xlsx")
            if r["agency"] == "Tỉnh Nghệ An"] == ["Mới"]


def test_a_file_that_vanishes_before_it_is_read_is_reported_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import sync.run

    _inbox(tmp_path)
    real_sha = sync.run.file_sha256

    def vanish(path: Path) -> str:
        if path.name == "Bo Y te.xlsx":
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
        return real_sha(path)

    monkeypatch.setattr(sync.run, "file_sha256", vanish)
    outcome = run_sync(_config(tmp_path), validator=fake_validator)
    rejected = {r["file"]: r for r in outcome.result["rejected"]}
    assert rejected["Bo Y te.xlsx"]["code"] == "file-not-accessible"
    assert "tệp không còn ở thư mục" in rejected["Bo Y te.xlsx"]["reason"]
    assert outcome.master_written
    status = {a["code"]: a["status"] for a in outcome.result["agencies"]}
    assert status["bo-cong-thuong"] == "ok" and status["bo-y-te"] == "missing"


def test_feedback_copies_are_made_with_the_garbage_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl workbooks are cyclic: marking dozens of files with the collector paused
    would keep every one of them in memory until the end of the run."""
    import gc

    import sync.feedback

    seen: list[bool] = []
    real = sync.feedback.send_feedback

    def spy(*args: object, **kwargs: object) -> dict[str, str]:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync.feedback, "send_feedback", spy)
    _inbox(tmp_path)
    run_sync(_config(tmp_path), validator=fake_validator)
    assert seen == [True]
    assert gc.isenabled()


def test_reports_are_kept_from_the_collector_during_the_run_and_released_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports live until the end of the run: kept out of the collector's passes
    while the master is written, handed back to it when the run ends."""
    import gc

    import sync.master

    frozen_while_writing: list[int] = []
    real = sync.master.write_master

    def spy(*args: object, **kwargs: object) -> object:
        frozen_while_writing.append(gc.get_freeze_count())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync.master, "write_master", spy)
    _inbox(tmp_path)
    assert gc.get_freeze_count() == 0
    run_sync(_config(tmp_path), validator=fake_validator)
    assert len(frozen_while_writing) == 1 and frozen_while_writing[0] > 0
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_rejected_file_is_tied_to_its_agency_in_the_status(tmp_path: Path) -> None:
    """An agency whose only file was rejected is still "not submitted", but the status
    sheet, the JSON and the summary say that it did send something."""
    _inbox(tmp_path)
    (tmp_path / "inbox" / "UBND tinh Ha Tinh.xlsx").write_bytes(b"PK\x03\x04 cut short")
    outcome = run_sync(_config(tmp_path), validator=fake_validator)
    rejected = {r["file"]: r for r in outcome.result["rejected"]}
    assert rejected["UBND tinh Ha Tinh.xlsx"]["agency"] == "tinh-ha-tinh"
    assert rejected["nam-cu.xlsx"]["agency"] == "bo-cong-thuong"  # from its content
    assert rejected["hong.xlsx"]["agency"] is None
    status = {a["code"]: a["status"] for a in outcome.result["agencies"]}
    assert status["tinh-ha-tinh"] == "missing"
    assert "Tỉnh Hà Tĩnh (tệp gửi bị từ chối)" in summary_text(outcome.result)
    wb = openpyxl.load_workbook(outcome.result["master"], read_only=True)
    rows = {row[1]: row for row in wb["Tình hình nộp"].iter_rows(values_only=True)
            if isinstance(row[0], int)}
    assert "UBND tinh Ha Tinh.xlsx" in rows["Tỉnh Hà Tĩnh"][9]
    assert "bao-cao.xlsx" in rows["Bộ Y tế"][9]  # its Form B report, sent to this inbox
    assert not rows["Tỉnh Nghệ An"][9]


def test_the_summary_says_what_was_sent_only_when_it_was() -> None:
    """A trial run sends no marked copy, and a copy that could not be made is not
    announced as sent: the summary said "đã gửi bản đánh dấu" in both cases."""
    def agency(code: str, name: str, status: str, errors: int, warnings: int) -> dict[str, Any]:
        return {"code": code, "name": name, "kind": "ministry", "status": status,
                "tasks": 1, "total": 1.0, "state_budget": 1.0, "counterpart": 0.0,
                "errors": errors, "warnings": warnings, "file": f"{code}.xlsx",
                "expected": True}

    result: dict[str, Any] = {
        "form": "A", "year": 2027, "master": "m.xlsx",
        "agencies": [agency("bo-y-te", "Bộ Y tế", "invalid", 2, 0),
                     agency("bo-tu-phap", "Bộ Tư pháp", "invalid", 1, 0),
                     agency("bo-cong-thuong", "Bộ Công Thương", "ok", 0, 3)],
        "feedback": {"bo-y-te": "phan-hoi/bo-y-te/BYT.xlsx",
                     "bo-cong-thuong": "phan-hoi/bo-cong-thuong/BCT.xlsx"},
        "rejected": [], "dry_run": False,
    }
    text = summary_text(result)
    assert "Đơn vị có lỗi (đã gửi bản đánh dấu vào thư mục phản hồi):" in text
    assert "  - Bộ Y tế: 2 lỗi, 0 cảnh báo → phan-hoi/bo-y-te/BYT.xlsx" in text
    assert "  - Bộ Tư pháp: 1 lỗi, 0 cảnh báo (chưa tạo được bản đánh dấu, xem nhật ký)" in text
    assert "  - Bộ Công Thương: 3 cảnh báo → phan-hoi/bo-cong-thuong/BCT.xlsx" in text

    trial = summary_text({**result, "feedback": {}, "dry_run": True})
    assert "Đơn vị có lỗi:" in trial and "bản đánh dấu" not in trial and "→" not in trial


def test_a_zip_sent_instead_of_a_workbook_is_listed_not_consolidated(tmp_path: Path) -> None:
    """An agency whose only file is a .zip shows as not submitted, with the reason next to
    it; the file is listed in the master and the summary, and the run's exit code does not
    change for it. A new such file makes a new master."""
    import zipfile

    inbox = tmp_path / "inbox"
    write_fake(inbox / "Bo Cong Thuong.xlsx", {"agency": BCT, "rows": [["X", 1, 1]]},
               mtime=ON_TIME)
    with zipfile.ZipFile(inbox / "Tinh Ha Tinh - de xuat.zip", "w") as zf:
        zf.writestr("Tinh Ha Tinh.xlsx", b"x")
    (inbox / "Thumbs.db").write_bytes(b"x")
    config = _config(tmp_path)
    first = run_sync(config, validator=fake_validator)
    result = first.result
    assert first.exit_code == 0 and result["rejected"] == []
    (other,) = result["others"]
    assert other["file"] == "Tinh Ha Tinh - de xuat.zip"
    assert other["code"] == "other-archive" and other["agency"] == "tinh-ha-tinh"
    status = {a["code"]: a["status"] for a in result["agencies"]}
    assert status["tinh-ha-tinh"] == "missing"
    text = summary_text(result)
    assert "Tinh Ha Tinh - de xuat.zip" in text
    assert "Hà Tĩnh (có tệp không phải bảng tính)" in text

    ws = openpyxl.load_workbook(result["master"], read_only=True)["Tình hình nộp"]
    cells = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    (ha_tinh,) = [row for row in cells if "Tỉnh Hà Tĩnh" in row and "Chưa nộp" in row]
    assert any("Tinh Ha Tinh - de xuat.zip" in str(c) for c in ha_tinh)
    unused = openpyxl.load_workbook(result["master"], read_only=True)["Tệp không tổng hợp"]
    listing = [[c for c in row if c is not None] for row in unused.iter_rows(values_only=True)]
    (listed,) = [row for row in listing if "Tinh Ha Tinh - de xuat.zip" in row]
    assert "other-archive" in listed and "Tỉnh Hà Tĩnh" in listed
    assert not any("Thumbs.db" in str(c) for row in cells for c in row)

    assert run_sync(config, validator=fake_validator).unchanged
    (inbox / "cong van.pdf").write_bytes(b"%PDF-1.4")
    third = run_sync(config, validator=fake_validator)
    assert not third.unchanged and third.master_written
    assert [o["code"] for o in third.result["others"]] == ["other-archive", "other-pdf"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
@pytest.mark.parametrize("bar", [False, True], ids=["cron", "terminal"])
def test_the_workers_are_forked_with_or_without_the_terminal_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bar: bool
) -> None:
    """The terminal's progress bar runs no thread of its own (it is redrawn by the run):
    with one, the process would not fork and the workers would start from scratch."""
    import threading

    import nscl.isolation as isolation
    from sync.commands import _RichProgress

    rows = [[f"Nhiệm vụ năng suất số {i}", 100 + i, 50] for i in range(5)]
    for code, name in (("bo-cong-thuong", "Bộ Công Thương"), ("bo-y-te", "Bộ Y tế")):
        write_fake(tmp_path / "inbox" / f"{code}.xlsx",
                   {"agency": [code, name, "ministry"], "rows": rows})
    methods: list[str] = []
    original = isolation.context

    def spy() -> object:
        chosen = original()
        methods.append(chosen.get_start_method())
        return chosen

    monkeypatch.setattr(isolation, "context", spy)
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "tong-hop.xlsx",
                        state=tmp_path / "state", year=2027, deadline=DEADLINE, workers=2)
    threads = threading.active_count()
    progress = _RichProgress() if bar else None
    assert threading.active_count() == threads
    outcome = run_sync(config, validator=fake_validator, progress=progress)
    assert outcome.rows_out == 10
    assert methods and set(methods) == {"fork"}
