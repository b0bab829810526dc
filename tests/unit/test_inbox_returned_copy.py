"""The returned copy's headers (text/rfc822-headers, or a copy pasted below the notice) are how a
bounce is tied to the message we sent: its Message-ID and our reference header. Servers write
several Received fields, each folded over lines; the fields after them must still be read.
"""

from __future__ import annotations

from pathlib import Path

from mailer_desktop.domain.inbox import classify
from mailer_desktop.domain.inbox.message import parse_headers_text

_COPY = (
    "Received: from mail.shop.example ([198.51.100.25])\n"
    "          by mx.example.org with ESMTP id 4YN;\n"
    "          Sun, 15 Dec 2024 09:10:48 +0100\n"
    "Received: from app.shop.example (app.shop.example [198.51.100.30])\n"
    "\tby mail.shop.example (Postfix) with ESMTP id 4YNM\n"
    "\tfor <anna@example.org>; Sun, 15 Dec 2024 09:10:44 +0100\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=shop.example;\n"
    "\th=from:to:subject;\n"
    "From: Shop <news@shop.example>\n"
    "To: anna@example.org\n"
    "Subject: Our December news\n"
    "Message-ID: <18c3f2a9b10.0123456789abcdef@shop.example>\n"
    "X-Mailer-Desktop-Ref: mdr1x" + "a" * 16 + "\n"
)


def test_fields_after_repeated_folded_fields_are_read():
    headers = parse_headers_text(_COPY)
    assert headers["message-id"] == "<18c3f2a9b10.0123456789abcdef@shop.example>"
    assert headers["to"] == "anna@example.org"
    # the first of a repeated field is kept, with its own folded lines
    assert headers["received"].endswith("Sun, 15 Dec 2024 09:10:48 +0100")


def test_a_report_with_a_headers_only_copy_names_our_message():
    raw = ("From: MAILER-DAEMON@mx.example.org\nTo: news@shop.example\nSubject: Undelivered Mail Returned to Sender\n"
           "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
           "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
           "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
           "Final-Recipient: rfc822; anna@example.org\nAction: failed\nStatus: 5.1.1\n"
           "Diagnostic-Code: smtp; 550 5.1.1 <anna@example.org>: User unknown\n"
           f"--B\nContent-Type: text/rfc822-headers\n\n{_COPY}--B--\n").encode()
    (result,) = classify(raw)
    assert (result.recipient, result.kind) == ("anna@example.org", "hard")
    assert result.original_message_id == "18c3f2a9b10.0123456789abcdef@shop.example"
    assert result.reference == "mdr1x" + "a" * 16


def test_an_x_arf_report_names_the_complainant_and_our_message():
    # X-ARF 4: the report in a JSON part, the reported message as a base64 sample inside it
    path = Path(__file__).resolve().parents[1] / "fixtures" / "written" / "g-reports" / "15-xarf-json.eml"
    (result,) = classify(path.read_bytes())
    assert (result.kind, result.recipient) == ("complaint", "noor.h@post.isp-two.example")
    assert result.original_message_id == "18c3f2a9b15.0123456789abcdef15@shop.example"
