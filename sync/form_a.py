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
from typing import Any, TypeGuard

from nscl.forms import Column, TableForm, form_a
from nscl.report import FileReport, TaskRow
from nscl.text import compare_key
from sync.consolidate import ChartContext, Figure, FigureColumn
from sync.model import STATUS_LABELS, Consolidation, Submission
from sync.styles import (
    MAX_TEXT,
    chars_per_line,
    height_for_lines,
    lines_needed,
    safe_text,
    setup_print,
)
from sync.summary import vn_number

__all__ = ["FormAConsolidator", "row_money"]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("ministry", "I. CÁC BỘ, NGÀNH"),
    ("province", "II. CÁC ĐỊA PHƯƠNG"),
)
EXTRA_HEADERS: tuple[tuple[str, float], ...] = (
    ("Đơn vị đề xuất", 22),
    ("Tình trạng", 11),
    ("Tệp nguồn", 20),
)
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


def _write_unparsed(ws: Any, r: int, c: int, value: Any, raw: Any, fmt: Any) -> None:
    """A cell whose parsed value is not of its column's type: the parsed value as text,
    else what the cell held when it could not be parsed, else a bordered blank."""
    if value is not None and value != "":
        ws.write_string(r, c, safe_text(value), fmt)
    elif raw is None or raw == "":
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_string(r, c, safe_text(raw), fmt)


