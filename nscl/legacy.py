"""Legacy Vietnamese 8-bit encodings: TCVN3 (ABC, ".VnTime" fonts) and VNI-Windows.

Older offices still type with fonts that draw Vietnamese letters over Latin-1 code
points. A spreadsheet stores what was typed, so in any Unicode font (or in our reader)
the text shows as mojibake: "Bé Khoa häc vµ C«ng nghÖ" (TCVN3) or "Boä Khoa hoïc vaø
Coâng ngheä" (VNI) for "Bộ Khoa học và Công nghệ".

The tables are built from the published encodings:

* TCVN3 (TCVN 5712:1993, VN3 / "ABC"): one byte per letter, lowercase toned letters
  in 0xA8-0xFE and the seven capitals Ă Â Ê Ô Ơ Ư Đ in 0xA1-0xA7 (it matches the
  lowercase part of glibc's TCVN5712-1 table). Toned capitals do not exist: the
  all-capitals fonts (".VnTimeH") draw the lowercase codes as capitals, so text with no
  lowercase ASCII letter is converted to capitals.
* VNI-Windows: a base letter followed by a mark byte (tone, circumflex, breve, or
  circumflex/breve with a tone), plus single bytes for ơ ư đ, the toned i and ỵ.

:func:`detect_legacy` is conservative: it answers only for text made of Latin-1
characters only (a real Unicode Vietnamese text nearly always holds letters beyond
Latin-1 such as "ư", "ộ", "đ"), holding characters that Vietnamese Unicode text does
not use, and whose conversion reads as Vietnamese syllables.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

__all__ = [
    "LegacyEncoding",
    "convert_legacy",
    "detect_legacy",
    "encode_legacy",
    "surely_unicode",
    "to_unicode",
]

LegacyEncoding = Literal["tcvn3", "vni"]

# ---- TCVN3 (ABC) ---------------------------------------------------------------------
# Unicode letters and their TCVN3 code points, in the order of the published table.
_TCVN3_UNICODE = (
    "ĂÂÊÔƠƯĐăâêôơưđ"
    "àảãáạằẳẵắặầẩẫấậ"
    "èẻẽéẹềểễếệ"
    "ìỉĩíị"
    "òỏõóọồổỗốộờởỡớợ"
    "ùủũúụừửữứự"
    "ỳỷỹýỵ"
)
_TCVN3_CODES = bytes.fromhex(
    "A1A2A3A4A5A6A7A8A9AAABACADAE"  # Ă Â Ê Ô Ơ Ư Đ ă â ê ô ơ ư đ
    "B5B6B7B8B9BBBCBDBEC6C7C8C9CACB"  # a, ă, â with tones
    "CCCECFD0D1D2D3D4D5D6"  # e, ê
    "D7D8DCDDDE"  # i
    "DFE1E2E3E4E5E6E7E8E9EAEBECEDEE"  # o, ô, ơ
    "EFF1F2F3F4F5F6F7F8F9"  # u, ư
    "FAFBFCFDFE"  # y
).decode("latin-1")
assert len(_TCVN3_UNICODE) == len(_TCVN3_CODES) == 74

_TCVN3_DECODE = str.maketrans(_TCVN3_CODES, _TCVN3_UNICODE)
# Encoding: toned capitals fall back to their lowercase code (what ".VnTimeH" draws).
_TCVN3_ENCODE: dict[int, str] = {
    ord(u): c for u, c in zip(_TCVN3_UNICODE, _TCVN3_CODES, strict=True)
}
for _u, _c in zip(_TCVN3_UNICODE[7:], _TCVN3_CODES[7:], strict=True):
    _TCVN3_ENCODE.setdefault(ord(_u.upper()), _c)

# ---- VNI-Windows ---------------------------------------------------------------------
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
# Mark bytes (lowercase form; the capital form is the same letter upper-cased).
_VNI_TONE = dict(zip(_TONES, "ùøûõï", strict=True))
_VNI_CIRC = "â"
_VNI_CIRC_TONE = dict(zip(_TONES, "áàåãä", strict=True))
_VNI_BREVE = "ê"
_VNI_BREVE_TONE = dict(zip(_TONES, "éèúüë", strict=True))
# Letters written as one byte: ơ, ư, đ, the toned i, ỵ.
_VNI_SINGLE = {
    "ơ": "ô", "ư": "ö", "đ": "ñ",
    "ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î",
}


def _compose(*parts: str) -> str:
    return unicodedata.normalize("NFC", "".join(parts))


@cache
def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(unicode letter -> VNI sequence, VNI sequence -> unicode letter), both cases."""
    encode: dict[str, str] = {}

    def add(letter: str, seq: str) -> None:
        encode[letter] = seq
        encode[letter.upper()] = seq.upper()

    for letter, seq in _VNI_SINGLE.items():
        add(letter, seq)
    for base in "aeouy":
        for tone, mark in _VNI_TONE.items():
            add(_compose(base, tone), base + mark)
    for base in "aeo":
        add(_compose(base, _CIRC), base + _VNI_CIRC)
        for tone, mark in _VNI_CIRC_TONE.items():
            add(_compose(base, _CIRC, tone), base + mark)
    add(_compose("a", _BREVE), "a" + _VNI_BREVE)
    for tone, mark in _VNI_BREVE_TONE.items():
        add(_compose("a", _BREVE, tone), "a" + mark)
    for horn_letter in ("o", "u"):
        single = _VNI_SINGLE[_compose(horn_letter, _HORN)]
        for tone, mark in _VNI_TONE.items():
            add(_compose(horn_letter, _HORN, tone), single + mark)
    # "i" and "ỵ" take single bytes above; "y" with the dot below is "î", not "yï".
    encode.pop("ỵ", None)
    encode.pop("Ỵ", None)
    add("ỵ", "î")
    decode = {seq: letter for letter, seq in encode.items()}
    # Capital base with a lowercase mark (and the reverse) occurs in mixed typing.
    for seq, letter in list(decode.items()):
        if len(seq) == 2:
            decode.setdefault(seq[0] + seq[1].swapcase(), letter)
    return encode, decode


