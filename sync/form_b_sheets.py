"""The sheets of a report round's master (Form B), written with XlsxWriter.

* :func:`write_national_sheet` — "Chỉ tiêu": one row per indicator, grouped like the
  form (2.1-2.6 and the budget): the national figure of the year and the cumulative
  one, how many agencies reported it, last year's national figures and the change, the
  Decision 1322 target and the progress towards it. A4 landscape.
* :func:`write_agency_matrix` — "Theo đơn vị": agencies (ministries, then provinces) ×
  indicators, each a pair of columns (year, cumulative), the national row last; an
  agency whose file has errors is marked (its figures still count). Printed across
  pages with the agency column repeated.
* :func:`write_narratives_sheet` — "Nội dung": each outline item, its national figures
  in a sentence, then every agency's narrative, wrapped (long ones continued on further
  rows, within a row's printable height). A4 portrait.
* :func:`write_progress` — on "Tiến độ mục tiêu": the progress table and native charts
  (completion of the "total" targets; the national results of the years kept).

Agency text is always written as text, never as a formula.
"""

from __future__ import annotations

from typing import Any

from nscl.forms import Indicator, OutlineItem
from nscl.numbers import format_number
from sync.consolidate import ChartContext
from sync.model import STATUS_LABELS, Consolidation, Submission
from sync.round_figures import RoundFigures
from sync.styles import (
    FONT,
    MONEY_FORMAT,
    chars_per_line,
    height_for_lines,
    lines_needed,
    row_height,
    safe_text,
    setup_print,
)

__all__ = [
    "BY_AGENCY_SHEET",
    "NARRATIVES_SHEET",
    "indicator_sentence",
    "short_name",
    "write_agency_matrix",
    "write_narratives_sheet",
    "write_national_sheet",
    "write_progress",
]

BY_AGENCY_SHEET = "Theo đơn vị"
NARRATIVES_SHEET = "Nội dung"
_RATE_FORMAT = '#,##0.0##"%"'
_COUNT_FORMAT = "#,##0"
_SECTIONS = (("ministry", "I. CÁC BỘ, NGÀNH"), ("province", "II. CÁC ĐỊA PHƯƠNG"))
# Lines of wrapped text one row holds within Excel's 409-point limit, with a margin.
_LINES_PER_ROW = 26


class _Formats:
    """The extra formats of the round's sheets (one set per workbook)."""

    def __init__(self, workbook: Any) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}

        def fmt(**extra: Any) -> Any:
            return workbook.add_format({**base, **extra})

        border = {"border": 1}
        grey = {"bg_color": "#F2F2F2"}
        self.group = fmt(bold=True, text_wrap=True, **grey, **border)
        self.group_number = fmt(bold=True, align="center", **grey, **border)
        self.name = fmt(text_wrap=True, **border)
        self.center = fmt(align="center", text_wrap=True, **border)
        self.values = {
            "count": fmt(num_format=_COUNT_FORMAT, **border),
            "amount": fmt(num_format=MONEY_FORMAT, **border),
            "rate": fmt(num_format=_RATE_FORMAT, **border),
        }
        self.totals = {
            "count": fmt(bold=True, num_format=_COUNT_FORMAT, **grey, **border),
            "amount": fmt(bold=True, num_format=MONEY_FORMAT, **grey, **border),
            "rate": fmt(bold=True, num_format=_RATE_FORMAT, **grey, **border),
        }
        self.total_text = fmt(bold=True, text_wrap=True, **grey, **border)
        self.percent = fmt(num_format="0.0%", align="right", **border)
        self.growth = fmt(num_format='#,##0.0"%"', **border)
        self.change = fmt(num_format="+0.0%;-0.0%;0%", align="right", **border)
        self.note = fmt(italic=True, text_wrap=True, **border)
        self.plain_note = fmt(italic=True, text_wrap=True)
        self.header = fmt(bold=True, align="center", valign="vcenter", text_wrap=True,
                          bg_color="#D9D9D9", **border)
        self.section = fmt(bold=True, font_size=12, **border)
        self.invalid_name = fmt(text_wrap=True, bg_color="#FFC7CE", font_color="#9C0006",
                                **border)
        self.outline = {
            1: fmt(bold=True, font_size=12, text_wrap=True, bg_color="#DDEBF7", **border),
            2: fmt(bold=True, text_wrap=True, bg_color="#EEF4FB", **border),
            3: fmt(bold=True, italic=True, text_wrap=True, **border),
        }
        self.outline_number = {
            1: fmt(bold=True, font_size=12, align="center", bg_color="#DDEBF7", **border),
            2: fmt(bold=True, align="center", bg_color="#EEF4FB", **border),
            3: fmt(bold=True, italic=True, align="center", **border),
        }
        self.agency = fmt(bold=True, text_wrap=True, **border)
        self.narrative = fmt(text_wrap=True, **border)


