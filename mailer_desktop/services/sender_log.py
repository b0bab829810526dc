"""The engine's writer of the send log.

Durability rule: a message's SMTP transaction starts only after its claim (``sending``) is
committed. Outcomes are buffered and committed together with the *next* claim (or by the
periodic flush), which keeps the engine fast while guaranteeing that, per connection, at
most one row can be left ``sending`` by a crash: the one whose transaction was under way or
whose outcome had not been committed yet. Such rows become ``uncertain`` at the next start.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ..domain import consent
from ..storage import accounts as account_store
from ..storage import deliveries as store
from ..storage.db import now_iso
from . import contacts as contacts_service
from .app import App

log = logging.getLogger(__name__)


def utc_day() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


class SendLog:
    def __init__(self, app: App, campaign_id: int, account_id: int, *, confirmation_wording: str | None = None):
        self.app = app
        self.conn = app.db.conn
        self.campaign_id = campaign_id
        self.account_id = account_id
        self.confirmation_wording = confirmation_wording  # set for confirmation-request campaigns
        self._results: list[tuple[str, str, str | None, str | None, int]] = []
        self._skips: list[tuple[str, int]] = []
        self._bounces: list[tuple[int, str, str]] = []
        self._confirm_requests: list[tuple[int, str]] = []
        self._sent_unsaved = 0

    # -- buffered ------------------------------------------------------------------------
    def result(self, delivery_id: int, state: str, reply: str, *, retry_at: str | None = None) -> None:
        finished = None if state == "queued" else now_iso()
        self._results.append((state, reply[:1000], finished, retry_at, delivery_id))
        if state == "sent":
            self._sent_unsaved += 1

    def hard_bounce(self, contact_id: int, status: str, reply: str) -> None:
        self._bounces.append((contact_id, status, reply[:1000]))

    def confirmation_sent(self, contact_id: int, message_id: str) -> None:
        self._confirm_requests.append((contact_id, message_id))

    def skip(self, delivery_id: int, reason: str) -> None:
        self._skips.append((reason, delivery_id))

    @property
    def dirty(self) -> bool:
        return bool(self._results or self._skips or self._bounces or self._confirm_requests)

    # -- durable -------------------------------------------------------------------------
    def claim(self, delivery_id: int, contact_id: int, message_id: str, required_status: str) -> bool:
        """Commit the buffered outcomes and this claim in one transaction; False when the contact
        may no longer be mailed (then the row is marked skipped)."""
        with self.app.db.transaction(self.conn) as conn:
            self._write(conn)
            if required_status == consent.CONFIRMED:
                ok = store.claim(conn, delivery_id, contact_id, message_id)
            else:
                ok = conn.execute(
                    "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, claimed_at = ?, "
                    "message_id = ? WHERE id = ? AND state = 'queued' AND EXISTS "
                    "(SELECT 1 FROM contacts WHERE id = ? AND status = ?)",
                    (now_iso(), message_id, delivery_id, contact_id, required_status)).rowcount == 1
            if not ok:
                store.skip(conn, [("status_changed", delivery_id)])
        return ok

    def flush(self) -> None:
        if not self.dirty:
            return
        with self.app.db.transaction(self.conn) as conn:
            self._write(conn)

    def _write(self, conn) -> None:
        if self._results:
            store.record(conn, self._results)
            self._results = []
        if self._skips:
            store.skip(conn, self._skips)
            self._skips = []
        if self._sent_unsaved:
            account_store.add_usage(conn, self.account_id, utc_day(), self._sent_unsaved)
            self._sent_unsaved = 0
        for contact_id, status, reply in self._bounces:
            store.insert_bounce(conn, contact_id, self.campaign_id, status, reply)
            try:
                contacts_service.change_status(
                    self.app, contact_id, consent.EV_BOUNCED, "send", evidence=f"SMTP reply: {reply}",
                    suppress_reason="hard_bounce", conn=conn)
            except Exception as exc:  # e.g. erased meanwhile: the bounce row is kept
                log.warning("hard bounce of contact %s not applied: %s", contact_id, exc)
        self._bounces = []
        for contact_id, message_id in self._confirm_requests:
            contacts_service.mark_confirmation_requested(
                self.app, contact_id, self.confirmation_wording or "", channel="send",
                evidence=f"Message-ID {message_id}", conn=conn)
        self._confirm_requests = []
