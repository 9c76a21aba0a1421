"""Find the submitted spreadsheets under the inbox folder.

Any file name and any depth of sub-folders (folders linked into the inbox too); only
spreadsheet extensions count. Office lock files (``~$x.xlsx``, ``.~lock.x.ods#``) and
hidden files or folders are skipped; a link to nothing is logged. Collecting only calls
``stat``: no file is opened here.
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

__all__ = ["SPREADSHEET_EXTENSIONS", "Candidate", "collect", "is_candidate_name"]

SPREADSHEET_EXTENSIONS: frozenset[str] = frozenset(SPREADSHEET_SUFFIXES)


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


def is_candidate_name(name: str) -> bool:
    """Whether a file name is a spreadsheet to consider (not hidden, not a lock file)."""
    if name.startswith((".", "~$", "~")):
        return False
    return os.path.splitext(name)[1].lower() in SPREADSHEET_EXTENSIONS


def _walk(folder: Path, skip: frozenset[Path], seen: set[str]) -> Iterator[os.DirEntry[str]]:
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
                yield from _walk(Path(entry.path), skip, seen)
            elif entry.is_file():
                yield entry
            elif entry.is_symlink() and is_candidate_name(entry.name):
                LOGGER.warning("%s là liên kết tới tệp không còn (%s); bỏ qua", entry.path,
                               os.readlink(entry.path))
        except OSError:
            continue


def collect(inbox: Path, *, exclude: Iterable[Path] = ()) -> list[Candidate]:
    """Every spreadsheet under ``inbox``, sorted by relative path.

    ``exclude`` names folders and files never to collect (the master, the state and
    outbox folders, should they sit inside the inbox). Relative paths are NFC (a name
    written on a Mac arrives decomposed, and is shown, recorded and matched as typed
    elsewhere), unless two names differ only by that: those keep their own bytes.
    """
    skip = frozenset(exclude)
    found: list[Candidate] = []
    for entry in _walk(inbox, skip, {os.path.realpath(inbox)}):
        if not is_candidate_name(entry.name) or Path(entry.path) in skip:
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        path = Path(entry.path)
        rel = path.relative_to(inbox).as_posix()
        found.append(Candidate(path=path, rel=rel, size=st.st_size, mtime_ns=st.st_mtime_ns))
    names = Counter(unicodedata.normalize("NFC", c.rel) for c in found)
    found = [
        replace(c, rel=nfc) if (nfc := unicodedata.normalize("NFC", c.rel)) != c.rel
        and names[nfc] == 1 else c
        for c in found
    ]
    found.sort(key=lambda c: c.rel)
    return found
