"""Contacts, their consent status and trail, and lists — the one API every other part uses.

Transactions: every function takes an optional ``conn``. Pass the connection of a
transaction you already opened (``with app.db.transaction() as conn:``) and the function
joins it, so an import or an inbox run can do many changes atomically; without ``conn`` each
write runs in its own transaction. Every status change and its consent event are written in
the same transaction.

Contacts
- ``add_contact(app, email, name="", fields=None, *, source="", channel="gui", lists=(),
  confirmed=False, evidence="", wording="", basis=None, purchase_date=None, expires=None,
  event_kind=None, conn=None) -> Contact``
  Validates the address, refuses suppressed (SuppressedError) and existing (DuplicateContactError)
  ones. ``confirmed=True`` needs ``evidence`` (proof of consent). ``basis='implied'`` needs a
  ``purchase_date`` (expiry = purchase + 2 years, CASL) or ``expires``. Writes a ``created``
  event (``imported`` when channel is 'import', or ``event_kind``).
- ``get_contact(app, contact_id, conn=None) -> Contact | None``
- ``find_by_email(app, email, conn=None) -> Contact | None`` (matches the normalised key)
- ``require_contact(app, contact_id_or_email, conn=None) -> Contact`` (ContactNotFound)
- ``update_contact(app, contact_id, *, email=None, name=None, fields=None, source=None,
  channel="gui", conn=None) -> Contact`` — logs an ``edited`` event naming what changed.
- ``change_status(app, contact_id, event_kind, channel, wording="", evidence="", *,
  suppress_reason=None, conn=None) -> Contact`` — event_kind one of consent.STATUS_EVENTS
  (confirmed, unsubscribed, bounced, complained); goes through consent.TRANSITIONS. Opt-outs
  also put the address on the suppression list; a confirmation (evidence required) lifts the
  person's own opt-out entry and sets basis ``express``.
- ``bulk_change_status(app, contact_ids, event_kind, channel, wording="", evidence="",
  progress=NO_PROGRESS) -> int`` — the same for many contacts (GUI bulk actions), in chunks.
- ``record_event(app, contact_id, kind, channel, wording="", evidence="", conn=None)`` — events
  that change no status (consent.RECORD_EVENTS).
- ``mark_confirmation_requested(app, contact_id, wording, channel="send", evidence="", conn=None)``
- ``consent_trail(app, contact_id, conn=None) -> list[ConsentEvent]``
- ``mailable_contact_ids(app, list_id=None, today=None, conn=None) -> list[int]`` (confirmed,
  implied consent not expired; the sender still checks the suppression list per address)
- ``contact_page(app, query, offset, limit, hits=None) -> list[Contact]``,
  ``count(app, query, hits=None) -> int``, ``search_hits(app, query) -> int | None``, ``has_contacts(app)``,
  ``prepare_for_browsing(app)`` (a larger page cache for the GUI thread's connection),
  ``iter_contacts(app, query) -> Iterator[Contact]`` (streams all matches),
  ``contact_ids_in_range(app, query, offset, limit) -> list[int]``,
  ``status_counts(app)`` — windowed reads for tables (query: storage.contacts.ContactQuery)

Lists (services/contacts/lists.py, re-exported here)
- ``create_list``, ``ensure_list``, ``rename_list``, ``delete_list``, ``get_list``,
  ``find_list``, ``all_lists``, ``add_to_list``, ``remove_from_list``
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ...domain import consent
from ...domain.addresses import Address, AddressError, validate
from ...storage import contacts as store
from ...storage.contacts import ContactQuery
from ...storage.db import now_iso
from ..progress import NO_PROGRESS, Progress
from . import suppression
from .errors import ContactError, ContactNotFound, DuplicateContactError, SuppressedError
from .lists import (  # noqa: F401  (re-exported API)
    ContactList,
    ListError,
    add_to_list,
    all_lists,
    create_list,
    delete_list,
    ensure_list,
    find_list,
    get_list,
    remove_from_list,
    rename_list,
)

__all__ = [
    "Contact", "ConsentEvent", "ContactQuery", "ContactError", "ContactNotFound", "DuplicateContactError",
    "SuppressedError", "ContactList", "ListError", "add_contact", "get_contact", "find_by_email",
    "require_contact", "update_contact", "change_status", "bulk_change_status", "record_event", "mark_confirmation_requested",
    "consent_trail", "mailable_contact_ids", "contact_page", "search_hits", "has_contacts", "prepare_for_browsing", "contact_ids_in_range", "iter_contacts", "count", "status_counts", "create_list",
    "ensure_list", "rename_list", "delete_list", "get_list", "find_list", "all_lists", "add_to_list",
    "remove_from_list",
]

MAX_NAME = 200
MAX_FIELD = 2000


@dataclass(frozen=True)
class Contact:
    id: int
    email: str
    email_key: str
    name: str
    fields: dict
    status: str
    consent_basis: str | None
    consent_expires_at: str | None
    source: str
    created_at: str
    updated_at: str
    status_changed_at: str
    confirm_sent_at: str | None
    confirm_sent_count: int
    lists: tuple[str, ...] = ()
    token_id: int | None = None     # what tokens name; None for contacts from before token ids

    @property
    def token_subject(self) -> int:
        """The number this contact's tokens carry (never handed to another contact)."""
        return self.token_id if self.token_id is not None else self.id

    @classmethod
    def from_row(cls, row: sqlite3.Row, lists: Iterable[str] = ()) -> Contact:
        return cls(
            id=row["id"], email=row["email"], email_key=row["email_key"], name=row["name"],
            fields=json.loads(row["fields"] or "{}"), status=row["status"],
            consent_basis=row["consent_basis"], consent_expires_at=row["consent_expires_at"],
            source=row["source"], created_at=row["created_at"], updated_at=row["updated_at"],
            status_changed_at=row["status_changed_at"], confirm_sent_at=row["confirm_sent_at"],
            confirm_sent_count=row["confirm_sent_count"], lists=tuple(lists),
            token_id=row["token_id"] if "token_id" in row.keys() else None,
        )

    def mailable(self, today: date | None = None) -> bool:
        return consent.is_mailable(self.status, self.consent_basis, self.consent_expires_at,
                                   today or datetime.now(UTC).date())

    def as_dict(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name, "fields": self.fields,
                "status": self.status, "consent_basis": self.consent_basis,
                "consent_expires_at": self.consent_expires_at, "source": self.source,
                "lists": list(self.lists), "created_at": self.created_at, "updated_at": self.updated_at,
                "status_changed_at": self.status_changed_at, "confirm_sent_at": self.confirm_sent_at,
                "confirm_sent_count": self.confirm_sent_count}


