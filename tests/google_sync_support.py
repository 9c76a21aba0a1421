"""What the tests of the nightly Google path share: a stand-in with a folder of agency
spreadsheets (Google Sheets templates typed in by clerks, uploaded Excel files), a sync
configuration that collects from it, and a way to run one night."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nscl.a1 import a1
from nscl.google.publish import publish_template
from nscl.registry import get_agency
from nscl.template_build import plan_workbook
from sync.config import SyncConfig
from sync.demo_data import Task, generate_tasks, task_rows, write_submission
from sync.google_source import GoogleOptions
from sync.run import RunOutcome, run_sync
from tests.google_support import CLERK, FAST_POLICY, World

YEAR = 2027
_UPLOADS: dict[tuple[str, tuple[Task, ...]], bytes] = {}


@dataclass
class Sheet:
    """An agency's Google Sheets template in the folder."""

    agency: str
    id: str
    table_sheet: str
    first_row: int  # 0-based first input row
    columns: tuple[str, ...]

    def a1(self, key: str, offset: int = 0) -> str:
        """The A1 cell of column ``key`` on the ``offset``-th input row."""
        return a1(self.first_row + offset, self.columns.index(key))


@dataclass
class Folder:
    """A stand-in folder of agency files and the installation that collects from it."""

    world: World
    root: Path
    sheets: dict[str, Sheet] = field(default_factory=dict)
    uploads: dict[str, str] = field(default_factory=dict)  # agency -> file id
    expected: tuple[str, ...] = ()

    @property
    def inbox(self) -> Path:
        path = self.root / "inbox"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def config(self, *, writeback: bool = False, inbox: Path | None = None,
               state: Path | None = None, master: Path | None = None,
               google: bool = True) -> SyncConfig:
        return SyncConfig(
            inbox=inbox or self.inbox, master=master or self.root / "out" / "tong-hop.xlsx",
            state=state or self.root / "state", year=YEAR, workers=1,
            expected=self.expected or None,
            google=replace(self.world.config, writeback=writeback) if google else None)

    def run(self, *, writeback: bool = False, deadline: float | None = 600.0,
            **config: Any) -> RunOutcome:
        """One night; the requests it sent are ``outcome.result["google"]["requests"]``."""
        options = GoogleOptions(clock=self.world.clock, policy=FAST_POLICY,
                                deadline_seconds=deadline)
        return run_sync(self.config(writeback=writeback, **config), google=options)

    # -- the agencies' side -------------------------------------------------------------

    def publish(self, agency: str, tasks: Sequence[Task], *, parent: str | None = None
                ) -> Sheet:
        """The agency's Form A template published in the folder (or ``parent``), its
        tasks typed in by a clerk."""
        ref = get_agency(agency)
        template = publish_template(self.world.api("publish"), "A",
                                    folder_id=parent or self.world.folder_id, year=YEAR,
                                    agency=ref)
        plan = plan_workbook("A", year=YEAR, agency=ref, target="google")
        assert plan.table is not None
        sheet = Sheet(agency, template.spreadsheet_id, plan.table.sheet,
                      plan.table.first_input_row, plan.table.columns)
        self.sheets[agency] = sheet
        self.type_tasks(agency, tasks)
        return sheet

    def type_tasks(self, agency: str, tasks: Sequence[Task], *, offset: int = 0) -> None:
        """A clerk types tasks into the agency's sheet (Tổng số is left to its formula)."""
        sheet = self.sheets[agency]
        for i, row in enumerate(task_rows(tasks)):
            values = [row.get(key) if key != "total" else None for key in sheet.columns]
            values = [f"'{v}" if isinstance(v, str) and v.startswith("=") else v
                      for v in values]
            first = sheet.a1(sheet.columns[0], offset + i)
            self.world.stand_in.type_in(sheet.id, f"'{sheet.table_sheet}'!{first}", [values],
                                        by=CLERK)

    def type(self, agency: str, key: str, value: Any, offset: int = 0) -> None:
        """A clerk types one value."""
        sheet = self.sheets[agency]
        self.world.stand_in.type_in(sheet.id, f"'{sheet.table_sheet}'!{sheet.a1(key, offset)}",
                                    [[value]], by=CLERK)

    def upload(self, agency: str, tasks: Sequence[Task], *, name: str | None = None) -> str:
        """The agency's Excel file (the official template filled in) uploaded to the
        folder."""
        key = (agency, tuple(tasks))
        if key not in _UPLOADS:  # the same workbook for every test that uploads it
            path = write_submission(self.root / "uploads" / f"{agency}.xlsx",
                                    agency_code=agency, year=YEAR, tasks=tasks)
            _UPLOADS[key] = path.read_bytes()
        file_id = self.world.stand_in.add_file(name or f"{get_agency(agency).name}.xlsx",
                                               _UPLOADS[key], parent=self.world.folder_id,
                                               owner=CLERK)
        self.uploads[agency] = file_id
        return file_id


def tasks(count: int, seed: int) -> list[Task]:
    """Clean sample tasks."""
    return generate_tasks(count, seed=seed)


def calls_since(world: World, mark: int) -> list[Any]:
    """The stand-in's calls after ``mark`` (a length of its call log), OAuth left out."""
    return [c for c in world.stand_in.calls[mark:] if c.api != "oauth"]


def by_agency(outcome: RunOutcome) -> dict[str, dict[str, Any]]:
    """The JSON agencies by code."""
    return {a["code"]: a for a in outcome.result["agencies"]}


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


def iter_cells(value: Any) -> Iterator[dict[str, Any]]:
    """Every cell (``CellData``) of a spreadsheets.get answer with grid data."""
    if isinstance(value, dict):
        if "userEnteredValue" in value or "userEnteredFormat" in value:
            yield value
        for item in value.values():
            yield from iter_cells(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_cells(item)
