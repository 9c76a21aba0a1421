"""Find the submitted spreadsheets under the inbox folder.

Any file name and any depth of sub-folders (folders linked into the inbox too); only
spreadsheet extensions count, and, in a report round (Form B, ``documents``), Word
documents too (.docx; .doc, .odt, .rtf when LibreOffice is installed to convert them,
otherwise listed with advice). Office lock files (``~$x.xlsx``, ``.~lock.x.ods#``), hidden
files or folders and the system's own (``Thumbs.db``, ``desktop.ini``) are skipped; a
link to nothing is logged. Every other file (a .zip, a scanned letter in PDF, a Word
document) is listed by :func:`scan` as an :class:`~sync.model.OtherFile` with what it is
and what to do, for the master and the summary: never consolidated, never a reason to
fail the run. Collecting only calls ``stat``: no file is opened here.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from nscl.reading import SPREADSHEET_SUFFIXES
from sync.logs import LOGGER
from sync.model import OtherFile

__all__ = [
    "SPREADSHEET_EXTENSIONS", "Candidate", "InboxContents", "collect", "document_extensions",
    "is_candidate_name", "other_file_kind", "scan",
]

SPREADSHEET_EXTENSIONS: frozenset[str] = frozenset(SPREADSHEET_SUFFIXES)

_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_SUPPORTED = ", ".join(SPREADSHEET_SUFFIXES)
_SEND_SPREADSHEET = "số liệu phải được gửi bằng tệp bảng tính theo mẫu"

# (code, extensions, reason): what a file of another type in the inbox is, and what to do.
_OTHER_KINDS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("other-archive",
     frozenset({".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz"}),
     "Tệp nén: không được mở khi tổng hợp; nếu bên trong là tệp đề xuất, cần giải nén rồi "
     "đặt tệp bảng tính vào thư mục nhận."),
    ("other-pdf", frozenset({".pdf"}),
     f"Tệp PDF (văn bản hoặc bản chụp): không tổng hợp; {_SEND_SPREADSHEET}."),
    ("other-document", frozenset({".doc", ".docx", ".docm", ".odt", ".rtf"}),
     f"Văn bản (Word …): không tổng hợp; {_SEND_SPREADSHEET}."),
    ("other-image",
     frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".webp"}),
     f"Ảnh: không tổng hợp; {_SEND_SPREADSHEET}."),
    ("other-text", frozenset({".csv", ".tsv", ".txt"}),
     "Tệp văn bản, CSV: không tổng hợp; mở bằng Excel rồi lưu lại thành tệp .xlsx theo mẫu."),
    ("other-spreadsheet-format",
     frozenset({".xlt", ".xltx", ".xltm", ".ots", ".fods", ".numbers", ".xlk", ".et"}),
     "Định dạng bảng tính không dùng để nộp (tệp mẫu, bản sao lưu hoặc của chương trình "
     f"khác): mở rồi lưu lại thành tệp .xlsx ({_SUPPORTED} được nhận)."),
)
_OTHER_DEFAULT = ("other-file",
                  f"Không phải tệp bảng tính ({_SUPPORTED}): không tổng hợp.")
# In a report round (Form B), what other files are and what to do.
_SEND_REPORT = "đề nghị đơn vị gửi bản Word (.docx) hoặc tệp bảng tính theo Mẫu B"
_REPORT_KINDS: dict[str, str] = {
    "other-pdf": f"Tệp PDF (văn bản hoặc bản chụp): không đọc được số liệu; {_SEND_REPORT}.",
    "other-document": "Văn bản .doc, .odt hoặc .rtf: máy tổng hợp chưa cài LibreOffice nên"
                      " không chuyển sang .docx để đọc được; đề nghị đơn vị lưu lại thành"
                      " .docx (Word: Tệp > Lưu thành > Word Document), hoặc cài LibreOffice.",
    "other-image": f"Ảnh: không đọc được số liệu; {_SEND_REPORT}.",
}


@dataclass(frozen=True)
class Candidate:
    """A spreadsheet found in the inbox, as seen by ``stat``."""

    path: Path  # absolute
    rel: str  # path relative to the inbox, with "/" separators (the ledger key)
    size: int
    mtime_ns: int

    @property
    def extension(self) -> str:
        """Lower-case extension with the dot (".xlsx")."""
        return self.path.suffix.lower()

    @property
    def mtime(self) -> float:
        """Modification time, seconds since the epoch."""
        return self.mtime_ns / 1e9

    @property
    def display_name(self) -> str:
        """The name the file's problems are reported under: its path in the inbox."""
        return self.rel


@dataclass(frozen=True)
class InboxContents:
    """What :func:`scan` found: the spreadsheets, and every other file."""

    candidates: list[Candidate]
    others: list[OtherFile]


