"""The window's thread never waits for a long write; background jobs wait for it instead of failing."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from long_writer import LongWriter
from waiting import wait_until

from mailer_desktop.services import importing
from mailer_desktop.services.contacts import people as contact_service
from mailer_desktop.services.progress import Progress
from mailer_desktop.storage.write_gate import INTERACTIVE_BUSY_MS, WriteBusyError


def _count(app) -> int:
    return app.db.conn.execute("SELECT count(*) FROM contacts").fetchone()[0]


def test_the_interactive_thread_is_refused_at_once_and_told_what_runs(app):
    app.db.mark_interactive()
    with LongWriter(app):
        start = time.perf_counter()
        with pytest.raises(WriteBusyError) as caught:
            contact_service.add_contact(app, "anna@example.com", "Anna")
        waited = time.perf_counter() - start
    assert waited < 0.2  # not SQLite's busy wait
    assert caught.value.task == "the import of big.csv"
    assert "the import of big.csv" in caught.value.user_text and "not saved" in caught.value.user_text
    assert str(caught.value) == caught.value.user_text  # pages that show str(error) show the same sentence
    assert _count(app) == 0
    contact_service.add_contact(app, "anna@example.com", "Anna")  # once it ended, the same write works
    assert _count(app) == 1


def test_an_unannounced_lock_costs_the_interactive_thread_half_a_second_at_most(app):
    app.db.mark_interactive()
    with LongWriter(app, task=None):
        start = time.perf_counter()
        with pytest.raises(WriteBusyError) as caught:
            contact_service.add_contact(app, "anna@example.com")
        waited = time.perf_counter() - start
    assert INTERACTIVE_BUSY_MS / 1000 * 0.8 <= waited < 3  # the short busy timeout, not the usual 10 s
    assert caught.value.task is None and "another task" in caught.value.user_text
    assert isinstance(caught.value, sqlite3.OperationalError)  # handlers of locked databases still see one
    assert _count(app) == 0


def test_other_threads_wait_for_a_long_write_to_end(app):
    app.db.mark_interactive()
    order: list[str] = []
    errors: list[BaseException] = []

    def job() -> None:
        try:
            # this connection alone would give up on the lock after 50 ms: the gate does the waiting
            app.db.conn.execute("PRAGMA busy_timeout = 50")
            contact_service.add_contact(app, "bert@example.com")
            order.append("job wrote")
        except BaseException as exc:  # noqa: BLE001 - reported through the assertion below
            errors.append(exc)
        finally:
            app.db.release_thread()

    with LongWriter(app) as writer:
        worker = threading.Thread(target=job)
        worker.start()
        wait_until(lambda: app.db.gate.waiting == 1, what="the job to wait at the write gate")
        assert order == [] and worker.is_alive()
        order.append("long write ended")
        writer.release.set()
        writer.thread.join(20)
    worker.join(20)
    assert errors == []
    assert order == ["long write ended", "job wrote"]
    assert _count(app) == 1


def test_the_thread_of_the_long_write_is_not_stopped_by_its_own_announcement(app):
    app.db.mark_interactive()  # even the window's thread may run a long write itself
    with app.db.long_write("a test"), app.db.transaction() as conn:
        contact_service.add_contact(app, "carl@example.com", conn=conn)
    assert _count(app) == 1


class _PauseAtSaving(Progress):
    """Stops the import inside its saving transaction until released."""

    def __init__(self) -> None:
        super().__init__()
        self.saving, self.release = threading.Event(), threading.Event()

    def update(self, done, total=None, text=""):
        if text == "Adding new contacts" and not self.saving.is_set():
            self.saving.set()
            self.release.wait(20)


def test_a_running_import_refuses_a_window_edit_with_its_file_name(app, tmp_path):
    path = tmp_path / "shop export.csv"
    path.write_text("email,name\n" + "".join(f"user{i}@example.com,User {i}\n" for i in range(3000)),
                    encoding="utf-8")
    app.db.mark_interactive()
    progress = _PauseAtSaving()
    result: list = []
    thread = threading.Thread(target=lambda: (result.append(importing.import_file(app, path, progress=progress)),
                                              app.db.release_thread()))
    thread.start()
    try:
        assert progress.saving.wait(20)
        with pytest.raises(WriteBusyError) as caught:
            contact_service.add_contact(app, "anna@example.com")
        assert caught.value.task == "saving the import of shop export.csv"
    finally:
        progress.release.set()
        thread.join(30)
    assert result and result[0].added == 3000
    contact_service.add_contact(app, "anna@example.com")
    assert _count(app) == 3001


def test_the_compaction_after_an_erasure_is_announced(app, monkeypatch):
    from mailer_desktop.services.contacts import rights

    app.db.mark_interactive()
    inside, release = threading.Event(), threading.Event()
    real_vacuum = app.db.vacuum

    def slow_vacuum() -> None:  # the VACUUM of a big file takes seconds: hold it here
        inside.set()
        release.wait(20)
        real_vacuum()

    monkeypatch.setattr(app.db, "vacuum", slow_vacuum)
    thread = threading.Thread(target=lambda: (rights.compact(app), app.db.release_thread()))
    thread.start()
    try:
        assert inside.wait(10)
        with pytest.raises(WriteBusyError) as caught:
            contact_service.add_contact(app, "anna@example.com")
        assert caught.value.task == "erasing deleted data from the database file"
    finally:
        release.set()
        thread.join(20)
    assert app.db.gate.other_long_write() is None


def test_a_setting_saved_during_a_long_write_is_refused_at_once(app):
    app.db.mark_interactive()
    with LongWriter(app):
        start = time.perf_counter()
        with pytest.raises(WriteBusyError) as caught:
            app.settings.set("inbox.reminder_hours", 48)
        assert time.perf_counter() - start < 0.2
    assert caught.value.task == "the import of big.csv"
    assert app.settings.get("inbox.reminder_hours") != 48
    app.settings.set("inbox.reminder_hours", 48)
    assert app.settings.get("inbox.reminder_hours") == 48
