"""Everything wired together: credentials → authorised session → HTTP layer → clients.

::

    api = connect(config, purpose="collect", deadline_seconds=1800)
    for f in api.drive.iter_files(q=query_in_folder(api.folder_id)): ...
    api.stats.requests        # every HTTP request sent, retries included

``purpose`` chooses the narrowest scopes (:data:`nscl.google.auth.PURPOSE_SCOPES`).
``clock``, ``policy`` and ``rng`` are injectable (tests use a fake clock: no real
sleeping, and the stand-in's quotas refill on the same clock).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from nscl.google.auth import PURPOSE_SCOPES, authorized_session, load_credentials
from nscl.google.config import GoogleConfig
from nscl.google.drive import DriveClient
from nscl.google.retry import (
    SHEETS_READS_PER_MINUTE,
    Clock,
    Deadline,
    RetryPolicy,
    SystemClock,
)
from nscl.google.sheets import SheetsClient
from nscl.google.transport import GoogleHttp, RequestStats
from nscl.google.urls import ApiUrls

__all__ = ["GoogleApi", "connect"]


@dataclass
class GoogleApi:
    """A connection to Google for one run: the clients, the credentials, the counter."""

    http: GoogleHttp
    drive: DriveClient
    sheets: SheetsClient
    urls: ApiUrls
    credentials: Any
    config: GoogleConfig

    @property
    def stats(self) -> RequestStats:
        """Requests sent so far (every HTTP try), retries, seconds waited."""
        return self.http.stats

    @property
    def folder_id(self) -> str:
        """The configured folder (:class:`~nscl.google.errors.GoogleConfigError` if none)."""
        return self.config.require_folder()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.session.close()


def connect(
    config: GoogleConfig,
    *,
    purpose: str,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
    deadline_seconds: float | None = None,
    rng: random.Random | None = None,
    sheets_quota_per_minute: int = SHEETS_READS_PER_MINUTE,
) -> GoogleApi:
    """Credentials from ``config`` with the scopes of ``purpose`` ("check", "collect",
    "publish", "writeback"), and the clients over one :class:`GoogleHttp`.

    ``deadline_seconds`` bounds the time the run spends on Google (then items are
    deferred); ``sheets_quota_per_minute`` is the project's per-user Sheets quota for
    reads and for writes (60 unless Google raised it). Nothing is sent yet (the token is
    fetched with the first request).
    """
    from nscl import __version__

    scopes = PURPOSE_SCOPES[purpose]
    credentials = load_credentials(config.require_credentials(), scopes=scopes,
                                   token_path=config.token_path)
    urls = ApiUrls.for_root(config.effective_api_root)
    the_clock = clock or SystemClock()
    http = GoogleHttp(
        authorized_session(credentials), policy=policy, clock=the_clock,
        deadline=Deadline(the_clock, deadline_seconds), rng=rng,
        sheets_reads_per_minute=sheets_quota_per_minute,
        sheets_writes_per_minute=sheets_quota_per_minute,
        user_agent=f"nscl/{__version__}",
    )
    return GoogleApi(http, DriveClient(http, urls), SheetsClient(http, urls), urls,
                     credentials, config)