def document_extensions(*, converter: bool) -> frozenset[str]:
    """The word-processor documents a report round reads: .docx, and the kinds
    LibreOffice converts when it is there (``converter``)."""
    from nscl.word_report import CONVERTED_KINDS, WORD_SUFFIXES

    return frozenset(s for s in WORD_SUFFIXES if converter or s.lstrip(".") not in
                     CONVERTED_KINDS)


def is_candidate_name(name: str, extensions: frozenset[str] = SPREADSHEET_EXTENSIONS) -> bool:
    """Whether a file name is a spreadsheet (or another of ``extensions``) to consider
    (not hidden, not a lock file)."""
    if name.startswith((".", "~$", "~")):
        return False
    return os.path.splitext(name)[1].lower() in extensions


def _skipped(name: str) -> bool:
    """Hidden, lock and system files: neither a submission nor worth listing."""
    return name.startswith((".", "~")) or name.lower() in _SYSTEM_FILES


def other_file_kind(name: str, *, report_round: bool = False) -> tuple[str, str]:
    """(code, Vietnamese reason) for a file of the inbox that is not a spreadsheet (in a
    ``report_round``, the advice is to send the report in Word or in Form B)."""
    suffix = os.path.splitext(name)[1].lower()
    for code, suffixes, reason in _OTHER_KINDS:
        if suffix in suffixes:
            return code, _REPORT_KINDS.get(code, reason) if report_round else reason
    return _OTHER_DEFAULT


def _walk(folder: Path, skip: frozenset[Path], seen: set[str],
          extensions: frozenset[str] = SPREADSHEET_EXTENSIONS) -> Iterator[os.DirEntry[str]]:
    """Every file under ``folder``; folders reached through a symbolic link are followed
    (an inbox may link each agency's upload folder), each real folder once (no loops)."""
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        LOGGER.warning("không đọc được danh sách thư mục %s: %s", folder, exc)
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                real = os.path.realpath(entry.path)
                if Path(entry.path) in skip or Path(real) in skip:
                    continue
                if real in seen:
                    LOGGER.warning("thư mục %s đã được thu thập (là %s); bỏ qua",
                                   entry.path, real)
                    continue
                seen.add(real)
                yield from _walk(Path(entry.path), skip, seen, extensions)
            elif entry.is_file():
                yield entry
            elif entry.is_symlink() and is_candidate_name(entry.name, extensions):
                LOGGER.warning("%s là liên kết tới tệp không còn (%s); bỏ qua", entry.path,
                               os.readlink(entry.path))
        except OSError:
            continue


def collect(inbox: Path, *, exclude: Iterable[Path] = ()) -> list[Candidate]:
    """Every spreadsheet under ``inbox``, sorted by relative path (see :func:`scan`)."""
    return scan(inbox, exclude=exclude).candidates


def scan(inbox: Path, *, exclude: Iterable[Path] = (),
         documents: bool = False) -> InboxContents:
    """Every spreadsheet under ``inbox`` (and Word document, with ``documents``: a
    report round), and every other file, each sorted by relative path.

    ``exclude`` names folders and files never to collect (the master, the state and
    outbox folders, should they sit inside the inbox). Relative paths are NFC (a name
    written on a Mac arrives decomposed, and is shown, recorded and matched as typed
    elsewhere), unless two names differ only by that: those keep their own bytes.
    """
    skip = frozenset(exclude)
    extensions = SPREADSHEET_EXTENSIONS
    if documents:
        from nscl.libreoffice import find_soffice

        extensions = extensions | document_extensions(converter=find_soffice() is not None)
    found: list[Candidate] = []
    others: list[Candidate] = []
    for entry in _walk(inbox, skip, {os.path.realpath(inbox)}, extensions):
        if Path(entry.path) in skip:
            continue
        spreadsheet = is_candidate_name(entry.name, extensions)
        if not spreadsheet and _skipped(entry.name):
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        path = Path(entry.path)
        rel = path.relative_to(inbox).as_posix()
        (found if spreadsheet else others).append(
            Candidate(path=path, rel=rel, size=st.st_size, mtime_ns=st.st_mtime_ns)
        )
    found, others = _nfc_names(found), _nfc_names(others)
    listed: list[OtherFile] = []
    for other in others:
        code, reason = other_file_kind(other.path.name, report_round=documents)
        listed.append(OtherFile(other.rel, reason, code, other.size, other.mtime_ns))
        LOGGER.info("%s không phải tệp bảng tính: không tổng hợp", other.rel)
    return InboxContents(found, listed)


def _nfc_names(found: list[Candidate]) -> list[Candidate]:
    names = Counter(unicodedata.normalize("NFC", c.rel) for c in found)
    found = [
        replace(c, rel=nfc) if (nfc := unicodedata.normalize("NFC", c.rel)) != c.rel
        and names[nfc] == 1 else c
        for c in found
    ]
    found.sort(key=lambda c: c.rel)
    return found
