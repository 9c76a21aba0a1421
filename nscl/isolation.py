"""Worker processes for work on agency files, so that one file cannot take the run down.

The readers and writers of spreadsheets (python-calamine in Rust, openpyxl in Python)
run on whatever agencies send. A file can make them exhaust memory, or crash the process
outright. Such work runs in worker processes with an address-space limit (Linux): a
worker that runs out of memory fails its file with ``MemoryError``, a worker that dies
is replaced and the files it held are retried, the first of them alone in a fresh
process, so only the file that kills its process on its own fails
(:class:`WorkerDied`, reported on the file as ``file-crashed-reader``). A file that
takes longer than the time limit has its worker stopped, which is the same. Workers are
forked where that is safe (Linux, no other thread running), after the caller's
``preload`` (readers imported, lookup tables built once for every worker), otherwise
spawned; a forked worker turns the garbage collector back on (the parent may have
paused it).

:class:`WorkerPool` is the one pool: jobs are submitted as they come and their outcomes
collected as they complete (``nscl sync`` validates while it archives, through
:class:`sync.validate.ValidationPool`); :func:`run_isolated` runs a batch and gives its
outcomes in the order of the jobs (``nscl validate``, the feedback copies).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

__all__ = [
    "TIME_LIMIT_S", "WorkerDied", "WorkerPool", "auto_workers", "context", "failure_detail",
    "run_isolated", "start_worker", "time_limited",
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


def context() -> BaseContext:
    """Fork where it is safe (Linux, a single thread: a thread holding a lock at the fork
    would leave it held for ever in the child), else spawn."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def auto_workers(jobs: int, configured: int = 0) -> int:
    """Worker processes to use: the configured number, else one per core (at most 4);
    never more than there are jobs."""
    count = configured if configured > 0 else min(os.cpu_count() or 1, 4)
    return max(1, min(count, jobs))


