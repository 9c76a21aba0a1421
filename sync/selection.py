"""The Ministry's decisions on the proposed tasks, kept from one master to the next.

The master's "Tổng hợp" sheet has, beside each task, a "Quyết định" cell (a drop-down:
Đưa vào danh mục / Không đưa vào / Cần làm rõ) and an "Ý kiến" cell: the only cells the
staff edit (the sheets are protected without a password). A hidden column holds each
task's identity: its agency and its task key (the task's name as the changes sheet
matches it, :meth:`sync.form_a.FormAConsolidator.keyed_tasks`), as ``<agency>/<hash>``.

Each run (:func:`take_decisions`, step 4 of :mod:`sync.run`):

1. reads the decisions back from the current master when it was edited since the run
   that wrote it (an untouched master holds nothing the ledger does not), with who made
   them and when (the file's last-modified-by, else "không rõ"; its last-modified time);
2. keeps the new or changed ones in the ledger (``decisions``, ``decision_history``),
   with the task's content as the master showed it (the basis); a value the drop-down
   does not offer is reported, never taken; a master older than the one a decision was
   read from (a copy put back) does not undo that decision;
3. attaches every kept decision to its task in the new consolidation: a task whose
   content has changed since is flagged "nội dung đã thay đổi sau khi quyết định" (with
   what changed), a decision whose task is no longer there is listed, never dropped; a
   "Cần làm rõ" decision becomes a problem of the agency's file (``selection-
   clarification``, the staff's comment in its message, the task's row as its cell), so
   that the marked copy sent back shows it;
4. remembers the master's size and time when read: :func:`sync.master.write_master`
   refuses to replace a master saved again meanwhile (exit 2), so a decision typed while
   the run worked is never overwritten.

The consolidation's :class:`Selection` (``Consolidation.selection``) holds the result
for the master's writer, the JSON result and any other consumer (a write-back of the
"Cần làm rõ" requests to the agencies' Google Sheets: :meth:`Selection.clarifications`).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nscl.forms import Column, TableForm
from nscl.numbers import format_number
from nscl.problems import Problem
from nscl.report import FileReport, TaskRow
from nscl.text import nfc, search_fold
from sync.ledger import Ledger, StoredDecision
from sync.master import MasterLockedError, MasterSeen
from sync.model import Consolidation, Submission

if TYPE_CHECKING:
    from sync.priority_areas import AreaRules

__all__ = [
    "AREA_HEADER",
    "COMMENT_HEADER",
    "DECISIONS",
    "DECISION_HEADER",
    "KEY_HEADER",
    "TRACE_HEADER",
    "UNKNOWN_PERSON",
    "MasterRead",
    "MasterRow",
    "MasterSeen",
    "MasterUnreadableError",
    "Selection",
    "TaskDecision",
    "content_hash",
    "decision_code",
    "read_master",
    "reconcile",
    "summary_lines",
    "take_decisions",
    "task_content",
    "task_id",
]

DECISIONS: dict[str, str] = {
    "include": "Đưa vào danh mục",
    "exclude": "Không đưa vào",
    "clarify": "Cần làm rõ",
}
DECISION_HEADER = "Quyết định"
COMMENT_HEADER = "Ý kiến"
TRACE_HEADER = "Theo dõi quyết định"
AREA_HEADER = "Lĩnh vực ưu tiên"
KEY_HEADER = "Mã nhiệm vụ (nscl)"
UNKNOWN_PERSON = "không rõ"
# The author nscl writes into the master's properties (not a person).
_NSCL_AUTHOR = "nscl sync"
_FOLDED_DECISIONS = {search_fold(label): code for code, label in DECISIONS.items()}
_HEADER_SEARCH_ROWS = 40


class MasterUnreadableError(MasterLockedError):
    """The master was edited since nscl wrote it and cannot be read back: replacing it
    could lose decisions typed into it (Vietnamese message)."""


def decision_code(value: Any) -> str | None:
    """The code of a decision as typed ("Đưa vào danh mục", "dua vao danh muc" …);
    None for an empty cell. ``ValueError`` for anything else."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    code = _FOLDED_DECISIONS.get(search_fold(text))
    if code is None:
        raise ValueError(text)
    return code


