"""Vietnamese text normalisation: NFC storage, comparison keys and ASCII folding.

Agencies type with different input methods, so the same word arrives as NFC or NFD,
with the tone mark on either vowel of "oa", "oe", "uy" ("Hoá"/"Hóa", "Thuỷ"/"Thủy").
Everything is stored as NFC; comparisons go through :func:`compare_key` (keeps the
diacritics, forgives the rest) or :func:`fold` (drops the diacritics, for file names).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["canonical_tone_placement", "collapse_spaces", "compare_key", "fold", "nfc"]

# Combining marks of the five Vietnamese tones (NFD).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style placement: tone on the first vowel of an open "oa", "oe", "uy" syllable.
_OLD_PLACEMENT = re.compile(
    rf"([oOuU])([{_TONES}])([aAeEyY])(?![\u0300-\u036f])"
)
_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form nscl stores and compares."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Turn every run of whitespace (line breaks, NBSP, tabs) into one space; strip."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def canonical_tone_placement(text: str) -> str:
    """Move the tone mark of "oa", "oe", "uy" to the second vowel ("hóa" -> "hoá").

    Both placements are in everyday use; this picks one so that they compare equal.
    The result is NFC.
    """
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_PLACEMENT.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", moved)


def compare_key(text: str) -> str:
    """Key for comparing Vietnamese text: NFC, case-folded, one tone placement, spaces collapsed."""
    return collapse_spaces(canonical_tone_placement(text)).casefold()


def fold(text: str) -> str:
    """ASCII-fold Vietnamese text: no diacritics, "đ" -> "d", lower case, spaces collapsed.

    Used to match names written without diacritics, as in file names ("HaTinh.xlsx").
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return collapse_spaces(stripped).casefold()
