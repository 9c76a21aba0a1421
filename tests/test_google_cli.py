"""``nscl google check|login|template`` end to end, against the stand-in (reached through
``NSCL_GOOGLE_API_ROOT``), in Vietnamese, as text and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nscl.cli import app
from nscl.commands.google import _agencies
from nscl.commands.template import UsageError
from nscl.google.urls import ENV_API_ROOT, XLSX_MIME
from nscl.registry import agencies
from tests.google_support import BROWSER_NAME, OFFICER, ROBOT, World, running_world
from tests.test_cli import ENGLISH_FRAME


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with running_world(tmp_path) as running:
        monkeypatch.setenv(ENV_API_ROOT, running.stand_in.url)
        yield running


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=100)
    return result.exit_code, result.stdout, result.stderr


def _config(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "nscl.toml"
    path.write_text(f"""
[sync]
inbox = "hop-thu"
master = "tong-hop/bang.xlsx"
state = "trang-thai"

[google]
credentials = "{world.key.name}"
folder = "https://drive.google.com/drive/folders/{world.folder_id}"
""", encoding="utf-8")
    return path


def test_check_says_who_where_and_how_many(world: World) -> None:
    world.stand_in.add_spreadsheet("Bộ Y tế", parent=world.folder_id)
    world.stand_in.add_spreadsheet("Tỉnh Nghệ An", parent=world.folder_id)
    world.stand_in.add_file("Ha Tinh.xlsx", b"PK", mime_type=XLSX_MIME, parent=world.folder_id)
    code, out, err = _run("google", "check", "--credentials", str(world.key),
                          "--folder", world.folder_id, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["account"] == ROBOT and result["account_kind"] == "service_account"
    assert result["folder"]["name"] == "Chương trình 1322"
    assert result["folder"]["shared_drive"] is True and result["folder"]["can_add_files"] is True
    assert (result["spreadsheets"], result["excel_files"]) == (2, 1)
    assert result["problems"] == []
    assert result["google"]["requests"] == len(
        [c for c in world.stand_in.calls if c.api != "oauth"]) == 3


def test_check_in_vietnamese_from_the_config(world: World, tmp_path: Path) -> None:
    code, out, err = _run("google", "check", "--config", str(_config(world, tmp_path)))
    assert code == 0, err
    assert f"Đăng nhập Google: {ROBOT} (tài khoản dịch vụ)." in out
    assert "Thư mục: «Chương trình 1322» (trong bộ nhớ dùng chung), truy cập được, được tạo tệp." \
        in out
    assert "Trong thư mục có 0 bảng tính Google Sheets và 0 tệp Excel (.xlsx)." in out


def test_check_explains_the_shared_drive_requirement(world: World) -> None:
    own = world.stand_in.add_folder("Thư mục riêng", owner=OFFICER,
                                    shared_with={ROBOT: "writer"})
    code, _, err = _run("google", "check", "--credentials", str(world.key), "--folder", own)
    assert code == 1
    assert "không nằm trong bộ nhớ dùng chung" in err
    assert "shared drive" in err


def test_check_names_a_folder_it_cannot_see(world: World) -> None:
    hidden = world.stand_in.add_folder("Của người khác", owner="ai-do@example.com")
    code, _, err = _run("google", "check", "--credentials", str(world.key), "--folder", hidden)
    assert code == 1
    assert f"Không tìm thấy tệp Google Drive «{hidden}» (mã 404)" in err


def test_template_for_one_agency_prints_its_link(world: World) -> None:
    code, out, err = _run("google", "template", "--form", "A", "--agency", "Bộ Công Thương",
                          "--credentials", str(world.key), "--folder", world.folder_id,
                          "--format", "json")
    assert code == 0, err
    (item,) = json.loads(out)
    assert item["agency"] == "Bộ Công Thương"
    assert item["url"] == f"https://docs.google.com/spreadsheets/d/{item['id']}/edit"
    assert world.stand_in.file(item["id"]).name == "Mẫu A - Bộ Công Thương - 2027"


def test_template_text_output_and_a_second_run(world: World, tmp_path: Path) -> None:
    config = str(_config(world, tmp_path))
    code, out, err = _run("google", "template", "--form", "B", "--agency", "Nghệ An",
                          "--config", config)
    assert code == 0, err
    assert out.startswith("Tỉnh Nghệ An: https://docs.google.com/spreadsheets/d/")
    assert "Đã tạo 1 bảng tính Google Sheets Mẫu B năm 2026." in out
    code, out, _ = _run("google", "template", "--form", "B", "--agency", "Nghệ An",
                        "--config", config)
    assert code == 0
    assert "(đã có từ trước, giữ nguyên)" in out
    assert "Đã tạo 0 bảng tính Google Sheets Mẫu B năm 2026; 1 bảng tính đã có từ trước." in out


@pytest.mark.parametrize(("args", "message"), [
    (["--form", "Z"], "Biểu mẫu \"Z\" không có"),
    ([], "Thiếu --form"),
    (["--form", "A", "--agency", "Bộ Y tế", "--all-agencies"], "Chỉ dùng một trong hai"),
    (["--form", "C", "--all-agencies"], "không tạo cho từng bộ, ngành, địa phương"),
    (["--form", "A", "--year", "1999"], "Năm 1999 không hợp lệ"),
    (["--form", "A", "--agency", "Bộ Không Có"], "Không tìm thấy bộ, ngành hoặc địa phương"),
    (["--form", "A", "--format", "xml"], "--format chỉ nhận text hoặc json"),
])
def test_template_usage_errors_exit_2(world: World, args: list[str], message: str) -> None:
    code, _, err = _run("google", "template", *args, "--credentials", str(world.key),
                        "--folder", world.folder_id)
    assert code == 2
    assert message in err
    assert world.stand_in.calls == []


def test_template_without_a_folder_says_where_to_set_it(world: World) -> None:
    code, _, err = _run("google", "template", "--form", "A", "--credentials", str(world.key))
    assert code == 2
    assert "Chưa có thư mục Google Drive" in err


def test_all_agencies_means_every_agency_in_force_when_the_form_is_signed() -> None:
    letter, year, targets = _agencies("A", 2027, None, True)
    assert (letter, year) == ("A", 2027)
    from datetime import date

    assert [a.code for a in targets] == [a.code for a in agencies(in_force_on=date(2026, 1, 1))]
    assert len(targets) == 56
    with pytest.raises(UsageError):
        _agencies("A", 2027, "Bộ Công Thương", True)


def test_login_stores_the_login_and_says_who(world: World, tmp_path: Path) -> None:
    client = world.stand_in.oauth_client_file(tmp_path / "client_secret.json")
    state = tmp_path / "trang-thai"
    code, out, err = _run("google", "login", "--client", str(client), "--state", str(state),
                          "--browser", BROWSER_NAME)
    assert code == 0, err
    token = state / "google" / "token.json"
    assert f"Lần đăng nhập được lưu tại {token}" in out
    assert f"Tài khoản: {OFFICER}." in out
    assert json.loads(token.read_text())["refresh_token"]


def test_login_needs_a_place_for_the_login(world: World, tmp_path: Path) -> None:
    client = world.stand_in.oauth_client_file(tmp_path / "client_secret.json")
    code, _, err = _run("google", "login", "--client", str(client))
    assert code == 2 and "Cần nơi lưu đăng nhập" in err


@pytest.mark.parametrize("args", [["google"], ["google", "check"], ["google", "login"],
                                  ["google", "template"]], ids=" ".join)
def test_google_help_is_vietnamese(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0
    assert "Cách dùng: nscl" in result.output and "╭─ Tùy chọn" in result.output
    assert [word for word in ENGLISH_FRAME if word in result.output] == []
