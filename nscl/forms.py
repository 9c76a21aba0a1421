"""Typed model of the official forms, loaded from ``workbook_templates/forms/*.toml``.

One description per form drives the Excel template, the Google Sheets template, the
add-in and the nightly consolidation, so that a header text or a rule is written once.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

from workbook_templates import FORMS_DIR

__all__ = [
    "FORM_FILES",
    "Column",
    "ColumnRole",
    "Indicator",
    "IndicatorGroup",
    "IndicatorTarget",
    "OutlineItem",
    "ReportForm",
    "TableForm",
    "all_forms",
    "form_a",
    "form_b",
    "form_c",
    "get_form",
    "sum_of",
]

ColumnType = Literal["integer", "text", "duration", "money"]
# What the code knows of a column (see the comment at the top of form_a.toml).
ColumnRole = Literal["number", "name", "lead", "content", "duration", "amount", "note"]
IndicatorKind = Literal["count", "amount", "rate"]
# A Decision 1322 target as a number: "total" (so many over a period of years, counted
# from the indicator's year values), "growth" (at least so many percent up on the year
# before), "level" (a rate to reach by the period's last year).
TargetKind = Literal["total", "growth", "level"]
# Roles of the columns that describe a task: a section heading or a totals row fills none.
DESCRIBING_ROLES: frozenset[str] = frozenset({"lead", "content", "duration"})
# Roles of what a task has and a line of its content typed under it does not.
TASK_ONLY_ROLES: frozenset[str] = frozenset({"lead", "duration", "amount"})
# Roles of what identifies a row itself: never copied into it from a merged cell.
OWN_ROLES: frozenset[str] = frozenset({"number", "name"})


def _parts(expression: str | None) -> tuple[str, ...]:
    """The keys of ``computed = "a + b + c"``."""
    if not expression:
        return ()
    return tuple(part.strip() for part in expression.split("+"))


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def sum_of(values: Iterable[object], *, blanks_as_zero: bool = False) -> float | None:
    """The value of a computed column or indicator from the values of its addends.

    Their sum when every addend is a number; with ``blanks_as_zero`` a missing addend
    (None, "") counts as 0 and only something else (text, NaN) gives None, and so does
    a sum of nothing but blanks.
    """
    total = 0.0
    seen = False
    for value in values:
        if _is_number(value):
            total += float(value)  # type: ignore[arg-type]
            seen = True
        elif not (blanks_as_zero and (value is None or value == "")):
            return None
    return total if seen or not blanks_as_zero else None

FORM_FILES: dict[str, str] = {"A": "form_a.toml", "B": "form_b.toml", "C": "form_c.toml"}


@dataclass(frozen=True)
class Column:
    """One column of a table form (Form A or C)."""

    key: str
    header: str
    type: ColumnType
    role: ColumnRole
    required: bool
    width: float
    help: str
    group: str | None = None
    unit: str | None = None
    computed: str | None = None
    min: float | None = None
    max: float | None = None
    # Above this an amount is allowed but unlikely for one task (a warning): typically
    # typed in đồng in a column counted in triệu đồng.
    warn_above: float | None = None
    aliases: tuple[str, ...] = ()
    # Shown beside the computed total as this column's share of it ("Tỷ lệ đối ứng").
    share_label: str | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        """The official header followed by the alternative spellings seen in the wild."""
        return (self.header, *self.aliases)

    @property
    def computed_from(self) -> tuple[str, ...]:
        """Keys of the columns summed into this one (``computed = "a + b"``)."""
        return _parts(self.computed)

    def compute(self, values: Mapping[str, object], *,
                blanks_as_zero: bool = False) -> float | None:
        """This computed column's value from a row's parsed ``values`` (see :func:`sum_of`);
        None for a column that is not computed."""
        if not self.computed:
            return None
        return sum_of((values.get(key) for key in self.computed_from),
                      blanks_as_zero=blanks_as_zero)


@dataclass(frozen=True)
class _FormHeader:
    id: str
    letter: str
    version: str
    name: str
    sheet: str
    agency_placeholder: str
    national_name: str
    motto: str
    title: str
    footer_place_date: str
    footer_signature: str
    footer_signature_note: str
    signing_year_offset: int
    # Who fills the form in: "agency" (a ministry or province sends it, so the file must
    # say which one) or "ministry" (the Ministry's own document, e.g. Form C).
    submitted_by: str
    # What an agency sends with the form, in words: "đề xuất nhiệm vụ" (empty for Form C).
    submission: str

    def title_for(self, year: int) -> str:
        """The title with the year filled in."""
        return fill(self.title, year)

    def footer_place_date_for(self, year: int) -> str:
        """The place/date footer line, with the signing year filled in."""
        return fill(self.footer_place_date, year, self.signing_year_offset)


@dataclass(frozen=True)
class TableForm(_FormHeader):
    """A form that is one table of rows: Form A (proposals) and Form C (selection results)."""

    columns: tuple[Column, ...] = ()
    subtitle: str = ""
    appendix_label: str = ""
    input_rows: int = 200
    totals_label: str = ""
    kind: Literal["table"] = "table"

    def column(self, key: str) -> Column:
        """The column with identifier ``key``."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def column_number(self, key: str) -> int:
        """1-based position of the column ``key`` in the official table."""
        for i, col in enumerate(self.columns, start=1):
            if col.key == key:
                return i
        raise KeyError(key)

    def has_column(self, key: str) -> bool:
        """Whether the form has a column ``key``."""
        return any(col.key == key for col in self.columns)

    @property
    def groups(self) -> list[tuple[str | None, list[Column]]]:
        """Consecutive columns sharing a group header, in order."""
        out: list[tuple[str | None, list[Column]]] = []
        for col in self.columns:
            if out and col.group is not None and out[-1][0] == col.group:
                out[-1][1].append(col)
            else:
                out.append((col.group, [col]))
        return out

    @property
    def money_columns(self) -> tuple[Column, ...]:
        """Budget columns (million VND)."""
        return tuple(c for c in self.columns if c.type == "money")

    @property
    def computed_columns(self) -> tuple[Column, ...]:
        """Columns that are the sum of others (Tổng số = NSNN + Đối ứng)."""
        return tuple(c for c in self.columns if c.computed)

    def keys_with_role(self, *roles: str) -> tuple[str, ...]:
        """Keys of the columns whose role is one of ``roles``, in table order."""
        return tuple(c.key for c in self.columns if c.role in roles)

    def total_of(self, key: str) -> Column | None:
        """The computed column that ``key`` is an addend of (NSNN -> Tổng số), if any."""
        return next((c for c in self.columns if key in c.computed_from), None)

    def subtitle_for(self, year: int) -> str:
        """The subtitle line with years filled in."""
        return fill(self.subtitle, year, self.signing_year_offset)