def _shown(value: Any) -> str:
    """A value in a change's detail: Vietnamese number style, "(trống)" when empty."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return vn_number(float(value), 3)
    return str(value)


def row_money(row: TaskRow) -> tuple[float, float, float]:
    """(total, state_budget, counterpart) of a row; total = NSNN + Đối ứng, blanks as 0."""
    state = _number(row.values.get("state_budget")) or 0.0
    counter = _number(row.values.get("counterpart")) or 0.0
    return state + counter, state, counter


def _display(row: TaskRow, key: str) -> Any:
    """The parsed value, or what the cell held when it could not be parsed."""
    value = row.values.get(key)
    if value is None or value == "":
        raw = row.raw.get(key)
        return None if raw is None or raw == "" else safe_text(raw)
    return value


class FormAConsolidator:
    """Consolidates Form A (summary table of proposed tasks)."""

    form = "A"
    sheet_name = "Tổng hợp"

    def __init__(self) -> None:
        self.table: TableForm = form_a()
        self._figures: dict[int, tuple[FileReport, Figure]] = {}

    # -- figures ------------------------------------------------------------------------

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        """Số nhiệm vụ, Tổng số, NSNN, Đối ứng, Tỷ lệ đối ứng."""
        header = {c.key: c.header for c in self.table.money_columns}
        return (
            FigureColumn("tasks", "Số nhiệm vụ", "count", 10),
            FigureColumn("total", f"{header['total']} (triệu đồng)", "money", 14),
            FigureColumn("state_budget", f"{header['state_budget']} (triệu đồng)", "money", 14),
            FigureColumn("counterpart", f"{header['counterpart']} (triệu đồng)", "money", 14),
            FigureColumn("counterpart_share", "Tỷ lệ đối ứng", "percent", 10,
                         in_result=False),
        )

    def figures(self, report: FileReport) -> Figure:
        """Sums over the report's rows (the same rows written to the table)."""
        cached = self._figures.get(id(report))
        if cached is not None and cached[0] is report:
            return cached[1]
        figure = self._compute_figures(report)
        self._figures[id(report)] = (report, figure)
        return figure

    def _compute_figures(self, report: FileReport) -> Figure:
        total = state = counter = 0.0
        for row in report.rows:
            t, s, c = row_money(row)
            total += t
            state += s
            counter += c
        return {
            "tasks": len(report.rows),
            "total": round(total, 6),
            "state_budget": round(state, 6),
            "counterpart": round(counter, 6),
            "counterpart_share": round(counter / total, 6) if total else None,
        }

    def totals(self, consolidation: Consolidation) -> Figure:
        """Sums over every counted submission."""
        tasks = 0
        total = state = counter = 0.0
        for sub in consolidation.submissions:
            fig = self.figures(sub.report)
            tasks += int(fig["tasks"] or 0)
            total += float(fig["total"] or 0)
            state += float(fig["state_budget"] or 0)
            counter += float(fig["counterpart"] or 0)
        return {
            "tasks": tasks,
            "total": round(total, 6),
            "state_budget": round(state, 6),
            "counterpart": round(counter, 6),
            "counterpart_share": round(counter / total, 6) if total else None,
        }

    def row_count(self, report: FileReport) -> int:
        """Every parsed row goes into the table."""
        return len(report.rows)

    def describe_rows(self, report: FileReport) -> str:
        """ "3 nhiệm vụ"."""
        return f"{len(report.rows)} nhiệm vụ"

    def by_agency_note(self, year: int | None) -> str:
        """What the per-agency figures are."""
        start = f" thực hiện từ năm {year}" if year else ""
        return f"(Đề xuất nhiệm vụ{start}; kinh phí: triệu đồng)"

    def totals_text(self, totals: Figure) -> str:
        """Tasks proposed and their budget."""
        return (
            f"Nhiệm vụ đề xuất: {int(totals.get('tasks') or 0)}; kinh phí dự kiến: Tổng số "
            f"{vn_number(float(totals.get('total') or 0.0))} triệu đồng (NSNN "
            f"{vn_number(float(totals.get('state_budget') or 0.0))}; Đối ứng "
            f"{vn_number(float(totals.get('counterpart') or 0.0))})."
        )

    # -- the table ----------------------------------------------------------------------

    def write_table(self, workbook: Any, styles: Any, consolidation: Consolidation) -> int:
        """Write the "Tổng hợp" sheet; return the number of task rows written."""
        table = self.table
        cols = list(table.columns)
        ncols = len(cols) + len(EXTRA_HEADERS)
        money_idx = {c.key: i for i, c in enumerate(cols) if c.type == "money"}
        total_col, state_col, counter_col = (
            money_idx["total"], money_idx["state_budget"], money_idx["counterpart"]
        )
        agency_col, status_col, file_col = len(cols), len(cols) + 1, len(cols) + 2
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
            if c.type != "text" and i != total_col
        ]
        ws = workbook.add_worksheet(self.sheet_name)
        write_string, write_number = ws.write_string, ws.write_number
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width)
        for j, (_, width) in enumerate(EXTRA_HEADERS):
            ws.set_column(len(cols) + j, len(cols) + j, width)

        year = consolidation.year
        title = table.title_for(year) if year else table.title.replace("{year}", "…")
        # The page shows the official table: the heading is centred over the form's own
        # columns, and the print area leaves out the three analysis columns (agency,
        # status, source file), which are for filtering on screen.
        last_official = len(cols) - 1
        ws.merge_range(0, 0, 0, last_official, table.national_name, styles.national)
        ws.merge_range(1, 0, 1, last_official, table.motto, styles.agency_header)
        ws.set_row(3, 48)
        ws.merge_range(3, 0, 3, last_official, title, styles.title)
        generated = consolidation.generated_at.strftime("%d/%m/%Y %H:%M")
        ws.merge_range(
            4, 0, 4, last_official,
            f"(Bản tổng hợp từ {len(consolidation.submissions)} đơn vị, cập nhật lúc "
            f"{generated})",
            styles.subtitle,
        )

        # Two header rows: grouped columns share a merged group header.
        h1, h2 = 6, 7
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
        for j, (header, _) in enumerate(EXTRA_HEADERS):
            ws.merge_range(h1, len(cols) + j, h2, len(cols) + j, header, styles.header)
        for j in range(ncols):
            ws.write_string(h2 + 1, j, f"({j + 1})", styles.header_number)
        ws.set_row(h1, 30)
        ws.set_row(h2, 30)
        setup_print(ws, repeat=(h1, h2 + 1))
        ws.freeze_panes(h2 + 2, 2)

        def letter(c: int) -> str:
            out = ""
            c += 1
            while c:
                c, rem = divmod(c - 1, 26)
                out = chr(65 + rem) + out
            return out

        L_total, L_state, L_counter = letter(total_col), letter(state_col), letter(counter_col)
        r = h2 + 2
        written = 0
        section_rows: list[int] = []
        section_sums: list[tuple[float, float, float]] = []
        by_kind: dict[str, list[Submission]] = {}
        for sub in consolidation.submissions:
            by_kind.setdefault(sub.agency.kind, []).append(sub)
        agency_number = 0
        for kind, label in SECTIONS:
            subs = by_kind.get(kind, [])
            section_row = r
            ws.merge_range(r, 0, r, total_col - 1, label, styles.section)
            subtotal_rows: list[int] = []
            sec = [0.0, 0.0, 0.0]
            r += 1
            for sub in subs:
                agency_number += 1
                status = STATUS_LABELS[sub.status]
                ws.write_string(r, 0, str(agency_number), styles.agency_row)
                ws.merge_range(r, 1, r, total_col - 1, sub.agency.name, styles.agency_row)
                for j in (total_col, state_col, counter_col, *range(counter_col + 1, ncols)):
                    ws.write_blank(r, j, None, styles.agency_row)
                # The agency column is left empty on the sub-header, so that filtering it
                # shows the agency's tasks only.
                ws.write_string(r, status_col, status, styles.status[sub.status])
                ws.write_string(r, file_col, safe_text(sub.file), styles.agency_file)
                r += 1
                first = r
                agency_sum = [0.0, 0.0, 0.0]
                name = sub.agency.name
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
                            _write_unparsed(ws, r, i, v, row.raw.get(key), fmt)
                    for i, key, fmt in number_plan:
                        v = values.get(key)
                        if _is_amount(v):  # finite int or float, not a bool
                            write_number(r, i, v, fmt)
                        else:
                            _write_unparsed(ws, r, i, v, row.raw.get(key), fmt)
                    v_state, v_counter = values.get("state_budget"), values.get("counterpart")
                    m_state: float = v_state if _is_amount(v_state) else 0.0
                    m_counter: float = v_counter if _is_amount(v_counter) else 0.0
                    agency_sum[0] += m_state + m_counter
                    agency_sum[1] += m_state
                    agency_sum[2] += m_counter
                    # Tổng số = NSNN + Đối ứng, always computed here (never the typed total).
                    write_number(r, total_col, m_state + m_counter, money_fmt)
                    # Each task row names its agency, so that the table can be filtered by
                    # agency. Status and source file belong to the agency: they are on its
                    # sub-header row only, and the task rows leave those two cells empty
                    # (no bordered blanks: 20,000 cells fewer for 10,000 tasks, and the
                    # columns are outside the print area).
                    write_string(r, agency_col, name, text_fmt)
                    if lines > 1:
                        ws.set_row(r, height_for_lines(lines))
                    r += 1
                    written += 1
                last = r - 1
                ws.write_blank(r, 0, None, styles.subtotal)
                ws.merge_range(r, 1, r, total_col - 1,
                               f"Cộng {sub.agency.name} ({len(sub.report.rows)} nhiệm vụ)",
                               styles.subtotal)
                for col_i, L, value in (
                    (total_col, L_total, agency_sum[0]),
                    (state_col, L_state, agency_sum[1]),
                    (counter_col, L_counter, agency_sum[2]),
                ):
                    formula = f"=SUM({L}{first + 1}:{L}{last + 1})" if last >= first else "=0"
                    ws.write_formula(r, col_i, formula, styles.subtotal_money, round(value, 6))
                for j in range(counter_col + 1, ncols):
                    ws.write_blank(r, j, None, styles.subtotal)
                subtotal_rows.append(r)
                for k in range(3):
                    sec[k] += agency_sum[k]
                r += 1
            if not subs:
                ws.merge_range(r, 0, r, ncols - 1, "(Chưa có đơn vị nào nộp)", styles.text)
                r += 1
            for col_i, L, value in (
                (total_col, L_total, sec[0]),
                (state_col, L_state, sec[1]),
                (counter_col, L_counter, sec[2]),
            ):
                refs = ",".join(f"{L}{x + 1}" for x in subtotal_rows) or "0"
                ws.write_formula(section_row, col_i, f"=SUM({refs})", styles.section_money,
                                 round(value, 6))
            for j in range(counter_col + 1, ncols):
                ws.write_blank(section_row, j, None, styles.section)
            section_rows.append(section_row)
            section_sums.append((sec[0], sec[1], sec[2]))

        ws.merge_range(r, 0, r, total_col - 1,
                       f"{table.totals_label.upper()} ({written} nhiệm vụ)", styles.total)
        for k, (col_i, L) in enumerate(
            ((total_col, L_total), (state_col, L_state), (counter_col, L_counter))
        ):
            refs = ",".join(f"{L}{x + 1}" for x in section_rows)
            ws.write_formula(r, col_i, f"=SUM({refs})", styles.total_money,
                             round(sum(s[k] for s in section_sums), 6))
        for j in range(counter_col + 1, ncols):
            ws.write_blank(r, j, None, styles.total)
        ws.autofilter(h2 + 1, 0, r - 1, ncols - 1)
        ws.write_string(r + 2, 0, "Ghi chú: Tổng số = NSNN + Đối ứng; đơn vị tính triệu đồng.",
                        styles.note)
        ws.print_area(0, 0, r + 2, last_official)
        return written

    # -- differences --------------------------------------------------------------------

    def _keyed(self, report: FileReport) -> dict[str, TaskRow]:
        """Tasks by name (their first line: content lines joined below a name, "- Đào
        tạo …", are part of the task, not of what identifies it)."""
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
        before, after = self._keyed(old), self._keyed(new)
        out: list[tuple[str, str, str]] = []

        def label(row: TaskRow) -> str:
            name = row.values.get("task_name") or row.raw.get("task_name")
            return str(name).split("\n", 1)[0] if name else f"(dòng {row.sheet_row})"

        for key, row in after.items():
            if key not in before:
                total = row_money(row)[0]
                out.append(("task-added", label(row),
                            f"Tổng số {vn_number(total, 3)} triệu đồng"))
        for key, row in before.items():
            if key not in after:
                out.append(("task-removed", label(row), ""))
        for key, row in after.items():
            if key not in before:
                continue
            old_row = before[key]
            details: list[str] = []
            for col in self.table.columns:
                if col.key == "total":
                    continue
                a, b = _display(old_row, col.key), _display(row, col.key)
                if isinstance(a, int | float) and isinstance(b, int | float):
                    if abs(float(a) - float(b)) > _EPS:
                        details.append(
                            f"{col.header}: {vn_number(float(a), 3)} → {vn_number(float(b), 3)}"
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
        for key, colour in (("state_budget", "#1F4E79"), ("counterpart", "#F4B183")):
            col = context.figure_cols[key]
            chart.add_series({
                "name": [name, context.first_row - 1, col],
                "categories": cats,
                "values": [name, context.first_row, col, context.last_row, col],
                "fill": {"color": colour},
            })
        chart.set_title({"name": "Dự kiến kinh phí theo đơn vị (triệu đồng)",
                         "name_font": {"name": "Times New Roman", "size": 12}})
        chart.set_x_axis({"num_font": {"name": "Times New Roman"}, "num_format": "#,##0"})
        chart.set_y_axis({"num_font": {"name": "Times New Roman"}, "reverse": True})
        chart.set_legend({"position": "bottom", "font": {"name": "Times New Roman"}})
        n = context.last_row - context.first_row + 1
        height = max(320, 26 * n + 120)
        chart.set_size({"width": 900, "height": height})
        sheet.insert_chart(row, 0, chart)
        return row + height // 20 + 2
