"""Match what agencies write in an annual report (Form B) to the form's outline and
indicators, however they typed it.

Agencies retype the outline and the indicator table, in a workbook or in Word:

* a heading's number typed as text in many ways ("2.3.", "2.3 ", "2.3-", "II -",
  "II.", "a)"), in the heading's cell or a cell of its own, or left out of the text
  altogether (Word's automatic numbering keeps it out of the paragraph's text);
* titles shortened ("2.3. Hỗ trợ DN áp dụng TC, QC …"), abbreviated ("NSCL" for "năng
  suất chất lượng"), with another year in them;
* indicator names abbreviated, reworded or with their words in another order, numbered
  "2.3.1" or "1", with their unit in a column of their own.

Names are compared on :func:`name_key` (NFC, case, tone placement, punctuation and years
forgiven, the form's abbreviations expanded), exactly first, then with rapidfuzz. Nothing
is guessed: a heading needs its number and a title close to the form's, or a title very
close to it; an indicator a name clearly nearer to it than to any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nscl.forms import Indicator, OutlineItem, ReportForm
from nscl.text import compare_key, nfc

__all__ = [
    "HeadingMatch",
    "IndicatorMatcher",
    "OutlineMatcher",
    "name_key",
    "split_heading_number",
]

# A heading's number at the start of a text (on its compare_key): a Roman numeral, a
# dotted number, or a letter; followed by its separator (".", ")", ":", "-", spaces)
# or by the end of the text (a number in a cell of its own).
_HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:mục|phần)\s+)?(?:"
    r"(?P<roman>[ivx]{1,4})\s*(?:[.):\-–]\s*|\s+|$)"
    r"|(?P<digits>\d{1,2}(?:\s*\.\s*\d{1,2}){0,3})\s*(?:[.):\-–]\s*|\s+|$)"
    r"|(?P<letter>[a-zđ])\s*[.)]\s*"
    r")",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*[-+•–*]\s*")
_NON_WORD = re.compile(r"[^\w%]+")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_SPACES = re.compile(r"\s+")

# A heading is a short text: longer ones are narrative (unless they start with a title).
MAX_HEADING = 400
# Title similarity (0-100) a heading needs: with its number, without it.
_WITH_NUMBER = 55.0
_WITHOUT_NUMBER = 88.0
_STRONG_WITHOUT_NUMBER = 75.0
# Indicator name similarity needed, and the lead over the next indicator.
_INDICATOR_SCORE = 80.0
_INDICATOR_MARGIN = 4.0


def _number_key(number: str) -> str:
    """"2.3." -> "2.3", "a)" -> "a", "II" -> "ii"."""
    return re.sub(r"\s+", "", compare_key(number)).strip(".)-:–")


def split_heading_number(text: str) -> tuple[str | None, str]:
    """(the heading number at the start of ``text`` as a key, the rest of the text).

    ``"2.3. Hỗ trợ …"`` -> ``("2.3", "Hỗ trợ …")``; ``"II - Đánh giá"`` -> ``("ii",
    "Đánh giá")``; a text without a number -> ``(None, text)``.
    """
    text = nfc(text).strip()
    found = _HEADING_NUMBER.match(text)
    if not found or not found.group(0).strip():
        return None, text
    number = found.group("roman") or found.group("digits") or found.group("letter") or ""
    return _number_key(number), text[found.end():].strip()


@lru_cache(maxsize=16)
def _abbreviation_pattern(abbreviations: tuple[tuple[str, str], ...]) -> tuple[
        re.Pattern[str] | None, dict[str, str]]:
    table = {compare_key(short): compare_key(long) for short, long in abbreviations}
    if not table:
        return None, table
    alternatives = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])"), table


def name_key(text: str, abbreviations: tuple[tuple[str, str], ...] = ()) -> str:
    """Key for comparing a heading or indicator name: :func:`compare_key`, the form's
    abbreviations expanded, a leading bullet dropped, years and punctuation removed."""
    key = _BULLET.sub("", compare_key(text))
    pattern, table = _abbreviation_pattern(abbreviations)
    if pattern is not None:
        key = pattern.sub(lambda m: table[m.group(0)], key)
    key = _YEARS.sub(" ", key)
    key = _NON_WORD.sub(" ", key).replace("_", " ")
    return _SPACES.sub(" ", key).strip()


def _similarity(a: str, b: str) -> float:
    """How close two name keys are (0-100): the better of the plain ratio and the ratio
    of the words in order, so that reworded and reordered names both count."""
    from rapidfuzz import fuzz

    if not a or not b:
        return 0.0
    return float(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)))


def _prefix_similarity(text: str, title: str) -> float:
    """How close the start of ``text`` is to ``title`` (a heading followed by its
    narrative in the same paragraph, or a title cut short)."""
    from rapidfuzz import fuzz

    if not text or not title:
        return 0.0
    if len(text) >= len(title):
        return float(fuzz.ratio(text[: len(title)], title))
    if len(text) < 20:  # too short to stand for a title cut short
        return 0.0
    return float(fuzz.ratio(text, title[: len(text)]))


@dataclass(frozen=True)
class HeadingMatch:
    """An outline item found in a text, and the text that follows its title there
    (a narrative begun on the heading's own line: "a) Về kế hoạch: Năm 2026, …")."""

    item: OutlineItem
    trailing: str = ""


class OutlineMatcher:
    """Finds the form's outline headings in the texts of a report, in reading order.

    Each item is found once; among items equally good, the next ones in the outline's
    order come first (the outline repeats numbers: "1." is under I, II and III).
    """

    def __init__(self, form: ReportForm, year: int | None) -> None:
        self.form = form
        abbreviations = form.abbreviations
        self._abbreviations = abbreviations
        self._items = form.outline
        self._titles = [name_key(item.title_for(year or 2000), abbreviations)
                        for item in form.outline]
        self._numbers = [_number_key(item.number) for item in form.outline]
        self._taken: set[int] = set()
        self._position = -1
        self.found: list[HeadingMatch] = []  # every heading matched, in order

    def match(self, text: str, *, number: str | None = None,
              strong: bool = False) -> HeadingMatch | None:
        """The outline item ``text`` is the heading of, or None. ``number`` is a heading
        number found beside the text (a cell of its own); ``strong``: the text looks like
        a heading (a heading style, bold), so a title a little further from the form's
        is accepted without a number."""
        if not text or len(text) > 4 * MAX_HEADING:
            return None
        typed, rest = split_heading_number(text)
        if number is not None:
            given, _ = split_heading_number(number)
            typed = given or typed
        rest_key = name_key(rest, self._abbreviations)
        best: tuple[float, int, int, str] | None = None
        for i, title in enumerate(self._titles):
            if i in self._taken:
                continue
            numbered = typed is not None and typed == self._numbers[i]
            score, trailing = self._score(rest, rest_key, title, numbered, strong)
            if score <= 0:
                continue
            # Forward items first, nearest first.
            distance = i - self._position if i > self._position else 1000 + i
            rank = (score, -distance)
            if best is None or rank > (best[0], -best[1]):
                best = (score, distance, i, trailing)
        if best is None:
            return None
        index = best[2]
        self._taken.add(index)
        self._position = index
        found = HeadingMatch(self._items[index], best[3])
        self.found.append(found)
        return found

    def _score(self, rest: str, rest_key: str, title: str, numbered: bool,
               strong: bool) -> tuple[float, str]:
        """(score, trailing narrative) of a text as the heading of an item; 0 when it
        is not."""
        if numbered and not rest_key:
            return 60.0, ""
        if len(rest) <= MAX_HEADING:
            similarity = _similarity(rest_key, title)
            if numbered and similarity >= _WITH_NUMBER:
                return 100.0 + similarity, ""
            if similarity >= (_STRONG_WITHOUT_NUMBER if strong else _WITHOUT_NUMBER):
                return similarity, ""
        # A title followed by its narrative, or cut short.
        prefix = _prefix_similarity(rest_key, title)
        if prefix >= (85.0 if numbered else 92.0):
            trailing = _after_title(rest, title, self._abbreviations) \
                if len(rest_key) > len(title) + 10 else ""
            if len(rest_key) > len(title) + 10 and not trailing:
                return 0.0, ""  # a long text merely starting like a title
            return (100.0 if numbered else 0.0) + prefix - 1, trailing
        return 0.0, ""


def _after_title(rest: str, title_key: str, abbreviations: tuple[tuple[str, str], ...]) -> str:
    """The text after a title that opens ``rest``, when a separator (":", ".", a line
    break) ends the title there; "" otherwise."""
    for match in re.finditer(r"[:.\n]", rest):
        head = name_key(rest[: match.start()], abbreviations)
        if abs(len(head) - len(title_key)) <= max(8, len(title_key) // 5) and \
                _similarity(head, title_key) >= 85:
            return rest[match.end():].strip()
    return ""


@dataclass(frozen=True)
class _Entry:
    key: str
    indicator: Indicator


class IndicatorMatcher:
    """Finds the form's indicator an agency's row stands for, from its name, number and
    unit (see the module docstring)."""

    def __init__(self, form: ReportForm) -> None:
        self.form = form
        self._abbreviations = form.abbreviations
        self._exact: dict[str, Indicator] = {}
        entries: list[_Entry] = []
        for indicator in form.indicators:
            for text in (indicator.name, *indicator.aliases):
                key = name_key(text, self._abbreviations)
                self._exact.setdefault(key, indicator)
                entries.append(_Entry(key, indicator))
        self._entries = tuple(entries)
        self._by_number = {indicator.number: indicator for indicator in form.indicators}
        self._groups = {name_key(group.title, self._abbreviations) for group in form.groups}

    def is_group_title(self, text: str) -> bool:
        """Whether ``text`` is the title of an indicator group (a row over its indicators)."""
        from rapidfuzz import fuzz

        _, rest = split_heading_number(text)
        key = name_key(rest, self._abbreviations)
        return key in self._groups or any(fuzz.ratio(key, g) >= 92 for g in self._groups)

    def is_exact(self, name: str, indicator: Indicator) -> bool:
        """Whether ``name`` is the indicator's name or one of its aliases (forgiving case,
        punctuation and abbreviations only)."""
        _, rest = split_heading_number(name)
        return self._exact.get(name_key(rest, self._abbreviations)) is indicator

    def match(self, name: str, *, number: object = None, unit: object = None,
              exclude: Iterable[str] = ()) -> Indicator | None:
        """The indicator of a row named ``name`` (its STT ``number`` and ``unit`` when
        the table has them), or None. Indicators in ``exclude`` (already found) are
        not candidates."""
        taken = set(exclude)
        typed_number, rest = split_heading_number(name)
        key = name_key(rest, self._abbreviations)
        found = self._exact.get(key)
        if found is not None and found.key not in taken:
            return found
        by_number = self._number(number) or (typed_number if typed_number and "." in
                                            typed_number else None)
        numbered = self._by_number.get(by_number) if by_number else None
        unit_key = name_key(str(unit)) if unit not in (None, "") else ""
        scores: dict[str, tuple[float, Indicator]] = {}
        for entry in self._entries:
            indicator = entry.indicator
            if indicator.key in taken:
                continue
            score = self._name_score(key, entry.key)
            if unit_key:
                score += 4.0 if _same_unit(unit_key, indicator.unit) else -15.0
            if numbered is not None and numbered.key == indicator.key:
                score += 10.0
            if score > scores.get(indicator.key, (-1.0, indicator))[0]:
                scores[indicator.key] = (score, indicator)
        ranked = sorted(scores.values(), key=lambda item: item[0], reverse=True)
        if ranked and ranked[0][0] >= _INDICATOR_SCORE and (
            len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= _INDICATOR_MARGIN
        ):
            return ranked[0][1]
        # The number alone, when the unit agrees and the name is not another indicator's.
        others = [score for score, ind in ranked if numbered is None or ind is not numbered]
        if numbered is not None and numbered.key not in taken and (
            not unit_key or _same_unit(unit_key, numbered.unit)
        ) and (not others or others[0] < _INDICATOR_SCORE):
            return numbered
        return None

    @staticmethod
    def _number(value: object) -> str | None:
        if value is None or value == "" or isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            return None  # "1", "2": numbered within the agency's own table
        text = _number_key(str(value))
        return text if re.fullmatch(r"\d+(?:\.\d+){1,3}", text) else None

    @staticmethod
    def _name_score(key: str, candidate: str) -> float:
        from rapidfuzz import fuzz

        if not key:
            return 0.0
        # Names shortened to their core words ("Số chuyên gia năng suất") count nearly
        # as much as reordered ones; a shared word or two does not.
        sort = fuzz.token_sort_ratio(key, candidate)
        subset = fuzz.token_set_ratio(key, candidate)
        return float(max(fuzz.ratio(key, candidate), sort, (sort + subset) / 2))


def _same_unit(unit_key: str, unit: str) -> bool:
    other = name_key(unit)
    return unit_key == other or unit_key in other.split() or other in unit_key
