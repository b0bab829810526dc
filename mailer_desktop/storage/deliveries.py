"""SQL for the durable send log (``deliveries``), recipient selection and campaign send state.

A delivery row moves ``queued → sending → sent | failed | deferred | queued (retry)``. The
claim to ``sending`` is committed before the SMTP transaction starts; a row still ``sending``
when a later run starts was cut off and becomes ``uncertain``. ``skipped`` rows name their
reason in ``last_reply`` (e.g. ``unsubscribed``, ``suppressed``), which is how
``campaign status`` counts exclusions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from .db import now_iso

STATES = ("queued", "sending", "sent", "deferred", "failed", "uncertain", "skipped")
INTERRUPTED = "interrupted mid-transaction (the program stopped); it may or may not have arrived"


# -- campaigns -------------------------------------------------------------------------------
def campaign(conn: sqlite3.Connection, campaign_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()


def set_campaign_state(conn: sqlite3.Connection, campaign_id: int, state: str, reason: str = "",
                       *, started: bool = False, finished: bool = False) -> None:
    now = now_iso()
    conn.execute(
        "UPDATE campaigns SET state = ?, state_reason = ?, "
        "started_at = CASE WHEN ? AND started_at IS NULL THEN ? ELSE started_at END, "
        "finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?",
        (state, reason, started, now, finished, now, campaign_id),
    )


def set_campaign_account(conn: sqlite3.Connection, campaign_id: int, account_id: int) -> None:
    conn.execute("UPDATE campaigns SET account_id = ? WHERE id = ?", (account_id, campaign_id))


def counts_by_campaign(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for cid, state, n in conn.execute("SELECT campaign_id, state, COUNT(*) FROM deliveries GROUP BY campaign_id, state"):
        out.setdefault(cid, dict.fromkeys(STATES, 0))[state] = n
    return out


def campaigns_page(conn: sqlite3.Connection, kinds: Sequence[str] = ("campaign",), limit: int = 500):
    marks = ",".join("?" for _ in kinds)
    return conn.execute(
        f"SELECT c.*, l.name AS list_name, a.name AS account_name FROM campaigns c "
        f"LEFT JOIN lists l ON l.id = c.list_id LEFT JOIN accounts a ON a.id = c.account_id "
        f"WHERE c.kind IN ({marks}) ORDER BY c.id DESC LIMIT ?", (*kinds, limit)).fetchall()


# -- recipients ------------------------------------------------------------------------------
def list_member_rows(conn: sqlite3.Connection, list_id: int | None):
    """Every member of a list (all statuses) with what eligibility needs. ``None``: all contacts."""
    cols = "c.id, c.email, c.email_key, c.status, c.consent_basis, c.consent_expires_at"
    if list_id is None:
        return conn.execute(f"SELECT {cols} FROM contacts c ORDER BY c.id")
    return conn.execute(
        f"SELECT {cols} FROM list_members m JOIN contacts c ON c.id = m.contact_id "
        f"WHERE m.list_id = ? ORDER BY c.id", (list_id,))


def suppressed_hashes(conn: sqlite3.Connection, hashes: Iterable[str]) -> dict[str, str]:
    """{hash: reason} for those of ``hashes`` on the suppression list."""
    out: dict[str, str] = {}
    chunk: list[str] = []
    for h in hashes:
        chunk.append(h)
        if len(chunk) >= 500:
            out.update(_suppressed_chunk(conn, chunk))
            chunk = []
    if chunk:
        out.update(_suppressed_chunk(conn, chunk))
    return out


def _suppressed_chunk(conn, chunk: list[str]) -> dict[str, str]:
    marks = ",".join("?" for _ in chunk)
    return {r[0]: r[1] for r in conn.execute(f"SELECT hash, reason FROM suppressions WHERE hash IN ({marks})", chunk)}


def insert_recipients(conn: sqlite3.Connection, campaign_id: int, queued: Iterable[int],
                      skipped: Iterable[tuple[int, str]]) -> None:
    now = now_iso()
    conn.executemany(
        "INSERT OR IGNORE INTO deliveries(campaign_id, contact_id, state, queued_at) VALUES (?, ?, 'queued', ?)",
        ((campaign_id, cid, now) for cid in queued))
    conn.executemany(
        "INSERT OR IGNORE INTO deliveries(campaign_id, contact_id, state, last_reply, queued_at) "
        "VALUES (?, ?, 'skipped', ?, ?)", ((campaign_id, cid, reason, now) for cid, reason in skipped))


# -- run start ---------------------------------------------------------------------------------
def mark_interrupted_uncertain(conn: sqlite3.Connection, campaign_id: int) -> int:
    cur = conn.execute(
        "UPDATE deliveries SET state = 'uncertain', last_reply = ?, finished_at = ? "
        "WHERE campaign_id = ? AND state = 'sending'", (INTERRUPTED, now_iso(), campaign_id))
    return cur.rowcount


def requeue_deferred(conn: sqlite3.Connection, campaign_id: int) -> int:
    cur = conn.execute("UPDATE deliveries SET state = 'queued', next_attempt_at = NULL "
                       "WHERE campaign_id = ? AND state = 'deferred'", (campaign_id,))
    return cur.rowcount


def requeue(conn: sqlite3.Connection, campaign_id: int, delivery_ids: Sequence[int] | None = None,
            states: Sequence[str] = ("uncertain",)) -> int:
    """Put rows back in the queue (the user chose to resend uncertain ones, or a policy burst
    was about the sender, not these recipients)."""
    marks = ",".join("?" for _ in states)
    sql = f"UPDATE deliveries SET state = 'queued' WHERE campaign_id = ? AND state IN ({marks})"
    params: list = [campaign_id, *states]
    if delivery_ids is not None:
        if not delivery_ids:
            return 0
        sql += f" AND id IN ({','.join('?' for _ in delivery_ids)})"
        params += list(delivery_ids)
    return conn.execute(sql, params).rowcount


# -- the run -----------------------------------------------------------------------------------
def queued_batch(conn: sqlite3.Connection, campaign_id: int, after_id: int, limit: int):
    """The next queued rows with the contact data rendering needs."""
    return conn.execute(
        "SELECT d.id AS delivery_id, d.attempts, c.* FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
        "WHERE d.campaign_id = ? AND d.state = 'queued' AND d.id > ? ORDER BY d.id LIMIT ?",
        (campaign_id, after_id, limit)).fetchall()


def claim(conn: sqlite3.Connection, delivery_id: int, contact_id: int, message_id: str,
          required_status: str = "confirmed") -> bool:
    """queued → sending, only while the contact still has ``required_status`` (or, for a request
    the user started for someone who opted out, while that request stands). False: not claimable."""
    cur = conn.execute(
        "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, claimed_at = ?, message_id = ? "
        "WHERE id = ? AND state = 'queued' AND (EXISTS "
        "(SELECT 1 FROM contacts WHERE id = ?4 AND status = ?5) OR ?5 = 'pending' AND EXISTS "
        "(SELECT 1 FROM reconfirmations r WHERE r.campaign_id = deliveries.campaign_id AND r.contact_id = ?4))",
        (now_iso(), message_id, delivery_id, contact_id, required_status))
    return cur.rowcount == 1


def record(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str | None, str | None, int]]) -> None:
    """Write outcomes: (state, reply, finished_at, next_attempt_at, delivery_id)."""
    conn.executemany(
        "UPDATE deliveries SET state = ?, last_reply = ?, finished_at = ?, next_attempt_at = ? WHERE id = ?",
        rows)


def skip(conn: sqlite3.Connection, rows: Iterable[tuple[str, int]]) -> None:
    """(reason, delivery_id): a queued row whose contact may no longer be mailed."""
    conn.executemany("UPDATE deliveries SET state = 'skipped', last_reply = ? WHERE id = ? AND state = 'queued'",
                     rows)


# -- reporting ---------------------------------------------------------------------------------
def state_counts(conn: sqlite3.Connection, campaign_id: int) -> dict[str, int]:
    found = dict(conn.execute("SELECT state, COUNT(*) FROM deliveries WHERE campaign_id = ? GROUP BY state",
                              (campaign_id,)).fetchall())
    return {s: int(found.get(s, 0)) for s in STATES}


def skipped_counts(conn: sqlite3.Connection, campaign_id: int) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in conn.execute(
        "SELECT last_reply, COUNT(*) FROM deliveries WHERE campaign_id = ? AND state = 'skipped' "
        "GROUP BY last_reply ORDER BY last_reply", (campaign_id,))}


def deliveries_page(conn: sqlite3.Connection, campaign_id: int, offset: int, limit: int,
                    state: str | None = None, total: int | None = None):
    """One window of a campaign's send log, in delivery order. The window's ids are found in
    a narrow index first (deliveries_by_campaign, or deliveries_by_state with a state), so the
    rows skipped by the offset are never joined to their contacts. Given the log's ``total``,
    a window in its second half is counted from the far end (the last window costs no more
    than the first)."""
    where = "campaign_id = ?" + (" AND state = ?" if state else "")
    params: list = [campaign_id] + ([state] if state else [])
    order = "id"
    if total is not None and offset > total // 2 and offset < total:
        order = "id DESC"
        offset, limit = max(0, total - offset - limit), min(limit, total - offset)
    return conn.execute(
        f"SELECT d.id, d.contact_id, c.email, d.state, d.attempts, d.last_reply, d.message_id, d.claimed_at, "
        f"d.finished_at FROM (SELECT id FROM deliveries WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?) AS w "
        f"JOIN deliveries d ON d.id = w.id LEFT JOIN contacts c ON c.id = d.contact_id ORDER BY d.id",
        (*params, limit, offset)).fetchall()


def deliveries_count(conn: sqlite3.Connection, campaign_id: int, state: str | None = None) -> int:
    if state:
        return conn.execute("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ? AND state = ?",
                            (campaign_id, state)).fetchone()[0]
    return conn.execute("SELECT COUNT(*) FROM deliveries WHERE campaign_id = ?", (campaign_id,)).fetchone()[0]


def insert_bounce(conn: sqlite3.Connection, contact_id: int, campaign_id: int, status: str, reason: str) -> None:
    conn.execute("INSERT INTO bounce_events(contact_id, campaign_id, kind, status, reason, at) "
                 "VALUES (?, ?, 'hard', ?, ?, ?)", (contact_id, campaign_id, status, reason, now_iso()))


def hard_bounce_count(conn: sqlite3.Connection, campaign_id: int) -> int:
    return conn.execute("SELECT COUNT(*) FROM bounce_events WHERE campaign_id = ? AND kind = 'hard'",
                        (campaign_id,)).fetchone()[0]


def first_list_member(conn: sqlite3.Connection, list_id: int):
    return conn.execute(
        "SELECT c.id, c.name, c.fields FROM list_members m JOIN contacts c ON c.id = m.contact_id "
        "WHERE m.list_id = ? ORDER BY c.id LIMIT 1", (list_id,)).fetchone()


# -- confirmation requests -----------------------------------------------------------------------
def pending_due(conn: sqlite3.Connection, list_id: int | None, max_requests: int, cutoff: str):
    """Pending contacts with fewer than ``max_requests`` requests, the last one before ``cutoff``
    (or none yet), and not waiting in an unfinished confirmation campaign."""
    params: list = [max_requests, cutoff]
    join = ""
    if list_id is not None:
        join = "JOIN list_members m ON m.contact_id = c.id AND m.list_id = ?"
        params.insert(0, list_id)
    return conn.execute(
        f"SELECT c.id, c.email, c.email_key, c.status, c.consent_basis, c.consent_expires_at FROM contacts c "
        f"{join} WHERE c.status = 'pending' AND c.confirm_sent_count < ? "
        f"AND (c.confirm_sent_count = 0 OR c.confirm_sent_at <= ?) AND NOT EXISTS (SELECT 1 FROM deliveries d "
        f"JOIN campaigns k ON k.id = d.campaign_id WHERE d.contact_id = c.id AND k.kind = 'confirmation' "
        f"AND d.state IN ('queued', 'sending', 'deferred', 'uncertain')) ORDER BY c.id", params).fetchall()


def unfinished_confirmation_campaigns(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT id FROM campaigns WHERE kind = 'confirmation' AND state IN ('draft', 'sending', 'paused') "
        "ORDER BY id")]


def reconfirmation_contacts(conn: sqlite3.Connection, campaign_id: int) -> set[int]:
    """Contacts this confirmation campaign may ask again although they opted out (user-started)."""
    return {r[0] for r in conn.execute("SELECT contact_id FROM reconfirmations WHERE campaign_id = ?",
                                       (campaign_id,))}


def add_reconfirmation(conn: sqlite3.Connection, campaign_id: int, contact_id: int) -> None:
    conn.execute("INSERT OR IGNORE INTO reconfirmations (campaign_id, contact_id, requested_at) VALUES (?, ?, ?)",
                 (campaign_id, contact_id, now_iso()))