_FORMATS: dict[int, tuple[Any, _Formats]] = {}


def _formats(workbook: Any) -> _Formats:
    cached = _FORMATS.get(id(workbook))
    if cached is None or cached[0] is not workbook:
        _FORMATS.clear()  # one master at a time
        cached = (workbook, _Formats(workbook))
        _FORMATS[id(workbook)] = cached
    return cached[1]


def _updated(consolidation: Consolidation) -> str:
    return consolidation.generated_at.strftime("%H:%M ngày %d/%m/%Y")


def _counted(consolidation: Consolidation) -> str:
    subs = consolidation.submissions
    ministries = sum(1 for s in subs if s.agency.kind == "ministry")
    return f"{ministries} bộ, ngành và {len(subs) - ministries} địa phương"


def _write_value(ws: Any, r: int, c: int, value: float | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, value, fmt)


def _year_label(year: int | None, offset: int = 0) -> str:
    return f"năm {year - offset}" if year is not None else "năm báo cáo"


# -- "Chỉ tiêu" -------------------------------------------------------------------------

def write_national_sheet(workbook: Any, styles: Any, name: str, consolidation: Consolidation,
                         figures: RoundFigures) -> None:
    """The national figures of every indicator (see the module docstring)."""
    f = _formats(workbook)
    form, year = figures.form, figures.year
    now, before = _year_label(year).capitalize(), _year_label(year, 1).capitalize()
    heads = [
        ("STT", 6), ("Chỉ tiêu", 44), ("Đơn vị tính", 10), (now, 11),
        (f"Lũy kế đến hết {now.lower()}", 13), ("Số đơn vị báo cáo", 9), (before, 11),
        (f"Lũy kế đến hết {before.lower()}", 13), (f"Tăng, giảm so với {before.lower()}", 10),
        ("Mục tiêu theo Quyết định 1322/QĐ-TTg", 24), ("Tiến độ so với mục tiêu", 11),
        ("Ghi chú", 30),
    ]
    ws = workbook.add_worksheet(name)
    for i, (_, width) in enumerate(heads):
        ws.set_column(i, i, width)
    last = len(heads) - 1
    title = (f"TỔNG HỢP SỐ LIỆU KẾT QUẢ THỰC HIỆN {now.upper()} VÀ LŨY KẾ TỪ ĐẦU CHƯƠNG "
             f"TRÌNH ĐẾN HẾT {now.upper()} CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG")
    ws.set_row(0, 36)
    ws.merge_range(0, 0, 0, last, title, styles.title)
    ws.merge_range(1, 0, 1, last, f"(Từ báo cáo của {_counted(consolidation)}; cập nhật lúc "
                                  f"{_updated(consolidation)})", styles.subtitle)
    hr = 3
    for i, (head, _) in enumerate(heads):
        ws.write_string(hr, i, head, f.header)
        ws.write_string(hr + 1, i, f"({i + 1})", styles.header_number)
    ws.set_row(hr, 48)
    setup_print(ws, repeat=(hr, hr + 1))
    ws.freeze_panes(hr + 2, 2)
    r = hr + 2
    for group in form.groups:
        ws.write_string(r, 0, group.number, f.group_number)
        ws.merge_range(r, 1, r, last, group.title, f.group)
        r += 1
        for ind in group.indicators:
            national = figures.national[ind.key]
            previous = figures.previous.get(ind.key)
            ws.write_string(r, 0, ind.number, f.center)
            ws.write_string(r, 1, ind.name, f.name)
            ws.write_string(r, 2, ind.unit, f.center)
            value_fmt = f.values[ind.kind]
            notes: list[str] = []
            if ind.summable:
                _write_value(ws, r, 3, national.year, value_fmt)
                _write_value(ws, r, 4, national.cumulative, value_fmt)
                _write_value(ws, r, 6, previous.year if previous else None, value_fmt)
                _write_value(ws, r, 7, previous.cumulative if previous else None, value_fmt)
                _write_value(ws, r, 8, figures.change.get(ind.key), f.change)
            else:
                for c in (3, 4, 6, 7, 8):
                    ws.write_blank(r, c, None, value_fmt)
                shown = national.range_text(ind.unit)
                progress_note = ind.key in figures.progress
                notes.append("Tỷ lệ, không cộng" + (
                    f": các đơn vị báo cáo {shown}." if shown and not progress_note else "."))
            ws.write_number(r, 5, national.agencies, f.values["count"])
            ws.write_string(r, 9, ind.target, f.name)
            progress = figures.progress.get(ind.key)
            if progress is not None and progress.target.kind == "total" and \
                    progress.ratio is not None:
                ws.write_number(r, 10, progress.ratio, f.percent)
            elif progress is not None and progress.target.kind == "growth" and \
                    progress.achieved is not None:
                reached = progress.achieved >= progress.target.value
                ws.write_string(r, 10, "Đạt" if reached else "Chưa đạt", f.center)
            else:
                ws.write_blank(r, 10, None, f.center)
            if progress is not None:
                notes.append(progress.note)
            note = " ".join(notes)
            ws.write_string(r, 11, note, f.note)
            height = row_height([(ind.name, heads[1][1]), (ind.target, heads[9][1]),
                                 (note, heads[11][1])])
            if height is not None:
                ws.set_row(r, height)
            r += 1
    r += 1
    notes = [
        "Ghi chú: số liệu cả nước là tổng số liệu của các đơn vị đã gửi báo cáo (kể cả báo "
        "cáo còn lỗi, xem sheet \"Lỗi kiểm tra\"); tỷ lệ không được cộng.",
    ]
    if year is not None:
        notes.append(
            f"Số liệu năm {year - 1}: từ báo cáo năm {year - 1} đã tổng hợp trong cùng thư mục"
            " trạng thái." if figures.has_previous else
            f"Chưa có số liệu năm {year - 1} trong thư mục trạng thái (chạy tổng hợp báo cáo "
            f"năm {year - 1} vào cùng thư mục để có số liệu so sánh).")
    for text in notes:
        ws.merge_range(r, 0, r, last, text, f.plain_note)
        ws.set_row(r, 30)
        r += 1
    ws.print_area(0, 0, r - 1, last)


