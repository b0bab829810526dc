"""Which reason wins when a reply's code or words could call an address dead but say another thing.

The mails here are constructed, not real servers' mail. Mostly two layouts: an RFC 3464
report (a text part, then a ``message/delivery-status`` part with one recipient block whose
Status and Diagnostic-Code carry the reply under test) and a Postfix-style plain notice (the
recipient in angle brackets at the start of a line, then "host ... said:" and the reply, "in
reply to RCPT TO command"); the last tests use an Amazon SES bounce notification (its JSON in
the mail body, with bounce type, subtype and per-recipient status and diagnostic, as SES
documents it). The replies are written after the documented wordings of the
checks they stand for (relay lists, quota, account state, block lists, sender verification,
DNS lookups); the point is the precedence, not any one server's sentence.
"""

from __future__ import annotations

import json

import pytest

from mailer_desktop.domain.inbox import classify

SENDER = "shop@example.test"
RCPT = "anna@example.org"


def report(status: str, diagnostic: str) -> bytes:
    """An RFC 3464 report on one recipient."""
    return (f"From: MAILER-DAEMON@mx.example.net\nTo: {SENDER}\nSubject: Undelivered Mail Returned to Sender\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
            "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
            f"Final-Recipient: rfc822; {RCPT}\nAction: failed\nStatus: {status}\n"
            f"Remote-MTA: dns; mx.example.org\nDiagnostic-Code: smtp; {diagnostic}\n\n--B--\n").encode()


def notice(reply: str) -> bytes:
    """A plain notice: the recipient, the remote host and its reply to RCPT TO."""
    return (f"From: MAILER-DAEMON@mx.example.net\nTo: {SENDER}\nSubject: Undelivered Mail Returned to Sender\n\n"
            "I'm sorry to have to inform you that your message could not be delivered.\n\n"
            f"<{RCPT}>: host mx.example.org[192.0.2.25] said:\n    {reply} (in reply to RCPT TO command)\n").encode()


def verdict(raw: bytes) -> tuple[str, str]:
    (r,) = classify(raw)
    assert r.recipient == RCPT
    return r.kind, r.category


# A 5.1.x code (or "user unknown") with words that name another reason: the words win.
OTHER_REASON_WITH_A_DEAD_ADDRESS_CODE = [
    ("5.1.1", "553 5.1.1 sorry, that domain isn't in my list of allowed rcpthosts", "norelaying"),
    ("5.1.1", "550 5.1.1 too many bad recipients from this connection", "speeding"),
    ("5.1.1", "550 5.1.1 Too many unknown recipients, closing connection", "speeding"),
    ("5.1.1", "452 5.1.1 recipient limit reached for this message", "speeding"),
    ("5.1.1", "550 5.1.1 too many", "speeding"),
]
# Wordings about our own message or envelope: never the recipient's death.
ABOUT_OUR_SIDE = [
    ("5.1.2", "550 5.1.2 Message-ID domain not found", "rejected"),
    ("5.0.0", "550 Domain not found in DNS (sender)", "rejected"),
    ("5.1.2", "550 5.1.2 Domain shop.example.test does not exist", "rejected"),
    ("5.1.2", "550 5.1.2 <shop@example.test>: domain not found", "rejected"),
]
# A lookup that failed for now is no dead domain.
TEMPORARY_DNS = [
    ("5.4.4", "550 5.4.4 Host or domain name not found. Name service error for name=example.org type=MX: "
              "Host not found, try again", "networkerror"),
    ("5.1.2", "550 5.1.2 example.org: Temporary failure in name resolution", "networkerror"),
    ("5.4.4", "554 5.4.4 MX lookup for example.org timed out", "networkerror"),
]
# More wordings of a full, suspended or relay-refusing mailbox, and of refusals of our sender or
# of returned mail (backscatter checks), written with a 5.1.1 code.
MORE_WORDINGS = [
    ("5.1.1", "550 5.1.1 account is exceeding their quota", "mailboxfull"),
    ("5.1.1", "550 5.1.1 mailbox does not have enough space", "mailboxfull"),
    ("5.1.1", "550 5.1.1 no space left on device", "mailboxfull"),
    ("5.1.1", "550 5.1.1 the user's space has been used up", "mailboxfull"),
    ("5.1.1", "550 5.1.1 boite du destinataire pleine", "mailboxfull"),
    ("5.1.1", "550 5.1.1 recipient suspend the service", "suspend"),
    ("5.1.1", "550 5.1.1 mailbox unavailable: user is terminated", "suspend"),
    ("5.1.1", "550 5.1.1 this server will not act as a relay", "norelaying"),
    ("5.1.1", "550 5.1.1 insecure mail relay", "norelaying"),
    ("5.1.1", "550 5.1.1 this system is not configured to relay mail", "norelaying"),
    ("5.1.1", "550 5.1.1 we don't handle mail for example.org", "norelaying"),
    ("5.1.1", "550 5.1.1 BATV validation failure", "rejected"),
    ("5.1.1", "550 5.1.1 sorry, no third-party DSNs", "rejected"),
    ("5.1.1", "550 5.1.1 returned mail not accepted here", "rejected"),
    ("5.1.1", "550 5.1.1 Message rejected: Email address is not verified", "norelaying"),
    ("5.1.1", "550 5.1.1 non-member posting refused", "rejected"),
    ("5.1.1", "550 5.1.1 this list is members-only", "rejected"),
    ("5.1.1", "550 5.1.1 emetteur invalide", "rejected"),
    ("5.1.1", "550 5.1.1 sender is spammer", "rejected"),
    ("5.1.1", "550 5.1.1 sender email address rejected", "rejected"),
    ("5.1.1", "550 5.1.1 From: domain is invalid", "rejected"),
    ("5.1.1", "550 5.1.1 this server does not accept mail from shop@example.test", "rejected"),
]
CASES = OTHER_REASON_WITH_A_DEAD_ADDRESS_CODE + ABOUT_OUR_SIDE + TEMPORARY_DNS + MORE_WORDINGS


