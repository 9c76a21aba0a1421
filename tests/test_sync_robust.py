"""Bad files with the real validation engine: each is rejected with a reason, the good
ones are consolidated, nothing else is affected and memory stays bounded."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sync.config import SyncConfig
from sync.demo_data import generate_tasks, write_submission
from sync.run import run_sync
from tests.sync_support import master_task_rows


def _good(inbox: Path, code: str, name: str, rows: int = 4, seed: int = 0) -> Path:
    return write_submission(inbox / f"{name}.xlsx", agency_code=code, year=2027,
                            tasks=generate_tasks(rows, seed=seed))


def _encrypted(source: Path, target: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as fh:
        plain = OOXMLFile(fh)
        out = io.BytesIO()
        plain.encrypt("matkhau", out)
    target.write_bytes(out.getvalue())
    return target


def _bomb(source: Path, target: Path, megabytes: int = 400) -> Path:
    """A valid workbook whose first sheet inflates to ``megabytes`` of XML."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED
    ) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = data.partition(b"</sheetData>")
                with zout.open(item.filename, "w", force_zip64=True) as fh:
                    fh.write(head)
                    row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>' + \
                        b"A" * 1000 + b"</t></is></c></row>"
                    for _ in range(megabytes * 1000):
                        fh.write(row)
                    fh.write(b"</sheetData>" + tail)
            else:
                zout.writestr(item, data)
    return target


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    good = _good(inbox, "bo-cong-thuong", "Bộ Công Thương")
    _good(inbox, "tinh-nghe-an", "Tỉnh Nghệ An", rows=3, seed=2)
    data = good.read_bytes()
    (inbox / "cat-cut.xlsx").write_bytes(data[: len(data) // 2])
    (inbox / "van-ban.xlsx").write_text("Kính gửi Bộ KH&CN\n", encoding="utf-8")
    (inbox / "rong.xlsx").write_bytes(b"")
    (inbox / "cu.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _encrypted(good, inbox / "co-mat-khau.xlsx")
    _bomb(good, inbox / "bom.xlsx")
    return inbox


def _config(tmp_path: Path) -> SyncConfig:
    return SyncConfig(
        inbox=tmp_path / "inbox", master=tmp_path / "out" / "master.xlsx",
        state=tmp_path / "state", year=2027, workers=2,
        expected=("bo-cong-thuong", "tinh-nghe-an", "bo-y-te"),
    )


def test_bad_files_are_rejected_and_good_ones_consolidated(tmp_path: Path) -> None:
    _inbox(tmp_path)
    outcome = run_sync(_config(tmp_path))
    result = outcome.result
    rejected = {r["file"]: r["code"] for r in result["rejected"]}
    assert set(rejected) == {"cat-cut.xlsx", "van-ban.xlsx", "rong.xlsx", "cu.xls",
                             "co-mat-khau.xlsx", "bom.xlsx"}
    assert rejected["co-mat-khau.xlsx"] == "file-encrypted"
    assert rejected["bom.xlsx"] in ("file-zip-bomb", "file-too-large", "file-crashed-reader")
    assert rejected["van-ban.xlsx"] == "file-not-spreadsheet"
    assert all(r["reason"] for r in result["rejected"])
    status = {a["code"]: a["status"] for a in result["agencies"]}
    assert status == {"bo-cong-thuong": "ok", "tinh-nghe-an": "ok", "bo-y-te": "missing"}
    assert outcome.exit_code == 1
    # Every row read is in the master.
    rows = master_task_rows(tmp_path / "out" / "master.xlsx")
    assert len(rows) == outcome.rows_in == 7


@pytest.mark.slow
def test_memory_stays_bounded_with_a_bomb_in_the_inbox(tmp_path: Path) -> None:
    _inbox(tmp_path)
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
    )
    cmd = [sys.executable, "-c", code, sys.executable, "-c",
           "from nscl.cli import main; main()", "sync", "--inbox", str(tmp_path / "inbox"),
           "--out", str(tmp_path / "out" / "m.xlsx"), "--state", str(tmp_path / "state"),
           "--year", "2027", "--format", "json"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300)
    peak_kib, exit_code = (int(x) for x in out.stdout.split())
    assert exit_code == 1
    assert peak_kib < 350 * 1024  # the bomb inflates to 400 MB; no process got near it


def damaged_xls(target: Path) -> Path:
    """The clean .xls fixture with one byte of its shared-string table changed: enough to
    make python-calamine 0.9 reserve 1.9 TB and abort its process (found by fuzzing)."""
    data = bytearray((FIXTURES / "a_clean_ministry.xls").read_bytes())
    data[6048] = 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def test_a_file_that_aborts_the_reader_is_rejected_even_alone(tmp_path: Path) -> None:
    # One file, one worker: it is still read in a worker process, never in the run's own.
    damaged_xls(tmp_path / "inbox" / "Bo Y te.xls")
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=1,
                        expected=("bo-y-te",))
    outcome = run_sync(config)
    assert outcome.master_written
    rejected = {r["file"]: r["code"] for r in outcome.result["rejected"]}
    # (file-corrupt once the reader itself refuses the file instead of aborting)
    assert rejected["Bo Y te.xls"] in ("file-crashed-reader", "file-corrupt")


def dying_validator(path: Path, year: int | None, display_name: str) -> Any:
    """Kills its process: what a reader aborting on a file does."""
    import os

    os._exit(134)


def test_validation_never_runs_in_the_process_of_the_run(tmp_path: Path) -> None:
    _good(tmp_path / "inbox", "bo-y-te", "Bo Y te")
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=1,
                        expected=("bo-y-te",))
    outcome = run_sync(config, validator=dying_validator)  # the test process survives
    assert [(r["file"], r["code"]) for r in outcome.result["rejected"]] == [
        ("Bo Y te.xlsx", "file-crashed-reader")]


