"""Contacts to preview a campaign with (the GUI composer and ``campaign preview``)."""

from __future__ import annotations

import json

from ...domain.addresses import key_of
from ...storage import campaigns as store

SAMPLE_CONTACT = {"id": 0, "email": "sample.reader@example.com", "name": "Sample Reader", "fields": {}}


def _as_dict(row) -> dict:
    return {"id": row["id"], "email": row["email"], "name": row["name"],
            "fields": json.loads(row["fields"] or "{}"), "status": row["status"], "token_id": row["token_id"]}


def preview_contact(app, campaign, email: str | None = None) -> dict:
    """The contact called ``email`` (LookupError if unknown), else the list's first contact, else a sample."""
    conn = app.db.conn
    if email:
        row = store.contact_row_by_key(conn, key_of(email))
        if row is None:
            raise LookupError(f"there is no contact {email!r}")
        return _as_dict(row)
    rows = store.sample_contacts(conn, campaign.list_id, limit=1)
    return _as_dict(rows[0]) if rows else dict(SAMPLE_CONTACT)


def preview_contacts(app, list_id: int | None, limit: int = 50) -> list[dict]:
    """Contacts offered in the composer's preview picker (confirmed ones first)."""
    return [_as_dict(r) for r in store.sample_contacts(app.db.conn, list_id, limit)]


def known_fields(app, list_id: int | None) -> list[str]:
    """Custom field names present on contacts (of a list), for the merge-field picker."""
    return sorted(store.field_names(app.db.conn, list_id), key=str.lower)


def list_names(app) -> list[str]:
    """Names of the contact lists, for list pickers."""
    return store.list_names(app.db.conn)
