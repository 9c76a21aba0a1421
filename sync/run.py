"""The nightly consolidation pipeline: inbox folder -> master workbook.

1. Collect the spreadsheets of the inbox (``stat`` only).
2. Keep everything: new contents are archived by SHA-256 and every version is recorded
   in the ledger. A file already seen (same path, size and modification time) is not
   read again. When nothing changed since the last complete run and the master is
   untouched, the run stops here: nothing is parsed, nothing is rewritten.
3. Validate each content not validated yet by this engine (worker processes).
4. Reject what cannot be consolidated (unreadable, unknown form, agency or year), with
   a reason; keep, for each agency, its newest file (modification time, then first
   seen); compute completeness and the changes since the previous master; read back the
   staff's decisions from a master edited since it was written, keep them in the
   ledger and attach them to the tasks (Form A, :mod:`sync.selection`).
5. Write the master atomically (previous master kept as a dated copy), unless it was
   saved again meanwhile (exit 2: the decisions typed into it are read next time).
6. Put a marked copy of every file with problems in the outbox (and, with
   ``[google] writeback``, the problems into the agencies' Google Sheets).
7. Record the run; return the JSON result and the exit code
   (0 clean, 1 errors, rejected files or a Google file not updated, 2 the run itself
   failed).

With a ``[google]`` folder or spreadsheets, step 1 also collects from Google Drive
(:mod:`sync.google_source`): what changed is fetched, and from then on a Google file is
a file of the inbox whose name is its link.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from nscl.gc_pause import gc_paused, release_kept
from nscl.reading import describe_error
from sync.archive import FileChangedError, archive_file, clean_temporary, file_sha256
from sync.collect import Candidate, scan
from sync.config import ConfigError, SyncConfig
from sync.ledger import LEDGER_NAME, IndicatorValue, Ledger, VersionRecord
from sync.lock import run_lock
from sync.logs import LOGGER, log_path, run_logging
from sync.model import OtherFile, report_name

if TYPE_CHECKING:  # imported when a full run needs them (an unchanged run stays light)
    from collections.abc import Iterable, Mapping

    from nscl.report import FileReport
    from sync.consolidate import Consolidator
    from sync.google_source import GoogleNight, GoogleOptions
    from sync.master import MasterSeen
    from sync.model import (
        AgencyInfo,
        Consolidation,
        Deferred,
        Rejected,
        Submission,
        Superseded,
    )
    from sync.validate import ValidationPool

__all__ = [
    "EXIT_CLEAN",
    "EXIT_FAILED",
    "EXIT_PROBLEMS",
    "Progress",
    "RunOutcome",
    "run_sync",
]

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2
_MASTER_WRITER_VERSION = "5"  # bump when the master's content or layout changes


class Progress(Protocol):
    """Progress display (a rich progress bar on a terminal; nothing otherwise)."""

    def start(self, total: int, label: str) -> None:
        """Begin a phase of ``total`` steps."""

    def advance(self, label: str = "") -> None:
        """One step done."""

    def stop(self) -> None:
        """End of the run."""


@dataclass
class RunOutcome:
    """What a run returns to the command line."""

    exit_code: int
    result: dict[str, Any]
    unchanged: bool = False
    master_written: bool = False
    run_id: int | None = None
    rows_in: int = 0  # task rows read from the counted files
    rows_out: int = 0  # task rows written to the master's table
    messages: list[str] = field(default_factory=list)


@dataclass
class _Files:
    """What a full run learns of the inbox's files (steps 2-3)."""

    engine: str
    run_id: int
    versions: dict[str, VersionRecord] = field(default_factory=dict)  # rel -> version
    sources: dict[str, Path] = field(default_factory=dict)  # rel -> path to validate
    reports: dict[str, FileReport] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    discarded: set[str] = field(default_factory=set)  # validated, but changed meanwhile


@dataclass
class _Chosen:
    """Step 4: each agency's counted file, the older ones, and every file's outcome."""

    year: int | None
    submissions: dict[str, Submission] = field(default_factory=dict)  # by agency code
    superseded: list[Superseded] = field(default_factory=list)
    outcomes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    roles: list[tuple[int, str, str | None]] = field(default_factory=list)
    # Word documents that are not reports (a covering letter): listed, not rejected.
    others: list[OtherFile] = field(default_factory=list)
    directory: _AgencyDirectory = field(default_factory=lambda: _AgencyDirectory())


