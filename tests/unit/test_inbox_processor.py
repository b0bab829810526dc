"""Processing returned mail against real contacts in a real data folder."""

from __future__ import annotations

import json

import pytest
from inbox_fixtures import fixture, record_sent

from mailer_desktop.domain import tokens
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts.suppression import is_suppressed
from mailer_desktop.services.inbox import processor as inbox_processor
from mailer_desktop.services.inbox import status as inbox_status
from mailer_desktop.services.inbox.sources import SourceMessage


@pytest.fixture
def anna(app):
    return contacts.add_contact(app, "anna@example.org", "Anna", confirmed=True, evidence="signed up at the shop",
                                channel="cli")


@pytest.fixture
def pending_anna(app):
    return contacts.add_contact(app, "anna@example.org", "Anna", channel="cli")


def toks(app, contact, campaign=7):
    key = app.token_key()
    return {"u": tokens.unsubscribe_token(key, contact.token_subject), "c": tokens.confirm_token(key, contact.token_subject),
            "r": tokens.reference_token(key, campaign, contact.token_subject)}


def process(app, *raws: bytes):
    messages = [SourceMessage(raw, f"test#{i}", f"test#{i}") for i, raw in enumerate(raws)]
    return inbox_processor.process_messages(app, messages)


def status(app, contact):
    return contacts.get_contact(app, contact.id).status


def test_hard_bounce_matched_by_reference_token_suppresses(app, anna):
    report = process(app, fixture("hard_bounce_reference.eml", **toks(app, anna)))
    assert (report.processed, report.unchanged, dict(report.by_kind)) == (1, 0, {"hard": 1})
    assert status(app, anna) == "bounced"
    assert is_suppressed(app, "anna@example.org")
    trail = contacts.consent_trail(app, anna.id)
    assert trail[-1].kind == "bounced" and trail[-1].channel == "inbox"
    events = app.db.conn.execute("SELECT kind, status, campaign_id FROM bounce_events").fetchall()
    assert [tuple(e) for e in events] == [("hard", "5.1.1", None)]  # campaign 7 does not exist here


def test_the_history_says_why_a_contact_bounced(app, anna):
    report = process(app, fixture("hard_bounce_reference.eml", **toks(app, anna)))
    (outcome,) = report.outcomes
    assert "Recipient address rejected" in outcome.why
    (row,) = inbox_status.recent(app)
    assert row["outcome"].startswith("anna@example.org: ")
    assert "bounced (550 5.1.1" in row["outcome"] and "Recipient address rejected" in row["outcome"]


def test_importing_the_same_mail_again_changes_nothing(app, anna):
    raw = fixture("hard_bounce_reference.eml", **toks(app, anna))
    process(app, raw)
    before = app.db.conn.execute("SELECT COUNT(*) FROM consent_events").fetchone()[0]
    again = process(app, raw)
    assert (again.processed, again.unchanged) == (0, 1)
    assert app.db.conn.execute("SELECT COUNT(*) FROM consent_events").fetchone()[0] == before
    assert app.db.conn.execute("SELECT COUNT(*) FROM bounce_events").fetchone()[0] == 1


def test_soft_bounces_suppress_only_after_the_limit(app, anna):
    app.settings.set("inbox.soft_bounce_limit", 3)
    for n in (1, 2, 3):  # three of our messages to anna, each returned
        record_sent(app, anna.id, f"campaign-7-s{n}@shop.example")
    for n in (1, 2):
        process(app, fixture("soft_bounce_mailbox_full.eml", id=f"s{n}"))
        assert status(app, anna) == "confirmed"
    report = process(app, fixture("soft_bounce_mailbox_full.eml", id="s3"))
    assert report.by_kind == {"soft": 1}
    assert status(app, anna) == "bounced"
    assert is_suppressed(app, "anna@example.org")


def test_sender_side_blocks_never_count_against_the_contact(app, anna):
    app.settings.set("inbox.soft_bounce_limit", 1)
    report = process(app, fixture("policy_block.eml"))
    assert status(app, anna) == "confirmed"
    assert report.warnings and "sender" in report.warnings[0]


