"""Who was expected, who submitted, who is late, who is missing.

Every expected agency gets one line; agencies that submitted without being expected
(an old province name, an agency outside the configured list) get a line too, flagged,
so that none of their rows is dropped. Lines are in master order: ministries first,
then provinces, each in registry order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from sync.config import ConfigError, SyncConfig
from sync.model import AgencyInfo, AgencyStatus, Submission


class AgencyDirectory(Protocol):
    """Turns an agency code into :class:`AgencyInfo` (registry facts and order)."""

    def info(self, code: str, ref: Any = None) -> AgencyInfo:
        """Facts about the agency ``code``."""
        ...

__all__ = ["build_statuses", "expected_agencies", "is_late", "master_order"]

_KIND_ORDER = {"ministry": 0, "province": 1}


def is_late(received: datetime, deadline: datetime | None) -> bool:
    """Received strictly after the deadline (both timezone-aware)."""
    return deadline is not None and received > deadline


def master_order(agency: AgencyInfo) -> tuple[int, int, str]:
    """Sort key: ministries before provinces, then registry order, then name."""
    return (_KIND_ORDER.get(agency.kind, 2), agency.order, agency.name)


def build_statuses(
    expected: Iterable[AgencyInfo], submissions: Mapping[str, Submission]
) -> list[AgencyStatus]:
    """One :class:`AgencyStatus` per expected agency, plus unexpected submitters."""
    lines: dict[str, AgencyStatus] = {}
    for agency in expected:
        lines[agency.code] = AgencyStatus(agency=agency, submission=submissions.get(agency.code))
    for code, sub in submissions.items():
        if code not in lines:
            agency = replace(sub.agency, expected=False)
            sub.agency = agency
            lines[code] = AgencyStatus(agency=agency, submission=sub)
        else:
            sub.agency = lines[code].agency
    return sorted(lines.values(), key=lambda line: master_order(line.agency))


def expected_agencies(config: SyncConfig, directory: AgencyDirectory) -> list[AgencyInfo]:
    """The agencies expected to submit: the configured list, else every agency of the
    registry in force on the deadline (or today), minus the configured exclusions."""
    if config.expected is not None:
        codes = list(config.expected)
    else:
        from nscl.registry import agencies

        codes = [a.code for a in agencies(in_force_on=config.reference_date)]
    from nscl.registry import get_agency

    for code in codes:
        try:
            get_agency(code)
        except KeyError:
            raise ConfigError(
                f"Mã đơn vị «{code}» trong tệp cấu hình không có trong danh mục đơn vị."
            ) from None
    excluded = set(config.exclude)
    return [directory.info(code) for code in dict.fromkeys(codes) if code not in excluded]
