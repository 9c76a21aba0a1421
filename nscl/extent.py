"""How far each worksheet of a zip workbook reaches, found before any reader loads it.

python-calamine loads a sheet as a dense grid from A1 to the farthest cell holding a
value. A 7 KB .xlsx with one value typed in XFD1048576 therefore asks for a grid of
17 billion cells: the allocation fails inside the Rust library, which aborts the whole
process (no Python exception to catch). So, before a sheet is handed to the reader, its
XML is scanned for the cells that hold something (a value, inline text or a formula;
cells that are only formatted do not count, as for the reader) and the sheet's reach
(rows × columns from A1) is computed. :mod:`nscl.reading` refuses to load a sheet whose
reach exceeds the limit and names the sheet and its farthest cell.

.xlsx/.xlsm: each worksheet part. First a quick upper bound from every cell and row
reference, by regular expressions over the raw XML (an official table is far below the
limit: this is the common case, well under a millisecond); only when that bound is over
the limit is the part parsed, placing each cell holding something as the reader does (a
cell without a reference is the next one of its row, a row without one the next row).
.ods: ``content.xml``, streamed, with repeated rows and cells expanded arithmetically.
.xls: the BIFF records of each worksheet substream that hold a cell's value (their row
and column are the record's first four bytes).

The same pass notes, when asked (:class:`SheetNotes`), what no reader reports: the rows
hidden or filtered out of view (``<row hidden="1">``; ``table:visibility`` "collapse" or
"filter"; the BIFF ROW record's zero-height flag), where a task is counted although the
clerk does not see it. :func:`xlsx_uncalculated_cells` finds, on demand, the formula cells
saved without their result (an .xlsx written by a program other than a spreadsheet
application), which a reader gives as empty although Excel shows a value.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO

__all__ = [
    "SheetNotes", "SheetReach", "cell_elements", "cell_ref", "ods_reaches", "sheet_parts",
    "xls_reaches", "xlsx_hidden_rows", "xlsx_reaches", "xlsx_uncalculated_cells",
]

# Quick checks over the raw XML. (Patterns start with their literal part, which the
# regular-expression engine searches fast; an attribute of another name ending in "r"
# could only raise the bound, never hide a cell.)
# References are read without bounds on their letters and digits: a hostile file may
# write A99999999 or AAAA1, which the reader might still place. (Lower-case references
# are left to the full parse: see _plain_layout.)
# In the plain layout (see _plain_layout, checked first) every cell element starts with
# '<c r="', so the widest column is found on the cells themselves: other attributes
# ending in "r" (a data validation's error="NSNN: …" in every template) do not count.
_TWO_LETTER_COLUMN = re.compile(rb'<c r="[A-Z]{2}')
_THREE_LETTER_COLUMN = re.compile(rb'<c r="[A-Z]{3}')
_COLUMN_LETTERS = re.compile(rb'r="([A-Z]+)\d')
_ROW_NUMBERS = re.compile(rb'r="[A-Z]*(\d+)"')
_ROOT_TAG = re.compile(rb"<([\w.-]+:)?worksheet\b")
_CELL_WITHOUT_LEADING_REF = re.compile(rb'<c(?! r="[A-Z])[\s>/]')
_CELL_REF = re.compile(r"([A-Z]+)(\d+)", re.IGNORECASE)
_VALUED_PLAIN = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*(?<!/)>(?!\s*</c>)')
# A row's start tag holds a dozen short attributes at most: the bounded spans keep a
# hostile run of "<row" without ">" from making the search quadratic.
_HIDDEN_ROW = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]{0,400}?\bhidden="(?:1|true)"[^>]{0,400}>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
# How a formula cell saved without its result ends: the formula, maybe an empty value.
_UNCALCULATED_ENDS = (b"</f></c>", b"/></c>", b"</f><v></v></c>")
_VALUE_WITH_TEXT = re.compile(rb"<v>[^<]")
_LEADING_REF = re.compile(rb'<c r="([A-Z]+)\d')  # a cell whose reference comes first
_MAX_UNCALCULATED = 100_000  # per sheet: enough to name the first ones and count
_MAX_CELL_BYTES = 8_192  # back from a formula's end to its cell's start: any real cell
KEPT_XML_BYTES = 64 * 1024 * 1024  # worksheet XML kept for later searches, in all
_AFTER_TAG_NAME = (b" ", b"\t", b"\n", b"\r", b">")


@dataclass
class SheetNotes:
    """What the scan notes besides the reach, by sheet name."""

    # Rows hidden or filtered out of view: (first 0-based row, count).
    hidden_rows: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # The XML of the worksheet parts scanned (.xlsx/.xlsm), by part name, kept (up to
    # KEPT_XML_BYTES in all) for the searches made later on demand, which then need not
    # decompress the part again (see nscl.reading.Workbook.uncalculated_cells).
    worksheet_xml: dict[str, bytes] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class SheetReach:
    """Rows and columns from A1 to the farthest cell holding something."""

    rows: int
    cols: int

    @property
    def cells(self) -> int:
        """Cells of the dense grid a reader would build."""
        return self.rows * self.cols

    @property
    def corner(self) -> str:
        """The farthest cell, as Excel's Ctrl+End finds it (e.g. ``XFD1048576``)."""
        return cell_ref(self.rows, self.cols)


