"""Machine-readable identity of a workbook built from an nscl template.

Every template carries its form id, form version, year and agency code twice:
as custom document properties (``nscl_form`` …, survive Excel and LibreOffice saves)
and in a very hidden sheet ``_nscl`` holding key/value rows (survives exports that drop
custom properties, such as Google Sheets downloads). The sync trusts either.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET

__all__ = [
    "IDENTITY_SHEET",
    "PROPERTY_NAMES",
    "TemplateIdentity",
    "identity_from_rows",
    "read_identity_properties",
]

IDENTITY_SHEET = "_nscl"
# Field name -> custom document property name.
PROPERTY_NAMES: dict[str, str] = {
    "form_id": "nscl_form",
    "form_version": "nscl_form_version",
    "year": "nscl_year",
    "agency_code": "nscl_agency_code",
}
_CUSTOM_PART = "docProps/custom.xml"
_MAX_PART_BYTES = 1_000_000


@dataclass(frozen=True)
class TemplateIdentity:
    """What a template says about itself."""

    form_id: str  # "1322-A", "1322-B", "1322-C"
    form_version: str
    year: int | None = None
    agency_code: str | None = None

    @property
    def form_letter(self) -> str | None:
        """"A", "B" or "C" from the form id, or None for a foreign id."""
        prefix, _, letter = self.form_id.partition("-")
        return letter if prefix == "1322" and letter in ("A", "B", "C") else None

    def as_rows(self) -> list[tuple[str, str]]:
        """Key/value rows as written to the hidden identity sheet."""
        return [
            ("nscl_form", self.form_id),
            ("nscl_form_version", self.form_version),
            ("nscl_year", "" if self.year is None else str(self.year)),
            ("nscl_agency_code", self.agency_code or ""),
        ]

    def as_properties(self) -> dict[str, str]:
        """Custom document properties (all strings)."""
        return dict(self.as_rows())


def _build(values: dict[str, Any]) -> TemplateIdentity | None:
    form_id = str(values.get("nscl_form") or "").strip()
    version = str(values.get("nscl_form_version") or "").strip()
    if not form_id or not version:
        return None
    year_raw = values.get("nscl_year")
    year: int | None
    try:
        year = int(float(str(year_raw).strip())) if str(year_raw or "").strip() else None
    except ValueError:
        year = None
    agency = str(values.get("nscl_agency_code") or "").strip() or None
    return TemplateIdentity(form_id=form_id, form_version=version, year=year, agency_code=agency)


def identity_from_rows(rows: Iterable[Sequence[Any]]) -> TemplateIdentity | None:
    """Identity from the key/value rows of the hidden ``_nscl`` sheet, or None."""
    values: dict[str, Any] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str):
            values[row[0].strip()] = row[1]
    return _build(values)


def read_identity_properties(path: Path) -> TemplateIdentity | None:
    """Identity from the custom document properties of an .xlsx/.xlsm file, or None.

    Reads only ``docProps/custom.xml`` (size-capped, parsed with defusedxml); any
    problem with the file gives None, never an exception.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(_CUSTOM_PART)
            if info.file_size > _MAX_PART_BYTES:
                return None
            data = zf.read(info)
        root = SafeET.fromstring(data)
    except Exception:  # any unreadable file simply has no identity
        return None
    values: dict[str, Any] = {}
    for prop in root:
        name = prop.get("name")
        if not name or not name.startswith("nscl_"):
            continue
        for child in prop:
            values[name] = child.text or ""
            break
    return _build(values)
