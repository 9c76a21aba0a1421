"""Build the official Excel templates of Program 1322 from the form descriptions.

``build_workbook("A", year=2027, out_path=...)`` writes one template;
``build_all(out_dir)`` writes the three into a folder under their standard names.
The year printed in a template is, by default, derived from
:data:`nscl.template_build.defaults.CURRENT_YEAR` (see :func:`default_year`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from nscl.forms import ReportForm, TableForm, get_form
from nscl.identity import TemplateIdentity
from nscl.template_build.defaults import (
    CURRENT_YEAR,
    FILE_STEMS,
    FORM_LETTERS,
    default_year,
    file_name,
)
from nscl.template_build.guide import write_guide_sheet
from nscl.template_build.metadata import write_document_properties, write_identity
from nscl.template_build.protection import lock_workbook_structure
from nscl.template_build.report_form import (
    IndicatorLayout,
    ReportLayout,
    write_indicator_sheet,
    write_report_sheet,
)
from nscl.template_build.styles import WORKBOOK_DEFAULT_FORMAT, Styles
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
]

_WORKBOOK_OPTIONS: dict[str, Any] = {
    # Text is always text: an agency name or a task name starting with "=" or
    # looking like a URL or a number stays as typed.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_format_properties": dict(WORKBOOK_DEFAULT_FORMAT),
    "default_row_height": 21,  # 15.75 pt, the natural height of Times New Roman 12 pt
}


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


def build_workbook_info(
    form_letter: str,
    *,
    year: int | None = None,
    agency: AgencyLike | None = None,
    out_path: Path,
    input_rows: int | None = None,
) -> BuiltWorkbook:
    """Write the template of ``form_letter`` to ``out_path``; return it with its layout.

    ``input_rows`` overrides the number of input rows of a table form (its description's
    ``input_rows``, 200, by default).
    """
    import xlsxwriter

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
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # A deep copy: XlsxWriter writes into the nested default-format dict, and a second
    # build with the mutated dict would write a different styles.xml.
    workbook = xlsxwriter.Workbook(str(out_path), copy.deepcopy(_WORKBOOK_OPTIONS))
    styles = Styles(workbook)
    table: TableLayout | None = None
    report: ReportLayout | None = None
    indicators: IndicatorLayout | None = None
    try:
        if isinstance(form, TableForm):
            table = write_table_sheet(workbook, styles, form, year=the_year, agency_text=heading)
        else:
            assert isinstance(form, ReportForm)
            report = write_report_sheet(workbook, styles, form, year=the_year,
                                        agency_text=heading)
            indicators = write_indicator_sheet(workbook, styles, form, year=the_year,
                                               agency_text=heading)
        write_guide_sheet(workbook, styles, form, year=the_year,
                          example_stem=FILE_STEMS[letter])
        write_identity(workbook, identity)
        write_document_properties(workbook, form, year=the_year,
                                  agency_name=agency.name if agency is not None else None)
    finally:
        workbook.close()
    lock_workbook_structure(out_path)
    return BuiltWorkbook(out_path, letter, the_year, identity, table, report, indicators)


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
