"""Matching what agencies type in an annual report to the form's outline and indicators."""

from __future__ import annotations

import pytest

from nscl.forms import form_b
from nscl.report_match import IndicatorMatcher, OutlineMatcher, name_key, split_heading_number


@pytest.mark.parametrize(("text", "number", "rest"), [
    ("2.3. Hỗ trợ doanh nghiệp", "2.3", "Hỗ trợ doanh nghiệp"),
    ("2.3 Hỗ trợ doanh nghiệp", "2.3", "Hỗ trợ doanh nghiệp"),
    ("2.3- Hỗ trợ", "2.3", "Hỗ trợ"),
    ("II - Đánh giá kết quả", "ii", "Đánh giá kết quả"),
    ("II. Đánh giá", "ii", "Đánh giá"),
    ("a) Về xây dựng kế hoạch", "a", "Về xây dựng kế hoạch"),
    ("Mục IV. Đề xuất", "iv", "Đề xuất"),
    ("2.3", "2.3", ""),
    ("Về xây dựng kế hoạch", None, "Về xây dựng kế hoạch"),
])
def test_heading_numbers_are_read_however_typed(text: str, number: str | None,
                                                 rest: str) -> None:
    assert split_heading_number(text) == (number, rest)


def test_abbreviations_are_expanded_and_punctuation_years_ignored() -> None:
    form = form_b()
    short = name_key("Hỗ trợ DN áp dụng TC, QCKT; HTQL - công cụ cải tiến NSCL năm 2025",
                     form.abbreviations)
    assert short == ("hỗ trợ doanh nghiệp áp dụng tiêu chuẩn quy chuẩn kỹ thuật hệ thống quản"
                     " lý công cụ cải tiến năng suất chất lượng năm")
    assert name_key("Hoá", ()) == name_key("Hóa", ())


def _keys(texts: list[str], **kwargs: object) -> list[str | None]:
    matcher = OutlineMatcher(form_b(), 2026)
    out = []
    for text in texts:
        found = matcher.match(text, **kwargs)  # type: ignore[arg-type]
        out.append(found.item.key or found.item.number if found else None)
    return out


def test_outline_typed_with_numbers_abbreviated_titles_in_order() -> None:
    texts = [
        "I - TÌNH HÌNH TRIỂN KHAI VÀ KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH",
        "1. Công tác lãnh đạo, chỉ đạo",
        "a) Xây dựng kế hoạch triển khai",
        "b) Văn bản quản lý, điều hành",
        "2.3. Hỗ trợ DN áp dụng TC, QC, HTQL, công cụ cải tiến NSCL",
        "2.4 Đào tạo nguồn nhân lực NSCL",
        "II. Đánh giá kết quả, hiệu quả năm 2025",
        "2. Tồn tại, vướng mắc",
        "IV. Kiến nghị",
    ]
    assert _keys(texts) == ["I", "1", "leadership_plan", "leadership_documents", "g23", "g24",
                            "II", "shortcomings", "recommendations"]


def test_titles_without_numbers_as_word_numbers_them() -> None:
    form = form_b()
    items = [i for i in form.outline if i.key in ("direction", "solutions", "g26")]
    assert _keys([i.title_for(2026) for i in items]) == ["g26", "direction", "solutions"]


def test_narrative_lines_starting_with_numbers_are_not_headings() -> None:
    matcher = OutlineMatcher(form_b(), 2026)
    assert matcher.match("2.3. Hỗ trợ doanh nghiệp áp dụng tiêu chuẩn, quy chuẩn kỹ thuật") \
        is not None
    for line in ("1. Tổ chức 05 hội thảo cho doanh nghiệp chế biến gỗ",
                 "2. Hỗ trợ 15 doanh nghiệp", "a) Kế hoạch số 45/KH-UBND ngày 15/3/2026",
                 "15 doanh nghiệp áp dụng ISO 9001"):
        assert matcher.match(line) is None, line


def test_heading_followed_by_its_narrative_on_the_same_line() -> None:
    matcher = OutlineMatcher(form_b(), 2026)
    found = matcher.match("a) Về xây dựng kế hoạch triển khai thực hiện: UBND tỉnh ban hành "
                          "Kế hoạch số 45/KH-UBND ngày 15/3/2026 triển khai Chương trình.")
    assert found is not None and found.item.key == "leadership_plan"
    assert found.trailing.startswith("UBND tỉnh ban hành Kế hoạch số 45")


def test_a_heading_is_found_once_the_repeated_number_goes_forward() -> None:
    # "1." is under I, II and III: each time the next one in the outline.
    matcher = OutlineMatcher(form_b(), 2026)
    assert matcher.match("I. Tình hình triển khai") is not None
    first = matcher.match("1. Công tác lãnh đạo, chỉ đạo triển khai thực hiện")
    assert matcher.match("III. Phương hướng, giải pháp năm 2027") is not None
    again = matcher.match("1. Phương hướng")
    assert first is not None and first.item.level == 2 and first.item.number == "1"
    assert again is not None and again.item.key == "direction"


@pytest.mark.parametrize(("name", "key"), [
    ("Số DN được hỗ trợ áp dụng TC, QC, HTQL, công cụ cải tiến NSCL", "enterprises_supported"),
    ("Số doanh nghiệp được hỗ trợ", "enterprises_supported"),
    ("Chuyên gia năng suất được đào tạo, chứng nhận (số)", "experts_certified"),
    ("Hội nghị, hội thảo, diễn đàn về NSCL đã tổ chức", "events"),
    ("- Số lượt người được đào tạo, bồi dưỡng về NSCL", "trainees"),
    ("2.3.1. Số doanh nghiệp được hỗ trợ áp dụng tiêu chuẩn", "enterprises_supported"),
    ("TỔNG KINH PHÍ", "budget_total"),
    ("Trong đó: số chuyên gia được chứng nhận đạt trình độ khu vực, quốc tế",
     "experts_international"),
])
def test_indicators_abbreviated_reworded_or_reordered(name: str, key: str) -> None:
    found = IndicatorMatcher(form_b()).match(name)
    assert found is not None and found.key == key


def test_indicator_number_and_unit_decide() -> None:
    matcher = IndicatorMatcher(form_b())
    # A name too vague alone: its number in the official table and its unit settle it.
    found = matcher.match("Kết quả hỗ trợ (xem thuyết minh)", number="2.4.1", unit="người")
    assert found is not None and found.key == "experts_certified"
    assert matcher.match("Kết quả hỗ trợ (xem thuyết minh)", number="2.4.1",
                         unit="doanh nghiệp") is None
    # Numbered 1, 2, 3 … in the agency's own table: the number says nothing.
    assert matcher.match("Kết quả hỗ trợ (xem thuyết minh)", number=1.0) is None


def test_an_unknown_indicator_is_not_guessed() -> None:
    matcher = IndicatorMatcher(form_b())
    assert matcher.match("Số lượng sáng kiến của tỉnh") is None
    assert matcher.match("Kinh phí khác") is None
    # Already read on an earlier row: not read twice.
    assert matcher.match("Số doanh nghiệp được hỗ trợ",
                         exclude={"enterprises_supported"}) is None