@dataclass(frozen=True)
class OutlineItem:
    """One heading of the report outline; ``narrative`` items take free text."""

    number: str
    title: str
    level: int
    key: str | None = None
    narrative: bool = False
    note: str = ""
    group: str | None = None

    def title_for(self, year: int) -> str:
        """The heading with the report year filled in."""
        return fill(self.title, year)


@dataclass(frozen=True)
class IndicatorTarget:
    """A target of Decision 1322 for an indicator, as a number (see :data:`TargetKind`).

    ``first``-``last`` is the period (inclusive years); a "growth" target applies to every
    year of it."""

    kind: TargetKind
    value: float
    first: int
    last: int
    label: str = ""  # how the target is said: "khoảng 600 người (2021-2025)"

    def covers(self, year: int) -> bool:
        """Whether ``year`` falls in the target's period."""
        return self.first <= year <= self.last


@dataclass(frozen=True)
class Indicator:
    """A quantitative indicator with a report-year and a cumulative value."""

    key: str
    name: str
    unit: str
    kind: IndicatorKind
    target: str = ""
    computed: str | None = None
    # The Form A budget column this amount counts towards (state_budget, counterpart).
    budget_part: str | None = None
    # Its number in the official table ("2.3.1": group, then place in the group).
    number: str = ""
    # Other names agencies give it (abbreviated, reworded), matched like the name.
    aliases: tuple[str, ...] = ()
    targets: tuple[IndicatorTarget, ...] = ()
    # How the national report says the figure: "{value} doanh nghiệp được hỗ trợ …".
    phrase: str = ""

    @property
    def computed_from(self) -> tuple[str, ...]:
        """Keys of the indicators summed into this one."""
        return _parts(self.computed)

    @property
    def summable(self) -> bool:
        """Whether agencies' values add up to a national figure (counts and amounts; a
        rate never does)."""
        return self.kind != "rate"

    def target_for(self, year: int) -> IndicatorTarget | None:
        """The numeric target whose period holds ``year``, if any."""
        return next((t for t in self.targets if t.covers(year)), None)


