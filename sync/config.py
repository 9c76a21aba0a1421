"""Settings of a consolidation run: a TOML file, overridden by command-line flags.

The config file (see ``nscl.example.toml``) holds one ``[sync]`` table::

    [sync]
    inbox = "hop-thu"                 # folder the submissions are saved into
    master = "tong-hop/bang-tong-hop.xlsx"
    state = "trang-thai"              # ledger, archive, logs, previous masters
    outbox = "phan-hoi"               # marked copies sent back to agencies
    year = 2027
    deadline = 2026-03-27T17:00:00+07:00
    form = "A"

    [agencies]
    expected = ["bo-cong-thuong", "nghe-an"]   # default: every agency in force
    exclude = []

    [selection]
    priority_areas = "linh-vuc-uu-tien.toml"   # default: nscl/data/priority_areas.toml

Relative paths are resolved against the folder of the config file. Loading the config
imports nothing heavy, so that a run that has nothing to do stays fast. Other tables of
the same file are left to their readers (``[google]``: :mod:`nscl.google.config`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nscl.config_file import ConfigFileError, read_config_file
from sync.model import Letterhead

if TYPE_CHECKING:
    from nscl.google.config import GoogleConfig
    from sync.priority_areas import AreaRules

__all__ = [
    "DEFAULT_TZ",
    "ConfigError",
    "SyncConfig",
    "load_config",
    "parse_deadline",
]

# Vietnam time (UTC+7, no daylight saving); used when a deadline has no offset.
DEFAULT_TZ = timezone(timedelta(hours=7))

_KNOWN_SYNC_KEYS = frozenset(
    {"inbox", "master", "state", "outbox", "year", "deadline", "form", "workers", "memory_limit_mb"}
)
_KNOWN_AGENCY_KEYS = frozenset({"expected", "exclude"})
_KNOWN_MASTER_KEYS = frozenset({"issuer", "issuer_parent", "place", "preparer", "approver"})
_KNOWN_SELECTION_KEYS = frozenset({"priority_areas"})


class ConfigError(ValueError):
    """The configuration is missing a setting or holds an invalid value (Vietnamese message)."""


MAX_WORKERS = 64


@dataclass(frozen=True)
class SyncConfig:
    """Everything one run needs to know. Paths are absolute after :meth:`resolved`."""

    inbox: Path
    master: Path
    state: Path
    outbox: Path | None = None
    year: int | None = None
    deadline: datetime | None = None
    form: str = "A"
    expected: tuple[str, ...] | None = None  # None: every agency of the registry in force
    exclude: tuple[str, ...] = ()
    workers: int = 0  # 0: automatic
    memory_limit_mb: int = 2048  # per validation worker (Linux); 0 disables
    letterhead: Letterhead = field(default_factory=Letterhead)  # [master]
    # [selection]: the priority areas' keyword rules (None: nscl/data/priority_areas.toml)
    priority_areas: Path | None = None
    source: Path | None = field(default=None, compare=False)  # the TOML file, if any
    google: GoogleConfig | None = None  # [google]: collect from Google Drive when it says so

    @property
    def outbox_dir(self) -> Path:
        """Where marked copies go: ``outbox`` or ``<folder of the master>/phan-hoi``."""
        return self.outbox if self.outbox is not None else self.master.parent / "phan-hoi"

    @property
    def tz(self) -> timezone:
        """Time zone used to show times: the deadline's offset, else UTC+7."""
        if self.deadline is not None and isinstance(self.deadline.tzinfo, timezone):
            return self.deadline.tzinfo
        return DEFAULT_TZ

    @property
    def reference_date(self) -> date:
        """The day used to decide which agencies are in force: the deadline's; else, for
        a report round (Form B) of a known year, the statutory deadline of the annual
        reports (30 November of that year: a round of 2024 expects the provinces before
        the 2025 mergers); else today."""
        if self.deadline is not None:
            return self.deadline.astimezone(self.tz).date()
        if self.form == "B" and self.year is not None:
            return date(self.year, 11, 30)
        return datetime.now(self.tz).date()

    def area_rules(self) -> AreaRules:
        """The priority areas of a proposal round (:mod:`sync.priority_areas`);
        :class:`ConfigError` when the file cannot be used."""
        from sync.priority_areas import AreasError, load_areas

        try:
            return load_areas(self.priority_areas)
        except AreasError as exc:
            raise ConfigError(str(exc)) from exc

    def check(self) -> None:
        """:class:`ConfigError` for settings out of range (from a file or from flags)."""
        if not 0 <= self.workers <= MAX_WORKERS:
            raise ConfigError(f"Số tiến trình «workers» phải từ 0 (tự chọn) đến {MAX_WORKERS}"
                              f" (đang ghi {self.workers}).")
        listed = [*(self.expected or ()), *self.exclude]
        if listed:  # before any work: a typo in a code must not cost a night's run
            from nscl.registry import get_agency

            unknown = []
            for code in dict.fromkeys(listed):
                try:
                    get_agency(code)
                except KeyError:
                    unknown.append(f"«{code}»")
            if unknown:
                raise ConfigError(f"Mã đơn vị {', '.join(unknown)} trong tệp cấu hình không có"
                                  " trong danh mục đơn vị (nscl/data/agencies.csv).")
        if self.form == "A":
            self.area_rules()  # before any work, as the agency codes
        if self.memory_limit_mb < 0:
            raise ConfigError(
                "Giới hạn bộ nhớ «memory_limit_mb» phải là 0 (không giới hạn) hoặc một số MB,"
                f" ví dụ 2048 (đang ghi {self.memory_limit_mb})."
            )

    def resolved(self) -> SyncConfig:
        """A copy with every path absolute."""
        return replace(
            self,
            inbox=self.inbox.expanduser().resolve(),
            master=self.master.expanduser().resolve(),
            state=self.state.expanduser().resolve(),
            outbox=self.outbox.expanduser().resolve() if self.outbox is not None else None,
            priority_areas=self.priority_areas.expanduser().resolve()
            if self.priority_areas is not None else None,
        )

    def with_overrides(self, **overrides: Any) -> SyncConfig:
        """A copy with the given non-None settings replaced (command-line flags)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)

    def settings_key(self) -> str:
        """A stable text of the settings that change the master's content."""
        deadline = self.deadline.isoformat() if self.deadline else ""
        expected = ",".join(self.expected) if self.expected is not None else "*"
        return "|".join(
            [
                str(self.year or ""),
                deadline,
                self.form,
                expected,
                ",".join(self.exclude),
                str(self.master),
                self.letterhead.key(),
                self._areas_key(),
            ]
        )

    def _areas_key(self) -> str:
        """What the priority areas add to the master's content (a proposal round): the
        hash of their file, which the Ministry may edit between two runs."""
        if self.form != "A":
            return ""
        try:
            return self.area_rules().digest
        except ConfigError:
            return "?"


