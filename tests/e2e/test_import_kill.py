"""Kill-mid-import: a `contacts import` subprocess is SIGKILLed while it reads the file and
again while its transaction is writing (once with a rollback journal, the file to itself, and
once through the write-ahead log, another connection open); each time the database must equal
its state before, and every process the import started (its reading processes) ends with it.
The scratch files the killed imports leave beside the database are removed by the next one."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from send_env import CLI, shared_keyring

from mailer_desktop.config import DB_FILENAME
from mailer_desktop.domain import consent
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts.suppression import suppress
from mailer_desktop.storage.db import connect_read_only
from mailer_desktop.storage.importing import STAGE_PREFIX

ROWS = 120_000


def _wait_until(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def _family(pid: int) -> set[int]:
    """The processes descended from ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p} - family
        family |= kids
        todo.extend(kids)
    return family


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the import, wait for it and for everything it started to end, then for its output."""
    family = _family(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _wait_until(lambda: not any(_alive(p) for p in family), 30, "the import's own processes to end")
    proc.communicate(timeout=30)  # nothing holds its pipes any more


def _snapshot(home: Path, backend) -> list[str]:
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        assert app.db.integrity_check() is None
        return list(app.db.conn.iterdump())
    finally:
        app.close()


def _journal_mode(home: Path) -> str:
    conn = connect_read_only(home / DB_FILENAME)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def _write_list(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Email", "First Name", "Last Name", "City"])
        for i in range(ROWS):
            w.writerow([f"person.{i}@example.org", f"Zoë{i}", "Müller", "Köln" if i % 3 else ""])
        w.writerow(["keep@example.com", "Changed", "Name", "Bonn"])
        w.writerow(["gone@example.com", "Gone", "Again", ""])


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_as_before(tmp_path):
    backend, env = shared_keyring(tmp_path)
    home = tmp_path / "data"
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    contacts.add_contact(app, "keep@example.com", "Kept Name", lists=["Customers"])
    gone = contacts.add_contact(app, "gone@example.com", "Gone")
    contacts.change_status(app, gone.id, consent.EV_UNSUBSCRIBED, "gui")
    suppress(app, "person.7@example.org", reason="manual")
    app.close()
    before = _snapshot(home, backend)

    source = tmp_path / "big.csv"
    _write_list(source)
    wal = home / (DB_FILENAME + "-wal")
    argv = [*CLI, "--home", str(home), "contacts", "import", str(source), "--list", "Fair 2024",
            "--policy", "overwrite", "--json"]

    # 1) while the file is being read and staged (nothing written to the database file yet)
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_until(lambda: proc.poll() is not None or time.monotonic() > started + 1.5, 30, "the import to start")
    assert proc.poll() is None, "the import finished before it could be killed"
    _kill(proc)
    assert _snapshot(home, backend) == before

    # 2) inside the write transaction. Nothing else has the file open, and the import is big
    # relative to the table: it writes with a rollback journal (new pages past the file's old
    # end, the old pages' contents in the journal), which the next opening rolls back.
    journal = home / (DB_FILENAME + "-journal")
    db_file = home / DB_FILENAME
    size_before = db_file.stat().st_size
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_until(lambda: proc.poll() is not None or (journal.exists() and db_file.stat().st_size > size_before
                                                     + 2_000_000), 300, "the import transaction to write")
    assert proc.poll() is None, "the import committed before it could be killed"
    _kill(proc)
    assert journal.exists()  # hot: the kill left it behind
    assert _snapshot(home, backend) == before
    assert not journal.exists()
    assert _journal_mode(home) == "wal"

    # 2b) the same while another connection has the file open: the import writes through the
    # write-ahead log (the WAL grows with uncommitted pages)
    reader = connect_read_only(db_file)
    try:
        reader.execute("SELECT count(*) FROM contacts").fetchone()
        wal_start = wal.stat().st_size if wal.exists() else 0
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_until(lambda: proc.poll() is not None or (wal.exists() and wal.stat().st_size > wal_start + 2_000_000),
                    300, "the import transaction to write")
        assert proc.poll() is None, "the import committed before it could be killed"
        assert not journal.exists()
        _kill(proc)
        assert reader.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2
    finally:
        reader.close()
    assert _snapshot(home, backend) == before

    # the killed imports left their scratch files of staged rows beside the database
    scratch = sorted(home.glob(f"{STAGE_PREFIX}*"))
    assert scratch

    # 3) the same import, left alone, does the whole job once (and removes those files)
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert sorted(home.glob(f"{STAGE_PREFIX}*")) == []
    report = json.loads(done.stdout)
    assert report["added"] == ROWS - 1 and report["updated"] == 1 and report["suppressed"] == 2
    assert _journal_mode(home) == "wal"
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        assert contacts.find_by_email(app, "gone@example.com").status == "unsubscribed"
        assert contacts.find_by_email(app, "keep@example.com").name == "Changed Name"
        assert contacts.find_by_email(app, "person.7@example.org") is None
        assert contacts.count(app) == ROWS - 1 + 2
    finally:
        app.close()

