"""Run the validation engine over the files that need it, safely.

Files are validated in worker processes (``spawn``), each with an address-space limit
on Linux, so that a decompression bomb or a file that crashes a reader cannot take the
run down: a worker that dies is replaced, the files it held are retried one by one in
a fresh process, and the one that kills its process again is rejected with a reason.
A single file, or a machine with one core, is validated in-process.

:func:`engine_fingerprint` names the engine's code and form descriptions cheaply
(sizes and modification times, no import), so that cached reports are reused only
while the engine that produced them is unchanged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl.problems import Problem
from nscl.report import FileReport

__all__ = [
    "ValidationJob",
    "Validator",
    "crash_report",
    "default_validator",
    "engine_fingerprint",
    "validate_jobs",
]

Validator = Callable[[Path, "int | None", str], FileReport]


@dataclass(frozen=True)
class ValidationJob:
    """One file to validate."""

    key: str  # caller's key (content hash)
    path: Path
    display_name: str


# Parts of the nscl package that do not change what validation finds.
_NOT_ENGINE = frozenset({"commands", "template_build", "cli.py", "__pycache__"})


def _tree_signature(folder: Path, digest: Any, suffixes: tuple[str, ...]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _NOT_ENGINE:
            continue
        if entry.is_dir():
            _tree_signature(Path(entry.path), digest, suffixes)
        elif entry.name.endswith(suffixes):
            st = entry.stat()
            digest.update(f"{entry.path}:{st.st_size}:{st.st_mtime_ns};".encode())


def engine_fingerprint(extra: str = "") -> str:
    """A short hash of the engine's code, data and forms (and ``extra`` settings)."""
    import nscl
    import workbook_templates
    from sync.cache import CODEC_VERSION

    digest = hashlib.sha256(f"{nscl.__version__}|{CODEC_VERSION}|{extra}|".encode())
    _tree_signature(Path(nscl.__file__).parent, digest, (".py", ".csv", ".toml"))
    _tree_signature(workbook_templates.FORMS_DIR, digest, (".toml",))
    return digest.hexdigest()[:24]


def default_validator(path: Path, year: int | None, display_name: str) -> FileReport:
    """The validation engine (imported on first use: it pulls in the spreadsheet readers)."""
    from nscl.validation import validate_path

    return validate_path(path, year=year, display_name=display_name)


def crash_report(job: ValidationJob, detail: str) -> FileReport:
    """The report of a file that made its reader crash or exhaust memory."""
    problem = Problem(
        code="file-crashed-reader",
        severity="error",
        message=(
            "Không đọc được tệp: chương trình đọc tệp bị dừng bất thường "
            f"({detail}); tệp có thể hỏng hoặc quá lớn."
        ),
        fix="Mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi gửi lại.",
        file=job.display_name,
    )
    return FileReport(path=job.display_name, problems=[problem], readable=False)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _guarded(
    validator: Validator, job: ValidationJob, year: int | None
) -> FileReport:
    try:
        return validator(job.path, year, job.display_name)
    except MemoryError:
        return crash_report(job, "hết bộ nhớ")
    except Exception as exc:  # the engine must never stop the run
        return crash_report(job, f"{type(exc).__name__}: {exc}")


def _pool(workers: int, memory_limit_mb: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_limit_memory,
        initargs=(memory_limit_mb,),
    )


def auto_workers(jobs: int, configured: int = 0) -> int:
    """Worker processes to use: the configured number, else one per core (at most 4)."""
    if configured > 0:
        return configured
    if jobs < 2:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, jobs))


def validate_jobs(
    jobs: Iterable[ValidationJob],
    *,
    year: int | None,
    validator: Validator | None = None,
    workers: int = 0,
    memory_limit_mb: int = 2048,
    on_done: Callable[[ValidationJob, FileReport], None] | None = None,
) -> dict[str, FileReport]:
    """Validate every job; return reports by job key. Never raises on file content."""
    todo = list(jobs)
    fn = validator or default_validator
    results: dict[str, FileReport] = {}

    def done(job: ValidationJob, report: FileReport) -> None:
        results[job.key] = report
        if on_done is not None:
            on_done(job, report)

    n = auto_workers(len(todo), workers)
    if n <= 1 or len(todo) < 2:
        for job in todo:
            done(job, _guarded(fn, job, year))
        return results

    leftovers: list[ValidationJob] = []
    with _pool(n, memory_limit_mb) as pool:
        futures: dict[Future[FileReport], ValidationJob] = {
            pool.submit(_guarded, fn, job, year): job for job in todo
        }
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            job = futures[future]
            try:
                done(job, future.result())
            except BrokenProcessPool:
                leftovers.append(job)
    # A worker died: retry its files one at a time, each in its own process.
    for job in leftovers:
        try:
            with _pool(1, memory_limit_mb) as single:
                report = single.submit(_guarded, fn, job, year).result()
        except BrokenProcessPool:
            report = crash_report(job, "tiến trình đọc tệp bị dừng")
        done(job, report)
    return results