@dataclass(frozen=True)
class _MasterWritten:
    written: bool = False
    rows: int = 0
    size: int | None = None
    mtime_ns: int | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _most_common_year(reports: dict[str, FileReport], form: str) -> int | None:
    """The year most readable files of the round's form give, when the config sets none."""
    years = Counter(r.year for r in reports.values()
                    if r.readable and r.form == form and r.year is not None)
    return years.most_common(1)[0][0] if years else None


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _fingerprint(engine: str, config: SyncConfig, files: list[tuple[str, str, int]],
                 others: list[OtherFile], history: str = "",
                 extra: Iterable[str] = ()) -> str:
    """What the master shows depends on: the engine, the settings, every spreadsheet's
    content and time, the other files listed (a new .zip makes a new master), what
    earlier rounds kept in the state folder (``history``: the base of a report round's
    checks across the years), and ``extra`` lines (Google files not updated, and why)."""
    digest = hashlib.sha256(
        f"{_MASTER_WRITER_VERSION}|{engine}|{config.settings_key()}|{history}".encode())
    for rel, sha, mtime_ns in sorted(files):
        digest.update(f"\n{rel}\t{sha}\t{mtime_ns}".encode())
    for other in others:
        digest.update(f"\n{other.file}\tother:{other.size}\t{other.mtime_ns}".encode())
    for line in extra:
        digest.update(f"\n{line}".encode())
    return digest.hexdigest()


def _documents_kept(summary: dict[str, Any]) -> bool:
    """Whether the documents the last run wrote beside the master (a report round's
    draft national report, result key "report") are still there."""
    report = summary.get("report")
    return not report or os.path.isfile(report)


def _history_key(ledger: Ledger | None, form: str, year: int | None) -> str:
    """What the ledger keeps of the form's years before ``year`` (a short hash; "" when
    nothing, or no year)."""
    if ledger is None or year is None:
        return ""
    return ledger.indicator_digest(form, before=year)


class _LedgerHistory:
    """The ledger's kept values of one form (:class:`sync.consolidate.History`)."""

    def __init__(self, ledger: Ledger, form: str) -> None:
        self.ledger = ledger
        self.form = form

    def values(self, year: int) -> dict[str, dict[str, tuple[float | None, float | None]]]:
        return self.ledger.indicator_values(self.form, year)

    def years(self) -> list[int]:
        return self.ledger.indicator_years(self.form)


def _exit_code(result: dict[str, Any]) -> int:
    if result.get("rejected") or any(a["status"] == "invalid" for a in result["agencies"]):
        return EXIT_PROBLEMS
    if result.get("deferred") or (result.get("google") or {}).get("error"):
        return EXIT_PROBLEMS  # incomplete: a Google file (or all of them) not updated
    return EXIT_CLEAN


def _master_untouched(path: Path, size: int | None, mtime_ns: int | None) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def run_sync(
    config: SyncConfig,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    validator: Callable[..., Any] | None = None,
    now: Callable[[], datetime] = _now,
    google: GoogleOptions | None = None,
) -> RunOutcome:
    """Run one consolidation. Raises :class:`ConfigError`,
    :class:`~sync.lock.SyncLockedError` or :class:`~sync.ledger.LedgerError` for problems
    of the run itself (exit code 2). ``google`` sets how Google is talked to (clock,
    retries, the run's time for Google) when the config collects from it."""
    config = config.resolved()
    config.check()
    if not config.inbox.is_dir():
        raise ConfigError(f"Không tìm thấy thư mục nhận tệp «{config.inbox}».")
    if dry_run:
        with run_logging(config.state, write=False):
            return _Pipeline(config, dry_run=True, progress=progress, validator=validator,
                             now=now, google=google).run()
    config.state.mkdir(parents=True, exist_ok=True)
    with run_lock(config.state), run_logging(config.state) as log:
        log.info("bắt đầu tổng hợp: thư mục nhận %s, bảng tổng hợp %s", config.inbox,
                 config.master)
        try:
            outcome = _Pipeline(config, dry_run=False, progress=progress, validator=validator,
                                now=now, google=google).run()
        except Exception:
            log.exception("lần tổng hợp dừng vì lỗi")
            raise
        log.info("kết thúc: mã thoát %s%s", outcome.exit_code,
                 " (không có gì thay đổi)" if outcome.unchanged else "")
        return outcome


