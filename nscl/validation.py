"""Validate the workbooks agencies send: ``validate_path``, one file at a time.

For each file: open it safely (:mod:`nscl.reading`), find the Form A table (or Form B
report, or Form C appendix) by its headers on any sheet (:mod:`nscl.locate`), identify
the agency (template metadata, then the header block, then the file name), read and
check every row (:mod:`nscl.table_checks`, :mod:`nscl.checks_report`), and compute the
budget. The result is a :class:`~nscl.report.FileReport`; nothing here raises on user
data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import nscl.rules  # noqa: F401  (registers the rule catalogue)
from nscl.a1 import a1, column_letter
from nscl.checks_report import check_indicators, read_narratives
from nscl.forms import ReportForm, TableForm, form_a, form_b, form_c, sum_of
from nscl.gc_pause import gc_paused
from nscl.identity import (
    IDENTITY_SHEET,
    TemplateIdentity,
    identity_from_rows,
    read_identity_properties,
)
from nscl.legacy import to_unicode
from nscl.locate import (
    IndicatorLocation,
    TableLocation,
    locate_indicators,
    locate_table,
)
from nscl.merges import fill_merged_down
from nscl.numbers import format_number
from nscl.problems import Problem, get_rule, listed
from nscl.reading import Grid, ReadFailure, ReadLimits, Workbook, open_workbook
from nscl.report import AgencyRef, BudgetSummary, FileReport
from nscl.table_checks import TableOptions, check_table
from nscl.text import compare_key
from nscl.word_report import WORD_SUFFIXES, WordTable, open_word_document, read_word_narratives

__all__ = [
    "ValidationOptions", "crash_report", "preload", "validate_path",
]


@dataclass(frozen=True)
class ValidationOptions:
    """Settings of a validation run.

    ``max_state_budget_share``: when set (e.g. 0.7), a task whose NSNN exceeds this share
    of its total is an error (``state-budget-share``); off by default because no such cap
    is verified. ``program_end_year``: tasks must end by December of this year.
    """

    max_state_budget_share: float | None = None
    program_end_year: int = 2030
    limits: ReadLimits = field(default_factory=ReadLimits)
    # Whether the report keeps each task's parsed row (``FileReport.rows``): the marking
    # and the consolidation read them; a run that only tells the problems and the
    # budget (``nscl validate`` without ``--annotate``) does not build them.
    keep_rows: bool = True


_YEAR_FROM = re.compile(r"từ năm\s*(\d{4})")
_YEAR_OF_REPORT = re.compile(r"(?:thực hiện|báo cáo)[^\d]{0,40}năm\s*(\d{4})")
_HEADER_SKIP = re.compile(
    r"^(?:cộng ho[àa]|độc lập|bảng tổng hợp|báo cáo|công bố|phụ lục|đề cương|số\s*:|v/v|kính gửi|"
    r"\(tên bộ|\(kèm theo|[-_=.…\s]+$)|ngày\s*\S*\s*tháng"
)
_PLACEHOLDER = re.compile(r"^\(?tên bộ, ngành")
# Rows the reader could not convert, reported one by one up to this many per sheet.
_MAX_ROW_PROBLEMS = 100


def _locate(grid: Grid, letter: str) -> TableLocation | IndicatorLocation | None:
    """Where form ``letter`` is on a sheet: a table (A, C) or the report's indicators (B)."""
    if letter == "B":
        return locate_indicators(grid, form_b())
    return locate_table(grid, form_a() if letter == "A" else form_c())


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts)


