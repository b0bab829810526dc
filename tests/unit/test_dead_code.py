"""No dead code: vulture (at its default confidence) finds nothing unused in mailer_desktop/
beyond the names tests/vulture_allow.py lists with their reasons."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _vulture(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vulture", *map(str, paths)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def vulture_available():
    if shutil.which("vulture") is None and _vulture("--version").returncode != 0:
        pytest.skip("vulture is not installed (it is in the project's test extras)")


def test_vulture_finds_a_function_nobody_calls(tmp_path, vulture_available):
    (tmp_path / "mod.py").write_text("def used():\n    return 1\n\n\ndef forgotten():\n    return 2\n\n\nused()\n")
    out = _vulture(tmp_path / "mod.py").stdout
    assert "forgotten" in out and "'used'" not in out


def test_nothing_unused_in_the_package(vulture_available):
    result = _vulture(ROOT / "mailer_desktop", ROOT / "tests" / "vulture_allow.py")
    assert result.stdout.strip() == "", "unused code (remove it, or list it with its reason in " \
                                        "tests/vulture_allow.py):\n" + result.stdout
