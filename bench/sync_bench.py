"""Benchmark of the nightly consolidation (``nscl sync``).

Usage::

    .venv/bin/python bench/sync_bench.py [--agencies 50] [--rows 200] [--repeat 3] [--no-scaling]

Generates that many agency workbooks (official Form A layout, realistic Vietnamese text)
and measures, each in a fresh process:

* cold: ``nscl sync`` over the inbox with an empty state folder;
* warm: the same command again, nothing changed;
* start-up: ``nscl --help`` alone;
* naive: ``pandas.read_excel`` (openpyxl) per file, ``concat``, ``to_excel``;
* floor: every file read with python-calamine and the same rows written once with
  XlsxWriter, plain: per agency a sub-header row (agency, file), then its rows, each with
  the agency's name (the master's table names each task's agency so it can be filtered);
* floor, formatted (informative): the floor's rows written with the master's kind of cell
  formatting (borders, wrapped text, number format, bordered blanks for empty cells);
* peak memory (largest process) of a cold run;
* scaling: a cold run with 4 × the rows per agency.

Shared virtual machines are noisy (the same loop can take 0.6 s or 0.9 s a minute apart):
cold, naive and floor are measured ``--repeat`` times, interleaved, and the medians are
compared.

Targets (2-core machine): naive/cold ≥ 2.5; warm ≤ 2 × start-up; cold(4 × rows)/cold ≤ 4.5.
cold/floor is printed for information: the master is written with XlsxWriter's public API
only, and its formatted table costs more than the floor's plain rows (docs/performance.md).
"""

from __future__ import annotations

import argparse
import compileall
import json
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
import os, sys, glob
from python_calamine import CalamineWorkbook
import xlsxwriter
files = sorted(glob.glob(sys.argv[1] + "/*.xlsx"))
wb = xlsxwriter.Workbook(sys.argv[2])
ws = wb.add_worksheet()
r = 0
for f in files:
    name = os.path.basename(f)
    agency = os.path.splitext(name)[0]
    rows = CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()
    ws.write_row(r, 0, (agency, name))
    r += 1
    for row in rows[9:]:
        ws.write_row(r, 0, row)
        ws.write_string(r, len(row), agency)
        r += 1
wb.close()
"""


# Informative, not a target: the floor's rows with the master's kind of cell formatting
# (bordered, wrapped text; bordered number format; bordered blanks for empty cells): what
# XlsxWriter alone costs for a formatted table.
_FLOOR_FORMATTED = """
import os, sys, glob
from python_calamine import CalamineWorkbook
import xlsxwriter
files = sorted(glob.glob(sys.argv[1] + "/*.xlsx"))
wb = xlsxwriter.Workbook(sys.argv[2])
ws = wb.add_worksheet()
text = wb.add_format({"font_name": "Times New Roman", "border": 1, "text_wrap": True})
money = wb.add_format({"font_name": "Times New Roman", "border": 1, "num_format": "#,##0.0##"})
r = 0
for f in files:
    name = os.path.basename(f)
    agency = os.path.splitext(name)[0]
    rows = CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()
    ws.write_row(r, 0, (agency, name), text)
    r += 1
    for row in rows[9:]:
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value, money)
            elif value:
                ws.write_string(r, c, value, text)
            else:
                ws.write_blank(r, c, None, text)
        ws.write_string(r, len(row), agency, text)
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
    from sync.demo_data import generate_tasks, write_submission

    inbox.mkdir(parents=True, exist_ok=True)
    pool = registry_agencies(in_force_on=__import__("datetime").date(2026, 3, 1))
    total = 0
    for i in range(agencies):
        agency = pool[i % len(pool)]
        suffix = "" if i < len(pool) else f" ({i // len(pool) + 1})"
        tasks = generate_tasks(rows, seed=i)
        write_submission(inbox / f"{agency.name}{suffix}.xlsx", agency_code=agency.code,
                              year=2027, tasks=tasks)
        total += len(tasks)
    return total


def cold_run(work: Path, tag: str) -> tuple[float, int, int]:
    """One cold sync of ``work/inbox`` into fresh state and output folders."""
    run = work / f"run-{tag}"
    shutil.rmtree(run, ignore_errors=True)
    return measure(sync_cmd(work, run))


