"""Dependencies point inward: only mailer_desktop/ui (and the GUI entry point) may import Qt."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mailer_desktop"
ALLOWED = {PACKAGE / "__main__.py"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_qt_outside_ui():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "ui") or path in ALLOWED:
            continue
        if any(m == "PySide6" or m.startswith("PySide6.") for m in _imported_modules(path)):
            offenders.append(str(path.relative_to(PACKAGE.parent)))
    assert offenders == [], f"PySide6 imported outside mailer_desktop/ui: {offenders}"


def test_domain_imports_nothing_of_ours_outside_domain():
    offenders = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                offenders.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("mailer_desktop"):
                if not node.module.startswith("mailer_desktop.domain"):
                    offenders.append(f"{path.name}: from {node.module}")
            for mod in ("sqlite3", "PySide6", "smtplib", "aiosmtplib", "imaplib"):
                if isinstance(node, ast.Import) and any(a.name.split(".")[0] == mod for a in node.names):
                    offenders.append(f"{path.name}: import {mod}")
    assert offenders == [], f"domain/ must stay pure: {offenders}"


def test_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport PySide6.QtWidgets\n")
    assert {"PySide6.QtCore", "PySide6.QtWidgets"} <= _imported_modules(bad)