# -- "Theo đơn vị" ----------------------------------------------------------------------

def write_agency_matrix(workbook: Any, styles: Any, consolidation: Consolidation,
                        figures: RoundFigures, note: str) -> ChartContext:
    """Agencies × indicators (see the module docstring)."""
    f = _formats(workbook)
    indicators = figures.form.indicators
    ws = workbook.add_worksheet(BY_AGENCY_SHEET)
    fixed = [("Stt", 5), ("Đơn vị", 26), ("Tình trạng", 10), ("Số lỗi", 6), ("Số cảnh báo", 8)]
    first_value = len(fixed)
    last = first_value + 2 * len(indicators) - 1
    for i, (_, width) in enumerate(fixed):
        ws.set_column(i, i, width)
    ws.set_column(first_value, last, 10)
    ws.merge_range(0, 0, 0, 12, "SỐ LIỆU CHỈ TIÊU THEO TỪNG BỘ, NGÀNH, ĐỊA PHƯƠNG", styles.title)
    ws.merge_range(1, 0, 1, 12, note, styles.subtitle)
    # Above the table: the agency columns are repeated on every printed page, a note
    # under the table would be cut there.
    ws.write_string(2, 0, "Ghi chú: đơn vị tô đỏ là đơn vị có tệp còn lỗi (xem sheet \"Lỗi "
                          "kiểm tra\"); số liệu của đơn vị vẫn được cộng vào số liệu cả nước. "
                          "Tỷ lệ không được cộng.", styles.note)
    h1, h2 = 3, 4
    for i, (head, _) in enumerate(fixed):
        ws.merge_range(h1, i, h2, i, head, f.header)
    year_head = _year_label(figures.year).capitalize()
    for n, ind in enumerate(indicators):
        c = first_value + 2 * n
        ws.merge_range(h1, c, h1, c + 1, f"{ind.number}. {ind.name} ({ind.unit})", f.header)
        ws.write_string(h2, c, year_head, f.header)
        ws.write_string(h2, c + 1, "Lũy kế", f.header)
    ws.set_row(h1, max(row_height([(f"{i.number}. {i.name} ({i.unit})", 20.0)
                                   for i in indicators]) or 30.0, 30.0))
    ws.set_row(h2, 30)
    setup_print(ws, repeat=(h1, h2))
    ws.repeat_columns(0, 1)
    ws.set_print_scale(70)  # across pages: one page wide would be unreadable
    ws.freeze_panes(h2 + 1, 2)
    r = h2 + 1
    first = r
    by_kind: dict[str, list[Submission]] = {}
    for sub in consolidation.submissions:
        by_kind.setdefault(sub.agency.kind, []).append(sub)
    number = 0
    for kind, label in _SECTIONS:
        subs = by_kind.get(kind, [])
        if not subs:
            continue
        ws.merge_range(r, 0, r, first_value - 1, label, f.section)
        for c in range(first_value, last + 1):
            ws.write_blank(r, c, None, f.section)
        r += 1
        for sub in subs:
            number += 1
            invalid = sub.status == "invalid"
            ws.write_number(r, 0, number, styles.integer)
            ws.write_string(r, 1, sub.agency.name, f.invalid_name if invalid else f.name)
            ws.write_string(r, 2, STATUS_LABELS[sub.status], styles.status[sub.status])
            ws.write_number(r, 3, len(sub.report.errors), styles.count)
            ws.write_number(r, 4, len(sub.report.warnings), styles.count)
            for n, ind in enumerate(indicators):
                c = first_value + 2 * n
                for k, period in enumerate(("year", "cumulative")):
                    _write_value(ws, r, c + k, figures.agency_value(sub.agency.code, ind.key,
                                                                    period),
                                 f.values[ind.kind])
            height = row_height([(sub.agency.name, fixed[1][1])])
            if height is not None:
                ws.set_row(r, height)
            r += 1
    last_agency = r - 1
    ws.merge_range(r, 0, r, first_value - 1, f"CẢ NƯỚC ({number} đơn vị)", f.total_text)
    for n, ind in enumerate(indicators):
        c = first_value + 2 * n
        national = figures.national[ind.key]
        if ind.summable:
            _write_value(ws, r, c, national.year, f.totals[ind.kind])
            _write_value(ws, r, c + 1, national.cumulative, f.totals[ind.kind])
        else:
            ws.merge_range(r, c, r, c + 1, "Không cộng", f.total_text)
    if last_agency >= first:
        ws.autofilter(h2, 0, last_agency, last)
    return ChartContext(BY_AGENCY_SHEET, first, last_agency, 1,
                        {ind.key: first_value + 2 * n for n, ind in enumerate(indicators)})


