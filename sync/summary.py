"""The run's result as JSON data and as a short Vietnamese summary.

The JSON shape (``nscl sync --format json``)::

    {"master": path (null in a trial run, which writes none),
     "agencies": [{"code", "name", "kind", "status", "tasks", "total", "state_budget",
                   "counterpart", "errors", "warnings", "file", "source"[, "stale",
                   "deferred"], "issues": [{"code", "severity", "sheet", "cell",
                   "message"}]}],
     "totals": {"tasks", "total", "state_budget", "counterpart"},
     "rejected": [{"file", "reason"}],
     "others": [{"file", "reason", "code", "agency"}],
     "deferred": [{"file", "reason", "title", "agency", "kept"}],
     "google": {"requests", …}}

with ``status`` one of ok, invalid, late, missing. The figure keys ("tasks" …
"counterpart" for Form A) are the consolidator's (:meth:`~sync.consolidate.Consolidator.
agency_result`, :meth:`~sync.consolidate.Consolidator.totals_result`). A Form B round
(annual reports) gives instead ``"indicators": {"<key>": {"year", "cumulative"}}`` per
agency and ``"totals": {"indicators": {"<key>": {"year", "cumulative", "agencies"}}}``,
and ``"report"``: the draft national report beside the master (documents the
consolidator writes, :meth:`~sync.consolidate.Consolidator.write_documents`). ``issues``
are the problems of the counted file (validation and the round's own checks), in the
shape of ``nscl validate --format json``. ``others`` lists the files of the inbox that
are not spreadsheets (a .zip, a scanned letter): never consolidated, and not a reason
for exit code 1. ``source`` says where an agency's file came from: ``"folder"`` (the
inbox) or ``"google"`` (Google Drive; its ``file`` is then the spreadsheet's link), null
when it sent nothing. ``deferred`` lists the Google files that could not be fetched this
run (retried next run): an agency whose last good version is still counted has
``"stale": true`` and the file under its own ``"deferred"``. ``google`` (set by the run)
counts the requests made to Google. A few more keys help the operator (``year``,
``generated_at``, ``unchanged``, ``changes``, ``feedback``, ``log``, ``totals_text``). A
proposal round (Form A) adds ``selection`` (the staff's decisions: counts, each decision
with where its task is in the agency's file, the orphaned ones, the cells not read),
``duplicates`` and ``priority_areas``
(:meth:`~sync.consolidate.Consolidator.extra_result`).
The summary text is rendered from this dict only, so a run with nothing to do prints
the stored result of the previous run without reading any file.
"""

from __future__ import annotations

from typing import Any

from nscl.numbers import format_number
from sync.consolidate import Consolidator
from sync.model import CHANGE_LABELS, STATUS_LABELS, Consolidation

__all__ = ["build_result", "summary_text"]

_OTHERS_SHOWN = 10  # other files of the inbox named in the summary (the master lists all)
# Reports written in Word (or converted to it): no marked copy is made of them.
_DOCUMENTS = (".docx", ".docm", ".doc", ".odt", ".rtf")


