"""The ``[google]`` section of ``nscl.toml`` (next to ``[sync]``)::

    [google]
    credentials = "service-account.json"   # a service-account key, or an OAuth client file
    folder = "https://drive.google.com/drive/folders/<ID>"   # or the bare ID
    spreadsheets = []                      # extra spreadsheet IDs or links to collect
    writeback = false                      # write results back into the spreadsheets
    api_root = ""                          # send every request to this root instead

The environment variable ``NSCL_GOOGLE_API_ROOT``, when set, overrides ``api_root``.
Relative paths are resolved against the config file's folder. A person's login (OAuth)
is stored in ``<state>/google/token.json``, ``state`` being the ``[sync]`` state
folder. Reading this section imports nothing heavy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nscl.config_file import ConfigFileError, read_config_file
from nscl.google.errors import GoogleConfigError
from nscl.google.urls import ENV_API_ROOT, check_api_root, extract_id

__all__ = ["GoogleConfig", "load_google_config", "token_path_for_state"]

_KNOWN_KEYS = frozenset({"credentials", "folder", "spreadsheets", "writeback", "api_root"})
TOKEN_FILE = Path("google") / "token.json"


def token_path_for_state(state: Path) -> Path:
    """Where a person's Google login is stored: ``<state>/google/token.json``."""
    return state / TOKEN_FILE


@dataclass(frozen=True)
class GoogleConfig:
    """The Google settings of one installation (paths absolute once loaded)."""

    credentials: Path | None = None
    folder_id: str | None = None
    spreadsheets: tuple[str, ...] = ()
    writeback: bool = False
    api_root: str = ""  # "" = Google's own hosts
    token_path: Path | None = None  # a person's stored login
    source: Path | None = None  # the TOML file, if any

    @property
    def collects(self) -> bool:
        """Whether the nightly run collects from Google (a folder or spreadsheets set)."""
        return self.folder_id is not None or bool(self.spreadsheets)

    @property
    def effective_api_root(self) -> str:
        """``NSCL_GOOGLE_API_ROOT`` when set, else ``api_root`` (checked; "" = Google)."""
        root = os.environ.get(ENV_API_ROOT, "").strip() or self.api_root
        return check_api_root(root) if root else ""

    def with_overrides(self, *, credentials: Path | None = None, folder: str | None = None,
                       token_path: Path | None = None) -> GoogleConfig:
        """A copy with the command line's ``--credentials`` / ``--folder`` applied."""
        result = self
        if credentials is not None:
            result = replace(result, credentials=credentials.expanduser().resolve())
        if folder is not None:
            result = replace(result, folder_id=extract_id(folder, what="thư mục"))
        if token_path is not None:
            result = replace(result, token_path=token_path)
        return result

    def require_credentials(self) -> Path:
        """The credentials file, or :class:`GoogleConfigError` saying how to give one."""
        if self.credentials is None:
            raise GoogleConfigError(
                "Chưa có tệp khóa Google: ghi «credentials» trong bảng [google] của "
                "nscl.toml hoặc dùng --credentials TỆP.")
        return self.credentials

    def require_folder(self) -> str:
        """The folder ID, or :class:`GoogleConfigError` saying how to give one."""
        if self.folder_id is None:
            raise GoogleConfigError(
                "Chưa có thư mục Google Drive: ghi «folder» trong bảng [google] của "
                "nscl.toml hoặc dùng --folder LIÊN-KẾT-HOẶC-MÃ.")
        return self.folder_id


def _path(value: Any, base: Path, key: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise GoogleConfigError(f"Mục «{key}» trong bảng [google] phải là một đường dẫn tệp.")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _section(data: dict[str, Any], path: Path) -> dict[str, Any]:
    google = data.get("google", {})
    if not isinstance(google, dict):
        raise GoogleConfigError(f"Trong «{path}», [google] phải là một bảng (dòng [google]).")
    unknown = set(google) - _KNOWN_KEYS
    if unknown:
        raise GoogleConfigError(
            f"Bảng [google] của «{path}» có mục không biết: {', '.join(sorted(unknown))}.")
    return google


def load_google_config(path: Path) -> GoogleConfig:
    """The ``[google]`` section of the TOML file ``path`` (empty settings when absent).

    :class:`GoogleConfigError` (Vietnamese) for a missing file, bad TOML or bad values.
    """
    try:
        data = read_config_file(path)
    except ConfigFileError as exc:
        raise GoogleConfigError(str(exc)) from exc
    base = path.resolve().parent
    google = _section(data, path)
    credentials = (_path(google["credentials"], base, "credentials")
                   if "credentials" in google else None)
    folder = google.get("folder")
    if folder is not None and not isinstance(folder, str):
        raise GoogleConfigError("Mục «folder» trong bảng [google] phải là liên kết hoặc mã "
                                "thư mục, đặt trong dấu nháy kép.")
    spreadsheets = google.get("spreadsheets", [])
    if not isinstance(spreadsheets, list) or not all(isinstance(s, str) for s in spreadsheets):
        raise GoogleConfigError("Mục «spreadsheets» trong bảng [google] phải là danh sách "
                                "liên kết hoặc mã bảng tính, ví dụ [\"1AbC…\"].")
    writeback = google.get("writeback", False)
    if not isinstance(writeback, bool):
        raise GoogleConfigError("Mục «writeback» trong bảng [google] phải là true hoặc false.")
    api_root = google.get("api_root", "")
    if not isinstance(api_root, str):
        raise GoogleConfigError("Mục «api_root» trong bảng [google] phải là một địa chỉ.")
    if api_root.strip():
        api_root = check_api_root(api_root)
    sync = data.get("sync")
    token_path = None
    if isinstance(sync, dict) and isinstance(sync.get("state"), str) and sync["state"].strip():
        token_path = token_path_for_state(_path(sync["state"], base, "state"))
    return GoogleConfig(
        credentials=credentials,
        folder_id=extract_id(folder, what="thư mục") if folder and folder.strip() else None,
        spreadsheets=tuple(extract_id(s, what="bảng tính") for s in spreadsheets if s.strip()),
        writeback=writeback,
        api_root=api_root.strip(),
        token_path=token_path,
        source=path.resolve(),
    )
