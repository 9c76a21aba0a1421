"""Default years and standard file names of the templates (no heavy imports).

:data:`CURRENT_YEAR` is the one constant behind the default years: the year the
templates are used in. Forms A and C (a call for proposals and its results) are about
tasks starting the next year: the 2027 round, signed in 2026. Form B reports on the
current year: 2026. Change this constant once a year and rebuild the templates.
"""

from __future__ import annotations

__all__ = ["CURRENT_YEAR", "FILE_STEMS", "FORM_LETTERS", "default_year", "file_name"]

CURRENT_YEAR = 2026
FORM_LETTERS: tuple[str, ...] = ("A", "B", "C")
FILE_STEMS: dict[str, str] = {
    "A": "mau-A-de-xuat-nhiem-vu",
    "B": "mau-B-bao-cao-ket-qua",
    "C": "mau-C-ket-qua-tuyen-chon",
}


def default_year(form_letter: str) -> int:
    """The year printed in a template when none is given: 2027 for A and C, 2026 for B."""
    return CURRENT_YEAR if form_letter.upper() == "B" else CURRENT_YEAR + 1


def file_name(form_letter: str, agency_code: str | None = None) -> str:
    """Standard file name: ``mau-A-de-xuat-nhiem-vu.xlsx`` (``-<agency code>`` when given)."""
    stem = FILE_STEMS[form_letter.upper()]
    return f"{stem}-{agency_code}.xlsx" if agency_code else f"{stem}.xlsx"
