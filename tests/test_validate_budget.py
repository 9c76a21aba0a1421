"""Budget arithmetic of Form A (property-based): the summary is NSNN + Đối ứng, always."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nscl.forms import form_a
from nscl.locate import locate_table
from nscl.numbers import format_number
from nscl.table_checks import TableOptions, check_table

HEADER = ["Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp", "Mục tiêu", "Nội dung chính",
          "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được", "Thời gian thực hiện", "Tổng số",
          "NSNN", "Đối ứng", "Ghi chú"]

money = st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False).map(float)


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[float, float, float | None]]:
    """(state_budget, counterpart, typed total or None) per task."""
    n = draw(st.integers(min_value=1, max_value=12))
    out = []
    for _ in range(n):
        state, counterpart = draw(money), draw(money)
        kind = draw(st.sampled_from(["exact", "empty", "off"]))
        if kind == "exact":
            total: float | None = state + counterpart
        elif kind == "empty":
            total = None
        else:
            total = state + counterpart + draw(st.sampled_from([0.002, 0.01, 1.0, 250.0]))
        out.append((state, counterpart, total))
    return out


def _grid(tasks: list[tuple[float, float, float | None]]) -> list[list[Any]]:
    grid: list[list[Any]] = [["BỘ CÔNG THƯƠNG"], HEADER]
    for i, (state, counterpart, total) in enumerate(tasks, start=1):
        grid.append([i, f"Nhiệm vụ số {i}", "Viện", "x", "x", "x", 24,
                     "" if total is None else total, state, counterpart, ""])
    return grid


@settings(max_examples=60, deadline=None)
@given(rows())
def test_summary_is_recomputed_from_components(
    tasks: list[tuple[float, float, float | None]],
) -> None:
    grid = _grid(tasks)
    loc = locate_table(grid, form_a())
    assert loc is not None
    result = check_table(grid, loc, sheet="S", options=TableOptions(year=2026))
    state = sum(t[0] for t in tasks)
    counterpart = sum(t[1] for t in tasks)
    assert result.summary.tasks == len(tasks)
    assert result.summary.state_budget == pytest.approx(state)
    assert result.summary.counterpart == pytest.approx(counterpart)
    assert result.summary.total == pytest.approx(state + counterpart)
    mismatched = {
        f"H{i + 3}"
        for i, (s, c, t) in enumerate(tasks)
        if t is not None and abs(t - (s + c)) > 0.001
    }
    assert {p.cell for p in result.problems if p.code == "budget-mismatch"} == mismatched
    assert {p.code for p in result.problems} <= {"budget-mismatch"}
    for row, (s, c, t) in zip(result.rows, tasks, strict=True):
        if t is None:  # an empty Tổng số is filled, silently
            assert row.values["total"] == pytest.approx(s + c)
    summary = result.summary
    assert summary.total == pytest.approx(summary.state_budget + summary.counterpart)
    if summary.total:
        assert 0 <= summary.counterpart / summary.total <= 1


def test_tolerance_is_one_thousandth_of_a_million() -> None:
    grid = _grid([(100.0, 50.0, 150.0009), (100.0, 50.0, 150.002)])
    loc = locate_table(grid, form_a())
    assert loc is not None
    result = check_table(grid, loc, sheet="S")
    assert [p.cell for p in result.problems if p.code == "budget-mismatch"] == ["H4"]


@given(st.decimals(min_value=0, max_value=10**9, places=3).map(float))
def test_format_number_reads_back(x: float) -> None:
    from nscl.numbers import parse_number

    assert parse_number(format_number(x)).value == pytest.approx(round(x, 3), abs=1e-6)


def test_agency_text_quoted_in_a_message_shows_control_characters_legibly() -> None:
    from nscl.table_checks.context import short

    assert short("12\x01ab\x7f") == "12\ufffdab\ufffd"
    assert short("  hai\tdòng\nmột  ") == "hai dòng một"
    assert short("x" * 80).endswith("…") and len(short("x" * 80)) == 60
