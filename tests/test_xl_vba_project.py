"""The add-in's VBA project has the shape of one Excel writes.

Nobody here can open Excel, so the built ``vbaProject.bin`` (ms-ovba, with our own
MS-OVBA compressor) is compared structurally with one saved by Excel: xlwings ships
``quickstart_addin_ribbon.xlam``, an add-in with a ribbon and xlwings' VBA module, as
Excel saved it. Compared ([MS-OVBA] sections in brackets):

- the OLE streams (2.2): the same, but for ``PROJECTwm``;
- the ``_VBA_PROJECT`` header (2.3.4.1): 0x61CC, version 0xFFFF, 0x00, and no
  performance cache (seven bytes) in both, so Excel compiles the source on opening;
- the ``dir`` stream's records (2.3.4.2): the project information records in the same
  order, each reference as Excel writes a registered type library, each module with the
  same records in the same order as Excel's modules of its kind;
- the ``PROJECT`` stream's keys (2.3.1), in Excel's order.

The differences, each allowed by [MS-OVBA] and explained where it is asserted:
``PROJECTwm`` is absent (optional, 2.2.1; our module names are ASCII, so the MBCS names
in ``dir`` are exact); the ``PROJECT`` stream has no ``VersionCompatible32`` (optional)
and no ``[Workspace]`` section (optional: the VBA editor's window positions);
``PROJECTSYSKIND`` is 3 (64-bit Windows) where Excel wrote 1 (32-bit): VBA recompiles
the source for the running Excel, the value says where the project was last compiled;
the project and module cookies are 0xFFFF (MS-OVBA: "MUST be 0xFFFF on write"; Excel
writes values of its own, which readers ignore); module offsets are 0 (no compiled
p-code before the source); Excel's project references MSForms too (a control
reference), ours stdole; Excel's sample has a class module, ours does not.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import decompress_stream

from xl.build import build_addin

Record = tuple[int, bytes]

PROJECTVERSION = 0x0009
REFERENCENAME = 0x0016
PROJECTMODULES = 0x000F
MODULENAME = 0x0019
MODULE_TERMINATOR = 0x002B
MODULETYPE_PROCEDURAL, MODULETYPE_DOCUMENT = 0x0021, 0x0022
OFFICE_LIBID = "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> olefile.OleFileIO:
    return _project(build_addin(tmp_path_factory.mktemp("addin")))


@pytest.fixture(scope="module")
def excel() -> olefile.OleFileIO:
    import xlwings

    saved = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    return _project(saved)


def _project(xlam: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(xlam) as package:
        return olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))


def _streams(ole: olefile.OleFileIO) -> set[str]:
    return {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}


def _records(ole: olefile.OleFileIO) -> list[Record]:
    """The ``dir`` stream's records: (id, data). Every record is id (2 bytes), size
    (4 bytes), data, but PROJECTVERSION (its size field is a reserved 4, then 6 bytes);
    a record's Unicode twin (reserved id, size, data) reads as a record of its own."""
    data = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    records: list[Record] = []
    at = 0
    while at < len(data):
        rid, size = struct.unpack_from("<HI", data, at)
        if rid == PROJECTVERSION:
            records.append((rid, data[at + 6:at + 12]))
            at += 12
            continue
        records.append((rid, data[at + 6:at + 6 + size]))
        at += 6 + size
    return records


def _sections(records: list[Record]) -> tuple[list[Record], list[list[Record]],
                                                list[list[Record]], list[Record]]:
    """(project information, references, modules, the rest: terminator)."""
    first_ref = next(i for i, (rid, _) in enumerate(records)
                     if rid in (REFERENCENAME, PROJECTMODULES))
    modules_at = next(i for i, (rid, _) in enumerate(records) if rid == PROJECTMODULES)
    references: list[list[Record]] = []
    for record in records[first_ref:modules_at]:
        # a reference starts with its name, but for a control reference's own extended
        # name, which follows its REFERENCECONTROL record (0x002F)
        if record[0] == REFERENCENAME and (not references or references[-1][-1][0] != 0x002F):
            references.append([])
        references[-1].append(record)
    modules: list[list[Record]] = []
    rest: list[Record] = []
    current: list[Record] | None = None
    for record in records[modules_at + 2:]:  # after PROJECTMODULES and PROJECTCOOKIE
        if record[0] == MODULENAME:
            current = []
            modules.append(current)
        if current is not None:
            current.append(record)
            if record[0] == MODULE_TERMINATOR:
                current = None
        else:
            rest.append(record)
    return records[:first_ref], references, modules, rest


def _ids(records: list[Record]) -> list[int]:
    return [rid for rid, _ in records]


def _name(module: list[Record]) -> str:
    return module[0][1].decode("cp1252")


def _kind(module: list[Record]) -> int:
    return next(rid for rid, _ in module if rid in (MODULETYPE_PROCEDURAL,
                                                    MODULETYPE_DOCUMENT))


def _project_keys(ole: olefile.OleFileIO) -> list[str]:
    text = ole.openstream("PROJECT").read().decode("cp1252")
    keys = []
    for line in text.split("\r\n"):
        if line.startswith("["):
            keys.append(line)
        elif "=" in line:
            keys.append(line.split("=", 1)[0])
    return keys


