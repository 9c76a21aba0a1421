"""Problems are data: a stable kebab-case code, a severity, a position and a message.

A :class:`Rule` is declared once (code, severity, Vietnamese message template and fix)
and registered in the catalogue; checks call :meth:`Rule.problem` to yield
:class:`Problem` values into a report. Tests assert on codes, never on wording. The
catalogue in ``docs/rules.md`` is generated from the registered rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nscl.text import nfc

__all__ = [
    "SEVERITY_LABELS",
    "Problem",
    "Rule",
    "Severity",
    "all_rules",
    "get_rule",
    "listed",
    "position_label",
    "register",
]

# "info": something the reader should know that is neither wrong nor doubtful (a check
# that could not be made for want of data); not counted as an error or a warning.
Severity = Literal["error", "warning", "info"]

SEVERITY_LABELS: dict[str, str] = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}


def position_label(file: str | None, sheet: str | None, cell: str | None) -> str:
    """Vietnamese position prefix: ``Tệp "x.xlsx", sheet "Bảng tổng hợp", ô H12``."""
    parts: list[str] = []
    if file:
        parts.append(f'Tệp "{file}"')
    if sheet:
        parts.append(f'sheet "{sheet}"')
    if cell:
        parts.append(f"ô {cell}")
    return ", ".join(parts)


def listed(items: Sequence[object], limit: int = 6) -> str:
    """Items for a message, the first ``limit`` of them: "I8, J9, K12 …"."""
    shown = ", ".join(map(str, items[:limit]))
    return f"{shown} …" if len(items) > limit else shown


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, at a position, with a Vietnamese message."""

    code: str
    severity: Severity
    message: str
    fix: str = ""
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def statement(self) -> str:
        """The message without its closing " Cách sửa: …", for tables and notes that show
        the fix on its own (the message of every catalogue rule ends with its fix)."""
        suffix = f" Cách sửa: {self.fix}"
        if self.fix and self.message.endswith(suffix):
            return self.message[: -len(suffix)]
        return self.message

    @property
    def title(self) -> str:
        """The rule's Vietnamese title ("Thiếu dữ liệu bắt buộc"), for tables and
        printouts that lead with it (the code stays for IT); the code itself when the
        rule is not in the catalogue."""
        try:
            return get_rule(self.code).title
        except KeyError:
            return self.code

    @property
    def fix_sentence(self) -> str:
        """The fix as a sentence of its own (capitalised), for a "Cách sửa" column: in
        the message it follows "Cách sửa: " in lower case."""
        return self.fix[:1].upper() + self.fix[1:]

    @property
    def full_message(self) -> str:
        """The message prefixed with its position (file, sheet, cell)."""
        where = position_label(self.file, self.sheet, self.cell)
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: code, severity, file, sheet, cell, message, fix."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.full_message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Rule:
    """A check's identity: stable code, severity, message template and fix (Vietnamese).

    ``message`` and ``fix`` are ``str.format`` templates over the keyword arguments
    given to :meth:`problem`.
    """

    code: str
    severity: Severity
    title: str
    message: str
    fix: str = ""
    scope: str = "Chung"
    description: str = ""

    def problem(
        self,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row: int | None = None,
        column: str | None = None,
        severity: Severity | None = None,
        **params: Any,
    ) -> Problem:
        """Make a :class:`Problem` of this rule at a position, filling the templates."""
        return Problem(
            code=self.code,
            severity=severity or self.severity,
            message=nfc(self.message.format(**params)),
            fix=nfc(self.fix.format(**params)) if self.fix else "",
            file=file,
            sheet=sheet,
            cell=cell,
            row=row,
            column=column,
            params=dict(params),
        )


_CATALOGUE: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Add rules to the catalogue; a code may be registered only once."""
    for rule in rules:
        existing = _CATALOGUE.get(rule.code)
        if existing is not None and existing != rule:
            raise ValueError(f"rule code {rule.code!r} registered twice")
        _CATALOGUE[rule.code] = rule


def get_rule(code: str) -> Rule:
    """The registered rule with this code (the catalogue registers itself on first use)."""
    if code not in _CATALOGUE:
        import nscl.rules  # noqa: F401
    return _CATALOGUE[code]


def all_rules() -> Iterable[Rule]:
    """Every registered rule, sorted by scope then code."""
    return sorted(_CATALOGUE.values(), key=lambda r: (r.scope, r.code))
