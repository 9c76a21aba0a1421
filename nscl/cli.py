"""The ``nscl`` command: a thin layer over the library.

Each sub-command lives in its own module exposing ``register(app: typer.Typer)``.
Exit codes: 0 all clean, 1 problems found in the data, 2 usage errors or a failed run.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer

from nscl.cli_help import VietnameseGroup
from nscl.gc_pause import spare_final_collections

__all__ = ["app", "main"]


class _Group(VietnameseGroup):
    """The root command group; its usage errors are shown in Vietnamese
    (:mod:`nscl.usage_errors`) instead of Click's English."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; in standalone mode, exit with its code (2 on a usage error)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        except typer.TyperException as exc:  # Click's usage errors
            _exit_with_usage_error(exc)
        except typer.Abort:
            typer.echo("Đã dừng.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _exit_with_usage_error(exc: typer.TyperException) -> NoReturn:
    from nscl.usage_errors import describe_usage_error, help_hint

    # With no arguments at all, the help page has already been printed.
    if type(exc).__name__ != "NoArgsIsHelpError":
        typer.echo(f"Lỗi: {describe_usage_error(exc)}", err=True)
        hint = help_hint(exc)
        if hint:
            typer.echo(hint, err=True)
    sys.exit(exc.exit_code)


app = typer.Typer(
    cls=_Group,
    name="nscl",
    help="Công cụ biểu mẫu Chương trình 1322: mẫu Excel, kiểm tra và tổng hợp số liệu.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# Modules contributing sub-commands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "nscl.commands.template",
    "nscl.commands.validate",
    "sync.commands",
    "nscl.commands.google",
    "xl.commands",
)


def _print_version(value: bool) -> None:
    if value:
        from nscl import __version__

        typer.echo(f"nscl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="In phiên bản rồi thoát.", callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """Công cụ biểu mẫu Chương trình 1322 (nscl)."""


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_commands()


def main() -> None:
    """Console entry point. Usage errors exit with code 2 (Click's convention)."""
    if sys.stdout.encoding and sys.stdout.encoding.lower() not in ("utf-8", "utf8"):
        try:
            sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
            sys.stderr.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        app()
    finally:
        spare_final_collections()  # the process ends here
