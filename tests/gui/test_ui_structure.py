"""The shape of ui/: one background helper, one base for table models (module sizes: tests/unit/test_package_shape.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import mailer_desktop.ui as ui

UI = Path(ui.__file__).parent
MODULES = sorted(UI.rglob("*.py"))


def test_only_ui_tasks_starts_threads():
    """Every background job or read goes through ui/tasks.py (Database.working(), no GUI calls)."""
    starters = ("threading.Thread", "QThread", "ThreadPoolExecutor", "QThreadPool", "QRunnable",
                "concurrent.futures", "run_in_executor")
    found = [f"{p.relative_to(UI)}: {word}" for p in MODULES if p.name != "tasks.py"
             for word in starters if word in p.read_text(encoding="utf-8")]
    assert found == []


def test_table_models_derive_from_the_one_base():
    plain = []
    for path in MODULES:
        if path.name == "table_model.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if bases & {"QAbstractTableModel", "QAbstractItemModel"}:
                    plain.append(f"{path.relative_to(UI)}:{node.name}")
    assert plain == []