class _Pipeline:
    def __init__(
        self,
        config: SyncConfig,
        *,
        dry_run: bool,
        progress: Progress | None,
        validator: Callable[..., Any] | None,
        now: Callable[[], datetime],
        google: GoogleOptions | None = None,
    ) -> None:
        self.config = config
        self.dry_run = dry_run
        self.progress = progress
        self.validator = validator
        self.now = now
        self.started = now()
        self.ledger: Ledger | None = None
        self.google_options = google
        self.google: GoogleNight | None = None  # what this run collected from Google

    # -- main ---------------------------------------------------------------------------

    def run(self) -> RunOutcome:
        config = self.config
        ledger_path = config.state / LEDGER_NAME
        if self.dry_run and not ledger_path.exists():
            self.ledger = None
        else:
            self.ledger = Ledger(ledger_path)
        try:
            return self._run()
        finally:
            release_kept()  # what the reports and the master kept from the collector
            if self.google is not None:
                self.google.close()
            if self.ledger is not None:
                self.ledger.close()
            if self.progress is not None:
                self.progress.stop()

    def _run(self) -> RunOutcome:
        from sync.validate import engine_fingerprint

        config, ledger = self.config, self.ledger
        exclude = [config.master, config.state, config.outbox_dir]
        if config.year is not None:  # the draft national report beside the master
            exclude.append(config.master.with_name(report_name(config.year)))
        inbox = scan(config.inbox, exclude=exclude, documents=config.form == "B")
        candidates = inbox.candidates
        others = inbox.others
        engine = engine_fingerprint(f"year={config.year}")
        known = ledger.known_versions() if ledger else {}
        google = self._collect_google(known)
        if google is not None:
            candidates = [*candidates, *google.candidates]
            others = [*others, *google.others]

        # Fast path: nothing new, nothing changed, master untouched.
        if ledger is not None and not self.dry_run and (google is None or google.clean):
            seen = [known.get((c.rel, c.size, c.mtime_ns)) for c in candidates]
            self._heal_archive(ledger, [(c, v) for c, v in zip(candidates, seen, strict=True)
                                        if v is not None])
            if all(v is not None for v in seen):
                files = [(c.rel, v.sha256, c.mtime_ns)
                         for c, v in zip(candidates, seen, strict=True) if v is not None]
                last = ledger.last_complete_run()
                year = config.year or ((last.summary or {}).get("year") if last else None)
                fp = _fingerprint(engine, config, files, others,
                                  _history_key(ledger, config.form, year), self._google_lines())
                if (
                    last is not None
                    and last.fingerprint == fp
                    and last.summary is not None
                    and not _had_crashes(last.summary)  # those files are read again
                    and last.master == str(config.master)
                    and _master_untouched(config.master, last.master_size, last.master_mtime_ns)
                    and _documents_kept(last.summary)
                ):
                    return self._unchanged(last.summary, fp, last.exit_code or 0,
                                           last.master_size, last.master_mtime_ns,
                                           [v.id for v in seen if v is not None])
        return self._full(candidates, others, known, engine)

    def _unchanged(
        self, summary: dict[str, Any], fp: str, exit_code: int, size: int | None,
        mtime_ns: int | None, version_ids: list[int],
    ) -> RunOutcome:
        assert self.ledger is not None
        stamp = _iso(self.now())
        run_id = self.ledger.begin_run(_iso(self.started), self.config.settings_key())
        result = dict(summary)
        result["unchanged"] = True
        result["log"] = str(log_path(self.config.state))
        if self.google is not None:
            result["google"] = self.google.as_json()
        self.ledger.finish_run(
            run_id, finished=stamp, status="unchanged", exit_code=exit_code, fingerprint=fp,
            master=str(self.config.master), master_size=size, master_mtime_ns=mtime_ns,
            summary=summary, current=None, files=[(v, "seen", None) for v in version_ids],
        )
        LOGGER.info("không có gì thay đổi từ lần trước: giữ nguyên bảng tổng hợp")
        return RunOutcome(exit_code=exit_code, result=result, unchanged=True, run_id=run_id)

    # -- full run -----------------------------------------------------------------------

    def _full(
        self, candidates: list[Candidate], others: list[OtherFile],
        known: dict[tuple[str, int, int], VersionRecord], engine: str,
    ) -> RunOutcome:
        """Steps 2-7 of the module documentation, one method each."""
        from sync.consolidate import consolidator_for, supported_forms

        if self.config.form not in supported_forms():
            raise ConfigError(
                f"Chưa hỗ trợ tổng hợp biểu mẫu {self.config.form}; "
                f"các biểu mẫu hỗ trợ: {', '.join(supported_forms())}."
            )
        files = _Files(engine=engine, run_id=self._begin_run(len(candidates)))
        self._identify_and_validate(files, candidates, known, prepare=consolidator_for)
        consolidator = consolidator_for(self.config.form)
        chosen = self._choose(files)
        fp = _fingerprint(engine, self.config,
                          [(rel, v.sha256, v.mtime_ns) for rel, v in files.versions.items()],
                          others, _history_key(self.ledger, self.config.form, chosen.year),
                          self._google_lines())
        cons = self._consolidation(files, chosen, [*others, *chosen.others], consolidator, fp)
        seen = self._decide(cons, consolidator, files.run_id)
        self._review(cons, consolidator)
        rows_in = sum(consolidator.row_count(s.report) for s in chosen.submissions.values())
        master = self._write_master(cons, consolidator, fp, run_id=files.run_id, seen=seen)
        documents = self._write_documents(cons, consolidator)
        feedback = self._send_feedback(cons, engine)
        from sync.summary import build_result

        result = build_result(cons, consolidator,
                              None if self.dry_run else str(self.config.master),
                              feedback=feedback,
                              log="" if self.dry_run else str(log_path(self.config.state)),
                              documents=documents)
        result["dry_run"] = self.dry_run
        if self.google is not None:
            self._write_back(files)
            result["google"] = self.google.as_json()
        exit_code = _exit_code(result)
        self._finish(files, chosen, result, exit_code, fp, master,
                     consolidator.accepted(cons))
        LOGGER.info("số đơn vị được tổng hợp: %d; tệp bị từ chối: %d; mã thoát %d",
                    len(chosen.submissions), len(cons.rejected), exit_code)
        return RunOutcome(exit_code=exit_code, result=result,
                          master_written=master.written, run_id=files.run_id or None,
                          rows_in=rows_in, rows_out=master.rows)

    def _begin_run(self, count: int) -> int:
        """Tidy what an interrupted run left and open the run in the ledger; its id (0
        for a trial run)."""
        config, ledger = self.config, self.ledger
        run_id = 0
        if ledger is not None and not self.dry_run:
            now_iso = _iso(self.started)
            ledger.abandon_stale_runs(now_iso)
            clean_temporary(config.state / "archive")
            from sync.master import clean_temporary_masters

            clean_temporary_masters(config.master.parent)
            run_id = ledger.begin_run(now_iso, config.settings_key())
        LOGGER.info("lần chạy %s: %d tệp trong thư mục nhận", run_id, count)
        return run_id

    def _identify_and_validate(
        self, files: _Files, candidates: list[Candidate],
        known: dict[tuple[str, int, int], VersionRecord], *,
        prepare: Callable[[str], Consolidator],
    ) -> None:
        """Steps 2-3: identify every file's content, archive and record new versions;
        the files the cache does not know are validated in worker processes meanwhile.
        ``prepare`` (the form's consolidator factory) is called while the workers run."""
        from sync.validate import ValidationPool, auto_workers

        config = self.config
        pool = ValidationPool(
            year=config.year, validator=self.validator,
            workers=auto_workers(len(candidates), config.workers),
            memory_limit_mb=config.memory_limit_mb,
        )
        if self.progress:
            self.progress.start(len(candidates), "Lưu trữ tệp")
        try:
            new, queued = self._queue(files, candidates, known, pool)
            # The form's consolidator and the master's writer (XlsxWriter and the sheets'
            # code) are imported while the workers validate, not before they start or
            # after they end (~60 ms).
            prepare(config.form)
            if queued and not self.dry_run:
                import xlsxwriter  # noqa: F401

                import sync.master  # noqa: F401
            self._archive_new(files, new)
            LOGGER.info("%d tệp cần kiểm tra, %d tệp dùng kết quả đã lưu", queued,
                        len(files.reports))
            if self.progress and queued:
                self.progress.start(queued, "Kiểm tra tệp")
            self._collect_reports(files, pool)
        finally:
            pool.close()
        LOGGER.info("đã nhận diện và kiểm tra các tệp sau %.2f giây",
                    (self.now() - self.started).total_seconds())

    def _queue(
        self, files: _Files, candidates: list[Candidate],
        known: dict[tuple[str, int, int], VersionRecord], pool: ValidationPool,
    ) -> tuple[list[tuple[Candidate, str]], int]:
        """Hash what is new and start validating what the cache does not know at once, so
        that the workers run while the new files are archived. Returns the new files
        with their hashes and the number of files queued."""
        from sync.cache import CacheError, report_from_blob
        from sync.validate import ValidationJob

        ledger = self.ledger
        new: list[tuple[Candidate, str]] = []
        queued = 0
        for cand in candidates:
            rec = known.get((cand.rel, cand.size, cand.mtime_ns))
            if rec is not None:
                files.versions[cand.rel] = rec
                sha = rec.sha256
                if self.progress:
                    self.progress.advance(cand.rel)
            else:
                try:
                    sha = file_sha256(cand.path)
                except OSError as exc:
                    files.rejected.append(_unreadable(cand.rel, exc))
                    if self.progress:
                        self.progress.advance(cand.rel)
                    continue
                new.append((cand, sha))
            files.sources[cand.rel] = cand.path
            blob = ledger.cached_report(sha, self._cache_key(files.engine, cand.rel)) \
                if ledger else None
            if blob is not None:
                try:
                    files.reports[cand.rel] = report_from_blob(blob)
                    continue
                except CacheError:
                    pass
            pool.submit(ValidationJob(key=cand.rel, path=cand.path,
                                      display_name=cand.display_name))
            queued += 1
        return new, queued

    def _archive_new(self, files: _Files, new: list[tuple[Candidate, str]]) -> None:
        """Archive and record the new versions; a file whose bytes changed since they were
        hashed is being written: left for the next run."""
        from sync.model import Rejected

        changing = "Tệp đang được ghi trong lúc tổng hợp; sẽ được xử lý ở lần chạy sau."
        for cand, sha in new:
            try:
                rec = self._record(cand, files.run_id, sha)
            except (FileChangedError, OSError) as exc:
                if isinstance(exc, FileChangedError):
                    LOGGER.warning("%s đang được ghi: để lần chạy sau", cand.rel)
                    files.rejected.append(Rejected(cand.rel, changing, "file-changing"))
                else:
                    files.rejected.append(_unreadable(cand.rel, exc))
                files.sources.pop(cand.rel, None)
                files.reports.pop(cand.rel, None)
                files.discarded.add(cand.rel)
                continue
            finally:
                if self.progress:
                    self.progress.advance(cand.rel)
            files.versions[cand.rel] = rec
        if self.ledger is not None and not self.dry_run and files.versions:
            self.ledger.mark_seen([v.id for v in files.versions.values()],
                                  now=_iso(self.started), run_id=files.run_id)

    def _collect_reports(self, files: _Files, pool: ValidationPool) -> None:
        """The workers' reports as they come, cached in the ledger by content."""
        from sync.cache import report_from_blob

        batch: list[tuple[str, str, bytes]] = []
        for job, blob in pool.drain():
            if job.key in files.discarded:
                continue
            # Thousands of acyclic rows that live until the end of the run: nothing for
            # the collector, now or later (kept out of its reach until the end).
            with gc_paused(keep=True):
                report = files.reports[job.key] = report_from_blob(blob)
            # A reader that crashed or ran out of time says nothing final about the file
            # (the machine may have been short of memory that night): such a result is
            # not cached, so the file is read again on the next run.
            if not any(p.code == "file-crashed-reader" for p in report.problems):
                batch.append((files.versions[job.key].sha256,
                              self._cache_key(files.engine, job.key), blob))
            if len(batch) >= 16:
                self._store(batch)
            if self.progress:
                self.progress.advance(job.key)
        self._store(batch)

    def _choose(self, files: _Files) -> _Chosen:
        """Step 4: reject what cannot be consolidated (with a reason) and keep, for each
        agency, its newest file."""
        from sync.completeness import is_late
        from sync.model import Rejected, Submission, Superseded

        config, versions = self.config, files.versions
        chosen = _Chosen(year=config.year or _most_common_year(files.reports, config.form))
        by_agency: dict[str, list[tuple[str, FileReport]]] = {}
        for rel, report in files.reports.items():
            rec = versions[rel]
            reason = self._rejection(report, chosen.year)
            outcome: dict[str, Any] = {
                "agency": report.agency.code if report.agency else None,
                "form": report.form, "year": report.year,
                "errors": len(report.errors), "warnings": len(report.warnings),
                "problems": [p.code for p in report.problems],
            }
            if reason is not None and reason[0] == "document-not-report":
                chosen.others.append(OtherFile(rel, reason[1], "other-document", rec.size,
                                               rec.mtime_ns, report.agency.code
                                               if report.agency else None))
                outcome["status"] = "other"
                chosen.roles.append((rec.id, "other", reason[0]))
            elif reason is not None:
                code, text = reason
                files.rejected.append(Rejected(
                    rel, text, code, rec.sha256, rec.id, len(report.rows),
                    report.agency.code if report.agency else None))
                outcome["status"] = "rejected"
                chosen.roles.append((rec.id, "rejected", code))
            else:
                assert report.agency is not None  # a file without one is rejected above
                outcome["status"] = "ok" if report.valid else "invalid"
                by_agency.setdefault(report.agency.code, []).append((rel, report))
            chosen.outcomes.append((rec.id, outcome))

        tz = config.tz
        for code, items in by_agency.items():
            items.sort(key=lambda item: (versions[item[0]].mtime_ns,
                                         versions[item[0]].first_seen,
                                         versions[item[0]].id), reverse=True)
            rel, report = items[0]
            rec = versions[rel]
            received = datetime.fromtimestamp(rec.mtime_ns / 1e9, tz=tz)
            info = chosen.directory.info(code, report.agency)
            source = (self.ledger.blob_path(rec.sha256) if self.ledger else None) \
                or str(files.sources[rel])
            chosen.submissions[code] = Submission(
                agency=info, report=report, file=rel, sha256=rec.sha256, received=received,
                late=is_late(received, config.deadline), version_id=rec.id, source=source,
            )
            chosen.roles.append((rec.id, "current", None))
            for old_rel, old_report in items[1:]:
                old = versions[old_rel]
                chosen.superseded.append(Superseded(
                    old_rel, info, datetime.fromtimestamp(old.mtime_ns / 1e9, tz=tz), rel,
                    old.id, len(old_report.rows),
                ))
                chosen.roles.append((old.id, "superseded", rel))
        return chosen

    def _consolidation(self, files: _Files, chosen: _Chosen, others: list[OtherFile],
                       consolidator: Consolidator, fp: str) -> Consolidation:
        """Step 4 (end): completeness and the changes since the previous master."""
        from sync.changes import compute_changes
        from sync.completeness import build_statuses, expected_agencies
        from sync.model import Consolidation

        config, ledger = self.config, self.ledger
        deferred, linked = self._google_marks(chosen)
        statuses = build_statuses(expected_agencies(config, chosen.directory),
                                  chosen.submissions)
        # The previous master of this round (the state folder may hold other years').
        previous = ledger.last_written_run(exclude_fingerprint=fp,
                                           round_of=(config.form, chosen.year)) \
            if ledger else None
        changes = compute_changes(
            previous.current if previous else {}, chosen.submissions,
            consolidator=consolidator, previous_report=self._previous_report,
            agency_info=chosen.directory.info,
        )
        titles = self.google.titles if self.google is not None else {}
        rejected = sorted((_attributed(r, titles) for r in files.rejected),
                          key=lambda r: r.file)
        return Consolidation(
            form=config.form, year=chosen.year, deadline=config.deadline,
            # In the configured zone, as every time the master and the JSON show.
            generated_at=self.now().astimezone(config.tz), statuses=statuses,
            rejected=rejected,
            superseded=chosen.superseded, changes=changes,
            previous_run_at=datetime.fromisoformat(previous.started) if previous else None,
            first_run=previous is None,
            others=[_attributed(other, titles) for other in others],
            letterhead=config.letterhead, deferred=deferred, linked=linked,
        )

    def _decide(self, cons: Consolidation, consolidator: Consolidator,
                run_id: int) -> MasterSeen:
        """Step 4 (end): the staff's decisions, read back from a master edited since it
        was written, kept in the ledger and attached to the tasks; the master as found
        (it must be the same when it is replaced)."""
        from sync.selection import take_decisions

        return take_decisions(cons, consolidator, self.config.master, ledger=self.ledger,
                              run_id=run_id, record=not self.dry_run, now=_iso(self.now()),
                              area_rules=self.config.area_rules()
                              if consolidator.takes_decisions else None)

    def _review(self, cons: Consolidation, consolidator: Consolidator) -> None:
        """Step 4 (end): the round checked against earlier rounds kept in the ledger."""
        from sync.consolidate import NoHistory

        history = _LedgerHistory(self.ledger, self.config.form) if self.ledger is not None \
            else NoHistory()
        consolidator.review(cons, history)

    def _write_documents(self, cons: Consolidation,
                         consolidator: Consolidator) -> dict[str, str]:
        """Step 5 (end): the consolidator's documents beside the master (Form B: the
        draft national report); nothing in a trial run."""
        if self.dry_run:
            return {}
        documents = consolidator.write_documents(cons, self.config.master, self.config.tz)
        for key, path in documents.items():
            LOGGER.info("đã ghi %s: %s", key, path)
        return documents

    def _write_master(self, cons: Consolidation, consolidator: Consolidator,
                      fp: str, *, run_id: int, seen: MasterSeen) -> _MasterWritten:
        """Step 5: the master, written atomically (nothing in a trial run), if it is
        still as the run found it."""
        if self.dry_run:
            return _MasterWritten()
        from sync.master import write_master

        config = self.config
        if self.progress:
            self.progress.start(1, "Ghi bảng tổng hợp")
        written = write_master(cons, consolidator, config.master,
                               history=config.state / "masters", tz=config.tz, fingerprint=fp,
                               run_id=run_id, expected=seen)
        st = config.master.stat()
        LOGGER.info("đã ghi bảng tổng hợp %s (%d dòng nhiệm vụ) sau %.2f giây", config.master,
                    written.rows, (self.now() - self.started).total_seconds())
        if self.progress:
            self.progress.advance()
        return _MasterWritten(True, written.rows, st.st_size, st.st_mtime_ns)

    def _send_feedback(self, cons: Consolidation, engine: str) -> dict[str, str]:
        """Step 6: a marked copy of every counted file with problems, in the outbox."""
        if self.dry_run:
            return {}
        from sync.feedback import remove_stale, send_feedback

        config = self.config
        from nscl.reading import SPREADSHEET_SUFFIXES

        # Marked copies are workbooks: a report written in Word gets none (its problems
        # are in the master and the summary).
        feedback = send_feedback(
            [s for s in cons.submissions if s.report.problems
             and Path(s.file_name).suffix.lower() in SPREADSHEET_SUFFIXES],
            outbox=config.outbox_dir, ledger=self.ledger, engine=engine,
            now=_iso(self.now()), progress=self.progress, workers=config.workers,
            memory_limit_mb=config.memory_limit_mb,
        )
        remove_stale(cons.submissions, feedback, ledger=self.ledger)
        return feedback

    def _finish(self, files: _Files, chosen: _Chosen, result: dict[str, Any], exit_code: int,
                fp: str, master: _MasterWritten, accepted: list[IndicatorValue]) -> None:
        """Step 7: record the run, what became of every file, the counted versions, and
        what the round keeps for the next ones (``accepted``: the values of a report
        round, which replace those kept for its year)."""
        ledger = self.ledger
        if ledger is None or self.dry_run:
            return
        ledger.set_outcomes(chosen.outcomes)
        kept = (self.config.form, chosen.year, accepted) if chosen.year is not None else None
        ledger.finish_run(
            files.run_id, finished=_iso(self.now()), status="written", exit_code=exit_code,
            fingerprint=fp, master=str(self.config.master), master_size=master.size,
            master_mtime_ns=master.mtime_ns, summary=result,
            current={code: s.sha256 for code, s in chosen.submissions.items()},
            files=chosen.roles, indicator_values=kept,
        )

    # -- Google -------------------------------------------------------------------------

    def _collect_google(self, known: Mapping[tuple[str, int, int], VersionRecord]
                        ) -> GoogleNight | None:
        """Step 1 for Google Drive, when the config collects from it."""
        google = self.config.google
        if google is None or not google.collects:
            return None
        from sync.google_source import collect_google

        self.google = collect_google(
            google, ledger=self.ledger, state_dir=self.config.state, known=known,
            writeback=google.writeback and not self.dry_run, options=self.google_options,
            dry_run=self.dry_run, now=_iso(self.started))
        return self.google

    def _google_lines(self) -> list[str]:
        return self.google.fingerprint_lines() if self.google is not None else []

    def _google_marks(self, chosen: _Chosen) -> tuple[list[Deferred], dict[str, str]]:
        """The Google files not updated (with the agency they belong to) and how the
        master names Google files; the counted Google files get their title and, when
        they are a last good version kept, why."""
        if self.google is None:
            return [], {}
        from dataclasses import replace

        from nscl.registry import match_filename

        stale = {c.rel: c for c in self.google.candidates if c.stale is not None}
        titles = {c.rel: c.title for c in self.google.candidates}
        agency_of: dict[str, str] = {}
        for code, sub in chosen.submissions.items():
            if sub.file in titles:
                sub.title = titles[sub.file]
                agency_of[sub.file] = code
                if sub.file in stale:
                    sub.stale = stale[sub.file].stale
        deferred = []
        for item in self.google.deferred:
            agency = agency_of.get(item.file)
            if agency is None:
                found = match_filename(item.title).agency
                agency = found.code if found is not None else None
            deferred.append(replace(item, agency=agency))
        return deferred, self.google.linked()

    def _write_back(self, files: _Files) -> None:
        """Step 6 for Google Sheets: the problems written into the spreadsheets whose
        problems changed (``[google] writeback``)."""
        google, ledger = self.google, self.ledger
        assert google is not None
        if self.dry_run or google.api is None or self.config.google is None \
                or not self.config.google.writeback or ledger is None:
            return
        from sync.google_state import load_states
        from sync.writeback import WriteTarget, result_lines, write_back

        states = load_states(ledger)
        rejected = {r.file: (r.code, r.reason) for r in files.rejected}
        targets = []
        for cand in google.candidates:
            report = files.reports.get(cand.rel)
            state = states.get(cand.file_id)
            if not cand.native or cand.stale is not None or report is None or state is None:
                continue
            targets.append((WriteTarget(state, result_lines(report, rejected.get(cand.rel))),
                            report.sheet))
        google.writeback = write_back(google.api, targets, ledger=ledger,
                                      now=_iso(self.now()))

    # -- helpers ------------------------------------------------------------------------

    def _store(self, batch: list[tuple[str, str, bytes]]) -> None:
        """Cache validated reports (one transaction), then empty the batch."""
        if batch and self.ledger is not None and not self.dry_run:
            self.ledger.store_reports(batch, _iso(self.now()))
        batch.clear()

    @staticmethod
    def _cache_key(engine: str, rel: str) -> str:
        return f"{engine}|{rel}"

    def _heal_archive(self, ledger: Ledger,
                      known: list[tuple[Candidate, VersionRecord]]) -> None:
        """Archive again, from the inbox, the known files whose archived copy is missing
        (deleted by hand, a backup restored without it), when the inbox file still holds
        the same bytes: the archive keeps every version, and the marked copies are made
        from it."""
        archived = ledger.blob_paths()
        for cand, rec in known:
            path = archived.get(rec.sha256)
            if path is not None and os.path.isfile(path):
                continue
            try:
                again = archive_file(cand.path, self.config.state / "archive",
                                     expected_size=cand.size, expected_mtime_ns=cand.mtime_ns,
                                     expected_sha256=rec.sha256)
            except (FileChangedError, OSError) as exc:
                LOGGER.warning("bản lưu trữ của %s bị mất và không lưu lại được: %s",
                               cand.rel, exc)
                continue
            ledger.set_blob_path(rec.sha256, str(again.path))
            archived[rec.sha256] = str(again.path)
            LOGGER.warning("bản lưu trữ của %s bị mất: đã lưu lại thành %s", cand.rel,
                           again.path)

    def _record(self, cand: Candidate, run_id: int, sha256: str) -> VersionRecord:
        """Archive a new file and record its version; ``sha256`` is the hash taken when
        it was queued (:class:`FileChangedError` when the bytes differ now)."""
        if self.dry_run or self.ledger is None:
            return VersionRecord(0, cand.rel, sha256, cand.size, cand.mtime_ns,
                                 _iso(self.started))
        archived = archive_file(cand.path, self.config.state / "archive",
                                expected_size=cand.size, expected_mtime_ns=cand.mtime_ns,
                                expected_sha256=sha256)
        LOGGER.info("phiên bản mới %s (sha256 %s)", cand.rel, archived.sha256)
        return self.ledger.record_version(
            path=cand.rel, sha256=archived.sha256, size=cand.size, mtime_ns=cand.mtime_ns,
            archived=str(archived.path), now=_iso(self.now()), run_id=run_id,
        )

    def _rejection(self, report: FileReport, year: int | None) -> tuple[str, str] | None:
        if not report.readable:
            first = report.errors[0] if report.errors else None
            return (first.code if first else "file-unreadable",
                    first.message if first else "Không đọc được tệp.")
        if report.form is None and any(p.code == "document-not-report"
                                       for p in report.problems):
            return ("document-not-report", "Văn bản không theo đề cương báo cáo (không thấy "
                    "các mục I-IV hay bảng số liệu chỉ tiêu), có thể là công văn gửi kèm: "
                    "không tổng hợp.")
        if report.form is None:
            return ("form-unknown", "Không nhận ra biểu mẫu (không thấy bảng hay đề cương "
                    "theo các biểu mẫu của Chương trình 1322).")
        if report.form != self.config.form:
            return ("form-not-consolidated",
                    f"Tệp là biểu mẫu {report.form}, lần tổng hợp này dành cho biểu mẫu "
                    f"{self.config.form}.")
        if report.agency is None:
            return ("agency-unknown", "Không xác định được bộ, ngành hay địa phương gửi tệp "
                    "(không thấy trong thông tin tệp, tiêu đề hay tên tệp).")
        if year is not None and report.year is not None and report.year != year:
            what = "báo cáo kết quả năm" if report.form == "B" else "đề xuất cho năm"
            return ("year-mismatch", f"Tệp {what} {report.year}, không phải năm {year}.")
        return None

    def _previous_report(self, sha256: str) -> FileReport | None:
        from sync.cache import CacheError, report_from_blob

        if self.ledger is None:
            return None
        blob = self.ledger.latest_report(sha256)
        if blob is None:
            return None
        try:
            return report_from_blob(blob)
        except CacheError:
            return None


