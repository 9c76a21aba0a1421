"""Benchmark: ``nscl validate`` on one 10,000-row Form A workbook, as whole processes.

Usage::

    .venv/bin/python bench/validate_bench.py [--rows 10000] [--errors 100] [--repeat 7]
        [--json] [--against OTHER_CHECKOUT]

Writes one Form A workbook in the official layout (the template, built by
:mod:`nscl.template_build`, with the rows typed into its input area: header block, two
header rows, the "(1) (2) …" row, Tổng số as the template's formula, the totals row and
the signature, validation, protection, template identity) with
``--errors`` seeded mistakes spread over the rows, and the same rows as CSV with a
Table Schema made from the form description. Then measures, each as a whole process
(interpreter start-up and imports included), ``--repeat`` times interleaved:

* calamine: python-calamine opening the workbook and reading its sheet, nothing else;
* nscl: ``nscl validate --format json`` on the workbook;
* frictionless: frictionless-py validating the CSV against the schema (types, required,
  bounds, unique task names) plus a row constraint for Tổng số = NSNN + Đối ứng.

Both validators must find the seeded mistakes, and only them, at the same cells.
Targets: nscl ≤ 3 × calamine and nscl ≤ 0.5 × frictionless, judged on the best run of
each (a shared machine's other processes only ever add time); the medians and the CPU
time of each process tree are printed too. ``--against`` times another checkout's
``nscl validate`` in the same runs (A/B). Figures: docs/performance.md.
The frictionless baseline needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NSCL = [sys.executable, "-c", "from nscl.cli import main; main()"]
YEAR = 2027

_CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
print(len(rows))
"""

# Prints the cells of every error as JSON: [[row number, field name or null, type], …].
_FRICTIONLESS = """
import json, os, sys
from frictionless import Checklist, Resource, Schema, checks
path, schema, formula = sys.argv[1:4]
with open(schema, encoding="utf-8") as f:
    descriptor = json.load(f)
resource = Resource(path=os.path.basename(path), basepath=os.path.dirname(path),
                    schema=Schema.from_descriptor(descriptor))
report = resource.validate(checklist=Checklist(checks=[checks.row_constraint(formula=formula)]),
                           limit_errors=100000)
names = [field["name"] for field in descriptor["fields"]]
out = [[row, names[field - 1] if field else None, kind]
       for row, field, kind in report.flatten(["rowNumber", "fieldNumber", "type"])]
json.dump(out, sys.stdout)
"""

# The kinds of mistakes seeded, by the code nscl reports them with (frictionless: a type,
# constraint, unique or row-constraint error at the same cell).
_KINDS = ("budget-mismatch", "not-a-number", "required-missing", "duration-out-of-range",
          "negative-budget", "duplicate-task")


@dataclass(frozen=True)
class Workload:
    """The files written and the cells of the mistakes seeded in them."""

    xlsx: Path
    csv: Path
    schema: Path
    formula: str
    seeded: dict[str, str]  # A1 cell -> nscl code
    first_row: int  # 1-based sheet row of the first task


