"""Subprocess plumbing shared by the end-to-end send tests: a keyring both processes see."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SUPPORT = Path(__file__).resolve().parents[1] / "support"
ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "import sys; from mailer_desktop.cli import main; sys.exit(main())"]


def real_keyring() -> bool:
    return os.environ.get("MAILER_DESKTOP_REAL_KEYRING") == "1"


def shared_keyring(tmp_path: Path):
    """(backend for this process, environment for subprocesses)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(SUPPORT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if real_keyring():
        return None, env
    from filekeyring import ENV, FileKeyring

    path = tmp_path / "keyring.json"
    env[ENV] = str(path)
    env["PYTHON_KEYRING_BACKEND"] = "filekeyring.FileKeyring"
    return FileKeyring(path), env