def _had_crashes(summary: dict[str, Any]) -> bool:
    """Whether a run's result rejected a file because its reader crashed or ran out of
    time (such files are read again: see the cache in :meth:`_Pipeline._full`)."""
    return any(r.get("code") == "file-crashed-reader" for r in summary.get("rejected", []))


def _unreadable(rel: str, exc: OSError) -> Rejected:
    """The rejection of a file that could not be read (gone, locked, no permission …)."""
    from sync.model import Rejected

    LOGGER.warning("không đọc được %s: %s", rel, exc)
    return Rejected(rel, f"Không đọc được tệp ({describe_error(exc)}).", "file-not-accessible")


R = TypeVar("R", "Rejected", OtherFile)


def _attributed(rejected: R, titles: Mapping[str, str] | None = None) -> R:
    """A rejected file (or another file of the inbox) with the agency its name suggests,
    when its content did not say (so that the status sheet can tell "sent, but rejected"
    from "not sent"); a Google file's name is its title (``titles``: link -> title)."""
    if rejected.agency is not None:
        return rejected
    from dataclasses import replace

    from nscl.registry import match_filename

    found = match_filename((titles or {}).get(rejected.file, rejected.file)).agency
    return replace(rejected, agency=found.code) if found is not None else rejected


class _AgencyDirectory:
    """Agency facts from the registry, with the report's own reference as a fallback."""

    def __init__(self) -> None:
        self._order: dict[str, int] | None = None

    def order(self) -> dict[str, int]:
        if self._order is None:
            from nscl.registry import agencies

            self._order = {a.code: i for i, a in enumerate(agencies())}
        return self._order

    def info(self, code: str, ref: Any = None) -> AgencyInfo:
        from nscl.registry import get_agency
        from sync.model import AgencyInfo

        order = self.order().get(code, 10_000)
        try:
            agency = get_agency(code)
            return AgencyInfo(agency.code, agency.name, agency.kind, order)
        except KeyError:
            if ref is not None:
                return AgencyInfo(code, ref.name, ref.kind, order)
            return AgencyInfo(code, code, "ministry", order)
