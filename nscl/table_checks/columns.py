"""Column parsing: every task's cell read as its column's type says.

Text (NFC, legacy TCVN3/VNI converted), money (numbers typed as text, units, bounds),
durations (months, in the shapes clerks type) and Stt (the order of the tasks). Common
cells (real numbers, clean text) take a fast path inside list comprehensions; anything
unusual goes through a slow path that parses it and records problems. This is the hot
path of ``nscl validate`` on big files: per-cell work is kept light.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from nscl.forms import Column
from nscl.legacy import LegacyEncoding, convert_legacy, detect_legacy, surely_unicode
from nscl.locate import cell_text
from nscl.numbers import (
    MAX_AMOUNT,
    MILLION,
    ParsedNumber,
    format_number,
    parse_duration,
    parse_number,
    to_million,
)
from nscl.table_checks.context import TableContext, is_blank, short
from nscl.table_checks.rows import RowLayout

__all__ = ["ColumnParser", "shown_as_date"]

_SEQ_TEXT = re.compile(r"^\s*(\d{1,5})\s*\.?\s*$")
_PLAIN_NUMBER = re.compile(r"\s*\d+(?:[.,]\d+)?\s*")


def _years_as_months(value: Any) -> Any:
    """A plain number of years as months (a float); anything else (text with its own
    unit, "2025-2026" …) unchanged, for the duration parser."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 12
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return float(value.strip().replace(",", ".")) * 12
    return value