def test_complaint_with_redacted_recipient_matched_by_token(app, anna):
    report = process(app, fixture("complaint_redacted.eml", **toks(app, anna)))
    assert report.by_kind == {"complaint": 1}
    assert status(app, anna) == "complained"
    assert report.review == 0


def test_complaint_nobody_can_be_matched_to_goes_to_review(app, anna):
    report = process(app, fixture("complaint_redacted.eml"))  # forged tokens: no key made them
    assert status(app, anna) == "confirmed"
    assert report.review == 1
    assert [i["kind"] for i in inbox_processor.review_items(app)] == ["complaint"]


def test_unsubscribe_by_token(app, anna):
    report = process(app, fixture("unsubscribe_token_subject.eml", **toks(app, anna)))
    assert report.by_kind == {"unsubscribe": 1}
    assert status(app, anna) == "unsubscribed"
    assert contacts.consent_trail(app, anna.id)[-1].channel == "email_reply"


def test_unsubscribe_from_another_address_uses_the_token(app, anna):
    process(app, fixture("unsubscribe_other_address.eml", **toks(app, anna)))
    assert status(app, anna) == "unsubscribed"


def test_forwarded_unsubscribe(app, anna):
    process(app, fixture("unsubscribe_forwarded.eml", **toks(app, anna)))
    assert status(app, anna) == "unsubscribed"


def test_free_text_opt_out_from_the_contacts_own_address(app, anna):
    process(app, fixture("unsubscribe_no_token.eml"))  # quoted footer tokens are fake: the address decides
    assert status(app, anna) == "unsubscribed"


def test_free_text_opt_out_from_a_stranger_goes_to_review(app, anna):
    raw = fixture("unsubscribe_no_token.eml").replace(b"anna@example.org", b"stranger@example.net")
    report = process(app, raw)
    assert status(app, anna) == "confirmed"
    assert report.review == 1


def test_a_thank_you_reply_quoting_the_footer_unsubscribes_nobody(app, anna):
    report = process(app, fixture("thanks_reply_quoted_footer.eml", **toks(app, anna)))
    assert status(app, anna) == "confirmed"
    assert report.review == 1  # a person's message: listed, never dropped


def test_confirmation_reply_confirms_with_evidence(app, pending_anna):
    report = process(app, fixture("confirmation_token.eml", **toks(app, pending_anna)))
    assert report.by_kind == {"confirmation": 1}
    assert status(app, pending_anna) == "confirmed"
    event = contacts.consent_trail(app, pending_anna.id)[-1]
    assert event.kind == "confirmed"
    assert "confirm-1@example.org" in event.evidence and "2026-11-02T08:30:00Z" in event.evidence


@pytest.mark.parametrize("answer", ["Who are you? Yes, I'm asking.", "Yes?", "Кто дал вам мой адрес? Да как вы смеете!"])
def test_a_yes_beside_a_question_records_no_consent(app, pending_anna, answer):
    raw = fixture("confirmation_token.eml", **toks(app, pending_anna)).replace(
        b"Yes, I want the newsletter.", answer.encode("utf-8"))
    process(app, raw)
    # a person decides, or "who are you?" is the refusal it is: never consent
    assert status(app, pending_anna) in ("pending", "unsubscribed")
    assert "confirmed" not in [e.kind for e in contacts.consent_trail(app, pending_anna.id)]


def test_a_yes_from_another_address_waits_for_a_decision(app, pending_anna):
    # the request was forwarded and someone else said yes: consent is Anna's own to give
    raw = fixture("confirmation_token.eml", **toks(app, pending_anna)).replace(
        b"From: Anna Example <anna@example.org>", b"From: Bob Example <bob@example.net>")
    report = process(app, raw)
    assert status(app, pending_anna) == "pending"
    (item,) = inbox_processor.review_items(app)
    assert report.review == 1 and item["contact_id"] == pending_anna.id
    assert "bob@example.net" in item["outcome"] and "anna@example.org" in item["outcome"]


def test_a_yes_from_the_same_address_in_other_letters_confirms(app, pending_anna):
    raw = fixture("confirmation_token.eml", **toks(app, pending_anna)).replace(
        b"<anna@example.org>", b"<Anna@Example.ORG>")
    process(app, raw)
    assert status(app, pending_anna) == "confirmed"


