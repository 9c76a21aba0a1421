"""Numbers and durations as clerks type them.

Agencies' tables hold real numbers, but also numbers typed as text, Vietnamese style
("1.250,5", "12.000", "1.200 triệu đồng") or English style ("1,250.5"), and durations
in many shapes ("24", "24 tháng", "2 năm", "18 tháng (2025-2026)", "2025-2026",
"01/2025 - 12/2026"). :func:`parse_number` and :func:`parse_duration` read them all and
say how the value was written, so that the checks can warn about text numbers.
:func:`format_number` writes a number back the Vietnamese way, for every message,
sheet and document nscl produces.

Reading rules for numbers typed as text (Vietnamese first):

* ``.`` followed by groups of exactly three digits is a thousands separator and ``,`` is
  the decimal separator: "1.250,5" = 1250.5, "12.000" = 12000, "1.250" = 1250 (the
  ambiguous single group is read the Vietnamese way, as thousands);
* when both separators occur, the last one is the decimal separator: "1,250.5" (English
  style) = 1250.5;
* several commas between three-digit groups are English thousands: "1,250,000";
* one comma followed by exactly three digits ("1,250") is read the Vietnamese way, as a
  decimal comma (1.25), and flagged ``ambiguous``;
* a single ``.`` not followed by exactly three digits is a decimal point ("1.5", English);
* spaces between three-digit groups are thousands separators ("1 250 000");
* a unit may follow: "triệu đồng", "triệu", "tr.đ", "trđ" (million VND, the form's unit),
  "tỷ đồng" (× 1000), "nghìn đồng" (÷ 1000), "đồng", "đ", "VNĐ" (÷ 1 000 000), "%";
* a leading minus sign ("-", "−") or accounting parentheses "(1.250)" make it negative;
* a dash alone ("-", "–") or "không" / "không có" means none: 0 (as text, so flagged);

A table may also declare another unit for all its amounts ("Dự kiến kinh phí (đồng)",
"NSNN (nghìn đồng)", "Đơn vị tính: đồng"): :func:`declared_money_unit` reads it and
:func:`to_million` / :func:`from_million` convert exactly (by powers of ten).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MAX_AMOUNT",
    "MILLION",
    "MONEY_TOLERANCE",
    "NumberStyle",
    "ParsedDuration",
    "ParsedNumber",
    "declared_money_unit",
    "format_number",
    "from_million",
    "parse_duration",
    "parse_number",
    "to_million",
]

_TO_VIETNAMESE = str.maketrans(",.", ".,")


def format_number(value: float, decimals: int = 3) -> str:
    """A number the Vietnamese way: "1.250,5", "12.000", "0,25", "-3,5".

    Rounded to ``decimals`` places, trailing zeros dropped. From 10^15 on it is written
    as Excel shows a number too long for its cell ("1,5E+20"); "?" when it is not a
    number at all (NaN, or an infinite sum).
    """
    if not math.isfinite(value):
        return "?"
    if abs(value) >= 1e15:
        return f"{value:.6G}".replace(".", ",")
    text = f"{round(value, decimals):,.{max(decimals, 0)}f}"
    if decimals > 0:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.translate(_TO_VIETNAMESE)


NumberStyle = Literal["native", "plain", "vietnamese", "english", "ambiguous"]

_SPACE_CHARS = "\u00a0\u202f\u2009\u2007 \t\r\n"
_ODD_SPACES = re.compile("[\u00a0\u202f\u2009\u2007\t\r\n]")
_MINUS = ("-", "\u2212", "\u2013")

# Unit at the end of a text number -> factor to million VND (or 1 for "%").
_UNITS: tuple[tuple[re.Pattern[str], str, float], ...] = (
    (re.compile(r"(?:triệu\s*(?:đồng|vnđ|vnd|đ)|tr\.?\s*đ(?:ồng)?|trđ|triệu|tr)\.?$"),
     "triệu đồng", 1.0),
    (re.compile(r"(?:tỷ|tỉ)\s*(?:đồng|vnđ|vnd|đ)?\.?$"), "tỷ đồng", 1000.0),
    (re.compile(r"(?:nghìn|ngàn)\s*(?:đồng|vnđ|vnd|đ)\.?$"), "nghìn đồng", 0.001),
    (re.compile(r"(?:đồng|vnđ|vnd|đ)\.?$"), "đồng", 0.000001),
    (re.compile(r"%$"), "%", 1.0),
)
MILLION = "triệu đồng"
# Two amounts closer than this are equal (million VND: 1,000 đồng).
MONEY_TOLERANCE = 0.001
# Larger amounts cannot be a task's budget (10^18 đồng): they are reported and left out of
# the sums, which would otherwise lose their precision or overflow. Not a budget ceiling.
MAX_AMOUNT = 1e12  # million VND
# Units a table may declare for its amounts: name -> (multiplier, divisor) to million VND.
_MONEY_UNITS: dict[str, tuple[int, int]] = {
    MILLION: (1, 1), "tỷ đồng": (1000, 1), "nghìn đồng": (1, 1000), "đồng": (1, 1_000_000),
}
_UNIT_WORDS = (
    r"(?P<unit>triệu\s*(?:đồng|vnđ|vnd)|tr\.?\s*đ(?:ồng)?|trđ|(?:tỷ|tỉ)\s*(?:đồng|vnđ|vnd)"
    r"|(?:nghìn|ngàn)\s*(?:đồng|vnđ|vnd)|1\.000\.000\s*(?:đồng|vnđ|vnd|đ)"
    r"|1\.000\s*(?:đồng|vnđ|vnd|đ)|đồng|vnđ|vnd|đ(?=\s*\)))"
)
_LABEL = r"(?:đơn\s*vị(?:\s*tính)?|đvt)"
# "(triệu đồng)", "(đơn vị: đồng)" in a header; "Đơn vị tính: đồng", "ĐVT: 1.000 đồng".
_IN_PARENTHESES = re.compile(rf"\(\s*(?:{_LABEL}\s*:?\s*)?{_UNIT_WORDS}\s*\)")
_LABELLED = re.compile(rf"{_LABEL}\s*:\s*{_UNIT_WORDS}(?![\w])")


def _unit_name(word: str) -> str:
    word = " ".join(word.split())
    if word.startswith(("triệu", "tr", "1.000.000")):
        return MILLION
    if word.startswith(("tỷ", "tỉ")):
        return "tỷ đồng"
    if word.startswith(("nghìn", "ngàn", "1.000")):
        return "nghìn đồng"
    return "đồng"


def declared_money_unit(text: str, *, labelled_only: bool = False) -> str | None:
    """The unit ``text`` declares for amounts ("triệu đồng", "tỷ đồng", "nghìn đồng" or
    "đồng"), or None. A header declares it in parentheses ("Dự kiến kinh phí (đồng)");
    a line of its own after a label ("Đơn vị tính: đồng"), which is all that is looked
    for when ``labelled_only`` (text above a table)."""
    lowered = unicodedata.normalize("NFC", text).lower()
    if "đ" not in lowered and "vnd" not in lowered:
        return None
    found = _LABELLED.search(lowered)
    if found is None and not labelled_only:
        found = _IN_PARENTHESES.search(lowered)
    return _unit_name(found["unit"]) if found else None


def to_million(value: float, unit: str) -> float:
    """An amount in ``unit`` (a name from :func:`declared_money_unit`) in million VND."""
    multiplier, divisor = _MONEY_UNITS[unit]
    return value * multiplier / divisor


def from_million(value: float, unit: str) -> float:
    """An amount in million VND in ``unit`` (the inverse of :func:`to_million`)."""
    multiplier, divisor = _MONEY_UNITS[unit]
    return value * divisor / multiplier


# What Vietnamese tables write for "none" in an amount: a dash, "không", "không có".
_NIL = frozenset({"-", "\u2013", "\u2014", "--", "không", "không có", "ko"})

_HAS_UNIT_CHAR = re.compile(r"[^\d.,\s()+\-\u2212\u2013]")

_PLAIN = re.compile(r"\d+")
_VI_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_SPACE_GROUPS = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_DIGITS_SEPS = re.compile(r"[\d.,]+")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A cell read as a number.

    ``value`` is None when the cell is empty (``empty`` True) or holds no number.
    ``style`` says how it was written: ``native`` (a real number cell), ``plain``
    (digits typed as text), ``vietnamese``, ``english`` or ``ambiguous`` (see the
    module documentation). ``unit`` is the unit typed after the number, if any.
    """

    value: float | None
    empty: bool = False
    style: NumberStyle | None = None
    unit: str | None = None

    @property
    def ok(self) -> bool:
        """Whether a number was read."""
        return self.value is not None

    @property
    def invalid(self) -> bool:
        """Whether the cell holds something that is not a number."""
        return self.value is None and not self.empty

    @property
    def from_text(self) -> bool:
        """Whether the number was typed as text (worth a warning)."""
        return self.value is not None and self.style != "native"