@cache
def _vni_decode_pattern() -> re.Pattern[str]:
    _, decode = _vni_tables()
    keys = sorted(decode, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


# ---- detection -------------------------------------------------------------------------
# Latin-1 letters that genuine Vietnamese Unicode text uses.
_VIET_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# Any character beyond Latin-1 (and not a cp1252 punctuation mark) means real Unicode.
_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u20ac]")
# Latin-1 characters that Vietnamese Unicode text does not use: legacy suspects.
_SUSPECT = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0xA1, 0x100) if chr(c) not in _VIET_LATIN1)
    + "]"
)
_WORD = re.compile(r"[^\W\d_]+|\S", re.UNICODE)
# Vowel nuclei of Vietnamese syllables (tone marks removed), longest first.
_NUCLEI = (
    *("iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu"),
    *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe"),
    *("oi", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "ưa", "ưi", "ưu", "ươ", "uy"),
    *("yê", "oo", "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"(?:" + "|".join(_NUCLEI) + r")"
    r"(?:ch|nh|ng|[cmnpt])?"
)


def _strip_tones(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    kept = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", kept)


def _vietnamese_score(text: str) -> tuple[float, int]:
    """(share of non-ASCII words that are Vietnamese syllables, number of such words)."""
    words = [
        w
        for w in _WORD.findall(text)
        if not w.isascii() and (w[0].isalpha() or _SUSPECT.match(w))
    ]
    if not words:
        return 0.0, 0
    good = 0
    for word in words:
        bare = _strip_tones(word)
        if _SYLLABLE.fullmatch(bare) and len(unicodedata.normalize("NFC", word)) <= 7:
            good += 1
    return good / len(words), len(words)


def _tcvn3_to_unicode(text: str) -> str:
    converted = text.translate(_TCVN3_DECODE)
    if any(ch.isascii() and ch.isupper() for ch in text) and not any(
        ch.isascii() and ch.islower() for ch in text
    ):
        converted = converted.upper()
    return converted


def _vni_to_unicode(text: str) -> str:
    _, decode = _vni_tables()
    return _vni_decode_pattern().sub(lambda m: decode[m.group(0)], text)


def convert_legacy(text: str, encoding: LegacyEncoding) -> str:
    """Convert ``text`` typed in a legacy encoding (``"tcvn3"`` or ``"vni"``) to NFC Unicode."""
    if encoding == "tcvn3":
        return unicodedata.normalize("NFC", _tcvn3_to_unicode(text))
    if encoding == "vni":
        return unicodedata.normalize("NFC", _vni_to_unicode(text))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def encode_legacy(text: str, encoding: LegacyEncoding) -> str:
    """Write Unicode Vietnamese ``text`` as it looks when typed in a legacy font.

    The inverse of :func:`convert_legacy` (used to make test files). TCVN3 has no toned
    capitals: they are written with the lowercase code, as the capital fonts do.
    """
    nfc_text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return nfc_text.translate(_TCVN3_ENCODE)
    if encoding == "vni":
        encode, _ = _vni_tables()
        return "".join(encode.get(ch, ch) for ch in nfc_text)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def surely_unicode(text: str) -> bool:
    """True when no part of ``text`` can be in a legacy encoding: it holds none of the
    Latin-1 letters Vietnamese does not use (so :func:`detect_legacy` finds nothing in
    any piece of it). One search over many texts joined together."""
    return _SUSPECT.search(text) is None


def detect_legacy(text: str) -> LegacyEncoding | None:
    """``"tcvn3"`` or ``"vni"`` when ``text`` looks typed in that legacy encoding, else None."""
    if text.isascii() or _BEYOND_LATIN1.search(text) or not _SUSPECT.search(text):
        return None
    original, _ = _vietnamese_score(text)
    best: LegacyEncoding | None = None
    best_score = 0.0
    candidates: tuple[LegacyEncoding, ...] = ("tcvn3", "vni")
    for encoding in candidates:
        converted = convert_legacy(text, encoding)
        score, words = _vietnamese_score(converted)
        if words and score > best_score:
            best, best_score = encoding, score
    if best is not None and best_score >= 0.75 and best_score >= original + 0.25:
        return best
    return None


def to_unicode(text: str) -> str:
    """``text`` converted to Unicode when it is in a legacy encoding, else NFC ``text``."""
    encoding = detect_legacy(text)
    if encoding is None:
        return unicodedata.normalize("NFC", text)
    return convert_legacy(text, encoding)