@dataclass(frozen=True)
class ConsentEvent:
    id: int
    contact_id: int | None
    kind: str
    at: str
    channel: str
    wording: str
    evidence: str
    status_before: str | None
    status_after: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ConsentEvent:
        return cls(*(row[k] for k in ("id", "contact_id", "kind", "at", "channel", "wording", "evidence",
                                      "status_before", "status_after")))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "at": self.at, "channel": self.channel, "wording": self.wording,
                "evidence": self.evidence, "status_before": self.status_before,
                "status_after": self.status_after}


def _c(app, conn):
    return conn if conn is not None else app.db.conn


def _clean_fields(fields: Mapping | None) -> dict:
    out: dict[str, str] = {}
    for k, v in (fields or {}).items():
        key = str(k).strip()
        if not key:
            raise ContactError("a custom field needs a name")
        text = "" if v is None else str(v)
        if len(text) > MAX_FIELD:
            raise ContactError(f"the field {key!r} is longer than {MAX_FIELD} characters")
        out[key] = text
    return out


def _clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if len(text) > MAX_NAME:
        raise ContactError(f"the name is longer than {MAX_NAME} characters")
    return text


def _validated(email: str) -> Address:
    try:
        return validate(email)
    except AddressError as exc:
        raise ContactError(f"{email!r} is not a valid email address: {exc}") from None


def _load(conn, row) -> Contact:
    return Contact.from_row(row, store.list_names_of(conn, row["id"]))


# -- reading ---------------------------------------------------------------------------------
def get_contact(app, contact_id: int, conn: sqlite3.Connection | None = None) -> Contact | None:
    c = _c(app, conn)
    row = store.contact_by_id(c, contact_id)
    return _load(c, row) if row else None


def find_by_token(app, token_id: int, conn: sqlite3.Connection | None = None) -> Contact | None:
    """The contact a verified token names, or None when that person is no longer on file."""
    c = _c(app, conn)
    row = store.contact_by_token_id(c, token_id)
    return _load(c, row) if row else None


