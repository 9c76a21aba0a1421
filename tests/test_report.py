"""The report model: lazy cell references survive pickling (the sync's parse cache)."""

from __future__ import annotations

import pickle

from nscl.report import BudgetSummary, RowCells, TaskRow


def test_row_cells_behave_like_a_dict_and_share_letters_through_pickle() -> None:
    letters = {"seq": "A", "task_name": "B", "total": "H"}
    rows = [TaskRow(r, {}, {}, RowCells(letters, r)) for r in (9, 10)]
    assert rows[1].cells == {"seq": "A10", "task_name": "B10", "total": "H10"}
    assert rows[0].cells["total"] == "H9"
    assert list(rows[0].cells) == ["seq", "task_name", "total"]
    back = pickle.loads(pickle.dumps(rows))
    assert [dict(r.cells) for r in back] == [dict(r.cells) for r in rows]
    assert back[0].cells._letters is back[1].cells._letters  # stored once


def test_budget_summary_amounts() -> None:
    summary = BudgetSummary(2, {"total": 1500.0, "state_budget": 1000.0, "counterpart": 500.0})
    assert (summary.total, summary.state_budget, summary.counterpart) == (1500.0, 1000.0, 500.0)
    assert summary.to_dict() == {"tasks": 2, "total": 1500.0, "state_budget": 1000.0,
                                 "counterpart": 500.0}
    # A form without money columns (Form C) has no amounts, and says so in JSON.
    assert BudgetSummary(3).amount("total") is None
    assert BudgetSummary(3).to_dict() == {"tasks": 3}


def test_row_raw_reads_through_to_the_sheet_row() -> None:
    from nscl.report import RowRaw

    positions = {"seq": 0, "task_name": 1, "notes": None, "total": 5}
    sheet_row = [1.0, "Tên nhiệm vụ", "x"]
    raw = RowRaw(positions, sheet_row)
    assert raw == {"seq": 1.0, "task_name": "Tên nhiệm vụ", "notes": "", "total": ""}
    assert raw.get("task_name") == "Tên nhiệm vụ"
    assert raw.get("unknown") is None
    back = pickle.loads(pickle.dumps(raw))
    assert dict(back) == dict(raw)
