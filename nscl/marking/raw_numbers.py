"""Numbers openpyxl cannot load as they are: a date or duration format on a number
outside every date.

A cell formatted as a date, a time or a duration (``[h]:mm``) may hold any number:
Excel shows "######" when it is outside the dates it can show (before 1900, after 9999,
or far beyond). openpyxl loads such a cell as the error ``#VALUE!`` (with a warning) and
would save it so. The marked copy sent back to an agency must keep what the agency typed:
:func:`restore_numbers` puts those numbers back, read from the worksheet's XML (cells
stored as errors in the file itself are left alone).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from nscl.extent import sheet_parts

__all__ = ["OPENPYXL_DATE_WARNING", "loading_dates", "raw_numbers", "restore_numbers"]

# What openpyxl warns for each such cell ("Cell B2 is marked as a date but the serial
# value 1e+20 is outside the limits for dates. The cell will be treated as an error.").
OPENPYXL_DATE_WARNING = "is marked as a date but the serial value"
_ERROR = "#VALUE!"


@contextmanager
def loading_dates() -> Iterator[list[str]]:
    """Around ``load_workbook``: collects openpyxl's warnings about such cells (and keeps
    them off the console); the list is empty when the file has none."""
    import warnings

    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    found.extend(str(w.message) for w in caught if OPENPYXL_DATE_WARNING in str(w.message))


def raw_numbers(path: Path, wanted: dict[str, set[str]]) -> dict[tuple[str, str], float]:
    """The numbers stored in the cells ``wanted`` (sheet name -> A1 references) of the
    .xlsx/.xlsm at ``path``, as (sheet, reference) -> number; cells that hold anything
    else (text, an error, a formula's cached error) are not returned."""
    from defusedxml.ElementTree import iterparse

    found: dict[tuple[str, str], float] = {}
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for part, sheet in sheet_parts(zf, names).items():
            refs = wanted.get(sheet)
            if not refs or part not in names:
                continue
            with zf.open(part) as stream:
                for _, elem in iterparse(stream, events=("end",)):
                    if elem.tag.rpartition("}")[2] != "c":
                        continue
                    ref = elem.get("r")
                    if ref in refs and elem.get("t", "n") == "n":
                        value = next((child.text for child in elem
                                      if child.tag.rpartition("}")[2] == "v"), None)
                        with suppress(ValueError):  # not a number after all: left alone
                            found[(sheet, ref)] = float(value or "")
                    elem.clear()
    return found


def restore_numbers(workbook: Any, path: Path) -> int:
    """Put back, in ``workbook`` (openpyxl, loaded from ``path``), the numbers openpyxl
    turned into ``#VALUE!``; return how many. The cells keep their number format."""
    wanted: dict[str, set[str]] = {}
    for ws in workbook.worksheets:
        refs = {
            cell.coordinate
            for row in ws.iter_rows()
            for cell in row
            if cell.data_type == "e" and cell.value == _ERROR
        }
        if refs:
            wanted[ws.title] = refs
    if not wanted:
        return 0
    numbers = raw_numbers(path, wanted)
    for (sheet, ref), number in numbers.items():
        workbook[sheet][ref].value = number
    return len(numbers)
