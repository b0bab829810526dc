"""Relay services' JSON notifications (SendGrid, Mailgun), flufl.bounce's samples and the
leave-one-family-out machinery of the rule sets."""

from __future__ import annotations

import json
from pathlib import Path

from mailer_desktop.domain.inbox import classify, rules

FLUFL = Path(__file__).resolve().parents[1] / "fixtures" / "bounces-flufl"


def _mail(body: str) -> bytes:
    return ("From: events@relay.example\r\nTo: shop@example.org\r\nSubject: Event notification\r\n"
            "Content-Type: application/json\r\n\r\n" + body).encode()


def test_sendgrid_events_one_result_each():
    events = [
        {"email": "gone@example.net", "event": "bounce", "status": "5.1.1", "type": "bounce",
         "reason": "550 5.1.1 The email account that you tried to reach does not exist."},
        {"email": "full@example.net", "event": "bounce", "status": "5.2.2", "type": "bounce",
         "reason": "552 5.2.2 Mailbox full"},
        {"email": "angry@example.net", "event": "spamreport"},
        {"email": "later@example.net", "event": "deferred", "response": "451 4.7.1 Try again later"},
    ]
    got = {r.recipient: r.kind for r in classify(_mail(json.dumps(events)))}
    assert got == {"gone@example.net": "hard", "full@example.net": "soft", "angry@example.net": "complaint",
                   "later@example.net": "soft"}  # a delay: soft, action delayed


def test_mailgun_failed_and_complained():
    failed = {"event-data": {"event": "failed", "severity": "permanent", "recipient": "gone@example.net",
                             "reason": "bounce", "delivery-status": {
                                 "code": 550, "enhanced-code": "5.1.1",
                                 "message": "5.1.1 <gone@example.net>: Recipient address rejected: User unknown"}}}
    [r] = classify(_mail(json.dumps(failed)))
    assert (r.recipient, r.kind, r.status) == ("gone@example.net", "hard", "5.1.1")
    blocked = {"event-data": {"event": "failed", "severity": "permanent", "recipient": "x@example.net",
                              "delivery-status": {"code": 554, "enhanced-code": "5.7.1",
                                                  "message": "Message rejected due to local policy"}}}
    [r] = classify(_mail(json.dumps(blocked)))
    assert r.kind == "soft" and r.policy
    [r] = classify(_mail(json.dumps({"event-data": {"event": "complained", "recipient": "a@example.net"}})))
    assert (r.recipient, r.kind) == ("a@example.net", "complaint")


def test_flufl_samples_recipients_are_found():
    expected = json.loads((FLUFL / "expected.json").read_text(encoding="utf-8"))["files"]
    found = total = 0
    for name, entry in expected.items():
        results = {(r.recipient or "").lower(): r for r in classify((FLUFL / name).read_bytes())}
        for addr in entry["recipients"]:
            total += 1
            r = results.get(addr.lower())
            found += r is not None
            # A failure the sample's own detector calls temporary is never a hard bounce.
            assert not (entry["temporary"] and r is not None and r.kind == "hard"), (name, addr)
    assert found / total >= 0.96, f"{found}/{total}"


def test_switching_a_rule_off_changes_the_verdict_and_tracing_sees_it():
    raw = (b"From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered Mail\r\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
           b"Final-Recipient: rfc822; anna@example.org\r\nAction: failed\r\nStatus: 5.0.0\r\n"
           b"Diagnostic-Code: smtp; 550 no such domain\r\n--b--\r\n")
    with rules.tracing() as trace:
        [r] = classify(raw)
    assert r.kind == "hard"
    fired = {rule for rule in rules.firing(trace) if rule[0] == "reason:hostunknown"}
    assert fired
    with rules.disabled(fired):
        [r] = classify(raw)
    assert r.kind != "hard"
    [r] = classify(raw)
    assert r.kind == "hard"


def test_events_in_sendgrids_shape_from_a_service_that_names_the_reply_otherwise():
    # Mailjet: the far side's reply in "comment", its own verdict in "hard_bounce", complaints as "spam"
    events = [
        {"event": "bounce", "email": "gone@example.net", "hard_bounce": True, "error_related_to": "recipient",
         "error": "user unknown", "comment": "host mx.example.net[192.0.2.5] said: 550 5.1.1 <gone@example.net>: "
                                             "Recipient address rejected: User unknown (in reply to RCPT TO command)"},
        {"event": "bounce", "email": "full@example.net", "hard_bounce": False, "error": "quota",
         "comment": "host mx.example.net[192.0.2.5] said: 452 4.2.2 <full@example.net>: Mailbox full"},
        {"event": "spam", "email": "angry@example.net", "source": "JMRP"},
    ]
    got = {r.recipient: r.kind for r in classify(_mail(json.dumps(events)))}
    assert got == {"gone@example.net": "hard", "full@example.net": "soft", "angry@example.net": "complaint"}
