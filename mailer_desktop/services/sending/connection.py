"""One connection of the send engine: it takes messages from the work queue and runs their SMTP
transactions on one reused session.

Per message: the daily budget and the rate limiter, the envelope (MAIL, RCPT, DATA), the claim
in the send log committed while the server reads the envelope, then the content once both are
done, and the outcome (buffered, committed with the connection's next claim).

When the server offers PIPELINING, no rate limit applies and the next message is ready, its
envelope goes out in the same write as the current message's content (RFC 2920 allows the
content to start a group): one round trip per message instead of two. The order in the send
log is unchanged: the next message is claimed only after the current one's reply has been
read and its outcome buffered, so that claim commits both, and its content goes out only after
that claim is durable; a connection never has more than one row ``sending``. Anything unusual
with a message whose envelope went out ahead (the current one failed, a pause, the session
dropped, the claim refused) closes the session, so the server discards the unfinished
transaction, and the message goes back to the queue unclaimed.

Every session the connection stops using is closed (``abort()``), so a silent or failing server
never collects connections beyond the pool size. Connect failures are waited out with back-off
for the outage window; a stop ends the back-off and an unfinished connect at once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiosmtplib

from . import wire
from .outcome import Outcome, from_exception
from .queue import Item
from .render import RenderFailed
from .smtp import SmtpSetupError, open_session

MAX_BACKOFF = 10.0  # seconds between tries to reach a server that is away

# Setup failures that will not fix themselves: pause at once.
FATAL_SETUP = {"auth", "auth_unavailable", "certificate", "insecure", "wrong_port", "tls", "unknown_host",
               "not_sandbox", "signin"}


@dataclass
class _Ahead:
    """A message whose envelope is already on the wire, behind the current message's content."""

    item: Item
    data: bytes
    message_id: str
    envelope: tuple[bytes, tuple[str, str, bytes]]


