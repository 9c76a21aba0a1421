"""Marking a workbook from its validation report: red and yellow cells with notes, the
computed columns filled in, a sheet "Kết quả kiểm tra" listing every problem.

Written once against a small workbook interface (:mod:`.workbook_api`) and used by the
Excel add-in's "Kiểm tra" button (over xlwings, :mod:`xl.xlwings_book`), by
``nscl validate --annotate`` and by the nightly feedback copies (over openpyxl,
:mod:`.openpyxl_book`, through :func:`.annotate.annotate_copy`).

Modules: :mod:`.apply` (the marking itself), :mod:`.records` (what was changed, kept
in the workbook so the next run undoes it), :mod:`.journal` (the undo log that makes a
click all or nothing), :mod:`.results_sheet` ("Kết quả kiểm
tra"), :mod:`.annotate` (a marked copy of a file), :mod:`.raw_numbers` (numbers openpyxl
cannot load under a date format, put back as stored).
"""

from __future__ import annotations

from nscl.marking.annotate import MAX_MARKED_CELLS, AnnotationError, annotate_copy
from nscl.marking.apply import (
    ERROR_FILL,
    WARNING_FILL,
    MarkingResult,
    apply_report,
    outcome_message,
)
from nscl.marking.journal import ChangeFailed, change_failed_message
from nscl.marking.records import MARKS_SHEET, MarkRecord, pending_totals, read_mark_records
from nscl.marking.results_sheet import OWN_SHEETS, RESULTS_SHEET

__all__ = [
    "ERROR_FILL",
    "MARKS_SHEET",
    "MAX_MARKED_CELLS",
    "OWN_SHEETS",
    "RESULTS_SHEET",
    "WARNING_FILL",
    "AnnotationError",
    "ChangeFailed",
    "MarkRecord",
    "MarkingResult",
    "annotate_copy",
    "apply_report",
    "change_failed_message",
    "outcome_message",
    "pending_totals",
    "read_mark_records",
]
