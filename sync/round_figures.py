"""The figures of an annual report round (Form B), for the master and the national report.

Each counted report gives, for every indicator of the form, the year's value and the
cumulative value since the start of the Program. :func:`round_figures` puts them in a
pandas table (agencies × indicators × {year, cumulative}) and derives from it:

* the national figure of each indicator: the sum over every agency that gave a number
  (an agency whose file has errors included: its figures are still its report), and how
  many agencies gave one; a rate is never summed (the lowest and highest rates reported
  are kept instead);
* last year's national figures, from the values the state folder kept of last year's
  round (:class:`sync.consolidate.History`), and the year-on-year change;
* the national year values of every year kept, for the progress chart;
* progress towards the Decision 1322 targets given as numbers in the form description
  (``[[groups.indicators.targets]]``): a "total" target (so many over a period) counts
  the national cumulative when the period starts with the Program, else the national
  values of the period's years so far (each year's round kept in the state folder;
  unknown when one is missing); a "growth" target compares the year's national value
  with last year's; a "level" target (a rate) shows the range of rates reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nscl.forms import Indicator, IndicatorTarget, ReportForm
from nscl.numbers import format_number

if TYPE_CHECKING:
    import pandas as pd

    from sync.consolidate import History
    from sync.model import Submission

__all__ = [
    "PERIODS",
    "NationalFigure",
    "RoundFigures",
    "TargetProgress",
    "report_value",
    "round_figures",
]

PERIODS: tuple[str, str] = ("year", "cumulative")
# The report's entry key of each period (nscl.checks_report).
_ENTRY_KEYS = {"year": "report_year", "cumulative": "cumulative"}


def report_value(indicators: dict[str, dict[str, Any]], key: str, period: str) -> float | None:
    """A report's value of an indicator for a period ("year", "cumulative"): a finite
    number, else None."""
    value = indicators.get(key, {}).get(_ENTRY_KEYS[period])
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class NationalFigure:
    """An indicator's national figure: the sums (None for a rate, or when no agency gave
    a number), how many agencies gave a number, and the range of the values given (for
    a rate)."""

    year: float | None
    cumulative: float | None
    agencies: int
    low: float | None = None
    high: float | None = None

    def range_text(self, unit: str) -> str:
        """ "từ 60% đến 68%" (a rate), "" when nothing was reported."""
        if self.low is None or self.high is None:
            return ""
        suffix = unit if unit == "%" else f" {unit}"
        if self.low == self.high:
            return f"{format_number(self.low)}{suffix}"
        return f"từ {format_number(self.low)}{suffix} đến {format_number(self.high)}{suffix}"


@dataclass(frozen=True)
class TargetProgress:
    """Where the country stands against a numeric target: what was achieved towards it
    (None when the state folder lacks the years needed), its share of the target, and a
    Vietnamese note."""

    target: IndicatorTarget
    achieved: float | None
    ratio: float | None
    note: str


@dataclass
class RoundFigures:
    """Everything the master and the national report show of a round's figures."""

    form: ReportForm
    year: int | None
    values: pd.DataFrame  # agency code × (indicator key, period), NaN where none
    national: dict[str, NationalFigure] = field(default_factory=dict)
    previous: dict[str, NationalFigure] = field(default_factory=dict)  # N-1, when kept
    change: dict[str, float | None] = field(default_factory=dict)  # year value vs N-1
    series: dict[int, dict[str, float | None]] = field(default_factory=dict)
    progress: dict[str, TargetProgress] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        """Whether last year's round is kept in the state folder."""
        return bool(self.previous)

    def agency_value(self, code: str, key: str, period: str) -> float | None:
        """One agency's value (None where it gave none)."""
        try:
            value = float(self.values.loc[code, (key, period)])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            return None
        return None if math.isnan(value) else value


def _frame(rows: Sequence[tuple[str, dict[str, dict[str, Any]]]],
           indicators: Sequence[Indicator]) -> pd.DataFrame:
    """Agencies (rows: code, the report's indicator entries) × (key, period)."""
    import pandas as pd

    columns = pd.MultiIndex.from_tuples(
        [(ind.key, period) for ind in indicators for period in PERIODS],
        names=["indicator", "period"],
    )
    data = [[report_value(entries, ind.key, period) for ind in indicators
             for period in PERIODS] for _, entries in rows]
    return pd.DataFrame(data, index=pd.Index([code for code, _ in rows], name="agency"),
                        columns=columns, dtype=float)


