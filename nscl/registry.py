"""Registry of the agencies that submit to Program 1322 (bộ, ngành và địa phương).

The data lives in ``nscl/data/agencies.csv``, one row per agency *as it existed in a
period*: the ministries and provinces in force today, and those merged away in 2025
(ministries on 1/3/2025, Nghị quyết 176/2025/QH15; provinces on 1/7/2025, Nghị quyết
202/2025/QH15; Thừa Thiên Huế became Thành phố Huế on 1/1/2025) with the code of their
``successor`` and the last day they were in force (``valid_until``). Reports about years
before the mergers keep their old agency; :func:`current_successor` says where its
cumulative figures are carried.

Columns: ``code, kind, category, name, short_name, aliases, successor, valid_from,
valid_until, verified``. ``aliases`` is ``|``-separated; dates are ISO (empty = open);
``verified`` is ``false`` for facts not checked against a legal text (the five
government agencies). File order is the official order (Nghị quyết 176/2025/QH15 for
the central agencies, Nghị quyết 202/2025/QH15 for the 34 provinces), then the former
entries grouped by successor; :func:`agencies` keeps it, so listings follow it.

Code scheme (stable ASCII slugs, never reused; templates store them):

* ``bo-<short name>`` for a ministry: ``bo-cong-thuong``, ``bo-khoa-hoc-va-cong-nghe``;
* the slug of the full name for other central agencies: ``ngan-hang-nha-nuoc-viet-nam``,
  ``thanh-tra-chinh-phu``, ``thong-tan-xa-viet-nam``, ``uy-ban-dan-toc``;
* ``tinh-<name>`` for a province, ``tp-<name>`` for a centrally-run city:
  ``tinh-nghe-an``, ``tp-ho-chi-minh``;
* ``<code>-cu`` ("cũ", former) for a pre-merger province whose name lives on in the
  merged province: ``tinh-tuyen-quang-cu`` (until 30/6/2025) → ``tinh-tuyen-quang``.

The slug is :func:`nscl.text.fold` of the Vietnamese name with every run of other
characters turned into one dash.

Matching (:func:`match_agency`, :func:`match_filename`) works on an ASCII-folded form of
the text (any case, NFC or NFD, either tone placement, with or without spaces, CamelCase
split, "&" read as "và") and looks for every way each agency is written, in three
strengths: a ministry name after "Bộ" (or a full central-agency name) and a local name
after "UBND", "tỉnh", "thành phố", "TP" are strong; a bare ministry short name or
abbreviation counts only when it is the whole text ("Công Thương", "BCT.xlsx"); a bare
local name anywhere is weak ("Sở KH&CN Hà Tĩnh", "HaTinh.xlsx"). The strongest level
wins, a name inside a longer one loses ("Huế" in "Thừa Thiên Huế"), and a department
("Sở Tài chính") never stands for its ministry. Typos go through rapidfuzz with a strict
threshold and margin. It never guesses: no match, or two different agencies matching
equally well, gives ``agency=None`` with candidates.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path, PurePath

from rapidfuzz import fuzz

from nscl.legacy import to_unicode
from nscl.report import AgencyRef
from nscl.text import compare_key, fold, nfc

__all__ = [
    "CATEGORY_LABELS",
    "KIND_LABELS",
    "Agency",
    "AgencyMatch",
    "agencies",
    "current_successor",
    "entry_on",
    "get_agency",
    "match_agency",
    "match_filename",
    "predecessors",
    "prepare_matching",
    "successor_chain",
]

DATA_FILE = "agencies.csv"

KIND_LABELS: dict[str, str] = {"ministry": "Bộ, ngành", "province": "Địa phương"}
CATEGORY_LABELS: dict[str, str] = {
    "bo": "Bộ",
    "co-quan-ngang-bo": "Cơ quan ngang bộ",
    "co-quan-thuoc-chinh-phu": "Cơ quan thuộc Chính phủ",
    "thanh-pho": "Thành phố trực thuộc trung ương",
    "tinh": "Tỉnh",
}
_CATEGORY_KIND = {
    "bo": "ministry",
    "co-quan-ngang-bo": "ministry",
    "co-quan-thuoc-chinh-phu": "ministry",
    "thanh-pho": "province",
    "tinh": "province",
}

# Fuzzy matching (typos): score out of 100 and the lead needed over the runner-up.
FUZZY_THRESHOLD = 88.0
FUZZY_MARGIN = 8.0
_CANDIDATE_SCORE = 70.0
_MAX_CANDIDATES = 12


@dataclass(frozen=True)
class Agency:
    """One submitting agency in one period of its existence."""

    code: str
    kind: str  # "ministry" (bộ, ngành) or "province" (địa phương)
    category: str  # bo, co-quan-ngang-bo, co-quan-thuoc-chinh-phu, thanh-pho, tinh
    name: str  # official name, NFC: "Bộ Công Thương", "Tỉnh Nghệ An"
    short_name: str  # "Công Thương", "Nghệ An"
    aliases: tuple[str, ...]
    successor: str | None
    valid_from: date | None
    valid_until: date | None
    verified: bool

    def in_force_on(self, d: date) -> bool:
        """Whether the agency existed under this entry on day ``d`` (bounds inclusive)."""
        if self.valid_from is not None and d < self.valid_from:
            return False
        return self.valid_until is None or d <= self.valid_until

    @property
    def kind_label(self) -> str:
        """Vietnamese label of the kind: "Bộ, ngành" or "Địa phương"."""
        return KIND_LABELS[self.kind]

    @property
    def category_label(self) -> str:
        """Vietnamese label of the category ("Cơ quan ngang bộ", "Tỉnh"...)."""
        return CATEGORY_LABELS[self.category]

    @property
    def current(self) -> bool:
        """True when the entry has no end date (still in force)."""
        return self.valid_until is None

    def to_ref(self, source: str = "") -> AgencyRef:
        """The :class:`~nscl.report.AgencyRef` stored in a validation report."""
        return AgencyRef(code=self.code, name=self.name, kind=self.kind, source=source)


@dataclass(frozen=True)
class AgencyMatch:
    """Result of looking an agency up from free text or a file name.

    ``agency`` is None when nothing matched or when several agencies matched equally
    well; ``candidates`` then lists the agencies worth proposing to the user.
    ``method`` says how the match was made: "name" (an exact way of writing the name),
    "fuzzy" (a near miss), or "" when unmatched.
    """

    agency: Agency | None
    candidates: tuple[Agency, ...]
    query: str
    method: str = ""

    @property
    def matched(self) -> bool:
        """True when exactly one agency was identified."""
        return self.agency is not None


# --------------------------------------------------------------------------- loading


def _parse_date(value: str, code: str, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{DATA_FILE}: {code}: bad {column} {value!r}") from exc


def _read_rows() -> list[dict[str, str]]:
    source = resources.files("nscl").joinpath("data", DATA_FILE)
    return list(csv.DictReader(source.read_text(encoding="utf-8").splitlines()))


@cache
def _registry() -> dict[str, Agency]:
    """All agencies by code, in file order; the data file is checked on load."""
    result: dict[str, Agency] = {}
    for row in _read_rows():
        code = row["code"].strip()
        if not code or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code):
            raise ValueError(f"{DATA_FILE}: bad code {code!r}")
        if code in result:
            raise ValueError(f"{DATA_FILE}: duplicate code {code!r}")
        category = row["category"].strip()
        kind = row["kind"].strip()
        if _CATEGORY_KIND.get(category) != kind:
            raise ValueError(f"{DATA_FILE}: {code}: category {category!r} / kind {kind!r}")
        verified = row["verified"].strip().lower()
        if verified not in ("true", "false"):
            raise ValueError(f"{DATA_FILE}: {code}: verified must be true or false")
        aliases = tuple(nfc(a.strip()) for a in row["aliases"].split("|") if a.strip())
        result[code] = Agency(
            code=code,
            kind=kind,
            category=category,
            name=nfc(row["name"].strip()),
            short_name=nfc(row["short_name"].strip()),
            aliases=aliases,
            successor=row["successor"].strip() or None,
            valid_from=_parse_date(row["valid_from"], code, "valid_from"),
            valid_until=_parse_date(row["valid_until"], code, "valid_until"),
            verified=verified == "true",
        )
    for agency in result.values():
        if agency.successor is not None and agency.successor not in result:
            raise ValueError(f"{DATA_FILE}: {agency.code}: unknown successor {agency.successor}")
        if (agency.successor is None) != (agency.valid_until is None):
            raise ValueError(f"{DATA_FILE}: {agency.code}: successor and valid_until go together")
    for code in result:  # no cycles
        seen = {code}
        nxt = result[code].successor
        while nxt is not None:
            if nxt in seen:
                raise ValueError(f"{DATA_FILE}: successor cycle through {code}")
            seen.add(nxt)
            nxt = result[nxt].successor
    return result


def get_agency(code: str) -> Agency:
    """The agency with this code; KeyError when the code is unknown."""
    try:
        return _registry()[code]
    except KeyError:
        raise KeyError(f"unknown agency code {code!r}") from None


def agencies(*, in_force_on: date | None = None, kind: str | None = None) -> list[Agency]:
    """Agencies in data-file order, optionally only those in force on a day / of a kind."""
    return [
        a
        for a in _registry().values()
        if (kind is None or a.kind == kind)
        and (in_force_on is None or a.in_force_on(in_force_on))
    ]


def successor_chain(code: str) -> list[Agency]:
    """The agency followed by its successor, that one's successor, and so on.

    ``successor_chain("tinh-ha-giang")`` is ``[Tỉnh Hà Giang, Tỉnh Tuyên Quang]``;
    an agency still in force gives a one-item list.
    """
    chain = [get_agency(code)]
    while chain[-1].successor is not None:
        chain.append(get_agency(chain[-1].successor))
    return chain


def current_successor(code: str, on: date | None = None) -> Agency:
    """The agency that carries ``code``'s figures on day ``on`` (default: today's entry).

    The first agency of the successor chain in force on ``on``; the end of the chain when
    ``on`` is None or when no entry of the chain was in force that day.
    """
    chain = successor_chain(code)
    if on is not None:
        for agency in chain:
            if agency.in_force_on(on):
                return agency
    return chain[-1]


def entry_on(code: str, day: date) -> Agency:
    """The entry that stood for agency ``code`` on ``day``: the agency itself when it was
    in force then, else the entry of the same name among its predecessors and successors
    that was (a 2024 report marked "tp-da-nang" is old Đà Nẵng's, "tp-da-nang-cu"); the
    agency itself when there is no such single entry."""
    agency = get_agency(code)
    if agency.in_force_on(day):
        return agency
    name = compare_key(agency.short_name)
    related = [*predecessors(code), *successor_chain(code)[1:]]
    same = [a for a in related if a.in_force_on(day) and compare_key(a.short_name) == name]
    return same[0] if len(same) == 1 else agency


def predecessors(code: str) -> list[Agency]:
    """Every agency whose successor chain leads to ``code`` (direct and indirect)."""
    get_agency(code)
    return [
        a
        for a in _registry().values()
        if a.code != code and any(s.code == code for s in successor_chain(a.code)[1:])
    ]


# --------------------------------------------------------------------------- matching

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ADMIN_PREFIX = re.compile(r"(?:^| )(?:tinh|thanh ?pho|tp|ubnd) ?$")
_LEADING_PREFIX = re.compile(r"^(?:ubnd|tinh|thanh ?pho|tp|bo)(?: |$)")
_DEPARTMENT = re.compile(r"(?:^| )so (?![0-9])")
_PLACE_DATE = re.compile(r" ngay(?: |$)")
_CUT = re.compile(r"(?:^| )kinh gui(?: |$)")
# "Công nghệ" in a department's name ("Sở Khoa học và Công nghệ An Giang") is never part
# of a province's name: without this, "… Công nghệ An Giang" also reads as "Nghệ An".
_TECHNOLOGY = re.compile(r"(?<![a-z0-9])cong ?nghe(?![a-z0-9])")
_NOISE = [
    re.compile(rf"(?<![a-z0-9]){p}(?![a-z0-9])")
    for p in (
        r"v(?:er)? ?[0-9]+",
        r"nam ?[0-9]{4}",
        r"[0-9]+",
        r"de ?xuat",
        r"bang ?tong ?hop",
        r"tong ?hop",
        r"danh ?muc",
        r"nhiem ?vu",
        r"bao ?cao",
        r"ket ?qua",
        r"ban ?(?:cuoi|final|sua|chinh ?sua|moi|dieu ?chinh)",
        r"chinh ?sua",
        r"final|draft|copy|fixed|update[d]?|new|old",
        r"gui|mau|form|template|phu ?luc|kem ?theo|cong ?van|cv|dx",
        r"chuong ?trinh|nang ?suat ?chat ?luong|nscl",
        r"xlsx|xlsm|xls|ods|csv",
    )
]
_FILE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".pdf", ".doc", ".docx", ".zip"}


def _split_camel(text: str) -> str:
    """Insert spaces at CamelCase and letter/digit boundaries ("HaTinh2027" -> "Ha Tinh 2027")."""
    out: list[str] = []
    for i, ch in enumerate(text):
        if i:
            prev = text[i - 1]
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if (
                (prev.islower() and ch.isupper())
                or (prev.isupper() and ch.isupper() and nxt.islower())
                or (prev.isalpha() and ch.isdigit())
                or (prev.isdigit() and ch.isalpha())
            ):
                out.append(" ")
        out.append(ch)
    return "".join(out)


def _normalise(text: str) -> str:
    """Fold to lower-case ASCII words separated by single spaces; "&" reads as "và"."""
    text = _split_camel(nfc(text)).replace("&", " và ")
    folded = _NON_ALNUM.sub(" ", fold(text)).strip()
    return re.sub(r"(?<![a-z0-9])uy ban nhan dan(?![a-z0-9])", "ubnd", folded)


def _denoise(normalised: str) -> str:
    """Drop file-name noise: đề xuất, bảng tổng hợp, years, versions, extensions..."""
    text = normalised
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def _strip_prefixes(text: str) -> str:
    """Drop leading admin words: UBND, tỉnh, thành phố, TP, Bộ."""
    while True:
        stripped = _LEADING_PREFIX.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


def _key_regex(key: str) -> str:
    """Regex for a normalised key; spaces optional, "va" optional ("KH CN", "KHCN")."""
    parts: list[str] = []
    for i, token in enumerate(key.split()):
        if token == "va":
            parts.append("(?: ?va)?")
        else:
            parts.append((" ?" if i else "") + re.escape(token))
    return "".join(parts)


@dataclass(frozen=True)
class _Pattern:
    agency: Agency
    regex: re.Pattern[str]
    whole: bool  # only when the cleaned text is exactly this
    strong: bool  # strong wherever found (ministry names); else strong after a prefix


@dataclass(frozen=True)
class _Hit:
    agency: Agency
    start: int
    end: int
    level: int  # 3 strong, 2 whole text, 1 bare province name


def _agency_keys(agency: Agency) -> Iterable[tuple[str, bool, bool]]:
    """(normalised key, whole-text only, strong) for every way of writing the agency."""
    names = [agency.short_name, *agency.aliases]
    if agency.category == "bo":
        for name in names:
            key = _normalise(name)
            yield "bo " + key, False, True
            yield key, True, False
    elif agency.kind == "ministry":
        yield _normalise(agency.name), False, True
        for name in names:
            key = _normalise(name)
            single = " " not in key
            yield key, single, not single
    else:
        for name in names:
            yield _normalise(name), False, False


@cache
def _patterns() -> tuple[_Pattern, ...]:
    result: list[_Pattern] = []
    for agency in _registry().values():
        seen: set[tuple[str, bool]] = set()
        for key, whole, strong in _agency_keys(agency):
            if not key or (key, whole) in seen:
                continue
            seen.add((key, whole))
            body = _key_regex(key)
            regex = f"^{body}$" if whole else f"(?<![a-z0-9]){body}(?![a-z0-9])"
            result.append(_Pattern(agency, re.compile(regex), whole, strong))
    return tuple(result)


@cache
def _fuzzy_names() -> tuple[tuple[Agency, str, str], ...]:
    """(agency, name, normalised key) for near-miss matching; abbreviations left out."""
    result: list[tuple[Agency, str, str]] = []
    for agency in _registry().values():
        names = [agency.short_name, *agency.aliases]
        if agency.kind == "ministry" and agency.category != "bo":
            names.append(agency.name)
        for name in dict.fromkeys(names):
            key = _normalise(name)
            if " " in key and len(key) >= 5:
                result.append((agency, name, key))
    return tuple(result)


def _preferred(agency: Agency, on: date | None) -> bool:
    return agency.in_force_on(on) if on is not None else agency.current


def _unique(items: Iterable[Agency]) -> list[Agency]:
    seen: set[str] = set()
    out: list[Agency] = []
    for a in items:
        if a.code not in seen:
            seen.add(a.code)
            out.append(a)
    return out


def _dedupe_periods(items: Iterable[Agency], on: date | None) -> list[Agency]:
    """Keep one entry per name: the one preferred on ``on`` when a name has several."""
    groups: dict[tuple[str, str], list[Agency]] = {}
    for a in _unique(items):
        groups.setdefault((a.kind, a.name), []).append(a)
    out: list[Agency] = []
    for group in groups.values():
        preferred = [a for a in group if _preferred(a, on)]
        out.append(preferred[0] if preferred else group[0])
    return out


def _pick(agencies_same_text: list[Agency], on: date | None) -> Agency | None:
    """One agency among entries written the same way (periods of a name), or None."""
    if len(agencies_same_text) == 1:
        return agencies_same_text[0]
    preferred = [a for a in agencies_same_text if _preferred(a, on)]
    return preferred[0] if len(preferred) == 1 else None


def _exact_hits(normalised: str, cleaned: str) -> list[_Hit]:
    hits: list[_Hit] = []
    # Province names are searched with "công nghệ" blanked out (same length: positions
    # still hold); central agencies' names may contain it ("Bộ Khoa học và Công nghệ").
    blanked = _TECHNOLOGY.sub(lambda m: " " * len(m.group()), normalised)
    for pattern in _patterns():
        if pattern.whole:
            if pattern.regex.match(cleaned):
                hits.append(_Hit(pattern.agency, 0, len(normalised), 2))
            continue
        searched = blanked if pattern.agency.kind == "province" else normalised
        for m in pattern.regex.finditer(searched):
            strong = pattern.strong or bool(_ADMIN_PREFIX.search(normalised[: m.start()]))
            if not strong and _PLACE_DATE.match(normalised, m.end()):
                continue  # "Hà Nội, ngày … tháng …": where it was signed, not who signed
            hits.append(_Hit(pattern.agency, m.start(), m.end(), 3 if strong else 1))
    # A name inside a longer name of another agency ("Huế" in "Thừa Thiên Huế") loses.
    span_hits = [h for h in hits if h.level != 2]
    return [
        h
        for h in hits
        if h.level == 2
        or not any(
            o.agency.code != h.agency.code
            and o.start <= h.start
            and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in span_hits
        )
    ]


def _fuzzy_queries(denoised: str, cleaned: str) -> tuple[list[str], list[str]]:
    """Texts to compare with names: (for local and other agencies, for ministries).

    Local names are compared with the cleaned text and with what follows each admin
    word ("… tỉnh Nghệ Ann"); ministry short names only with what follows "Bộ", so
    that "Vụ Công Thương" is not taken for "Bộ Công Thương".
    """
    general = [cleaned]
    after_bo: list[str] = []
    for m in re.finditer(r"(?<![a-z0-9])(tinh|thanh pho|tp|ubnd|bo)(?![a-z0-9])", denoised):
        tail = denoised[m.end() :].strip()
        if tail:
            (after_bo if m.group(1) == "bo" else general).append(tail)

    def long_enough(queries: list[str]) -> list[str]:
        return [q for q in dict.fromkeys(queries) if len(q.replace(" ", "")) >= 4]

    return long_enough(general), long_enough(after_bo)


def _fuzzy_scores(
    denoised: str, cleaned: str, department: bool
) -> list[tuple[float, Agency, str]]:
    general, after_bo = _fuzzy_queries(denoised, cleaned)
    best: dict[str, tuple[float, Agency, str]] = {}
    for agency, _, key in _fuzzy_names():
        if agency.category != "bo":
            queries = general
        elif department:  # "Sở Tài chính" is a province's department, never Bộ Tài chính
            continue
        else:
            queries = after_bo
        compact_key = key.replace(" ", "")
        score = 0.0
        for q in queries:
            score = max(score, fuzz.ratio(q, key), fuzz.ratio(q.replace(" ", ""), compact_key))
        if score > best.get(agency.code, (-1.0,))[0]:
            best[agency.code] = (score, agency, key)
    return sorted(best.values(), key=lambda item: -item[0])


def _words(text: str) -> list[str]:
    """Lower-case words of ``text`` keeping the diacritics ("&" reads as "và")."""
    return re.findall(r"\w+", compare_key(text.replace("&", " và ")).replace("_", " "))


def _containing(cleaned: str, original: str) -> list[Agency]:
    """Agencies with a name containing every word of a short query ("Hà", "Quảng").

    Words typed with diacritics must agree with the name's ("Quảng" is not "Tuyên
    Quang"); words typed without them match either way.
    """
    words = cleaned.split()
    if not words or len(words) > 3:
        return []
    typed: dict[str, set[str]] = {}
    for word in _words(original):
        if word != fold(word):
            typed.setdefault(fold(word), set()).add(word)
    out: list[Agency] = []
    for agency, name, _ in _fuzzy_names():
        accented = _words(name)
        tokens = [fold(t) for t in accented]
        for i in range(len(tokens) - len(words) + 1):
            if tokens[i : i + len(words)] == words and all(
                w not in typed or accented[i + j] in typed[w] for j, w in enumerate(words)
            ):
                out.append(agency)
                break
    return out


def prepare_matching() -> None:
    """Load the registry and compile its name patterns now rather than on first use.

    A process that forks workers calls this first, so that every worker inherits the
    compiled patterns instead of building its own on its first file.
    """
    _patterns()
    _fuzzy_names()


def match_agency(text: str, *, on: date | None = None) -> AgencyMatch:
    """Find the agency named in ``text`` (a header cell, a signature line, a name).

    Accepts every usual way of writing it: "BỘ CÔNG THƯƠNG", "Bộ KH&CN", "UBND TỈNH NGHỆ
    AN", "Ủy ban nhân dân tỉnh Thanh Hoá", "UBND TP. HỒ CHÍ MINH", "Sở Khoa học và Công
    nghệ tỉnh Hà Tĩnh", multi-line cells, NFD text, no diacritics, text typed in the
    legacy TCVN3 or VNI encodings. ``on`` (the report's
    date) decides between entries written the same way (the former and the merged
    "Tỉnh Tuyên Quang"); without it the current entry (no end date) wins. A name that only
    existed before the mergers still matches its former entry. Near misses are accepted
    only above :data:`FUZZY_THRESHOLD` with :data:`FUZZY_MARGIN` over the runner-up.
    """
    if not isinstance(text, str):  # a cell value may be anything; never crash on it
        text = "" if text is None else str(text)
    query = text
    normalised = _normalise(to_unicode(text))  # TCVN3/VNI text typed with .Vn/VNI fonts
    cut = _CUT.search(normalised)
    if cut:
        normalised = normalised[: cut.start()].strip()
    if not normalised:
        return AgencyMatch(None, (), query)
    denoised = _denoise(normalised)
    cleaned = _strip_prefixes(denoised)

    hits = _exact_hits(normalised, cleaned)
    if hits:
        level = max(h.level for h in hits)
        top = [h for h in hits if h.level == level]
        found = _unique(h.agency for h in top)
        spans = [{(h.start, h.end) for h in top if h.agency.code == a.code} for a in found]
        common = set.intersection(*spans)
        chosen = _pick(found, on) if common else None
        if chosen is not None:
            return AgencyMatch(chosen, (chosen,), query, "name")
        return AgencyMatch(None, tuple(_dedupe_periods(found, on)), query)

    department = bool(_DEPARTMENT.search(normalised))
    scored = _fuzzy_scores(denoised, cleaned, department)
    if scored and scored[0][0] >= FUZZY_THRESHOLD:
        best_score, _, best_key = scored[0]
        same = [a for s, a, k in scored if k == best_key and s == best_score]
        rivals = [s for s, a, k in scored if k != best_key]
        if not rivals or rivals[0] <= best_score - FUZZY_MARGIN:
            chosen = _pick(_unique(same), on)
            if chosen is not None:
                return AgencyMatch(chosen, (chosen,), query, "fuzzy")
    candidates = _containing(cleaned, text) or [a for s, a, _ in scored if s >= _CANDIDATE_SCORE]
    if department:
        candidates = [a for a in candidates if a.category != "bo"]
    return AgencyMatch(None, tuple(_dedupe_periods(candidates, on)[:_MAX_CANDIDATES]), query)


def match_filename(path_or_name: str | Path, *, on: date | None = None) -> AgencyMatch:
    """Find the agency from a file name: "HaTinh.xlsx", "UBND_tinh_Lao_Cai_2027.xls",
    "BoCongThuong_DeXuat.xlsx", "de-xuat-ha-noi.ods" (folders are ignored)."""
    name = PurePath(str(path_or_name)).name
    stem = name
    while PurePath(stem).suffix.lower() in _FILE_SUFFIXES:
        stem = stem[: -len(PurePath(stem).suffix)]
    result = match_agency(stem, on=on)
    return AgencyMatch(result.agency, result.candidates, name, result.method)
