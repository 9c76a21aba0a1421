"""Legacy encodings TCVN3 (ABC) and VNI-Windows (nscl.legacy)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from typing import Any

import pytest

from nscl.legacy import (
    LegacyEncoding,
    convert_legacy,
    detect_legacy,
    encode_legacy,
    to_unicode,
)

SENTENCES = [
    "Bộ Khoa học và Công nghệ",
    "Hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng hóa",
    "Tổ chức chủ trì: Trung tâm Năng suất Việt Nam",
    "Đào tạo chuyên gia năng suất cho doanh nghiệp vừa và nhỏ",
    "Xây dựng tiêu chuẩn quốc gia về sản phẩm halal, chíp bán dẫn",
    "Nguyễn Thị Hường, giữa tháng mười hai",
    "Thời gian thực hiện: 24 tháng",
    "Tuyên Quang, Khánh Hòa, Quảng Ngãi, Thừa Thiên Huế",
    "Ứng dụng công cụ cải tiến năng suất, giảm phát thải khí nhà kính",
    "Hà Nội",
]


def _tcvn3_expected(sentence: str) -> str:
    """TCVN3 has no toned capitals (only Ă Â Ê Ô Ơ Ư Đ): they come back lowercase."""
    return "".join(
        ch.lower() if ch.isupper() and not ch.isascii() and ch not in "ĂÂÊÔƠƯĐ" else ch
        for ch in sentence
    )


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_round_trip_and_detection(sentence: str, encoding: LegacyEncoding) -> None:
    legacy = encode_legacy(sentence, encoding)
    expected = _tcvn3_expected(sentence) if encoding == "tcvn3" else sentence
    assert legacy != sentence
    assert detect_legacy(legacy) == encoding
    assert convert_legacy(legacy, encoding) == expected
    assert to_unicode(legacy) == expected
    assert encode_legacy(expected, encoding) == legacy


def test_known_tcvn3_and_vni_spellings() -> None:
    assert convert_legacy("Bé Khoa häc vµ C«ng nghÖ", "tcvn3") == "Bộ Khoa học và Công nghệ"
    assert convert_legacy("Boä Khoa hoïc vaø Coâng ngheä", "vni") == "Bộ Khoa học và Công nghệ"
    assert convert_legacy("Ñaøo taïo", "vni") == "Đào tạo"


def test_capital_fonts_give_capitals() -> None:
    # ".VnTimeH" draws lowercase codes as capitals: text without lowercase letters.
    assert to_unicode("ñY BAN NH¢N D¢N TØNH NGHÖ AN") == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
    assert to_unicode("UÛY BAN NHAÂN DAÂN TÆNH NGHEÄ AN") == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"


@pytest.mark.parametrize(
    "text",
    [
        "Bộ Khoa học và Công nghệ",
        "Cà phê",
        "Hôm nay",
        "Nestlé Việt Nam",
        "Kích thước 10×20 cm",
        "Mức tăng ±5%",
        "Café «ngon»",
        "plain ascii",
        "",
    ],
)
def test_unicode_text_is_not_legacy(text: str) -> None:
    assert detect_legacy(text) is None
    assert to_unicode(text) == text


def test_nfd_input_is_normalised() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nghệ An")
    assert to_unicode(nfd) == "Nghệ An"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")
def test_tcvn3_table_matches_glibc() -> None:
    """The TCVN3 letters agree with glibc's TCVN5712-1 table, byte for byte."""
    letters = "ăâêôơưđĂÂÊÔƠƯĐàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    encoded = encode_legacy(letters, "tcvn3").encode("latin-1")
    proc = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=encoded, capture_output=True,
        check=True,
    )
    assert proc.stdout.decode("utf-8") == letters


def _long_table(names: list[str]) -> Any:
    from tests.support import check_rows, task_cells

    return check_rows([task_cells(n, name, 100, 0) for n, name in enumerate(names, start=1)])


def test_a_long_column_checked_at_once_finds_what_each_text_alone_would() -> None:
    """Columns of many distinct texts are admitted in one pass when together they are
    NFC and free of legacy letters; one NFD or legacy text among them sends every text
    through the one-by-one path, which reports it where it is."""
    names = [f"Nhiệm vụ nâng cao năng suất số {n} cho doanh nghiệp" for n in range(1, 121)]
    clean = _long_table(names)
    assert clean.problems == []
    assert [row.values["task_name"] for row in clean.rows] == names

    decomposed = list(names)
    decomposed[69] = unicodedata.normalize("NFD", names[69])
    found = _long_table(decomposed)
    assert [(p.code, p.params["first"]) for p in found.problems] == [("text-not-nfc", "B72")]
    assert [row.values["task_name"] for row in found.rows] == names  # stored NFC

    legacy = list(names)
    legacy[99] = encode_legacy("Đào tạo chuyên gia năng suất cho doanh nghiệp", "tcvn3")
    found = _long_table(legacy)
    assert [(p.code, p.cell) for p in found.problems] == [("text-legacy-encoding", "B102")]
    assert found.rows[99].values["task_name"] == "Đào tạo chuyên gia năng suất cho doanh nghiệp"
