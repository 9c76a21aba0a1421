"""The master's selection sheets (Form A), after "Theo đơn vị":

* "Quyết định": how to record a decision, how many tasks have each decision (live
  formulas over the "Tổng hợp" sheet: they follow the staff's choices as they make them),
  the "Cần làm rõ" requests sent back to the agencies, the decisions to look at again
  (the task changed since), the decisions whose task is gone, and the cells that could
  not be read;
* "Lĩnh vực ưu tiên": tasks and budget per priority area, and per decision (live
  formulas too), with each area's text;
* "Trùng lặp": the same or nearly the same tasks, group by group, each task with its
  agency, its number, its name, its lead organisation, its budget, its similarity and
  its decision.

Each is printed as an official table (A4 landscape, one page wide, header repeated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from nscl.a1 import column_letter
from nscl.forms import TableForm
from nscl.numbers import format_number
from sync.duplicates import THRESHOLD
from sync.model import Consolidation
from sync.selection import DECISIONS, Selection, TaskDecision, local_time
from sync.styles import chars_per_line, height_for_lines, lines_needed, safe_text, setup_print
from sync.task_analysis import Analysis

__all__ = [
    "MAX_DUPLICATE_GROUPS",
    "TableLayout",
    "write_areas_sheet",
    "write_decisions_sheet",
    "write_duplicates_sheet",
]

MAX_DUPLICATE_GROUPS = 300  # groups listed on the sheet (the JSON gives the count)
_TABLE = "'Tổng hợp'"


@dataclass(frozen=True)
class TableLayout:
    """Where the "Tổng hợp" sheet put its task rows (0-based rows, column letters)."""

    first: int
    last: int  # < first: no row
    area: str
    decision: str
    money: dict[str, str]
    name: str

    def range(self, letter: str) -> str:
        """The absolute range of a column over the table's rows."""
        return f"{_TABLE}!${letter}${self.first + 1}:${letter}${self.last + 1}"

    @property
    def empty(self) -> bool:
        """No task row."""
        return self.last < self.first


def _heading(ws: Any, st: Any, title: str, subtitle: str, widths: Sequence[float]) -> int:
    """The title and its subtitle over the sheet's columns; the next free row."""
    ws.set_row(0, 22)
    ws.merge_range(0, 0, 0, len(widths) - 1, title, st.title)
    if subtitle:
        ws.merge_range(1, 0, 1, len(widths) - 1, subtitle, st.subtitle)
        # The subtitle is 12 pt: fewer characters a line than the table's 11 pt.
        lines = lines_needed(subtitle, int(chars_per_line(sum(widths)) * 0.85))
        ws.set_row(1, (height_for_lines(lines) or 15.0) * 1.1 + 2)
    return 3


def _head(ws: Any, st: Any, r: int, heads: Sequence[str]) -> None:
    for j, head in enumerate(heads):
        ws.write_string(r, j, head, st.header)
    ws.set_row(r, 30)


def _height(ws: Any, r: int, cells: Sequence[tuple[str, float]]) -> None:
    lines = max((lines_needed(text, chars_per_line(width)) for text, width in cells
                 if text), default=1)
    height = height_for_lines(lines)
    if height is not None:
        ws.set_row(r, height)


