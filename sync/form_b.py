"""Form B consolidator: the annual report round.

Every ministry and province reports its year under Program 1322 (the outline of seed
004: narratives per item, indicators with the year's value and the cumulative value
since 2021), in the template, a workbook of its own or a Word document. The round's
master holds:

* "Chỉ tiêu": the national figure of every indicator (year, cumulative, agencies
  reporting), last year's national figures, the Decision 1322 target and the progress
  towards it (:mod:`sync.round_figures`);
* "Theo đơn vị": agencies × indicators, year and cumulative, an agency with errors marked;
* "Nội dung": each outline item, with every agency's narrative (printable);
* "Tiến độ mục tiêu": the targets' progress and native charts (with the submission pie);
* "Tình hình nộp", "Lỗi kiểm tra", "Thay đổi" as for every form.

Before the master is written, each report is checked against last year's, kept in the
state folder (:mod:`sync.continuity`); after, the round's values are kept for next year
(:meth:`FormBConsolidator.accepted`) and the draft national report is written beside
the master (:mod:`sync.national_report`).
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path
from typing import Any

from nscl.forms import ReportForm, form_b
from nscl.numbers import format_number
from nscl.report import FileReport, figure_value
from nscl.text import compare_key
from sync.consolidate import (
    BaseConsolidator,
    ChartContext,
    Figure,
    FigureColumn,
    History,
    NoHistory,
)
from sync.ledger import IndicatorValue
from sync.model import Consolidation
from sync.round_figures import RoundFigures, report_value, round_figures

__all__ = ["FormBConsolidator"]


class FormBConsolidator(BaseConsolidator):
    """Consolidates Form B (annual results reports) across the years."""

    form = "B"
    sheet_name = "Chỉ tiêu"
    charts_sheet = "Tiến độ mục tiêu"
    charts_title = "TIẾN ĐỘ THỰC HIỆN MỤC TIÊU CỦA CHƯƠNG TRÌNH"
    item_label = "Chỉ tiêu, mục báo cáo"

    def __init__(self) -> None:
        self.report_form: ReportForm = form_b()
        self._history: History = NoHistory()
        self._figures: tuple[tuple[int, ...], int | None, RoundFigures] | None = None

    # -- the round's figures -------------------------------------------------------------

    def round(self, consolidation: Consolidation) -> RoundFigures:
        """The round's figures (computed once per set of counted reports)."""
        subs = consolidation.submissions
        key = tuple(id(sub.report) for sub in subs)
        if self._figures is not None and self._figures[:2] == (key, consolidation.year):
            return self._figures[2]
        figures = round_figures(self.report_form, consolidation.year, subs, self._history)
        self._figures = (key, consolidation.year, figures)
        return figures

    def review(self, consolidation: Consolidation, history: History) -> None:
        """Each report against last year's kept values (:mod:`sync.continuity`)."""
        from sync.continuity import check_continuity

        self._history = history
        self._figures = None
        year = consolidation.year
        if year is None:
            return
        check_continuity(consolidation.submissions, self.report_form, year,
                         history.values(year - 1))

    def accepted(self, consolidation: Consolidation) -> list[IndicatorValue]:
        """Every number each counted report gives, for next year's round."""
        out: list[IndicatorValue] = []
        for sub in consolidation.submissions:
            indicators = sub.report.indicators
            for ind in self.report_form.indicators:
                value = report_value(indicators, ind.key, "year")
                cumulative = report_value(indicators, ind.key, "cumulative")
                if value is not None or cumulative is not None:
                    out.append(IndicatorValue(sub.agency.code, ind.key, value, cumulative,
                                              sub.sha256))
        return out

    # -- figures of the generic parts ----------------------------------------------------

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        """None: the round writes its own "Theo đơn vị" sheet and JSON keys."""
        return ()

    def figures(self, report: FileReport) -> Figure:
        """The report's year values by indicator key."""
        return {ind.key: report_value(report.indicators, ind.key, "year")
                for ind in self.report_form.indicators}

    def totals(self, consolidation: Consolidation) -> Figure:
        """National figures: ``<key>`` (year) and ``<key>_cumulative``; rates none."""
        national = self.round(consolidation).national
        out: Figure = {}
        for key, figure in national.items():
            out[key] = figure.year
            out[f"{key}_cumulative"] = figure.cumulative
            out[f"{key}_agencies"] = figure.agencies
        out["agencies"] = len(consolidation.submissions)
        return out

    def agency_result(self, report: FileReport | None) -> dict[str, Any]:
        """``{"indicators": {key: {"year", "cumulative"}}}`` (every key of the form)."""
        if report is None:
            return {"indicators": {ind.key: {"year": None, "cumulative": None}
                                   for ind in self.report_form.indicators}}
        return {"indicators": report.indicator_figures()}

    def totals_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """``{"indicators": {key: {"year", "cumulative", "agencies"}}}``; a rate's sums
        are None (rates are never summed)."""
        national = self.round(consolidation).national
        return {"indicators": {
            ind.key: {"year": figure_value(national[ind.key].year, ind.kind),
                      "cumulative": figure_value(national[ind.key].cumulative, ind.kind),
                      "agencies": national[ind.key].agencies}
            for ind in self.report_form.indicators
        }}

    def row_count(self, report: FileReport) -> int:
        """The indicators the report gives a number for (what the national sums count)."""
        return sum(1 for ind in self.report_form.indicators
                   if report_value(report.indicators, ind.key, "year") is not None
                   or report_value(report.indicators, ind.key, "cumulative") is not None)

    def describe_rows(self, report: FileReport) -> str:
        """ "18 chỉ tiêu, 12 mục nội dung"."""
        return f"{self.row_count(report)} chỉ tiêu, {len(report.narratives)} mục nội dung"

    def by_agency_note(self, year: int | None) -> str:
        """What the per-agency figures are."""
        period = f"năm {year}" if year else "năm báo cáo"
        return f"(Kết quả thực hiện {period} và lũy kế từ đầu Chương trình)"

    def totals_text(self, totals: Figure) -> str:
        """The national figures of the indicators with a numeric target, and the budget."""
        parts: list[str] = []
        for ind in self.report_form.indicators:
            if not ind.summable or not (ind.targets or (ind.computed and ind.budget_part)):
                continue
            year, cumulative = totals.get(ind.key), totals.get(f"{ind.key}_cumulative")
            if year is None and cumulative is None:
                continue
            text = f"{ind.name[:1].lower()}{ind.name[1:]}: " \
                   f"{format_number(float(year)) if year is not None else '—'} {ind.unit}"
            if cumulative is not None:
                text += f" (lũy kế {format_number(float(cumulative))})"
            parts.append(text)
        count = int(totals.get("agencies") or 0)
        head = f"Số liệu cả nước ({count} đơn vị báo cáo)"
        return f"{head}: {'; '.join(parts)}." if parts else f"{head}: chưa có số liệu."

    # -- the master ----------------------------------------------------------------------

    def write_table(self, workbook: Any, styles: Any, consolidation: Consolidation) -> int:
        """The national "Chỉ tiêu" sheet; returns the number of agency values summed."""
        from sync.form_b_sheets import write_national_sheet

        figures = self.round(consolidation)
        write_national_sheet(workbook, styles, self.sheet_name, consolidation, figures)
        return int(figures.values.notna().T.groupby(level=0).any().sum().sum()) \
            if not figures.values.empty else 0

    def write_by_agency(self, workbook: Any, styles: Any,
                        consolidation: Consolidation) -> ChartContext | None:
        """Agencies × indicators (year and cumulative)."""
        from sync.form_b_sheets import write_agency_matrix

        return write_agency_matrix(workbook, styles, consolidation, self.round(consolidation),
                                   self.by_agency_note(consolidation.year))

    def write_details(self, workbook: Any, styles: Any, consolidation: Consolidation) -> None:
        """"Nội dung": every agency's narrative under each outline item."""
        from sync.form_b_sheets import write_narratives_sheet

        write_narratives_sheet(workbook, styles, consolidation, self.round(consolidation))

    def add_charts(self, workbook: Any, sheet: Any, context: ChartContext, row: int) -> int:
        """The targets' progress table and its charts."""
        from sync.form_b_sheets import write_progress

        if self._figures is None:
            return row
        return write_progress(workbook, sheet, self._figures[2], row)

    def write_documents(self, consolidation: Consolidation, master: Path,
                        tz: timezone) -> dict[str, str]:
        """The draft national report, ``bao-cao-tong-hop-<year>.docx`` beside the master."""
        from sync.model import report_name
        from sync.national_report import write_national_report

        if consolidation.year is None:
            return {}
        path = master.with_name(report_name(consolidation.year))
        write_national_report(path, consolidation, self.round(consolidation), tz=tz)
        return {"report": str(path)}

    # -- differences ---------------------------------------------------------------------

    def diff(self, old: FileReport, new: FileReport) -> list[tuple[str, str, str]]:
        """Indicators whose figures changed and narratives rewritten."""
        out: list[tuple[str, str, str]] = []
        for ind in self.report_form.indicators:
            details = []
            for period, label in (("year", "năm"), ("cumulative", "lũy kế")):
                a = report_value(old.indicators, ind.key, period)
                b = report_value(new.indicators, ind.key, period)
                if a != b:
                    shown = [format_number(v) if v is not None else "(trống)" for v in (a, b)]
                    details.append(f"{label}: {shown[0]} → {shown[1]}")
            if details:
                out.append(("indicator-changed", f"{ind.number} {ind.name}", "; ".join(details)))
        for item in self.report_form.outline:
            if not item.key:
                continue
            before = old.narratives.get(item.key, "")
            after = new.narratives.get(item.key, "")
            if compare_key(before) != compare_key(after):
                what = "đã sửa" if before and after else ("đã thêm" if after else "đã bỏ")
                title = item.title_for(new.year) if new.year else item.title
                out.append(("narrative-changed", f"Mục {item.number} {title}",
                            f"Nội dung {what}"))
        return out