def test_the_same_ole_streams_but_projectwm(ours: olefile.OleFileIO,
                                             excel: olefile.OleFileIO) -> None:
    def shape(ole: olefile.OleFileIO) -> set[str]:
        modules = {_name(m) for m in _sections(_records(ole))[2]}
        return {("VBA/<module>" if s.split("/", 1)[-1] in modules else s)
                for s in _streams(ole)}

    assert shape(excel) - shape(ours) == {"PROJECTwm"}  # optional (MS-OVBA 2.2.1)
    assert shape(ours) - shape(excel) == set()
    # one stream per module, named as the dir stream says
    modules = [_name(m) for m in _sections(_records(ours))[2]]
    assert {f"VBA/{name}" for name in modules} == _streams(ours) - {
        "PROJECT", "VBA/dir", "VBA/_VBA_PROJECT"}
    assert {"xlwings", "xlwings_udfs", "NsclRibbon", "NsclText", "ThisWorkbook"} <= set(modules)


def test_the_vba_project_header_has_no_compiled_code(ours: olefile.OleFileIO,
                                                     excel: olefile.OleFileIO) -> None:
    for ole in (ours, excel):
        header = ole.openstream("VBA/_VBA_PROJECT").read()
        assert len(header) == 7  # no performance cache: Excel compiles the source
        reserved1, version, reserved2 = struct.unpack_from("<HHB", header)
        assert (reserved1, version, reserved2) == (0x61CC, 0xFFFF, 0x00)
        # the last two bytes are "undefined, MUST be ignored" (2.3.4.1): 1 and 3 here


def test_the_project_information_records_are_excels(ours: olefile.OleFileIO,
                                                    excel: olefile.OleFileIO) -> None:
    mine, theirs = _sections(_records(ours))[0], _sections(_records(excel))[0]
    assert _ids(mine) == _ids(theirs)
    fields = {rid: data for rid, data in mine}
    excel_fields = {rid: data for rid, data in theirs}
    assert fields[0x0003] == excel_fields[0x0003] == struct.pack("<H", 1252)  # code page
    assert fields[0x0002] == excel_fields[0x0002]  # LCID (1033)
    # PROJECTSYSKIND: 3 (64-bit) here, 1 (32-bit) in Excel's: VBA recompiles the
    # source for the Excel that opens it (no p-code is stored)
    assert struct.unpack("<I", fields[0x0001])[0] in (1, 3)


def test_references_are_registered_type_libraries_as_excel_writes_them(
    ours: olefile.OleFileIO, excel: olefile.OleFileIO,
) -> None:
    mine, theirs = _sections(_records(ours))[1], _sections(_records(excel))[1]
    registered = [ref for ref in theirs if 0x000D in _ids(ref)]
    assert registered  # Excel's Office reference; its MSForms one is a control reference
    for ref in mine:
        assert _ids(ref) == _ids(registered[0]) == [0x0016, 0x003E, 0x000D]
    office = [ref for ref in mine if OFFICE_LIBID.encode() in ref[-1][1]]
    assert office and OFFICE_LIBID.encode() in registered[0][-1][1]


def test_every_module_has_the_records_excel_writes_for_its_kind(
    ours: olefile.OleFileIO, excel: olefile.OleFileIO,
) -> None:
    excel_shapes = {_kind(m): _ids(m) for m in _sections(_records(excel))[2]
                    if not any(rid == 0x001C and data for rid, data in m)}
    modules = _sections(_records(ours))[2]
    assert {_kind(m) for m in modules} == {MODULETYPE_PROCEDURAL, MODULETYPE_DOCUMENT}
    for module in modules:
        assert _ids(module) == excel_shapes[_kind(module)], _name(module)
        fields = dict(module)
        assert fields[0x002C] == b"\xff\xff"  # MODULECOOKIE: 0xFFFF on write
        assert fields[0x0031] == b"\x00\x00\x00\x00"  # source at offset 0: no p-code
    assert _ids(_sections(_records(ours))[3]) == _ids(_sections(_records(excel))[3]) == [0x0010]


def test_the_project_stream_has_excels_keys_in_excels_order(
    ours: olefile.OleFileIO, excel: olefile.OleFileIO,
) -> None:
    mine, theirs = _project_keys(ours), _project_keys(excel)
    # Excel's extras: VersionCompatible32 and the VBA editor's window positions
    # ("[Workspace]" and one line per module), both optional; its sample has a class
    # module ("Class"). The module lines (ProjectItem) come in any order after ID.
    theirs = theirs[:theirs.index("[Workspace]")]
    items = {"Document", "Module", "Class"}

    def without_items(keys: list[str]) -> list[str]:
        return [key for key in keys if key not in items and key != "VersionCompatible32"]

    assert without_items(mine) == without_items(theirs)
    for keys in (mine, theirs):  # ID, then every module line, then the rest
        end = max(i for i, key in enumerate(keys) if key in items)
        assert keys[0] == "ID" and set(keys[1:end + 1]) <= items
    text = ours.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in text
    assert ("&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
            in excel.openstream("PROJECT").read().decode("cp1252"))
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in text
