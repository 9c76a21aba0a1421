"""``nscl sync`` with a ``[google]`` table, ``nscl demo --google``, and the ledger of an
earlier nscl gaining the Google table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nscl.cli import app
from nscl.google.urls import folder_url
from sync.ledger import LEDGER_NAME, SCHEMA_VERSION, Ledger
from tests.google_support import FAST_POLICY, World, running_world
from tests.google_sync_support import Folder, tasks

runner = CliRunner()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def _config(tmp_path: Path, world: World, extra: str = "") -> Path:
    path = tmp_path / "nscl.toml"
    path.write_text(
        "[sync]\n"
        'inbox = "inbox"\nmaster = "out/tong-hop.xlsx"\nstate = "state"\nyear = 2027\n'
        "workers = 1\n\n"
        "[agencies]\n"
        'expected = ["bo-cong-thuong", "tinh-nghe-an"]\n\n'
        "[google]\n"
        f'credentials = "{world.key.name}"\n'
        f'folder = "{folder_url(world.folder_id)}"\n'
        f'api_root = "{world.stand_in.url}"\n' + extra,
        encoding="utf-8")
    (tmp_path / "inbox").mkdir(exist_ok=True)
    return path


def test_sync_with_a_google_table_collects_from_the_folder(world: World,
                                                           tmp_path: Path) -> None:
    folder = Folder(world, tmp_path / "site")
    folder.publish("bo-cong-thuong", tasks(2, 1))
    config = _config(tmp_path, world)
    result = runner.invoke(app, ["sync", "--config", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    agencies = {a["code"]: a for a in data["agencies"]}
    assert agencies["bo-cong-thuong"]["source"] == "google"
    assert agencies["bo-cong-thuong"]["file"].startswith("https://docs.google.com/")
    assert data["google"]["requests"] == 2  # one listing, one export
    text = runner.invoke(app, ["sync", "--config", str(config)])
    assert text.exit_code == 0
    assert "Google Drive: 1 yêu cầu gửi tới Google, 0 tệp tải về" in text.stdout


def test_a_wrong_google_table_stops_before_any_work(world: World, tmp_path: Path) -> None:
    config = _config(tmp_path, world, 'writeback = "có"\n')
    result = runner.invoke(app, ["sync", "--config", str(config)])
    assert result.exit_code == 2
    assert "writeback" in result.output and "true hoặc false" in result.output


def test_an_unreachable_google_still_consolidates_the_inbox(world: World,
                                                            tmp_path: Path) -> None:
    from sync.config import load_config
    from sync.demo_data import write_submission
    from sync.google_source import GoogleOptions
    from sync.run import run_sync

    config = _config(tmp_path, world)
    write_submission(tmp_path / "inbox" / "Nghe An.xlsx", agency_code="tinh-nghe-an",
                     year=2027, tasks=tasks(2, 2))
    world.stand_in.stop()  # Google cannot be reached at all
    night = run_sync(load_config(config),
                     google=GoogleOptions(clock=world.clock, policy=FAST_POLICY))
    assert night.exit_code == 1
    assert "Không liên lạc được với Google" in night.result["google"]["error"]
    agencies = {a["code"]: a for a in night.result["agencies"]}
    assert (agencies["tinh-nghe-an"]["status"], agencies["tinh-nghe-an"]["source"]) == (
        "ok", "folder")


def test_the_demo_runs_the_google_path_without_an_account(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    result = runner.invoke(app, ["demo", "--out", str(out), "--google"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Trên Google Drive (giả lập tại http://127.0.0.1:" in text
    assert "Lần thứ ba, không có gì thay đổi: Google Drive: 2 yêu cầu (2 lần liệt kê thư mục" \
        in text
    assert "Sheet «Kết quả kiểm tra» mà nscl ghi vào bảng tính Google của TP Cần Thơ:" in text
    # The clerk's amount typed as text, which the template's own formulas count as 0 (an
    # error at that cell), and no longer the mistake the clerk fixed between the nights.
    assert "amount-as-text" in text and "required-missing" not in text.split(
        "Sheet «Kết quả kiểm tra»")[1]
    config = (out / "nscl.toml").read_text(encoding="utf-8")
    assert "[google]" in config and "writeback = true" in config
    with Ledger(out / "state" / LEDGER_NAME) as ledger:
        last = ledger.last_complete_run()
    assert last is not None and last.summary is not None
    sources = {a["code"]: a["source"] for a in last.summary["agencies"]}
    assert sources["bo-tai-chinh"] == sources["tp-can-tho"] == sources["bo-xay-dung"] == \
        "google"
    assert sources["bo-cong-thuong"] == "folder"


def test_a_ledger_of_an_earlier_nscl_gains_the_google_table(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES('schema', '1');"
        "CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,"
        " archived TEXT NOT NULL, first_seen TEXT NOT NULL);"
        "INSERT INTO blobs VALUES('ab', 3, '/archive/ab.xlsx', '2026-01-01');")
    conn.commit()
    conn.close()
    with Ledger(path) as ledger:
        assert ledger.blob_paths() == {"ab": "/archive/ab.xlsx"}
        columns = [row[1] for row in ledger.conn.execute("PRAGMA table_info(google_files)")]
        assert {"file_id", "modified_time", "version", "writeback_digest"} <= set(columns)
        schema = ledger.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    assert schema == (SCHEMA_VERSION,)  # brought up to date (the indicator table too)