def find_by_email(app, email: str, conn: sqlite3.Connection | None = None) -> Contact | None:
    from ...domain.addresses import key_of

    try:
        key = key_of(email)
    except AddressError:
        return None
    c = _c(app, conn)
    row = store.contact_by_key(c, key)
    return _load(c, row) if row else None


def require_contact(app, contact: int | str, conn: sqlite3.Connection | None = None) -> Contact:
    found = get_contact(app, contact, conn) if isinstance(contact, int) else find_by_email(app, contact, conn)
    if found is None:
        raise ContactNotFound(f"no contact {contact!r}" if isinstance(contact, int)
                              else f"no contact with the address {contact}")
    return found


def consent_trail(app, contact_id: int, conn: sqlite3.Connection | None = None) -> list[ConsentEvent]:
    return [ConsentEvent.from_row(r) for r in store.events_of(_c(app, conn), contact_id)]


def search_hits(app, query: ContactQuery, conn: sqlite3.Connection | None = None) -> int | None:
    """How many contacts the search words alone match (None without a word search); pass it as
    ``hits`` to the windowed reads so they need not count again."""
    return store.search_hits(_c(app, conn), query)


def contact_page(app, query: ContactQuery, offset: int, limit: int, hits: int | None = None,
                 conn: sqlite3.Connection | None = None) -> list[Contact]:
    """One window of the contact table, in the query's order."""
    c = _c(app, conn)
    return contacts_in_order(app, store.query_contact_ids(c, query, offset, limit, hits), c)


def contacts_in_order(app, ids: Sequence[int], conn: sqlite3.Connection | None = None) -> list[Contact]:
    """The contacts with these ids, in this order (ids of deleted contacts are left out)."""
    c = _c(app, conn)
    ids = list(ids)
    rows = {r["id"]: r for r in store.contacts_by_ids(c, ids)}
    lists = store.list_names_for(c, ids)
    return [Contact.from_row(rows[i], lists[i]) for i in ids if i in rows]


CANCEL_CHECK_OPS = 20_000  # SQLite VM steps between two looks at a cancel (well under a millisecond)


def ordered_ids(app, query: ContactQuery, progress: Progress = NO_PROGRESS):
    """All ids of a list filter's rows in the query's order (an array of ints), read on a
    connection of its own: for a background job that lets the table jump deep into a big list.
    A cancel stops the statement within milliseconds (Cancelled)."""
    conn = app.db.connect()
    try:
        conn.set_progress_handler(lambda: 1 if progress.cancelled else 0, CANCEL_CHECK_OPS)
        try:
            return store.ordered_contact_ids(conn, query)
        except sqlite3.OperationalError:
            progress.check()  # interrupted by the cancel
            raise
    finally:
        conn.close()


def contact_ids_in_range(app, query: ContactQuery, offset: int, limit: int, hits: int | None = None,
                         conn: sqlite3.Connection | None = None) -> list[int]:
    """Ids of rows offset..offset+limit-1 of the query (bulk actions on a selection)."""
    return store.query_contact_ids(_c(app, conn), query, offset, limit, hits)


def iter_contacts(app, query: ContactQuery = ContactQuery(), conn: sqlite3.Connection | None = None):
    """Every contact matching ``query`` (with its lists), streamed in batches."""
    c = app.db.connect() if conn is None else conn  # own connection: callers may write meanwhile
    try:
        for rows in store.iter_contact_rows(c, query):
            lists = store.list_names_for(c, [r["id"] for r in rows])
            for r in rows:
                yield Contact.from_row(r, lists[r["id"]])
    finally:
        if conn is None:
            c.close()


def count(app, query: ContactQuery = ContactQuery(), hits: int | None = None,
          conn: sqlite3.Connection | None = None) -> int:
    return store.count_contacts(_c(app, conn), query, hits)


def prepare_for_browsing(app, cache_mb: int = 64) -> None:
    """Give this thread's connection a page cache big enough to keep the contact indexes warm
    while the user searches and scrolls a large table (the default is only 2 MB)."""
    store.set_cache_size(app.db.conn, cache_mb)


def has_contacts(app, conn: sqlite3.Connection | None = None) -> bool:
    return store.has_contacts(_c(app, conn))


def status_counts(app, conn: sqlite3.Connection | None = None) -> dict[str, int]:
    found = store.status_counts(_c(app, conn))
    return {s: found.get(s, 0) for s in consent.STATUSES}


