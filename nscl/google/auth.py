"""Credentials for Google: a service-account key, or a person's login (OAuth).

- Service account: the JSON key file downloaded from Google Cloud (``"type":
  "service_account"``). google-auth signs a token request with the key and sends it to
  the key's ``token_uri``.
- A person's account: ``nscl google login --client client_secret.json`` runs Google's
  installed-app flow once (a browser page asks the person to allow nscl) and stores the
  token in ``<state>/google/token.json`` (readable by its owner only); later runs use
  and refresh it. The ``[google] credentials`` setting then names the client file (or
  the token file itself).

Scopes are the narrowest that work (:data:`PURPOSE_SCOPES`): collecting needs
``drive.readonly`` (``drive.file`` would see only files nscl created itself, not the
agencies' files); publishing templates adds ``drive.file`` (create files) and
``spreadsheets`` (write their content) — ``drive.readonly`` stays, so that the folder a
person chose, which nscl did not create, can be found; write-back adds ``spreadsheets``
to collecting.

A token endpoint given by a file must be https, or http on this machine (tests).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from nscl.google.errors import GoogleAuthError, GoogleConfigError
from nscl.google.urls import is_loopback

__all__ = [
    "LOGIN_SCOPES",
    "PURPOSE_SCOPES",
    "SCOPE_DRIVE_FILE",
    "SCOPE_DRIVE_READONLY",
    "SCOPE_SPREADSHEETS",
    "CredentialsKind",
    "LoginResult",
    "Purpose",
    "authorized_session",
    "credentials_kind",
    "load_credentials",
    "login",
    "service_account_email",
]

SCOPE_DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"
SCOPE_DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
SCOPE_SPREADSHEETS = "https://www.googleapis.com/auth/spreadsheets"

Purpose = Literal["check", "collect", "publish", "writeback"]
PURPOSE_SCOPES: dict[str, tuple[str, ...]] = {
    "check": (SCOPE_DRIVE_READONLY,),
    "collect": (SCOPE_DRIVE_READONLY,),
    "publish": (SCOPE_DRIVE_READONLY, SCOPE_DRIVE_FILE, SCOPE_SPREADSHEETS),
    "writeback": (SCOPE_DRIVE_READONLY, SCOPE_SPREADSHEETS),
}
# What a person allows once at login: enough for every purpose.
LOGIN_SCOPES: tuple[str, ...] = (SCOPE_DRIVE_READONLY, SCOPE_DRIVE_FILE, SCOPE_SPREADSHEETS)

CredentialsKind = Literal["service_account", "oauth_client", "authorized_user"]
_MAX_FILE_BYTES = 1_000_000


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise GoogleConfigError(f"Tệp {what} «{path}» quá lớn, không phải tệp khóa Google.")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoogleConfigError(f"Không tìm thấy tệp {what} «{path}».") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GoogleConfigError(f"Không đọc được tệp {what} «{path}» ({exc}).") from exc
    except ValueError as exc:
        raise GoogleConfigError(
            f"Tệp {what} «{path}» không phải JSON: hãy tải lại tệp từ Google Cloud "
            "Console.") from exc
    if not isinstance(data, dict):
        raise GoogleConfigError(f"Tệp {what} «{path}» không đúng dạng tệp khóa Google.")
    return data


def credentials_kind(info: dict[str, Any]) -> CredentialsKind:
    """Which kind of Google credentials file ``info`` is."""
    if info.get("type") == "service_account":
        return "service_account"
    if info.get("type") == "authorized_user" or "refresh_token" in info:
        return "authorized_user"
    if isinstance(info.get("installed"), dict) or isinstance(info.get("web"), dict):
        return "oauth_client"
    raise GoogleConfigError(
        "Tệp «credentials» không phải khóa tài khoản dịch vụ (service account) hay tệp "
        "OAuth client (client_secret…json) của Google.")


def _check_token_uri(uri: str, source: Path) -> str:
    parts = urlsplit(uri)
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        return uri
    raise GoogleConfigError(
        f"Tệp «{source}» chỉ tới máy chủ cấp quyền «{uri}» không dùng https: không an toàn.")


def service_account_email(credentials: Any) -> str | None:
    """The e-mail of a service account's credentials (None for a person's login)."""
    email = getattr(credentials, "service_account_email", None)
    return email if isinstance(email, str) else None


def _user_credentials(info: dict[str, Any], source: Path, scopes: Sequence[str]) -> Any:
    from google.oauth2.credentials import Credentials

    missing = [k for k in ("refresh_token", "client_id", "client_secret") if not info.get(k)]
    if missing:
        raise GoogleConfigError(
            f"Tệp đăng nhập «{source}» thiếu {', '.join(missing)}: đăng nhập lại bằng "
            "nscl google login.")
    granted = info.get("scopes") or []
    if isinstance(granted, str):
        granted = granted.split()
    lacking = [s for s in scopes if granted and s not in granted]
    if lacking:
        raise GoogleAuthError(
            "Lần đăng nhập đã lưu không có quyền "
            f"{', '.join(s.rsplit('/', 1)[-1] for s in lacking)}: đăng nhập lại bằng "
            "nscl google login --client client_secret.json.")
    token_uri = _check_token_uri(
        str(info.get("token_uri") or "https://oauth2.googleapis.com/token"), source)
    # Built directly rather than with from_authorized_user_info, which always sends the
    # refresh to Google's token endpoint instead of the one stored with the login.
    return Credentials(
        token=info.get("token"),
        refresh_token=info["refresh_token"],
        token_uri=token_uri,
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        scopes=list(granted) or list(scopes),
    )


def load_credentials(path: Path, *, scopes: Sequence[str], token_path: Path | None) -> Any:
    """Credentials from the ``[google] credentials`` file, asking for ``scopes``.

    A service-account key is used directly; an OAuth client file needs the login stored
    at ``token_path`` (by :func:`login`); a stored login file may be named directly.
    :class:`GoogleConfigError` / :class:`GoogleAuthError` with a Vietnamese message.
    """
    info = _read_json(path, "khóa Google («credentials»)")
    kind = credentials_kind(info)
    if kind == "service_account":
        from google.oauth2 import service_account

        _check_token_uri(str(info.get("token_uri") or ""), path)
        try:
            return service_account.Credentials.from_service_account_info(info, scopes=scopes)
        except (ValueError, KeyError) as exc:
            raise GoogleConfigError(
                f"Tệp khóa tài khoản dịch vụ «{path}» không dùng được ({exc}); hãy tạo khóa "
                "mới trong Google Cloud Console.") from exc
    if kind == "authorized_user":
        return _user_credentials(info, path, scopes)
    if token_path is None or not token_path.exists():
        raise GoogleAuthError(
            f"«{path}» là tệp OAuth client: cần đăng nhập một lần bằng "
            f"nscl google login --client {path}.")
    return _user_credentials(_read_json(token_path, "đăng nhập đã lưu"), token_path, scopes)


def authorized_session(credentials: Any) -> Any:
    """A ``requests`` session that adds the access token (and refreshes it on a 401)."""
    from google.auth.transport.requests import AuthorizedSession

    return AuthorizedSession(credentials)


@dataclass(frozen=True)
class LoginResult:
    """A stored login: where, and the scopes granted."""

    token_path: Path
    scopes: tuple[str, ...]


@contextlib.contextmanager
def _oauthlib_transport(token_uri: str) -> Iterator[None]:
    """oauthlib refuses plain http; allow it for a token endpoint on this machine only."""
    parts = urlsplit(token_uri)
    local_http = parts.scheme == "http" and is_loopback(parts.hostname or "")
    name = "OAUTHLIB_INSECURE_TRANSPORT"
    before = os.environ.get(name)
    if local_http:
        os.environ[name] = "1"
    try:
        yield
    finally:
        if local_http:
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


LOGIN_PROMPT = ("Mở trang sau trong trình duyệt (nếu chưa tự mở) và cho phép nscl truy cập "
                "Google Drive, Google Sheets:\n{url}")
LOGIN_SUCCESS = "Đã đăng nhập xong. Có thể đóng trang này và quay lại cửa sổ lệnh."


def login(
    client_path: Path,
    token_path: Path,
    *,
    scopes: Sequence[str] = LOGIN_SCOPES,
    open_browser: bool = True,
    browser: str | None = None,
    timeout_seconds: float | None = 300,
    show_prompt: bool = True,
) -> LoginResult:
    """Run Google's installed-app flow with the OAuth client file ``client_path`` and
    store the login at ``token_path`` (mode 0600).

    A local web server on this machine receives Google's answer; ``browser`` names the
    browser to open (:mod:`webbrowser`), ``open_browser=False`` only prints the link.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    info = _read_json(client_path, "OAuth client")
    if credentials_kind(info) != "oauth_client":
        raise GoogleConfigError(
            f"«{client_path}» không phải tệp OAuth client (client_secret…json, loại "
            "«Desktop app») của Google Cloud Console.")
    section = info.get("installed") or info.get("web") or {}
    token_uri = _check_token_uri(
        str(section.get("token_uri") or "https://oauth2.googleapis.com/token"), client_path)
    flow = InstalledAppFlow.from_client_config(info, scopes=list(scopes))
    try:
        with _oauthlib_transport(token_uri):
            credentials = flow.run_local_server(
                host="localhost", port=0, open_browser=open_browser, browser=browser,
                timeout_seconds=timeout_seconds,
                authorization_prompt_message=LOGIN_PROMPT if show_prompt else None,
                success_message=LOGIN_SUCCESS, access_type="offline", prompt="consent",
            )
    except Exception as exc:  # oauthlib, the local server, the token endpoint
        raise GoogleAuthError(
            f"Đăng nhập Google không thành công ({type(exc).__name__}: {exc}). Thử lại: "
            "nscl google login.") from exc
    data = json.loads(credentials.to_json())
    data["token_uri"] = token_uri
    _write_private(token_path, json.dumps(data, ensure_ascii=False, indent=1))
    granted = data.get("scopes") or list(scopes)
    return LoginResult(token_path, tuple(granted))
