"""``nscl validate PATH...``: check the workbooks agencies send.

Output: a Vietnamese table (``--format text``, default) or JSON on stdout
(``--format json``: ``{"files": [FileReport.to_dict(), ...]}``, streamed file by file so
memory stays bounded). Exit codes: 0 no file has an error, 1 some file has errors (an
unreadable file counts), 2 usage errors (missing path, bad option).
"""

# No "from __future__ import annotations": typer reads the annotations at runtime.
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nscl.usage_errors import error_line

if TYPE_CHECKING:
    from rich.console import Console

    from nscl.report import FileReport
    from nscl.validation import ValidationOptions

__all__ = ["expand_paths", "register"]



@dataclass(frozen=True)
class _Line:
    """What the summary table keeps of a report (not its rows)."""

    name: str
    form: str
    agency: str
    tasks: int | None  # None: the form has no tasks (Form B)
    amounts: dict[str, float]  # by Form A money column; empty when the form has none
    errors: int
    warnings: int
    readable: bool


@dataclass(frozen=True)
class Expanded:
    """What the paths given on the command line hold: the spreadsheets to check, and
    the other files found in folders (a .zip, a PDF …), listed but not checked."""

    files: list[Path]
    others: list[tuple[Path, str, str]]  # (path, Vietnamese reason, code)


def expand_paths(paths: list[Path]) -> Expanded:
    """Files as given; folders walked as ``nscl sync`` walks its inbox, sub-folders
    included (:func:`sync.collect.scan`: hidden and lock files skipped), spreadsheets and
    word-processor documents (annual reports written in Word) alike."""
    from sync.collect import scan

    files: list[Path] = []
    others: list[tuple[Path, str, str]] = []
    for path in paths:
        if path.is_dir():
            found = scan(path, documents=True)
            files.extend(candidate.path for candidate in found.candidates)
            others.extend((path / other.file, other.reason, other.code)
                          for other in found.others)
        else:
            files.append(path)
    return Expanded(files, others)


def _usage(message: str) -> "typer.Exit":
    typer.echo(error_line(message), err=True)
    return typer.Exit(2)


def _money(value: float | None) -> str:
    """An amount the Vietnamese way; "–" for a file whose form has no such amount (Form
    B's budget is reported as indicators, Form C has none)."""
    from nscl.numbers import format_number

    return "–" if value is None else format_number(value)


def _print_file(console: "Console", report: "FileReport") -> None:
    from rich.table import Table

    from nscl.problems import SEVERITY_LABELS

    if not report.problems:
        return
    table = Table(
        title=f"{report.path}", title_justify="left", show_lines=False, expand=True
    )
    table.add_column("Mức", no_wrap=True)
    table.add_column("Mã", no_wrap=True)
    table.add_column("Vị trí", no_wrap=True)
    table.add_column("Nội dung")
    for problem in report.problems:
        style = "red" if problem.severity == "error" else "yellow"
        where = "!".join(x for x in (problem.sheet, problem.cell) if x)
        table.add_row(
            f"[{style}]{SEVERITY_LABELS[problem.severity]}[/{style}]",
            problem.code,
            where or "-",
            problem.message,
        )
    console.print(table)