def short_name(ind: Indicator, limit: int = 48) -> str:
    """An indicator's name for a narrow header or a chart's legend: without its opening
    "Số" ("Doanh nghiệp được hỗ trợ …"), cut at a word within ``limit`` characters."""
    name = ind.name
    for lead in ("Số lượt ", "Số "):
        if name.startswith(lead):
            name = name[len(lead):]
            name = name[:1].upper() + name[1:]
            break
    if len(name) <= limit:
        return name
    return name[:limit].rsplit(" ", 1)[0].rstrip(",;") + " …"


# -- "Nội dung" -------------------------------------------------------------------------

def indicator_sentence(ind: Indicator, figures: RoundFigures) -> str:
    """The national figures of one indicator in words: "hỗ trợ 1.640 doanh nghiệp …
    (lũy kế từ năm 2021: 6.430 doanh nghiệp)"; "" when nobody reported it."""
    national = figures.national[ind.key]
    start = figures.form.program_start_year
    if not ind.summable:
        shown = national.range_text(ind.unit)
        if not shown:
            return ""
        phrase = ind.phrase or f"{ind.name[:1].lower()}{ind.name[1:]} đạt {{value}}"
        return phrase.replace("{value}", shown) + f" (theo báo cáo của {national.agencies} đơn vị)"
    if national.year is None and national.cumulative is None:
        return ""
    value = format_number(national.year) if national.year is not None else "…"
    if ind.phrase:
        text = ind.phrase.replace("{value}", value)
    else:
        text = f"{ind.name[:1].lower()}{ind.name[1:]}: {value} {ind.unit}"
    if national.cumulative is not None:
        text += f" (lũy kế từ năm {start}: {format_number(national.cumulative)} {ind.unit})"
    return text


