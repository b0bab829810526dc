"""A big import into a small table writes with a rollback journal when nothing else has the
file open (storage/importing.py ``bulk_journal``): same result, WAL mode afterwards; with
another connection open it writes through the WAL as always. Another program opening the file
meanwhile is told it is busy, never that it is damaged."""

from __future__ import annotations

import sqlite3

import pytest

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.importing import ImportOptions, import_text
from mailer_desktop.storage import BusyDatabaseError, db
from mailer_desktop.storage import importing as sql
from mailer_desktop.storage.db import Database, connect_read_only


def _csv(n: int, start: int = 0) -> str:
    return "Email,Name\n" + "".join(f"p{i}@example.org,Person {i}\n" for i in range(start, start + n))



@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(sql, "BULK_JOURNAL_MIN_ROWS", 20)
    seen: list[bool] = []
    real = sql.bulk_journal

    def spy(conn, rows):
        cm = real(conn, rows)

        class Wrapped:
            def __enter__(self):
                switched = cm.__enter__()
                seen.append(switched)
                if switched:
                    assert conn.execute("PRAGMA main.journal_mode").fetchone()[0] == "delete"
                return switched

            def __exit__(self, *exc):
                return cm.__exit__(*exc)

        return Wrapped()

    monkeypatch.setattr(sql, "bulk_journal", spy)
    return seen


def test_big_import_into_small_table_uses_rollback_journal_then_wal_again(app, small_threshold):
    report = import_text(app, _csv(60), ImportOptions(list_name="L"))
    assert report.added == 60
    assert small_threshold == [True]
    assert app.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert contacts.count(app) == 60
    assert app.db.integrity_check() is None
    hits = app.db.conn.execute("SELECT count(*) FROM contacts_search WHERE contacts_search MATCH 'person'")
    assert hits.fetchone()[0] == 60


def test_import_small_relative_to_the_table_keeps_the_wal(app, small_threshold):
    import_text(app, _csv(60), ImportOptions())
    report = import_text(app, _csv(30, start=1000), ImportOptions())
    assert report.added == 30
    assert small_threshold == [True, False]
    assert app.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_with_another_connection_open_the_import_writes_through_the_wal(app, small_threshold):
    other = connect_read_only(app.db.path)
    try:
        assert other.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
        report = import_text(app, _csv(60), ImportOptions())
        assert report.added == 60
        assert small_threshold == [False]
        assert other.execute("SELECT count(*) FROM contacts").fetchone()[0] == 60
    finally:
        other.close()
    assert app.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_failed_import_in_rollback_journal_leaves_database_as_before(app, small_threshold, monkeypatch):
    import_text(app, _csv(5), ImportOptions())
    before = list(app.db.conn.iterdump())

    def boom(*_a, **_k):
        raise RuntimeError("stop")

    monkeypatch.setattr(sql, "insert_creation_events", boom)
    with pytest.raises(RuntimeError):
        import_text(app, _csv(60, start=100), ImportOptions())
    assert small_threshold == [False, True]
    assert list(app.db.conn.iterdump()) == before
    assert app.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_while_another_program_holds_the_lock_says_busy_not_damaged(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "OPEN_BUSY_TIMEOUT", 0.1)
    monkeypatch.setattr(db, "CHECK_BUSY_TIMEOUT", 0.1)
    path = tmp_path / "data.sqlite3"
    Database.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode = DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO settings VALUES ('x', '1')")
        with pytest.raises(BusyDatabaseError):
            Database.open(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    Database.open(path).close()


def test_big_import_checks_no_foreign_key_per_row_and_leaves_them_checked(app, small_threshold, monkeypatch):
    """While a big import's transaction runs, foreign keys are not checked row by row (the rows
    link to contacts and a list that exist by construction); afterwards, and after a failed
    import, they are checked again, and every link of the imported rows holds."""
    conn = app.db.conn
    during: list[int] = []
    real = sql.insert_creation_events

    def spy(c, *a, **k):
        during.append(c.execute("PRAGMA foreign_keys").fetchone()[0])
        return real(c, *a, **k)

    monkeypatch.setattr(sql, "insert_creation_events", spy)
    import_text(app, _csv(5), ImportOptions(list_name="L"))       # small: checked as always
    report = import_text(app, _csv(60, start=100) + "p1@example.org,Again\n", ImportOptions(list_name="L"))
    assert report.added == 60 and report.unchanged + report.updated == 1
    assert during == [1, 0]
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM list_members").fetchone()[0] == 65

    def boom(*_a, **_k):
        raise RuntimeError("stop")

    monkeypatch.setattr(sql, "add_new_to_list", boom)
    with pytest.raises(RuntimeError):
        import_text(app, _csv(60, start=300), ImportOptions(list_name="L"))
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 65
