"""What one consolidation run produces, as plain data (written to the master, the JSON
output and the Vietnamese summary).

Agency statuses: ``ok`` (on time, no error), ``invalid`` (has errors), ``late`` (received
after the deadline, no error), ``missing`` (no file). An invalid late file is ``invalid``;
the late flag stays visible on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal

from nscl.report import FileReport

if TYPE_CHECKING:
    from sync.selection import Selection

__all__ = [
    "KIND_LABELS",
    "STATUS_LABELS",
    "AgencyInfo",
    "AgencyStatus",
    "Change",
    "Consolidation",
    "Deferred",
    "Letterhead",
    "OtherFile",
    "Rejected",
    "Status",
    "Submission",
    "Superseded",
    "report_name",
]

Status = Literal["ok", "invalid", "late", "missing"]


def report_name(year: int) -> str:
    """The file name of a report round's draft national report, beside the master."""
    return f"bao-cao-tong-hop-{year}.docx"

STATUS_LABELS: dict[str, str] = {
    "ok": "Đã nộp",
    "invalid": "Có lỗi",
    "late": "Nộp muộn",
    "missing": "Chưa nộp",
}

KIND_LABELS: dict[str, str] = {"ministry": "Bộ, ngành", "province": "Địa phương"}


@dataclass(frozen=True)
class Letterhead:
    """Who issues the master and who signs it (``[master]`` in the config file): the
    issuing body's block at the top left (Nghị định 30/2020/NĐ-CP), and the signature
    block under the table."""

    issuer: str = "BỘ KHOA HỌC VÀ CÔNG NGHỆ"
    issuer_parent: str = ""  # the body above the issuer, printed over it when given
    place: str = "Hà Nội"
    preparer: str = "NGƯỜI LẬP BIỂU"
    approver: str = "THỦ TRƯỞNG ĐƠN VỊ"

    def key(self) -> str:
        """A stable text of the letterhead (it changes the master's content)."""
        return "|".join((self.issuer_parent, self.issuer, self.place, self.preparer,
                         self.approver))


@dataclass(frozen=True)
class AgencyInfo:
    """An agency as the run sees it: registry facts plus its place in the master."""

    code: str
    name: str
    kind: str  # "ministry" | "province"
    order: int = 10_000  # registry order; unknown agencies sort after
    expected: bool = True

    @property
    def kind_label(self) -> str:
        """"Bộ, ngành" or "Địa phương"."""
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class Submission:
    """The file counted for one agency, with its validation report."""

    agency: AgencyInfo
    report: FileReport
    file: str  # path relative to the inbox
    sha256: str
    received: datetime  # the file's modification time (aware)
    late: bool
    version_id: int = 0
    source: str = ""  # absolute path of the archived copy
    marked_copy: str | None = None
    title: str | None = None  # collected from Google: the file's title (``file`` is its link)
    stale: str | None = None  # the last good version, kept: why no newer one (Vietnamese)

    @property
    def origin(self) -> Literal["folder", "google"]:
        """Where the file came from: the inbox folder, or Google Drive."""
        return "folder" if self.title is None else "google"

    @property
    def file_name(self) -> str:
        """The file's name with its extension (the marked copy is named after it): the
        inbox file's name, or the Google file's title (".xlsx" added to a Google Sheets
        title, whose content is exported as .xlsx)."""
        if self.title is None:
            return PurePosixPath(self.file).name
        from nscl.reading import SPREADSHEET_SUFFIXES

        if PurePosixPath(self.title).suffix.lower() in SPREADSHEET_SUFFIXES:
            return self.title
        return f"{self.title}.xlsx"

    @property
    def has_errors(self) -> bool:
        """Unreadable or with at least one error."""
        return not self.report.valid

    @property
    def status(self) -> Status:
        """``invalid`` beats ``late`` beats ``ok``."""
        if self.has_errors:
            return "invalid"
        return "late" if self.late else "ok"


@dataclass(frozen=True)
class Rejected:
    """A file that could not be consolidated, and why (Vietnamese)."""

    file: str
    reason: str
    code: str  # stable kebab-case code
    sha256: str = ""
    version_id: int = 0
    rows: int = 0  # data rows read from it (reported, not consolidated)
    agency: str | None = None  # who seems to have sent it (its content, else its name)


