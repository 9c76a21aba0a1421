"""The ledger: a SQLite database in the state folder recording every file version and run.

Tables
    ``blobs``      one row per distinct content (SHA-256), with its archived copy
    ``versions``   one row per (inbox path, content, modification time) ever seen, with the
                   agency, form, year, status and problems found in it
    ``reports``    the validation report of each content (JSON, the parse cache), per
                   engine fingerprint, so that unchanged files are never parsed again
    ``runs``       one row per run: times, outcome, fingerprint of the master's content,
                   JSON summary, the file counted for each agency
    ``run_files``  which versions each run counted, superseded or rejected
    ``feedback``   marked copies already sent back
    ``indicator_values``  the values of each annual report (Form B) counted in the last
                   run of its round: agency, year, indicator, year and cumulative value
                   (the base of the next year's checks: cumulative(N) = cumulative(N-1)
                   + value(N))
    ``google_files`` each file collected from Google Drive: its state when last fetched
                   (Drive's ``modifiedTime`` and ``version``, the content's hash) and
                   the last write-back (:mod:`sync.google_state`)
    ``decisions``  the staff's decision on each proposed task of a round (Form A), as
                   last read from the master: decision, comment, who and when, the
                   task's content it was made on (:mod:`sync.selection`)
    ``decision_history``  every decision ever read, in order (never deleted)

A ledger written by an older nscl is brought up to date when opened (``_MIGRATIONS``,
one step per schema version, in one transaction; tables that only add to what an older
nscl reads, ``_ADDED_SCHEMA``, are created when missing without a new version); one
written by a newer nscl is refused.

Every change is made inside a transaction, so a run killed at any point leaves the
ledger as it was before or after that change, never half-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "LEDGER_NAME", "IndicatorValue", "Ledger", "LedgerError", "RunRecord", "StoredDecision",
    "VersionRecord",
]

LEDGER_NAME = "nscl-ledger.sqlite3"
SCHEMA_VERSION = "3"

_INDICATOR_VALUES = """
CREATE TABLE IF NOT EXISTS indicator_values(
    form TEXT NOT NULL,
    year INTEGER NOT NULL,
    agency TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year_value REAL,
    cumulative REAL,
    sha256 TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY(form, year, agency, indicator)
)"""

_DECISIONS = """
CREATE TABLE IF NOT EXISTS decisions(
    form TEXT NOT NULL,
    year INTEGER NOT NULL,
    agency TEXT NOT NULL,
    task TEXT NOT NULL,
    task_name TEXT NOT NULL,
    decision TEXT,
    comment TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    basis TEXT NOT NULL,
    basis_content TEXT NOT NULL,
    master_run INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY(form, year, agency, task)
)"""
_DECISION_HISTORY = """
CREATE TABLE IF NOT EXISTS decision_history(
    id INTEGER PRIMARY KEY,
    form TEXT NOT NULL,
    year INTEGER NOT NULL,
    agency TEXT NOT NULL,
    task TEXT NOT NULL,
    task_name TEXT NOT NULL,
    decision TEXT,
    comment TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    basis TEXT NOT NULL,
    master_run INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    recorded TEXT NOT NULL
)"""

# Schema version -> the statements that bring a ledger of that version to the next.
_MIGRATIONS: dict[str, tuple[str, ...]] = {
    "1": (_INDICATOR_VALUES,),  # 1 -> 2: accepted values of the annual reports
    "2": (_DECISIONS, _DECISION_HISTORY),  # 2 -> 3: the staff's decisions on tasks
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    archived TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    first_run INTEGER,
    last_run INTEGER,
    agency TEXT,
    form TEXT,
    year INTEGER,
    status TEXT,
    errors INTEGER,
    warnings INTEGER,
    problems TEXT,
    UNIQUE(path, sha256, mtime_ns)
);
CREATE INDEX IF NOT EXISTS versions_by_agency ON versions(agency, form, year);
CREATE TABLE IF NOT EXISTS reports(
    sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    report BLOB NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY(sha256, engine)
);
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    exit_code INTEGER,
    settings TEXT,
    fingerprint TEXT,
    master TEXT,
    master_size INTEGER,
    master_mtime_ns INTEGER,
    summary TEXT,
    current TEXT,
    error TEXT
);
CREATE TABLE IF NOT EXISTS run_files(
    run_id INTEGER NOT NULL REFERENCES runs(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    role TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY(run_id, version_id)
);
CREATE TABLE IF NOT EXISTS feedback(
    sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    path TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY(sha256, engine)
);
""" + ";\n".join((_INDICATOR_VALUES, _DECISIONS, _DECISION_HISTORY)) + ";\n"

