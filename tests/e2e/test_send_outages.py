"""Servers that go silent or away, each an aiosmtpd in a process of its own (tests/support/smtp_process.py).

Every recipient arrives exactly once (counted at the server: accepted RCPT TO and stored
messages), or, for the few whose final dot got no reply, is ``uncertain`` and never sent again
by itself. The number of connections open at the server never exceeds the pool size.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from send_env import CLI, shared_keyring
from send_fixtures import bulk_contacts, loopback_account, make_campaign, tiny
from server_process import Sampler, ServerProcess, established_to
from smtp_process import fault_for

from mailer_desktop.services.app import open_app
from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.sending.engine import SendOptions, send_campaign
from mailer_desktop.services.sending.identity import save_sender

POOL = 4


def _emails(n):
    return [f"reader{i}@example.org" for i in range(n)]


def _states(app, cid) -> dict[str, str]:
    rows = app.db.conn.execute(
        "SELECT c.email, d.state FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.campaign_id = ?",
        (cid,)).fetchall()
    return {r["email"]: r["state"] for r in rows}


def _engine_campaign(app, n):
    app.settings.set("sender.from_address", "shop@example.com")
    addrs = _emails(n)
    return addrs, make_campaign(app, bulk_contacts(app, addrs))


def test_a_silent_server_costs_timeouts_not_connections(app, tmp_path):
    """The server stops answering RCPT TO after 20 messages, on every connection: each try ends in
    a timeout, and each dropped session is closed, so at most POOL connections are ever open."""
    addrs, cid = _engine_campaign(app, 40)
    options = SendOptions(retry_base=0.05, command_timeout=0.4, max_attempts=3, preflight=False)
    with ServerProcess(tmp_path / "silent.log", behaviour="silent_mid", every=20) as srv:
        loopback_account(app, srv.port, pool_size=POOL)
        with Sampler(srv.port) as sockets:
            status = send_campaign(app, cid, "local", renderer_factory=tiny, options=options)
        left = established_to(srv.port)
        opened = srv.open_connections()
    # (a transaction past its RCPT TO when the server went silent still ends)
    assert 20 <= status["sent"] <= 20 + POOL and status["deferred"] == 40 - status["sent"], status
    assert 0 < sockets.peak <= POOL, f"up to {sockets.peak} connections open at once"
    assert left == 0  # and none left open after the run
    assert len(opened) > 2 * 20  # many connections came and went
    assert max(srv.stored.values()) == 1 and len(srv.stored) == status["sent"]


@pytest.mark.parametrize("pipelining", [False, True])
def test_no_reply_after_the_final_dot_is_uncertain_and_never_resent(app, tmp_path, pipelining):
    addrs, cid = _engine_campaign(app, 60)
    options = SendOptions(retry_base=0.05, command_timeout=0.5, preflight=False)
    with ServerProcess(tmp_path / "dot.log", behaviour="silent_after_dot", every=10, pipelining=pipelining) as srv:
        loopback_account(app, srv.port, pool_size=POOL)
        first = send_campaign(app, cid, "local", renderer_factory=tiny, options=options)
        again = send_campaign(app, cid, "local", renderer_factory=tiny, options=options)
    states = _states(app, cid)
    uncertain = {a for a, s in states.items() if s == "uncertain"}
    assert first["state"] == "done" and first["uncertain"] == len(uncertain) == 6, first
    assert again["sent"] == first["sent"] == 54
    assert set(srv.stored) == set(addrs) and max(srv.stored.values()) == 1  # nobody twice
    assert max(srv.rcpts.values()) == 1


def test_temporary_and_permanent_refusals(app, tmp_path):
    """2 % answered 451 at first, 1 % 550 5.1.1: each deliverable recipient exactly once."""
    addrs, cid = _engine_campaign(app, 1000)
    options = SendOptions(retry_base=0.01, command_timeout=5.0, preflight=False)
    with ServerProcess(tmp_path / "faults.log", behaviour="faults", pipelining=True) as srv:
        loopback_account(app, srv.port, pool_size=POOL)
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=options)
    unknown = {a for a in addrs if fault_for(a) == "550"}
    later = {a for a in addrs if fault_for(a) == "451"}
    assert len(unknown) == 10 and len(later) == 20
    assert status["state"] == "done" and status["failed"] == 10 and status["bounced"] == 10, status
    assert status["sent"] == 990 and status["uncertain"] == 0
    assert set(srv.rcpts) == set(srv.stored) == set(addrs) - unknown
    assert max(srv.rcpts.values()) == max(srv.stored.values()) == 1


# -- the real command line: a server killed and restarted, signals --------------------------------

def _cli_campaign(tmp_path, n, port=None):
    backend, env = shared_keyring(tmp_path)
    home = tmp_path / "data"
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        bulk_contacts(app, _emails(n))
        save_sender(app, name="Corner Shop", from_address="news@shop.example",
                    postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
        cid = create_campaign(app, "Outage", "News for {{ contact.name }}", "News",
                              html="<p>Hi {{ contact.name }}</p>")
        if port is not None:
            loopback_account(app, port, pool_size=POOL)
        app.settings.set("sending.outage_window_seconds", 120)
    finally:
        app.close()
    argv = [*CLI, "--home", str(home), "campaign", "send", str(cid), "--account", "local", "--json", "--quiet"]
    return backend, env, home, cid, argv


def _final_states(home, backend, cid):
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        campaign = app.db.conn.execute("SELECT state, state_reason FROM campaigns WHERE id = ?", (cid,)).fetchone()
        return _states(app, cid), campaign["state"], campaign["state_reason"]
    finally:
        app.close()


@pytest.mark.parametrize("down", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_a_server_restart_is_waited_out(tmp_path, down):
    n = 3000
    srv = ServerProcess(tmp_path / "restart.log")
    backend, env, home, cid, argv = _cli_campaign(tmp_path, n, srv.port)
    srv.start()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        srv.wait_stored(400)
        srv.kill()
        time.sleep(down)  # the outage itself: the server stays away this long
        assert proc.poll() is None, "the send gave up during the outage"
        srv.start()
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        srv.kill()
    assert proc.returncode == 0, err
    states, state, reason = _final_states(home, backend, cid)
    assert state == "done"
    uncertain = {a for a, s in states.items() if s == "uncertain"}
    assert len(uncertain) <= POOL  # at most the messages whose final dot was out at the kill
    stored = srv.stored
    for addr in _emails(n):
        if addr in uncertain:
            assert stored[addr] <= 1
        else:
            assert states[addr] == "sent" and stored[addr] == 1, (addr, states[addr], stored[addr])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_pauses_the_campaign_cleanly(tmp_path, signum):
    n = 5000
    srv = ServerProcess(tmp_path / "signal.log")
    backend, env, home, cid, argv = _cli_campaign(tmp_path, n, srv.port)
    with srv:
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            srv.wait_stored(300)
            proc.send_signal(signum)
            started = time.monotonic()
            out, err = proc.communicate(timeout=30)
            took = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 3, err
        assert took < 10
        states, state, reason = _final_states(home, backend, cid)
        assert state == "paused" and signal.Signals(signum).name in reason, reason
        assert "sending" not in states.values() and "uncertain" not in states.values()
        sent = {a for a, s in states.items() if s == "sent"}
        assert 300 <= len(sent) < n
        assert set(srv.stored) == sent and max(srv.stored.values()) == 1
        final = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
    states, state, _ = _final_states(home, backend, cid)
    assert state == "done" and set(states.values()) == {"sent"}
    assert len(srv.stored) == n and max(srv.stored.values()) == 1


def test_a_stop_is_not_held_by_back_off(tmp_path):
    """The server is away (nothing listens): the send waits it out, and a SIGTERM ends it at once."""
    from smtp_servers import free_port

    backend, env, home, cid, argv = _cli_campaign(tmp_path, 50, free_port())
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(7)  # the tries are now 8 s apart (2, 4, 8 s: one doubling per round of the pool)
        assert proc.poll() is None, proc.communicate()[1]
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        proc.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 3
    assert took < 4, f"the stop took {took:.1f} s"
    states, state, reason = _final_states(home, backend, cid)
    assert state == "paused" and "SIGTERM" in reason
    assert set(states.values()) == {"queued"}
