"""The master workbook's shared strings, written fast.

Every text of the master is stored once in the workbook's shared-string part
(``xl/sharedStrings.xml``): for 10,000 tasks, some 10,000 distinct texts. XlsxWriter
writes each through general-purpose code: two regular-expression substitutions for
control characters and their escapes, two searches for leading and trailing spaces, a
check for rich text, then the XML escapes (about 6 µs a text, 0.06 s for the master).

:class:`MasterWorkbook` is an XlsxWriter workbook whose packager (XlsxWriter's own hook,
``Workbook._get_packager``) writes that part with a few quick tests per text for anything
that needs care (a control character, a literal ``_xHHHH_``, a non-character, a leading or
trailing space, rich text); a text without any is written directly, the others by
XlsxWriter's own code, in order. The part is the same, byte for byte, as XlsxWriter's:
``tests/test_sync_shared_strings.py`` pins it with the installed XlsxWriter. A packager
or shared-strings writer without the expected internals leaves the part to XlsxWriter.
"""

from __future__ import annotations

import re
from typing import Any

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings

__all__ = ["MasterWorkbook"]

# Characters XlsxWriter's <si> writer escapes as "_xHHHH_": control characters and the
# two non-characters. Besides these, it treats specially a literal "_xHHHH_" (escaped
# again), leading and trailing white space ("xml:space"; its ``\s`` is ``str.isspace``)
# and rich text ("<r>…"): such texts are left to it.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE = re.compile("[&<>]")
# XlsxWriter internals used here (a version without them writes the part itself).
_PACKAGER = ("_filename",)
_SHARED_STRINGS = ("_set_xml_writer", "_assemble_xml_file", "_write_si")


class _SharedStrings(SharedStrings):
    """XlsxWriter's shared-strings part with a fast path for plain texts."""

    def _write_sst_strings(self) -> None:
        write = self.fh.write
        control = _CONTROL.search
        escape = _ESCAPE.search
        slow = self._write_si
        parts: list[str] = []
        for string in self.string_table.string_array:
            if string and (
                "_x" in string or string[0].isspace() or string[-1].isspace()
                or string.startswith("<r>") or control(string)
            ):
                if parts:
                    write("".join(parts))
                    parts = []
                slow(string)
            elif escape(string):
                parts.append("<si><t>" + string.replace("&", "&amp;").replace("<", "&lt;")
                             .replace(">", "&gt;") + "</t></si>")
            else:
                parts.append("<si><t>" + string + "</t></si>")
            if len(parts) >= 1024:
                write("".join(parts))
                parts = []
        if parts:
            write("".join(parts))


class _Packager(Packager):
    """XlsxWriter's packager, writing the shared strings with :class:`_SharedStrings`."""

    def _write_shared_strings_file(self) -> None:
        table = getattr(getattr(self, "workbook", None), "str_table", None)
        if table is None or not all(hasattr(self, name) for name in _PACKAGER) or not all(
            hasattr(_SharedStrings, name) for name in _SHARED_STRINGS
        ):
            super()._write_shared_strings_file()
            return
        if not table.count:
            return
        sst = _SharedStrings()
        sst.string_table = table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class MasterWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose shared strings are written fast (see the module)."""

    def _get_packager(self) -> Any:
        return _Packager()
