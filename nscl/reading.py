"""Open what agencies send, safely, and read it into grids of cell values.

Before any spreadsheet library touches a file, :func:`open_workbook` sniffs its real
type from the first bytes (never trusting the extension), refuses encrypted files,
checks a zip container's member count, total uncompressed size and compression ratios
from the central directory (before inflating anything), and refuses XML parts that
declare a DTD or entities (the "billion laughs" family). Only then is the file handed to
python-calamine, a Rust reader that never runs macros and never follows external links.

Every refusal is a :class:`ReadFailure` carrying a rule code, so that the validation
report names the reason; nothing here raises anything else on user data.
"""

from __future__ import annotations

import contextlib
import errno
import posixpath
import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.extent import (
    SheetNotes,
    SheetReach,
    ods_reaches,
    sheet_parts,
    xls_reaches,
    xlsx_reaches,
    xlsx_uncalculated_cells,
)

__all__ = [
    "SPREADSHEET_SUFFIXES",
    "Grid",
    "ReadFailure",
    "ReadLimits",
    "SheetInfo",
    "Workbook",
    "check_zip_container",
    "describe_error",
    "open_workbook",
    "sheet_too_large",
    "sniff",
]

Grid = list[list[Any]]

# The file types read (lower-case suffixes): what ``nscl validate`` picks in a folder and
# what the nightly run collects from its inbox.
SPREADSHEET_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ARCHIVE_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Parts holding a grid of cells (the reader loads macro and dialog sheets as worksheets).
_SHEET_ROOTS = frozenset({"worksheet", "dialogsheet", "macrosheet"})


