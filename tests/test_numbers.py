"""Numbers and durations as clerks type them (nscl.numbers)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nscl.numbers import parse_duration, parse_number


@pytest.mark.parametrize(
    ("text", "value", "style"),
    [
        ("1.250,5", 1250.5, "vietnamese"),
        ("12.000", 12000.0, "vietnamese"),
        ("1.250", 1250.0, "vietnamese"),  # the documented ambiguity: Vietnamese thousands
        ("1.200 triệu đồng", 1200.0, "vietnamese"),
        ("1.200 trđ", 1200.0, "vietnamese"),
        ("1.250.000,75", 1250000.75, "vietnamese"),
        ("0,5", 0.5, "vietnamese"),
        ("1,250.5", 1250.5, "english"),
        ("1,250,000", 1250000.0, "english"),
        ("1.5", 1.5, "english"),
        ("0.250", 0.25, "english"),
        ("1,250", 1.25, "ambiguous"),
        ("850", 850.0, "plain"),
        (" 1 250 000 ", 1250000.0, "plain"),
        ("2 tỷ đồng", 2000.0, "plain"),
        ("1.200.000.000 đồng", 1200.0, "vietnamese"),
        ("65%", 65.0, "plain"),
    ],
)
def test_text_numbers(text: str, value: float, style: str) -> None:
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.style == style
    assert parsed.from_text


def test_negative_forms() -> None:
    assert parse_number("-5").value == -5
    assert parse_number("\u22121.250").value == -1250
    assert parse_number("(1.250,5)").value == -1250.5


def test_native_numbers_pass_through() -> None:
    assert parse_number(12).value == 12.0
    assert parse_number(3.25).style == "native"
    assert not parse_number(3.25).from_text


@pytest.mark.parametrize("value", ["-", "–", "không", "Không có", "KHÔNG", " - "])
def test_a_dash_or_khong_is_zero_written_as_text(value: str) -> None:
    parsed = parse_number(value)
    assert parsed.value == 0.0 and parsed.from_text


@pytest.mark.parametrize("value", ["abc", "1.2.3", "12,34,5", "1..2", "x12", True, float("nan")])
def test_not_numbers(value: object) -> None:
    parsed = parse_number(value)
    assert parsed.invalid and parsed.value is None


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"])
def test_empty(value: object) -> None:
    parsed = parse_number(value)
    assert parsed.empty and not parsed.invalid


def _vietnamese(x: float, decimals: int) -> str:
    english = f"{x:,.{decimals}f}"
    return english.replace(",", "_").replace(".", ",").replace("_", ".")


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(1, 2))
def test_vietnamese_style_round_trip(x: float, decimals: int) -> None:
    text = _vietnamese(x, decimals)
    assert parse_number(text).value == pytest.approx(round(x, decimals), abs=1e-6)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(1, 2))
def test_english_style_round_trip(x: float, decimals: int) -> None:
    text = f"{x:,.{decimals}f}"
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(round(x, decimals), abs=1e-6)
    assert parsed.style in ("english", "vietnamese")


@given(st.integers(min_value=1000, max_value=10**12))
def test_vietnamese_thousands_round_trip(n: int) -> None:
    text = f"{n:,}".replace(",", ".")
    assert parse_number(text).value == n


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_native_floats_unchanged(x: float) -> None:
    assert parse_number(x).value == x


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("24", 24),
        (24, 24),
        (24.0, 24),
        ("24 tháng", 24),
        ("15 Tháng", 15),
        ("2 năm", 24),
        ("1,5 năm", 18),
        ("18 tháng (2025-2026)", 18),
        ("2025-2026", 24),
        ("2025 – 2027", 36),
        ("01/2025 - 12/2026", 24),
        ("T1/2025-T6/2026", 18),
        ("từ 2025 đến 2026", 24),
    ],
)
def test_durations(text: object, months: int) -> None:
    assert parse_duration(text).whole_months == months


def test_duration_periods_are_kept() -> None:
    parsed = parse_duration("01/2025 - 12/2026")
    assert parsed.start == (2025, 1)
    assert parsed.end == (2026, 12)


def test_fractional_and_invalid_durations() -> None:
    assert parse_duration("18,5 tháng").months == pytest.approx(18.5)
    assert parse_duration("18,5 tháng").whole_months is None
    assert parse_duration("sớm nhất có thể").invalid
    assert parse_duration("").empty
    assert parse_duration(None).empty
    assert parse_duration(float("inf")).invalid


@given(st.integers(min_value=1, max_value=120))
def test_duration_months_text_round_trip(n: int) -> None:
    assert parse_duration(f"{n} tháng").whole_months == n
    assert parse_duration(str(n)).whole_months == n


@given(st.integers(2021, 2030), st.integers(0, 5))
def test_year_ranges(start: int, extra: int) -> None:
    parsed = parse_duration(f"{start}-{start + extra}")
    assert parsed.whole_months == 12 * (extra + 1)
    assert not math.isnan(parsed.months or 0.0)
