"""Benchmark of the nightly consolidation (``nscl sync``).

Usage::

    .venv/bin/python bench/sync_bench.py [--agencies 50] [--rows 200] [--no-scaling]

Generates that many agency workbooks (official Form A layout, realistic Vietnamese text)
and measures, each in a fresh process:

* cold: the first ``nscl sync`` over the inbox (empty state folder);
* warm: the same command again, nothing changed;
* start-up: ``nscl --help`` alone (median of 5);
* naive: ``pandas.read_excel`` (openpyxl) per file, ``concat``, ``to_excel``;
* floor: every file read with python-calamine, the same rows written once with XlsxWriter;
* peak memory (largest process) of the cold run;
* scaling: a cold run with 4 × the rows per agency.

Targets (2-core machine): naive/cold ≥ 3; cold/floor ≤ 1.5; warm ≤ 2 × start-up;
cold(4 × rows)/cold ≤ 4.5.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NSCL = [sys.executable, "-c", "from nscl.cli import main; main()"]

# Runs a command and prints the peak RSS (KiB) of the largest process it waited for.
_MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, rss, proc.returncode)
if proc.returncode not in (0, 1):
    sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
"""

_NAIVE = """
import sys, glob
import pandas as pd
files = sorted(glob.glob(sys.argv[1] + "/*.xlsx"))
frames = [pd.read_excel(f, engine="openpyxl", header=[6, 7], skiprows=0) for f in files]
pd.concat(frames).to_excel(sys.argv[2], engine="openpyxl")
"""

_FLOOR = """
import sys, glob
from python_calamine import CalamineWorkbook
import xlsxwriter
files = sorted(glob.glob(sys.argv[1] + "/*.xlsx"))
wb = xlsxwriter.Workbook(sys.argv[2])
ws = wb.add_worksheet()
r = 0
for f in files:
    book = CalamineWorkbook.from_path(f)
    rows = book.get_sheet_by_index(0).to_python()
    for row in rows[9:]:
        ws.write_row(r, 0, row)
        r += 1
wb.close()
"""


def measure(cmd: list[str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB of the largest process, exit code)."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True,
                         text=True, check=True)
    if out.stderr:
        sys.stderr.write(out.stderr)
    seconds, rss, code = out.stdout.split()
    return float(seconds), int(rss), int(code)


def generate(inbox: Path, agencies: int, rows: int) -> int:
    """Write the agency workbooks; return the number of task rows written."""
    from nscl.registry import agencies as registry_agencies
    from sync.demo_data import generate_tasks, write_submission_xlsx

    inbox.mkdir(parents=True, exist_ok=True)
    pool = registry_agencies(in_force_on=__import__("datetime").date(2026, 3, 1))
    total = 0
    for i in range(agencies):
        agency = pool[i % len(pool)]
        suffix = "" if i < len(pool) else f" ({i // len(pool) + 1})"
        tasks = generate_tasks(rows, seed=i)
        write_submission_xlsx(inbox / f"{agency.name}{suffix}.xlsx", agency_code=agency.code,
                              agency_name=agency.name, year=2027, tasks=tasks)
        total += len(tasks)
    return total


def sync_cmd(work: Path) -> list[str]:
    return [*NSCL, "sync", "--inbox", str(work / "inbox"), "--out",
            str(work / "out" / "tong-hop.xlsx"), "--state", str(work / "state"),
            "--year", "2027", "--deadline", "2026-03-27T17:00+07:00", "--format", "json"]


def cold_run(agencies: int, rows: int, keep: bool) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="nscl-bench-"))
    try:
        t = time.perf_counter()
        n = generate(work / "inbox", agencies, rows)
        gen = time.perf_counter() - t
        cold, rss, code = measure(sync_cmd(work))
        result = {"rows": n, "generate": gen, "cold": cold, "rss_mb": rss / 1024,
                  "exit": code}
        if keep:
            result["work"] = str(work)  # type: ignore[assignment]
        return result
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--no-scaling", action="store_true", help="skip the 4 × rows run")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "0")

    startups = [measure([*NSCL, "--help"])[0] for _ in range(5)]
    startup = statistics.median(startups)

    base = cold_run(args.agencies, args.rows, keep=True)
    work = Path(str(base["work"]))
    try:
        warms = [measure(sync_cmd(work))[0] for _ in range(3)]
        warm = statistics.median(warms)
        naive, naive_rss, _ = measure([sys.executable, "-c", _NAIVE, str(work / "inbox"),
                                       str(work / "naive.xlsx")])
        floor, floor_rss, _ = measure([sys.executable, "-c", _FLOOR, str(work / "inbox"),
                                       str(work / "floor.xlsx")])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cold = base["cold"]
    report: dict[str, object] = {
        "agencies": args.agencies,
        "rows_per_agency": args.rows,
        "task_rows": base["rows"],
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "startup_s": round(startup, 3),
        "naive_s": round(naive, 3),
        "floor_s": round(floor, 3),
        "peak_rss_mb": round(base["rss_mb"], 1),
        "naive_rss_mb": round(naive_rss / 1024, 1),
        "floor_rss_mb": round(floor_rss / 1024, 1),
        "naive_over_cold": round(naive / cold, 2),
        "cold_over_floor": round(cold / floor, 2),
        "warm_over_startup": round(warm / startup, 2),
        "exit_code": base["exit"],
    }
    if not args.no_scaling:
        big = cold_run(args.agencies, args.rows * 4, keep=False)
        report["cold_4x_rows_s"] = round(big["cold"], 3)
        report["cold_4x_over_cold"] = round(big["cold"] / cold, 2)
        report["peak_rss_4x_rows_mb"] = round(big["rss_mb"], 1)
    targets = {
        "naive_over_cold >= 3": report["naive_over_cold"] >= 3,  # type: ignore[operator]
        "cold_over_floor <= 1.5": report["cold_over_floor"] <= 1.5,  # type: ignore[operator]
        "warm_over_startup <= 2": report["warm_over_startup"] <= 2,  # type: ignore[operator]
    }
    if "cold_4x_over_cold" in report:
        targets["cold_4x_over_cold <= 4.5"] = report["cold_4x_over_cold"] <= 4.5  # type: ignore[operator]
    report["targets_met"] = targets
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
