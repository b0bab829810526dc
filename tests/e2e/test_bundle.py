"""The PyInstaller one-folder bundle builds and starts headless (packaging/check_bundle.sh)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)  # building the bundle takes minutes; on a busy machine more than the default limit
def test_pyinstaller_bundle_starts(tmp_path):
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (it is in the test extra)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(["bash", str(ROOT / "packaging" / "check_bundle.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert "started: Mailer Desktop" in proc.stdout
    assert "bundle OK" in proc.stdout
