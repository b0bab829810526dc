"""Ending a run early: the transactions in flight finish or are given up cleanly, the campaign is
paused (resumable), and nothing waits longer than the stop's grace."""

from __future__ import annotations

import asyncio
import threading
import time

from send_fixtures import bulk_contacts, loopback_account, make_campaign, tiny
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.progress import Progress
from mailer_desktop.services.sending.engine import SendControl, SendOptions, send_campaign

OPTIONS = SendOptions(retry_base=0.01, command_timeout=60.0, stop_grace=0.5, preflight=False)


def _campaign(app, n):
    app.settings.set("sender.from_address", "shop@example.com")
    addrs = [f"p{i}@example.org" for i in range(n)]
    return addrs, make_campaign(app, bulk_contacts(app, addrs))


def _states(app, cid):
    return {r["email"]: r["state"] for r in app.db.conn.execute(
        "SELECT c.email, d.state FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.campaign_id = ?",
        (cid,))}


class Hang(CountingHandler):
    """Answers normally until ``hang`` is set, then never answers at the chosen stage."""

    def __init__(self, stage: str):
        super().__init__()
        self.stage = stage
        self.hang = threading.Event()
        self.hanging = threading.Event()

    async def _maybe_hang(self, stage: str) -> None:
        if self.hang.is_set() and stage == self.stage:
            self.hanging.set()
            await asyncio.sleep(3600)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._maybe_hang("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.store(envelope)
        await self._maybe_hang("data")
        return "250 2.0.0 OK queued"


def _stop_when_hanging(handler: Hang, control: SendControl, after: int) -> threading.Thread:
    def run():
        while handler.total < after:
            time.sleep(0.01)
        handler.hang.set()
        handler.hanging.wait(30)  # a connection now waits for the server's reply
        control.stop("Sending paused: stopped for the test.")

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def _send_stopped_when_hanging(app, cid, srv, handler: Hang) -> tuple[dict, float]:
    """Send over two connections to ``srv``; stopped once the server hangs after 10 messages.
    Returns the campaign's status and how long the send took."""
    loopback_account(app, srv.port, pool_size=2)
    control = SendControl()
    _stop_when_hanging(handler, control, 10)
    started = time.monotonic()
    status = send_campaign(app, cid, "local", renderer_factory=tiny, options=OPTIONS, control=control)
    return status, time.monotonic() - started


def test_a_stop_while_the_final_reply_is_awaited_leaves_it_uncertain_within_the_grace(app):
    addrs, cid = _campaign(app, 40)
    handler = Hang("data")
    with Server(handler) as srv:
        status, took = _send_stopped_when_hanging(app, cid, srv, handler)
    assert took < 5, f"the stop took {took:.1f} s"
    states = _states(app, cid)
    assert status["state"] == "paused" and "stopped for the test" in status["reason"]
    assert "sending" not in states.values()
    uncertain = {a for a, s in states.items() if s == "uncertain"}
    assert 1 <= len(uncertain) <= 2  # the messages whose final dot was out, one per connection
    assert all(handler.received[a] == 1 for a in uncertain)


def test_a_stop_before_the_final_dot_gives_the_message_back(app):
    addrs, cid = _campaign(app, 40)
    handler = Hang("rcpt")
    with Server(handler) as srv:
        status, took = _send_stopped_when_hanging(app, cid, srv, handler)
        assert took < 5, f"the stop took {took:.1f} s"
        states = _states(app, cid)
        assert status["state"] == "paused" and status["uncertain"] == 0
        assert "sending" not in states.values() and "uncertain" not in states.values()
        handler.hang.clear()
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=OPTIONS)
    assert status["state"] == "done" and status["sent"] == 40
    assert all(handler.received[a] == 1 for a in addrs)


def test_closing_the_program_pauses_the_campaign_instead_of_cancelling_it(app):
    """The job running a send is cancelled when the window closes: the campaign is paused and resumable."""
    addrs, cid = _campaign(app, 200)
    progress = Progress()
    control = SendControl()

    def close_at_20():
        while control.snapshot().sent < 20:
            time.sleep(0.005)
        progress.cancel()

    handler = CountingHandler()
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=2, rate=200)
        threading.Thread(target=close_at_20, daemon=True).start()
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=OPTIONS, control=control,
                               progress=progress)
        assert status["state"] == "paused" and "closed during the send" in status["reason"], status
        assert 20 <= status["sent"] < 200
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=OPTIONS)
    assert status["state"] == "done" and status["sent"] == 200
    assert all(handler.received[a] == 1 for a in addrs)


def test_the_wait_for_the_final_reply_comes_from_the_settings(app):
    """No reply after the final dot within sending.timeout_final_seconds: uncertain, not retried."""
    addrs, cid = _campaign(app, 12)
    app.settings.set("sending.timeout_final_seconds", 1)
    handler = Hang("data")
    handler.hang.set()
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=1)
        started = time.monotonic()
        status = send_campaign(app, cid, "local", renderer_factory=tiny,
                               options=SendOptions(retry_base=0.01, preflight=False))
        took = time.monotonic() - started
    assert status["uncertain"] == 12 and status["sent"] == 0 and status["state"] == "done", status
    assert 12 <= took < 30
    assert all(handler.received[a] == 1 for a in addrs)  # each once: none was sent again


def test_a_server_away_longer_than_the_outage_window_pauses_the_campaign(app):
    from smtp_servers import free_port

    addrs, cid = _campaign(app, 10)
    loopback_account(app, free_port(), pool_size=2)  # nothing listens there
    started = time.monotonic()
    status = send_campaign(app, cid, "local", renderer_factory=tiny,
                           options=SendOptions(retry_base=0.05, outage_window=2.0, preflight=False))
    took = time.monotonic() - started
    assert status["state"] == "paused" and "could not be reached for 2 seconds" in status["reason"], status
    assert 2.0 <= took < 6
    assert status["queued"] == 10 and status["uncertain"] == 0