@pytest.mark.parametrize(("status", "reply", "reason"), CASES, ids=[c[1][:50] for c in CASES])
def test_the_words_of_another_reason_win_over_a_dead_address_code_in_a_report(status, reply, reason):
    assert verdict(report(status, reply)) == ("soft", reason)


@pytest.mark.parametrize(("status", "reply", "reason"), CASES, ids=[c[1][:50] for c in CASES])
def test_the_same_in_a_plain_notice(status, reply, reason):
    assert verdict(notice(reply)) == ("soft", reason)


# The recipient's own domain, or no domain named: still a dead domain.
RECIPIENTS_DOMAIN_DEAD = [
    ("5.1.2", "550 5.1.2 Domain example.org does not exist"),
    ("5.1.2", "550 5.1.2 <anna@example.org>: domain not found"),
    ("5.1.2", "550 5.1.2 domain mail.example.org not found"),
    ("5.4.4", "550 5.4.4 Host or domain name not found. Name service error for name=example.org type=MX: "
              "Host not found"),
    ("5.0.0", "550 Unrouteable address"),
    ("5.0.0", "550 No such domain"),
]


@pytest.mark.parametrize(("status", "reply"), RECIPIENTS_DOMAIN_DEAD, ids=[c[1][:50] for c in RECIPIENTS_DOMAIN_DEAD])
def test_a_dead_domain_that_is_the_recipients_stays_hard(status, reply):
    assert verdict(report(status, reply)) == ("hard", "hostunknown")


def test_a_temporary_lookup_failure_with_a_temporary_code_is_a_network_error_not_a_dead_host():
    raw = report("4.4.3", "450 4.4.3 Host or domain name not found. Name service error for name=example.org "
                          "type=MX: Host not found, try again")
    assert verdict(raw) == ("soft", "networkerror")


def test_a_plain_user_unknown_with_its_code_stays_hard():
    assert verdict(report("5.1.1", "550 5.1.1 <anna@example.org>: Recipient address rejected: User unknown")) == (
        "hard", "userunknown")


@pytest.mark.parametrize(("reply", "kind"), [
    # Facebook's own codes: RCP-P1 "recipient does not exist", RCP-P2 "recipient preferences"
    ("550 5.1.1 RCP-P1 https://www.facebook.com/postmaster/response_codes?ip=192.0.2.1#rcp Refused due to "
     "recipient does not exist", "hard"),
    ("550 5.1.1 RCP-P2 https://www.facebook.com/postmaster/response_codes?ip=192.0.2.1#rcp Refused due to "
     "recipient preferences", "soft"),
])
def test_a_bare_refused_beside_a_dead_address_code_gives_way_to_words_that_say_it_is_dead(reply, kind):
    assert verdict(report("5.1.1", reply))[0] == kind
    assert verdict(notice(reply))[0] == kind


