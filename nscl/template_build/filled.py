"""An official template filled in, as an agency sends it back: a table form's rows
(:func:`write_filled_table`), or the annual report's narratives and indicator values
(:func:`write_filled_report`).

The demo's sample submissions, the test fixtures in the official layout and the
benchmarks' inboxes are all made here, on top of the template builder: the same header
block, headings, formulas, validation, protection and template identity as the file a
clerk downloads, with the rows typed into its input area. (Tables retyped by hand, in
layouts of the agency's own, are made where they are needed: they are deliberately not
the template.)

Text is stored as text, a task name starting with "=" included; computed columns
(Tổng số) keep the template's formula unless a row gives a value of its own for them,
as a clerk typing over the formula would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nscl.forms import TableForm, form_b, get_form
from nscl.template_build.build import AgencyLike, BuiltWorkbook, build_workbook_info

__all__ = ["write_filled_report", "write_filled_table"]


def write_filled_table(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    *,
    form_letter: str = "A",
    year: int | None = None,
    agency: AgencyLike | None = None,
    input_rows: int | None = None,
) -> BuiltWorkbook:
    """Build the template of table form ``form_letter`` at ``path`` and type ``rows``
    (values by column key; missing keys stay empty) into its input rows, from the first.

    The input area grows to hold every row (the template's 200 rows are a default, not a
    limit); ``input_rows`` sets it (a finished document, Form C as announced: no empty
    rows). Returns the built workbook and its layout.
    """
    import openpyxl

    form = get_form(form_letter)
    if not isinstance(form, TableForm):
        raise ValueError(f"form {form_letter} is not a table form")
    size = max(form.input_rows, len(rows)) if input_rows is None else max(input_rows,
                                                                          len(rows), 1)
    built = build_workbook_info(form_letter, year=year, agency=agency, out_path=path,
                                input_rows=size)
    layout = built.table
    assert layout is not None
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[layout.sheet]
    for i, values in enumerate(rows):
        row = layout.first_input_row + i + 1  # openpyxl counts from 1
        for key, value in values.items():
            if key not in layout.columns:
                raise KeyError(f"form {form_letter} has no column {key!r}")
            if value is None:
                continue
            cell = sheet.cell(row=row, column=layout.column_index(key) + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    workbook.save(path)
    return built


def write_filled_report(
    path: Path,
    *,
    narratives: Mapping[str, str],
    indicators: Mapping[str, tuple[Any, Any]],
    year: int | None = None,
    agency: AgencyLike | None = None,
) -> BuiltWorkbook:
    """Build the annual report's template (Form B) at ``path`` and type in the
    ``narratives`` (outline key -> text, in the box under each item of "Báo cáo") and
    the ``indicators`` (indicator key -> (year value, cumulative value), on "Chỉ tiêu";
    a value may be text, as a clerk types it, or None to leave the cell empty).

    A computed indicator (Tổng kinh phí) keeps the template's formula unless given.
    """
    import openpyxl

    form = form_b()
    built = build_workbook_info("B", year=year, agency=agency, out_path=path)
    report, table = built.report, built.indicators
    assert report is not None and table is not None
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[report.sheet]
    for key, text in narratives.items():
        if key not in report.narrative_rows:
            raise KeyError(f"form B has no narrative item {key!r}")
        cell = sheet.cell(row=report.narrative_rows[key] + 1, column=report.text_columns[0] + 1)
        cell.value = text
        cell.data_type = "s"
    sheet = workbook[table.sheet]
    for key, values in indicators.items():
        form.indicator(key)  # KeyError for a key the form does not have
        row = table.rows[key] + 1
        for column, value in zip((table.year_column, table.cumulative_column), values,
                                 strict=True):
            if value is None:
                continue
            cell = sheet.cell(row=row, column=column + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    workbook.save(path)
    return built
