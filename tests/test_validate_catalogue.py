"""The rule catalogue: stable codes, and docs/rules.md generated from the rules."""

from __future__ import annotations

import re
from pathlib import Path

from nscl.catalogue import catalogue_rules, render_markdown
from nscl.problems import get_rule

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/rules.md is stale: run .venv/bin/python -m nscl.catalogue docs/rules.md"
    )


def test_codes_are_kebab_case_and_registered() -> None:
    rules = catalogue_rules()
    assert len(rules) >= 30
    for rule in rules:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", rule.code), rule.code
        assert rule.severity in ("error", "warning", "info")
        assert get_rule(rule.code) is rule
        assert rule.fix and rule.message.endswith(rule.fix)


def test_every_code_used_by_the_engine_is_in_the_catalogue() -> None:
    root = Path(__file__).resolve().parent.parent / "nscl"
    used: set[str] = set()
    files = [root / name for name in ("checks_report.py", "validation.py", "reading.py")]
    files += sorted((root / "table_checks").glob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(
            r'(?:add|add_header_problem|add_before_rows|get_rule|ReadFailure)\(\s*"([a-z0-9-]+)"',
            text))
    codes = {rule.code for rule in catalogue_rules()}
    assert used, "no codes found: the pattern is out of date"
    assert used <= codes, used - codes


def test_statement_is_the_message_without_its_fix() -> None:
    from nscl.problems import Problem, get_rule

    problem = get_rule("duration-out-of-range").problem(months=84, min=1, max=72)
    assert problem.message.endswith(f" Cách sửa: {problem.fix}")
    assert problem.statement == "Thời gian thực hiện 84 tháng nằm ngoài khoảng 1-72 tháng."
    plain = Problem(code="x", severity="error", message="Sai.", fix="Sửa.")
    assert plain.statement == "Sai."  # a message that does not end with its fix is kept