def parse_deadline(value: str | datetime | date) -> datetime:
    """A timezone-aware deadline from ISO text ("2027-03-29T17:00+07:00") or a TOML value.

    A value without an offset is taken as Vietnam time (UTC+7); a bare date means the end
    of that day (23:59:59).
    """
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day, 23, 59, 59)
    else:
        text = str(value).strip()
        try:
            result = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ConfigError(
                f"Hạn nộp «{text}» không hợp lệ; ghi theo dạng 2027-03-29T17:00+07:00."
            ) from exc
        if len(text) == 10:  # a bare date
            result = result.replace(hour=23, minute=59, second=59)
    if result.tzinfo is None:
        result = result.replace(tzinfo=DEFAULT_TZ)
    return result


def _path(value: Any, base: Path, key: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"Mục «{key}» trong tệp cấu hình phải là một đường dẫn.")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _codes(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"Mục «{key}» trong tệp cấu hình phải là danh sách mã đơn vị.")
    return tuple(v.strip() for v in value if v.strip())


def load_config(path: Path) -> SyncConfig:
    """Read a TOML config file; raise :class:`ConfigError` with a Vietnamese message."""
    try:
        data = read_config_file(path)
    except ConfigFileError as exc:
        raise ConfigError(str(exc)) from exc
    base = path.resolve().parent
    sync = data.get("sync", {})
    agencies = data.get("agencies", {})
    master = data.get("master", {})
    selection = data.get("selection", {})
    if not isinstance(sync, dict) or not isinstance(agencies, dict) \
            or not isinstance(master, dict) or not isinstance(selection, dict):
        raise ConfigError("Tệp cấu hình phải có bảng [sync] (và có thể có các bảng "
                          "[agencies], [master], [selection]).")
    unknown = ((set(sync) - _KNOWN_SYNC_KEYS) | (set(agencies) - _KNOWN_AGENCY_KEYS)
               | (set(master) - _KNOWN_MASTER_KEYS)
               | (set(selection) - _KNOWN_SELECTION_KEYS))
    if unknown:
        raise ConfigError(f"Tệp cấu hình có mục không biết: {', '.join(sorted(unknown))}.")
    for key in ("inbox", "master", "state"):
        if key not in sync:
            raise ConfigError(f"Tệp cấu hình thiếu mục «{key}» trong bảng [sync].")
    year = sync.get("year")
    if year is not None and (not isinstance(year, int) or not 2021 <= year <= 2100):
        raise ConfigError("Mục «year» phải là năm, ví dụ 2027.")
    form = str(sync.get("form", "A")).upper()
    return SyncConfig(
        inbox=_path(sync["inbox"], base, "inbox"),
        master=_path(sync["master"], base, "master"),
        state=_path(sync["state"], base, "state"),
        outbox=_path(sync["outbox"], base, "outbox") if "outbox" in sync else None,
        year=year,
        deadline=parse_deadline(sync["deadline"]) if "deadline" in sync else None,
        form=form,
        expected=_codes(agencies["expected"], "expected") if "expected" in agencies else None,
        exclude=_codes(agencies.get("exclude", []), "exclude"),
        workers=_integer(sync, "workers", 0),
        memory_limit_mb=_integer(sync, "memory_limit_mb", 2048),
        letterhead=_letterhead(master),
        priority_areas=_path(selection["priority_areas"], base, "priority_areas")
        if "priority_areas" in selection else None,
        source=path.resolve(),
        google=_google(path) if "google" in data else None,
    )


def _google(path: Path) -> GoogleConfig:
    """The ``[google]`` table (read by :mod:`nscl.google.config`), its errors as
    :class:`ConfigError`."""
    from nscl.google.config import load_google_config
    from nscl.google.errors import GoogleConfigError

    try:
        return load_google_config(path)
    except GoogleConfigError as exc:
        raise ConfigError(str(exc)) from exc


def _letterhead(table: dict[str, Any]) -> Letterhead:
    texts: dict[str, str] = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(f"Mục «{key}» trong bảng [master] phải là một chuỗi trong dấu "
                              "nháy kép.")
        texts[key] = unicodedata.normalize("NFC", value.strip())
    return Letterhead(**texts)


def _integer(table: dict[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"Mục «{key}» phải là một số nguyên (ví dụ {key} = {default};"
                          " không đặt trong dấu nháy).")
    return value
