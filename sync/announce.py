"""``nscl announce``: Form C, the appendix announcing the selection (seed 000), from the
tasks the staff marked "Đưa vào danh mục" in the master.

The master's "Tổng hợp" sheet is read as it is now (a decision typed since the last
run counts): every task row whose "Quyết định" is "Đưa vào danh mục" becomes a row of
Form C, numbered 1, 2, 3 … in the master's order (ministries first, then provinces,
each agency's tasks in its priority order), as the seed's appendix is one numbered
list: tt | Tên nhiệm vụ | Tổ chức chủ trì/ Chủ nhiệm nhiệm vụ (the proposal's lead
organisation: the principal investigator is named by the selection council, to be
added) | Tóm tắt mục tiêu | Dự kiến kết quả, sản phẩm chính | Thời gian thực hiện | Ghi
chú (empty).

Two files are written into the output folder:

* ``mau-C-ket-qua-tuyen-chon-<year>.xlsx``: the official Form C template
  (:func:`nscl.template_build.filled.write_filled_table`) with the rows typed in, the
  rows as tall as their text;
* ``phu-luc-ket-qua-tuyen-chon-<year>.docx``: the appendix as the Ministry issues it,
  formatted per Nghị định 30/2020/NĐ-CP: A4 landscape, margins top and bottom 20 mm,
  left 30 mm, right 15 mm, Times New Roman; "Phụ lục", the title with the year, the
  issuing text "(Kèm theo Thông báo số … của Ủy ban Tiêu chuẩn Đo lường Chất lượng Quốc
  gia)", the table with its header row and column numbers repeated on every page, page
  numbers at the top from the second page.

No task marked "Đưa vào danh mục": nothing is written (:class:`NothingToAnnounce`). A
decision whose task changed since it was made is announced, with a warning.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.forms import TableForm, form_a, form_c
from nscl.text import nfc

__all__ = [
    "AnnounceError",
    "AnnouncedTask",
    "Announcement",
    "NothingToAnnounce",
    "docx_name",
    "read_announcement",
    "write_announcement",
    "xlsx_name",
]

_SHEET = "Tổng hợp"
_TITLE_YEAR = re.compile(r"TỪ NĂM (\d{4})")


class AnnounceError(ValueError):
    """The master cannot be read for Form C (Vietnamese message naming the file)."""


class NothingToAnnounce(AnnounceError):
    """No task of the master is marked "Đưa vào danh mục"."""


@dataclass(frozen=True)
class AnnouncedTask:
    """A task put on the list, as Form C shows it."""

    task_name: str
    lead: str
    objectives: str
    results: str
    duration: int | str | None
    agency: str
    notes: str = ""
    changed: str = ""  # the flag of a decision made before the task changed

    def form_c_row(self, seq: int) -> dict[str, Any]:
        """The row of Form C (values by column key)."""
        return {"seq": seq, "task_name": self.task_name, "lead_org_pi": self.lead or None,
                "objectives": self.objectives or None,
                "expected_results": self.results or None,
                "duration_months": self.duration, "notes": self.notes or None}


@dataclass
class Announcement:
    """What the master gives Form C."""

    master: Path
    year: int | None
    tasks: list[AnnouncedTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def xlsx_name(year: int | None) -> str:
    """The Form C workbook's file name."""
    return f"mau-C-ket-qua-tuyen-chon-{year}.xlsx" if year else "mau-C-ket-qua-tuyen-chon.xlsx"


def docx_name(year: int | None) -> str:
    """The appendix's file name."""
    return f"phu-luc-ket-qua-tuyen-chon-{year}.docx" if year else \
        "phu-luc-ket-qua-tuyen-chon.docx"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _master_year(path: Path, grid: list[list[Any]]) -> int | None:
    """The round's year: the master's own property, else its title."""
    try:
        from defusedxml import ElementTree

        with zipfile.ZipFile(path) as zf:
            root = ElementTree.fromstring(zf.read("docProps/custom.xml"))
        for prop in root:
            if prop.get("name") == "nscl_master_year":
                for value in prop:
                    text = (value.text or "").strip()
                    if text.isdigit():
                        return int(text)
    except Exception:  # no custom properties: the title says it
        pass
    for row in grid[:12]:
        for cell in row:
            if isinstance(cell, str) and (found := _TITLE_YEAR.search(cell)):
                return int(found.group(1))
    return None