@dataclass(frozen=True)
class ReadLimits:
    """Limits applied before reading a file (all configurable)."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_zip_members: int = 5_000
    max_uncompressed_bytes: int = 512 * 1024 * 1024
    # Ratio uncompressed/compressed allowed for a member larger than ratio_min_bytes.
    max_compression_ratio: float = 200.0
    ratio_min_bytes: int = 2 * 1024 * 1024
    max_prolog_bytes: int = 1024 * 1024
    # Cells of the grid a sheet is read into: from A1 to its farthest cell holding
    # something (an official table of thousands of tasks is well under 100,000).
    max_sheet_cells: int = 2_000_000


class ReadFailure(Exception):
    """The file cannot be read; ``code`` is a rule code, ``params`` fill its message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet of the workbook."""

    name: str
    visible: bool
    index: int


@dataclass
class Workbook:
    """An opened workbook: its real type, sheets and what the container revealed."""

    path: Path
    kind: str  # "xlsx", "xlsm", "xlsb", "xls", "ods"
    sheets: list[SheetInfo]
    has_macros: bool = False
    has_external_links: bool = False
    # Sheets reaching too far to be read (name -> reach), found before reading.
    oversized: dict[str, SheetReach] = field(default_factory=dict)
    # Rows the reader could not convert (sheet name -> 0-based row indexes), found while
    # reading: such a row is an empty list in the grid (see :meth:`read`).
    unreadable_rows: dict[str, list[int]] = field(default_factory=dict)
    # Rows hidden or filtered out of view, by sheet name, found before reading: no reader
    # reports them.
    notes: SheetNotes = field(default_factory=SheetNotes)
    max_sheet_cells: int = ReadLimits.max_sheet_cells
    _book: Any = field(default=None, repr=False)
    _ods_merges: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] | None = field(
        default=None, repr=False)
    # Merged ranges taken while a sheet is read: asking for them later would make the
    # reader parse the whole sheet again.
    _merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = field(
        default_factory=dict, repr=False)
    _uncalculated: dict[tuple[str, frozenset[int]], list[tuple[int, int]]] = field(
        default_factory=dict, repr=False)

    def read(self, name: str) -> Grid:
        """Every cell of sheet ``name`` from A1: ``grid[r][c]`` is row r+1, column c+1.

        Empty cells are ``""``; numbers are ``float`` (or ``int``), dates ``datetime``.
        A row holding a value the reader cannot convert (a number formatted as a date or
        a duration but far outside any date: python-calamine raises ``OverflowError`` or
        panics on the whole sheet) is an empty list, and its index is recorded in
        :attr:`unreadable_rows`: the rest of the sheet is still read.
        Raises :class:`ReadFailure`: ``sheet-too-large`` (with the sheet and its farthest
        cell) when the sheet reaches too far to be held in memory, ``file-corrupt`` when
        it cannot be parsed.
        """
        reach = self.oversized.get(name)
        if reach is not None:
            raise self._too_large(name, reach)
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows: Grid = sheet.to_python(skip_empty_area=False)
        except BaseException as exc:  # calamine raises several error types on broken parts
            if not _reader_error(exc):
                raise
            if "cell limit" in str(exc).lower():  # calamine's own guard (.ods, .xls)
                raise self._too_large(name, None) from exc
            return self._read_rows_apart(name, exc)
        if self.kind != "ods":
            try:
                self._merged[name] = list(sheet.merged_cell_ranges or [])
            except BaseException as exc:  # merged ranges are a nicety: never fail on them
                if not _reader_error(exc):
                    raise
        return rows

    def _read_rows_apart(self, name: str, error: BaseException) -> Grid:
        """The sheet read row by row after reading it whole failed with ``error``: rows
        that fail alone are left empty and recorded; ``file-corrupt`` when the sheet
        cannot even be gone through (the sheet itself is broken, not one of its values)."""
        failure = ReadFailure("file-corrupt", reason=describe_error(error))
        try:
            sheet = self._book.get_sheet_by_name(name)
            start, end = sheet.start, sheet.end
            iterator = iter(sheet.iter_rows())
        except BaseException as exc:
            if not _reader_error(exc):
                raise
            raise failure from error
        if start is None or end is None:
            raise failure from error
        last_row = end[0]
        rows: Grid = []
        failed: list[int] = []
        while True:
            # Bounded by the sheet's extent: an iterator that kept failing without moving
            # on must not loop for ever, and rows past the end are not to be trusted (nor
            # dropped in silence).
            if len(rows) > last_row + 1:
                raise failure from error
            try:
                row = next(iterator)
            except StopIteration:
                break
            except BaseException as exc:
                if not _reader_error(exc):
                    raise
                failed.append(len(rows))
                rows.append([])
                continue
            rows.append(list(row))
        # Rows of iter_rows start at the sheet's first column holding something (and,
        # should a version start them at its first row too, are moved down to it), so
        # that the grid is the one reading the sheet whole gives: from A1.
        if len(rows) == last_row - start[0] + 1 and start[0] > 0:
            rows[:0] = [[] for _ in range(start[0])]
            failed = [r + start[0] for r in failed]
        width = end[1] + 1
        for r, row in enumerate(rows):
            if row and len(row) < width:
                rows[r] = [""] * (width - len(row)) + row
        self.unreadable_rows[name] = failed
        return rows

    def _too_large(self, name: str, reach: SheetReach | None) -> ReadFailure:
        return sheet_too_large(name, reach, self.max_sheet_cells)

    def merged_ranges(self, name: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Merged ranges of a sheet as 0-based ((row, col), (row, col))."""
        if name in self.oversized:
            return []
        if self.kind == "ods":  # python-calamine reports them for .xlsx and .xls only
            if self._ods_merges is None:
                from nscl.ods_merges import ods_merged_ranges

                try:
                    self._ods_merges = ods_merged_ranges(self.path)
                except Exception:  # merged ranges are a nicety: never fail on them
                    self._ods_merges = {}
            return list(self._ods_merges.get(name, []))
        if name in self._merged:
            return list(self._merged[name])
        try:
            ranges = self._book.get_sheet_by_name(name).merged_cell_ranges
        except BaseException as exc:  # merged ranges are a nicety: never fail on them
            if not _reader_error(exc):
                raise
            return []
        return list(ranges or [])

    def uncalculated_cells(self, name: str, *, skip_columns: Collection[int] = (),
                           ) -> list[tuple[int, int]]:
        """Formula cells of sheet ``name`` saved without their result, 0-based (row,
        column); .xlsx/.xlsm only (.xls and .ods always store results). The sheet's XML
        is searched again for this (read again unless kept from the reach scan), so it is
        asked only when the table has empty cells that such formulas would explain.
        Cells of the 0-based columns ``skip_columns`` are left out."""
        if self.kind not in ("xlsx", "xlsm") or name in self.oversized:
            return []
        key = (name, frozenset(skip_columns))
        found = self._uncalculated.get(key)
        if found is None:
            try:
                with zipfile.ZipFile(self.path) as zf:
                    parts = sheet_parts(zf, set(zf.namelist()))
                    part = next((p for p, sheet in parts.items() if sheet == name), None)
                    if part is None:
                        found = []
                    else:
                        data = self.notes.worksheet_xml.get(part) or zf.read(part)
                        found = xlsx_uncalculated_cells(data, skip_columns=key[1])
            except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
                found = []  # a nicety: the file was read already, never fail on it
            self._uncalculated[key] = found
        return list(found)

    def iter_sheets(self, *, hidden: bool = False) -> Iterator[SheetInfo]:
        """Worksheets in workbook order; hidden ones only when ``hidden``."""
        for info in self.sheets:
            if info.visible or hidden:
                yield info

    def close(self) -> None:
        """Release the file (and the worksheet XML kept from the reach scan)."""
        self.notes.worksheet_xml.clear()
        if self._book is not None:
            with contextlib.suppress(Exception):  # closing twice is harmless
                self._book.close()
            self._book = None


