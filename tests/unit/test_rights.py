"""Export, erasure (with a raw byte scan of the database file and its WAL) and retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import rights, suppression
from mailer_desktop.services.contacts.errors import ContactNotFound, SuppressedError
from mailer_desktop.storage.db import now_iso

ADDRESS = "Quentin.Zarkowski@Example.com"
NAME = "Quentin Zarkowski"


def _history(app, contact_id: int) -> None:
    """Rows the send engine and the inbox processor write, so export and erasure see them."""
    conn = app.db.conn
    now = now_iso()
    camp = conn.execute("INSERT INTO campaigns (name, subject, created_at) VALUES ('Spring', 'Hello', ?)",
                        (now,)).lastrowid
    conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, last_reply, message_id, queued_at)"
                 " VALUES (?, ?, 'sent', '250 ok', '<m1@shop.example>', ?)", (camp, contact_id, now))
    msg = conn.execute(
        "INSERT INTO inbox_messages (message_key, sender, subject, processed_at, kind, contact_id, snippet)"
        " VALUES ('<b1@mx>', 'mailer-daemon@mx.example', 'Undelivered', ?, 'hard', ?, ?)",
        (now, contact_id, f"550 5.1.1 <{ADDRESS.lower()}>: no such user")).lastrowid
    conn.execute("INSERT INTO bounce_events (contact_id, campaign_id, inbox_message_id, kind, status, reason, at)"
                 " VALUES (?, ?, ?, 'hard', '5.1.1', ?, ?)", (contact_id, camp, msg, f"{ADDRESS} unknown", now))
    # an unmatched review item that still names the address
    conn.execute("INSERT INTO inbox_messages (message_key, sender, subject, processed_at, kind, needs_review)"
                 " VALUES ('<r1@mx>', ?, 'please remove me', ?, 'unknown', 1)", (ADDRESS, now))


def test_export_contains_everything_held(app):
    c = contacts.add_contact(app, ADDRESS, NAME, {"city": "Oslo"}, lists=["News"], source="fair")
    _history(app, c.id)
    data = rights.export_person(app, ADDRESS)
    assert data["format"].startswith("mailer-desktop-person-export/")
    assert data["contact"]["email"] == "Quentin.Zarkowski@example.com"
    assert data["contact"]["fields"] == {"city": "Oslo"} and data["contact"]["source"] == "fair"
    assert data["lists"] == ["News"]
    assert [d["message_id"] for d in data["deliveries"]] == ["<m1@shop.example>"]
    assert data["deliveries"][0]["campaign_subject"] == "Hello"
    assert [b["status"] for b in data["bounce_events"]] == ["5.1.1"]
    assert [m["message_key"] for m in data["inbox_messages"]] == ["<b1@mx>"]
    assert data["consent_trail"][-1]["kind"] == "exported"
    json.dumps(data)  # JSON-ready
    with pytest.raises(ContactNotFound):
        rights.export_person(app, "nobody@example.com")


def _scan(app, needles: list[bytes]) -> dict[str, list[bytes]]:
    found = {}
    for suffix in ("", "-wal"):
        path = Path(str(app.paths.database) + suffix)
        if path.exists():
            raw = path.read_bytes().lower()
            hits = [n for n in needles if n.lower() in raw]
            if hits:
                found[path.name] = hits
    return found


def test_erase_leaves_no_byte_of_the_address_in_file_or_wal(app):
    # enough other rows that the database spans many pages and the WAL is busy
    with app.db.transaction() as conn:
        for i in range(300):
            contacts.add_contact(app, f"other{i}@example.org", f"Other {i}", conn=conn)
    c = contacts.add_contact(app, ADDRESS, NAME, {"note": "zarkowski-private-note"}, lists=["News"])
    contacts.update_contact(app, c.id, name=NAME + " Jr")
    contacts.change_status(app, c.id, "unsubscribed", "email_reply", evidence="<unsub-zarkowski@mail>")
    _history(app, c.id)
    rights.export_person(app, c.id)
    needles = [b"zarkowski", ADDRESS.lower().encode(), b"quentin"]
    assert _scan(app, needles)  # the scan does find it before erasure

    report = rights.erase_person(app, ADDRESS.upper())
    assert report.was_contact and report.compacted
    assert _scan(app, needles) == {}

    conn = app.db.conn
    assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM bounce_events").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM inbox_messages").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM list_members").fetchone()[0] == 0
    [event] = conn.execute("SELECT * FROM consent_events WHERE kind = 'erased'").fetchall()
    assert event["contact_id"] is None and event["evidence"] == "" and event["wording"] == ""
    [entry] = suppression.list_suppressions(app, reason="erased")
    assert entry.display is None
    assert contacts.count(app) == 300
    assert contacts.count(app, contacts.ContactQuery(search="zarkowski")) == 0
    with pytest.raises(SuppressedError, match="erased"):
        contacts.add_contact(app, ADDRESS)


def test_erasing_an_address_that_is_not_a_contact_still_blocks_it(app):
    report = rights.erase_person(app, "someone@example.com")
    assert not report.was_contact
    assert suppression.suppression_of(app, "someone@example.com").reason == "erased"


def test_erase_many_erases_each_and_compacts_once(app):
    ids = [contacts.add_contact(app, f"p{i}@example.com").id for i in range(5)]
    keep = contacts.add_contact(app, "keep@example.com")
    assert rights.erase_many(app, ids[:3]) == 3
    assert contacts.count(app) == 3 and contacts.get_contact(app, keep.id) is not None
    assert suppression.count_suppressions(app, reason="erased") == 3


def test_retention_purges_only_old_pending_contacts(app):
    old_pending = contacts.add_contact(app, "old@example.com")
    old_confirmed = contacts.add_contact(app, "oldc@example.com", confirmed=True, evidence="form")
    fresh = contacts.add_contact(app, "new@example.com")
    long_ago = (datetime.now(UTC) - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%SZ")
    app.db.conn.execute("UPDATE contacts SET created_at = ? WHERE id IN (?, ?)",
                        (long_ago, old_pending.id, old_confirmed.id))
    assert rights.purge_pending(app) == 1
    assert contacts.get_contact(app, old_pending.id) is None
    assert contacts.get_contact(app, old_confirmed.id) is not None
    assert contacts.get_contact(app, fresh.id) is not None
    [event] = app.db.conn.execute("SELECT * FROM consent_events WHERE kind = 'purged'").fetchall()
    assert event["contact_id"] is None and event["evidence"].startswith("1 pending")
    assert not suppression.is_suppressed(app, "old@example.com")  # may sign up again
    # the setting decides; 0 switches purging off
    app.settings.set("consent.pending_retention_days", 0)
    app.db.conn.execute("UPDATE contacts SET created_at = ? WHERE id = ?", (long_ago, fresh.id))
    assert rights.purge_pending(app) == 0
    assert rights.purge_pending(app, days=10) == 1
