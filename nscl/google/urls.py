"""Every URL nscl sends to Google, in one place.

Google's hosts by default; with an ``api_root`` (the ``[google]`` setting or the
environment variable ``NSCL_GOOGLE_API_ROOT``) every Drive and Sheets request goes to
that root instead, keeping the path: ``{api_root}/drive/v3/files…``,
``{api_root}/upload/drive/v3/files…``, ``{api_root}/v4/spreadsheets/…``. Tests point it
at the loopback stand-in; an office behind an API gateway can point it at the gateway.
Plain ``http`` is accepted only for a loopback address.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from nscl.google.errors import GoogleConfigError

__all__ = [
    "DRIVE_ROOT",
    "ENV_API_ROOT",
    "FOLDER_MIME",
    "SHEETS_ROOT",
    "SPREADSHEET_MIME",
    "XLSX_MIME",
    "ApiUrls",
    "check_api_root",
    "extract_id",
    "folder_url",
    "is_loopback",
    "spreadsheet_url",
]

DRIVE_ROOT = "https://www.googleapis.com"
SHEETS_ROOT = "https://sheets.googleapis.com"
ENV_API_ROOT = "NSCL_GOOGLE_API_ROOT"

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ID = re.compile(r"^[A-Za-z0-9_-]{10,200}$")
_ID_IN_URL = re.compile(r"/(?:d|folders)/([A-Za-z0-9_-]{10,200})")
_ID_IN_QUERY = re.compile(r"[?&]id=([A-Za-z0-9_-]{10,200})")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine ("localhost", 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_api_root(root: str) -> str:
    """``root`` without a trailing "/", or :class:`GoogleConfigError` when it is not an
    https URL (or an http URL of a loopback address) without query or fragment."""
    text = root.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GoogleConfigError(
            f"Địa chỉ API Google «{root}» không hợp lệ: cần dạng https://máy-chủ[/đường-dẫn]."
        )
    if parts.query or parts.fragment:
        raise GoogleConfigError(
            f"Địa chỉ API Google «{root}» không được có phần «?…» hoặc «#…»."
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise GoogleConfigError(
            f"Địa chỉ API Google «{root}» dùng http không mã hóa: chỉ được phép với máy này "
            "(127.0.0.1, localhost); với máy chủ khác hãy dùng https."
        )
    return text


def _segment(value: str) -> str:
    return quote(value, safe="")


@dataclass(frozen=True)
class ApiUrls:
    """The endpoints of Drive v3 and Sheets v4 under two roots (one when overridden)."""

    drive_root: str = DRIVE_ROOT
    sheets_root: str = SHEETS_ROOT

    @classmethod
    def for_root(cls, api_root: str | None) -> ApiUrls:
        """Google's hosts, or ``api_root`` for both APIs when given (checked)."""
        if not api_root:
            return cls()
        root = check_api_root(api_root)
        return cls(root, root)

    @property
    def overridden(self) -> bool:
        """Whether requests go somewhere other than Google's hosts."""
        return (self.drive_root, self.sheets_root) != (DRIVE_ROOT, SHEETS_ROOT)

    # ---- Drive v3 -------------------------------------------------------------------
    def about(self) -> str:
        """about.get."""
        return f"{self.drive_root}/drive/v3/about"

    def files(self) -> str:
        """files.list (GET) and files.create without content (POST)."""
        return f"{self.drive_root}/drive/v3/files"

    def upload_files(self) -> str:
        """files.create with content (multipart upload)."""
        return f"{self.drive_root}/upload/drive/v3/files"

    def file(self, file_id: str) -> str:
        """files.get (metadata, or ``alt=media`` content) and files.delete."""
        return f"{self.drive_root}/drive/v3/files/{_segment(file_id)}"

    def file_copy(self, file_id: str) -> str:
        """files.copy."""
        return f"{self.file(file_id)}/copy"

    def file_export(self, file_id: str) -> str:
        """files.export (a Google Sheets file as .xlsx)."""
        return f"{self.file(file_id)}/export"

    def changes(self) -> str:
        """changes.list."""
        return f"{self.drive_root}/drive/v3/changes"

    def changes_start_page_token(self) -> str:
        """changes.getStartPageToken."""
        return f"{self.drive_root}/drive/v3/changes/startPageToken"

    # ---- Sheets v4 ------------------------------------------------------------------
    def spreadsheet(self, spreadsheet_id: str) -> str:
        """spreadsheets.get."""
        return f"{self.sheets_root}/v4/spreadsheets/{_segment(spreadsheet_id)}"

    def batch_update(self, spreadsheet_id: str) -> str:
        """spreadsheets.batchUpdate."""
        return f"{self.spreadsheet(spreadsheet_id)}:batchUpdate"

    def values(self, spreadsheet_id: str, a1_range: str) -> str:
        """spreadsheets.values.get of one A1 range."""
        return f"{self.spreadsheet(spreadsheet_id)}/values/{_segment(a1_range)}"

    def values_batch_get(self, spreadsheet_id: str) -> str:
        """spreadsheets.values.batchGet."""
        return f"{self.spreadsheet(spreadsheet_id)}/values:batchGet"


def spreadsheet_url(spreadsheet_id: str) -> str:
    """The link a person opens: https://docs.google.com/spreadsheets/d/<id>/edit."""
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"


def folder_url(folder_id: str) -> str:
    """The link of a Drive folder."""
    return f"https://drive.google.com/drive/folders/{folder_id}"


def extract_id(text: str, *, what: str = "thư mục hoặc bảng tính") -> str:
    """The file ID in a Drive or Sheets link (…/d/<id>/…, …/folders/<id>, …?id=<id>) or
    a bare ID; :class:`GoogleConfigError` otherwise."""
    value = text.strip()
    if _ID.match(value):
        return value
    found = _ID_IN_URL.search(value) or _ID_IN_QUERY.search(value)
    if found:
        return found.group(1)
    raise GoogleConfigError(
        f"Không nhận ra mã {what} Google trong «{text}»: hãy chép đường liên kết "
        "(https://drive.google.com/drive/folders/… hoặc https://docs.google.com/"
        "spreadsheets/d/…) hoặc đúng mã."
    )
