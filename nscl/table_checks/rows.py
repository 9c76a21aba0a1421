"""Which rows of a table are tasks: row classification.

One pass over the rows under the header: blank rows are skipped, the signature footer
ends the table, notes and repeated header rows are left out, totals rows ("Tổng cộng",
"Cộng mục I") and section headings ("I | Nhiệm vụ chuyển tiếp") are kept aside for the
cross-row checks, and every other started row is a task. Then the lines of a task's
content typed on rows of their own are joined to it (``task-lines-joined``), and a task
broken into sub-items with amounts of their own gives way to them
(``subtasks-grouped``). The result is a :class:`RowLayout`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nscl.locate import cell_text, is_header_row, is_number_row
from nscl.numbers import parse_number
from nscl.table_checks.context import TableContext, is_blank, short
from nscl.text import compare_key

__all__ = ["FOOTER_PATTERN", "RowLayout", "classify_rows", "looks_like_totals", "seq_path"]

_TOTALS_LABEL = re.compile(r"^(?:tổng cộng|cộng|tổng|tổng số|tổng cộng kinh phí)\s*[:.]?$")
# A subtotal's label: "Cộng mục I", "Cộng (I)", "Tổng cộng (I+II)", "Cộng nhiệm vụ chuyển
# tiếp" — but "Cộng đồng …", "Cộng tác …" begin task names, hence the row must describe
# no task either (see _Classifier.is_totals).
_SUBTOTAL_LABEL = re.compile(r"^(?:tổng cộng|cộng)(?!\s*(?:đồng|tác|hòa|hoà|hưởng|sự)\b)\b")
# Signature footer lines (on compare_key text): the end of a table or of a report.
FOOTER_PATTERN = re.compile(
    r"ngày\s*\S*\s*tháng|xác nhận của|ký,? ghi rõ|thủ trưởng|người lập|nơi nhận|"
    r"^kt\.|^tm\.|^giám đốc|^chủ tịch|^bộ trưởng"
)
# A task's or sub-item's number as typed: "1", "1.", "1.1", "2.3.", "1.2.1" (4 levels).
_SEQ_PATH = re.compile(r"^\s*\d{1,5}(?:\s*\.\s*\d{1,3}){0,3}\s*\.?\s*$")
# A bullet: alone in the Stt column ("-", "+", "•", "a)") or opening a line of text.
_BULLET_SEQ = re.compile(r"\s*(?:[-+•*–—·○●▪◦∙]|[a-zđ]\s*[.)]?)\s*")
_BULLET_TEXT = re.compile(r"\s*(?:[-+•*–—·○●▪◦∙]|[a-zđ]\))\s*\S")
# A note line under (or above) a table, alone on its row: "Ghi chú: …", "Lưu ý: …", "(*) …".
_NOTE_LINE = re.compile(r"^(?:ghi chú|lưu ý|chú thích|chú giải|nguồn)\s*[:.\-]|^\(?\*+\)?\s")
# A section heading's number: a Roman numeral or a capital letter ("I", "II.", "A)").
_SECTION_NUMBER = re.compile(r"\s*(?:[IVXLC]{1,6}|[A-ZĐ])\s*[.)]?\s*")
_EMPTY = ("", None)


def looks_like_totals(value: Any) -> bool:
    """Whether a label reads "Tổng cộng", "Cộng", "Tổng số" … (a totals row's)."""
    if not isinstance(value, str) or len(value) > 40:
        return False
    head = value.lstrip()[:1]
    if head not in ("T", "t", "C", "c"):
        return False
    return bool(_TOTALS_LABEL.match(compare_key(value)))


def seq_path(value: Any) -> tuple[int, ...] | None:
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


@dataclass
class RowLayout:
    """Where the tasks, totals rows and section headings of a table are.

    Positions of tasks count the tasks (0 is the first task), not the sheet's rows.
    """

    tasks: list[int] = field(default_factory=list)  # 0-based grid rows, in order
    # (grid row, number of tasks before it) of each totals row and section heading.
    totals_at: list[tuple[int, int]] = field(default_factory=list)
    sections: list[tuple[int, int]] = field(default_factory=list)
    section_starts: set[int] = field(default_factory=set)  # tasks a heading precedes
    table_end: int = 0  # the grid row of the signature footer, or the grid's length
    blank_rows: bool = False  # a row read as empty inside the table
    every_numbered: bool = True  # every task row has a number (a float) in Stt
    # A task's row with the lines of its content joined in (grid row -> cells).
    joined_rows: dict[int, list[Any]] = field(default_factory=dict)
    # Sub-items counted as tasks: task position -> (their group's number, its sheet line).
    subtask_parent: dict[int, tuple[int, int]] = field(default_factory=dict)
    # (grid row, first task, end, number) of each group of sub-items.
    group_spans: list[tuple[int, int, int, int | str]] = field(default_factory=list)

    def task_rows(self, grid: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """Each task's cells (its content lines joined in)."""
        joined = self.joined_rows
        if joined:
            return [joined.get(r) or grid[r] for r in self.tasks]
        return [grid[r] for r in self.tasks]

    def drop(self, dropped: list[int]) -> None:
        """Leave the task positions ``dropped`` (sorted) out of the tasks; the positions
        recorded so far (totals rows, sections) move up accordingly."""
        skip = set(dropped)
        self.section_starts = {_moved(dropped, c) for c in self.section_starts}
        self.tasks = [r for k, r in enumerate(self.tasks) if k not in skip]
        self.totals_at = [(r, _moved(dropped, c)) for r, c in self.totals_at]
        self.sections = [(r, _moved(dropped, c)) for r, c in self.sections]

    def section_spans(self, grid: Sequence[Sequence[Any]], seq: int,
                      n: int) -> list[tuple[int, int, int]]:
        """(grid row, first task, end) of each section heading: its tasks run to the next
        heading of the same or an outer level (numbering kinds nest in the order they
        first appear: "A" then "I"), a totals row, or the end of the table (``n`` tasks).
        ``seq`` is the Stt column."""
        sections = self.sections
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
        ends = sorted(before for _, before in self.totals_at if before)
        spans = []
        for k, (r, first) in enumerate(sections):
            last = next((b for (_, b), kind in zip(sections[k + 1:], kinds[k + 1:], strict=True)
                         if levels[kind] <= levels[kinds[k]]), n)
            last = min([last, *(b for b in ends if b > first)])
            spans.append((r, first, last))
        return spans


class _Classifier:
    """The row tests of one table, on the columns its context found."""

    def __init__(self, ctx: TableContext) -> None:
        self.ctx = ctx

    def is_footer(self, row: Sequence[Any]) -> bool:
        return any(
            isinstance(v, str) and v and FOOTER_PATTERN.search(compare_key(v)) for v in row
        )

    def is_note(self, row: Sequence[Any]) -> bool:
        """A note alone on its row ("Ghi chú: …", "(*) …"): not a task."""
        return any(
            isinstance(v, str) and v and _NOTE_LINE.match(compare_key(v.strip())) for v in row
        )

    def is_totals(self, row: Sequence[Any]) -> bool:
        label: Any = None
        width = len(row)
        for c in self.ctx.label_cols:
            if c < width and row[c] not in _EMPTY:
                label = row[c]
                break
        else:  # a label merged over the first columns sits in the first non-empty cell
            label = next((value for value in row if not is_blank(value)), None)
        if label is None:
            return False
        if looks_like_totals(label):
            return True
        # A section's subtotal ("Cộng mục I"): the label, and nothing describing a task.
        return (
            isinstance(label, str) and len(label) <= 60
            and bool(_SUBTOTAL_LABEL.match(compare_key(label.strip())))
            and not self.describes_a_task(row)
        )

    def describes_a_task(self, row: Sequence[Any]) -> bool:
        width = len(row)
        return any(index < width and not is_blank(row[index]) for index in self.ctx.describing)

    def is_section(self, row: Sequence[Any]) -> bool:
        """A heading grouping the tasks below it ("I | Nhiệm vụ chuyển tiếp", "A | Lĩnh vực
        tiêu chuẩn"): a Roman numeral or a letter as Stt, a label, and nothing that
        describes a task (it may carry its section's subtotal)."""
        seq, name = self.ctx.seq_col, self.ctx.name_col
        if seq is None or name is None or max(seq, name) >= len(row):
            return False
        label = row[seq]
        if not isinstance(label, str) or not _SECTION_NUMBER.fullmatch(label):
            return False
        if is_blank(row[name]):
            return False
        return not self.describes_a_task(row)

    def started(self, row: Sequence[Any]) -> bool:
        width = len(row)
        for c in self.ctx.start_cols:
            if c < width and not is_blank(row[c]):
                return True
        return any(
            c < width and parse_number(row[c]).value for c in self.ctx.computed_cols
        )

    def is_bullet_line(self, row: Sequence[Any], under: tuple[int, ...] | None) -> bool:
        """A line of a task's content typed on a row of its own: a bullet ("-", "+",
        "a)" …) in Stt or opening its text, or in Stt a sub-number of the task it
        follows ("1.1" under "1", whose Stt path is ``under``), or neither number nor
        name (the task's text continued); and nothing that makes a task (no lead
        organisation, duration or amount)."""
        ctx = self.ctx
        stt = ctx.value(row, ctx.seq_col)
        if not is_blank(stt) and not (isinstance(stt, str) and _BULLET_SEQ.fullmatch(stt)) \
                and not (under is not None and _under(seq_path(stt), under)):
            return False
        width = len(row)
        if any(index < width and not is_blank(row[index]) for index in ctx.identity_cols):
            return False
        texts = [row[index] for index in ctx.text_cols
                 if index < width and not is_blank(row[index])]
        if not texts:
            return False
        name = ctx.name_col
        if is_blank(stt) and name is not None and (name >= width or is_blank(row[name])):
            return True  # no number and no name: the task's text goes on (a cell too small)
        return not is_blank(stt) or (isinstance(texts[0], str)
                                      and _BULLET_TEXT.match(texts[0]) is not None)


def classify_rows(ctx: TableContext, grid: Sequence[Sequence[Any]]) -> RowLayout:
    """The tasks, totals rows and section headings of the table, content lines joined
    into their task and groups of sub-items left out (their sub-items are the tasks)."""
    layout = _scan(ctx, grid)
    tasks = layout.tasks
    seq_col = ctx.seq_col
    if len(tasks) > 1 and ctx.text_cols and not (
        layout.every_numbered  # and whole numbers (1.1 may be a line of task 1)
        and seq_col is not None
        and all(map(float.is_integer, [grid[r][seq_col] for r in tasks]))
    ):
        _join_content_lines(ctx, grid, layout)
    groups = _subtask_groups(ctx, grid, layout.tasks)
    if groups:
        _ungroup(ctx, grid, layout, groups)
    return layout


def _scan(ctx: TableContext, grid: Sequence[Sequence[Any]]) -> RowLayout:
    """The one pass over the rows under the header."""
    test = _Classifier(ctx)
    layout = RowLayout(table_end=len(grid))
    tasks, totals_at, sections = layout.tasks, layout.totals_at, layout.sections
    after_totals = False
    # The common task row: a number in Stt and a task name that is not "Tổng cộng".
    seq_col = -1 if ctx.seq_col is None else ctx.seq_col
    name_col = -1 if ctx.name_col is None else ctx.name_col
    fast_width = max(seq_col, name_col) + 1 if min(seq_col, name_col) >= 0 else 1 << 30
    form = ctx.form
    for r in range(ctx.loc.data_start, len(grid)):
        row = grid[r]
        if (
            len(row) >= fast_width
            and type(row[seq_col]) is float
            and type(name := row[name_col]) is str
            and name
            and not looks_like_totals(name)
        ):
            tasks.append(r)
            after_totals = False  # tasks go on: that total was not the table's end
            continue
        filled = len(row) - row.count("") - row.count(None)
        if not filled:
            layout.blank_rows = True
            continue
        if filled <= 2 and test.is_footer(row):
            layout.table_end = r
            break
        if filled == 1 and test.is_note(row):
            continue
        if is_number_row(row) or is_header_row(row, form):  # repeated per page
            continue
        if test.is_totals(row):
            totals_at.append((r, len(tasks)))
            after_totals = True
            continue
        if test.is_section(row):
            sections.append((r, len(tasks)))
            layout.section_starts.add(len(tasks))
            after_totals = False  # a section's subtotal was not the table's end
            continue
        if after_totals and filled <= 1:  # a stray cell under the table's total
            continue
        if test.started(row):
            tasks.append(r)
            after_totals = False
            layout.every_numbered = False
    return layout


def _join_content_lines(ctx: TableContext, grid: Sequence[Sequence[Any]],
                        layout: RowLayout) -> None:
    """Bullet lines right under a task (no heading or totals row between) are its
    content: their text is joined to the task's, in the same columns, and they are
    not tasks of their own (``task-lines-joined``, once per task)."""
    test = _Classifier(ctx)
    seq = ctx.seq_col
    tasks = layout.tasks
    breaks = {count for _, count in layout.totals_at} | {count for _, count in layout.sections}
    dropped: list[int] = []
    parent = 0
    lines_of: dict[int, list[int]] = {}  # task position -> its bullet lines' positions
    under: tuple[int, ...] | None = None  # the Stt path of the task lines go under
    for k, r in enumerate(tasks):
        row = grid[r]
        stt = ctx.value(row, seq)
        if (
            k == 0 or k in breaks
            or (type(stt) is float and stt.is_integer())  # 1, 2 …: a task
            or not test.is_bullet_line(row, under)
        ):
            parent, under = k, seq_path(stt)
            continue
        dropped.append(k)
        lines_of.setdefault(parent, []).append(k)
    if not dropped:
        return
    for k, children in lines_of.items():
        top = tasks[k]
        joined = list(grid[top])
        for child in children:
            row = grid[tasks[child]]
            stt = ctx.value(row, seq)
            bullet = "" if is_blank(stt) else f"{cell_text(stt)} "
            for index in ctx.text_cols:
                value = row[index] if index < len(row) else None
                if is_blank(value):
                    continue
                text = f"{bullet}{cell_text(value)}"
                if index >= len(joined):
                    joined.extend([""] * (index + 1 - len(joined)))
                before = joined[index]
                joined[index] = text if is_blank(before) else f"{cell_text(before)}\n{text}"
        layout.joined_rows[top] = joined
        first, last = tasks[children[0]] + 1, tasks[children[-1]] + 1
        ctx.add("task-lines-joined", ctx.seq_key, first, count=len(children),
                rows=f"{first}" if first == last else f"{first}–{last}", task_line=top + 1)
    layout.drop(dropped)


def _subtask_groups(ctx: TableContext, grid: Sequence[Sequence[Any]],
                    tasks: list[int]) -> list[tuple[int, int, tuple[int, ...]]]:
    """Tasks broken into sub-items ("1" then "1.1", "1.2" …, and deeper: "1.1.1")
    whose sub-items carry amounts of their own: (position of the group's row in
    ``tasks``, position after its last sub-item, its number as a path). Counting both
    a group and its sub-items would count the same money twice."""
    seq = ctx.seq_col
    if seq is None:
        return []
    values: list[Any] = [grid[r][seq] if seq < len(grid[r]) else "" for r in tasks]
    if set(map(type, values)) <= {float} and all(map(float.is_integer, values)):
        return []  # the common table: every Stt a whole number
    paths = [seq_path(v) for v in values]
    if not any(path is not None and len(path) > 1 for path in paths):
        return []
    amounts = ctx.amount_cols

    def has_amount(k: int) -> bool:
        row = grid[tasks[k]]
        return any(i < len(row) and not is_blank(row[i]) for i in amounts)

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


def _ungroup(ctx: TableContext, grid: Sequence[Sequence[Any]], layout: RowLayout,
             groups: list[tuple[int, int, tuple[int, ...]]]) -> None:
    """Leave each group's own row out of the tasks (its sub-items are counted; in a
    group of groups, the innermost ones): the task positions recorded so far move up
    accordingly."""
    tasks = layout.tasks
    dropped = sorted(k for k, _, _ in groups)
    skip = set(dropped)
    seq = ctx.seq_col
    assert seq is not None  # groups are found by their numbers
    outer: tuple[int, int] | None = None  # (end, line) of the top-level group
    for k, end, own in groups:
        begin, stop = _moved(dropped, k), _moved(dropped, end)
        line = tasks[k] + 1
        label: int | str = own[0] if len(own) == 1 else ".".join(map(str, own))
        if outer is None or k >= outer[0]:
            outer = (end, line)
            if len(own) == 1:  # its number counts in the table's numbering
                for c in range(begin, stop):
                    layout.subtask_parent[c] = (own[0], line)
        layout.group_spans.append((tasks[k], begin, stop, label))
        leaves = [j for j in range(k + 1, end) if j not in skip]
        first = cell_text(grid[tasks[leaves[0]]][seq])
        last = cell_text(grid[tasks[leaves[-1]]][seq])
        ctx.add("subtasks-grouped", ctx.seq_key, line, number=label, count=stop - begin,
                first=short(first), last=short(last))
    layout.drop(dropped)
