"""nscl's retry policy for Google, and the pacing that keeps it rarely needed.

- Retried: 408, 429, every 5xx, and Drive's 403 ``rateLimitExceeded`` /
  ``userRateLimitExceeded``; also a connection that failed or timed out, when sending
  the request again cannot do something twice (:mod:`.transport` decides).
- Back-off: before retry *n* (0 for the first) wait ``min(64 s, 2ⁿ)`` plus a random
  jitter of up to 1 s, or longer when Google's ``Retry-After`` asks for it.
- At most 6 tries per request; a per-run :class:`Deadline`, after which the item is
  deferred to the next run (never a sleep that would overrun it).
- Pacing (:class:`Pacer`): Sheets allows 60 read and 60 write requests per minute per
  user per project; nscl spaces its Sheets requests to stay under that.

Time comes from an injectable :class:`Clock`, so that tests neither sleep for minutes
nor depend on the machine's speed.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

__all__ = [
    "RETRYABLE_REASONS",
    "SHEETS_READS_PER_MINUTE",
    "SHEETS_WRITES_PER_MINUTE",
    "Clock",
    "Deadline",
    "Pacer",
    "RetryPolicy",
    "SystemClock",
    "backoff_delay",
    "is_retryable",
    "retry_after_seconds",
]

# Google's documented per-user quota for the Sheets API (requests per minute per user
# per project; reads and writes are counted separately).
SHEETS_READS_PER_MINUTE = 60
SHEETS_WRITES_PER_MINUTE = 60
# Drive's 403 reasons that mean "slow down", not "forbidden".
RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


class Clock(Protocol):
    """Where the Google layer gets its time (a fake one in tests)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...

    def now(self) -> datetime:
        """The current time, timezone-aware (for ``Retry-After`` dates)."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """:func:`time.monotonic`."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """:func:`time.sleep`."""
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request is tried. Timeouts are per HTTP request, in seconds."""

    max_tries: int = 6
    max_backoff: float = 64.0
    jitter: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) as requests takes it."""
        return (self.connect_timeout, self.read_timeout)


def is_retryable(status: int, reason: str | None = None) -> bool:
    """Whether an answer ``status`` (with Google's ``reason``) is worth trying again."""
    if status in (408, 429) or 500 <= status <= 599:
        return True
    return status == 403 and reason in RETRYABLE_REASONS


def backoff_delay(retry: int, policy: RetryPolicy, rng: random.Random,
                  retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``retry`` (0 for the first):
    ``min(max_backoff, 2**retry)`` plus jitter, and at least ``retry_after``."""
    base = min(policy.max_backoff, float(2 ** min(retry, 30)))
    delay = base + rng.uniform(0.0, policy.jitter)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (a number or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


class Deadline:
    """The time a run may spend on Google; None means no limit."""

    def __init__(self, clock: Clock, seconds: float | None) -> None:
        self._clock = clock
        self._end = None if seconds is None else clock.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left (infinite without a limit; never negative)."""
        if self._end is None:
            return math.inf
        return max(0.0, self._end - self._clock.monotonic())

    @property
    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0.0

    def allows(self, wait: float) -> bool:
        """Whether waiting ``wait`` seconds still leaves time to send a request."""
        return wait < self.remaining()


class Pacer:
    """A token bucket: at most ``per_minute`` requests in any minute, ``burst`` at once.

    :meth:`wait_time` says how long the next request must wait; :meth:`take` spends a
    token (after that wait). Thread-safe.
    """

    def __init__(self, clock: Clock, per_minute: float, burst: float | None = None) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self._clock = clock
        self._rate = per_minute / 60.0
        self._capacity = float(burst if burst is not None else per_minute)
        self._tokens = self._capacity
        self._stamp = clock.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until a token is available (0 when one is)."""
        with self._lock:
            self._refill()
            return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self._rate

    def take(self) -> None:
        """Spend one token (the bucket may go below zero if called without waiting)."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