def _counted(layout: TableLayout, criteria: Sequence[tuple[str, str]], cached: float,
             money: str | None = None) -> tuple[str, float]:
    """A COUNTIFS (or SUMIFS of ``money``) over the table's rows, and its cached value."""
    if layout.empty:
        return "=0", 0
    pairs = ",".join(f'{layout.range(col)},{value}' for col, value in criteria)
    if money is None:
        return f"=COUNTIFS({pairs})", cached
    return f"=SUMIFS({layout.range(money)},{pairs})", cached


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_decisions_sheet(wb: Any, st: Any, cons: Consolidation, selection: Selection,
                          analysis: Analysis, layout: TableLayout, table: TableForm,
                          tz: timezone | None) -> None:
    """The sheet "Quyết định" (see the module documentation)."""
    ws = wb.add_worksheet("Quyết định")
    widths = [6, 24, 44, 17, 36, 26, 40]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    r = _heading(ws, st, "QUYẾT ĐỊNH VỀ CÁC NHIỆM VỤ ĐỀ XUẤT",
                 "Ghi quyết định ở cột «Quyết định» (chọn trong danh sách: "
                 + ", ".join(DECISIONS.values()) + ") và cột «Ý kiến» của sheet «Tổng hợp»"
                 " rồi lưu tệp. Lần tổng hợp sau đọc lại, ghi vào sổ theo dõi (người lưu tệp,"
                 " thời điểm) và giữ nguyên quyết định khi ghi lại bảng tổng hợp; ý kiến của"
                 " quyết định «Cần làm rõ» được gửi lại đơn vị trong bản đánh dấu.",
                 widths)
    setup_print(ws)
    read = selection.read
    if read is not None:
        when = read.modified_at.astimezone(tz).strftime("%H:%M ngày %d/%m/%Y") \
            if read.modified_at is not None and tz is not None else "(không rõ)"
        ws.merge_range(r, 0, r, len(widths) - 1,
                       f"Lần đọc gần nhất: bảng tổng hợp lưu lúc {when}, người lưu: "
                       f"{read.modified_by}; {selection.recorded} quyết định mới hoặc thay"
                       " đổi được ghi nhận.", st.plain)
        r += 2

    # The counts, live: the staff see them follow their choices. "Quyết định" spans the
    # two columns the listings below give to the agency and the task.
    total = table.column(next(c.key for c in table.columns if c.computed))
    money_keys = [c.key for c in table.money_columns]
    heads = ["Stt", "Quyết định", "", "Số nhiệm vụ",
             *[f"{table.column(k).header} ({total.unit})" for k in money_keys]]
    _head(ws, st, r, heads)
    ws.merge_range(r, 1, r, 2, "Quyết định", st.header)
    counts = selection.counts()
    sums: dict[str, dict[str, float]] = {code: dict.fromkeys(money_keys, 0.0)
                                         for code in DECISIONS}
    from sync.form_a import row_amounts

    for d in selection.decisions.values():
        if d.code in sums:
            for key, amount in row_amounts(table, d.row).items():
                sums[d.code][key] += amount
    first = r + 1
    for n, (code, label) in enumerate(DECISIONS.items(), start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.merge_range(r, 1, r, 2, label, st.text)
        criteria = [(layout.decision, _quoted(label))]
        formula, value = _counted(layout, criteria, counts[code])
        ws.write_formula(r, 3, formula, st.count, value)
        for j, key in enumerate(money_keys, start=4):
            formula, value = _counted(layout, criteria, round(sums[code][key], 6),
                                      layout.money[key])
            ws.write_formula(r, j, formula, st.money, value)
    r += 1
    undecided = len(analysis.tasks) - sum(counts.values())
    ws.write_number(r, 0, len(DECISIONS) + 1, st.integer)
    ws.merge_range(r, 1, r, 2, "Chưa quyết định", st.text)
    tasks_formula = "=0" if layout.empty else \
        f'=COUNTIFS({layout.range(layout.area)},"<>")-SUM(D{first + 1}:D{r})'
    ws.write_formula(r, 3, tasks_formula, st.count, undecided)
    # The undecided tasks' amounts: every task row's (those with an area) less the decided.
    everything = dict.fromkeys(money_keys, 0.0)
    for _sub, row, tid in analysis.tasks:
        for key, amount in (analysis.amounts.get(tid) or row_amounts(table, row)).items():
            if key in everything:
                everything[key] += amount
    for j, key in enumerate(money_keys, start=4):
        decided = sum(sums[code][key] for code in DECISIONS)
        cached = round(everything[key] - decided, 6)
        if layout.empty:
            ws.write_formula(r, j, "=0", st.money, 0)
            continue
        column = column_letter(j)
        ws.write_formula(r, j, f'=SUMIFS({layout.range(layout.money[key])},'
                               f'{layout.range(layout.area)},"<>")'
                               f"-SUM({column}{first + 1}:{column}{r})", st.money, cached)

    r = _listing_changed(ws, st, r + 2, selection, widths, tz)
    r = _listing_clarify(ws, st, r + 2, selection, widths, tz)
    r = _listing_orphans(ws, st, r + 2, selection, widths, tz)
    _listing_issues(ws, st, r + 2, selection, widths)


def _section(ws: Any, st: Any, r: int, title: str, heads: Sequence[str]) -> int:
    ws.write_string(r, 0, title, st.label)
    _head(ws, st, r + 1, heads)
    return r + 1


def _none(ws: Any, st: Any, r: int, ncols: int) -> int:
    ws.merge_range(r + 1, 0, r + 1, ncols - 1, "(Không có)", st.text)
    return r + 1


def _decision_row(ws: Any, st: Any, r: int, n: int, d: TaskDecision, last: str,
                  widths: Sequence[int], tz: timezone | None, *, flagged: bool = False
                  ) -> None:
    name = str(d.row.values.get("task_name") or d.decision.task_name).split("\n", 1)[0]
    who = f"{d.decision.decided_by}, {local_time(d.decision.decided_at, tz)}"
    ws.write_number(r, 0, n, st.integer)
    ws.write_string(r, 1, d.submission.agency.name, st.text)
    ws.write_string(r, 2, safe_text(name), st.text)
    ws.write_string(r, 3, d.label or "(chỉ có ý kiến)", st.text)
    ws.write_string(r, 4, safe_text(d.decision.comment), st.text)
    ws.write_string(r, 5, who, st.text)
    ws.write_string(r, 6, safe_text(last), st.flagged_text if flagged else st.text)
    _height(ws, r, [(d.submission.agency.name, widths[1]), (name, widths[2]),
                    (d.decision.comment, widths[4]), (who, widths[5]), (last, widths[6])])


def _listing_changed(ws: Any, st: Any, r: int, selection: Selection, widths: Sequence[int],
                     tz: timezone | None) -> int:
    changed = selection.changed()
    r = _section(ws, st, r, "CẦN XEM LẠI: NỘI DUNG ĐÃ THAY ĐỔI SAU KHI QUYẾT ĐỊNH "
                 f"({len(changed)})", ["Stt", "Đơn vị", "Nhiệm vụ", "Quyết định", "Ý kiến",
                                       "Người quyết định, lúc", "Nội dung đã thay đổi"])
    for n, d in enumerate(changed, start=1):
        r += 1
        _decision_row(ws, st, r, n, d, d.change, widths, tz, flagged=True)
    if not changed:
        r = _none(ws, st, r, len(widths))
    ws.write_string(r + 1, 0, "Để giữ quyết định sau khi xem lại: sửa hoặc bổ sung ô «Ý kiến»"
                    " của nhiệm vụ ở sheet «Tổng hợp» (hoặc chọn quyết định khác).", st.note)
    return r + 1


def _listing_clarify(ws: Any, st: Any, r: int, selection: Selection, widths: Sequence[int],
                     tz: timezone | None) -> int:
    asked = selection.clarifications()
    r = _section(ws, st, r, f"CẦN LÀM RÕ: Ý KIẾN GỬI LẠI ĐƠN VỊ ({len(asked)})",
                 ["Stt", "Đơn vị", "Nhiệm vụ", "Quyết định", "Ý kiến",
                  "Người quyết định, lúc", "Tệp của đơn vị (dòng)"])
    for n, d in enumerate(asked, start=1):
        r += 1
        _decision_row(ws, st, r, n, d, f"{d.submission.file} (dòng {d.row.sheet_row})",
                      widths, tz)
    if not asked:
        r = _none(ws, st, r, len(widths))
    return r


def _listing_orphans(ws: Any, st: Any, r: int, selection: Selection,
                     widths: Sequence[int], tz: timezone | None) -> int:
    orphans = selection.orphans
    r = _section(ws, st, r, "QUYẾT ĐỊNH VỀ NHIỆM VỤ KHÔNG CÒN TRONG BẢNG TỔNG HỢP "
                 f"({len(orphans)})", ["Stt", "Đơn vị", "Nhiệm vụ (tên lúc quyết định)",
                                       "Quyết định", "Ý kiến", "Người quyết định, lúc",
                                       "Ghi chú"])
    note = "Đơn vị đổi tên, bỏ nhiệm vụ hoặc tệp bị từ chối; quyết định vẫn được giữ."
    for n, d in enumerate(orphans, start=1):
        r += 1
        name = selection.agency_names.get(d.agency, d.agency)
        who = f"{d.decided_by}, {local_time(d.decided_at, tz)}"
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, name, st.text)
        ws.write_string(r, 2, safe_text(d.task_name), st.text)
        ws.write_string(r, 3, DECISIONS.get(d.decision or "", "(chỉ có ý kiến)"), st.text)
        ws.write_string(r, 4, safe_text(d.comment), st.text)
        ws.write_string(r, 5, who, st.text)
        ws.write_string(r, 6, note, st.text)
        _height(ws, r, [(name, widths[1]), (d.task_name, widths[2]),
                        (d.comment, widths[4]), (who, widths[5]), (note, widths[6])])
    if not orphans:
        r = _none(ws, st, r, len(widths))
    return r


