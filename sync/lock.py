"""One run at a time: an exclusive lock file in the state folder (``filelock``).

The operating system releases the lock when the process dies, so a run killed in the
middle never blocks the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_NAME", "SyncLockedError", "run_lock"]

LOCK_NAME = "nscl-sync.lock"


class SyncLockedError(RuntimeError):
    """Another consolidation run holds the lock."""


@contextmanager
def run_lock(state_dir: Path, *, timeout: float = 0.0) -> Iterator[Path]:
    """Hold the state folder's lock for the duration of the block.

    Raises :class:`SyncLockedError` when another run holds it for longer than ``timeout``
    seconds (0: do not wait).
    """
    from filelock import FileLock, Timeout

    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_NAME
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise SyncLockedError(str(path)) from exc
    try:
        yield path
    finally:
        lock.release()
