"""Read the rows of a located table form (Form A, or Form C) and check them.

One pass over the data rows: blank rows are skipped, the totals row ("Tổng cộng",
"Cộng") is kept aside for a cross-check, the signature footer ends the table. Every
started row becomes a :class:`~nscl.report.TaskRow` whose ``cells`` map every column of
the form (found or not, empty or not) to an A1 reference, and yields problems of the
rules in :mod:`nscl.rules`. Per-cell work is kept light: this is the hot path of
``nscl validate`` on big files.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

import nscl.rules  # noqa: F401  (registers the rules used here)
from nscl.forms import DESCRIBING_ROLES, OWN_ROLES, TASK_ONLY_ROLES, Column, TableForm
from nscl.gc_pause import gc_paused
from nscl.legacy import LegacyEncoding, convert_legacy, detect_legacy, surely_unicode
from nscl.locate import (
    TableLocation,
    a1,
    cell_text,
    column_letter,
    is_header_row,
    is_number_row,
)
from nscl.numbers import (
    MILLION,
    ParsedNumber,
    declared_money_unit,
    format_number,
    parse_duration,
    parse_number,
    to_million,
)
from nscl.problems import Problem, get_rule, listed
from nscl.report import BudgetSummary, RowCells, RowRaw, TaskRow
from nscl.text import canonical_tone_placement, compare_key

__all__ = [
    "FOOTER_PATTERN", "MAX_AMOUNT", "TableOptions", "TableResult", "check_table",
]

MONEY_TOLERANCE = 0.001  # million VND
# Larger amounts cannot be a task's budget (10^18 đồng): they are reported and left out of
# the sums, which would otherwise lose their precision or overflow. Not a budget ceiling.
MAX_AMOUNT = 1e12  # million VND
_TOTALS_LABEL = re.compile(r"^(?:tổng cộng|cộng|tổng|tổng số|tổng cộng kinh phí)\s*[:.]?$")
# A subtotal's label: "Cộng mục I", "Cộng (I)", "Tổng cộng (I+II)", "Cộng nhiệm vụ chuyển
# tiếp" — but "Cộng đồng …", "Cộng tác …" begin task names, hence the row must describe
# no task either (see _Checker._is_totals).
_SUBTOTAL_LABEL = re.compile(r"^(?:tổng cộng|cộng)(?!\s*(?:đồng|tác|hòa|hoà|hưởng|sự)\b)\b")
# Signature footer lines (on compare_key text): the end of a table or of a report.
FOOTER_PATTERN = re.compile(
    r"ngày\s*\S*\s*tháng|xác nhận của|ký,? ghi rõ|thủ trưởng|người lập|nơi nhận|"
    r"^kt\.|^tm\.|^giám đốc|^chủ tịch|^bộ trưởng"
)
_SEQ_TEXT = re.compile(r"^\s*(\d{1,5})\s*\.?\s*$")
# A task's or sub-item's number as typed: "1", "1.", "1.1", "2.3.", "1.2.1" (4 levels).
_SEQ_PATH = re.compile(r"^\s*\d{1,5}(?:\s*\.\s*\d{1,3}){0,3}\s*\.?\s*$")
# A bullet: alone in the Stt column ("-", "+", "•", "a)") or opening a line of text.
_BULLET_SEQ = re.compile(r"\s*(?:[-+•*–—·○●▪◦∙]|[a-zđ]\s*[.)]?)\s*")
_BULLET_TEXT = re.compile(r"\s*(?:[-+•*–—·○●▪◦∙]|[a-zđ]\))\s*\S")
# A note line under (or above) a table, alone on its row: "Ghi chú: …", "Lưu ý: …", "(*) …".
_NOTE_LINE = re.compile(r"^(?:ghi chú|lưu ý|chú thích|chú giải|nguồn)\s*[:.\-]|^\(?\*+\)?\s")


@dataclass(frozen=True)
class TableOptions:
    """What the table checks need beyond the table itself."""

    year: int | None = None
    max_state_budget_share: float | None = None
    program_end_year: int = 2030
    # (column key, 1-based sheet row) of amount cells covered by a merge that is already
    # reported (``amount-merged``): their emptiness is that one mistake, not another.
    merged_amounts: frozenset[tuple[str, int]] = frozenset()
    # 0-based rows the reader could not convert (``row-unreadable``, reported already).
    unreadable_rows: frozenset[int] = frozenset()
    # 0-based rows hidden or filtered out of view in the spreadsheet.
    hidden_rows: frozenset[int] = frozenset()
    # (0-based row, 0-based column) of formula cells saved without their result.
    uncalculated: frozenset[tuple[int, int]] = frozenset()


@dataclass
class TableResult:
    """Rows, problems and budget of one table."""

    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: BudgetSummary = field(default_factory=BudgetSummary)
    totals_row: int | None = None  # 1-based sheet row of "Tổng cộng"
    money_unit: str = MILLION  # the unit the table declares; amounts are converted from it
    # Whether the table has cells or rows read as empty where data was expected (what
    # formulas saved without their result would explain: see TableOptions.uncalculated).
    has_gaps: bool = False


# The header of a column about money (compared on compare_key text).
# Words that make an added column's header a money column. "đồng" only as a unit
# ("(đồng)", "triệu đồng", "đồng/năm"): not "cộng đồng" (community), "hội đồng" (council).
_MONEY_HEADER = re.compile(
    r"kinh phí|nsnn|ngân sách|\bvốn\b|nguồn|tiền|\bvn[dđ]\b"
    r"|(?:[(/:]|triệu|nghìn|ngàn|tỷ|tỉ)\s*đồng\b"
)
_YEARS_HEADER = re.compile(r"\(\s*(?:(?:đơn\s*vị(?:\s*tính)?|đvt)\s*:?\s*)?năm\s*\)")
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


_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")


def _short(value: Any, limit: int = 60) -> str:
    """Agency text quoted in a message: one line, control characters shown as "�"."""
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL_CHARS.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_EMPTY = ("", None)
# Old-style tone placement ("hóa", "thủy"): only such names need the full compare_key.


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def _seq_path(value: Any) -> tuple[int, ...] | None:
    """A Stt as the path of numbers it writes: 3 -> (3,), "1.2" or 1.2 -> (1, 2),
    "1.2.1." -> (1, 2, 1); None for anything else ("I", "a", "-")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return (int(value),)
        value = format(value, "g")
    if isinstance(value, str) and _SEQ_PATH.match(value):
        return tuple(int(part) for part in re.findall(r"\d+", value))
    return None


