"""Build the official templates of Program 1322 from the form descriptions.

:func:`plan_workbook` lays a template out as a format-independent
:class:`~nscl.template_build.plan.WorkbookPlan`; ``build_workbook("A", year=2027,
out_path=...)`` writes it as an Excel file, ``build_all(out_dir)`` writes the three into
a folder under their standard names (the Google Sheets renderer,
:mod:`nscl.template_build.google_sheets`, reads the same plan). The year printed in a
template is, by default, derived from :data:`nscl.template_build.defaults.CURRENT_YEAR`
(see :func:`default_year`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from nscl.forms import ReportForm, TableForm, get_form
from nscl.identity import TemplateIdentity
from nscl.template_build.defaults import (
    CURRENT_YEAR,
    FILE_STEMS,
    FORM_LETTERS,
    default_year,
    file_name,
)
from nscl.template_build.guide import Target, write_guide_sheet
from nscl.template_build.metadata import document_properties, write_identity
from nscl.template_build.plan import WorkbookPlan
from nscl.template_build.report_form import (
    IndicatorLayout,
    ReportLayout,
    write_indicator_sheet,
    write_report_sheet,
)
from nscl.template_build.styles import Styles
from nscl.template_build.table_form import TableLayout, write_table_sheet

__all__ = [
    "CURRENT_YEAR",
    "FILE_STEMS",
    "FORM_LETTERS",
    "AgencyLike",
    "BuiltWorkbook",
    "agency_heading",
    "build_all",
    "build_workbook",
    "build_workbook_info",
    "default_year",
    "file_name",
    "plan_workbook",
]


class AgencyLike(Protocol):
    """What the builder needs of an agency (``nscl.registry.Agency`` fits)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class BuiltWorkbook:
    """A built template and where its parts are."""

    path: Path
    form_letter: str
    year: int
    identity: TemplateIdentity
    table: TableLayout | None = None
    report: ReportLayout | None = None
    indicators: IndicatorLayout | None = None


def agency_heading(agency: AgencyLike) -> str:
    """How the agency names itself at the top left: "BỘ CÔNG THƯƠNG", "ỦY BAN NHÂN DÂN
    TỈNH NGHỆ AN" (a province answers through its People's Committee)."""
    name = agency.name.upper()
    return f"ỦY BAN NHÂN DÂN {name}" if agency.kind == "province" else name


def plan_workbook(
    form_letter: str, *, year: int | None = None, agency: AgencyLike | None = None,
    target: Target = "excel", input_rows: int | None = None,
) -> WorkbookPlan:
    """Lay out the template of ``form_letter`` (sheets, cells, rules, identity).

    ``year`` defaults to :func:`default_year`; ``agency`` fills the agency block and the
    identity (default: the "(TÊN BỘ, NGÀNH VÀ ĐỊA PHƯƠNG)" placeholder, no agency code).
    ``target`` ("excel" or "google") only changes the guide sheet's advice (saving and
    sending a file, or working online). ``input_rows`` overrides the number of input
    rows of a table form (its description's ``input_rows``, 200, by default).
    """
    letter = form_letter.upper()
    form = get_form(letter)
    if input_rows is not None and isinstance(form, TableForm):
        form = replace(form, input_rows=input_rows)
    the_year = default_year(letter) if year is None else year
    identity = TemplateIdentity(
        form_id=form.id,
        form_version=form.version,
        year=the_year,
        agency_code=agency.code if agency is not None else None,
    )
    heading = agency_heading(agency) if agency is not None else None
    plan = WorkbookPlan(letter, the_year, identity)
    styles = Styles()
    if isinstance(form, TableForm):
        plan.table = write_table_sheet(plan, styles, form, year=the_year, agency_text=heading)
    else:
        assert isinstance(form, ReportForm)
        plan.report = write_report_sheet(plan, styles, form, year=the_year,
                                         agency_text=heading)
        plan.indicators = write_indicator_sheet(plan, styles, form, year=the_year,
                                                agency_text=heading)
    write_guide_sheet(plan, styles, form, year=the_year, example_stem=FILE_STEMS[letter],
                      target=target)
    write_identity(plan, identity)
    plan.properties = document_properties(
        form, year=the_year, agency_name=agency.name if agency is not None else None)
    return plan


def build_workbook_info(
    form_letter: str,
    *,
    year: int | None = None,
    agency: AgencyLike | None = None,
    out_path: Path,
    input_rows: int | None = None,
) -> BuiltWorkbook:
    """Write the Excel template of ``form_letter`` to ``out_path``; return it with its
    layout (``input_rows``: see :func:`plan_workbook`)."""
    from nscl.template_build.excel import render_excel

    plan = plan_workbook(form_letter, year=year, agency=agency, input_rows=input_rows)
    render_excel(plan, out_path)
    return BuiltWorkbook(out_path, plan.form_letter, plan.year, plan.identity, plan.table,
                         plan.report, plan.indicators)


def build_workbook(
    form_letter: str,
    *,
    year: int | None = None,
    agency: AgencyLike | None = None,
    out_path: Path,
) -> Path:
    """Write the Excel template of form ``"A"``, ``"B"`` or ``"C"``; return its path.

    ``year`` is the year in the title (default :func:`default_year`); ``agency`` fills
    the agency block and the identity (default: the "(TÊN BỘ, NGÀNH VÀ ĐỊA PHƯƠNG)"
    placeholder and no agency code).
    """
    return build_workbook_info(form_letter, year=year, agency=agency, out_path=out_path).path


def build_all(
    out_dir: Path,
    *,
    year: int | None = None,
    agency: AgencyLike | None = None,
    forms: tuple[str, ...] = FORM_LETTERS,
) -> list[Path]:
    """Build the templates of ``forms`` into ``out_dir`` under their standard names.

    ``year`` (when given) is printed in every template built; otherwise each form gets
    its :func:`default_year`.
    """
    paths = []
    for letter in forms:
        code = agency.code if agency is not None else None
        paths.append(build_workbook(letter, year=year, agency=agency,
                                    out_path=out_dir / file_name(letter, code)))
    return paths