class _Run:
    """Validation of one file."""

    def __init__(
        self, path: Path, *, year: int | None, options: ValidationOptions, display: str | None
    ) -> None:
        self.path = path
        self.expected_year = year
        self.options = options
        self.file = display or path.name
        self.report = FileReport(path=display or str(path))

    def add(self, code: str, *, sheet: str | None = None, cell: str | None = None,
            at_row: int | None = None, **params: Any) -> None:
        self.report.problems.append(
            get_rule(code).problem(file=self.file, sheet=sheet, cell=cell, row=at_row, **params)
        )

    # -- entry -----------------------------------------------------------------------------
    def run(self) -> FileReport:
        if not self.path.is_file():
            self.add("file-not-found")
            self.report.readable = False
            return self.report
        if self.path.suffix.lower() in WORD_SUFFIXES:
            return self._word_report()
        try:
            book = open_workbook(self.path, self.options.limits)
        except ReadFailure as failure:
            self.add(failure.code, **failure.params)
            self.report.readable = False
            self._identify_agency(None, None, None, warn=False)
            return self.report
        try:
            self._validate(book)
        except ReadFailure as failure:
            self.add(failure.code, **failure.params)
            self.report.readable = False
        finally:
            book.close()
        return self.report

    # -- workbook --------------------------------------------------------------------------
    def _identity(self, book: Workbook) -> TemplateIdentity | None:
        identity = None
        if book.kind in ("xlsx", "xlsm"):
            identity = read_identity_properties(self.path)
        if identity is None and any(s.name == IDENTITY_SHEET for s in book.sheets):
            rows = self._read_sheet(book, IDENTITY_SHEET)
            identity = identity_from_rows(rows) if rows is not None else None
        return identity

    def _read_sheet(self, book: Workbook, name: str) -> Grid | None:
        """A sheet's cells; None (and one problem for the sheet) when it reaches too far
        to be read: the other sheets are still read."""
        try:
            grid = book.read(name)
        except ReadFailure as failure:
            if failure.code != "sheet-too-large":
                raise
            if not any(p.code == failure.code and p.sheet == name
                       for p in self.report.problems):
                self.add(failure.code, **failure.params)
            return None
        unreadable = book.unreadable_rows.get(name)
        if unreadable and not any(p.code == "row-unreadable" and p.sheet == name
                                  for p in self.report.problems):
            self._unreadable_rows(name, grid, unreadable)
        return grid

    def _unreadable_rows(self, sheet: str, grid: Grid, rows: list[int]) -> None:
        """One ``row-unreadable`` error per row the reader could not convert (the whole
        row is marked on the feedback copy); past :data:`_MAX_ROW_PROBLEMS`, one for
        the rest."""
        last = column_letter(max(1, max(len(row) for row in grid)) - 1)
        for r in rows[:_MAX_ROW_PROBLEMS]:
            self.add("row-unreadable", sheet=sheet, cell=f"A{r + 1}:{last}{r + 1}",
                     at_row=r + 1, rows=f"dòng {r + 1}", these="dòng này")
        rest = rows[_MAX_ROW_PROBLEMS:]
        if rest:
            count, first, final = (format_number(n) for n in (len(rest), rest[0] + 1,
                                                              rest[-1] + 1))
            self.add("row-unreadable", sheet=sheet,
                     rows=f"{count} dòng khác (từ dòng {first} đến dòng {final})",
                     these="các dòng này")

    def _validate(self, book: Workbook) -> None:
        if book.has_macros:
            self.add("file-macros")
        if book.has_external_links:
            self.add("file-external-links")
        identity = self._identity(book)
        preferred = identity.form_letter if identity else None
        found = self._find_table(book, preferred)
        if found is None:
            if any(p.code == "sheet-too-large" for p in self.report.problems):
                # The table may be in the sheet that could not be read: that is the
                # reason to give, and the file could not be read as a whole.
                self.report.readable = False
            else:
                self.add("table-not-found")
            self._identify_agency(identity, None, None, warn=False)
            return
        letter, sheet, grid, location, others = found
        self.report.form = letter
        self.report.sheet = sheet
        if others:
            self.add(
                "table-several-sheets", sheet=sheet,
                count=len(others) + 1, sheets=", ".join(f'"{s}"' for s in [sheet, *others]),
                chosen=sheet,
            )
        if identity is not None:
            self.report.form_version = identity.form_version
        if isinstance(location, TableLocation):
            self._table(book, identity, sheet, grid, location)
        else:
            self._report_form(book, identity, sheet, grid, location)

    def _find_table(
        self, book: Workbook, preferred: str | None
    ) -> tuple[str, str, Grid, TableLocation | IndicatorLocation, list[str]] | None:
        """The best table over the sheets: (letter, sheet, grid, location, other sheets)."""
        best: tuple[tuple[int, int], str, str, Grid, TableLocation | IndicatorLocation] | None
        best = None
        found_in: dict[str, list[str]] = {"A": [], "B": [], "C": []}
        # The template's own form is looked for first on each sheet.
        letters = sorted("ACB", key=lambda letter: letter != preferred)
        preferred_found = False
        for hidden_pass in (False, True):
            for info in book.iter_sheets(hidden=hidden_pass):
                if info.name == IDENTITY_SHEET or (hidden_pass and info.visible):
                    continue
                read = self._read_sheet(book, info.name)
                if read is None:
                    continue
                grid = read
                candidates: list[tuple[str, int, TableLocation | IndicatorLocation]] = []
                for letter in letters:
                    # Once the template's own form is found, no other form can win: the
                    # others are not looked for (only the sheets with that form count).
                    if preferred_found and letter != preferred:
                        continue
                    where = _locate(grid, letter)
                    if where is not None:
                        score = where.score if isinstance(where, TableLocation) else 6
                        candidates.append((letter, score, where))
                        preferred_found = preferred_found or letter == preferred
                for letter, score, where in candidates:
                    found_in[letter].append(info.name)
                    rank = (1 if letter == preferred else 0, score)
                    if best is None or rank > best[0]:
                        best = (rank, letter, info.name, grid, where)
                del grid
            if best is not None:
                break
        if best is None:
            return None
        _, letter, sheet, grid, loc = best
        others = [s for s in found_in[letter] if s != sheet]
        return letter, sheet, grid, loc, others

    # -- identity, year, agency ------------------------------------------------------------
    def _header_texts(self, grid: Grid, last_row: int) -> list[tuple[int, int, str]]:
        texts: list[tuple[int, int, str]] = []
        for r in range(min(last_row, len(grid))):
            for c, value in enumerate(grid[r]):
                if isinstance(value, str) and value.strip():
                    texts.append((r, c, to_unicode(value.strip())))
        return texts

    def _form_year(
        self, identity: TemplateIdentity | None, texts: Sequence[tuple[int, int, str]],
        pattern: re.Pattern[str],
    ) -> tuple[int | None, str | None]:
        if identity is not None and identity.year is not None:
            return identity.year, None
        for r, c, text in texts:
            found = pattern.search(compare_key(text))
            if found:
                return int(found.group(1)), a1(r, c)
        return None, None

    def _check_year(self, sheet: str | None, found: int | None,
                    cell: str | None) -> int | None:
        expected = self.expected_year
        if expected is not None and found is not None and found != expected:
            self.add("year-mismatch", sheet=sheet, cell=cell, found=found, expected=expected)
        year = found if found is not None else expected
        self.report.year = year
        return year

    def _check_version(self, identity: TemplateIdentity | None, form: TableForm | ReportForm,
                       sheet: str) -> None:
        if identity is None or identity.form_letter != form.letter:
            return
        if _version_tuple(identity.form_version) < _version_tuple(form.version):
            self.add("template-outdated", sheet=sheet, found=identity.form_version,
                     current=form.version)

    def _identify_agency(
        self, identity: TemplateIdentity | None, texts: Sequence[tuple[int, int, str]] | None,
        sheet: str | None, *, warn: bool = True, on: date | None = None,
        cells: bool = True,
    ) -> None:
        """Agency from template metadata, else the header block, else the file name.

        ``on``: the day the file speaks for (an annual report: the end of its year), so
        that a name written the same before and after the 2025 mergers ("Thành phố Đà
        Nẵng") gives the entry in force then. ``cells``: the texts' positions are cells
        (not so in a Word document)."""
        from nscl import registry  # (its compiled patterns: see preload)
        metadata_ref: AgencyRef | None = None
        header_ref: AgencyRef | None = None
        detail = "không thấy tên cơ quan ở phần đầu bảng, tên tệp cũng không cho biết"
        where: str | None = None  # the header cell that still shows the placeholder
        if identity is not None and identity.agency_code:
            try:
                metadata_ref = registry.get_agency(identity.agency_code).to_ref("metadata")
            except KeyError:
                detail = f'mã cơ quan "{identity.agency_code}" trong thông tin mẫu không có'
        if texts:
            for text_row, text_col, text in texts:
                for line in text.splitlines():
                    key = compare_key(line)
                    if not key or len(key) > 100:
                        continue
                    if _PLACEHOLDER.match(key):
                        detail = "phần đầu bảng vẫn ghi \"(TÊN BỘ, NGÀNH VÀ ĐỊA PHƯƠNG)\""
                        where = a1(text_row, text_col) if cells else None
                        continue
                    if _HEADER_SKIP.search(key):
                        continue
                    match = registry.match_agency(line, on=on)
                    if match.agency is not None:
                        header_ref = match.agency.to_ref("header")
                        break
                    if len(match.candidates) > 1:
                        names = ", ".join(a.name for a in match.candidates[:4])
                        detail = f'"{line.strip()}" có thể là: {names}'
                if header_ref is not None:
                    break
        agency = metadata_ref or header_ref
        if agency is None:
            match = registry.match_filename(self.file, on=on)
            if match.agency is not None:
                agency = match.agency.to_ref("filename")
        if agency is not None and on is not None:
            # The entry in force on the report's day (a template of the merged city used
            # for a report on the old one's year).
            try:
                entry = registry.entry_on(agency.code, on)
            except KeyError:
                entry = None
            if entry is not None and entry.code != agency.code:
                agency = entry.to_ref(agency.source)
        if metadata_ref is not None and header_ref is not None and (
            metadata_ref.code != header_ref.code
        ):
            self.add("agency-mismatch", sheet=sheet, metadata=metadata_ref.name,
                     header=header_ref.name)
        self.report.agency = agency
        if agency is None and warn:
            self.add("agency-unknown", sheet=sheet, cell=where, detail=detail)

    # -- Form A / C --------------------------------------------------------------------------
    def _table(
        self, book: Workbook, identity: TemplateIdentity | None, sheet: str, grid: Grid,
        loc: TableLocation,
    ) -> None:
        form = loc.form
        texts = self._header_texts(grid, loc.header_row)
        self._check_version(identity, form, sheet)
        year_found, year_cell = self._form_year(identity, texts, _YEAR_FROM)
        year = self._check_year(sheet, year_found, year_cell)
        self._identify_agency(identity, texts, sheet, warn=form.submitted_by == "agency")
        spare = max(loc.columns.values(), default=-1) + 1
        for col in form.columns:
            if col.required and col.key not in loc.columns:
                self.add("column-missing", sheet=sheet, cell=a1(loc.header_row, spare),
                         at_row=loc.header_row + 1, header=col.header)
        # Cells merged down over several tasks are read as the clerk sees them.
        merged_amounts: set[tuple[str, int]] = set()
        for amount in fill_merged_down(grid, book.merged_ranges(sheet), loc):
            first, last = amount.first_row, amount.last_row
            self.add("amount-merged", sheet=sheet,
                     cell=f"{a1(first, amount.col)}:{a1(last, amount.col)}", at_row=first + 1,
                     header=amount.column.header, first=first + 1, last=last + 1)
            merged_amounts.update((amount.column.key, r + 1) for r in range(first + 1, last + 1))
        options = TableOptions(
            year=year,
            max_state_budget_share=self.options.max_state_budget_share,
            program_end_year=self.options.program_end_year,
            keep_rows=self.options.keep_rows,
            merged_amounts=frozenset(merged_amounts),
            unreadable_rows=frozenset(book.unreadable_rows.get(sheet, ())),
            hidden_rows=frozenset(
                r for first, count in book.notes.hidden_rows.get(sheet, ())
                for r in range(first, min(first + count, len(grid)))
            ),
            # Formulas saved without their result, outside the computed columns (which
            # nscl computes itself): looked for only when the table has gaps.
            find_uncalculated=lambda: book.uncalculated_cells(sheet, skip_columns=computed),
            template=identity is not None and identity.form_letter == form.letter,
        )
        computed = {loc.columns[c.key] for c in form.computed_columns if c.key in loc.columns}
        result = check_table(grid, loc, sheet=sheet, file=self.file, options=options)
        self.report.rows = result.rows
        self.report.summary = result.summary
        self.report.money_unit = result.money_unit
        self.report.problems.extend(result.problems)
        if not result.summary.tasks:
            self.add("table-empty", sheet=sheet, cell=a1(loc.data_start, 0),
                     at_row=loc.data_start + 1)

    # -- Form B ------------------------------------------------------------------------------
    def _report_form(
        self, book: Workbook, identity: TemplateIdentity | None, sheet: str, grid: Grid,
        loc: IndicatorLocation,
    ) -> None:
        form = form_b()
        texts = self._header_texts(grid, loc.header_row)
        self._check_version(identity, form, sheet)
        year_found: int | None
        year_cell: str | None = None
        if identity is not None and identity.year is not None:
            year_found = identity.year
        elif loc.year is not None:
            year_found = loc.year
        else:
            year_found, year_cell = self._form_year(None, texts, _YEAR_OF_REPORT)
        year = self._check_year(sheet, year_found, year_cell)
        narrative_texts: list[tuple[int, int, str]] = []
        narrative_problems: list[Problem] = []
        # Narratives: the sheet of the outline (any other sheet with its headings).
        best_headings = 0
        for info in book.iter_sheets():
            other = grid if info.name == sheet else self._read_sheet(book, info.name)
            if other is None:
                continue
            narratives, problems, headings = read_narratives(
                other, form, year, sheet=info.name, file=self.file
            )
            if headings > best_headings:
                best_headings = headings
                self.report.narratives = narratives
                narrative_problems = problems
                narrative_texts = self._header_texts(other, 12)
        # The indicator sheet's header first, then the report sheet's (where a retyped
        # report may name its agency).
        self._identify_agency(identity, [*texts, *narrative_texts], sheet,
                              on=_report_day(year))
        result = check_indicators(grid, loc, form, sheet=sheet, file=self.file)
        self.report.indicators = result.indicators
        self.report.problems.extend(result.problems)
        self._indicator_notes(book, sheet, loc, form, result.indicators)
        if best_headings:
            self.report.problems.extend(narrative_problems)
        if not result.indicators:
            self.add("table-empty", sheet=sheet, cell=a1(loc.header_row + 1, loc.name_col),
                     at_row=loc.header_row + 2)
        self.report.summary = _report_budget(form, result.indicators)


    # -- Form B written in Word --------------------------------------------------------------
    def _word_report(self) -> FileReport:
        """An annual report in a word-processor document (:mod:`nscl.word_report`)."""
        try:
            document = open_word_document(self.path, self.options.limits)
        except ReadFailure as failure:
            self.add(failure.code, **failure.params)
            self.report.readable = False
            self._identify_agency(None, None, None, warn=False)
            return self.report
        form = form_b()
        located: tuple[WordTable, IndicatorLocation] | None = None
        for table in document.tables:
            loc = locate_indicators(table.grid, form)
            if loc is not None:
                located = (table, loc)
                break
        year_found = located[1].year if located is not None else None
        if year_found is None:
            opening = [(i, 0, block.text) for i, block in enumerate(document.blocks[:30])
                       if block.table is None]
            year_found, _ = self._form_year(None, opening, _YEAR_OF_REPORT)
        narratives, problems, headings, first = read_word_narratives(
            document, form, year_found or self.expected_year, file=self.file,
            skip_table=located[0].number if located else None,
        )
        if located is None and not headings:
            self.add("document-not-report")
            self._identify_agency(None, None, None, warn=False)
            return self.report
        self.report.form = "B"
        year = self._check_year(None, year_found, None)
        # The document's header (before the first heading): agency, title, addressee.
        header: list[tuple[int, int, str]] = []
        for i, block in enumerate(document.blocks[:max(first, 1)][:60]):
            if block.table is not None:
                header.extend((i, c, text) for row in block.table.grid
                              for c, text in enumerate(dict.fromkeys(row)) if text)
            else:
                header.append((i, 0, block.text))
        self._identify_agency(None, header, None, on=_report_day(year), cells=False)
        self.report.narratives = narratives
        if located is None:
            self.add("indicator-table-missing", year=year or "…")
        else:
            table, loc = located
            self.report.sheet = table.name
            # A Word table holds text only: its numbers are not "numbers typed as text".
            result = check_indicators(table.grid, loc, form, sheet=table.name, file=self.file,
                                      cells_hold_text=True)
            self.report.indicators = result.indicators
            self.report.problems.extend(result.problems)
            self.report.summary = _report_budget(form, result.indicators)
        self.report.problems.extend(problems)
        return self.report

    def _indicator_notes(
        self, book: Workbook, sheet: str, loc: IndicatorLocation, form: ReportForm,
        indicators: dict[str, dict[str, Any]],
    ) -> None:
        """What the file says of the indicator rows and no reader reports: values that
        are formulas saved without their result (read as empty, which is no error of
        itself in a report, so nothing else would say so; computed indicators such as
        the budget total are left out: nscl computes them), and rows hidden from view."""
        computed = {ind.key for ind in form.indicators if ind.computed_from}
        rows = {int(entry["row"]) - 1 for key, entry in indicators.items()
                if key not in computed and entry.get("row") is not None}
        cells = sorted((r, c) for r, c in book.uncalculated_cells(sheet)
                       if r in rows and c in (loc.year_col, loc.cumulative_col))
        if cells:
            self.add("formula-not-calculated", sheet=sheet, cell=a1(*cells[0]),
                     at_row=cells[0][0] + 1, count=len(cells),
                     cells=listed([a1(r, c) for r, c in cells]))
        ranges = book.notes.hidden_rows.get(sheet, ())
        hidden = sorted(
            int(entry["row"]) for entry in indicators.values()
            if entry.get("row") is not None  # (not a total the table left out)
            and any(isinstance(entry.get(period), float) for period in ("report_year",
                                                                         "cumulative"))
            and any(first < int(entry["row"]) <= first + count for first, count in ranges)
        )
        if hidden:
            self.add("indicator-rows-hidden", sheet=sheet, cell=a1(hidden[0] - 1, loc.name_col),
                     at_row=hidden[0], count=len(hidden), rows=listed(hidden, 8))

