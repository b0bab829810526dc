"""Kill-mid-send: a `campaign send` subprocess is SIGKILLed at random points and restarted.

The receiving server must have seen every confirmed recipient exactly once, except those
the log marks 'uncertain' (at most one per connection per kill, received at most once), and
never an unsubscribed or suppressed contact; with and without PIPELINING on the server.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest
from send_env import CLI, shared_keyring
from send_fixtures import bulk_contacts, loopback_account
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.app import open_app
from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.contacts.suppression import suppress
from mailer_desktop.services.sending.identity import save_sender

N = 5000
POOL = 4
KILLS = 4


def _wait_until(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("pipelining", [False, True])
def test_sigkill_at_random_points_never_sends_twice(tmp_path, pipelining):
    backend, env = shared_keyring(tmp_path)
    home = tmp_path / "data"
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    confirmed = [f"reader{i}@example.org" for i in range(N)]
    list_id = bulk_contacts(app, confirmed)
    gone = [f"gone{i}@example.org" for i in range(40)]
    bulk_contacts(app, gone, status="unsubscribed")
    blocked = confirmed[100:140]  # confirmed but suppressed afterwards (e.g. a manual block)
    for addr in blocked:
        suppress(app, addr, "manual")
    assert list_id
    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    campaign_id = create_campaign(app, "Kill test", "News for {{ contact.name }}", "News", html="<p>Hi {{ contact.name }}</p>")
    handler = CountingHandler()
    handler.keep_messages = False
    handler.pipelining = pipelining  # with it, the next envelope follows each content in the same write
    rng = random.Random(20261123)
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=POOL)
        app.close()
        argv = [*CLI, "--home", str(home), "campaign", "send", str(campaign_id), "--account", "local", "--json"]
        kills = 0
        for _ in range(KILLS):
            target = handler.total + rng.randint(200, 900)
            proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                _wait_until(lambda t=target, p=proc: handler.total >= t or p.poll() is not None, 120,
                            "the subprocess to send")
                time.sleep(rng.random() * 0.05)  # land anywhere inside a transaction
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    kills += 1
                proc.communicate(timeout=30)
        assert kills >= KILLS - 1, "the sends finished before they could be killed"
        final = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        rows = app.db.conn.execute(
            "SELECT c.email, d.state FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.campaign_id = ?",
            (campaign_id,)).fetchall()
    finally:
        app.close()
    state = {r["email"]: r["state"] for r in rows}
    uncertain = {e for e, s in state.items() if s == "uncertain"}
    assert len(uncertain) <= POOL * kills
    for addr in confirmed:
        if addr in blocked:
            assert handler.received[addr] == 0 and state[addr] == "skipped"
        elif addr in uncertain:
            assert handler.received[addr] <= 1
        else:
            assert state[addr] == "sent", (addr, state[addr])
            assert handler.received[addr] == 1, (addr, handler.received[addr])
    assert not any(handler.received[a] for a in gone)
    assert sum(handler.received.values()) >= N - len(blocked) - len(uncertain)
