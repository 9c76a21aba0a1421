"""Safe opening (nscl.reading): limits are checked before inflating or parsing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from nscl.reading import ReadFailure, ReadLimits, open_workbook, sniff

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
CLEAN = FIXTURES / "a_clean_ministry.xlsx"


def _failure(path: Path, limits: ReadLimits | None = None) -> ReadFailure:
    with pytest.raises(ReadFailure) as info:
        open_workbook(path, limits)
    return info.value


@pytest.mark.parametrize(
    ("name", "container"),
    [
        ("a_clean_ministry.xlsx", "zip"),
        ("a_errors.ods", "zip"),
        ("a_clean_ministry.xls", "ole"),
        ("hostile_encrypted.xlsx", "ole"),
        ("hostile_html.xls", "html"),
        ("hostile_text.xlsx", "text"),
        ("hostile_empty.xlsx", "empty"),
    ],
)
def test_sniff_reads_the_content_not_the_extension(name: str, container: str) -> None:
    assert sniff(FIXTURES / name) == container


def test_kinds_and_sheets() -> None:
    book = open_workbook(CLEAN)
    try:
        assert book.kind == "xlsx"
        assert [s.name for s in book.sheets] == ["DM de xuat 2026"]
        grid = book.read("DM de xuat 2026")
        assert grid[0][0] == "BỘ CÔNG THƯƠNG"  # absolute positions: row 1, column A
        assert grid[8][1].startswith("Hỗ trợ doanh nghiệp")
    finally:
        book.close()
    assert open_workbook(FIXTURES / "a_clean_ministry.xls").kind == "xls"
    assert open_workbook(FIXTURES / "a_errors.ods").kind == "ods"
    assert open_workbook(FIXTURES / "a_with_macro.xlsm").kind == "xlsm"


def test_member_count_limit(tmp_path: Path) -> None:
    failure = _failure(CLEAN, ReadLimits(max_zip_members=3))
    assert failure.code == "file-zip-bomb"


def test_total_uncompressed_limit(tmp_path: Path) -> None:
    failure = _failure(CLEAN, ReadLimits(max_uncompressed_bytes=1000))
    assert failure.code == "file-zip-bomb"


def test_file_size_limit() -> None:
    failure = _failure(CLEAN, ReadLimits(max_file_bytes=100))
    assert failure.code == "file-too-large"


def test_dtd_after_long_comment_is_still_found(tmp_path: Path) -> None:
    """The prolog is read up to the root element, however long the comments before it."""
    target = tmp_path / "padded.xlsx"
    head = b'<?xml version="1.0"?>\n<!--' + b" " * 50_000 + b"-->\n"
    head += b'<!DOCTYPE workbook [<!ENTITY a "x">]>'
    with zipfile.ZipFile(CLEAN) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = head + data
            dst.writestr(info, data)
    failure = _failure(target)
    assert failure.code == "file-xml-entities"
    assert failure.params["part"] == "xl/workbook.xml"


def test_docx_renamed_is_not_a_spreadsheet(tmp_path: Path) -> None:
    target = tmp_path / "cong_van.xlsx"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    failure = _failure(target)
    assert failure.code == "file-not-spreadsheet"


def test_corrupt_member_is_reported_not_raised(tmp_path: Path) -> None:
    data = bytearray(CLEAN.read_bytes())
    # Damage the compressed bytes of the first member, keep the central directory.
    for i in range(60, 400):
        data[i] ^= 0x5A
    target = tmp_path / "damaged.xlsx"
    target.write_bytes(bytes(data))
    assert _failure(target).code in ("file-corrupt", "file-not-spreadsheet")