def read_announcement(master: Path) -> Announcement:
    """The tasks of ``master`` marked "Đưa vào danh mục", in the master's order.
    :class:`AnnounceError` when the file is not a master nscl wrote (with decisions)."""
    from python_calamine import CalamineWorkbook

    from nscl.reading import describe_error
    from sync.selection import (
        DECISION_HEADER,
        KEY_HEADER,
        TRACE_HEADER,
        decision_code,
    )

    if not master.is_file():
        raise AnnounceError(f"Không tìm thấy bảng tổng hợp «{master}».")
    try:
        book = CalamineWorkbook.from_path(str(master))
        if _SHEET not in book.sheet_names:
            raise AnnounceError(f"Tệp «{master}» không có sheet «{_SHEET}»: không phải bảng "
                                "tổng hợp đề xuất nhiệm vụ (Mẫu A) do nscl sync ghi.")
        grid = book.get_sheet_by_name(_SHEET).to_python(skip_empty_area=False)
    except AnnounceError:
        raise
    except Exception as exc:  # calamine: ZipError, XmlError …
        detail = describe_error(exc) if isinstance(exc, OSError) else \
            f"{type(exc).__name__}: {exc}"
        raise AnnounceError(f"Không đọc được bảng tổng hợp «{master}» ({detail}).") from exc
    header = next((r for r, cells in enumerate(grid[:40]) if KEY_HEADER in cells), None)
    if header is None or DECISION_HEADER not in grid[header]:
        raise AnnounceError(f"Bảng tổng hợp «{master}» không có cột «{DECISION_HEADER}»: hãy"
                            " chạy nscl sync (phiên bản này) để ghi lại bảng tổng hợp, ghi"
                            " quyết định rồi chạy lại.")
    heads = grid[header]
    key_col, decision_col = heads.index(KEY_HEADER), heads.index(DECISION_HEADER)
    trace_col = heads.index(TRACE_HEADER) if TRACE_HEADER in heads else None
    agency_col = heads.index("Đơn vị đề xuất") if "Đơn vị đề xuất" in heads else None
    table = form_a()
    position = {c.key: i for i, c in enumerate(table.columns)}
    announcement = Announcement(master, _master_year(master, grid))
    for r in range(header + 1, len(grid)):
        cells = [*grid[r], *[None] * len(heads)]
        if not _text(cells[key_col]):
            continue
        try:
            code = decision_code(cells[decision_col])
        except ValueError as exc:
            from nscl.a1 import a1

            announcement.warnings.append(
                f"Ô {_SHEET}!{a1(r, decision_col)} ghi «{exc}», không phải một quyết định:"
                " nhiệm vụ không được đưa vào Mẫu C.")
            continue
        if code != "include":
            continue
        duration = cells[position["duration_months"]]
        if isinstance(duration, float) and duration.is_integer():
            duration = int(duration)
        task = AnnouncedTask(
            task_name=_text(cells[position["task_name"]]),
            lead=_text(cells[position["lead_org"]]),
            objectives=_text(cells[position["objectives"]]),
            results=_text(cells[position["expected_results"]]),
            duration=duration if isinstance(duration, int) else (_text(duration) or None),
            agency=_text(cells[agency_col]) if agency_col is not None else "",
            changed=_text(cells[trace_col]) if trace_col is not None
            and "Nội dung đã thay đổi" in _text(cells[trace_col]) else "",
        )
        if task.changed:
            announcement.warnings.append(
                f"Nhiệm vụ «{task.task_name.splitlines()[0]}» ({task.agency}): nội dung đã thay"
                " đổi sau khi quyết định; xem lại trước khi công bố.")
        announcement.tasks.append(task)
    return announcement


