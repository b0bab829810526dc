"""The send engine against real aiosmtpd servers on loopback."""

from __future__ import annotations

import threading

import pytest
from send_fixtures import bulk_contacts, loopback_account, make_campaign, tiny
from smtp_servers import AcceptAuth, CountingHandler, FaultHandler, RejectAuth, Server

from mailer_desktop.services.contacts.suppression import suppress
from mailer_desktop.services.sandbox import server as sandbox_service
from mailer_desktop.services.sending.engine import (
    SendControl,
    SendError,
    SendOptions,
    campaign_status,
    resend_uncertain,
    send_campaign,
)

# These tests are about the engine and use a stand-in renderer; the preflight is exercised with the
# real composer in test_preflight_blocks_sending below and in the end-to-end tests.
FAST = SendOptions(retry_base=0.01, command_timeout=1.0, max_attempts=4, preflight=False)


@pytest.fixture(autouse=True)
def sender_address(app):
    app.settings.set("sender.from_address", "shop@example.com")


def emails(n, prefix="p"):
    return [f"{prefix}{i}@example.org" for i in range(n)]


def test_recipients_are_confirmed_list_members_minus_suppressed_with_reasons(app):
    list_id = bulk_contacts(app, emails(10))
    bulk_contacts(app, ["pend@example.org"], status="pending")
    bulk_contacts(app, ["gone@example.org"], status="unsubscribed")
    bulk_contacts(app, ["old@example.org"], basis="implied", expires="2020-01-01")
    bulk_contacts(app, ["other@example.org"], list_name="Other")
    suppress(app, "p3@example.org", "manual")
    suppress(app, "blocked.example", "manual")
    bulk_contacts(app, ["x@blocked.example"])
    cid = make_campaign(app, list_id)
    before = campaign_status(app, cid)
    assert before["state"] == "draft"
    assert before["queued"] == 9
    assert before["skipped"] == {"pending": 1, "unsubscribed": 1, "consent_expired": 1, "suppressed": 2}
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port)
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
    assert status["state"] == "done"
    assert status["sent"] == 9
    assert status["skipped"] == before["skipped"]
    expected = {e for e in emails(10) if e != "p3@example.org"}
    assert set(srv.handler.received) == expected
    assert all(n == 1 for n in srv.handler.received.values())


@pytest.mark.parametrize("pipelining", [False, True])
def test_fault_injection_every_deliverable_once_every_permanent_failure_recorded(app, pipelining):
    addrs = emails(300)
    unknown = {addrs[i] for i in range(0, 300, 37)}
    rejected = {addrs[i] for i in range(5, 300, 53)} - unknown
    permanent = {a: f"550 5.1.1 <{a}>: user unknown" for a in unknown}
    permanent.update({a: "554 5.6.0 Message content rejected" for a in rejected})
    list_id = bulk_contacts(app, addrs)
    cid = make_campaign(app, list_id)
    handler = FaultHandler(seed=7, permanent=permanent, stall_seconds=1.5)
    handler.pipelining = pipelining
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=4)
        status = None
        for _run in range(8):
            status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
            if status["state"] == "done":
                break
    assert status["state"] == "done", status
    assert sum(handler.faults.values()) > 20, handler.faults  # the faults really happened
    # A connection dropped (also right after a 421 it could not write) or stalled after the final dot leaves the message uncertain (the
    # server did not take it here, but a real one might have): never retried by itself.
    uncertain = {r["email"] for r in app.db.conn.execute(
        "SELECT c.email FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
        "WHERE d.campaign_id = ? AND d.state = 'uncertain'", (cid,))}
    cut = sum(n for k, n in handler.faults.items() if k in ("data:drop", "data:stall", "data:421"))
    assert uncertain and cut >= len(uncertain)
    deliverable = set(addrs) - unknown - rejected
    assert set(handler.received) == deliverable - uncertain
    assert max(handler.received.values()) == 1
    assert status["sent"] == len(deliverable) - len(uncertain) and status["uncertain"] == len(uncertain)
    assert status["failed"] == len(unknown) + len(rejected)
    rows = app.db.conn.execute(
        "SELECT c.email, d.last_reply, c.status FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
        "WHERE d.campaign_id = ? AND d.state = 'failed'", (cid,)).fetchall()
    replies = {r["email"]: r["last_reply"] for r in rows}
    assert all(replies[a].startswith("550 5.1.1") for a in unknown)
    assert all(replies[a].startswith("554 5.6.0") for a in rejected)
    assert {r["email"] for r in rows if r["status"] == "bounced"} == unknown
    assert status["bounced"] == len(unknown)
    from mailer_desktop.services.contacts.suppression import is_suppressed

    assert all(is_suppressed(app, a) for a in unknown)
    assert not any(is_suppressed(app, a) for a in rejected)


def test_sandbox_account_starts_a_sandbox_for_the_send(app):
    from smtp_servers import free_port

    from mailer_desktop.services.accounts.manage import edit_account

    edit_account(app, "sandbox", port=free_port())
    list_id = bulk_contacts(app, emails(5))
    cid = make_campaign(app, list_id)
    status = send_campaign(app, cid, "sandbox", renderer_factory=tiny, options=FAST)
    assert status["sent"] == 5
    captured = sandbox_service.list_messages(app)
    assert sorted(m.recipients[0] for m in captured) == sorted(emails(5))
    assert not sandbox_service.port_open("127.0.0.1", sandbox_service.sandbox_port(app))


