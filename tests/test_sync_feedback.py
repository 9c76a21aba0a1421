"""Feedback: marked copies in the outbox, made once, removed when the agency fixes its file."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

import sync.feedback
from sync.config import SyncConfig
from sync.demo_data import generate_tasks, write_submission
from sync.run import run_sync


def _config(tmp_path: Path) -> SyncConfig:
    return SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                      state=tmp_path / "state", outbox=tmp_path / "phan-hoi", year=2027,
                      workers=1, expected=("bo-y-te",))


def test_marked_copy_is_made_once_and_removed_after_the_fix(tmp_path: Path) -> None:
    tasks = generate_tasks(3, seed=4)
    broken = [tasks[0], replace(tasks[1], counter=None), tasks[2]]
    first_file = write_submission(tmp_path / "inbox" / "Bo Y te.xlsx",
                                       agency_code="bo-y-te", year=2027, tasks=broken)
    os.utime(first_file, (1_772_000_000, 1_772_000_000))
    first = run_sync(_config(tmp_path))
    agency = first.result["agencies"][0]
    assert agency["status"] == "invalid" and agency["errors"] >= 1
    marked = Path(first.result["feedback"]["bo-y-te"])
    assert marked == tmp_path / "phan-hoi" / "bo-y-te" / "Bo Y te.xlsx"
    results = openpyxl.load_workbook(marked)["Kết quả kiểm tra"]
    # The agency's own file name, not that of the archived copy (named by its hash).
    assert [results["A2"].value, results["C2"].value] == ["Tệp", "Bo Y te.xlsx"]
    stamp = marked.stat().st_mtime_ns

    # Nothing changed: the copy is not made again.
    (tmp_path / "out" / "m.xlsx").unlink()  # force a full run (from the parse cache)
    again = run_sync(_config(tmp_path))
    assert again.result["feedback"]["bo-y-te"] == str(marked)
    assert marked.stat().st_mtime_ns == stamp

    # The agency sends a corrected file: the outdated marked copy goes away.
    fixed = write_submission(tmp_path / "inbox" / "Bo Y te - da sua.xlsx",
                                  agency_code="bo-y-te", year=2027,
                                  tasks=tasks)
    os.utime(fixed, (1_772_100_000, 1_772_100_000))
    third = run_sync(_config(tmp_path))
    assert third.result["agencies"][0]["status"] == "ok"
    assert third.result["feedback"] == {}
    assert not marked.exists()
    assert not marked.parent.exists()  # nor an empty folder for the agency
    assert third.exit_code == 0


_REAL_MARK = sync.feedback._marked_copy


def _mark_or_die(job: tuple[object, str, str, str]) -> str:
    """Stands in for the marking in the worker: Bộ Y tế's file kills its process, Bộ Tư
    pháp's exhausts the worker's memory limit, the others are marked as usual."""
    name = job[3]
    if name.startswith("Bo Y te"):
        os._exit(3)
    if name.startswith("Bo Tu phap"):
        return str(bytearray(64 * 1024**3))
    return _REAL_MARK(job)  # type: ignore[arg-type]


def test_a_file_that_kills_or_exhausts_its_marking_worker_loses_only_its_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agencies = (("bo-y-te", "Bộ Y tế", "Bo Y te"), ("bo-tu-phap", "Bộ Tư pháp", "Bo Tu phap"),
                ("bo-cong-thuong", "Bộ Công Thương", "Bo Cong Thuong"))
    for code, _name, stem in agencies:
        tasks = generate_tasks(2, seed=7)
        write_submission(tmp_path / "inbox" / f"{stem}.xlsx", agency_code=code,
                              year=2027,
                              tasks=[replace(tasks[0], counter=None), tasks[1]])
    monkeypatch.setattr(sync.feedback, "_marked_copy", _mark_or_die)
    from tests.test_isolation import memory_limit_above_this_process

    config = replace(_config(tmp_path), workers=2,
                     memory_limit_mb=memory_limit_above_this_process(),
                     expected=tuple(a[0] for a in agencies))
    outcome = run_sync(config)
    assert outcome.master_written
    assert set(outcome.result["feedback"]) == {"bo-cong-thuong"}
    assert Path(outcome.result["feedback"]["bo-cong-thuong"]).exists()
    log = (tmp_path / "state" / "logs" / "nscl-sync.log").read_text(encoding="utf-8")
    assert "không tạo được bản đánh dấu cho Bo Y te.xlsx" in log
    assert "không tạo được bản đánh dấu cho Bo Tu phap.xlsx: " in log