def task_id(agency: str, key: str) -> str:
    """A task's identity: its agency's code and a short hash of its task key."""
    return f"{agency}/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def _shown(column: Column, value: Any) -> str:
    """A value as the master shows it, as text: what a decision's basis compares."""
    if value is None or value == "":
        return ""
    if column.type != "text" and isinstance(value, int | float) \
            and not isinstance(value, bool):
        return format_number(float(value))
    return nfc(str(value)).strip()


def _content_columns(table: TableForm) -> list[Column]:
    """The columns that make a task's content: every column but the priority number
    and the computed ones (Tổng số)."""
    return [c for c in table.columns if c.role != "number" and not c.computed]


def task_content(table: TableForm, row: TaskRow) -> dict[str, str]:
    """A task's content (column header -> the value as shown), what a decision is made
    on."""
    out: dict[str, str] = {}
    for column in _content_columns(table):
        value = row.values.get(column.key)
        if value is None or value == "":
            raw = row.raw.get(column.key)
            value = None if raw is None or raw == "" else raw
        out[column.header] = _shown(column, value)
    return out


def content_hash(content: Mapping[str, str]) -> str:
    """A short hash of a task's content."""
    text = json.dumps(dict(content), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def describe_change(before: Mapping[str, str], after: Mapping[str, str]) -> str:
    """What changed between two contents: "Mục tiêu: đã sửa; NSNN: 1.000 → 1.200"."""
    parts: list[str] = []
    for header in dict.fromkeys([*before, *after]):
        a, b = before.get(header, ""), after.get(header, "")
        if a == b:
            continue
        if len(a) > 30 or len(b) > 30:
            parts.append(f"{header}: đã sửa")
        else:
            parts.append(f"{header}: {a or '(trống)'} → {b or '(trống)'}")
    return "; ".join(parts) or "nội dung đã sửa"


# -- reading the master back ----------------------------------------------------------


@dataclass(frozen=True)
class MasterRow:
    """One task row of the master, as read back."""

    agency: str
    task: str
    task_name: str
    decision: str | None
    comment: str
    content: dict[str, str]
    cell: str  # the decision cell ("Q12")

    @property
    def task_id(self) -> str:
        """ "<agency>/<task>"."""
        return f"{self.agency}/{self.task}"


@dataclass
class MasterRead:
    """What was read back from a master."""

    path: Path
    sheet: str
    rows: list[MasterRow] = field(default_factory=list)
    modified_by: str = UNKNOWN_PERSON
    modified_at: datetime | None = None
    run: int = 0  # the run that wrote it (0: unknown)
    issues: list[Problem] = field(default_factory=list)


def _core_properties(zf: zipfile.ZipFile) -> tuple[str, datetime | None]:
    """Last modified by and when, from ``docProps/core.xml`` (a person's name only:
    nscl's own name, or none, is "không rõ")."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(zf.read("docProps/core.xml"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return UNKNOWN_PERSON, None
    by = UNKNOWN_PERSON
    when: datetime | None = None
    for element in root:
        tag = element.tag.rsplit("}", 1)[-1]
        text = (element.text or "").strip()
        if tag == "lastModifiedBy" and text and text != _NSCL_AUTHOR:
            by = nfc(text)
        elif tag == "modified" and text:
            try:
                when = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                when = None
    return by, when


def _custom_property(zf: zipfile.ZipFile, name: str) -> str | None:
    """A custom document property (``docProps/custom.xml``) as text."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(zf.read("docProps/custom.xml"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return None
    for prop in root:
        if prop.get("name") == name:
            for value in prop:
                return (value.text or "").strip()
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def read_master(path: Path, table: TableForm, sheet: str) -> MasterRead | None:
    """The decisions in the master at ``path`` (None when its table has no decision
    columns: a master of another form, or of an nscl before decisions). Raises
    :class:`MasterUnreadableError` when the file cannot be read."""
    from python_calamine import CalamineWorkbook

    from nscl.a1 import a1
    from nscl.problems import get_rule
    from nscl.reading import describe_error

    try:
        with zipfile.ZipFile(path) as zf:
            by, when = _core_properties(zf)
            run_text = _custom_property(zf, "nscl_run")
        book = CalamineWorkbook.from_path(str(path))
        if sheet not in book.sheet_names:
            return None
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine: ZipError, XmlError …; zipfile: BadZipFile
        detail = describe_error(exc) if isinstance(exc, OSError) else \
            f"{type(exc).__name__}: {exc}"
        raise MasterUnreadableError(
            f"Không đọc được quyết định trong bảng tổng hợp «{path}» ({detail}). Tệp đã được"
            " sửa sau lần tổng hợp trước, nên nscl không ghi đè để khỏi mất quyết định: mở"
            " tệp bằng Excel và lưu lại, hoặc đổi tên tệp (quyết định đã ghi nhận trước đó"
            " vẫn được giữ) rồi chạy lại."
        ) from exc
    header_row = next((r for r, cells in enumerate(grid[:_HEADER_SEARCH_ROWS])
                       if KEY_HEADER in cells), None)
    if header_row is None:
        return None
    heads = grid[header_row]
    key_col = heads.index(KEY_HEADER)
    decision_col = heads.index(DECISION_HEADER) if DECISION_HEADER in heads else None
    comment_col = heads.index(COMMENT_HEADER) if COMMENT_HEADER in heads else None
    if decision_col is None or comment_col is None:
        return None
    if when is None:
        when = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    read = MasterRead(path, sheet, modified_by=by, modified_at=when,
                      run=int(run_text) if run_text and run_text.isdigit() else 0)
    columns = list(table.columns)
    content_columns = {c.key for c in _content_columns(table)}
    name_col = next((i for i, c in enumerate(columns) if c.role == "name"), None)
    unknown = get_rule("decision-value-unknown")
    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        key = _cell_text(cells[key_col]) if key_col < len(cells) else ""
        agency, _, task = key.partition("/")
        if not agency or not task:
            continue
        raw = cells[decision_col] if decision_col < len(cells) else None
        cell = a1(r, decision_col)
        try:
            code = decision_code(raw)
        except ValueError as exc:
            read.issues.append(unknown.problem(file=path.name, sheet=sheet, cell=cell,
                                               row=r + 1, value=str(exc)))
            continue
        comment = _cell_text(cells[comment_col]) if comment_col < len(cells) else ""
        content = {c.header: _shown(c, cells[i] if i < len(cells) else None)
                   for i, c in enumerate(columns) if c.key in content_columns}
        name = _cell_text(cells[name_col]) if name_col is not None \
            and name_col < len(cells) else ""
        read.rows.append(MasterRow(agency, task, name, code, comment, content, cell))
    return read


# -- the ledger and the master ----------------------------------------------------------


def reconcile(stored: Mapping[str, StoredDecision],
              read: MasterRead) -> tuple[list[StoredDecision], list[Problem]]:
    """The decisions of ``read`` that are new or differ from ``stored`` (by task id),
    made by the master's last editor at its modification time, and the problems found
    (a stale master). A master written before the one a stored decision was read from
    does not change that decision."""
    from nscl.problems import get_rule

    changes: list[StoredDecision] = []
    stale = 0
    when = (read.modified_at or datetime.now(UTC)).isoformat(timespec="seconds")
    for row in read.rows:
        old = stored.get(row.task_id)
        before = (old.decision, old.comment) if old is not None else (None, "")
        if (row.decision, row.comment) == before:
            continue
        if old is not None and read.run < old.master_run:
            stale += 1
            continue
        changes.append(StoredDecision(
            agency=row.agency, task=row.task, task_name=row.task_name,
            decision=row.decision, comment=row.comment, decided_by=read.modified_by,
            decided_at=when, basis=content_hash(row.content), basis_content=row.content,
            master_run=read.run,
        ))
    issues: list[Problem] = []
    if stale:
        issues.append(get_rule("decision-master-stale").problem(
            file=read.path.name, sheet=read.sheet, run=read.run, count=stale))
    return changes, issues


# -- the consolidation's view -----------------------------------------------------------


@dataclass
class TaskDecision:
    """A kept decision attached to a task of the consolidation."""

    submission: Submission
    row: TaskRow
    decision: StoredDecision
    changed: bool = False  # the task's content changed since the decision
    change: str = ""  # what changed

    @property
    def code(self) -> str | None:
        """ "include", "exclude", "clarify" or None (a comment only)."""
        return self.decision.decision

    @property
    def label(self) -> str:
        """The decision as the drop-down shows it ("" for none)."""
        return DECISIONS.get(self.decision.decision or "", "")

    def trace(self, tz: Any) -> str:
        """Who decided and when, and the flag when the content changed since."""
        text = f"{self.decision.decided_by}, {local_time(self.decision.decided_at, tz)}"
        if self.changed:
            text += f". Nội dung đã thay đổi sau khi quyết định: {self.change}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: where the task is in the agency's file and the decision."""
        name_cell = self.row.cells.get("task_name")
        return {
            "agency": self.submission.agency.code,
            "agency_name": self.submission.agency.name,
            "task": self.decision.task_id,
            "task_name": _first_line(self.row.values.get("task_name")
                                     or self.decision.task_name),
            "seq": self.row.values.get("seq"),
            "decision": self.code,
            "decision_label": self.label,
            "comment": self.decision.comment,
            "decided_by": self.decision.decided_by,
            "decided_at": self.decision.decided_at,
            "changed": self.changed,
            "change": self.change,
            "file": self.submission.file,
            "sheet": self.submission.report.sheet,
            "row": self.row.sheet_row,
            "cell": name_cell,
        }


def _first_line(value: Any) -> str:
    return str(value or "").split("\n", 1)[0]


def local_time(iso: str, tz: Any) -> str:
    """An ISO time as the master shows it ("HH:MM dd/mm/yyyy"), in ``tz`` when it has a
    zone; a text that is not an ISO time as it is."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None and tz is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%H:%M %d/%m/%Y")


@dataclass
class Selection:
    """The decisions, priority areas and duplicates of a consolidation (Form A)."""

    decisions: dict[str, TaskDecision] = field(default_factory=dict)  # by task id
    orphans: list[StoredDecision] = field(default_factory=list)  # their task is gone
    issues: list[Problem] = field(default_factory=list)
    read: MasterRead | None = None  # what was read back from the master, if anything
    recorded: int = 0  # decisions new or changed in this run
    area_rules: AreaRules | None = None  # the run's priority areas (None: nscl's own)
    agency_names: dict[str, str] = field(default_factory=dict)  # of the orphans
    # The consolidator's analysis of the tasks (areas, duplicates), computed once.
    analysis: Any = None

    def clarifications(self) -> list[TaskDecision]:
        """The "Cần làm rõ" decisions on the current tasks, in master order: what goes
        back to the agencies (the marked copies; a write-back to their Google Sheets)."""
        return [d for d in self.decisions.values() if d.code == "clarify"]

    def changed(self) -> list[TaskDecision]:
        """Decisions whose task's content changed since."""
        return [d for d in self.decisions.values() if d.changed]

    def counts(self) -> dict[str, int]:
        """How many current tasks have each decision."""
        out = dict.fromkeys(DECISIONS, 0)
        for d in self.decisions.values():
            if d.code in out:
                out[d.code] += 1
        return out

    def to_dict(self, tz: Any = None) -> dict[str, Any]:
        """The ``selection`` of the JSON result."""
        return {
            "counts": self.counts(),
            "recorded": self.recorded,
            "read_from": None if self.read is None else {
                "master": str(self.read.path), "modified_by": self.read.modified_by,
                "modified_at": self.read.modified_at.isoformat(timespec="seconds")
                if self.read.modified_at else None,
            },
            "decisions": [d.to_dict() for d in self.decisions.values()],
            "orphaned": [{"agency": d.agency,
                          "agency_name": self.agency_names.get(d.agency, d.agency),
                          "task": d.task_id, "task_name": d.task_name,
                          "decision": d.decision, "comment": d.comment,
                          "decided_by": d.decided_by, "decided_at": d.decided_at}
                         for d in self.orphans],
            "issues": [p.to_dict() for p in self.issues],
        }


def selection_of(cons: Consolidation) -> Selection:
    """The consolidation's selection, made empty when the run gave it none (a master
    written outside a run)."""
    if cons.selection is None:
        cons.selection = Selection()
    selection: Selection = cons.selection
    return selection


def _row_range(row: TaskRow) -> str | None:
    """The task's row in its file, from its first to its last cell ("A12:K12")."""
    from nscl.a1 import parse_a1

    refs = [ref for ref in row.cells.values() if ref]
    if not refs:
        return None
    columns = sorted((parse_a1(ref)[1], ref) for ref in refs)
    first, last = columns[0][1], columns[-1][1]
    return first if first == last else f"{first}:{last}"


def attach(cons: Consolidation, keyed: Callable[[FileReport], dict[str, TaskRow]],
           table: TableForm, stored: Mapping[str, StoredDecision], *,
           agency_name: Callable[[str], str]) -> Selection:
    """Attach the kept decisions to the consolidation's tasks (see the module
    documentation); a "Cần làm rõ" decision is added to the agency's report as a
    ``selection-clarification`` problem."""
    from nscl.problems import get_rule

    selection = selection_of(cons)
    changed_rule = get_rule("decision-content-changed")
    missing_rule = get_rule("decision-task-missing")
    clarify_rule = get_rule("selection-clarification")
    matched: set[str] = set()
    for sub in cons.submissions:
        for key, row in keyed(sub.report).items():
            tid = task_id(sub.agency.code, key)
            kept = stored.get(tid)
            if kept is None or kept.empty:
                continue
            matched.add(tid)
            content = task_content(table, row)
            decision = TaskDecision(sub, row, kept)
            if content_hash(content) != kept.basis:
                decision.changed = True
                decision.change = describe_change(kept.basis_content, content)
                selection.issues.append(changed_rule.problem(
                    task=_first_line(row.values.get("task_name") or kept.task_name),
                    agency=sub.agency.name, decision=decision.label or "chỉ có ý kiến",
                    by=kept.decided_by, at=local_time(kept.decided_at, None),
                    detail=decision.change))
            selection.decisions[tid] = decision
            if kept.decision == "clarify":
                opinion = f" Ý kiến: {kept.comment.rstrip('.')}." if kept.comment else ""
                where = _row_range(row)
                sub.report.problems.append(clarify_rule.problem(
                    file=sub.report.path, sheet=sub.report.sheet, cell=where,
                    row=row.sheet_row, task=_first_line(row.values.get("task_name")
                                                        or kept.task_name),
                    opinion=opinion))
    for tid, kept in stored.items():
        if tid in matched or kept.empty:
            continue
        selection.orphans.append(kept)
        name = agency_name(kept.agency)
        selection.agency_names[kept.agency] = name
        selection.issues.append(missing_rule.problem(
            task=kept.task_name, agency=name,
            decision=DECISIONS.get(kept.decision or "", "chỉ có ý kiến"),
            by=kept.decided_by, at=local_time(kept.decided_at, None)))
    return selection


# -- the run's step ---------------------------------------------------------------------


def _untouched(ledger: Ledger | None, master: Path, seen: MasterSeen) -> bool:
    """Whether the master is the file the last run wrote (or confirmed) there."""
    if ledger is None or not seen.exists:
        return False
    last = ledger.last_complete_run()
    return (last is not None and last.master == str(master)
            and (last.master_size, last.master_mtime_ns) == (seen.size, seen.mtime_ns))


def take_decisions(cons: Consolidation, consolidator: Any, master: Path, *,
                   ledger: Ledger | None, run_id: int, record: bool, now: str,
                   area_rules: AreaRules | None = None) -> MasterSeen:
    """Step 4 (end) of a run: read the decisions back from ``master`` when it was edited
    since it was written, keep the new ones in the ledger (``record``: not in a trial
    run), attach every kept decision to the consolidation (``cons.selection``, with the
    run's priority areas ``area_rules``). Returns
    the master's state when read, for :func:`sync.master.write_master` to check.

    Raises :class:`MasterUnreadableError` for an edited master that cannot be read."""
    seen = MasterSeen.of(master)
    if not getattr(consolidator, "takes_decisions", False):
        return seen
    table: TableForm = consolidator.table
    stored = ledger.decisions(cons.form, cons.year) if ledger is not None else {}
    read: MasterRead | None = None
    issues: list[Problem] = []
    changes: list[StoredDecision] = []
    if seen.exists and not _untouched(ledger, master, seen):
        for _ in range(3):  # saved again while being read: read it again
            read = read_master(master, table, consolidator.sheet_name)
            again = MasterSeen.of(master)
            if again == seen:
                break
            seen = again
        if read is not None:
            changes, issues = reconcile(stored, read)
            issues = read.issues + issues
            if changes and record and ledger is not None:
                ledger.record_decisions(cons.form, cons.year, changes, run_id=run_id,
                                        now=now)
            stored = {**stored, **{d.task_id: d for d in changes}}
            read.issues = issues
    selection = selection_of(cons)
    selection.read = read
    selection.recorded = len(changes)
    selection.area_rules = area_rules
    selection.issues.extend(issues)
    attach(cons, consolidator.keyed_tasks, table, stored, agency_name=cons.agency_name)
    return seen


def summary_lines(result: Mapping[str, Any]) -> list[str]:
    """The decisions, duplicates and priority areas of a run's result, in the summary's
    words."""
    lines: list[str] = []
    selection = result.get("selection") or {}
    counts = selection.get("counts") or {}
    if any(counts.values()) or selection.get("orphaned"):
        parts = [f"{DECISIONS[code].lower()}: {counts.get(code, 0)}" for code in DECISIONS]
        text = "Quyết định về nhiệm vụ: " + "; ".join(parts)
        recorded = selection.get("recorded") or 0
        if recorded and not result.get("unchanged"):
            read = selection.get("read_from") or {}
            text += (f" ({recorded} quyết định mới hoặc thay đổi, đọc từ bảng tổng hợp, người"
                     f" lưu: {read.get('modified_by') or UNKNOWN_PERSON})")
        lines.append(text + ".")
        changed = [d for d in selection.get("decisions", []) if d.get("changed")]
        if changed:
            lines.append(f"Cần xem lại {len(changed)} quyết định: nội dung đã thay đổi sau khi"
                         " quyết định (xem sheet Quyết định):")
            lines += [f"  - {d['agency_name']}: {d['task_name']} ({d['change']})"
                      for d in changed[:10]]
        asked = [d for d in selection.get("decisions", []) if d.get("decision") == "clarify"]
        if asked:
            lines.append(f"Cần làm rõ: {len(asked)} nhiệm vụ; ý kiến được ghi vào bản đánh dấu"
                         " gửi lại đơn vị.")
        orphaned = selection.get("orphaned") or []
        if orphaned:
            lines.append(f"Quyết định về nhiệm vụ không còn trong bảng tổng hợp: {len(orphaned)}"
                         " (vẫn được giữ, xem sheet Quyết định).")
    unread = [i for i in selection.get("issues", [])
              if i.get("code") in ("decision-value-unknown", "decision-master-stale")]
    for issue in unread:
        lines.append(f"Quyết định không được ghi nhận: {issue['message']}")
    duplicates = result.get("duplicates") or {}
    if duplicates.get("groups"):
        lines.append(f"Nhiệm vụ trùng hoặc gần trùng: {duplicates['groups']} nhóm "
                     f"({duplicates['tasks']} nhiệm vụ), xem sheet Trùng lặp.")
    return lines