def mailable_contact_ids(app, list_id: int | None = None, today: date | None = None,
                         conn: sqlite3.Connection | None = None) -> list[int]:
    c = _c(app, conn)
    day = today or datetime.now(UTC).date()
    ids = store.confirmed_ids(c, list_id)
    out = []
    for row in store.contacts_by_ids(c, ids):
        if consent.is_mailable(row["status"], row["consent_basis"], row["consent_expires_at"], day):
            out.append(row["id"])
    return sorted(out)


# -- writing ---------------------------------------------------------------------------------
def add_contact(app, email: str, name: str = "", fields: Mapping | None = None, *, source: str = "",
                channel: str = "gui", lists: Iterable[str | int] = (), confirmed: bool = False,
                evidence: str = "", wording: str = "", basis: str | None = None,
                purchase_date: date | str | None = None, expires: date | str | None = None,
                event_kind: str | None = None, conn: sqlite3.Connection | None = None) -> Contact:
    addr = _validated(email)
    name = _clean_name(name)
    clean = _clean_fields(fields)
    kind = event_kind or (consent.EV_IMPORTED if channel == "import" else consent.EV_CREATED)
    try:
        status = consent.initial_status(kind, evidence, confirmed)
    except consent.ConsentError as exc:
        raise ContactError(str(exc)) from None
    basis, expires_day = _basis(basis, purchase_date, expires, confirmed)
    c = _c(app, conn)
    with app.db.transaction(c):
        hit = suppression.suppression_of(app, addr, c)
        if hit is not None:
            raise SuppressedError(f"{addr.email} is on the suppression list ({hit.reason}"
                                  f"{', whole domain' if hit.scope == 'domain' else ''}) and cannot be added")
        if store.contact_by_key(c, addr.key) is not None:
            raise DuplicateContactError(f"{addr.email} is already a contact")
        now = now_iso()
        cid = store.insert_contact(c, email=addr.email, email_key=addr.key, name=name,
                                   fields=json.dumps(clean, ensure_ascii=False), status=status,
                                   basis=basis, expires=expires_day, source=source, now=now)
        store.insert_event(c, cid, kind, now, channel, wording, evidence, None, status)
        for lst in lists:
            target = get_list(app, lst, c) if isinstance(lst, int) else ensure_list(app, lst, conn=c)
            if target is None:
                raise ContactError(f"no list with id {lst}")
            add_to_list(app, target.id, [cid], channel=channel, conn=c)
        return _load(c, store.contact_by_id(c, cid))


def _basis(basis, purchase_date, expires, confirmed) -> tuple[str | None, str | None]:
    if basis is None:
        return (consent.EXPRESS if confirmed else None), None
    if basis not in consent.BASES:
        raise ContactError(f"unknown consent basis {basis!r} (express or implied)")
    if basis == consent.EXPRESS:
        return basis, None
    try:
        if expires is not None:
            end = consent.parse_day(expires)
        elif purchase_date is not None:
            bought = consent.parse_day(purchase_date)
            if bought > datetime.now(UTC).date():
                raise ContactError(f"the purchase date {bought.isoformat()} is in the future")
            end = consent.implied_expiry(bought)
        else:
            raise ContactError("implied consent (CASL) needs the date of the purchase")
    except ValueError as exc:
        if isinstance(exc, ContactError):
            raise
        raise ContactError(f"not a date (YYYY-MM-DD): {exc}") from None
    return basis, end.isoformat()


def update_contact(app, contact_id: int, *, email: str | None = None, name: str | None = None,
                   fields: Mapping | None = None, source: str | None = None, channel: str = "gui",
                   conn: sqlite3.Connection | None = None) -> Contact:
    """Rectify a contact (GDPR Art. 16); the trail names what changed (not the old values)."""
    c = _c(app, conn)
    with app.db.transaction(c):
        current = require_contact(app, contact_id, c)
        changes: dict = {}
        changed: list[str] = []
        if email is not None:
            addr = _validated(email)
            if addr.key != current.email_key:
                if store.contact_by_key(c, addr.key) is not None:
                    raise DuplicateContactError(f"{addr.email} is already another contact")
                hit = suppression.suppression_of(app, addr, c)
                if hit is not None:
                    raise SuppressedError(f"{addr.email} is on the suppression list ({hit.reason})")
            if addr.email != current.email or addr.key != current.email_key:
                changes.update(email=addr.email, email_key=addr.key)
                changed.append("email")
        if name is not None and _clean_name(name) != current.name:
            changes["name"] = _clean_name(name)
            changed.append("name")
        if fields is not None:
            clean = _clean_fields(fields)
            if clean != current.fields:
                changes["fields"] = json.dumps(clean, ensure_ascii=False)
                keys = sorted(set(clean) | set(current.fields))
                changed += [f"fields.{k}" for k in keys if clean.get(k) != current.fields.get(k)]
        if source is not None and source != current.source:
            changes["source"] = source
            changed.append("source")
        if not changes:
            return current
        now = now_iso()
        store.update_contact(c, contact_id, now, **changes)
        store.insert_event(c, contact_id, consent.EV_EDITED, now, channel, "",
                           "changed: " + ", ".join(changed), current.status, current.status)
        return require_contact(app, contact_id, c)


