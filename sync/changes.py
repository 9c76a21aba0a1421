"""What changed since the previous master: agencies new, updated or withdrawn, and tasks
added, removed or changed (row-level detail from the form's consolidator).

The previous master is described by the ledger as the file content (SHA-256) counted
for each agency; the previous reports come from the parse cache (or are re-read from
the archive), so no separate snapshot is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from nscl.report import FileReport
from sync.consolidate import Consolidator
from sync.model import AgencyInfo, Change, Submission

__all__ = ["compute_changes"]


def compute_changes(
    previous: Mapping[str, str],
    current: Mapping[str, Submission],
    *,
    consolidator: Consolidator,
    previous_report: Callable[[str], FileReport | None],
    agency_info: Callable[[str], AgencyInfo],
) -> list[Change]:
    """Differences between the previous master (agency code -> content hash) and now."""
    from sync.completeness import master_order

    changes: list[Change] = []
    for code, sub in sorted(current.items(), key=lambda item: master_order(item[1].agency)):
        old_sha = previous.get(code)
        if old_sha is None:
            changes.append(Change(sub.agency, "agency-new", "",
                                  f"{consolidator.describe_rows(sub.report)}, "
                                  f"tệp «{sub.title or sub.file}»"))
            continue
        if old_sha == sub.sha256:
            continue
        changes.append(Change(sub.agency, "agency-updated", "", f"Tệp «{sub.title or sub.file}»"))
        old = previous_report(old_sha)
        if old is None:
            continue
        for kind, task, detail in consolidator.diff(old, sub.report):
            changes.append(Change(sub.agency, kind, task, detail))
    for code in sorted(previous, key=lambda c: master_order(agency_info(c))):
        if code not in current:
            changes.append(Change(agency_info(code), "agency-withdrawn", "",
                                  "Tệp đã bị rút khỏi thư mục nhận hoặc bị từ chối"))
    return changes
