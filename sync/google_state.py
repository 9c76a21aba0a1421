"""What the ledger remembers of each file collected from Google Drive (table
``google_files`` of :mod:`sync.ledger`).

For each Drive file ID: its link (the ``path`` of its versions in the ledger), title and
type; Drive's ``modifiedTime`` and ``version`` when it was last fetched, or when nscl's
own write-back last moved them; the modification time and hash of the content held;
whether it was in the folder at the last complete listing; and the write-back: the
digest of the problems last written into the spreadsheet, whether nscl's own write is
the file's latest change (``self_write``), and whether a write-back is still due after
one failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from sync.ledger import Ledger

__all__ = [
    "GoogleFileState",
    "load_states",
    "mark_absent",
    "save_state",
    "set_writeback",
    "writeback_due",
]


@dataclass
class GoogleFileState:
    """One row of ``google_files``."""

    file_id: str
    link: str
    title: str
    mime_type: str
    parent: str | None
    modified_time: str  # Drive's modifiedTime, as listed
    version: str  # Drive's version, as listed
    content_mtime_ns: int  # the modification time of the content held (its version's)
    sha256: str | None = None
    size: int | None = None
    fetched: str | None = None
    present: bool = True
    self_write: bool = False
    writeback_digest: str | None = None
    writeback_at: str | None = None
    writeback_due: bool = False


_COLUMNS = [f.name for f in fields(GoogleFileState)]


def load_states(ledger: Ledger) -> dict[str, GoogleFileState]:
    """Every file ever collected from Google, by Drive file ID."""
    out: dict[str, GoogleFileState] = {}
    for row in ledger.conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM google_files"):
        values = dict(zip(_COLUMNS, row, strict=True))
        for flag in ("present", "self_write", "writeback_due"):
            values[flag] = bool(values[flag])
        state = GoogleFileState(**values)
        out[state.file_id] = state
    return out


def save_state(ledger: Ledger, states: Iterable[GoogleFileState]) -> None:
    """Insert or replace rows (one transaction)."""
    rows = [tuple(int(v) if isinstance(v, bool) else v
                  for v in (getattr(s, c) for c in _COLUMNS)) for s in states]
    if not rows:
        return
    marks = ", ".join("?" for _ in _COLUMNS)
    with ledger.transaction() as conn:
        conn.executemany(
            f"INSERT OR REPLACE INTO google_files({', '.join(_COLUMNS)}) VALUES({marks})", rows)


def mark_absent(ledger: Ledger, file_ids: Iterable[str]) -> None:
    """The files are no longer in the folder (a complete listing did not find them)."""
    with ledger.transaction() as conn:
        conn.executemany("UPDATE google_files SET present=0 WHERE file_id=?",
                         [(i,) for i in file_ids])


def set_writeback(ledger: Ledger, file_id: str, *, digest: str | None, at: str | None,
                  self_write: bool, due: bool) -> None:
    """Record a write-back: the problems written (``digest``), whether nscl's write is
    now the file's latest change, whether another write is still due."""
    with ledger.transaction() as conn:
        conn.execute(
            "UPDATE google_files SET writeback_digest=?, writeback_at=?, self_write=?,"
            " writeback_due=? WHERE file_id=?",
            (digest, at, int(self_write), int(due), file_id))


def writeback_due(ledger: Ledger) -> bool:
    """Whether some spreadsheet still waits for a write-back that failed."""
    row = ledger.conn.execute(
        "SELECT 1 FROM google_files WHERE writeback_due=1 AND present=1 LIMIT 1").fetchone()
    return row is not None
