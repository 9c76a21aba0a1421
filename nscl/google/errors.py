"""The exceptions of the Google layer: a small tree, each with a Vietnamese message.

``str(error)`` is the message for the user (what went wrong with which item and what
to do); ``status`` (HTTP status), ``reason`` (Google's reason code, e.g.
``storageQuotaExceeded``, ``RATE_LIMIT_EXCEEDED``) and ``detail`` (Google's own
English message) are kept for logs and for code that decides what to do next::

    GoogleError
    ├── GoogleConfigError          the [google] settings or a credentials file (exit 2)
    ├── GoogleAuthError            refused credentials, expired login, missing scope
    ├── GoogleNotFoundError        404: no such file, or not shared with this account
    ├── GooglePermissionError      403: not allowed
    │   └── GoogleStorageQuotaError   a service account may create files only in a shared drive
    ├── GoogleRequestError         400 and other refusals of the request itself
    └── GoogleTransientError       Google or the network kept failing (after retries)
        ├── GoogleDeferredError        the run's time for Google is up: try the item next run
        └── GoogleOutcomeUnknownError  a change was sent, the answer was lost
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "SHARED_DRIVE_HELP",
    "GoogleAuthError",
    "GoogleConfigError",
    "GoogleDeferredError",
    "GoogleError",
    "GoogleNotFoundError",
    "GoogleOutcomeUnknownError",
    "GooglePermissionError",
    "GoogleRequestError",
    "GoogleStorageQuotaError",
    "GoogleTransientError",
    "ParsedError",
    "error_from_response",
    "parse_error_body",
]


class GoogleError(Exception):
    """Base of the Google layer's errors; ``str()`` is a Vietnamese message."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class GoogleConfigError(GoogleError):
    """The ``[google]`` settings or a credentials file are missing or invalid."""


class GoogleAuthError(GoogleError):
    """Google refused the credentials, the stored login, or they lack a scope."""


class GoogleNotFoundError(GoogleError):
    """No such file or spreadsheet, or it is not shared with this account."""


class GooglePermissionError(GoogleError):
    """The account may not do this (403)."""


class GoogleStorageQuotaError(GooglePermissionError):
    """A service account has no Drive storage: it can create files only in a shared drive."""


class GoogleRequestError(GoogleError):
    """Google refused the request itself (400 and other client errors)."""


class GoogleTransientError(GoogleError):
    """Google or the network kept failing; trying again later may work."""


class GoogleDeferredError(GoogleTransientError):
    """The run's time for Google requests is up; the item is left for the next run.

    ``reason_text`` says why in Vietnamese (what was being waited for)."""

    def __init__(self, message: str, *, reason_text: str, status: int | None = None,
                 reason: str | None = None, detail: str | None = None) -> None:
        super().__init__(message, status=status, reason=reason, detail=detail)
        self.reason_text = reason_text


class GoogleOutcomeUnknownError(GoogleTransientError):
    """A request that changes something was sent but no answer came back: it may or may
    not have been applied. Callers check before sending it again."""


class ParsedError:
    """What Google's error body says: message, reason code and status name."""

    def __init__(self, message: str, reason: str | None, status_name: str | None) -> None:
        self.message = message
        self.reason = reason
        self.status_name = status_name


def parse_error_body(text: str) -> ParsedError:
    """Read a Google error body: Sheets' ``{"error": {"code", "message", "status",
    "details"}}``, Drive's ``{"error": {"errors": [{"reason"…}]…}}``, the token endpoint's
    ``{"error": "invalid_grant", "error_description"}``, or anything else (HTML)."""
    try:
        data: Any = json.loads(text)
    except ValueError:
        return ParsedError(text.strip()[:200], None, None)
    if not isinstance(data, dict):
        return ParsedError(text.strip()[:200], None, None)
    error = data.get("error")
    if isinstance(error, str):  # OAuth token endpoint
        return ParsedError(str(data.get("error_description") or error), error, None)
    if not isinstance(error, dict):
        return ParsedError(text.strip()[:200], None, None)
    message = str(error.get("message") or "")
    reason: str | None = None
    for item in error.get("errors") or ():
        if isinstance(item, dict) and item.get("reason"):
            reason = str(item["reason"])
            break
    if reason is None:
        for item in error.get("details") or ():
            if isinstance(item, dict) and item.get("reason"):
                reason = str(item["reason"])
                break
    status_name = error.get("status")
    return ParsedError(message, reason, str(status_name) if status_name else None)


_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
_SCOPE_REASONS = frozenset({"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"})

SHARED_DRIVE_HELP = (
    "Từ năm 2025, tài khoản dịch vụ (service account) không có dung lượng Google Drive "
    "riêng: nó chỉ tạo hoặc sao chép được tệp trong một bộ nhớ dùng chung (shared drive). "
    "Hãy tạo một bộ nhớ dùng chung, thêm tài khoản dịch vụ làm thành viên (Người quản lý "
    "nội dung) và đặt thư mục «folder» trong bộ nhớ đó; hoặc dùng tài khoản người dùng: "
    "nscl google login --client client_secret.json."
)


def error_from_response(status: int, body: str, *, what: str) -> GoogleError:
    """The error for a final (not retried) answer ``status`` about ``what`` (Vietnamese,
    e.g. "thư mục «…»")."""
    parsed = parse_error_body(body)
    reason, detail = parsed.reason, parsed.message or None
    kw: dict[str, Any] = {"status": status, "reason": reason, "detail": detail}
    if reason == "storageQuotaExceeded":
        return GoogleStorageQuotaError(
            f"Google Drive không cho tạo tệp cho {what}: {SHARED_DRIVE_HELP}", **kw)
    if status == 401:
        return GoogleAuthError(
            f"Google không chấp nhận thông tin đăng nhập khi truy cập {what} (mã 401). "
            "Kiểm tra tệp khóa «credentials» hoặc đăng nhập lại: nscl google login.", **kw)
    if status == 403 and reason in _SCOPE_REASONS:
        return GoogleAuthError(
            f"Thông tin đăng nhập thiếu quyền (scope) cần cho {what}. Với tài khoản người "
            "dùng, đăng nhập lại: nscl google login.", **kw)
    if status == 403:
        return GooglePermissionError(
            f"Tài khoản không có quyền với {what} (mã 403). Hãy chia sẻ {what} với tài "
            "khoản đang dùng (quyền Người chỉnh sửa để tạo tệp).", **kw)
    if status == 404:
        return GoogleNotFoundError(
            f"Không tìm thấy {what} (mã 404): mã sai, tệp đã bị xóa, hoặc chưa được chia sẻ "
            "với tài khoản đang dùng.", **kw)
    if status == 429 or reason in _RATE_REASONS or status == 408 or status >= 500:
        return GoogleTransientError(
            f"Google tạm thời không phục vụ yêu cầu cho {what} (mã {status}); đã thử lại "
            "nhiều lần. Hãy chạy lại sau.", **kw)
    return GoogleRequestError(
        f"Google từ chối yêu cầu cho {what} (mã {status}: {detail or 'không rõ lý do'}).",
        **kw)
