"""gspread itself, unchanged, against the stand-in: its requests are sent to the stand-in
by a transport adapter mounted on the session (the requests library's extension point),
so gspread's own URL-building and reply-parsing run for real — on nscl's templates too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from nscl.google.publish import publish_template
from nscl.identity import IDENTITY_SHEET, identity_from_rows
from nscl.registry import get_agency
from tests.google_support import World, running_world

_GOOGLE = re.compile(r"^https://(?:www|sheets)\.googleapis\.com")


class _ToStandIn(requests.adapters.HTTPAdapter):
    """Sends requests addressed to Google's hosts to the stand-in instead."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        request.url = _GOOGLE.sub(self.root, request.url or "")
        return super().send(request, *args, **kwargs)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def _client(world: World) -> gspread.Client:
    credentials = service_account.Credentials.from_service_account_file(
        str(world.key), scopes=["https://www.googleapis.com/auth/drive",
                                "https://www.googleapis.com/auth/spreadsheets"])
    session = AuthorizedSession(credentials)
    for host in ("https://sheets.googleapis.com", "https://www.googleapis.com"):
        session.mount(host, _ToStandIn(world.stand_in.url))
    return gspread.Client(credentials, session=session)


def test_gspread_creates_writes_and_reads(world: World) -> None:
    client = _client(world)
    spreadsheet = client.create("Thử gspread", folder_id=world.folder_id)
    worksheet = spreadsheet.sheet1
    worksheet.update([["Stt", "Tên nhiệm vụ", "NSNN"], [1, "Nhiệm vụ A", 1250.5]], "A1")
    assert worksheet.get_all_values() == [["Stt", "Tên nhiệm vụ", "NSNN"],
                                          ["1", "Nhiệm vụ A", "1250.5"]]
    added = spreadsheet.add_worksheet("Phụ lục", rows=5, cols=3)
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1", "Phụ lục"]
    spreadsheet.del_worksheet(added)
    files = client.list_spreadsheet_files(folder_id=world.folder_id)
    assert [f["name"] for f in files] == ["Thử gspread"]


def test_gspread_reads_a_published_template(world: World) -> None:
    template = publish_template(world.api(), "A", folder_id=world.folder_id,
                                agency=get_agency("tinh-nghe-an"))
    spreadsheet = _client(world).open_by_key(template.spreadsheet_id)
    assert spreadsheet.title == "Mẫu A - Tỉnh Nghệ An - 2027"
    assert spreadsheet.locale == "vi_VN"
    titles = [w.title for w in spreadsheet.worksheets(exclude_hidden=True)]
    assert titles == ["Bảng tổng hợp", "Hướng dẫn"]
    identity = spreadsheet.worksheet(IDENTITY_SHEET).get_all_values()
    assert identity_from_rows(identity).agency_code == "tinh-nghe-an"  # type: ignore[union-attr]
    heading = spreadsheet.sheet1.acell("A1").value
    assert heading == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"


def test_gspread_sees_googles_errors(world: World) -> None:
    with pytest.raises(gspread.SpreadsheetNotFound):
        _client(world).open_by_key("1" + "x" * 43)