def test_confirmation_without_token_waits_for_a_decision(app, pending_anna):
    report = process(app, fixture("confirmation_no_token.eml"))
    assert status(app, pending_anna) == "pending"
    item = inbox_processor.review_items(app)[0]
    assert report.review == 1 and item["contact_id"] == pending_anna.id
    inbox_processor.decide_review(app, item["id"], "confirm")
    assert status(app, pending_anna) == "confirmed"
    assert "confirm-text-1@example.org" in contacts.consent_trail(app, pending_anna.id)[-1].evidence
    assert inbox_processor.review_items(app) == []


def test_vacation_reply_to_the_confirmation_request_confirms_nobody(app, pending_anna):
    report = process(app, fixture("vacation_reply_to_confirmation.eml", **toks(app, pending_anna)))
    assert report.by_kind == {"auto_reply": 1}
    assert status(app, pending_anna) == "pending"


def test_delay_notice_changes_nothing(app, anna):
    report = process(app, fixture("delayed.eml", **toks(app, anna)))
    assert status(app, anna) == "confirmed"
    assert report.review == 0
    assert report.by_kind == {"delayed": 1}  # kind soft with a 4.x.x status, but no bounce
    assert app.db.conn.execute("SELECT COUNT(*) FROM bounce_events").fetchone()[0] == 0


def test_cli_import_json_contract(cli, app, anna, tmp_path):
    t = toks(app, anna)
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(fixture("hard_bounce_reference.eml", **t))
    (folder / "b.eml").write_bytes(fixture("vacation_reply_to_confirmation.eml", **t))
    (folder / "c.eml").write_bytes(fixture("thanks_reply_quoted_footer.eml", **t))
    app.close()
    code, out, err = cli("inbox", "import", "--json", str(folder))
    assert code == 0, err
    summary = json.loads(out)
    assert {k: summary[k] for k in ("processed", "unchanged", "by_kind", "review")} == {
        "processed": 3, "unchanged": 0, "by_kind": {"hard": 1, "auto_reply": 1, "unknown": 1}, "review": 1}
    code, out, err = cli("inbox", "import", "--json", str(folder))
    assert json.loads(out)["unchanged"] == 3 and json.loads(out)["processed"] == 0


def test_cli_import_refuses_bad_input(cli, tmp_path):
    code, out, err = cli("inbox", "import", "--json")
    assert code == 1 and "either mail files" in err
    code, out, err = cli("inbox", "import", str(tmp_path / "missing.mbox"))
    assert code == 1 and "missing.mbox: no such file or folder" in err
    code, out, err = cli("inbox", "import", "--imap", "nosuchaccount")
    assert code == 1 and "nosuchaccount" in err


