"""The record of what marking changed, kept in the workbook so the next run can undo it.

Marks are recorded in the very hidden sheet ``_nscl_kiemtra`` (one row per cell: its
sheet, A1 reference, kind, and the original fill and note), so that clicking "Kiểm tra"
twice gives the same workbook and a mark never becomes an agency's "original".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nscl.marking.workbook_api import CellValue, WorkbookAccess

__all__ = ["MARKS_HEADER", "MARKS_SHEET", "MarkRecord", "clear_marks", "read_mark_records"]

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


def clear_marks(book: WorkbookAccess, records: Iterable[MarkRecord]) -> set[tuple[str, str]]:
    """Undo recorded changes; return the (sheet, cell) of the Tổng số cells emptied again.

    Cells whose sheet was renamed or deleted since are skipped.
    """
    names = set(book.sheet_names())
    emptied: set[tuple[str, str]] = set()
    for record in records:
        if record.sheet not in names:
            continue
        try:
            if record.kind == "total":
                if not book.has_formula(record.sheet, record.cell):
                    book.set_value(record.sheet, record.cell, None)
                    emptied.add((record.sheet, record.cell))
            else:
                book.set_fill(record.sheet, record.cell, record.fill)
                book.set_note(record.sheet, record.cell, record.note)
        except (KeyError, ValueError):
            continue
    return emptied