def build_result(
    cons: Consolidation,
    consolidator: Consolidator,
    master: str | None,
    *,
    feedback: dict[str, str] | None = None,
    log: str = "",
    documents: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON-ready result of a run (``documents``: what the consolidator wrote beside
    the master, by result key)."""
    agencies: list[dict[str, Any]] = []
    for line in cons.statuses:
        sub = line.submission
        agencies.append({
            "code": line.agency.code,
            "name": line.agency.name,
            "kind": line.agency.kind,
            "status": line.status,
            **consolidator.agency_result(sub.report if sub else None),
            "errors": len(sub.report.errors) if sub else 0,
            "warnings": len(sub.report.warnings) if sub else 0,
            "file": sub.file if sub else None,
            "source": sub.origin if sub else None,
            "expected": line.agency.expected,
            "late": bool(sub and sub.late),
            "received": sub.received.isoformat() if sub else None,
            "issues": sub.report.issues() if sub else [],
        })
        waiting = [{"file": d.file, "reason": d.reason} for d in cons.deferred
                   if d.agency == line.agency.code]
        if waiting or (sub is not None and sub.stale is not None):
            agencies[-1]["stale"] = sub is not None and sub.stale is not None
            agencies[-1]["deferred"] = waiting
    totals = consolidator.totals(cons)
    change_counts: dict[str, int] = {}
    for ch in cons.changes:
        change_counts[ch.kind] = change_counts.get(ch.kind, 0) + 1
    return {
        "master": master,
        **{key: path for key, path in (documents or {}).items()},
        "form": cons.form,
        "year": cons.year,
        "deadline": cons.deadline.isoformat() if cons.deadline else None,
        "generated_at": cons.generated_at.isoformat(),
        "agencies": agencies,
        "totals": consolidator.totals_result(cons),
        "totals_text": consolidator.totals_text(totals),
        "rejected": [{"file": r.file, "reason": r.reason, "code": r.code, "rows": r.rows,
                      "agency": r.agency, **_titled(cons, r.file)} for r in cons.rejected],
        "superseded": [{"file": s.file, "agency": s.agency.code, "rows": s.rows}
                       for s in cons.superseded],
        "others": [{"file": o.file, "reason": o.reason, "code": o.code, "agency": o.agency,
                    **_titled(cons, o.file)} for o in cons.others],
        "deferred": [{"file": d.file, "title": cons.name(d.file), "reason": d.reason,
                      "agency": d.agency, "kept": d.kept} for d in cons.deferred],
        "changes": change_counts,
        "feedback": feedback or {},
        "unchanged": False,
        "log": log,
        **consolidator.extra_result(cons),
    }


def _titled(cons: Consolidation, file: str) -> dict[str, str]:
    """``{"title": …}`` for a file from Google (its ``file`` is a link), else nothing."""
    return {"title": cons.name(file)} if file in cons.linked else {}


def _pct(n: int, d: int) -> str:
    return f"{format_number(100 * n / d, 1)}%" if d else "—"


def summary_text(result: dict[str, Any]) -> str:
    """A short Vietnamese summary of a run result."""
    agencies = result.get("agencies", [])
    expected = [a for a in agencies if a.get("expected", True)]
    count = {s: sum(1 for a in expected if a["status"] == s) for s in STATUS_LABELS}
    received = len(expected) - count["missing"]
    lines: list[str] = []
    year = result.get("year")
    head = f"Tổng hợp biểu mẫu {result.get('form', 'A')}"
    if year:
        head += f" năm {year}"
    if result.get("unchanged"):
        head += " — không có tệp mới hay tệp thay đổi, giữ nguyên bảng tổng hợp"
    lines.append(head + ".")
    if result.get("master"):
        lines.append(f"Bảng tổng hợp: {result['master']}")
    if result.get("report"):
        lines.append(f"Dự thảo báo cáo tổng hợp: {result['report']}")
    n = len(expected)
    lines.append(
        f"Đơn vị phải nộp: {n}; đã nộp: {received} ({_pct(received, n)}), trong đó đúng hạn "
        f"không lỗi: {count['ok']}, nộp muộn: {count['late']}, có lỗi: {count['invalid']}; "
        f"chưa nộp: {count['missing']} ({_pct(count['missing'], n)})."
    )
    extra = [a for a in agencies if not a.get("expected", True)]
    if extra:
        names = ", ".join(a["name"] for a in extra)
        lines.append(f"Đơn vị ngoài danh sách phải nộp (vẫn được tổng hợp): {names}.")
    if result.get("totals_text"):
        lines.append(result["totals_text"])
    feedback = result.get("feedback", {})
    dry_run = bool(result.get("dry_run"))

    def copy_of(agency: dict[str, Any]) -> str:
        """Where the agency's marked copy went (none in a trial run; a copy that could
        not be made is in the log)."""
        if dry_run:
            return ""
        where = feedback.get(agency["code"])
        if where:
            return f" → {where}"
        if str(agency.get("file") or "").lower().endswith(_DOCUMENTS):
            return " (báo cáo bằng văn bản: xem chi tiết trong bảng tổng hợp, sheet Lỗi kiểm tra)"
        return " (chưa tạo được bản đánh dấu, xem nhật ký)"

    sent = "" if dry_run else " (đã gửi bản đánh dấu vào thư mục phản hồi)"
    invalid = [a for a in agencies if a["status"] == "invalid"]
    if invalid:
        lines.append(f"Đơn vị có lỗi{sent}:")
        for a in invalid:
            lines.append(f"  - {a['name']}: {a['errors']} lỗi, {a['warnings']} cảnh báo"
                         f"{copy_of(a)}")
    warned = [a for a in agencies if a["status"] != "invalid" and a["warnings"]]
    if warned:
        lines.append("Đơn vị chỉ có cảnh báo (vẫn tổng hợp bình thường):")
        for a in warned:
            lines.append(f"  - {a['name']}: {a['warnings']} cảnh báo{copy_of(a)}")
    late = [a["name"] for a in agencies if a.get("late")]
    if late:
        lines.append(f"Nộp muộn: {', '.join(late)}.")
    rejected = result.get("rejected", [])
    if rejected:
        lines.append(f"Tệp bị từ chối: {len(rejected)}")
        for r in rejected:
            lines.append(f"  - {r.get('title') or r['file']}: {r['reason']}")
    others = result.get("others", [])
    if others:
        lines.append(f"Tệp khác trong thư mục nhận, không phải bảng tính (không tổng hợp): "
                     f"{len(others)}")
        for o in others[:_OTHERS_SHOWN]:
            lines.append(f"  - {o.get('title') or o['file']}: {o['reason']}")
        if len(others) > _OTHERS_SHOWN:
            lines.append(f"  - và {len(others) - _OTHERS_SHOWN} tệp khác (xem bảng tổng hợp, "
                         "sheet Tình hình nộp)")
    lines += _google_lines(result)
    sent_rejected = {r.get("agency") for r in rejected}
    sent_other = {o.get("agency") for o in others}

    sent_deferred = {d.get("agency") for d in result.get("deferred", [])}

    def why_missing(code: str) -> str:
        if code in sent_deferred:
            return " (có tệp trên Google Drive chưa tải được)"
        if code in sent_rejected:
            return " (tệp gửi bị từ chối)"
        if code in sent_other:
            return " (có tệp không phải bảng tính)"
        return ""

    missing = [a["name"] + why_missing(a["code"])
               for a in expected if a["status"] == "missing"]
    if missing:
        shown = ", ".join(missing[:12]) + (f" và {len(missing) - 12} đơn vị khác"
                                           if len(missing) > 12 else "")
        lines.append(f"Chưa nộp: {shown}.")
    if "selection" in result:
        from sync.selection import summary_lines

        lines.extend(summary_lines(result))
    changes = result.get("changes", {})
    if changes and not result.get("unchanged"):
        parts = [f"{CHANGE_LABELS[k].lower()}: {v}" for k, v in changes.items()
                 if k in CHANGE_LABELS]
        lines.append("Thay đổi so với lần trước: " + "; ".join(parts) + ".")
    if result.get("log"):
        lines.append(f"Nhật ký: {result['log']}")
    return "\n".join(lines)


def _google_lines(result: dict[str, Any]) -> list[str]:
    """What the run did with Google Drive: requests, files not updated and why, the
    failure of the Google part, the write-back."""
    google = result.get("google")
    if not google:
        return []
    lines = [f"Google Drive: {google.get('requests', 0)} yêu cầu gửi tới Google, "
             f"{google.get('fetched', 0)} tệp tải về (tệp không đổi không tải lại)."]
    if google.get("error"):
        lines.append(f"Không lấy được tệp từ Google: {google['error']}")
    deferred = result.get("deferred", [])
    if deferred:
        lines.append(f"Tệp trên Google Drive chưa cập nhật được (sẽ thử lại ở lần chạy sau): "
                     f"{len(deferred)}")
        for d in deferred[:_OTHERS_SHOWN]:
            kept = " — vẫn tổng hợp bản tải được lần trước" if d.get("kept") else ""
            lines.append(f"  - {d.get('title') or d['file']}: {d['reason']}{kept}")
        if len(deferred) > _OTHERS_SHOWN:
            lines.append(f"  - và {len(deferred) - _OTHERS_SHOWN} tệp khác (xem bảng tổng "
                         "hợp, sheet Tình hình nộp)")
    writeback = google.get("writeback") or {}
    if writeback.get("written"):
        lines.append(f"Đã ghi kết quả kiểm tra vào {len(writeback['written'])} bảng tính "
                     "Google (sheet «Kết quả kiểm tra»).")
    for failed in writeback.get("failed", []):
        lines.append(f"  - chưa ghi được kết quả vào {failed['file']}: {failed['reason']}")
    return lines
