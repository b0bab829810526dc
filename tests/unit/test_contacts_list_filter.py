"""A list filter gives the same rows and counts whichever plan reads it: walking the sort order
with a membership probe per row, or reading the list first."""

from __future__ import annotations

import pytest

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.storage import contacts as store
from mailer_desktop.storage.contacts import ContactQuery

FIRST = ("anna", "walter", "zoe", "bob")
STATUSES = ("pending", "confirmed")


@pytest.fixture
def lists(app):
    with app.db.transaction() as conn:
        for i in range(240):
            first = FIRST[i % 4]
            in_lists = (["Dense"] if i % 2 == 0 else []) + (["Sparse"] if i in (7, 120, 233) else [])
            contacts.add_contact(app, f"{first}.{('smith', 'berg', 'olsen')[i % 3]}{i:03d}@example.com",
                                 f"{first.title()} {('Smith', 'Berg', 'Olsen')[i % 3]}", conn=conn,
                                 lists=in_lists, confirmed=i % 3 == 0, evidence="form" if i % 3 == 0 else "")
    return {name: contacts.find_list(app, name).id for name in ("Dense", "Sparse")}


def _expected(app, q: ContactQuery) -> list[int]:
    """The rows of ``q`` worked out in Python from every contact."""
    everyone = [contacts.get_contact(app, i) for i in range(1, 241)]
    listed = contacts.find_list(app, "Dense" if q.list_id == 1 else "Sparse") if q.list_id else None
    words = q.search.lower().split()
    rows = [c for c in everyone
            if (not q.status or c.status == q.status)
            and (listed is None or listed.name in c.lists)
            and all(any(part.startswith(w) for part in
                        c.email.replace("@", " ").replace(".", " ").split() + c.name.lower().split()) for w in words)]
    key = {"email": lambda c: (c.email_key, c.id), "name": lambda c: (c.name.lower(), c.id)}[q.sort]
    return [c.id for c in sorted(rows, key=key, reverse=q.descending)]


# Near the start (a walk of a dense list), deep in it (the list is read first, from its far end
# past the middle: 70 of the 120 members, and the last, partly filled window), past the end.
OFFSETS = (0, 9, 50, 70, 115, 130)
QUERIES = [(search, status, which, sort, desc)
           for search in ("", "walter", "smith", "anna berg", "zz")
           for status in (None, "confirmed")
           for which in ("Dense", "Sparse")
           for sort in ("email", "name")
           for desc in (False, True)]


def test_every_plan_gives_the_rows_and_counts_worked_out_by_hand(app, lists, monkeypatch):
    assert lists == {"Dense": 1, "Sparse": 2}  # _expected relies on the ids

    def results():
        out = []
        for search, status, which, sort, desc in QUERIES:
            q = ContactQuery(search=search, status=status, list_id=lists[which], sort=sort, descending=desc)
            out.append(([c.id for off in OFFSETS for c in contacts.contact_page(app, q, off, 9)],
                        contacts.count(app, q)))
        return out

    expected = []
    for search, status, which, sort, desc in QUERIES:
        q = ContactQuery(search=search, status=status, list_id=lists[which], sort=sort, descending=desc)
        rows = _expected(app, q)
        expected.append(([i for off in OFFSETS for i in rows[off:off + 9]], len(rows)))
    assert any(count > 50 for _, count in expected) and any(0 < count < 9 for _, count in expected)

    monkeypatch.setattr(store, "REVERSE_MIN_OFFSET", 0)  # deep windows of these small lists too
    assert results() == expected  # the plans the sizes choose
    monkeypatch.setattr(store, "WALK_LIST_FACTOR", 10**9)  # always walk the sort order
    assert results() == expected
    monkeypatch.setattr(store, "WALK_LIST_FACTOR", 0)  # always read the list first
    assert results() == expected
    monkeypatch.setattr(store, "SMALL_SEARCH", 3)  # searches try the walk, run out, then look up
    monkeypatch.setattr(store, "WALK_OPS_PER_HIT", 0)
    monkeypatch.setattr(store._Budget, "STEP", 1)
    assert results() == expected


def test_the_plan_follows_the_list_density(app, lists):
    conn = app.db.conn
    dense, sparse = store.list_size(conn, lists["Dense"]), store.list_size(conn, lists["Sparse"])
    assert (dense, sparse) == (120, 3)
    assert store._walk_list(conn, dense, 20)  # half of everyone: the window comes quickly
    assert not store._walk_list(conn, dense, 70)  # deep in the list: read it first
    assert not store._walk_list(conn, sparse, 9)  # three of 240: walking would meet everyone
    empty = contacts.create_list(app, "Empty").id
    assert not store._walk_list(conn, 0, 9)
    assert contacts.count(app, ContactQuery(list_id=empty)) == 0
    assert contacts.contact_page(app, ContactQuery(list_id=empty), 0, 9) == []


def test_a_lists_whole_order_is_the_order_of_its_windows_and_can_be_cancelled(app, lists, monkeypatch):
    from mailer_desktop.services.progress import Cancelled, Progress

    for _search, status, which, sort, desc in QUERIES:
        q = ContactQuery(status=status, list_id=lists[which], sort=sort, descending=desc)
        assert list(contacts.ordered_ids(app, q)) == _expected(app, q)
    assert list(contacts.ordered_ids(app, ContactQuery(list_id=contacts.create_list(app, "Empty").id))) == []
    monkeypatch.setattr(contacts, "CANCEL_CHECK_OPS", 1)
    stop = Progress()
    stop.cancel()
    with pytest.raises(Cancelled):
        contacts.ordered_ids(app, ContactQuery(list_id=lists["Dense"]), stop)