@dataclass(frozen=True)
class IndicatorGroup:
    """Indicators of one outline group (2.1-2.6) or of the budget section."""

    number: str
    title: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ReportForm(_FormHeader):
    """Form B: the annual results report (narrative outline plus indicators)."""

    outline: tuple[OutlineItem, ...] = ()
    groups: tuple[IndicatorGroup, ...] = ()
    indicator_sheet: str = "Chỉ tiêu"
    indicator_title: str = ""
    indicator_headers: tuple[str, ...] = ()
    program_start_year: int = 2021
    # Abbreviations agencies use in headings and indicator names ("NSCL" -> "năng suất
    # chất lượng"), expanded before names are compared.
    abbreviations: tuple[tuple[str, str], ...] = ()
    kind: Literal["report"] = "report"

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator, in outline order."""
        return tuple(ind for group in self.groups for ind in group.indicators)

    def indicator(self, key: str) -> Indicator:
        """The indicator with identifier ``key``."""
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def indicator_headers_for(self, year: int) -> tuple[str, ...]:
        """The indicator table headers with the year filled in."""
        return tuple(fill(h, year) for h in self.indicator_headers)


Form = TableForm | ReportForm


def fill(template: str, year: int, signing_year_offset: int = 0) -> str:
    """Fill ``{year}``, ``{next_year}`` and ``{signing_year}`` placeholders."""
    return template.format(
        year=year, next_year=year + 1, signing_year=year + signing_year_offset
    )


def _header_fields(data: dict[str, Any], letter: str) -> dict[str, Any]:
    return {
        "id": data["id"],
        "letter": letter,
        "version": data["version"],
        "name": data["name"],
        "sheet": data["sheet"],
        "agency_placeholder": data["agency_placeholder"],
        "national_name": data["national_name"],
        "motto": data["motto"],
        "title": data["title"],
        "footer_place_date": data.get("footer_place_date", ""),
        "footer_signature": data.get("footer_signature", ""),
        "footer_signature_note": data.get("footer_signature_note", ""),
        "signing_year_offset": int(data.get("signing_year_offset", 0)),
        "submitted_by": _submitted_by(data, letter),
        "submission": data.get("submission", ""),
    }


def _submitted_by(data: dict[str, Any], letter: str) -> str:
    value = str(data.get("submitted_by", "agency"))
    if value not in ("agency", "ministry"):
        raise ValueError(f"form {letter}: submitted_by must be 'agency' or 'ministry'")
    return value


def _role(column: dict[str, Any]) -> ColumnRole:
    role = column.get("role")
    roles: tuple[ColumnRole, ...] = get_args(ColumnRole)
    for known in roles:
        if role == known:
            return known
    raise ValueError(f"column {column.get('key')!r}: role must be one of "
                     f"{', '.join(roles)}, not {role!r}")


def _check_computed(keys: set[str], computed: list[tuple[str, tuple[str, ...]]],
                    letter: str) -> None:
    """Every addend of a computed column or indicator exists and is not computed itself."""
    sums = {key for key, parts in computed if parts}
    for key, parts in computed:
        for part in parts:
            if part not in keys or part in sums:
                raise ValueError(f"form {letter}: {key} = … + {part}: {part} must be an "
                                 "existing key that is not computed itself")


@cache
def _load(letter: str) -> Form:
    with (FORMS_DIR / FORM_FILES[letter]).open("rb") as fh:
        data = tomllib.load(fh)
    header = _header_fields(data, letter)
    if data["kind"] == "table":
        columns = tuple(
            Column(
                key=c["key"],
                header=c["header"],
                type=c["type"],
                role=_role(c),
                required=bool(c.get("required", False)),
                width=float(c["width"]),
                help=c.get("help", ""),
                group=c.get("group"),
                unit=c.get("unit"),
                computed=c.get("computed"),
                min=c.get("min"),
                max=c.get("max"),
                warn_above=c.get("warn_above"),
                aliases=tuple(c.get("aliases", ())),
                share_label=c.get("share_label"),
            )
            for c in data["columns"]
        )
        _check_computed({c.key for c in columns},
                        [(c.key, c.computed_from) for c in columns], letter)
        return TableForm(
            **header,
            columns=columns,
            subtitle=data.get("subtitle", ""),
            appendix_label=data.get("appendix_label", ""),
            input_rows=int(data.get("input_rows", 200)),
            totals_label=data.get("totals_label", ""),
        )
    outline = tuple(
        OutlineItem(
            number=o["number"],
            title=o["title"],
            level=int(o["level"]),
            key=o.get("key"),
            narrative=bool(o.get("narrative", False)),
            note=o.get("note", ""),
            group=o.get("group"),
        )
        for o in data["outline"]
    )
    groups = tuple(
        IndicatorGroup(
            number=g["number"],
            title=g["title"],
            indicators=tuple(
                Indicator(
                    key=i["key"],
                    name=i["name"],
                    unit=i["unit"],
                    kind=i["kind"],
                    target=i.get("target", ""),
                    computed=i.get("computed"),
                    budget_part=i.get("budget_part"),
                    number=f"{g['number']}.{n}",
                    aliases=tuple(i.get("aliases", ())),
                    targets=tuple(_target(t, i["key"]) for t in i.get("targets", ())),
                    phrase=i.get("phrase", ""),
                )
                for n, i in enumerate(g["indicators"], start=1)
            ),
        )
        for g in data["groups"]
    )
    indicators = [ind for group in groups for ind in group.indicators]
    _check_computed({ind.key for ind in indicators},
                    [(ind.key, ind.computed_from) for ind in indicators], letter)
    return ReportForm(
        **header,
        outline=outline,
        groups=groups,
        indicator_sheet=data.get("indicator_sheet", "Chỉ tiêu"),
        indicator_title=data.get("indicator_title", ""),
        indicator_headers=tuple(data.get("indicator_headers", ())),
        program_start_year=int(data.get("program_start_year", 2021)),
        abbreviations=tuple((str(k), str(v)) for k, v in data.get("abbreviations", {}).items()),
    )


def _target(data: dict[str, Any], key: str) -> IndicatorTarget:
    kinds: tuple[TargetKind, ...] = get_args(TargetKind)
    kind = next((k for k in kinds if k == data.get("kind")), None)
    if kind is None:
        raise ValueError(f"indicator {key}: target kind must be one of {', '.join(kinds)}")
    first, last = int(data["from"]), int(data["to"])
    if first > last:
        raise ValueError(f"indicator {key}: target period {first}-{last} is reversed")
    return IndicatorTarget(kind=kind, value=float(data["value"]), first=first, last=last,
                           label=str(data.get("label", "")))


def get_form(letter: str) -> Form:
    """The form ``"A"``, ``"B"`` or ``"C"`` (case-insensitive), loaded once."""
    key = letter.upper()
    if key not in FORM_FILES:
        raise KeyError(f"unknown form {letter!r}; expected one of {', '.join(FORM_FILES)}")
    return _load(key)


def form_a() -> TableForm:
    """Form A: the summary table of proposed tasks."""
    form = get_form("A")
    assert isinstance(form, TableForm)
    return form


def form_b() -> ReportForm:
    """Form B: the annual results report."""
    form = get_form("B")
    assert isinstance(form, ReportForm)
    return form


def form_c() -> TableForm:
    """Form C: the selection-results appendix."""
    form = get_form("C")
    assert isinstance(form, TableForm)
    return form


def all_forms() -> list[Form]:
    """Every form, in letter order."""
    return [get_form(letter) for letter in FORM_FILES]


