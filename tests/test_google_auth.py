"""Credentials and settings: a service-account key, a person's login (OAuth installed-app
flow, run for real against the stand-in), scopes, and the ``[google]`` section."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nscl.google.auth import (
    LOGIN_SCOPES,
    PURPOSE_SCOPES,
    SCOPE_DRIVE_READONLY,
    SCOPE_SPREADSHEETS,
    credentials_kind,
    load_credentials,
    login,
    service_account_email,
)
from nscl.google.config import GoogleConfig, load_google_config
from nscl.google.errors import GoogleAuthError, GoogleConfigError
from nscl.google.session import connect
from nscl.google.urls import ENV_API_ROOT
from sync.config import load_config
from tests.google_support import BROWSER_NAME, OFFICER, ROBOT, World, running_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def test_a_service_account_gets_a_token_from_its_keys_token_uri(world: World) -> None:
    api = world.api("collect")
    assert service_account_email(api.credentials) == ROBOT
    assert api.drive.about()["user"]["emailAddress"] == ROBOT
    (token_call,) = world.stand_in.calls_to("POST", "/token")
    assert b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" in token_call.body
    issued = [i for i in world.stand_in.tokens.values() if i.email == ROBOT]
    assert [set(i.scopes) for i in issued] == [{SCOPE_DRIVE_READONLY}]


def test_a_key_google_does_not_know_is_refused_in_vietnamese(world: World,
                                                             tmp_path: Path) -> None:
    key = json.loads(world.key.read_text())
    key["client_email"] = "ke-la@khac.iam.gserviceaccount.com"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(key))
    api = world.api("check", credentials=other)
    with pytest.raises(GoogleAuthError, match="Google không cấp quyền truy cập"):
        api.drive.about()


def test_the_narrowest_scope_is_asked_for_each_purpose(world: World) -> None:
    api = world.api("collect")
    # Collecting may read but not create: Google answers 403 insufficient scopes.
    from nscl.google.urls import SPREADSHEET_MIME

    with pytest.raises(GoogleAuthError, match="thiếu quyền"):
        api.drive.create_file(name="x", mime_type=SPREADSHEET_MIME, parents=[world.folder_id])
    assert PURPOSE_SCOPES["collect"] == (SCOPE_DRIVE_READONLY,)
    assert SCOPE_SPREADSHEETS in PURPOSE_SCOPES["writeback"]


def test_a_person_logs_in_once_and_the_login_is_stored(world: World, tmp_path: Path) -> None:
    client = world.stand_in.oauth_client_file(tmp_path / "client_secret.json")
    token = tmp_path / "state" / "google" / "token.json"
    result = login(client, token, browser=BROWSER_NAME, timeout_seconds=20,
                   show_prompt=False)
    assert result.token_path == token
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    stored = json.loads(token.read_text())
    assert stored["refresh_token"].startswith("1//")
    assert stored["token_uri"] == world.stand_in.token_uri
    # Later runs use (and refresh) the stored login, with the client file as credentials.
    world.clock.advance(3 * 3600)
    api = world.api("collect", credentials=client, token_path=token)
    assert api.drive.about()["user"]["emailAddress"] == OFFICER
    grants = [c for c in world.stand_in.calls_to("POST", "/token")
              if b"grant_type=refresh_token" in c.body]
    assert len(grants) == 1
    # The consent page was asked with PKCE (the stand-in checked the verifier), offline
    # access (a refresh token) and exactly the scopes nscl needs.
    (consent,) = world.stand_in.calls_to("GET", "/o/oauth2/auth")
    assert consent.query["code_challenge_method"] == ["S256"]
    assert consent.query["access_type"] == ["offline"]
    assert set(consent.query["scope"][0].split()) == set(LOGIN_SCOPES)


def test_a_client_file_without_a_login_says_how_to_log_in(world: World, tmp_path: Path) -> None:
    client = world.stand_in.oauth_client_file(tmp_path / "client_secret.json")
    with pytest.raises(GoogleAuthError, match="nscl google login --client"):
        load_credentials(client, scopes=(SCOPE_DRIVE_READONLY,),
                         token_path=tmp_path / "missing.json")


def test_a_stored_login_lacking_a_scope_is_refused_before_any_request(tmp_path: Path) -> None:
    token = tmp_path / "token.json"
    token.write_text(json.dumps({
        "refresh_token": "1//x", "client_id": "c", "client_secret": "s",
        "token_uri": "https://oauth2.googleapis.com/token", "scopes": [SCOPE_DRIVE_READONLY]}))
    with pytest.raises(GoogleAuthError, match="đăng nhập lại"):
        load_credentials(token, scopes=PURPOSE_SCOPES["publish"], token_path=None)


def test_files_of_the_wrong_kind_are_named(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"hello": 1}')
    with pytest.raises(GoogleConfigError, match="không phải khóa tài khoản dịch vụ"):
        load_credentials(odd, scopes=(), token_path=None)
    odd.write_text("không phải JSON")
    with pytest.raises(GoogleConfigError, match="không phải JSON"):
        load_credentials(odd, scopes=(), token_path=None)
    with pytest.raises(GoogleConfigError, match="Không tìm thấy tệp"):
        load_credentials(tmp_path / "none.json", scopes=(), token_path=None)
    insecure = tmp_path / "sa.json"
    insecure.write_text(json.dumps({"type": "service_account", "token_uri":
                                    "http://tokens.example.com/token"}))
    with pytest.raises(GoogleConfigError, match="không dùng https"):
        load_credentials(insecure, scopes=(), token_path=None)
    assert credentials_kind({"installed": {}}) == "oauth_client"
    assert credentials_kind({"type": "authorized_user"}) == "authorized_user"


def test_the_google_section_sits_beside_sync_in_one_config(tmp_path: Path) -> None:
    folder = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    config = tmp_path / "nscl.toml"
    config.write_text(f"""