_EMPTY = ParsedNumber(None, empty=True)
_INVALID = ParsedNumber(None)
_ZERO_AS_TEXT = ParsedNumber(0.0, style="plain")


def _parse_body(body: str) -> tuple[float, NumberStyle] | None:
    """Read the digits-and-separators part of a text number."""
    if _SPACE_GROUPS.fullmatch(body):
        body = body.replace(" ", "")
    if not _DIGITS_SEPS.fullmatch(body) or not body[0].isdigit() or not body[-1].isdigit():
        return None
    dots = body.count(".")
    commas = body.count(",")
    if not dots and not commas:
        return float(body), "plain"
    if dots and commas:
        if body.rfind(",") > body.rfind("."):
            whole, _, frac = body.rpartition(",")
            if (_VI_THOUSANDS.fullmatch(whole) or _PLAIN.fullmatch(whole)) and frac.isdigit():
                return float(whole.replace(".", "") + "." + frac), "vietnamese"
            return None
        whole, _, frac = body.rpartition(".")
        if (_EN_THOUSANDS.fullmatch(whole) or _PLAIN.fullmatch(whole)) and frac.isdigit():
            return float(whole.replace(",", "") + "." + frac), "english"
        return None
    if dots:
        if dots == 1:
            whole, _, frac = body.partition(".")
            if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
                return float(whole + frac), "vietnamese"
            return float(body), "english"
        if _VI_THOUSANDS.fullmatch(body) and not body.startswith("0"):
            return float(body.replace(".", "")), "vietnamese"
        return None
    if commas == 1:
        whole, _, frac = body.partition(",")
        style: NumberStyle = "vietnamese"
        if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
            style = "ambiguous"
        return float(whole + "." + frac), style
    if _EN_THOUSANDS.fullmatch(body) and not body.startswith("0"):
        return float(body.replace(",", "")), "english"
    return None


