"""The database file: creation, migrations, refusal of foreign or damaged files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import pytest

from mailer_desktop.storage import CorruptDatabaseError, Database, ForeignDatabaseError, NewerDatabaseError
from mailer_desktop.storage.db import APPLICATION_ID
from mailer_desktop.storage.schema import load_migrations


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_has_latest_schema(tmp_path):
    path = tmp_path / "m.sqlite3"
    db = Database.open(path)
    latest = load_migrations()[-1].version
    assert db.schema_version() == latest
    conn = db.conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for expected in ("contacts", "lists", "list_members", "consent_events", "suppressions", "templates",
                     "campaigns", "deliveries", "inbox_messages", "bounce_events", "accounts"):
        assert expected in tables
    sandbox = conn.execute("SELECT host, security, builtin FROM accounts WHERE name='sandbox'").fetchone()
    assert tuple(sandbox) == ("127.0.0.1", "none", 1)
    db.close()


@pytest.mark.skipif(os.name != "posix", reason="file modes exist on POSIX only")
def test_file_is_private(tmp_path):
    path = tmp_path / "m.sqlite3"
    db = Database.open(path)
    db.conn.execute("INSERT INTO settings(key, value) VALUES ('x', '1')")
    for suffix in ("", "-wal"):
        p = tmp_path / f"m.sqlite3{suffix}"
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    db.close()


def test_reopen_is_idempotent(tmp_path):
    path = tmp_path / "m.sqlite3"
    Database.open(path).close()
    db = Database.open(path)
    assert db.migrate() == []
    assert db.conn.execute("SELECT COUNT(*) FROM accounts WHERE name='sandbox'").fetchone()[0] == 1
    db.close()


def test_upgrade_from_first_version_keeps_data(tmp_path):
    path = tmp_path / "m.sqlite3"
    old = Database(path)
    old._check_and_create()
    assert old.migrate(upto=1) == [1]
    old.conn.execute(
        "INSERT INTO contacts(email, email_key, created_at, updated_at, status_changed_at) "
        "VALUES ('a@example.com', 'a@example.com', 'x', 'x', 'x')"
    )
    old.close()
    db = Database.open(path)
    assert db.schema_version() == load_migrations()[-1].version
    assert db.conn.execute("SELECT email FROM contacts").fetchone()[0] == "a@example.com"
    db.close()


def test_text_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "m.sqlite3"
    path.write_text("my shopping list\n")
    before = _digest(path)
    with pytest.raises(ForeignDatabaseError, match="not an SQLite file"):
        Database.open(path)
    assert _digest(path) == before


def test_other_programs_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "m.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes(name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(ForeignDatabaseError, match="another program"):
        Database.open(path)
    assert _digest(path) == before


def test_corrupt_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "m.sqlite3"
    db = Database.open(path)
    with db.transaction() as conn:
        for i in range(2000):
            conn.execute(
                "INSERT INTO contacts(email, email_key, name, created_at, updated_at, status_changed_at) "
                "VALUES (?, ?, ?, 'x', 'x', 'x')",
                (f"p{i}@example.com", f"p{i}@example.com", "n" * 50),
            )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 12)):  # overwrite index and table pages
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises((CorruptDatabaseError, ForeignDatabaseError)):
        Database.open(path)
    assert _digest(path) == before


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "m.sqlite3"
    db = Database.open(path)
    db.conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'future', 'x')")
    db.close()
    before = _digest(path)
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Database.open(path)
    assert _digest(path) == before


def test_transaction_rolls_back_on_error(tmp_path):
    db = Database.open(tmp_path / "m.sqlite3")
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES ('k', '1')")
            raise RuntimeError("boom")
    assert db.conn.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0
    db.close()


def test_consent_events_are_append_only(tmp_path):
    db = Database.open(tmp_path / "m.sqlite3")
    conn = db.conn
    conn.execute(
        "INSERT INTO contacts(id, email, email_key, created_at, updated_at, status_changed_at) "
        "VALUES (1, 'a@x.org', 'a@x.org', 'x', 'x', 'x')"
    )
    conn.execute("INSERT INTO consent_events(contact_id, kind, at) VALUES (1, 'created', 'x')")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE consent_events SET kind = 'confirmed'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM consent_events")
    # Erasure of the contact takes its events along.
    conn.execute("DELETE FROM contacts WHERE id = 1")
    assert conn.execute("SELECT COUNT(*) FROM consent_events").fetchone()[0] == 0
    db.close()


def test_an_older_schema_is_seen_as_pending_upgrade_and_search_survives_it(tmp_path):
    path = tmp_path / "m.sqlite3"
    assert not Database.upgrade_pending(path)  # no file yet: a new database, nothing to upgrade
    db = Database(path)
    db._check_and_create()
    db.migrate(upto=3)  # the search index as it was before 0004
    db.conn.execute("INSERT INTO contacts (email, email_key, name, status, created_at, updated_at, status_changed_at)"
                    " VALUES"
                    " ('anna.smith@example.com', 'anna.smith@example.com', 'Anna Smith', 'pending', 'x', 'x', 'x')")
    db.close()
    assert Database.upgrade_pending(path)
    db = Database.open(path)
    assert db.schema_version() == load_migrations()[-1].version
    found = db.conn.execute("SELECT rowid FROM contacts_search WHERE contacts_search MATCH 'smi*'").fetchall()
    assert [r[0] for r in found] == [1]  # the rebuilt index holds the existing contact
    db.close()
    assert not Database.upgrade_pending(path)
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all" * 10)
    assert not Database.upgrade_pending(tmp_path / "junk.sqlite3")  # opening it reports the problem


def test_the_start_up_card_says_why_opening_takes_a_while(tmp_path):
    from mailer_desktop.config import resolve_paths
    from mailer_desktop.services import app as app_module

    home = tmp_path / "home"
    assert app_module.opening_note(home) is None  # nothing there yet: opening is quick
    db = Database(resolve_paths(home).ensure().database)
    db._check_and_create()
    db.migrate(upto=3)
    db.close()
    assert app_module.opening_note(home) == "updating your data for this version…"
    Database.open(resolve_paths(home).database).close()
    assert app_module.opening_note(home) is None  # up to date: any check runs behind the open window