def _national(frame: pd.DataFrame, indicators: Sequence[Indicator]) -> dict[str, NationalFigure]:
    """Each indicator's national figure from an agencies × indicators table."""
    out: dict[str, NationalFigure] = {}
    if frame.empty:
        return {ind.key: NationalFigure(None, None, 0) for ind in indicators}
    sums = frame.sum(min_count=1)
    given = frame.notna()
    for ind in indicators:
        block = frame[ind.key]
        count = int(given[ind.key].T.any().sum())
        if ind.summable:
            year = float(sums[(ind.key, "year")])
            cumulative = float(sums[(ind.key, "cumulative")])
            out[ind.key] = NationalFigure(
                None if math.isnan(year) else float(year),
                None if math.isnan(cumulative) else float(cumulative), count)
        else:  # a rate: the range of the values given (cumulative = value at year end)
            reported = block["cumulative"].fillna(block["year"]).dropna()
            out[ind.key] = NationalFigure(
                None, None, count,
                float(reported.min()) if len(reported) else None,
                float(reported.max()) if len(reported) else None)
    return out


def _kept_frame(kept: dict[str, dict[str, tuple[float | None, float | None]]],
                indicators: Sequence[Indicator]) -> pd.DataFrame:
    rows = [(code, {key: {"report_year": y, "cumulative": c}
                    for key, (y, c) in values.items()})
            for code, values in sorted(kept.items())]
    return _frame(rows, indicators)


def round_figures(form: ReportForm, year: int | None, submissions: Iterable[Submission],
                  history: History) -> RoundFigures:
    """The figures of a round (see the module docstring)."""
    indicators = form.indicators
    subs = list(submissions)
    frame = _frame([(sub.agency.code, sub.report.indicators) for sub in subs], indicators)
    figures = RoundFigures(form=form, year=year, values=frame,
                           national=_national(frame, indicators))
    if year is None:
        return figures
    kept_years = [y for y in history.years() if y < year]
    national_of: dict[int, dict[str, NationalFigure]] = {
        y: _national(_kept_frame(history.values(y), indicators), indicators)
        for y in kept_years
    }
    national_of[year] = figures.national
    figures.previous = national_of.get(year - 1, {})
    for ind in indicators:
        now = figures.national[ind.key].year
        before = figures.previous.get(ind.key)
        figures.change[ind.key] = (now / before.year - 1) if (
            ind.summable and now is not None and before is not None and before.year
        ) else None
    figures.series = {y: {ind.key: national_of[y][ind.key].year for ind in indicators}
                      for y in sorted(national_of)}
    for ind in indicators:
        target = ind.target_for(year)
        if target is not None:
            figures.progress[ind.key] = _progress(ind, target, year, national_of,
                                                  form.program_start_year)
    return figures


def _progress(ind: Indicator, target: IndicatorTarget, year: int,
              national_of: dict[int, dict[str, NationalFigure]], start: int) -> TargetProgress:
    """Progress of the country towards ``target`` in ``year``."""
    now = national_of[year][ind.key]
    unit = ind.unit
    if target.kind == "total":
        if target.first <= start:  # the cumulative since the start of the Program
            if now.cumulative is None:
                return TargetProgress(target, None, None, "Chưa có đơn vị báo cáo lũy kế.")
            achieved = now.cumulative
            since = "từ đầu Chương trình"
        else:  # the years of the period so far, each year's national value
            if now.year is None:
                return TargetProgress(target, None, None,
                                      f"Chưa có đơn vị báo cáo số liệu năm {year}.")
            years = range(target.first, year + 1)
            gaps = [y for y in years if national_of.get(y, {}).get(ind.key) is None
                    or national_of[y][ind.key].year is None]
            if gaps:
                return TargetProgress(
                    target, None, None,
                    f"Không đủ dữ liệu: chưa có số liệu cả nước năm "
                    f"{', '.join(map(str, gaps))} trong dữ liệu đã tổng hợp.")
            achieved = sum(national_of[y][ind.key].year or 0.0 for y in years)
            since = f"từ năm {target.first}"
        return TargetProgress(
            target, achieved, achieved / target.value if target.value else None,
            f"Đạt {format_number(achieved)}/{format_number(target.value)} {unit} {since}.")
    if target.kind == "growth":
        before = national_of.get(year - 1, {}).get(ind.key)
        if now.year is None or before is None or not before.year:
            return TargetProgress(target, None, None,
                                  f"Không đủ dữ liệu: chưa có số liệu cả nước năm {year - 1}.")
        growth = (now.year / before.year - 1) * 100
        verdict = "đạt" if growth >= target.value else "chưa đạt"
        change = f"Tăng {format_number(growth, 1)}%" if growth >= 0 else \
            f"Giảm {format_number(-growth, 1)}%"
        return TargetProgress(
            target, growth, growth / target.value if target.value else None,
            f"{change} so với năm {year - 1} (mục tiêu tăng {format_number(target.value)}%"
            f"/năm): {verdict}.")
    # "level": a rate to reach by the period's end; rates are not summed.
    shown = now.range_text(unit)
    return TargetProgress(
        target, None, None,
        f"Các đơn vị báo cáo {shown} (mục tiêu {format_number(target.value)}{unit} đến năm "
        f"{target.last})." if shown else "Chưa có đơn vị báo cáo.")