def _report_day(year: int | None) -> date | None:
    """The day an annual report speaks for (the end of its year): which agencies were in
    force then decides between names written the same before and after the mergers."""
    return date(year, 12, 31) if year is not None else None


def _report_budget(form: ReportForm, indicators: dict[str, dict[str, Any]]) -> BudgetSummary:
    """The report year's budget by Form A budget column (the indicators' ``budget_part``),
    a computed indicator (Tổng kinh phí) as the sum of its parts; no amounts when the
    report gives no budget figure at all."""
    def value(key: str) -> float | None:
        number = indicators.get(key, {}).get("report_year")
        return float(number) if isinstance(number, int | float) else None

    amounts: dict[str, float] = {}
    for indicator in form.indicators:
        if indicator.budget_part is None:
            continue
        if indicator.computed:
            number = sum_of([value(key) for key in indicator.computed_from],
                            blanks_as_zero=True)
        else:
            number = value(indicator.key)
        if number is not None:
            amounts[indicator.budget_part] = amounts.get(indicator.budget_part, 0.0) + number
    return BudgetSummary(0, amounts)


def preload() -> None:
    """Import the spreadsheet readers and build the engine's lookup tables now.

    For a process about to fork validation workers: each worker then inherits them
    instead of spending its first file (about 80 ms) building its own.
    """
    import python_calamine  # noqa: F401

    from nscl.locate import prepare_forms
    from nscl.registry import prepare_matching

    prepare_matching()
    prepare_forms((form_a(), form_c()))


def crash_report(display_name: str, detail: str) -> FileReport:
    """The report of a file whose reading process ran out of memory or died
    (``file-crashed-reader``; ``detail`` says how, in Vietnamese)."""
    problem = get_rule("file-crashed-reader").problem(file=display_name, detail=detail)
    return FileReport(path=display_name, problems=[problem], readable=False)


def validate_path(
    path: Path,
    *,
    year: int | None = None,
    options: ValidationOptions | None = None,
    display_name: str | None = None,
) -> FileReport:
    """Validate one file; never raises on user data (unreadable files: ``readable=False``).

    ``year`` is the expected form year (a ``year-mismatch`` error when the file says
    otherwise); ``display_name`` replaces the path in the report and messages.
    """
    run = _Run(Path(path), year=year, options=options or ValidationOptions(),
               display=display_name)
    try:
        with gc_paused():
            return run.run()
    except Exception as exc:  # a bug must not stop a batch: report it on the file
        report = run.report
        report.readable = False
        report.problems.append(
            get_rule("file-corrupt").problem(
                file=run.file,
                reason=f"lỗi nội bộ của nscl khi đọc tệp; mã lỗi kỹ thuật: {type(exc).__name__}",
            )
        )
        return report