def hanging_validator(path: Path, year: int | None, display_name: str) -> Any:
    """Never returns for the Bộ Y tế file (a reader looping on a damaged file)."""
    import time

    from tests.sync_support import fake_validator

    if display_name.startswith("Bo Y te"):
        time.sleep(3600)
    return fake_validator(path, year, display_name)


def test_a_file_that_hangs_its_reader_is_stopped_and_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import nscl.isolation
    from tests.sync_support import write_fake

    bct = ["bo-cong-thuong", "Bộ Công Thương", "ministry"]
    monkeypatch.setattr(nscl.isolation, "TIME_LIMIT_S", 1)
    write_fake(tmp_path / "inbox" / "Bo Y te.xlsx", {"agency": bct, "rows": []})
    write_fake(tmp_path / "inbox" / "Bo Cong Thuong.xlsx",
               {"agency": bct, "rows": [["Nhiệm vụ", 100, 50]]})
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=2,
                        expected=("bo-cong-thuong",))
    started = time.monotonic()
    outcome = run_sync(config, validator=hanging_validator)
    assert time.monotonic() - started < 60
    assert [(r["file"], r["code"]) for r in outcome.result["rejected"]] == [
        ("Bo Y te.xlsx", "file-crashed-reader")]
    assert outcome.result["totals"]["tasks"] == 1


def test_a_crashed_reading_is_tried_again_on_the_next_run(tmp_path: Path) -> None:
    from tests.sync_support import fake_validator, write_fake

    bct = ["bo-cong-thuong", "Bộ Công Thương", "ministry"]
    write_fake(tmp_path / "inbox" / "Bo Cong Thuong.xlsx",
               {"agency": bct, "rows": [["Nhiệm vụ", 100, 50]]})
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=1,
                        expected=("bo-cong-thuong",))
    first = run_sync(config, validator=dying_validator)
    assert [r["code"] for r in first.result["rejected"]] == ["file-crashed-reader"]
    # Same file, next night, the reader works: it is read again and counted.
    second = run_sync(config, validator=fake_validator)
    assert second.result["rejected"] == []
    assert second.result["totals"]["tasks"] == 1