# Tables added after the first release. Each is created when missing, so a ledger made by
# an earlier nscl gains it on open (the migration); they add, never change, what an
# earlier nscl reads, so ``SCHEMA_VERSION`` stays and that nscl can still open the ledger.
_ADDED_SCHEMA = """
CREATE TABLE IF NOT EXISTS google_files(
    file_id TEXT PRIMARY KEY,
    link TEXT NOT NULL,
    title TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    parent TEXT,
    modified_time TEXT NOT NULL,
    version TEXT NOT NULL,
    content_mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    size INTEGER,
    fetched TEXT,
    present INTEGER NOT NULL DEFAULT 1,
    self_write INTEGER NOT NULL DEFAULT 0,
    writeback_digest TEXT,
    writeback_at TEXT,
    writeback_due INTEGER NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class VersionRecord:
    """A file version as the ledger knows it."""

    id: int
    path: str
    sha256: str
    size: int
    mtime_ns: int
    first_seen: str


@dataclass(frozen=True)
class IndicatorValue:
    """An annual report's value of one indicator, as counted in a run."""

    agency: str
    indicator: str
    year_value: float | None
    cumulative: float | None
    sha256: str


@dataclass(frozen=True)
class StoredDecision:
    """The staff's decision on one task of a round, as the ledger keeps it.

    ``decision`` is "include", "exclude", "clarify" or None (a decision cleared: kept,
    so that an older copy of the master cannot bring it back); ``basis`` is the hash of
    the task's content the decision was made on and ``basis_content`` that content
    (column header -> value as the master showed it); ``master_run`` the run that wrote
    the master it was read from."""

    agency: str
    task: str
    task_name: str
    decision: str | None
    comment: str
    decided_by: str
    decided_at: str
    basis: str
    basis_content: dict[str, str]
    master_run: int

    @property
    def task_id(self) -> str:
        """ "<agency code>/<task>": the task's identity in the master and the ledger."""
        return f"{self.agency}/{self.task}"

    @property
    def empty(self) -> bool:
        """Neither a decision nor a comment (cleared)."""
        return self.decision is None and not self.comment


@dataclass(frozen=True)
class RunRecord:
    """A finished run."""

    id: int
    started: str
    finished: str | None
    status: str
    exit_code: int | None
    fingerprint: str | None
    master: str | None
    master_size: int | None
    master_mtime_ns: int | None
    summary: dict[str, Any] | None
    current: dict[str, str]


class LedgerError(Exception):
    """The ledger cannot be used: damaged, not a ledger, held by another program, or
    written by a newer nscl. The message (Vietnamese) says what to do; the ledger is never
    overwritten, so that the history it holds is not lost."""


def _unusable(path: Path, exc: sqlite3.Error) -> LedgerError:
    text = str(exc)
    if "locked" in text.lower():
        return LedgerError(
            f"sổ theo dõi «{path}» đang bị một chương trình khác giữ ({text}); đóng chương"
            " trình đang mở tệp này (ví dụ công cụ xem SQLite) rồi chạy lại."
        )
    return LedgerError(
        f"sổ theo dõi «{path}» bị hỏng hoặc không phải sổ theo dõi của nscl (mã lỗi kỹ thuật:"
        f" {type(exc).__name__}: {text}). nscl không ghi đè để khỏi mất lịch sử: khôi phục"
        " tệp này từ bản sao lưu, hoặc đổi tên nó để lần chạy sau tạo sổ mới (các tệp đã"
        " nhận vẫn còn trong thư mục archive cạnh nó)."
    )


