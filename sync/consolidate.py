"""Per-form consolidators: the form-specific part of the master workbook.

The pipeline, the ledger, completeness, feedback and the generic sheets of the master
(submission status, problems, changes) are the same for every form. What differs is
how an agency's file becomes rows of the consolidated table, which figures summarise
an agency, how two versions of a file differ, and which charts make sense. A
:class:`Consolidator` holds exactly that; Form A's lives in :mod:`sync.form_a`, Form B's
(the annual report round) in :mod:`sync.form_b`. Another form plugs in by adding a
module and one line to :data:`_CONSOLIDATORS`; ``tests/test_sync_plugin.py`` runs the
whole pipeline with a second, minimal one.

Beyond its table, a consolidator may (each with a default in :class:`BaseConsolidator`):
check the round against what earlier rounds kept in the state folder (:meth:`review`,
given a :class:`History`) and say what to keep for the next ones (:meth:`accepted`);
write its own "Theo đơn vị" sheet and sheets of its own (:meth:`write_by_agency`,
:meth:`write_details`); give its own keys in the JSON result (:meth:`agency_result`,
:meth:`totals_result`, :meth:`extra_result`); and write documents beside the master
(:meth:`write_documents`, Form B's draft national report). Form A's also takes the
staff's decisions on each task (``takes_decisions``, :mod:`sync.selection`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Any, Protocol

from nscl.report import FileReport
from sync.ledger import IndicatorValue
from sync.model import Consolidation

__all__ = [
    "BaseConsolidator",
    "ChartContext",
    "Consolidator",
    "Figure",
    "FigureColumn",
    "History",
    "NoHistory",
    "consolidator_for",
    "supported_forms",
]


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


class History(Protocol):
    """What earlier rounds of the form kept in the state folder (the ledger)."""

    def values(self, year: int) -> dict[str, dict[str, tuple[float | None, float | None]]]:
        """A year's kept values: agency code -> indicator -> (year value, cumulative)."""
        ...

    def years(self) -> list[int]:
        """The years with kept values, in order."""
        ...


class NoHistory:
    """No earlier round known (a trial run without a ledger)."""

    def values(self, year: int) -> dict[str, dict[str, tuple[float | None, float | None]]]:
        """Nothing."""
        return {}

    def years(self) -> list[int]:
        """None."""
        return []


class Consolidator(Protocol):
    """The form-specific part of consolidation (see the module docstring)."""

    form: str
    sheet_name: str  # the consolidated table sheet ("Tổng hợp")
    charts_sheet: str  # the chart sheet ("Biểu đồ")
    charts_title: str  # its title
    item_label: str  # what a change's item is, as the changes sheet's header ("Nhiệm vụ")
    takes_decisions: bool  # the master carries the staff's decisions (Form A)

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

    def review(self, consolidation: Consolidation, history: History) -> None:
        """Check the round against earlier rounds (problems added to the submissions'
        reports) before the master is written."""
        ...

    def accepted(self, consolidation: Consolidation) -> list[IndicatorValue]:
        """What the round's counted files give the next rounds (kept in the ledger)."""
        ...

    def write_by_agency(self, workbook: Any, styles: Any,
                        consolidation: Consolidation) -> ChartContext | None:
        """Write a "Theo đơn vị" sheet of the form's own and return where its figures are;
        None to have the generic one written."""
        ...

    def write_details(self, workbook: Any, styles: Any, consolidation: Consolidation) -> None:
        """Add the form's other sheets (after "Theo đơn vị")."""
        ...

    def agency_result(self, report: FileReport | None) -> dict[str, Any]:
        """The form's keys of one agency in the JSON result (``report`` None: nothing
        received)."""
        ...

    def totals_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """The ``totals`` of the JSON result."""
        ...

    def write_documents(self, consolidation: Consolidation, master: Path,
                        tz: timezone) -> dict[str, str]:
        """Write documents beside the master; JSON result key -> path."""
        ...

    def extra_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """The form's own keys of the JSON result (Form A: ``selection``, ``duplicates``,
        ``priority_areas``)."""
        ...


class BaseConsolidator:
    """Defaults of the optional parts of :class:`Consolidator` (see the module
    docstring): no review, nothing kept, the generic "Theo đơn vị" sheet, no other
    sheets, the figure columns as the JSON keys, no documents."""

    charts_sheet = "Biểu đồ"
    charts_title = "BIỂU ĐỒ TỔNG HỢP"
    item_label = "Nhiệm vụ"
    # Whether the master carries the staff's decisions on each row (Form A), read back
    # by the next run (:mod:`sync.selection`).
    takes_decisions = False

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        """Per-agency figures, in column order (the subclass's)."""
        raise NotImplementedError

    def figures(self, report: FileReport) -> Figure:
        """The figures of one agency's report (the subclass's)."""
        raise NotImplementedError

    def totals(self, consolidation: Consolidation) -> Figure:
        """The figures summed over every counted submission (the subclass's)."""
        raise NotImplementedError

    def review(self, consolidation: Consolidation, history: History) -> None:
        """No check against earlier rounds."""

    def accepted(self, consolidation: Consolidation) -> list[IndicatorValue]:
        """Nothing kept."""
        return []

    def write_by_agency(self, workbook: Any, styles: Any,
                        consolidation: Consolidation) -> ChartContext | None:
        """The generic sheet."""
        return None

    def write_details(self, workbook: Any, styles: Any, consolidation: Consolidation) -> None:
        """No other sheet."""

    def _result_figures(self, fig: Figure) -> dict[str, int | float]:
        """The figures in the JSON: counts as int, others float, 0 if none."""
        return {c.key: int(fig.get(c.key) or 0) if c.kind == "count"
                else float(fig.get(c.key) or 0.0)
                for c in self.figure_columns() if c.in_result}

    def agency_result(self, report: FileReport | None) -> dict[str, Any]:
        """The agency's figures (0 when nothing was received)."""
        return self._result_figures(self.figures(report) if report is not None else {})

    def totals_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """The figures summed over every counted submission."""
        return self._result_figures(self.totals(consolidation))

    def write_documents(self, consolidation: Consolidation, master: Path,
                        tz: timezone) -> dict[str, str]:
        """No document."""
        return {}

    def extra_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """No keys of the form's own in the JSON result."""
        return {}


_CONSOLIDATORS: dict[str, str] = {
    "A": "sync.form_a:FormAConsolidator",
    "B": "sync.form_b:FormBConsolidator",
}


def supported_forms() -> tuple[str, ...]:
    """Forms that can be consolidated."""
    return tuple(_CONSOLIDATORS)


def consolidator_for(form: str) -> Consolidator:
    """The consolidator of a form letter; ``KeyError`` for a form not supported yet."""
    module_name, _, class_name = _CONSOLIDATORS[form.upper()].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    instance: Consolidator = cls()
    return instance
