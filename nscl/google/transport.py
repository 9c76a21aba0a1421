"""One HTTP client for every Google request: timeouts, retries, pacing, a counter.

:class:`GoogleHttp` sends a request through an authorised ``requests`` session
(``google.auth.transport.requests.AuthorizedSession``, which adds the access token and
refreshes it once on a 401) and applies :mod:`nscl.google.retry`'s policy itself:

- every request has a (connect, read) timeout, cut to what is left of the run's
  deadline;
- 408, 429, 5xx and Drive's rate-limit 403s are retried with back-off, honouring
  ``Retry-After``, at most ``max_tries`` times; then the mapped
  :mod:`nscl.google.errors` error is raised;
- a connection that fails or times out is retried when repeating the request cannot do
  something twice (reads, and any request whose connection was never made); otherwise
  :class:`~nscl.google.errors.GoogleOutcomeUnknownError` says the change may or may not
  have happened;
- Sheets requests are paced under the per-user quota (reads and writes separately);
- when a wait would overrun the run's deadline, :class:`GoogleDeferredError` says why,
  and the caller leaves the item for the next run.

:attr:`GoogleHttp.stats` counts the HTTP requests sent (every try), the retries and the
seconds spent waiting; the nightly run reports ``"google": {"requests": n}``.
"""

from __future__ import annotations

import logging
import math
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import requests

from nscl.google.errors import (
    GoogleAuthError,
    GoogleDeferredError,
    GoogleOutcomeUnknownError,
    GoogleRequestError,
    GoogleTransientError,
    error_from_response,
    parse_error_body,
)
from nscl.google.retry import (
    SHEETS_READS_PER_MINUTE,
    SHEETS_WRITES_PER_MINUTE,
    Clock,
    Deadline,
    Pacer,
    RetryPolicy,
    SystemClock,
    backoff_delay,
    is_retryable,
    retry_after_seconds,
)

__all__ = ["Api", "Expect", "GoogleHttp", "RequestStats", "pacer_for_quota"]

_LOG = logging.getLogger("nscl.google")