def _listing_issues(ws: Any, st: Any, r: int, selection: Selection,
                    widths: Sequence[int]) -> int:
    issues = [p for p in selection.issues
              if p.code in ("decision-value-unknown", "decision-master-stale")]
    r = _section(ws, st, r, f"Ô QUYẾT ĐỊNH KHÔNG ĐƯỢC GHI NHẬN ({len(issues)})",
                 ["Stt", "Ô", "Nội dung", "", "Cách sửa", "", "Mã (cho cán bộ CNTT)"])
    ws.merge_range(r, 2, r, 3, "Nội dung", st.header)
    ws.merge_range(r, 4, r, 5, "Cách sửa", st.header)
    for n, p in enumerate(issues, start=1):
        r += 1
        ws.write_number(r, 0, n, st.integer)
        ws.write_string(r, 1, f"{p.sheet}!{p.cell}" if p.cell else "", st.text)
        ws.merge_range(r, 2, r, 3, safe_text(p.statement), st.text)
        ws.merge_range(r, 4, r, 5, safe_text(p.fix_sentence), st.text)
        ws.write_string(r, 6, p.code, st.code)
        _height(ws, r, [(p.statement, widths[2] + widths[3]),
                        (p.fix_sentence, widths[4] + widths[5])])
    if not issues:
        r = _none(ws, st, r, len(widths))
    return r


