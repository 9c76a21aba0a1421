"""Undo log for changes to a live workbook: all of a click's changes, or none of them.

Excel can refuse any single change (a protected cell, a call rejected while the user
edits a cell, a workbook closed under our feet). Each change is entered in a
:class:`Journal` with the way to undo it, *before* it is made; when a later change
fails, :meth:`Journal.roll_back` undoes them, newest first, and the caller raises
:class:`ChangeFailed` with one Vietnamese message (:func:`change_failed_message`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["ChangeFailed", "Journal", "change_failed_message"]

log = logging.getLogger(__name__)


class ChangeFailed(Exception):
    """The workbook refused a change while ``step`` was under way.

    ``restored``: every change made before it was undone (the workbook is as it was
    before the click); otherwise some could not be, and the next click cleans up
    from the record kept in the workbook.
    """

    def __init__(self, step: str, cause: BaseException, *, restored: bool) -> None:
        super().__init__(f"{step}: {type(cause).__name__}: {cause}")
        self.step = step
        self.cause = cause
        self.restored = restored


class Journal:
    """The undo steps of the changes made so far, in order."""

    def __init__(self) -> None:
        self._undo: list[tuple[str, Callable[[], None]]] = []

    def __len__(self) -> int:
        return len(self._undo)

    def record(self, what: str, undo: Callable[[], None]) -> None:
        """Enter the way to undo a change about to be made (``what``, for the log)."""
        self._undo.append((what, undo))

    def roll_back(self) -> bool:
        """Undo every recorded change, newest first; True when all were undone.

        An undo step that fails is logged and the others still run.
        """
        complete = True
        while self._undo:
            what, undo = self._undo.pop()
            try:
                undo()
            except Exception:  # the engine's own errors (Excel's COM errors …)
                log.exception("could not undo %s", what)
                complete = False
        return complete


def change_failed_message(exc: ChangeFailed, action: str) -> str:
    """The one Vietnamese message for a click whose changes Excel refused.

    ``action``: what the click was doing ("đánh dấu sổ tính", "chuẩn hoá văn bản").
    """
    detail = str(exc.cause).strip() or type(exc.cause).__name__
    if exc.restored:
        outcome = ("Mọi thay đổi của lần bấm này đã được hoàn tác: sổ tính giữ nguyên như "
                   "trước khi bấm.")
    else:
        outcome = ("Một số ô chưa hoàn tác được; nscl đã ghi lại các ô này trong sổ tính, "
                   "bấm Kiểm tra lần nữa để tự trả chúng về như cũ.")
    return (
        f"Excel từ chối một thay đổi khi {action} ({exc.step}), nên việc này đã dừng lại.\n"
        f"{outcome}\n"
        "Hãy kết thúc việc đang sửa trong ô (nhấn Enter hoặc Esc), đóng các hộp thoại đang "
        "mở rồi bấm lại. Nếu vẫn lỗi, gửi thông báo sau cho bộ phận hỗ trợ:\n"
        f"{type(exc.cause).__name__}: {detail}"
    )
