"""Safe opening (nscl.reading): limits are checked before inflating or parsing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from nscl.reading import ReadFailure, ReadLimits, _check_zip, open_workbook, sniff

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


def _lying_zip(path: Path, real_bytes: int, declared_bytes: int) -> None:
    """A valid-looking .xlsx whose worksheet member declares far fewer bytes than it holds."""
    with zipfile.ZipFile(CLEAN) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * real_bytes)
    data = bytearray(path.read_bytes())
    name = b"xl/media/padding.bin"
    # Patch the uncompressed size in the local header and in the central directory entry.
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_offset:start + name_offset + len(name)] == name:
                size = declared_bytes.to_bytes(4, "little")
                data[start + size_offset:start + size_offset + 4] = size
            start += 4
    path.write_bytes(bytes(data))


def test_member_larger_than_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lying.xlsx"
    _lying_zip(path, real_bytes=40 * 1024 * 1024, declared_bytes=4096)
    limits = ReadLimits(max_uncompressed_bytes=8 * 1024 * 1024, ratio_min_bytes=1024 * 1024)
    with zipfile.ZipFile(path) as zf:  # the directory claims a tiny member: it passes
        assert zf.getinfo("xl/media/padding.bin").file_size == 4096
        _check_zip(zf, limits)  # the directory-only checks
    failure = _failure(path, limits)
    assert failure.code == "file-zip-bomb"


def test_honest_large_member_passes_the_declared_size_check(tmp_path: Path) -> None:
    path = tmp_path / "honest.xlsx"
    _lying_zip(path, real_bytes=4 * 1024 * 1024, declared_bytes=4 * 1024 * 1024)
    # Small enough a limit that the member is inflated once to verify its size.
    limits = ReadLimits(max_uncompressed_bytes=5 * 1024 * 1024, max_compression_ratio=1e9)
    book = open_workbook(path, limits)
    book.close()


class PanicException(BaseException):
    """What PyO3 raises when the Rust reader panics (a BaseException, by its name)."""


class _PanickingBook:
    def get_sheet_by_name(self, name: str) -> None:
        raise PanicException("index out of bounds")


def test_a_panic_in_the_reader_is_a_read_failure_not_a_crash() -> None:
    from nscl.reading import Workbook

    book = Workbook(path=CLEAN, kind="xlsx", sheets=[], _book=_PanickingBook())
    with pytest.raises(ReadFailure) as info:
        book.read("Trang 1")
    assert info.value.code == "file-corrupt"
    assert "PanicException" in info.value.params["reason"]
    assert book.merged_ranges("Trang 1") == []


def test_an_interrupt_still_goes_through_the_reader() -> None:
    from nscl.reading import Workbook

    class Interrupting:
        def get_sheet_by_name(self, name: str) -> None:
            raise KeyboardInterrupt

    book = Workbook(path=CLEAN, kind="xlsx", sheets=[], _book=Interrupting())
    with pytest.raises(KeyboardInterrupt):
        book.read("Trang 1")


def test_an_xml_part_declaring_an_unknown_encoding_is_a_corrupt_file(tmp_path: Path) -> None:
    """Found by fuzzing: content.xml of an .ods saying encoding="ZZZZ1" made the XML
    parser raise LookupError, reported as an internal error of nscl."""
    source = FIXTURES / "a_errors.ods"
    target = tmp_path / "enc.ods"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "content.xml":
                data = data.replace(b'encoding="UTF-8"', b'encoding="ZZZZ1"', 1)
                assert b"ZZZZ1" in data
            zout.writestr(item, data, compress_type=zipfile.ZIP_STORED
                          if item.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    failure = _failure(target)
    assert failure.code == "file-corrupt"
    assert "LookupError" in failure.params["reason"]


@pytest.mark.parametrize(("head", "container", "says"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "tệp PDF"),
    (b"Rar!\x1a\x07\x01\x00" + bytes(40), "archive", "tệp nén RAR hoặc 7z"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40), "archive", "tệp nén RAR hoặc 7z"),
])
def test_what_agencies_send_instead_of_a_spreadsheet_is_named(
    tmp_path: Path, head: bytes, container: str, says: str,
) -> None:
    """A signed PDF or a compressed folder in place of the table: the reason says which,
    not "a text file or another format"."""
    path = tmp_path / "De xuat.xlsx"
    path.write_bytes(head)
    assert sniff(path) == container
    failure = _failure(path)
    assert failure.code == "file-not-spreadsheet" and says in failure.params["reason"]


def test_a_zip_holding_the_spreadsheet_says_to_unpack_it(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "Ho so Nghe An.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(CLEAN, "Ho so/De xuat 2027.xlsx")
        zf.writestr("Ho so/Cong van.pdf", b"%PDF-1.7")
    failure = _failure(path)
    assert failure.code == "file-not-spreadsheet"
    assert "«De xuat 2027.xlsx»" in failure.params["reason"]
    assert "giải nén" in failure.params["reason"]
