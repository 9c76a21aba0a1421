"""``nscl google check|login|template``: the Google Drive / Google Sheets side of nscl.

- ``check``: who nscl is signed in as, whether the folder is reachable, how many
  spreadsheets it holds.
- ``login --client client_secret.json``: a person's one-time Google login (OAuth),
  stored in ``<state>/google/token.json``.
- ``template --form A|B|C``: the official template published as Google Sheets, one
  spreadsheet per agency, in the folder; prints the links.

Settings come from the ``[google]`` section of ``--config nscl.toml`` or from
``--credentials`` / ``--folder``. Exit codes: 0 done, 1 Google or the folder refused
(the message says why), 2 a usage or configuration error.
"""

# No "from __future__ import annotations": typer reads the annotations at runtime.
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nscl.usage_errors import error_line

if TYPE_CHECKING:
    from nscl.google.config import GoogleConfig

__all__ = ["register"]


def _fail(message: str, code: int = 2) -> "typer.Exit":
    typer.echo(error_line(message), err=True)
    return typer.Exit(code)


def _config(config: Path | None, credentials: Path | None, folder: str | None,
            state: Path | None) -> "GoogleConfig":
    from nscl.google.config import GoogleConfig, load_google_config, token_path_for_state

    loaded = load_google_config(config) if config is not None else GoogleConfig()
    token = token_path_for_state(state.expanduser().resolve()) if state is not None else None
    return loaded.with_overrides(credentials=credentials, folder=folder, token_path=token)


def _check_format(output_format: str) -> None:
    if output_format not in ("text", "json"):
        raise _fail("--format chỉ nhận text hoặc json.")


def _exit_code(exc: Exception) -> int:
    from nscl.google.errors import GoogleConfigError

    return 2 if isinstance(exc, GoogleConfigError) else 1


def _check(conf: "GoogleConfig") -> dict[str, Any]:
    from nscl.google.auth import service_account_email
    from nscl.google.drive import query_in_folder
    from nscl.google.errors import SHARED_DRIVE_HELP, GoogleError
    from nscl.google.session import connect
    from nscl.google.urls import FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, folder_url

    api = connect(conf, purpose="check")
    result: dict[str, Any] = {"account": None, "account_kind": None, "folder": None,
                              "spreadsheets": None, "excel_files": None, "problems": []}
    try:
        robot = service_account_email(api.credentials)
        about = api.drive.about()
        result["account"] = robot or about.get("user", {}).get("emailAddress")
        result["account_kind"] = "service_account" if robot else "user"
        if conf.folder_id is None:
            result["problems"].append("Chưa ghi thư mục Google Drive («folder» trong bảng "
                                      "[google] hoặc --folder).")
            return result
        try:
            folder = api.drive.get_file(
                conf.folder_id, fields="id,name,mimeType,driveId,capabilities(canAddChildren)")
        except GoogleError as exc:
            result["problems"].append(str(exc))
            return result
        result["folder"] = {
            "id": folder.get("id"), "name": folder.get("name"), "url": folder_url(conf.folder_id),
            "shared_drive": bool(folder.get("driveId")),
            "can_add_files": bool(folder.get("capabilities", {}).get("canAddChildren")),
        }
        if folder.get("mimeType") != FOLDER_MIME:
            result["problems"].append(f"«{folder.get('name')}» không phải là một thư mục.")
            return result
        if robot and not folder.get("driveId"):
            result["problems"].append(
                f"Thư mục «{folder.get('name')}» không nằm trong bộ nhớ dùng chung: "
                f"{SHARED_DRIVE_HELP}")
        counts = {SPREADSHEET_MIME: 0, XLSX_MIME: 0}
        for item in api.drive.iter_files(q=query_in_folder(conf.folder_id),
                                         fields="nextPageToken,files(mimeType)",
                                         page_size=1000):
            if item.get("mimeType") in counts:
                counts[item["mimeType"]] += 1
        result["spreadsheets"] = counts[SPREADSHEET_MIME]
        result["excel_files"] = counts[XLSX_MIME]
        return result
    finally:
        result["google"] = {"requests": api.stats.requests}
        api.close()