def test_cli_imap_set_stores_settings_and_password_in_the_keyring(cli, app, keyring_backend, monkeypatch):
    import io

    from mailer_desktop.secrets import SecretStore
    from mailer_desktop.services.accounts import manage as accounts

    account = accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    app.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("imap-pass\n"))
    code, out, err = cli("inbox", "imap-set", "shop", "--host", "imap.example.com", "--port", "993", "--security",
                         "tls", "--user", "news@shop.example", "--password-stdin", "--done-folder", "Processed",
                         "--json")
    assert code == 0, err
    assert json.loads(out) == {"account": "shop", "host": "imap.example.com", "port": 993, "security": "tls",
                               "user": "news@shop.example", "folder": "INBOX", "done_folder": "Processed",
                               "authserv_id": ""}
    assert "imap-pass" not in out
    code, out, err = cli("inbox", "imap-set", "shop", "--host", "https://imap.example.com")
    assert code == 1 and "not a host name" in err
    from mailer_desktop.services.app import open_app
    again = open_app(app.paths.home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert again.secrets.get(SecretStore.imap_name(account.id)) == "imap-pass"
    finally:
        again.close()


def test_files_that_are_not_mail_are_skipped_and_named(app, anna, cli, tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "bounce.eml").write_bytes(fixture("hard_bounce_reference.eml", **toks(app, anna)))
    (folder / "invoice.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    (folder / "notes.txt").write_text("Call the baker on Monday.\nFrom: nobody, really\n", encoding="utf-8")
    report = inbox_processor.import_paths(app, [str(folder)])
    assert (report.processed, report.review) == (1, 0)
    assert sorted(p.rsplit("/", 1)[-1] for p in report.not_mail) == ["invoice.pdf", "notes.txt"]
    assert status(app, anna) == "bounced"
    (folder / "again.pdf").write_bytes(b"%PDF-1.7\n")
    code, out, err = cli("inbox", "import", str(folder / "again.pdf"), str(folder / "bounce.eml"))
    assert code == 0, err
    assert "Skipped 1 file(s) that are not mail messages: " in out and "again.pdf" in out
    code, out, err = cli("--json", "inbox", "import", str(folder / "invoice.pdf"))
    assert code == 0, err
    assert json.loads(out)["not_mail"] == [str(folder / "invoice.pdf")] and json.loads(out)["processed"] == 0


def test_a_dmarc_authentication_failure_report_is_not_a_complaint(app, anna):
    report = process(app, fixture("dmarc_auth_failure.eml", **toks(app, anna)))
    assert report.by_kind == {"complaint": 1}  # a feedback report, of a type that is no complaint
    assert status(app, anna) == "confirmed"
    assert not is_suppressed(app, "anna@example.org")
    assert report.review == 0
    assert "authentication failure report" in report.outcomes[0].action
    assert app.db.conn.execute("SELECT COUNT(*) FROM bounce_events").fetchone()[0] == 0
    # the processed-mail list (Inbox page) calls it a feedback report, not a spam complaint
    assert app.db.conn.execute("SELECT kind FROM inbox_messages").fetchone()[0] == "feedback"


def test_relay_events_about_no_addresss_fate_change_nobody_and_need_no_decision(app, anna):
    def sns(event: dict) -> bytes:
        return ("From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: shop@example.test\n"
                f"Subject: AWS Notification Message\nMessage-ID: <{event['eventType']}@sns.example>\n\n"
                f"{json.dumps(event)}\n\n--\nIf you wish to stop receiving notifications from this topic, please "
                "click or visit the link below to unsubscribe:\nhttps://sns.example.test/unsubscribe.html\n").encode()
    mail = {"messageId": "m1", "destination": ["anna@example.org"], "headers": []}
    delay = {"eventType": "DeliveryDelay", "mail": mail, "deliveryDelay": {"delayedRecipients": [
        {"emailAddress": "anna@example.org", "status": "4.2.2", "diagnosticCode": "smtp; 452 4.2.2 over quota"}]}}
    report = process(app, sns({"eventType": "Open", "mail": mail}), sns({"eventType": "Click", "mail": mail}), sns(delay))
    assert status(app, anna) == "confirmed"
    assert report.review == 0
    assert inbox_processor.review_items(app) == []


def _report(boundary: str, rcpt: str, status: str, reply: str, returned: str) -> str:
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Undelivered Mail Returned to Sender\n"
            f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"\n\n"
            f"--{boundary}\nContent-Type: text/plain\n\n<{rcpt}>: host mx.example.net[192.0.2.5] said: {reply} "
            f"(in reply to RCPT TO command)\n\n--{boundary}\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: {status}\n"
            f"Diagnostic-Code: smtp; {reply}\n\n--{boundary}\nContent-Type: message/rfc822\n\n{returned}\n--{boundary}--\n")


def test_a_double_bounce_suppresses_the_contact_the_returned_bounce_is_about(app, anna):
    # our bounce address forwards to a staff mailbox that is full: the bounce about Anna comes back
    # inside the bounce about the staff mailbox (to postmaster)
    ref = toks(app, anna)["r"]
    copy = (f"From: Shop <news@shop.example>\nTo: anna@example.org\nSubject: Our news\nMessage-ID: <c1@shop.example>\n"
            f"X-Mailer-Desktop-Ref: {ref}\n\nHello\n")
    inner = "To: news@shop.example\n" + _report("in1", "anna@example.org", "5.1.1", "550 5.1.1 User unknown", copy)
    outer = "To: postmaster@shop.example\n" + _report(
        "out1", "staff@isp.example.net", "5.2.2", "552 5.2.2 Mailbox quota exceeded", inner)
    report = process(app, outer.encode())
    assert status(app, anna) == "bounced"
    assert is_suppressed(app, "anna@example.org")
    assert dict(report.by_kind)["hard"] == 1
