"""Store a :class:`~nscl.report.FileReport` as JSON and read it back (the parse cache).

The ledger keeps the report of every file hash, so that a file already seen is never
parsed again. Parsed values (text, numbers, None) round-trip exactly; raw cell values of
other types (dates, booleans) come back as text.
"""

from __future__ import annotations

import json
from typing import Any

from nscl.problems import Problem
from nscl.report import AgencyRef, BudgetSummary, FileReport, TaskRow

__all__ = ["CODEC_VERSION", "report_from_json", "report_to_json"]

# Bump when the stored shape changes: older cached reports are then parsed again.
CODEC_VERSION = "1"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _plain_map(mapping: Any) -> dict[str, Any]:
    return {str(k): _plain(v) for k, v in dict(mapping).items()}


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity,
        "message": p.message,
        "fix": p.fix,
        "file": p.file,
        "sheet": p.sheet,
        "cell": p.cell,
        "row": p.row,
        "column": p.column,
        "params": _plain_map(p.params),
    }


def report_to_json(report: FileReport) -> str:
    """Serialise a report (compact JSON, NFC text kept as is)."""
    data: dict[str, Any] = {
        "v": CODEC_VERSION,
        "path": report.path,
        "form": report.form,
        "form_version": report.form_version,
        "year": report.year,
        "agency": None
        if report.agency is None
        else {
            "code": report.agency.code,
            "name": report.agency.name,
            "kind": report.agency.kind,
            "source": report.agency.source,
        },
        "sheet": report.sheet,
        "rows": [
            {
                "r": row.sheet_row,
                "v": _plain_map(row.values),
                "raw": _plain_map(row.raw),
                "c": dict(row.cells),
            }
            for row in report.rows
        ],
        "indicators": {k: _plain_map(v) for k, v in report.indicators.items()},
        "narratives": dict(report.narratives),
        "summary": {
            "tasks": report.summary.tasks,
            "total": report.summary.total,
            "state_budget": report.summary.state_budget,
            "counterpart": report.summary.counterpart,
        },
        "problems": [_problem(p) for p in report.problems],
        "readable": report.readable,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def report_from_json(text: str) -> FileReport:
    """Rebuild a report stored by :func:`report_to_json`."""
    data = json.loads(text)
    if data.get("v") != CODEC_VERSION:
        raise ValueError("cached report written by another codec version")
    agency = data.get("agency")
    summary = data.get("summary") or {}
    return FileReport(
        path=data["path"],
        form=data.get("form"),
        form_version=data.get("form_version"),
        year=data.get("year"),
        agency=None
        if agency is None
        else AgencyRef(
            code=agency["code"],
            name=agency["name"],
            kind=agency["kind"],
            source=agency.get("source", ""),
        ),
        sheet=data.get("sheet"),
        rows=[
            TaskRow(sheet_row=row["r"], values=row["v"], raw=row["raw"], cells=row["c"])
            for row in data.get("rows", [])
        ],
        indicators=data.get("indicators", {}),
        narratives=data.get("narratives", {}),
        summary=BudgetSummary(
            tasks=int(summary.get("tasks", 0)),
            total=float(summary.get("total", 0.0)),
            state_budget=float(summary.get("state_budget", 0.0)),
            counterpart=float(summary.get("counterpart", 0.0)),
        ),
        problems=[
            Problem(
                code=p["code"],
                severity=p["severity"],
                message=p["message"],
                fix=p.get("fix", ""),
                file=p.get("file"),
                sheet=p.get("sheet"),
                cell=p.get("cell"),
                row=p.get("row"),
                column=p.get("column"),
                params=p.get("params", {}),
            )
            for p in data.get("problems", [])
        ],
        readable=bool(data.get("readable", True)),
    )
