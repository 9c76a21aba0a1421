"""Protection of the Excel templates: structure and formulas locked, input cells open.

Every sheet is protected and the workbook structure is locked (sheets cannot be
renamed, moved, deleted or unhidden), all without a password: the aim is to keep a
clerk from breaking the form by accident, not to secure it (the guide sheet says so).
Formatting cells, changing column widths and row heights and inserting rows stay
allowed. (The Google Sheets template has warning-only protected ranges instead, and no
structure lock: Sheets has none.)
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

__all__ = ["PROTECTION_OPTIONS", "lock_workbook_structure"]

PROTECTION_OPTIONS: dict[str, bool] = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


_WORKBOOK_PART = "xl/workbook.xml"
_STRUCTURE_LOCK = b'<workbookProtection lockStructure="1"/>'


def lock_workbook_structure(path: Path) -> None:
    """Add ``<workbookProtection lockStructure="1"/>`` (no password) to a closed .xlsx.

    XlsxWriter has no workbook-level protection; the element goes right before
    ``<bookViews>`` as the schema orders it. Entries keep their names, order and
    timestamps, so the file stays reproducible.
    """
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == _WORKBOOK_PART and _STRUCTURE_LOCK not in data:
                if b"<bookViews>" not in data:
                    raise ValueError("unexpected workbook.xml: no <bookViews>")
                data = data.replace(b"<bookViews>", _STRUCTURE_LOCK + b"<bookViews>", 1)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, path)