def _reader_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the reader failing on the file: any ``Exception``, and a panic
    inside the Rust reader, which PyO3 raises as ``PanicException``, a ``BaseException``
    (so that an interrupt or exit still goes through)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def sheet_too_large(name: str | None, reach: SheetReach | None, limit: int) -> ReadFailure:
    """The ``sheet-too-large`` failure of sheet ``name`` (its farthest cell when known)."""
    from nscl.numbers import format_number as vn

    if reach is None:
        return ReadFailure("sheet-too-large", sheet=name, cell=None, reach="", limit=vn(limit))
    return ReadFailure(
        "sheet-too-large", sheet=name, cell=reach.corner,
        reach=f" tới ô {reach.corner} ({vn(reach.rows)} dòng × {vn(reach.cols)} cột)",
        limit=vn(limit),
    )


_OS_ERRORS = {
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "không có quyền đọc tệp",
    errno.ENOENT: "tệp không còn ở thư mục",
    errno.EBUSY: "tệp đang bị chương trình khác giữ",
    errno.EIO: "lỗi đọc ổ đĩa",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EEXIST: "đã có một tệp trùng tên ở đó",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
}


def describe_error(exc: BaseException, *, with_path: bool = False) -> str:
    """What went wrong, in Vietnamese, for a message shown to agencies and analysts.

    The libraries' own texts are English; only the exception's class name is kept, as a
    technical code that the IT officer can look up. ``with_path`` names the file of an
    OS error (for messages that do not name it already).
    """
    text = str(exc).lower()
    name = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        what = _OS_ERRORS[exc.errno]
    elif isinstance(exc, UnicodeDecodeError):
        what = "tệp không được lưu theo bảng mã UTF-8"
    elif "crc" in text:
        what = "dữ liệu bên trong tệp bị sai lệch"
    elif isinstance(exc, EOFError) or "truncated" in text or "unexpected end" in text or (
        "eof" in text
    ):
        what = "tệp bị cắt cụt"
    elif isinstance(exc, zipfile.BadZipFile) or "zip" in name.lower() or "zip" in text:
        what = "cấu trúc tệp nén của bảng tính bị hỏng"
    elif "xml" in name.lower() or "xml" in text or (
        isinstance(exc, LookupError) and "encoding" in text
    ):
        what = "nội dung XML bên trong tệp bị hỏng"
    elif "ole" in text or "sector" in text or "fat" in text:
        what = "cấu trúc tệp Excel đời cũ (.xls) bị hỏng"
    elif isinstance(exc, MemoryError):
        what = "tệp cần quá nhiều bộ nhớ để đọc"
    else:
        what = "không đọc được nội dung tệp"
    if with_path and isinstance(exc, OSError) and exc.filename:
        what += f" («{exc.filename}»)"
    return f"{what}; mã lỗi kỹ thuật: {name}"


