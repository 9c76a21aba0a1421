"""Worker processes for work on agency files, so that one file cannot take the run down.

The readers and writers of spreadsheets (python-calamine in Rust, openpyxl in Python)
run on whatever agencies send. A file can make them exhaust memory, or crash the process
outright. Such work runs in worker processes with an address-space limit (Linux): a
worker that runs out of memory fails its file with ``MemoryError``, a worker that dies
is replaced and the files it held are retried one by one in a fresh process, so only the
file that kills its process again fails. Workers are forked where that is safe (Linux,
no other thread running), otherwise spawned; a forked worker turns the garbage collector
back on (the parent may have paused it).

:class:`sync.validate.ValidationPool` streams the nightly validation through the same
workers; :func:`run_isolated` runs a batch (``nscl validate``, the feedback copies).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = [
    "TIME_LIMIT_S", "WorkerDied", "context", "failure_detail", "run_isolated", "start_worker",
    "time_limited", "worker_pool",
]

# The longest a worker may spend on one file (seconds) before the system stops it, where
# the system can (SIGALRM: Linux, macOS). A file that makes a reader loop forever would
# otherwise hold the nightly run, and its lock, for ever. Legitimate files take well
# under a second to validate, and LibreOffice conversions have their own limit (180 s).
TIME_LIMIT_S = 600

J = TypeVar("J")
R = TypeVar("R")


class WorkerDied(RuntimeError):
    """The worker process handling a job ended abnormally (killed, crashed)."""


def failure_detail(exc: BaseException) -> str:
    """How a job failed, in Vietnamese, for the message about its file."""
    if isinstance(exc, WorkerDied):
        return ("bị dừng khi đang đọc, kể cả khi đọc lại riêng: lỗi của chương trình đọc "
                "hoặc quá thời gian cho phép")
    if isinstance(exc, MemoryError):
        return "hết bộ nhớ"
    return f"lỗi nội bộ; mã lỗi kỹ thuật: {type(exc).__name__}"


def start_worker(megabytes: int) -> None:
    """Worker set-up: the collector on (a forked worker inherits the parent's pause), the
    address-space limit, and no output of its own: what a dying native reader prints
    ("memory allocation of … bytes failed", a Rust backtrace) is not for the user, who
    gets the file's ``file-crashed-reader`` problem instead. (Python errors travel back
    to the parent with the job's result.)"""
    import faulthandler
    import gc

    gc.enable()
    _limit_memory(megabytes)
    faulthandler.disable()  # (a forked worker inherits the parent's, e.g. pytest's)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _has_alarm() -> bool:
    import signal

    return hasattr(signal, "SIGALRM")


def time_limited(fn: Callable[..., R], seconds: float, *args: Any) -> R:
    """``fn(*args)`` in a worker, which is stopped after ``seconds`` (0: no limit); the
    pool then sees the worker die. SIGALRM (Linux, macOS) stops the process even inside a
    native reader's loop; elsewhere (Windows) a watchdog thread ends the process, which it
    can do whenever the reader lets other Python threads run."""
    if seconds <= 0:
        return fn(*args)
    if _has_alarm():
        import signal

        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the default action: terminate
        signal.alarm(max(1, int(seconds)))
        try:
            return fn(*args)
        finally:
            signal.alarm(0)
    watchdog = threading.Timer(seconds, os._exit, args=(70,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return fn(*args)
    finally:
        watchdog.cancel()


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
    """Fork where it is safe (Linux, a single thread: a thread holding a lock at the fork
    would leave it held for ever in the child), else spawn."""
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
    time_limit_s: float | None = None,
) -> Iterator[tuple[J, R | BaseException]]:
    """Run ``fn(job)`` for every job in worker processes; yield ``(job, result)`` in the
    order of ``jobs``, with the exception it raised in place of the result when it failed
    (:class:`WorkerDied` when its process died, alone, twice). ``fn`` and the jobs must be
    picklable. ``workers`` 0: one per core, at most 4 and at most one per job. A job still
    running after ``time_limit_s`` (default :data:`TIME_LIMIT_S`) has its worker stopped.

    When a worker dies, the pool is lost: the job found broken is retried alone, the
    jobs that had finished keep their results and the others go to a fresh pool.
    """
    if not jobs:
        return
    count = workers if workers > 0 else max(1, min(os.cpu_count() or 1, 4, len(jobs)))
    limit = TIME_LIMIT_S if time_limit_s is None else time_limit_s
    results: dict[int, R | BaseException] = {}
    todo = list(range(len(jobs)))
    emitted = 0
    while todo:
        with worker_pool(min(count, len(todo)), memory_limit_mb) as pool:
            futures = [(i, pool.submit(time_limited, fn, limit, jobs[i])) for i in todo]
            todo = []
            broken = False
            for i, future in futures:
                if not broken:
                    try:
                        results[i] = future.result()
                    except BrokenProcessPool:
                        broken = True
                        results[i] = _alone(fn, jobs[i], memory_limit_mb, limit)
                    except Exception as exc:
                        results[i] = exc
                elif future.done() and not isinstance(future.exception(), BrokenProcessPool):
                    error = future.exception()
                    results[i] = error if error is not None else future.result()
                else:
                    todo.append(i)
                while emitted in results:
                    yield jobs[emitted], results.pop(emitted)
                    emitted += 1


def _alone(
    fn: Callable[[J], R], job: J, memory_limit_mb: int, limit: float
) -> R | BaseException:
    """Run one job in a process of its own."""
    try:
        with worker_pool(1, memory_limit_mb) as single:
            return single.submit(time_limited, fn, limit, job).result()
    except BrokenProcessPool:
        return WorkerDied("tiến trình xử lý tệp bị dừng bất thường")
    except Exception as exc:
        return exc
