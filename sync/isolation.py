"""Worker processes for work on agency files, so that one file cannot take the run down.

The readers and writers of spreadsheets (python-calamine in Rust, openpyxl in Python)
run on whatever agencies send. A file can make them exhaust memory, or crash the process
outright. Such work runs in worker processes with an address-space limit (Linux): a
worker that runs out of memory fails its file with ``MemoryError``, a worker that dies
is replaced and the files it held are retried one by one in a fresh process, so only the
file that kills its process again fails. Workers are forked where that is safe (Linux,
no other thread running), otherwise spawned; a forked worker turns the garbage collector
back on (the parent may have paused it).

:class:`sync.validate.ValidationPool` streams validation through the same workers;
:func:`run_isolated` runs a batch (the feedback copies).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["WorkerDied", "context", "run_isolated", "start_worker", "worker_pool"]

J = TypeVar("J")
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """The worker process handling a job ended abnormally (killed, crashed)."""


def start_worker(megabytes: int) -> None:
    """Worker set-up: the collector on (a forked worker inherits the parent's pause) and
    the address-space limit."""
    import gc

    gc.enable()
    _limit_memory(megabytes)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def context() -> Any:
    """Fork where it is safe (Linux, a single thread), else spawn."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def worker_pool(workers: int, memory_limit_mb: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` limited worker processes."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context(), initializer=start_worker,
        initargs=(memory_limit_mb,),
    )


def run_isolated(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int = 0,
    memory_limit_mb: int = 2048,
) -> Iterator[tuple[J, R | BaseException]]:
    """Run ``fn(job)`` for every job in worker processes; yield ``(job, result)`` as each
    finishes, with the exception it raised in place of the result when it failed
    (:class:`WorkerDied` when its process died twice). ``fn`` and the jobs must be
    picklable. ``workers`` 0: one per core, at most 4 and at most one per job."""
    if not jobs:
        return
    count = workers if workers > 0 else max(1, min(os.cpu_count() or 1, 4, len(jobs)))
    retry: list[J] = []
    with worker_pool(count, memory_limit_mb) as pool:
        futures: dict[Future[R], J] = {pool.submit(fn, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield job, future.result()
            except BrokenProcessPool:
                retry.append(job)
            except Exception as exc:
                yield job, exc
    for job in retry:  # one at a time: only the culprit fails
        try:
            with worker_pool(1, memory_limit_mb) as single:
                yield job, single.submit(fn, job).result()
        except BrokenProcessPool:
            yield job, WorkerDied("tiến trình xử lý tệp bị dừng bất thường")
        except Exception as exc:
            yield job, exc
