"""Google Drive v3: one method per endpoint nscl uses.

Every request passes ``supportsAllDrives=true`` (a service account works in shared
drives), and listing also ``includeItemsFromAllDrives=true``. ``fields`` asks only for
what is needed. Methods return Google's JSON as dicts; errors are
:mod:`nscl.google.errors`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from nscl.google.errors import GoogleOutcomeUnknownError
from nscl.google.transport import GoogleHttp
from nscl.google.urls import XLSX_MIME, ApiUrls

__all__ = [
    "REQUEST_KEY_PROPERTY",
    "DriveClient",
    "query_in_folder",
    "quote_query_value",
]

_ALL_DRIVES = {"supportsAllDrives": "true"}
# appProperties key marking a file nscl asked for, so that a create whose answer was
# lost can be found instead of being made twice.
REQUEST_KEY_PROPERTY = "nscl_request"


def quote_query_value(text: str) -> str:
    """``text`` as a quoted string of Drive's query language ('…', with \\ and ' escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def query_in_folder(folder_id: str, *, mime_type: str | None = None,
                    trashed: bool = False) -> str:
    """Drive query for the files directly in ``folder_id`` (optionally of one type)."""
    parts = [f"{quote_query_value(folder_id)} in parents", f"trashed = {str(trashed).lower()}"]
    if mime_type:
        parts.append(f"mimeType = {quote_query_value(mime_type)}")
    return " and ".join(parts)


def _what(file_id: str) -> str:
    return f"tệp Google Drive «{file_id}»"


