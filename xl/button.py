"""The ribbon buttons of the add-in, run by xlwings' ``RunPython`` from the VBA callbacks.

- "Kiểm tra" → :func:`kiem_tra`: validates the active workbook with exactly the rules of
  ``nscl validate`` (``nscl.validation.validate_path`` on a snapshot of its values, see
  :mod:`xl.snapshot`), then marks it (:mod:`nscl.marking`) and says the outcome in one
  Vietnamese message box.
- "Chuẩn hoá văn bản" → :func:`chuan_hoa`: converts legacy TCVN3/VNI text and NFD text
  to NFC Unicode and reports how many cells changed.

The engine-independent parts (:func:`check_workbook`, :func:`normalize_workbook`) work on
the workbook interface; :func:`run_check` / :func:`run_normalize` take an ``xlwings.Book``
(a live Excel workbook, or a remote-engine book in tests).
"""

from __future__ import annotations

import logging
import tempfile
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.a1 import a1
from nscl.identity import IDENTITY_SHEET
from nscl.marking import (
    OWN_SHEETS,
    MarkingResult,
    apply_report,
    clear_marks,
    outcome_message,
    read_mark_records,
)
from nscl.marking.workbook_api import SheetTooLarge, WorkbookAccess
from nscl.report import FileReport
from xl.snapshot import snapshot_to_xlsx

__all__ = [
    "CHECK_TITLE",
    "NORMALIZE_TITLE",
    "NormalizeResult",
    "check_workbook",
    "chuan_hoa",
    "kiem_tra",
    "normalize_message",
    "normalize_workbook",
    "run_check",
    "run_normalize",
]

log = logging.getLogger(__name__)

CHECK_TITLE = "NSCL 1322 - Kiểm tra"
NORMALIZE_TITLE = "NSCL 1322 - Chuẩn hoá văn bản"

Validator = Callable[[Path, str], FileReport]


def _default_validator(path: Path, display_name: str) -> FileReport:
    from nscl.validation import validate_path

    return validate_path(path, display_name=display_name)


def check_workbook(book: WorkbookAccess, *, validate: Validator | None = None) -> MarkingResult:
    """Validate ``book`` as ``nscl validate`` would and mark it; idempotent.

    Marks of an earlier run are cleared first (so the engine never sees the add-in's
    own filled totals), then the values are validated and the workbook is marked.
    """
    previous = read_mark_records(book)
    emptied = clear_marks(book, previous)
    with tempfile.TemporaryDirectory(prefix="nscl-kiemtra-") as tmp:
        snapshot = snapshot_to_xlsx(book, Path(tmp), blank=emptied)
        report = (validate or _default_validator)(snapshot, book.name)
    return apply_report(book, report, previous=previous, emptied=emptied)


@dataclass
class NormalizeResult:
    """Cells converted by "Chuẩn hoá văn bản", by kind of text found."""

    changed: list[str] = field(default_factory=list)  # "Sheet!B12"
    legacy: int = 0  # TCVN3/VNI text converted
    decomposed: int = 0  # NFD (or other non-NFC) Unicode recomposed
    too_large: list[str] = field(default_factory=list)  # "Sheet!XFD1048576": not read


def normalize_workbook(book: WorkbookAccess) -> NormalizeResult:
    """Convert legacy-encoded and non-NFC text cells of the data sheets to NFC Unicode.

    Formula cells are never touched. The add-in's own sheets and the identity sheet
    are skipped.
    """
    from nscl.legacy import detect_legacy, to_unicode

    result = NormalizeResult()
    for sheet in book.sheet_names():
        if sheet in OWN_SHEETS or sheet == IDENTITY_SHEET:
            continue
        try:
            values = book.read_values(sheet)
        except SheetTooLarge as far:
            result.too_large.append(f"{sheet}!{far.corner}")
            continue
        for r, row in enumerate(values, start=1):
            for c, value in enumerate(row, start=1):
                if not isinstance(value, str) or not value:
                    continue
                converted = to_unicode(value)
                if converted == value:
                    continue
                cell = a1(r - 1, c - 1)
                if book.has_formula(sheet, cell):
                    continue
                book.set_value(sheet, cell, converted)
                result.changed.append(f"{sheet}!{cell}")
                if detect_legacy(value) is not None:
                    result.legacy += 1
                elif not unicodedata.is_normalized("NFC", value):
                    result.decomposed += 1
    return result


