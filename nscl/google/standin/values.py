"""Cell values in the Google Sheets stand-in: A1 ranges, typed input, shown values.

- A1 ranges as the Sheets API reads and writes them (``'Sheet 1'!A1:D4``, ``Sheet1``,
  ``A:A``, ``A1:1``), and the quoting of sheet names in returned ranges.
- ``USER_ENTERED`` input as Google parses it in the spreadsheet's locale: "1.250,5" is
  1250.5 in ``vi_VN`` and "1,250.5" in ``en_US``; "=…" is a formula; "'…" stays text;
  "2020-01-01" is a date; TRUE/FALSE are booleans. ``RAW`` input is stored as given.
- Shown values (``FORMATTED_VALUE``): number formats with digit placeholders
  (``0``, ``#``, ``,`` grouping, decimals), quoted literal text, ``%`` and the date
  parts ``yyyy``/``mm``/``dd``; the general format for numbers without one; the
  locale's decimal and grouping separators.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

from nscl.a1 import column_index, column_letter
from nscl.google.standin.common import ApiError, invalid_argument
from nscl.google.standin.formulas import COMMA_DECIMAL_LOCALES, FormulaError

__all__ = [
    "format_number",
    "format_value",
    "general",
    "parse_a1",
    "quote_title",
    "range_text",
    "raw_value",
    "user_entered",
]

_EPOCH = date(1899, 12, 30)  # day 0 of spreadsheet dates


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELLISH = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


def quote_title(title: str) -> str:
    """A sheet title as Google writes it in a range ("Sheet1", "'Bảng tổng hợp'")."""
    if _PLAIN.match(title) and not _CELLISH.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


_END = re.compile(r"^(\$?[A-Za-z]{1,3})?(\$?[0-9]+)?$")


def _endpoint(text: str) -> tuple[int | None, int | None]:
    m = _END.match(text)
    if not m or not (m.group(1) or m.group(2)):
        raise ValueError(text)
    col = column_index(m.group(1).lstrip("$")) if m.group(1) else None
    row = int(m.group(2).lstrip("$")) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise ValueError(text)
    return row, col


def parse_a1(text: str, titles: list[str]) -> tuple[str, int | None, int | None,
                                                     int | None, int | None]:
    """(sheet title, first row, first col, last row, last col) of an A1 range; a part
    that is not given is None (a whole column, row or sheet). ``titles`` are the
    spreadsheet's sheet titles (the first is used when the range names none)."""
    raw = text.strip()
    if raw in titles:
        return raw, None, None, None, None
    sheet: str | None = None
    cells = raw
    if raw.startswith("'"):
        end = 1
        while True:
            end = raw.find("'", end)
            if end < 0:
                raise _unparsable(text)
            if raw[end + 1:end + 2] == "'":
                end += 2
                continue
            break
        sheet = raw[1:end].replace("''", "'")
        rest = raw[end + 1:]
        if not rest:
            cells = ""
        elif rest.startswith("!"):
            cells = rest[1:]
        else:
            raise _unparsable(text)
    elif "!" in raw:
        sheet, cells = raw.rsplit("!", 1)
    if sheet is None:
        sheet = titles[0]
    if sheet not in titles:
        raise _unparsable(text)
    if not cells:
        return sheet, None, None, None, None
    try:
        first, _, last = cells.partition(":")
        r1, c1 = _endpoint(first)
        r2, c2 = _endpoint(last) if last else (r1, c1)
    except ValueError:
        raise _unparsable(text) from None
    if not last and (r1 is None or c1 is None):
        raise _unparsable(text)
    return sheet, r1, c1, r2, c2


def _unparsable(text: str) -> ApiError:
    return invalid_argument(f"Unable to parse range: {text}")


def range_text(title: str, r1: int, c1: int, r2: int, c2: int) -> str:
    """``Sheet1!A1:D4`` (``Sheet1!A1`` for one cell), 0-based inclusive bounds."""
    first = f"{column_letter(c1)}{r1 + 1}"
    cells = first if (r1, c1) == (r2, c2) else f"{first}:{column_letter(c2)}{r2 + 1}"
    return f"{quote_title(title)}!{cells}"


