"""The Google stand-in's HTTP server: the request pipeline and the Sheets endpoints.

Tests run the real google-auth, requests and gspread against it: ``StandIn()`` serves
HTTP on 127.0.0.1 (port 0, in a thread). Point nscl at it with ``api_root`` (or
``NSCL_GOOGLE_API_ROOT``); service-account keys written by
:meth:`StandIn.service_account_key` name its token endpoint as their ``token_uri``.

It behaves like Google where nscl depends on it, checked by
``tests/test_google_standin_contract.py`` against recorded real traffic. This module
holds the server, the request pipeline (faults, authentication, quotas, routing), the
call log and the Sheets endpoints; :mod:`nscl.google.standin.oauth` the OAuth
endpoints, :mod:`nscl.google.standin.drive` Drive's endpoints, access rules and query
language, :mod:`nscl.google.standin.sheets` the spreadsheet model (with
:mod:`nscl.google.standin.grid`, :mod:`nscl.google.standin.batch`,
:mod:`nscl.google.standin.values` and :mod:`nscl.google.standin.formulas`), and
:mod:`nscl.google.standin.common` what they share.

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
- **Sheets v4**: see :mod:`nscl.google.standin.sheets`.
- **Quotas**: token buckets per identity for Sheets reads and writes (60 per minute by
  default, refilling on the stand-in's clock) answering 429 ``RESOURCE_EXHAUSTED`` with
  Google's error body.
- **Scripted faults** (:meth:`StandIn.fail`): 503, an HTML 500, 429 (optionally with
  ``Retry-After``), Drive's 403 ``userRateLimitExceeded``, a connection reset, a stall
  (no answer for a while, then the answer), and a reset after the request was applied.
- **Call log** (:attr:`StandIn.calls`) for call-count assertions.
- **People's side**, without HTTP: :meth:`StandIn.type_in` (a clerk typing in the
  browser), :meth:`StandIn.replace_content` (a new version of an uploaded file),
  :meth:`StandIn.trash`, and :meth:`StandIn.before` (run something before a matching
  request: a file changing while nscl works on it).

Not implemented (a request for these gets an error saying so, or is simply not
served): Sheets ``spreadsheets.create`` (nscl creates through Drive), the
``batchUpdate`` requests listed in ``KNOWN_UNIMPLEMENTED`` of
:mod:`nscl.google.standin.batch` (borders, dimension insert/delete, filters, charts,
named ranges, updating rules, deleting ranges and metadata), ``developerMetadata``
search endpoints, files.update (PATCH), permissions and revisions endpoints, resumable
uploads, converting an uploaded .xlsx into a Google Sheets file, export formats other
than .xlsx, ``fullText`` queries, comments other than an empty list, shared-drive
management endpoints, number-format features beyond digits/grouping/decimals/quoted
text/%/simple dates, effective formats (``effectiveFormat``), formulas outside
:data:`nscl.google.standin.formulas.FUNCTIONS`, Sheets' checks of merges against
frozen rows, and per-project (as opposed to per-user) quotas.
"""

from __future__ import annotations

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
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from nscl.google.standin.common import (
    FOLDER_MIME,
    SCOPE,
    SHEETS_READ_SCOPES,
    SHEETS_WRITE_SCOPES,
    SPREADSHEET_MIME,
    XLSX_MIME,
    ApiError,
    DriveFile,
    Identity,
    SharedDrive,
    apply_fields,
    drive_error,
    is_robot,
    json_answer,
    json_body,
    parse_fields,
    random_id,
    rfc3339,
    sheets_error,
)
from nscl.google.standin.drive import DriveEndpoints
from nscl.google.standin.oauth import OAuthEndpoints, rsa_key_pair
from nscl.google.standin.sheets import Spreadsheet

__all__ = ["Call", "FakeClock", "StandIn", "WallClock", "rfc3339"]

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