def normalize_message(result: NormalizeResult) -> str:
    """The Vietnamese message box text for "Chuẩn hoá văn bản"."""
    skipped = ""
    if result.too_large:
        skipped = (
            "\nKhông đọc được (dữ liệu trải tới ô quá xa bảng, hãy xóa các dòng, cột thừa): "
            + ", ".join(result.too_large) + "."
        )
    if not result.changed:
        return ("Không có ô nào cần chuẩn hoá: văn bản đã ở dạng Unicode dựng sẵn (NFC)."
                + skipped)
    return (
        f"Đã chuẩn hoá {len(result.changed)} ô sang Unicode dựng sẵn (NFC): "
        f"{result.legacy} ô gõ bằng bảng mã cũ (TCVN3/VNI), "
        f"{result.decomposed} ô Unicode tổ hợp (NFD).\n"
        "Hãy chọn phông chữ Unicode (ví dụ Times New Roman) cho các ô này nếu chữ hiển thị lỗi."
        + skipped
    )


def _alert(xw_book: Any, text: str, title: str, *, critical: bool = False) -> None:
    xw_book.app.alert(text, title=title, buttons="ok", mode="critical" if critical else "info")


def _with_screen_frozen(xw_book: Any, work: Callable[[], Any]) -> Any:
    app = xw_book.app
    desktop = getattr(getattr(app, "engine", None), "name", "") == "excel"
    if desktop:
        app.screen_updating = False
    try:
        return work()
    finally:
        if desktop:
            app.screen_updating = True


def run_check(xw_book: Any, *, validate: Validator | None = None) -> MarkingResult | None:
    """The "Kiểm tra" button on an ``xlwings.Book``: check, mark, show one message box.

    An unexpected failure is shown to the user (with the technical detail) instead of
    a Python traceback window; it returns None then.
    """
    from xl.xlwings_book import XlwingsBook

    book = XlwingsBook(xw_book)
    try:
        result: MarkingResult = _with_screen_frozen(
            xw_book, lambda: check_workbook(book, validate=validate)
        )
    except Exception as exc:  # never leave the user with a bare traceback
        log.exception("Kiểm tra failed")
        _alert(
            xw_book,
            "Không kiểm tra được sổ tính này do lỗi của chương trình. "
            "Hãy gửi thông báo sau cho bộ phận hỗ trợ:\n"
            f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=2)}",
            CHECK_TITLE,
            critical=True,
        )
        return None
    _alert(xw_book, outcome_message(result), CHECK_TITLE, critical=bool(result.errors))
    return result


def run_normalize(xw_book: Any) -> NormalizeResult | None:
    """The "Chuẩn hoá văn bản" button on an ``xlwings.Book``."""
    from xl.xlwings_book import XlwingsBook

    book = XlwingsBook(xw_book)
    try:
        result: NormalizeResult = _with_screen_frozen(xw_book, lambda: normalize_workbook(book))
    except Exception as exc:
        log.exception("Chuẩn hoá failed")
        _alert(
            xw_book,
            f"Không chuẩn hoá được văn bản do lỗi của chương trình:\n{type(exc).__name__}: {exc}",
            NORMALIZE_TITLE,
            critical=True,
        )
        return None
    _alert(xw_book, normalize_message(result), NORMALIZE_TITLE)
    return result


def kiem_tra() -> None:
    """Ribbon callback "Kiểm tra" (``RunPython "import xl.button; xl.button.kiem_tra()"``)."""
    import xlwings as xw

    run_check(xw.Book.caller())


def chuan_hoa() -> None:
    """Ribbon callback "Chuẩn hoá văn bản" (``xl.button.chuan_hoa()``)."""
    import xlwings as xw

    run_normalize(xw.Book.caller())
