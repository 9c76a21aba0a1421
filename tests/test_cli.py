"""The ``nscl`` root command."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nscl import __version__
from nscl.cli import app


def test_version_option_prints_the_version_without_a_command() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"nscl {__version__}"


# Each case: arguments, what the Vietnamese line must name, the English it replaces.
USAGE_ERRORS = [
    (["sync", "--bogus"], "«--bogus»", "No such option"),
    (["validat"], "«validat»", "No such command"),
    (["sync", "--year", "abc"], "«abc» không phải là số nguyên", "is not a valid"),
    (["validate", "x.xlsx", "--max-state-budget-share", "lots"], "«lots» không phải là số",
     "is not a valid"),
    (["sync", "--inbox"], "«--inbox» cần một giá trị", "requires an argument"),
    (["sync", "surplus"], "Thừa đối số: surplus", "unexpected extra"),
    (["validate"], "Chưa chỉ ra tệp", "Missing argument"),
    (["template", "build"], "Thiếu --out", "Missing option"),
    (["template", "build", "--nope"], "«--nope»", "No such option"),
]


@pytest.mark.parametrize(("args", "named", "english"), USAGE_ERRORS)
def test_usage_errors_are_explained_in_vietnamese(
    args: list[str], named: str, english: str
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    output = result.output
    assert "Lỗi: " in output and named in output, output
    assert english not in output
    assert "Usage:" not in output and "Try '" not in output
    assert unicodedata.is_normalized("NFC", output)


def test_usage_error_names_the_help_of_the_command_it_is_about() -> None:
    result = CliRunner().invoke(app, ["sync", "--bogus"])
    assert "nscl sync --help" in result.output


def test_every_recognised_sentence_is_one_the_installed_library_writes() -> None:
    # Typer ships its own copy of Click: an upgrade that rewords a sentence must fail
    # here rather than let English through. Each pattern's literal words must occur in
    # the library's source.
    import typer

    from nscl import usage_errors

    root = Path(typer.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    checked = 0
    for pattern, _ in (*usage_errors._DETAILS, *usage_errors._SENTENCES):
        # The literal phrases of the pattern: runs of two or more plain words.
        runs = re.split(r"\\.|[\^$?*+()|\[\]:'.]", pattern.pattern)
        phrases = [" ".join(r.split()) for r in runs if len(r.split()) >= 2]
        assert phrases, pattern.pattern
        for phrase in phrases:
            assert phrase in source, (pattern.pattern, phrase)
            checked += 1
    assert checked >= len(usage_errors._DETAILS) + len(usage_errors._SENTENCES)


def test_errors_the_translation_does_not_know_keep_the_library_text() -> None:
    from nscl.usage_errors import describe_usage_error

    class UsageError(typer.TyperException):
        pass

    assert describe_usage_error(UsageError("Something new happened")) == (
        "Lệnh không hợp lệ (Something new happened)."
    )
    assert describe_usage_error(UsageError("Năm không hợp lệ.")) == "Năm không hợp lệ."


def test_command_line_process_reports_a_usage_error_in_vietnamese() -> None:
    # The installed entry point (not only the test runner) goes through the same path.
    out = subprocess.run(
        [sys.executable, "-c", "from nscl.cli import main; main()", "sync", "--bogus"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("Lỗi: Không có tùy chọn «--bogus».")


HELP_SCREENS = [[], ["template"], ["template", "build"], ["validate"], ["sync"], ["demo"],
                ["addin"], ["addin", "build"], ["addin", "install"]]
ENGLISH_FRAME = ("Usage", "Options", "Commands", "Arguments", "Show this message",
                 "[default", "[required]", "[OPTIONS]", "COMMAND", "[ARGS]", "<path>",
                 "<int>", "<str>", "<text>", "<float>", "<integer>", "paths")


@pytest.mark.parametrize("args", HELP_SCREENS, ids=lambda a: " ".join(a) or "nscl")
def test_help_screens_are_framed_in_vietnamese(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Cách dùng: nscl" in text
    assert "Hiện hướng dẫn này rồi thoát." in text
    assert "╭─ Tùy chọn" in text
    left = [word for word in ENGLISH_FRAME if word in text]
    assert left == [], text


def test_group_help_lists_its_commands_under_lenh() -> None:
    text = CliRunner().invoke(app, ["--help"], terminal_width=100).output
    assert "╭─ Lệnh" in text
    for command in ("template", "validate", "sync", "demo", "addin"):
        assert command in text


def test_shown_defaults_are_in_vietnamese() -> None:
    text = CliRunner().invoke(app, ["sync", "--help"], terminal_width=100).output
    flat = " ".join(text.replace("│", " ").split())
    assert "Cách in kết quả: text hoặc json (mặc định: text)." in flat
