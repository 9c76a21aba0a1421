"""Feedback to agencies: a marked copy of each file with problems, in the outbox folder.

``<outbox>/<agency code>/<original name>.xlsx``: error cells red, warnings yellow, a
comment on each, and a "Kết quả kiểm tra" sheet (``xl.marking.annotate_copy``). A copy
is made once per file content; later runs reuse it. A file that cannot be marked is
logged and skipped: feedback never stops the run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync.ledger import Ledger
from sync.logs import LOGGER
from sync.model import Submission

__all__ = ["remove_stale", "send_feedback"]


def _marked_copy(sub: Submission, out_dir: Path) -> Path:
    from xl.marking import annotate_copy

    name = Path(sub.file).name
    with tempfile.TemporaryDirectory(prefix="nscl-feedback-") as tmp:
        # annotate_copy names the copy after its source: give it the agency's file name.
        source = Path(tmp) / name
        try:
            os.link(sub.source, source)
        except OSError:
            shutil.copyfile(sub.source, source)
        return annotate_copy(sub.report, source, out_dir)


def send_feedback(
    submissions: Iterable[Submission],
    *,
    outbox: Path,
    ledger: Ledger | None,
    engine: str,
    now: str,
    progress: Any = None,
) -> dict[str, str]:
    """Write marked copies for submissions with problems; return agency code -> copy path."""
    subs = list(submissions)
    out: dict[str, str] = {}
    if progress is not None and subs:
        progress.start(len(subs), "Đánh dấu tệp có lỗi")
    for sub in subs:
        key = f"{engine}|{sub.file}"
        done = ledger.feedback_path(sub.sha256, key) if ledger is not None else None
        if done is not None and Path(done).exists():
            out[sub.agency.code] = done
        else:
            try:
                path = _marked_copy(sub, outbox / sub.agency.code)
            except Exception as exc:  # marking must never stop the run
                LOGGER.warning("no marked copy for %s: %s", sub.file, exc)
                path = None
            if path is not None:
                out[sub.agency.code] = str(path)
                sub.marked_copy = str(path)
                if ledger is not None:
                    ledger.record_feedback(sub.sha256, key, str(path), now)
                LOGGER.info("marked copy for %s: %s", sub.agency.code, path)
        if progress is not None:
            progress.advance(sub.file)
    return out


def remove_stale(
    submissions: Iterable[Submission], marked: dict[str, str], *, ledger: Ledger | None
) -> list[Path]:
    """Delete marked copies of older versions, so that the outbox only holds copies of the
    files currently counted (an agency that fixed its file has nothing left to fix).
    Only files nscl produced (recorded in the ledger) are touched."""
    if ledger is None:
        return []
    current = {Path(p) for p in marked.values()}
    agencies = {sub.agency.code for sub in submissions}
    removed: list[Path] = []
    for recorded in ledger.feedback_paths():
        path = Path(recorded)
        if path in current or path.parent.name not in agencies or not path.exists():
            continue
        try:
            path.unlink()
            removed.append(path)
            LOGGER.info("removed outdated marked copy %s", path)
        except OSError as exc:
            LOGGER.warning("cannot remove outdated marked copy %s: %s", path, exc)
            continue
        # The agency's folder too, once it holds nothing more to send (a folder that is
        # not empty, or already gone, stays as it is).
        with contextlib.suppress(OSError):
            path.parent.rmdir()
    return removed
