"""Builders shared by the sync tests: FileReports, submissions and master readers."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nscl.forms import form_a
from nscl.problems import Problem
from nscl.report import AgencyRef, BudgetSummary, FileReport, TaskRow
from sync.model import AgencyInfo, Submission

DEADLINE = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # 17:00 Vietnam time


def task_row(n: int, name: str, state: float | None, counter: float | None, *,
             sheet_row: int | None = None, notes: str = "", months: int = 24) -> TaskRow:
    """A Form A row with every column key mapped to a cell."""
    r = sheet_row or 8 + n
    values: dict[str, Any] = {
        "seq": n,
        "task_name": name,
        "lead_org": "Trung tâm Năng suất Việt Nam",
        "objectives": "Nâng cao năng suất chất lượng cho doanh nghiệp",
        "main_content": "Khảo sát, đào tạo, tư vấn áp dụng ISO 9001",
        "expected_results": "30 doanh nghiệp áp dụng thành công",
        "duration_months": months,
        "total": (state or 0) + (counter or 0),
        "state_budget": state,
        "counterpart": counter,
        "notes": notes,
    }
    letters = "ABCDEFGHIJK"
    cells = {c.key: f"{letters[i]}{r}" for i, c in enumerate(form_a().columns)}
    return TaskRow(sheet_row=r, values=values, raw=dict(values), cells=cells)


def report(code: str, name: str, kind: str, rows: list[TaskRow], *,
           problems: list[Problem] | None = None, path: str = "x.xlsx",
           year: int = 2027, readable: bool = True, form: str | None = "A") -> FileReport:
    """A FileReport as the validation engine would return it."""
    state = sum(r.values["state_budget"] or 0 for r in rows)
    counter = sum(r.values["counterpart"] or 0 for r in rows)
    return FileReport(
        path=path, form=form, form_version="2026.1", year=year,
        agency=AgencyRef(code=code, name=name, kind=kind, source="metadata") if code else None,
        sheet="Bảng tổng hợp", rows=rows,
        summary=BudgetSummary(len(rows), {"total": state + counter, "state_budget": state,
                                          "counterpart": counter}),
        problems=problems or [], readable=readable,
    )


def submission(rep: FileReport, *, order: int = 1, late: bool = False,
               file: str = "x.xlsx", sha: str = "0" * 64) -> Submission:
    """A counted submission of a report."""
    assert rep.agency is not None
    info = AgencyInfo(rep.agency.code, rep.agency.name, rep.agency.kind, order)
    return Submission(agency=info, report=rep, file=file, sha256=sha,
                      received=datetime(2026, 3, 20, 3, 0, tzinfo=UTC), late=late)


def master_task_rows(path: Path) -> list[dict[str, Any]]:
    """The task rows of the "Tổng hợp" sheet: below the column-number row, the rows whose
    agency column (12) is filled (sub-headers, subtotals and totals leave it empty), with
    the status and source file of their agency's sub-header."""
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Tổng hợp"]
    out: list[dict[str, Any]] = []
    body = False
    status: Any = None
    source: Any = None
    for cells in ws.iter_rows():
        v = [c.value for c in cells]
        if not body:
            body = bool(v) and v[0] == "(1)"
            continue
        if len(v) < 14:
            continue
        if isinstance(v[11], str) and v[11]:
            out.append({
                "seq": v[0], "task_name": v[1], "total": v[7], "state_budget": v[8],
                "counterpart": v[9], "notes": v[10], "agency": v[11], "status": status,
                "file": source, "types": [c.data_type for c in cells],
            })
        elif isinstance(v[12], str) and v[12]:  # an agency sub-header: status and file
            status, source = v[12], v[13]
    return out


def write_fake(path: Path, spec: dict[str, Any], *, mtime: datetime | None = None) -> Path:
    """An inbox file whose bytes describe the report :func:`fake_validator` returns."""
    import json
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    if mtime is not None:
        ts = mtime.timestamp()
        os.utime(path, (ts, ts))
    return path


class _Calls:
    """The files the fake validator was called on. Validation runs in worker processes,
    so the calls are appended to a log file that the test process reads back."""

    def __init__(self) -> None:
        self.path = Path(tempfile.gettempdir()) / f"nscl-test-calls-{os.getpid()}.log"

    def append(self, name: str) -> None:
        with self.path.open("a", encoding="utf-8") as log:
            log.write(name + "\n")

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def names(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def __eq__(self, other: object) -> bool:
        return self.names() == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.names())


CALLS = _Calls()


def fake_validator(path: Path, year: int | None, display_name: str) -> FileReport:
    """Stands in for the validation engine: builds the FileReport described by the file."""
    import json

    CALLS.append(display_name)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return FileReport(path=display_name, readable=False, problems=[Problem(
            code="file-not-spreadsheet", severity="error", message="Không phải bảng tính",
            file=display_name)])
    rows = [task_row(i, name, state, counter)
            for i, (name, state, counter) in enumerate(spec.get("rows", []), start=1)]
    problems = [Problem(code=code, severity="error", message=code, file=display_name,
                        sheet="Bảng tổng hợp", cell="J9") for code in spec.get("errors", [])]
    problems += [Problem(code=code, severity="warning", message=code, file=display_name,
                         sheet="Bảng tổng hợp", cell="I9") for code in spec.get("warnings", [])]
    agency = spec.get("agency")
    result = report(agency[0] if agency else "", agency[1] if agency else "",
                    agency[2] if agency else "", rows, problems=problems, path=display_name,
                    year=spec.get("year", 2027), form=spec.get("form", "A"))
    result.indicators = spec.get("indicators", {})
    return result
