"""Build the Excel add-in ``nscl1322.xlam`` from the reviewed text in ``macros/``.

Pieces:

- the VBA project (``xl/vbaProject.bin``), compiled from source by the ``ms-ovba``
  package: the ``.bas`` modules of ``macros/``; xlwings' own VBA module for custom
  add-ins (``xlwings_custom_addin.bas``, shipped in the xlwings package, with its
  ``PROJECT_NAME`` set to ``nscl1322`` so that it reads the config sheet
  ``nscl1322.conf`` and the file ``%USERPROFILE%\\.nscl1322\\nscl1322.conf``); and two
  modules generated here: ``xlwings_udfs`` (the worksheet functions' wrappers,
  :mod:`xl.udf_vba`: they work with no "Import Functions" step and no access to the VBA
  project on the user's PC, and every build has them) and ``NsclText`` (the Vietnamese
  messages the VBA shows itself, :mod:`xl.vba_text`). References: stdole and the
  Microsoft Office Object Library (for ``IRibbonControl``). The project has no compiled
  p-code: Excel compiles the source when it opens the add-in;
- the workbook part (XlsxWriter): one config sheet ``nscl1322.conf`` (xlwings settings
  that are the same on every PC, :data:`CONFIG_ROWS`; the add-in's sheet takes
  precedence over the config files);
- the ribbon (``macros/customUI.xml``), added as the package's UI extensibility part,
  and the content type of an add-in (``.xlam``).

The result is checked by the tests with oletools (every ribbon callback exists as a Sub
of the VBA project) and by opening it in LibreOffice.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

__all__ = [
    "ADDIN_NAME",
    "CONFIG_ROWS",
    "MACROS_DIR",
    "BuildError",
    "build_addin",
    "build_vba_project",
    "generated_vba_sources",
    "ribbon_callbacks",
    "xlwings_vba_source",
]

ADDIN_NAME = "nscl1322"


def _macros_dir() -> Path:
    """The add-in's VBA text: ``macros/`` of a checkout (editable install), else the copy
    a wheel ships as ``xl/macros``."""
    checkout = Path(__file__).resolve().parent.parent / "macros"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "macros"


MACROS_DIR = _macros_dir()
# xlwings settings stored in the add-in itself (per-PC settings go to the user config file).
# ADD_WORKBOOK_TO_PYTHONPATH off: by default xlwings puts the active workbook's folder first
# on Python's path, so that a stray openpyxl.py beside an agency's workbook would be
# imported instead of the real one, and a workbook opened from OneDrive/SharePoint has a
# URL for a path.
CONFIG_ROWS: tuple[tuple[str, str], ...] = (
    ("UDF MODULES", "xl.udfs"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
)

_MAIN_TYPE_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_MAIN_TYPE_XLAM = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
_UI_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
_PROJECT_ID = "{6B1E6C4E-1322-4C7A-9D13-4E5C4C313322}"
_OFFICE_TLB = r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
_ON_ACTION = re.compile(r'onAction="([^"]+)"')


class BuildError(RuntimeError):
    """The add-in could not be built (missing sources or tools)."""


def xlwings_vba_source() -> str:
    """xlwings' VBA module for custom add-ins, named for this add-in."""
    import xlwings

    path = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
    if not path.exists():
        raise BuildError(f"thiếu mô-đun VBA của xlwings: {path}")
    text = path.read_text(encoding="ascii")
    renamed = text.replace(
        'Public Const PROJECT_NAME As String = "myaddin"',
        f'Public Const PROJECT_NAME As String = "{ADDIN_NAME}"',
    )
    if renamed == text:
        raise BuildError("mô-đun VBA của xlwings không có hằng PROJECT_NAME để đặt")
    return renamed


def ribbon_callbacks(custom_ui: str) -> list[str]:
    """The ``onAction`` callbacks ("Module.Sub") named in a customUI document."""
    return _ON_ACTION.findall(custom_ui)


def generated_vba_sources() -> list[tuple[str, str]]:
    """The VBA modules written at build time: the worksheet functions' wrappers
    (``xlwings_udfs``) and the VBA's own Vietnamese messages (``NsclText``)."""
    from xl.udf_vba import VBA_MODULE_NAME as UDF_MODULE_NAME
    from xl.udf_vba import UdfWrapperError, udf_module_source
    from xl.vba_text import VBA_MODULE_NAME as TEXT_MODULE_NAME
    from xl.vba_text import nscl_text_module

    try:
        udfs = udf_module_source()
    except UdfWrapperError as exc:
        raise BuildError(f"không tạo được mô-đun hàm trang tính: {exc}") from exc
    return [(UDF_MODULE_NAME, udfs), (TEXT_MODULE_NAME, nscl_text_module())]


def _vba_sources(macros_dir: Path) -> list[tuple[str, str]]:
    sources = [("xlwings", xlwings_vba_source())]
    found = 0
    for path in sorted(macros_dir.glob("*.bas")):
        text = path.read_text(encoding="utf-8")
        sources.append((path.stem, text))
        found += 1
    if not found:
        raise BuildError(f"không có mô-đun .bas nào trong {macros_dir}")
    sources += generated_vba_sources()
    for name, text in sources:
        if not text.isascii():
            raise BuildError(f"{name}: VBA source must be ASCII (VBA reads it as cp1252)")
    return sources


