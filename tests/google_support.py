"""What the Google tests share: a stand-in with a service account, a shared drive and a
folder; a clerk's session; a browser that follows the login page by itself."""

from __future__ import annotations

import contextlib
import threading
import urllib.request
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from nscl.google.config import GoogleConfig
from nscl.google.retry import RetryPolicy
from nscl.google.session import GoogleApi, connect
from nscl.google.standin.server import FakeClock, StandIn

ROBOT = "nscl-bot@nscl-1322.iam.gserviceaccount.com"
OFFICER = "chuyen-vien@most.example.gov.vn"
CLERK = "can-bo@moit.example.gov.vn"
# Short timeouts: a stalled answer is given up on quickly (real seconds).
FAST_POLICY = RetryPolicy(connect_timeout=2.0, read_timeout=2.0)


@dataclass
class World:
    """A running stand-in and the settings of an installation that uses it."""

    stand_in: StandIn
    clock: FakeClock
    key: Path
    drive_id: str
    folder_id: str
    config: GoogleConfig

    def api(self, purpose: str = "publish", *, policy: RetryPolicy = FAST_POLICY,
            deadline_seconds: float | None = None, quota: int = 60,
            **changes: Any) -> GoogleApi:
        """A connection with the fake clock (no real sleeping)."""
        config = replace(self.config, **changes) if changes else self.config
        return connect(config, purpose=purpose, clock=self.clock, policy=policy,
                       deadline_seconds=deadline_seconds, sheets_quota_per_minute=quota)

    def clerk(self, email: str = CLERK) -> requests.Session:
        """A person's session on the stand-in (full Drive and Sheets scopes)."""
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.stand_in.access_token(email)}"
        return session


@contextlib.contextmanager
def running_world(tmp_path: Path, *, quota_per_minute: int = 60) -> Iterator[World]:
    """A stand-in; the service account is a content manager of a shared drive holding
    the folder "Chương trình 1322"; the Ministry's officer and a clerk may edit it.
    (Each test module wraps this in its own ``world`` fixture.)"""
    clock = FakeClock()
    with StandIn(clock, quota_per_minute=quota_per_minute) as stand_in:
        key = stand_in.service_account_key(tmp_path / "service-account.json", ROBOT)
        drive_id = stand_in.add_shared_drive("Bộ KH&CN", {ROBOT: "fileOrganizer",
                                                          OFFICER: "organizer"})
        folder_id = stand_in.add_folder("Chương trình 1322", parent=drive_id,
                                        shared_with={CLERK: "writer"})
        config = GoogleConfig(credentials=key, folder_id=folder_id, api_root=stand_in.url,
                              token_path=tmp_path / "state" / "google" / "token.json")
        yield World(stand_in, clock, key, drive_id, folder_id, config)


class FollowingBrowser(webbrowser.BaseBrowser):
    """A "browser" that opens the login page and follows its redirect to nscl's local
    server, in a thread (as a person clicking "Allow" would)."""

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        def follow() -> None:
            with urllib.request.urlopen(url, timeout=10) as answer:
                answer.read()

        threading.Thread(target=follow, daemon=True).start()
        return True


BROWSER_NAME = "nscl-standin-browser"
webbrowser.register(BROWSER_NAME, None, FollowingBrowser(BROWSER_NAME))