def _moved(dropped: list[int], position: int) -> int:
    """Where task ``position`` (or a count of tasks) is once the sorted positions
    ``dropped`` are left out of the tasks."""
    return position - bisect.bisect_left(dropped, position)


def _under(path: tuple[int, ...] | None, group: tuple[int, ...]) -> bool:
    """Whether ``path`` numbers a sub-item (at any depth) of the item ``group``."""
    return path is not None and len(path) > len(group) and path[:len(group)] == group


@cache
def _dict_maker(keys: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function building ``{keys[0]: a0, keys[1]: a1, …}`` from positional arguments.

    Generated once per key tuple (as ``collections.namedtuple`` does): a dict display with
    constant keys is about twice as fast as ``dict(zip(keys, values))`` on the hot path.
    The keys are column identifiers from the form description, embedded with ``repr``.
    """
    params = ", ".join(f"a{i}" for i in range(len(keys)))
    body = ", ".join(f"{key!r}: a{i}" for i, key in enumerate(keys))
    namespace: dict[str, Any] = {}
    exec(f"def make({params}):\n    return {{{body}}}", namespace)
    maker: Callable[..., dict[str, Any]] = namespace["make"]
    return maker


# A section heading's number: a Roman numeral or a capital letter ("I", "II.", "A)").
_SECTION_NUMBER = re.compile(r"\s*(?:[IVXLC]{1,6}|[A-ZĐ])\s*[.)]?\s*")


def _looks_like_totals(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    head = value.lstrip()[:1]
    if head not in ("T", "t", "C", "c"):
        return False
    return bool(_TOTALS_LABEL.match(compare_key(value)))


class _Checker:
    """One table: row classification, then column-wise parsing with fast paths.

    Common cells (real numbers, clean text) take a fast path inside list comprehensions;
    anything unusual goes through a slow path that parses it and records problems.
    Problems are sorted back into row, then column order at the end.
    """

    def __init__(
        self,
        loc: TableLocation,
        *,
        sheet: str,
        file: str | None,
        options: TableOptions,
    ) -> None:
        self.loc = loc
        self.form: TableForm = loc.form
        self.sheet = sheet
        self.file = file
        self.options = options
        # Columns not found still get a cell reference: after the last column found.
        spare = max(loc.columns.values(), default=-1) + 1
        self.columns: list[tuple[Column, int | None, str]] = []
        for col in self.form.columns:
            index = loc.columns.get(col.key)
            if index is None:
                letter = column_letter(spare)
                spare += 1
            else:
                letter = column_letter(index)
            self.columns.append((col, index, letter))
        self.keys = [col.key for col in self.form.columns]
        self.position = {col.key: i for i, col in enumerate(self.form.columns)}
        self.letters = [letter for _, _, letter in self.columns]
        self.label_cols = [loc.columns[k] for k in self.form.keys_with_role(*OWN_ROLES)
                           if k in loc.columns]
        # Columns that describe a task: a section heading fills none of them.
        self.describing = [loc.columns[k] for k in self.form.keys_with_role(*DESCRIBING_ROLES)
                           if k in loc.columns]
        self.start_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.key != "seq" and not col.computed
        ]
        self.computed_cols = [
            index for col, index, _ in self.columns if index is not None and col.computed
        ]
        # What a task has and a line of its content does not: who leads it, how long,
        # how much. And the columns such a line writes in.
        self.identity_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.role in TASK_ONLY_ROLES
        ]
        self.text_cols = [
            index for col, index, _ in self.columns
            if index is not None and col.type == "text" and col.role not in TASK_ONLY_ROLES
        ]
        self.min_width = max(loc.columns.values(), default=-1) + 1
        self.problems: list[tuple[int, int, int, Problem]] = []
        self.nfd_count = 0
        self.nfd_first: tuple[int, str] | None = None
        self.text_clean: dict[Any, str | None] = {"": None}
        self.text_legacy: dict[str, tuple[str, LegacyEncoding | None, bool]] = {}
        self.duration_clean: dict[str, int] = {}
        duration_max = 72
        if self.form.has_column("duration_months"):
            maximum = self.form.column("duration_months").max
            duration_max = int(maximum) if maximum is not None else 72
        if options.year is not None:
            duration_max = min(duration_max, (options.program_end_year + 1 - options.year) * 12)
        self.quick_months = float(duration_max)
        self.money_unit = MILLION  # the table's own unit (see _find_money_unit)
        self.duration_in_years = False  # the duration header says "(năm)"
        self.section_starts: set[int] = set()  # task indexes a section heading precedes
        # Sub-items counted as tasks (task index -> (their group's number, its sheet line)).
        self.subtask_parent: dict[int, tuple[int, int]] = {}
        # (grid row, first task, end, number) of each group
        self.group_spans: list[tuple[int, int, int, int | str]] = []
        self.has_money = any(c.type == "money" for c in self.form.columns)  # not Form C
        self.lost_rows = any(r >= loc.data_start for r in options.unreadable_rows)
        # A task's row with the bullet lines under it joined in (grid row -> cells).
        self.joined_rows: dict[int, list[Any]] = {}
        # (column key, line) of empty cells whose emptiness another problem explains
        # (an amount merged over them, a formula saved without its result).
        self.explained: set[tuple[str, int]] = set(options.merged_amounts)
        # Amounts above their column's warn_above: column key -> (line, amount).
        self.implausible: dict[str, list[tuple[int, float]]] = {}

    # -- problems ------------------------------------------------------------------------
    def add(self, code: str, key: str | None, line: int | None, /, **params: Any) -> None:
        """Record a problem of rule ``code`` at column ``key`` of sheet row ``line``."""
        cell = None
        if key is not None and line is not None:
            cell = self.letters[self.position[key]] + str(line)
        problem = get_rule(code).problem(
            file=self.file, sheet=self.sheet, cell=cell, row=line, **params
        )
        order = self.position.get(key, 99) if key is not None else 99
        self.problems.append((line or 0, order, len(self.problems), problem))

    # -- row classification --------------------------------------------------------------
    def _is_footer(self, row: Sequence[Any]) -> bool:
        return any(
            isinstance(v, str) and v and FOOTER_PATTERN.search(compare_key(v)) for v in row
        )

    def _is_note(self, row: Sequence[Any]) -> bool:
        """A note alone on its row ("Ghi chú: …", "(*) …"): not a task."""
        return any(
            isinstance(v, str) and v and _NOTE_LINE.match(compare_key(v.strip())) for v in row
        )

    def _is_totals(self, row: Sequence[Any]) -> bool:
        label: Any = None
        width = len(row)
        for c in self.label_cols:
            if c < width and row[c] not in _EMPTY:
                label = row[c]
                break
        else:  # a label merged over the first columns sits in the first non-empty cell
            label = next((value for value in row if not _is_blank(value)), None)
        if label is None:
            return False
        if _looks_like_totals(label):
            return True
        # A section's subtotal ("Cộng mục I"): the label, and nothing describing a task.
        return (
            isinstance(label, str) and len(label) <= 60
            and bool(_SUBTOTAL_LABEL.match(compare_key(label.strip())))
            and not self._describes_a_task(row)
        )

    def _describes_a_task(self, row: Sequence[Any]) -> bool:
        width = len(row)
        return any(index < width and not _is_blank(row[index]) for index in self.describing)

    def _is_section(self, row: Sequence[Any]) -> bool:
        """A heading grouping the tasks below it ("I | Nhiệm vụ chuyển tiếp", "A | Lĩnh vực
        tiêu chuẩn"): a Roman numeral or a letter as Stt, a label, and nothing that
        describes a task (it may carry its section's subtotal)."""
        seq, name = self.loc.columns.get("seq"), self.loc.columns.get("task_name")
        if seq is None or name is None or max(seq, name) >= len(row):
            return False
        label = row[seq]
        if not isinstance(label, str) or not _SECTION_NUMBER.fullmatch(label):
            return False
        if _is_blank(row[name]):
            return False
        return not self._describes_a_task(row)

    def _started(self, row: Sequence[Any]) -> bool:
        width = len(row)
        for c in self.start_cols:
            if c < width and not _is_blank(row[c]):
                return True
        return any(
            c < width and parse_number(row[c]).value for c in self.computed_cols
        )

    # -- slow paths ------------------------------------------------------------------------
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
            self.add(
                "text-legacy-encoding", key, line,
                encoding="TCVN3" if encoding == "tcvn3" else "VNI",
                raw=_short(text), text=_short(final),
            )
        return final

    def _not_of_its_kind(self, code: str, col: Column, line: int, cell: Any, /,
                         **params: Any) -> None:
        """A number cell that could not be read: ``number-formatted-as-date`` when the
        reader gave a date or a time (the cell shows one in Excel), else ``code``."""
        shown = shown_as_date(cell)
        if shown is not None:
            self.add("number-formatted-as-date", col.key, line, header=col.header, shown=shown)
        else:
            self.add(code, col.key, line, **params)

    def _money_slow(self, col: Column, value: Any, line: int) -> float | None:
        if value is None or value == "":
            return None
        parsed: ParsedNumber = parse_number(value)
        key = col.key
        if parsed.value is None:
            self._not_of_its_kind("not-a-number", col, line, value, header=col.header,
                                  value=_short(value))
            return None
        number = parsed.value
        if parsed.unit is None and self.money_unit != MILLION:  # in the table's own unit
            number = to_million(number, self.money_unit)
        if abs(number) > MAX_AMOUNT:  # no budget: left out, so that every sum stays exact
            shown = _short(value) if isinstance(value, str) else format_number(number)
            self.add("amount-too-large", key, line, header=col.header, value=shown,
                     limit=format_number(MAX_AMOUNT))
            return None
        if parsed.style != "native":
            self.add(
                "number-as-text", key, line,
                header=col.header, value=_short(value), number=format_number(number),
            )
            if parsed.style == "ambiguous":
                alternative = float(str(value).strip().replace(",", ""))
                self.add(
                    "number-ambiguous", key, line, value=_short(value),
                    number=format_number(number), alternative=format_number(alternative),
                )
        if number < 0 and ((col.min is not None and col.min >= 0) or col.computed):
            self.add(
                "negative-budget", key, line, header=col.header, number=format_number(number)
            )
        if col.warn_above is not None and number > col.warn_above:
            self.implausible.setdefault(key, []).append((line, number))
        return number

    def _duration_slow(self, col: Column, value: Any, line: int) -> int | None:
        before = len(self.problems)
        months = self._duration_checked(col, value, line)
        if type(value) is str and months is not None and len(self.problems) == before:
            self.duration_clean[value] = months
        return months

    def _duration_checked(self, col: Column, value: Any, line: int) -> int | None:
        key = col.key
        parsed = parse_duration(value)
        if parsed.empty:
            if (key, line) not in self.explained:
                self.add("duration-missing", key, line, line=line)
            return None
        if parsed.months is None:
            self._not_of_its_kind("duration-invalid", col, line, value, value=_short(value))
            return None
        months = parsed.whole_months
        if months is None:
            self.add("duration-not-whole", key, line, months=format_number(parsed.months))
            return None
        low = int(col.min) if col.min is not None else 1
        high = int(col.max) if col.max is not None else 72
        if not low <= months <= high:
            self.add("duration-out-of-range", key, line, months=months, min=low, max=high)
        end_year = self.options.program_end_year
        start_year = parsed.start[0] if parsed.start else self.options.year
        if parsed.end is not None:
            past = parsed.end[0] > end_year
        elif start_year is not None:
            past = months > (end_year + 1 - start_year) * 12
        else:
            past = False
        if past and start_year is not None:
            self.add(
                "duration-past-2030", key, line,
                start=start_year, months=months, end_year=end_year,
            )
        return months

    # -- columns ---------------------------------------------------------------------------
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
            for j in [j for j, v in enumerate(out) if v is None]:
                if (key, lines[j]) not in self.explained:
                    self.add("required-missing", key, lines[j], line=lines[j],
                             header=col.header)
        return out

    def _money_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        slow = self._money_slow
        if self.money_unit != MILLION:  # every amount is converted: no fast path
            out = [slow(col, v, lines[j]) for j, v in enumerate(raw)]
        else:
            top = MAX_AMOUNT if col.warn_above is None else col.warn_above  # above: slow
            out = [
                float(v) if type(v) is float and 0 <= v <= top
                else slow(col, v, lines[j])
                for j, v in enumerate(raw)
            ]
        if col.required:
            explained = self.explained
            for j in [j for j, v in enumerate(out) if v is None and _is_blank(raw[j])]:
                if (col.key, lines[j]) not in explained:
                    self.add("required-missing", col.key, lines[j], line=lines[j],
                             header=col.header)
        big = self.implausible.get(col.key)
        if big and col.warn_above is not None:  # found by the slow path, in row order
            line, value = big[0]
            self.add("amount-implausible", col.key, line, header=col.header, count=len(big),
                     value=format_number(value),
                     billions=format_number(round(value / 1000, 1)),
                     as_dong=format_number(round(value / 1_000_000, 3)),
                     limit=format_number(col.warn_above / 1000))
        return out

    def _duration_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        if self.duration_in_years:
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

    def _seq_column(self, col: Column, raw: list[Any], lines: list[int]) -> list[Any]:
        fast = [int(v) if type(v) is float and v.is_integer() else None for v in raw]
        if fast == list(range(1, len(raw) + 1)):  # 1, 2, 3 … as typed: nothing to report
            return fast
        out: list[int | None] = []
        expected = 1
        parents = self.subtask_parent
        for j, value in enumerate(raw):
            group = parents.get(j)
            if group is not None:  # "1.1" under its group "1": the group's number counts
                if parents.get(j - 1) != group:
                    number, group_line = group
                    if number == 1 and j in self.section_starts:
                        expected = 1
                    if number != expected:
                        self.add("seq-order", col.key, group_line, value=str(number),
                                 expected=expected)
                    expected = number + 1
                out.append(None)
                continue
            if _is_blank(value):
                out.append(None)
                if col.required and (col.key, lines[j]) not in self.explained:
                    self.add("required-missing", col.key, lines[j], line=lines[j],
                             header=col.header)
                expected += 1
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                seq = int(value) if float(value).is_integer() else None
            elif isinstance(value, str):
                found = _SEQ_TEXT.match(value)
                seq = int(found.group(1)) if found else None
            else:
                seq = None
            if seq == 1 and j in self.section_starts:  # numbering restarts in each section
                expected = 1
            if seq != expected:
                self.add("seq-order", col.key, lines[j], value=_short(cell_text(value)),
                         expected=expected)
            expected = (seq if seq is not None else expected) + 1
            out.append(seq)
        return out

    def _computed(self, parsed: dict[str, list[Any]], lines: list[int]) -> None:
        """Each computed column (Tổng số = NSNN + Đối ứng) against the sum of its addends:
        filled in where left empty, ``budget-mismatch`` where typed otherwise; and the
        configurable cap on an addend's share of it (``state-budget-share``)."""
        share_limit = self.options.max_state_budget_share
        for col in self.form.computed_columns:
            parts = col.computed_from
            if not all(key in parsed for key in parts):
                continue
            totals = parsed.get(col.key)
            share_of = parsed["state_budget"] if (
                share_limit is not None and "state_budget" in parts) else None
            for j, addends in enumerate(zip(*(parsed[key] for key in parts), strict=True)):
                if any(value is None for value in addends):
                    continue
                expected = math.fsum(addends)
                if totals is not None:
                    total = totals[j]
                    if total is None:
                        totals[j] = expected
                    elif abs(total - expected) > MONEY_TOLERANCE:
                        self.add(
                            "budget-mismatch", col.key, lines[j],
                            total=format_number(total), expected=format_number(expected),
                            diff=format_number(abs(total - expected)),
                        )
                if share_of is not None and share_limit is not None and expected > 0 \
                        and share_of[j] / expected > share_limit + 1e-9:
                    self.add(
                        "state-budget-share", "state_budget", lines[j],
                        share=format_number(100 * share_of[j] / expected),
                        limit=format_number(100 * share_limit),
                    )

    def _duplicates(self, names: list[Any], lines: list[int]) -> None:
        present = [(j, name) for j, name in enumerate(names) if name is not None]
        # compare_key of every name in one pass over the joined names (one tone-placement
        # and one casefold call). NUL never occurs in a cell's text; should a name hold
        # one anyway, the names take the per-name path.
        folded = canonical_tone_placement("\0".join(name for _, name in present)).casefold()
        parts = folded.split("\0")
        if len(parts) == len(present):
            keys = [" ".join(part.split()) for part in parts]
        else:
            keys = [compare_key(name) for _, name in present]
        if len(set(keys)) == len(keys):
            return
        seen: dict[str, int] = {}
        for (j, name), key in zip(present, keys, strict=True):
            first = seen.setdefault(key, lines[j])
            if first != lines[j]:
                self.add("duplicate-task", "task_name", lines[j], other_row=first,
                         name=_short(name))

    # -- the table -------------------------------------------------------------------------
    def _find_money_unit(self, grid: Sequence[Sequence[Any]]) -> None:
        """The unit the table declares for its amounts, when not million VND: in a money
        header ("Dự kiến kinh phí (đồng)", "NSNN (nghìn đồng)"; a group header merged over
        the money columns sits above the first of them), else in a "Đơn vị tính: …" line
        above the table. Amounts are then converted, with a warning at that cell; a line
        that says otherwise than the header gets a warning of its own."""
        money = [index for col, index, _ in self.columns
                 if col.type == "money" and index is not None]
        places = [(r, c) for r in self.loc.header_rows for c in money]
        labelled = [(r, c) for r in range(min(self.loc.header_row, len(grid)))
                    for c in range(len(grid[r]))]
        found: list[tuple[str, int, int]] = []  # (unit, row, col): the header's, the line's
        for cells, labelled_only in ((places, False), (labelled, True)):
            for r, c in cells:
                value = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
                if isinstance(value, str):
                    unit = declared_money_unit(value, labelled_only=labelled_only)
                    if unit is not None:
                        found.append((unit, r, c))
                        break
        if not found:
            return
        unit, r, c = found[0]
        if unit != MILLION:
            self.money_unit = unit
            self._header_problem("money-unit-converted", r, c, unit=unit,
                                 example=format_number(to_million(1_000_000, unit)))
        if len(found) == 2 and found[1][0] != unit:
            other, r2, c2 = found[1]
            self._header_problem("money-unit-conflict", r2, c2, line_unit=other,
                                 header_unit=unit, header_cell=a1(r, c))

    def _extra_columns(self, grid: Sequence[Sequence[Any]],
                       rows: Sequence[Sequence[Any]], lines: Sequence[int]) -> None:
        """Columns the agency added to the table (under a header the form does not have,
        or under none) holding something on a task row: what they hold is neither
        checked nor consolidated, which must not pass unseen (an amount there: an
        error)."""
        mapped = set(self.loc.columns.values())
        headers: dict[int, tuple[int, str]] = {}  # column -> (header row, text)
        for r in self.loc.header_rows:
            if r >= len(grid):
                continue
            for c, value in enumerate(grid[r]):
                if c not in mapped and isinstance(value, str) and value.strip():
                    headers[c] = (r, " ".join(value.split()))
        width = max(map(len, rows), default=0)
        for c in range(width):
            if c in mapped:
                continue
            filled = [(line, row[c]) for row, line in zip(rows, lines, strict=True)
                      if c < len(row) and not _is_blank(row[c])]
            if not filled:
                continue
            if c not in headers:
                line, _ = filled[0]
                problem = get_rule("column-without-header").problem(
                    file=self.file, sheet=self.sheet, cell=f"{column_letter(c)}{line}",
                    letter=column_letter(c), count=len(filled), first=f"{column_letter(c)}{line}",
                )
                self.problems.append((self.loc.header_row + 1, -1, len(self.problems), problem))
                continue
            r, text = headers[c]
            filled_values = [value for _, value in filled]
            numbers = [v for v in filled_values if parse_number(v).value is not None]
            money = (bool(numbers) and self.has_money
                     and bool(_MONEY_HEADER.search(compare_key(text))))
            self._header_problem(
                "amount-column-not-in-form" if money else "column-not-in-form", r, c,
                letter=column_letter(c), header=_short(text),
                count=len(numbers) if money else len(filled),
            )

    def _header_problem(self, code: str, r: int, c: int, **params: Any) -> None:
        """A problem at a cell of the header block (0-based), listed before the rows'."""
        problem = get_rule(code).problem(file=self.file, sheet=self.sheet, cell=a1(r, c),
                                         **params)
        self.problems.append((r + 1, -1, len(self.problems), problem))

    def _section_spans(
        self, grid: Sequence[Sequence[Any]], sections: list[tuple[int, int]],
        totals_at: list[tuple[int, int]], n: int,
    ) -> list[tuple[int, int, int]]:
        """(grid row, first task, end) of each section heading: its tasks run to the next
        heading of the same or an outer level (numbering kinds nest in the order they
        first appear: "A" then "I"), a totals row, or the end of the table."""
        seq = self.loc.columns["seq"]
        cores = [str(grid[r][seq]).strip().rstrip(".)").strip() for r, _ in sections]
        romans = any(len(core) > 1 for core in cores)  # "II": Roman numerals are in use
        kinds: list[str] = []
        last_letter = ""
        for core in cores:
            # "C" after "B" goes on lettering; otherwise I, V, X, L, C are numerals when
            # Roman numerals are in use.
            follows = len(core) == 1 and bool(last_letter) and ord(core) == ord(last_letter) + 1
            roman = romans and set(core) <= set("IVXLC") and not follows
            kinds.append("roman" if roman else "letter")
            if not roman:
                last_letter = core
        levels = {kind: level for level, kind in enumerate(dict.fromkeys(kinds))}
        ends = sorted(before for _, before in totals_at if before)
        spans = []
        for k, (r, first) in enumerate(sections):
            last = next((b for (_, b), kind in zip(sections[k + 1:], kinds[k + 1:], strict=True)
                         if levels[kind] <= levels[kinds[k]]), n)
            last = min([last, *(b for b in ends if b > first)])
            spans.append((r, first, last))
        return spans

    def _subtask_groups(self, grid: Sequence[Sequence[Any]],
                        task_indices: list[int]) -> list[tuple[int, int, tuple[int, ...]]]:
        """Tasks broken into sub-items ("1" then "1.1", "1.2" …, and deeper: "1.1.1")
        whose sub-items carry amounts of their own: (position of the group's row in
        ``task_indices``, position after its last sub-item, its number as a path).
        Counting both a group and its sub-items would count the same money twice."""
        seq = self.loc.columns.get("seq")
        if seq is None:
            return []
        values: list[Any] = [grid[r][seq] if seq < len(grid[r]) else "" for r in task_indices]
        if set(map(type, values)) <= {float} and all(map(float.is_integer, values)):
            return []  # the common table: every Stt a whole number
        paths = [_seq_path(v) for v in values]
        if not any(path is not None and len(path) > 1 for path in paths):
            return []
        amounts = [i for col in self.form.money_columns
                   if (i := self.loc.columns.get(col.key)) is not None]

        def has_amount(k: int) -> bool:
            row = grid[task_indices[k]]
            return any(i < len(row) and not _is_blank(row[i]) for i in amounts)

        groups: list[tuple[int, int, tuple[int, ...]]] = []
        for k, own in enumerate(paths):
            if own is None:
                continue
            end = k + 1
            while end < len(paths) and _under(paths[end], own):
                end += 1
            if end - k > 1 and any(has_amount(c) for c in range(k + 1, end)):
                groups.append((k, end, own))
        return groups

    def _ungroup(
        self, grid: Sequence[Sequence[Any]], task_indices: list[int],
        groups: list[tuple[int, int, tuple[int, ...]]],
        totals_at: list[tuple[int, int]], sections: list[tuple[int, int]],
    ) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
        """Leave each group's own row out of the tasks (its sub-items are counted; in a
        group of groups, the innermost ones): the task positions recorded so far move up
        accordingly."""
        dropped = sorted(k for k, _, _ in groups)
        skip = set(dropped)
        seq = self.loc.columns["seq"]
        outer: tuple[int, int] | None = None  # (end, line) of the top-level group
        for k, end, own in groups:
            begin, stop = _moved(dropped, k), _moved(dropped, end)
            line = task_indices[k] + 1
            label: int | str = own[0] if len(own) == 1 else ".".join(map(str, own))
            if outer is None or k >= outer[0]:
                outer = (end, line)
                if len(own) == 1:  # its number counts in the table's numbering
                    for c in range(begin, stop):
                        self.subtask_parent[c] = (own[0], line)
            self.group_spans.append((task_indices[k], begin, stop, label))
            leaves = [j for j in range(k + 1, end) if j not in skip]
            first = cell_text(grid[task_indices[leaves[0]]][seq])
            last = cell_text(grid[task_indices[leaves[-1]]][seq])
            self.add("subtasks-grouped", "seq", line, number=label, count=stop - begin,
                     first=_short(first), last=_short(last))
        return self._without(task_indices, dropped, totals_at, sections)

    def _without(
        self, task_indices: list[int], dropped: list[int],
        totals_at: list[tuple[int, int]], sections: list[tuple[int, int]],
    ) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
        """The task rows without the positions ``dropped`` (sorted); the positions
        recorded so far (totals rows, sections) move up accordingly."""
        skip = set(dropped)
        self.section_starts = {_moved(dropped, c) for c in self.section_starts}
        return (
            [r for k, r in enumerate(task_indices) if k not in skip],
            [(r, _moved(dropped, c)) for r, c in totals_at],
            [(r, _moved(dropped, c)) for r, c in sections],
        )

    def _is_bullet_line(self, row: Sequence[Any], under: tuple[int, ...] | None) -> bool:
        """A line of a task's content typed on a row of its own: a bullet ("-", "+",
        "a)" …) in Stt or opening its text, or in Stt a sub-number of the task it
        follows ("1.1" under "1", whose Stt path is ``under``), or neither number nor
        name (the task's text continued); and nothing that makes a task (no lead
        organisation, duration or amount)."""
        seq = self.loc.columns.get("seq")
        stt = row[seq] if seq is not None and seq < len(row) else None
        if not _is_blank(stt) and not (isinstance(stt, str) and _BULLET_SEQ.fullmatch(stt)) \
                and not (under is not None and _under(_seq_path(stt), under)):
            return False
        width = len(row)
        if any(index < width and not _is_blank(row[index]) for index in self.identity_cols):
            return False
        texts = [row[index] for index in self.text_cols
                 if index < width and not _is_blank(row[index])]
        if not texts:
            return False
        name = self.loc.columns.get("task_name")
        if _is_blank(stt) and name is not None and (name >= width or _is_blank(row[name])):
            return True  # no number and no name: the task's text goes on (a cell too small)
        return not _is_blank(stt) or (isinstance(texts[0], str)
                                       and _BULLET_TEXT.match(texts[0]) is not None)

    def _join_bullet_lines(
        self, grid: Sequence[Sequence[Any]], task_indices: list[int],
        totals_at: list[tuple[int, int]], sections: list[tuple[int, int]],
    ) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
        """Bullet lines right under a task (no heading or totals row between) are its
        content: their text is joined to the task's, in the same columns, and they are
        not tasks of their own (``task-lines-joined``, once per task)."""
        seq = self.loc.columns.get("seq")
        breaks = {count for _, count in totals_at} | {count for _, count in sections}
        dropped: list[int] = []
        parent = 0
        lines_of: dict[int, list[int]] = {}  # task position -> its bullet lines' positions
        under: tuple[int, ...] | None = None  # the Stt path of the task lines go under
        for k, r in enumerate(task_indices):
            row = grid[r]
            stt = row[seq] if seq is not None and seq < len(row) else None
            if (
                k == 0 or k in breaks
                or (type(stt) is float and stt.is_integer())  # 1, 2 …: a task
                or not self._is_bullet_line(row, under)
            ):
                parent, under = k, _seq_path(stt)
                continue
            dropped.append(k)
            lines_of.setdefault(parent, []).append(k)
        if not dropped:
            return task_indices, totals_at, sections
        for k, children in lines_of.items():
            top = task_indices[k]
            joined = list(grid[top])
            for child in children:
                row = grid[task_indices[child]]
                stt = row[seq] if seq is not None and seq < len(row) else None
                bullet = "" if _is_blank(stt) else f"{cell_text(stt)} "
                for index in self.text_cols:
                    value = row[index] if index < len(row) else None
                    if _is_blank(value):
                        continue
                    text = f"{bullet}{cell_text(value)}"
                    if index >= len(joined):
                        joined.extend([""] * (index + 1 - len(joined)))
                    before = joined[index]
                    joined[index] = text if _is_blank(before) else f"{cell_text(before)}\n{text}"
            self.joined_rows[top] = joined
            first, last = task_indices[children[0]] + 1, task_indices[children[-1]] + 1
            self.add("task-lines-joined", "seq", first, count=len(children),
                     rows=f"{first}" if first == last else f"{first}–{last}", task_line=top + 1)
        return self._without(task_indices, dropped, totals_at, sections)

    def _uncalculated(self, grid: Sequence[Sequence[Any]], lines: list[int], end: int) -> None:
        """Formula cells saved without their result, on the tasks or on rows that read as
        nothing because of them: read as empty, although Excel shows a value once it
        recalculates. Reported once, and their emptiness is not reported again as missing
        data. Computed columns (nscl computes them) and labelled rows (totals, headings)
        are left out."""
        key_of = {index: col.key for col, index, _ in self.columns
                  if index is not None and not col.computed}
        tasks = set(lines)
        start = self.loc.data_start
        blank: dict[int, bool] = {}  # each row looked at once, however many cells it has

        def counts(row: int) -> bool:
            if row + 1 in tasks:
                return True
            if row not in blank:
                blank[row] = start <= row < end and all(_is_blank(v) for v in grid[row])
            return blank[row]

        cells = sorted((row + 1, col) for row, col in self.options.uncalculated
                       if col in key_of and row < len(grid) and counts(row))
        if not cells:
            return
        self.explained.update((key_of[col], line) for line, col in cells)
        line, col = cells[0]
        self.add("formula-not-calculated", key_of[col], line, count=len(cells),
                 cells=listed([f"{column_letter(col)}{line}" for line, col in cells]))

    def _hidden_tasks(self, lines: list[int]) -> None:
        """Tasks on rows hidden or filtered out of view are counted like the others: say
        so, since the clerk (and whoever checks the printout) does not see them."""
        hidden = self.options.hidden_rows
        found = [line for line in lines if line - 1 in hidden]
        if not found:
            return
        self.add("rows-hidden", "seq", found[0], count=len(found), rows=listed(found, 8))

    def _find_duration_unit(self, grid: Sequence[Sequence[Any]]) -> None:
        """Whether the duration header counts in years ("Thời gian thực hiện (năm)"): plain
        numbers are then converted to months, with a warning at the header."""
        index = self.loc.columns.get("duration_months")
        if index is None:
            return
        for r in self.loc.header_rows:
            value = grid[r][index] if r < len(grid) and index < len(grid[r]) else None
            if isinstance(value, str) and _YEARS_HEADER.search(
                    unicodedata.normalize("NFC", value).lower()):
                self.duration_in_years = True
                self._header_problem("duration-unit-converted", r, index,
                                     header=self.form.column("duration_months").header)
                return

    def run(self, grid: Sequence[Sequence[Any]]) -> TableResult:
        self._find_money_unit(grid)
        self._find_duration_unit(grid)
        task_indices: list[int] = []
        totals_at: list[tuple[int, int]] = []  # (grid row, number of tasks before it)
        sections: list[tuple[int, int]] = []  # (grid row, number of tasks before it)
        after_totals = False
        every_numbered = True  # every task row took the fast path below (a float in Stt)
        # The common task row: a number in Stt and a task name that is not "Tổng cộng".
        seq_col = self.loc.columns.get("seq", -1)
        name_col = self.loc.columns.get("task_name", -1)
        fast_width = max(seq_col, name_col) + 1 if min(seq_col, name_col) >= 0 else 1 << 30
        table_end = len(grid)  # the grid row of the signature footer, if any
        blank_rows = False  # a row read as empty inside the table
        for r in range(self.loc.data_start, len(grid)):
            row = grid[r]
            if (
                len(row) >= fast_width
                and type(row[seq_col]) is float
                and type(name := row[name_col]) is str
                and name
                and not _looks_like_totals(name)
            ):
                task_indices.append(r)
                after_totals = False  # tasks go on: that total was not the table's end
                continue
            filled = len(row) - row.count("") - row.count(None)
            if not filled:
                blank_rows = True
                continue
            if filled <= 2 and self._is_footer(row):
                table_end = r
                break
            if filled == 1 and self._is_note(row):
                continue
            if is_number_row(row) or is_header_row(row, self.form):  # repeated per page
                continue
            if self._is_totals(row):
                totals_at.append((r, len(task_indices)))
                after_totals = True
                continue
            if self._is_section(row):
                sections.append((r, len(task_indices)))
                self.section_starts.add(len(task_indices))
                after_totals = False  # a section's subtotal was not the table's end
                continue
            if after_totals and filled <= 1:  # a stray cell under the table's total
                continue
            if self._started(row):
                task_indices.append(r)
                after_totals = False
                every_numbered = False
        if len(task_indices) > 1 and self.text_cols and not (
            every_numbered  # and whole numbers (1.1 may be a line of task 1)
            and all(map(float.is_integer, [grid[r][seq_col] for r in task_indices]))
        ):
            task_indices, totals_at, sections = self._join_bullet_lines(
                grid, task_indices, totals_at, sections)
        groups = self._subtask_groups(grid, task_indices)
        if groups:
            task_indices, totals_at, sections = self._ungroup(
                grid, task_indices, groups, totals_at, sections)
        joined = self.joined_rows
        rows = [joined.get(r) or grid[r] for r in task_indices] if joined else \
            [grid[r] for r in task_indices]
        lines = [r + 1 for r in task_indices]
        n = len(rows)
        if self.options.hidden_rows:
            self._hidden_tasks(lines)
        if self.options.uncalculated:
            self._uncalculated(grid, lines, table_end)
        short = any(len(row) < self.min_width for row in rows)
        # Column-wise work: transpose once in C when every row is wide enough.
        transposed = None if short or not rows else list(zip(*rows, strict=False))
        parsed: dict[str, list[Any]] = {}
        for col, index, _ in self.columns:
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
        self._computed(parsed, lines)
        if "task_name" in parsed:
            self._duplicates(parsed["task_name"], lines)
        amounts = {col.key: parsed[col.key] for col in self.form.money_columns
                   if not col.computed}
        starts = sorted({first for _, first in sections})
        for r, before in totals_at:
            # A "Tổng cộng" row above every task (a common layout) totals all of them; one
            # after a section may total that section only (its tasks since a heading).
            count = before or n
            scopes = [(0, count), *((first, count) for first in starts if first < count)]
            self._totals(grid[r], r + 1, amounts, scopes=scopes)
        for r, begin, end in self._section_spans(grid, sections, totals_at, n):
            row = grid[r]
            label = f"{str(row[self.loc.columns['seq']]).strip()} "
            label += str(row[self.loc.columns["task_name"]]).strip()
            self._totals(row, r + 1, amounts, scopes=[(begin, end)],
                         code="section-total-mismatch", label=_short(label))
        self._extra_columns(grid, rows, lines)
        for r, begin, end, number in self.group_spans:
            self._totals(grid[r], r + 1, amounts, scopes=[(begin, end)],
                         code="subtask-total-mismatch", number=number)
        if self.nfd_count and self.nfd_first is not None:
            line, key = self.nfd_first
            first = self.letters[self.position[key]] + str(line)
            self.add("text-not-nfc", key, line, count=self.nfd_count, first=first)
        keys = self.keys
        make_dict = _dict_maker(tuple(keys))
        letters = dict(zip(keys, self.letters, strict=True))
        positions = {col.key: index for col, index, _ in self.columns}
        task_rows = list(
            map(
                TaskRow,
                lines,
                map(make_dict, *(parsed[k] for k in keys)),
                map(partial(RowRaw, positions), rows),
                map(partial(RowCells, letters), lines),
            )
        )
        self.problems.sort(key=lambda item: item[:3])
        return TableResult(
            rows=task_rows,
            problems=[item[3] for item in self.problems],
            summary=BudgetSummary(n, self._sums(amounts, 0, n)),
            totals_row=totals_at[0][0] + 1 if totals_at else None,
            money_unit=self.money_unit,
            has_gaps=blank_rows or any(
                item[3].code in ("required-missing", "duration-missing")
                for item in self.problems),
        )

    def _sums(self, amounts: dict[str, list[Any]], begin: int, end: int) -> dict[str, float]:
        """The sum of each money column over tasks ``begin`` to ``end``, a computed column
        as the sum of its addends' sums."""
        sums = {key: math.fsum(v for v in values[begin:end] if v is not None)
                for key, values in amounts.items()}
        for col in self.form.computed_columns:
            if col.type == "money":
                sums[col.key] = math.fsum(sums.get(key, 0.0) for key in col.computed_from)
        return {col.key: sums[col.key] for col in self.form.money_columns if col.key in sums}

    def _totals(
        self, row: Sequence[Any], line: int, amounts: dict[str, list[Any]],
        *, scopes: list[tuple[int, int]], code: str = "totals-mismatch", **params: Any,
    ) -> None:
        """Compare a totals row with the sums of its tasks: ``scopes`` are the candidate
        ranges of tasks (begin, end); the row is right when it matches one of them, and
        is reported against the closest one otherwise. Not when a row of the table could
        not be read: its amounts are unknown, and that error says so already."""
        if self.lost_rows:
            return
        found: dict[str, float] = {}
        for col, index, _ in self.columns:
            if col.type != "money" or index is None or index >= len(row):
                continue
            typed = parse_number(row[index])
            if typed.value is not None:
                found[col.key] = (to_million(typed.value, self.money_unit)
                                  if typed.unit is None else typed.value)

        def wrong(begin: int, end: int) -> list[tuple[str, float, float]]:
            want = self._sums(amounts, begin, end)
            tolerance = MONEY_TOLERANCE * max(1, end - begin)
            return [(key, value, want[key]) for key, value in found.items()
                    if key in want and abs(value - want[key]) > tolerance]

        mismatches = [wrong(begin, end) for begin, end in scopes]
        if not found or any(not m for m in mismatches):
            return
        closest = min(mismatches, key=lambda m: sum(abs(value - want) for _, value, want in m))
        for key, value, want in closest:
            self.add(code, key, line, header=self.form.column(key).header,
                     found=format_number(value), expected=format_number(want), **params)


def check_table(
    grid: Sequence[Sequence[Any]],
    loc: TableLocation,
    *,
    sheet: str,
    file: str | None = None,
    options: TableOptions | None = None,
) -> TableResult:
    """Read and check the data rows of the table at ``loc`` in ``grid``."""
    checker = _Checker(loc, sheet=sheet, file=file, options=options or TableOptions())
    with gc_paused():  # many small containers, none cyclic: the collector would only slow us
        return checker.run(grid)


def missing_required_columns(loc: TableLocation) -> list[Column]:
    """Required columns of the form that the located header does not have."""
    return [
        col
        for col in loc.form.columns
        if col.required and col.key not in loc.columns
    ]


def column_cell(loc: TableLocation, key: str) -> str:
    """A1 reference of a column's header cell (first header row)."""
    return a1(loc.header_row, loc.columns.get(key, 0))
