"""Duplicate task names (``duplicate-task``): names equal once case, spacing and the
tone placement of "oa", "oe", "uy" are set aside, at the later row, naming the first."""

from __future__ import annotations

from typing import Any

import pytest

from nscl.forms import form_a
from nscl.locate import locate_table
from nscl.table_checks import TableOptions, check_table

HEADER = ["Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
          "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện", "Tổng số",
          "NSNN", "Đối ứng", "Ghi chú"]


def _duplicates(names: list[str]) -> list[tuple[str | None, str]]:
    rows: list[list[Any]] = [
        [i + 1, name, "Viện Năng suất Việt Nam", "Mục tiêu", "Nội dung", "Kết quả", 24,
         150.0, 100.0, 50.0, ""]
        for i, name in enumerate(names)
    ]
    grid: list[list[Any]] = [["BỘ CÔNG THƯƠNG"], HEADER, *rows]
    loc = locate_table(grid, form_a())
    assert loc is not None
    result = check_table(grid, loc, sheet="S", options=TableOptions(year=2026))
    return [(p.cell, p.code) for p in result.problems]


@pytest.mark.parametrize("second", [
    "Chuyển đổi số cho doanh nghiệp hóa chất",          # the same
    "CHUYỂN ĐỔI SỐ CHO DOANH NGHIỆP HÓA CHẤT",          # capitals
    "Chuyển đổi số cho doanh nghiệp hoá chất",          # the other tone placement
    "Chuyển  đổi số cho\tdoanh nghiệp\u00a0hóa chất",   # double space, tab, NBSP
    " Chuyển đổi số cho doanh nghiệp hóa chất\n",       # around the text
])
def test_names_equal_but_for_case_spacing_or_tone_placement_are_duplicates(
    second: str,
) -> None:
    names = ["Chuyển đổi số cho doanh nghiệp hóa chất", "Nhiệm vụ khác", second]
    assert _duplicates(names) == [("B5", "duplicate-task")]


def test_different_names_are_not_duplicates_however_they_are_spaced() -> None:
    names = ["Đào tạo chuyên gia năng suất", "Đào tạo chuyên gia năng suất xanh",
             "Đào tạo  chuyên gia\u00a0năng suất (giai đoạn 2)", "\u200bĐào tạo chuyên gia"]
    assert _duplicates(names) == []