def write_areas_sheet(wb: Any, st: Any, cons: Consolidation, selection: Selection,
                      analysis: Analysis, layout: TableLayout, table: TableForm) -> None:
    """The sheet "Lĩnh vực ưu tiên" (see the module documentation)."""
    ws = wb.add_worksheet("Lĩnh vực ưu tiên")
    money_keys = [c.key for c in table.money_columns]
    total_key = next(c.key for c in table.columns if c.computed)
    unit = table.column(total_key).unit or ""
    widths = [46, 10, *[13] * len(money_keys), 10, 13, 10, 10]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    rules = analysis.rules
    r = _heading(ws, st, "NHIỆM VỤ ĐỀ XUẤT THEO LĨNH VỰC ƯU TIÊN",
                 f"{rules.title} (xếp theo từ khóa của tệp {rules.source}; kinh phí: {unit})",
                 widths)
    setup_print(ws)
    h1, h2 = r, r + 1
    ws.merge_range(h1, 0, h2, 0, "Lĩnh vực ưu tiên", st.header)
    ws.merge_range(h1, 1, h2, 1, "Số nhiệm vụ", st.header)
    m = 2 + len(money_keys)
    ws.merge_range(h1, 2, h1, m - 1, f"Kinh phí đề xuất ({unit})", st.header)
    for j, key in enumerate(money_keys, start=2):
        ws.write_string(h2, j, table.column(key).header, st.header)
    ws.merge_range(h1, m, h1, m + 1, DECISIONS["include"], st.header)
    ws.write_string(h2, m, "Số nhiệm vụ", st.header)
    ws.write_string(h2, m + 1, f"Tổng số ({unit})", st.header)
    ws.merge_range(h1, m + 2, h2, m + 2, DECISIONS["clarify"], st.header)
    ws.merge_range(h1, m + 3, h2, m + 3, DECISIONS["exclude"], st.header)
    ws.set_row(h1, 30)
    ws.set_row(h2, 30)
    ws.repeat_rows(h1, h2)

    labels = analysis.labels()
    figures = analysis.area_figures(selection, table)
    r = h2
    first = r + 1
    for label in labels:
        r += 1
        figure = figures[label]
        ws.write_string(r, 0, label, st.text)
        in_area = [(layout.area, f"$A{r + 1}")]
        formula, value = _counted(layout, in_area, figure["tasks"])
        ws.write_formula(r, 1, formula, st.count, value)
        for j, key in enumerate(money_keys, start=2):
            formula, value = _counted(layout, in_area, round(figure[key], 6),
                                      layout.money[key])
            ws.write_formula(r, j, formula, st.money, value)
        for j, code in ((m, "include"), (m + 2, "clarify"), (m + 3, "exclude")):
            formula, value = _counted(layout, [*in_area, (layout.decision,
                                                          _quoted(DECISIONS[code]))],
                                      figure[code])
            ws.write_formula(r, j, formula, st.count, value)
        formula, value = _counted(layout, [*in_area, (layout.decision,
                                                      _quoted(DECISIONS["include"]))],
                                  round(figure["include_total"], 6), layout.money[total_key])
        ws.write_formula(r, m + 1, formula, st.money, value)
        _height(ws, r, [(label, widths[0])])
    r += 1
    ws.write_string(r, 0, "Tổng cộng", st.total)
    for j in range(1, len(widths)):
        key = _column_key(j, m, money_keys)
        cached = sum(float(figures[label][key]) for label in labels)
        fmt = st.total_money if j in range(2, m) or j == m + 1 else st.total
        ws.write_formula(r, j, f"=SUM({_letter(j)}{first + 1}:{_letter(j)}{r})", fmt,
                         round(cached, 6))
    r += 2
    ws.write_string(r, 0, "Nội dung các lĩnh vực ưu tiên:", st.label)
    for area in rules.areas:
        r += 1
        text = f"({area.number}) {area.description or area.name}"
        ws.merge_range(r, 0, r, len(widths) - 1, text, st.text)
        _height(ws, r, [(text, sum(widths))])


