"""Drive LibreOffice headless: convert files and force a full recalculation.

Each call runs ``soffice`` with a private, throw-away user profile, so that parallel
runs never fight over the profile lock and the settings are always the ones set here:
formulas are recalculated whenever a file is loaded (Excel 2007+ and ODF files alike).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["LibreOfficeError", "convert", "find_soffice", "recalculate"]

# Recalculate on load: 0 = always (1 = never, 2 = prompt).
_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed, or produced no output."""


def find_soffice() -> str | None:
    """Path of the ``soffice`` executable, or None when LibreOffice is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if os.path.exists(candidate):
            return candidate
    return None


def convert(
    source: Path, target_format: str, out_dir: Path, *, timeout: float = 180.0
) -> Path:
    """Convert ``source`` with LibreOffice headless; return the path of the new file.

    ``target_format`` is a LibreOffice filter spec such as ``"xlsx"``,
    ``"xls:MS Excel 97"``, ``"ods"`` or ``"pdf"``. Formulas are recalculated on load.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(
            "máy chưa cài LibreOffice (cần để đọc tệp .xls/.ods); xem hướng dẫn cài đặt"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target_format.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="nscl-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
        cmd = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target_format,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        proc = _run(cmd, timeout)
        if proc is None:
            raise LibreOfficeError(
                f"LibreOffice xử lý tệp «{source.name}» quá "
                f"{format(timeout, 'g').replace('.', ',')} giây"
            )
    result = out_dir / f"{source.stem}.{extension}"
    if proc.returncode != 0 or not result.exists():
        detail = " ".join(f"{proc.stdout.strip()} {proc.stderr.strip()}".split())[:200]
        raise LibreOfficeError(
            f"LibreOffice không chuyển được tệp «{source.name}» sang {extension} "
            f"(mã thoát {proc.returncode}; thông báo của LibreOffice: {detail or 'không có'})"
        )
    return result


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run soffice; None when it overran ``timeout``.

    soffice starts helper processes (oosplash, soffice.bin): on a timeout the whole process
    group is killed, so that a file that hangs LibreOffice leaves nothing running behind.
    """
    posix = os.name == "posix"
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=posix,
    ) as child:
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if posix:
                import signal

                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
            else:  # Windows: the whole tree too (soffice.exe starts soffice.bin)
                subprocess.run(["taskkill", "/T", "/F", "/PID", str(child.pid)],
                               capture_output=True, check=False)
                child.kill()
            child.communicate()
            return None
    return subprocess.CompletedProcess(cmd, child.returncode, out, err)


def recalculate(source: Path, out_dir: Path) -> Path:
    """Open ``source`` in LibreOffice, recalculate every formula, save it as .xlsx in ``out_dir``.

    The saved file carries the computed values, readable with
    ``openpyxl.load_workbook(data_only=True)`` or python-calamine.
    """
    if source.parent.resolve() == out_dir.resolve():
        raise ValueError("out_dir must differ from the source folder")
    return convert(source, "xlsx:Calc MS Excel 2007 XML", out_dir)
