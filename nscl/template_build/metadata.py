"""What a built workbook says about itself: document properties and template identity.

The identity (:class:`nscl.identity.TemplateIdentity`) is written twice: as metadata of
the file (Excel's custom document properties, Google Sheets' developer metadata) and as
key/value rows of the hidden sheet ``_nscl``, which survives exports that drop the
metadata. The creation date is fixed so that rebuilding a template gives the same file
content.
"""

from __future__ import annotations

from datetime import datetime

from nscl.forms import ReportForm, TableForm
from nscl.identity import IDENTITY_SHEET, TemplateIdentity
from nscl.template_build.plan import DocumentProperties, WorkbookPlan

__all__ = ["BUILD_DATE", "document_properties", "write_identity"]

# Fixed document date: built files must not change when nothing in their source did.
BUILD_DATE = datetime(2026, 1, 1, 0, 0, 0)
AUTHOR = "nscl"
IDENTITY_COLUMN_WIDTH = 24


def document_properties(
    form: TableForm | ReportForm, *, year: int, agency_name: str | None
) -> DocumentProperties:
    """Title, subject and the fixed creation date of the workbook."""
    return DocumentProperties(
        title=f"{form.name} ({year})",
        subject=form.title_for(year),
        author=AUTHOR,
        company=agency_name or "",
        keywords=f"Chương trình 1322, {form.id}, {form.version}",
        comments="Biểu mẫu tạo bởi nscl template build.",
        created=BUILD_DATE,
    )


def write_identity(workbook: WorkbookPlan, identity: TemplateIdentity) -> None:
    """The hidden, fully protected ``_nscl`` sheet of key/value rows (text only)."""
    sheet = workbook.add_sheet(IDENTITY_SHEET)
    for r, (key, value) in enumerate(identity.as_rows()):
        sheet.write_text(r, 0, key)
        sheet.write_text(r, 1, value)
    sheet.set_column(0, 1, IDENTITY_COLUMN_WIDTH)
    sheet.hidden = True
    sheet.protection = "full"
