"""Google Sheets v4: one method per endpoint nscl uses.

Read a spreadsheet's structure once with :meth:`SheetsClient.get_spreadsheet` (asking
only for the ``fields`` needed) and its values with one
:meth:`SheetsClient.batch_get_values` for all the ranges, rather than a request per
sheet (gspread's ``open_by_key`` and ``worksheet()`` make hidden metadata reads each).
Writes go through one :meth:`SheetsClient.batch_update` (all-or-nothing at Google).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nscl.google.transport import GoogleHttp
from nscl.google.urls import ApiUrls

__all__ = ["SheetsClient", "a1", "quote_sheet_name"]

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


def quote_sheet_name(name: str) -> str:
    """A sheet name as an A1 range needs it: quoted ('…', with ' doubled) unless plain."""
    if _PLAIN_NAME.match(name) and not _CELL_LIKE.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def a1(sheet: str, cells: str | None = None) -> str:
    """An A1 range on ``sheet``: ``'Bảng tổng hợp'!A1:K20`` (the whole sheet without
    ``cells``)."""
    name = quote_sheet_name(sheet)
    return f"{name}!{cells}" if cells else name


def _what(spreadsheet_id: str) -> str:
    return f"bảng tính Google «{spreadsheet_id}»"


class SheetsClient:
    """Sheets v4 over a :class:`~nscl.google.transport.GoogleHttp`."""

    def __init__(self, http: GoogleHttp, urls: ApiUrls) -> None:
        self.http = http
        self.urls = urls

    def get_spreadsheet(
        self,
        spreadsheet_id: str,
        *,
        fields: str | None = None,
        ranges: Sequence[str] = (),
        include_grid_data: bool = False,
    ) -> dict[str, Any]:
        """spreadsheets.get: structure (and cell data for ``ranges`` when asked)."""
        params: list[tuple[str, Any]] = [("includeGridData", str(include_grid_data).lower())]
        params.extend(("ranges", r) for r in ranges)
        if fields is not None:
            params.append(("fields", fields))
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.spreadsheet(spreadsheet_id), params=params, api="sheets",
            what=_what(spreadsheet_id))
        return result

    def get_values(
        self,
        spreadsheet_id: str,
        a1_range: str,
        *,
        value_render: str = "FORMATTED_VALUE",
        datetime_render: str = "SERIAL_NUMBER",
        major_dimension: str = "ROWS",
    ) -> dict[str, Any]:
        """spreadsheets.values.get: ``{"range", "majorDimension", "values"?}`` (trailing
        empty cells and rows left out, as Google does)."""
        params = {"valueRenderOption": value_render, "dateTimeRenderOption": datetime_render,
                  "majorDimension": major_dimension}
        result: dict[str, Any] = self.http.request(
            "GET", self.urls.values(spreadsheet_id, a1_range), params=params, api="sheets",
            what=_what(spreadsheet_id))
        return result

    def batch_get_values(
        self,
        spreadsheet_id: str,
        ranges: Sequence[str],
        *,
        value_render: str = "FORMATTED_VALUE",
        datetime_render: str = "SERIAL_NUMBER",
        major_dimension: str = "ROWS",
    ) -> list[dict[str, Any]]:
        """spreadsheets.values.batchGet: one value range per entry of ``ranges``."""
        params: list[tuple[str, Any]] = [("ranges", r) for r in ranges]
        params += [("valueRenderOption", value_render),
                   ("dateTimeRenderOption", datetime_render),
                   ("majorDimension", major_dimension)]
        result = self.http.request(
            "GET", self.urls.values_batch_get(spreadsheet_id), params=params, api="sheets",
            what=_what(spreadsheet_id))
        value_ranges: list[dict[str, Any]] = result.get("valueRanges", [])
        return value_ranges

    def batch_update(
        self,
        spreadsheet_id: str,
        requests: Sequence[dict[str, Any]],
        *,
        include_spreadsheet: bool = False,
        response_fields: str | None = None,
    ) -> dict[str, Any]:
        """spreadsheets.batchUpdate: apply ``requests`` in order, all or none.

        Not repeated when the answer is lost (it could apply twice):
        :class:`~nscl.google.errors.GoogleOutcomeUnknownError` is raised instead.
        """
        body: dict[str, Any] = {"requests": list(requests)}
        if include_spreadsheet:
            body["includeSpreadsheetInResponse"] = True
        params = {"fields": response_fields} if response_fields else None
        result: dict[str, Any] = self.http.request(
            "POST", self.urls.batch_update(spreadsheet_id), params=params, json_body=body,
            api="sheets", what=_what(spreadsheet_id), idempotent=False)
        return result