class Ledger:
    """Open (and create when needed) the ledger database of a state folder.

    Raises :class:`LedgerError` when the file cannot be used as a ledger."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        try:
            # WAL: readers never block, commits are cheap, a killed writer leaves the last
            # committed state. NORMAL sync: a power cut may lose the last commits, never
            # the database's consistency.
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            with self.transaction():
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                row = self.conn.execute(
                    "SELECT value FROM meta WHERE key = 'schema'").fetchone()
                found = row[0] if row else SCHEMA_VERSION
                while found in _MIGRATIONS:  # an older ledger: brought up to date
                    for statement in _MIGRATIONS[found]:
                        self.conn.execute(statement)
                    found = str(int(found) + 1)
                    self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'",
                                      (found,))
                if found == SCHEMA_VERSION:
                    for statement in (*_SCHEMA.split(";"), *_ADDED_SCHEMA.split(";")):
                        if statement.strip():
                            self.conn.execute(statement)
                    self.conn.execute(
                        "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', ?)",
                        (SCHEMA_VERSION,),
                    )
        except sqlite3.Error as exc:
            self.conn.close()
            raise _unusable(path, exc) from exc
        if found != SCHEMA_VERSION:
            self.conn.close()
            raise LedgerError(
                f"sổ theo dõi «{path}» do một phiên bản nscl khác tạo (cấu trúc {found}, phiên"
                f" bản này dùng cấu trúc {SCHEMA_VERSION}); hãy chạy bằng phiên bản nscl đã"
                " tạo sổ, hoặc nâng cấp nscl."
            )

    def close(self) -> None:
        """Close the database."""
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- runs ---------------------------------------------------------------------------

    def begin_run(self, started: str, settings: str) -> int:
        """Record the start of a run; return its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs(started, status, settings) VALUES(?, 'running', ?)",
                (started, settings),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def finish_run(
        self,
        run_id: int,
        *,
        finished: str,
        status: str,
        exit_code: int,
        fingerprint: str | None = None,
        master: str | None = None,
        master_size: int | None = None,
        master_mtime_ns: int | None = None,
        summary: dict[str, Any] | None = None,
        current: dict[str, str] | None = None,
        error: str | None = None,
        files: Iterable[tuple[int, str, str | None]] = (),
        indicator_values: tuple[str, int, Iterable[IndicatorValue]] | None = None,
    ) -> None:
        """Record the end of a run and the role of each version in it, in one transaction;
        ``indicator_values`` (form, year, values) replaces the values kept for that
        form and year by those the run counted."""
        with self.transaction() as conn:
            if indicator_values is not None:
                form, year, values = indicator_values
                conn.execute("DELETE FROM indicator_values WHERE form = ? AND year = ?",
                             (form, year))
                conn.executemany(
                    "INSERT OR REPLACE INTO indicator_values(form, year, agency, indicator,"
                    " year_value, cumulative, sha256, run_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                    [(form, year, v.agency, v.indicator, v.year_value, v.cumulative, v.sha256,
                      run_id) for v in values],
                )
            conn.execute(
                "UPDATE runs SET finished=?, status=?, exit_code=?, fingerprint=?, master=?,"
                " master_size=?, master_mtime_ns=?, summary=?, current=?, error=? WHERE id=?",
                (
                    finished,
                    status,
                    exit_code,
                    fingerprint,
                    master,
                    master_size,
                    master_mtime_ns,
                    json.dumps(summary, ensure_ascii=False) if summary is not None else None,
                    json.dumps(current or {}, ensure_ascii=False),
                    error,
                    run_id,
                ),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO run_files(run_id, version_id, role, reason)"
                " VALUES(?, ?, ?, ?)",
                [(run_id, vid, role, reason) for vid, role, reason in files],
            )

    def _run(self, row: tuple[Any, ...]) -> RunRecord:
        return RunRecord(
            id=row[0],
            started=row[1],
            finished=row[2],
            status=row[3],
            exit_code=row[4],
            fingerprint=row[5],
            master=row[6],
            master_size=row[7],
            master_mtime_ns=row[8],
            summary=json.loads(row[9]) if row[9] else None,
            current=json.loads(row[10]) if row[10] else {},
        )

    def last_complete_run(self) -> RunRecord | None:
        """The latest run that wrote (or confirmed) the master, if any."""
        row = self.conn.execute(
            "SELECT id, started, finished, status, exit_code, fingerprint, master, master_size,"
            " master_mtime_ns, summary, current FROM runs"
            " WHERE status IN ('written', 'unchanged') ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return self._run(row) if row else None

    def last_written_run(self, *, exclude_fingerprint: str = "",
                         round_of: tuple[str, int | None] | None = None) -> RunRecord | None:
        """The latest run that wrote a master from other inputs than ``exclude_fingerprint``
        (the base of the "changes" sheet); with ``round_of`` (form, year), the latest of
        that round only (a state folder may hold the rounds of several years)."""
        cursor = self.conn.execute(
            "SELECT id, started, finished, status, exit_code, fingerprint, master, master_size,"
            " master_mtime_ns, summary, current FROM runs"
            " WHERE status = 'written' AND COALESCE(fingerprint, '') != ?"
            " ORDER BY id DESC",
            (exclude_fingerprint,),
        )
        for row in cursor:
            record = self._run(row)
            summary = record.summary or {}
            if round_of is None or (summary.get("form", "A"), summary.get("year")) == round_of:
                return record
        return None

    def runs(self) -> list[RunRecord]:
        """Every run, oldest first."""
        rows = self.conn.execute(
            "SELECT id, started, finished, status, exit_code, fingerprint, master, master_size,"
            " master_mtime_ns, summary, current FROM runs ORDER BY id"
        ).fetchall()
        return [self._run(row) for row in rows]

    # -- files --------------------------------------------------------------------------

    def known_versions(self) -> dict[tuple[str, int, int], VersionRecord]:
        """Every version, keyed by (inbox path, size, modification time in ns)."""
        out: dict[tuple[str, int, int], VersionRecord] = {}
        for row in self.conn.execute(
            "SELECT id, path, sha256, size, mtime_ns, first_seen FROM versions"
        ):
            record = VersionRecord(*row)
            out[(record.path, record.size, record.mtime_ns)] = record
        return out

    def record_version(
        self,
        *,
        path: str,
        sha256: str,
        size: int,
        mtime_ns: int,
        archived: str,
        now: str,
        run_id: int,
    ) -> VersionRecord:
        """Record a blob and a version of a file (idempotent); return the version."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO blobs(sha256, size, archived, first_seen)"
                " VALUES(?, ?, ?, ?)",
                (sha256, size, archived, now),
            )
            conn.execute(
                "INSERT OR IGNORE INTO versions(path, sha256, size, mtime_ns, first_seen,"
                " last_seen, first_run, last_run) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                (path, sha256, size, mtime_ns, now, now, run_id, run_id),
            )
            row = conn.execute(
                "SELECT id, path, sha256, size, mtime_ns, first_seen FROM versions"
                " WHERE path=? AND sha256=? AND mtime_ns=?",
                (path, sha256, mtime_ns),
            ).fetchone()
        return VersionRecord(*row)

    def mark_seen(self, version_ids: Iterable[int], *, now: str, run_id: int) -> None:
        """Update ``last_seen`` of versions present in the inbox during a run."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET last_seen=?, last_run=? WHERE id=?",
                [(now, run_id, vid) for vid in version_ids],
            )

    def set_outcomes(self, outcomes: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """Store what validation found in versions: agency, form, year, status, problems."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET agency=?, form=?, year=?, status=?, errors=?, warnings=?,"
                " problems=? WHERE id=?",
                [
                    (
                        o.get("agency"),
                        o.get("form"),
                        o.get("year"),
                        o.get("status"),
                        o.get("errors", 0),
                        o.get("warnings", 0),
                        json.dumps(o.get("problems", []), ensure_ascii=False),
                        vid,
                    )
                    for vid, o in outcomes
                ],
            )

    def blob_paths(self) -> dict[str, str]:
        """Every recorded content's archived copy (SHA-256 -> path)."""
        return dict(self.conn.execute("SELECT sha256, archived FROM blobs").fetchall())

    def set_blob_path(self, sha256: str, archived: str) -> None:
        """Record where a content's archived copy is now (it was archived again)."""
        with self.transaction() as conn:
            conn.execute("UPDATE blobs SET archived=? WHERE sha256=?", (archived, sha256))

    def blob_path(self, sha256: str) -> str | None:
        """The archived copy of a content, if recorded."""
        row = self.conn.execute("SELECT archived FROM blobs WHERE sha256=?", (sha256,)).fetchone()
        return row[0] if row else None

    # -- parse cache --------------------------------------------------------------------

    def cached_report(self, sha256: str, engine: str) -> bytes | None:
        """The stored report of a content for this cache key."""
        row = self.conn.execute(
            "SELECT report FROM reports WHERE sha256=? AND engine=?", (sha256, engine)
        ).fetchone()
        return bytes(row[0]) if row else None

    def latest_report(self, sha256: str) -> bytes | None:
        """The most recently stored report of a content, whatever the cache key."""
        row = self.conn.execute(
            "SELECT report FROM reports WHERE sha256=? ORDER BY created DESC LIMIT 1", (sha256,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def store_reports(self, items: Iterable[tuple[str, str, bytes]], now: str) -> None:
        """Cache reports: (content hash, cache key, serialised report), one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO reports(sha256, engine, report, created)"
                " VALUES(?, ?, ?, ?)",
                [(sha, key, blob, now) for sha, key, blob in items],
            )

    # -- accepted values of the annual reports ---------------------------------------------

    def indicator_values(self, form: str, year: int) -> dict[str, dict[str, tuple[
            float | None, float | None]]]:
        """The values kept for a form's year: agency -> indicator -> (year value,
        cumulative value)."""
        out: dict[str, dict[str, tuple[float | None, float | None]]] = {}
        for agency, indicator, value, cumulative in self.conn.execute(
            "SELECT agency, indicator, year_value, cumulative FROM indicator_values"
            " WHERE form = ? AND year = ? ORDER BY agency, indicator", (form, year)
        ):
            out.setdefault(agency, {})[indicator] = (value, cumulative)
        return out

    def indicator_years(self, form: str) -> list[int]:
        """The years of a form whose values are kept, in order."""
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT year FROM indicator_values WHERE form = ? ORDER BY year", (form,))]

    def indicator_digest(self, form: str, *, before: int) -> str:
        """A short hash of the values kept for a form's years before ``before`` ("" when
        there are none): what a round's master also depends on."""
        import hashlib

        digest = hashlib.sha256()
        seen = False
        for row in self.conn.execute(
            "SELECT year, agency, indicator, year_value, cumulative, sha256 FROM"
            " indicator_values WHERE form = ? AND year < ? ORDER BY year, agency, indicator",
            (form, before),
        ):
            digest.update(repr(tuple(row)).encode())
            seen = True
        return digest.hexdigest()[:24] if seen else ""

    # -- decisions on proposed tasks ----------------------------------------------------

    def decisions(self, form: str, year: int | None) -> dict[str, StoredDecision]:
        """The decisions kept for a round, by task identity ("<agency>/<task>"), cleared
        ones included."""
        out: dict[str, StoredDecision] = {}
        for row in self.conn.execute(
            "SELECT agency, task, task_name, decision, comment, decided_by, decided_at,"
            " basis, basis_content, master_run FROM decisions WHERE form = ? AND year = ?"
            " ORDER BY agency, task", (form, year or 0)
        ):
            decision = StoredDecision(
                agency=row[0], task=row[1], task_name=row[2], decision=row[3],
                comment=row[4], decided_by=row[5], decided_at=row[6], basis=row[7],
                basis_content=json.loads(row[8]), master_run=row[9])
            out[decision.task_id] = decision
        return out

    def record_decisions(self, form: str, year: int | None, items: Iterable[StoredDecision],
                         *, run_id: int, now: str) -> None:
        """Keep new or changed decisions of a round (one transaction): each replaces the
        task's decision and is added to the history."""
        kept = list(items)
        if not kept:
            return
        rows = [(form, year or 0, d.agency, d.task, d.task_name, d.decision, d.comment,
                 d.decided_by, d.decided_at, d.basis, d.master_run, run_id) for d in kept]
        contents = [json.dumps(d.basis_content, ensure_ascii=False, sort_keys=True)
                    for d in kept]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO decisions(form, year, agency, task, task_name,"
                " decision, comment, decided_by, decided_at, basis, basis_content,"
                " master_run, run_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row[:10], content, *row[10:]) for row, content in zip(rows, contents,
                                                                          strict=True)],
            )
            conn.executemany(
                "INSERT INTO decision_history(form, year, agency, task, task_name,"
                " decision, comment, decided_by, decided_at, basis, master_run, run_id,"
                " recorded) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, now) for row in rows],
            )

    def decision_history(self, form: str, year: int | None) -> list[dict[str, Any]]:
        """Every decision read for a round, oldest first."""
        cursor = self.conn.execute(
            "SELECT agency, task, task_name, decision, comment, decided_by, decided_at,"
            " run_id, recorded FROM decision_history WHERE form = ? AND year = ? ORDER BY id",
            (form, year or 0))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # -- feedback -----------------------------------------------------------------------

    def feedback_path(self, sha256: str, engine: str) -> str | None:
        """The marked copy already produced for this content, if any."""
        row = self.conn.execute(
            "SELECT path FROM feedback WHERE sha256=? AND engine=?", (sha256, engine)
        ).fetchone()
        return row[0] if row else None

    def feedback_paths(self) -> list[str]:
        """Every marked copy ever produced."""
        return [row[0] for row in self.conn.execute("SELECT DISTINCT path FROM feedback")]

    def record_feedback(self, sha256: str, engine: str, path: str, now: str) -> None:
        """Remember a marked copy."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO feedback(sha256, engine, path, created)"
                " VALUES(?, ?, ?, ?)",
                (sha256, engine, path, now),
            )

    # -- health -------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` result ("ok" when healthy)."""
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        return str(row[0])

    def abandon_stale_runs(self, now: str) -> int:
        """Mark runs left 'running' by a killed process as 'interrupted'."""
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE runs SET status='interrupted', finished=? WHERE status='running'", (now,)
            )
            return cur.rowcount
