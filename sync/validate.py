"""Run the validation engine over the files that need it, safely and in parallel.

Files are validated in worker processes (:class:`nscl.isolation.WorkerPool`: an
address-space limit on Linux, a time limit per file), so that a decompression bomb or a
file that crashes a reader cannot take the run down: a worker that dies is replaced, the
files it held are retried, and the one that kills a process of its own is rejected with
a reason (``file-crashed-reader``). The pool starts as soon as the first file needs
validating, so that archiving the remaining files overlaps with validation. Even one
file is validated in a worker: python-calamine can abort its process on some malformed
files (seen: a damaged .xls whose shared-string table made it reserve 1.9 TB).

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
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from nscl.isolation import WorkerPool, auto_workers, failure_detail
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


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def _tree_signature(folder: Path, digest: _Digest, suffixes: tuple[str, ...]) -> None:
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


def _guarded(validator: Validator, year: int | None, job: ValidationJob) -> bytes:
    """Validate one file; never raises on its content. Returns the serialised report."""
    try:
        report = validator(job.path, year, job.display_name)
    except Exception as exc:  # the engine must never stop the run (MemoryError included)
        report = crash_report(job, failure_detail(exc))
    return report_to_blob(report)


class ValidationPool:
    """Validation jobs on a :class:`nscl.isolation.WorkerPool`: :meth:`submit` starts
    validating a file (the workers start with the first one), :meth:`drain` yields
    ``(job, serialised report)`` as each completes. Always in worker processes, one at
    least: the readers run native code that can abort the process on a malformed file,
    so they never run in the process of the run itself. A file whose reading kills its
    worker (alone) or runs out of time gets a ``file-crashed-reader`` report."""

    def __init__(
        self,
        *,
        year: int | None,
        validator: Validator | None = None,
        workers: int = 1,
        memory_limit_mb: int = 2048,
    ) -> None:
        self.validator = validator or default_validator
        self._pool: WorkerPool[ValidationJob, bytes] = WorkerPool(
            partial(_guarded, self.validator, year), workers=workers,
            memory_limit_mb=memory_limit_mb,
            # the engine imported and built once, inherited by the workers
            preload=_preload_engine if self.validator is default_validator else None,
        )

    def submit(self, job: ValidationJob) -> None:
        """Start validating a job."""
        self._pool.submit(job)

    def drain(self) -> Iterator[tuple[ValidationJob, bytes]]:
        """Yield every job's result as it completes; then shut the pool down."""
        try:
            for job, outcome in self._pool.as_completed():
                if isinstance(outcome, BaseException):
                    outcome = report_to_blob(crash_report(job, failure_detail(outcome)))
                yield job, outcome
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers."""
        self._pool.close()


def _preload_engine() -> None:
    from nscl.validation import preload

    preload()