def _group_sentence(item: OutlineItem, figures: RoundFigures) -> str:
    group = next((g for g in figures.form.groups if g.number == item.group), None)
    if group is None:
        return ""
    parts = [s for s in (indicator_sentence(ind, figures) for ind in group.indicators) if s]
    if not parts:
        return ""
    return "Số liệu cả nước " + _year_label(figures.year) + ": " + "; ".join(parts) + "."


def _chunks(text: str, per_line: int) -> list[str]:
    """``text`` cut at line breaks into pieces that each fit a row's height."""
    pieces: list[str] = []
    current: list[str] = []
    lines = 0
    for paragraph in text.split("\n"):
        need = lines_needed(paragraph, per_line)
        while need > _LINES_PER_ROW:  # one paragraph longer than a row: cut it
            cut = per_line * _LINES_PER_ROW
            if current:
                pieces.append("\n".join(current))
                current, lines = [], 0
            head, paragraph = paragraph[:cut], paragraph[cut:]
            pieces.append(head)
            need = lines_needed(paragraph, per_line)
        if current and lines + need > _LINES_PER_ROW:
            pieces.append("\n".join(current))
            current, lines = [], 0
        current.append(paragraph)
        lines += need
    if current:
        pieces.append("\n".join(current))
    return pieces or [""]


