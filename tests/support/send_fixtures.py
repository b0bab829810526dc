"""Helpers for send tests: quick contacts and campaigns, and a tiny renderer.

The tiny renderer stands in where a test is about the engine, not about message content; the
end-to-end tests use the real composer.
"""

from __future__ import annotations

import json
import uuid

from mailer_desktop.domain.addresses import normalize
from mailer_desktop.storage.db import now_iso


class TinyRenderer:
    def __init__(self, app, campaign_id: int):
        self.campaign_id = campaign_id
        self.rendered = 0

    def bytes_for(self, contact):
        self.rendered += 1
        mid = f"<{self.campaign_id}.{contact.id}.{uuid.uuid4().hex}@test.example>"
        text = (f"From: shop@example.com\r\nTo: {contact.email}\r\nSubject: Hello\r\nMessage-ID: {mid}\r\n"
                f"X-Test-Contact: {contact.id}\r\n\r\nHello {contact.name}\r\n")
        return text.encode("utf-8"), mid


def tiny(app, campaign_id):
    return TinyRenderer(app, campaign_id)


def bulk_contacts(app, emails, *, list_name: str = "News", status: str = "confirmed",
                  basis: str | None = "express", expires: str | None = None) -> int:
    """Insert contacts straight into the tables (fast, for thousands); returns the list id."""
    conn = app.db.conn
    now = now_iso()
    with app.db.transaction():
        conn.execute("INSERT OR IGNORE INTO lists(name, created_at) VALUES (?, ?)", (list_name, now))
        list_id = conn.execute("SELECT id FROM lists WHERE name = ?", (list_name,)).fetchone()[0]
        for email in emails:
            addr = normalize(email)
            cur = conn.execute(
                "INSERT INTO contacts(email, email_key, name, fields, status, consent_basis, consent_expires_at, "
                "source, created_at, updated_at, status_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'test', ?, ?, ?)",
                (addr.email, addr.key, addr.local.title(), json.dumps({}), status,
                 basis if status == "confirmed" else None, expires, now, now, now))
            conn.execute("INSERT INTO list_members(list_id, contact_id, added_at) VALUES (?, ?, ?)",
                         (list_id, cur.lastrowid, now))
    return list_id


def make_campaign(app, list_id: int, *, name: str = "Spring news", kind: str = "campaign") -> int:
    with app.db.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO campaigns(name, kind, list_id, subject, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (name, kind, list_id, "Hello", "<p>Hello {{ contact.name }}</p>", now_iso()))
    return int(cur.lastrowid)


def loopback_account(app, port: int, *, name: str = "local", pool_size: int = 4, rate: float = 0,
                     per_day: int = 0, username: str = "", password: str | None = None):
    from mailer_desktop.services.accounts.manage import add_account

    return add_account(app, name, host="127.0.0.1", port=port, security="none", username=username,
                       password=password, pool_size=pool_size, rate_per_second=rate, rate_per_day=per_day)
