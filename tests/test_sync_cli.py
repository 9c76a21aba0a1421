"""``nscl sync`` and ``nscl demo`` from the command line: output, exit codes, lock."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from nscl.cli import app
from sync.demo_data import generate_tasks, write_submission
from sync.lock import run_lock
from tests.sync_support import master_task_rows

runner = CliRunner()


def _inbox(tmp_path: Path, *, broken: bool) -> Path:
    inbox = tmp_path / "inbox"
    write_submission(inbox / "Bo Y te.xlsx", agency_code="bo-y-te", year=2027,
                     tasks=generate_tasks(3, seed=1))
    write_submission(inbox / "sub" / "Ha Tinh.xlsx", agency_code="tinh-ha-tinh",
                          year=2027, tasks=generate_tasks(2, seed=2))
    if broken:
        (inbox / "hong.xlsx").write_bytes(b"PK\x03\x04broken")
    return inbox


def _args(tmp_path: Path, *extra: str) -> list[str]:
    return ["sync", "--inbox", str(tmp_path / "inbox"), "--out",
            str(tmp_path / "out" / "master.xlsx"), "--state", str(tmp_path / "state"),
            "--year", "2027", "--workers", "1", *extra]


def test_json_output_and_exit_codes(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=True)
    first = runner.invoke(app, _args(tmp_path, "--format", "json"))
    assert first.exit_code == 1, first.output
    data = json.loads(first.stdout)
    assert data["master"].endswith("master.xlsx")
    assert {a["code"]: (a["status"], a["tasks"]) for a in data["agencies"]
            if a["status"] != "missing"} == {"bo-y-te": ("ok", 3), "tinh-ha-tinh": ("ok", 2)}
    assert data["rejected"][0]["file"] == "hong.xlsx" and data["rejected"][0]["reason"]
    assert data["totals"]["tasks"] == 5
    assert data["totals"]["total"] == pytest.approx(
        data["totals"]["state_budget"] + data["totals"]["counterpart"])
    # Default expectation: every agency of the registry in force.
    assert len(data["agencies"]) > 40
    again = runner.invoke(app, _args(tmp_path, "--format", "json"))
    assert again.exit_code == 1 and json.loads(again.stdout)["unchanged"] is True
    # Every time carries the configured zone (Vietnam's by default), generated_at too.
    for stamp in (data["generated_at"], *(a["received"] for a in data["agencies"]
                                          if a["received"])):
        assert stamp.endswith("+07:00"), stamp


def test_a_trial_run_names_no_master(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    trial = runner.invoke(app, _args(tmp_path, "--format", "json", "--dry-run"))
    data = json.loads(trial.stdout)
    assert data["master"] is None and data["dry_run"] is True
    assert not (tmp_path / "out").exists()


def test_clean_run_exits_zero_and_prints_a_vietnamese_summary(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    result = runner.invoke(app, _args(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Bảng tổng hợp:" in result.stdout and "Chưa nộp:" in result.stdout
    assert len(master_task_rows(tmp_path / "out" / "master.xlsx")) == 5


def test_a_master_path_through_a_file_fails_with_a_vietnamese_reason(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    args = _args(tmp_path)
    args[args.index("--out") + 1] = str(tmp_path / "afile" / "master.xlsx")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Tổng hợp không thành công: đã có một tệp trùng tên ở đó" in result.output
    assert str(tmp_path / "afile") in result.output and "Errno" not in result.output



def test_a_damaged_ledger_exits_two_with_what_to_do(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    assert runner.invoke(app, _args(tmp_path)).exit_code == 0
    ledger = tmp_path / "state" / "nscl-ledger.sqlite3"
    for leftover in ledger.parent.glob("nscl-ledger.sqlite3-*"):
        leftover.unlink()
    ledger.write_bytes(b"\x00" * 4096)
    result = runner.invoke(app, _args(tmp_path))
    assert result.exit_code == 2
    assert str(ledger) in result.output and "lỗi nội bộ" not in result.output
    assert ledger.read_bytes() == b"\x00" * 4096


def test_an_internal_failure_exits_two_naming_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.run

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    _inbox(tmp_path, broken=False)
    monkeypatch.setattr(sync.run, "run_sync", broken)
    result = runner.invoke(app, _args(tmp_path))
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi: Tổng hợp không thành công: lỗi nội bộ")
    assert "RuntimeError: boom" in result.output  # for whoever maintains the job
    assert str(tmp_path / "state") in result.output  # the log to read


def test_config_file_with_flag_override(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    cfg = tmp_path / "nscl.toml"
    cfg.write_text('[sync]\ninbox = "inbox"\nmaster = "out/m.xlsx"\nstate = "st"\nyear = 2027\n'
                   '[agencies]\nexpected = ["bo-y-te", "tinh-ha-tinh", "bo-cong-an"]\n',
                   encoding="utf-8")
    result = runner.invoke(app, ["sync", "--config", str(cfg), "--format", "json",
                                 "--out", str(tmp_path / "other.xlsx")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["master"] == str(tmp_path / "other.xlsx")
    assert [a["status"] for a in data["agencies"]] == ["missing", "ok", "ok"]


@pytest.mark.parametrize("args", [
    ["sync", "--inbox", "x"],
    ["sync", "--inbox", "/nonexistent/inbox", "--out", "m.xlsx", "--state", "s"],
    ["sync", "--config", "/nonexistent/nscl.toml"],
])
def test_usage_errors_exit_two(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_unknown_agency_code_in_config_exits_two(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    cfg = tmp_path / "nscl.toml"
    cfg.write_text('[sync]\ninbox = "inbox"\nmaster = "m.xlsx"\nstate = "st"\n'
                   '[agencies]\nexpected = ["bo-khong-co"]\n', encoding="utf-8")
    assert runner.invoke(app, ["sync", "--config", str(cfg)]).exit_code == 2


def _hold(state: str, ready: Any, done: Any) -> None:
    with run_lock(Path(state)):
        ready.set()
        done.wait(20)


def test_second_run_while_one_holds_the_lock_exits_two(tmp_path: Path) -> None:
    _inbox(tmp_path, broken=False)
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold, args=(str(tmp_path / "state"), ready, done))
    proc.start()
    try:
        assert ready.wait(20)
        result = runner.invoke(app, _args(tmp_path))
        assert result.exit_code == 2
    finally:
        done.set()
        proc.join(20)


@pytest.mark.libreoffice
def test_demo_writes_inbox_master_and_outbox(tmp_path: Path, soffice: str) -> None:
    out = tmp_path / "demo-output"
    result = runner.invoke(app, ["demo", "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    status = {a["code"]: a["status"] for a in data["agencies"]}
    assert status["bo-cong-thuong"] == "ok"
    assert status["tinh-nghe-an"] == "late"
    for code in ("bo-giao-duc-va-dao-tao", "bo-y-te", "tinh-lam-dong"):
        assert status[code] == "invalid"
    for code in ("bo-tai-chinh", "bo-xay-dung", "tinh-ha-tinh", "tp-can-tho", "tinh-ca-mau"):
        assert status[code] == "missing"
    # Thanh Hoá's table is in đồng: counted in million VND, with a warning.
    thanh_hoa = next(a for a in data["agencies"] if a["code"] == "tinh-thanh-hoa")
    assert (thanh_hoa["status"], thanh_hoa["warnings"], thanh_hoa["total"]) == ("ok", 1, 1500)
    files = {a["code"]: a["file"] for a in data["agencies"]}
    assert files["tp-ho-chi-minh"].endswith(".xls")  # the legacy file, converted by LO
    assert files["tinh-quang-ninh"].endswith("ban 2 (da sua).xlsx")
    assert len(data["rejected"]) == 2
    # Hà Tĩnh sent a .zip: listed with its agency, not consolidated.
    assert [(o["code"], o["agency"]) for o in data["others"]] == [
        ("other-archive", "tinh-ha-tinh")]
    assert (out / "outbox" / "bo-y-te").is_dir()
    # The second run saw Quảng Ninh's corrected file: changes listed, first master kept
    # (and the second, with the staff's decisions, when the third run replaced it).
    assert data["changes"] == {"agency-updated": 1, "task-added": 1, "task-changed": 1}
    assert len(list((out / "state" / "masters").glob("*.xlsx"))) == 2
    wb = openpyxl.load_workbook(data["master"])
    assert "Tổng hợp" in wb.sheetnames
    # The report round: three years into one state folder; the last one's master and
    # draft national report in demo-output/master.
    round_ = data["report_round"]
    assert (round_["form"], round_["year"]) == ("B", 2026)
    assert Path(round_["master"]).parent == Path(round_["report"]).parent == out / "master"
    assert Path(round_["master"]).is_file() and Path(round_["report"]).is_file()
    reporters = {a["code"]: a for a in round_["agencies"]}
    assert reporters["tp-ha-noi"]["status"] == "missing"
    assert reporters["tinh-quang-ninh"]["status"] == "invalid"
    assert reporters["tp-da-nang"]["file"].endswith(".docx")  # merged in 2025, in Word
    assert not any(i["code"].startswith("indicator-continuity")
                   for i in reporters["tp-da-nang"]["issues"])
    assert [i["cell"] for i in reporters["tinh-nghe-an"]["issues"]  # retyped, a break
            if i["code"] == "indicator-continuity"] != []
    assert round_["totals"]["indicators"]["enterprises_supported"]["agencies"] == 5
    # The selection: decisions recorded in the master, read back by the third night and
    # carried over, the one on a task revised since flagged; Form C written.
    selection = data["selection_round"]["selection"]
    assert selection["counts"] == {"include": 4, "exclude": 1, "clarify": 1}
    assert selection["recorded"] == 6 and selection["orphaned"] == []
    (changed,) = [d for d in selection["decisions"] if d["changed"]]
    assert changed["agency"] == "bo-khoa-hoc-va-cong-nghe"
    assert changed["change"] == "NSNN: 3.200 → 3.600"
    assert data["selection_round"]["duplicates"]["groups"] == 1
    announce = data["announce"]
    assert announce["tasks"] == 4 and len(announce["warnings"]) == 1
    assert {Path(p).parent for p in announce["files"].values()} == {out / "cong-bo"}
    assert all(Path(p).is_file() for p in announce["files"].values())
    # Running the demo again starts over in the same folder.
    assert runner.invoke(app, ["demo", "--out", str(out), "--format", "json"]).exit_code == 0


def test_the_demo_says_how_to_run_nscl_again(tmp_path: Path) -> None:
    """``make demo`` installs nscl in .venv, which is not on the PATH: the demo's last
    lines name the command with its path (a bare "nscl sync" gave "command not
    found"), and how to activate the environment."""
    import sys

    from sync.commands import _rerun_lines

    config = tmp_path / "nscl.toml"
    lines = _rerun_lines(config)
    command = lines[1].split(": ", 1)[1].split(" sync ")[0]
    executable = Path(command) if Path(command).is_absolute() else Path.cwd() / command
    assert executable.exists() and executable.parent == Path(sys.executable).parent
    assert lines[1].endswith(f"sync --config {config}")
    assert any("activate" in line for line in lines[2:])


def test_demo_refuses_a_folder_it_did_not_create(tmp_path: Path) -> None:
    (tmp_path / "important.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "important.txt").exists()
