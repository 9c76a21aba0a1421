"""The Google stand-in's Drive v3 endpoints (mixed into :class:`.server.StandIn`).

Who sees and may change what (roles from permissions, inherited from folders, and
shared-drive membership; scopes; ``supportsAllDrives``), the storage rule of service
accounts, the JSON of a file, and the endpoints: about, files (list, get, create,
upload, copy, delete, export), comments and changes — with Drive's query language.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from nscl.google.standin.common import (
    DRIVE_READ_SCOPES,
    DRIVE_WRITE_SCOPES,
    FOLDER_MIME,
    ROLE_RANK,
    SCOPE,
    SPREADSHEET_MIME,
    XLSX_MIME,
    ApiError,
    DriveFile,
    Identity,
    SharedDrive,
    apply_fields,
    drive_error,
    json_answer,
    json_body,
    parse_fields,
    rfc3339,
)

if TYPE_CHECKING:
    from nscl.google.standin.sheets import Spreadsheet

__all__ = ["DriveEndpoints"]


class DriveEndpoints:
    """Drive's access rules and endpoints."""

    # What the stand-in (nscl.google.standin.server.StandIn) provides.
    files: dict[str, DriveFile]
    drives: dict[str, SharedDrive]
    spreadsheets: dict[str, Spreadsheet]
    changes: list[tuple[int, str, float, bool]]

    if TYPE_CHECKING:
        def _drive_of(self, parent: str | None) -> str | None: ...

        def _need_scope(self, identity: Identity, allowed: set[str], service: str) -> None: ...

        def _add(self, name: str, mime_type: str, *, owner: str | None, parent: str | None,
                 shared_with: dict[str, str] | None, content: bytes | None = None,
                 creator: str | None = None, app_properties: dict[str, str] | None = None,
                 properties: dict[str, str] | None = None,
                 source: Spreadsheet | None = None) -> str: ...

        def _changed(self, f: DriveFile, *, removed: bool = False,
                     by: str | None = None) -> None: ...

    # ---- access -------------------------------------------------------------------------
    def _role(self, identity: Identity, f: DriveFile) -> int:
        best = 0
        seen: set[str] = set()
        node: DriveFile | None = f
        while node is not None and node.id not in seen:
            seen.add(node.id)
            if node.owner == identity.email or node.creator == identity.email:
                best = max(best, ROLE_RANK["owner"])
            best = max(best, ROLE_RANK.get(node.permissions.get(identity.email, ""), 0))
            node = self.files.get(node.parents[0]) if node.parents else None
        if f.drive_id:
            drive = self.drives.get(f.drive_id)
            if drive is not None:
                best = max(best, ROLE_RANK.get(drive.members.get(identity.email, ""), 0))
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
        return self._role(identity, f) >= ROLE_RANK["writer"]

    def _target_parent(self, identity: Identity, parents: list[str],
                       query: dict[str, str]) -> str | None:
        if len(parents) > 1:
            raise drive_error(403, "Increasing the number of parents is not allowed",
                              "cannotAddParent")
        if not parents:
            return None
        parent = parents[0]
        if parent in self.drives:
            if query.get("supportsAllDrives", "").lower() != "true" or ROLE_RANK.get(
                    self.drives[parent].members.get(identity.email, ""), 0) < 1:
                raise drive_error(404, f"File not found: {parent}.", "notFound",
                                  location="fileId")
            if ROLE_RANK.get(self.drives[parent].members[identity.email], 0) < 3:
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

    # ---- Drive ------------------------------------------------------------------------
    def _about(self, identity: Identity, groups: tuple[str, ...], query: dict[str, str],
               *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        about = {"kind": "drive#about", "user": self._user(identity.email, identity)}
        return json_answer(apply_fields(about, _drive_fields(query.get("fields"))))

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
        return json_answer(apply_fields(out, tree))

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
        return json_answer(apply_fields(self._file_json(f, identity),
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
        return json_answer(apply_fields(self._file_json(f, identity),
                                         _drive_fields(query.get("fields"))))

    def _files_create(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], query_lists: Any, headers: dict[str, str],
                      body: bytes) -> tuple[Any, ...]:
        metadata = json_body(body, drive=True) or {}
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
        metadata = json_body(body, drive=True) or {}
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
        return json_answer(apply_fields(self._file_json(f, identity),
                                         _drive_fields(query.get("fields"))))

    def _files_delete(self, identity: Identity, groups: tuple[str, ...],
                      query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_WRITE_SCOPES, "drive.googleapis.com")
        f = self._file(identity, groups[0], query)
        if self._role(identity, f) < ROLE_RANK["fileOrganizer"]:
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
        return json_answer(apply_fields(out, parse_fields(query.get("fields"))))

    def _changes_start(self, identity: Identity, groups: tuple[str, ...],
                       query: dict[str, str], *rest: Any) -> tuple[Any, ...]:
        self._need_scope(identity, DRIVE_READ_SCOPES, "drive.googleapis.com")
        return json_answer({"kind": "drive#startPageToken",
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
        return json_answer(apply_fields(out, parse_fields(query.get("fields"))))


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

    Test = Callable[[DriveFile, Any], bool]  # (file, the stand-in)

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
                return lambda f, s: ROLE_RANK.get(f.permissions.get(value, ""), 0) >= need \
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
