"""The ``nscl`` root command."""

from __future__ import annotations

from typer.testing import CliRunner

from nscl import __version__
from nscl.cli import app


def test_version_option_prints_the_version_without_a_command() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"nscl {__version__}"
