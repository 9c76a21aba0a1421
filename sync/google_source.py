"""Collecting from Google Drive: the spreadsheets of the ``[google]`` folder (any depth,
shared drives too) and of the configured ``spreadsheets``, fetched only when they changed.

One night, in requests (the token exchange is not counted):

1. each folder is listed once (``files.list``, 1,000 files a page, only the fields
   needed: id, name, mimeType, modifiedTime, version, and whether the last change was
   this account's), walking down its sub-folders; each configured spreadsheet is one
   ``files.get``;
2. a file whose ``modifiedTime`` and ``version`` are those of the content already held
   is not fetched: its archived copy is used. Nor is a file whose only change since is
   nscl's own write-back (nscl wrote, and Drive says the last change was this
   account's). Anything else is fetched: a Google Sheets file exported as .xlsx
   (``files.export``), an uploaded Excel or LibreOffice file downloaded (``alt=media``).
   The bytes are staged in ``<state>/google/incoming`` and then go through the same
   archive, ledger and validation as a file of the inbox;
3. anything else in the folder (PDF, Word, images, Google Docs) is listed as another
   file, as in the inbox;
4. a file that cannot be fetched (Google busy after every retry, the run's time for
   Google used up, access refused) keeps its last good version, marked as not updated
   with the reason, and is fetched again next night; a folder that cannot be listed,
   or a login that fails, keeps every file known from before in the same way, so that
   nothing is reported missing because Google could not be asked;
5. a file that a complete listing no longer finds (deleted, trashed, moved out) is
   gone: the agency's file is withdrawn, as for a file removed from the inbox.

So an unchanged night costs one request per folder (plus one per 1,000 files beyond
the first, and one per configured spreadsheet); a night with k changed files, k more.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nscl.google.config import GoogleConfig
from nscl.google.errors import (
    GoogleDeferredError,
    GoogleError,
    GoogleNotFoundError,
    GoogleTransientError,
)
from nscl.google.urls import FOLDER_MIME, SPREADSHEET_MIME, XLSX_MIME, spreadsheet_url
from sync.collect import Candidate, is_candidate_name, other_file_kind
from sync.google_state import GoogleFileState, load_states, mark_absent, save_state
from sync.ledger import Ledger, VersionRecord
from sync.logs import LOGGER
from sync.model import Deferred, OtherFile

if TYPE_CHECKING:
    import random

    from nscl.google.retry import Clock, RetryPolicy
    from nscl.google.session import GoogleApi

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "GoogleCandidate",
    "GoogleNight",
    "GoogleOptions",
    "collect_google",
    "file_link",
]

# Uploaded spreadsheets, by Drive's MIME type: the extension their content is staged with.
UPLOADED_SPREADSHEETS: dict[str, str] = {
    XLSX_MIME: ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-excel.sheet.macroEnabled.12": ".xlsm",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.12": ".xlsb",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
_GOOGLE_APPS = "application/vnd.google-apps."
_SHORTCUT_MIME = "application/vnd.google-apps.shortcut"
_LIST_FIELDS = ("nextPageToken,files(id,name,mimeType,modifiedTime,version,"
                "lastModifyingUser(me))")
_FILE_FIELDS = "id,name,mimeType,modifiedTime,version,trashed,lastModifyingUser(me)"
_PAGE_SIZE = 1000  # Drive's largest page
_MAX_BYTES = 100 * 1024 * 1024  # the largest file the reader accepts (nscl.reading)
DEFAULT_DEADLINE_SECONDS = 1800.0  # a night's time for Google; then files are deferred

_GOOGLE_KINDS: dict[str, tuple[str, str]] = {
    "application/vnd.google-apps.document": (
        "other-document", "Tài liệu Google Docs: không tổng hợp; số liệu phải được gửi "
        "bằng bảng tính Google Sheets hoặc tệp Excel theo mẫu."),
    "application/vnd.google-apps.presentation": (
        "other-file", "Bản trình chiếu Google Slides: không tổng hợp; số liệu phải được gửi "
        "bằng bảng tính Google Sheets hoặc tệp Excel theo mẫu."),
    "application/vnd.google-apps.form": (
        "other-file", "Biểu mẫu Google Forms: không tổng hợp; câu trả lời cần được đưa vào "
        "bảng tính theo mẫu."),
    _SHORTCUT_MIME: (
        "other-shortcut", "Lối tắt tới một tệp khác: không tổng hợp; hãy đặt chính bảng "
        "tính (không phải lối tắt) vào thư mục."),
}
_GOOGLE_OTHER = ("other-file", "Tệp Google không phải bảng tính: không tổng hợp; số liệu "
                 "phải được gửi bằng bảng tính Google Sheets hoặc tệp Excel theo mẫu.")


@dataclass(frozen=True)
class GoogleOptions:
    """How the run talks to Google (tests give a fake clock and short timeouts)."""

    clock: Clock | None = None
    policy: RetryPolicy | None = None
    deadline_seconds: float | None = DEFAULT_DEADLINE_SECONDS
    sheets_quota_per_minute: int = 60
    rng: random.Random | None = None


def file_link(file_id: str, mime_type: str) -> str:
    """The link a person opens: a Google Sheets file's, or an uploaded file's in Drive."""
    if mime_type == SPREADSHEET_MIME:
        return spreadsheet_url(file_id)
    return f"https://drive.google.com/file/d/{file_id}/view"


@dataclass(frozen=True)
class GoogleCandidate(Candidate):
    """A spreadsheet from Google Drive: ``rel`` is its link (the ledger's key and the
    JSON's "file"), ``path`` the content to read (staged, or the archived copy)."""

    file_id: str = ""
    title: str = ""
    native: bool = False  # a Google Sheets file (its content is an export)
    stale: str | None = None  # the last good version, kept: why (Vietnamese)

    @property
    def display_name(self) -> str:
        """The name problems and the agency's identification use: the title."""
        return self.title


@dataclass(frozen=True)
class _Item:
    """A file as Drive lists it."""

    id: str
    name: str
    mime_type: str
    modified_time: str
    version: str
    by_me: bool
    parent: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any], parent: str | None) -> _Item:
        return cls(str(data["id"]), str(data.get("name") or ""),
                   str(data.get("mimeType") or ""), str(data.get("modifiedTime") or ""),
                   str(data.get("version") or ""),
                   bool((data.get("lastModifyingUser") or {}).get("me")), parent)

    @property
    def native(self) -> bool:
        return self.mime_type == SPREADSHEET_MIME

    @property
    def spreadsheet(self) -> bool:
        if self.native or self.mime_type in UPLOADED_SPREADSHEETS:
            return True
        return not self.mime_type.startswith(_GOOGLE_APPS) and is_candidate_name(self.name)

    @property
    def extension(self) -> str:
        if self.native:
            return ".xlsx"
        suffix = os.path.splitext(self.name)[1].lower()
        return suffix if is_candidate_name(self.name) else \
            UPLOADED_SPREADSHEETS.get(self.mime_type, ".xlsx")

    @property
    def link(self) -> str:
        return file_link(self.id, self.mime_type)

    @property
    def mtime_ns(self) -> int:
        return _time_ns(self.modified_time)

    @property
    def content_ns(self) -> int:
        """The content's modification time for the ledger: Drive's ``modifiedTime`` (to
        the millisecond), with Drive's version in the nanoseconds below it, so that two
        versions never share a time even when Drive gives both the same millisecond
        (the ledger knows a version by path, size and time)."""
        try:
            version = int(self.version) % 1_000_000
        except ValueError:
            version = 0
        return self.mtime_ns + version


