"""Find the submitted spreadsheets under the inbox folder.

Any file name and any depth of sub-folders; only spreadsheet extensions count. Office
lock files (``~$x.xlsx``, ``.~lock.x.ods#``) and hidden files or folders are skipped.
Collecting only calls ``stat``: no file is opened here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SPREADSHEET_EXTENSIONS", "Candidate", "collect", "is_candidate_name"]

SPREADSHEET_EXTENSIONS: frozenset[str] = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


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


def _walk(folder: Path, skip: frozenset[Path]) -> Iterator[os.DirEntry[str]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                if Path(entry.path) not in skip:
                    yield from _walk(Path(entry.path), skip)
            elif entry.is_file():
                yield entry
        except OSError:
            continue


def collect(inbox: Path, *, exclude: Iterable[Path] = ()) -> list[Candidate]:
    """Every spreadsheet under ``inbox``, sorted by relative path.

    ``exclude`` names folders and files never to collect (the master, the state and
    outbox folders, should they sit inside the inbox).
    """
    skip = frozenset(exclude)
    found: list[Candidate] = []
    for entry in _walk(inbox, skip):
        if not is_candidate_name(entry.name) or Path(entry.path) in skip:
            continue
        try:
            st = entry.stat()
        except OSError:
            continue
        path = Path(entry.path)
        rel = path.relative_to(inbox).as_posix()
        found.append(Candidate(path=path, rel=rel, size=st.st_size, mtime_ns=st.st_mtime_ns))
    found.sort(key=lambda c: c.rel)
    return found
