"""Vietnamese text normalisation."""

from __future__ import annotations

import unicodedata

import pytest

from nscl.text import canonical_tone_placement, collapse_spaces, compare_key, fold, nfc


@pytest.mark.parametrize(
    ("old", "new"),
    [("Hóa", "Hoá"), ("Thủy", "Thuỷ"), ("Khánh Hòa", "Khánh Hoà"), ("hòe", "hoè")],
)
def test_both_tone_placements_compare_equal(old: str, new: str) -> None:
    assert compare_key(old) == compare_key(new)
    assert canonical_tone_placement(old) == new


def test_closed_syllables_are_untouched() -> None:
    # "hoàn", "toán", "thuyết": the tone already sits on the second vowel.
    for word in ("hoàn thành", "toán học", "lý thuyết", "quý", "của", "mùa lúa", "thuở"):
        assert canonical_tone_placement(word) == word


def test_nfd_input_compares_equal_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Thanh Hoá")
    assert nfd != "Thanh Hoá"
    assert nfc(nfd) == "Thanh Hoá"
    assert compare_key(nfd) == compare_key("THANH HÓA")


def test_fold_removes_diacritics_and_d_stroke() -> None:
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("  Hà\u00a0Tĩnh\n") == "ha tinh"


def test_collapse_spaces() -> None:
    assert collapse_spaces("Tên nhiệm vụ\n(sắp xếp  theo\tthứ tự ưu tiên)") == (
        "Tên nhiệm vụ (sắp xếp theo thứ tự ưu tiên)"
    )
