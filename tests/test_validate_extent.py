"""Sheets that reach too far: refused before python-calamine builds their grid.

A value typed in XFD1048576 of a 7 KB workbook made the reader ask for 17 billion
cells and abort the whole process (validation, the add-in, the nightly run). The reach of
each sheet is now measured on the file first; these tests check it against the reader's
own idea of the sheet (for sheets small enough to load) and that a far cell is refused
with the sheet and the cell named, while the other sheets are still read.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from nscl.extent import SheetReach, cell_ref, ods_reaches, xlsx_reaches
from nscl.reading import ReadFailure, ReadLimits, open_workbook
from nscl.validation import validate_path
from sync.config import SyncConfig
from sync.demo_data import generate_tasks, write_submission
from sync.run import run_sync

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Trang một" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xlsx(sheet_data: str, *, prefix: str = "") -> bytes:
    """A minimal one-sheet .xlsx whose sheetData is ``sheet_data``."""
    tag = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><{tag}worksheet {xmlns}>'
             f"<{tag}sheetData>{sheet_data}</{tag}sheetData></{tag}worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _reach(data: bytes) -> SheetReach | None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/")]
        return xlsx_reaches(zf, sheets, 0).get("Trang một")


def _calamine_reach(path: Path) -> SheetReach:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    grid = sheet.to_python(skip_empty_area=False)
    return SheetReach(len(grid), max((len(r) for r in grid), default=0))


def _v(ref: str, value: int = 1) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


SHEETS = {
    "referenced": f'<row r="1">{_v("A1")}{_v("C1")}</row><row r="7">{_v("B7")}</row>',
    "formatted far cell": f'<row r="1">{_v("A1")}</row><row r="900">'
                          '<c r="AZ900" s="1"/></row>',
    "empty value element": f'<row r="2">{_v("B2")}<c r="H40"></c></row>',
    "implied cells": '<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>'
                     '<row/><row><c t="inlineStr"><is><t>x</t></is></c></row>',
    "implied after reference": f'<row r="3">{_v("D3")}<c><v>5</v></c></row>',
    "reference not first": '<row r="2"><c s="0" r="E2"><v>1</v></c></row>',
    "formula": '<row r="5"><c r="F5"><f>1+1</f><v>2</v></c></row>',
}


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_reach_is_what_the_reader_builds(name: str, tmp_path: Path) -> None:
    data = _xlsx(SHEETS[name])
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(data)
    assert _reach(data) == _calamine_reach(path)


def test_reach_with_a_namespace_prefix() -> None:
    data = _xlsx('<x:row r="4"><x:c r="K4"><x:v>1</x:v></x:c></x:row>', prefix="x")
    assert _reach(data) == SheetReach(4, 11)


def test_cell_references() -> None:
    assert [cell_ref(1, 1), cell_ref(12, 26), cell_ref(3, 27), cell_ref(1048576, 16384)] == [
        "A1", "Z12", "AA3", "XFD1048576"]


def test_far_value_is_refused_with_its_sheet_and_cell(tmp_path: Path) -> None:
    path = tmp_path / "xa.xlsx"
    path.write_bytes(_xlsx(f'<row r="1">{_v("A1")}</row><row r="1048576">'
                           f'{_v("XFD1048576")}</row>'))
    book = open_workbook(path)
    try:
        assert book.oversized == {"Trang một": SheetReach(1048576, 16384)}
        with pytest.raises(ReadFailure) as info:
            book.read("Trang một")
        assert info.value.code == "sheet-too-large"
        assert info.value.params["sheet"] == "Trang một"
        assert info.value.params["cell"] == "XFD1048576"
        assert book.merged_ranges("Trang một") == []
    finally:
        book.close()


def test_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "vua.xlsx"
    path.write_bytes(_xlsx(f'<row r="30">{_v("J30")}</row>'))
    assert open_workbook(path).oversized == {}
    assert open_workbook(path, ReadLimits(max_sheet_cells=299)).oversized == {
        "Trang một": SheetReach(30, 10)}


def _submission(path: Path) -> None:
    write_submission(path, agency_code="bo-y-te", year=2027, tasks=generate_tasks(3, seed=1))


def test_formatting_far_away_does_not_count(tmp_path: Path) -> None:
    path = tmp_path / "dinh-dang.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["XFD1048576"].font = Font(bold=True)
    wb.save(path)
    report = validate_path(path, year=2027)
    assert report.valid and len(report.rows) == 3


def test_far_value_in_another_sheet_leaves_the_table_readable(tmp_path: Path) -> None:
    path = tmp_path / "trang-phu.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Nháp")["XFD1048576"] = "gõ nhầm"
    wb.save(path)
    report = validate_path(path, year=2027)
    assert report.readable and report.form == "A" and len(report.rows) == 3
    far = [p for p in report.problems if p.code == "sheet-too-large"]
    assert [(p.sheet, p.cell) for p in far] == [("Nháp", "XFD1048576")]


def test_far_value_in_the_table_sheet_makes_the_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "bang.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    sheet["XFD1048576"] = "x"
    wb.save(path)
    report = validate_path(path, year=2027)
    assert not report.readable
    assert [p.code for p in report.errors] == ["sheet-too-large"]
    assert report.errors[0].sheet == sheet.title


def _ods(content_body: str) -> bytes:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="{office}" xmlns:table="{table}" xmlns:text="{text}" '
        f'office:version="1.2"><office:body><office:spreadsheet>{content_body}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_cell(text: str, repeat: int = 1) -> str:
    return (f'<table:table-cell table:number-columns-repeated="{repeat}" '
            f'office:value-type="string"><text:p>{text}</text:p></table:table-cell>')


def test_ods_reach_counts_repeated_cells_and_rows(tmp_path: Path) -> None:
    body = (
        '<table:table table:name="Nhỏ"><table:table-row>'
        f'{_ods_cell("a")}<table:table-cell table:number-columns-repeated="3"/>'
        f'{_ods_cell("b", 2)}</table:table-row>'
        '<table:table-row table:number-rows-repeated="4"><table:table-cell/></table:table-row>'
        f'<table:table-row table:number-rows-repeated="2">{_ods_cell("c")}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>'
        '<table:table table:name="Xa"><table:table-row table:number-rows-repeated="1048576">'
        f'{_ods_cell("x", 16384)}</table:table-row></table:table>'
    )
    data = _ods(body)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert ods_reaches(zf, 0)["Nhỏ"] == SheetReach(7, 6)
        assert ods_reaches(zf, 2_000_000) == {"Xa": SheetReach(1048576, 16384)}
    path = tmp_path / "xa.ods"
    path.write_bytes(data)
    report = validate_path(path)
    assert not report.readable
    assert [(p.code, p.sheet, p.cell) for p in report.errors] == [
        ("sheet-too-large", "Xa", "XFD1048576")]


def test_small_ods_reach_matches_the_reader(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "validate" / "a_errors.ods"
    with zipfile.ZipFile(fixture) as zf:
        reaches = ods_reaches(zf, 0)
    book = CalamineWorkbook.from_path(str(fixture))
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        expected = SheetReach(len(grid), max((len(r) for r in grid), default=0))
        assert reaches[name] == expected, name


def test_validate_command_survives_a_far_value(tmp_path: Path) -> None:
    # Before: the reader aborted the process (exit 134) on this 7 KB file.
    path = tmp_path / "xa.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["XFD1048576"] = "x"
    wb.save(path)
    out = subprocess.run(
        [sys.executable, "-c", "from nscl.cli import main; main()", "validate", str(path),
         "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=120,
    )
    assert out.returncode == 1, out.stderr
    assert '"sheet-too-large"' in out.stdout


def test_nightly_run_of_a_single_far_file_rejects_it_and_completes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = inbox / "Bo Y te.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["XFD1048576"] = "x"
    wb.save(path)
    # One file, one worker: validated in the run's own process.
    config = SyncConfig(inbox=inbox, master=tmp_path / "out" / "m.xlsx",
                        state=tmp_path / "state", year=2027, workers=1,
                        expected=("bo-y-te",))
    outcome = run_sync(config)
    assert outcome.master_written
    assert [(r["file"], r["code"]) for r in outcome.result["rejected"]] == [
        ("Bo Y te.xlsx", "sheet-too-large")]


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_quick_bound_never_passes_a_sheet_over_the_limit(name: str) -> None:
    from nscl.extent import _exact_reach, _quick_within

    with zipfile.ZipFile(io.BytesIO(_xlsx(SHEETS[name]))) as zf:
        part = zf.read("xl/worksheets/sheet1.xml")
    exact = _exact_reach(part)
    assert not _quick_within(part, exact.cells - 1)


def test_quick_bound_on_a_real_submission(tmp_path: Path) -> None:
    from nscl.extent import _exact_reach, _quick_within

    path = tmp_path / "that.xlsx"
    _submission(path)
    with zipfile.ZipFile(path) as zf:
        part = zf.read("xl/worksheets/sheet1.xml")
    exact = _exact_reach(part)
    assert exact == _calamine_reach(path)
    assert _quick_within(part, 2_000_000)  # the common case takes the quick path
    assert not _quick_within(part, exact.cells - 1)


def test_the_template_s_own_attributes_do_not_widen_the_quick_bound(tmp_path: Path) -> None:
    """The template's data validations say error="NSNN: …": no column NS, NSN … for the
    quick bound, which would then count every reference of the sheet (tens of ms on a
    big table)."""
    from nscl.extent import _THREE_LETTER_COLUMN, _TWO_LETTER_COLUMN

    path = tmp_path / "that.xlsx"
    _submission(path)
    with zipfile.ZipFile(path) as zf:
        part = zf.read("xl/worksheets/sheet1.xml")
    assert b'error="NSNN' in part
    assert _TWO_LETTER_COLUMN.search(part) is None
    assert _THREE_LETTER_COLUMN.search(part) is None


@pytest.mark.parametrize("ref", ["A99999999", "AAAA2000", "xfd1048576"])
def test_out_of_range_references_are_not_overlooked(ref: str) -> None:
    from nscl.extent import _exact_reach, _quick_within

    data = _xlsx(f'<row r="1">{_v("A1")}{_v(ref)}</row>')
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = zf.read("xl/worksheets/sheet1.xml")
    assert not _quick_within(part, 2_000_000)
    assert _exact_reach(part).cells > 2_000_000


_XLS = Path(__file__).parent / "fixtures" / "validate" / "a_clean_ministry.xls"


def _ole_stream(path: Path) -> bytes:
    import olefile  # type: ignore[import-untyped]

    with olefile.OleFileIO(str(path)) as ole:
        return bytes(ole.openstream("Workbook").read())


def test_xls_reach_matches_the_reader() -> None:
    from nscl.extent import xls_reaches

    reaches = xls_reaches(_ole_stream(_XLS), 0)
    book = CalamineWorkbook.from_path(str(_XLS))
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        assert reaches[name] == SheetReach(len(grid), max((len(r) for r in grid), default=0))


def _xls_with_cell_moved(tmp_path: Path, row: int, col: int) -> Path:
    """The fixture with its last text cell (LABELSST record) moved to (row, col), 0-based;
    the stream keeps its size, so the OLE container is rewritten in place."""
    import olefile

    path = tmp_path / "xa.xls"
    path.write_bytes(_XLS.read_bytes())
    data = bytearray(_ole_stream(path))
    pos, last = 0, None
    while pos + 4 <= len(data):
        kind = int.from_bytes(data[pos:pos + 2], "little")
        size = int.from_bytes(data[pos + 2:pos + 4], "little")
        if kind == 0x00FD:
            last = pos
        pos += 4 + size
    assert last is not None
    data[last + 4:last + 8] = row.to_bytes(2, "little") + col.to_bytes(2, "little")
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        ole.write_stream("Workbook", bytes(data))
    return path


@pytest.mark.parametrize(("row", "col", "cell"), [
    (65535, 255, "IV65536"),
    (65535, 65535, "CRXP65536"),  # beyond the format's 256 columns: still placed
])
def test_far_value_in_an_xls_is_refused(tmp_path: Path, row: int, col: int, cell: str) -> None:
    path = _xls_with_cell_moved(tmp_path, row, col)
    report = validate_path(path)
    assert not report.readable
    assert [(p.code, p.sheet, p.cell) for p in report.errors] == [
        ("sheet-too-large", "DM de xuat 2026", cell)]


def test_cell_elements_counts_what_openpyxl_holds(tmp_path: Path) -> None:
    from nscl.extent import cell_elements

    path = tmp_path / "mau.xlsx"
    _submission(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["Z90"].font = Font(italic=True)  # a formatted-only cell counts
    wb.save(path)
    # openpyxl also holds a placeholder for each cell a merge covers that the file does
    # not store (the official template's header block is merged): those aside, it holds
    # exactly the cell elements counted.
    loaded = openpyxl.load_workbook(path).worksheets
    held = sum(len(ws._cells) for ws in loaded)
    placeholders = sum(type(cell).__name__ == "MergedCell" for ws in loaded
                       for cell in ws._cells.values())
    stored = sum(type(cell).__name__ == "MergedCell" and cell.has_style for ws in loaded
                 for cell in ws._cells.values())
    assert cell_elements(path) == held - placeholders + stored


def test_cell_elements_across_read_chunks(tmp_path: Path) -> None:
    # A worksheet part of several megabytes is read in 1 MB chunks: no tag may be
    # counted twice or lost at a boundary.
    from nscl.extent import cell_elements

    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCDEFG")
                   + "</row>" for r in range(1, 60_001))
    path = tmp_path / "lon.xlsx"
    path.write_bytes(_xlsx(rows))
    assert cell_elements(path) == 7 * 60_000


def _xlsx_at(part: str, target: str, sheet_data: str) -> bytes:
    """A one-sheet .xlsx whose worksheet is stored as ``part`` (relationship ``target``)."""
    data = _xlsx(sheet_data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            content = src.read(info)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = part
            elif name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"worksheets/sheet1.xml", target.encode())
            elif name == "[Content_Types].xml":
                content = content.replace(b"/xl/worksheets/sheet1.xml", f"/{part}".encode())
            out.writestr(name, content)
    return buffer.getvalue()


def test_a_worksheet_stored_under_another_name_is_measured_too(tmp_path: Path) -> None:
    # The workbook's relationships may point anywhere: the reader follows them, so the
    # reach check finds worksheets by their content, not by their folder.
    near = tmp_path / "gan.xlsx"
    near.write_bytes(_xlsx_at("xl/khac/trang.bin", "khac/trang.bin", _v("C3")))
    assert _calamine_reach(near) == SheetReach(3, 3)  # the reader does follow it
    far = tmp_path / "xa.xlsx"
    far.write_bytes(_xlsx_at("xl/khac/trang.bin", "khac/trang.bin",
                             f'<row r="1">{_v("A1")}{_v("XFD1048576")}</row>'))
    book = open_workbook(far)
    try:
        with pytest.raises(ReadFailure) as info:
            book.read("Trang một")
        assert (info.value.code, info.value.params["cell"]) == ("sheet-too-large",
                                                                "XFD1048576")
    finally:
        book.close()