def cell_ref(row: int, col: int) -> str:
    """A1 reference of 1-based ``row`` and ``col`` (a sheet's reach counts from 1)."""
    from nscl.a1 import a1

    return a1(max(row, 1) - 1, max(col, 1) - 1)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _plain_layout(data: bytes) -> bool:
    """The common layout: no namespace prefix, every cell with its (upper-case)
    reference first."""
    root = _ROOT_TAG.search(data, 0, 4096)
    if root is None or root.group(1) is not None:
        return False
    return _CELL_WITHOUT_LEADING_REF.search(data) is None


@lru_cache(maxsize=8)
def _long_references(digits: int) -> re.Pattern[bytes]:
    """The row number of every reference (of a cell or a row) with at least ``digits``
    digits."""
    return re.compile(rb'r="[A-Z]*(\d{%d,})"' % digits)


def _quick_within(data: bytes, max_cells: int) -> bool:
    """True when the references alone show the part is within ``max_cells`` (every
    reference counts, formatted-only cells and rows included). False means: look closer.
    """
    if not _plain_layout(data):
        return False
    # At most 26 (or 702) columns: then no reference to a row past what that many columns
    # allow means within. Only the references with as many digits as that bound are
    # collected (for a sheet of 10,000 rows, its last rows): a few milliseconds, where
    # collecting every reference took tens.
    if _TWO_LETTER_COLUMN.search(data) is None:
        widest = 26
    elif _THREE_LETTER_COLUMN.search(data) is None:
        widest = 702
    else:
        widest = 0
    if widest:
        bound = max_cells // widest
        longest = _long_references(len(str(bound))).findall(data)
        if not longest or max(map(int, longest)) <= bound:
            return True
    cols = max(map(_column_number, set(_COLUMN_LETTERS.findall(data))), default=0)
    rows = max(map(int, _ROW_NUMBERS.findall(data)), default=0)
    return rows * cols <= max_cells


def _valued_reach(data: bytes) -> SheetReach:
    """Reach of the cells holding something, for the plain layout: a cell element with
    content holds a value, inline text or a formula (any other content, which no known
    writer produces, counts too: the reach only errs upwards)."""
    found = _VALUED_PLAIN.findall(data)
    cols = max(map(_column_number, {c for c, _ in found}), default=0)
    rows = max(map(int, [r for _, r in found]), default=0)
    return SheetReach(rows, cols)


def _exact_reach(data: bytes) -> SheetReach:
    """Rows and columns reached by the cells holding something, placed as a reader places
    them (a missing reference: the next row, or the next cell of the row). Parses the XML:
    for the layouts :func:`_valued_reach` does not cover."""
    from defusedxml.ElementTree import iterparse

    row = col = cell_row = 0
    max_row = max_col = 0
    valued = False
    for event, elem in iterparse(io.BytesIO(data), events=("start", "end")):
        local = elem.tag.rpartition("}")[2]
        if event == "start":
            if local == "row":
                ref = elem.get("r")
                row = int(ref) if ref and ref.isdigit() else row + 1
                col = 0
            elif local == "c":
                match = _CELL_REF.fullmatch(elem.get("r") or "")
                if match:
                    cell_row, col = int(match[2]), _column_number(match[1].encode())
                else:
                    cell_row, col = row, col + 1
                valued = False
            elif local in ("v", "is", "f"):
                valued = True
            continue
        if local == "c":
            if valued:
                max_row = max(max_row, cell_row)
                max_col = max(max_col, col)
            elem.clear()
        elif local == "row":
            elem.clear()
    return SheetReach(max_row, max_col)


