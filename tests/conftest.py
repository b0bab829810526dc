"""Shared fixtures: a fresh data folder, database and in-memory keyring per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent / "support"))

from memkeyring import MemoryKeyring  # noqa: E402

from mailer_desktop.services.app import open_app  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def keyring_backend():
    return MemoryKeyring()


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(home, keyring_backend):
    application = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    yield application
    application.close()


@pytest.fixture
def cli(home, keyring_backend, capsys):
    """Run ``mailer-desktop-cli`` in-process against the test's data folder.

    Returns (exit_code, stdout, stderr)."""
    from mailer_desktop.cli import main

    def run(*argv: str):
        code = main(["--home", str(home), *argv], keyring_backend=keyring_backend)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def corpus_dir() -> Path:
    path = CORPUS / "bounces"
    if not path.is_dir():
        pytest.skip(f"the bounce corpus is not available at {path} (it lives in ../shared beside the project)")
    return path