class WorkerPool(Generic[J, R]):
    """Runs ``fn(job)`` for each job submitted, in limited worker processes.

    ``workers`` processes at most (started with the first job), each with an address
    space of ``memory_limit_mb`` (0: no limit) and ``time_limit_s`` per job (default
    :data:`TIME_LIMIT_S`; 0: none). ``preload`` runs once in this process before forked
    workers start, so that they inherit what it imports and builds. ``fn`` and the jobs
    must be picklable (workers are spawned where they cannot be forked).

    :meth:`as_completed` gives each job's outcome as it completes: its result, or the
    exception it raised (:class:`MemoryError` past the memory limit), or
    :class:`WorkerDied` when its process died with it alone. When a worker dies, its
    pool is lost with every job it held: the first of them (in submission order) is run
    again alone in a process of its own, the others in a fresh pool; so a job is failed
    only when it kills a process of its own, however many jobs shared the pool.
    """

    def __init__(
        self,
        fn: Callable[[J], R],
        *,
        workers: int = 1,
        memory_limit_mb: int = 2048,
        time_limit_s: float | None = None,
        preload: Callable[[], None] | None = None,
    ) -> None:
        self.fn = fn
        self.workers = max(1, workers)
        self.memory_limit_mb = memory_limit_mb
        self.time_limit_s = TIME_LIMIT_S if time_limit_s is None else time_limit_s
        self.preload = preload
        self._executor: ProcessPoolExecutor | None = None
        # Each job not yet given back: its future -> (submission number, job, executor).
        self._pending: dict[Future[R], tuple[int, J, ProcessPoolExecutor]] = {}
        self._submitted = 0

    def __enter__(self) -> WorkerPool[J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        mp_context = context()
        if self.preload is not None and mp_context.get_start_method() == "fork":
            self.preload()  # once here, inherited by every forked worker
            self.preload = None
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=mp_context, initializer=start_worker,
            initargs=(self.memory_limit_mb,),
        )

    def submit(self, job: J) -> int:
        """Start running a job (the workers start with the first one); return its number
        (0 for the first job submitted, then 1 …)."""
        number = self._submitted
        self._submit(number, job)
        self._submitted += 1
        return number

    def _submit(self, number: int, job: J) -> None:
        for _ in range(2):  # a pool found broken is replaced once
            if self._executor is None:
                self._executor = self._new_executor(self.workers)
            executor = self._executor
            try:
                future = executor.submit(time_limited, self.fn, self.time_limit_s, job)
            except BrokenProcessPool:  # its jobs are retried by as_completed
                self._executor = None
                continue
            self._pending[future] = (number, job, executor)
            return
        raise RuntimeError("worker processes cannot be started")  # pragma: no cover

    def as_completed(self) -> Iterator[tuple[J, R | BaseException]]:
        """Yield ``(job, outcome)`` for every job submitted, as each completes."""
        for _, job, outcome in self.numbered_as_completed():
            yield job, outcome

    def numbered_as_completed(self) -> Iterator[tuple[int, J, R | BaseException]]:
        """:meth:`as_completed` with each job's number (see :meth:`submit`)."""
        pending = self._pending
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken: list[tuple[int, J, ProcessPoolExecutor]] = []
            for future in sorted(done, key=lambda f: pending[f][0]):
                entry = pending.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    broken.append(entry)
                else:
                    yield entry[0], entry[1], error if error is not None else future.result()
            if broken:
                yield from self._retry(broken)

    def _retry(self, broken: list[tuple[int, J, ProcessPoolExecutor]],
               ) -> Iterator[tuple[int, J, R | BaseException]]:
        """A pool died: gather every job it held, run the first alone, resubmit the
        others to a fresh pool."""
        dead = {executor for _, _, executor in broken}
        held = [f for f, (_, _, executor) in self._pending.items() if executor in dead]
        wait(held)  # a broken pool fails each of its jobs at once
        for future in held:
            entry = self._pending.pop(future)
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                broken.append(entry)
            else:
                yield entry[0], entry[1], error if error is not None else future.result()
        for executor in dead:
            executor.shutdown(wait=True, cancel_futures=True)
            if self._executor is executor:
                self._executor = None
        broken.sort(key=lambda entry: entry[0])
        (number, first, _), rest = broken[0], broken[1:]
        for later, job, _ in rest:
            self._submit(later, job)
        yield number, first, self._alone(first)

    def _alone(self, job: J) -> R | BaseException:
        """Run one job in a process of its own."""
        try:
            with self._new_executor(1) as single:
                return single.submit(time_limited, self.fn, self.time_limit_s, job).result()
        except BrokenProcessPool:
            return WorkerDied("tiến trình xử lý tệp bị dừng bất thường")
        except Exception as exc:
            return exc

    def close(self) -> None:
        """Stop the workers (jobs not yet collected are cancelled)."""
        executors = {executor for _, _, executor in self._pending.values()}
        if self._executor is not None:
            executors.add(self._executor)
        self._pending.clear()
        self._executor = None
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)


def run_isolated(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int = 0,
    memory_limit_mb: int = 2048,
    time_limit_s: float | None = None,
    preload: Callable[[], None] | None = None,
) -> Iterator[tuple[J, R | BaseException]]:
    """Run ``fn(job)`` for every job in a :class:`WorkerPool`; yield ``(job, outcome)`` in
    the order of ``jobs``, as soon as each job and those before it are done (the
    exception a job raised in place of its result; :class:`WorkerDied` when its process
    died, alone). ``workers`` 0: one per core, at most 4 and at most one per job."""
    if not jobs:
        return
    outcomes: dict[int, R | BaseException] = {}
    emitted = 0
    with WorkerPool(fn, workers=auto_workers(len(jobs), workers),
                    memory_limit_mb=memory_limit_mb, time_limit_s=time_limit_s,
                    preload=preload) as pool:
        for job in jobs:
            pool.submit(job)
        for number, _, outcome in pool.numbered_as_completed():
            outcomes[number] = outcome
            while emitted in outcomes:
                yield jobs[emitted], outcomes.pop(emitted)
                emitted += 1
