"""Copy the values a user sees into a temporary .xlsx for the validation engine.

The "Kiểm tra" button validates the ACTIVE workbook, which may be unsaved, modified
since its last save, or never saved at all. Rather than saving the user's workbook (or a
copy through Excel, which changes its "saved" state and is not available on every
engine), the button reads every sheet's values through the workbook interface and
writes them, at the same cells, into a temporary .xlsx that ``validate_path`` reads
with exactly the rules of ``nscl validate``. Formula cells contribute their computed
values, as in a saved file read by the engine; merged ranges and hidden rows are copied
as well. The template identity (hidden sheet ``_nscl``) is copied too, both as the sheet
and as custom document properties.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from nscl.a1 import a1
from nscl.identity import IDENTITY_SHEET, identity_from_rows
from nscl.marking import OWN_SHEETS
from nscl.marking.openpyxl_book import write_literal
from nscl.marking.workbook_api import SheetTooLarge, WorkbookAccess

__all__ = ["snapshot_file_name", "snapshot_to_xlsx"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_FAR_MARK = "…"


def snapshot_file_name(book_name: str) -> str:
    """A safe .xlsx file name keeping the workbook's stem (agency names live there)."""
    stem = book_name.rsplit(".", 1)[0] if "." in book_name else book_name
    stem = _UNSAFE.sub("_", stem).strip() or "workbook"
    return f"{stem[:150]}.xlsx"


def snapshot_to_xlsx(
    book: WorkbookAccess,
    folder: Path,
    *,
    blank: Collection[tuple[str, str]] = (),
) -> Path:
    """Write the values of ``book`` into ``folder``/<name>.xlsx and return the path.

    The add-in's own sheets are left out; cells listed in ``blank`` ((sheet, A1)
    pairs, e.g. totals an earlier run filled and just cleared) are written empty.
    """
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    blank_set = set(blank)
    identity_rows: list[list[object]] = []
    for name in book.sheet_names():
        if name in OWN_SHEETS:
            continue
        ws = wb.create_sheet(title=name)
        try:
            values = book.read_values(name)
        except SheetTooLarge as far:
            # The sheet reaches too far to copy: the snapshot reaches as far (one mark in
            # its farthest cell), so that validation reports it there, for this sheet.
            ws[far.corner] = _FAR_MARK
            continue
        for r, row in enumerate(values, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or (name, a1(r - 1, c - 1)) in blank_set:
                    continue
                write_literal(ws.cell(row=r, column=c), value)
        # Merged ranges too, so that a value merged down over several tasks (the same
        # lead organisation) is read for each of them, as in the saved file.
        for rng in book.merged_ranges(name):
            try:
                ws.merge_cells(rng)
            except ValueError:  # not a range openpyxl can hold: the values stay as read
                continue
        # And the rows hidden or filtered out of view: a task there is counted, and
        # validation says so (rows-hidden), as for the saved file.
        for r in book.hidden_rows(name):
            ws.row_dimensions[r].hidden = True
        if name == IDENTITY_SHEET:
            ws.sheet_state = "veryHidden"
            identity_rows = [list(row) for row in values]
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    identity = identity_from_rows(identity_rows) if identity_rows else None
    if identity is not None:
        for key, value in identity.as_properties().items():
            wb.custom_doc_props.append(  # type: ignore[attr-defined]
                StringProperty(name=key, value=value)
            )
    target = Path(folder) / snapshot_file_name(book.name)
    wb.save(target)
    return target
