"""The engine's writer of the send log.

Durability rule: a message's SMTP transaction starts only after its claim (``sending``) is
committed. Outcomes are buffered and committed together with the *next* claim (or by the
periodic flush), which keeps the engine fast while guaranteeing that, per connection, at
most one row can be left ``sending`` by a crash: the one whose transaction was under way or
whose outcome had not been committed yet. Such rows become ``uncertain`` at the next start.

While a run is going, a writer thread with its own connection does the commits: claims of
all connections that arrive together share one transaction (group commit), and SQLite's work
happens outside the event loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
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
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

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
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the writer thread (the async methods need it)."""
        self._loop = loop
        self._thread = threading.Thread(target=self._writer, name="send-log-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the writer thread after it has committed everything handed to it."""
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join()
            self._thread = None
        self.flush()

    async def claim(self, delivery_id: int, contact_id: int, message_id: str, required_status: str) -> bool:
        """Commit the buffered outcomes and this claim; False when the contact may no longer be
        mailed (then the row is marked skipped). Returns once the claim is durable."""
        fut = self._loop.create_future()
        self._requests.put((fut, (delivery_id, contact_id, message_id, required_status)))
        return await fut

    async def flush_async(self) -> None:
        fut = self._loop.create_future()
        self._requests.put((fut, None))
        await fut

    def flush(self) -> None:
        """Commit the buffered outcomes from the calling thread (writer thread not running)."""
        if not self.dirty:
            return
        with self.app.db.transaction(self.conn) as conn:
            self._write(conn)

    def _writer(self) -> None:
        conn = self.app.db.connect()
        try:
            stopping = False
            while not stopping:
                batch = [self._requests.get()]
                while True:
                    try:
                        batch.append(self._requests.get_nowait())
                    except queue.Empty:
                        break
                stopping = None in batch
                batch = [b for b in batch if b is not None]
                try:
                    with self.app.db.transaction(conn):
                        self._write(conn)
                        answers = [self._claim(conn, *req) if req else None for _, req in batch]
                except Exception as exc:  # handed to the waiting connections; the run stops
                    log.exception("the send log could not be written")
                    for fut, _ in batch:
                        self._loop.call_soon_threadsafe(_fail, fut, exc)
                    continue
                for (fut, _), answer in zip(batch, answers, strict=True):
                    self._loop.call_soon_threadsafe(_resolve, fut, answer)
        finally:
            conn.close()

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


def _resolve(fut: asyncio.Future, value) -> None:
    if not fut.done():
        fut.set_result(value)


def _fail(fut: asyncio.Future, exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)