def sniff(path: Path) -> str:
    """The real container type from the first bytes: "zip", "ole", "html", "pdf",
    "archive" (RAR, 7-Zip), "text", "empty"."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if not head:
        return "empty"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(_ARCHIVE_MAGIC):
        return "archive"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<")):
        return "html"
    return "text"


def _check_zip(zf: zipfile.ZipFile, limits: ReadLimits) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs from the central directory alone, before inflating anything."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise ReadFailure(
            "file-zip-bomb", reason=f"{len(infos)} thành phần (tối đa {limits.max_zip_members})"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= limits.ratio_min_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise ReadFailure(
                    "file-zip-bomb",
                    reason=f'thành phần "{info.filename}" nén {ratio:,.0f} lần'.replace(",", "."),
                )
    if total > limits.max_uncompressed_bytes:
        mb = total // (1024 * 1024)
        raise ReadFailure("file-zip-bomb", reason=f"giải nén ra {mb} MB")
    return infos


# The most one compressed byte can inflate to: DEFLATE's limit is about 1032:1; stored
# members inflate 1:1; other methods (bzip2, LZMA …) have no useful bound.
_MAX_EXPANSION = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: 1032}
_CHUNK = 1024 * 1024


def _check_declared_sizes(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: ReadLimits
) -> None:
    """Refuse a zip whose directory understates what its members really inflate to.

    :func:`_check_zip` trusts the sizes the directory declares. When the compressed
    bytes could physically inflate past the limit whatever the directory says, each
    member that could is inflated once, streaming and discarding the output (the read
    stops at the declared size, and a member that really holds more fails its CRC).
    Ordinary workbooks never reach this: their compressed size is far too small.
    """
    def bound(info: zipfile.ZipInfo) -> float:
        return info.compress_size * _MAX_EXPANSION.get(info.compress_type, float("inf"))

    if sum(bound(info) for info in infos) <= limits.max_uncompressed_bytes:
        return
    for info in infos:
        if bound(info) <= max(limits.ratio_min_bytes, info.file_size):
            continue
        try:
            with zf.open(info) as member:
                while member.read(_CHUNK):
                    pass
        except zipfile.BadZipFile as exc:
            raise ReadFailure(
                "file-zip-bomb",
                reason=f'thành phần "{info.filename}" lớn hơn kích thước khai báo',
            ) from exc


def _check_xml_prolog(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits
) -> str | None:
    """Refuse an XML part whose prolog declares a DTD or entities (read up to the root
    tag); return the root element's local name ("worksheet" …), None when there is none."""
    buffer = b""
    try:
        with zf.open(info) as part:
            while len(buffer) < limits.max_prolog_bytes:
                chunk = part.read(8192)
                if not chunk:
                    break
                buffer += chunk
                if _DTD.search(buffer):
                    raise ReadFailure("file-xml-entities", part=info.filename)
                # Root element reached (skip the "<?xml" declaration and comments).
                body = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", buffer, flags=re.DOTALL)
                root = _ROOT_TAG.search(body)
                if root:
                    return root.group(1).decode("ascii", "replace")
    except ReadFailure:
        raise
    except Exception as exc:  # bad CRC, truncated member, unsupported compression
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc
    if len(buffer) >= limits.max_prolog_bytes:
        raise ReadFailure("file-xml-entities", part=info.filename)
    return None