[sync]
inbox = "hop-thu"
master = "tong-hop/bang.xlsx"
state = "trang-thai"

[google]
credentials = "khoa/service-account.json"
folder = "https://drive.google.com/drive/folders/{folder}?usp=sharing"
spreadsheets = ["https://docs.google.com/spreadsheets/d/{folder}X/edit"]
writeback = false
api_root = "http://127.0.0.1:9"
""", encoding="utf-8")
    google = load_google_config(config)
    assert google.credentials == tmp_path / "khoa" / "service-account.json"
    assert google.folder_id == folder
    assert google.spreadsheets == (folder + "X",)
    assert google.token_path == tmp_path / "trang-thai" / "google" / "token.json"
    assert google.api_root == "http://127.0.0.1:9"
    assert load_config(config).state == tmp_path / "trang-thai"  # sync reads it as before


def test_the_environment_overrides_the_api_root(monkeypatch: pytest.MonkeyPatch) -> None:
    config = GoogleConfig(api_root="http://127.0.0.1:9")
    monkeypatch.setenv(ENV_API_ROOT, "http://localhost:8080/")
    assert config.effective_api_root == "http://localhost:8080"
    monkeypatch.setenv(ENV_API_ROOT, "http://google.example.com")
    with pytest.raises(GoogleConfigError, match="chỉ được phép với máy này"):
        _ = config.effective_api_root
    monkeypatch.delenv(ENV_API_ROOT)
    assert GoogleConfig().effective_api_root == ""


@pytest.mark.parametrize(("section", "message"), [
    ('[google]\nfolder = 12', "liên kết hoặc mã thư mục"),
    ('[google]\nwriteback = "có"', "true hoặc false"),
    ('[google]\ncredential = "k.json"', "mục không biết: credential"),
    ('[google]\nspreadsheets = "x"', "danh sách"),
    ('[google]\napi_root = "http://10.0.0.1"', "chỉ được phép với máy này"),
    ('[google]\nfolder = "thư mục chung"', "Không nhận ra mã"),
    ("google = 1", "phải là một bảng"),
    ("[google\n", "sai cú pháp TOML ở dòng 1"),
])
def test_bad_settings_are_explained(tmp_path: Path, section: str, message: str) -> None:
    config = tmp_path / "nscl.toml"
    config.write_text(section, encoding="utf-8")
    with pytest.raises(GoogleConfigError, match=message):
        load_google_config(config)


def test_the_example_config_documents_the_google_section(tmp_path: Path) -> None:
    text = (ROOT / "nscl.example.toml").read_text(encoding="utf-8")
    assert "# [google]" in text
    # Uncommented, the example's [google] section is read (the folder is a placeholder).
    keys = ("[google]", "credentials =", "spreadsheets =", "writeback =", "api_root =")
    lines = [line[2:] if line.startswith("# ") and line[2:].startswith(keys) else line
             for line in text.splitlines()]
    path = tmp_path / "nscl.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    google = load_google_config(path)
    assert google.credentials == tmp_path / "google" / "service-account.json"
    assert google.writeback is False and google.spreadsheets == ()
    assert load_config(path).form == "A"  # and [sync] still loads


def test_connect_sends_nothing_until_asked(world: World) -> None:
    connect(world.config, purpose="check", clock=world.clock)
    assert world.stand_in.calls == []
    assert os.environ.get("OAUTHLIB_INSECURE_TRANSPORT") is None