class ConnectionWork:
    """The per-connection part of a send run (mixed into the engine's run object)."""

    async def worker(self) -> None:
        session: wire.Session | None = None
        ahead: _Ahead | None = None
        ctl = self.control
        try:
            while True:
                if ahead is not None:
                    item, data, message_id = ahead.item, ahead.data, ahead.message_id
                    ahead = None
                    if ctl.ending or ctl.paused or session is None or not session.connected:
                        session = self._drop(session, item)
                        continue
                    failure: BaseException | None = None
                else:
                    await ctl.wait_running()
                    item = await self.queue.get()
                    if item is None:
                        return
                    if not self.budget.take():
                        self.queue.put_back(item)
                        ctl.stop(f"The daily limit of {self.budget.limit:,} messages for account "
                                 f"'{self.account.name}' is reached. Send again tomorrow (or raise the limit in "
                                 "Settings > Accounts if your provider allows more).")
                        return
                    await self.limiter.ready(ctl.sleep)
                    if ctl.ending or ctl.paused:
                        self.budget.give_back()
                        self.queue.put_back(item)
                        continue
                    if session is None or not session.connected:
                        session = await self._connect(item)
                        if session is None:
                            continue
                    try:
                        data, message_id = await self.render.message(item)
                    except RenderFailed as exc:
                        self._unrenderable(item, exc)
                        continue
                    self.rendered_ok += 1
                    # The envelope goes out, the claim is committed while the server reads it, the
                    # content only after both.
                    failure = None
                    try:
                        session.begin_envelope(self.envelope_from, item.contact.email)
                    except Exception as exc:
                        failure = exc
                claimed = self.log.claim(item.delivery_id, item.contact.id, message_id, self.required)
                if failure is None:
                    try:
                        await session.finish_envelope()
                    except Exception as exc:
                        failure = exc
                if not claimed:
                    self.budget.give_back()
                    ctl.count("skipped")
                    self.queue.done()
                    session = await self._reset(session)
                    continue
                item.attempts += 1
                try:
                    if failure is not None:
                        raise failure
                    # The rate is taken where the server accepts the message: after the envelope.
                    await self.limiter.acquire()
                    if session.in_data and self._may_pipeline(session, data):
                        ahead = await self._take_ahead(session)
                        session.write_content(data, ahead.envelope if ahead is not None else None)
                        message = await session.content_reply()
                    else:
                        message = await session.content(data)
                    outcome = Outcome("sent", f"250 {' '.join(message.split())}".strip())
                except Exception as exc:
                    outcome = from_exception(exc, after_dot=session is not None and session.dot_sent)
                    if ahead is not None:  # the server may be reading the next message's data
                        session = self._drop(session, ahead.item)
                        ahead = None
                    if outcome.reconnect or session is None:
                        if session is not None:  # closed, so neither side keeps it open
                            session.abort()
                        session = None
                    else:
                        session = await self._reset(session)
                self._settle(item, outcome, message_id)
        finally:
            if ahead is not None:
                session = self._drop(session, ahead.item)
            if session is not None:
                try:
                    await session.quit()
                except Exception:
                    session.abort()

    # -- pipelining the next envelope -----------------------------------------------------------
    def _may_pipeline(self, session: wire.Session, data: bytes) -> bool:
        lim = self.limiter
        return (session.pipelining and not lim.interval and not lim.per_hour and len(data) < wire.MAX_AHEAD
                and not self.control.ending and not self.control.paused)

    async def _take_ahead(self, session: wire.Session) -> _Ahead | None:
        """The next message with its envelope ready to follow the current content, when it can be
        taken now; None otherwise."""
        item = self.queue.get_nowait()
        if item is None:
            return None
        if not self.budget.take():
            self.queue.put_back(item)
            return None
        try:
            data, message_id = await self.render.message(item)
        except RenderFailed:  # failed (and recorded) when the message is taken again
            self.budget.give_back()
            self.queue.put_back(item)
            return None
        try:
            if not session.connected or self.control.ending or self.control.paused:
                raise aiosmtplib.SMTPServerDisconnected("not sending ahead")
            envelope = session.prepare_envelope(self.envelope_from, item.contact.email)
        except Exception:  # handled (and recorded) when the message is taken again
            self.budget.give_back()
            self.queue.put_back(item)
            return None
        return _Ahead(item, data, message_id, envelope)

    def _drop(self, session: wire.Session | None, item: Item) -> None:
        """Close a session with an unclaimed envelope on the wire; the message goes back unsent."""
        if session is not None:
            session.abort()
        self.budget.give_back()
        self.queue.put_back(item)
        return None

    # -- sessions ---------------------------------------------------------------------------------
    async def _reset(self, session: wire.Session | None) -> wire.Session | None:
        """RSET after a refused envelope; a session that does not answer (or waits for data) is dropped."""
        if session is None or not session.connected:
            return None
        if session.in_data:
            session.abort()
            return None
        try:
            await session.rset()
            return session
        except Exception:
            session.abort()
            return None

    async def _connect(self, item: Item) -> wire.Session | None:
        ctl = self.control
        await asyncio.sleep(0)  # a session just closed is gone before the next one opens
        opening = asyncio.ensure_future(open_session(self.endpoint))
        # While the server is away, one try never outlasts the outage window (a network that drops
        # the connection attempt would otherwise hold it for the whole greeting wait).
        left = (None if self.unreachable_since is None
                else max(1.0, self.outage_window - (time.monotonic() - self.unreachable_since)))
        try:
            if not await ctl.until_ended(opening, left):
                if not ctl.ending:
                    raise SmtpSetupError("timeout", f"{self.endpoint.host}:{self.endpoint.port} did not answer "
                                         "within the outage window")
                self.budget.give_back()  # stopped while connecting
                self.queue.put_back(item)
                return None
            session = wire.Session(opening.result(), self.timeouts)
        except (SmtpSetupError, aiosmtplib.SMTPException) as exc:
            if not isinstance(exc, SmtpSetupError):
                exc = SmtpSetupError("disconnected", f"the server closed the connection right after login ({exc})")
            self.budget.give_back()
            self.queue.put_back(item)
            self._unreachable(exc)
            if not ctl.ending:
                pool = max(1, self.account.pool_size)
                down = time.monotonic() - (self.unreachable_since or time.monotonic())
                doublings = min(16, (self.connect_failures - 1) // pool)  # one per round of the pool
                delay = min(MAX_BACKOFF, self.options.retry_base * 2 ** doublings,
                            max(0.05, self.outage_window - down))
                await ctl.sleep(delay)
            return None
        if self.unreachable_since is not None:
            self.unreachable_since = None
            ctl.update(note="", state="sending")
        self.connect_failures = 0
        self.reached = True
        self.sessions.add(session)
        return session

    def _unreachable(self, exc: SmtpSetupError) -> None:
        """A failed connect: pause at once when it will not fix itself, else after the outage window."""
        now = time.monotonic()
        self.connect_failures += 1
        if self.unreachable_since is None:
            self.unreachable_since = now
        down = now - self.unreachable_since
        # A name that stops resolving after the server was reached is the network, not a typo.
        if exc.kind in FATAL_SETUP and not (exc.kind == "unknown_host" and self.reached):
            self.control.stop(f"Sending paused: {exc}")
        elif down >= self.outage_window:
            self.control.stop(f"Sending paused: the server could not be reached for {down:,.0f} seconds "
                              f"({self.connect_failures} tries). Last problem: {exc}")
        else:
            self.control.update(state="waiting", note=f"the server cannot be reached ({exc.kind}); trying again "
                                f"for up to {max(0.0, self.outage_window - down):,.0f} more seconds")
