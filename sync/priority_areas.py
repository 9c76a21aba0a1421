"""Priority areas: each proposed task placed in one of the numbered areas of the current
"Định hướng, nội dung ưu tiên" (the call for proposals, items (1)-(5)), by keyword rules
kept in a data file the Ministry edits: ``nscl/data/priority_areas.toml`` by default, or
the file named by ``priority_areas`` in the ``[selection]`` table of the config.

A task whose name holds more keywords of one area than of any other belongs to that
area. Otherwise (no keyword in the name, or as many of two areas) each keyword in the
name scores 3 and each in its objectives, main content or expected results 1 (each
keyword once in the name, once in the rest); the task goes to the area with the highest
score, ties to the area with more keywords in the name, then to the lower number; a
task with no keyword is "Chưa xác định". Keywords are matched whatever the
case, the white space, NFC or NFD and the tone placement ("hoá"/"hóa"), and without
diacritics when the task was typed without them.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from nscl.text import compare_key, phrases_pattern, search_fold

__all__ = [
    "DEFAULT_FILE",
    "NAME_WEIGHT",
    "Area",
    "AreaRules",
    "AreasError",
    "default_rules",
    "load_areas",
]

DEFAULT_FILE = "priority_areas.toml"
NAME_WEIGHT = 3
# The columns read besides the name (Form A keys), each scoring 1 a keyword.
TEXT_KEYS: tuple[str, ...] = ("objectives", "main_content", "expected_results")


class AreasError(ValueError):
    """The priority-areas file cannot be used (Vietnamese message naming the file)."""


@dataclass(frozen=True)
class Area:
    """One numbered priority area."""

    number: int
    name: str
    description: str
    keywords: tuple[str, ...]

    @property
    def label(self) -> str:
        """ "(3) Hỗ trợ doanh nghiệp áp dụng …": the master's column and sheet."""
        return f"({self.number}) {self.name}"


@dataclass(frozen=True)
class AreaRules:
    """The areas of a file, and the classifier they make."""

    title: str
    unclassified: str
    areas: tuple[Area, ...]
    digest: str  # a short hash of the file's content (it changes the master)
    source: str  # the file's path, or the package's data file

    def area(self, number: int) -> Area:
        """The area numbered ``number``."""
        return next(a for a in self.areas if a.number == number)

    def classify(self, values: Mapping[str, Any]) -> Area | None:
        """The area of a task (Form A values by column key), None when no keyword
        matches (see the module documentation)."""
        name = values.get("task_name")
        in_name = self._keywords(name) if isinstance(name, str) else {}
        counts = sorted(in_name.values(), reverse=True)
        if counts and (len(counts) == 1 or counts[0] > counts[1]):
            return self.area(max(in_name, key=lambda n: in_name[n]))  # the name decides
        others = "\n".join(text for key in TEXT_KEYS
                           if isinstance(text := values.get(key), str) and text)
        scores = {n: NAME_WEIGHT * count for n, count in in_name.items()}
        for number, count in self._keywords(others).items():
            scores[number] = scores.get(number, 0) + count
        if not scores:
            return None
        best = max(scores, key=lambda n: (scores[n], in_name.get(n, 0), -n))
        return self.area(best)

    def _compiled(self) -> _Patterns:
        """The rules' patterns, compiled on first use and kept on the rules."""
        compiled: _Patterns | None = self.__dict__.get("_patterns")
        if compiled is None:
            compiled = _patterns(self)
            object.__setattr__(self, "_patterns", compiled)  # a frozen dataclass's cache
        return compiled

    def _keywords(self, text: str) -> dict[int, int]:
        """How many distinct keywords of each area ``text`` holds."""
        if not text:
            return {}
        plain = text.isascii()
        patterns = self._compiled()
        pattern, owner = patterns[1] if plain else patterns[0]
        folded = text.casefold() if plain else unicodedata.normalize("NFC", text).casefold()
        counts: dict[int, int] = {}
        for keyword in set(pattern.findall(folded)):
            number = owner.get(keyword) or owner[" ".join(keyword.split())]
            counts[number] = counts.get(number, 0) + 1
        return counts


# The tone on the first vowel of "oa", "oe", "uy" (the older placement: "hòa"), from
# the second ("hoà", what nscl.text.canonical_tone_placement writes).
_NEW_PLACEMENT = re.compile("([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?![a-zA-Z\u00c0-\u1ef9])")


