"""Read an annual report (Form B) written in Word, as most agencies send it.

A ``.docx`` is opened with python-docx after the same safety checks as a workbook's zip
(:func:`nscl.reading.check_zip_container`: size, members, compression ratios, no XML
entities). A ``.doc``, ``.odt`` or ``.rtf`` is first converted to ``.docx`` by LibreOffice
(:mod:`nscl.libreoffice`, a throw-away profile, macros off) when it is installed;
without it the file cannot be read (``document-needs-libreoffice``).

The document becomes a list of blocks in reading order: paragraphs (text, and whether
they look like a heading: a heading style, or bold throughout) and tables (a grid of cell
texts, merged cells repeated as Word lays them out). :func:`read_word_narratives` finds
the outline's headings among the paragraphs (by number or by title:
:class:`~nscl.report_match.OutlineMatcher`; Word's automatic numbering keeps the number
out of the text) and gives each narrative item the paragraphs, and the tables other than
the indicator table, up to the next heading. The indicator table is any table whose
header names the year and the cumulative columns (:func:`nscl.locate.locate_indicators`);
it is then checked like the "Chỉ tiêu" sheet of the template.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nscl.checks_report import is_footer_line, narrative_text
from nscl.forms import ReportForm
from nscl.problems import Problem, get_rule
from nscl.reading import (
    ReadFailure,
    ReadLimits,
    check_file_size,
    check_zip_container,
    describe_error,
    sniff,
)
from nscl.report_match import OutlineMatcher

__all__ = [
    "WORD_SUFFIXES",
    "WordBlock",
    "WordDocument",
    "WordTable",
    "open_word_document",
    "read_word_narratives",
    "word_kind",
]

# The suffixes of word-processor documents read as annual reports.
WORD_SUFFIXES: tuple[str, ...] = (".docx", ".docm", ".doc", ".odt", ".rtf")
# What LibreOffice must convert first (python-docx reads .docx only).
CONVERTED_KINDS: frozenset[str] = frozenset({"doc", "odt", "rtf"})
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_KIND_LABELS = {"doc": "Word đời cũ (.doc)", "odt": "OpenDocument (.odt)", "rtf": "RTF (.rtf)",
                "docx": "Word (.docx)"}


@dataclass(frozen=True)
class WordTable:
    """A table of the document: its number (1-based, in reading order) and its cells'
    texts as a grid (a cell merged over several grid columns or rows is repeated)."""

    number: int
    grid: list[list[str]]

    @property
    def name(self) -> str:
        """How messages name it: "Bảng 2"."""
        return f"Bảng {self.number}"


@dataclass(frozen=True)
class WordBlock:
    """A paragraph (``text``; ``strong`` when styled as a heading or bold throughout) or
    a table."""

    text: str = ""
    strong: bool = False
    table: WordTable | None = None


@dataclass
class WordDocument:
    """A Word report as blocks in reading order."""

    kind: str  # "docx", "doc", "odt", "rtf"
    blocks: list[WordBlock] = field(default_factory=list)

    @property
    def tables(self) -> list[WordTable]:
        """The tables, in reading order."""
        return [b.table for b in self.blocks if b.table is not None]


def word_kind(path: Path) -> str | None:
    """What kind of word-processor document ``path`` holds, from its content: "docx",
    "odt", "doc", "rtf", "encrypted" (an Office file with a password), or None."""
    try:
        container = sniff(path)
        if container == "zip":
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and zf.getinfo("mimetype").file_size <= 200 and \
                        zf.read("mimetype").startswith(_ODT_MIME):
                    return "odt"
            return None
        if container == "ole":
            import olefile  # type: ignore[import-untyped]

            ole = olefile.OleFileIO(str(path))
            try:
                streams = {"/".join(entry) for entry in ole.listdir()}
            finally:
                ole.close()
            if "EncryptedPackage" in streams:
                return "encrypted"
            return "doc" if "WordDocument" in streams else None
        if container == "text":
            with path.open("rb") as fh:
                return "rtf" if fh.read(5) == b"{\\rtf" else None
    except (OSError, zipfile.BadZipFile, ValueError, KeyError):
        return None
    return None


def _is_encrypted_doc(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # msoffcrypto cannot tell: LibreOffice will say whether it reads
        return False


def open_word_document(path: Path, limits: ReadLimits | None = None) -> WordDocument:
    """Read ``path`` into a :class:`WordDocument`; :class:`ReadFailure` when it cannot be
    read (the same codes as a workbook's, and ``document-needs-libreoffice``,
    ``document-conversion-failed``)."""
    limits = limits or ReadLimits()
    check_file_size(path, limits)
    kind = word_kind(path)
    if kind == "encrypted":
        raise ReadFailure("file-encrypted")
    if kind is None:
        raise ReadFailure("file-corrupt", reason="không phải văn bản Word, OpenDocument hay"
                                                 " RTF đọc được")
    if kind == "docx":
        return WordDocument("docx", _blocks(path, limits))
    if kind == "doc" and _is_encrypted_doc(path):
        raise ReadFailure("file-encrypted")
    from nscl.libreoffice import LibreOfficeError, convert, find_soffice

    label = _KIND_LABELS[kind]
    if find_soffice() is None:
        raise ReadFailure("document-needs-libreoffice", kind=label)
    with tempfile.TemporaryDirectory(prefix="nscl-doc-") as tmp:
        # A copy under a plain name: LibreOffice names its output after its input.
        source = Path(tmp) / f"bao-cao.{kind}"
        source.write_bytes(path.read_bytes())
        try:
            converted = convert(source, "docx:MS Word 2007 XML", Path(tmp) / "out")
        except LibreOfficeError as exc:
            raise ReadFailure("document-conversion-failed", kind=label, reason=str(exc)) \
                from exc
        return WordDocument(kind, _blocks(converted, limits))


def _blocks(path: Path, limits: ReadLimits) -> list[WordBlock]:
    """The body of a .docx as blocks, after the container's safety checks."""
    check_zip_container(path, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        blocks: list[WordBlock] = []
        tables = 0
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                text = item.text.strip()
                if text:
                    blocks.append(WordBlock(text=text, strong=_looks_like_heading(item)))
            elif isinstance(item, Table):
                tables += 1
                blocks.append(WordBlock(table=WordTable(tables, _grid(item))))
        return blocks
    except ReadFailure:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged parts
        raise ReadFailure("file-corrupt", reason=describe_error(exc)) from exc


def _looks_like_heading(paragraph: Any) -> bool:
    style = paragraph.style.name.lower() if paragraph.style is not None else ""
    if style.startswith(("heading", "title")) or "tiêu đề" in style:
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def _grid(table: Any) -> list[list[str]]:
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def read_word_narratives(
    document: WordDocument,
    form: ReportForm,
    year: int | None,
    *,
    file: str | None,
    skip_table: int | None = None,
) -> tuple[dict[str, str], list[Problem], int, int]:
    """Narrative text per outline key, "narrative-missing" problems, the number of
    headings found, and the index of the first heading's block (what comes before it is
    the document's header: agency, title, addressee).

    ``skip_table`` is the number of the indicator table, which is no narrative.
    The signature block ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN" …) ends the narratives.
    """
    matcher = OutlineMatcher(form, year)
    heads: list[tuple[int, Any]] = []
    for i, block in enumerate(document.blocks):
        if block.table is None:
            found = matcher.match(block.text, strong=block.strong)
            if found is not None:
                heads.append((i, found))
    narratives: dict[str, str] = {}
    problems: list[Problem] = []
    ended = False
    for n, (i, found) in enumerate(heads):
        item = found.item
        end = heads[n + 1][0] if n + 1 < len(heads) else len(document.blocks)
        parts = [found.trailing] if found.trailing else []
        for block in document.blocks[i + 1:end]:
            if ended:
                break
            if block.table is not None:
                if any(is_footer_line(cell.split("\n", 1)[0])
                       for cell in block.table.grid[0][:2]):
                    ended = True  # the signature block, laid out as a table
                elif block.table.number != skip_table:
                    parts.extend(" | ".join(dict.fromkeys(c for c in row if c))
                                 for row in block.table.grid if any(row))
            elif is_footer_line(block.text.split("\n", 1)[0]):
                ended = True  # (a signature table may come back from .doc as one paragraph)
            else:
                parts.append(block.text)
        if not item.narrative or not item.key:
            continue
        text = narrative_text(parts, item.note, year)
        if text:
            narratives[item.key] = text
        else:
            problems.append(get_rule("narrative-missing").problem(
                file=file, number=item.number,
                title=item.title_for(year) if year else item.title,
            ))
    first = heads[0][0] if heads else len(document.blocks)
    return narratives, problems, len(heads), first
