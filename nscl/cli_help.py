"""The frame of the command-line help in Vietnamese.

Every option and command of ``nscl`` is described in Vietnamese; the frame around them
is Typer's, in English ("Usage:", "Options", "Commands", "Show this message and exit.",
"[default: text]"). Typer 0.28 ships its own copy of Click without translations, so the
frame is set through the extension points Click and Typer give command classes: the
usage line (``get_usage``), the help option (``get_help_option``), the panels each
parameter and sub-command is listed under (``rich_help_panel``) and the shown default
(written into the help text instead of Typer's "[default: …]"). Every Typer of the
application uses :class:`VietnameseGroup`, every command :class:`VietnameseCommand`;
``tests/test_cli.py`` checks every help screen for English left over.
"""

from __future__ import annotations

import copy
from pathlib import PurePath
from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup

__all__ = ["HELP_OPTION_TEXT", "VietnameseCommand", "VietnameseGroup"]

HELP_OPTION_TEXT = "Hiện hướng dẫn này rồi thoát."
USAGE = "Cách dùng:"
PANEL_ARGUMENTS = "Đối số"
PANEL_OPTIONS = "Tùy chọn"
PANEL_COMMANDS = "Lệnh"
# The kind of value a parameter takes, by Click's type name.
_KINDS = {"path": "đường dẫn", "int": "số", "integer": "số", "float": "số", "str": "giá trị",
          "text": "giá trị"}
_USAGE_WORDS = (
    ("Usage:", USAGE), ("[OPTIONS]", "[TÙY CHỌN]"), ("COMMAND [ARGS]...", "LỆNH [ĐỐI SỐ]..."),
)


def _shown_default(value: Any) -> str | None:
    """The default worth showing in the help text, or None (no default, a flag)."""
    if value is None or isinstance(value, bool) or value == "" or value == []:
        return None
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, str | int | float):
        return str(value)
    return None


class _VietnameseFrame:
    """What the group and command classes share (mixed in before Typer's classes)."""

    def get_usage(self, ctx: Any) -> str:
        """The usage line, headed "Cách dùng:"."""
        usage: str = super().get_usage(ctx)  # type: ignore[misc]
        for english, vietnamese in _USAGE_WORDS:
            usage = usage.replace(english, vietnamese, 1)
        return usage

    def get_help_option(self, ctx: Any) -> Any:
        """The help option, described in Vietnamese."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help page, with Vietnamese panel titles and defaults."""
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            _vietnamese_param(param)
        super().format_help(ctx, formatter)  # type: ignore[misc]


def _vietnamese_param(param: Any) -> None:
    if not isinstance(getattr(param, "rich_help_panel", None), str):
        param.rich_help_panel = (
            PANEL_ARGUMENTS if isinstance(param, TyperArgument) else PANEL_OPTIONS
        )
    kind = _KINDS.get(getattr(param.type, "name", ""))
    if kind is not None:  # the kind of value taken ("<path>", "<int>" in Typer's English)
        if isinstance(param, TyperArgument):
            # An argument's kind is its type's name: this parameter's own copy is renamed
            # (Click shares one instance of each simple type between parameters).
            param.type = copy.copy(param.type)
            param.type.name = kind
        elif param.metavar is None:
            param.metavar = f"<{kind}>"
    if getattr(param, "_nscl_default_shown", False):
        return
    param._nscl_default_shown = True
    if param.show_default is True or param.show_default is None:
        shown = _shown_default(param.default)
        param.show_default = False
        if shown is not None:
            text = (param.help or "").rstrip()
            end = "." if text.endswith(".") else ""
            param.help = f"{text.removesuffix('.')} (mặc định: {shown}){end}".strip()


class VietnameseCommand(_VietnameseFrame, TyperCommand):
    """A Typer command whose help frame is in Vietnamese."""


class VietnameseGroup(_VietnameseFrame, TyperGroup):
    """A Typer group whose help frame, and sub-commands' panel, are in Vietnamese."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help page; sub-commands are listed under "Lệnh"."""
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            # (Typer leaves a placeholder object, not None, when no panel was given.)
            if command is not None and not isinstance(
                getattr(command, "rich_help_panel", None), str
            ):
                command.rich_help_panel = PANEL_COMMANDS  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)

