"""A loopback stand-in for Google Drive v3, Sheets v4 and Google's OAuth endpoints.

Tests run the real google-auth, requests and gspread against it: ``StandIn()`` serves
HTTP on 127.0.0.1 (port 0, in a thread). Point nscl at it with ``api_root`` (or
``NSCL_GOOGLE_API_ROOT``); service-account keys written by
:meth:`StandIn.service_account_key` name its token endpoint as their ``token_uri``.

It behaves like Google where nscl depends on it, checked by
``tests/test_google_standin_contract.py`` against recorded real traffic:

- **OAuth**: the token endpoint verifies a service account's signed JWT (RS256, the
  key registered with the stand-in) and hands out access tokens with the requested
  scopes, expiring after an hour on the stand-in's clock; the installed-app flow
  (authorization page → redirect with a code → code + PKCE verifier exchanged for a
  refresh token) and refresh-token grants.
- **Identities**: every access token belongs to an identity (a service account or a
  person). Files have owners and permissions, inherited from folders; shared drives
  have members. A file not shared with the caller is "not found" (Drive 404, Sheets
  403). A service account has no Drive storage: creating or copying a file outside a
  shared drive answers 403 ``storageQuotaExceeded``, as Google has since 2025. Items in
  shared drives are found only with ``supportsAllDrives=true`` (and listed only with
  ``includeItemsFromAllDrives=true``). Scopes are enforced (403
  ``ACCESS_TOKEN_SCOPE_INSUFFICIENT``); ``drive.file`` sees only files its identity
  created. Every change moves the file's ``modifiedTime`` and ``version`` and records
  who made it (``lastModifyingUser``) and a change for ``changes.list``.
- **Drive v3**: ``about.get``, ``files.list`` (``q`` with the query language's
  comparisons, ``in parents``, ``and``/``or``/``not``, ``properties has {…}`` and
  ``appProperties has {…}`` (app properties are not separated by app);
  ``fields``; ``pageSize``/``pageToken``; ``orderBy``), ``files.get`` (metadata, or
  ``alt=media`` content; a Google Sheets file answers 403 ``fileNotDownloadable``),
  ``files.create`` (metadata only; multipart and media uploads of binary content),
  ``files.copy``, ``files.delete``, ``files.export`` (a spreadsheet as .xlsx, formulas
  with their values), ``comments.list`` (always empty), ``changes.getStartPageToken``
  and ``changes.list``.
- **Sheets v4**: see :mod:`tests.google_standin_sheets`.
- **Quotas**: token buckets per identity for Sheets reads and writes (60 per minute by
  default, refilling on the stand-in's clock) answering 429 ``RESOURCE_EXHAUSTED`` with
  Google's error body.
- **Scripted faults** (:meth:`StandIn.fail`): 503, an HTML 500, 429 (optionally with
  ``Retry-After``), Drive's 403 ``userRateLimitExceeded``, a connection reset, a stall
  (no answer for a while, then the answer), and a reset after the request was applied.
- **Call log** (:attr:`StandIn.calls`) for call-count assertions.

Not implemented (a request for these gets an error saying so, or is simply not
served): Sheets ``spreadsheets.create`` (nscl creates through Drive), the
``batchUpdate`` requests listed in ``_KNOWN_UNIMPLEMENTED`` of
:mod:`tests.google_standin_sheets` (borders, dimension insert/delete, filters, charts,
named ranges, updating or deleting rules, ranges and metadata), ``developerMetadata``
search endpoints, files.update (PATCH), permissions and revisions endpoints, resumable
uploads, converting an uploaded .xlsx into a Google Sheets file, export formats other
than .xlsx, ``fullText`` queries, comments other than an empty list, shared-drive
management endpoints, number-format features beyond digits/grouping/decimals/quoted
text/%/simple dates, effective formats (``effectiveFormat``), formulas outside
:data:`tests.google_standin_formulas.FUNCTIONS`, Sheets' checks of merges against
frozen rows, and per-project (as opposed to per-user) quotas.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import random
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.google_standin_common import (
    ApiError,
    apply_fields,
    drive_error,
    parse_fields,
    sheets_error,
)
from tests.google_standin_sheets import Spreadsheet

__all__ = ["Call", "FakeClock", "StandIn"]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCOPE = "https://www.googleapis.com/auth/"
DRIVE_READ_SCOPES = {SCOPE + s for s in ("drive", "drive.readonly", "drive.file",
                                         "drive.metadata.readonly")}
DRIVE_WRITE_SCOPES = {SCOPE + "drive", SCOPE + "drive.file"}
SHEETS_READ_SCOPES = {SCOPE + s for s in ("spreadsheets", "spreadsheets.readonly", "drive",
                                          "drive.readonly", "drive.file")}
SHEETS_WRITE_SCOPES = {SCOPE + s for s in ("spreadsheets", "drive", "drive.file")}
_ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5,
              "owner": 5}
HTML_500 = ("<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 500 "
            "(Server Error)!!1</title>\n  <p><b>500.</b> <ins>That’s an error.</ins>\n  "
            "<p>There was an error. Please try again later. <ins>That’s all we know.</ins>\n")
_HTML_404 = ("<!DOCTYPE html>\n<html lang=en>\n  <title>Error 404 (Not Found)!!1</title>\n"
             "  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested URL was not "
             "found on this server. <ins>That’s all we know.</ins>\n")


class FakeClock:
    """A clock that only moves when told (``sleep`` moves it at once). The stand-in's
    quotas and token lifetimes use it; give the same clock to nscl's Google layer."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01 UTC
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """Seconds since the epoch, on this clock."""
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward (recorded in :attr:`sleeps`)."""
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock forward without recording a sleep."""
        with self._lock:
            self._now += seconds

    def now(self) -> datetime:
        """The clock's time as a UTC datetime."""
        return datetime.fromtimestamp(self.monotonic(), UTC)