def _time_ns(text: str) -> int:
    """Nanoseconds since the epoch of Drive's RFC 3339 time (0 when unreadable)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return 0
    return int(moment.timestamp() * 1_000_000) * 1000


def _newer(listed: str, known: str) -> bool:
    """Whether Drive's version ``listed`` is past ``known`` (numbers, as Drive gives)."""
    try:
        return int(listed) > int(known)
    except ValueError:
        return listed != known


@dataclass
class GoogleNight:
    """What one run collected from Google, and what it cost."""

    api: GoogleApi | None = None
    candidates: list[GoogleCandidate] = field(default_factory=list)
    others: list[OtherFile] = field(default_factory=list)
    deferred: list[Deferred] = field(default_factory=list)
    error: str | None = None  # the Google part failed as a whole (Vietnamese)
    fetched: int = 0
    folders: int = 0
    writeback_due: bool = False  # a write-back failed before: a full run retries it
    writeback: dict[str, Any] = field(default_factory=dict)  # filled by sync.writeback
    scratch: Path | None = None  # a trial run's staging folder, removed at the end
    writes: bool = False  # write-back is on (turning it on makes a full run)

    @property
    def requests(self) -> int:
        """HTTP requests sent to Google in this run (every try counted)."""
        return self.api.stats.requests if self.api is not None else 0

    @property
    def clean(self) -> bool:
        """Nothing deferred, nothing failed, no write-back waiting: a night whose result
        can be the stored result of the previous one."""
        return not self.deferred and self.error is None and not self.writeback_due

    other_titles: dict[str, str] = field(default_factory=dict)  # link -> title

    @property
    def titles(self) -> dict[str, str]:
        """Link -> title of every Google file of the run (spreadsheets and others)."""
        out = {c.rel: c.title for c in self.candidates}
        out.update({d.file: d.title for d in self.deferred})
        out.update(self.other_titles)
        return out

    def fingerprint_lines(self) -> list[str]:
        """What the run's result depends on beyond the files' contents: the Google files
        not updated and why, the failure of the Google part, whether write-back is on."""
        lines = [f"deferred\t{d.file}\t{d.reason}" for d in self.deferred]
        if self.writes:
            lines.append("writeback")
        if self.error:
            lines.append(f"google-error\t{self.error}")
        return lines

    def linked(self) -> dict[str, str]:
        """Link -> how the master names the file: "<title> (Google Sheets)" or
        "<title> (Google Drive)"."""
        out: dict[str, str] = {}
        for link, title in self.titles.items():
            where = "Google Sheets" if link.startswith("https://docs.google.com/") \
                else "Google Drive"
            out[link] = f"{title} ({where})"
        return out

    def as_json(self) -> dict[str, Any]:
        """``"google"`` of the run's JSON: requests, files fetched, folders listed, the
        failure if any, the write-back."""
        out: dict[str, Any] = {"requests": self.requests, "fetched": self.fetched,
                               "folders": self.folders}
        if self.api is not None:
            out["retries"] = self.api.stats.retries
        if self.error:
            out["error"] = self.error
        if self.writeback:
            out["writeback"] = self.writeback
        return out

    def close(self) -> None:
        """Close the connection (and remove a trial run's staged files)."""
        if self.api is not None:
            self.api.close()
        if self.scratch is not None:
            import shutil

            shutil.rmtree(self.scratch, ignore_errors=True)


