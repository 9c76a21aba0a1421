"""``nscl addin build`` and ``nscl addin install``: the Excel add-in from the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from nscl.cli_help import VietnameseCommand, VietnameseGroup

__all__ = ["register"]

addin_app = typer.Typer(
    cls=VietnameseGroup,
    name="addin",
    help="Add-in Excel NSCL 1322 (nút Kiểm tra, Chuẩn hoá văn bản, hàm NSCL_…).",
    no_args_is_help=True,
)


@addin_app.command("build", cls=VietnameseCommand)
def build_command(
    out: Annotated[
        Path, typer.Option("--out", help="Thư mục ghi tệp nscl1322.xlam.")
    ] = Path("dist"),
) -> None:
    """Dựng tệp add-in nscl1322.xlam từ mã VBA và ribbon trong thư mục macros/."""
    from xl.build import BuildError, build_addin

    try:
        path = build_addin(out)
    except (BuildError, OSError) as exc:
        typer.echo(f"Không dựng được add-in: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"Đã dựng add-in: {path}")


@addin_app.command("install", cls=VietnameseCommand)
def install_command(
    addin: Annotated[
        Path | None,
        typer.Option("--addin", help="Tệp .xlam đã dựng (mặc định: dựng mới từ macros/)."),
    ] = None,
    xlstart: Annotated[
        Path | None,
        typer.Option(
            "--xlstart",
            help="Thư mục khởi động của Excel (mặc định %APPDATA%\\Microsoft\\Excel\\XLSTART).",
        ),
    ] = None,
    config_dir: Annotated[
        Path | None,
        typer.Option("--config-dir", help="Thư mục cấu hình (mặc định %USERPROFILE%\\.nscl1322)."),
    ] = None,
    python: Annotated[
        Path | None,
        typer.Option("--python", help="Python cho Excel (mặc định pythonw.exe hiện tại)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ in các bước, không thay đổi gì.")
    ] = False,
) -> None:
    """Cài add-in cho người dùng hiện tại trên Windows (chép vào XLSTART, ghi cấu hình xlwings)."""
    import sys

    from xl.build import BuildError, build_addin
    from xl.install import apply_install, plan_install

    try:
        plan = plan_install(
            xlstart=xlstart,
            config_dir=config_dir,
            python=python,
        )
    except RuntimeError as exc:
        typer.echo(f"Không lập được kế hoạch cài đặt: {exc}", err=True)
        raise typer.Exit(2) from exc
    for line in plan.describe():
        typer.echo(line)
    if dry_run:
        typer.echo("(chạy thử: chưa thay đổi gì)")
        return
    if sys.platform != "win32" and xlstart is None:
        typer.echo("Lệnh cài đặt chỉ chạy trên Windows (hoặc chỉ rõ --xlstart).", err=True)
        raise typer.Exit(2)
    try:
        with tempfile.TemporaryDirectory(prefix="nscl-addin-") as tmp:
            source = addin or build_addin(Path(tmp))
            apply_install(plan, source)
    except (BuildError, OSError, RuntimeError, ValueError) as exc:
        typer.echo(f"Cài đặt không thành công: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo("Đã cài xong. Hãy khởi động lại Excel: thẻ “NSCL 1322” sẽ xuất hiện trên ribbon.")


def register(app: typer.Typer) -> None:
    """Add the ``addin`` command group to the ``nscl`` app."""
    app.add_typer(addin_app, name="addin")
