"""Ledger, archive, lock, collection, config and the report cache of the nightly sync."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nscl.problems import Problem
from nscl.report import AgencyRef, BudgetSummary, FileReport, TaskRow
from sync.archive import FileChangedError, archive_file, archive_path, file_sha256
from sync.cache import CacheError, report_from_blob, report_to_blob
from sync.collect import collect
from sync.config import ConfigError, load_config, parse_deadline
from sync.ledger import Ledger
from sync.lock import SyncLockedError, run_lock


def test_collect_finds_spreadsheets_in_subfolders_and_skips_lock_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for rel in [
        "Bo Cong Thuong.xlsx",
        "a/nghe an.XLSM",
        "a/b/old.xls",
        "a/b/lo.ods",
        "a/b/nhi phan.XLSB",  # Excel's binary workbook: read too, as by nscl validate
        "~$Bo Cong Thuong.xlsx",
        ".~lock.lo.ods#",
        ".secret.xlsx",
        ".hidden/x.xlsx",
        "notes.docx",
        "a/readme.txt",
    ]:
        (tmp_path / rel).write_bytes(b"x")
    found = [c.rel for c in collect(tmp_path)]
    assert found == ["Bo Cong Thuong.xlsx", "a/b/lo.ods", "a/b/nhi phan.XLSB", "a/b/old.xls",
                     "a/nghe an.XLSM"]


def test_archive_keeps_bytes_by_hash_and_is_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "f.xlsx"
    src.write_bytes(b"PK\x03\x04 some bytes")
    first = archive_file(src, tmp_path / "archive")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert first.sha256 == sha and first.new
    assert first.path == archive_path(tmp_path / "archive", sha, ".xlsx")
    assert first.path.read_bytes() == src.read_bytes()
    second = archive_file(src, tmp_path / "archive")
    assert second.sha256 == sha and not second.new
    assert not list((tmp_path / "archive").glob(".tmp-*"))


def test_archive_refuses_a_file_that_changed_since_stat(tmp_path: Path) -> None:
    src = tmp_path / "f.xlsx"
    src.write_bytes(b"12345")
    with pytest.raises(FileChangedError):
        archive_file(src, tmp_path / "archive", expected_size=999)
    assert not any(p.is_file() for p in (tmp_path / "archive").rglob("*"))


def test_archive_refuses_bytes_other_than_those_hashed(tmp_path: Path) -> None:
    src = tmp_path / "f.xlsx"
    src.write_bytes(b"12345")
    with pytest.raises(FileChangedError):
        archive_file(src, tmp_path / "archive", expected_sha256="0" * 64)
    assert not any(p.is_file() for p in (tmp_path / "archive").rglob("*"))
    assert archive_file(src, tmp_path / "archive",
                        expected_sha256=file_sha256(src)).sha256 == file_sha256(src)


def _hold_lock(state: str, ready: Any, done: Any) -> None:
    with run_lock(Path(state)):
        ready.set()
        done.wait(10)


def test_lock_stops_a_second_run(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, done))
    proc.start()
    try:
        assert ready.wait(20)
        with pytest.raises(SyncLockedError), run_lock(tmp_path):
            pass
    finally:
        done.set()
        proc.join(10)
    with run_lock(tmp_path):  # released when the other run ends
        pass


def test_ledger_records_versions_runs_and_survives_reopen(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    with Ledger(db) as ledger:
        run = ledger.begin_run("2026-03-01T00:00:00+00:00", "s")
        v1 = ledger.record_version(
            path="a.xlsx", sha256="ab" * 32, size=10, mtime_ns=5, archived="x", now="t1", run_id=run
        )
        again = ledger.record_version(
            path="a.xlsx", sha256="ab" * 32, size=10, mtime_ns=5, archived="x", now="t2", run_id=run
        )
        assert again.id == v1.id and again.first_seen == "t1"
        ledger.set_outcomes([(v1.id, {"agency": "bo-y-te", "form": "A", "year": 2027,
                                      "status": "ok", "problems": []})])
        ledger.store_reports([("ab" * 32, "engine1", b"{}")], "t1")
        ledger.finish_run(run, finished="t3", status="written", exit_code=0, fingerprint="fp",
                          current={"bo-y-te": "ab" * 32}, files=[(v1.id, "current", None)],
                          summary={"agencies": []})
    with Ledger(db) as ledger:
        assert ledger.integrity_check() == "ok"
        assert ledger.known_versions()[("a.xlsx", 10, 5)].sha256 == "ab" * 32
        assert ledger.cached_report("ab" * 32, "engine1") == b"{}"
        assert ledger.cached_report("ab" * 32, "engine2") is None
        last = ledger.last_complete_run()
        assert last is not None and last.fingerprint == "fp"
        assert last.current == {"bo-y-te": "ab" * 32}
    rows = sqlite3.connect(db).execute("SELECT agency, status FROM versions").fetchall()
    assert rows == [("bo-y-te", "ok")]



def _zeroed_header(data: bytes) -> bytes:
    return b"\x00" * 100 + data[100:]


def _text_file(data: bytes) -> bytes:
    return "Sổ theo dõi\n".encode() * 40


def _truncated(data: bytes) -> bytes:
    return data[:200]


@pytest.mark.parametrize("damage", [_zeroed_header, _text_file, _truncated])
def test_a_damaged_ledger_stops_the_run_and_is_left_as_it_was(
    tmp_path: Path, damage: Any
) -> None:
    from sync.ledger import LedgerError

    db = tmp_path / "l.sqlite3"
    with Ledger(db) as ledger:
        ledger.begin_run("t", "s")
    damaged = damage(db.read_bytes())
    db.write_bytes(damaged)
    with pytest.raises(LedgerError):
        Ledger(db)
    assert db.read_bytes() == damaged  # never overwritten: the history may be recovered


def test_a_ledger_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    from sync.ledger import LedgerError

    db = tmp_path / "l.sqlite3"
    with Ledger(db):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(LedgerError):
        Ledger(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("99",)


def test_ledger_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite3") as ledger:
        with pytest.raises(RuntimeError), ledger.transaction() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES('x', 'y')")
            raise RuntimeError("boom")
        assert ledger.conn.execute("SELECT COUNT(*) FROM meta WHERE key='x'").fetchone()[0] == 0


def test_stale_running_runs_are_marked_interrupted(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite3") as ledger:
        ledger.begin_run("t", "s")
        assert ledger.abandon_stale_runs("t2") == 1
        assert [r.status for r in ledger.runs()] == ["interrupted"]


def test_report_cache_round_trip() -> None:
    report = FileReport(
        path="inbox/Bộ Y tế.xlsx",
        form="A",
        form_version="2026.1",
        year=2027,
        agency=AgencyRef(code="bo-y-te", name="Bộ Y tế", kind="ministry", source="metadata"),
        sheet="Bảng tổng hợp",
        rows=[
            TaskRow(
                sheet_row=9,
                values={"seq": 1, "task_name": "=HYPERLINK(\"x\")", "state_budget": 1250.5,
                        "counterpart": None},
                raw={"state_budget": "1.250,5", "when": datetime(2026, 3, 1)},
                cells={"seq": "A9", "task_name": "B9"},
            )
        ],
        summary=BudgetSummary(1, {"total": 1250.5, "state_budget": 1250.5,
                                   "counterpart": 0.0}),
        problems=[Problem(code="counterpart-missing", severity="error", message="Thiếu",
                          file="Bộ Y tế.xlsx", sheet="Bảng tổng hợp", cell="J9", row=9,
                          column="counterpart", params={"value": None})],
    )
    back = report_from_blob(report_to_blob(report))
    assert back.agency == report.agency
    assert back.rows[0].values == report.rows[0].values
    assert back.rows[0].cells == report.rows[0].cells
    assert back.rows[0].raw["when"] == datetime(2026, 3, 1)
    assert back.summary == report.summary
    assert back.problems == report.problems
    assert back.errors[0].code == "counterpart-missing"
    with pytest.raises(CacheError):
        report_from_blob(b"not a pickle")


def test_config_file_and_deadline(tmp_path: Path) -> None:
    cfg = tmp_path / "nscl.toml"
    cfg.write_text(
        '[sync]\ninbox = "hop-thu"\nmaster = "out/master.xlsx"\nstate = "/tmp/st"\n'
        "year = 2027\ndeadline = 2026-03-27T17:00:00+07:00\n"
        '[agencies]\nexpected = ["bo-y-te", "nghe-an"]\n',
        encoding="utf-8",
    )
    conf = load_config(cfg)
    assert conf.inbox == tmp_path / "hop-thu"
    assert conf.state == Path("/tmp/st")
    assert conf.expected == ("bo-y-te", "nghe-an")
    assert conf.deadline == datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    assert conf.outbox_dir == tmp_path / "out" / "phan-hoi"
    over = conf.with_overrides(year=2028, inbox=None)
    assert over.year == 2028 and over.inbox == conf.inbox


def test_config_errors_are_reported(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[sync]\ninbox = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(cfg)
    cfg.write_text(
        '[sync]\ninbox="x"\nmaster="m.xlsx"\nstate="s"\ncolour="red"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError):
        load_config(cfg)
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")
    cfg.write_text('[sync]\ninbox = "x"\nmaster = m.xlsx\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="sai cú pháp TOML ở dòng 3, cột 10"):
        load_config(cfg)
    cfg.write_bytes(b"[sync]\ninbox = \"\xff\xfe\"\n")  # not UTF-8
    with pytest.raises(ConfigError, match=r"bad\.toml.*UTF-8"):
        load_config(cfg)



@pytest.mark.parametrize(
    "line",
    ['workers = "hai"', "workers = 2.5", "workers = true", "workers = -1", "workers = 65",
     'memory_limit_mb = "2GB"', "memory_limit_mb = -5"],
)
def test_numeric_settings_are_checked(tmp_path: Path, line: str) -> None:
    """A typo in a number is a Vietnamese configuration error (exit 2), not a traceback."""
    from sync.run import run_sync

    (tmp_path / "inbox").mkdir()
    cfg = tmp_path / "nscl.toml"
    cfg.write_text(f'[sync]\ninbox = "inbox"\nmaster = "m.xlsx"\nstate = "s"\n{line}\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError):
        run_sync(load_config(cfg))
    assert not (tmp_path / "s").exists()


def test_flags_out_of_range_are_configuration_errors(tmp_path: Path) -> None:
    from sync.config import SyncConfig
    from sync.run import run_sync

    (tmp_path / "inbox").mkdir()
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "m.xlsx",
                        state=tmp_path / "s")
    with pytest.raises(ConfigError):
        run_sync(config.with_overrides(workers=-3))
    for codes in ({"expected": ("bo-y-te", "bo-khong-co")}, {"exclude": ("tinh-khong-co",)}):
        with pytest.raises(ConfigError, match="khong-co"):
            run_sync(config.with_overrides(**codes))
    assert not (tmp_path / "s").exists()  # refused before any work
    assert run_sync(config.with_overrides(workers=1, memory_limit_mb=0)).exit_code == 0


def test_parse_deadline_defaults_to_vietnam_time() -> None:
    assert parse_deadline("2027-03-29T17:00+07:00") == parse_deadline("2027-03-29T17:00")
    assert parse_deadline("2027-03-29").utcoffset() == timedelta(hours=7)
    assert parse_deadline("2027-03-29").hour == 23
    with pytest.raises(ConfigError):
        parse_deadline("29/03/2027")


def test_collect_reports_size_and_mtime(tmp_path: Path) -> None:
    f = tmp_path / "x.xlsx"
    f.write_bytes(b"abc")
    os.utime(f, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    (c,) = collect(tmp_path)
    assert c.size == 3 and c.mtime_ns == 1_700_000_000_000_000_000
