"""The .xlam add-in: VBA project read back with oletools, ribbon callbacks, LibreOffice, install."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream
from typer.testing import CliRunner

from xl.build import ADDIN_NAME, MACROS_DIR, build_addin, ribbon_callbacks, xlwings_vba_source
from xl.install import apply_install, config_file_text, plan_install
from xl.ovba_compression import compress

CUSTOM_UI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"))


def _modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {
            stream.split("/")[-1]: code.replace("\r\n", "\n")
            for _, stream, _, code in parser.extract_macros()
        }
    finally:
        parser.close()


def test_package_is_a_macro_enabled_addin_with_a_ribbon(addin: Path) -> None:
    assert addin.name == f"{ADDIN_NAME}.xlam"
    with zipfile.ZipFile(addin) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("_rels/.rels").decode()
        ui = zf.read("customUI/customUI.xml").decode()
        assert "xl/vbaProject.bin" in zf.namelist()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert 'Target="customUI/customUI.xml"' in rels and "ui/extensibility" in rels
    root = SafeET.fromstring(ui.encode())
    tab = root.find(f".//{CUSTOM_UI_NS}tab")
    assert tab is not None and tab.get("label") == "NSCL 1322"
    labels = [b.get("label") for b in root.iter(f"{CUSTOM_UI_NS}button")]
    assert "Kiểm tra" in labels and "Chuẩn hoá văn bản" in labels


def test_vba_project_holds_the_sources_verbatim(addin: Path) -> None:
    modules = _modules(addin)
    assert {"ThisWorkbook", "Sheet1", "xlwings", "NsclRibbon", "xlwings_udfs",
            "NsclText"} <= set(modules)

    def strip(text: str) -> list[str]:
        return [
            line for line in text.replace("\r\n", "\n").split("\n")
            if not line.startswith("Attribute")
        ]

    assert strip(modules["xlwings"]) == strip(xlwings_vba_source())
    ribbon = (MACROS_DIR / "NsclRibbon.bas").read_text()
    assert strip(modules["NsclRibbon"]) == strip(ribbon)
    assert f'PROJECT_NAME As String = "{ADDIN_NAME}"' in modules["xlwings"]


def test_every_ribbon_callback_is_a_macro_of_the_vba_project(addin: Path) -> None:
    with zipfile.ZipFile(addin) as zf:
        ui = zf.read("customUI/customUI.xml").decode()
    callbacks = ribbon_callbacks(ui)
    assert len(callbacks) >= 2
    modules = _modules(addin)
    for callback in callbacks:
        module, _, proc = callback.rpartition(".")
        assert module in modules, callback
        signature = re.compile(
            rf"^\s*(Public\s+)?Sub\s+{re.escape(proc)}\s*\(\s*control\s+As\s+IRibbonControl\s*\)",
            re.MULTILINE | re.IGNORECASE,
        )
        assert signature.search(modules[module]), callback


def test_ribbon_runs_the_python_entry_points(addin: Path) -> None:
    code = _modules(addin)["NsclRibbon"]
    assert 'RunPython "import xl.button; xl.button.kiem_tra()"' in code
    assert 'RunPython "import xl.button; xl.button.chuan_hoa()"' in code
    import xl.button

    assert callable(xl.button.kiem_tra) and callable(xl.button.chuan_hoa)


def test_macros_are_ascii_and_ui_is_utf8() -> None:
    for path in MACROS_DIR.glob("*.bas"):
        assert path.read_bytes().isascii(), path
    (MACROS_DIR / "customUI.xml").read_bytes().decode("utf-8")


def test_olevba_sees_no_suspicious_auto_exec(addin: Path) -> None:
    parser = VBA_Parser(str(addin))
    try:
        kinds = {kind for kind, _, _ in parser.analyze_macros()}
    finally:
        parser.close()
    assert "AutoExec" not in kinds  # the add-in runs nothing on open


@pytest.mark.libreoffice
def test_libreoffice_loads_the_vba_project(addin: Path, tmp_path: Path, soffice: str) -> None:
    """LibreOffice imports every VBA module of the add-in into its Basic libraries.

    LibreOffice does not open the add-in content type itself, so the same package is
    relabelled as a macro-enabled workbook (only the main part's content type changes).
    """
    from nscl.libreoffice import convert

    relabelled = tmp_path / f"{ADDIN_NAME}.xlsm"
    with zipfile.ZipFile(addin) as src, zipfile.ZipFile(relabelled, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            dst.writestr(info, data)
    ods = convert(relabelled, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as zf:
        names = zf.namelist()
        ribbon = zf.read("Basic/VBAProject/NsclRibbon.xml").decode("utf-8")
        xlwings_module = zf.read("Basic/VBAProject/xlwings.xml").decode("utf-8")
        content = zf.read("content.xml").decode("utf-8")
    assert "Basic/VBAProject/xlwings.xml" in names
    assert {"Basic/VBAProject/xlwings_udfs.xml", "Basic/VBAProject/NsclText.xml"} <= set(names)
    assert "Sub KiemTra" in ribbon and "Sub ChuanHoa" in ribbon
    assert "Function RunPython" in xlwings_module
    assert f"{ADDIN_NAME}.conf" in content and "xl.udfs" in content


# ----------------------------------------------------------------- compression


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab =\r\n\"'()", max_size=12000).map(
    lambda t: t.encode("ascii")))
def test_compression_round_trips_through_oletools(data: bytes) -> None:
    try:
        packed = compress(data)
    except ValueError:  # incompressible last chunk: never happens with VBA source text
        return
    assert decompress_stream(bytearray(packed)) == data


def test_compression_of_the_real_sources() -> None:
    for text in (xlwings_vba_source(), (MACROS_DIR / "NsclRibbon.bas").read_text()):
        data = text.replace("\n", "\r\n").encode("ascii")
        packed = compress(data)
        assert len(packed) < len(data)
        assert decompress_stream(bytearray(packed)) == data


# ----------------------------------------------------------------- install and CLI


def test_install_plan_and_files(addin: Path, tmp_path: Path) -> None:
    python = tmp_path / "venv" / "Scripts" / "pythonw.exe"
    plan = plan_install(
        xlstart=tmp_path / "XLSTART",
        config_dir=tmp_path / ".nscl1322",
        python=python,
    )
    assert plan.config["INTERPRETER_WIN"] == str(python)
    assert Path(plan.config["PYTHONPATH"], "xl", "button.py").exists()
    assert plan.config["UDF MODULES"] == "xl.udfs"
    apply_install(plan, addin)
    assert (tmp_path / "XLSTART" / f"{ADDIN_NAME}.xlam").read_bytes() == addin.read_bytes()
    text = (tmp_path / ".nscl1322" / f"{ADDIN_NAME}.conf").read_bytes().decode(plan.encoding)
    assert f'"INTERPRETER_WIN","{python}"' in text


def test_the_config_file_is_written_in_windows_ansi_code_page(addin: Path,
                                                              tmp_path: Path) -> None:
    """xlwings' VBA reads the file with ``Open … For Input``: the ANSI code page."""
    python = tmp_path / "Café" / "Scripts" / "pythonw.exe"  # é is in code page 1252
    plan = plan_install(xlstart=tmp_path / "x", config_dir=tmp_path / "c", python=python,
                        encoding="cp1252")
    apply_install(plan, addin)
    raw = plan.config_file.read_bytes()
    assert "Café".encode("cp1252") in raw and "Café".encode() not in raw


@pytest.mark.parametrize("where", ["python", "config_dir"])
def test_a_path_excel_cannot_read_is_refused_with_advice(tmp_path: Path, where: str) -> None:
    """Most Vietnamese letters are outside Windows' ANSI code page: xlwings' VBA would
    read "?" (config file, GetAttr, the DLL's command line). Refused before any change."""
    from xl.install import ConfigEncodingError

    vietnamese = tmp_path / "Nguyễn Văn An"
    kwargs: dict[str, Path] = {"xlstart": tmp_path / "x", "config_dir": tmp_path / "c",
                               "python": tmp_path / "venv" / "pythonw.exe"}
    kwargs["python" if where == "python" else "config_dir"] = vietnamese / "pythonw.exe"
    with pytest.raises(ConfigEncodingError) as refused:
        plan_install(encoding="cp1252", **kwargs)  # type: ignore[arg-type]
    message = str(refused.value)
    assert "ễ" in message and "không dấu" in message and "C:\\nscl\\.venv" in message


def test_the_cli_refuses_a_vietnamese_path_in_vietnamese(tmp_path: Path) -> None:
    from nscl.cli import app

    result = CliRunner().invoke(app, ["addin", "install", "--dry-run", "--xlstart",
                                      str(tmp_path / "x"), "--config-dir",
                                      str(tmp_path / "Người dùng")])
    assert result.exit_code == 2
    assert "không dấu" in result.output
    assert not (tmp_path / "x").exists()


def test_config_file_text_refuses_quotes() -> None:
    assert config_file_text({"A": "b"}) == '"A","b"\r\n'
    with pytest.raises(ValueError):
        config_file_text({"PYTHONPATH": 'C:\\a"b'})


def test_cli_build_and_dry_run_install(tmp_path: Path) -> None:
    from nscl.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["addin", "build", "--out", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / f"{ADDIN_NAME}.xlam").exists()
    result = runner.invoke(
        app,
        ["addin", "install", "--dry-run", "--xlstart", str(tmp_path / "x"),
         "--config-dir", str(tmp_path / "c")],
    )
    assert "--trust-vba-project" not in runner.invoke(app, ["addin", "install", "--help"]).output
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(
        app,
        ["addin", "install", "--xlstart", str(tmp_path / "x"), "--config-dir",
         str(tmp_path / "c"), "--addin", str(tmp_path / "dist" / f"{ADDIN_NAME}.xlam")],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / f"{ADDIN_NAME}.xlam").exists()
    assert os.path.exists(tmp_path / "c" / f"{ADDIN_NAME}.conf")


def test_install_without_appdata_says_what_to_give_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nscl.cli import app

    monkeypatch.delenv("APPDATA", raising=False)
    result = CliRunner().invoke(app, ["addin", "install", "--dry-run", "--config-dir",
                                      str(tmp_path / "c")])
    assert result.exit_code != 0
    assert "APPDATA" in result.output and "--xlstart" in result.output
    assert "is not set" not in result.output  # (it was an English message)


# ----------------------------------------------------------------- built into the add-in


def _config_sheet(addin: Path, tmp_path: Path) -> dict[str, str]:
    """The add-in's sheet nscl1322.conf (relabelled as .xlsm for openpyxl)."""
    from openpyxl import load_workbook

    relabelled = tmp_path / "conf.xlsm"
    with zipfile.ZipFile(addin) as src, zipfile.ZipFile(relabelled, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"addin.macroEnabled.main", b"sheet.macroEnabled.main")
            dst.writestr(info, data)
    sheet = load_workbook(relabelled)[f"{ADDIN_NAME}.conf"]
    return {str(row[0]): str(row[1]) for row in sheet.iter_rows(values_only=True)}


def test_the_addin_keeps_the_workbook_folder_off_pythons_path(addin: Path,
                                                              tmp_path: Path) -> None:
    """A stray openpyxl.py beside an agency's workbook must not be imported, and a
    workbook opened from OneDrive has a URL for a folder: xlwings' default (true) is
    turned off in the add-in's own sheet, which no user config file overrides."""
    config = _config_sheet(addin, tmp_path)
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert config["UDF MODULES"] == "xl.udfs"


def test_the_worksheet_functions_are_compiled_into_the_addin(addin: Path,
                                                             tmp_path: Path) -> None:
    """No "Import Functions" step, no access to the VBA project: the wrappers are in
    the add-in as built, and a rebuild keeps them."""
    from xl import udfs
    from xl.udf_vba import udf_module_source

    def strip(text: str) -> list[str]:
        return [line for line in text.replace("\r\n", "\n").split("\n")
                if line and not line.startswith("Attribute")]

    for built in (addin, build_addin(tmp_path / "again")):
        module = _modules(built)["xlwings_udfs"]
        assert strip(module) == strip(udf_module_source())
        for name in udfs.UDF_NAMES:
            assert re.search(rf"^Function {name}\(", module, re.MULTILINE), name
    ribbon = (MACROS_DIR / "customUI.xml").read_text(encoding="utf-8")
    assert "Nạp hàm" not in ribbon and "NapHam" not in ribbon
    assert "ImportPythonUDFs" not in _modules(addin)["NsclRibbon"]


def _vba_text(expression: str) -> str:
    """The value of the VBA string expressions NsclText builds (literals, ChrW, vbLf)."""
    out = []
    for part in re.findall(r'"(?:[^"]|"")*"|ChrW\(&H[0-9A-F]+\)|vbLf', expression):
        if part == "vbLf":
            out.append("\n")
        elif part.startswith("ChrW"):
            out.append(chr(int(part[7:-1], 16)))
        else:
            out.append(part[1:-1].replace('""', '"'))
    return "".join(out)


def test_the_vba_shows_its_own_messages_in_vietnamese(addin: Path) -> None:
    from xl.vba_text import MESSAGES

    module = _modules(addin)["NsclText"]
    assert module.isascii() and "MessageBoxW" in module
    for name, text in MESSAGES.items():
        body = module.split(f"Public Function {name}() As String", 1)[1].split("End Function")[0]
        statements = [line.split("=", 1)[1].removeprefix(" s &") for line in body.splitlines()
                      if line.strip().startswith("s =")]
        assert _vba_text(" & ".join(statements)) == text, name
    assert "Protected View" in MESSAGES["ProtectedView"]


def test_each_button_checks_for_a_workbook_before_running_python(addin: Path) -> None:
    """With no workbook open, or a file in Protected View, RunPython would stop on VBA
    error 91: the callback says what to do instead."""
    ribbon = _modules(addin)["NsclRibbon"]
    for sub in ("KiemTra", "ChuanHoa"):
        body = ribbon.split(f"Public Sub {sub}(", 1)[1].split("End Sub", 1)[0]
        assert body.index("WorkbookReady") < body.index("RunPython"), sub
    ready = ribbon.split("Private Function WorkbookReady", 1)[1].split("End Function")[0]
    assert "ActiveProtectedViewWindow Is Nothing" in ready
    assert "ActiveWorkbook Is Nothing" in ready
    assert "NsclText.ProtectedView()" in ready and "NsclText.NoWorkbook()" in ready


def test_xlwings_is_pinned_to_the_version_of_the_embedded_vba(addin: Path) -> None:
    """The embedded VBA loads xlwings64-<version>.dll from the Python environment: the
    pinned xlwings, the installed one and the DLL named in the VBA must agree."""
    import tomllib

    import xlwings

    root = Path(__file__).resolve().parent.parent
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "dependencies"]
    pins = [d for d in dependencies if d.startswith("xlwings")]
    assert pins == [f"xlwings=={xlwings.__version__}"]
    module = _modules(addin)["xlwings"]
    assert f'"xlwings64-{xlwings.__version__}.dll"' in module
    assert f'"xlwings32-{xlwings.__version__}.dll"' in module
    assert set(re.findall(r"xlwings(?:32|64)-([0-9.]+)\.dll", module)) == {xlwings.__version__}
