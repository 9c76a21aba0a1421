"""Per-form consolidators: the form-specific part of the master workbook.

The pipeline, the ledger, completeness, feedback and the generic sheets of the master
(submission status, problems, changes) are the same for every form. What differs is
how an agency's file becomes rows of the consolidated table, which figures summarise
an agency, how two versions of a file differ, and which charts make sense. A
:class:`Consolidator` holds exactly that; Form A's lives in :mod:`sync.form_a`. Form B
(annual report) plugs in by adding a module and one line to :data:`_CONSOLIDATORS`;
``tests/test_sync_plugin.py`` runs the whole pipeline with a second, minimal one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

from nscl.report import FileReport
from sync.model import Consolidation

__all__ = ["ChartContext", "Consolidator", "Figure", "FigureColumn", "consolidator_for"]


@dataclass(frozen=True)
class FigureColumn:
    """A per-agency figure shown in the "Theo đơn vị" sheet and the JSON output."""

    key: str  # JSON key: "tasks", "total", "state_budget", "counterpart" …
    header: str  # Vietnamese column header
    kind: str  # "count", "money", "percent"
    width: float = 12
    in_result: bool = True  # also a key of each agency and of "totals" in the JSON result


Figure = dict[str, float | int | None]


@dataclass(frozen=True)
class ChartContext:
    """Where the generic sheets put the data a consolidator may chart."""

    by_agency_sheet: str
    first_row: int  # 0-based, first agency row
    last_row: int  # 0-based, last agency row (inclusive); < first_row when none
    name_col: int
    figure_cols: dict[str, int]


class Consolidator(Protocol):
    """The form-specific part of consolidation (see the module docstring)."""

    form: str
    sheet_name: str  # the consolidated table sheet ("Tổng hợp")

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        """Per-agency figures, in column order."""
        ...

    def figures(self, report: FileReport) -> Figure:
        """The figures of one agency's report (keys of :meth:`figure_columns`)."""
        ...

    def totals(self, consolidation: Consolidation) -> Figure:
        """The figures summed over every counted submission."""
        ...

    def row_count(self, report: FileReport) -> int:
        """How many rows of this report go into the consolidated table."""
        ...

    def describe_rows(self, report: FileReport) -> str:
        """The report's rows in words, for the changes sheet ("3 nhiệm vụ")."""
        ...

    def by_agency_note(self, year: int | None) -> str:
        """The note under the title of the "Theo đơn vị" sheet (what the figures are)."""
        ...

    def totals_text(self, totals: Figure) -> str:
        """One Vietnamese sentence with the totals, for the run's summary."""
        ...

    def write_table(self, workbook: Any, styles: Any, consolidation: Consolidation) -> int:
        """Add the consolidated table sheet; return the number of data rows written."""
        ...

    def diff(self, old: FileReport, new: FileReport) -> list[tuple[str, str, str]]:
        """Row-level differences: (kind, task label, detail) with kind one of
        ``task-added``, ``task-removed``, ``task-changed``."""
        ...

    def add_charts(self, workbook: Any, sheet: Any, context: ChartContext, row: int) -> int:
        """Insert form-specific charts on the chart sheet at ``row``; return the next free row."""
        ...


_CONSOLIDATORS: dict[str, str] = {"A": "sync.form_a:FormAConsolidator"}


def supported_forms() -> tuple[str, ...]:
    """Forms that can be consolidated."""
    return tuple(_CONSOLIDATORS)


def consolidator_for(form: str) -> Consolidator:
    """The consolidator of a form letter; ``KeyError`` for a form not supported yet."""
    module_name, _, class_name = _CONSOLIDATORS[form.upper()].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    instance: Consolidator = cls()
    return instance