def collect_google(
    config: GoogleConfig,
    *,
    ledger: Ledger | None,
    state_dir: Path,
    known: Mapping[tuple[str, int, int], VersionRecord],
    writeback: bool,
    options: GoogleOptions | None = None,
    dry_run: bool = False,
    now: str = "",
) -> GoogleNight:
    """Collect from Google for one run (see the module documentation). Never raises for
    Google's answers: a failure is the night's ``error`` or a deferred file."""
    return _Collector(config, ledger=ledger, state_dir=state_dir, known=known,
                      writeback=writeback, options=options or GoogleOptions(),
                      dry_run=dry_run, now=now).run()


class _Collector:
    def __init__(self, config: GoogleConfig, *, ledger: Ledger | None, state_dir: Path,
                 known: Mapping[tuple[str, int, int], VersionRecord], writeback: bool,
                 options: GoogleOptions, dry_run: bool, now: str) -> None:
        self.config = config
        self.ledger = ledger
        # A trial run writes nothing in the state folder: it stages in a temporary one.
        self.incoming = Path(tempfile.mkdtemp(prefix="nscl-google-")) if dry_run \
            else state_dir / "google" / "incoming"
        self.known = known
        self.writeback = writeback
        self.options = options
        self.dry_run = dry_run
        self.now = now
        self.states = load_states(ledger) if ledger is not None else {}
        self.blobs = ledger.blob_paths() if ledger is not None else {}
        self.night = GoogleNight(scratch=self.incoming if dry_run else None,
                                 writes=writeback)
        self.changed: list[GoogleFileState] = []
        self.accounted: set[str] = set()  # known files already kept (not missing)

    # -- the run ------------------------------------------------------------------------

    def run(self) -> GoogleNight:
        from nscl.google.session import connect

        night = self.night
        if self.ledger is not None:
            from sync.google_state import writeback_due

            night.writeback_due = self.writeback and writeback_due(self.ledger)
        try:
            night.api = connect(
                self.config, purpose="writeback" if self.writeback else "collect",
                clock=self.options.clock, policy=self.options.policy,
                deadline_seconds=self.options.deadline_seconds, rng=self.options.rng,
                sheets_quota_per_minute=self.options.sheets_quota_per_minute)
        except GoogleError as exc:
            return self._failed(str(exc))
        self._clear_incoming()
        items, complete, failure = self._list()
        if failure is not None and not items:
            return self._failed(failure)
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                continue
            seen.add(item.id)
            if item.spreadsheet:
                self._spreadsheet(item)
            else:
                self._other(item)
        missing = [s for s in self.states.values()
                   if s.present and s.file_id not in seen | self.accounted]
        if complete:
            if missing and not self.dry_run and self.ledger is not None:
                mark_absent(self.ledger, [s.file_id for s in missing])
            for state in missing:
                LOGGER.info("%s (%s) không còn trong thư mục Google Drive", state.title,
                            state.link)
        else:
            assert failure is not None
            night.error = failure
            for state in missing:  # not seen because a listing failed: kept as they were
                self._keep(state, failure)
        if not self.dry_run and self.ledger is not None:
            save_state(self.ledger, self.changed)
        LOGGER.info("Google Drive: %d thư mục, %d tệp tải về, %d yêu cầu", night.folders,
                    night.fetched, night.requests)
        return night

    def _failed(self, reason: str) -> GoogleNight:
        """The Google part failed as a whole: every file known from before is kept."""
        LOGGER.warning("không lấy được tệp từ Google: %s", reason)
        self.night.error = reason
        for state in self.states.values():
            if state.present:
                self._keep(state, reason)
        return self.night

    # -- listing ------------------------------------------------------------------------

    def _list(self) -> tuple[list[_Item], bool, str | None]:
        """Every file of the folder tree and the configured spreadsheets; whether the
        listing is complete; why not."""
        from nscl.google.drive import query_in_folder

        api = self.night.api
        assert api is not None
        items: list[_Item] = []
        failure: str | None = None
        if self.config.folder_id is not None:
            pending = [self.config.folder_id]
            walked: set[str] = set()
            while pending:
                folder = pending.pop(0)
                if folder in walked:
                    continue
                walked.add(folder)
                try:
                    listed = list(api.drive.iter_files(
                        q=query_in_folder(folder), fields=_LIST_FIELDS, page_size=_PAGE_SIZE))
                except GoogleError as exc:
                    failure = failure or ("không lấy được danh sách tệp của thư mục Google "
                                          f"Drive: {_reason(exc)}")
                    LOGGER.warning("không lấy được danh sách thư mục Google Drive %s: %s",
                                   folder, exc)
                    continue
                finally:
                    self.night.folders += 1
                for data in listed:
                    item = _Item.of(data, folder)
                    if item.mime_type == FOLDER_MIME:
                        pending.append(item.id)
                    else:
                        items.append(item)
        for spreadsheet_id in self.config.spreadsheets:
            try:
                data = api.drive.get_file(spreadsheet_id, fields=_FILE_FIELDS)
            except GoogleNotFoundError as exc:
                self._unreachable(spreadsheet_id, _reason(exc, spreadsheet_id))
                continue
            except GoogleError as exc:
                failure = failure or _reason(exc, spreadsheet_id)
                self._unreachable(spreadsheet_id, _reason(exc, spreadsheet_id))
                continue
            if not data.get("trashed"):
                items.append(_Item.of(data, None))
        return items, failure is None, failure

    def _unreachable(self, file_id: str, reason: str) -> None:
        """A configured spreadsheet that could not be looked up: deferred (its last good
        version kept)."""
        state = self.states.get(file_id)
        if state is not None and state.present:
            self._keep(state, reason)
            self.accounted.add(file_id)
        else:
            self.night.deferred.append(Deferred(spreadsheet_url(file_id), file_id, reason))

    # -- one file -----------------------------------------------------------------------

    def _other(self, item: _Item) -> None:
        """A file that is not a spreadsheet: listed as another file."""
        from nscl.registry import match_filename

        if item.mime_type.startswith(_GOOGLE_APPS):
            code, reason = _GOOGLE_KINDS.get(item.mime_type, _GOOGLE_OTHER)
        else:
            code, reason = other_file_kind(item.name)
        self.night.other_titles[item.link] = item.name
        found = match_filename(item.name).agency
        self.night.others.append(OtherFile(item.link, reason, code, 0, item.mtime_ns,
                                           found.code if found else None))

    def _held(self, state: GoogleFileState) -> GoogleCandidate | None:
        """The content already held for a file (archived, recorded), if any."""
        if state.sha256 is None or state.size is None:
            return None
        record = self.known.get((state.link, state.size, state.content_mtime_ns))
        archived = self.blobs.get(state.sha256)
        if record is None or record.sha256 != state.sha256 or archived is None \
                or not os.path.isfile(archived):
            return None
        return GoogleCandidate(path=Path(archived), rel=state.link, size=state.size,
                               mtime_ns=state.content_mtime_ns, file_id=state.file_id,
                               title=state.title, native=state.mime_type == SPREADSHEET_MIME)

    def _spreadsheet(self, item: _Item) -> None:
        state = self.states.get(item.id)
        held = self._held(state) if state is not None else None
        if state is not None and held is not None:
            same = (item.modified_time, item.version) == (state.modified_time, state.version)
            ours = state.self_write and item.by_me and _newer(item.version, state.version)
            if same or ours:
                if ours:  # nscl's own write-back: the agency's content is unchanged
                    LOGGER.info("%s: thay đổi duy nhất là kết quả kiểm tra nscl ghi vào",
                                item.name)
                    state.modified_time, state.version = item.modified_time, item.version
                    state.self_write = False
                if (state.title, state.parent, state.present) != (item.name, item.parent,
                                                                  True) or ours:
                    state.title, state.parent, state.present = item.name, item.parent, True
                    self.changed.append(state)
                self.night.candidates.append(replace(held, title=item.name))
                return
        try:
            content = self._fetch(item)
        except GoogleNotFoundError as exc:  # gone between the listing and the fetch
            LOGGER.info("%s không còn trên Google Drive: %s", item.name, exc)
            return
        except GoogleError as exc:
            reason = _reason(exc, item.id, item.name)
            LOGGER.warning("chưa tải được %s (%s): %s", item.name, item.link, exc)
            if state is not None and held is not None:
                self._keep(state, reason, title=item.name)
            else:
                self.night.deferred.append(Deferred(item.link, item.name, reason))
            return
        self.night.fetched += 1
        path, mtime_ns = self._stage(item, content)
        import hashlib

        sha = hashlib.sha256(content).hexdigest()
        self.night.candidates.append(GoogleCandidate(
            path=path, rel=item.link, size=len(content), mtime_ns=mtime_ns,
            file_id=item.id, title=item.name, native=item.native))
        previous = state or GoogleFileState(item.id, item.link, item.name, item.mime_type,
                                            item.parent, "", "", 0)
        self.changed.append(replace(
            previous, link=item.link, title=item.name, mime_type=item.mime_type,
            parent=item.parent, modified_time=item.modified_time, version=item.version,
            content_mtime_ns=mtime_ns, sha256=sha, size=len(content), fetched=self.now,
            present=True, self_write=False))

    def _keep(self, state: GoogleFileState, reason: str, *, title: str | None = None) -> None:
        """Count the last good version of a file that could not be updated, saying why."""
        held = self._held(state)
        name = title or state.title
        if held is None:
            self.night.deferred.append(Deferred(state.link, name, reason))
            return
        self.night.candidates.append(replace(held, title=name, stale=reason))
        self.night.deferred.append(Deferred(state.link, name, reason, kept=True))

    def _fetch(self, item: _Item) -> bytes:
        api = self.night.api
        assert api is not None
        if item.native:
            return api.drive.export(item.id, max_bytes=_MAX_BYTES)
        return api.drive.download(item.id, max_bytes=_MAX_BYTES)

    def _stage(self, item: _Item, content: bytes) -> tuple[Path, int]:
        """Write fetched bytes where the run reads and archives them from; the path and
        its modification time (Drive's, as the file system keeps it: the run checks
        that a file did not change while it was archived against this time)."""
        self.incoming.mkdir(parents=True, exist_ok=True)
        path = self.incoming / f"{item.id}{item.extension}"
        path.write_bytes(content)
        os.utime(path, ns=(item.content_ns, item.content_ns))
        return path, path.stat().st_mtime_ns

    def _clear_incoming(self) -> None:
        """Remove what an earlier run staged (already archived, or fetched again)."""
        if not self.incoming.is_dir():
            return
        for old in self.incoming.iterdir():
            try:
                old.unlink()
            except OSError:
                continue


def _reason(exc: GoogleError, file_id: str = "", title: str = "") -> str:
    """Why a file was not fetched, for the master and the JSON (Vietnamese), naming the
    file by its title rather than its Drive ID."""
    if isinstance(exc, GoogleDeferredError):
        return f"hết thời gian dành cho Google trong lần chạy này ({exc.reason_text})"
    if isinstance(exc, GoogleTransientError) and exc.status is not None:
        return f"Google tạm thời không phục vụ (mã {exc.status}), đã thử lại nhiều lần"
    text = str(exc)
    if file_id:
        text = text.replace(f"tệp Google Drive «{file_id}»", f"«{title or file_id}»")
    return text
