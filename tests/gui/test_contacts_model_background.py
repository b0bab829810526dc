"""The contact table reads searches and filters in its reader thread (ContactsModel.set_query_soon)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.storage.contacts import ContactQuery
from mailer_desktop.ui.models.contacts_model import ContactsModel


@pytest.fixture
def model(qtbot, app):
    with app.db.transaction() as conn:
        for i in range(30):
            contacts.add_contact(app, f"user{i:02d}@example.com", f"Person {i:02d}", conn=conn)
        contacts.add_contact(app, "anna.smith@shop.example", "Anna Smith", conn=conn)
        contacts.add_contact(app, "jo@other.example", "Jo Smithers", conn=conn)
    m = ContactsModel(app)
    m.refresh()
    yield m
    m.stop_reading()


def _emails(m: ContactsModel) -> list[str]:
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def _record_threads(monkeypatch, delay: dict[str, threading.Event] | None = None) -> list[tuple[str, str]]:
    """(search words, thread name) of every search_hits call; a search in ``delay`` waits for its
    event when it runs in the reader thread."""
    seen: list[tuple[str, str]] = []
    real = contacts.search_hits

    def recording(app, query, conn=None):
        seen.append((query.search, threading.current_thread().name))
        if delay and query.search in delay and threading.current_thread() is not threading.main_thread():
            assert delay[query.search].wait(10)
        return real(app, query, conn)

    monkeypatch.setattr(contacts, "search_hits", recording)
    return seen


def test_a_search_is_read_in_the_reader_thread_and_the_old_rows_stay_meanwhile(qtbot, model, monkeypatch):
    release = threading.Event()
    seen = _record_threads(monkeypatch, {"smith": release})
    before = _emails(model)
    with qtbot.waitSignal(model.searching_changed, timeout=5000):
        model.set_query_soon(ContactQuery(search="smith"))
    assert model.searching
    assert _emails(model) == before and model.query.search == ""  # still the old rows while it reads
    with qtbot.waitSignal(model.query_changed, timeout=10000):
        release.set()
    assert not model.searching
    assert model.query.search == "smith"
    assert sorted(_emails(model)) == ["anna.smith@shop.example", "jo@other.example"]
    assert seen == [("smith", seen[0][1])] and seen[0][1] != threading.main_thread().name


def test_a_newer_query_replaces_one_still_being_read(qtbot, model, monkeypatch):
    release = threading.Event()
    _record_threads(monkeypatch, {"user": release})
    resets = []
    model.query_changed.connect(lambda: resets.append(model.query.search))
    model.set_query_soon(ContactQuery(search="user"))
    model.set_query_soon(ContactQuery(search="anna"))
    release.set()
    qtbot.waitUntil(lambda: not model.searching, timeout=10000)
    qtbot.wait(100)  # a late answer for "user" would arrive now
    assert resets == ["anna"]
    assert _emails(model) == ["anna.smith@shop.example"]


def test_sorting_while_a_filter_is_read_keeps_the_filter(qtbot, model, monkeypatch):
    release = threading.Event()
    _record_threads(monkeypatch, {"smith": release})
    model.set_query_soon(ContactQuery(search="smith"))
    model.sort(1)  # a header click: sort by name, now
    release.set()
    qtbot.wait(100)
    assert not model.searching
    assert (model.query.search, model.query.sort) == ("smith", "name")
    assert _emails(model) == ["anna.smith@shop.example", "jo@other.example"]


@pytest.mark.parametrize("error", [sqlite3.OperationalError("database disk image is malformed"),
                                   RuntimeError("a fault in the reading code")])
def test_when_the_reader_fails_the_table_reads_the_query_itself(qtbot, model, monkeypatch, error):
    real = contacts.search_hits

    def fails_off_the_main_thread(app, query, conn=None):
        if threading.current_thread() is not threading.main_thread():
            raise error
        return real(app, query, conn)

    monkeypatch.setattr(contacts, "search_hits", fails_off_the_main_thread)
    with qtbot.waitSignal(model.query_changed, timeout=10000):
        model.set_query_soon(ContactQuery(search="smithers"))
    assert _emails(model) == ["jo@other.example"] and not model.searching


def test_a_read_still_running_when_the_table_closes_is_dropped(qtbot, model, monkeypatch):
    release = threading.Event()
    _record_threads(monkeypatch, {"smith": release})
    resets = []
    model.query_changed.connect(lambda: resets.append(model.query.search))
    model.set_query_soon(ContactQuery(search="smith"))
    threading.Timer(0.2, release.set).start()
    model.stop_reading()  # waits for the reader thread to end
    qtbot.wait(100)
    assert resets == [] and model.query.search == "" and not model.searching
