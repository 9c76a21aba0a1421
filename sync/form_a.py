"""Form A consolidator: every agency's proposed tasks in one official table ("Tổng hợp").

Layout: the form title for the year, the two official header rows (read from
``nscl.forms.form_a()``) plus three columns (agency, status, source file), a row of
column numbers, then "I. CÁC BỘ, NGÀNH" and "II. CÁC ĐỊA PHƯƠNG", each agency as a
sub-header, its tasks in its own priority order and a subtotal; a grand total at the end.
Tổng số is always NSNN + Đối ứng: a live ``SUM`` formula whose cached value is computed
here, so the file shows the right figures even before any recalculation. Agency text
is always written as text.
"""

from __future__ import annotations

import math
from datetime import timezone
from typing import Any, TypeGuard

from nscl.a1 import column_letter
from nscl.forms import Column, TableForm, form_a
from nscl.numbers import format_number
from nscl.paging import DEFAULT_ROW_POINTS, PageBreaker
from nscl.report import FileReport, TaskRow
from nscl.text import compare_key
from sync.consolidate import BaseConsolidator, ChartContext, Figure, FigureColumn
from sync.master import PROBLEMS_SHEET
from sync.model import STATUS_LABELS, Consolidation, Submission
from sync.print_layout import SIGNING_ROWS, write_letterhead, write_signatures
from sync.selection import (
    AREA_HEADER,
    COMMENT_HEADER,
    DECISION_HEADER,
    DECISIONS,
    KEY_HEADER,
    TRACE_HEADER,
    Selection,
    TaskDecision,
    selection_of,
    task_id,
)
from sync.selection_sheets import (
    TableLayout,
    write_areas_sheet,
    write_decisions_sheet,
    write_duplicates_sheet,
)
from sync.styles import (
    MAX_TEXT,
    chars_per_line,
    height_for_lines,
    lines_needed,
    safe_text,
    setup_print,
)
from sync.task_analysis import Analysis, analyse_tasks, task_texts

__all__ = ["AREAS_SHEET", "DECISIONS_SHEET", "DUPLICATES_SHEET", "FormAConsolidator",
           "row_amounts"]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("ministry", "I. CÁC BỘ, NGÀNH"),
    ("province", "II. CÁC ĐỊA PHƯƠNG"),
)
EXTRA_HEADERS: tuple[tuple[str, float], ...] = (
    ("Đơn vị đề xuất", 22),
    ("Tình trạng", 11),
    ("Tệp nguồn", 20),
)
# After them, the selection's columns (sync.selection): the priority area, the staff's
# decision and comment (the only cells they edit), who decided and when, and the task's
# identity (hidden: what the next run matches the decisions by).
SELECTION_HEADERS: tuple[tuple[str, float], ...] = (
    (AREA_HEADER, 24),
    (DECISION_HEADER, 17),
    (COMMENT_HEADER, 30),
    (TRACE_HEADER, 30),
    (KEY_HEADER, 14),
)
DECISIONS_SHEET = "Quyết định"
AREAS_SHEET = "Lĩnh vực ưu tiên"
DUPLICATES_SHEET = "Trùng lặp"
_EDITABLE_FILL = "#FFF2CC"  # the cells the staff edit
_CHANGED_FILL = "#FFC7CE"  # a decision whose task changed since
_EPS = 1e-6


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _is_amount(value: object) -> TypeGuard[float]:
    """A finite int or float (not a bool): what :func:`_number` accepts, inlined."""
    return (isinstance(value, float) and math.isfinite(value)) or type(value) is int


def _write_unparsed(writers: Any, r: int, c: int, value: Any, raw: Any, fmt: Any) -> None:
    """A cell whose parsed value is not of its column's type: the parsed value as text,
    else what the cell held when it could not be parsed, else a bordered blank.
    ``writers``: the sheet's ``(write_string, write_number, write_blank)``."""
    write_string, _, write_blank = writers
    if value is not None and value != "":
        write_string(r, c, safe_text(value), fmt)
    elif raw is None or raw == "":
        write_blank(r, c, None, fmt)
    else:
        write_string(r, c, safe_text(raw), fmt)


