"""Set the add-in up on an analyst's Windows PC (``nscl addin install``).

What it does (each step printed; ``--dry-run`` only prints):

1. copies ``nscl1322.xlam`` into the user's Excel start-up folder
   ``%APPDATA%\\Microsoft\\Excel\\XLSTART``: Excel opens every workbook there at start-up
   and the folder is a Trusted Location out of the box, so the add-in's macros run
   without a security prompt;
2. writes the add-in's xlwings settings to ``%USERPROFILE%\\.nscl1322\\nscl1322.conf``:
   ``INTERPRETER_WIN`` (the ``pythonw.exe`` of the environment nscl is installed in,
   virtual environments included) and ``PYTHONPATH`` (the folder holding the ``nscl``
   and ``xl`` packages);
3. optionally (``--trust-vba-project``) ticks "Trust access to the VBA project object
   model" (registry ``AccessVBOM``), needed only by the "Nạp hàm NSCL" button that
   imports the worksheet functions.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xl.build import ADDIN_NAME

__all__ = [
    "InstallPlan",
    "RegistryValue",
    "apply_install",
    "config_file_text",
    "plan_install",
]

OFFICE_VERSION = "16.0"  # Office 2016, 2019, 2021, 2024 and Microsoft 365


@dataclass(frozen=True)
class RegistryValue:
    """One HKEY_CURRENT_USER value to set."""

    key: str
    name: str
    value: int | str

    def describe(self) -> str:
        """``HKCU\\key\\name = value``."""
        return f"HKCU\\{self.key}\\{self.name} = {self.value}"


@dataclass
class InstallPlan:
    """Everything ``nscl addin install`` will change."""

    addin_target: Path
    config_file: Path
    config: dict[str, str]
    registry: list[RegistryValue] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Vietnamese lines describing each step."""
        lines = [
            f"Chép add-in vào thư mục khởi động của Excel: {self.addin_target}",
            f"Ghi cấu hình xlwings: {self.config_file}",
        ]
        lines += [f"  {key} = {value}" for key, value in self.config.items()]
        lines += [f"Đặt khoá registry: {value.describe()}" for value in self.registry]
        return lines


def _windows_python(executable: Path) -> Path:
    """pythonw.exe beside python.exe (no console window), when it exists."""
    candidate = executable.with_name("pythonw.exe")
    return candidate if candidate.exists() else executable


def plan_install(
    *,
    xlstart: Path | None = None,
    config_dir: Path | None = None,
    python: Path | None = None,
    pythonpath: Path | None = None,
    trust_vba_project: bool = False,
) -> InstallPlan:
    """The install plan for this PC; folders default to the Windows locations."""
    if xlstart is None:
        appdata = os.environ.get("APPDATA")
        if not appdata:
            raise RuntimeError("không có biến môi trường APPDATA (máy không phải Windows?): "
                               "chỉ rõ thư mục XLSTART bằng --xlstart")
        xlstart = Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if config_dir is None:
        config_dir = Path.home() / f".{ADDIN_NAME}"
    interpreter = python or _windows_python(Path(sys.executable))
    if pythonpath is None:
        pythonpath = Path(__file__).resolve().parent.parent
    registry: list[RegistryValue] = []
    if trust_vba_project:
        registry.append(
            RegistryValue(
                key=f"Software\\Microsoft\\Office\\{OFFICE_VERSION}\\Excel\\Security",
                name="AccessVBOM",
                value=1,
            )
        )
    return InstallPlan(
        addin_target=xlstart / f"{ADDIN_NAME}.xlam",
        config_file=config_dir / f"{ADDIN_NAME}.conf",
        config={
            "INTERPRETER_WIN": str(interpreter),
            "PYTHONPATH": str(pythonpath),
            "UDF MODULES": "xl.udfs",
        },
        registry=registry,
    )


def config_file_text(config: dict[str, str]) -> str:
    """xlwings' config file format: one ``"KEY","VALUE"`` line per setting (CRLF)."""
    lines = []
    for key, value in config.items():
        if '"' in key or '"' in value:
            raise ValueError(f"cấu hình xlwings không chứa được dấu ngoặc kép: {key}")
        lines.append(f'"{key}","{value}"')
    return "\r\n".join(lines) + "\r\n"


def _set_registry(values: list[RegistryValue]) -> None:  # pragma: no cover - Windows only
    import importlib

    winreg: Any = importlib.import_module("winreg")

    for item in values:
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, item.key) as key:
            if isinstance(item.value, int):
                winreg.SetValueEx(key, item.name, 0, winreg.REG_DWORD, item.value)
            else:
                winreg.SetValueEx(key, item.name, 0, winreg.REG_SZ, item.value)


def apply_install(plan: InstallPlan, addin: Path) -> None:
    """Carry the plan out: copy the built add-in, write the config file, set registry values."""
    plan.addin_target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(addin, plan.addin_target)
    plan.config_file.parent.mkdir(parents=True, exist_ok=True)
    # VBA reads the file in the ANSI code page of Windows ("mbcs").
    encoding = "mbcs" if sys.platform == "win32" else "utf-8"
    plan.config_file.write_text(config_file_text(plan.config), encoding=encoding, newline="")
    if plan.registry:
        if sys.platform != "win32":
            raise RuntimeError("chỉ ghi được thiết lập registry trên Windows")
        _set_registry(plan.registry)
