"""Answering sandbox messages as their recipients: the replies go through the real inbox
processing, so the double opt-in loop can be tried without a mailbox."""

from __future__ import annotations

import pytest

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.inbox.confirmations import send_confirmations
from mailer_desktop.services.sandbox import replies as sandbox_replies
from mailer_desktop.services.sandbox import server as sandbox
from mailer_desktop.services.sending.engine import send_campaign
from mailer_desktop.services.sending.identity import save_sender


@pytest.fixture
def shop(app):
    save_sender(app, name="Corner Bakery", from_address="news@bakery.example",
                postal_address="12 Baker Street, Springfield", unsubscribe_mailbox="leave@bakery.example")
    for addr in ("anna@example.com", "ben@example.org", "carl@example.net"):
        contacts.add_contact(app, addr, lists=["Newsletter"])
    send_confirmations(app, "sandbox", "Newsletter")
    return app


def _captured(app) -> dict:
    return {m.recipients[0]: m.path for m in sandbox.list_messages(app)}


def test_yes_confirms_no_does_not_and_each_reply_is_processed_once(shop):
    app = shop
    sent = _captured(app)
    assert set(sent) == {"anna@example.com", "ben@example.org", "carl@example.net"}
    sandbox_replies.reply_to_captured(app, sent["anna@example.com"], "confirm")
    sandbox_replies.reply_to_captured(app, sent["ben@example.org"], "text", "No! I never signed up.")
    assert sandbox_replies.waiting(app) == 2
    report = sandbox_replies.process(app)
    assert report.processed == 2
    assert contacts.find_by_email(app, "anna@example.com").status == "confirmed"
    assert contacts.find_by_email(app, "ben@example.org").status != "confirmed"
    assert contacts.find_by_email(app, "carl@example.net").status == "pending"
    assert sandbox_replies.waiting(app) == 0
    assert sandbox_replies.process(app).processed == 0  # nothing is read or applied twice


def test_the_yes_link_in_the_request_makes_the_reply_a_mail_program_would(shop):
    app = shop
    path = _captured(app)["carl@example.net"]
    html, _text = sandbox.bodies(sandbox.read_message(app, path))
    link = html.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.startswith("mailto:")
    reply = sandbox_replies.reply_from_mailto(sandbox.read_message(app, path), link)
    assert reply["From"] == "carl@example.net" and reply["In-Reply-To"]
    sandbox_replies.reply_by_link(app, path, link)
    sandbox_replies.process(app)
    assert contacts.find_by_email(app, "carl@example.net").status == "confirmed"


def test_unsubscribe_as_the_person_goes_through_the_list_unsubscribe_address(shop):
    app = shop
    sandbox_replies.reply_to_captured(app, _captured(app)["anna@example.com"], "confirm")
    sandbox_replies.process(app)
    sandbox.clear(app)
    cid = create_campaign(app, "June", "Fresh bread", "Newsletter", html="<p>Hello</p>")
    send_campaign(app, cid, "sandbox")
    path = _captured(app)["anna@example.com"]
    sandbox_replies.reply_to_captured(app, path, "unsubscribe")
    sandbox_replies.process(app)
    assert contacts.find_by_email(app, "anna@example.com").status == "unsubscribed"


def test_bad_requests_say_what_is_wrong(shop):
    app = shop
    path = _captured(app)["anna@example.com"]
    with pytest.raises(sandbox_replies.ReplyError, match="write what the person answers"):
        sandbox_replies.reply_to_captured(app, path, "text", "  ")
    with pytest.raises(sandbox_replies.ReplyError, match="unknown kind"):
        sandbox_replies.reply_to_captured(app, path, "maybe")
    with pytest.raises(sandbox_replies.ReplyError, match="not a mail link"):
        sandbox_replies.reply_by_link(app, path, "https://bakery.example/")
    assert sandbox_replies.waiting(app) == 0
