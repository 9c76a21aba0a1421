"""The duplicate search: the same or nearly the same task proposed twice.

Its precision and recall are measured on a labelled set of pairs of real-looking task
names (tests/fixtures/selection/duplicate_pairs.tsv): retyped, reworded, abbreviated,
NFD, upper-case copies of a name (the same task), and names that differ in the one word
that matters (ISO 9001/14001, a province, a sector, a year: two tasks).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from sync.duplicates import find_duplicates, match_text, replaced_words, similarity

PAIRS = Path(__file__).parent / "fixtures" / "selection" / "duplicate_pairs.tsv"


def _pairs() -> list[tuple[bool, str, str]]:
    out = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, a, b = line.split("\t")
            out.append((label == "1", a, b))
    return out


def test_precision_and_recall_on_the_labelled_pairs() -> None:
    pairs = _pairs()
    assert len(pairs) >= 40 and sum(label for label, _, _ in pairs) >= 20
    predicted = [(label, len(find_duplicates([a, b]).groups) == 1) for label, a, b in pairs]
    true_pos = sum(1 for label, found in predicted if label and found)
    false_pos = sum(1 for label, found in predicted if not label and found)
    false_neg = sum(1 for label, found in predicted if label and not found)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(f"duplicates: precision {precision:.3f}, recall {recall:.3f} on {len(pairs)} pairs")
    assert precision >= 0.95
    assert recall >= 0.85


def test_the_pairwise_score_agrees_with_the_search() -> None:
    for _, a, b in _pairs():
        score = similarity(match_text(a), match_text(b))
        assert (score >= 85) == (len(find_duplicates([a, b]).groups) == 1), (a, b, score)


def test_a_task_proposed_by_three_agencies_is_one_group_in_master_order() -> None:
    names = [
        "Hỗ trợ doanh nghiệp dệt may áp dụng ISO 14001 và năng suất xanh",
        "Đào tạo chuyên gia năng suất cho doanh nghiệp du lịch",
        "Hỗ trợ các doanh nghiệp dệt may áp dụng ISO 14001 và năng suất xanh",
        unicodedata.normalize("NFD", "HỖ TRỢ DOANH NGHIỆP DỆT MAY ÁP DỤNG ISO 14001 VÀ NĂNG "
                                     "SUẤT XANH"),
        "",
        "Hỗ trợ doanh nghiệp dệt may áp dụng ISO 9001 và năng suất xanh",
    ]
    search = find_duplicates(names)
    assert [[m.index for m in g.members] for g in search.groups] == [[0, 2, 3]]
    assert all(m.score == 100 for m in search.groups[0].members)
    assert search.fuzzy and search.tasks == 3


def test_the_same_name_twice_from_one_agency_is_a_duplicate() -> None:
    search = find_duplicates(["Xây dựng TCVN về sản phẩm halal"] * 2)
    assert len(search.groups) == 1 and search.groups[0].score == 100


@pytest.mark.parametrize(("a", "b"), [
    ("du lich ap dung dich vu", "duoc pham ap dung dich vu"),
    ("ca phe dac san", "che dac san"),
])
def test_a_replaced_word_makes_two_tasks(a: str, b: str) -> None:
    assert replaced_words(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("dao tao chuyen gia", "dao tao chuyen gia cac truong"),  # words added
    ("nang suat xanh", "nang xuat xanh"),  # a typing slip
    ("giam phat thai kinh te tuan hoan", "kinh te tuan hoan giam phat thai"),  # order
])
def test_added_reordered_or_mistyped_words_do_not(a: str, b: str) -> None:
    assert not replaced_words(a, b)


def test_above_the_limit_only_the_same_names_are_grouped() -> None:
    names = ["Truyền thông năng suất chất lượng năm 2027",
             "Truyền thông về năng suất chất lượng năm 2027",
             "Hỗ trợ doanh nghiệp dệt may áp dụng ISO 14001",
             "HỖ TRỢ DOANH NGHIỆP  DỆT MAY ÁP DỤNG ISO 14001"]
    full = find_duplicates(names)
    assert full.fuzzy
    assert [[m.index for m in g.members] for g in full.groups] == [[0, 1], [2, 3]]
    limited = find_duplicates(names, max_fuzzy=3)
    assert not limited.fuzzy and limited.names == 3
    assert [[m.index for m in g.members] for g in limited.groups] == [[2, 3]]