def test_auth_refused_pauses_the_campaign_with_an_explanation(app):
    list_id = bulk_contacts(app, emails(5))
    cid = make_campaign(app, list_id)
    handler = CountingHandler()
    with Server(handler, authenticator=RejectAuth(), auth_require_tls=False) as srv:
        loopback_account(app, srv.port, username="shop", password="wrong")
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
    assert status["state"] == "paused"
    assert "refused the user name or password" in status["reason"]
    assert status["sent"] == 0 and handler.total == 0
    assert status["queued"] == 5


def test_auth_accepted_sends(app):
    list_id = bulk_contacts(app, emails(3))
    cid = make_campaign(app, list_id)
    with Server(CountingHandler(), authenticator=AcceptAuth("shop", "s3cret"), auth_require_tls=False) as srv:
        loopback_account(app, srv.port, username="shop", password="s3cret")
        assert send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)["sent"] == 3


def test_burst_of_policy_rejections_pauses_and_requeues_them(app):
    addrs = emails(40)
    list_id = bulk_contacts(app, addrs)
    cid = make_campaign(app, list_id)
    handler = FaultHandler(seed=1, temp_rate=0, drop_rate=0, stall_rate=0,
                           permanent={a: "550 5.7.1 Sender reputation too low" for a in addrs})
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=1)
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
    assert status["state"] == "paused"
    assert "policy" in status["reason"] and "5.7.1" in status["reason"]
    assert status["failed"] == 0            # requeued: they were about the sender
    assert status["queued"] == 40           # the list was not burned through


def test_crash_leftovers_become_uncertain_and_are_resent_only_on_request(app):
    list_id = bulk_contacts(app, emails(6))
    cid = make_campaign(app, list_id)
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, pool_size=1)
        send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
        # simulate a crash mid-transaction of two rows
        with app.db.transaction() as conn:
            conn.execute("UPDATE deliveries SET state = 'sending' WHERE id IN "
                         "(SELECT id FROM deliveries WHERE campaign_id = ? ORDER BY id LIMIT 2)", (cid,))
            conn.execute("UPDATE campaigns SET state = 'sending' WHERE id = ?", (cid,))
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
        assert status["uncertain"] == 2 and status["sent"] == 4
        assert srv.handler.total == 6               # nothing was sent again
        assert resend_uncertain(app, cid) == 2
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
    assert status["sent"] == 6 and status["uncertain"] == 0
    assert srv.handler.total == 8


def test_pause_resume_and_cancel_from_another_thread(app):
    list_id = bulk_contacts(app, emails(60))
    cid = make_campaign(app, list_id)
    control = SendControl()
    handler = CountingHandler()
    paused_seen = threading.Event()

    class Watch:
        cancelled = False

        def update(self, done, total=None, text=""):
            st = control.snapshot()
            if st.sent >= 10 and not control.paused and not paused_seen.is_set():
                control.pause()
                paused_seen.set()
                threading.Timer(0.3, control.resume).start()

        def check(self):
            pass

    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=2, rate=100)
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST, control=control,
                               progress=Watch())
    assert paused_seen.is_set()
    assert status["state"] == "done" and status["sent"] == 60 and handler.total == 60

    cid2 = make_campaign(app, list_id, name="second")
    control2 = SendControl()

    class CancelAt5(Watch):
        def update(self, done, total=None, text=""):
            if control2.snapshot().sent >= 5:
                control2.cancel()

    with Server(CountingHandler()) as srv2:
        from mailer_desktop.services.accounts.manage import edit_account

        edit_account(app, "local", port=srv2.port)
        status = send_campaign(app, cid2, "local", renderer_factory=tiny, options=FAST, control=control2,
                               progress=CancelAt5())
    assert status["state"] == "cancelled"
    assert 5 <= status["sent"] < 60
    with pytest.raises(SendError, match="cancelled"):
        send_campaign(app, cid2, "local", renderer_factory=tiny, options=FAST)


def test_daily_budget_persists_and_pauses(app):
    list_id = bulk_contacts(app, emails(8))
    cid = make_campaign(app, list_id)
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, pool_size=2, per_day=5)
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
        assert status["state"] == "paused" and "daily limit" in status["reason"]
        assert status["sent"] == 5 and srv.handler.total == 5
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
        assert status["sent"] == 5 and srv.handler.total == 5   # the budget survived the restart


def test_opt_out_between_selection_and_sending_is_skipped(app):
    list_id = bulk_contacts(app, emails(4))
    cid = make_campaign(app, list_id)
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, pool_size=1, per_day=2)
        send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)  # 2 sent, then paused
        unsent = app.db.conn.execute(
            "SELECT c.email FROM deliveries d JOIN contacts c ON c.id = d.contact_id WHERE d.campaign_id = ? "
            "AND d.state = 'queued' ORDER BY d.id", (cid,)).fetchall()
        suppress(app, unsent[0]["email"], "manual")
        app.db.conn.execute("DELETE FROM account_usage")
        status = send_campaign(app, cid, "local", renderer_factory=tiny, options=FAST)
    assert status["sent"] == 3
    assert status["skipped"] == {"suppressed": 1}
    assert unsent[0]["email"] not in srv.handler.received


def test_preflight_blocks_sending(app):
    from mailer_desktop.services.campaigns import create_campaign

    list_id = bulk_contacts(app, emails(3))
    assert list_id
    cid = create_campaign(app, "No address", "Hello", "News", html="<p>Hi</p>")
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port)
        with pytest.raises(SendError, match="preflight"):
            send_campaign(app, cid, "local")
    assert srv.handler.total == 0
    assert campaign_status(app, cid)["state"] == "draft"
