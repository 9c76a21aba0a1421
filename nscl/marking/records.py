"""The record of what marking changed, kept in the workbook so the next run can undo it.

Marks are recorded in the very hidden sheet ``_nscl_kiemtra`` (one row per cell: its
sheet, A1 reference, kind, and the original fill and note), so that clicking "Kiểm tra"
twice gives the same workbook and a mark never becomes an agency's "original".

The record is written *before* the cells are changed (:mod:`nscl.marking.apply`): it
names every cell the click may change, so that even a click stopped half-way (Excel
closed, a change refused and not undone) leaves nothing the next click cannot undo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nscl.marking.workbook_api import CellValue, WorkbookAccess

__all__ = ["MARKS_HEADER", "MARKS_SHEET", "MarkRecord", "pending_totals", "read_mark_records"]

MARKS_SHEET = "_nscl_kiemtra"
MARKS_HEADER: tuple[str, ...] = ("sheet", "cell", "kind", "fill", "note")


@dataclass(frozen=True)
class MarkRecord:
    """One change the add-in made, kept so that the next run can undo it.

    ``kind`` is ``"mark"`` (fill + note; ``fill``/``note`` hold the originals) or
    ``"total"`` (a computed column's value, Tổng số, that marking filled in).
    """

    sheet: str
    cell: str
    kind: str
    fill: str | None = None
    note: str | None = None

    def as_row(self) -> list[CellValue]:
        """Row written to the very hidden marks sheet."""
        return [self.sheet, self.cell, self.kind, self.fill or "", self.note or ""]


def read_mark_records(book: WorkbookAccess) -> list[MarkRecord]:
    """The changes recorded by an earlier run (empty when there was none)."""
    if MARKS_SHEET not in book.sheet_names():
        return []
    records: list[MarkRecord] = []
    for row in book.read_values(MARKS_SHEET)[1:]:
        cells = [*list(row), None, None, None, None, None][:5]
        sheet, cell, kind, fill, note = cells
        if not isinstance(sheet, str) or not isinstance(cell, str) or kind not in ("mark", "total"):
            continue
        records.append(
            MarkRecord(
                sheet=sheet,
                cell=cell,
                kind=str(kind),
                fill=str(fill) if fill not in (None, "") else None,
                note=str(note) if note not in (None, "") else None,
            )
        )
    return records


def pending_totals(book: WorkbookAccess, records: Iterable[MarkRecord]) -> set[tuple[str, str]]:
    """The (sheet, cell) of the computed cells an earlier run filled (``"total"``
    records) that the next marking empties again before it fills them anew: those on a
    sheet that still exists and that hold no formula now. Reads only.

    The button leaves them out of the snapshot it validates, so that the engine never
    sees the add-in's own figures as typed by the agency.
    """
    names = set(book.sheet_names())
    by_sheet: dict[str, set[str]] = {}
    for record in records:
        if record.kind == "total" and record.sheet in names:
            by_sheet.setdefault(record.sheet, set()).add(record.cell)
    pending: set[tuple[str, str]] = set()
    for sheet, cells in by_sheet.items():
        kept = book.formula_cells(sheet, cells)
        pending.update((sheet, cell) for cell in cells - kept)
    return pending
