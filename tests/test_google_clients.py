"""The Drive v3 and Sheets v4 clients, one method per endpoint, against the stand-in —
with what #20 (Google Drive as a nightly source) will lean on: listing a folder page by
page, downloading and exporting, following changes, reading values in one request."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import requests

from nscl.google.drive import query_in_folder, quote_query_value
from nscl.google.errors import GoogleNotFoundError, GoogleRequestError
from nscl.google.sheets import a1, quote_sheet_name
from nscl.google.urls import SPREADSHEET_MIME, XLSX_MIME
from tests.google_support import CLERK, World, running_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


def test_a_folder_is_listed_page_by_page(world: World) -> None:
    for n in range(23):
        world.stand_in.add_spreadsheet(f"Bảng {n:02d}", parent=world.folder_id, owner=CLERK)
    world.stand_in.add_file("ghi chú.docx", b"x", mime_type="application/msword",
                            parent=world.folder_id)
    api = world.api("collect")
    found = list(api.drive.iter_files(q=query_in_folder(world.folder_id,
                                                        mime_type=SPREADSHEET_MIME),
                                      page_size=10, order_by="name"))
    assert [f["name"] for f in found] == [f"Bảng {n:02d}" for n in range(23)]
    assert {"id", "name", "mimeType", "modifiedTime", "version"} <= set(found[0])
    assert len(world.stand_in.calls_to("GET", "/drive/v3/files")) == 3
    for call in world.stand_in.calls_to("GET", "/drive/v3/files"):
        assert call.query["supportsAllDrives"] == ["true"]
        assert call.query["includeItemsFromAllDrives"] == ["true"]


def test_shared_drive_files_need_the_all_drives_flags(world: World) -> None:
    """The stand-in refuses what Google refuses: without supportsAllDrives a file in a
    shared drive is not found (nscl always sends the flag)."""
    session = world.clerk()
    url = f"{world.stand_in.url}/drive/v3/files/{world.folder_id}"
    assert session.get(url, timeout=10).status_code == 404
    assert session.get(url, params={"supportsAllDrives": "true"}, timeout=10).status_code == 200
    assert world.api("collect").drive.get_file(world.folder_id)["id"] == world.folder_id


NAME = "Bảng 'đặc biệt' \\ 2027"


def test_quotes_in_names_do_not_break_a_query(world: World) -> None:
    world.stand_in.add_spreadsheet(NAME, parent=world.folder_id)
    api = world.api("collect")
    q = f"name = {quote_query_value(NAME)}"
    assert [f["name"] for f in api.drive.iter_files(q=q)] == [NAME]
    with pytest.raises(GoogleRequestError, match="mã 400"):
        api.drive.list_files(q="name == 'x'")


def test_files_are_downloaded_and_spreadsheets_exported(world: World) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Stt", "Tên nhiệm vụ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    uploaded = world.stand_in.add_file("Nghe An - de xuat 2027.xlsx", buffer.getvalue(),
                                       parent=world.folder_id, owner=CLERK)
    spreadsheet = world.stand_in.add_spreadsheet("Bộ Y tế", parent=world.folder_id)
    api = world.api("collect")
    assert api.drive.download(uploaded) == buffer.getvalue()
    with pytest.raises(GoogleRequestError, match="lớn hơn giới hạn"):
        api.drive.download(uploaded, max_bytes=100)
    with pytest.raises(Exception, match="403"):
        api.drive.download(spreadsheet)  # a Google Sheets file has no binary content
    world.clerk().put(
        f"{world.stand_in.url}/v4/spreadsheets/{spreadsheet}/values/A1",
        params={"valueInputOption": "USER_ENTERED"}, json={"values": [["Stt", "=1+1"]]},
        timeout=10)
    exported = openpyxl.load_workbook(io.BytesIO(api.drive.export(spreadsheet)))
    assert exported.active["A1"].value == "Stt" and exported.active["B1"].value == "=1+1"


def test_create_copy_and_delete(world: World) -> None:
    api = world.api("publish")
    made = api.drive.create_file(name="Mẫu", mime_type=SPREADSHEET_MIME,
                                 parents=[world.folder_id], properties={"nscl_form": "A"},
                                 fields="id,name,parents,properties")
    assert made["parents"] == [world.folder_id] and made["properties"]["nscl_form"] == "A"
    copied = api.drive.copy_file(made["id"], name="Bản sao", parents=[world.folder_id])
    assert copied["name"] == "Bản sao"
    uploaded = api.drive.create_file(name="a.xlsx", mime_type=XLSX_MIME,
                                     parents=[world.folder_id], content=b"PK\x03\x04data",
                                     fields="id,size")
    assert uploaded["size"] == "8"
    assert world.stand_in.file(uploaded["id"]).content == b"PK\x03\x04data"
    api.drive.delete_file(copied["id"])
    with pytest.raises(GoogleNotFoundError):
        api.drive.get_file(copied["id"])


def test_changes_since_a_token_are_listed(world: World) -> None:
    api = world.api("collect")
    token = api.drive.start_page_token()
    spreadsheet = world.stand_in.add_spreadsheet("Bộ Y tế", parent=world.folder_id)
    world.clock.advance(60)
    world.clerk().put(f"{world.stand_in.url}/v4/spreadsheets/{spreadsheet}/values/A1",
                      params={"valueInputOption": "RAW"}, json={"values": [["x"]]}, timeout=10)
    page = api.drive.list_changes(token, fields="newStartPageToken,changes(fileId,removed,"
                                                "file(name,version,modifiedTime,"
                                                "lastModifyingUser(emailAddress)))")
    (change,) = page["changes"]
    assert change["fileId"] == spreadsheet and change["removed"] is False
    assert change["file"]["version"] == "2"
    assert change["file"]["lastModifyingUser"]["emailAddress"] == CLERK
    assert api.drive.list_changes(page["newStartPageToken"])["changes"] == []


def test_values_of_several_ranges_in_one_request(world: World) -> None:
    spreadsheet = world.stand_in.add_spreadsheet("Bảng", parent=world.folder_id)
    world.clerk().put(f"{world.stand_in.url}/v4/spreadsheets/{spreadsheet}/values/A1",
                      params={"valueInputOption": "USER_ENTERED"},
                      json={"values": [["a", "1,250.5"], ["b", "=B1*2"]]}, timeout=10)
    api = world.api("collect")
    ranges = api.sheets.batch_get_values(spreadsheet, [a1("Sheet1", "A1:A2"),
                                                       a1("Sheet1", "B1:B2")],
                                         value_render="UNFORMATTED_VALUE")
    assert [r["values"] for r in ranges] == [[["a"], ["b"]], [[1250.5], [2501]]]
    assert len(world.stand_in.calls_to("GET", "values:batchGet")) == 1
    meta = api.sheets.get_spreadsheet(spreadsheet, fields="sheets.properties(title,sheetId)")
    assert meta == {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}}]}


def test_a_batch_update_is_all_or_nothing(world: World) -> None:
    spreadsheet = world.stand_in.add_spreadsheet("Bảng", parent=world.folder_id)
    api = world.api("publish")
    with pytest.raises(GoogleRequestError) as caught:
        api.sheets.batch_update(spreadsheet, [
            {"addSheet": {"properties": {"title": "Mới"}}},
            {"updateSheetProperties": {"properties": {"sheetId": 999, "title": "x"},
                                       "fields": "title"}},
        ])
    assert "No grid with id: 999" in (caught.value.detail or "")
    assert [s.title for s in world.stand_in.spreadsheet(spreadsheet).sheets] == ["Sheet1"]
    answer = requests.post(
        f"{world.stand_in.url}/v4/spreadsheets/{spreadsheet}:batchUpdate",
        headers=world.clerk().headers, json={"requests": [{"frobnicate": {}}]}, timeout=10)
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith('Invalid JSON payload received. Unknown name "frobnicate"')


def test_sheet_names_are_quoted_only_when_needed() -> None:
    assert quote_sheet_name("Sheet1") == "Sheet1"
    assert quote_sheet_name("Bảng tổng hợp") == "'Bảng tổng hợp'"
    assert quote_sheet_name("A1") == "'A1'"
    assert quote_sheet_name("It's") == "'It''s'"
    assert a1("Chỉ tiêu", "D9:E40") == "'Chỉ tiêu'!D9:E40"
