"""Read and check Form B, the annual results report.

The quantitative part is the "Chỉ tiêu" table: indicator names from
:func:`nscl.forms.form_b` in any order, a "Năm {year}" column and a "Lũy kế …"
column. The narrative part follows the "Báo cáo" outline (I-IV): the text written under
or beside each heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nscl.rules  # noqa: F401  (registers the rules used here)
from nscl.forms import Indicator, OutlineItem, ReportForm, fill
from nscl.legacy import to_unicode
from nscl.locate import IndicatorLocation, a1, cell_text, is_number_row
from nscl.numbers import MAX_AMOUNT, format_number, parse_number
from nscl.problems import Problem, get_rule
from nscl.table_checks.rows import FOOTER_PATTERN
from nscl.text import compare_key

__all__ = ["IndicatorResult", "check_indicators", "read_narratives"]

_LEADING_NUMBER = re.compile(r"^\s*(?:[ivx]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s*|^\s*[-+•–]\s*")
_TOLERANCE = 0.001


@dataclass
class IndicatorResult:
    """Indicator values (``key -> {name, unit, report_year, cumulative, cells}``) and problems."""

    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _name_key(text: str) -> str:
    return compare_key(_LEADING_NUMBER.sub("", compare_key(text)))


def _match_indicator(text: str, index: dict[str, Indicator]) -> Indicator | None:
    key = _name_key(text)
    found = index.get(key)
    if found is not None:
        return found
    if key.startswith("trong đó"):
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(key, list(index), scorer=fuzz.ratio, score_cutoff=90)
    return index[best[0]] if best else None


def check_indicators(
    grid: Sequence[Sequence[Any]],
    loc: IndicatorLocation,
    form: ReportForm,
    *,
    sheet: str,
    file: str | None = None,
) -> IndicatorResult:
    """Read the indicator rows under ``loc`` and check counts, amounts, rates and totals."""
    result = IndicatorResult()
    index = {_name_key(ind.name): ind for ind in form.indicators}
    # "Trong đó: …" names start with those words: index them too.
    for ind in form.indicators:
        index.setdefault(compare_key(ind.name), ind)
    group_titles = {_name_key(g.title) for g in form.groups}
    year_label = f"năm {loc.year}" if loc.year else "năm báo cáo"
    periods = (("report_year", loc.year_col, year_label), ("cumulative", loc.cumulative_col,
                                                           "lũy kế"))

    def add(code: str, cell: str | None, at_row: int | None, /, **params: Any) -> None:
        result.problems.append(
            get_rule(code).problem(file=file, sheet=sheet, cell=cell, row=at_row, **params)
        )

    for r in range(loc.header_row + 1, len(grid)):
        row = grid[r]
        if is_number_row(row):  # the "(1) (2) (3) …" row under the headers
            continue
        name_raw = row[loc.name_col] if loc.name_col < len(row) else ""
        name = to_unicode(cell_text(name_raw)) if isinstance(name_raw, str) else cell_text(name_raw)
        raw_values = {
            period: (row[col] if col < len(row) else "") for period, col, _ in periods
        }
        has_values = any(cell_text(v) for v in raw_values.values())
        if not name:
            continue
        indicator = _match_indicator(name, index)
        if indicator is None:
            if has_values and _name_key(name) not in group_titles:
                add("indicator-unknown", a1(r, loc.name_col), r + 1, name=name[:80])
            continue
        if indicator.key in result.indicators:
            continue
        entry: dict[str, Any] = {
            "name": indicator.name,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "row": r + 1,
            "cells": {period: a1(r, col) for period, col, _ in periods},
        }
        for period, col, label in periods:
            cell = a1(r, col)
            value = raw_values[period]
            parsed = parse_number(value)
            number = parsed.value
            if parsed.invalid:
                add("indicator-not-number", cell, r + 1, name=indicator.name, period=label,
                    value=cell_text(value)[:60])
            elif number is not None and abs(number) > MAX_AMOUNT:
                shown = cell_text(value)[:60] if isinstance(value, str) else format_number(number)
                add("indicator-too-large", cell, r + 1, name=indicator.name, period=label,
                    value=shown, limit=format_number(MAX_AMOUNT))
                number = None  # left out of the sums (see MAX_AMOUNT)
            elif number is not None:
                if parsed.style != "native":
                    add("number-as-text", cell, r + 1, header=f"{indicator.name} ({label})",
                        value=cell_text(value)[:60], number=format_number(number))
                if number < 0:
                    add("indicator-negative", cell, r + 1, name=indicator.name, period=label,
                        number=format_number(number))
                elif indicator.kind == "count" and not float(number).is_integer():
                    add("indicator-fractional", cell, r + 1, name=indicator.name, period=label,
                        number=format_number(number))
                elif indicator.kind == "rate" and number > 100:
                    add("indicator-rate-range", cell, r + 1, name=indicator.name, period=label,
                        number=format_number(number))
            entry[period] = number
        year_value, cumulative = entry.get("report_year"), entry.get("cumulative")
        if (
            indicator.kind in ("count", "amount")
            and isinstance(year_value, float)
            and isinstance(cumulative, float)
            and cumulative + _TOLERANCE < year_value
        ):
            add("cumulative-less-than-year", entry["cells"]["cumulative"], r + 1,
                name=indicator.name, cumulative=format_number(cumulative),
                value=format_number(year_value))
        result.indicators[indicator.key] = entry
    # Computed indicators (the budget total) against their parts.
    for indicator in form.indicators:
        parts = indicator.computed_from
        entry_or_none = result.indicators.get(indicator.key)
        if not parts or entry_or_none is None:
            continue
        for period, _, label in periods:
            values = [result.indicators.get(p, {}).get(period) for p in parts]
            if any(not isinstance(v, float) for v in values):
                continue
            expected = sum(v for v in values if isinstance(v, float))
            total = entry_or_none.get(period)
            if total is None:
                entry_or_none[period] = expected
            elif abs(total - expected) > _TOLERANCE:
                add("indicator-total-mismatch", entry_or_none["cells"][period],
                    entry_or_none["row"], name=indicator.name, period=label,
                    total=format_number(total), expected=format_number(expected))
    missing = [ind.name for ind in form.indicators if ind.key not in result.indicators]
    if missing:
        add("indicator-missing", None, None, count=len(missing), names="; ".join(missing))
    return result


def _heading_index(form: ReportForm, year: int | None) -> dict[str, OutlineItem]:
    index: dict[str, OutlineItem] = {}
    for item in form.outline:
        title = item.title_for(year) if year else item.title
        index.setdefault(_name_key(title), item)
        if year is None:
            # Without a year, compare with the year placeholder removed.
            index.setdefault(_name_key(item.title.replace("{year}", "")), item)
    return index


def read_narratives(
    grid: Sequence[Sequence[Any]],
    form: ReportForm,
    year: int | None,
    *,
    sheet: str,
    file: str | None = None,
) -> tuple[dict[str, str], list[Problem], int]:
    """Narrative text per outline key, "narrative-missing" problems, and headings found.

    A narrative is the text beside its heading (same row) or in the rows below it, up to
    the next heading.
    """
    index = _heading_index(form, year)
    headings: list[tuple[int, int, OutlineItem]] = []
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.strip() and len(value) < 300:
                item = index.get(_name_key(value))
                if item is not None:
                    headings.append((r, c, item))
                    break
    narratives: dict[str, str] = {}
    problems: list[Problem] = []
    for i, (r, c, item) in enumerate(headings):
        if not item.narrative or not item.key:
            continue
        end = headings[i + 1][0] if i + 1 < len(headings) else len(grid)
        parts = [cell_text(v) for v in grid[r][c + 1:] if cell_text(v)]
        for rr in range(r + 1, end):
            texts = [cell_text(v) for v in grid[rr] if cell_text(v)]
            if any(FOOTER_PATTERN.search(compare_key(t)) for t in texts[:2]):
                break  # the signature block ends the report
            parts.extend(texts)
        # The form's own guidance under a heading (copied from the letter) is not an answer.
        note = compare_key(fill(item.note, year)) if item.note and year else None
        text = "\n".join(
            p for p in parts if p.strip(". …") and (note is None or compare_key(p) != note)
        ).strip()
        if text:
            narratives[item.key] = to_unicode(text)
        else:
            problems.append(
                get_rule("narrative-missing").problem(
                    file=file, sheet=sheet, cell=a1(r, c), row=r + 1,
                    number=item.number, title=item.title_for(year) if year else item.title,
                )
            )
    return narratives, problems, len(headings)