class WallClock(FakeClock):
    """Real time behind :class:`FakeClock`'s interface, for a stand-in that runs while
    people watch (``nscl demo --google``): it runs at the pace of the real clock, from
    ``start`` (seconds since the epoch; default: now) when it is made."""

    def __init__(self, start: float | None = None) -> None:
        super().__init__(time.time() if start is None else start)
        self._offset = self._now - time.time()

    def monotonic(self) -> float:
        """Seconds since the epoch, on this clock."""
        return time.time() + self._offset

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (recorded in :attr:`sleeps`)."""
        self.sleeps.append(seconds)
        time.sleep(max(0.0, seconds))

    def advance(self, seconds: float) -> None:
        """Real time cannot be moved: wait instead."""
        time.sleep(max(0.0, seconds))


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
class _Hook:
    """Something to do before answering the next matching requests."""

    action: Callable[[], None]
    method: str | None
    path_contains: str | None
    times: int

    def matches(self, method: str, path: str) -> bool:
        """Whether the hook applies to this request."""
        return ((self.method is None or self.method == method)
                and (self.path_contains is None or self.path_contains in path))


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


class StandIn(OAuthEndpoints, DriveEndpoints):
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
        self.hooks: list[_Hook] = []
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
        private_pem, public_pem = rsa_key_pair()
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
        token = "ya29.standin-" + random_id(self.rng, 24)
        with self.lock:
            self.tokens[token] = Identity(email, email.split("@")[0], is_robot(email),
                                          frozenset(scopes), self.clock.monotonic() + 3599)
        return token

    # ---- content ----------------------------------------------------------------------
    def _new_file_id(self) -> str:
        return "1" + random_id(self.rng, 43)

    def add_shared_drive(self, name: str, members: dict[str, str]) -> str:
        """A shared drive with ``members`` (email → role); return its ID."""
        with self.lock:
            drive_id = "0A" + random_id(self.rng, 17)
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

    def add_file(self, name: str, content: bytes | None, *, mime_type: str = XLSX_MIME,
                 owner: str | None = None, parent: str | None = None,
                 shared_with: dict[str, str] | None = None) -> str:
        """A binary file (an .xlsx an agency uploaded), or with ``content`` None a Google
        file other than a spreadsheet (a Google Docs document …); return its ID."""
        assert content is not None or mime_type.startswith("application/vnd.google-apps.")
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

    def type_in(self, spreadsheet_id: str, a1: str, rows: list[list[Any]], *, by: str,
                option: str = "USER_ENTERED") -> None:
        """A person types ``rows`` from the top left of ``a1`` in the browser (read as
        Sheets reads typing in the spreadsheet's locale: "'=…" stays text); the file's
        ``version`` and ``modifiedTime`` move, ``by`` made the change."""
        with self.lock:
            f = self.files[spreadsheet_id]
            work = self.spreadsheets[spreadsheet_id].clone()
            work.update_values(a1, {"values": rows}, option)
            self.spreadsheets[spreadsheet_id] = work
            f.version += 1
            self._changed(f, by=by)

    def replace_content(self, file_id: str, content: bytes, *, by: str) -> None:
        """A new version of an uploaded file, as a person uploads it in Drive ("Manage
        versions"): new content, ``version`` and ``modifiedTime`` move, ``by`` made it."""
        with self.lock:
            f = self.files[file_id]
            assert f.content is not None, "only binary files have content to replace"
            f.content = content
            f.version += 1
            self._changed(f, by=by)

    def trash(self, file_id: str, *, by: str) -> None:
        """Move a file to the trash, as a person does in Drive (it is no longer listed by
        a query with ``trashed = false``)."""
        with self.lock:
            f = self.files[file_id]
            f.trashed = True
            f.version += 1
            self._changed(f, by=by)

    def before(self, action: Callable[[], None], *, method: str | None = None,
               path_contains: str | None = None, times: int = 1) -> None:
        """Run ``action`` before answering the next ``times`` matching requests (someone
        changing a file while nscl works on it)."""
        with self.lock:
            self.hooks.append(_Hook(action, method, path_contains, times))

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

    def _take_hooks(self, method: str, path: str) -> list[Callable[[], None]]:
        with self.lock:
            due = [h for h in self.hooks if h.times > 0 and h.matches(method, path)]
            for hook in due:
                hook.times -= 1
            return [h.action for h in due]

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
        for action in self._take_hooks(method, parts.path):
            action()
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
        return json_answer(ss.to_json(fields=query.get("fields"),
                                       ranges=query_lists.get("ranges"),
                                       include_grid_data=grid))

    def _ss_batch_update(self, identity: Identity, groups: tuple[str, ...],
                         query: dict[str, str], query_lists: Any, headers: dict[str, str],
                         body: bytes) -> tuple[Any, ...]:
        f, ss = self._sheet_file(identity, groups[0], write=True)
        new, answer = ss.batch_update(json_body(body), identity.email)
        self._commit(f, identity, new)
        return json_answer(apply_fields(answer, parse_fields(query.get("fields"))))

    def _values_get(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
                    *rest: Any) -> tuple[Any, ...]:
        _, ss = self._sheet_file(identity, groups[0], write=False)
        return json_answer(ss.value_range(
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
        return json_answer({"spreadsheetId": ss.id, "valueRanges": ranges})

    def _values_write(self, identity: Identity, spreadsheet_id: str,
                      apply: Callable[[Spreadsheet], dict[str, Any]]) -> tuple[Any, ...]:
        f, ss = self._sheet_file(identity, spreadsheet_id, write=True)
        work = ss.clone()
        answer = apply(work)
        self._commit(f, identity, work)
        return json_answer(answer)

    def _values_update(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], query_lists: Any, headers: dict[str, str],
                       body: bytes) -> tuple[Any, ...]:
        a1 = urllib.parse.unquote(groups[1])
        option = query.get("valueInputOption", "")
        if not option:
            raise sheets_error(400, "'valueInputOption' is required but not specified")
        data = json_body(body)
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
        data = json_body(body)
        return self._values_write(identity, groups[0],
                                  lambda ss: ss.append_values(a1, data, option))

    def _values_batch_update(self, identity: Identity, groups: tuple[str, ...],
                             query: dict[str, str], query_lists: Any,
                             headers: dict[str, str], body: bytes) -> tuple[Any, ...]:
        data = json_body(body) or {}
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
