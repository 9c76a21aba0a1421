"""What a wheel of nscl carries: every package, its data, and the add-in's VBA text."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]


def test_the_package_list_matches_the_source_tree() -> None:
    listed = set(_config()["packages"])
    # Every folder of the source tree that holds files: with an __init__.py or not (a
    # folder of data inside a package is importable as a namespace package, and
    # setuptools warns that it ignores one that is not listed).
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for top in ("nscl", "sync", "xl", "workbook_templates")
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__"
        and any(f.is_file() for f in folder.iterdir())
    }
    assert {"nscl.data", "workbook_templates.forms", "workbook_templates.excel"} <= found
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert _config()["package-dir"] == {"xl.macros": "macros"}


@pytest.mark.slow
def test_a_wheel_builds_the_addin_without_a_checkout(tmp_path: Path) -> None:
    """Installed from a wheel, `nscl addin build` finds the VBA text inside the package."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    wheel = next((tmp_path / "dist").glob("nscl-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"xl/macros/NsclRibbon.bas", "xl/macros/customUI.xml"} <= names
    assert {"nscl/data/agencies.csv", "nscl/data/priority_areas.toml",
            "workbook_templates/forms/form_a.toml",
            "workbook_templates/excel/mau-A-de-xuat-nhiem-vu.xlsx"} <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    out = subprocess.run(
        [sys.executable, "-c",
         "from xl.build import MACROS_DIR, build_addin; import sys;"
         "print(MACROS_DIR); print(build_addin(__import__('pathlib').Path(sys.argv[1])))",
         str(tmp_path / "addin")],
        check=True, capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    ).stdout.split("\n")
    assert Path(out[0]) == site / "xl" / "macros"
    assert Path(out[1]).is_file() and Path(out[1]).suffix == ".xlam"


def test_every_dependency_is_bounded_and_the_installed_version_is_inside() -> None:
    """Each dependency (runtime, test, bench) is kept below its next major version, or
    pinned (no private internals are used: a new major is the only expected break), and
    the version the tests run with is inside the bounds."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    extras = project["optional-dependencies"]
    listed = [(text, extra in ("", "test")) for extra, texts in
              [("", project["dependencies"]), *extras.items()] for text in texts]
    assert len(listed) > 20 and {"test", "bench"} <= set(extras)
    for text, needed in listed:
        req = Requirement(text)
        assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), text
        try:
            installed = version(req.name)
        except PackageNotFoundError:  # the bench's baselines need not be installed
            assert not needed, f"{text}: not installed"
            continue
        assert req.specifier.contains(installed, prereleases=True), (
            f"{text}: installed {installed}"
        )
