"""A big first import builds its search index on the other core (storage/importing.py
``SearchIndexBuild``): the same index as one built row by row, in the same transaction; any
other case, or a build that fails, and the import builds the index itself. The staged rows'
scratch file beside the database is removed afterwards, and one left by a killed import is
removed by the next import."""

from __future__ import annotations

import os
import threading

import pytest
from memkeyring import MemoryKeyring

from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.importing import ImportOptions, import_text
from mailer_desktop.services.progress import Cancelled, Progress
from mailer_desktop.storage import importing as sql
from mailer_desktop.storage.contacts import ContactQuery

ROWS = 2500  # above the bulk thresholds the tests lower or the import has (BULK_SEARCH_THRESHOLD)
QUERIES = ["Zoë5", "zoe1*", "muller", "pe*", "p1*", "\"p12\"", "Person AND 3", "example", "org"]


def _csv(n: int, prefix: str = "p") -> str:
    return "Email,First Name,Last Name,City\n" + "".join(
        f"{prefix}{i}@example.org,{'Zoë' if i % 3 else 'Person'}{i % 17},Müller {i % 5},Köln\n" for i in range(n))


@pytest.fixture
def bulk(monkeypatch):
    """The bulk paths for a small file; records what each import's search build did."""
    monkeypatch.setattr(sql, "BULK_INDEX_THRESHOLD", 100)
    taken: list[bool] = []
    real = sql.SearchIndexBuild.take

    def take(self, conn, first_id, inserted):
        result = real(self, conn, first_id, inserted)
        taken.append(result)
        return result

    monkeypatch.setattr(sql.SearchIndexBuild, "take", take)
    return taken


def _search_state(app) -> dict:
    conn = app.db.conn
    assert conn.execute("INSERT INTO contacts_search(contacts_search) VALUES ('integrity-check')").fetchall() == []
    return {q: sorted(r[0] for r in conn.execute("SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?",
                                                  (q,))) for q in QUERIES}


def _stage_files(app) -> list[str]:
    return sorted(p.name for p in app.paths.home.iterdir() if p.name.startswith(sql.STAGE_PREFIX))


def test_a_big_first_import_builds_the_same_index_beside_as_in_its_transaction(app, tmp_path, bulk, monkeypatch):
    report = import_text(app, _csv(ROWS), ImportOptions(list_name="Fair"))
    assert report.added == ROWS and bulk == [True]
    beside = _search_state(app)
    assert len(beside["p1*"]) == 1111 and len(beside["Zoë5"]) == len(beside["zoe1*"]) // 8 > 0
    assert beside["example"] == list(range(1, ROWS + 1))
    assert _stage_files(app) == []

    other = open_app(tmp_path / "other", keyring_backend=MemoryKeyring(), log_to_file=False)
    try:
        monkeypatch.setattr(sql.SearchIndexBuild, "start_for", classmethod(lambda cls, conn, new: None))
        import_text(other, _csv(ROWS), ImportOptions(list_name="Fair"))
        assert _search_state(other) == beside
    finally:
        other.close()

    contacts.add_contact(app, "later@example.com", "Laterthan Import")  # the trigger is back
    assert contacts.count(app, ContactQuery(search="Laterthan")) == 1
    assert contacts.count(app, ContactQuery(search="p1499")) == 1


def test_into_a_table_that_holds_contacts_the_index_is_built_in_the_transaction(app, bulk):
    contacts.add_contact(app, "first@example.com", "First One")
    import_text(app, _csv(ROWS), ImportOptions())
    assert bulk == []  # no build beside: the new ids do not start at 1
    state = _search_state(app)
    assert len(state["example"]) == ROWS + 1 and contacts.count(app, ContactQuery(search="First")) == 1


def test_a_build_that_fails_leaves_the_index_to_the_import(app, bulk, monkeypatch):
    def broken(self):
        self._error = RuntimeError("no room in the scratch file")

    monkeypatch.setattr(sql.SearchIndexBuild, "_build", broken)
    report = import_text(app, _csv(ROWS), ImportOptions())
    assert report.added == ROWS and bulk == [False]
    assert len(_search_state(app)["example"]) == ROWS


def test_rows_taken_off_in_the_transaction_leave_the_index_to_the_import(app, bulk, monkeypatch):
    """A suppression added while the file was read takes rows off the staged ones inside the
    transaction; the build beside read them as they were, so its index is not used."""
    from mailer_desktop.services.contacts.suppression import suppress

    real = sql.suppression_state
    calls = []

    def state(conn):
        calls.append(1)
        if len(calls) == 2:  # between reading and saving
            suppress(app, "p7@example.org", reason="manual")
        return real(conn)

    monkeypatch.setattr(sql, "suppression_state", state)
    report = import_text(app, _csv(ROWS), ImportOptions())
    assert report.added == ROWS - 1 and bulk == [False]
    assert len(_search_state(app)["example"]) == ROWS - 1
    assert contacts.find_by_email(app, "p7@example.org") is None
    assert app.db.conn.execute("SELECT count(*) FROM contacts_search WHERE contacts_search MATCH '\"p7\"'"
                               ).fetchone()[0] == 0


def test_a_cancel_while_the_index_is_built_beside_stops_it(app, bulk):
    app.suppression_key()  # created (and its fingerprint noted) on first use, outside any import
    before = list(app.db.conn.iterdump())

    class StopWhileAdding(Progress):
        def update(self, done, total=None, text=""):
            if text == "Sorting the contacts for the contact list (1 of 3)":
                self.cancel()

    with pytest.raises(Cancelled):
        import_text(app, _csv(ROWS), ImportOptions(), StopWhileAdding())
    assert list(app.db.conn.iterdump()) == before
    assert not [t for t in threading.enumerate() if t.name == "import-search-index"]
    assert _stage_files(app) == []


def test_a_scratch_file_left_by_a_killed_import_is_removed_by_the_next(app):
    dead = app.paths.home / f"{sql.STAGE_PREFIX}{_dead_pid()}-0a1b2c3d.sqlite3"
    dead.write_bytes(b"")
    alive = app.paths.home / f"{sql.STAGE_PREFIX}{os.getppid()}-0a1b2c3d.sqlite3"  # another import, still running
    alive.write_bytes(b"")
    import_text(app, _csv(10), ImportOptions())
    assert _stage_files(app) == [alive.name]


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid += 1


def test_on_windows_no_other_process_is_signalled(monkeypatch):
    """os.kill(pid, 0) ends the process on Windows: there, a file another import still has
    open is told by its removal failing, not by asking about the process."""
    monkeypatch.setattr(sql.os, "name", "nt")
    monkeypatch.setattr(sql.os, "kill", lambda *args: pytest.fail("os.kill ends the process on Windows"))
    assert sql._process_alive(os.getppid()) is False
    assert sql._process_alive(os.getpid()) is True