def write_narratives_sheet(workbook: Any, styles: Any, consolidation: Consolidation,
                           figures: RoundFigures) -> None:
    """Each outline item with every agency's narrative (see the module docstring)."""
    f = _formats(workbook)
    form, year = figures.form, figures.year
    widths = (6, 20, 72)
    ws = workbook.add_worksheet(NARRATIVES_SHEET)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    title = (f"NỘI DUNG BÁO CÁO KẾT QUẢ THỰC HIỆN {_year_label(year).upper()} CỦA CÁC BỘ, "
             "NGÀNH, ĐỊA PHƯƠNG")
    ws.set_row(0, 36)
    ws.merge_range(0, 0, 0, 2, title, styles.title)
    ws.merge_range(1, 0, 1, 2, f"(Theo đề cương báo cáo; từ báo cáo của "
                               f"{_counted(consolidation)})", styles.subtitle)
    hr = 3
    for i, head in enumerate(("Mục", "Đơn vị", "Nội dung báo cáo")):
        ws.write_string(hr, i, head, f.header)
    setup_print(ws, repeat=(hr, hr), landscape=False)
    ws.freeze_panes(hr + 1, 0)
    per_line = chars_per_line(widths[2])
    r = hr + 1
    for item in form.outline:
        level = min(item.level, 3)
        heading = item.title_for(year) if year else item.title
        ws.write_string(r, 0, item.number, f.outline_number[level])
        ws.merge_range(r, 1, r, 2, heading, f.outline[level])
        height = row_height([(heading, widths[1] + widths[2])])
        if height is not None:
            ws.set_row(r, height)
        r += 1
        if item.group:
            sentence = _group_sentence(item, figures)
            if sentence:
                ws.write_blank(r, 0, None, f.note)
                ws.merge_range(r, 1, r, 2, sentence, f.note)
                ws.set_row(r, height_for_lines(lines_needed(sentence, chars_per_line(
                    widths[1] + widths[2]))))
                r += 1
        if not item.narrative or not item.key:
            continue
        written = 0
        for sub in consolidation.submissions:
            text = sub.report.narratives.get(item.key, "").strip()
            if not text:
                continue
            written += 1
            for n, piece in enumerate(_chunks(safe_text(text), per_line)):
                ws.write_blank(r, 0, None, f.narrative)
                ws.write_string(r, 1, sub.agency.name if n == 0 else f"{sub.agency.name} "
                                "(tiếp)", f.agency)
                ws.write_string(r, 2, piece, f.narrative)
                lines = max(lines_needed(piece, per_line),
                            lines_needed(sub.agency.name, chars_per_line(widths[1])))
                ws.set_row(r, height_for_lines(lines))
                r += 1
        if not written:
            ws.write_blank(r, 0, None, f.narrative)
            ws.merge_range(r, 1, r, 2, "(Chưa đơn vị nào báo cáo nội dung mục này)", f.note)
            r += 1
    ws.print_area(0, 0, r - 1, 2)


# -- "Tiến độ mục tiêu" -----------------------------------------------------------------

