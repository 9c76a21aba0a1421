"""``nscl template build``: write the official Excel templates (Form A, B, C).

Exit codes: 0 written, 2 usage error (unknown form, unknown or merged-away agency,
implausible year) or a failed write.
"""

# No "from __future__ import annotations": typer reads the option annotations at
# runtime, and their help texts are computed inside register().
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nscl.usage_errors import error_line

if TYPE_CHECKING:
    from nscl.registry import Agency

__all__ = ["register", "resolve_agency"]

# Plausible years for a template title: the Program runs 2021-2030; a few years' margin.
MIN_YEAR = 2021
MAX_YEAR = 2040


class UsageError(Exception):
    """A Vietnamese message for the user; the command exits with code 2."""


def resolve_agency(text: str, *, on: date | None = None) -> "Agency":
    """The registry agency named by ``text``, in force on ``on``; UsageError otherwise."""
    from nscl.registry import get_agency, match_agency

    found = match_agency(text, on=on)
    if found.agency is None:
        if found.candidates:
            names = "; ".join(a.name for a in found.candidates[:5])
            raise UsageError(
                f"Tên bộ, ngành hoặc địa phương \"{text}\" chưa rõ, có thể là: {names}. "
                "Hãy ghi đầy đủ hơn."
            )
        raise UsageError(
            f"Không tìm thấy bộ, ngành hoặc địa phương \"{text}\" trong danh mục. "
            "Hãy ghi tên chính thức, ví dụ \"Bộ Công Thương\" hoặc \"Tỉnh Nghệ An\"."
        )
    agency = found.agency
    if on is not None and not agency.in_force_on(on):
        successor = ""
        if agency.successor:
            successor = f" Nay là: {get_agency(agency.successor).name}."
        raise UsageError(
            f"{agency.name} không còn là đơn vị báo cáo vào năm {on.year}.{successor}"
        )
    return agency


def _build(form: str, year: int | None, agency_text: str | None, out: Path) -> list[Path]:
    from nscl.forms import get_form
    from nscl.template_build import FORM_LETTERS, build_workbook, default_year, file_name

    letters = FORM_LETTERS if form.strip().lower() == "all" else (form.strip().upper(),)
    if any(letter not in FORM_LETTERS for letter in letters):
        raise UsageError(f"Biểu mẫu \"{form}\" không có; chọn A, B, C hoặc all.")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"Năm {year} không hợp lệ; cần từ {MIN_YEAR} đến {MAX_YEAR}.")
    # Resolve everything first, so that a usage error writes nothing.
    plan: list[tuple[str, int, Agency | None]] = []
    for letter in letters:
        the_year = default_year(letter) if year is None else year
        agency = None
        if agency_text is not None:
            signing_year = the_year + get_form(letter).signing_year_offset
            agency = resolve_agency(agency_text, on=date(signing_year, 1, 1))
        plan.append((letter, the_year, agency))
    written: list[Path] = []
    for letter, the_year, agency in plan:
        path = out / file_name(letter, agency.code if agency else None)
        written.append(build_workbook(letter, year=the_year, agency=agency, out_path=path))
    return written


def register(app: typer.Typer) -> None:
    """Add the ``template`` command group to the ``nscl`` app."""
    from nscl.cli_help import VietnameseCommand, VietnameseGroup
    from nscl.template_build.defaults import default_year

    template_app = typer.Typer(
        cls=VietnameseGroup, help="Biểu mẫu Excel chính thức (Mẫu A, B, C).",
        no_args_is_help=True,
    )

    @template_app.command("build", cls=VietnameseCommand)
    def build(
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Thư mục ghi các file mẫu .xlsx (bắt buộc)."),
        ] = None,
        form: Annotated[
            str, typer.Option("--form", help="Biểu mẫu: A, B, C hoặc all.")
        ] = "all",
        year: Annotated[
            int | None,
            typer.Option(
                "--year",
                help=(
                    "Năm ghi trên tiêu đề, áp dụng cho mọi mẫu được tạo (mặc định: "
                    f"{default_year('A')} cho mẫu A, C; {default_year('B')} cho mẫu B)."
                ),
            ),
        ] = None,
        agency: Annotated[
            str | None,
            typer.Option(
                "--agency",
                help="Tên bộ, ngành hoặc địa phương điền sẵn vào mẫu, ví dụ \"Bộ Công Thương\".",
            ),
        ] = None,
    ) -> None:
        """Tạo file mẫu Excel từ mô tả biểu mẫu (workbook_templates/forms)."""
        if out is None:  # checked here, so that the message is Vietnamese
            typer.echo(error_line("thiếu --out (thư mục ghi các file mẫu)."), err=True)
            raise typer.Exit(2)
        try:
            paths = _build(form, year, agency, out)
        except UsageError as exc:
            typer.echo(error_line(str(exc)), err=True)
            raise typer.Exit(2) from exc
        except OSError as exc:
            typer.echo(error_line(f"không ghi được file vào \"{out}\": {exc}"), err=True)
            raise typer.Exit(2) from exc
        for path in paths:
            typer.echo(f"Đã tạo: {path}")

    app.add_typer(template_app, name="template")