def rfc3339(moment: float) -> str:
    """Google's time format: 2026-01-01T00:00:00.000Z."""
    dt = datetime.fromtimestamp(moment, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    identity: str | None = None
    status: int | None = None  # None: the connection was reset
    api: str = ""
    fault: str | None = None

    @property
    def json(self) -> Any:
        """The JSON body (None when there is none)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


@dataclass
class Fault:
    """A scripted failure for the next matching requests."""

    kind: str
    method: str | None
    path_contains: str | None
    times: int
    retry_after: str | None = None
    stall_seconds: float = 1.0

    def matches(self, method: str, path: str) -> bool:
        """Whether the fault applies to this request."""
        return ((self.method is None or self.method == method)
                and (self.path_contains is None or self.path_contains in path))


@dataclass
class Identity:
    """Who an access token belongs to."""

    email: str
    display_name: str
    service_account: bool
    scopes: frozenset[str] = frozenset()
    expires_at: float = 0.0


@dataclass
class DriveFile:
    """A file, folder or spreadsheet of the stand-in's Drive."""

    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: float
    modified: float
    owner: str | None  # None in a shared drive
    creator: str
    drive_id: str | None = None
    content: bytes | None = None
    version: int = 1
    trashed: bool = False
    app_properties: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    permissions: dict[str, str] = field(default_factory=dict)
    last_modifier: str = ""


@dataclass
class SharedDrive:
    """A shared drive: its members and their roles."""

    id: str
    name: str
    members: dict[str, str] = field(default_factory=dict)


class StandIn:
    """The stand-in server. Use as a context manager, or :meth:`start` / :meth:`stop`."""

    def __init__(self, clock: FakeClock | None = None, *, quota_per_minute: int = 60,
                 seed: int = 1322) -> None:
        self.clock = clock or FakeClock()
        self.quota_per_minute = quota_per_minute
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.calls: list[Call] = []
        self.files: dict[str, DriveFile] = {}
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.drives: dict[str, SharedDrive] = {}
        self.tokens: dict[str, Identity] = {}
        self.refresh_tokens: dict[str, Identity] = {}
        self.keys: dict[str, tuple[str, str]] = {}  # service account email -> (kid, public PEM)
        self.clients: dict[str, str] = {}  # OAuth client id -> secret
        self.codes: dict[str, dict[str, Any]] = {}
        self.users: dict[str, Identity] = {}
        self.consenting_user = "chuyen-vien@most.example.gov.vn"
        self.faults: list[Fault] = []
        self.changes: list[tuple[int, str, float, bool]] = []  # (n, file id, time, removed)
        self._buckets: dict[tuple[str, str], list[float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- server -----------------------------------------------------------------------
    def start(self) -> StandIn:
        """Listen on 127.0.0.1 (a free port), serving in a thread."""
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The root to use as ``api_root`` (http://127.0.0.1:PORT)."""
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        """The OAuth token endpoint."""
        return f"{self.url}/token"

    # ---- identities ---------------------------------------------------------------------
    def service_account_key(self, path: Path,
                            email: str = "nscl-bot@nscl-1322.iam.gserviceaccount.com") -> Path:
        """Write a service-account key file whose ``token_uri`` is this stand-in and
        register its public key; return the path."""
        private_pem, public_pem = _rsa_key_pair()
        kid = hashlib.sha1(public_pem.encode()).hexdigest()
        with self.lock:
            self.keys[email] = (kid, public_pem)
        path.write_text(json.dumps({
            "type": "service_account", "project_id": "nscl-1322", "private_key_id": kid,
            "private_key": private_pem, "client_email": email, "client_id": "1322",
            "auth_uri": f"{self.url}/o/oauth2/auth", "token_uri": self.token_uri,
        }), encoding="utf-8")
        return path

    def oauth_client_file(self, path: Path, client_id: str = "nscl-desktop.apps.example",
                          secret: str = "standin-secret") -> Path:
        """Write an OAuth client file ("Desktop app") pointing at this stand-in."""
        with self.lock:
            self.clients[client_id] = secret
        path.write_text(json.dumps({"installed": {
            "client_id": client_id, "client_secret": secret, "project_id": "nscl-1322",
            "auth_uri": f"{self.url}/o/oauth2/auth", "token_uri": self.token_uri,
            "redirect_uris": ["http://localhost"],
        }}), encoding="utf-8")
        return path

    def access_token(self, email: str, scopes: tuple[str, ...] = (SCOPE + "drive",
                                                                   SCOPE + "spreadsheets")) -> str:
        """An access token for ``email`` (a person unless it is a service account's
        address), for tests acting as a clerk."""
        token = "ya29.standin-" + _random_id(self.rng, 24)
        with self.lock:
            self.tokens[token] = Identity(email, email.split("@")[0], _is_robot(email),
                                          frozenset(scopes), self.clock.monotonic() + 3599)
        return token

    # ---- content ----------------------------------------------------------------------
    def _new_file_id(self) -> str:
        return "1" + _random_id(self.rng, 43)

    def add_shared_drive(self, name: str, members: dict[str, str]) -> str:
        """A shared drive with ``members`` (email → role); return its ID."""
        with self.lock:
            drive_id = "0A" + _random_id(self.rng, 17)
            self.drives[drive_id] = SharedDrive(drive_id, name, dict(members))
            return drive_id

    def add_folder(self, name: str, *, owner: str | None = None, parent: str | None = None,
                   shared_with: dict[str, str] | None = None) -> str:
        """A folder (in a shared drive when ``parent`` is one); return its ID."""
        return self._add(name, FOLDER_MIME, owner=owner, parent=parent,
                         shared_with=shared_with)

    def add_spreadsheet(self, name: str, *, owner: str | None = None,
                        parent: str | None = None,
                        shared_with: dict[str, str] | None = None) -> str:
        """A new spreadsheet (one empty "Sheet1"); return its ID."""
        return self._add(name, SPREADSHEET_MIME, owner=owner, parent=parent,
                         shared_with=shared_with)

    def add_file(self, name: str, content: bytes, *, mime_type: str = XLSX_MIME,
                 owner: str | None = None, parent: str | None = None,
                 shared_with: dict[str, str] | None = None) -> str:
        """A binary file (an .xlsx an agency uploaded); return its ID."""
        return self._add(name, mime_type, owner=owner, parent=parent,
                         shared_with=shared_with, content=content)

    def _add(self, name: str, mime_type: str, *, owner: str | None, parent: str | None,
             shared_with: dict[str, str] | None, content: bytes | None = None,
             creator: str | None = None, app_properties: dict[str, str] | None = None,
             properties: dict[str, str] | None = None,
             source: Spreadsheet | None = None) -> str:
        with self.lock:
            drive_id = self._drive_of(parent)
            file_id = self._new_file_id()
            now = self.clock.monotonic()
            f = DriveFile(file_id, name, mime_type, [parent] if parent else [], now, now,
                          None if drive_id else (owner or creator or "owner@example.com"),
                          creator or owner or "owner@example.com", drive_id=drive_id,
                          content=content, app_properties=dict(app_properties or {}),
                          properties=dict(properties or {}),
                          permissions=dict(shared_with or {}),
                          last_modifier=creator or owner or "owner@example.com")
            self.files[file_id] = f
            if mime_type == SPREADSHEET_MIME:
                self.spreadsheets[file_id] = (source.copy(file_id, name) if source is not None
                                              else Spreadsheet(file_id, name,
                                                               seed=self.rng.randint(0, 10**9)))
            self._changed(f)
            return file_id

    def _drive_of(self, parent: str | None) -> str | None:
        if parent is None:
            return None
        if parent in self.drives:
            return parent
        folder = self.files.get(parent)
        return folder.drive_id if folder else None

    def share(self, file_id: str, email: str, role: str = "writer") -> None:
        """Give ``email`` a role on a file or folder."""
        with self.lock:
            self.files[file_id].permissions[email] = role

    def spreadsheet(self, file_id: str) -> Spreadsheet:
        """The spreadsheet model behind a Drive file (for assertions)."""
        with self.lock:
            return self.spreadsheets[file_id]

    def file(self, file_id: str) -> DriveFile:
        """A Drive file (for assertions)."""
        with self.lock:
            return self.files[file_id]

    def _changed(self, f: DriveFile, *, removed: bool = False, by: str | None = None) -> None:
        f.modified = max(self.clock.monotonic(), f.modified)
        if by:
            f.last_modifier = by
        self.changes.append((len(self.changes) + 1, f.id, f.modified, removed))

    def _touch(self, f: DriveFile, identity: Identity) -> None:
        f.version += 1
        self._changed(f, by=identity.email)

    # ---- faults and the call log ------------------------------------------------------
    def fail(self, kind: str, *, method: str | None = None, path_contains: str | None = None,
             times: int = 1, retry_after: str | None = None,
             stall_seconds: float = 1.0) -> None:
        """Make the next ``times`` matching requests fail: ``kind`` is "503", "500-html",
        "429", "403-rate", "reset", "stall" (answer after ``stall_seconds`` of real time)
        or "drop-after-apply" (do the request, then reset the connection)."""
        assert kind in ("503", "500-html", "429", "403-rate", "reset", "stall",
                        "drop-after-apply"), kind
        with self.lock:
            self.faults.append(Fault(kind, method, path_contains, times, retry_after,
                                     stall_seconds))

    def calls_to(self, method: str | None = None, path_contains: str | None = None,
                 api: str | None = None) -> list[Call]:
        """The logged calls matching all given filters."""
        with self.lock:
            return [c for c in self.calls
                    if (method is None or c.method == method)
                    and (path_contains is None or path_contains in c.path)
                    and (api is None or c.api == api)]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
            return None

    # ---- quotas ---------------------------------------------------------------------
    def _spend_quota(self, identity: Identity, kind: str) -> ApiError | None:
        key = (identity.email, kind)
        now = self.clock.monotonic()
        capacity = float(self.quota_per_minute)
        tokens, stamp = self._buckets.get(key, [capacity, now])
        tokens = min(capacity, tokens + (now - stamp) * capacity / 60.0)
        if tokens < 1.0:
            self._buckets[key] = [tokens, now]
            return _quota_error(kind, self.quota_per_minute)
        self._buckets[key] = [tokens - 1.0, now]
        return None

    # ---- access -------------------------------------------------------------------------
    def _role(self, identity: Identity, f: DriveFile) -> int:
        best = 0
        seen: set[str] = set()
        node: DriveFile | None = f
        while node is not None and node.id not in seen:
            seen.add(node.id)
            if node.owner == identity.email or node.creator == identity.email:
                best = max(best, _ROLE_RANK["owner"])
            best = max(best, _ROLE_RANK.get(node.permissions.get(identity.email, ""), 0))
            node = self.files.get(node.parents[0]) if node.parents else None
        if f.drive_id:
            drive = self.drives.get(f.drive_id)
            if drive is not None:
                best = max(best, _ROLE_RANK.get(drive.members.get(identity.email, ""), 0))
        return best

    def _visible(self, identity: Identity, f: DriveFile, query: dict[str, str],
                 api: str = "drive") -> bool:
        """Whether the caller may see ``f``: shared with them, and within the token's
        scopes (``drive.file`` alone reaches only files its identity created)."""
        if f.drive_id and query.get("supportsAllDrives", "").lower() != "true":
            return False
        if self._role(identity, f) < 1:
            return False
        every_file = {SCOPE + "drive", SCOPE + "drive.readonly"}
        every_file |= ({SCOPE + "spreadsheets", SCOPE + "spreadsheets.readonly"}
                       if api == "sheets" else {SCOPE + "drive.metadata.readonly"})
        return bool(identity.scopes & every_file) or f.creator == identity.email

    def _file(self, identity: Identity, file_id: str, query: dict[str, str]) -> DriveFile:
        f = self.files.get(file_id)
        if f is None or not self._visible(identity, f, query):
            raise drive_error(404, f"File not found: {file_id}.", "notFound",
                              location="fileId")
        return f

    def _can_write(self, identity: Identity, f: DriveFile) -> bool:
        return self._role(identity, f) >= _ROLE_RANK["writer"]

    def _target_parent(self, identity: Identity, parents: list[str],
                       query: dict[str, str]) -> str | None:
        if len(parents) > 1:
            raise drive_error(403, "Increasing the number of parents is not allowed",
                              "cannotAddParent")
        if not parents:
            return None
        parent = parents[0]
        if parent in self.drives:
            if query.get("supportsAllDrives", "").lower() != "true" or _ROLE_RANK.get(
                    self.drives[parent].members.get(identity.email, ""), 0) < 1:
                raise drive_error(404, f"File not found: {parent}.", "notFound",
                                  location="fileId")
            if _ROLE_RANK.get(self.drives[parent].members[identity.email], 0) < 3:
                raise drive_error(403, "The user does not have sufficient permissions for "
                                  "this file.", "insufficientFilePermissions")
            return parent
        folder = self._file(identity, parent, query)
        if folder.mime_type != FOLDER_MIME:
            raise drive_error(400, "The specified parent is not a folder.", "invalidParent")
        if not self._can_write(identity, folder):
            raise drive_error(403, "The user does not have sufficient permissions for this "
                              "file.", "insufficientFilePermissions")
        return parent

    def _check_storage(self, identity: Identity, parent: str | None) -> None:
        if identity.service_account and self._drive_of(parent) is None:
            raise drive_error(
                403, "Service Accounts do not have storage quota. Leverage shared drives "
                "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives),"
                " or use OAuth delegation (http://support.google.com/a/answer/7281227) "
                "instead.", "storageQuotaExceeded", domain="usageLimits")

    # ---- JSON of Drive files ------------------------------------------------------------
    def _user(self, email: str, identity: Identity) -> dict[str, Any]:
        return {"kind": "drive#user", "displayName": email.split("@")[0],
                "me": email == identity.email,
                "permissionId": hashlib.md5(email.encode()).hexdigest()[:20],
                "emailAddress": email}

    def _file_json(self, f: DriveFile, identity: Identity) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "drive#file", "id": f.id, "name": f.name,
                               "mimeType": f.mime_type}
        if f.parents:
            out["parents"] = list(f.parents)
        out.update({
            "createdTime": rfc3339(f.created), "modifiedTime": rfc3339(f.modified),
            "version": str(f.version), "trashed": f.trashed,
            "lastModifyingUser": self._user(f.last_modifier, identity),
            "webViewLink": _web_link(f),
            "capabilities": {"canEdit": self._can_write(identity, f),
                             "canAddChildren": f.mime_type == FOLDER_MIME
                             and self._can_write(identity, f),
                             "canDelete": self._role(identity, f) >= 4},
        })
        if f.drive_id:
            out["driveId"] = f.drive_id
        elif f.owner:
            out["owners"] = [self._user(f.owner, identity)]
        if f.content is not None:
            out["size"] = str(len(f.content))
            out["md5Checksum"] = hashlib.md5(f.content).hexdigest()
            out["headRevisionId"] = f"rev{f.version}"
        if f.app_properties:
            out["appProperties"] = dict(f.app_properties)
        if f.properties:
            out["properties"] = dict(f.properties)
        return out

    # ---- the request pipeline ---------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """Answer one request: (status, headers, body), or None to reset the connection."""
        parts = urllib.parse.urlsplit(raw_path)
        query_lists = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        query = {k: v[-1] for k, v in query_lists.items()}
        call = Call(method, parts.path, query_lists, body)
        with self.lock:
            self.calls.append(call)
        route = _route(method, parts.path)
        call.api = route[0] if route else ""
        fault = self._take_fault(method, parts.path)
        if fault is not None:
            call.fault = fault.kind
            if fault.kind == "reset":
                return None
            if fault.kind == "stall":
                time.sleep(fault.stall_seconds)
            elif fault.kind != "drop-after-apply":
                answer = _fault_answer(fault, call.api, self.quota_per_minute)
                call.status = answer[0]
                return answer
        try:
            if route is None:
                raise ApiError(404, {})
            api, name, groups = route
            identity = None if api == "oauth" else self._authenticate(headers, api)
            call.identity = identity.email if identity else None
            with self.lock:
                if api == "sheets" and identity is not None:
                    problem = self._spend_quota(identity, "read" if method == "GET" else
                                                "write")
                    if problem is not None:
                        raise problem
                handler = getattr(self, name)
                status, out_headers, out_body = handler(identity, groups, query, query_lists,
                                                        headers, body)
        except ApiError as exc:
            if exc.status == 404 and not exc.body:
                call.status = 404
                return 404, {"Content-Type": "text/html; charset=UTF-8"}, _HTML_404.encode()
            call.status = exc.status
            return (exc.status, {"Content-Type": "application/json; charset=UTF-8",
                                 **exc.headers}, json.dumps(exc.body).encode())
        if fault is not None and fault.kind == "drop-after-apply":
            call.status = None
            return None
        call.status = status
        return status, out_headers, out_body

    def _authenticate(self, headers: dict[str, str], api: str) -> Identity:
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        with self.lock:
            identity = self.tokens.get(token)
            if identity is not None and identity.expires_at <= self.clock.monotonic():
                identity = None
        if identity is None:
            message = ("Request had invalid authentication credentials. Expected OAuth 2 "
                       "access token, login cookie or other valid authentication credential. "
                       "See https://developers.google.com/identity/sign-in/web/"
                       "devconsole-project.")
            if api == "drive":
                raise drive_error(401, message, "authError", location="Authorization",
                                  location_type="header", status_name="UNAUTHENTICATED",
                                  headers={"WWW-Authenticate": 'Bearer realm="https://'
                                           'accounts.google.com/"'})
            raise sheets_error(401, message, "UNAUTHENTICATED")
        return identity

    def _need_scope(self, identity: Identity, allowed: set[str], service: str) -> None:
        if identity.scopes & allowed:
            return
        details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "domain": "googleapis.com",
                    "metadata": {"service": service}}]
        if service == "drive.googleapis.com":
            raise drive_error(403, "Request had insufficient authentication scopes.",
                              "insufficientPermissions", status_name="PERMISSION_DENIED",
                              details=details)
        raise sheets_error(403, "Request had insufficient authentication scopes.",
                           "PERMISSION_DENIED", details)

    # ---- OAuth ------------------------------------------------------------------------
    def _token(self, identity: Any, groups: tuple[str, ...], query: dict[str, str],
               query_lists: Any, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):  # client credentials may come as HTTP Basic
            decoded = base64.b64decode(basic[6:].strip()).decode()
            client_id, _, secret = decoded.partition(":")
            form.setdefault("client_id", urllib.parse.unquote(client_id))
            form.setdefault("client_secret", urllib.parse.unquote(secret))
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._jwt_grant(form.get("assertion", ""))
        if grant == "authorization_code":
            return self._code_grant(form)
        if grant == "refresh_token":
            found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None or self.clients.get(form.get("client_id", "")) != form.get(
                    "client_secret"):
                raise _oauth_error("invalid_grant", "Token has been expired or revoked.")
            token = self._issue(found.email, found.scopes)
            return _json_answer({"access_token": token, "expires_in": 3599,
                                 "scope": " ".join(sorted(found.scopes)),
                                 "token_type": "Bearer"})
        raise _oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")

    def _issue(self, email: str, scopes: frozenset[str]) -> str:
        token = "ya29.standin-" + _random_id(self.rng, 24)
        self.tokens[token] = Identity(email, email.split("@")[0], _is_robot(email), scopes,
                                      self.clock.monotonic() + 3599)
        return token

    def _jwt_grant(self, assertion: str) -> tuple[Any, ...]:
        from google.auth import exceptions, jwt

        try:
            claims = jwt.decode(assertion, verify=False)
        except (ValueError, exceptions.GoogleAuthError):
            raise _oauth_error("invalid_grant", "Invalid JWT.") from None
        email = str(claims.get("iss", ""))
        if email not in self.keys:
            raise _oauth_error("invalid_grant", "Invalid grant: account not found")
        _, public_pem = self.keys[email]
        try:
            # The audience Google's token endpoint expects (google-auth always sends it,
            # whatever the key's token_uri).
            jwt.decode(assertion, certs=public_pem, clock_skew_in_seconds=10,
                       audience=["https://oauth2.googleapis.com/token", self.token_uri])
        except (ValueError, exceptions.GoogleAuthError):
            raise _oauth_error("invalid_grant", "Invalid JWT Signature.") from None
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise _oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience "
                               "provided.")
        return _json_answer({"access_token": self._issue(email, scopes), "expires_in": 3599,
                             "token_type": "Bearer"})

    def _authorize(self, identity: Any, groups: tuple[str, ...], query: dict[str, str],
                   query_lists: Any, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        client = query.get("client_id", "")
        redirect = query.get("redirect_uri", "")
        target = urllib.parse.urlsplit(redirect)
        if client not in self.clients:
            return 401, {"Content-Type": "text/html"}, b"Error 401: invalid_client"
        if target.scheme != "http" or target.hostname not in ("localhost", "127.0.0.1"):
            return 400, {"Content-Type": "text/html"}, b"Error 400: redirect_uri_mismatch"
        code = "4/standin-" + _random_id(self.rng, 30)
        scopes = frozenset(query.get("scope", "").split())
        self.codes[code] = {"client": client, "redirect": redirect, "scopes": scopes,
                            "challenge": query.get("code_challenge"),
                            "user": self.consenting_user}
        location = redirect + ("&" if "?" in redirect else "?") + urllib.parse.urlencode(
            {"state": query.get("state", ""), "code": code, "scope": " ".join(sorted(scopes))})
        return 302, {"Location": location, "Content-Type": "text/html"}, b""

    def _code_grant(self, form: dict[str, str]) -> tuple[Any, ...]:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None:
            raise _oauth_error("invalid_grant", "Malformed auth code.")
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret") or \
                grant["client"] != form.get("client_id"):
            raise _oauth_error("invalid_client", "Unauthorized")
        if grant["redirect"] != form.get("redirect_uri"):
            raise _oauth_error("redirect_uri_mismatch", "Bad Request")
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if digest.rstrip(b"=").decode() != grant["challenge"]:
                raise _oauth_error("invalid_grant", "Invalid code verifier.")
        refresh = "1//standin-" + _random_id(self.rng, 30)
        self.refresh_tokens[refresh] = Identity(grant["user"], grant["user"].split("@")[0],
                                                False, grant["scopes"])
        return _json_answer({"access_token": self._issue(grant["user"], grant["scopes"]),
                             "expires_in": 3599, "refresh_token": refresh,
                             "scope": " ".join(sorted(grant["scopes"])),
                             "token_type": "Bearer"})

    # ---- Drive ------------------------------------------------------------------------
    def _about(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
               *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        about = {"kind": "drive#about", "user": self._user(identity.email, identity)}
        return _json_answer(apply_fields(about, _drive_fields(query.get("fields"))))

    def _files_list(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                    *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        test = _DriveQuery(query.get("q", "")).parse() if query.get("q") else None
        everything = (query.get("includeItemsFromAllDrives", "").lower() == "true"
                      and query.get("supportsAllDrives", "").lower() == "true")
        if query.get("includeItemsFromAllDrives", "").lower() == "true" and not everything:
            raise drive_error(403, "The includeItemsFromAllDrives parameter may only be set "
                              "to true when supportsAllDrives is also set to true.",
                              "teamDrivesParameterNotSupported", location="supportsAllDrives")
        found = [f for f in self.files.values()
                 if (everything or not f.drive_id) and self._visible(identity, f, query)
                 and (test is None or test(f, self))]
        found.sort(key=_order_key(query.get("orderBy")))
        try:
            size = min(1000, max(1, int(query.get("pageSize", "100"))))
        except ValueError:
            raise drive_error(400, "Invalid Value", "invalid", location="pageSize") from None
        start = _page_start(query.get("pageToken"))
        page = found[start:start + size]
        out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                               "files": [self._file_json(f, identity) for f in page]}
        if start + size < len(found):
            out["nextPageToken"] = _page_token(start + size)
        tree = _drive_fields(query.get("fields"), listing=True)
        return _json_answer(apply_fields(out, tree))

    def _files_get(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                   *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        f = self._file(identity, groups[0], query)
        if query.get("alt") == "media":
            if f.content is None:
                message = ("Only files with binary content can be downloaded. Use Export "
                           "with Docs Editors files.")
                raise drive_error(403, message, "fileNotDownloadable", location="alt")
            return 200, {"Content-Type": f.mime_type}, f.content
        return _json_answer(apply_fields(self._file_json(f, identity),
                                         _drive_fields(query.get("fields"))))

    def _create(self, identity: Identity, query: dict[str, str], metadata: dict[str, Any],
                content: bytes | None) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_WRITE_SCOPES, "drive.googleapis.com")
        parent = self._target_parent(identity, list(metadata.get("parents") or []), query)
        self._check_storage(identity, parent)
        mime = str(metadata.get("mimeType") or "application/octet-stream")
        if content is not None and mime.startswith("application/vnd.google-apps."):
            raise drive_error(400, "Converting uploaded files is not implemented by the "
                              "stand-in.", "badRequest")
        file_id = self._add(str(metadata.get("name") or "Untitled"), mime, owner=None,
                            parent=parent, shared_with=None, content=content,
                            creator=identity.email,
                            app_properties=metadata.get("appProperties"),
                            properties=metadata.get("properties"))
        f = self.files[file_id]
        if f.drive_id is None:
            f.owner = identity.email
        return _json_answer(apply_fields(self._file_json(f, identity),
                                         _drive_fields(query.get("fields"))))

    def _files_create(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], query_lists: Any, headers: dict[str, str],
                      body: bytes) -> tuple[Any, ...]:
        metadata = _json_body(body, drive=True) or {}
        return self._create(identity, query, metadata, None)

    def _files_upload(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], query_lists: Any, headers: dict[str, str],
                      body: bytes) -> tuple[Any, ...]:
        kind = query.get("uploadType")
        if kind == "media":
            return self._create(identity, query, {"mimeType": headers.get(
                "content-type", "application/octet-stream")}, body)
        if kind != "multipart":
            raise drive_error(400, "Invalid Value", "invalid", location="uploadType")
        metadata, content = _multipart(headers.get("content-type", ""), body)
        return self._create(identity, query, metadata, content)

    def _files_copy(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                    query_lists: Any, headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_WRITE_SCOPES, "drive.googleapis.com")
        source = self._file(identity, groups[0], query)
        metadata = _json_body(body, drive=True) or {}
        parents = list(metadata.get("parents") or source.parents)
        parent = self._target_parent(identity, parents, query)
        self._check_storage(identity, parent)
        name = metadata.get("name") or f"Copy of {source.name}"
        file_id = self._add(str(name), source.mime_type, owner=None, parent=parent,
                            shared_with=None, content=source.content, creator=identity.email,
                            app_properties=metadata.get("appProperties"),
                            properties=metadata.get("properties"),
                            source=self.spreadsheets.get(source.id))
        f = self.files[file_id]
        if f.drive_id is None:
            f.owner = identity.email
        return _json_answer(apply_fields(self._file_json(f, identity),
                                         _drive_fields(query.get("fields"))))

    def _files_delete(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_WRITE_SCOPES, "drive.googleapis.com")
        f = self._file(identity, groups[0], query)
        if self._role(identity, f) < _ROLE_RANK["fileOrganizer"]:
            raise drive_error(403, "The user does not have sufficient permissions for this "
                              "file.", "insufficientFilePermissions")
        del self.files[f.id]
        self.spreadsheets.pop(f.id, None)
        self._changed(f, removed=True, by=identity.email)
        return 204, {"Content-Type": "text/html"}, b""

    def _files_export(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        # files.export has no supportsAllDrives parameter: shared-drive files export too.
        f = self._file(identity, groups[0], {**query, "supportsAllDrives": "true"})
        if f.mime_type != SPREADSHEET_MIME:
            raise drive_error(403, "Export only supports Docs Editors files.",
                              "fileNotExportable")
        if query.get("mimeType") != XLSX_MIME:
            raise drive_error(400, "The requested conversion is not supported.", "badRequest",
                              location="convertTo")
        return 200, {"Content-Type": XLSX_MIME}, self.spreadsheets[f.id].to_xlsx()

    def _comments_list(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        self._file(identity, groups[0], {**query, "supportsAllDrives": "true"})
        out = {"kind": "drive#commentList", "comments": []}
        return _json_answer(apply_fields(out, parse_fields(query.get("fields"))))

    def _changes_start(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        return _json_answer({"kind": "drive#startPageToken",
                             "startPageToken": str(len(self.changes) + 1)})

    def _changes_list(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        try:
            start = int(query.get("pageToken", ""))
        except ValueError:
            raise drive_error(400, "Invalid Value", "invalid", location="pageToken") from None
        size = min(1000, max(1, int(query.get("pageSize", "100"))))
        latest: dict[str, tuple[int, float, bool]] = {}
        for n, file_id, moment, removed in self.changes:
            if n >= start:
                latest[file_id] = (n, moment, removed)
        items = sorted(latest.items(), key=lambda kv: kv[1][0])
        changes = []
        last = start - 1
        for file_id, (n, moment, removed) in items[:size]:
            last = n
            f = self.files.get(file_id)
            if f is not None and not self._visible(identity, f, query):
                continue
            change: dict[str, Any] = {"kind": "drive#change", "changeType": "file",
                                      "time": rfc3339(moment), "removed": removed or f is None,
                                      "fileId": file_id}
            if f is not None:
                change["file"] = self._file_json(f, identity)
            changes.append(change)
        out: dict[str, Any] = {"kind": "drive#changeList", "changes": changes}
        if len(items) > size:
            out["nextPageToken"] = str(last + 1)
        else:
            out["newStartPageToken"] = str(len(self.changes) + 1)
        return _json_answer(apply_fields(out, parse_fields(query.get("fields"))))

    # ---- Sheets -----------------------------------------------------------------------
    def _sheet_file(self, identity: Identity, spreadsheet_id: str,
                    write: bool) -> tuple[DriveFile, Spreadsheet]:
        self._need_scope(identity, SHEETS_WRITE_SCOPES if write else SHEETS_READ_SCOPES,
                         "sheets.googleapis.com")
        f = self.files.get(spreadsheet_id)
        if f is None:
            raise sheets_error(404, "Requested entity was not found.", "NOT_FOUND")
        if f.mime_type != SPREADSHEET_MIME:
            raise sheets_error(400, "This operation is not supported for this document",
                               "FAILED_PRECONDITION")
        if not self._visible(identity, f, {"supportsAllDrives": "true"}, "sheets") or (
                write and not self._can_write(identity, f)):
            raise sheets_error(403, "The caller does not have permission", "PERMISSION_DENIED")
        return f, self.spreadsheets[f.id]

    def _commit(self, f: DriveFile, identity: Identity, new: Spreadsheet) -> None:
        self.spreadsheets[f.id] = new
        f.name = new.title
        self._touch(f, identity)

    def _ss_get(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                query_lists: dict[str, list[str]], *rest: Any) -> tuple[Any, ...]:
        _, ss = self._sheet_file(identity, groups[0], write=False)
        grid = query.get("includeGridData", "false").lower() == "true"
        return _json_answer(ss.to_json(fields=query.get("fields"),
                                       ranges=query_lists.get("ranges"),
                                       include_grid_data=grid))

    def _ss_batch_update(self, identity: Identity, groups: tuple[str, ...],
                         query: dict[str, str], query_lists: Any, headers: dict[str, str],
                         body: bytes) -> tuple[Any, ...]:
        f, ss = self._sheet_file(identity, groups[0], write=True)
        new, answer = ss.batch_update(_json_body(body), identity.email)
        self._commit(f, identity, new)
        return _json_answer(apply_fields(answer, parse_fields(query.get("fields"))))

    def _values_get(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                    *rest: Any) -> tuple[Any, ...]:
        _, ss = self._sheet_file(identity, groups[0], write=False)
        return _json_answer(ss.value_range(
            urllib.parse.unquote(groups[1]),
            value_render=query.get("valueRenderOption", "FORMATTED_VALUE"),
            date_render=query.get("dateTimeRenderOption", "SERIAL_NUMBER"),
            major_dimension=query.get("majorDimension", "ROWS")))

    def _values_batch_get(self, identity: Identity, groups: tuple[str, ...],
                          query: dict[str, str], query_lists: dict[str, list[str]],
                          *rest: Any) -> tuple[Any, ...]:
        _, ss = self._sheet_file(identity, groups[0], write=False)
        ranges = [ss.value_range(r, value_render=query.get("valueRenderOption",
                                                           "FORMATTED_VALUE"),
                                 date_render=query.get("dateTimeRenderOption", "SERIAL_NUMBER"),
                                 major_dimension=query.get("majorDimension", "ROWS"))
                  for r in query_lists.get("ranges", [])]
        return _json_answer({"spreadsheetId": ss.id, "valueRanges": ranges})

    def _values_write(self, identity: Identity, spreadsheet_id: str,
                      apply: Callable[[Spreadsheet], dict[str, Any]]) -> tuple[Any, ...]:
        f, ss = self._sheet_file(identity, spreadsheet_id, write=True)
        work = ss.clone()
        answer = apply(work)
        self._commit(f, identity, work)
        return _json_answer(answer)

    def _values_update(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], query_lists: Any, headers: dict[str, str],
                       body: bytes) -> tuple[Any, ...]:
        a1 = urllib.parse.unquote(groups[1])
        option = query.get("valueInputOption", "")
        if not option:
            raise sheets_error(400, "'valueInputOption' is required but not specified")
        data = _json_body(body)
        return self._values_write(identity, groups[0],
                                  lambda ss: ss.update_values(a1, data, option))

    def _values_clear(self, identity: Identity, groups: tuple[str, ...],
                      *rest: Any) -> tuple[Any, ...]:
        a1 = urllib.parse.unquote(groups[1])
        return self._values_write(identity, groups[0], lambda ss: ss.clear_values(a1))

    def _values_append(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], query_lists: Any, headers: dict[str, str],
                       body: bytes) -> tuple[Any, ...]:
        a1 = urllib.parse.unquote(groups[1])
        option = query.get("valueInputOption", "")
        if not option:
            raise sheets_error(400, "'valueInputOption' is required but not specified")
        data = _json_body(body)
        return self._values_write(identity, groups[0],
                                  lambda ss: ss.append_values(a1, data, option))

    def _values_batch_update(self, identity: Identity, groups: tuple[str, ...],
                             query: dict[str, str], query_lists: Any,
                             headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        data = _json_body(body) or {}
        option = data.get("valueInputOption")
        if not option:
            raise sheets_error(400, "'valueInputOption' is required but not specified")

        def apply(ss: Spreadsheet) -> dict[str, Any]:
            responses = [ss.update_values(item["range"], item, option)
                         for item in data.get("data") or []]
            sheets = {r["updatedRange"].rsplit("!", 1)[0] for r in responses}
            return {"spreadsheetId": ss.id,
                    "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                    "totalUpdatedColumns": max((r["updatedColumns"] for r in responses),
                                               default=0),
                    "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                    "totalUpdatedSheets": len(sheets), "responses": responses}

        return self._values_write(identity, groups[0], apply)


# ---- routing ---------------------------------------------------------------------------
_ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    (method, re.compile(pattern), api, name) for method, pattern, api, name in [
        ("POST", r"^/token$", "oauth", "_token"),
        ("GET", r"^/o/oauth2/auth$", "oauth", "_authorize"),
        ("GET", r"^/drive/v3/about$", "drive", "_about"),
        ("GET", r"^/drive/v3/files$", "drive", "_files_list"),
        ("POST", r"^/drive/v3/files$", "drive", "_files_create"),
        ("POST", r"^/upload/drive/v3/files$", "drive", "_files_upload"),
        ("GET", r"^/drive/v3/files/([A-Za-z0-9_-]+)$", "drive", "_files_get"),
        ("DELETE", r"^/drive/v3/files/([A-Za-z0-9_-]+)$", "drive", "_files_delete"),
        ("POST", r"^/drive/v3/files/([A-Za-z0-9_-]+)/copy$", "drive", "_files_copy"),
        ("GET", r"^/drive/v3/files/([A-Za-z0-9_-]+)/export$", "drive", "_files_export"),
        ("GET", r"^/drive/v3/files/([A-Za-z0-9_-]+)/comments$", "drive", "_comments_list"),
        ("GET", r"^/drive/v3/changes/startPageToken$", "drive", "_changes_start"),
        ("GET", r"^/drive/v3/changes$", "drive", "_changes_list"),
        ("GET", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)$", "sheets", "_ss_get"),
        ("POST", r"^/v4/spreadsheets/([A-Za-z0-9_-]+):batchUpdate$", "sheets",
         "_ss_batch_update"),
        ("GET", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values:batchGet$", "sheets",
         "_values_batch_get"),
        ("POST", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values:batchUpdate$", "sheets",
         "_values_batch_update"),
        ("POST", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values/([^/]+):clear$", "sheets",
         "_values_clear"),
        ("POST", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values/([^/]+):append$", "sheets",
         "_values_append"),
        ("GET", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values/([^/]+)$", "sheets",
         "_values_get"),
        ("PUT", r"^/v4/spreadsheets/([A-Za-z0-9_-]+)/values/([^/]+)$", "sheets",
         "_values_update"),
    ]
]


def _route(method: str, path: str) -> tuple[str, str, tuple[str, ...]] | None:
    for route_method, pattern, api, name in _ROUTES:
        m = pattern.match(path)
        if m and route_method == method:
            return api, name, m.groups()
    return None


def _handler_for(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write (flushed after each request), and small
        # writes are not held back: no 40 ms delayed-ACK stalls on loopback.
        wbufsize = 1 << 16

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = stand_in.handle(self.command, self.path, headers, body)
            if answer is None:
                self.close_connection = True
                with contextlib.suppress(OSError):  # a reset (RST), not a clean close
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                self.connection.close()
                return
            status, out_headers, out_body = answer
            try:
                self.send_response(status)
                for key, value in out_headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(out_body)))
                self.end_headers()
                self.wfile.write(out_body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler


# ---- helpers --------------------------------------------------------------------------
def _json_answer(data: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(
        data, ensure_ascii=False).encode("utf-8")


def _json_body(body: bytes, *, drive: bool = False) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        message = "Invalid JSON payload received."
        if drive:
            raise drive_error(400, message, "parseError") from None
        raise sheets_error(400, message, "INVALID_ARGUMENT") from None


def _oauth_error(error: str, description: str) -> ApiError:
    status = 401 if error == "invalid_client" else 400
    return ApiError(status, {"error": error, "error_description": description})


def _quota_error(kind: str, limit: int) -> ApiError:
    metric = "Read requests" if kind == "read" else "Write requests"
    quota = "ReadRequestsPerMinutePerUser" if kind == "read" else "WriteRequestsPerMinutePerUser"
    return sheets_error(429, (
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:1322'."),
        "RESOURCE_EXHAUSTED", [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo",
             "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
             "metadata": {"quota_metric": f"sheets.googleapis.com/{kind}_requests",
                          "quota_limit": quota, "quota_limit_value": str(limit),
                          "consumer": "projects/1322", "service": "sheets.googleapis.com",
                          "quota_location": "global"}},
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [{
                "description": "Request a higher quota limit.",
                "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]},
        ])


def _fault_answer(fault: Fault, api: str, limit: int) -> tuple[int, dict[str, str], bytes]:
    if fault.kind == "500-html":
        return 500, {"Content-Type": "text/html; charset=UTF-8"}, HTML_500.encode("utf-8")
    if fault.kind == "503":
        error = (drive_error(503, "The service is currently unavailable.", "backendError")
                 if api == "drive" else
                 sheets_error(503, "The service is currently unavailable.", "UNAVAILABLE"))
    elif fault.kind == "429":
        error = _quota_error("read", limit)
    else:  # 403-rate
        error = drive_error(403, "User Rate Limit Exceeded", "userRateLimitExceeded",
                            domain="usageLimits")
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    if fault.retry_after is not None:
        headers["Retry-After"] = fault.retry_after
    return error.status, headers, json.dumps(error.body).encode()


_LISTING_DEFAULT = parse_fields("kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)")
_FILE_DEFAULT = parse_fields("kind,id,name,mimeType")


def _drive_fields(text: str | None, *, listing: bool = False) -> Any:
    if text is None:
        return _LISTING_DEFAULT if listing else _FILE_DEFAULT
    return parse_fields(text)


def _web_link(f: DriveFile) -> str:
    if f.mime_type == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{f.id}/edit?usp=drivesdk"
    if f.mime_type == FOLDER_MIME:
        return f"https://drive.google.com/drive/folders/{f.id}"
    return f"https://drive.google.com/file/d/{f.id}/view?usp=drivesdk"


def _random_id(rng: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _is_robot(email: str) -> bool:
    return email.endswith(".gserviceaccount.com")


_KEY_CACHE: list[tuple[str, str]] = []


def _rsa_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM); one key per test process (generation is slow)."""
    if not _KEY_CACHE:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        _KEY_CACHE.append((private, public))
    return _KEY_CACHE[0]


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"page:{offset}".encode()).decode()


def _page_start(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        if not text.startswith("page:"):
            raise ValueError(token)
        return int(text[5:])
    except ValueError:
        raise drive_error(400, "Invalid Value", "invalid", location="pageToken") from None


def _order_key(order_by: str | None) -> Callable[[DriveFile], Any]:
    if not order_by:
        return lambda f: (f.created, f.id)
    keys = []
    for part in order_by.split(","):
        name, _, direction = part.strip().partition(" ")
        if name not in ("name", "modifiedTime", "createdTime", "folder"):
            raise drive_error(400, "Invalid Value", "invalid", location="orderBy")
        keys.append((name, direction.strip().lower() == "desc"))

    def key(f: DriveFile) -> Any:
        out = []
        for name, desc in keys:
            value: Any = {"name": f.name.lower(), "modifiedTime": f.modified,
                          "createdTime": f.created,
                          "folder": 0 if f.mime_type == FOLDER_MIME else 1}[name]
            if desc:
                value = tuple(-ord(ch) for ch in value) if isinstance(value, str) else -value
            out.append(value)
        return tuple(out)

    return key


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], bytes]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise drive_error(400, "Invalid multipart request.", "badContent")
    boundary = b"--" + m.group(1).encode()
    parts = [p for p in body.split(boundary) if p.strip() and p.strip() != b"--"]
    if len(parts) != 2:
        raise drive_error(400, "Invalid multipart request with 0 mime parts.", "badContent")

    def payload(part: bytes) -> bytes:
        _, _, rest = part.partition(b"\r\n\r\n")
        return rest[:-2] if rest.endswith(b"\r\n") else rest

    metadata = json.loads(payload(parts[0]) or b"{}")
    return metadata, payload(parts[1])


class _DriveQuery:
    """Drive's query language (the part nscl and gspread use)."""

    _TOKEN = re.compile(r"\s*(?:(?P<str>'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(?P<op>!=|<=|>="
                        r"|[=<>(){}])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise self.error()
            kind = m.lastgroup or ""
            value = m.group(kind)
            if kind == "str":
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            self.tokens.append((kind, value))
            pos = m.end()
        self.pos = 0

    def error(self) -> ApiError:
        return drive_error(400, "Invalid Value", "invalid", location="q")

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise self.error()
        self.pos += 1
        return self.tokens[self.pos - 1]

    def peek_word(self) -> str | None:
        if self.pos < len(self.tokens) and self.tokens[self.pos][0] == "word":
            return self.tokens[self.pos][1].lower()
        return None

    Test = Callable[[DriveFile, StandIn], bool]

    def parse(self) -> Test:
        test = self.or_expr()
        if self.pos != len(self.tokens):
            raise self.error()
        return test

    def or_expr(self) -> Test:
        left = self.and_expr()
        while self.peek_word() == "or":
            self.take()
            right = self.and_expr()
            left = (lambda a, b: lambda f, s: a(f, s) or b(f, s))(left, right)
        return left

    def and_expr(self) -> Test:
        left = self.not_expr()
        while self.peek_word() == "and":
            self.take()
            right = self.not_expr()
            left = (lambda a, b: lambda f, s: a(f, s) and b(f, s))(left, right)
        return left

    def not_expr(self) -> Test:
        if self.peek_word() == "not":
            self.take()
            inner = self.not_expr()
            return lambda f, s: not inner(f, s)
        if self.pos < len(self.tokens) and self.tokens[self.pos] == ("op", "("):
            self.take()
            inner = self.or_expr()
            if self.take() != ("op", ")"):
                raise self.error()
            return inner
        return self.term()

    def term(self) -> Test:
        kind, value = self.take()
        if kind == "str":  # 'x' in parents / owners / writers / readers
            if self.take() != ("word", "in"):
                raise self.error()
            _, where = self.take()
            if where == "parents":
                return lambda f, s: value in f.parents
            if where in ("owners", "writers", "readers"):
                need = {"owners": 5, "writers": 3, "readers": 1}[where]
                return lambda f, s: _ROLE_RANK.get(f.permissions.get(value, ""), 0) >= need \
                    or f.owner == value
            raise self.error()
        if kind != "word":
            raise self.error()
        name = value
        if name == "parents" and self.peek_word() == "in":  # gspread writes it this way
            self.take()
            folder = self.take()[1]
            return lambda f, s: folder in f.parents
        if name in ("appProperties", "properties"):
            if self.take() != ("word", "has") or self.take() != ("op", "{"):
                raise self.error()
            if self.take() != ("word", "key") or self.take() != ("op", "="):
                raise self.error()
            key = self.take()[1]
            if self.take() != ("word", "and") or self.take() != ("word", "value") or \
                    self.take() != ("op", "="):
                raise self.error()
            wanted = self.take()[1]
            if self.take() != ("op", "}"):
                raise self.error()
            attr = "app_properties" if name == "appProperties" else "properties"
            return lambda f, s: getattr(f, attr).get(key) == wanted
        op_kind, op = self.take()
        if op_kind == "word" and op.lower() == "contains":
            op = "contains"
        elif op_kind != "op" or op not in ("=", "!=", "<", "<=", ">", ">="):
            raise self.error()
        vkind, raw = self.take()
        if vkind == "word" and raw.lower() in ("true", "false"):
            literal: Any = raw.lower() == "true"
        elif vkind == "str":
            literal = raw
        else:
            raise self.error()
        getters: dict[str, Callable[[DriveFile], Any]] = {
            "name": lambda f: f.name, "mimeType": lambda f: f.mime_type,
            "trashed": lambda f: f.trashed, "starred": lambda f: False,
            "modifiedTime": lambda f: rfc3339(f.modified),
            "createdTime": lambda f: rfc3339(f.created),
        }
        if name not in getters:
            raise self.error()
        get = getters[name]
        if name.endswith("Time") and isinstance(literal, str):
            literal = _normal_time(literal)
        compare: dict[str, Callable[[Any, Any], bool]] = {
            "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
            "contains": lambda a, b: isinstance(a, str) and str(b).lower() in a.lower(),
        }
        check = compare[op]
        return lambda f, s: check(get(f), literal)


def _normal_time(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise drive_error(400, "Invalid Value", "invalid", location="q") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return rfc3339(moment.timestamp())
