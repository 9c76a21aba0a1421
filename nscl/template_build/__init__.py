"""Build the official templates (Form A, B, C) from ``workbook_templates/forms``.

A template is first laid out as a format-independent plan (:mod:`.plan`: cells, merges,
widths, row heights, styles, formulas, validation, conditional formats, protection,
frozen rows, print setup, identity), then rendered: :mod:`.excel` writes the .xlsx
template with XlsxWriter, :mod:`.google_sheets` turns the same plan into the requests of
one Google Sheets ``batchUpdate``.

One module per concept: :mod:`.defaults` (default years, file names), :mod:`.styles`
(Decree 30 typography), :mod:`.page` (print setup), :mod:`.layout` (header-block
geometry, row heights), :mod:`.heading` (national header and signature footer),
:mod:`.table_form` (Form A and C sheets), :mod:`.report_form` (Form B sheets),
:mod:`.validation` (data validation, conditional formatting), :mod:`.protection`
(Excel's sheet and workbook protection), :mod:`.guide` (the "Hướng dẫn" sheet),
:mod:`.metadata` (document properties, template identity) and :mod:`.build` (entry
points).

The builder functions load XlsxWriter; they are imported on first use so that
``nscl --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nscl.template_build.defaults import (
    CURRENT_YEAR,
    FILE_STEMS,
    FORM_LETTERS,
    default_year,
    file_name,
)

if TYPE_CHECKING:
    from nscl.template_build.build import (
        BuiltWorkbook,
        agency_heading,
        build_all,
        build_workbook,
        build_workbook_info,
        plan_workbook,
    )

__all__ = [
    "CURRENT_YEAR",
    "FILE_STEMS",
    "FORM_LETTERS",
    "BuiltWorkbook",
    "agency_heading",
    "build_all",
    "build_workbook",
    "build_workbook_info",
    "default_year",
    "file_name",
    "plan_workbook",
]

_LAZY = {"BuiltWorkbook", "agency_heading", "build_all", "build_workbook", "build_workbook_info",
         "plan_workbook"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from nscl.template_build import build

        return getattr(build, name)
    raise AttributeError(name)