@dataclass(frozen=True)
class OtherFile:
    """A file in the inbox that is not a spreadsheet (a .zip, a scanned letter in PDF …):
    not consolidated, but listed, so that an agency whose only file is a .zip does not
    simply show as "chưa nộp" with nobody knowing why."""

    file: str  # path relative to the inbox
    reason: str  # Vietnamese: what it is and what to do
    code: str  # stable kebab-case kind: "other-archive", "other-pdf" …
    size: int
    mtime_ns: int
    agency: str | None = None  # the agency its name suggests


@dataclass(frozen=True)
class Deferred:
    """A file of Google Drive that could not be fetched in this run (Google busy, the
    run's time for Google up, access refused …): fetched again next run. Its last good
    version, when there is one, is still counted (``kept``), marked as not updated."""

    file: str  # the file's link
    title: str
    reason: str  # Vietnamese
    kept: bool = False
    agency: str | None = None  # whose file it is (its last good version, else its title)


@dataclass(frozen=True)
class Superseded:
    """An older version of an agency's file, not counted because a newer one exists."""

    file: str
    agency: AgencyInfo
    received: datetime
    replaced_by: str
    version_id: int = 0
    rows: int = 0  # data rows read from it (not counted: a newer version is)


@dataclass
class AgencyStatus:
    """One line of the submission-status sheet."""

    agency: AgencyInfo
    submission: Submission | None

    @property
    def status(self) -> Status:
        """``missing`` when nothing was received, else the submission's status."""
        return "missing" if self.submission is None else self.submission.status


@dataclass(frozen=True)
class Change:
    """One difference with the previous master (Vietnamese kind and detail)."""

    agency: AgencyInfo
    kind: str  # a key of CHANGE_LABELS
    task: str = ""
    detail: str = ""


CHANGE_LABELS: dict[str, str] = {
    "agency-new": "Đơn vị mới nộp",
    "agency-updated": "Đơn vị nộp bản mới",
    "agency-withdrawn": "Không còn tệp của đơn vị",
    "task-added": "Thêm nhiệm vụ",
    "task-removed": "Bớt nhiệm vụ",
    "task-changed": "Sửa nhiệm vụ",
    "indicator-changed": "Sửa số liệu chỉ tiêu",
    "narrative-changed": "Sửa nội dung báo cáo",
}


@dataclass
class Consolidation:
    """Everything the master workbook shows."""

    form: str
    year: int | None
    deadline: datetime | None
    generated_at: datetime
    statuses: list[AgencyStatus] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    others: list[OtherFile] = field(default_factory=list)
    previous_run_at: datetime | None = None
    first_run: bool = True
    letterhead: Letterhead = field(default_factory=Letterhead)
    deferred: list[Deferred] = field(default_factory=list)
    # Files collected from Google: link (their ``file``) -> their name, as "<title>
    # (Google Sheets)" or "<title> (Google Drive)".
    linked: dict[str, str] = field(default_factory=dict)
    # The staff's decisions on the tasks, priority areas and duplicates (Form A; set by
    # the run, or made empty by the master's writer: :func:`sync.selection.selection_of`).
    selection: Selection | None = None

    def name(self, file: str) -> str:
        """A file's name in a sentence: its path in the inbox, or a Google file's title."""
        return self.linked.get(file, file)

    def label(self, file: str) -> str:
        """A file as a cell of the master names it: its path in the inbox, or a Google
        file's title and, on the next line, its link."""
        return f"{self.linked[file]}\n{file}" if file in self.linked else file

    def agency_name(self, code: str) -> str:
        """An agency's name: from the run's statuses, else the registry, else its code."""
        for line in self.statuses:
            if line.agency.code == code:
                return line.agency.name
        from nscl.registry import get_agency

        try:
            return get_agency(code).name
        except KeyError:
            return code

    @property
    def submissions(self) -> list[Submission]:
        """Counted submissions, in master order (ministries first, registry order)."""
        return [s.submission for s in self.statuses if s.submission is not None]

    def count(self, status: Status) -> int:
        """How many expected agencies have this status."""
        return sum(1 for s in self.statuses if s.agency.expected and s.status == status)

    @property
    def expected_count(self) -> int:
        """How many agencies were expected to submit."""
        return sum(1 for s in self.statuses if s.agency.expected)