def _looks_like_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part named otherwise holds XML (a worksheet may be stored under any name
    that the workbook's relationships point to)."""
    if info.is_dir() or info.file_size == 0:
        return False
    try:
        with zf.open(info) as part:
            head = part.read(64)
    except Exception:  # unreadable member: the reader will fail on it if it matters
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def check_zip_container(path: Path, limits: ReadLimits | None = None) -> set[str]:
    """The safety checks of a workbook's zip container, for any other zip-based document
    an agency sends (a Word report): the file's size, the members' count, sizes and
    compression ratios (from the central directory, then by inflating when it may
    understate them), and no XML part declaring a DTD or entities. Returns the members'
    names; raises :class:`ReadFailure` (``file-too-large``, ``file-zip-bomb``,
    ``file-xml-entities``, ``file-corrupt``)."""
    limits = limits or ReadLimits()
    check_file_size(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _check_zip(zf, limits)
            _check_declared_sizes(zf, infos, limits)
            for info in infos:
                if info.filename.endswith(_XML_SUFFIXES) or _looks_like_xml(zf, info):
                    _check_xml_prolog(zf, info, limits)
            return {info.filename for info in infos}
    except ReadFailure:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, LookupError,
            ValueError) as exc:
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        info = zf.getinfo("mimetype")
        if info.file_size <= 200 and zf.read(info).startswith(_ODS_MIME):
            return "ods"
        raise ReadFailure(
            "file-not-spreadsheet", reason="tệp OpenDocument nhưng không phải bảng tính"
        )
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names:
        raise ReadFailure("file-not-spreadsheet", reason="tệp Word (.docx)")
    inside = sorted(n for n in names if n.lower().endswith(SPREADSHEET_SUFFIXES))
    if inside:
        name = posixpath.basename(inside[0])
        more = f" và {len(inside) - 1} tệp khác" if len(inside) > 1 else ""
        raise ReadFailure("file-not-spreadsheet",
                          reason=f"tệp nén .zip, bên trong có «{name}»{more}: giải nén rồi gửi"
                                 " tệp bảng tính")
    raise ReadFailure("file-not-spreadsheet", reason="tệp nén không chứa bảng tính")


def _inspect_zip(
    path: Path, limits: ReadLimits, notes: SheetNotes
) -> tuple[str, bool, bool, dict[str, SheetReach]]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _check_zip(zf, limits)
            _check_declared_sizes(zf, infos, limits)
            names = {info.filename for info in infos}
            kind = _zip_kind(zf, names)
            if kind == "ods" and "META-INF/manifest.xml" in names:
                manifest = zf.getinfo("META-INF/manifest.xml")
                if manifest.file_size < 1_000_000 and b"encryption-data" in zf.read(manifest):
                    raise ReadFailure("file-encrypted")
            worksheets: list[zipfile.ZipInfo] = []
            for info in infos:
                if kind == "ods" and not info.filename.endswith(_XML_SUFFIXES):
                    continue
                is_xml = info.filename.endswith(_XML_SUFFIXES) or _looks_like_xml(zf, info)
                if is_xml and _check_xml_prolog(zf, info, limits) in _SHEET_ROOTS:
                    worksheets.append(info)
            has_macros = "xl/vbaProject.bin" in names or any(
                n.startswith(("Basic/", "Scripts/")) for n in names
            )
            has_links = any(n.startswith("xl/externalLinks/") for n in names)
            if kind == "ods":
                oversized = ods_reaches(zf, limits.max_sheet_cells, notes)
            elif kind in ("xlsx", "xlsm"):
                oversized = xlsx_reaches(zf, worksheets, limits.max_sheet_cells, notes)
                if "" in oversized:  # a worksheet part no sheet of the workbook names
                    raise sheet_too_large(None, oversized[""], limits.max_sheet_cells)
            else:
                oversized = {}
            return kind, has_macros, has_links, oversized
    except ReadFailure:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, LookupError,
            ValueError, SyntaxError) as exc:
        # SyntaxError: defusedxml's ParseError; LookupError: a missing member (KeyError) or
        # an XML declaration naming an encoding that does not exist.
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc


def _inspect_ole(path: Path, limits: ReadLimits, notes: SheetNotes) -> tuple[str, bool]:
    """An OLE compound file: encrypted OOXML, an .xls (maybe encrypted) or something else."""
    import msoffcrypto
    import olefile  # type: ignore[import-untyped]

    oversized: dict[str, SheetReach] = {}
    try:
        ole = olefile.OleFileIO(str(path))
        try:
            streams = {"/".join(entry) for entry in ole.listdir()}
            book = next((s for s in ("Workbook", "Book") if s in streams), None)
            if book is not None and "EncryptedPackage" not in streams:
                with ole.openstream(book) as stream:
                    oversized = xls_reaches(stream.read(), limits.max_sheet_cells, notes)
        finally:
            ole.close()
    except Exception as exc:  # truncated or damaged compound file
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc
    if oversized:
        # The .xls reader reads every sheet on opening: one too large stops the file.
        name, reach = next(iter(oversized.items()))
        raise sheet_too_large(name, reach, limits.max_sheet_cells)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise ReadFailure("file-encrypted")
    if not ({"Workbook", "Book"} & streams):
        raise ReadFailure("file-not-spreadsheet", reason="tệp Office nhưng không phải bảng tính")
    try:
        with path.open("rb") as fh:
            encrypted = bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # msoffcrypto cannot tell: calamine will say whether it reads
        encrypted = False
    if encrypted:
        raise ReadFailure("file-encrypted")
    has_macros = any(s.startswith(("_VBA_PROJECT_CUR", "Macros")) for s in streams)
    return "xls", has_macros


def check_file_size(path: Path, limits: ReadLimits) -> int:
    """The file's size in bytes; :class:`ReadFailure` when it is gone (``file-not-found``)
    or larger than ``limits`` allow (``file-too-large``)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadFailure("file-not-found") from exc
    if size > limits.max_file_bytes:
        raise ReadFailure("file-too-large", size=round(size / 1048576, 1),
                          limit=round(limits.max_file_bytes / 1048576, 1))
    return size


def open_workbook(path: Path, limits: ReadLimits | None = None) -> Workbook:
    """Open ``path`` after the safety checks; raise :class:`ReadFailure` when it cannot be read."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    limits = limits or ReadLimits()
    check_file_size(path, limits)
    container = sniff(path)
    has_macros = has_links = False
    oversized: dict[str, SheetReach] = {}
    notes = SheetNotes()
    if container == "zip":
        kind, has_macros, has_links, oversized = _inspect_zip(path, limits, notes)
    elif container == "ole":
        kind, has_macros = _inspect_ole(path, limits, notes)
    elif container == "empty":
        raise ReadFailure("file-not-spreadsheet", reason="tệp rỗng (0 byte)")
    elif container == "html":
        raise ReadFailure(
            "file-not-spreadsheet", reason="tệp HTML/XML đổi đuôi thành bảng tính"
        )
    elif container == "pdf":
        raise ReadFailure("file-not-spreadsheet", reason="tệp PDF: cần gửi tệp bảng tính")
    elif container == "archive":
        raise ReadFailure("file-not-spreadsheet",
                          reason="tệp nén RAR hoặc 7z: giải nén rồi gửi tệp bảng tính bên trong")
    else:
        raise ReadFailure("file-not-spreadsheet", reason="tệp văn bản hoặc định dạng khác")
    if kind == "ods" and oversized:
        # The .ods reader loads every sheet on opening: one too large stops the file.
        name, reach = next(iter(oversized.items()))
        raise sheet_too_large(name, reach, limits.max_sheet_cells)
    try:
        book = CalamineWorkbook.from_path(str(path))
        metadata = list(book.sheets_metadata)
    except BaseException as exc:  # calamine: ZipError, XmlError, CalamineError, PasswordError …
        if not _reader_error(exc):
            raise
        if type(exc).__name__ == "PasswordError":
            raise ReadFailure("file-encrypted") from exc
        if "cell limit" in str(exc).lower():  # calamine's own guard
            raise sheet_too_large(None, None, limits.max_sheet_cells) from exc
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc
    sheets = [
        SheetInfo(
            name=meta.name,
            visible=meta.visible == SheetVisibleEnum.Visible,
            index=i,
        )
        for i, meta in enumerate(metadata)
        if meta.typ == SheetTypeEnum.WorkSheet
    ]
    return Workbook(
        path=path,
        kind=kind,
        sheets=sheets,
        has_macros=has_macros,
        has_external_links=has_links,
        oversized=oversized,
        notes=notes,
        max_sheet_cells=limits.max_sheet_cells,
        _book=book,
    )