def ses_notification(subtype: str, diagnostic: str) -> bytes:
    """An Amazon SES bounce notification (JSON in the mail body, the layout SES documents)."""
    bounce = {"bounceType": "Permanent", "bounceSubType": subtype, "bouncedRecipients": [
        {"emailAddress": RCPT, "action": "failed", "status": "5.1.1", "diagnosticCode": diagnostic}]}
    body = json.dumps({"notificationType": "Bounce", "bounce": bounce, "mail": {"messageId": "m1", "headers": []}})
    return (f"From: no-reply@sns.example.test\nTo: {SENDER}\nSubject: AWS Notification Message\n\n{body}\n").encode()


@pytest.mark.parametrize("subtype", ["Suppressed", "OnAccountSuppressionList"])
def test_a_relay_that_did_not_send_because_of_its_suppression_list_is_no_dead_address(subtype):
    raw = ses_notification(subtype, "Amazon SES has suppressed sending to this address because it has a recent "
                                    "history of bouncing as an invalid address.")
    assert verdict(raw) == ("soft", "suppressed")


def test_the_relays_no_such_mailbox_verdict_stays_hard():
    assert verdict(ses_notification("NoEmail", "smtp; 550 5.1.1 no mailbox here")) == ("hard", "userunknown")


def test_an_ses_delivery_delay_event_is_a_delay_notice_not_a_reply():
    # SES's DeliveryDelay event, mailed by SNS with its footer ("... click ... to unsubscribe"):
    # the relay is still trying; the footer's words are nobody's request.
    event = {"eventType": "DeliveryDelay", "mail": {"messageId": "m1", "headers": []},
             "deliveryDelay": {"delayType": "MailboxFull", "delayedRecipients": [
                 {"emailAddress": RCPT, "status": "4.2.2", "diagnosticCode": "smtp; 452 4.2.2 over quota"}]}}
    raw = (f"From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: {SENDER}\nSubject: AWS Notification Message\n\n"
           f"{json.dumps(event)}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or "
           "visit the link below to unsubscribe:\nhttps://sns.example.test/unsubscribe.html\n").encode()
    (r,) = classify(raw)
    assert (r.recipient, r.kind, r.category, r.action, r.status) == (RCPT, "soft", "delayed", "delayed", "4.2.2")


@pytest.mark.parametrize("event", ["Send", "Open", "Click", "Reject", "Rendering Failure", "Subscription"])
def test_ses_events_about_no_addresss_fate_are_nobodys_request(event):
    body = json.dumps({"eventType": event, "mail": {"messageId": "m1", "destination": [RCPT], "headers": []}})
    raw = (f"From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: {SENDER}\nSubject: AWS Notification Message\n\n"
           f"{body}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the "
           "link below to unsubscribe:\nhttps://sns.example.test/unsubscribe.html\n").encode()
    (r,) = classify(raw)
    assert (r.recipient, r.kind, r.category) == (None, "unknown", "relay-event")


def _vendor_report(category: str, diagnostic: str) -> bytes:
    """A PowerMTA report: its own bounce category beside the remote's reply."""
    return report("5.0.0", diagnostic).replace(
        b"Remote-MTA:", f"X-PowerMTA-BounceCategory: {category}\nRemote-MTA:".encode())


def test_a_servers_own_hard_category_does_not_overrule_words_that_name_a_soft_reason():
    assert verdict(_vendor_report("bad-mailbox", "552 5.2.2 mailbox full")) == ("soft", "mailboxfull")
    assert verdict(_vendor_report("bad-mailbox", "550 blocked using zen.spamhaus.org")) == ("soft", "blocked")
    # where the words are vague or say the same, the category stands
    assert verdict(_vendor_report("bad-mailbox", "550 sorry")) == ("hard", "userunknown")
    assert verdict(_vendor_report("bad-mailbox", "550 no such user")) == ("hard", "userunknown")
    # and a soft category stays soft whatever the words
    assert verdict(_vendor_report("quota-issues", "550 no such user")) == ("soft", "mailboxfull")


@pytest.mark.parametrize("reply", ["550 ** No mail box available for this user **",
                                   "550 BAD_RECIPIENT - see the postmaster page",
                                   "550 NO_SUCH_USER",
                                   "550 User [anna@example.org] does not exist"])
def test_a_dead_mailbox_in_spaced_or_underscored_words_at_rcpt_is_hard(reply):
    assert verdict(notice(reply)) == ("hard", "userunknown")


def test_underscored_words_still_name_a_soft_reason():
    assert verdict(notice("452 MAILBOX_FULL")) == ("soft", "mailboxfull")
