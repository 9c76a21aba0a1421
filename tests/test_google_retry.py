"""The retry policy's parts: which answers are retried, how long to wait, pacing, the
per-run deadline, and where requests go (``api_root``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from nscl.google.errors import (
    GoogleAuthError,
    GoogleConfigError,
    GoogleNotFoundError,
    GooglePermissionError,
    GoogleRequestError,
    GoogleStorageQuotaError,
    GoogleTransientError,
    error_from_response,
    parse_error_body,
)
from nscl.google.retry import (
    Deadline,
    RetryPolicy,
    backoff_delay,
    is_retryable,
    retry_after_seconds,
)
from nscl.google.standin.server import FakeClock
from nscl.google.transport import pacer_for_quota
from nscl.google.urls import ApiUrls, check_api_root, extract_id


@pytest.mark.parametrize(("status", "reason", "expected"), [
    (408, None, True), (429, None, True), (500, None, True), (502, None, True),
    (503, None, True), (599, None, True), (403, "rateLimitExceeded", True),
    (403, "userRateLimitExceeded", True), (403, "insufficientFilePermissions", False),
    (403, None, False), (400, None, False), (401, None, False), (404, None, False),
])
def test_what_is_retried(status: int, reason: str | None, expected: bool) -> None:
    assert is_retryable(status, reason) is expected


def test_back_off_doubles_up_to_64_seconds_with_up_to_one_second_of_jitter() -> None:
    rng = random.Random(7)
    policy = RetryPolicy()
    for retry in range(12):
        delays = [backoff_delay(retry, policy, rng) for _ in range(50)]
        base = min(64.0, 2.0 ** retry)
        assert all(base <= d <= base + 1.0 for d in delays)
        assert max(delays) - min(delays) > 0.5  # really random


def test_retry_after_is_honoured_when_longer_than_the_back_off() -> None:
    rng = random.Random(1)
    assert backoff_delay(0, RetryPolicy(), rng, retry_after=30.0) == 30.0
    assert 4.0 <= backoff_delay(2, RetryPolicy(), rng, retry_after=0.5) <= 5.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Sun, 01 Mar 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 01 Mar 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_pacing_never_exceeds_the_quota_in_any_minute() -> None:
    clock = FakeClock()
    pacer = pacer_for_quota(clock, 60)
    sent: list[float] = []
    for _ in range(400):
        clock.sleep(pacer.wait_time())
        pacer.take()
        sent.append(clock.monotonic())
    for i, moment in enumerate(sent):
        in_minute = sum(1 for t in sent[i:] if t < moment + 60.0)
        assert in_minute <= 60
    # ... and does not crawl: 400 requests in about 400 / 50 minutes.
    assert sent[-1] - sent[0] < 8.5 * 60


def test_a_deadline_refuses_waits_it_cannot_afford() -> None:
    clock = FakeClock()
    deadline = Deadline(clock, 10.0)
    assert deadline.allows(9.0) and not deadline.allows(10.0)
    clock.sleep(9.5)
    assert deadline.remaining() == pytest.approx(0.5)
    clock.sleep(1.0)
    assert deadline.expired
    assert Deadline(clock, None).allows(1e9)


def test_errors_become_the_right_vietnamese_exception() -> None:
    drive_404 = ('{"error": {"code": 404, "message": "File not found: x.", "errors": '
                 '[{"reason": "notFound", "domain": "global", "message": "File not found: x."}]}}')
    error = error_from_response(404, drive_404, what="thư mục «x»")
    assert isinstance(error, GoogleNotFoundError) and error.reason == "notFound"
    assert "Không tìm thấy thư mục «x»" in str(error)
    quota = ('{"error": {"code": 403, "message": "Service Accounts do not have storage quota.",'
             ' "errors": [{"reason": "storageQuotaExceeded", "domain": "usageLimits"}]}}')
    storage = error_from_response(403, quota, what="tệp mới «a»")
    assert isinstance(storage, GoogleStorageQuotaError)
    assert "bộ nhớ dùng chung (shared drive)" in str(storage)
    assert isinstance(error_from_response(403, "{}", what="x"), GooglePermissionError)
    assert isinstance(error_from_response(401, "{}", what="x"), GoogleAuthError)
    assert isinstance(error_from_response(400, "{}", what="x"), GoogleRequestError)
    assert isinstance(error_from_response(503, "<html>", what="x"), GoogleTransientError)
    scope = ('{"error": {"code": 403, "status": "PERMISSION_DENIED", "details": [{"reason": '
             '"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}')
    assert isinstance(error_from_response(403, scope, what="x"), GoogleAuthError)
    assert parse_error_body('{"error": "invalid_grant", "error_description": "Bad"}').reason \
        == "invalid_grant"


def test_requests_go_to_google_unless_an_api_root_is_given() -> None:
    google = ApiUrls.for_root("")
    assert google.files() == "https://www.googleapis.com/drive/v3/files"
    assert google.upload_files() == "https://www.googleapis.com/upload/drive/v3/files"
    assert google.spreadsheet("abc") == "https://sheets.googleapis.com/v4/spreadsheets/abc"
    assert google.values("abc", "'Bảng tổng hợp'!A1:K9").endswith(
        "/values/%27B%E1%BA%A3ng%20t%E1%BB%95ng%20h%E1%BB%A3p%27%21A1%3AK9")
    gateway = ApiUrls.for_root("https://gateway.example.gov.vn/google/")
    assert gateway.file_copy("f1") == ("https://gateway.example.gov.vn/google/drive/v3/files/"
                                       "f1/copy")
    assert gateway.batch_update("s1") == ("https://gateway.example.gov.vn/google/v4/"
                                          "spreadsheets/s1:batchUpdate")
    assert check_api_root("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert check_api_root("http://[::1]:8080/") == "http://[::1]:8080"
    for bad in ("http://gateway.example.gov.vn", "ftp://x", "https://x/?a=1", "gateway"):
        with pytest.raises(GoogleConfigError):
            check_api_root(bad)


def test_links_and_bare_ids_give_the_id() -> None:
    folder = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    assert extract_id(f"https://drive.google.com/drive/folders/{folder}?usp=sharing") == folder
    assert extract_id(f"https://docs.google.com/spreadsheets/d/{folder}/edit#gid=0") == folder
    assert extract_id(f"https://drive.google.com/open?id={folder}") == folder
    assert extract_id(f"  {folder} ") == folder
    with pytest.raises(GoogleConfigError, match="Không nhận ra mã"):
        extract_id("thư mục của tôi")
