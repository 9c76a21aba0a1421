"""The analysis of a round's tasks for the selection: each task's priority area
(:mod:`sync.priority_areas`) and the groups of the same or nearly the same tasks
(:mod:`sync.duplicates`), computed once per consolidation (:class:`Analysis`).

(Measured and not kept: computing it in a forked worker process while the table is
written. The parent's writing got slower by more than the analysis took, the pages
it touched being shared with the child: 0.3 s lost on the benchmark's 10,000 tasks.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nscl.forms import TableForm
from nscl.report import TaskRow
from sync.duplicates import DuplicateSearch, find_duplicates
from sync.model import Submission
from sync.priority_areas import TEXT_KEYS, Area, AreaRules
from sync.selection import DECISIONS, Selection

__all__ = ["Analysis", "analyse_tasks", "task_texts"]

AnalysisJob = tuple[AreaRules, list[dict[str, str]], list[str]]
AnalysisResult = tuple[list[int | None], DuplicateSearch]


def analyse_tasks(job: AnalysisJob) -> AnalysisResult:
    """Each task's area number (None: unclassified) and the duplicate groups, from the
    rules, each task's texts (Form A keys) and each task's name as shown."""
    rules, texts, names = job
    areas = [area.number if (area := rules.classify(values)) is not None else None
             for values in texts]
    return areas, find_duplicates(names)


def task_texts(row: TaskRow) -> dict[str, str]:
    """What the classification reads of a task."""
    return {key: value for key in ("task_name", *TEXT_KEYS)
            if isinstance(value := row.values.get(key), str) and value}


@dataclass
class Analysis:
    """What the selection's sheets and the JSON result need of the consolidation's
    tasks: their identities, areas and duplicates (computed once per consolidation)."""

    rules: AreaRules
    ids: dict[int, dict[int, str]]  # id(report) -> id(row) -> task id
    areas: dict[str, Area | None]  # by task id
    tasks: list[tuple[Submission, TaskRow, str]]  # master order, with the task id
    duplicates: DuplicateSearch
    # Each task's amounts, when the table's writer has computed them (by task id).
    amounts: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    _figures: dict[str, dict[str, float]] | None = field(default=None, repr=False)

    def area_label(self, tid: str) -> str:
        """The task's area as the master shows it."""
        area = self.areas.get(tid)
        return area.label if area is not None else self.rules.unclassified

    def labels(self) -> list[str]:
        """Every area's label, then the unclassified one."""
        return [a.label for a in self.rules.areas] + [self.rules.unclassified]

    def area_figures(self, selection: Selection,
                     table: TableForm) -> dict[str, dict[str, float]]:
        """Per area label: "tasks", each money column's sum, the tasks of each decision
        ("include", "clarify", "exclude") and "include_total" (their Tổng số)."""
        if self._figures is not None:
            return self._figures
        from sync.form_a import row_amounts

        money_keys = [c.key for c in table.money_columns]
        total_key = next(c.key for c in table.columns if c.computed)
        figures: dict[str, dict[str, float]] = {
            label: {"tasks": 0, **dict.fromkeys(money_keys, 0.0),
                    **dict.fromkeys(DECISIONS, 0), "include_total": 0.0}
            for label in self.labels()}
        for _, row, tid in self.tasks:
            figure = figures[self.area_label(tid)]
            figure["tasks"] += 1
            amounts = self.amounts.get(tid) or row_amounts(table, row)
            for key in money_keys:
                figure[key] += amounts[key]
            decision = selection.decisions.get(tid)
            if decision is not None and decision.code in DECISIONS:
                figure[decision.code] += 1
                if decision.code == "include":
                    figure["include_total"] += amounts[total_key]
        self._figures = figures
        return figures
