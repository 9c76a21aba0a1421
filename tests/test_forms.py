"""The form descriptions are pinned to the official wording of the seeds."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from nscl.forms import all_forms, form_a, form_b, form_c, get_form
from nscl.text import collapse_spaces

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _seed(prefix: str) -> str:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert matches, f"seed {prefix} missing from {SEEDS}"
    return collapse_spaces(unicodedata.normalize("NFC", matches[0].read_text(encoding="utf-8")))


def test_form_a_columns_in_official_order() -> None:
    form = form_a()
    assert [c.header for c in form.columns] == [
        "Stt",
        "Tên nhiệm vụ (sắp xếp theo thứ tự ưu tiên)",
        "Tổ chức chủ trì, phối hợp",
        "Mục tiêu",
        "Nội dung chính",
        "Dự kiến kết quả/ sản phẩm và yêu cầu đạt được",
        "Thời gian thực hiện",
        "Tổng số",
        "NSNN",
        "Đối ứng",
        "Ghi chú",
    ]
    assert [c.key for c in form.columns][7:10] == ["total", "state_budget", "counterpart"]
    budget = [c for c in form.columns if c.group]
    assert {c.group for c in budget} == {"Dự kiến kinh phí (triệu đồng)"}
    assert form.column("total").computed_from == ("state_budget", "counterpart")
    assert form.column("duration_months").min == 1
    assert form.column("duration_months").max == 72


def test_form_a_texts_appear_in_seed_001() -> None:
    seed = _seed("001")
    form = form_a()
    # The seed wraps header cells over several lines; compare without spaces.
    squeezed = re.sub(r"\s", "", seed)
    for column in form.columns:
        assert re.sub(r"\s", "", column.header) in squeezed, column.header
    assert re.sub(r"\s", "", form.title_for(2025)) in squeezed
    for text in (form.national_name, form.motto, form.footer_signature,
                 form.footer_signature_note, form.agency_placeholder):
        assert re.sub(r"\s", "", text) in squeezed, text


def test_form_c_texts_appear_in_seed_000() -> None:
    squeezed = re.sub(r"\s", "", _seed("000"))
    form = form_c()
    for column in form.columns:
        assert re.sub(r"\s", "", column.header) in squeezed, column.header
    assert re.sub(r"\s", "", form.title_for(2025)) in squeezed


def test_form_b_outline_follows_seed_004() -> None:
    seed = _seed("004")
    form = form_b()
    numbers = [item.number for item in form.outline if item.level == 1]
    assert numbers == ["I", "II", "III", "IV"]
    groups = [item.group for item in form.outline if item.group]
    assert groups == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    for item in form.outline:
        # Report year 2023: "… năm 2023 …", and heading III names the following year 2024.
        assert item.title_for(2023) in seed, item.title_for(2023)


def test_form_b_indicators_cover_every_group_and_the_budget() -> None:
    form = form_b()
    numbers = [g.number for g in form.groups]
    assert numbers[:6] == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    assert all(g.indicators for g in form.groups)
    keys = [i.key for i in form.indicators]
    assert len(keys) == len(set(keys))
    total = form.indicator("budget_total")
    assert total.computed_from == ("budget_central", "budget_local", "budget_counterpart")
    targets = {i.key: i.target for i in form.indicators if i.target}
    assert "600" in targets["experts_certified"]
    assert "65%" in targets["harmonised_rate"]


def test_every_form_has_id_version_and_nfc_text() -> None:
    ids = set()
    for form in all_forms():
        assert re.fullmatch(r"1322-[ABC]", form.id)
        assert re.fullmatch(r"\d{4}\.\d+", form.version)
        ids.add(form.id)
    assert ids == {"1322-A", "1322-B", "1322-C"}
    for path in Path(__file__).resolve().parents[1].glob("workbook_templates/forms/*.toml"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, path


def test_get_form_is_case_insensitive_and_rejects_unknown() -> None:
    assert get_form("a") is form_a()
    with pytest.raises(KeyError):
        get_form("Z")
