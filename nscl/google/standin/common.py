"""What the Google stand-in's parts share: error answers, ``fields``, files and identities.

Google answers a refused request with a JSON error body whose shape differs by API:
Sheets v4 ``{"error": {"code", "message", "status"[, "details"]}}``; Drive v3 the same
plus ``"errors": [{"message", "domain", "reason"[, "location", "locationType"]}]``.
``fields`` (partial responses) is parsed as Google documents it: comma-separated paths
whose parts are joined by "." or "/", with ``a(b,c)`` for sub-selections and ``*`` for
everything.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "DRIVE_READ_SCOPES",
    "DRIVE_WRITE_SCOPES",
    "FOLDER_MIME",
    "ROLE_RANK",
    "SCOPE",
    "SHEETS_READ_SCOPES",
    "SHEETS_WRITE_SCOPES",
    "SPREADSHEET_MIME",
    "XLSX_MIME",
    "ApiError",
    "DriveFile",
    "Identity",
    "SharedDrive",
    "apply_fields",
    "drive_error",
    "invalid_argument",
    "is_robot",
    "json_answer",
    "json_body",
    "merge_fields",
    "parse_fields",
    "random_id",
    "rfc3339",
    "set_by_mask",
    "sheets_error",
]

FieldTree = dict[str, Any]  # name -> FieldTree, or None for "everything below"


class ApiError(Exception):
    """An error answer: HTTP ``status``, JSON ``body`` and extra headers."""

    def __init__(self, status: int, body: dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                 404: "NOT_FOUND", 409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED",
                 500: "INTERNAL", 503: "UNAVAILABLE"}


def sheets_error(status: int, message: str, status_name: str | None = None,
                 details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> ApiError:
    """A Sheets v4 error answer."""
    error: dict[str, Any] = {"code": status, "message": message,
                             "status": status_name or _STATUS_NAMES.get(status, "UNKNOWN")}
    if details:
        error["details"] = details
    return ApiError(status, {"error": error}, headers)


def drive_error(status: int, message: str, reason: str, *, domain: str = "global",
                location: str | None = None, location_type: str | None = None,
                status_name: str | None = None, headers: dict[str, str] | None = None,
                details: list[dict[str, Any]] | None = None) -> ApiError:
    """A Drive v3 error answer (with the legacy ``errors`` list)."""
    item: dict[str, Any] = {"message": message, "domain": domain, "reason": reason}
    if location is not None:
        item["location"] = location
        item["locationType"] = location_type or "parameter"
    error: dict[str, Any] = {"code": status, "message": message, "errors": [item]}
    if status_name:
        error["status"] = status_name
    if details:
        error["details"] = details
    return ApiError(status, {"error": error}, headers)


def invalid_argument(message: str) -> ApiError:
    """Sheets' 400 INVALID_ARGUMENT."""
    return sheets_error(400, message, "INVALID_ARGUMENT")


# ---- fields -------------------------------------------------------------------------
class _FieldParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self) -> ApiError:
        return invalid_argument(f"Invalid field selection {self.text}")

    def parse_list(self, closing: str | None) -> FieldTree:
        tree: FieldTree = {}
        while True:
            path = self.parse_path()
            sub: FieldTree | None = None
            if self.pos < len(self.text) and self.text[self.pos] == "(":
                self.pos += 1
                sub = self.parse_list(")")
            _insert(tree, path, sub)
            if self.pos >= len(self.text):
                if closing is not None:
                    raise self.error()
                return tree
            ch = self.text[self.pos]
            if ch == ",":
                self.pos += 1
                continue
            if closing is not None and ch == closing:
                self.pos += 1
                return tree
            raise self.error()

    def parse_path(self) -> list[str]:
        parts: list[str] = []
        while True:
            start = self.pos
            while self.pos < len(self.text) and (self.text[self.pos].isalnum()
                                                 or self.text[self.pos] in "_*@"):
                self.pos += 1
            if self.pos == start:
                raise self.error()
            parts.append(self.text[start:self.pos])
            if self.pos < len(self.text) and self.text[self.pos] in "./":
                self.pos += 1
                continue
            return parts


def _insert(tree: FieldTree, path: list[str], sub: FieldTree | None) -> None:
    node = tree
    for part in path[:-1]:
        if part in node and node[part] is None:
            return  # already everything below
        node = node.setdefault(part, {})
    last = path[-1]
    node[last] = merge_fields(node[last], sub) if last in node else sub


def merge_fields(a: FieldTree | None, b: FieldTree | None) -> FieldTree | None:
    """Union of two field trees."""
    if a is None or b is None:
        return None
    out = dict(a)
    for key, value in b.items():
        out[key] = merge_fields(out[key], value) if key in out else value
    return out


def parse_fields(text: str | None) -> FieldTree | None:
    """The tree of a ``fields`` value; None for everything (absent or ``*``)."""
    if text is None or text.strip() in ("", "*"):
        return None
    tree = _FieldParser(text.replace(" ", "")).parse_list(None)
    return None if "*" in tree and tree["*"] is None and len(tree) == 1 else tree


def apply_fields(value: Any, tree: FieldTree | None) -> Any:
    """``value`` with only the selected fields (lists: each element)."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [apply_fields(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    wanted = {k: tree.get(k, tree["*"]) for k in value} if "*" in tree else tree
    return {k: apply_fields(value[k], sub) for k, sub in wanted.items() if k in value}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def set_by_mask(target: dict[str, Any], source: dict[str, Any], tree: FieldTree | None) -> None:
    """Update ``target`` with ``source`` for the fields in ``tree`` (an update mask): a
    selected field absent from ``source`` is cleared."""
    if tree is None:
        target.clear()
        target.update(_copy(source))
        return
    for key, sub in tree.items():
        if key == "*":
            target.clear()
            target.update(_copy(source))
            return
        if sub is None:
            if key in source:
                target[key] = _copy(source[key])
            else:
                target.pop(key, None)
            continue
        inner_source = source.get(key)
        if not isinstance(inner_source, dict):
            inner_source = {}
        inner_target = target.get(key)
        if not isinstance(inner_target, dict):
            inner_target = {}
        set_by_mask(inner_target, inner_source, sub)
        if inner_target:
            target[key] = inner_target
        else:
            target.pop(key, None)


# ---- Drive's model: files, shared drives, identities --------------------------------
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
ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 4, "organizer": 5,
              "owner": 5}

def rfc3339(moment: float) -> str:
    """Google's time format: 2026-01-01T00:00:00.000Z."""
    dt = datetime.fromtimestamp(moment, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"

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

def json_answer(data: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(
        data, ensure_ascii=False).encode("utf-8")


def json_body(body: bytes, *, drive: bool = False) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        message = "Invalid JSON payload received."
        if drive:
            raise drive_error(400, message, "parseError") from None
        raise sheets_error(400, message, "INVALID_ARGUMENT") from None

def random_id(rng: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(length))


def is_robot(email: str) -> bool:
    return email.endswith(".gserviceaccount.com")
