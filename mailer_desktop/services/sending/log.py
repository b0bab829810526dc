"""The engine's writer of the send log.

Durability rule: a message's SMTP transaction starts only after its claim (``sending``) is
committed. Outcomes are buffered and committed together with the *next* claim (or by the
periodic flush), which keeps the engine fast while guaranteeing that, per connection, at
most one row can be left ``sending`` by a crash: the one whose transaction was under way or
whose outcome had not been committed yet. Such rows become ``uncertain`` at the next start.

The engine commits a claim on its own thread while the server reads the envelope, so the
commit costs no round trip: in WAL mode with ``synchronous = NORMAL`` a commit is a write to
the log file, a fraction of a millisecond, and no hand-over to another thread has to wait for
a processor or the interpreter lock.
"""

from __future__ import annotations

import logging
import threading

from ...domain import consent
from ...storage import accounts as account_store
from ...storage import deliveries as store
from ...storage.db import now_iso
from ..app import App
from ..contacts import people as contacts_service

log = logging.getLogger(__name__)


def utc_day() -> str:
    return now_iso()[:10]  # YYYY-MM-DD in UTC


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
        self._lock = threading.Lock()

    # -- buffered ------------------------------------------------------------------------
    def result(self, delivery_id: int, state: str, reply: str, *, retry_at: str | None = None) -> None:
        finished = None if state == "queued" else now_iso()
        with self._lock:
            self._results.append((state, reply[:1000], finished, retry_at, delivery_id))
            if state == "sent":
                self._sent_unsaved += 1

    def hard_bounce(self, contact_id: int, status: str, reply: str) -> None:
        with self._lock:
            self._bounces.append((contact_id, status, reply[:1000]))

    def confirmation_sent(self, contact_id: int, message_id: str) -> None:
        with self._lock:
            self._confirm_requests.append((contact_id, message_id))

    def skip(self, delivery_id: int, reason: str) -> None:
        with self._lock:
            self._skips.append((reason, delivery_id))

    @property
    def dirty(self) -> bool:
        return bool(self._results or self._skips or self._bounces or self._confirm_requests)

    # -- durable -------------------------------------------------------------------------
    def claim(self, delivery_id: int, contact_id: int, message_id: str, required_status: str) -> bool:
        """Commit the buffered outcomes and this claim; False when the contact may no longer be
        mailed (then the row is marked skipped). Returns once the claim is durable."""
        with self.app.db.transaction(self.conn) as conn:
            self._write(conn)
            return self._claim(conn, delivery_id, contact_id, message_id, required_status)

    def flush(self) -> None:
        """Commit the buffered outcomes."""
        if not self.dirty:
            return
        with self.app.db.transaction(self.conn) as conn:
            self._write(conn)

    @staticmethod
    def _claim(conn, delivery_id: int, contact_id: int, message_id: str, required_status: str) -> bool:
        ok = store.claim(conn, delivery_id, contact_id, message_id, required_status)
        if not ok:
            store.skip(conn, [("status_changed", delivery_id)])
        return ok

    def _take(self):
        with self._lock:
            taken = (self._results, self._skips, self._sent_unsaved, self._bounces, self._confirm_requests)
            self._results, self._skips, self._sent_unsaved, self._bounces, self._confirm_requests = [], [], 0, [], []
        return taken

    def _write(self, conn) -> None:
        results, skips, sent, bounces, confirms = self._take()
        if results:
            store.record(conn, results)
        if skips:
            store.skip(conn, skips)
        if sent:
            account_store.add_usage(conn, self.account_id, utc_day(), sent)
        for contact_id, status, reply in bounces:
            store.insert_bounce(conn, contact_id, self.campaign_id, status, reply)
            try:
                contacts_service.change_status(
                    self.app, contact_id, consent.EV_BOUNCED, "send", evidence=f"SMTP reply: {reply}",
                    suppress_reason="hard_bounce", conn=conn)
            except Exception as exc:  # e.g. erased meanwhile: the bounce row is kept
                log.warning("hard bounce of contact %s not applied: %s", contact_id, exc)
        for contact_id, message_id in confirms:
            contacts_service.mark_confirmation_requested(
                self.app, contact_id, self.confirmation_wording or "", channel="send",
                evidence=f"Message-ID {message_id}", conn=conn)

