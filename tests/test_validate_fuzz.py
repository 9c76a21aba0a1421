"""Whatever a clerk types into the official table, validation reports it and never breaks.

Random cell contents (Vietnamese text, NFD text, numbers as text, dates, booleans, formula
look-alikes, huge numbers, numbers under date formats, blanks) go under a real Form A
header; `validate_path` must return a report with no internal error, every started row
either a task or a problem, the budget identity must hold for the summary, and the marked
copy must open.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nscl.forms import form_a
from nscl.marking import annotate_copy
from nscl.validation import validate_path

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)

text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ,.-/()=+%\n\t", max_size=40)
cell: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    text,
    text.map(lambda t: unicodedata.normalize("NFD", t)),
    st.from_regex(r"\A-?[0-9]{1,3}(\.[0-9]{3}){0,3}(,[0-9]{1,2})?( triệu đồng)?\Z"),
    st.from_regex(r"\A[0-9]{1,2} (tháng|năm)\Z"),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    # Any number, up to 1E+308 (sums must not overflow), and numbers under a date or
    # duration format, also far outside every date (Excel shows "######").
    st.floats(allow_nan=False, allow_infinity=False),
    st.tuples(st.floats(allow_nan=False, allow_infinity=False),
              st.sampled_from(["dd/mm/yyyy", "hh:mm:ss", "[h]:mm", "yyyy-mm-dd hh:mm"])),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["Tổng cộng", "Cộng", "=SUM(A1:A3)", "#N/A", "  ", "0", "-0"]),
    # Stt and content lines as agencies type them: sub-items, bullets, headings.
    st.sampled_from(["1.1", "1.2.", "2.1.3", "1.1.1.1.1", "-", "+", "a)", "b.", "I", "II",
                     "- Đào tạo Lean", "a) Tư vấn 5S", "• Khảo sát", 1.1, 2.25]),
)
rows = st.lists(st.lists(cell, min_size=11, max_size=11), min_size=0, max_size=8)


def _write(path: Path, data: list[list[Any]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bảng tổng hợp"
    sheet.append(["UBND TỈNH NGHỆ AN"])
    sheet.append([form_a().title_for(2027)])
    sheet.append([c.header for c in form_a().columns])
    for values in data:
        # A string starting with "=" is written as text (data_type "s"), as typed data.
        sheet.append([v[0] if isinstance(v, tuple) else v for v in values])
        for c, value in zip(sheet[sheet.max_row], values, strict=False):
            if isinstance(value, tuple):
                c.number_format = value[1]
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"
    book.save(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_random_tables_are_reported_never_crash(data: list[list[Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nghe-an.xlsx"
        _write(path, data)
        report = validate_path(path, year=2027)
        # The marked copy sent back to the agency is written and opens again.
        marked = annotate_copy(report, path, Path(tmp) / "out")
        with warnings.catch_warnings():  # openpyxl warns of numbers outside every date
            warnings.simplefilter("ignore", UserWarning)
            reopened = openpyxl.load_workbook(marked)
        assert "Kết quả kiểm tra" in reopened.sheetnames
        reopened.close()
    assert report.readable, [p.full_message for p in report.problems]
    assert not any("lỗi nội bộ" in p.message for p in report.problems)
    summary = report.summary
    assert summary.tasks == len(report.rows)
    assert math.isclose(
        summary.total, summary.state_budget + summary.counterpart, rel_tol=1e-9, abs_tol=1e-6
    )
    for row in report.rows:
        assert set(row.cells) == {c.key for c in form_a().columns}
        for value in row.values.values():
            assert not isinstance(value, str) or unicodedata.is_normalized("NFC", value)
