"""Vietnamese text normalisation: NFC storage, comparison keys and ASCII folding.

Agencies type with different input methods, so the same word arrives as NFC or NFD,
with the tone mark on either vowel of "oa", "oe", "uy" ("Hoá"/"Hóa", "Thuỷ"/"Thủy").
Everything is stored as NFC; comparisons go through :func:`compare_key` (keeps the
diacritics, forgives the rest) or :func:`fold` (drops the diacritics, for file names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "canonical_tone_placement", "collapse_spaces", "compare_key", "fold", "nfc",
    "phrases_pattern", "search_fold",
]

# Combining marks of the five Vietnamese tones (NFD).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Precomposed "o"/"u" carrying a tone -> (bare vowel, tone mark).
_TONED_VOWELS: dict[str, tuple[str, str]] = {
    unicodedata.normalize("NFC", base + mark): (base, mark)
    for base in "oOuU"
    for mark in _TONES
}
# Old-style placement in NFC text: the tone on "o" of an open "oa"/"oe", or on "u" of
# "uy" ("hóa", "khỏe", "thủy"), the second vowel bare and not followed by a letter that
# would close the syllable.
# (One leading character class keeps the scan fast; _move_tone skips "óy", "úa" …)
_OLD_PLACEMENT = re.compile(
    "([òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ])([aeyAEY])(?![a-zA-Z\u00c0-\u1ef9])"
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form nscl stores and compares."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Turn every run of whitespace (line breaks, NBSP, tabs) into one space; strip."""
    return " ".join(text.split())


def canonical_tone_placement(text: str) -> str:
    """Move the tone mark of "oa", "oe", "uy" to the second vowel ("hóa" -> "hoá").

    Both placements are in everyday use; this picks one so that they compare equal.
    The result is NFC.
    """
    text = unicodedata.normalize("NFC", text)
    if not _OLD_PLACEMENT.search(text):
        return text
    return _OLD_PLACEMENT.sub(_move_tone, text)


def _move_tone(match: re.Match[str]) -> str:
    toned, vowel = match.group(1), match.group(2)
    base, mark = _TONED_VOWELS[toned]
    if (base in "oO") != (vowel in "aeAE"):  # only "oa", "oe" and "uy"
        return match.group(0)
    return base + unicodedata.normalize("NFC", vowel + mark)


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


def _fold_table() -> dict[int, str]:
    """Precomposed Latin letters (U+00C0-U+024F, U+1E00-U+1EFF) -> their base letter
    (lower case), "đ"/"Đ" -> "d": what :func:`search_fold` applies in one pass."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d", ord("Ð"): "d"}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        for code in block:
            base = unicodedata.normalize("NFD", chr(code))[0]
            if base != chr(code) and base.isascii():
                table.setdefault(code, base.lower())
    return table


_FOLD_TABLE = _fold_table()
_COMBINING = re.compile("[\u0300-\u036f]")


def search_fold(text: str) -> str:
    """Lower-case ASCII-folded text for matching words (the Vietnamese letters without
    their diacritics, "đ" -> "d"), spaces kept as they are: :func:`fold` for many texts
    (one ``str.translate`` instead of a loop over the characters)."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_FOLD_TABLE)
    return _COMBINING.sub("", folded) if not folded.isascii() else folded


def phrases_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of ``phrases`` as whole words, any white space between
    their words (each phrase as written: case and diacritics count). The alternatives
    share their common beginnings (a trie), so that each word of a text is tried
    against a handful of branches, not against every phrase; at one place, the longest
    phrase wins."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        ends = "" in node
        alternatives = [(r"\s+" if char == " " else re.escape(char)) + branch(child)
                        for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 and not ends \
            else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile(r"(?<!\w)" + branch(trie) + r"(?!\w)")

