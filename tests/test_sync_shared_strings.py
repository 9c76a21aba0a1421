"""The master's shared strings are written by a fast path: the part must be the same,
byte for byte, as XlsxWriter writes, for every text that needs care."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable

import sync.shared_strings as shared_strings
from sync.shared_strings import MasterWorkbook

TRICKY = [
    "", " ", "a", "Nhiệm vụ năng suất", "Đào tạo & tư vấn <chuyên sâu> \"xanh\"",
    " đầu có dấu cách", "cuối có dấu cách ", "\tthụt đầu dòng", "xuống dòng\n",
    "hai\ndòng", "a \n", "\u00a0khoảng trắng không ngắt", "dấu cách hẹp\u202f",
    "_x0000_", "chữ_x41_gần", "có_x0041_thoát", "_x", "x_", "_X0041_", "_x00G1_",
    "ký tự điều khiển\x07", "\x00", "\x1f cuối", "\x0b", "\x0c", "\ufffe", "\uffff",
    "<r>giống văn bản định dạng</r>", "<r>chỉ mở", "đóng</r>", "😀 biểu tượng 😀",
    "=1+2", "&amp; đã thoát", "\r\n", "\u2028", "\u3000toàn khổ",
]


def _part(path: Path, workbook_class: type[xlsxwriter.Workbook], texts: list[str],
          rich: bool = False) -> bytes:
    wb = workbook_class(str(path))
    wb.set_properties({"created": datetime(2026, 3, 30, 19)})
    ws = wb.add_worksheet("Tổng hợp")
    fmt = wb.add_format({"border": 1})
    for r, text in enumerate(texts):
        ws.write_string(r, 0, text, fmt)
    if rich:
        bold = wb.add_format({"bold": True})
        ws.write_rich_string(len(texts), 0, "văn bản ", bold, "đậm", " thường")
    wb.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml")


@pytest.mark.parametrize("rich", [False, True], ids=["plain", "with-rich-text"])
def test_the_shared_strings_are_xlsxwriters_for_every_text_that_needs_care(
    tmp_path: Path, rich: bool
) -> None:
    texts = TRICKY * 3  # each met again: one entry, as XlsxWriter keeps it
    plain = _part(tmp_path / "plain.xlsx", xlsxwriter.Workbook, texts, rich)
    fast = _part(tmp_path / "fast.xlsx", MasterWorkbook, texts, rich)
    assert fast == plain
    assert b"_x005F_x0000_" in fast and b"_x0007_" in fast and b'xml:space="preserve"' in fast


def test_every_character_at_either_end_or_inside_is_written_as_xlsxwriter_writes() -> None:
    """The fast path's tests (``str.isspace`` for XlsxWriter's ``\\s``, the control
    characters) against XlsxWriter, for every character of the Basic Multilingual Plane
    but the surrogates."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    table = SharedStringTable()
    for ch in chars:
        for text in (ch + "a", "a" + ch, "a" + ch + "b"):
            table._get_shared_string_index(text)
    table._sort_string_data()
    parts = []
    for writer in (SharedStrings(), shared_strings._SharedStrings()):
        writer.string_table = table
        writer._set_filehandle(io.StringIO())
        writer._assemble_xml_file()
        parts.append(writer.fh.getvalue())
    assert parts[1] == parts[0]


def test_a_packager_without_the_expected_internals_leaves_the_part_to_xlsxwriter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _part(tmp_path / "plain.xlsx", xlsxwriter.Workbook, TRICKY)
    calls: list[str] = []
    original = Packager._write_shared_strings_file

    def xlsxwriters(self: Packager) -> None:
        calls.append("xlsxwriter")
        original(self)

    monkeypatch.setattr(Packager, "_write_shared_strings_file", xlsxwriters)
    assert _part(tmp_path / "fast.xlsx", MasterWorkbook, TRICKY) == plain
    assert calls == []
    monkeypatch.setattr(shared_strings, "_SHARED_STRINGS", ("_write_si", "gone"))
    assert _part(tmp_path / "old.xlsx", MasterWorkbook, TRICKY) == plain
    assert calls == ["xlsxwriter"]
