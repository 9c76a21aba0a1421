"""Read and check Form B, the annual results report.

The quantitative part is the "Chỉ tiêu" table (or any table headed like it: a "Năm
{year}" column and a "Lũy kế …" column): each row's indicator is found from its name,
number and unit (:class:`nscl.report_match.IndicatorMatcher`: abbreviated, reworded or
reordered names), in any order; a row with figures matched to nothing is reported with
its text and cell. The narrative part follows the "Báo cáo" outline (I-IV): the text
written under or beside each heading, the headings found however they were typed
(:class:`nscl.report_match.OutlineMatcher`). The same checks serve the tables of a report
written in Word (:mod:`nscl.word_report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nscl.rules  # noqa: F401  (registers the rules used here)
from nscl.a1 import a1
from nscl.forms import ReportForm, fill, sum_of
from nscl.legacy import to_unicode
from nscl.locate import IndicatorLocation, cell_text, is_number_row
from nscl.numbers import MAX_AMOUNT, format_number, parse_number
from nscl.problems import Problem, get_rule
from nscl.report_match import IndicatorMatcher, OutlineMatcher, split_heading_number
from nscl.table_checks.rows import FOOTER_PATTERN
from nscl.text import compare_key

__all__ = [
    "IndicatorResult", "check_indicators", "is_footer_line", "narrative_text",
    "read_narratives",
]

_TOLERANCE = 0.001


@dataclass
class IndicatorResult:
    """Indicator values (``key -> {name, unit, report_year, cumulative, cells}``) and problems."""

    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# A line of the signature block is short; a narrative may well say "ngày 15 tháng 3" or
# begin "Chủ tịch UBND tỉnh đã …".
_FOOTER_LINE = 60


def is_footer_line(text: str) -> bool:
    """Whether ``text`` opens the signature block that ends a report ("Nơi nhận:",
    "TM. ỦY BAN NHÂN DÂN", "….., ngày … tháng … năm …")."""
    return len(text) <= _FOOTER_LINE and bool(FOOTER_PATTERN.search(compare_key(text)))


def _already_read(name: str, matcher: IndicatorMatcher,
                  found: dict[str, dict[str, Any]]) -> bool:
    """Whether ``name`` is an indicator read already on an earlier row (a repeated row
    is not an unknown indicator)."""
    again = matcher.match(name)
    return again is not None and again.key in found


def check_indicators(
    grid: Sequence[Sequence[Any]],
    loc: IndicatorLocation,
    form: ReportForm,
    *,
    sheet: str,
    file: str | None = None,
    cells_hold_text: bool = False,
) -> IndicatorResult:
    """Read the indicator rows under ``loc`` and check counts, amounts, rates and totals.

    ``cells_hold_text``: the table's cells can only hold text (a Word table), so a number
    written as text is no warning."""
    result = IndicatorResult()
    matcher = IndicatorMatcher(form)
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
        if not name or (not has_values and matcher.is_group_title(name)):
            continue
        seq = row[loc.seq_col] if loc.seq_col is not None and loc.seq_col < len(row) else None
        unit = row[loc.unit_col] if loc.unit_col is not None and loc.unit_col < len(row) \
            else None
        indicator = matcher.match(name, number=seq, unit=cell_text(unit) or None,
                                  exclude=result.indicators)
        if indicator is not None and not has_values and not matcher.is_exact(name, indicator):
            continue  # an empty row only near an indicator's name does not stand for it
        if indicator is None:
            if has_values and not _already_read(name, matcher, result.indicators):
                shown = "; ".join(f"{label}: {cell_text(raw_values[period])[:20]}"
                                  for period, _, label in periods
                                  if cell_text(raw_values[period]))
                add("indicator-unknown", a1(r, loc.name_col), r + 1, name=name[:80],
                    values=shown)
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
                if parsed.style != "native" and not cells_hold_text:
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
    # Computed indicators (the budget total) against their parts; one the table leaves
    # out is their sum (a table retyped without the total row).
    for indicator in form.indicators:
        parts = indicator.computed_from
        if parts and indicator.key not in result.indicators and all(
                p in result.indicators for p in parts):
            result.indicators[indicator.key] = {
                "name": indicator.name, "unit": indicator.unit, "kind": indicator.kind,
                "row": None, "cells": {}, "computed": True,
                **{period: sum_of((result.indicators[p].get(period) for p in parts),
                                  blanks_as_zero=True) for period, _, _ in periods},
            }
            continue
        entry_or_none = result.indicators.get(indicator.key)
        if not parts or entry_or_none is None:
            continue
        for period, _, label in periods:
            expected = sum_of(result.indicators.get(p, {}).get(period) for p in parts)
            if expected is None:
                continue
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


def _row_heading(row: Sequence[Any], matcher: OutlineMatcher) -> tuple[int, int] | None:
    """Where a row holds an outline heading: (column of its title, first column after
    it), with the match recorded by ``matcher``; None when the row is not a heading.

    The number may be in a cell of its own ("2.3" | "Hỗ trợ …", as in the template) or
    typed with the title ("2.3. Hỗ trợ …", "II - Đánh giá …")."""
    texts = [(c, cell_text(v)) for c, v in enumerate(row)
             if isinstance(v, str | int | float) and not isinstance(v, bool) and cell_text(v)]
    if not texts:
        return None
    c0, first = texts[0]
    number, rest = split_heading_number(first)
    if number is not None and not rest and len(texts) > 1:
        c1, title = texts[1]
        if not isinstance(row[c1], str):
            return None
        found = matcher.match(to_unicode(title), number=first)
        return (c1, c1 + 1) if found is not None else None
    if not isinstance(row[c0], str):
        return None
    found = matcher.match(to_unicode(first))
    return (c0, c0 + 1) if found is not None else None


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
    the next heading. Headings are found however they were typed
    (:class:`~nscl.report_match.OutlineMatcher`): the template's rows, or an outline
    retyped with its numbers as text.
    """
    matcher = OutlineMatcher(form, year)
    headings: list[tuple[int, int, int, Any]] = []  # (row, title column, next column, match)
    for r, row in enumerate(grid):
        before = len(matcher.found)
        where = _row_heading(row, matcher)
        if where is not None:
            headings.append((r, where[0], where[1], matcher.found[before]))
    narratives: dict[str, str] = {}
    problems: list[Problem] = []
    for i, (r, c, after, found) in enumerate(headings):
        item = found.item
        if not item.narrative or not item.key:
            continue
        end = headings[i + 1][0] if i + 1 < len(headings) else len(grid)
        parts = [found.trailing] if found.trailing else []
        parts += [cell_text(v) for v in grid[r][after:] if cell_text(v)]
        for rr in range(r + 1, end):
            texts = [cell_text(v) for v in grid[rr] if cell_text(v)]
            if any(is_footer_line(t) for t in texts[:2]):
                break  # the signature block ends the report
            parts.extend(texts)
        text = narrative_text(parts, item.note, year)
        if text:
            narratives[item.key] = text
        else:
            problems.append(
                get_rule("narrative-missing").problem(
                    file=file, sheet=sheet, cell=a1(r, c), row=r + 1,
                    number=item.number, title=item.title_for(year) if year else item.title,
                )
            )
    return narratives, problems, len(headings)


def narrative_text(parts: Sequence[str], note: str, year: int | None) -> str:
    """An item's narrative from its texts: the form's own guidance under the heading
    (copied from the letter) and dotted placeholder lines are not an answer."""
    guidance = compare_key(fill(note, year)) if note and year else None
    text = "\n".join(
        p for p in parts if p.strip(". …_-") and (guidance is None or compare_key(p) != guidance)
    ).strip()
    return to_unicode(text) if text else ""
