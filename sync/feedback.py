"""Feedback to agencies: a marked copy of each file with problems, in the outbox folder.

``<outbox>/<agency code>/<original name>.xlsx``: error cells red, warnings yellow, a
comment on each, and a "Kết quả kiểm tra" sheet (``nscl.marking.annotate_copy``). A copy
is made once per file content; later runs reuse it. Copies are made in worker processes;
a file that cannot be marked is logged and skipped: feedback never stops the run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nscl.isolation import run_isolated
from sync.ledger import Ledger
from sync.logs import LOGGER
from sync.model import Submission

if TYPE_CHECKING:
    from sync.run import Progress

__all__ = ["remove_stale", "send_feedback"]


def _marked_copy(job: tuple[Any, str, str, str]) -> str:
    """Mark one file (in a worker process): (report, source, outbox folder, file name).
    The source is the archived copy; the marked copy is named after the agency's file,
    in the type of the archived content (an .xls or .ods becomes .xlsx)."""
    from nscl.marking import annotate_copy

    report, source_path, out_dir, name = job
    return str(annotate_copy(report, Path(source_path), Path(out_dir), stem=Path(name).stem))


def send_feedback(
    submissions: Iterable[Submission],
    *,
    outbox: Path,
    ledger: Ledger | None,
    engine: str,
    now: str,
    progress: Progress | None = None,
    workers: int = 0,
    memory_limit_mb: int = 2048,
) -> dict[str, str]:
    """Write marked copies for submissions with problems; return agency code -> copy path.

    Copies are made in worker processes (:mod:`nscl.isolation`): openpyxl holds a whole
    workbook in memory, and a file that exhausts it or crashes the worker only loses its
    own copy (logged), never the run.
    """
    subs = list(submissions)
    out: dict[str, str] = {}
    if progress is not None and subs:
        progress.start(len(subs), "Đánh dấu tệp có lỗi")
    todo: list[Submission] = []
    for sub in subs:
        done = ledger.feedback_path(sub.sha256, _key(engine, sub)) if ledger else None
        if done is not None and Path(done).exists():
            out[sub.agency.code] = done
            if progress is not None:
                progress.advance(sub.file)
        else:
            todo.append(sub)
    jobs = [(sub.report, sub.source, str(outbox / sub.agency.code), sub.file_name)
            for sub in todo]
    sub_of = {id(job): sub for job, sub in zip(jobs, todo, strict=True)}
    for job, result in run_isolated(_marked_copy, jobs, workers=workers,
                                    memory_limit_mb=memory_limit_mb):
        sub = sub_of[id(job)]
        if isinstance(result, BaseException):  # marking must never stop the run
            LOGGER.warning("không tạo được bản đánh dấu cho %s: %s", sub.file, result)
        else:
            out[sub.agency.code] = result
            sub.marked_copy = result
            if ledger is not None:
                ledger.record_feedback(sub.sha256, _key(engine, sub), result, now)
            LOGGER.info("bản đánh dấu cho %s: %s", sub.agency.code, result)
        if progress is not None:
            progress.advance(sub.file)
    return out


def _key(engine: str, sub: Submission) -> str:
    """A marked copy's cache key: the engine, the file, and the problems marked (the
    round's own checks, such as an annual report's continuity with last year, or the
    staff's request for clarification, may add some to what validation found), with
    their messages (the staff's comment in a request)."""
    import hashlib

    marks = hashlib.sha256(repr([(p.code, p.sheet, p.cell, p.message)
                                 for p in sub.report.problems]).encode()).hexdigest()[:16]
    return f"{engine}|{sub.file}|{marks}"


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
            LOGGER.info("đã xoá bản đánh dấu cũ %s", path)
        except OSError as exc:
            LOGGER.warning("không xoá được bản đánh dấu cũ %s: %s", path, exc)
            continue
        # The agency's folder too, once it holds nothing more to send (a folder that is
        # not empty, or already gone, stays as it is).
        with contextlib.suppress(OSError):
            path.parent.rmdir()
    return removed
