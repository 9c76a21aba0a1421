"""Run the validation engine over the files that need it, safely and in parallel.

Files are validated in worker processes (:mod:`nscl.isolation`: an address-space limit
on Linux), so that a decompression bomb or a file that crashes a reader cannot take the
run down: a worker that dies is replaced, the files it held are retried one by one in a
fresh process, and the one that kills its process again is rejected with a reason. The
pool starts as soon as the first file needs validating, so that archiving the remaining
files overlaps with validation. Even one file is validated in a worker: python-calamine
can abort its process on some malformed files (seen: a damaged .xls whose shared-string
table made it reserve 1.9 TB).

Workers return the report already serialised for the parse cache (pickle), so it is
encoded once and stored as is.

:func:`engine_fingerprint` names the engine's code and form descriptions cheaply
(sizes and modification times, no import), so that cached reports are reused only
while the engine that produced them is unchanged.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nscl import isolation
from nscl.isolation import WorkerDied, context, failure_detail, time_limited, worker_pool
from nscl.report import FileReport
from sync.cache import report_to_blob

__all__ = [
    "ValidationJob",
    "ValidationPool",
    "Validator",
    "auto_workers",
    "crash_report",
    "default_validator",
    "engine_fingerprint",
]

Validator = Callable[[Path, "int | None", str], FileReport]

# Parts of the nscl package that do not change what validation finds.
_NOT_ENGINE = frozenset({"commands", "template_build", "cli.py", "__pycache__"})


@dataclass(frozen=True)
class ValidationJob:
    """One file to validate."""

    key: str  # caller's key (path relative to the inbox)
    path: Path
    display_name: str


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
    from nscl.validation import crash_report as report_of_crash

    return report_of_crash(job.display_name, detail)


def _guarded(validator: Validator, job: ValidationJob, year: int | None) -> bytes:
    """Validate one file; never raises on its content. Returns the serialised report."""
    try:
        report = validator(job.path, year, job.display_name)
    except Exception as exc:  # the engine must never stop the run (MemoryError included)
        report = crash_report(job, failure_detail(exc))
    return report_to_blob(report)


def auto_workers(jobs: int, configured: int = 0) -> int:
    """Worker processes to use: the configured number, else one per core (at most 4)."""
    if configured > 0:
        return configured
    if jobs < 2:
        return 1
    return max(1, min(os.cpu_count() or 1, 4, jobs))


class ValidationPool:
    """Validate jobs as they are submitted, in worker processes (one at least: the
    readers run native code that can abort the process on a malformed file, so they
    never run in the process of the run itself); :meth:`drain` yields (job, serialised
    report)."""

    def __init__(
        self,
        *,
        year: int | None,
        validator: Validator | None = None,
        workers: int = 1,
        memory_limit_mb: int = 2048,
    ) -> None:
        self.year = year
        self.validator = validator or default_validator
        self.workers = workers
        self.memory_limit_mb = memory_limit_mb
        self._retry: list[ValidationJob] = []
        self._futures: dict[Future[bytes], ValidationJob] = {}
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        if context().get_start_method() == "fork" and self.validator is default_validator:
            from nscl.validation import preload

            preload()  # imported and built once, inherited by the workers
        return worker_pool(workers, self.memory_limit_mb)

    def submit(self, job: ValidationJob) -> None:
        """Start validating a job (the pool starts with the first one)."""
        if self._executor is None:
            self._executor = self._pool(max(1, self.workers))
        try:
            future = self._executor.submit(
                time_limited, _guarded, isolation.TIME_LIMIT_S, self.validator, job, self.year
            )
        except BrokenProcessPool:
            self._retry.append(job)
            return
        self._futures[future] = job

    def drain(self) -> Iterator[tuple[ValidationJob, bytes]]:
        """Yield every job's result as it completes; then shut the pool down."""
        try:
            retry = self._retry
            futures = self._futures
            while futures:
                done, _ = wait(list(futures), return_when="FIRST_COMPLETED")
                for future in done:
                    job = futures.pop(future)
                    try:
                        yield job, future.result()
                    except BrokenProcessPool:
                        retry.append(job)
            # A worker died: retry its files one at a time, each in its own process.
            for job in retry:
                try:
                    with self._pool(1) as single:
                        blob = single.submit(
                            time_limited, _guarded, isolation.TIME_LIMIT_S, self.validator,
                            job, self.year,
                        ).result()
                except BrokenProcessPool:
                    blob = report_to_blob(crash_report(job, failure_detail(WorkerDied())))
                yield job, blob
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