def _print_check(result: dict[str, Any]) -> None:
    if result["account"]:
        kind = ("tài khoản dịch vụ" if result["account_kind"] == "service_account"
                else "tài khoản người dùng")
        typer.echo(f"Đăng nhập Google: {result['account']} ({kind}).")
    folder = result["folder"]
    if folder:
        where = "trong bộ nhớ dùng chung" if folder["shared_drive"] else "trong Drive của tài khoản"
        write = ("được tạo tệp" if folder["can_add_files"]
                 else "chỉ được xem, không được tạo tệp")
        typer.echo(f"Thư mục: «{folder['name']}» ({where}), truy cập được, {write}.")
        typer.echo(f"  {folder['url']}")
    if result["spreadsheets"] is not None:
        typer.echo(f"Trong thư mục có {result['spreadsheets']} bảng tính Google Sheets và "
                   f"{result['excel_files']} tệp Excel (.xlsx).")
    for problem in result["problems"]:
        typer.echo(f"Cần xử lý: {problem}", err=True)


def _agencies(form: str, year: int | None, agency: str | None,
              all_agencies: bool) -> tuple[str, int, list[Any]]:
    from nscl.commands.template import MAX_YEAR, MIN_YEAR, UsageError, resolve_agency
    from nscl.forms import get_form
    from nscl.registry import agencies
    from nscl.template_build.defaults import FORM_LETTERS, default_year

    letter = form.strip().upper()
    if letter not in FORM_LETTERS:
        raise UsageError(f"Biểu mẫu \"{form}\" không có; chọn A, B hoặc C.")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"Năm {year} không hợp lệ; cần từ {MIN_YEAR} đến {MAX_YEAR}.")
    if agency is not None and all_agencies:
        raise UsageError("Chỉ dùng một trong hai: --agency hoặc --all-agencies.")
    the_year = default_year(letter) if year is None else year
    the_form = get_form(letter)
    on = date(the_year + the_form.signing_year_offset, 1, 1)
    if all_agencies:
        if the_form.submitted_by != "agency":
            raise UsageError(f"Mẫu {letter} do Bộ Khoa học và Công nghệ lập, không tạo cho "
                             "từng bộ, ngành, địa phương; bỏ --all-agencies.")
        return letter, the_year, list(agencies(in_force_on=on))
    if agency is not None:
        return letter, the_year, [resolve_agency(agency, on=on)]
    return letter, the_year, [None]


