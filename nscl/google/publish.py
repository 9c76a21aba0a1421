"""The official templates published as Google Sheets, one spreadsheet per agency.

Each template costs two requests: ``files.create`` (an empty Google Sheets file in the
folder, named like "Mẫu A - Bộ Công Thương - 2027") and one ``batchUpdate`` built from
the same layout plan as the Excel template
(:func:`nscl.template_build.google_sheets.sheets_requests`) — not an upload of the
.xlsx for Drive to convert, which would lose the locale order and the identity.

Each spreadsheet carries its identity (``nscl_form``, ``nscl_year``,
``nscl_agency_code`` …) also as Drive ``properties``, public to every app, so that it is
found by a query whatever credentials look. A template already in the folder (same
form, year and agency) is left as it is, so that a run can be repeated. A create whose
answer was lost is looked up by its request key before it is made again; a
``batchUpdate`` whose answer was lost is checked (is the identity metadata there?)
before it is sent again. A template that cannot be finished is deleted, so no
half-built spreadsheet is left in the folder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nscl.google.drive import quote_query_value
from nscl.google.errors import GoogleError, GoogleOutcomeUnknownError
from nscl.google.urls import SPREADSHEET_MIME, spreadsheet_url

if TYPE_CHECKING:
    from nscl.google.session import GoogleApi
    from nscl.template_build.build import AgencyLike

__all__ = [
    "PublishFailure",
    "PublishRun",
    "PublishedTemplate",
    "existing_templates",
    "publish_template",
    "publish_templates",
    "template_name",
]


@dataclass(frozen=True)
class PublishedTemplate:
    """A template published as a Google Sheets file."""

    agency_code: str | None
    agency_name: str | None
    spreadsheet_id: str
    name: str

    @property
    def url(self) -> str:
        """The link to open it."""
        return spreadsheet_url(self.spreadsheet_id)

    def as_json(self) -> dict[str, Any]:
        """``{"agency", "id", "url"}`` as ``nscl google template --format json`` prints."""
        return {"agency": self.agency_name, "id": self.spreadsheet_id, "url": self.url}


def template_name(form_letter: str, year: int, agency: AgencyLike | None) -> str:
    """The spreadsheet's name: "Mẫu A - Bộ Công Thương - 2027" ("Mẫu A - 2027")."""
    parts = [f"Mẫu {form_letter.upper()}"]
    if agency is not None:
        parts.append(agency.name)
    parts.append(str(year))
    return " - ".join(parts)


def _identity_written(api: GoogleApi, spreadsheet_id: str) -> bool:
    found = api.sheets.get_spreadsheet(
        spreadsheet_id, fields="developerMetadata(metadataKey,metadataValue)")
    return any(m.get("metadataKey") == "nscl_form" for m in found.get("developerMetadata", []))


def publish_template(
    api: GoogleApi,
    form_letter: str,
    *,
    folder_id: str,
    year: int | None = None,
    agency: AgencyLike | None = None,
) -> PublishedTemplate:
    """Create the template of ``form_letter`` for ``agency`` in ``folder_id``."""
    from nscl.template_build.build import plan_workbook
    from nscl.template_build.google_sheets import sheets_requests

    plan = plan_workbook(form_letter, year=year, agency=agency, target="google")
    requests = sheets_requests(plan)
    name = template_name(plan.form_letter, plan.year, agency)
    properties = {k: v for k, v in plan.identity.as_properties().items() if v}
    created = api.drive.create_file_once(name=name, mime_type=SPREADSHEET_MIME,
                                         parents=[folder_id], properties=properties,
                                         fields="id,name")
    spreadsheet_id = str(created["id"])
    try:
        try:
            api.sheets.batch_update(spreadsheet_id, requests, response_fields="spreadsheetId")
        except GoogleOutcomeUnknownError:
            if not _identity_written(api, spreadsheet_id):
                api.sheets.batch_update(spreadsheet_id, requests,
                                        response_fields="spreadsheetId")
    except GoogleError:
        with contextlib.suppress(GoogleError):  # the first error is the one to report
            api.drive.delete_file(spreadsheet_id)
        raise
    return PublishedTemplate(agency.code if agency else None,
                             agency.name if agency else None, spreadsheet_id, name)


@dataclass(frozen=True)
class PublishFailure:
    """A template that could not be published, and why (Vietnamese)."""

    agency_code: str | None
    agency_name: str | None
    error: GoogleError


@dataclass
class PublishRun:
    """What one publishing run did: templates created, templates already in the folder
    (left as they are), and the failure that stopped the run, if any."""

    published: list[PublishedTemplate] = field(default_factory=list)
    existing: list[PublishedTemplate] = field(default_factory=list)
    failure: PublishFailure | None = None


def existing_templates(api: GoogleApi, folder_id: str, form_id: str,
                       year: int) -> dict[str, dict[str, Any]]:
    """Templates of ``form_id`` for ``year`` already in the folder (not trashed), by
    agency code ("" for the template without an agency): one listing, all pages."""
    q = (f"{quote_query_value(folder_id)} in parents and trashed = false and "
         f"mimeType = {quote_query_value(SPREADSHEET_MIME)} and "
         f"properties has {{ key='nscl_form' and value={quote_query_value(form_id)} }} "
         f"and properties has {{ key='nscl_year' and value={quote_query_value(str(year))} }}")
    found: dict[str, dict[str, Any]] = {}
    for item in api.drive.iter_files(q=q, fields="nextPageToken,files(id,name,properties)"):
        code = (item.get("properties") or {}).get("nscl_agency_code", "")
        found.setdefault(code, item)
    return found


def publish_templates(
    api: GoogleApi,
    form_letter: str,
    agencies: Sequence[AgencyLike | None],
    *,
    folder_id: str,
    year: int,
    on_done: Callable[[PublishedTemplate, bool], None] | None = None,
) -> PublishRun:
    """Publish one template per agency (None: the template without an agency).

    An agency whose template for this form and year is already in the folder is skipped
    (so a run that stopped half-way can simply be run again). The first failure stops
    the run: the same cause (credentials, the folder, Google refusing the template)
    would fail every other agency too. ``on_done(template, created)`` is called after
    each agency.
    """
    from nscl.forms import get_form

    run = PublishRun()
    already = existing_templates(api, folder_id, get_form(form_letter).id, year)
    for agency in agencies:
        code = agency.code if agency is not None else ""
        if code in already:
            item = already[code]
            template = PublishedTemplate(code or None, agency.name if agency else None,
                                         str(item["id"]), str(item.get("name", "")))
            run.existing.append(template)
            if on_done is not None:
                on_done(template, False)
            continue
        try:
            template = publish_template(api, form_letter, folder_id=folder_id, year=year,
                                        agency=agency)
        except GoogleError as exc:
            run.failure = PublishFailure(code or None, agency.name if agency else None, exc)
            return run
        run.published.append(template)
        if on_done is not None:
            on_done(template, True)
    return run