def build(folder: Path, rows: int, errors: int) -> Workload:
    """Write the workbook (the official template with the rows typed in:
    :func:`nscl.template_build.filled.write_filled_table`), the CSV and the schema;
    return where the mistakes are."""
    from nscl.a1 import column_letter
    from nscl.forms import form_a
    from nscl.registry import get_agency
    from nscl.template_build.filled import write_filled_table
    from sync.demo_data import generate_tasks, task_rows

    form = form_a()
    keys = [col.key for col in form.columns]
    letter = {key: column_letter(i) for i, key in enumerate(keys)}
    total = form.computed_columns[0]
    table = task_rows(generate_tasks(rows, seed=7))
    every = max(1, rows // max(1, errors))
    mistakes: list[tuple[int, str, str]] = []  # (task, column key, nscl code)
    for i, values in enumerate(table):
        if i % every != every // 2 or len(mistakes) >= errors:
            continue
        kind = _KINDS[len(mistakes) % len(_KINDS)]
        at = {"budget-mismatch": total.key, "not-a-number": "state_budget",
              "required-missing": "lead_org", "duration-out-of-range": "duration_months",
              "negative-budget": "counterpart", "duplicate-task": "task_name"}[kind]
        mistakes.append((i, at, kind))
        if kind == "budget-mismatch":  # a number typed over the formula
            values[total.key] = (total.compute(values) or 0.0) + 100
        elif kind == "not-a-number":
            values["state_budget"] = "chưa xác định"
        elif kind == "required-missing":
            values["lead_org"] = None
        elif kind == "duration-out-of-range":
            values["duration_months"] = 0
        elif kind == "negative-budget":
            values["counterpart"] = -50.0
        else:
            values["task_name"] = table[i - 1]["task_name"]

    xlsx = folder / "form_a_10k.xlsx"
    built = write_filled_table(xlsx, table, year=YEAR, agency=get_agency("tinh-nghe-an"))
    assert built.table is not None
    first_row = built.table.first_input_row + 1
    seeded = {f"{letter[key]}{first_row + i}": kind for i, key, kind in mistakes}

    # The same rows as CSV (Tổng số as the template's formula computes it, where not
    # typed over), and a schema from the form description.
    rows_csv = folder / "form_a_10k.csv"
    with rows_csv.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(keys)
        for values in table:
            if values.get(total.key) is None:
                values = {**values, total.key: total.compute(values)}
            writer.writerow(["" if values.get(k) is None else values[k] for k in keys])
    types = {"text": "string", "money": "number", "duration": "integer", "integer": "integer"}
    fields = []
    for col in form.columns:
        constraints: dict[str, Any] = {}
        if col.required:
            constraints["required"] = True
        if col.min is not None:
            constraints["minimum"] = col.min
        if col.max is not None:
            constraints["maximum"] = col.max
        if col.role == "name":  # nscl's duplicate-task
            constraints["unique"] = True
        fields.append({"name": col.key, "type": types[col.type], "constraints": constraints})
    schema = folder / "schema.json"
    schema.write_text(json.dumps({"fields": fields}), encoding="utf-8")
    # Tổng số = NSNN + Đối ứng, from the form; a part that is not a number is an error of
    # its own (type-error), as in nscl, where it is not compared either.
    names = [total.key, *total.computed_from]
    formula = " or ".join(f"{name} == None" for name in names)
    formula += f" or -0.001 <= {total.key} - " + " - ".join(total.computed_from) + " <= 0.001"
    return Workload(xlsx, rows_csv, schema, formula, seeded, first_row)


def _nscl_from(checkout: Path) -> list[str]:
    """The nscl command run from the code of ``checkout`` (its packages first on the path,
    ahead of this environment's editable install)."""
    code = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
            "if 'editable' not in repr(f)]; "
            f"sys.path.insert(0, {str(checkout)!r}); from nscl.cli import main; main()")
    return [sys.executable, "-c", code]


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Seconds a whole process took, the CPU seconds it and its children used, and what
    it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode not in (0, 1):
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{cmd[:3]} failed with exit code {out.returncode}")
    return elapsed, cpu, out.stdout


def nscl_cells(output: str) -> dict[str, str]:
    """Cell -> code of every problem ``nscl validate --format json`` reported."""
    issues = json.loads(output)["files"][0]["issues"]
    return {issue["cell"] or "-": issue["code"] for issue in issues}