def write_announcement(announcement: Announcement, out_dir: Path, *,
                       year: int | None = None) -> dict[str, Path]:
    """Write Form C (.xlsx) and the appendix (.docx) into ``out_dir``; their paths by
    kind ("xlsx", "docx"). :class:`NothingToAnnounce` when no task is marked (nothing
    is written)."""
    if not announcement.tasks:
        raise NothingToAnnounce(
            f"Bảng tổng hợp «{announcement.master}» chưa có nhiệm vụ nào được chọn «Đưa vào"
            " danh mục» ở cột Quyết định: không ghi Mẫu C.")
    year = year or announcement.year
    if year is None:
        raise AnnounceError(f"Không xác định được năm của bảng tổng hợp "
                            f"«{announcement.master}»: ghi rõ --year.")
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = _atomic(out_dir / xlsx_name(year), lambda tmp: _write_xlsx(tmp, announcement,
                                                                       year))
    docx = _atomic(out_dir / docx_name(year), lambda tmp: _write_docx(tmp, announcement,
                                                                       year))
    return {"xlsx": xlsx, "docx": docx}


def _atomic(path: Path, write: Any) -> Path:
    """Write through a temporary file renamed over ``path``."""
    tmp = path.with_name(f".nscl-tmp-{os.getpid()}-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# -- Form C as a workbook ---------------------------------------------------------------


def _write_xlsx(path: Path, announcement: Announcement, year: int) -> None:
    """The Form C template with the tasks typed in, each row as tall as its text."""
    import openpyxl

    from nscl.marking.print_setup import wrapped_lines
    from nscl.template_build.filled import write_filled_table

    rows = [task.form_c_row(n) for n, task in enumerate(announcement.tasks, start=1)]
    built = write_filled_table(path, rows, form_letter="C", year=year,
                               input_rows=len(rows))
    layout = built.table
    assert layout is not None
    form = form_c()
    workbook = openpyxl.load_workbook(path)
    ws = workbook[layout.sheet]
    for i, values in enumerate(rows):
        lines = max((wrapped_lines(str(values.get(c.key) or ""), c.width * 0.92)
                     for c in form.columns if c.type == "text"), default=1)
        if lines > 1:
            ws.row_dimensions[layout.first_input_row + i + 1].height = lines * 15.5 + 4
    workbook.save(path)


# -- Form C as the appendix of the announcement (.docx) ---------------------------------

_TABLE_PT = 12
_CELL_STYLE = "NSCL bảng phụ lục"
# Column widths (cm) of the landscape page's 25.2 cm of text width (297 - 30 - 15 mm).
_WIDTHS = (1.0, 4.5, 3.9, 4.3, 7.3, 2.4, 1.8)


def _write_docx(path: Path, announcement: Announcement, year: int) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from sync.docx_parts import Cell, append_table, east_asian_font, page_field

    form: TableForm = form_c()
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    east_asian_font(normal)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    cell_style = document.styles.add_style(_CELL_STYLE, 1)
    cell_style.base_style = normal
    cell_style.font.size = Pt(_TABLE_PT)
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.styles["Table Grid"].font.name = "Times New Roman"
    # Page numbers: centred at the top, from the second page (Nghị định 30/2020).
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(section.header.part.element, size_half_points=26)

    def para(text: str, *, bold: bool = False, italic: bool = False, size: float = 13,
             after: float = 0) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(after)
        paragraph.paragraph_format.keep_with_next = True
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)

    para(form.appendix_label or "Phụ lục", bold=True, size=13)
    para(form.title_for(year), bold=True, size=13)
    para(form.subtitle_for(year), italic=True, size=13, after=12)
    heads = [Cell(c.header, bold=True, align="center") for c in form.columns]
    numbers = [Cell(f"({i})", align="center") for i in range(1, len(form.columns) + 1)]
    rows = [heads, numbers]
    for n, task in enumerate(announcement.tasks, start=1):
        duration = f"{task.duration} tháng" if isinstance(task.duration, int) \
            else (task.duration or "")
        rows.append([Cell(str(n), align="center"), Cell(task.task_name), Cell(task.lead),
                     Cell(task.objectives), Cell(task.results), Cell(duration, align="center"),
                     Cell(task.notes)])
    append_table(document, list(_WIDTHS), rows, header_rows=2,
                 paragraph_style=cell_style.style_id)
    document.core_properties.title = f"Phụ lục công bố kết quả tuyển chọn, bắt đầu thực hiện " \
                                     f"từ năm {year}"
    document.core_properties.author = "nscl announce"
    document.save(str(path))
