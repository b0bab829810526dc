"""Lists: named groupings of contacts (a contact may be in several).

Membership changes write ``list_added`` / ``list_removed`` consent events (they show what the
person was signed up for). Unsubscribing is global by default and is not a list change: see
``services.contacts.change_status``. Every function takes an optional ``conn`` to join the
caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from ...domain import consent
from ...storage import contacts as store
from ...storage.db import now_iso
from ..progress import NO_PROGRESS, Progress
from .errors import ContactError

MAX_LIST_NAME = 100


class ListError(ContactError):
    """Bad list name, unknown list, or a name already taken."""


@dataclass(frozen=True)
class ContactList:
    id: int
    name: str
    description: str
    created_at: str
    members: int | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ContactList:
        keys = row.keys()
        return cls(row["id"], row["name"], row["description"], row["created_at"],
                   row["members"] if "members" in keys else None)


def _c(app, conn):
    return conn if conn is not None else app.db.conn


def _clean(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ListError("a list needs a name")
    if len(text) > MAX_LIST_NAME:
        raise ListError(f"a list name may have at most {MAX_LIST_NAME} characters")
    return text


def get_list(app, list_id: int, conn: sqlite3.Connection | None = None) -> ContactList | None:
    row = store.list_by_id(_c(app, conn), list_id)
    return ContactList.from_row(row) if row else None


def find_list(app, name: str, conn: sqlite3.Connection | None = None) -> ContactList | None:
    """The list of that name (case-insensitive)."""
    row = store.list_by_name(_c(app, conn), " ".join((name or "").split()))
    return ContactList.from_row(row) if row else None


def all_lists(app, conn: sqlite3.Connection | None = None) -> list[ContactList]:
    """Every list with its member count, by name."""
    return [ContactList.from_row(r) for r in store.all_lists(_c(app, conn))]


def create_list(app, name: str, description: str = "", conn: sqlite3.Connection | None = None) -> ContactList:
    clean = _clean(name)
    c = _c(app, conn)
    with app.db.transaction(c):
        if store.list_by_name(c, clean) is not None:
            raise ListError(f"a list named {clean!r} already exists")
        list_id = store.insert_list(c, clean, description.strip(), now_iso())
        return ContactList.from_row(store.list_by_id(c, list_id))


def ensure_list(app, name: str, description: str = "", conn: sqlite3.Connection | None = None) -> ContactList:
    """The list of that name, created when missing (imports use this for ``--list NAME``)."""
    c = _c(app, conn)
    with app.db.transaction(c):
        found = find_list(app, name, c)
        return found if found is not None else create_list(app, name, description, c)


def rename_list(app, list_id: int, name: str, description: str | None = None,
                conn: sqlite3.Connection | None = None) -> ContactList:
    clean = _clean(name)
    c = _c(app, conn)
    with app.db.transaction(c):
        if store.list_by_id(c, list_id) is None:
            raise ListError(f"no list with id {list_id}")
        other = store.list_by_name(c, clean)
        if other is not None and other["id"] != list_id:
            raise ListError(f"a list named {clean!r} already exists")
        store.rename_list(c, list_id, clean, None if description is None else description.strip())
        return ContactList.from_row(store.list_by_id(c, list_id))


def delete_list(app, list_id: int, conn: sqlite3.Connection | None = None) -> None:
    """Delete the list (its contacts stay; campaigns keep their content, their list becomes NULL)."""
    c = _c(app, conn)
    with app.db.transaction(c):
        if store.list_by_id(c, list_id) is None:
            raise ListError(f"no list with id {list_id}")
        store.delete_list(c, list_id)


def _membership(app, list_id: int, contact_ids: Iterable[int], channel: str, adding: bool,
                conn, progress: Progress) -> int:
    ids = list(contact_ids)
    c = _c(app, conn)
    changed = 0
    with app.db.transaction(c):
        lst = store.list_by_id(c, list_id)
        if lst is None:
            raise ListError(f"no list with id {list_id}")
        now = now_iso()
        kind = consent.EV_LIST_ADDED if adding else consent.EV_LIST_REMOVED
        events = []
        for i, cid in enumerate(ids):
            if i % 1000 == 0:
                progress.check()
                progress.update(i, len(ids), "Updating list members")
            row = store.contact_by_id(c, cid)
            if row is None:
                continue
            done = store.add_member(c, list_id, cid, now) if adding else store.remove_member(c, list_id, cid)
            if done:
                changed += 1
                events.append((cid, kind, now, channel, "", f"list: {lst['name']}", row["status"], row["status"]))
        store.insert_events(c, events)
    progress.update(len(ids), len(ids), "Done")
    return changed


def add_to_list(app, list_id: int, contact_ids: Iterable[int], channel: str = "gui",
                conn: sqlite3.Connection | None = None, progress: Progress = NO_PROGRESS) -> int:
    """Add contacts to a list; returns how many were not members before."""
    return _membership(app, list_id, contact_ids, channel, True, conn, progress)


def remove_from_list(app, list_id: int, contact_ids: Iterable[int], channel: str = "gui",
                     conn: sqlite3.Connection | None = None, progress: Progress = NO_PROGRESS) -> int:
    """Remove contacts from a list; returns how many were members."""
    return _membership(app, list_id, contact_ids, channel, False, conn, progress)