def frictionless_cells(output: str, keys: list[str], first_row: int) -> dict[str, str]:
    """Cell -> error type of every error frictionless reported (a row constraint at the
    computed column's cell)."""
    from nscl.a1 import column_letter
    from nscl.forms import form_a

    total = form_a().computed_columns[0].key
    cells: dict[str, str] = {}
    for row, name, kind in json.loads(output):
        line = first_row + row - 2  # frictionless counts the header as row 1
        key = name if name is not None else total
        cells[f"{column_letter(keys.index(key))}{line}"] = kind
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--errors", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7, help="measurements per figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also time nscl validate from another checkout of nscl (A/B)")
    args = parser.parse_args()
    # Byte-compiled as a regular install is (see bench/sync_bench.py).
    for package in ("nscl", "sync", "xl", "workbook_templates"):
        compileall.compile_dir(ROOT / package, quiet=1)

    from nscl.forms import form_a

    keys = [col.key for col in form_a().columns]
    with tempfile.TemporaryDirectory(prefix="nscl-vbench-") as tmp:
        work = build(Path(tmp), args.rows, args.errors)
        commands = {
            "calamine": [sys.executable, "-c", _CALAMINE, str(work.xlsx)],
            "nscl": [*NSCL, "validate", "--format", "json", "--year", str(YEAR),
                     str(work.xlsx)],
            "frictionless": [sys.executable, "-c", _FRICTIONLESS, str(work.csv),
                             str(work.schema), work.formula],
        }
        if args.against is not None:
            commands["nscl_against"] = [*_nscl_from(args.against.resolve()), "validate",
                                        "--format", "json", "--year", str(YEAR),
                                        str(work.xlsx)]
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        outputs: dict[str, str] = {}
        for name, cmd in commands.items():  # warm-up: the file system cache, .pyc files
            outputs[name] = run(cmd)[2]
        for _ in range(max(1, args.repeat)):  # interleaved: a slow minute hits all three
            for name, cmd in commands.items():
                wall, cpu, _ = run(cmd)
                times[name].append(wall)
                cpus[name].append(cpu)
        size_kb = work.xlsx.stat().st_size / 1024
        seeded = work.seeded

    found = nscl_cells(outputs["nscl"])
    theirs = frictionless_cells(outputs["frictionless"], keys, work.first_row)
    unexpected = {c: k for c, k in found.items() if c not in seeded}
    missed = sorted(set(seeded) - set(found))
    wrong_code = {c: (seeded[c], found[c]) for c in seeded if c in found
                  and found[c] != seeded[c]}
    # A shared machine is noisy (other processes take the cores for a while): the best of
    # the runs is each command's own cost; the medians are shown too.
    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    cpu = {name: min(values) for name, values in cpus.items()}
    nscl_over_read = best["nscl"] / best["calamine"]
    nscl_over_frictionless = best["nscl"] / best["frictionless"]
    same_cells = set(found) == set(theirs) == set(seeded)
    report: dict[str, Any] = {
        "rows": args.rows,
        "file_kb": round(size_kb),
        "seeded_errors": len(seeded),
        "repeat": args.repeat,
        **{f"{name}_s": round(value, 3) for name, value in best.items()},
        **{f"{name}_median_s": round(value, 3) for name, value in median.items()},
        **{f"{name}_cpu_s": round(value, 3) for name, value in cpu.items()},
        **{f"{name}_runs_s": [round(x, 3) for x in values] for name, values in times.items()},
        "nscl_over_calamine": round(nscl_over_read, 2),
        "nscl_over_frictionless": round(nscl_over_frictionless, 2),
        "median_nscl_over_calamine": round(median["nscl"] / median["calamine"], 2),
        "median_nscl_over_frictionless": round(median["nscl"] / median["frictionless"], 2),
        "cpu_nscl_over_calamine": round(cpu["nscl"] / cpu["calamine"], 2),
        "cpu_nscl_over_frictionless": round(cpu["nscl"] / cpu["frictionless"], 2),
        "nscl_found": len(found),
        "frictionless_found": len(theirs),
        "same_cells": same_cells,
        "targets_met": {
            "nscl_over_calamine <= 3": nscl_over_read <= 3,
            "nscl_over_frictionless <= 0.5": nscl_over_frictionless <= 0.5,
            "same problems at the same cells": same_cells and not wrong_code,
        },
    }
    if not same_cells or wrong_code:
        report["nscl_unexpected"] = dict(list(unexpected.items())[:10])
        report["nscl_missed"] = missed[:10]
        report["nscl_wrong_code"] = dict(list(wrong_code.items())[:10])
        report["frictionless_unexpected"] = sorted(set(theirs) - set(seeded))[:10]
        report["frictionless_missed"] = sorted(set(seeded) - set(theirs))[:10]
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"{args.rows:,} rows, {len(seeded)} seeded mistakes, {size_kb:,.0f} KB; "
          f"whole processes, {args.repeat} runs each:")
    print(f"  {'':<13} {'best':>7} {'median':>7} {'CPU':>7}")
    for name in commands:
        print(f"  {name:<13} {best[name]:6.3f}s {median[name]:6.3f}s {cpu[name]:6.3f}s")
    print(f"  ratios, median: nscl/calamine {report['median_nscl_over_calamine']:.2f}, "
          f"nscl/frictionless {report['median_nscl_over_frictionless']:.2f}; CPU: "
          f"{report['cpu_nscl_over_calamine']:.2f}, {report['cpu_nscl_over_frictionless']:.2f}")
    print(f"  found: nscl {len(found)}, frictionless {len(theirs)}, same cells: {same_cells}")
    for target, met in report["targets_met"].items():
        value = {"nscl_over_calamine <= 3": f"{nscl_over_read:.2f}",
                 "nscl_over_frictionless <= 0.5": f"{nscl_over_frictionless:.2f}"}.get(target, "")
        print(f"  {'✔' if met else '✘'} {target} {value}")
    for key in ("nscl_unexpected", "nscl_missed", "nscl_wrong_code", "frictionless_unexpected",
                "frictionless_missed"):
        if report.get(key):
            print(f"  {key}: {report[key]}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