def _print_summary(console: "Console", lines: list[_Line]) -> None:
    from rich.table import Table

    from nscl.forms import form_a

    money = form_a().money_columns  # the proposal budget's columns
    table = Table(title="Tổng hợp kết quả kiểm tra", title_justify="left", expand=True)
    for header, justify in (
        ("Tệp", "left"), ("Mẫu", "center"), ("Cơ quan", "left"), ("Số NV", "right"),
        *((column.header, "right") for column in money), ("Lỗi", "right"),
        ("Cảnh báo", "right"), ("Kết quả", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for line in lines:
        if not line.readable:
            verdict = "[red]Không đọc được[/red]"
        elif line.errors:
            verdict = "[red]Chưa đạt[/red]"
        else:
            verdict = "[green]Đạt[/green]"
        table.add_row(
            line.name, line.form, line.agency, "–" if line.tasks is None else str(line.tasks),
            *(_money(line.amounts.get(column.key)) for column in money),
            str(line.errors), str(line.warnings), verdict,
        )
    console.print(table)


def _line(report: "FileReport") -> _Line:
    """A report's line of the summary table: tasks and budget for the forms that are a
    table of tasks with a budget (Form A); "–" otherwise (a Form B report's budget is
    among its indicators, Form C has none)."""
    from nscl.forms import TableForm, get_form

    form = get_form(report.form) if report.form else None
    table = isinstance(form, TableForm)
    return _Line(
        name=Path(report.path).name,
        form=report.form or "-",
        agency=report.agency.name if report.agency else "-",
        tasks=report.summary.tasks if table or form is None else None,
        amounts=dict(report.summary.amounts) if table else {},
        errors=len(report.errors),
        warnings=len(report.warnings),
        readable=report.readable,
    )


def _copy_stems(files: list[Path]) -> list[str]:
    """A distinct name for each file's marked copy: its own stem, and for files whose
    copies would share a name (a.xlsx and a.ods, or two a.xlsx in different folders) the
    later ones get their extension and then a number: "a (ods)", "a (xlsx 2)"."""
    taken: set[str] = set()
    stems: list[str] = []
    for path in files:
        stem = path.stem
        if stem.casefold() in taken:
            base = f"{path.stem} ({path.suffix.lstrip('.').lower()}"
            stem, n = f"{base})", 2
            while stem.casefold() in taken:
                stem, n = f"{base} {n})", n + 1
        taken.add(stem.casefold())
        stems.append(stem)
    return stems


def _annotate(report: "FileReport", path: Path, out_dir: Path, stem: str) -> str | None:
    """Write the marked copy; return a Vietnamese note when it could not be written."""
    try:
        from nscl.marking import annotate_copy
    except ImportError:
        return "chức năng đánh dấu (nscl.marking) chưa được cài đặt"
    try:
        annotate_copy(report, path, out_dir, stem=stem)
    except Exception as exc:  # AnnotationError and LibreOffice failures: report, go on
        return str(exc)
    return None


def validate_job(
    job: tuple[Path, int | None, "ValidationOptions", Path | None, str],
) -> tuple["FileReport", str | None]:
    """Validate one file and write its marked copy (in a worker process): (path, year,
    options, folder for the marked copy or None, the copy's name) -> (report, note when
    the copy could not be written). The report goes back without its parsed rows, which
    only the marking needs: the command prints its problems and budget."""
    from nscl.validation import validate_path

    path, year, options, annotate, stem = job
    report = validate_path(path, year=year, options=options)
    note = None
    if annotate is not None and report.readable:
        note = _annotate(report, path, annotate, stem)
    report.rows = []
    return report, note


def _run(
    files: list[Path], *, fmt: str, year: int | None, share: float | None,
    annotate: Path | None, others: list[tuple[Path, str, str]] | None = None,
) -> int:
    from nscl.validation import ValidationOptions, crash_report, preload

    # The parsed rows are for the marked copy only (made in the worker).
    options = ValidationOptions(max_state_budget_share=share, keep_rows=annotate is not None)

    def reports() -> Iterator[tuple[Path, "FileReport", str | None]]:
        # Each file is read (and marked) in a worker process (nscl.isolation): the reader
        # runs native code that can abort its process on some malformed files, and
        # openpyxl holds the whole workbook; one such file must not stop the others.
        # Results come back in the order of the files.
        from nscl.isolation import failure_detail, run_isolated

        jobs = [(path, year, options, annotate, stem)
                for path, stem in zip(files, _copy_stems(files), strict=True)]
        for (path, *_), result in run_isolated(validate_job, jobs, preload=preload):
            if isinstance(result, BaseException):
                yield path, crash_report(path.name, failure_detail(result)), None
            else:
                yield path, *result

    others = others or []
    if fmt == "json":  # no table to draw: rich is not even imported
        return _run_json(reports(), others)
    from rich.console import Console

    lines: list[_Line] = []
    any_error = False
    console = Console(highlight=False, soft_wrap=False)
    err_console = Console(stderr=True, highlight=False)
    for path, report, note in reports():
        any_error = any_error or not report.valid
        _print_file(console, report)
        lines.append(_line(report))
        if note:
            err_console.print(f"[yellow]{_note_text(path, note)}")
        del report
    _print_summary(console, lines)
    bad = sum(1 for line in lines if line.errors or not line.readable)
    console.print(f"{len(lines)} tệp: {len(lines) - bad} đạt, {bad} chưa đạt.")
    if others:
        console.print(f"Tệp khác, không phải bảng tính, không kiểm tra ({len(others)}):")
        for path, reason, _ in others:
            console.print(f"  - {path}: {reason}", markup=False)
    return 1 if any_error else 0


def _note_text(path: Path, note: str) -> str:
    return f"Không ghi được bản đánh dấu của {path.name}: {note}"


def _run_json(reports: Iterator[tuple[Path, "FileReport", str | None]],
              others: list[tuple[Path, str, str]]) -> int:
    """``--format json``: one report after the other, as each file is done; then the
    other files found in the folders (``"others": [{"file", "reason", "code"}]``)."""
    any_error = False
    sys.stdout.write('{"files": [')
    for i, (path, report, note) in enumerate(reports):
        any_error = any_error or not report.valid
        payload: dict[str, Any] = report.to_dict()
        sys.stdout.write((", " if i else "") + json.dumps(payload, ensure_ascii=False))
        sys.stdout.flush()
        if note:
            sys.stderr.write(_note_text(path, note) + "\n")
    listed = [{"file": str(path), "reason": reason, "code": code}
              for path, reason, code in others]
    sys.stdout.write('], "others": ' + json.dumps(listed, ensure_ascii=False) + "}\n")
    return 1 if any_error else 0


def register(app: typer.Typer) -> None:
    """Add ``nscl validate`` to the application."""

    from nscl.cli_help import VietnameseCommand

    @app.command("validate", cls=VietnameseCommand)
    def validate(
        paths: Annotated[
            list[Path] | None,
            typer.Argument(
                metavar="TỆP...",
                help="Tệp bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods) hoặc thư mục chứa các tệp"
                " (ít nhất một).",
                show_default=False,
            ),
        ] = None,
        fmt: Annotated[
            str, typer.Option("--format", help="Định dạng kết quả: text hoặc json.")
        ] = "text",
        year: Annotated[
            int | None,
            typer.Option("--year", help="Năm của đợt (báo lỗi nếu biểu mẫu ghi năm khác)."),
        ] = None,
        max_state_budget_share: Annotated[
            float | None,
            typer.Option(
                "--max-state-budget-share",
                help="Tỷ lệ NSNN tối đa trên tổng kinh phí của mỗi nhiệm vụ (0-1, ví dụ 0.7);"
                " mặc định không kiểm tra.",
            ),
        ] = None,
        annotate: Annotated[
            Path | None,
            typer.Option(
                "--annotate",
                help="Thư mục ghi bản sao có đánh dấu ô lỗi (đỏ), cảnh báo (vàng).",
            ),
        ] = None,
    ) -> None:
        """Kiểm tra bảng đề xuất (Mẫu A), báo cáo năm (Mẫu B) và phụ lục tuyển chọn (Mẫu C).

        Thư mục được kiểm tra cả các thư mục con; tệp không phải bảng tính (.zip, PDF …)
        được liệt kê, không kiểm tra. Mã thoát: 0 không có lỗi, 1 có tệp có lỗi, 2 sai
        cách dùng.
        """
        if not paths:  # checked here, so that the message is Vietnamese
            raise _usage("chưa chỉ ra tệp hay thư mục nào để kiểm tra.")
        fmt_key = fmt.strip().lower()
        if fmt_key not in ("text", "json"):
            raise _usage(f'định dạng "{fmt}" không hợp lệ; dùng text hoặc json.')
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise _usage("không tìm thấy: " + ", ".join(missing))
        if max_state_budget_share is not None and not 0 < max_state_budget_share <= 1:
            raise _usage("--max-state-budget-share phải trong khoảng (0, 1], ví dụ 0.7.")
        if year is not None and not 2000 <= year <= 2100:
            raise _usage(f"năm {year} không hợp lệ.")
        expanded = expand_paths(paths)
        if not expanded.files:
            others = f" (chỉ có {len(expanded.others)} tệp khác: .zip, PDF …)" \
                if expanded.others else ""
            raise _usage(f"không có tệp bảng tính nào để kiểm tra{others}.")
        if annotate is not None:
            annotate.mkdir(parents=True, exist_ok=True)
        code = _run(
            expanded.files, fmt=fmt_key, year=year, share=max_state_budget_share,
            annotate=annotate, others=expanded.others,
        )
        raise typer.Exit(code)