# ---- typed input ------------------------------------------------------------------------
def _number(text: str, locale: str) -> float | None:
    dec, group = (",", ".") if locale in COMMA_DECIMAL_LOCALES else (".", ",")
    t = text.strip().replace("\u00a0", " ")
    sign = 1.0
    if t.startswith("-"):
        sign, t = -1.0, t[1:]
    elif t.startswith("+"):
        t = t[1:]
    percent = t.endswith("%")
    if percent:
        t = t[:-1]
    pattern = (r"^(?:[0-9]{1,3}(?:" + re.escape(group) + r"[0-9]{3})+|[0-9]+)?"
               r"(?:" + re.escape(dec) + r"[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
    if not t or not re.match(pattern, t) or t in (dec, group):
        return None
    value = float(t.replace(group, "").replace(dec, "."))
    return sign * (value / 100 if percent else value)


_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


def user_entered(value: Any, locale: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(ExtendedValue or None for empty, a number format Google applies or None) for a
    value typed in ``locale`` (``USER_ENTERED``)."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": float(value)}, None
    text = str(value)
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    m = _ISO_DATE.match(text.strip())
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return {"stringValue": text}, None
        return ({"numberValue": float((day - _EPOCH).days)},
                {"type": "DATE", "pattern": "yyyy-mm-dd"})
    number = _number(text, locale)
    if number is not None:
        fmt = {"type": "PERCENT", "pattern": "0%"} if text.strip().endswith("%") else None
        return {"numberValue": number}, fmt
    return {"stringValue": text}, None


def raw_value(value: Any) -> dict[str, Any] | None:
    """ExtendedValue for a ``RAW`` value (text stays text, "" is empty)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": float(value)}
    text = str(value)
    return {"stringValue": text} if text != "" else None


# ---- shown values -----------------------------------------------------------------------
def _seps(locale: str) -> tuple[str, str]:
    return (",", ".") if locale in COMMA_DECIMAL_LOCALES else (".", ",")


def general(value: float, locale: str) -> str:
    """A number in the general format (no grouping, up to 10 significant digits)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        return text.replace(".", _seps(locale)[0])
    return text.replace(".", _seps(locale)[0])


def _date_text(serial: float, pattern: str) -> str:
    day = _EPOCH + timedelta(days=math.floor(serial))
    out = pattern
    out = re.sub(r"y{4}", f"{day.year:04d}", out, flags=re.IGNORECASE)
    out = re.sub(r"y{2}", f"{day.year % 100:02d}", out, flags=re.IGNORECASE)
    out = re.sub(r"m{2}", f"{day.month:02d}", out, flags=re.IGNORECASE)
    out = re.sub(r"d{2}", f"{day.day:02d}", out, flags=re.IGNORECASE)
    return out


def _pattern_parts(section: str) -> list[tuple[str, str]]:
    """[("lit", text) | ("num", placeholders)] of one number-format section."""
    parts: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            parts.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            parts.append(("lit", section[i + 1]))
            i += 2
        elif ch in "0#?,.":
            j = i
            while j < len(section) and section[j] in "0#?,.":
                j += 1
            parts.append(("num", section[i:j]))
            i = j
        else:
            parts.append(("lit", ch))
            i += 1
    return parts


def _digits(value: float, placeholders: str, locale: str) -> str:
    dec_sep, group_sep = _seps(locale)
    int_part, _, frac_part = placeholders.partition(".")
    grouping = "," in int_part
    int_min = int_part.count("0")
    frac_min = frac_part.count("0")
    frac_max = sum(frac_part.count(c) for c in "0#?")
    text = f"{abs(value):.{frac_max}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if len(frac) < frac_min:
        frac = frac + "0" * (frac_min - len(frac))
    whole = whole.lstrip("0")
    if len(whole) < int_min:
        whole = "0" * (int_min - len(whole)) + whole
    if grouping and whole:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = group_sep.join(groups)
    return whole + (dec_sep + frac if frac else "")


def format_number(value: float, pattern: str, locale: str) -> str:
    """``value`` shown with the number format ``pattern`` in ``locale``."""
    sections = pattern.split(";")
    section = sections[0]
    negative = value < 0
    if negative and len(sections) > 1 and sections[1]:
        section = sections[1]
        negative = False
    if re.search(r"[yd]|m{2}", re.sub(r'"[^"]*"', "", section), flags=re.IGNORECASE) and \
            not re.search(r"[0#]", re.sub(r'"[^"]*"', "", section)):
        return _date_text(value, section)
    parts = _pattern_parts(section)
    if not any(kind == "num" for kind, _ in parts):
        return "".join(text for _, text in parts) or general(value, locale)
    scaled = abs(value) * (100 if any(k == "lit" and "%" in t for k, t in parts) else 1)
    out = []
    placed = False
    for kind, text in parts:
        if kind == "num" and not placed:
            out.append(_digits(scaled, text, locale))
            placed = True
        elif kind == "lit":
            out.append(text)
    return ("-" if negative and scaled != 0 else "") + "".join(out)


def format_value(value: Any, number_format: dict[str, Any] | None, locale: str) -> str | None:
    """The ``formattedValue`` of an effective value (None for an empty cell)."""
    if value is None:
        return None
    if isinstance(value, FormulaError):
        return value.code
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    number = float(value)
    pattern = (number_format or {}).get("pattern")
    kind = (number_format or {}).get("type")
    if pattern and kind != "TEXT":
        return format_number(number, pattern, locale)
    return general(number, locale)
