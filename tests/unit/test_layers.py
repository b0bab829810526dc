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


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an import names (relative imports resolved against the file's package)."""
    if node.level == 0:
        return node.module or ""
    package = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def test_domain_imports_nothing_of_ours_outside_domain():
    offenders = []
    for path in (PACKAGE / "domain").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _absolute(path, node)
                # resources: the shipped data files, a leaf that imports nothing of ours
                if target.startswith("mailer_desktop") and not target.startswith(
                        ("mailer_desktop.domain", "mailer_desktop.resources")):
                    offenders.append(f"{path.name}: from {target}")
            for mod in ("sqlite3", "PySide6", "smtplib", "aiosmtplib", "imaplib"):
                if isinstance(node, ast.Import) and any(a.name.split(".")[0] == mod for a in node.names):
                    offenders.append(f"{path.name}: import {mod}")
    assert offenders == [], f"domain/ must stay pure: {offenders}"


def test_relative_imports_resolve_to_their_package():
    node = ast.parse("from ..tokens import make").body[0]
    assert _absolute(PACKAGE / "domain" / "inbox" / "replies.py", node) == "mailer_desktop.domain.tokens"
    node = ast.parse("from ..storage import db").body[0]
    assert _absolute(PACKAGE / "domain" / "x.py", node) == "mailer_desktop.storage"


def test_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport PySide6.QtWidgets\n")
    assert {"PySide6.QtCore", "PySide6.QtWidgets"} <= _imported_modules(bad)
