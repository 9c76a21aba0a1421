"""Shared fixtures. LibreOffice-backed tests skip locally when it is missing, and fail in CI."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from nscl.libreoffice import find_soffice


def in_ci() -> bool:
    """Whether the tests run in CI (CI=true), where a missing tool is a failure."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, message: str) -> None:
    """Skip the test when something it needs is missing; in CI, fail it instead."""
    if available:
        return
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


# Property tests explore new random examples on every local run (and keep failures in
# .hypothesis/ to replay them); in CI they replay a fixed set, so that a landing never
# hinges on a rare example. A failure found locally becomes an explicit test.
settings.register_profile("ci", derandomize=True, print_blob=True)
if in_ci():
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's soffice. In CI (CI=true) a missing LibreOffice fails the test."""
    path = find_soffice()
    require(
        path is not None,
        "LibreOffice (soffice) is required: apt-get install -y libreoffice-calc-nogui "
        "libreoffice-writer-nogui",
    )
    assert path is not None
    return path