def register(app: typer.Typer) -> None:
    """Add the ``google`` command group to the ``nscl`` app."""
    from nscl.cli_help import VietnameseCommand, VietnameseGroup

    google_app = typer.Typer(
        cls=VietnameseGroup, no_args_is_help=True,
        help="Google Drive và Google Sheets: kiểm tra kết nối, đăng nhập, tạo biểu mẫu.",
    )
    config_option = typer.Option(
        "--config", "-c", help="Tệp cấu hình nscl.toml (bảng \\[google]).")
    credentials_option = typer.Option(
        "--credentials",
        help="Tệp khóa tài khoản dịch vụ Google hoặc tệp OAuth client (thay cho cấu hình).")
    folder_option = typer.Option(
        "--folder", help="Liên kết hoặc mã thư mục Google Drive (thay cho cấu hình).")
    state_option = typer.Option(
        "--state", help="Thư mục trạng thái, nơi lưu lần đăng nhập Google (thay cho cấu hình).")
    format_option = typer.Option("--format", help="Cách in kết quả: text hoặc json.")

    @google_app.command("check", cls=VietnameseCommand)
    def check(
        config: Annotated[Path | None, config_option] = None,
        credentials: Annotated[Path | None, credentials_option] = None,
        folder: Annotated[str | None, folder_option] = None,
        state: Annotated[Path | None, state_option] = None,
        output_format: Annotated[str, format_option] = "text",
    ) -> None:
        """Kiểm tra đăng nhập Google, thư mục Drive và số bảng tính trong thư mục."""
        from nscl.google.errors import GoogleError

        _check_format(output_format)
        try:
            result = _check(_config(config, credentials, folder, state))
        except GoogleError as exc:
            raise _fail(str(exc), _exit_code(exc)) from exc
        if output_format == "json":
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
            for problem in result["problems"]:
                typer.echo(f"Cần xử lý: {problem}", err=True)
        else:
            _print_check(result)
        raise typer.Exit(1 if result["problems"] else 0)

    @google_app.command("login", cls=VietnameseCommand)
    def login(
        client: Annotated[Path | None, typer.Option(
            "--client", help="Tệp OAuth client (client_secret….json, loại «Desktop app») "
            "tải từ Google Cloud Console (bắt buộc).")] = None,
        config: Annotated[Path | None, config_option] = None,
        state: Annotated[Path | None, state_option] = None,
        no_browser: Annotated[bool, typer.Option(
            "--no-browser", help="Không tự mở trình duyệt, chỉ in đường liên kết.")] = False,
        browser: Annotated[str | None, typer.Option(
            "--browser", help="Tên trình duyệt để mở trang đăng nhập (mặc định: trình duyệt "
            "của máy).")] = None,
    ) -> None:
        """Đăng nhập Google một lần bằng tài khoản người dùng (OAuth) và lưu lại."""
        from nscl.google.auth import login as run_login
        from nscl.google.errors import GoogleError

        if client is None:
            raise _fail("thiếu --client (tệp OAuth client client_secret….json).")
        try:
            conf = _config(config, client, None, state)
            if conf.token_path is None:
                raise _fail("cần nơi lưu đăng nhập: --config nscl.toml (có mục «state» trong "
                            "bảng [sync]) hoặc --state THƯ_MỤC.")
            done = run_login(client.expanduser().resolve(), conf.token_path,
                             open_browser=not no_browser, browser=browser)
        except GoogleError as exc:
            raise _fail(str(exc), _exit_code(exc)) from exc
        typer.echo(f"Đã đăng nhập Google. Lần đăng nhập được lưu tại {done.token_path} "
                   "(giữ kín tệp này).")
        try:
            result = _check(conf)
        except GoogleError as exc:
            typer.echo(f"Chưa kiểm tra được tài khoản: {exc}", err=True)
            return
        if result["account"]:
            typer.echo(f"Tài khoản: {result['account']}.")

    @google_app.command("template", cls=VietnameseCommand)
    def template(
        form: Annotated[str | None, typer.Option(
            "--form", help="Biểu mẫu: A, B hoặc C (bắt buộc).")] = None,
        year: Annotated[int | None, typer.Option(
            "--year", help="Năm ghi trên tiêu đề (mặc định như nscl template build).")] = None,
        agency: Annotated[str | None, typer.Option(
            "--agency", help="Tạo cho một bộ, ngành hoặc địa phương, ví dụ \"Bộ Công "
            "Thương\".")] = None,
        all_agencies: Annotated[bool, typer.Option(
            "--all-agencies", help="Tạo cho mọi bộ, ngành, địa phương đang tồn tại.")] = False,
        config: Annotated[Path | None, config_option] = None,
        credentials: Annotated[Path | None, credentials_option] = None,
        folder: Annotated[str | None, folder_option] = None,
        state: Annotated[Path | None, state_option] = None,
        output_format: Annotated[str, format_option] = "text",
    ) -> None:
        """Tạo biểu mẫu Google Sheets trong thư mục Drive, mỗi đơn vị một bảng tính."""
        from nscl.commands.template import UsageError
        from nscl.google.errors import GoogleError
        from nscl.google.publish import PublishedTemplate, publish_templates
        from nscl.google.session import connect

        _check_format(output_format)
        if form is None:
            raise _fail("thiếu --form (A, B hoặc C).")
        try:
            letter, the_year, targets = _agencies(form, year, agency, all_agencies)
            conf = _config(config, credentials, folder, state)
            folder_id = conf.require_folder()
            api = connect(conf, purpose="publish")
        except UsageError as exc:
            raise _fail(str(exc)) from exc
        except GoogleError as exc:
            raise _fail(str(exc), _exit_code(exc)) from exc

        def show(done: PublishedTemplate, created: bool) -> None:
            if output_format == "text":
                label = done.agency_name or done.name
                note = "" if created else " (đã có từ trước, giữ nguyên)"
                typer.echo(f"{label}: {done.url}{note}")

        try:
            run = publish_templates(api, letter, targets, folder_id=folder_id, year=the_year,
                                    on_done=show)
        except GoogleError as exc:  # listing the folder failed
            raise _fail(str(exc), _exit_code(exc)) from exc
        finally:
            api.close()
        if output_format == "json":
            typer.echo(json.dumps([t.as_json() for t in run.existing + run.published],
                                  ensure_ascii=False, indent=2))
        else:
            typer.echo(f"Đã tạo {len(run.published)} bảng tính Google Sheets Mẫu {letter} "
                       f"năm {the_year}" + (f"; {len(run.existing)} bảng tính đã có từ trước"
                                            if run.existing else "") + ".")
        if run.failure is not None:
            who = run.failure.agency_name or f"Mẫu {letter}"
            left = len(targets) - len(run.published) - len(run.existing)
            raise _fail(f"{who}: {run.failure.error} Còn {left} bảng tính chưa tạo; chạy lại "
                        "lệnh này sau khi xử lý (bảng tính đã tạo được giữ nguyên).", 1)

    app.add_typer(google_app, name="google")
