"""Set the add-in up on an analyst's Windows PC (``nscl addin install``).

What it does (each step printed; ``--dry-run`` only prints):

1. copies ``nscl1322.xlam`` into the user's Excel start-up folder
   ``%APPDATA%\\Microsoft\\Excel\\XLSTART``: Excel opens every workbook there at start-up
   and the folder is a Trusted Location out of the box, so the add-in's macros run
   without a security prompt;
2. writes the add-in's xlwings settings to ``%USERPROFILE%\\.nscl1322\\nscl1322.conf``:
   ``INTERPRETER_WIN`` (the ``pythonw.exe`` of the environment nscl is installed in,
   virtual environments included) and ``PYTHONPATH`` (the folder holding the ``nscl``
   and ``xl`` packages).

The worksheet functions are compiled into the add-in (:mod:`xl.udf_vba`): nothing here
touches Excel's security settings ("Trust access to the VBA project object model" stays
as IT set it).

Encoding: xlwings' VBA reads the config file in Windows' ANSI code page
(``Open … For Input``), finds it through ``Environ("USERPROFILE")`` (ANSI too), checks
the interpreter with ``GetAttr`` and hands the paths to its DLL as ANSI strings. A path
holding a letter outside that code page (most Vietnamese letters, on an English or
Vietnamese Windows) would arrive as "?". The file is therefore written in the ANSI
code page, and a path that does not fit in it is refused with advice
(:class:`ConfigEncodingError`), before anything is changed.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from xl.build import ADDIN_NAME

__all__ = [
    "ANSI_CODE_PAGE",
    "ConfigEncodingError",
    "InstallPlan",
    "apply_install",
    "config_file_text",
    "plan_install",
]

# Windows' ANSI code page ("mbcs" is Python's name for the running system's). Elsewhere
# (tests, an install prepared for a PC with --xlstart) that of an English Windows.
ANSI_CODE_PAGE = "mbcs" if sys.platform == "win32" else "cp1252"


class ConfigEncodingError(RuntimeError):
    """A path of the configuration cannot be read by xlwings' VBA (Vietnamese message)."""


@dataclass
class InstallPlan:
    """Everything ``nscl addin install`` will change."""

    addin_target: Path
    config_file: Path
    config: dict[str, str]
    encoding: str = ANSI_CODE_PAGE

    def describe(self) -> list[str]:
        """Vietnamese lines describing each step."""
        lines = [
            f"Chép add-in vào thư mục khởi động của Excel: {self.addin_target}",
            f"Ghi cấu hình xlwings: {self.config_file}",
        ]
        lines += [f"  {key} = {value}" for key, value in self.config.items()]
        return lines


def _windows_python(executable: Path) -> Path:
    """pythonw.exe beside python.exe (no console window), when it exists."""
    candidate = executable.with_name("pythonw.exe")
    return candidate if candidate.exists() else executable


def _check_encoding(what: str, value: str, encoding: str) -> None:
    """Refuse (:class:`ConfigEncodingError`) a value xlwings' VBA would read as "?"."""
    try:
        value.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = value[exc.start:exc.end]
        raise ConfigEncodingError(
            f"{what} “{value}” có ký tự “{bad}” mà Excel (phần VBA của xlwings) không đọc "
            "được trong bảng mã của Windows, nên add-in sẽ không chạy. Hãy dùng đường dẫn "
            "chỉ gồm chữ không dấu, ví dụ tạo môi trường Python ở C:\\nscl\\.venv và để mã "
            "nguồn ở C:\\nscl\\nscl; nếu tên thư mục người dùng Windows có dấu, hãy nhờ "
            "cán bộ CNTT cài đặt bằng một tài khoản Windows có tên không dấu."
        ) from exc


def plan_install(
    *,
    xlstart: Path | None = None,
    config_dir: Path | None = None,
    python: Path | None = None,
    pythonpath: Path | None = None,
    encoding: str = ANSI_CODE_PAGE,
) -> InstallPlan:
    """The install plan for this PC; folders default to the Windows locations.

    Raises :class:`ConfigEncodingError` when a path cannot be written in ``encoding``
    (Windows' ANSI code page), RuntimeError when the Windows folders are unknown.
    """
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
    plan = InstallPlan(
        addin_target=xlstart / f"{ADDIN_NAME}.xlam",
        config_file=config_dir / f"{ADDIN_NAME}.conf",
        config={
            "INTERPRETER_WIN": str(interpreter),
            "PYTHONPATH": str(pythonpath),
            "UDF MODULES": "xl.udfs",
        },
        encoding=encoding,
    )
    _check_encoding("Đường dẫn tệp cấu hình", str(plan.config_file), encoding)
    _check_encoding("Đường dẫn Python (INTERPRETER_WIN)", plan.config["INTERPRETER_WIN"],
                    encoding)
    _check_encoding("Thư mục mã nguồn nscl (PYTHONPATH)", plan.config["PYTHONPATH"], encoding)
    return plan


def config_file_text(config: dict[str, str]) -> str:
    """xlwings' config file format: one ``"KEY","VALUE"`` line per setting (CRLF)."""
    lines = []
    for key, value in config.items():
        if '"' in key or '"' in value:
            raise ValueError(f"cấu hình xlwings không chứa được dấu ngoặc kép: {key}")
        lines.append(f'"{key}","{value}"')
    return "\r\n".join(lines) + "\r\n"


def apply_install(plan: InstallPlan, addin: Path) -> None:
    """Carry the plan out: copy the built add-in and write the config file (in the
    plan's ANSI code page, which xlwings' VBA reads)."""
    data = config_file_text(plan.config).encode(plan.encoding)  # checked by plan_install
    plan.addin_target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(addin, plan.addin_target)
    plan.config_file.parent.mkdir(parents=True, exist_ok=True)
    plan.config_file.write_bytes(data)