def build_vba_project(sources: Sequence[tuple[str, str]], work_dir: Path) -> Path:
    """Compile VBA modules (name, source) into ``work_dir``/vbaProject.bin with ms-ovba."""
    try:
        import ms_ovba
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise BuildError("cần gói ms-ovba: pip install ms-ovba") from exc

    work_dir.mkdir(parents=True, exist_ok=True)
    blank = Path(ms_ovba.__file__).parent / "blank_files"
    with _spec_compression():
        return _write_project(sources, work_dir, blank)


@contextlib.contextmanager
def _spec_compression() -> Iterator[None]:
    """Make ms-ovba compress with :mod:`xl.ovba_compression` (its own compressor is buggy)."""
    import ms_ovba.Models.Entities.doc_module as doc_module
    import ms_ovba.Models.Entities.module_base as module_base
    import ms_ovba.Views.dirStream as dir_stream

    from xl.ovba_compression import OvbaCompressor

    modules = (doc_module, module_base, dir_stream)
    saved = [(module, module.MsOvba) for module in modules]
    try:
        for module in modules:
            module.MsOvba = OvbaCompressor
        yield
    finally:
        for module, original in saved:
            module.MsOvba = original


def _write_project(sources: Sequence[tuple[str, str]], work_dir: Path, blank: Path) -> Path:
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    project = VbaProject()
    project.project_id = _PROJECT_ID
    # ms-ovba writes every intermediate file into the working directory.
    with contextlib.chdir(work_dir):
        for name, guid in (
            ("ThisWorkbook", "0002081900000000C000000000000046"),
            ("Sheet1", "0002082000000000C000000000000046"),
        ):
            shutil.copyfile(blank / f"{name}.cls", work_dir / f"{name}.cls")
            doc = DocModule(name)
            doc.add_file(str(work_dir / f"{name}.cls"))
            doc.add_guid(uuid.UUID(guid))
            doc.normalize_file()
            project.add_module(doc)
        for name, text in sources:
            path = work_dir / f"{name}.bas"
            path.write_text(text, encoding="ascii")
            module = StdModule(name)
            module.add_file(str(path))
            module.normalize_file()
            project.add_module(module)
        for libid, version, location, description, ref_name in (
            ("0002043000000000C000000000000046", "2.0",
             r"C:\Windows\System32\stdole2.tlb", "OLE Automation", "stdole"),
            ("2DF8D04C5BFA101BBDE500AA0044DE52", "2.0",
             _OFFICE_TLB, "Microsoft Office 16.0 Object Library", "Office"),
        ):
            libid_ref = LibidReference(uuid.UUID(libid), version, "0", location, description)
            project.add_reference(Reference(ReferenceRegistered(libid_ref), ref_name))
        ProjectOleFile.write_file(project)
    result = work_dir / "vbaProject.bin"
    if not result.exists():
        raise BuildError("ms-ovba không tạo ra vbaProject.bin")
    return result


def _write_workbook(path: Path, vba_project: Path, config: Iterable[tuple[str, str]]) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet(f"{ADDIN_NAME}.conf")
    for row, (key, value) in enumerate(config):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 40)
    workbook.set_vba_name("ThisWorkbook")
    sheet.set_vba_name("Sheet1")
    workbook.add_vba_project(str(vba_project))
    workbook.set_properties({"title": "NSCL 1322", "comments": "Add-in Excel của nscl"})
    workbook.close()


def _to_addin(xlsm: Path, custom_ui: str, target: Path) -> None:
    """Rewrite an .xlsm package as an .xlam with the ribbon part."""
    with zipfile.ZipFile(xlsm) as src, zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                if _MAIN_TYPE_XLSM not in text:
                    raise BuildError("phần [Content_Types] của tệp XlsxWriter tạo ra không"
                                     " như dự kiến")
                data = text.replace(_MAIN_TYPE_XLSM, _MAIN_TYPE_XLAM).encode("utf-8")
            elif info.filename == "_rels/.rels":
                text = data.decode("utf-8")
                rel = (
                    f'<Relationship Id="rIdNsclUI" Type="{_UI_REL_TYPE}" '
                    'Target="customUI/customUI.xml"/>'
                )
                data = text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
            dst.writestr(info.filename, data)
        dst.writestr("customUI/customUI.xml", custom_ui.encode("utf-8"))


def build_addin(out_dir: Path, *, macros_dir: Path | None = None) -> Path:
    """Build ``out_dir``/nscl1322.xlam from ``macros/`` and return its path."""
    macros = Path(macros_dir or MACROS_DIR)
    ui_path = macros / "customUI.xml"
    if not ui_path.exists():
        raise BuildError(f"thiếu mô tả ribbon {ui_path}")
    custom_ui = ui_path.read_text(encoding="utf-8")
    if not ribbon_callbacks(custom_ui):
        raise BuildError(f"{ui_path.name} names no onAction callback")
    sources = _vba_sources(macros)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{ADDIN_NAME}.xlam"
    with tempfile.TemporaryDirectory(prefix="nscl-addin-") as tmp:
        work = Path(tmp)
        vba = build_vba_project(sources, work / "vba")
        xlsm = work / f"{ADDIN_NAME}.xlsm"
        _write_workbook(xlsm, vba, CONFIG_ROWS)
        partial = work / f"{ADDIN_NAME}.xlam"
        _to_addin(xlsm, custom_ui, partial)
        shutil.copyfile(partial, target)
    return target
