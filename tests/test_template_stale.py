"""``workbook_templates/excel/`` holds exactly what the builder makes today.

Rebuilds every template and compares the XML parts (names and content, not the zip
timestamps) with the committed files. When this fails, run
``nscl template build --out workbook_templates/excel`` and commit the result.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from nscl.template_build import FORM_LETTERS, build_workbook, file_name
from workbook_templates import EXCEL_DIR


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("letter", FORM_LETTERS)
def test_committed_template_is_up_to_date(letter: str, tmp_path: Path) -> None:
    committed = EXCEL_DIR / file_name(letter)
    assert committed.exists(), f"missing {committed}; run nscl template build"
    fresh = build_workbook(letter, out_path=tmp_path / file_name(letter))
    old, new = _parts(committed), _parts(fresh)
    assert sorted(old) == sorted(new)
    stale = [name for name in new if old[name] != new[name]]
    assert not stale, (
        f"{committed.name} is stale in {stale}: run "
        "`nscl template build --out workbook_templates/excel` and commit"
    )


def test_no_unexpected_files_in_excel_dir() -> None:
    expected = {file_name(letter) for letter in FORM_LETTERS}
    assert {p.name for p in EXCEL_DIR.glob("*.xlsx")} == expected


def test_builds_are_repeatable_in_one_process(tmp_path: Path) -> None:
    """No state leaks from one build into the next (XlsxWriter mutates option dicts)."""
    first = _parts(build_workbook("A", out_path=tmp_path / "1.xlsx"))
    build_workbook("B", out_path=tmp_path / "2.xlsx")
    again = _parts(build_workbook("A", out_path=tmp_path / "3.xlsx"))
    assert first == again