def change_status(app, contact_id: int, event_kind: str, channel: str, wording: str = "",
                  evidence: str = "", *, suppress_reason: str | None = None,
                  conn: sqlite3.Connection | None = None) -> Contact:
    """Apply one consent event through the state machine (ConsentError if not allowed)."""
    if event_kind not in consent.STATUS_EVENTS:
        raise consent.ConsentError(f"{event_kind!r} is not a status change "
                                   f"(one of {', '.join(consent.STATUS_EVENTS)})")
    c = _c(app, conn)
    with app.db.transaction(c):
        current = require_contact(app, contact_id, c)
        step = consent.transition(current.status, event_kind, evidence)
        now = now_iso()
        extra: dict = {}
        addr = Address(current.email, current.email_key)
        if event_kind == consent.EV_CONFIRMED:
            extra = {"consent_basis": consent.EXPRESS, "consent_expires_at": None}
            suppression.lift_for_confirmation(app, addr, c)
        elif step.after in consent.OPTED_OUT:
            reason = suppress_reason or consent.SUPPRESSION_REASON[event_kind]
            suppression.suppress(app, addr, reason, conn=c)
        store.set_status(c, contact_id, step.after, now, **extra)
        store.insert_event(c, contact_id, event_kind, now, channel, wording, evidence, step.before, step.after)
        return require_contact(app, contact_id, c)


def record_event(app, contact_id: int, kind: str, channel: str, wording: str = "", evidence: str = "",
                 conn: sqlite3.Connection | None = None) -> None:
    if kind not in consent.RECORD_EVENTS:
        raise consent.ConsentError(f"{kind!r} is not a record-only event (one of {', '.join(consent.RECORD_EVENTS)})")
    c = _c(app, conn)
    with app.db.transaction(c):
        current = require_contact(app, contact_id, c)
        store.insert_event(c, contact_id, kind, now_iso(), channel, wording, evidence,
                           current.status, current.status)


def mark_confirmation_requested(app, contact_id: int, wording: str, channel: str = "send",
                                evidence: str = "", conn: sqlite3.Connection | None = None) -> None:
    """A double opt-in request went out: count it and keep the exact wording as evidence."""
    c = _c(app, conn)
    with app.db.transaction(c):
        current = require_contact(app, contact_id, c)
        now = now_iso()
        store.update_contact(c, contact_id, now, confirm_sent_at=now,
                             confirm_sent_count=current.confirm_sent_count + 1)
        store.insert_event(c, contact_id, consent.EV_CONFIRMATION_REQUESTED, now, channel, wording, evidence,
                           current.status, current.status)


def bulk_change_status(app, contact_ids: Iterable[int], event_kind: str, channel: str, wording: str = "",
                       evidence: str = "", progress: Progress = NO_PROGRESS) -> int:
    """Apply one status event to many contacts, 500 per transaction; returns how many changed status.
    Cancelling keeps what was done so far (each chunk is complete)."""
    ids = list(contact_ids)
    changed = 0
    conn = app.db.conn
    for start in range(0, len(ids), 500):
        progress.check()
        progress.update(start, len(ids), "Updating contacts")
        with app.db.transaction(conn):
            for cid in ids[start:start + 500]:
                before = store.contact_by_id(conn, cid)
                if before is None:
                    continue
                after = change_status(app, cid, event_kind, channel, wording, evidence, conn=conn)
                changed += after.status != before["status"]
    progress.update(len(ids), len(ids), "Done")
    return changed
