"""Find a form's table in a sheet by its header texts, wherever the agency put it.

Agencies retype the official table: any sheet name, rows above it, a two-row header
with "Dự kiến kinh phí (triệu đồng)" merged over Tổng số / NSNN / Đối ứng, a
"(1) (2) (3) …" number row, headers broken over lines, in another case or Unicode
form, optional columns left out and extra columns added. The official headers and
their aliases come from the form descriptions (:mod:`nscl.forms`), compared with
:func:`header_key` (built on :func:`nscl.text.compare_key`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nscl.forms import ReportForm, TableForm
from nscl.text import compare_key

__all__ = [
    "IndicatorLocation",
    "TableLocation",
    "cell_text",
    "header_key",
    "is_header_row",
    "is_number_row",
    "locate_indicators",
    "locate_table",
    "prepare_forms",
]

MAX_HEADER_SCAN = 60
_PUNCT_SPACES = re.compile(r"\s*([/,;:()\-])\s*")
_TRAILING = re.compile(r"[\s:*.]+$")
_NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?\.?$")


def cell_text(value: Any) -> str:
    """A cell as stripped text ("" for empty cells); numbers without a trailing ".0"."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@lru_cache(maxsize=8192)
def header_key(text: str) -> str:
    """Comparison key for header texts: :func:`compare_key`, no spaces around punctuation."""
    key = compare_key(text)
    key = _PUNCT_SPACES.sub(r"\1", key)
    return _TRAILING.sub("", key)


@dataclass(frozen=True)
class _HeaderIndex:
    """A form's header texts as comparison keys, built once per form."""

    exact: dict[str, str]  # header key -> column key
    # (prefix key, column key), longest first, bucketed by their first _HEAD characters:
    # most cells scanned are task text that starts like no header at all.
    prefixes: dict[str, tuple[tuple[str, str], ...]]
    groups: frozenset[str]  # keys of the group headers ("dự kiến kinh phí …")

    def match(self, text: str) -> str | None:
        """The column key whose header ``text`` is, or None."""
        if not text or len(text) > 120:
            return None
        key = header_key(text)
        found = self.exact.get(key)
        if found:
            return found
        for prefix, col_key in self.prefixes.get(key[:_HEAD], ()):
            if key.startswith(prefix) and not key[len(prefix)].isalnum():
                return col_key
        return None


_HEAD = 4  # the shortest header key used as a prefix


# Keyed by the form's identity: hashing a whole form description on every lookup cost
# half of a validation. Forms are long-lived (loaded once per process).
_INDEXES: dict[int, tuple[TableForm, _HeaderIndex]] = {}


def _header_index(form: TableForm) -> _HeaderIndex:
    cached = _INDEXES.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    exact: dict[str, str] = {}
    for col in form.columns:
        for text in col.headers:
            exact.setdefault(header_key(text), col.key)
    buckets: dict[str, list[tuple[str, str]]] = {}
    for prefix, col_key in sorted(exact.items(), key=lambda kv: len(kv[0]), reverse=True):
        if len(prefix) >= _HEAD:
            buckets.setdefault(prefix[:_HEAD], []).append((prefix, col_key))
    index = _HeaderIndex(
        exact=exact,
        prefixes={head: tuple(items) for head, items in buckets.items()},
        groups=frozenset(header_key(col.group) for col in form.columns if col.group),
    )
    if len(_INDEXES) > 64:  # forms built on the fly (tests): keep the cache small
        _INDEXES.clear()
    _INDEXES[id(form)] = (form, index)
    return index


def is_number_row(row: Sequence[Any]) -> bool:
    """Whether a row is the "(1) (2) (3) …" column-number row under the headers."""
    numbers: list[int] = []
    for value in row:
        text = cell_text(value)
        if not text:
            continue
        found = _NUMBER_CELL.match(text)
        if not found:
            return False
        numbers.append(int(found.group(1)))
    return len(numbers) >= 3 and all(b > a for a, b in itertools.pairwise(numbers))


@dataclass(frozen=True)
class TableLocation:
    """Where a table form sits in a sheet (0-based rows and columns)."""

    form: TableForm
    header_rows: tuple[int, ...]
    data_start: int
    columns: dict[str, int]
    number_row: int | None = None

    @property
    def score(self) -> int:
        """Number of the form's columns found."""
        return len(self.columns)

    @property
    def missing(self) -> tuple[str, ...]:
        """Keys of the form's columns not found, in form order."""
        return tuple(c.key for c in self.form.columns if c.key not in self.columns)

    @property
    def header_row(self) -> int:
        """First header row (0-based)."""
        return self.header_rows[0]


def prepare_forms(forms: Iterable[TableForm]) -> None:
    """Build the header index of each form now (see :func:`nscl.validation.preload`)."""
    for form in forms:
        _header_index(form)


def _row_matches(row: Sequence[Any], index: _HeaderIndex) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, value in enumerate(row):
        if not isinstance(value, str):
            continue
        key = index.match(value)
        if key is not None and key not in found:
            found[key] = col
    return found


def is_header_row(row: Sequence[Any], form: TableForm) -> bool:
    """Whether every non-empty cell of ``row`` is a header of ``form`` (or of one of its
    column groups): the header repeated inside a table (a table pasted page by page)."""
    return _is_header_row(row, _header_index(form))


def _is_header_row(row: Sequence[Any], index: _HeaderIndex) -> bool:
    """Text only, and every cell a header of the form (or its group header); or at least
    two of them when the agency added a column of its own ("NSNN địa phương" next to
    NSNN): refusing the whole row for it would lose the form's columns it holds."""
    known = unknown = 0
    for value in row:
        text = cell_text(value)
        if not text:
            continue
        if not isinstance(value, str):
            return False
        if index.match(text) is None and header_key(text) not in index.groups:
            unknown += 1
        else:
            known += 1
    return known >= 2 or (known == 1 and unknown == 0)


