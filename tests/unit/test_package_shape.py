"""The package stays easy to read: short modules, small folders."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mailer_desktop"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 500
MAX_MODULES_PER_FOLDER = 20


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by responsibility (at most {MAX_LINES} lines): {long}"


def test_no_folder_holds_more_than_20_modules():
    per_folder = Counter(str(p.parent.relative_to(PACKAGE.parent)) for p in MODULES)
    crowded = {folder: n for folder, n in per_folder.items() if n > MAX_MODULES_PER_FOLDER}
    assert crowded == {}, f"group these folders' modules by capability: {crowded}"