def _old_placement(text: str) -> str:
    """``text`` (canonical placement) with the older one: "hoà" -> "hòa"."""
    def move(match: re.Match[str]) -> str:
        first, toned = match.group(1), match.group(2)
        base, mark = unicodedata.normalize("NFD", toned)[0], \
            unicodedata.normalize("NFD", toned)[1:]
        if (first in "oO") != (base in "aeAE"):  # only "oa", "oe" and "uy"
            return match.group(0)
        return unicodedata.normalize("NFC", first + mark) + base
    return _NEW_PLACEMENT.sub(move, text)


_Patterns = tuple[tuple[re.Pattern[str], dict[str, int]],
                  tuple[re.Pattern[str], dict[str, int]]]


def _patterns(rules: AreaRules) -> _Patterns:
    """One pattern over every keyword, with the area each belongs to: for text with
    diacritics (each keyword in both tone placements), and folded for text typed
    without them."""
    marked: dict[str, int] = {}
    folded: dict[str, int] = {}
    for area in rules.areas:
        for keyword in area.keywords:
            canonical = compare_key(keyword)
            marked[canonical] = area.number
            marked.setdefault(_old_placement(canonical), area.number)
            folded.setdefault(search_fold(keyword), area.number)
    return (phrases_pattern(list(marked)), marked), (phrases_pattern(list(folded)), folded)


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AreasError(f"{where}: thiếu mục «{key}» (một chuỗi trong dấu nháy kép).")
    return value.strip()


def _parse(data: bytes, source: str) -> AreaRules:
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AreasError(f"Tệp lĩnh vực ưu tiên «{source}» sai cú pháp TOML ({exc}).") \
            from exc
    raw_areas = table.get("areas")
    if not isinstance(raw_areas, list) or not raw_areas:
        raise AreasError(f"Tệp lĩnh vực ưu tiên «{source}» không có lĩnh vực nào "
                         "(các bảng [[areas]]).")
    areas: list[Area] = []
    owner: dict[str, int] = {}
    for i, raw in enumerate(raw_areas, start=1):
        where = f"Tệp lĩnh vực ưu tiên «{source}», lĩnh vực thứ {i}"
        if not isinstance(raw, dict):
            raise AreasError(f"{where}: phải là một bảng [[areas]].")
        number = raw.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise AreasError(f"{where}: «number» phải là số thứ tự (1, 2, 3 …).")
        if any(a.number == number for a in areas):
            raise AreasError(f"{where}: số {number} đã dùng cho lĩnh vực khác.")
        keywords = raw.get("keywords")
        if not isinstance(keywords, list) or not keywords \
                or not all(isinstance(k, str) and k.strip() for k in keywords):
            raise AreasError(f"{where}: «keywords» phải là danh sách từ khóa "
                             '(ví dụ ["đào tạo", "bồi dưỡng"]).')
        for keyword in keywords:
            key = compare_key(keyword)
            if owner.get(key, number) != number:
                raise AreasError(f"{where}: từ khóa «{keyword}» đã thuộc lĩnh vực "
                                 f"({owner[key]}); mỗi từ khóa chỉ thuộc một lĩnh vực.")
            owner[key] = number
        areas.append(Area(number, _text(raw, "name", where),
                          str(raw.get("description", "")).strip(),
                          tuple(k.strip() for k in keywords)))
    areas.sort(key=lambda a: a.number)
    title = str(table.get("title", "Các nội dung trọng tâm, ưu tiên")).strip()
    unclassified = str(table.get("unclassified", "Chưa xác định")).strip() or "Chưa xác định"
    return AreaRules(title, unclassified, tuple(areas),
                     hashlib.sha256(data).hexdigest()[:16], source)


@cache
def default_rules() -> AreaRules:
    """The areas of the file shipped with nscl."""
    data = resources.files("nscl").joinpath("data", DEFAULT_FILE).read_bytes()
    return _parse(data, f"nscl/data/{DEFAULT_FILE}")


def load_areas(path: Path | None) -> AreaRules:
    """The areas of ``path`` (None: the file shipped with nscl); :class:`AreasError`
    with a Vietnamese message when it cannot be used."""
    if path is None:
        return default_rules()
    try:
        data = path.read_bytes()
    except OSError as exc:
        from nscl.reading import describe_error

        raise AreasError(f"Không đọc được tệp lĩnh vực ưu tiên «{path}» "
                         f"({describe_error(exc)}).") from exc
    return _parse(data, str(path))