def parse_number(value: object) -> ParsedNumber:
    """Read a cell value as a number (see the module documentation for text rules).

    Real numbers pass through (style ``native``); booleans, dates and other objects are
    not numbers; empty strings are empty.
    """
    if value is None:
        return _EMPTY
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int):
        return ParsedNumber(float(value), style="native")
    if isinstance(value, float):
        if math.isfinite(value):
            return ParsedNumber(value, style="native")
        return _INVALID
    if not isinstance(value, str):
        return _INVALID
    text = value.strip(_SPACE_CHARS)
    if not text:
        return _EMPTY
    if text in _NIL or unicodedata.normalize("NFC", text).lower() in _NIL:  # "-", "không"
        return _ZERO_AS_TEXT
    text = _ODD_SPACES.sub(" ", text)
    negative = False
    if text[0] == "(" and text[-1] == ")":
        negative, text = True, text[1:-1].strip()
    if text and text[0] in _MINUS:
        negative, text = not negative, text[1:].lstrip()
    elif text and text[0] == "+":
        text = text[1:].lstrip()
    unit: str | None = None
    factor = 1.0
    if _HAS_UNIT_CHAR.search(text):
        lowered = unicodedata.normalize("NFC", text).lower()
        for pattern, name, scale in _UNITS:
            found = pattern.search(lowered)
            if found:
                unit, factor = name, scale
                text = lowered[: found.start()].rstrip()
                break
        else:
            return _INVALID
    if not text:
        return _INVALID
    parsed = _parse_body(text)
    if parsed is None:
        return _INVALID
    number, style = parsed
    number *= factor
    if factor != 1.0:
        number = round(number, 9)
    return ParsedNumber(-number if negative else number, style=style, unit=unit)