def shown_as_date(value: Any) -> str | None:
    """How Excel shows a number under a date, time or duration format (what the reader
    turned it into), or None when ``value`` is not such a value."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return None


class ColumnParser:
    """Parses the columns of one table's tasks, with caches shared by its columns."""

    def __init__(self, ctx: TableContext, layout: RowLayout) -> None:
        self.ctx = ctx
        self.layout = layout
        self.nfd_count = 0
        self.nfd_first: tuple[int, str] | None = None
        self.text_clean: dict[Any, str | None] = {"": None}
        self.text_legacy: dict[str, tuple[str, LegacyEncoding | None, bool]] = {}
        self.duration_clean: dict[str, int] = {}
        options = ctx.options
        duration_max = 72
        key = ctx.duration_key
        if key is not None:
            maximum = ctx.form.column(key).max
            duration_max = int(maximum) if maximum is not None else 72
        if options.year is not None:
            duration_max = min(duration_max, (options.program_end_year + 1 - options.year) * 12)
        self.quick_months = float(duration_max)
        # Amounts above their column's warn_above: column key -> (line, amount).
        self.implausible: dict[str, list[tuple[int, float]]] = {}

    def parse(self, rows: Sequence[Sequence[Any]], lines: list[int]) -> dict[str, list[Any]]:
        """Every column's parsed values (column key -> one value per task, None for a
        column the table lacks); the problems go to the context."""
        ctx = self.ctx
        n = len(rows)
        short_row = any(len(row) < ctx.min_width for row in rows)
        # Column-wise work: transpose once in C when every row is wide enough.
        transposed = None if short_row or not rows else list(zip(*rows, strict=False))
        parsed: dict[str, list[Any]] = {}
        for col, index, _ in ctx.columns:
            key = col.key
            if index is None:
                parsed[key] = [None] * n
                continue
            if transposed is not None:
                raw = list(transposed[index])
            else:
                raw = [row[index] if index < len(row) else "" for row in rows]
            if col.type == "text":
                parsed[key] = self._text_column(col, raw, lines)
            elif col.type == "money":
                parsed[key] = self._money_column(col, raw, lines)
            elif col.type == "duration":
                parsed[key] = self._duration_column(col, raw, lines)
            else:
                parsed[key] = self._seq_column(col, raw, lines)
        return parsed

    def report_nfd(self) -> None:
        """One ``text-not-nfc`` for the whole table, at its first decomposed text."""
        if self.nfd_count and self.nfd_first is not None:
            line, key = self.nfd_first
            self.ctx.add("text-not-nfc", key, line, count=self.nfd_count,
                         first=self.ctx.cell(key, line))

    # -- text ------------------------------------------------------------------------------
    def _admit_clean(self, raw: list[Any]) -> None:
        """Cache, in one pass, the column's new texts when together they are NFC and
        hold nothing of a legacy encoding (the common column): each is then its own
        stripped self, as :meth:`_text_slow` would find one by one."""
        clean = self.text_clean
        fresh = [v for v in dict.fromkeys(raw) if type(v) is str and v not in clean]
        if len(fresh) < 64:  # not worth a batch
            return
        joined = "\0".join(fresh)
        if (joined.count("\0") != len(fresh) - 1 or not surely_unicode(joined)
                or not unicodedata.is_normalized("NFC", joined)):
            return  # each text takes the slow path, which says what is wrong where
        for value in fresh:
            text = value.strip()
            if text:
                clean[value] = text

    def _text_slow(self, value: Any, key: str, line: int) -> str | None:
        if type(value) is not str:
            if value is None or value == "":
                return None
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        text = value.strip()
        if not text:
            return None
        if text.isascii():
            self.text_clean[value] = text
            return text
        cached = self.text_legacy.get(text)
        if cached is None:
            was_nfd = not unicodedata.is_normalized("NFC", text)
            final = unicodedata.normalize("NFC", text) if was_nfd else text
            encoding = detect_legacy(final)
            if encoding is not None:
                final = convert_legacy(final, encoding)
            cached = (final, encoding, was_nfd)
            self.text_legacy[text] = cached
        final, encoding, was_nfd = cached
        if not was_nfd and encoding is None:
            self.text_clean[value] = final
            return final
        if was_nfd:
            self.nfd_count += 1
            if self.nfd_first is None:
                self.nfd_first = (line, key)
        if encoding is not None:
            self.ctx.add(
                "text-legacy-encoding", key, line,
                encoding="TCVN3" if encoding == "tcvn3" else "VNI",
                raw=short(text), text=short(final),
            )
        return final

    def _text_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        self._admit_clean(raw)
        get = self.text_clean.get  # only ever holds non-empty text, so "or" is safe
        slow = self._text_slow
        key = col.key
        out = [
            get(v) or (slow(v, key, line) if v != "" else None)
            for v, line in zip(raw, lines, strict=True)
        ]
        if col.required:
            self._missing(col, [j for j, v in enumerate(out) if v is None], lines)
        return out

    def _missing(self, col: Column, empty: list[int], lines: list[int]) -> None:
        """``required-missing`` at the tasks ``empty`` of a required column, unless
        another problem explains it."""
        explained = self.ctx.explained
        for j in empty:
            if (col.key, lines[j]) not in explained:
                self.ctx.add("required-missing", col.key, lines[j], line=lines[j],
                             header=col.header)

    # -- money -----------------------------------------------------------------------------
    def _not_of_its_kind(self, code: str, col: Column, line: int, cell: Any, /,
                         **params: Any) -> None:
        """A number cell that could not be read: ``number-formatted-as-date`` when the
        reader gave a date or a time (the cell shows one in Excel), else ``code``."""
        shown = shown_as_date(cell)
        if shown is not None:
            self.ctx.add("number-formatted-as-date", col.key, line, header=col.header,
                         shown=shown)
        else:
            self.ctx.add(code, col.key, line, **params)

    def _money_slow(self, col: Column, value: Any, line: int) -> float | None:
        if value is None or value == "":
            return None
        parsed: ParsedNumber = parse_number(value)
        key = col.key
        add = self.ctx.add
        if parsed.value is None:
            self._not_of_its_kind("not-a-number", col, line, value, header=col.header,
                                  value=short(value))
            return None
        number = parsed.value
        money_unit = self.ctx.money_unit
        if parsed.unit is None and money_unit != MILLION:  # in the table's own unit
            number = to_million(number, money_unit)
        if abs(number) > MAX_AMOUNT:  # no budget: left out, so that every sum stays exact
            shown = short(value) if isinstance(value, str) else format_number(number)
            add("amount-too-large", key, line, header=col.header, value=shown,
                limit=format_number(MAX_AMOUNT))
            return None
        if parsed.style != "native":
            add("number-as-text", key, line,
                header=col.header, value=short(value), number=format_number(number))
            if parsed.style == "ambiguous":
                alternative = float(str(value).strip().replace(",", ""))
                add("number-ambiguous", key, line, value=short(value),
                    number=format_number(number), alternative=format_number(alternative))
        if number < 0 and ((col.min is not None and col.min >= 0) or col.computed):
            add("negative-budget", key, line, header=col.header, number=format_number(number))
        if col.warn_above is not None and number > col.warn_above:
            self.implausible.setdefault(key, []).append((line, number))
        return number

    def _money_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        slow = self._money_slow
        if self.ctx.money_unit != MILLION:  # every amount is converted: no fast path
            out = [slow(col, v, lines[j]) for j, v in enumerate(raw)]
        else:
            top = MAX_AMOUNT if col.warn_above is None else col.warn_above  # above: slow
            out = [
                float(v) if type(v) is float and 0 <= v <= top
                else slow(col, v, lines[j])
                for j, v in enumerate(raw)
            ]
        if col.required:
            self._missing(col, [j for j, v in enumerate(out) if v is None and is_blank(raw[j])],
                          lines)
        big = self.implausible.get(col.key)
        if big and col.warn_above is not None:  # found by the slow path, in row order
            line, value = big[0]
            self.ctx.add("amount-implausible", col.key, line, header=col.header,
                         count=len(big), value=format_number(value),
                         billions=format_number(round(value / 1000, 1)),
                         as_dong=format_number(round(value / 1_000_000, 3)),
                         limit=format_number(col.warn_above / 1000))
        return out

    # -- duration --------------------------------------------------------------------------
    def _duration_slow(self, col: Column, value: Any, line: int) -> int | None:
        before = len(self.ctx.problems)
        months = self._duration_checked(col, value, line)
        if type(value) is str and months is not None and len(self.ctx.problems) == before:
            self.duration_clean[value] = months
        return months

    def _duration_checked(self, col: Column, value: Any, line: int) -> int | None:
        key = col.key
        add = self.ctx.add
        options = self.ctx.options
        parsed = parse_duration(value)
        if parsed.empty:
            if (key, line) not in self.ctx.explained:
                add("duration-missing", key, line, line=line)
            return None
        if parsed.months is None:
            self._not_of_its_kind("duration-invalid", col, line, value, value=short(value))
            return None
        months = parsed.whole_months
        if months is None:
            add("duration-not-whole", key, line, months=format_number(parsed.months))
            return None
        low = int(col.min) if col.min is not None else 1
        high = int(col.max) if col.max is not None else 72
        if not low <= months <= high:
            add("duration-out-of-range", key, line, months=months, min=low, max=high)
        end_year = options.program_end_year
        start_year = parsed.start[0] if parsed.start else options.year
        if parsed.end is not None:
            past = parsed.end[0] > end_year
        elif start_year is not None:
            past = months > (end_year + 1 - start_year) * 12
        else:
            past = False
        if past and start_year is not None:
            add("duration-past-2030", key, line,
                start=start_year, months=months, end_year=end_year)
        return months

    def _duration_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        if self.ctx.duration_in_years:
            raw = [_years_as_months(v) for v in raw]
        quick = self.quick_months
        clean = self.duration_clean
        slow = self._duration_slow
        return [
            int(v) if type(v) is float and v.is_integer() and 1 <= v <= quick
            else clean[v] if type(v) is str and v in clean
            else slow(col, v, lines[j])
            for j, v in enumerate(raw)
        ]

    # -- Stt -------------------------------------------------------------------------------
    def _seq_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        fast = [int(v) if type(v) is float and v.is_integer() else None for v in raw]
        if fast == list(range(1, len(raw) + 1)):  # 1, 2, 3 … as typed: nothing to report
            return fast
        add = self.ctx.add
        out: list[int | None] = []
        expected = 1
        parents = self.layout.subtask_parent
        section_starts = self.layout.section_starts
        for j, value in enumerate(raw):
            group = parents.get(j)
            if group is not None:  # "1.1" under its group "1": the group's number counts
                if parents.get(j - 1) != group:
                    number, group_line = group
                    if number == 1 and j in section_starts:
                        expected = 1
                    if number != expected:
                        add("seq-order", col.key, group_line, value=str(number),
                            expected=expected)
                    expected = number + 1
                out.append(None)
                continue
            if is_blank(value):
                out.append(None)
                if col.required:
                    self._missing(col, [j], lines)
                expected += 1
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                seq = int(value) if float(value).is_integer() else None
            elif isinstance(value, str):
                found = _SEQ_TEXT.match(value)
                seq = int(found.group(1)) if found else None
            else:
                seq = None
            if seq == 1 and j in section_starts:  # numbering restarts in each section
                expected = 1
            if seq != expected:
                add("seq-order", col.key, lines[j], value=short(cell_text(value)),
                    expected=expected)
            expected = (seq if seq is not None else expected) + 1
            out.append(seq)
        return out