def write_progress(workbook: Any, ws: Any, figures: RoundFigures, row: int) -> int:
    """The progress table and charts from ``row`` of the chart sheet; the next free row."""
    f = _formats(workbook)
    form, year = figures.form, figures.year
    widths = (42, 26, 11, 11, 11, 12, 44)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.set_column(len(widths), 12, 1)  # under the sheet's title only
    heads = ("Chỉ tiêu", "Mục tiêu theo Quyết định 1322/QĐ-TTg", "Giai đoạn", "Mục tiêu",
             "Đã đạt", "Tỷ lệ hoàn thành", "Ghi chú")
    ws.write_string(row, 0, f"1. Tiến độ so với mục tiêu ({_year_label(year)})", f.group)
    row += 1
    header = row
    for i, head in enumerate(heads):
        ws.write_string(row, i, head, f.header)
    ws.set_row(row, 30)
    first = row + 1
    totals: list[int] = []
    # The "total" targets measured first: they are the chart's bars, in one range.
    items = sorted(((ind, figures.progress[ind.key]) for ind in form.indicators
                    if ind.key in figures.progress),
                   key=lambda item: (item[1].target.kind != "total", item[1].ratio is None))
    for ind, progress in items:
        row += 1
        target = progress.target
        ws.write_string(row, 0, f"{ind.number}. {ind.name}", f.name)
        ws.write_string(row, 1, target.label or ind.target, f.name)
        ws.write_string(row, 2, f"{target.first}-{target.last}", f.center)
        unit_fmt = f.growth if target.kind == "growth" else \
            f.values["rate" if target.kind == "level" else ind.kind]
        ws.write_number(row, 3, target.value, unit_fmt)
        _write_value(ws, row, 4, progress.achieved, unit_fmt)
        if target.kind == "total" and progress.ratio is not None:
            ws.write_number(row, 5, progress.ratio, f.percent)
            totals.append(row)
        else:
            ws.write_blank(row, 5, None, f.percent)
        ws.write_string(row, 6, progress.note, f.note)
        height = row_height([(f"{ind.number}. {ind.name}", widths[0]), (progress.note, widths[6]),
                             (target.label, widths[1])])
        if height is not None:
            ws.set_row(row, height)
    if row == header:
        row += 1
        ws.merge_range(row, 0, row, 6, "(Không có chỉ tiêu có mục tiêu bằng số cho năm này)",
                       f.note)
    row += 2
    if totals:
        chart = workbook.add_chart({"type": "bar"})
        sheet = ws.get_name()
        chart.add_series({
            "name": "Tỷ lệ hoàn thành",
            "categories": [sheet, first, 0, totals[-1], 0],
            "values": [sheet, first, 5, totals[-1], 5],
            "fill": {"color": "#2E75B6"},
            "data_labels": {"value": True, "num_format": "0%",
                            "font": {"name": FONT}},
        })
        _style_chart(chart, "Tỷ lệ hoàn thành mục tiêu (giai đoạn chứa năm báo cáo)")
        chart.set_x_axis({"num_font": {"name": FONT}, "num_format": "0%", "min": 0})
        chart.set_y_axis({"num_font": {"name": FONT}, "reverse": True})
        chart.set_legend({"none": True})
        height = max(240, 40 * len(totals) + 120)
        chart.set_size({"width": 900, "height": height})
        ws.insert_chart(row, 0, chart)
        row += height // 20 + 2
    # National results of the years kept, for the indicators with a numeric target.
    shown = [ind for ind in form.indicators if ind.summable and ind.targets and any(
        values.get(ind.key) is not None for values in figures.series.values())]
    years = [y for y, values in figures.series.items()
             if any(values.get(ind.key) is not None for ind in shown)]
    if shown and years:
        ws.write_string(row, 0, "2. Kết quả cả nước theo năm (số liệu đã tổng hợp)", f.group)
        row += 1
        ws.write_string(row, 0, "Năm", f.header)
        for k, ind in enumerate(shown, start=1):
            ws.write_string(row, k, f"{short_name(ind)} ({ind.unit})", f.header)
        ws.set_row(row, 60)
        top = row
        for y in years:
            row += 1
            ws.write_string(row, 0, str(y), f.center)
            for k, ind in enumerate(shown, start=1):
                _write_value(ws, row, k, figures.series[y].get(ind.key), f.values[ind.kind])
        chart = workbook.add_chart({"type": "column"})
        sheet = ws.get_name()
        colours = ("#1F4E79", "#F4B183", "#A9D18E", "#8FAADC", "#FFD966")
        for k, (_, colour) in enumerate(zip(shown, colours, strict=False), start=1):
            chart.add_series({
                "name": [sheet, top, k],
                "categories": [sheet, top + 1, 0, row, 0],
                "values": [sheet, top + 1, k, row, k],
                "fill": {"color": colour},
            })
        _style_chart(chart, "Kết quả cả nước theo năm")
        chart.set_y_axis({"num_font": {"name": FONT}, "num_format": "#,##0"})
        chart.set_legend({"position": "bottom", "font": {"name": FONT}})
        chart.set_size({"width": 900, "height": 340})
        row += 2
        ws.insert_chart(row, 0, chart)
        row += 340 // 20 + 2
    return row


def _style_chart(chart: Any, title: str) -> None:
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12}})
    chart.set_x_axis({"num_font": {"name": FONT}})