# ---- durations ----------------------------------------------------------------------

_DASH = r"(?:-|–|—|~|đến|tới|to)"
_MONTHS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:tháng|th\b|t\b)")
_YEARS = re.compile(r"(\d{1,2}(?:[.,]\d+)?)\s*năm")
_MONTH_RANGE = re.compile(
    rf"(?:tháng|t)?\s*(\d{{1,2}})\s*[/.\-]\s*((?:19|20)\d\d)\s*{_DASH}\s*"
    rf"(?:tháng|t)?\s*(\d{{1,2}})\s*[/.\-]\s*((?:19|20)\d\d)"
)
_YEAR_RANGE = re.compile(rf"(?<!\d)((?:19|20)\d\d)\s*{_DASH}\s*((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class ParsedDuration:
    """A duration cell read as a number of months.

    ``months`` is None when empty (``empty``) or unreadable. ``start``/``end`` are
    ``(year, month)`` when the text gave a period ("2025-2026", "01/2025 - 12/2026").
    """

    months: float | None
    empty: bool = False
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        """Whether a duration was read."""
        return self.months is not None

    @property
    def invalid(self) -> bool:
        """Whether the cell holds something that is not a duration."""
        return self.months is None and not self.empty

    @property
    def whole_months(self) -> int | None:
        """The duration as an int when it is a whole number of months, else None."""
        if self.months is None or abs(self.months - round(self.months)) > 1e-9:
            return None
        return round(self.months)


_NO_DURATION = ParsedDuration(None)


def _to_float(text: str) -> float:
    return float(text.replace(",", "."))


def parse_duration(value: object) -> ParsedDuration:
    """Read a duration cell as months: 24, "24 tháng", "2 năm", "2025-2026", "01/2025 - 12/2026"."""
    if value is None:
        return ParsedDuration(None, empty=True)
    if isinstance(value, bool):
        return _NO_DURATION
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return _NO_DURATION
        return ParsedDuration(float(value))
    if not isinstance(value, str):
        return _NO_DURATION
    text = unicodedata.normalize("NFC", value).lower().strip(_SPACE_CHARS)
    if not text:
        return ParsedDuration(None, empty=True)
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None
    range_months: float | None = None
    found = _MONTH_RANGE.search(text)
    if found:
        m1, y1, m2, y2 = (int(g) for g in found.groups())
        if 1 <= m1 <= 12 and 1 <= m2 <= 12:
            start, end = (y1, m1), (y2, m2)
            range_months = float((y2 - y1) * 12 + m2 - m1 + 1)
        rest = text[: found.start()] + " " + text[found.end() :]
    else:
        found = _YEAR_RANGE.search(text)
        if found:
            y1, y2 = int(found.group(1)), int(found.group(2))
            start, end = (y1, 1), (y2, 12)
            range_months = float((y2 - y1 + 1) * 12)
            rest = text[: found.start()] + " " + text[found.end() :]
        else:
            rest = text
    explicit = _MONTHS.search(rest)
    if explicit:
        return ParsedDuration(_to_float(explicit.group(1)), start=start, end=end)
    explicit = _YEARS.search(rest)
    if explicit:
        return ParsedDuration(_to_float(explicit.group(1)) * 12, start=start, end=end)
    if range_months is not None:
        if range_months <= 0:
            return _NO_DURATION
        return ParsedDuration(range_months, start=start, end=end)
    number = parse_number(text)
    if number.value is not None and number.unit is None:
        return ParsedDuration(number.value)
    return _NO_DURATION