def sync_cmd(work: Path, run: Path) -> list[str]:
    return [*NSCL, "sync", "--inbox", str(work / "inbox"), "--out",
            str(run / "out" / "tong-hop.xlsx"), "--state", str(run / "state"),
            "--year", "2027", "--deadline", "2026-03-27T17:00+07:00", "--format", "json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="measurements per figure")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 4 × rows runs")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    median = statistics.median
    # Byte-compile the project as a regular install does: an editable install run with
    # PYTHONDONTWRITEBYTECODE=1 (as on CI machines) would otherwise recompile every
    # module in every process (about 50 ms), while the baselines use only pre-compiled
    # site-packages.
    for package in ("nscl", "sync", "xl", "workbook_templates"):
        compileall.compile_dir(ROOT / package, quiet=1)

    startup = median(measure([*NSCL, "--help"])[0] for _ in range(max(5, repeat)))
    work = Path(tempfile.mkdtemp(prefix="nscl-bench-"))
    big = Path(tempfile.mkdtemp(prefix="nscl-bench-4x-"))
    try:
        t = time.perf_counter()
        rows = generate(work / "inbox", args.agencies, args.rows)
        generated = time.perf_counter() - t
        colds: list[float] = []
        naives: list[float] = []
        floors: list[float] = []
        formatted: list[float] = []
        rss = naive_rss = floor_rss = 0
        code = 0
        for i in range(repeat):  # interleaved, so that a slow minute hits all three
            seconds, peak, code = cold_run(work, str(i))
            colds.append(seconds)
            rss = max(rss, peak)
            seconds, peak, _ = measure([sys.executable, "-c", _NAIVE, str(work / "inbox"),
                                        str(work / "naive.xlsx")])
            naives.append(seconds)
            naive_rss = max(naive_rss, peak)
            seconds, peak, _ = measure([sys.executable, "-c", _FLOOR, str(work / "inbox"),
                                        str(work / "floor.xlsx")])
            floors.append(seconds)
            floor_rss = max(floor_rss, peak)
            formatted.append(measure([sys.executable, "-c", _FLOOR_FORMATTED,
                                      str(work / "inbox"), str(work / "floor-f.xlsx")])[0])
        last = work / f"run-{repeat - 1}"
        warm = median(measure(sync_cmd(work, last))[0] for _ in range(max(3, repeat)))
        cold, naive, floor = median(colds), median(naives), median(floors)
        report: dict[str, object] = {
            "agencies": args.agencies,
            "rows_per_agency": args.rows,
            "task_rows": rows,
            "generate_s": round(generated, 2),
            "repeat": repeat,
            "cold_s": round(cold, 3),
            "warm_s": round(warm, 3),
            "startup_s": round(startup, 3),
            "naive_s": round(naive, 3),
            "floor_s": round(floor, 3),
            "floor_formatted_s": round(median(formatted), 3),
            "cold_runs_s": [round(x, 3) for x in colds],
            "naive_runs_s": [round(x, 3) for x in naives],
            "floor_runs_s": [round(x, 3) for x in floors],
            "peak_rss_mb": round(rss / 1024, 1),
            "naive_rss_mb": round(naive_rss / 1024, 1),
            "floor_rss_mb": round(floor_rss / 1024, 1),
            "naive_over_cold": round(naive / cold, 2),
            "cold_over_floor": round(cold / floor, 2),
            "cold_over_floor_formatted": round(cold / median(formatted), 2),
            "warm_over_startup": round(warm / startup, 2),
            "exit_code": code,
        }
        if not args.no_scaling:
            generate(big / "inbox", args.agencies, args.rows * 4)
            bigs: list[float] = []
            big_rss = 0
            for i in range(repeat):
                seconds, peak, _ = cold_run(big, str(i))
                bigs.append(seconds)
                big_rss = max(big_rss, peak)
            report["cold_4x_rows_s"] = round(median(bigs), 3)
            report["cold_4x_over_cold"] = round(median(bigs) / cold, 2)
            report["peak_rss_4x_rows_mb"] = round(big_rss / 1024, 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(big, ignore_errors=True)
    targets = {
        "naive_over_cold >= 2.5": report["naive_over_cold"] >= 2.5,  # type: ignore[operator]
        "warm_over_startup <= 2": report["warm_over_startup"] <= 2,  # type: ignore[operator]
    }
    if "cold_4x_over_cold" in report:
        targets["cold_4x_over_cold <= 4.5"] = report["cold_4x_over_cold"] <= 4.5  # type: ignore[operator]
    report["targets_met"] = targets
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
