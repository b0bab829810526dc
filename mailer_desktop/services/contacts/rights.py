"""Personal-data rights: export one person, erase one person, retention purge (GDPR Art. 15/17/20, 5(1)(e)).

- ``person_history(app, contact_id) -> {"deliveries", "bounce_events", "inbox_messages"}``
- ``export_person(app, contact, channel="gui") -> dict``: everything held about one person
  (fields, lists, consent trail, deliveries, bounce events, inbox messages linked to them) as
  a JSON-ready dict; writes an ``exported`` consent event (the export itself is in the trail).
- ``erase_person(app, contact, channel="gui", compact=True) -> ErasureReport``: deletes the
  contact row (its consent events, list memberships, deliveries, bounce events and linked inbox
  rows go with it by cascade), unlinked inbox rows that name the address, the address from the
  search index, and the readable address in suppression entries; keeps a keyed suppression
  hash (reason ``erased``) and one ``erased`` event without contact or personal data; then
  compacts the file (FTS optimize + VACUUM + WAL truncate) so no byte of the address remains.
  An address that is not a contact can be erased too (it still gets the suppression hash).
- ``erase_many(app, contact_ids, channel, progress) -> int``: bulk erasure, one compaction.
- ``purge_pending(app, days=None, now=None, compact=False, progress=...) -> int``: deletes
  ``pending`` contacts created more than ``days`` (setting ``consent.pending_retention_days``)
  ago; one ``purged`` event records how many. Callable at start-up and on demand;
  ``pending_due_for_purge(app) -> bool`` is the cheap check before starting it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ...domain import consent
from ...domain.addresses import Address, AddressError, normalize
from ...domain.suppression import address_hash
from ...storage import contacts as store
from ...storage import suppression as supp_store
from ...storage.db import now_iso
from ..progress import NO_PROGRESS, Progress
from . import people as contacts
from .errors import ContactNotFound

EXPORT_FORMAT = "mailer-desktop-person-export/1"


@dataclass(frozen=True)
class ErasureReport:
    was_contact: bool
    compacted: bool


def _rows(rows: list[sqlite3.Row]) -> list[dict]:
    return [dict(r) for r in rows]


def person_history(app, contact_id: int, conn: sqlite3.Connection | None = None) -> dict[str, list[dict]]:
    """Send and bounce history of one contact (detail panel, export)."""
    c = conn if conn is not None else app.db.conn
    return {
        "deliveries": _rows(store.deliveries_of(c, contact_id)),
        "bounce_events": _rows(store.bounce_events_of(c, contact_id)),
        "inbox_messages": _rows(store.inbox_messages_of(c, contact_id)),
    }


def export_person(app, contact: int | str, channel: str = "gui") -> dict:
    """Everything held about one person; the export is recorded in their trail."""
    with app.db.transaction() as conn:
        person = contacts.require_contact(app, contact, conn)
        contacts.record_event(app, person.id, consent.EV_EXPORTED, channel, conn=conn)
        trail = contacts.consent_trail(app, person.id, conn)
        data = {
            "format": EXPORT_FORMAT,
            "exported_at": now_iso(),
            "contact": person.as_dict(),
            "lists": list(person.lists),
            "consent_trail": [e.as_dict() for e in trail],
            **person_history(app, person.id, conn),
        }
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def _erase_in(app, conn: sqlite3.Connection, addr: Address, channel: str, key: bytes) -> bool:
    row = store.contact_by_key(conn, addr.key)
    if row is not None:
        store.delete_contact(conn, row["id"])
    for text in {addr.email, addr.key, row["email"] if row is not None else addr.email}:
        store.delete_unlinked_inbox_mentions(conn, text)
        supp_store.clear_display(conn, text)
    supp_store.mark_erased(conn, address_hash(key, addr), now_iso())
    store.insert_event(conn, None, consent.EV_ERASED, now_iso(), channel, "", "", None, None)
    return row is not None


def compact(app) -> bool:
    """Make deleted rows unrecoverable from the file: merge the search index (so its old
    segments go), VACUUM, truncate the WAL. False when another connection blocked it."""
    with app.db.long_write("erasing deleted data from the database file"):
        return _compact(app)


def _compact(app) -> bool:
    conn = app.db.conn
    conn.execute("INSERT INTO contacts_search(contacts_search) VALUES ('optimize')")
    # SQLite builds with STAT4 keep sample index keys (addresses) after ANALYZE; drop them.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").fetchone():
        conn.execute("DELETE FROM sqlite_stat4")
    try:
        app.db.vacuum()
    except sqlite3.OperationalError:
        return False
    row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return row is None or row[0] == 0


@contextlib.contextmanager
def _secure_delete(conn: sqlite3.Connection):
    """Deleted content is overwritten with zeros in the pages too (belt and braces with VACUUM)."""
    before = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(before)}")


def erase_person(app, contact: int | str, channel: str = "gui", compact_file: bool = True) -> ErasureReport:
    """Erase one person (by contact id or address). See the module docstring."""
    key = app.suppression_key()
    conn = app.db.conn
    if isinstance(contact, int):
        found = contacts.get_contact(app, contact)
        if found is None:
            raise ContactNotFound(f"no contact {contact}")
        addr = Address(found.email, found.email_key)
    else:
        try:
            addr = normalize(contact)
        except AddressError as exc:
            raise ContactNotFound(f"{contact!r} is not an email address: {exc}") from None
    with _secure_delete(conn), app.db.transaction(conn):
        was = _erase_in(app, conn, addr, channel, key)
    compacted = compact(app) if compact_file else False
    return ErasureReport(was_contact=was, compacted=compacted)


def erase_many(app, contact_ids, channel: str = "gui", progress: Progress = NO_PROGRESS,
               compact_file: bool = True) -> int:
    """Erase several contacts (bulk action); one compaction at the end. Returns how many."""
    ids = list(contact_ids)
    key = app.suppression_key()
    conn = app.db.conn
    erased = 0
    with _secure_delete(conn):
        for start in range(0, len(ids), 200):
            progress.check()
            progress.update(start, len(ids), "Erasing")
            with app.db.transaction(conn):
                for row in store.contacts_by_ids(conn, ids[start:start + 200]):
                    erased += _erase_in(app, conn, Address(row["email"], row["email_key"]), channel, key)
    progress.update(len(ids), len(ids), "Compacting the database file")
    if compact_file and erased:
        compact(app)
    return erased


def _cutoff(days: int, now: datetime | None) -> str:
    return ((now or datetime.now(UTC)) - timedelta(days=int(days))).strftime("%Y-%m-%dT%H:%M:%SZ")


def pending_due_for_purge(app, days: int | None = None, now: datetime | None = None) -> bool:
    """Is there at least one pending contact past the retention period? (cheap start-up check)"""
    days = app.settings.get("consent.pending_retention_days") if days is None else days
    if days is None or int(days) <= 0:
        return False
    return bool(store.pending_created_before(app.db.conn, _cutoff(days, now), 1))


def purge_pending(app, days: int | None = None, now: datetime | None = None, compact_file: bool = False,
                  progress: Progress = NO_PROGRESS) -> int:
    """Delete pending contacts older than the retention period; returns how many."""
    days = app.settings.get("consent.pending_retention_days") if days is None else days
    if days is None or int(days) <= 0:
        return 0
    cutoff = _cutoff(days, now)
    conn = app.db.conn
    purged = 0
    with _secure_delete(conn):
        while True:
            progress.check()
            with app.db.transaction(conn):
                ids = store.pending_created_before(conn, cutoff, 1000)
                for cid in ids:
                    store.delete_contact(conn, cid)
            purged += len(ids)
            progress.update(purged, None, "Removing unconfirmed contacts")
            if len(ids) < 1000:
                break
        if purged:
            with app.db.transaction(conn):
                store.insert_event(conn, None, consent.EV_PURGED, now_iso(), "system", "",
                                   f"{purged} pending contacts older than {int(days)} days removed", None, None)
    if purged and compact_file:
        compact(app)
    return purged
