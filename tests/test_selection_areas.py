"""Priority areas: each task in one of the five areas of the call (seed 001, items
(1)-(5)), by the keyword rules of nscl/data/priority_areas.toml or of a file the
Ministry names in the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config import ConfigError, SyncConfig, load_config
from sync.priority_areas import AreasError, default_rules, load_areas

# (expected area, name, objectives): tasks as agencies word them.
LABELLED: tuple[tuple[int | None, str, str], ...] = (
    (1, "Nghiên cứu cơ chế, chính sách thúc đẩy năng suất ngành công nghiệp chế biến",
     "Đề xuất chính sách nâng cao tỷ trọng đóng góp của TFP"),
    (1, "Nghiên cứu đề xuất giải pháp nâng cao năng suất lao động quốc gia", ""),
    (2, "Truyền thông năng suất chất lượng trên báo điện tử và mạng xã hội năm 2027", ""),
    (2, "Tổ chức Diễn đàn Năng suất quốc gia năm 2027 và hội thảo vùng về năng suất xanh",
     "Nâng cao nhận thức về năng suất chất lượng"),
    (3, "Hỗ trợ doanh nghiệp ngành dệt may áp dụng ISO 14001 và công cụ năng suất xanh", ""),
    (3, "Hỗ trợ hợp tác xã áp dụng VietGAP và truy xuất nguồn gốc cho sản phẩm OCOP", ""),
    (3, "Xây dựng mô hình nhà máy thông minh cho doanh nghiệp cơ khí",
     "03 mô hình làm điểm nhân rộng"),
    (3, "Kinh tế tuần hoàn và giảm phát thải khí nhà kính cho doanh nghiệp thép", ""),
    (4, "Đào tạo chuyên gia năng suất cho doanh nghiệp dược phẩm", ""),
    (4, "Phát triển học phần năng suất chất lượng tại 03 trường đại học khối kỹ thuật", ""),
    (4, "Bồi dưỡng kỹ năng cải tiến năng suất cho giảng viên cao đẳng nghề", ""),
    (5, "Xây dựng TCVN cho chíp bán dẫn và sản phẩm halal phục vụ xuất khẩu", ""),
    (5, "Xây dựng tiêu chuẩn quốc gia về hệ thống quản lý trí tuệ nhân tạo", ""),
    (5, "Nâng cao năng lực đánh giá sự phù hợp, chứng nhận sản phẩm xanh", ""),
    (None, "Điều tra hiện trạng", "Khảo sát"),
)


def test_the_shipped_file_has_the_five_areas_of_the_call() -> None:
    rules = default_rules()
    assert [a.number for a in rules.areas] == [1, 2, 3, 4, 5]
    assert rules.areas[4].label.startswith("(5) Tiêu chuẩn quốc gia")
    assert rules.source == "nscl/data/priority_areas.toml" and len(rules.digest) == 16


def test_the_labelled_tasks_are_classified() -> None:
    rules = default_rules()
    wrong = []
    for expected, name, objectives in LABELLED:
        area = rules.classify({"task_name": name, "objectives": objectives})
        if (area.number if area else None) != expected:
            wrong.append((name, expected, area))
    assert wrong == []


def test_case_forms_tone_placement_and_missing_diacritics_match() -> None:
    import unicodedata

    rules = default_rules()
    for name in ("ĐÀO TẠO CHUYÊN GIA NĂNG SUẤT",
                 unicodedata.normalize("NFD", "Đào tạo chuyên gia năng suất"),
                 "Dao tao chuyen gia nang suat"):
        area = rules.classify({"task_name": name})
        assert area is not None and area.number == 4, name


def test_the_name_decides_and_the_other_columns_break_its_ties() -> None:
    rules = default_rules()
    # The name names one area: the other columns do not change it.
    area = rules.classify({"task_name": "Đào tạo giảng viên",
                           "objectives": "Hỗ trợ doanh nghiệp áp dụng ISO 9001, ISO 14001, "
                                         "Lean, 5S, Kaizen"})
    assert area is not None and area.number == 4
    # As many keywords of two areas in the name: the other columns decide (3 + 1 + 1 +
    # 1 + 1 against 3 + 1).
    area = rules.classify({"task_name": "Đào tạo về ISO 9001",
                           "objectives": "Hỗ trợ doanh nghiệp áp dụng ISO 9001",
                           "main_content": "Tư vấn, áp dụng; bồi dưỡng"})
    assert area is not None and area.number == 3
    # No keyword in the name: the other columns alone.
    area = rules.classify({"task_name": "Nhiệm vụ số 7",
                           "expected_results": "01 dự thảo TCVN; chứng nhận halal"})
    assert area is not None and area.number == 5
    khoa = [rules.classify({"task_name": name}) for name in ("Khóa học năng suất",
                                                           "Khoá học năng suất")]
    assert [a.number if a else None for a in khoa] == [4, 4]  # both tone placements


def _areas_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "linh-vuc.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_ministry_s_own_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = _areas_file(tmp_path, '''title = "Định hướng 2028"
[[areas]]
number = 1
name = "Chuyển đổi số"
keywords = ["chuyển đổi số", "số hóa"]
[[areas]]
number = 2
name = "Năng suất xanh"
keywords = ["năng suất xanh", "phát thải"]
''')
    rules = load_areas(path)
    assert rules.title == "Định hướng 2028" and rules.source == str(path)
    area = rules.classify({"task_name": "Số hóa quy trình cho doanh nghiệp"})
    assert area is not None and area.label == "(1) Chuyển đổi số"
    assert rules.classify({"task_name": "Đào tạo chuyên gia"}) is None
    # Named in the config: the rules of the run, and part of what the master shows.
    config_path = tmp_path / "nscl.toml"
    config_path.write_text('[sync]\ninbox = "in"\nmaster = "m.xlsx"\nstate = "s"\n'
                           '[selection]\npriority_areas = "linh-vuc.toml"\n', encoding="utf-8")
    config = load_config(config_path)
    assert config.priority_areas == path and config.area_rules().title == "Định hướng 2028"
    before = config.settings_key()
    path.write_text(path.read_text(encoding="utf-8").replace("số hóa", "số hoá"),
                    encoding="utf-8")
    assert config.settings_key() != before  # an edited file makes a new master


@pytest.mark.parametrize(("body", "said"), [
    ("[[areas]]\nnumber = 1\nname = \"A\"\n", "keywords"),
    ("[[areas]]\nnumber = 1\nname = \"A\"\nkeywords = [\"x\"]\n"
     "[[areas]]\nnumber = 2\nname = \"B\"\nkeywords = [\"X\"]\n", "đã thuộc lĩnh vực"),
    ("[[areas]]\nnumber = 1\nkeywords = [\"x\"]\n", "name"),
    ("title = \n", "TOML"),
    ("title = \"x\"\n", "không có lĩnh vực"),
])
def test_a_file_that_cannot_be_used_is_refused_before_any_work(
        tmp_path: Path, body: str, said: str) -> None:
    path = _areas_file(tmp_path, body)
    with pytest.raises(AreasError, match=said):
        load_areas(path)
    config = SyncConfig(inbox=tmp_path, master=tmp_path / "m.xlsx", state=tmp_path / "s",
                        priority_areas=path)
    with pytest.raises(ConfigError, match=r"linh-vuc\.toml"):
        config.check()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    config = SyncConfig(inbox=tmp_path, master=tmp_path / "m.xlsx", state=tmp_path / "s",
                        priority_areas=tmp_path / "khong-co.toml")
    with pytest.raises(ConfigError, match=r"khong-co\.toml"):
        config.check()