def _part_reach(data: bytes, max_cells: int) -> SheetReach | None:
    """The reach of a worksheet part when it is over ``max_cells``; None when within."""
    if _quick_within(data, max_cells):
        return None
    reach = _valued_reach(data) if _plain_layout(data) else _exact_reach(data)
    return reach if reach.cells > max_cells else None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as member:
        return member.read()


def sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part name -> sheet name, from xl/workbook.xml and its relationships."""
    from defusedxml import ElementTree as SafeET

    rels_name = "xl/_rels/workbook.xml.rels"
    if "xl/workbook.xml" not in names or rels_name not in names:
        return {}
    targets: dict[str, str] = {}
    for rel in SafeET.fromstring(zf.read(rels_name)).iter():
        if rel.tag.endswith("Relationship"):
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            targets[rel.get("Id") or ""] = part
    out: dict[str, str] = {}
    for sheet in SafeET.fromstring(zf.read("xl/workbook.xml")).iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
            if rid in targets:
                out[targets[rid]] = sheet.get("name") or ""
    return out


_MAX_HIDDEN_RANGES = 100_000  # per sheet; a hostile file may hide a million rows apart


def _add_hidden(ranges: list[tuple[int, int]], row: int) -> None:
    """Add 0-based ``row`` to ``ranges`` of (first row, count), merging a row that
    follows the last range (rows come in order)."""
    if ranges and ranges[-1][0] + ranges[-1][1] == row:
        ranges[-1] = (ranges[-1][0], ranges[-1][1] + 1)
    elif len(ranges) < _MAX_HIDDEN_RANGES:
        ranges.append((row, 1))


def xlsx_hidden_rows(data: bytes) -> list[tuple[int, int]]:
    """Rows of a worksheet part hidden or filtered out of view, as (first 0-based row,
    count) ranges."""
    # The common sheet: two fast searches (LibreOffice writes hidden="false" on every row).
    if b'hidden="1"' not in data and b'hidden="true"' not in data:
        return []
    out: list[tuple[int, int]] = []
    for match in _HIDDEN_ROW.finditer(data):
        number = _ROW_NUMBER.search(match.group(0))
        if number is not None:
            _add_hidden(out, int(number.group(1)) - 1)
    return out


def xlsx_uncalculated_cells(data: bytes, *, skip_columns: Collection[int] = (),
                            ) -> list[tuple[int, int]]:
    """Formula cells of a worksheet part saved without their result (no value, or an
    empty one), as (0-based row, 0-based column). Spreadsheet applications always save
    the result; a few fast searches find none in their files. Cells of the 0-based
    columns ``skip_columns`` are left out (cheaply, when their reference comes first)."""
    from nscl.a1 import column_letter

    found: set[tuple[int, int]] = set()
    skipped = {column_letter(c).encode() for c in skip_columns}
    looked = 0  # hits examined, bounded too: a hostile file may repeat a marker alone
    for marker in _UNCALCULATED_ENDS:
        pos = data.find(marker)
        while pos != -1 and len(found) < _MAX_UNCALCULATED and looked < 2 * _MAX_UNCALCULATED:
            looked += 1
            # The cell's start tag is near (a formula rarely runs past a few hundred
            # characters), so the search back is bounded: a hostile file cannot make it
            # quadratic.
            start = data.rfind(b"<c", max(0, pos - _MAX_CELL_BYTES), pos)
            if skipped and start != -1 and (
                    (lead := _LEADING_REF.match(data, start)) is not None
                    and lead.group(1) in skipped):
                pos = data.find(marker, pos + len(marker))
                continue
            cell = (data[start:pos + len(marker)]
                    if start != -1 and data[start + 2:start + 3] in _AFTER_TAG_NAME else b"")
            if b"<f" in cell and not _VALUE_WITH_TEXT.search(cell):
                ref = _CELL_REF_ATTR.search(cell, 0, cell.find(b">") + 1)
                if ref is not None:
                    found.add((int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1))
            pos = data.find(marker, pos + len(marker))
    return sorted(found)


def xlsx_reaches(zf: zipfile.ZipFile, worksheets: list[zipfile.ZipInfo],
                 max_cells: int, notes: SheetNotes | None = None) -> dict[str, SheetReach]:
    """Of the worksheet parts given (found by their root element, wherever they are
    stored), those whose reach exceeds ``max_cells``, by sheet name ("" for a part that no
    sheet of the workbook names). ``notes``, when given, receives each sheet's hidden
    rows, and the parts' XML (see :class:`SheetNotes`)."""
    over: dict[str, SheetReach] = {}
    hidden_parts: dict[str, list[tuple[int, int]]] = {}
    kept = 0
    for info in worksheets:
        data = _read_member(zf, info)
        if notes is not None and kept + len(data) <= KEPT_XML_BYTES:
            notes.worksheet_xml[info.filename] = data
            kept += len(data)
        reach = _part_reach(data, max_cells)
        if reach is not None:
            over[info.filename] = reach
        if notes is not None and (hidden := xlsx_hidden_rows(data)):
            hidden_parts[info.filename] = hidden
    if not over and not hidden_parts:
        return {}
    sheets = sheet_parts(zf, set(zf.namelist()))
    if notes is not None:
        for part, hidden in hidden_parts.items():
            if part in sheets:
                notes.hidden_rows[sheets[part]] = hidden
    return {sheets.get(part, ""): reach for part, reach in over.items()}


