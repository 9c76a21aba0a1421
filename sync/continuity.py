"""An annual report checked against last year's: cumulative(N) = cumulative(N-1) + value(N).

Last year's cumulative values come from the state folder (what last year's round kept,
:class:`sync.consolidate.History`). Who reported last year for an agency reporting now
(:func:`previous_reporters`) follows the registry's mergers: the agency itself when it
existed at the end of last year, and every entry merged into it that did. So the new
Thành phố Đà Nẵng's 2025 cumulative continues old Quảng Nam's plus old Đà Nẵng's of 2024,
and Bộ Tài chính's continues its own plus Bộ Kế hoạch và Đầu tư's.

* A cumulative that does not continue is a warning at its cell
  (``indicator-continuity``), naming last year's figure (and whose it is, for a merged
  agency), this year's value and the sum expected.
* When some of last year's reporters have a report kept and others not (a predecessor
  that did not report), the check cannot be made: one ``indicator-continuity-unknown``
  (information, not a warning) per agency. When none has, nothing is said (the state
  folder simply does not go back that far).
* Rates are never checked (nor summed); nor is an indicator a reporter left blank.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from nscl.forms import ReportForm
from nscl.numbers import format_number
from nscl.problems import get_rule
from sync.model import Submission
from sync.round_figures import report_value

__all__ = ["check_continuity", "previous_reporters"]

_TOLERANCE = 0.001


@cache
def previous_reporters(code: str, year: int) -> tuple[tuple[str, str], ...]:
    """(code, name) of the agencies whose reports of ``year - 1`` the cumulative values
    of ``code``'s report of ``year`` continue: the agency and every entry merged into it
    that were in force at the end of ``year - 1``."""
    from nscl.registry import get_agency, predecessors

    try:
        agency = get_agency(code)
    except KeyError:
        return ((code, code),)
    end = date(year - 1, 12, 31)
    found = [a for a in (agency, *predecessors(code)) if a.in_force_on(end)]
    return tuple((a.code, a.name) for a in found)


def check_continuity(
    submissions: list[Submission],
    form: ReportForm,
    year: int,
    kept: dict[str, dict[str, tuple[float | None, float | None]]],
) -> None:
    """Add the continuity problems of each report (see the module docstring) to its
    report's problems; ``kept`` is last year's kept values (agency -> indicator ->
    (year value, cumulative))."""
    checked = [ind for ind in form.indicators if ind.summable]
    for sub in submissions:
        report = sub.report
        reporters = previous_reporters(sub.agency.code, year)
        have = [(code, name) for code, name in reporters if code in kept]
        if not have:
            continue
        missing = [name for code, name in reporters if code not in kept]
        if missing:
            report.problems.append(get_rule("indicator-continuity-unknown").problem(
                file=sub.file, previous_year=year - 1,
                missing=f"{', '.join(missing)} chưa có báo cáo năm {year - 1} trong dữ liệu"
                        " đã tổng hợp",
            ))
            continue
        for ind in checked:
            entry = report.indicators.get(ind.key)
            value = report_value(report.indicators, ind.key, "year")
            cumulative = report_value(report.indicators, ind.key, "cumulative")
            if entry is None or value is None or cumulative is None or entry.get("computed"):
                continue  # (a total the table left out is its parts: they are checked)
            before = [kept[code].get(ind.key, (None, None))[1] for code, _ in reporters]
            if any(b is None for b in before):
                continue
            previous = sum(b for b in before if b is not None)
            expected = previous + value
            if abs(cumulative - expected) <= _TOLERANCE:
                continue
            source = ""
            if len(reporters) > 1 or reporters[0][0] != sub.agency.code:  # merged
                source = " (của " + " và ".join(
                    f"{name} {format_number(b or 0.0)}"
                    for (_, name), b in zip(reporters, before, strict=True)) + ")"
            cells = entry.get("cells", {})
            if any(p.code == "cumulative-less-than-year" and p.cell == cells.get("cumulative")
                   and p.sheet == report.sheet for p in report.problems):
                continue  # that cell is wrong already: one problem is enough
            report.problems.append(get_rule("indicator-continuity").problem(
                file=sub.file, sheet=report.sheet, cell=cells.get("cumulative"),
                row=entry.get("row"), name=ind.name, year=year,
                cumulative=format_number(cumulative), previous_year=year - 1,
                previous=format_number(previous), source=source, value=format_number(value),
                expected=format_number(expected),
            ))
