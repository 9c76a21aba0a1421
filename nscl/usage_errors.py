"""Command-line usage errors in Vietnamese.

Typer (and the Click code it ships) phrases usage errors in English: "No such option:
--bogus", "Missing option '--inbox'.", "Invalid value for '--year': 'abc' is not a valid
integer." The ``nscl`` command shows them in Vietnamese instead. The translation reads
the error's own fields (the option's name, the parameter, the suggestions) where the
error carries them, and otherwise recognises the library's fixed sentences; an error it
does not recognise is shown as the library wrote it, after a Vietnamese lead-in, so that
nothing is hidden. ``tests/test_cli.py`` pins every sentence against the installed
library, so an upgrade that rewords one fails there rather than leaking English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["describe_usage_error", "error_line", "help_hint"]


def error_line(message: str) -> str:
    """What a command prints on standard error when it stops: "Lỗi: " and the message as
    a sentence (capitalised: messages are often built to follow a lead-in)."""
    return f"Lỗi: {message[:1].upper()}{message[1:]}"

# Detail sentences of invalid values (the part after "Invalid value for '--x': ").
_DETAILS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^(.*) is not a valid (?:integer|int|int range)\.$", re.S),
     lambda m: f"{_value(m[1])} không phải là số nguyên"),
    (re.compile(r"^(.*) is not a valid (?:float|float range)\.$", re.S),
     lambda m: f"{_value(m[1])} không phải là số"),
    (re.compile(r"^(.*) is not a valid boolean\.", re.S),
     lambda m: f"{_value(m[1])} không phải là true hoặc false"),
    (re.compile(r"^(.*) is not one of (.*)\.$", re.S),
     lambda m: f"{_value(m[1])} không thuộc các giá trị {_quoted_list(m[2])}"),
    (re.compile(r"^(.*) is not in the range (.*)\.$", re.S),
     lambda m: f"{_value(m[1])} nằm ngoài khoảng {m[2]}"),
    (re.compile(r"^(.*) does not match the formats (.*)\.$", re.S),
     lambda m: f"{_value(m[1])} không đúng dạng {_quoted_list(m[2])}"),
)

# Whole usage-error sentences.
_SENTENCES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^Missing command\.?$"), lambda m: "Thiếu lệnh."),
    (re.compile(r"^No such command '(.*?)'\.(?: Did you mean (.*)\?)?$", re.S),
     lambda m: f"Không có lệnh «{m[1]}»." + (
         f" Có phải ý bạn là {_quoted_list(m[2])}?" if m[2] else "")),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", re.S),
     lambda m: f"Thừa đối số: {m[1]}."),
    (re.compile(r"^Option '(.*?)' requires (?:an argument|(\d+) arguments)\.?$", re.S),
     lambda m: f"Tùy chọn «{m[1]}» cần {m[2] or 'một'} giá trị."),
    (re.compile(r"^Option '(.*?)' does not take a value\.?$", re.S),
     lambda m: f"Tùy chọn «{m[1]}» không nhận giá trị."),
)


def _value(text: str) -> str:
    """A value as Click quoted it (``'abc'``), shown in Vietnamese quotes."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return f"«{text}»"


def _quoted_list(text: str) -> str:
    names = re.findall(r"'([^']*)'", text)
    return ", ".join(f"«{n}»" for n in names) if names else text


def _param_name(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    if hint:
        names: Sequence[str] = [hint] if isinstance(hint, str) else list(hint)
        return " / ".join(str(n).strip("'\"") for n in names)
    param = getattr(exc, "param", None)
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    if opts:
        return " / ".join(opts)
    return str(getattr(param, "human_readable_name", None) or getattr(param, "name", ""))


def _translate(text: str, table: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]],
                                       ...]) -> str | None:
    for pattern, render in table:
        match = pattern.match(text.strip())
        if match:
            return render(match)
    return None


def describe_usage_error(exc: BaseException) -> str:
    """The Vietnamese sentence for a command-line usage error raised by Typer/Click."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", "") or "")
    if kind == "NoSuchOption":
        name = str(getattr(exc, "option_name", "") or "")
        text = f"Không có tùy chọn «{name}»."
        possibilities = sorted(getattr(exc, "possibilities", None) or ())
        if possibilities:
            text += f" Có phải ý bạn là {', '.join(f'«{p}»' for p in possibilities)}?"
        return text
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        param_type = getattr(exc, "param_type", None) or getattr(param, "param_type_name", "")
        what = {"option": "tùy chọn", "argument": "đối số"}.get(str(param_type), "tham số")
        name = _param_name(exc)
        return f"Thiếu {what} «{name}»." if name else f"Thiếu {what}."
    if kind == "BadParameter":
        detail = _translate(message, _DETAILS) or message
        name = _param_name(exc)
        if name:
            return f"Giá trị không hợp lệ cho «{name}»: {detail.rstrip('.')}."
        return f"Giá trị không hợp lệ: {detail.rstrip('.')}."
    translated = _translate(message, _SENTENCES)
    if translated is not None:
        return translated
    if not message.isascii():  # already ours (Vietnamese)
        return message
    return f"Lệnh không hợp lệ ({message})."


def help_hint(exc: BaseException) -> str | None:
    """ "Xem cách dùng: nscl sync --help", for the command the error is about."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return None
    names = getattr(ctx, "help_option_names", None) or ["--help"]
    return f"Xem cách dùng: {ctx.command_path} {names[0]}"
