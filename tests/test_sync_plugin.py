"""A second form plugs into the consolidation without touching the pipeline.

``IndicatorConsolidator`` is a minimal consolidator of the annual report (Form B): one
row per indicator, a figure with the number of enterprises supported. Registered for
form "B", it runs through the whole of ``run_sync``: ledger, validation, completeness,
master (its table plus every generic sheet), changes, JSON result and summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nscl.report import FileReport
from sync.config import SyncConfig
from sync.consolidate import BaseConsolidator, ChartContext, Figure, FigureColumn
from sync.model import Consolidation
from sync.run import run_sync
from sync.summary import summary_text
from tests.sync_support import DEADLINE, fake_validator, write_fake

BCT = ["bo-cong-thuong", "Bộ Công Thương", "ministry"]
NGHE_AN = ["tinh-nghe-an", "Tỉnh Nghệ An", "province"]


class IndicatorConsolidator(BaseConsolidator):
    """Form B, reduced to the essentials: indicators per agency (the optional parts of a
    consolidator, its own sheets and checks across the years, left to the defaults)."""

    form = "B"
    sheet_name = "Chỉ tiêu"

    def figure_columns(self) -> tuple[FigureColumn, ...]:
        return (FigureColumn("indicators", "Số chỉ tiêu", "count"),
                FigureColumn("enterprises", "Doanh nghiệp được hỗ trợ", "count", 14))

    def figures(self, report: FileReport) -> Figure:
        supported = report.indicators.get("enterprises_supported", {}).get("year")
        return {"indicators": len(report.indicators), "enterprises": supported or 0}

    def totals(self, consolidation: Consolidation) -> Figure:
        figs = [self.figures(s.report) for s in consolidation.submissions]
        return {k: sum(int(f[k] or 0) for f in figs) for k in ("indicators", "enterprises")}

    def row_count(self, report: FileReport) -> int:
        return len(report.indicators)

    def describe_rows(self, report: FileReport) -> str:
        return f"{len(report.indicators)} chỉ tiêu"

    def by_agency_note(self, year: int | None) -> str:
        return f"(Kết quả thực hiện năm {year})"

    def totals_text(self, totals: Figure) -> str:
        return f"Doanh nghiệp được hỗ trợ: {totals['enterprises']}."

    def write_table(self, workbook: Any, styles: Any, consolidation: Consolidation) -> int:
        ws = workbook.add_worksheet(self.sheet_name)
        ws.write_row(0, 0, ["Đơn vị", "Chỉ tiêu", "Năm"], styles.header)
        r = 1
        for sub in consolidation.submissions:
            for key, values in sorted(sub.report.indicators.items()):
                ws.write_string(r, 0, sub.agency.name, styles.text)
                ws.write_string(r, 1, key, styles.text)
                ws.write_number(r, 2, values["year"], styles.count)
                r += 1
        return r - 1

    def diff(self, old: FileReport, new: FileReport) -> list[tuple[str, str, str]]:
        return [("task-changed", key, f"{old.indicators[key]['year']} → {v['year']}")
                for key, v in new.indicators.items()
                if key in old.indicators and old.indicators[key] != v]

    def add_charts(self, workbook: Any, sheet: Any, context: ChartContext, row: int) -> int:
        return row


@pytest.fixture
def form_b(monkeypatch: pytest.MonkeyPatch) -> None:
    import sync.consolidate

    monkeypatch.setitem(sync.consolidate._CONSOLIDATORS, "B",
                        "tests.test_sync_plugin:IndicatorConsolidator")


def _report(path: Path, agency: list[str], supported: int) -> None:
    write_fake(path, {"agency": agency, "form": "B", "indicators": {
        "enterprises_supported": {"year": supported},
        "experts_trained": {"year": 12},
    }})


def test_a_second_form_runs_through_the_whole_pipeline(tmp_path: Path, form_b: None) -> None:
    inbox = tmp_path / "inbox"
    _report(inbox / "BCT.xlsx", BCT, 40)
    _report(inbox / "NgheAn.xlsx", NGHE_AN, 25)
    write_fake(inbox / "de-xuat.xlsx", {"agency": BCT, "rows": [["Nhiệm vụ", 1, 1]]})
    config = SyncConfig(inbox=inbox, master=tmp_path / "out" / "bao-cao.xlsx",
                        state=tmp_path / "state", year=2027, deadline=DEADLINE, workers=1,
                        form="B", expected=("bo-cong-thuong", "tinh-nghe-an", "bo-y-te"))

    first = run_sync(config, validator=fake_validator)

    result = first.result
    assert first.master_written and first.rows_in == first.rows_out == 4
    agencies = {a["code"]: a for a in result["agencies"]}
    assert agencies["bo-cong-thuong"]["enterprises"] == 40
    assert agencies["bo-y-te"]["status"] == "missing"
    assert result["totals"] == {"indicators": 4, "enterprises": 65}
    assert [r["code"] for r in result["rejected"]] == ["form-not-consolidated"]
    assert "Doanh nghiệp được hỗ trợ: 65." in summary_text(result)
    wb = openpyxl.load_workbook(config.master, read_only=True)
    assert wb.sheetnames[0] == "Chỉ tiêu"
    assert {"Theo đơn vị", "Tình hình nộp", "Lỗi kiểm tra", "Thay đổi"} <= set(wb.sheetnames)
    by_agency = [row for row in wb["Theo đơn vị"].iter_rows(values_only=True)]
    assert by_agency[1][0] == "(Kết quả thực hiện năm 2027)"
    changes = [row for row in wb["Thay đổi"].iter_rows(values_only=True)]
    assert any("2 chỉ tiêu" in str(cell) for row in changes for cell in row)

    _report(inbox / "NgheAn.xlsx", NGHE_AN, 30)
    second = run_sync(config, validator=fake_validator)
    assert second.result["totals"]["enterprises"] == 70
    assert second.result["changes"] == {"agency-updated": 1, "task-changed": 1}
