"""The ribbon buttons of the add-in, run by xlwings' ``RunPython`` from the VBA callbacks.

- "Kiểm tra" → :func:`kiem_tra`: validates the active workbook with exactly the rules of
  ``nscl validate`` (``nscl.validation.validate_path`` on a snapshot of its values, see
  :mod:`xl.snapshot`), then marks it (:mod:`nscl.marking`) and says the outcome in one
  Vietnamese message box.
- "Chuẩn hoá văn bản" → :func:`chuan_hoa`: converts legacy TCVN3/VNI text and NFD text
  to NFC Unicode and reports how many cells changed.

Both work on protected workbooks (the official templates protect every sheet and lock
the structure, without a password): they lift the protection of what they change and
put it back with the same options; a password stops them with a message and no change.
A change Excel refuses undoes the click's other changes (:mod:`nscl.marking.journal`).

The engine-independent parts (:func:`check_workbook`, :func:`normalize_workbook`) work on
the workbook interface; :func:`run_check` / :func:`run_normalize` take an ``xlwings.Book``
(the workbook open in Excel; in tests, a stand-in of Excel's object model).
"""

from __future__ import annotations

import logging
import tempfile
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from nscl.a1 import a1
from nscl.identity import IDENTITY_SHEET
from nscl.marking import (
    OWN_SHEETS,
    ChangeFailed,
    MarkingResult,
    apply_report,
    change_failed_message,
    outcome_message,
    pending_totals,
    read_mark_records,
)
from nscl.marking.journal import Journal
from nscl.marking.workbook_api import (
    CellValue,
    PasswordProtected,
    SheetTooLarge,
    WorkbookAccess,
)
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

    The values are validated as the user sees them, except the computed cells an
    earlier click filled (left out, so that the engine never takes the add-in's own
    figures for the agency's); then the earlier marks are undone and the new ones made,
    all or nothing (:func:`nscl.marking.apply_report`).
    """
    previous = read_mark_records(book)
    ours = pending_totals(book, previous)
    with tempfile.TemporaryDirectory(prefix="nscl-kiemtra-") as tmp:
        snapshot = snapshot_to_xlsx(book, Path(tmp), blank=ours)
        report = (validate or _default_validator)(snapshot, book.name)
    return apply_report(book, report, previous=previous)


@dataclass
class NormalizeResult:
    """Cells converted by "Chuẩn hoá văn bản", by kind of text found.

    ``password_sheet``: nothing was converted, because that sheet (holding text to
    convert) is protected with a password.
    """

    changed: list[str] = field(default_factory=list)  # "Sheet!B12"
    legacy: int = 0  # TCVN3/VNI text converted
    decomposed: int = 0  # NFD (or other non-NFC) Unicode recomposed
    too_large: list[str] = field(default_factory=list)  # "Sheet!XFD1048576": not read
    password_sheet: str | None = None


def normalize_workbook(book: WorkbookAccess) -> NormalizeResult:
    """Convert legacy-encoded and non-NFC text cells of the data sheets to NFC Unicode.

    Formula cells are never touched. The add-in's own sheets and the identity sheet
    are skipped. Protected sheets are unprotected for the change and protected again;
    a change Excel refuses undoes the others (:class:`ChangeFailed`).
    """
    from nscl.legacy import detect_legacy, to_unicode

    result = NormalizeResult()
    changes: dict[str, dict[str, tuple[str, str]]] = {}  # sheet -> cell -> (old, new)
    for sheet in book.sheet_names():
        if sheet in OWN_SHEETS or sheet == IDENTITY_SHEET:
            continue
        try:
            values = book.read_values(sheet)
        except SheetTooLarge as far:
            result.too_large.append(f"{sheet}!{far.corner}")
            continue
        found: dict[str, tuple[str, str]] = {}
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    converted = to_unicode(value)
                    if converted != value:
                        found[a1(r, c)] = (value, converted)
        for cell in book.formula_cells(sheet, found) if found else ():
            del found[cell]
        if found:
            changes[sheet] = found
    if not changes:
        return result
    try:
        lifted = book.lift_protection(sorted(changes), structure=False)
    except PasswordProtected as locked:
        result.password_sheet = locked.sheet
        return result
    journal = Journal()
    try:
        for sheet, cells in changes.items():
            old: dict[str, CellValue] = {cell: pair[0] for cell, pair in cells.items()}
            journal.record(f"{sheet}: {len(cells)} ô", partial(book.write_cells, sheet, old))
            book.write_cells(sheet, {cell: pair[1] for cell, pair in cells.items()})
    except Exception as exc:  # whatever the engine raises (Excel's COM errors …)
        raise ChangeFailed("ghi văn bản đã chuẩn hoá", exc, restored=journal.roll_back()) from exc
    finally:
        book.restore_protection(lifted)
    for sheet, cells in changes.items():
        for cell, (value, _) in cells.items():
            result.changed.append(f"{sheet}!{cell}")
            if detect_legacy(value) is not None:
                result.legacy += 1
            elif not unicodedata.is_normalized("NFC", value):
                result.decomposed += 1
    return result


def normalize_message(result: NormalizeResult) -> str:
    """The Vietnamese message box text for "Chuẩn hoá văn bản"."""
    if result.password_sheet is not None:
        return (
            f"Sheet “{result.password_sheet}” được bảo vệ bằng mật khẩu, nên nscl không chuẩn "
            "hoá và không thay đổi gì trong sổ tính (nscl không bao giờ dùng mật khẩu). Hãy "
            "bỏ bảo vệ (Review > Unprotect Sheet, nhập mật khẩu) rồi bấm lại."
        )
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


def _bug_message(action: str, exc: Exception) -> str:
    return (
        f"Không {action} được sổ tính này do lỗi của chương trình. "
        "Hãy gửi thông báo sau cho bộ phận hỗ trợ:\n"
        f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=2)}"
    )


def run_check(xw_book: Any, *, validate: Validator | None = None) -> MarkingResult | None:
    """The "Kiểm tra" button on an ``xlwings.Book``: check, mark, show one message box.

    A change Excel refuses (undone with the others) or an unexpected failure is shown to
    the user in that one message box instead of a Python traceback window; it returns
    None then.
    """
    from xl.xlwings_book import XlwingsBook

    book = XlwingsBook(xw_book)
    try:
        with book.frozen_screen():
            result = check_workbook(book, validate=validate)
    except ChangeFailed as exc:
        log.exception("Kiểm tra: Excel refused a change")
        _alert(xw_book, change_failed_message(exc, "đánh dấu sổ tính"), CHECK_TITLE,
               critical=True)
        return None
    except Exception as exc:  # never leave the user with a bare traceback
        log.exception("Kiểm tra failed")
        _alert(xw_book, _bug_message("kiểm tra", exc), CHECK_TITLE, critical=True)
        return None
    _alert(xw_book, outcome_message(result), CHECK_TITLE,
           critical=bool(result.errors) or not result.marked)
    return result


def run_normalize(xw_book: Any) -> NormalizeResult | None:
    """The "Chuẩn hoá văn bản" button on an ``xlwings.Book``."""
    from xl.xlwings_book import XlwingsBook

    book = XlwingsBook(xw_book)
    try:
        with book.frozen_screen():
            result = normalize_workbook(book)
    except ChangeFailed as exc:
        log.exception("Chuẩn hoá: Excel refused a change")
        _alert(xw_book, change_failed_message(exc, "chuẩn hoá văn bản"), NORMALIZE_TITLE,
               critical=True)
        return None
    except Exception as exc:
        log.exception("Chuẩn hoá failed")
        _alert(xw_book, _bug_message("chuẩn hoá văn bản", exc), NORMALIZE_TITLE, critical=True)
        return None
    _alert(xw_book, normalize_message(result), NORMALIZE_TITLE,
           critical=result.password_sheet is not None)
    return result


def kiem_tra() -> None:
    """Ribbon callback "Kiểm tra" (``RunPython "import xl.button; xl.button.kiem_tra()"``)."""
    import xlwings as xw

    run_check(xw.Book.caller())


def chuan_hoa() -> None:
    """Ribbon callback "Chuẩn hoá văn bản" (``xl.button.chuan_hoa()``)."""
    import xlwings as xw

    run_normalize(xw.Book.caller())
