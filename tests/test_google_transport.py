"""The Google layer's HTTP client against the stand-in: retries, faults, pacing under
the quota, the deadline, token refresh and the request counter. The fake clock makes
back-off instant; only the "stall" fault costs real time (a short read timeout)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nscl.google.errors import (
    GoogleDeferredError,
    GoogleOutcomeUnknownError,
    GoogleRequestError,
    GoogleTransientError,
)
from nscl.google.retry import RetryPolicy
from nscl.google.urls import SPREADSHEET_MIME
from tests.google_support import World, running_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def _api_calls(world: World) -> list[str]:
    return [f"{c.method} {c.path}" for c in world.stand_in.calls if c.api != "oauth"]


def test_a_503_is_retried_after_a_back_off(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("503", path_contains="/drive/v3/files/")
    folder = api.drive.get_file(world.folder_id, fields="id,name")
    assert folder["name"] == "Chương trình 1322"
    assert len(world.stand_in.calls_to("GET", "/drive/v3/files/")) == 2
    assert len(world.clock.sleeps) == 1 and 1.0 <= world.clock.sleeps[0] <= 2.0
    assert api.stats.requests == 2 and api.stats.retries == 1


def test_an_html_500_and_a_reset_connection_are_retried_for_reads(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("500-html", path_contains="/drive/v3/about")
    world.stand_in.fail("reset", path_contains="/drive/v3/about")
    about = api.drive.about()
    assert about["user"]["emailAddress"].endswith(".iam.gserviceaccount.com")
    assert [c.fault for c in world.stand_in.calls_to("GET", "/drive/v3/about")] == [
        "500-html", "reset", None]
    sleeps = world.clock.sleeps
    assert 1.0 <= sleeps[0] <= 2.0 and 2.0 <= sleeps[1] <= 3.0


def test_a_stalled_answer_times_out_and_is_retried(world: World) -> None:
    api = world.api("check", policy=RetryPolicy(connect_timeout=1.0, read_timeout=0.3))
    world.stand_in.fail("stall", path_contains="/drive/v3/about", stall_seconds=1.0)
    assert api.drive.about()["user"]
    assert [c.fault for c in world.stand_in.calls_to("GET", "/drive/v3/about")] == [
        "stall", None]


def test_a_change_lost_in_flight_is_not_sent_twice(world: World) -> None:
    api = world.api()
    world.stand_in.fail("drop-after-apply", method="POST", path_contains="/drive/v3/files")
    with pytest.raises(GoogleOutcomeUnknownError, match="chưa biết thay đổi đã được ghi"):
        api.drive.create_file(name="Mẫu A", mime_type=SPREADSHEET_MIME,
                              parents=[world.folder_id])
    assert len(world.stand_in.calls_to("POST", "/drive/v3/files")) == 1


def test_create_once_finds_the_file_whose_answer_was_lost(world: World) -> None:
    api = world.api()
    world.stand_in.fail("drop-after-apply", method="POST", path_contains="/drive/v3/files")
    created = api.drive.create_file_once(name="Mẫu A - 2027", mime_type=SPREADSHEET_MIME,
                                         parents=[world.folder_id])
    names = [f.name for f in world.stand_in.files.values() if f.name == "Mẫu A - 2027"]
    assert names == ["Mẫu A - 2027"]
    assert world.stand_in.file(created["id"]).app_properties["nscl_request"]


def test_retry_after_is_waited(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("429", path_contains="/drive/v3/about", retry_after="17")
    api.drive.about()
    assert world.clock.sleeps == [17.0]


def test_drive_rate_limit_403_is_retried_but_other_403s_are_not(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("403-rate", path_contains="/drive/v3/about", times=2)
    api.drive.about()
    assert len(world.stand_in.calls_to("GET", "/drive/v3/about")) == 3


def test_a_refused_request_is_not_retried(world: World) -> None:
    api = world.api()
    spreadsheet = world.stand_in.add_spreadsheet("Bảng", parent=world.folder_id)
    with pytest.raises(GoogleRequestError, match="Google từ chối yêu cầu"):
        api.sheets.batch_update(spreadsheet, [{"noSuchRequest": {}}])
    assert len(world.stand_in.calls_to("POST", ":batchUpdate")) == 1
    assert world.clock.sleeps == []


def test_at_most_six_tries(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("503", path_contains="/drive/v3/about", times=10)
    with pytest.raises(GoogleTransientError, match="mã 503"):
        api.drive.about()
    assert len(world.stand_in.calls_to("GET", "/drive/v3/about")) == 6
    assert len(world.clock.sleeps) == 5
    assert sum(world.clock.sleeps) < 1 + 2 + 4 + 8 + 16 + 5


def test_the_deadline_defers_instead_of_overrunning(world: World) -> None:
    api = world.api("check", deadline_seconds=20.0)
    start = world.clock.monotonic()
    world.stand_in.fail("503", path_contains="/drive/v3/about", times=10)
    with pytest.raises(GoogleDeferredError) as caught:
        api.drive.about()
    assert "lần chạy sau" in str(caught.value)
    assert "503" in caught.value.reason_text
    assert world.clock.monotonic() - start <= 20.0
    assert len(world.stand_in.calls_to("GET", "/drive/v3/about")) < 6


def test_sheets_reads_are_paced_under_the_quota(world: World) -> None:
    """Far more reads than the per-minute quota: nscl waits instead of getting 429."""
    api = world.api("check")
    spreadsheet = world.stand_in.add_spreadsheet("Bảng", parent=world.folder_id)
    for _ in range(130):
        api.sheets.get_values(spreadsheet, "Sheet1!A1:B2")
    answers = [c.status for c in world.stand_in.calls_to("GET", "/values/")]
    assert answers == [200] * 130
    assert world.clock.monotonic() - world.clock.sleeps[0] > 60  # it had to wait
    assert api.stats.requests == 130


def test_without_pacing_the_stand_in_answers_429_like_google(world: World) -> None:
    session = world.clerk()
    spreadsheet = world.stand_in.add_spreadsheet("Bảng", parent=world.folder_id)
    url = f"{world.stand_in.url}/v4/spreadsheets/{spreadsheet}/values/A1"
    statuses = [session.get(url, timeout=10).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    body = session.get(url, timeout=10).json()["error"]
    assert body["status"] == "RESOURCE_EXHAUSTED" and body["code"] == 429
    assert body["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    world.clock.advance(2.0)  # the bucket refills with time
    assert session.get(url, timeout=10).status_code == 200


def test_an_expired_token_is_refreshed(world: World) -> None:
    api = world.api("check")
    api.drive.about()
    world.clock.advance(2 * 3600)  # the stand-in's tokens last an hour
    api.drive.about()
    assert len(world.stand_in.calls_to("POST", "/token")) == 2
    assert [c.status for c in world.stand_in.calls_to("GET", "/drive/v3/about")] == [
        200, 401, 200]


def test_the_counter_counts_every_request_sent(world: World) -> None:
    api = world.api("check")
    world.stand_in.fail("503", path_contains="/drive/v3/files")
    api.drive.get_file(world.folder_id)
    list(api.drive.iter_files(q=f"'{world.folder_id}' in parents"))
    assert api.stats.requests == len(_api_calls(world)) == 3
    assert api.stats.by_api == {"drive": 3}
    assert api.stats.as_dict()["requests"] == 3
