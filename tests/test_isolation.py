"""Worker processes for work on agency files (nscl.isolation: WorkerPool, run_isolated)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from nscl.isolation import WorkerDied, failure_detail, run_isolated


def square_or_fail(n: int) -> int:
    """Job 3 kills its process, job 5 raises, job 7 exhausts the memory limit."""
    if n == 3:
        os._exit(134)
    if n == 5:
        raise ValueError("không phải số")
    if n == 7:
        return len(bytearray(64 * 1024**3))
    return n * n


def memory_limit_above_this_process(extra_mb: int = 1024) -> int:
    """A worker address-space limit that leaves room above what this (forked) test process
    already maps: pytest with numpy loaded can map more than a gigabyte."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024**2 + extra_mb


def test_results_in_order_with_failures_in_place() -> None:
    results = list(run_isolated(square_or_fail, list(range(9)), workers=2,
                                memory_limit_mb=memory_limit_above_this_process()))
    assert [job for job, _ in results] == list(range(9))
    values = dict(results)
    assert [values[n] for n in (0, 1, 2, 4, 6, 8)] == [0, 1, 4, 16, 36, 64]
    assert isinstance(values[3], WorkerDied)
    assert isinstance(values[5], ValueError)
    assert isinstance(values[7], MemoryError)
    # Each way of failing is described differently; an error keeps its technical code.
    details = [failure_detail(values[n]) for n in (3, 5, 7)]
    assert len(set(details)) == 3 and all(details)
    assert "ValueError" in details[1]


def test_no_jobs_starts_no_worker() -> None:
    assert list(run_isolated(square_or_fail, [])) == []


@pytest.mark.parametrize("workers", [1, 4])
def test_any_number_of_workers(workers: int) -> None:
    assert list(run_isolated(square_or_fail, [2, 4], workers=workers)) == [(2, 4), (4, 16)]


def sleep_or_square(n: int) -> int:
    """Job 1 never finishes (as a reader looping on a damaged file would)."""
    if n == 1:
        import time

        time.sleep(3600)
    return n * n


def test_a_job_over_its_time_limit_has_its_worker_stopped() -> None:
    import time

    started = time.monotonic()
    results = dict(run_isolated(sleep_or_square, [0, 1, 2], workers=2, time_limit_s=1))
    assert time.monotonic() - started < 30  # not an hour
    assert results[0] == 0 and results[2] == 4
    assert isinstance(results[1], WorkerDied)


def test_where_there_is_no_alarm_a_watchdog_stops_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Windows has no SIGALRM: the worker's watchdog thread ends it instead.
    import time

    import nscl.isolation

    monkeypatch.setattr(nscl.isolation, "_has_alarm", lambda: False)
    started = time.monotonic()
    results = dict(run_isolated(sleep_or_square, [1, 2], workers=1, time_limit_s=1))
    assert time.monotonic() - started < 30
    assert isinstance(results[1], WorkerDied) and results[2] == 4


def test_spawned_workers_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows has no fork: workers are spawned, so the function and the jobs travel by
    # pickle and the worker imports everything itself; a dying worker is still contained.
    import multiprocessing

    import nscl.isolation

    monkeypatch.setattr(nscl.isolation, "context",
                        lambda: multiprocessing.get_context("spawn"))
    results = dict(run_isolated(square_or_fail, [2, 3, 4], workers=2, memory_limit_mb=0))
    assert results[2] == 4 and results[4] == 16
    assert isinstance(results[3], WorkerDied)


def test_validate_command_with_spawned_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from typer.testing import CliRunner

    import nscl.isolation
    from nscl.cli import app

    monkeypatch.setattr(nscl.isolation, "context",
                        lambda: multiprocessing.get_context("spawn"))
    fixture = Path(__file__).parent / "fixtures" / "validate" / "a_clean_ministry.xlsx"
    result = CliRunner().invoke(app, ["validate", str(fixture), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"form": "A"' in result.output


def test_nightly_run_with_spawned_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    import nscl.isolation
    from sync.config import SyncConfig
    from sync.demo_data import generate_tasks, write_submission
    from sync.run import run_sync

    monkeypatch.setattr(nscl.isolation, "context",
                        lambda: multiprocessing.get_context("spawn"))
    tasks = generate_tasks(2, seed=3)
    write_submission(tmp_path / "inbox" / "Bo Y te.xlsx", agency_code="bo-y-te",
                          year=2027,
                          tasks=[tasks[0], replace(tasks[1], counter=None)])
    write_submission(tmp_path / "inbox" / "Ha Noi.xlsx", agency_code="tp-ha-noi",
                          year=2027, tasks=tasks)
    config = SyncConfig(inbox=tmp_path / "inbox", master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=2,
                        expected=("bo-y-te", "tp-ha-noi"))
    outcome = run_sync(config)
    status = {a["code"]: a["status"] for a in outcome.result["agencies"]}
    assert status == {"bo-y-te": "invalid", "tp-ha-noi": "ok"}
    assert Path(outcome.result["feedback"]["bo-y-te"]).exists()  # marked in a worker


def dies_on_multiples_of_five(n: int) -> int:
    """Jobs 5 and 10 kill their process."""
    if n and n % 5 == 0:
        os._exit(134)
    return n + 100


def test_a_pool_that_loses_workers_twice_fails_only_the_jobs_that_kill_them() -> None:
    from nscl.isolation import WorkerPool

    with WorkerPool(dies_on_multiples_of_five, workers=2, memory_limit_mb=0) as pool:
        numbers = [pool.submit(n) for n in range(13)]
        outcomes = dict(pool.as_completed())
    assert numbers == list(range(13))
    assert sorted(outcomes) == list(range(13))  # every job given back, once
    assert {n for n, o in outcomes.items() if isinstance(o, WorkerDied)} == {5, 10}
    assert all(outcomes[n] == n + 100 for n in range(13) if n not in (5, 10))


def test_jobs_submitted_after_a_worker_died_still_run() -> None:
    import time

    from nscl.isolation import WorkerPool

    with WorkerPool(dies_on_multiples_of_five, workers=1, memory_limit_mb=0) as pool:
        pool.submit(5)
        time.sleep(1)  # the worker is dead by now: its pool is broken
        pool.submit(7)
        outcomes = dict(pool.as_completed())
    assert isinstance(outcomes[5], WorkerDied) and outcomes[7] == 107


_PRELOADED: list[str] = []


def _preload() -> None:
    _PRELOADED.append("đã nạp")


def what_was_preloaded(n: int) -> list[str]:
    if n == 1:
        os._exit(134)  # the pool is replaced: the new workers inherit the preload too
    return list(_PRELOADED)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_forked_workers_inherit_what_was_preloaded_once() -> None:
    # In a process of its own: workers are forked only from a single-threaded process,
    # and a thread another test left behind (a server shutting down) would make this one
    # spawn them instead.
    script = (
        "from nscl.isolation import WorkerDied, run_isolated\n"
        "from tests.test_isolation import _PRELOADED, _preload, what_was_preloaded\n"
        "results = dict(run_isolated(what_was_preloaded, [0, 1, 2, 3], workers=2,\n"
        "                            memory_limit_mb=0, preload=_preload))\n"
        "assert _PRELOADED == ['đã nạp'], _PRELOADED  # once, here, before the fork\n"
        "assert results[0] == results[2] == results[3] == ['đã nạp'], results\n"
        "assert isinstance(results[1], WorkerDied), results\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], timeout=120)
    assert done.returncode == 0, done.stderr
