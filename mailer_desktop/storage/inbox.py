"""SQL for inbox processing: IMAP settings of accounts, processed mail, bounce events."""

from __future__ import annotations

import sqlite3
from typing import Any

from .db import now_iso, update_columns


def imap_account(conn: sqlite3.Connection, ref: str | int) -> dict[str, Any] | None:
    """The IMAP columns of an account by id or case-insensitive name."""
    sql = ("SELECT id AS account_id, name AS account_name, imap_host AS host, imap_port AS port, "
           "imap_security AS security, imap_username AS username, imap_folder AS folder, "
           "imap_done_folder AS done_folder, imap_authserv_id AS authserv_id FROM accounts WHERE ")
    if isinstance(ref, int) or str(ref).isdigit() and not conn.execute(
            "SELECT 1 FROM accounts WHERE name = ? COLLATE NOCASE", (str(ref),)).fetchone():
        row = conn.execute(sql + "id = ?", (int(ref),)).fetchone()
    else:
        row = conn.execute(sql + "name = ? COLLATE NOCASE", (str(ref),)).fetchone()
    return dict(row) if row is not None else None


def set_imap(conn: sqlite3.Connection, account_id: int, **values: Any) -> None:
    allowed = {"imap_host", "imap_port", "imap_security", "imap_username", "imap_folder", "imap_done_folder",
               "imap_authserv_id"}
    update_columns(conn, "accounts", account_id, values, allowed, what="IMAP settings")


def seen(conn: sqlite3.Connection, message_key: str) -> bool:
    return conn.execute("SELECT 1 FROM inbox_messages WHERE message_key = ?", (message_key,)).fetchone() is not None


def message_kind(conn: sqlite3.Connection, message_key: str) -> tuple[str, str] | None:
    """(kind, outcome) recorded for a processed message, or None."""
    row = conn.execute("SELECT kind, outcome FROM inbox_messages WHERE message_key = ?", (message_key,)).fetchone()
    return (row[0] or "unknown", row[1] or "") if row else None


def record_message(conn: sqlite3.Connection, *, message_key: str, source: str, sender: str, subject: str,
                   received_at: str | None, kind: str, outcome: str, contact_id: int | None,
                   needs_review: bool, snippet: str) -> int:
    cur = conn.execute(
        "INSERT INTO inbox_messages (message_key, source, sender, subject, received_at, processed_at, kind,"
        " outcome, contact_id, needs_review, snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (message_key, source, sender, subject, received_at, now_iso(), kind, outcome, contact_id,
         1 if needs_review else 0, snippet))
    return int(cur.lastrowid)


def add_bounce_event(conn: sqlite3.Connection, *, contact_id: int | None, campaign_id: int | None,
                     inbox_message_id: int, kind: str, status: str, reason: str, at: str | None = None) -> int:
    if campaign_id is not None and conn.execute("SELECT 1 FROM campaigns WHERE id = ?", (campaign_id,)).fetchone() is None:
        campaign_id = None  # a reference to a campaign deleted since
    cur = conn.execute(
        "INSERT INTO bounce_events (contact_id, campaign_id, inbox_message_id, kind, status, reason, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (contact_id, campaign_id, inbox_message_id, kind, status, reason[:500], at or now_iso()))
    return int(cur.lastrowid)


def soft_bounces_since(conn: sqlite3.Connection, contact_id: int, since_iso: str, exclude_prefix: str = "") -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM bounce_events WHERE contact_id = ? AND kind = 'soft' AND at >= ?"
        " AND (? = '' OR substr(reason, 1, length(?)) <> ?)",
        (contact_id, since_iso, exclude_prefix, exclude_prefix, exclude_prefix)).fetchone()
    return int(row[0])


def finish_message(conn: sqlite3.Connection, inbox_message_id: int, *, outcome: str, contact_id: int | None,
                   needs_review: bool) -> None:
    conn.execute("UPDATE inbox_messages SET outcome = ?, contact_id = ?, needs_review = ? WHERE id = ?",
                 (outcome, contact_id, 1 if needs_review else 0, inbox_message_id))


def review_items(conn: sqlite3.Connection, limit: int = 500) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, source, sender, subject, received_at, processed_at, kind, outcome, contact_id, snippet"
        " FROM inbox_messages WHERE needs_review = 1 AND decision IS NULL ORDER BY id LIMIT ?", (limit,))
    return [dict(r) for r in rows]


def review_item(conn: sqlite3.Connection, inbox_message_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, message_key, source, sender, subject, received_at, processed_at, kind, outcome, contact_id,"
        " snippet FROM inbox_messages WHERE id = ? AND needs_review = 1 AND decision IS NULL",
        (inbox_message_id,)).fetchone()
    return dict(row) if row is not None else None


def decide_review(conn: sqlite3.Connection, inbox_message_id: int, decision: str) -> bool:
    cur = conn.execute("UPDATE inbox_messages SET decision = ?, needs_review = 0 WHERE id = ? AND needs_review = 1",
                       (decision, inbox_message_id))
    return cur.rowcount == 1


def recent_messages(conn: sqlite3.Connection, limit: int = 200) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, source, sender, subject, received_at, processed_at, kind, outcome, contact_id, needs_review,"
        " decision FROM inbox_messages ORDER BY id DESC LIMIT ?", (limit,))
    return [dict(r) for r in rows]


# -- what returned mail refers to --------------------------------------------------------------
def delivery_by_message_id(conn: sqlite3.Connection, message_id: str) -> sqlite3.Row | None:
    """The send-log row of a message this data folder sent, by its Message-ID (with or without <>)."""
    mid = message_id.strip().strip("<>").strip()
    if not mid:
        return None
    return conn.execute(
        "SELECT d.contact_id, d.campaign_id, d.finished_at, d.claimed_at, k.kind FROM deliveries d"
        " JOIN campaigns k ON k.id = d.campaign_id WHERE d.message_id = ? AND d.contact_id IS NOT NULL",
        (f"<{mid}>",)).fetchone()


def last_opt_out(conn: sqlite3.Connection, contact_id: int) -> tuple[int, str] | None:
    """(event id, time) of the contact's last opt-out (unsubscribed, bounced, complained) in the trail.
    Event ids order one contact's events exactly, also within one second."""
    row = conn.execute(
        "SELECT id, at FROM consent_events WHERE contact_id = ? AND kind IN ('unsubscribed', 'bounced',"
        " 'complained') AND status_after IN ('unsubscribed', 'bounced', 'complained') ORDER BY id DESC LIMIT 1",
        (contact_id,)).fetchone()
    return (row[0], row[1]) if row else None


def requests_after(conn: sqlite3.Connection, contact_id: int, after_event: int | None,
                   not_before: str | None) -> list[str]:
    """Times of the confirmation requests sent to the contact after the event ``after_event`` and
    not before the time ``not_before`` (either may be None), oldest first."""
    return [r[0] for r in conn.execute(
        "SELECT at FROM consent_events WHERE contact_id = ?1 AND kind = 'confirmation_requested'"
        " AND (?2 IS NULL OR id > ?2) AND (?3 IS NULL OR at >= ?3) ORDER BY id", (contact_id, after_event, not_before))]


def reconfirmation_of(conn: sqlite3.Connection, campaign_id: int, contact_id: int) -> str | None:
    """When the user started this confirmation campaign's request to a contact who had opted out."""
    row = conn.execute("SELECT requested_at FROM reconfirmations WHERE campaign_id = ? AND contact_id = ?",
                       (campaign_id, contact_id)).fetchone()
    return row[0] if row else None