Api = Literal["drive", "sheets"]
Expect = Literal["json", "bytes", "none"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass
class RequestStats:
    """What the Google layer has sent: ``requests`` (every HTTP try), ``retries``,
    ``waited_seconds`` (back-off and pacing) and requests per API."""

    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    by_api: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For JSON output: ``{"requests": n, "retries": r, "waited_seconds": s}``."""
        return {"requests": self.requests, "retries": self.retries,
                "waited_seconds": round(self.waited_seconds, 3)}


def pacer_for_quota(clock: Clock, quota_per_minute: int) -> Pacer:
    """A pacer that never sends more than ``quota_per_minute`` requests in any 60 s:
    a burst of a sixth of the quota, the rest spread evenly."""
    burst = max(1, quota_per_minute // 6)
    return Pacer(clock, max(1, quota_per_minute - burst), burst)


class GoogleHttp:
    """Sends Google requests with nscl's timeouts, retries, pacing and counting."""

    def __init__(
        self,
        session: requests.Session,
        *,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        deadline: Deadline | None = None,
        rng: random.Random | None = None,
        sheets_reads_per_minute: int = SHEETS_READS_PER_MINUTE,
        sheets_writes_per_minute: int = SHEETS_WRITES_PER_MINUTE,
        user_agent: str = "nscl",
    ) -> None:
        self.session = session
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SystemClock()
        self.deadline = deadline or Deadline(self.clock, None)
        self._rng = rng or random.Random()
        self._pacers = {
            "read": pacer_for_quota(self.clock, sheets_reads_per_minute),
            "write": pacer_for_quota(self.clock, sheets_writes_per_minute),
        }
        self._user_agent = user_agent
        self._lock = threading.Lock()
        self.stats = RequestStats()

    # ---- waiting --------------------------------------------------------------------
    def _wait(self, seconds: float, why: str, what: str) -> None:
        if seconds <= 0:
            return
        if not self.deadline.allows(seconds):
            raise GoogleDeferredError(
                f"Hết thời gian dành cho Google trong lần chạy này khi xử lý {what} "
                f"({why}); sẽ làm tiếp ở lần chạy sau.",
                reason_text=why,
            )
        self.clock.sleep(seconds)
        with self._lock:
            self.stats.waited_seconds += seconds

    def _pace(self, kind: str, what: str) -> None:
        pacer = self._pacers[kind]
        wait = pacer.wait_time()
        if wait > 0:
            limit = "đọc" if kind == "read" else "ghi"
            self._wait(wait, f"giữ nhịp dưới hạn mức {limit} của Google Sheets", what)
        pacer.take()

    def _timeout(self) -> tuple[float, float]:
        connect, read = self.policy.timeout
        remaining = self.deadline.remaining()
        if math.isinf(remaining):
            return connect, read
        return min(connect, max(remaining, 0.001)), min(read, max(remaining, 0.001))

    def _count(self, api: str, *, retry: bool = False) -> None:
        with self._lock:
            if retry:
                self.stats.retries += 1
            else:
                self.stats.requests += 1
                self.stats.by_api[api] = self.stats.by_api.get(api, 0) + 1

    # ---- sending --------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        api: Api,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        expect: Expect = "json",
        idempotent: bool | None = None,
        max_bytes: int | None = None,
    ) -> Any:
        """Send one request, retrying as the policy says; return the parsed answer.

        ``what`` names the item in messages (Vietnamese: "bảng tính «…»"). ``expect``:
        "json" (a dict; ``{}`` for an empty answer), "bytes" (the body, refused above
        ``max_bytes``) or "none". ``idempotent`` defaults to True for GET, PUT, DELETE.
        """
        from google.auth import exceptions as auth_exceptions

        method = method.upper()
        safe_to_repeat = method in _IDEMPOTENT if idempotent is None else idempotent
        kind = "read" if method == "GET" else "write"
        all_headers = {"User-Agent": self._user_agent, **(headers or {})}
        why = ""
        for attempt in range(1, self.policy.max_tries + 1):
            if api == "sheets":
                self._pace(kind, what)
            if self.deadline.expired:
                raise GoogleDeferredError(
                    f"Hết thời gian dành cho Google trong lần chạy này trước khi xử lý "
                    f"{what}; sẽ làm ở lần chạy sau.",
                    reason_text=why or "hết thời gian của lần chạy",
                )
            self._count(api)
            _LOG.debug("%s %s (try %d)", method, url, attempt)
            try:
                response = self.session.request(
                    method, url, params=params, json=json_body, data=data,
                    headers=all_headers, timeout=self._timeout(),
                    stream=expect == "bytes",
                )
                outcome = self._answer(response, what=what, expect=expect, max_bytes=max_bytes)
            except auth_exceptions.RefreshError as exc:
                if not getattr(exc, "retryable", False):
                    raise GoogleAuthError(
                        "Google không cấp quyền truy cập với thông tin đăng nhập đang dùng "
                        f"({exc}). Kiểm tra tệp khóa «credentials» (tài khoản dịch vụ còn "
                        "hiệu lực, khóa chưa bị thu hồi) hoặc đăng nhập lại: nscl google "
                        "login.", detail=str(exc)) from exc
                outcome = _Retry(None, "", "máy chủ cấp quyền của Google tạm thời lỗi", None)
            except auth_exceptions.TransportError as exc:
                outcome = _Retry(None, "", "không kết nối được máy chủ cấp quyền của Google "
                                 f"({exc})", None)
            except requests.exceptions.ConnectTimeout:
                outcome = _Retry(None, "", "hết thời gian chờ kết nối tới Google", None)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                if not safe_to_repeat:
                    raise GoogleOutcomeUnknownError(
                        f"Mất kết nối với Google khi đang gửi thay đổi cho {what} "
                        f"({_network_reason(exc)}): chưa biết thay đổi đã được ghi hay "
                        "chưa.") from exc
                outcome = _Retry(None, "", _network_reason(exc), None)
            if not isinstance(outcome, _Retry):
                return outcome
            why = outcome.why
            if attempt == self.policy.max_tries:
                if outcome.status is not None:
                    raise error_from_response(outcome.status, outcome.body, what=what)
                break
            # Retry number attempt - 1 (0 for the first): min(64, 2**n) s plus jitter.
            self._wait(backoff_delay(attempt - 1, self.policy, self._rng,
                                     outcome.retry_after), why, what)
            self._count(api, retry=True)
        raise GoogleTransientError(
            f"Không liên lạc được với Google khi xử lý {what} sau {self.policy.max_tries} "
            f"lần thử ({why}). Kiểm tra kết nối mạng rồi chạy lại.")

    def _answer(self, response: requests.Response, *, what: str, expect: Expect,
                max_bytes: int | None) -> Any:
        status = response.status_code
        if 200 <= status < 300:
            if expect == "bytes":
                return _read_limited(response, max_bytes, what)
            if expect == "none" or status == 204 or not response.content:
                return {} if expect == "json" else None
            try:
                return response.json()
            except ValueError as exc:
                raise GoogleRequestError(
                    f"Câu trả lời của Google cho {what} không đọc được (không phải JSON).",
                    status=status) from exc
        body = response.text
        parsed = parse_error_body(body)
        if is_retryable(status, parsed.reason):
            return _Retry(status, body, f"Google trả lời mã {status}"
                          + (f" ({parsed.reason})" if parsed.reason else ""),
                          retry_after_seconds(response.headers.get("Retry-After"),
                                              self.clock.now()))
        raise error_from_response(status, body, what=what)


@dataclass(frozen=True)
class _Retry:
    """A try that failed in a way worth retrying (``status`` None: no answer)."""

    status: int | None
    body: str
    why: str
    retry_after: float | None


def _network_reason(exc: Exception) -> str:
    if isinstance(exc, requests.exceptions.Timeout):
        return "Google không trả lời trong thời gian chờ"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "câu trả lời của Google bị cắt giữa chừng"
    return "kết nối với Google bị ngắt"


def _read_limited(response: requests.Response, max_bytes: int | None, what: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=1 << 16):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            response.close()
            raise GoogleRequestError(
                f"Tệp {what} lớn hơn giới hạn {max_bytes // (1 << 20)} MB; không tải về.")
        chunks.append(chunk)
    return b"".join(chunks)