def _shown(value: Any) -> str:
    """A value in a change's detail: Vietnamese number style, "(trống)" when empty."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(float(value))
    return str(value)


_AmountPlan = tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]
_AMOUNT_PLANS: dict[int, tuple[TableForm, _AmountPlan]] = {}


def _amount_plan(table: TableForm) -> _AmountPlan:
    """The keys of the form's money columns that are typed in, and each computed money
    column with the keys of its addends: read from the form once, not on every row (the
    form's column properties build new tuples at each call)."""
    cached = _AMOUNT_PLANS.get(id(table))
    if cached is None or cached[0] is not table:
        typed = tuple(c.key for c in table.money_columns if not c.computed)
        computed = tuple((c.key, c.computed_from) for c in table.computed_columns
                         if c.type == "money")
        cached = _AMOUNT_PLANS[id(table)] = (table, (typed, computed))
    return cached[1]


def row_amounts(table: TableForm, row: TaskRow) -> dict[str, float]:
    """A row's amount in each money column of the form, an amount left blank (or not a
    number) as 0 and a computed column (Tổng số) always as the sum of its addends."""
    typed, computed = _amount_plan(table)
    values = row.values
    amounts = {key: _number(values.get(key)) or 0.0 for key in typed}
    for key, addends in computed:
        amounts[key] = math.fsum(amounts.get(k, 0.0) for k in addends)
    return amounts


def _display(row: TaskRow, key: str) -> Any:
    """The parsed value, or what the cell held when it could not be parsed."""
    value = row.values.get(key)
    if value is None or value == "":
        raw = row.raw.get(key)
        return None if raw is None or raw == "" else safe_text(raw)
    return value


class FormAConsolidator(BaseConsolidator):
    """Consolidates Form A (summary table of proposed tasks)."""

    form = "A"
    sheet_name = "Tổng hợp"
    takes_decisions = True

    def __init__(self) -> None:
        self.table: TableForm = form_a()
        self.money: tuple[Column, ...] = self.table.money_columns
        # The budget's total (Tổng số): the computed money column the summary leads with.
        self.total: Column = next(c for c in self.money if c.computed)
        self._figures: dict[int, tuple[FileReport, Figure]] = {}
        # Where write_table put the rows, for the formulas of the selection's sheets.
        self._layout: TableLayout | None = None
        # Each report's tasks by key (the decisions, the analysis and the changes ask).
        self._keyed: dict[int, tuple[FileReport, dict[str, TaskRow]]] = {}

    # -- figures ------------------------------------------------------------------------

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        """Số nhiệm vụ, each money column, and the shares the form asks for (Tỷ lệ đối ứng)."""
        return (
            FigureColumn("tasks", "Số nhiệm vụ", "count", 10),
            *(FigureColumn(c.key, f"{c.header} ({c.unit})" if c.unit else c.header,
                           "money", 14) for c in self.money),
            *(FigureColumn(f"{c.key}_share", c.share_label, "percent", 10, in_result=False)
              for c in self.money if c.share_label),
        )

    def figures(self, report: FileReport) -> Figure:
        """Sums over the report's rows (the same rows written to the table)."""
        cached = self._figures.get(id(report))
        if cached is not None and cached[0] is report:
            return cached[1]
        sums = dict.fromkeys((c.key for c in self.money), 0.0)
        for row in report.rows:
            for key, amount in row_amounts(self.table, row).items():
                sums[key] += amount
        figure = self._figure(len(report.rows), sums)
        self._figures[id(report)] = (report, figure)
        return figure

    def _figure(self, tasks: int, sums: dict[str, float]) -> Figure:
        figure: Figure = {"tasks": tasks}
        for column in self.money:
            figure[column.key] = round(sums[column.key], 6)
        for column in self.money:
            if column.share_label:
                whole = self.table.total_of(column.key)
                base = sums[whole.key] if whole is not None else 0.0
                figure[f"{column.key}_share"] = round(sums[column.key] / base, 6) if base \
                    else None
        return figure

    def totals(self, consolidation: Consolidation) -> Figure:
        """Sums over every counted submission."""
        tasks = 0
        sums = dict.fromkeys((c.key for c in self.money), 0.0)
        for sub in consolidation.submissions:
            fig = self.figures(sub.report)
            tasks += int(fig["tasks"] or 0)
            for key in sums:
                sums[key] += float(fig[key] or 0)
        return self._figure(tasks, sums)

    def row_count(self, report: FileReport) -> int:
        """Every parsed row goes into the table."""
        return len(report.rows)

    def describe_rows(self, report: FileReport) -> str:
        """ "3 nhiệm vụ"."""
        return f"{len(report.rows)} nhiệm vụ"

    def by_agency_note(self, year: int | None) -> str:
        """What the per-agency figures are."""
        start = f" thực hiện từ năm {year}" if year else ""
        return f"(Đề xuất nhiệm vụ{start}; kinh phí: {self.total.unit})"

    def _budget_sentence(self, figure: Figure) -> str:
        """ "Tổng số 52.950,5 triệu đồng (NSNN 36.900,5; Đối ứng 16.050)"."""
        def amount(key: str) -> str:
            return format_number(float(figure.get(key) or 0.0))

        parts = "; ".join(f"{self.table.column(key).header} {amount(key)}"
                          for key in self.total.computed_from)
        return f"{self.total.header} {amount(self.total.key)} {self.total.unit} ({parts})"

    def totals_text(self, totals: Figure) -> str:
        """Tasks proposed and their budget."""
        return (f"Nhiệm vụ đề xuất: {int(totals.get('tasks') or 0)}; kinh phí dự kiến: "
                f"{self._budget_sentence(totals)}.")

    # -- the table ----------------------------------------------------------------------

    def write_table(self, workbook: Any, styles: Any, consolidation: Consolidation) -> int:
        """Write the "Tổng hợp" sheet; return the number of task rows written."""
        table = self.table
        cols = list(table.columns)
        ncols = len(cols) + len(EXTRA_HEADERS) + len(SELECTION_HEADERS)
        money_cols = [(i, c) for i, c in enumerate(cols) if c.type == "money"]
        first_money = money_cols[0][0]
        letters = {c.key: column_letter(i) for i, c in money_cols}
        agency_col, status_col, file_col = len(cols), len(cols) + 1, len(cols) + 2
        area_col, decision_col, comment_col, trace_col, key_col = \
            range(len(cols) + len(EXTRA_HEADERS), ncols)
        selection = selection_of(consolidation)
        analysis = self.analyse(consolidation)
        editable = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 11, "valign": "top",
             "text_wrap": True, "border": 1, "locked": False, "bg_color": _EDITABLE_FILL})
        trace_fmt = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 10, "valign": "top",
             "text_wrap": True, "border": 1, "italic": True})
        changed_fmt = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 10, "valign": "top",
             "text_wrap": True, "border": 1, "bg_color": _CHANGED_FILL})
        key_fmt = workbook.add_format({"font_name": "Times New Roman", "font_size": 8})
        # The decision columns are open by default (the column's format): an undecided
        # task's cells are not written at all (20,000 cells fewer for 10,000 tasks), and
        # a conditional format fills the task rows' ones; every other row writes its
        # cells there locked.
        open_column = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 11, "valign": "top",
             "text_wrap": True, "locked": False})
        open_fill = workbook.add_format({"bg_color": _EDITABLE_FILL, "border": 1})
        duration_fmt = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 11, "valign": "top",
             "align": "center", "border": 1, "num_format": '0" tháng"'}
        )
        formats = {"money": styles.money, "duration": duration_fmt, "integer": styles.integer}
        # The task rows are the bulk of the master: the loop below is kept lean (columns
        # split by kind up front, row heights from precomputed line capacities).
        text_plan = [
            (i, c.key, styles.text, c.width, chars_per_line(c.width))
            for i, c in enumerate(cols)
            if c.type == "text"
        ]
        number_plan = [
            (i, c.key, formats.get(c.type, styles.text))
            for i, c in enumerate(cols)
            if c.type != "text" and not c.computed
        ]
        computed_plan = [(i, c.key) for i, c in money_cols if c.computed]
        ws = workbook.add_worksheet(self.sheet_name)
        write_string, write_number, write_blank = ws.write_string, ws.write_number, \
            ws.write_blank
        writers = (write_string, write_number, write_blank)
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width)
        for j, (_, width) in enumerate((*EXTRA_HEADERS, *SELECTION_HEADERS)):
            column = len(cols) + j
            ws.set_column(column, column, width,
                          open_column if column in (decision_col, comment_col) else None,
                          {"hidden": True} if column == key_col else None)

        year = consolidation.year
        title = table.title_for(year) if year else table.title.replace("{year}", "…")
        # The page shows the official table: the heading is centred over the form's own
        # columns, and the print area leaves out the three analysis columns (agency,
        # status, source file), which are for filtering on screen.
        last_official = len(cols) - 1
        widths = [c.width for c in cols]
        letterhead = consolidation.letterhead
        top = write_letterhead(ws, styles, widths, letterhead,
                               national_name=table.national_name, motto=table.motto)
        title_row = top + 1
        ws.set_row(title_row, 48)
        ws.merge_range(title_row, 0, title_row, last_official, title, styles.title)
        generated = consolidation.generated_at.strftime("%d/%m/%Y %H:%M")
        ws.merge_range(
            title_row + 1, 0, title_row + 1, last_official,
            f"(Bản tổng hợp từ {len(consolidation.submissions)} đơn vị, cập nhật lúc "
            f"{generated})",
            styles.subtitle,
        )

        # Two header rows: grouped columns share a merged group header.
        h1, h2 = title_row + 3, title_row + 4
        col_index = 0
        for group, members in table.groups:
            if group is None:
                single: Column = members[0]
                ws.merge_range(h1, col_index, h2, col_index, single.header, styles.header)
                col_index += 1
            else:
                ws.merge_range(h1, col_index, h1, col_index + len(members) - 1, group,
                               styles.header)
                for k, member in enumerate(members):
                    ws.write_string(h2, col_index + k, member.header, styles.header)
                col_index += len(members)
        for j, (header, _) in enumerate((*EXTRA_HEADERS, *SELECTION_HEADERS)):
            ws.merge_range(h1, len(cols) + j, h2, len(cols) + j, header, styles.header)
        for j in range(ncols):
            if j != key_col:
                ws.write_string(h2 + 1, j, f"({j + 1})", styles.header_number)
        ws.set_row(h1, 30)
        ws.set_row(h2, 30)
        setup_print(ws, repeat=(h1, h2 + 1))
        ws.freeze_panes(h2 + 2, 2)
        # The printed pages: what the rows above the table take on the first page, and
        # the header rows printed again on every other.
        pages = PageBreaker(widths, repeated=30 + 30 + DEFAULT_ROW_POINTS)
        for height in (*([17.0] * (top - 1)), 6.0, DEFAULT_ROW_POINTS, 48.0,
                       DEFAULT_ROW_POINTS, DEFAULT_ROW_POINTS, 30.0, 30.0,
                       DEFAULT_ROW_POINTS):
            pages.row(height)
        seq_keys = table.keys_with_role("number")
        name_keys = table.keys_with_role("name")
        seq_col = table.column_number(seq_keys[0]) - 1 if seq_keys else None
        name_col = table.column_number(name_keys[0]) - 1 if name_keys else None
        flagged_any = False

        def sum_formulas(r: int, refs: dict[str, str], sums: dict[str, float], fmt: Any,
                         rest: Any) -> None:
            """Each money column's SUM of ``refs`` (cached value ``sums``), the other
            cells from the first money column on bordered blanks."""
            for j in range(first_money, ncols):
                ws.write_blank(r, j, None, rest)
            for i, column in money_cols:
                ws.write_formula(r, i, f"=SUM({refs[column.key]})", fmt,
                                 round(sums[column.key], 6))

        r = h2 + 2
        written = 0
        section_rows: list[int] = []
        section_sums: list[dict[str, float]] = []
        by_kind: dict[str, list[Submission]] = {}
        for sub in consolidation.submissions:
            by_kind.setdefault(sub.agency.kind, []).append(sub)
        zero = dict.fromkeys(letters, 0.0)
        def first_task_height(sub: Submission) -> float:
            rows = sub.report.rows
            if not rows:
                return DEFAULT_ROW_POINTS
            lines = max((lines_needed(v, per_line) for i, key, _, width, per_line in text_plan
                         if isinstance(v := rows[0].values.get(key), str)
                         and (len(v) >= width or "\n" in v)), default=1)
            return height_for_lines(lines) or DEFAULT_ROW_POINTS

        for kind, label in SECTIONS:
            subs = by_kind.get(kind, [])
            # A section's heading stays with its first agency's heading and first task.
            pages.keep([DEFAULT_ROW_POINTS] * 2 + ([first_task_height(subs[0])]
                                                    if subs else []))
            pages.row(None)
            section_row = r
            ws.merge_range(r, 0, r, first_money - 1, label, styles.section)
            subtotal_rows: list[int] = []
            sec = dict(zero)
            r += 1
            for agency_number, sub in enumerate(subs, start=1):  # numbered per section
                status = STATUS_LABELS[sub.status]
                # An agency's heading stays with its first task (and with its subtotal
                # when that is its only task).
                first_height = first_task_height(sub)
                pages.keep([DEFAULT_ROW_POINTS, first_height]
                           + ([DEFAULT_ROW_POINTS] if len(sub.report.rows) <= 1 else []))
                pages.row(None)
                # The status, outside the print area, is said in the printed heading too.
                shown = sub.agency.name if sub.status == "ok" else \
                    f"{sub.agency.name} ({status.lower()})"
                errors_at = {p.row for p in sub.report.problems
                             if p.severity == "error" and p.row is not None}
                ws.write_string(r, 0, str(agency_number), styles.agency_row)
                ws.merge_range(r, 1, r, first_money - 1, shown, styles.agency_row)
                for j in range(first_money, ncols):
                    ws.write_blank(r, j, None, styles.agency_row)
                # The agency column is left empty on the sub-header, so that filtering it
                # shows the agency's tasks only.
                ws.write_string(r, status_col, status, styles.status[sub.status])
                ws.write_string(r, file_col, safe_text(consolidation.label(sub.file)),
                                styles.agency_file)
                r += 1
                first = r
                agency_sum = dict(zero)
                name = sub.agency.name
                ids = analysis.ids[id(sub.report)]
                area_label = analysis.area_label
                kept_amounts = analysis.amounts
                decided = selection.decisions
                text_fmt, money_fmt = styles.text, styles.money
                for row in sub.report.rows:
                    values = row.values
                    lines = 1
                    for i, key, fmt, width, per_line in text_plan:
                        v = values.get(key)
                        if type(v) is str and v:
                            write_string(r, i, v if len(v) <= MAX_TEXT else safe_text(v), fmt)
                            if len(v) >= width or "\n" in v:  # wraps: the row grows
                                n = lines_needed(v, per_line)
                                if n > lines:
                                    lines = n
                        else:
                            _write_unparsed(writers, r, i, v, row.raw.get(key), fmt)
                    for i, key, fmt in number_plan:
                        v = values.get(key)
                        if _is_amount(v):  # finite int or float, not a bool
                            write_number(r, i, v, fmt)
                        else:
                            _write_unparsed(writers, r, i, v, row.raw.get(key), fmt)
                    amounts = row_amounts(table, row)
                    kept_amounts[ids[id(row)]] = amounts  # for the areas' totals
                    for key, amount in amounts.items():
                        agency_sum[key] += amount
                    # Computed columns (Tổng số = NSNN + Đối ứng) are always computed here,
                    # never the value typed.
                    for i, key in computed_plan:
                        write_number(r, i, amounts[key], money_fmt)
                    # Each task row names its agency, so that the table can be filtered by
                    # agency. Status and source file belong to the agency: they are on its
                    # sub-header row only, and the task rows leave those two cells empty
                    # (no bordered blanks: 20,000 cells fewer for 10,000 tasks, and the
                    # columns are outside the print area).
                    write_string(r, agency_col, name, text_fmt)
                    # The selection: the task's area, its decision cells (unlocked), who
                    # decided, and its identity (hidden).
                    tid = ids[id(row)]
                    write_string(r, area_col, area_label(tid), text_fmt)
                    decision = decided.get(tid)
                    if decision is not None:
                        lines = max(lines, self._write_decision(
                            ws, r, (decision_col, comment_col, trace_col), decision,
                            editable, changed_fmt if decision.changed else trace_fmt,
                            consolidation.generated_at.tzinfo))
                    write_string(r, key_col, tid, key_fmt)
                    if row.sheet_row in errors_at:  # marked so that the printout shows it
                        flagged_any = True
                        self._flag(ws, styles, r, row, seq_col, name_col)
                    tall = height_for_lines(lines) if lines > 1 else None
                    if tall is not None:
                        ws.set_row(r, tall)
                    pages.row(tall)
                    r += 1
                    written += 1
                last = r - 1
                pages.row(None)  # the subtotal
                ws.write_blank(r, 0, None, styles.subtotal)
                ws.merge_range(r, 1, r, first_money - 1,
                               f"Cộng {sub.agency.name} ({len(sub.report.rows)} nhiệm vụ)",
                               styles.subtotal)
                if last >= first:
                    refs = {key: f"{L}{first + 1}:{L}{last + 1}" for key, L in letters.items()}
                else:
                    refs = dict.fromkeys(letters, "0")
                sum_formulas(r, refs, agency_sum, styles.subtotal_money, styles.subtotal)
                subtotal_rows.append(r)
                for key, amount in agency_sum.items():
                    sec[key] += amount
                r += 1
            if not subs:
                ws.merge_range(r, 0, r, ncols - 1, "(Chưa có đơn vị nào nộp)", styles.text)
                pages.row(None)
                r += 1
            refs = {key: ",".join(f"{L}{x + 1}" for x in subtotal_rows) or "0"
                    for key, L in letters.items()}
            sum_formulas(section_row, refs, sec, styles.section_money, styles.section)
            section_rows.append(section_row)
            section_sums.append(sec)

        ws.merge_range(r, 0, r, first_money - 1,
                       f"{table.totals_label.upper()} ({written} nhiệm vụ)", styles.total)
        refs = {key: ",".join(f"{L}{x + 1}" for x in section_rows) for key, L in letters.items()}
        grand = {key: math.fsum(s[key] for s in section_sums) for key in letters}
        sum_formulas(r, refs, grand, styles.total_money, styles.total)
        ws.autofilter(h2 + 1, 0, r - 1, ncols - 1)
        first_task_row = h2 + 2
        if r - 1 >= first_task_row:
            # The open cells of the task rows (their identity is filled) show as such.
            ws.conditional_format(first_task_row, decision_col, r - 1, comment_col, {
                "type": "formula", "format": open_fill,
                "criteria": f'=${column_letter(key_col)}{first_task_row + 1}<>""'})
            ws.data_validation(first_task_row, decision_col, r - 1, decision_col, {
                "validate": "list", "source": list(DECISIONS.values()),
                "input_title": DECISION_HEADER,
                "input_message": "Chọn một trong: " + "; ".join(DECISIONS.values())
                                 + ". Lần tổng hợp sau ghi nhận quyết định.",
                "error_title": DECISION_HEADER,
                "error_message": "Chỉ chọn một giá trị trong danh sách: "
                                 + "; ".join(DECISIONS.values()) + ".",
            })
        self._layout = TableLayout(
            first=first_task_row, last=r - 1,
            area=column_letter(area_col), decision=column_letter(decision_col),
            money={key: letter for key, letter in letters.items()},
            name=column_letter(name_col) if name_col is not None else "B")
        addends = " + ".join(table.column(k).header for k in self.total.computed_from)
        notes = [f"Ghi chú: {self.total.header} = {addends}; đơn vị tính {self.total.unit}."]
        if flagged_any:
            notes.append(f"(*) Nhiệm vụ có lỗi kiểm tra (chi tiết ở sheet «{PROBLEMS_SHEET}»):"
                         " đơn vị cần sửa và gửi lại.")
        end = r + 1
        for k, note in enumerate(notes):
            ws.write_string(r + 2 + k, 0, note, styles.note)
            end = r + 2 + k
        # The totals row, the notes and the signature block are printed on one page.
        block = 1 + 1 + len(notes) + 1 + 3 + SIGNING_ROWS
        pages.keep([DEFAULT_ROW_POINTS] * block)
        end = write_signatures(ws, styles, widths, end + 2, letterhead)
        ws.print_area(0, 0, end, last_official)
        if pages.breaks:
            ws.set_h_pagebreaks(pages.breaks)
        return written

    def _flag(self, ws: Any, styles: Any, r: int, row: TaskRow, seq_col: int | None,
              name_col: int | None) -> None:
        """Mark a task with errors on the printout: its Stt followed by "(*)", and the
        Stt and name cells filled (grey on a black-and-white printer)."""
        if seq_col is not None:
            seq = row.values.get(self.table.columns[seq_col].key)
            if _is_amount(seq):
                ws.write_number(r, seq_col, seq, styles.flagged_integer)
            else:
                raw = row.raw.get(self.table.columns[seq_col].key)
                shown = "" if raw is None or raw == "" else safe_text(raw)
                ws.write_string(r, seq_col, f"{shown} (*)".strip(), styles.flagged_text)
        if name_col is not None:
            key = self.table.columns[name_col].key
            name = _display(row, key)
            if name is None:
                ws.write_blank(r, name_col, None, styles.flagged_text)
            else:
                ws.write_string(r, name_col, safe_text(name), styles.flagged_text)

    def _write_decision(self, ws: Any, r: int, columns: tuple[int, int, int],
                        decision: TaskDecision, editable: Any, trace_fmt: Any,
                        tz: Any) -> int:
        """A decided task's cells: the decision and comment (still editable), who decided
        and when (and the flag when the task changed since); the lines the row needs."""
        decision_col, comment_col, trace_col = columns
        if decision.label:
            ws.write_string(r, decision_col, decision.label, editable)
        comment = decision.decision.comment
        if comment:
            ws.write_string(r, comment_col, safe_text(comment), editable)
        trace = decision.trace(tz)
        ws.write_string(r, trace_col, safe_text(trace), trace_fmt)
        return max(lines_needed(comment, chars_per_line(SELECTION_HEADERS[2][1])),
                   lines_needed(trace, int(chars_per_line(SELECTION_HEADERS[3][1]) * 1.1)))

    # -- the selection -------------------------------------------------------------------

    def _tasks(self, consolidation: Consolidation) -> tuple[
            list[tuple[Submission, TaskRow, str]], dict[int, dict[int, str]]]:
        """Every task in master order with its identity, and the identities by report
        and row."""
        ids: dict[int, dict[int, str]] = {}
        tasks: list[tuple[Submission, TaskRow, str]] = []
        for sub in consolidation.submissions:
            by_row = {id(row): task_id(sub.agency.code, key)
                      for key, row in self.keyed_tasks(sub.report).items()}
            ids[id(sub.report)] = by_row
            tasks.extend((sub, row, by_row[id(row)]) for row in sub.report.rows)
        return tasks, ids

    @staticmethod
    def _job(selection: Selection,
             tasks: list[tuple[Submission, TaskRow, str]]) -> tuple[Any, Any, Any]:
        from sync.priority_areas import default_rules

        rules = selection.area_rules or default_rules()
        return (rules, [task_texts(row) for _, row, _ in tasks],
                [str(_display(row, "task_name") or "") for _, row, _ in tasks])

    def analyse(self, consolidation: Consolidation) -> Analysis:
        """The tasks' identities, priority areas and duplicates (once per consolidation:
        kept on its selection, which the master's writer's copy of the consolidation
        shares)."""
        selection = selection_of(consolidation)
        if isinstance(selection.analysis, Analysis):
            return selection.analysis
        tasks, ids = self._tasks(consolidation)
        job = self._job(selection, tasks)
        numbers, duplicates = analyse_tasks(job)
        rules = job[0]
        areas = {tid: rules.area(number) if number is not None else None
                 for (_, _, tid), number in zip(tasks, numbers, strict=True)}
        analysis = Analysis(rules, ids, areas, tasks, duplicates)
        selection.analysis = analysis
        return analysis

    def write_details(self, workbook: Any, styles: Any, consolidation: Consolidation) -> None:
        """The selection's sheets: "Quyết định", "Lĩnh vực ưu tiên", "Trùng lặp"."""
        selection = selection_of(consolidation)
        analysis = self.analyse(consolidation)
        layout = self._layout or TableLayout(0, -1, "A", "A", {}, "B")
        tz = consolidation.generated_at.tzinfo
        write_decisions_sheet(workbook, styles, consolidation, selection, analysis, layout,
                              self.table, tz if isinstance(tz, timezone) else None)
        write_areas_sheet(workbook, styles, consolidation, selection, analysis, layout,
                          self.table)
        write_duplicates_sheet(workbook, styles, selection, analysis, self.table)

    def extra_result(self, consolidation: Consolidation) -> dict[str, Any]:
        """``selection`` (the decisions), ``duplicates`` and ``priority_areas`` of the
        JSON result."""
        selection = selection_of(consolidation)
        analysis = self.analyse(consolidation)
        tz = consolidation.generated_at.tzinfo
        return {
            "selection": selection.to_dict(tz),
            "duplicates": _duplicates_result(analysis),
            "priority_areas": self._areas_result(selection, analysis),
        }

    def _areas_result(self, selection: Selection,
                      analysis: Analysis) -> list[dict[str, Any]]:
        """Per area (then the unclassified): tasks, budget, tasks per decision."""
        figures = analysis.area_figures(selection, self.table)
        out: list[dict[str, Any]] = []
        for area in (*analysis.rules.areas, None):
            label = area.label if area is not None else analysis.rules.unclassified
            figure = figures[label]
            out.append({"number": area.number if area is not None else None,
                        "name": area.name if area is not None else label,
                        "tasks": int(figure["tasks"]),
                        **{c.key: round(figure[c.key], 6) for c in self.money},
                        **{code: int(figure[code]) for code in DECISIONS}})
        return out

    # -- differences --------------------------------------------------------------------

    def keyed_tasks(self, report: FileReport) -> dict[str, TaskRow]:
        """Tasks by name (their first line: content lines joined below a name, "- Đào
        tạo …", are part of the task, not of what identifies it): what the changes sheet
        and the staff's decisions match a task by."""
        cached = self._keyed.get(id(report))
        if cached is not None and cached[0] is report:
            return cached[1]
        keyed = self._key_tasks(report)
        self._keyed[id(report)] = (report, keyed)
        return keyed

    @staticmethod
    def _key_tasks(report: FileReport) -> dict[str, TaskRow]:
        out: dict[str, TaskRow] = {}
        for row in report.rows:
            name = row.values.get("task_name") or row.raw.get("task_name") or ""
            base = compare_key(str(name).split("\n", 1)[0]) or f"#dòng {row.sheet_row}"
            key, n = base, 1
            while key in out:
                n += 1
                key = f"{base} #{n}"
            out[key] = row
        return out

    def diff(self, old: FileReport, new: FileReport) -> list[tuple[str, str, str]]:
        """Tasks added, removed and changed (matched by task name, forgiving case/spaces)."""
        before, after = self.keyed_tasks(old), self.keyed_tasks(new)
        out: list[tuple[str, str, str]] = []

        def label(row: TaskRow) -> str:
            name = row.values.get("task_name") or row.raw.get("task_name")
            return str(name).split("\n", 1)[0] if name else f"(dòng {row.sheet_row})"

        for key, row in after.items():
            if key not in before:
                total = row_amounts(self.table, row)[self.total.key]
                out.append(("task-added", label(row),
                            f"{self.total.header} {format_number(total)} {self.total.unit}"))
        for key, row in before.items():
            if key not in after:
                out.append(("task-removed", label(row), ""))
        for key, row in after.items():
            if key not in before:
                continue
            old_row = before[key]
            details: list[str] = []
            for col in self.table.columns:
                if col.computed:
                    continue
                a, b = _display(old_row, col.key), _display(row, col.key)
                if isinstance(a, int | float) and isinstance(b, int | float):
                    if abs(float(a) - float(b)) > _EPS:
                        details.append(
                            f"{col.header}: {format_number(float(a))} → {format_number(float(b))}"
                        )
                elif (a or "") != (b or ""):
                    if col.type == "text":
                        details.append(f"{col.header}: đã sửa")
                    else:
                        details.append(f"{col.header}: {_shown(a)} → {_shown(b)}")
            if details:
                out.append(("task-changed", label(row), "; ".join(details)))
        return out

    # -- charts -------------------------------------------------------------------------

    def add_charts(self, workbook: Any, sheet: Any, context: ChartContext, row: int) -> int:
        """Stacked bars of NSNN and Đối ứng per agency."""
        if context.last_row < context.first_row:
            return row
        chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
        name = context.by_agency_sheet
        cats = [name, context.first_row, context.name_col, context.last_row, context.name_col]
        colours = ("#1F4E79", "#F4B183", "#A9D18E", "#8FAADC", "#FFD966")
        for key, colour in zip(self.total.computed_from, colours, strict=False):
            col = context.figure_cols[key]
            chart.add_series({
                "name": [name, context.first_row - 1, col],
                "categories": cats,
                "values": [name, context.first_row, col, context.last_row, col],
                "fill": {"color": colour},
            })
        chart.set_title({"name": f"Dự kiến kinh phí theo đơn vị ({self.total.unit})",
                         "name_font": {"name": "Times New Roman", "size": 12}})
        chart.set_x_axis({"num_font": {"name": "Times New Roman"}, "num_format": "#,##0"})
        chart.set_y_axis({"num_font": {"name": "Times New Roman"}, "reverse": True})
        chart.set_legend({"position": "bottom", "font": {"name": "Times New Roman"}})
        n = context.last_row - context.first_row + 1
        height = max(320, 26 * n + 120)
        chart.set_size({"width": 900, "height": height})
        sheet.insert_chart(row, 0, chart)
        return row + height // 20 + 2


_DUPLICATES_LISTED = 100  # groups given in the JSON result (the master lists more)


def _duplicates_result(analysis: Analysis) -> dict[str, Any]:
    """The ``duplicates`` of the JSON result: counts and the most similar groups."""
    search = analysis.duplicates
    groups = []
    for group in search.groups[:_DUPLICATES_LISTED]:
        members = []
        for member in group.members:
            sub, row, tid = analysis.tasks[member.index]
            members.append({"agency": sub.agency.code, "agency_name": sub.agency.name,
                            "task": tid, "seq": row.values.get("seq"),
                            "task_name": str(_display(row, "task_name") or "")
                            .split("\n", 1)[0], "score": member.score})
        groups.append({"score": group.score, "tasks": members})
    return {"groups": len(search.groups), "tasks": search.tasks, "fuzzy": search.fuzzy,
            "listed": groups}

