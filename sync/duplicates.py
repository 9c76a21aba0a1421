"""The same or nearly the same task proposed twice: by two agencies, or twice by one.

Task names are compared on a *matching text*: the name's first line, case-folded, with
the common abbreviations written out ("TCVN" -> "tiêu chuẩn quốc gia"), the stop-words
of the call's vocabulary removed ("nhiệm vụ", "hỗ trợ", "doanh nghiệp", "năng suất" …:
every proposal has them, so they make any two names look alike) and then the diacritics
removed (NFC or NFD, "Hoá" or "Hóa", a forgotten tone mark all match). The names shown
keep their diacritics. Two matching texts are scored with rapidfuzz's
``token_sort_ratio`` (0-100, word order forgiven); at :data:`THRESHOLD` or above they
are near-same, unless they name different numbers ("ISO 9001" and "ISO 14001", "năm
2026" and "năm 2027") or different provinces ("tỉnh Nghệ An", "tỉnh Bình Định"): those
are two tasks, however alike the rest. Tasks whose matching texts are equal are the same
task (100).

Near-same tasks are gathered into groups (a name like two others joins their group);
each task of a group carries its best score with another task of it. The search
compares every pair of distinct matching texts, in C (``rapidfuzz.process.cdist``):
about 25 ns a pair, so a round of 3,000 tasks costs about 0.2 s. Above
:data:`MAX_FUZZY_NAMES` tasks (a national round has a few hundred) only tasks with the
same name (case, spaces and tone placement forgiven) are grouped, and the result says
so (``fuzzy`` False).

The precision of the threshold is measured on a labelled set of pairs in
``tests/test_selection_duplicates.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from nscl.text import canonical_tone_placement, compare_key, phrases_pattern, search_fold

__all__ = [
    "MAX_FUZZY_NAMES",
    "THRESHOLD",
    "DuplicateGroup",
    "DuplicateMember",
    "DuplicateSearch",
    "MatchText",
    "find_duplicates",
    "match_text",
    "match_texts",
    "replaced_words",
    "similarity",
]

THRESHOLD = 85
MAX_FUZZY_NAMES = 3_000
_TYPO_SCORE = 75  # two words this alike are one word mistyped

# Written out before matching (whole words, case-folded, diacritics kept).
_ABBREVIATIONS: dict[str, str] = {
    "tcvn": "tiêu chuẩn quốc gia",
    "nscl": "năng suất chất lượng",
    "dn": "doanh nghiệp",
    "dnnvv": "doanh nghiệp nhỏ và vừa",
    "htx": "hợp tác xã",
    "kh&cn": "khoa học và công nghệ",
    "khcn": "khoa học và công nghệ",
    "tp.": "thành phố",
    "tp": "thành phố",
}
# Phrases every proposal is made of, removed before matching (longest first).
STOP_PHRASES: tuple[str, ...] = (
    "năng suất chất lượng", "nhiệm vụ", "hỗ trợ", "doanh nghiệp", "năng suất",
    "chất lượng", "nâng cao", "thực hiện", "triển khai", "giai đoạn", "địa bàn",
    "thúc đẩy", "các", "cho", "và", "về", "của", "trong", "tại", "theo", "với", "để",
    "những", "một", "được", "trên", "nhằm", "thuộc", "từ", "đến", "năm", "tỉnh",
    "thành phố",
)
_WORD = re.compile(r"[0-9a-z]+")
_SPACE = re.compile(r"\s+")


@cache
def _abbreviation_pattern() -> re.Pattern[str]:
    keys = sorted(_ABBREVIATIONS, key=len, reverse=True)
    return re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])")


@cache
def _stop_pattern() -> re.Pattern[str]:
    return phrases_pattern(STOP_PHRASES)


@cache
def _places() -> tuple[frozenset[str], re.Pattern[str]]:
    """Every province's and city's short name (the 63 before 1/7/2025 and the 34 after),
    folded, and a pattern finding them in a folded text."""
    from nscl.registry import agencies

    names = {search_fold(a.short_name) for a in agencies(kind="province") if a.short_name}
    names.discard("")
    return frozenset(names), phrases_pattern(names)


@dataclass(frozen=True)
class MatchText:
    """A task name as the search compares it."""

    text: str  # folded words without stop-words, numbers and places included
    numbers: frozenset[str]  # the words holding a digit ("9001", "2027", "5s")
    places: frozenset[str]  # provinces and cities named

    def conflicts(self, other: MatchText) -> bool:
        """Whether the two are two tasks whatever their score: they name different
        numbers or different places, or a word of one is replaced by another word in the
        other (:func:`replaced_words`)."""
        return bool((self.numbers and other.numbers and self.numbers != other.numbers)
                    or (self.places and other.places and not self.places & other.places)
                    or replaced_words(self.text, other.text))


def replaced_words(a: str, b: str) -> bool:
    """Whether, word by word, ``b`` is not ``a`` with words added, dropped, reordered or
    mistyped: some word of each is left over once equal words, and words alike enough
    to be a typing slip ("suat"/"xuat"), are paired off. "du lich" in one and "duoc
    pham" in the other make two tasks; "cac truong" added to one does not."""
    from collections import Counter

    from rapidfuzz import fuzz

    left, right = Counter(a.split()), Counter(b.split())
    only_a = list((left - right).elements())
    only_b = list((right - left).elements())
    if not only_a or not only_b:
        return False
    for word in list(only_a):
        match = next((other for other in only_b
                      if fuzz.ratio(word, other) >= _TYPO_SCORE), None)
        if match is not None:
            only_a.remove(word)
            only_b.remove(match)
    return bool(only_a and only_b)


