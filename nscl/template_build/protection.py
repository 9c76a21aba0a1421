"""Sheet protection of the templates: structure and formulas locked, input cells open.

No password: the aim is to keep a clerk from breaking the form by accident, not to
secure it (the guide sheet says so). Formatting cells, changing column widths and row
heights and inserting rows stay allowed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PROTECTION_OPTIONS", "protect_input_sheet"]

PROTECTION_OPTIONS: dict[str, bool] = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def protect_input_sheet(worksheet: Any) -> None:
    """Protect ``worksheet`` without a password; unlocked cells stay editable."""
    worksheet.protect("", dict(PROTECTION_OPTIONS))
