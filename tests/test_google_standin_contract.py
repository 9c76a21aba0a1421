"""The stand-in answers like Google: recorded real traffic replayed against it.

``tests/fixtures/google_cassettes`` holds real Sheets v4 / Drive v3 interactions that
gspread recorded for its own tests (see the README there). Each cassette is replayed in
order against a fresh stand-in: the recorded request is sent (Google's hosts replaced
by the stand-in, recorded file and sheet IDs by the ones the stand-in gave out), and the
answer must have the recorded status code, content type and JSON — equal once the
volatile parts are masked (IDs the stand-in chose, times, the caller's e-mail).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from nscl.google.standin.server import FakeClock, StandIn

CASSETTES = Path(__file__).parent / "fixtures" / "google_cassettes"
HOSTS = re.compile(r"^https://(?:www|sheets)\.googleapis\.com")
USER = "gspread-tester@example.com"
_TIMES = {"createdTime", "modifiedTime"}
_INT_IDS = {"sheetId", "protectedRangeId"}


def _cassettes() -> list[Path]:
    return sorted(CASSETTES.glob("*.json"))


class _Ids:
    """Recorded IDs and the stand-in's, paired as the replay goes."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.ints: dict[int, int] = {}

    def learn(self, recorded: Any, actual: Any, key: str | None = None) -> None:
        """Pair the IDs of a recorded answer with those of the stand-in's answer."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            is_file = key == "files" or recorded.get("kind") == "drive#file"
            if is_file and isinstance(recorded.get("id"), str) and isinstance(actual.get("id"),
                                                                              str):
                self.files[recorded["id"]] = actual["id"]
            for k, value in recorded.items():
                if k in _INT_IDS and isinstance(value, int) and isinstance(actual.get(k), int):
                    self.ints[value] = actual[k]
                elif k in actual:
                    self.learn(value, actual[k], k)
        elif isinstance(recorded, list) and isinstance(actual, list):
            for r, a in zip(recorded, actual, strict=False):
                self.learn(r, a, key)

    def request_text(self, text: str) -> str:
        """Recorded file IDs replaced by the stand-in's."""
        for recorded, actual in self.files.items():
            text = text.replace(recorded, actual)
        return text

    def request_json(self, value: Any, key: str | None = None) -> Any:
        """Recorded IDs (file IDs, sheet IDs) in a request body replaced."""
        if isinstance(value, dict):
            return {k: self.request_json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.request_json(v, key) for v in value]
        if key in _INT_IDS and isinstance(value, int):
            return self.ints.get(value, value)
        if isinstance(value, str):
            return self.request_text(value)
        return value


def _mask(value: Any, ids: dict[str, str], ints: dict[int, int], key: str | None = None) -> Any:
    """Volatile parts replaced by placeholders: file IDs (``ids``: placeholder → this
    side's ID), int IDs (``ints``: this side's → the recorded one), times, e-mails."""
    if isinstance(value, dict):
        return {k: _mask(v, ids, ints, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "users":
            return ["<user>" for _ in value]
        return [_mask(v, ids, ints, key) for v in value]
    if key in _TIMES:
        return "<time>"
    if key in _INT_IDS and isinstance(value, int):
        return f"<int:{ints.get(value, value)}>"
    if isinstance(value, str):
        for placeholder, original in ids.items():
            value = value.replace(original, placeholder)
    return value


def _interactions(path: Path) -> Iterator[dict[str, Any]]:
    yield from json.loads(path.read_text(encoding="utf-8"))["interactions"]


def replay(path: Path, stand_in: StandIn, token: str) -> list[str]:
    """Replay one cassette; return the differences found (empty when it matches)."""
    ids = _Ids()
    session = requests.Session()
    problems: list[str] = []
    for n, interaction in enumerate(_interactions(path)):
        req, rec = interaction["request"], interaction["response"]
        url = ids.request_text(HOSTS.sub(stand_in.url, req["uri"]))
        body = req["body"]
        data: bytes | None = None
        headers = {"Authorization": f"Bearer {token}"}
        for name, values in (req.get("headers") or {}).items():
            if name.lower() == "content-type":
                headers["Content-Type"] = values[0]
        if body:
            try:
                data = json.dumps(ids.request_json(json.loads(body))).encode()
            except ValueError:
                data = ids.request_text(body).encode()
        answer = session.request(req["method"], url, data=data, headers=headers, timeout=30)
        where = f"{path.name} [{n}] {req['method']} {req['uri'][:90]}"
        if answer.status_code != rec["status"]["code"]:
            problems.append(f"{where}: status {answer.status_code} != {rec['status']['code']}"
                            f" ({answer.text[:300]})")
            continue
        recorded_type = next((v[0] for k, v in rec["headers"].items()
                              if k.lower() == "content-type"), "")
        if recorded_type.split(";")[0] != answer.headers.get("Content-Type", "").split(";")[0]:
            problems.append(f"{where}: content type {answer.headers.get('Content-Type')} != "
                            f"{recorded_type}")
        text = rec["body"].get("string") or ""
        if not recorded_type.startswith("application/json"):
            continue
        recorded = json.loads(text)
        actual = answer.json()
        ids.learn(recorded, actual)
        placeholders = {f"<file:{i}>": rid for i, rid in enumerate(ids.files)}
        actual_placeholders = {f"<file:{i}>": aid for i, aid in enumerate(ids.files.values())}
        left = _mask(recorded, placeholders, {})
        right = _mask(actual, actual_placeholders, {v: k for k, v in ids.ints.items()})
        if left != right:
            problems.append(f"{where}:\n  recorded {json.dumps(left, ensure_ascii=False)[:700]}"
                            f"\n  stand-in {json.dumps(right, ensure_ascii=False)[:700]}")
    return problems


@pytest.fixture(scope="module")
def cassette_paths() -> list[Path]:
    paths = _cassettes()
    assert len(paths) == 26, "the recorded traffic is missing from tests/fixtures"
    return paths


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.stem)
def test_recorded_traffic_gets_the_recorded_answers(path: Path) -> None:
    with StandIn(FakeClock()) as stand_in:
        token = stand_in.access_token(USER)
        problems = replay(path, stand_in, token)
    assert problems == [], "\n".join(problems)


def test_every_recorded_request_reached_an_implemented_endpoint(
        cassette_paths: list[Path]) -> None:
    """No recorded request is answered by the stand-in's "not found" page (an endpoint
    it does not implement) where Google answered it."""
    with StandIn(FakeClock()) as stand_in:
        token = stand_in.access_token(USER)
        for path in cassette_paths:
            replay(path, stand_in, token)
        unrouted = [c for c in stand_in.calls if c.api == ""]
    assert unrouted == []


def test_masking_still_sees_a_wrong_answer() -> None:
    """The comparison is not blind: a changed value in an answer is a difference."""
    ids = {"<file:0>": "abc"}
    assert _mask({"title": "x", "id": "abc"}, ids, {}) != _mask({"title": "y", "id": "abc"},
                                                                 ids, {})
    assert _mask({"modifiedTime": "1"}, {}, {}) == _mask({"modifiedTime": "2"}, {}, {})
