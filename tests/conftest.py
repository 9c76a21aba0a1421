"""Shared fixtures. LibreOffice-backed tests skip locally when it is missing, and fail in CI."""

from __future__ import annotations

import os

import pytest

from nscl.libreoffice import find_soffice


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's soffice. In CI (CI=true) a missing LibreOffice fails the test."""
    path = find_soffice()
    if path is None:
        message = "LibreOffice (soffice) is required: apt-get install -y libreoffice-calc-nogui"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path
