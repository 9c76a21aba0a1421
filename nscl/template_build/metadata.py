"""What a built workbook says about itself: document properties and template identity.

The identity (:class:`nscl.identity.TemplateIdentity`) is written twice, as custom
document properties and as key/value rows of the very hidden sheet ``_nscl``. The
creation date is fixed so that rebuilding a template gives the same file content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nscl.forms import ReportForm, TableForm
from nscl.identity import IDENTITY_SHEET, TemplateIdentity

__all__ = ["BUILD_DATE", "write_document_properties", "write_identity"]

# Fixed document date: built files must not change when nothing in their source did.
BUILD_DATE = datetime(2026, 1, 1, 0, 0, 0)
AUTHOR = "nscl"


def write_document_properties(
    workbook: Any, form: TableForm | ReportForm, *, year: int, agency_name: str | None
) -> None:
    """Title, subject and the fixed creation date of the workbook."""
    workbook.set_properties({
        "title": f"{form.name} ({year})",
        "subject": form.title_for(year),
        "author": AUTHOR,
        "company": agency_name or "",
        "keywords": f"Chương trình 1322, {form.id}, {form.version}",
        "comments": "Biểu mẫu tạo bởi nscl template build.",
        "created": BUILD_DATE,
    })


def write_identity(workbook: Any, identity: TemplateIdentity) -> None:
    """Custom properties ``nscl_*`` and the very hidden ``_nscl`` sheet."""
    for name, value in identity.as_properties().items():
        workbook.set_custom_property(name, value, "text")
    sheet = workbook.add_worksheet(IDENTITY_SHEET)
    for r, (key, value) in enumerate(identity.as_rows()):
        sheet.write_string(r, 0, key)
        sheet.write_string(r, 1, value)
    sheet.set_column(0, 1, 24)
    sheet.very_hidden()
    sheet.protect("")