def _column_key(j: int, m: int, money_keys: Sequence[str]) -> str:
    """The figure a column of the areas sheet totals."""
    if j == 1:
        return "tasks"
    if 2 <= j < m:
        return money_keys[j - 2]
    return {m: "include", m + 1: "include_total", m + 2: "clarify", m + 3: "exclude"}[j]


def _letter(j: int) -> str:
    from nscl.a1 import column_letter

    return column_letter(j)


def write_duplicates_sheet(wb: Any, st: Any, selection: Selection, analysis: Analysis,
                           table: TableForm) -> None:
    """The sheet "Trùng lặp" (see the module documentation)."""
    from sync.form_a import row_amounts

    ws = wb.add_worksheet("Trùng lặp")
    total_key = next(c.key for c in table.columns if c.computed)
    unit = table.column(total_key).unit or ""
    heads = ["Nhóm", "Độ giống", "Đơn vị", "Stt", "Tên nhiệm vụ", "Tổ chức chủ trì, phối hợp",
             f"Tổng số ({unit})", "Lĩnh vực ưu tiên", "Quyết định"]
    widths = [7, 9, 22, 6, 44, 30, 12, 22, 16]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    search = analysis.duplicates
    subtitle = (f"Tên nhiệm vụ được so không phân biệt chữ hoa, chữ thường, có dấu hay không"
                " dấu, bỏ các từ chung như «nhiệm vụ», «hỗ trợ», «doanh nghiệp»; giống từ "
                f"{THRESHOLD}% trở lên là gần trùng. Hai tên ghi số khác nhau (ISO 9001, ISO"
                " 14001; năm 2026, năm 2027), địa phương khác nhau, hay thay một từ bằng từ"
                " khác (du lịch, dược phẩm) là hai nhiệm vụ.")
    if not search.fuzzy:
        subtitle += (f" Có {format_number(len(analysis.tasks))} nhiệm vụ, quá nhiều để so gần"
                     " đúng: chỉ liệt kê các nhiệm vụ trùng tên.")
    r = _heading(ws, st, "NHIỆM VỤ TRÙNG HOẶC GẦN TRÙNG NHAU", subtitle, widths)
    setup_print(ws)
    groups = search.groups
    shown = groups[:MAX_DUPLICATE_GROUPS]
    ws.write_string(r, 0, f"Số nhóm: {len(groups)} ({search.tasks} nhiệm vụ)"
                    + (f"; liệt kê {len(shown)} nhóm giống nhất." if len(shown) < len(groups)
                       else "."), st.label)
    r += 1
    _head(ws, st, r, heads)
    ws.repeat_rows(r, r)
    ws.freeze_panes(r + 1, 0)
    for number, group in enumerate(shown, start=1):
        top = r + 1
        for member in group.members:
            r += 1
            sub, row, tid = analysis.tasks[member.index]
            name = str(row.values.get("task_name") or row.raw.get("task_name") or "")
            lead = str(row.values.get("lead_org") or "")
            seq = row.values.get("seq")
            decision = selection.decisions.get(tid)
            ws.write_string(r, 1, f"{member.score}%", st.center)
            ws.write_string(r, 2, sub.agency.name, st.text)
            if isinstance(seq, int | float) and not isinstance(seq, bool):
                ws.write_number(r, 3, seq, st.integer)
            else:
                ws.write_string(r, 3, safe_text(row.raw.get("seq") or ""), st.center)
            ws.write_string(r, 4, safe_text(name), st.text)
            ws.write_string(r, 5, safe_text(lead), st.text)
            ws.write_number(r, 6, row_amounts(table, row)[total_key], st.money)
            ws.write_string(r, 7, analysis.area_label(tid), st.text)
            ws.write_string(r, 8, decision.label if decision is not None else "", st.text)
            _height(ws, r, [(name, widths[4]), (lead, widths[5]),
                            (sub.agency.name, widths[2]),
                            (analysis.area_label(tid), widths[7])])
        if r > top:
            ws.merge_range(top, 0, r, 0, str(number), st.center)
        else:
            ws.write_string(top, 0, str(number), st.center)
    if not groups:
        ws.merge_range(r + 1, 0, r + 1, len(widths) - 1,
                       "(Không thấy nhiệm vụ trùng hoặc gần trùng)", st.text)
