"""How current the inbox processing is: the age of the oldest unprocessed reply, reminders.

Opt-outs must be honoured within 2 days (Gmail, Yahoo) and 10 business days (CAN-SPAM, CASL).
With an IMAP mailbox configured, :func:`peek_imap` looks (read-only, fetching no bodies) for
the oldest message not yet processed and keeps its date in ``app_meta``; every processing run
is recorded by :func:`record_run`. :func:`reminder` turns both into one sentence for the
status bar when mail has waited longer than the ``inbox.reminder_hours`` setting.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...storage import inbox as inbox_store
from ...storage.db import now_iso
from ...storage.meta import get_meta, set_meta
from ..app import App

OLDEST = "inbox.oldest_unprocessed_at"
LAST_RUN = "inbox.last_processed_at"
_FMT = "%Y-%m-%dT%H:%M:%SZ"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime(_FMT)


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.strptime(iso, _FMT).replace(tzinfo=UTC)
    except ValueError:
        return None


def imap_accounts(app: App) -> list[str]:
    """Names of the accounts that have an IMAP mailbox configured."""
    rows = app.db.conn.execute("SELECT name FROM accounts WHERE imap_host != '' ORDER BY name COLLATE NOCASE")
    return [r[0] for r in rows]


def record_run(app: App, *, whole_mailbox: bool) -> None:
    """A processing run finished. ``whole_mailbox``: it read every unprocessed mail of the mailbox
    (IMAP), so nothing older waits there any more."""
    with app.db.transaction() as conn:
        set_meta(conn, LAST_RUN, now_iso())
        if whole_mailbox:
            conn.execute("DELETE FROM app_meta WHERE key = ?", (OLDEST,))


def peek_imap(app: App, account: str | int, *, tls_context=None) -> datetime | None:
    """Look (read-only) for the oldest mail still waiting in the account's IMAP folder, and keep
    its arrival date for the reminders. None: nothing waits."""
    from .processor import oldest_waiting

    oldest = oldest_waiting(app, account, tls_context=tls_context)
    with app.db.transaction() as tx:
        if oldest is None:
            tx.execute("DELETE FROM app_meta WHERE key = ?", (OLDEST,))
        else:
            set_meta(tx, OLDEST, _iso(oldest))
    return oldest


def oldest_unprocessed(app: App) -> datetime | None:
    return _parse(get_meta(app.db.conn, OLDEST))


def last_run(app: App) -> datetime | None:
    return _parse(get_meta(app.db.conn, LAST_RUN))


def _last_campaign_sent(app: App) -> datetime | None:
    row = app.db.conn.execute(
        "SELECT MAX(finished_at) FROM deliveries WHERE state = 'sent' AND finished_at IS NOT NULL").fetchone()
    return _parse(row[0]) if row else None


def reminder(app: App, now: datetime | None = None) -> tuple[str, bool]:
    """(text for the status bar, True when it is a reminder that needs action)."""
    now = now or datetime.now(UTC)
    limit = app.settings.get("inbox.reminder_hours")
    oldest = oldest_unprocessed(app)
    if oldest is not None:
        hours = (now - oldest).total_seconds() / 3600
        if hours > limit:
            return (f"Unprocessed replies for {hours:.0f} hours: process the inbox — opt-outs must be honoured "
                    "within 2 days.", True)
        return f"Oldest unprocessed reply: {hours:.0f} hours old.", False
    last, sent = last_run(app), _last_campaign_sent(app)
    if sent is not None and (last is None or last < sent):
        hours = (now - sent).total_seconds() / 3600
        if hours > limit:
            return (f"Replies to mail sent {hours:.0f} hours ago have not been processed yet: process the inbox "
                    "— opt-outs must be honoured within 2 days.", True)
        return "Replies to your last sending have not been processed yet.", False
    if last is not None:
        return f"Inbox processed {last.astimezone().strftime('%Y-%m-%d %H:%M')}.", False
    return "", False


def recent(app: App, limit: int = 300) -> list[dict]:
    """The most recently processed mails, newest first (for the Inbox page)."""
    return inbox_store.recent_messages(app.db.conn, limit)