def match_text(name: str) -> MatchText:
    """The matching text of a task name (its first line)."""
    return match_texts([name])[0]


_NOT_WORD = re.compile(r"[^0-9a-z\n]+")


def match_texts(names: Sequence[str]) -> list[MatchText]:
    """The matching texts of task names, in one pass over all of them (each step runs
    once over the names joined line by line: tens of thousands of names cost tens of
    milliseconds)."""
    joined = "\n".join(" ".join(name.split("\n", 1)[0].split()) for name in names)
    joined = canonical_tone_placement(joined).casefold()
    joined = _abbreviation_pattern().sub(lambda m: _ABBREVIATIONS[m.group(1)], joined)
    joined = _NOT_WORD.sub(" ", search_fold(_stop_pattern().sub(" ", joined)))
    _, place_pattern = _places()  # (no place name is made of stop-words)
    out: list[MatchText] = []
    seen: dict[str, MatchText] = {}
    for line in joined.split("\n"):
        words = line.split()
        text = " ".join(words)
        known = seen.get(text)
        if known is None:
            places = frozenset(place_pattern.findall(text)) if text else frozenset()
            numbers = frozenset(w for w in words if not w.isalpha())
            known = seen[text] = MatchText(text, numbers, places)
        out.append(known)
    return out


def similarity(a: MatchText, b: MatchText) -> int:
    """The score (0-100) of two matching texts; 0 when they conflict."""
    from rapidfuzz import fuzz

    if a.conflicts(b):
        return 0
    if a.text == b.text:
        return 100
    return round(fuzz.token_sort_ratio(a.text, b.text))


@dataclass(frozen=True)
class DuplicateMember:
    """A task of a group: its index in the searched list and its best score with another
    task of the group."""

    index: int
    score: int


@dataclass(frozen=True)
class DuplicateGroup:
    """Tasks that are the same or nearly the same, in the order they were given."""

    members: tuple[DuplicateMember, ...]

    @property
    def score(self) -> int:
        """The group's highest score (100: the same name)."""
        return max(m.score for m in self.members)


@dataclass
class DuplicateSearch:
    """What :func:`find_duplicates` found."""

    groups: list[DuplicateGroup] = field(default_factory=list)
    fuzzy: bool = True  # False: too many distinct names, only equal ones were grouped
    names: int = 0  # distinct matching texts compared

    @property
    def tasks(self) -> int:
        """Tasks in a group."""
        return sum(len(g.members) for g in self.groups)


class _Components:
    """Union-find over the distinct matching texts."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicates(names: Sequence[str], *, threshold: int = THRESHOLD,
                    max_fuzzy: int = MAX_FUZZY_NAMES) -> DuplicateSearch:
    """Groups of the same or nearly the same names among ``names`` (tasks in master
    order), largest score first; a name that is empty is never a duplicate. More than
    ``max_fuzzy`` names: the same names only (:func:`_same_names`)."""
    if len(names) > max_fuzzy:
        return _same_names(names)
    texts = match_texts(names)
    distinct: dict[MatchText, list[int]] = {}
    for i, text in enumerate(texts):
        if text.text:
            distinct.setdefault(text, []).append(i)
    keys = list(distinct)
    components = _Components(len(keys))
    best = [100 if len(distinct[k]) > 1 else 0 for k in keys]
    fuzzy = len(keys) <= max_fuzzy
    if fuzzy and len(keys) > 1:
        for a, b, score in _close_pairs([k.text for k in keys], threshold):
            # Already in one group (through a third name): nothing to learn from the pair.
            if components.find(a) == components.find(b) or keys[a].conflicts(keys[b]):
                continue
            components.union(a, b)
            best[a] = max(best[a], score)
            best[b] = max(best[b], score)
    by_root: dict[int, list[int]] = {}
    for k in range(len(keys)):
        by_root.setdefault(components.find(k), []).append(k)
    groups: list[DuplicateGroup] = []
    for members in by_root.values():
        tasks = sorted((i, best[k]) for k in members for i in distinct[keys[k]])
        if len(tasks) > 1:
            groups.append(DuplicateGroup(tuple(DuplicateMember(i, s) for i, s in tasks)))
    groups.sort(key=lambda g: (-g.score, g.members[0].index))
    return DuplicateSearch(groups, fuzzy, len(keys))


def _same_names(names: Sequence[str]) -> DuplicateSearch:
    """The groups of tasks with the same name (case, spaces and tone placement forgiven):
    the search of a round too large to compare every pair."""
    same: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        key = compare_key(name.split("\n", 1)[0])
        if key:
            same.setdefault(key, []).append(i)
    groups = [DuplicateGroup(tuple(DuplicateMember(i, 100) for i in members))
              for members in same.values() if len(members) > 1]
    groups.sort(key=lambda g: g.members[0].index)
    return DuplicateSearch(groups, False, len(same))


def _close_pairs(texts: list[str], threshold: int) -> list[tuple[int, int, int]]:
    """Every pair (i < j) of ``texts`` scoring ``threshold`` or more, computed in blocks
    of rows so that the score matrix never holds more than a few million cells."""
    import numpy as np
    from rapidfuzz import fuzz, process

    out: list[tuple[int, int, int]] = []
    block = max(1, 2_000_000 // len(texts))
    for start in range(0, len(texts), block):
        rows = texts[start:start + block]
        scores = process.cdist(rows, texts, scorer=fuzz.token_sort_ratio,
                               score_cutoff=threshold, dtype=np.uint8, workers=1)
        for r, c in zip(*np.nonzero(scores), strict=True):
            i, j = start + int(r), int(c)
            if i < j:
                out.append((i, j, int(scores[r, c])))
    return out