# OpenDocument names of content.xml (also used by nscl.ods_merges).
ODS_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODS_TABLE, ODS_ROW = f"{{{ODS_TABLE_NS}}}table", f"{{{ODS_TABLE_NS}}}table-row"
ODS_CELL = f"{{{ODS_TABLE_NS}}}table-cell"
ODS_COVERED_CELL = f"{{{ODS_TABLE_NS}}}covered-table-cell"
ODS_NAME = f"{{{ODS_TABLE_NS}}}name"
ODS_ROWS_REPEATED = f"{{{ODS_TABLE_NS}}}number-rows-repeated"
ODS_COLS_REPEATED = f"{{{ODS_TABLE_NS}}}number-columns-repeated"


def _ods_tables(stream: IO[bytes],
                notes: SheetNotes | None = None) -> Iterator[tuple[str, SheetReach]]:
    from defusedxml.ElementTree import iterparse

    t_table, t_row, t_cell, t_covered = ODS_TABLE, ODS_ROW, ODS_CELL, ODS_COVERED_CELL
    rows_rep, cols_rep, t_name = ODS_ROWS_REPEATED, ODS_COLS_REPEATED, ODS_NAME
    value_type = f"{{{ODS_OFFICE_NS}}}value-type"
    visibility = f"{{{ODS_TABLE_NS}}}visibility"
    row = col = 0
    max_row = max_col = 0
    name = ""
    row_valued = False
    for event, elem in iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == t_table:
                name, row, max_row, max_col = elem.get(t_name) or "", 0, 0, 0
            elif tag == t_row:
                col, row_valued = 0, False
                if notes is not None and elem.get(visibility) in ("collapse", "filter"):
                    ranges = notes.hidden_rows.setdefault(name, [])
                    if len(ranges) < _MAX_HIDDEN_RANGES:
                        ranges.append((row, int(elem.get(rows_rep) or 1)))
            continue
        if tag in (t_cell, t_covered):
            repeat = int(elem.get(cols_rep) or 1)
            if elem.get(value_type) is not None or len(elem):
                max_col = max(max_col, col + repeat)
                row_valued = True
            col += repeat
            elem.clear()
        elif tag == t_row:
            repeat = int(elem.get(rows_rep) or 1)
            if row_valued:
                max_row = row + repeat
            row += repeat
            elem.clear()
        elif tag == t_table:
            yield name, SheetReach(max_row, max_col)
            elem.clear()


def ods_reaches(zf: zipfile.ZipFile, max_cells: int,
                notes: SheetNotes | None = None) -> dict[str, SheetReach]:
    """Tables of an .ods whose reach exceeds ``max_cells``, by sheet name (``notes``,
    when given, receives each table's hidden rows)."""
    with zf.open("content.xml") as stream:
        return {name: reach for name, reach in _ods_tables(stream, notes)
                if reach.cells > max_cells}


