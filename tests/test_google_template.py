"""The official templates published as Google Sheets (on the stand-in), read back as the
Ministry and a clerk would see them: content, formulas, input help, highlighting,
protection, frozen rows, identity, locale — and what an export gives nscl."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nscl.a1 import column_letter
from nscl.forms import form_a
from nscl.google.errors import GoogleStorageQuotaError, GoogleTransientError
from nscl.google.publish import PublishedTemplate, publish_template, publish_templates
from nscl.identity import IDENTITY_SHEET, identity_from_rows
from nscl.registry import get_agency
from nscl.template_build import plan_workbook
from nscl.template_build.plan import WorkbookPlan
from nscl.template_build.styles import MISSING_FILL, UNLIKELY_FILL
from nscl.validation import validate_path
from tests.google_support import CLERK, OFFICER, ROBOT, World, running_world

SHEET = form_a().sheet


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with running_world(tmp_path) as running:
        yield running


@dataclass
class Published:
    world: World
    template: PublishedTemplate
    plan: WorkbookPlan

    @property
    def id(self) -> str:
        return self.template.spreadsheet_id

    def get(self, path: str = "", params: Any = None, email: str = OFFICER) -> Any:
        url = f"{self.world.stand_in.url}/v4/spreadsheets/{self.id}{path}"
        answer = self.world.clerk(email).get(url, params=params, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def values(self, a1: str, render: str = "FORMATTED_VALUE") -> list[list[Any]]:
        return self.get(f"/values/{a1}", {"valueRenderOption": render}).get("values", [])

    def type_in(self, a1: str, rows: list[list[Any]], email: str = CLERK) -> None:
        """A clerk types values (USER_ENTERED: read in the spreadsheet's locale)."""
        url = f"{self.world.stand_in.url}/v4/spreadsheets/{self.id}/values/{a1}"
        answer = self.world.clerk(email).put(url, params={"valueInputOption": "USER_ENTERED"},
                                             json={"values": rows}, timeout=30)
        assert answer.status_code == 200, answer.text


def _publish_a(world: World) -> Published:
    agency = get_agency("bo-cong-thuong")
    template = publish_template(world.api("publish"), "A", folder_id=world.folder_id,
                                agency=agency)
    return Published(world, template, plan_workbook("A", agency=agency, target="google"))


@pytest.fixture
def published(world: World) -> Published:
    """Form A for an agency, freshly published (tests that type into it)."""
    return _publish_a(world)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Form A for an agency, published once for the tests that only read it."""
    with running_world(tmp_path_factory.mktemp("pristine")) as running:
        yield _publish_a(running)


def _row(published: Published, offset: int = 0) -> int:
    """1-based sheet row of the ``offset``-th input row."""
    table = published.plan.table
    assert table is not None
    return table.first_input_row + 1 + offset


def _col(published: Published, key: str) -> str:
    table = published.plan.table
    assert table is not None
    return column_letter(table.column_index(key))


def test_one_create_and_one_batch_update_per_template(pristine: Published) -> None:
    stand_in = pristine.world.stand_in
    assert len(stand_in.calls_to("POST", "/drive/v3/files")) == 1
    assert len(stand_in.calls_to("POST", ":batchUpdate")) == 1
    assert stand_in.calls_to("GET", api="sheets") == []  # no hidden metadata reads
    f = stand_in.file(pristine.id)
    assert f.name == "Mẫu A - Bộ Công Thương - 2027"
    assert f.parents == [pristine.world.folder_id]
    assert f.properties["nscl_form"] == "1322-A"
    assert f.properties["nscl_agency_code"] == "bo-cong-thuong"
    assert pristine.template.url == f"https://docs.google.com/spreadsheets/d/{f.id}/edit"


def test_formulas_are_written_in_en_us_and_the_locale_is_vi_vn_last(
        pristine: Published) -> None:
    batch = pristine.world.stand_in.calls_to("POST", ":batchUpdate")[0].json["requests"]
    locales = [(i, r["updateSpreadsheetProperties"]["properties"]["locale"])
               for i, r in enumerate(batch) if "updateSpreadsheetProperties" in r]
    assert locales == [(0, "en_US"), (len(batch) - 1, "vi_VN")]
    assert pristine.get(params={"fields": "properties(locale,timeZone)"})["properties"] == {
        "locale": "vi_VN", "timeZone": "Asia/Ho_Chi_Minh"}
    shown = json.dumps(pristine.get(params={"includeGridData": "true"}), ensure_ascii=False)
    assert "#ERROR!" not in shown and "#NAME?" not in shown and "#REF!" not in shown


def test_total_is_a_formula_of_state_budget_plus_counterpart_on_every_input_row(
        pristine: Published) -> None:
    table = pristine.plan.table
    assert table is not None
    total, budget, counterpart = (_col(pristine, k)
                                  for k in ("total", "state_budget", "counterpart"))
    first, last = table.first_input_row + 1, table.last_input_row + 1
    formulas = pristine.values(f"'{SHEET}'!{total}{first}:{total}{last}", "FORMULA")
    assert len(formulas) == last - first + 1
    for row, (formula,) in enumerate(formulas, start=first):
        # Shown as a Vietnamese user sees it (";" between arguments).
        assert formula == (f'=IF(AND({budget}{row}="";{counterpart}{row}="");"";'
                           f"N({budget}{row})+N({counterpart}{row}))")
    totals = table.totals_row + 1
    assert pristine.values(f"'{SHEET}'!{total}{totals}", "FORMULA") == [
        [f"=SUM({total}{first}:{total}{last})"]]


def test_a_clerk_types_vietnamese_numbers_and_gets_the_totals(published: Published) -> None:
    table = published.plan.table
    assert table is not None
    name, budget, counterpart, total = (_col(published, k) for k in (
        "task_name", "state_budget", "counterpart", "total"))
    first = _row(published)
    published.type_in(f"'{SHEET}'!{name}{first}", [["Nhiệm vụ 1"], ["Nhiệm vụ 2"]])
    published.type_in(f"'{SHEET}'!{budget}{first}:{counterpart}{first + 1}",
                      [["1.250,5", "300"], ["12.000", ""]])
    shown = published.values(f"'{SHEET}'!{total}{first}:{total}{first + 1}")
    assert shown == [["1.550,5"], ["12.000,0"]]
    assert published.values(f"'{SHEET}'!{total}{first}:{total}{first + 1}",
                            "UNFORMATTED_VALUE") == [[1550.5], [12000]]
    totals = table.totals_row + 1
    row = published.values(f"'{SHEET}'!A{totals}:K{totals}", "UNFORMATTED_VALUE")[0]
    assert row[table.column_index("total")] == 13550.5
    assert row[table.column_index("state_budget")] == 13250.5
    assert published.values(f"'{SHEET}'!{_col(published, 'lead_org')}{totals}")[0][0] \
        == "2 nhiệm vụ"


def _validation(published: Published, key: str) -> dict[str, Any]:
    cell = f"'{SHEET}'!{_col(published, key)}{_row(published, 5)}"
    data = published.get(params={"ranges": cell,
                                 "fields": "sheets.data.rowData.values.dataValidation"})
    return data["sheets"][0]["data"][0]["rowData"][0]["values"][0]["dataValidation"]


def test_validation_refuses_wrong_amounts_and_durations_with_vietnamese_help(
        published: Published) -> None:
    budget = _validation(published, "state_budget")
    assert budget["condition"] == {"type": "NUMBER_GREATER_THAN_EQ",
                                   "values": [{"userEnteredValue": "0"}]}
    assert budget["strict"] is True
    assert budget["inputMessage"].startswith("NSNN: Kinh phí ngân sách nhà nước")
    duration = _validation(published, "duration_months")
    assert duration["strict"] is True
    formula = duration["condition"]["values"][0]["userEnteredValue"]
    row = _row(published, 5)
    col = _col(published, "duration_months")
    assert formula == (f"=AND(ISNUMBER({col}{row});{col}{row}=INT({col}{row});"
                       f"{col}{row}>=1;{col}{row}<=72)")
    assert "từ 1 đến 72" in duration["inputMessage"]
    name = _validation(published, "task_name")
    assert name["strict"] is False and "Tên nhiệm vụ" in name["inputMessage"]

    first = _row(published)
    published.type_in(f"'{SHEET}'!{_col(published, 'duration_months')}{first}",
                      [["80"], ["2,5"], ["24"]])
    published.type_in(f"'{SHEET}'!{_col(published, 'state_budget')}{first}",
                      [["-5"], ["0"], ["1.250,5"]])
    invalid = published.world.stand_in.spreadsheet(published.id).invalid(SHEET)
    table = published.plan.table
    assert table is not None
    dur, bud = table.column_index("duration_months"), table.column_index("state_budget")
    r0 = table.first_input_row
    assert {(r0, dur), (r0 + 1, dur), (r0, bud)} <= invalid
    assert not {(r0 + 2, dur), (r0 + 1, bud), (r0 + 2, bud)} & invalid


def test_conditional_formats_paint_the_same_mistakes_as_excel(published: Published) -> None:
    table = published.plan.table
    assert table is not None
    first = _row(published)
    # Row 1: only a task name (the other required cells empty). Row 2: text in NSNN.
    # Row 3: complete, an amount in đồng (too large). Row 4: complete and plausible.
    published.type_in(f"'{SHEET}'!A{first}:K{first + 3}", [
        ["1", "Chỉ có tên", "", "", "", "", "", None, "", "", ""],
        ["2", "Tên", "Viện A", "Mục tiêu", "Nội dung", "Kết quả", "24", None, "một tỷ", "",
         ""],
        ["3", "Tên", "Viện B", "Mục tiêu", "Nội dung", "Kết quả", "24", None, "250000000",
         "", ""],
        ["4", "Tên", "Viện C", "Mục tiêu", "Nội dung", "Kết quả", "18", None, "1.500", "500",
         ""],
    ])
    painted = published.world.stand_in.spreadsheet(published.id).highlighted(SHEET)
    red = {cell for cell, fmt in painted.items()
           if fmt["backgroundColorStyle"]["rgbColor"] == _rgb(MISSING_FILL)}
    yellow = {cell for cell, fmt in painted.items()
              if fmt["backgroundColorStyle"]["rgbColor"] == _rgb(UNLIKELY_FILL)}
    r0 = table.first_input_row
    col = table.column_index
    assert {(r0, col(k)) for k in ("lead_org", "objectives", "main_content",
                                   "expected_results", "duration_months",
                                   "state_budget")} <= red
    assert (r0, col("task_name")) not in red
    assert (r0 + 1, col("state_budget")) in red  # text in a number column
    assert (r0 + 2, col("state_budget")) in yellow
    assert not any(r == r0 + 3 for r, _ in painted)
    assert not any(r > r0 + 3 for r, _ in painted)  # untouched rows stay plain


def _rgb(color: str) -> dict[str, float]:
    value = color.lstrip("#")
    return {k: round(int(value[i:i + 2], 16) / 255, 4)
            for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def test_headings_and_formulas_are_protected_with_a_warning_only(
        pristine: Published) -> None:
    data = pristine.get(params={"fields": "sheets(properties(title,sheetId,hidden,"
                                           "gridProperties),protectedRanges,merges)"})
    table = pristine.plan.table
    assert table is not None
    by_title = {s["properties"]["title"]: s for s in data["sheets"]}
    for sheet in data["sheets"]:
        (protected,) = sheet["protectedRanges"]
        assert protected["warningOnly"] is True
        assert set(protected["range"]) <= {"sheetId"}  # the whole sheet
    unprotected = by_title[SHEET]["protectedRanges"][0]["unprotectedRanges"]
    covered = {(r, c) for g in unprotected for r in range(g["startRowIndex"], g["endRowIndex"])
               for c in range(g["startColumnIndex"], g["endColumnIndex"])}
    inputs = {(r, c) for r in range(table.first_input_row, table.last_input_row + 1)
              for c in range(len(table.columns)) if c != table.column_index("total")}
    assert covered == inputs
    assert by_title[SHEET]["properties"]["gridProperties"]["frozenRowCount"] == \
        table.first_input_row
    plan_sheet = pristine.plan.sheet(SHEET)
    assert len(by_title[SHEET]["merges"]) == len(plan_sheet.merges)


def test_the_official_wording_is_there(pristine: Published) -> None:
    # Line breaks read as spaces: titles are broken into lines by the builder.
    text = json.dumps(pristine.values(f"'{SHEET}'!A1:K9"), ensure_ascii=False).replace("\\n", " ")
    form = form_a()
    for expected in ("BỘ CÔNG THƯƠNG", form.national_name, form.motto, form.title_for(2027),
                     "Dự kiến kinh phí (triệu đồng)", "Tổng số", "NSNN", "Đối ứng"):
        assert expected in text, expected
    guide = json.dumps(pristine.values("'Hướng dẫn'!A1:D40"), ensure_ascii=False)
    assert "HƯỚNG DẪN ĐIỀN BIỂU MẪU" in guide
    # The guide of the online template says how to work online, not how to save a file.
    assert "LÀM VIỆC TRÊN GOOGLE SHEETS" in guide and "1.250,5" in guide
    assert "Save As" not in guide and "Unprotect Sheet" not in guide


def test_the_identity_is_developer_metadata_and_a_hidden_sheet(pristine: Published) -> None:
    data = pristine.get(params={"fields": "developerMetadata,sheets.properties"})
    metadata = {m["metadataKey"]: m.get("metadataValue") for m in data["developerMetadata"]}
    assert metadata == {"nscl_form": "1322-A", "nscl_form_version": "2026.1",
                        "nscl_year": "2027", "nscl_agency_code": "bo-cong-thuong"}
    assert all(m["visibility"] == "DOCUMENT" for m in data["developerMetadata"])
    hidden = [s["properties"]["title"] for s in data["sheets"] if s["properties"].get("hidden")]
    assert hidden == [IDENTITY_SHEET]
    rows = pristine.values(f"{IDENTITY_SHEET}!A1:B4")
    assert identity_from_rows(rows) == pristine.plan.identity


def test_an_export_is_recognised_as_the_agencys_form_a(published: Published,
                                                       tmp_path: Path) -> None:
    first = _row(published)
    published.type_in(f"'{SHEET}'!A{first}:K{first}", [
        ["1", "Hỗ trợ doanh nghiệp áp dụng ISO 9001", "Viện Năng suất", "Mục tiêu",
         "Nội dung", "Kết quả", "24", None, "1.250,5", "300", ""]])
    xlsx = published.world.api("check").drive.export(published.id)
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx)
    report = validate_path(path)
    assert (report.form, report.year) == ("A", 2027)
    assert report.agency is not None and report.agency.code == "bo-cong-thuong"
    assert len(report.rows) == 1
    assert report.summary.total == pytest.approx(1550.5)
    assert report.errors == []


@pytest.mark.parametrize("letter", ["B", "C"])
def test_forms_b_and_c_publish_without_formula_errors(world: World, letter: str) -> None:
    template = publish_template(world.api("publish"), letter, folder_id=world.folder_id)
    published = Published(world, template, plan_workbook(letter))
    data = published.get(params={"includeGridData": "true"})
    shown = json.dumps(data, ensure_ascii=False)
    assert "#ERROR!" not in shown and "#NAME?" not in shown
    assert [s["properties"]["title"] for s in data["sheets"]] == [
        s.name for s in published.plan.sheets]
    assert template.name == f"Mẫu {letter} - {published.plan.year}"


def test_form_b_sums_its_budget_indicators(world: World) -> None:
    template = publish_template(world.api("publish"), "B", folder_id=world.folder_id)
    plan = plan_workbook("B")
    published = Published(world, template, plan)
    layout = plan.indicators
    assert layout is not None
    form = layout.sheet
    computed = next(i for g in _form_b_groups() for i in g if i.computed)
    parts = computed.computed_from
    year_col = column_letter(layout.year_column)
    for n, key in enumerate(parts, start=1):
        published.type_in(f"'{form}'!{year_col}{layout.rows[key] + 1}", [[f"{n},5"]])
    total = published.values(f"'{form}'!{year_col}{layout.rows[computed.key] + 1}",
                             "UNFORMATTED_VALUE")
    assert total == [[sum(n + 0.5 for n in range(1, len(parts) + 1))]]


def _form_b_groups() -> list[Any]:
    from nscl.forms import form_b

    return [group.indicators for group in form_b().groups]


def test_running_again_leaves_published_templates_alone(world: World) -> None:
    agencies = [get_agency("bo-cong-thuong"), get_agency("tinh-nghe-an")]
    first = publish_templates(world.api(), "A", agencies, folder_id=world.folder_id, year=2027)
    assert [t.agency_code for t in first.published] == ["bo-cong-thuong", "tinh-nghe-an"]
    again = publish_templates(world.api(), "A", agencies, folder_id=world.folder_id, year=2027)
    assert again.published == [] and again.failure is None
    assert {t.spreadsheet_id for t in again.existing} == {
        t.spreadsheet_id for t in first.published}
    assert len(world.stand_in.calls_to("POST", "/drive/v3/files")) == 2


def test_a_template_that_cannot_be_finished_is_removed_and_the_run_stops(
        world: World) -> None:
    world.stand_in.fail("500-html", path_contains=":batchUpdate", times=6)
    agencies = [get_agency("bo-cong-thuong"), get_agency("tinh-nghe-an")]
    run = publish_templates(world.api(), "A", agencies, folder_id=world.folder_id, year=2027)
    assert run.published == []
    assert run.failure is not None and run.failure.agency_code == "bo-cong-thuong"
    assert isinstance(run.failure.error, GoogleTransientError)
    assert len(world.stand_in.calls_to("POST", "/drive/v3/files")) == 1
    assert [f for f in world.stand_in.files.values() if f.name.startswith("Mẫu A")] == []


def test_a_lost_answer_to_the_batch_update_is_checked_not_repeated(world: World) -> None:
    world.stand_in.fail("drop-after-apply", path_contains=":batchUpdate")
    template = publish_template(world.api(), "A", folder_id=world.folder_id,
                                agency=get_agency("tinh-nghe-an"))
    assert len(world.stand_in.calls_to("POST", ":batchUpdate")) == 1
    assert world.stand_in.spreadsheet(template.spreadsheet_id).locale == "vi_VN"


def test_a_service_account_needs_a_shared_drive(world: World) -> None:
    own = world.stand_in.add_folder("Thư mục riêng", owner=OFFICER,
                                    shared_with={ROBOT: "writer"})
    with pytest.raises(GoogleStorageQuotaError, match="bộ nhớ dùng chung"):
        publish_template(world.api(), "A", folder_id=own)
    assert [f.name for f in world.stand_in.files.values() if f.parents == [own]] == []


@dataclass(frozen=True)
class _OddAgency:
    code: str = "bo-thu"
    name: str = '=HYPERLINK("http://x","y")'
    kind: str = "ministry"


def test_agency_text_never_becomes_a_formula(world: World) -> None:
    template = publish_template(world.api(), "A", folder_id=world.folder_id,
                                agency=_OddAgency())
    published = Published(world, template, plan_workbook("A", agency=_OddAgency()))
    cell = published.get(params={"ranges": f"'{SHEET}'!A1",
                                 "fields": "sheets.data.rowData.values(userEnteredValue)"})
    value = cell["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredValue"]
    assert value == {"stringValue": '=HYPERLINK("HTTP://X","Y")'}


def test_many_agencies_are_published_within_the_sheets_quota(tmp_path: Path) -> None:
    """More templates than the quota allows writes per minute: nscl spaces its
    batchUpdates; Google (the stand-in, quota 6 per minute here) never answers 429."""
    from nscl.registry import agencies

    with running_world(tmp_path, quota_per_minute=6) as small:
        chosen = agencies(kind="province")[:8]
        start = small.clock.monotonic()
        run = publish_templates(small.api(quota=6), "C", chosen, folder_id=small.folder_id,
                                year=2027)
        assert run.failure is None and len(run.published) == 8
        answers = [c.status for c in small.stand_in.calls_to("POST", ":batchUpdate")]
        assert answers == [200] * 8
        assert small.clock.monotonic() - start > 60.0  # 8 writes need over a minute