class DriveClient:
    """Drive v3 over a :class:`~nscl.google.transport.GoogleHttp`."""

    def __init__(self, http: GoogleHttp, urls: ApiUrls) -> None:
        self.http = http
        self.urls = urls

    def about(self, *, fields: str = "user(displayName,emailAddress)") -> dict[str, Any]:
        """about.get: who the credentials are (``user.emailAddress``)."""
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.about(), params={"fields": fields}, api="drive",
            what="tài khoản Google")
        return result

    def list_files(
        self,
        *,
        q: str | None = None,
        fields: str | None = None,
        page_size: int = 100,
        page_token: str | None = None,
        order_by: str | None = None,
        corpora: str | None = None,
        drive_id: str | None = None,
    ) -> dict[str, Any]:
        """files.list: one page (``files``, ``nextPageToken`` when more)."""
        params: dict[str, Any] = {**_ALL_DRIVES, "includeItemsFromAllDrives": "true",
                                  "pageSize": page_size}
        for key, value in (("q", q), ("fields", fields), ("pageToken", page_token),
                           ("orderBy", order_by), ("corpora", corpora),
                           ("driveId", drive_id)):
            if value is not None:
                params[key] = value
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.files(), params=params, api="drive",
            what="danh sách tệp Google Drive")
        return result

    def iter_files(
        self,
        *,
        q: str | None = None,
        fields: str = "nextPageToken,files(id,name,mimeType,modifiedTime,version)",
        page_size: int = 100,
        order_by: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every file matching ``q``, page after page (``fields`` must include
        ``nextPageToken``)."""
        token: str | None = None
        while True:
            page = self.list_files(q=q, fields=fields, page_size=page_size, page_token=token,
                                   order_by=order_by)
            yield from page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return

    def get_file(self, file_id: str, *, fields: str | None = None) -> dict[str, Any]:
        """files.get: the file's metadata."""
        params: dict[str, Any] = dict(_ALL_DRIVES)
        if fields is not None:
            params["fields"] = fields
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.file(file_id), params=params, api="drive", what=_what(file_id))
        return result

    def download(self, file_id: str, *, max_bytes: int | None = None) -> bytes:
        """files.get ``alt=media``: the content of a file that is not a Google Sheets file."""
        result: bytes = self.http.request(
            "GET", self.urls.file(file_id), params={**_ALL_DRIVES, "alt": "media"},
            api="drive", what=_what(file_id), expect="bytes", max_bytes=max_bytes)
        return result

    def export(self, file_id: str, *, mime_type: str = XLSX_MIME,
               max_bytes: int | None = None) -> bytes:
        """files.export: a Google Sheets file as .xlsx (or ``mime_type``)."""
        result: bytes = self.http.request(
            "GET", self.urls.file_export(file_id), params={"mimeType": mime_type},
            api="drive", what=_what(file_id), expect="bytes", max_bytes=max_bytes)
        return result

    def create_file(
        self,
        *,
        name: str,
        mime_type: str,
        parents: Sequence[str] = (),
        properties: Mapping[str, str] | None = None,
        app_properties: Mapping[str, str] | None = None,
        fields: str | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        """files.create: a new file (metadata only, or with ``content`` as a multipart
        upload). ``properties`` are visible to every app, ``app_properties`` only to
        this one (this Google Cloud project). Not repeated when the answer is lost: see
        :meth:`create_file_once`."""
        metadata: dict[str, Any] = {"name": name, "mimeType": mime_type}
        if parents:
            metadata["parents"] = list(parents)
        if properties:
            metadata["properties"] = dict(properties)
        if app_properties:
            metadata["appProperties"] = dict(app_properties)
        params: dict[str, Any] = dict(_ALL_DRIVES)
        if fields is not None:
            params["fields"] = fields
        what = f"tệp mới «{name}»"
        if content is None:
            result: dict[str, Any] = self.http.request(
                "POST", self.urls.files(), params=params, json_body=metadata, api="drive",
                what=what, idempotent=False)
            return result
        boundary = f"nscl-{uuid.uuid4().hex}"
        body = b"".join([
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
            json.dumps(metadata).encode("utf-8"),
            f"\r\n--{boundary}\r\nContent-Type: {content_type or mime_type}\r\n\r\n".encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ])
        uploaded: dict[str, Any] = self.http.request(
            "POST", self.urls.upload_files(), params={**params, "uploadType": "multipart"},
            data=body, headers={"Content-Type": f"multipart/related; boundary={boundary}"},
            api="drive", what=what, idempotent=False)
        return uploaded

    def find_by_request_key(self, key: str, *, parents: Sequence[str] = (),
                            fields: str = "id,name,mimeType") -> dict[str, Any] | None:
        """The file created with ``appProperties[nscl_request] = key``, if any."""
        q = (f"appProperties has {{ key={quote_query_value(REQUEST_KEY_PROPERTY)} and "
             f"value={quote_query_value(key)} }} and trashed = false")
        if parents:
            q = f"{quote_query_value(parents[0])} in parents and {q}"
        files = self.list_files(q=q, fields=f"files({fields})", page_size=10).get("files", [])
        return files[0] if files else None

    def create_file_once(
        self,
        *,
        name: str,
        mime_type: str,
        parents: Sequence[str] = (),
        properties: Mapping[str, str] | None = None,
        fields: str = "id,name,mimeType",
    ) -> dict[str, Any]:
        """files.create that is safe to repeat: the file carries a fresh request key (in
        its ``appProperties``), and when the answer is lost the key is looked up before
        creating again."""
        key = uuid.uuid4().hex
        for _ in range(3):
            try:
                return self.create_file(name=name, mime_type=mime_type, parents=parents,
                                        properties=properties,
                                        app_properties={REQUEST_KEY_PROPERTY: key},
                                        fields=fields)
            except GoogleOutcomeUnknownError as lost:
                found = self.find_by_request_key(key, parents=parents, fields=fields)
                if found is not None:
                    return found
                last = lost
        raise last

    def copy_file(
        self,
        file_id: str,
        *,
        name: str | None = None,
        parents: Sequence[str] = (),
        properties: Mapping[str, str] | None = None,
        fields: str | None = None,
    ) -> dict[str, Any]:
        """files.copy: a copy of ``file_id`` (named ``name``, in ``parents``)."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if parents:
            body["parents"] = list(parents)
        if properties:
            body["properties"] = dict(properties)
        params: dict[str, Any] = dict(_ALL_DRIVES)
        if fields is not None:
            params["fields"] = fields
        result: dict[str, Any] = self.http.request(
            "POST", self.urls.file_copy(file_id), params=params, json_body=body, api="drive",
            what=_what(file_id), idempotent=False)
        return result

    def delete_file(self, file_id: str) -> None:
        """files.delete (permanently; for files nscl created)."""
        self.http.request("DELETE", self.urls.file(file_id), params=dict(_ALL_DRIVES),
                          api="drive", what=_what(file_id), expect="none")

    def start_page_token(self, *, drive_id: str | None = None) -> str:
        """changes.getStartPageToken: where to start following changes from now."""
        params: dict[str, Any] = dict(_ALL_DRIVES)
        if drive_id:
            params["driveId"] = drive_id
        result = self.http.request("GET", self.urls.changes_start_page_token(), params=params,
                                   api="drive", what="dấu mốc thay đổi của Google Drive")
        return str(result["startPageToken"])

    def list_changes(self, page_token: str, *, fields: str | None = None,
                     page_size: int = 100, drive_id: str | None = None) -> dict[str, Any]:
        """changes.list: one page of changes since ``page_token`` (``changes``, and
        ``nextPageToken`` or ``newStartPageToken``)."""
        params: dict[str, Any] = {**_ALL_DRIVES, "includeItemsFromAllDrives": "true",
                                  "pageToken": page_token, "pageSize": page_size}
        if fields is not None:
            params["fields"] = fields
        if drive_id:
            params["driveId"] = drive_id
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.changes(), params=params, api="drive",
            what="các thay đổi trên Google Drive")
        return result