# BIFF (.xls) records that hold a cell's value: NUMBER, RK, LABELSST, LABEL, RSTRING,
# FORMULA, BOOLERR (each begins with its row and column); MULRK spans columns. BLANK and
# MULBLANK cells are only formatted and do not count.
_BIFF_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0006, 0x0205})
_BIFF_MULRK = 0x00BD
_BIFF_BOF, _BIFF_EOF, _BIFF_BOUNDSHEET = 0x0809, 0x000A, 0x0085
_BIFF_ROW, _BIFF_ROW_HIDDEN = 0x0208, 0x0020  # ROW record; its fDyZero (zero height) bit


def _biff_sheet_name(data: bytes, biff8: bool) -> str:
    if not data:
        return ""
    length = data[0]
    if biff8 and len(data) >= 2:
        if data[1] & 1:
            return data[2:2 + 2 * length].decode("utf-16-le", "replace")
        return data[2:2 + length].decode("latin-1")
    return data[1:1 + length].decode("cp1252", "replace")


def _biff_reach(stream: bytes, start: int,
                hidden: list[tuple[int, int]] | None = None) -> SheetReach:
    """Reach of the worksheet substream starting at ``start`` (its BOF record); its
    hidden rows go to ``hidden`` when given."""
    pos, end = start, len(stream)
    max_row = max_col = 0
    depth = 0
    while pos + 4 <= end:
        kind = int.from_bytes(stream[pos:pos + 2], "little")
        size = int.from_bytes(stream[pos + 2:pos + 4], "little")
        body = stream[pos + 4:pos + 4 + size]
        pos += 4 + size
        if kind == _BIFF_BOF:
            depth += 1  # embedded charts have their own BOF … EOF
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth == 1 and len(body) >= 4 and (kind in _BIFF_CELLS or kind == _BIFF_MULRK):
            row = int.from_bytes(body[0:2], "little")
            col = int.from_bytes(body[2:4], "little")
            if kind == _BIFF_MULRK and len(body) >= 6:
                col = max(col, int.from_bytes(body[-2:], "little"))
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        elif (depth == 1 and kind == _BIFF_ROW and hidden is not None and len(body) >= 14
              and int.from_bytes(body[12:14], "little") & _BIFF_ROW_HIDDEN):
            _add_hidden(hidden, int.from_bytes(body[0:2], "little"))
    return SheetReach(max_row, max_col)


def xls_reaches(stream: bytes, max_cells: int,
                notes: SheetNotes | None = None) -> dict[str, SheetReach]:
    """Worksheets of a BIFF workbook stream whose reach exceeds ``max_cells``, by name
    (``notes``, when given, receives each worksheet's hidden rows)."""
    sheets: list[tuple[str, int]] = []
    pos, end = 0, len(stream)
    biff8 = True
    while pos + 4 <= end:
        kind = int.from_bytes(stream[pos:pos + 2], "little")
        size = int.from_bytes(stream[pos + 2:pos + 4], "little")
        body = stream[pos + 4:pos + 4 + size]
        pos += 4 + size
        if kind == _BIFF_BOF and len(body) >= 2:
            biff8 = int.from_bytes(body[0:2], "little") >= 0x0600
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 6:
            offset = int.from_bytes(body[0:4], "little")
            if body[5] == 0:  # a worksheet (not a chart, macro or VB sheet)
                sheets.append((_biff_sheet_name(body[6:], biff8), offset))
        elif kind == _BIFF_EOF:
            break  # end of the workbook globals
    over: dict[str, SheetReach] = {}
    for name, offset in sheets:
        if 0 <= offset < end:
            rows: list[tuple[int, int]] = []
            reach = _biff_reach(stream, offset, rows if notes is not None else None)
            if reach.cells > max_cells:
                over[name] = reach
            if rows and notes is not None:
                notes.hidden_rows[name] = rows
    return over


_ANY_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")
_CHUNK = 1 << 20


def cell_elements(path: str | os.PathLike[str]) -> int:
    """Cell elements in the worksheets of an .xlsx/.xlsm (formatted-only cells included):
    what a reader that keeps every cell, such as openpyxl, will hold in memory."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with zf.open(info) as member:
                    tail = b""
                    while chunk := member.read(_CHUNK):
                        block = tail + chunk
                        total += len(_ANY_CELL_TAG.findall(block))
                        # A tag cut by the chunk boundary is counted in the next block.
                        cut = block.rfind(b"<")
                        tail = block[cut:] if cut >= len(block) - 64 else b""
                        if tail:
                            total -= len(_ANY_CELL_TAG.findall(tail))
    return total
