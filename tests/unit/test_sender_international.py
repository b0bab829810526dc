"""One recipient's problem fails that recipient alone; internationalised addresses (RFC 6531).

Real composer, real aiosmtpd servers on loopback, 4 connections, the odd address in the middle
of the list; servers with and without SMTPUTF8, with and without PIPELINING.
"""

from __future__ import annotations

import email
import email.policy

import pytest
from send_fixtures import bulk_contacts, loopback_account
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.sending.engine import SendOptions, send_campaign
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.services.sending.wire import NO_SMTPUTF8

UTF8_LOCAL = "müller@bäckerei.example"
IDN_ONLY = "anna@bäckerei.example"
OPTIONS = SendOptions(retry_base=0.01, command_timeout=5.0, preflight=False)


def _list(app, n=41):
    plain = [f"reader{i}@example.org" for i in range(n - 2)]
    middle = len(plain) // 2
    addrs = plain[:middle] + [UTF8_LOCAL, IDN_ONLY] + plain[middle:]
    bulk_contacts(app, addrs)
    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    cid = create_campaign(app, "Spring", "News for {{ contact.name }}", "News", html="<p>Hi {{ contact.name }}</p>")
    return plain, cid


def _states(app, cid):
    rows = app.db.conn.execute(
        "SELECT c.email, d.state, d.last_reply FROM deliveries d JOIN contacts c ON c.id = d.contact_id "
        "WHERE d.campaign_id = ?", (cid,)).fetchall()
    return {r["email"]: (r["state"], r["last_reply"]) for r in rows}


@pytest.mark.parametrize("pipelining", [False, True])
def test_without_smtputf8_only_the_non_ascii_local_part_fails(app, pipelining):
    plain, cid = _list(app)
    handler = CountingHandler()
    handler.pipelining = pipelining
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=4)
        status = send_campaign(app, cid, "local", options=OPTIONS)
    assert status["state"] == "done", status
    assert status["sent"] == len(plain) + 1 and status["failed"] == 1
    states = _states(app, cid)
    state, reply = states[UTF8_LOCAL]
    assert state == "failed"
    assert "cannot deliver to addresses with non-ASCII characters before the @" in reply
    assert NO_SMTPUTF8 in reply
    # The IDN domain went out in its ASCII form, everybody else once.
    assert handler.received["anna@xn--bckerei-5wa.example"] == 1
    assert all(handler.received[a] == 1 for a in plain)
    assert sum(handler.received.values()) == len(plain) + 1
    # Not the person's fault: they are not bounced or suppressed.
    row = app.db.conn.execute("SELECT status FROM contacts WHERE email = ?", (UTF8_LOCAL,)).fetchone()
    assert row["status"] == "confirmed"


@pytest.mark.parametrize("pipelining", [False, True])
def test_with_smtputf8_the_non_ascii_local_part_is_delivered(app, pipelining):
    plain, cid = _list(app)
    handler = CountingHandler()
    handler.pipelining = pipelining
    with Server(handler, enable_SMTPUTF8=True) as srv:
        loopback_account(app, srv.port, pool_size=4)
        status = send_campaign(app, cid, "local", options=OPTIONS)
    assert status["state"] == "done", status
    assert status["sent"] == len(plain) + 2 and status["failed"] == 0
    assert handler.received["müller@xn--bckerei-5wa.example"] == 1
    assert handler.received["anna@xn--bckerei-5wa.example"] == 1
    assert all(handler.received[a] == 1 for a in plain)
    utf8 = [m for m in handler.messages if "müller@".encode() in (m if isinstance(m, bytes) else m.encode())]
    assert len(utf8) == 1
    raw = utf8[0] if isinstance(utf8[0], bytes) else utf8[0].encode()
    msg = email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "müller@xn--bckerei-5wa.example"


class _Picky:
    """A renderer that cannot make one person's message (as a header check would refuse it)."""

    def __init__(self, app, campaign_id):
        from send_fixtures import TinyRenderer

        self.inner = TinyRenderer(app, campaign_id)

    def bytes_for(self, contact):
        if contact.email.startswith("broken"):
            raise ValueError(f"{contact.email!r} cannot be used as a mail address in a header")
        return self.inner.bytes_for(contact)


def test_a_message_that_cannot_be_made_fails_that_recipient_alone(app):
    addrs = [f"r{i}@example.org" for i in range(40)]
    addrs.insert(20, "broken@example.org")
    bulk_contacts(app, addrs)
    from send_fixtures import make_campaign

    list_id = app.db.conn.execute("SELECT id FROM lists WHERE name = 'News'").fetchone()[0]
    cid = make_campaign(app, list_id)
    app.settings.set("sender.from_address", "shop@example.com")
    handler = CountingHandler()
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=4)
        status = send_campaign(app, cid, "local", options=OPTIONS, renderer_factory=_Picky)
    assert status["state"] == "done", status
    assert status["sent"] == 40 and status["failed"] == 1 and status["uncertain"] == 0
    state, reply = _states(app, cid)["broken@example.org"]
    assert state == "failed" and "could not be made" in reply and "cannot be used" in reply
    assert sum(handler.received.values()) == 40


def test_content_that_fails_for_everyone_pauses_instead_of_failing_the_list(app):
    bulk_contacts(app, [f"broken{i}@example.org" for i in range(30)])
    from send_fixtures import make_campaign

    list_id = app.db.conn.execute("SELECT id FROM lists WHERE name = 'News'").fetchone()[0]
    cid = make_campaign(app, list_id)
    app.settings.set("sender.from_address", "shop@example.com")
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, pool_size=4)
        status = send_campaign(app, cid, "local", options=OPTIONS, renderer_factory=_Picky)
    assert status["state"] == "paused", status
    assert "could not be made" in status["reason"]
    assert status["failed"] == 0 and status["queued"] == 30


def test_the_importer_flags_non_ascii_local_parts(app):
    from mailer_desktop.services.importing import import_text

    report = import_text(app, "Email,Name\nanna@example.org,Anna\nmüller@bäckerei.example,Müller\n"
                              "zoe@bäckerei.example,Zoe\n")
    assert report.added == 3
    assert report.flags["non_ascii"] == 1 and report.flagged == 1
    issue = next(i for i in report.issues if i.kind == "non_ascii")
    assert issue.row == 3 and "SMTPUTF8" in issue.reason
    assert report.as_dict()["flags"]["non_ascii"] == 1


def test_the_preflight_counts_addresses_that_need_smtputf8(app):
    from mailer_desktop.services.compose.preflight import run_preflight

    _list(app)
    cid = create_campaign(app, "Other", "Hello", "News", html="<p>Hello</p>" + "<p>Good text here.</p>" * 40)
    report = run_preflight(app, cid, check_dns=False)
    finding = next(f for f in report.warnings if f.code == "non_ascii_recipients")
    assert finding.message.startswith("1 recipient has non-ASCII characters before the @")
    assert "SMTPUTF8" in finding.message
