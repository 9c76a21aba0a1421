"""The official forms of Program 1322: their declarative descriptions and built templates.

``forms/*.toml`` is the single source of truth for each form (columns, headers, rules,
indicators); ``excel/*.xlsx`` holds the Excel templates built from it by
``nscl template build`` (a test fails when they are stale).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["EXCEL_DIR", "FORMS_DIR", "ROOT"]

ROOT = Path(__file__).resolve().parent
FORMS_DIR = ROOT / "forms"
EXCEL_DIR = ROOT / "excel"
