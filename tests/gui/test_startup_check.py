"""The database's start-up check: skipped after a clean close, otherwise run behind the open
window — and a damaged file is never written to, however it is opened."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from memkeyring import MemoryKeyring

from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.storage.db import Database
from mailer_desktop.storage.write_gate import WriteBusyError

ROOT = Path(__file__).resolve().parents[2]


KEYRING = MemoryKeyring()  # one keyring for every opening of a test's folder, as on a real computer


def _folder_with_history(home: Path) -> None:
    """A data folder whose consent trail fills many pages (a table the window does not read at start)."""
    app = open_app(home, keyring_backend=KEYRING, log_to_file=False)
    person = contacts.add_contact(app, "anna@example.com", "Anna", channel="cli")
    with app.db.transaction() as conn:
        conn.executemany("INSERT INTO consent_events (contact_id, kind, at, channel, evidence) VALUES (?, 'note',"
                         " '2026-11-01T10:00:00Z', 'cli', ?)", ((person.id, "x" * 300) for _ in range(3000)))
    app.close()


def _damage(database: Path) -> None:
    """Overwrite the header of the consent trail's root page: quick_check fails, opening does not."""
    db = sqlite3_connect(database)
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'consent_events'").fetchone()[0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with database.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x7f" * 12)


def sqlite3_connect(path: Path):
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _digest(database: Path) -> str:
    return hashlib.sha256(database.read_bytes()).hexdigest()


def test_a_clean_close_spares_the_next_start_its_check(tmp_path, monkeypatch):
    home = tmp_path / "home"
    _folder_with_history(home)
    database = home / "mailer-desktop.sqlite3"
    assert Path(str(database) + "-clean").exists()

    calls = []
    real = Database.quick_check
    monkeypatch.setattr(Database, "quick_check", lambda self, stop=None: calls.append(1) or real(self, stop))
    app = open_app(home, keyring_backend=KEYRING, log_to_file=False)
    assert app.db.checked and calls == []
    assert not Path(str(database) + "-clean").exists()  # this session may write: the record is gone
    contacts.add_contact(app, "ben@example.com", channel="cli")
    app.db.conn.close()  # a crash: no clean close is recorded
    app.db._all.clear()
    again = open_app(home, keyring_backend=KEYRING, log_to_file=False)
    assert again.db.checked and calls == [1]  # checked again before anything could write
    again.close()
    os.utime(database, ns=(1, 1))  # another program touched the file
    third = open_app(home, keyring_backend=KEYRING, log_to_file=False)
    assert calls == [1, 1]
    third.close()


def test_a_damaged_file_is_found_behind_the_open_window_and_never_written(qtbot, tmp_path):
    from mailer_desktop.ui.main_window import MainWindow

    home = tmp_path / "home"
    _folder_with_history(home)
    database = home / "mailer-desktop.sqlite3"
    Path(str(database) + "-clean").unlink()  # not closed cleanly (a crash, a copied folder)
    _damage(database)
    before = _digest(database)

    app = open_app(home, keyring_backend=KEYRING, log_to_file=False, defer_check=True)
    assert not app.db.checked  # opened at once, unchecked
    window = MainWindow(app)
    qtbot.addWidget(window)
    failures: list[str] = []
    window.startup_check.failed.connect(failures.append)
    window.show()
    assert window.startup_check.job is not None
    with pytest.raises(WriteBusyError, match="checking your data"):  # the window's writes are refused
        app.settings.set("inbox.reminder_hours", 12)
    qtbot.waitUntil(lambda: bool(failures), timeout=20000)
    assert "damaged" in failures[0]
    with pytest.raises(WriteBusyError):  # and stay refused: the gate never opens again
        app.settings.set("inbox.reminder_hours", 12)
    window.close()
    app.close()
    assert _digest(database) == before
    assert not Path(str(database) + "-clean").exists()


def test_a_sound_file_opens_the_gate_after_its_check(qtbot, tmp_path):
    from mailer_desktop.ui.main_window import MainWindow

    home = tmp_path / "home"
    _folder_with_history(home)
    Path(str(home / "mailer-desktop.sqlite3") + "-clean").unlink()
    app = open_app(home, keyring_backend=KEYRING, log_to_file=False, defer_check=True)
    window = MainWindow(app)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.startup_check.passed, timeout=20000):
        window.show()
    app.settings.set("inbox.reminder_hours", 12)
    assert app.settings.get("inbox.reminder_hours") == 12
    window.close()
    app.close()
    assert Path(str(home / "mailer-desktop.sqlite3") + "-clean").exists()


def test_the_program_started_on_a_damaged_file_says_so_and_leaves_it_untouched(tmp_path):
    home = tmp_path / "home"
    _folder_with_history(home)
    database = home / "mailer-desktop.sqlite3"
    Path(str(database) + "-clean").unlink()
    _damage(database)
    before = _digest(database)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "mailer_desktop", "--home", str(home), "--smoke-test"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "is damaged" in proc.stderr and "started:" not in proc.stdout
    assert _digest(database) == before
