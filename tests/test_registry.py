"""Agency registry: the data file, successor chains and name matching."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nscl.legacy import encode_legacy
from nscl.registry import (
    Agency,
    AgencyMatch,
    agencies,
    current_successor,
    get_agency,
    match_agency,
    match_filename,
    predecessors,
    successor_chain,
)
from nscl.text import canonical_tone_placement, fold

MINISTRIES_END = date(2025, 2, 28)
MINISTRIES_START = date(2025, 3, 1)
PROVINCES_END = date(2025, 6, 30)
PROVINCES_START = date(2025, 7, 1)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _preferred_day(agency: Agency) -> date | None:
    """A day on which ``agency`` is the entry matching prefers for its name."""
    return agency.valid_until or agency.valid_from


# --------------------------------------------------------------------------- data file


def _raw_rows() -> list[dict[str, str]]:
    text = resources.files("nscl").joinpath("data", "agencies.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_codes_unique_ascii_and_names_nfc() -> None:
    rows = _raw_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", row["code"]), row["code"]
        for value in row.values():
            assert unicodedata.is_normalized("NFC", value), (row["code"], value)
    assert len(agencies()) == len(rows)


def test_code_scheme() -> None:
    for a in agencies():
        if a.kind == "province":
            prefix = "tp-" if a.category == "thanh-pho" else "tinh-"
            assert a.name == ("Thành phố " if prefix == "tp-" else "Tỉnh ") + a.short_name
            assert a.code.removesuffix("-cu") == prefix + slug(a.short_name)
            # "-cu" marks exactly the former entries whose name lives on.
            if a.code.endswith("-cu"):
                assert get_agency(a.code.removesuffix("-cu")).name == a.name
        elif a.category == "bo":
            assert a.code == "bo-" + slug(a.short_name)
            assert a.name == "Bộ " + a.short_name
        else:
            assert a.code == slug(a.name)


def test_current_ministry_level_counts() -> None:
    current = agencies(in_force_on=MINISTRIES_START, kind="ministry")
    by_category: dict[str, list[Agency]] = {}
    for a in current:
        by_category.setdefault(a.category, []).append(a)
    assert len(by_category["bo"]) == 14
    assert len(by_category["co-quan-ngang-bo"]) == 3
    assert len(by_category["co-quan-thuoc-chinh-phu"]) == 5
    assert len(current) == 22
    # The government agencies' names are not checked against a legal text.
    assert {a.verified for a in by_category["co-quan-thuoc-chinh-phu"]} == {False}
    assert all(a.verified for a in by_category["bo"] + by_category["co-quan-ngang-bo"])


def test_ministries_before_march_2025() -> None:
    before = agencies(in_force_on=MINISTRIES_END, kind="ministry")
    names = {a.name for a in before}
    assert "Bộ Kế hoạch và Đầu tư" in names
    assert "Ủy ban Dân tộc" in names
    assert "Bộ Nông nghiệp và Môi trường" not in names
    assert "Bộ Dân tộc và Tôn giáo" not in names
    assert len([a for a in before if a.category == "bo"]) == 18


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("bo-ke-hoach-va-dau-tu", "bo-tai-chinh"),
        ("bo-giao-thong-van-tai", "bo-xay-dung"),
        ("bo-nong-nghiep-va-phat-trien-nong-thon", "bo-nong-nghiep-va-moi-truong"),
        ("bo-tai-nguyen-va-moi-truong", "bo-nong-nghiep-va-moi-truong"),
        ("bo-thong-tin-va-truyen-thong", "bo-khoa-hoc-va-cong-nghe"),
        ("bo-lao-dong-thuong-binh-va-xa-hoi", "bo-noi-vu"),
        ("uy-ban-dan-toc", "bo-dan-toc-va-ton-giao"),
    ],
)
def test_merged_ministries(old: str, new: str) -> None:
    agency = get_agency(old)
    assert agency.successor == new
    assert agency.valid_until == MINISTRIES_END
    assert agency.in_force_on(MINISTRIES_END) and not agency.in_force_on(MINISTRIES_START)
    assert get_agency(new).in_force_on(MINISTRIES_START)


def test_province_counts() -> None:
    now = agencies(in_force_on=PROVINCES_START, kind="province")
    assert len(now) == 34
    assert len([a for a in now if a.category == "thanh-pho"]) == 6
    assert len([a for a in now if a.category == "tinh"]) == 28
    assert {a.short_name for a in now if a.category == "thanh-pho"} == {
        "Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ",
    }
    assert len(agencies(in_force_on=PROVINCES_END, kind="province")) == 63
    assert len(agencies(in_force_on=date(2024, 12, 31), kind="province")) == 63
    assert len(agencies(in_force_on=date(2022, 1, 1), kind="province")) == 63


def test_unchanged_provinces_are_one_entry() -> None:
    unchanged = {a.short_name for a in agencies(in_force_on=PROVINCES_END, kind="province")} & {
        a.short_name for a in agencies(in_force_on=PROVINCES_START, kind="province")
    }
    same_entry = {
        a.short_name
        for a in agencies(in_force_on=PROVINCES_END, kind="province")
        if a.in_force_on(PROVINCES_START)
    }
    assert same_entry == {
        "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
        "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
    }
    assert same_entry < unchanged  # the 23 new ones reuse an old name
    for name in same_entry:
        (entry,) = [a for a in agencies(kind="province") if a.short_name == name]
        assert entry.valid_until is None and entry.successor is None


def test_every_old_province_has_a_successor_in_force() -> None:
    old = [a for a in agencies(in_force_on=PROVINCES_END, kind="province") if a.valid_until]
    assert len(old) == 52
    for a in old:
        assert a.valid_until == PROVINCES_END
        successor = get_agency(a.successor or "")
        assert successor.in_force_on(PROVINCES_START), a.code
    for new in agencies(in_force_on=PROVINCES_START, kind="province"):
        if new.valid_from == PROVINCES_START:
            assert len(predecessors(new.code)) >= 2, new.code


def test_thua_thien_hue_became_a_city() -> None:
    old = get_agency("tinh-thua-thien-hue")
    assert old.successor == "tp-hue" and old.valid_until == date(2024, 12, 31)
    assert get_agency("tp-hue").valid_from == date(2025, 1, 1)


def test_names_are_distinct_across_agencies() -> None:
    """Two different names never fold to the same key (periods of one name aside)."""
    owners: dict[str, set[str]] = {}
    for a in agencies():
        for name in (a.name, a.short_name, *a.aliases):
            owners.setdefault(re.sub(r"[^a-z0-9]", "", fold(name)), set()).add(a.name)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_unknown_code() -> None:
    with pytest.raises(KeyError):
        get_agency("tinh-atlantis")


def test_labels_and_ref() -> None:
    assert get_agency("bo-cong-thuong").kind_label == "Bộ, ngành"
    assert get_agency("tinh-nghe-an").kind_label == "Địa phương"
    ref = get_agency("tinh-nghe-an").to_ref("header")
    assert (ref.code, ref.name, ref.kind, ref.source) == (
        "tinh-nghe-an", "Tỉnh Nghệ An", "province", "header",
    )


# --------------------------------------------------------------------------- chains


@pytest.mark.parametrize(
    ("code", "final"),
    [
        ("tinh-ha-giang", "tinh-tuyen-quang"),
        ("tinh-tuyen-quang-cu", "tinh-tuyen-quang"),
        ("tinh-ba-ria-vung-tau", "tp-ho-chi-minh"),
        ("tinh-hau-giang", "tp-can-tho"),
        ("tinh-quang-nam", "tp-da-nang"),
        ("tinh-thua-thien-hue", "tp-hue"),
        ("bo-giao-thong-van-tai", "bo-xay-dung"),
        ("tinh-nghe-an", "tinh-nghe-an"),
    ],
)
def test_successor_chain(code: str, final: str) -> None:
    chain = successor_chain(code)
    assert chain[0].code == code and chain[-1].code == final
    assert chain[-1].valid_until is None
    assert current_successor(code).code == final


def test_current_successor_on_a_date() -> None:
    assert current_successor("tinh-ha-giang", date(2024, 12, 31)).code == "tinh-ha-giang"
    assert current_successor("tinh-ha-giang", PROVINCES_START).code == "tinh-tuyen-quang"
    transport = "bo-giao-thong-van-tai"
    assert current_successor(transport, MINISTRIES_END).code == transport
    assert current_successor(transport, MINISTRIES_START).name == "Bộ Xây dựng"


def test_old_names_in_old_reports_carry_to_the_successor() -> None:
    found = match_agency("UBND TỈNH HÀ GIANG", on=date(2024, 11, 30))
    assert found.agency is not None and found.agency.code == "tinh-ha-giang"
    assert current_successor(found.agency.code).code == "tinh-tuyen-quang"
    ministry = match_agency("Bộ Giao thông vận tải", on=date(2024, 11, 30)).agency
    assert ministry is not None
    assert current_successor(ministry.code).name == "Bộ Xây dựng"


def test_predecessors() -> None:
    assert {a.code for a in predecessors("tinh-tuyen-quang")} == {
        "tinh-ha-giang", "tinh-tuyen-quang-cu",
    }
    assert {a.code for a in predecessors("bo-nong-nghiep-va-moi-truong")} == {
        "bo-nong-nghiep-va-phat-trien-nong-thon", "bo-tai-nguyen-va-moi-truong",
    }
    assert predecessors("tinh-nghe-an") == []


# --------------------------------------------------------------------------- matching

SPELLINGS: list[tuple[str, str]] = [
    # ministries as written in headers
    ("BỘ CÔNG THƯƠNG", "bo-cong-thuong"),
    ("Bộ Y tế", "bo-y-te"),
    ("bộ y tế", "bo-y-te"),
    ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "bo-khoa-hoc-va-cong-nghe"),
    ("Bộ KH&CN", "bo-khoa-hoc-va-cong-nghe"),
    ("Bộ KHCN", "bo-khoa-hoc-va-cong-nghe"),
    ("BỘ VĂN HOÁ, THỂ THAO VÀ DU LỊCH", "bo-van-hoa-the-thao-va-du-lich"),
    ("Bộ Văn hóa Thể thao và Du lịch", "bo-van-hoa-the-thao-va-du-lich"),
    ("Bộ VHTTDL", "bo-van-hoa-the-thao-va-du-lich"),
    ("Bộ Giáo dục & Đào tạo", "bo-giao-duc-va-dao-tao"),
    ("Bộ GD&ĐT", "bo-giao-duc-va-dao-tao"),
    ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "bo-nong-nghiep-va-moi-truong"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "bo-nong-nghiep-va-phat-trien-nong-thon"),
    ("Bộ NN&PTNT", "bo-nong-nghiep-va-phat-trien-nong-thon"),
    ("Bộ Nông nghiệp và PTNT", "bo-nong-nghiep-va-phat-trien-nong-thon"),
    ("Bộ TN&MT", "bo-tai-nguyen-va-moi-truong"),
    ("Bộ TT&TT", "bo-thong-tin-va-truyen-thong"),
    ("Bộ LĐ-TB&XH", "bo-lao-dong-thuong-binh-va-xa-hoi"),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "bo-lao-dong-thuong-binh-va-xa-hoi"),
    ("Bộ GTVT", "bo-giao-thong-van-tai"),
    ("Bộ KH&ĐT", "bo-ke-hoach-va-dau-tu"),
    ("Bộ Công an", "bo-cong-an"),
    ("BỘ TÀI CHÍNH\nSố: 1234/BTC-KHTC\nHà Nội, ngày 20 tháng 3 năm 2025", "bo-tai-chinh"),
    ("Bộ Nội vụ\nHà Nội", "bo-noi-vu"),
    ("NGÂN HÀNG NHÀ NƯỚC\nVIỆT NAM", "ngan-hang-nha-nuoc-viet-nam"),
    ("NHNN", "ngan-hang-nha-nuoc-viet-nam"),
    ("Thanh tra Chính phủ", "thanh-tra-chinh-phu"),
    ("VĂN PHÒNG CHÍNH PHỦ", "van-phong-chinh-phu"),
    ("Ủy ban Dân tộc", "uy-ban-dan-toc"),
    ("Uỷ ban Dân tộc", "uy-ban-dan-toc"),
    ("Viện Hàn lâm KH&CN Việt Nam", "vien-han-lam-khoa-hoc-va-cong-nghe-viet-nam"),
    ("Công Thương", "bo-cong-thuong"),
    # provinces as written in headers
    ("UBND TỈNH NGHỆ AN", "tinh-nghe-an"),
    ("ỦY BAN NHÂN DÂN TỈNH THANH HOÁ", "tinh-thanh-hoa"),
    ("Uỷ ban nhân dân tỉnh Thanh Hóa", "tinh-thanh-hoa"),
    ("UBND TP. HỒ CHÍ MINH", "tp-ho-chi-minh"),
    ("UBND TP HCM", "tp-ho-chi-minh"),
    ("TP.HCM", "tp-ho-chi-minh"),
    ("Thành phố Hồ Chí Minh", "tp-ho-chi-minh"),
    ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n-------", "tinh-quang-tri"),
    ("Sở Khoa học và Công nghệ tỉnh Hà Tĩnh", "tinh-ha-tinh"),
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ\nTỈNH KHÁNH HOÀ", "tinh-khanh-hoa"),
    ("Sở KH&CN Hà Nam", "tinh-ha-nam"),
    ("Sở Nội vụ thành phố Hà Nội", "tp-ha-noi"),
    ("UBND thành phố Hà Nội", "tp-ha-noi"),
    ("Hà Giang", "tinh-ha-giang"),
    ("tỉnh Quảng Ngãi", "tinh-quang-ngai"),
    ("Tỉnh Quảng Nam", "tinh-quang-nam"),
    ("Quảng Bình", "tinh-quang-binh"),
    ("UBND tỉnh Bình Định", "tinh-binh-dinh"),
    ("UBND tỉnh Bình Dương", "tinh-binh-duong"),
    ("Bình Phước", "tinh-binh-phuoc"),
    ("Bình Thuận", "tinh-binh-thuan"),
    ("Tỉnh Hậu Giang", "tinh-hau-giang"),
    ("TP. Cần Thơ", "tp-can-tho"),
    ("Tỉnh Thừa Thiên Huế", "tinh-thua-thien-hue"),
    ("UBND tỉnh TT-Huế", "tinh-thua-thien-hue"),
    ("Thành phố Huế", "tp-hue"),
    ("Tỉnh Bà Rịa - Vũng Tàu", "tinh-ba-ria-vung-tau"),
    ("UBND tỉnh BR-VT", "tinh-ba-ria-vung-tau"),
    ("Tỉnh Đắk Nông", "tinh-dak-nong"),
    ("UBND tỉnh Đăk Lăk", "tinh-dak-lak"),
    ("Tỉnh Hoà Bình", "tinh-hoa-binh"),
    ("UBND tỉnh Bắc Cạn", "tinh-bac-kan"),
    ("Kontum", "tinh-kon-tum"),
    ("Tỉnh Nghệ Ann", "tinh-nghe-an"),  # typo: a clear near miss
    ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nUBND TỈNH CAO BẰNG", "tinh-cao-bang"),
    ("UBND tỉnh Lào Cai\nKính gửi: Bộ Khoa học và Công nghệ", "tinh-lao-cai"),
    ("SỞ KH&CN ĐÀ NẴNG\nĐà Nẵng, ngày 05 tháng 4 năm 2026", "tp-da-nang"),
    ("BỘ Y TẾ\nHà Nội, ngày 05 tháng 4 năm 2026", "bo-y-te"),
]

NFD_SPELLINGS = [
    ("Ủy ban nhân dân tỉnh Khánh Hoà", "tinh-khanh-hoa"),
    ("BỘ CÔNG THƯƠNG", "bo-cong-thuong"),
    ("Sở Khoa học và Công nghệ tỉnh Thừa Thiên Huế", "tinh-thua-thien-hue"),
    ("Thành phố Đà Nẵng", "tp-da-nang"),
]

FILENAMES = [
    ("HaTinh.xlsx", "tinh-ha-tinh"),
    ("HaNam.xlsx", "tinh-ha-nam"),
    ("hanoi.xlsx", "tp-ha-noi"),
    ("quang tri - de xuat 2027.xlsx", "tinh-quang-tri"),
    ("BoCongThuong_DeXuat.xlsx", "bo-cong-thuong"),
    ("UBND_tinh_Lao_Cai_2027.xls", "tinh-lao-cai"),
    ("de-xuat-ha-noi.ods", "tp-ha-noi"),
    ("thanhhoa.xlsx", "tinh-thanh-hoa"),
    ("thanh hoa.xlsx", "tinh-thanh-hoa"),
    ("ThanhHoa_bang_tong_hop_nam_2026_final_v2.xlsx", "tinh-thanh-hoa"),
    ("BCT_2027.xlsx", "bo-cong-thuong"),
    ("TPHCM_de_xuat.xlsx", "tp-ho-chi-minh"),
    ("So_KHCN_DakLak_ban_cuoi.xlsx", "tinh-dak-lak"),
    ("/srv/nop/2027/Bo_Y_Te.xlsx", "bo-y-te"),
    ("BaRiaVungTau.xls", "tinh-ba-ria-vung-tau"),
    ("can tho.xlsx", "tp-can-tho"),
    ("Bo NN&PTNT - de xuat.xlsx", "bo-nong-nghiep-va-phat-trien-nong-thon"),
]


def _code(found: AgencyMatch) -> str | None:
    return found.agency.code if found.agency else None


@pytest.mark.parametrize(("text", "code"), SPELLINGS)
def test_match_real_spellings(text: str, code: str) -> None:
    found = match_agency(text)
    assert _code(found) == code
    assert found.matched and found.query == text


@pytest.mark.parametrize(("text", "code"), NFD_SPELLINGS)
def test_match_nfd(text: str, code: str) -> None:
    decomposed = nfd(text)
    assert decomposed != text
    assert _code(match_agency(decomposed)) == code


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UBND TỈNH NGHỆ AN", "tinh-nghe-an"),
        ("Sở Khoa học và Công nghệ tỉnh Thanh Hoá", "tinh-thanh-hoa"),
        ("Bộ Khoa học và Công nghệ", "bo-khoa-hoc-va-cong-nghe"),
    ],
)
def test_match_legacy_encodings(text: str, code: str, encoding: Literal["tcvn3", "vni"]) -> None:
    legacy = encode_legacy(text, encoding)
    assert legacy != text
    assert _code(match_agency(legacy)) == code


@pytest.mark.parametrize(("name", "code"), FILENAMES)
def test_match_filenames(name: str, code: str) -> None:
    found = match_filename(name)
    assert _code(found) == code
    assert found.query == Path(name).name


def test_match_filename_accepts_paths() -> None:
    assert _code(match_filename(Path("/tmp/nop") / "NgheAn.xlsx")) == "tinh-nghe-an"


@pytest.mark.parametrize(
    ("text", "expected_candidates"),
    [
        ("Sở Tài chính", set()),
        ("Sở Y tế", set()),
        ("Hà", {"tp-ha-noi", "tinh-ha-nam", "tinh-ha-tinh", "tinh-ha-giang"}),
        (
            "Quảng",
            {"tinh-quang-nam", "tinh-quang-ngai", "tinh-quang-ninh", "tinh-quang-tri",
             "tinh-quang-binh"},
        ),
        ("Tỉnh ABC", set()),
        (
            "Bình",
            {"tinh-binh-dinh", "tinh-binh-duong", "tinh-binh-phuoc", "tinh-binh-thuan",
             "tinh-ninh-binh", "tinh-thai-binh", "tinh-hoa-binh", "tinh-quang-binh"},
        ),
        ("", set()),
        ("   \n ", set()),
        (
            "Bộ Nông nghiệp",
            {"bo-nong-nghiep-va-moi-truong", "bo-nong-nghiep-va-phat-trien-nong-thon"},
        ),
        ("Hà Nội - Hà Nam", {"tp-ha-noi", "tinh-ha-nam"}),
        ("Tỉnh Hà Nam và tỉnh Nam Định", {"tinh-ha-nam", "tinh-nam-dinh"}),
        ("(TÊN BỘ, NGÀNH VÀ ĐỊA PHƯƠNG)", set()),
        ("Vụ Công Thương", set()),  # a department of some ministry, not Bộ Công Thương
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", set()),  # which province?
        ("Tập đoàn Điện lực Việt Nam", set()),
        ("Bảng tổng hợp", set()),
        ("Hà Nội, ngày 17 tháng 11 năm 2023", set()),  # where it was signed, not who
    ],
)
def test_unknown_gives_candidates_never_a_guess(text: str, expected_candidates: set[str]) -> None:
    found = match_agency(text)
    assert found.agency is None and not found.matched
    assert {a.code for a in found.candidates} == expected_candidates


def test_near_miss_between_two_names_is_not_guessed() -> None:
    # "Quảng Nga" is as close to Quảng Ngãi as to Quảng Nam: no guess.
    found = match_agency("UBND tỉnh Quảng Nga")
    assert found.agency is None
    assert {"tinh-quang-ngai", "tinh-quang-nam"} <= {a.code for a in found.candidates}


def test_cell_values_that_are_not_text_do_not_crash() -> None:
    for value in (None, 12.5, 2027):
        found = match_agency(value)  # type: ignore[arg-type]
        assert found.agency is None


def test_typo_after_bo_is_a_near_miss() -> None:
    found = match_agency("Bộ Công Thươn")
    assert _code(found) == "bo-cong-thuong" and found.method == "fuzzy"
    assert match_agency("BỘ CÔNG THƯƠNG").method == "name"


def test_unknown_filename() -> None:
    found = match_filename("bang tong hop de xuat 2027 final.xlsx")
    assert found.agency is None and found.candidates == ()


@pytest.mark.parametrize(
    ("text", "on", "code"),
    [
        ("UBND tỉnh Tuyên Quang", date(2024, 11, 30), "tinh-tuyen-quang-cu"),
        ("UBND tỉnh Tuyên Quang", PROVINCES_END, "tinh-tuyen-quang-cu"),
        ("UBND tỉnh Tuyên Quang", PROVINCES_START, "tinh-tuyen-quang"),
        ("UBND tỉnh Tuyên Quang", None, "tinh-tuyen-quang"),
        ("UBND TP. Hồ Chí Minh", date(2023, 11, 30), "tp-ho-chi-minh-cu"),
        ("TPHCM", date(2026, 3, 1), "tp-ho-chi-minh"),
        ("Tỉnh Hà Giang", date(2026, 3, 1), "tinh-ha-giang"),  # old name, old entry
        ("Bộ Nông nghiệp và Phát triển nông thôn", date(2026, 1, 1),
         "bo-nong-nghiep-va-phat-trien-nong-thon"),
        ("Tỉnh Thanh Hoá", date(2022, 1, 1), "tinh-thanh-hoa"),
    ],
)
def test_date_decides_between_periods_of_a_name(text: str, on: date | None, code: str) -> None:
    assert _code(match_agency(text, on=on)) == code


def test_every_agency_matches_its_own_names() -> None:
    for a in agencies():
        on = _preferred_day(a)
        variants = [a.name, a.name.upper(), nfd(a.name), fold(a.name)]
        if a.kind == "province":
            variants += [a.short_name, "UBND " + a.name, "Ủy ban nhân dân " + a.name.lower()]
            variants += [f"Sở Khoa học và Công nghệ {a.name.lower()}"]
        for text in variants + list(a.aliases):
            assert _code(match_agency(text, on=on)) == a.code, (text, on)


def test_every_current_agency_matches_a_camelcase_filename() -> None:
    for a in agencies(in_force_on=PROVINCES_START):
        camel = "".join(w.capitalize() for w in re.split(r"[^a-z0-9]+", fold(a.name)) if w)
        assert _code(match_filename(f"{camel}_DeXuat_2027.xlsx")) == a.code, camel


_CURRENT_PROVINCES = agencies(in_force_on=PROVINCES_START, kind="province")


@settings(max_examples=300, deadline=None)
@given(
    agency=st.sampled_from(_CURRENT_PROVINCES),
    office=st.sampled_from(
        ["", "UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân\n", "ỦY BAN NHÂN DÂN ",
         "Sở Khoa học và Công nghệ ", "Sở KH&CN ", "SỞ KH&CN\n"]
    ),
    level=st.sampled_from(
        ["", "tỉnh ", "Tỉnh ", "TỈNH ", "TP. ", "TP ", "Thành phố ", "thành phố "]
    ),
    case=st.sampled_from([str, str.upper, str.lower, str.title]),
    moved_tone=st.booleans(),
    decomposed=st.booleans(),
)
def test_any_combination_of_real_variants(
    agency: Agency,
    office: str,
    level: str,
    case: Callable[[str], str],
    moved_tone: bool,
    decomposed: bool,
) -> None:
    name = canonical_tone_placement(agency.short_name) if moved_tone else agency.short_name
    text = office + level + case(name)
    if decomposed:
        text = nfd(text)
    assert _code(match_agency(text)) == agency.code, text


@pytest.mark.parametrize("office", ["Sở Khoa học và Công nghệ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                                    "So Khoa hoc va Cong nghe", "Sở Khoa học Công nghệ"])
def test_department_of_science_and_technology_of_every_province(office: str) -> None:
    """ "… Công nghệ An Giang" must not also read as "Nghệ An" (found by hypothesis)."""
    for agency in agencies(kind="province"):
        if not agency.current:
            continue
        text = f"{office} {agency.short_name}"
        assert _code(match_agency(text)) == agency.code, text