def locate_table(
    grid: Sequence[Sequence[Any]], form: TableForm, *, min_columns: int = 4
) -> TableLocation | None:
    """Find ``form``'s header in the first rows of ``grid``; None when absent.

    The header may span two rows (a group header over its sub-columns); the task-name
    column must be among the columns found.
    """
    best: TableLocation | None = None
    index = _header_index(form)
    limit = min(len(grid), MAX_HEADER_SCAN)
    for r in range(limit):
        found = _row_matches(grid[r], index)
        if len(found) < 2:
            continue
        header_rows = [r]
        nxt = r + 1
        if nxt < len(grid) and _is_header_row(grid[nxt], index):
            for key, col in _row_matches(grid[nxt], index).items():
                found.setdefault(key, col)
            header_rows.append(nxt)
            nxt += 1
        if "task_name" not in found or len(found) < min_columns:
            continue
        number_row = None
        if nxt < len(grid) and is_number_row(grid[nxt]):
            number_row = nxt
            nxt += 1
        candidate = TableLocation(
            form=form,
            header_rows=tuple(header_rows),
            data_start=nxt,
            columns=found,
            number_row=number_row,
        )
        if best is None or candidate.score > best.score:
            best = candidate
            if best.score == len(form.columns):
                break  # every column found: no later row can do better
    return best


# ---- Form B: the indicator table ------------------------------------------------------

_YEAR_HEADER = re.compile(
    r"^(?:(?:kết quả|số liệu|thực hiện|đạt được|kết quả thực hiện)\s*)*(?:trong\s*)?"
    r"năm\s*(?:báo cáo\s*)?\(?\s*(\d{4})"
)
_CUMULATIVE_HEADER = re.compile(r"^(?:(?:tổng|số|số liệu)\s*)?(?:luỹ|lũy) kế")
_NAME_HEADERS = ("Chỉ tiêu", "Tên chỉ tiêu", "Nội dung chỉ tiêu", "Nội dung", "Chỉ tiêu/Nội dung",
                 "Tên chỉ tiêu/Nội dung", "Kết quả/Chỉ tiêu")
_UNIT_HEADERS = ("Đơn vị tính", "ĐVT", "Đơn vị", "Đơn vị đo")
_SEQ_HEADERS = ("STT", "TT", "Số TT", "Số thứ tự")


@dataclass(frozen=True)
class IndicatorLocation:
    """Where the Form B indicator table sits (0-based)."""

    header_row: int
    name_col: int
    year_col: int
    cumulative_col: int
    year: int | None
    unit_col: int | None = None
    seq_col: int | None = None


def _indicator_headers(row: Sequence[Any]) -> dict[str, int]:
    """The indicator table's headers found in one row: "name", "unit", "seq",
    "cumulative", "year" -> column; the year itself under "year_value"."""
    names = {header_key(h) for h in _NAME_HEADERS}
    units = {header_key(h) for h in _UNIT_HEADERS}
    seqs = {header_key(h) for h in _SEQ_HEADERS}
    found: dict[str, int] = {}
    for c, value in enumerate(row):
        if not isinstance(value, str) or not value.strip():
            continue
        key = header_key(value)
        if key in names:
            found.setdefault("name", c)
        elif key in units:
            found.setdefault("unit", c)
        elif key in seqs:
            found.setdefault("seq", c)
        elif _CUMULATIVE_HEADER.match(key):
            found.setdefault("cumulative", c)
        elif "year" not in found:
            year = _YEAR_HEADER.match(key)
            if year:
                found["year"] = c
                found["year_value"] = int(year.group(1))
    return found


def _name_column(grid: Sequence[Sequence[Any]], first_row: int, before: int) -> int | None:
    """The column left of ``before`` holding the longest texts in the rows from
    ``first_row`` (a table whose name column has no header the form knows)."""
    lengths: dict[int, int] = {}
    for row in grid[first_row: first_row + 40]:
        for c in range(min(before, len(row))):
            value = row[c]
            if isinstance(value, str):
                lengths[c] = lengths.get(c, 0) + len(value.strip())
    if not lengths:
        return None
    best = max(lengths, key=lambda c: lengths[c])
    return best if lengths[best] else None


def locate_indicators(grid: Sequence[Sequence[Any]], form: ReportForm) -> IndicatorLocation | None:
    """Find the "Chỉ tiêu" table: a header row with the year and cumulative columns, and
    the indicator names' column (its header in that row or the row above, as when "Chỉ
    tiêu" is merged down over a two-row header; else the column of longest texts left of
    the figures)."""
    for r in range(min(len(grid), MAX_HEADER_SCAN)):
        found = _indicator_headers(grid[r])
        if "year" not in found or "cumulative" not in found:
            continue
        if r > 0:
            above = _indicator_headers(grid[r - 1])
            for key in ("name", "unit", "seq"):
                if key not in found and key in above:
                    found[key] = above[key]
        name_col = found.get("name")
        if name_col is None:
            name_col = _name_column(grid, r + 1, min(found["year"], found["cumulative"]))
            if name_col is None:
                continue
        return IndicatorLocation(
            header_row=r,
            name_col=name_col,
            year_col=found["year"],
            cumulative_col=found["cumulative"],
            year=found.get("year_value"),
            unit_col=found.get("unit"),
            seq_col=found.get("seq"),
        )
    return None
