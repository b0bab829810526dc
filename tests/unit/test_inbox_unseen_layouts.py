"""Returned mail in layouts the development corpus does not hold, on hand-built mails.

The mails here are constructed strings that follow the documented structure of a kind of
non-delivery notice (a heading and a list of recipients, a quoted copy of the message, a notice
in another language ...); none of them is a real server's mail. What is checked: the failed
recipient is found, one result per failed address, and the kind is a safe one — soft wherever
nothing proves the address dead.
"""

from __future__ import annotations

from mailer_desktop.domain.inbox import classify

SENDER = "shop@example.test"


def _copy(to: str) -> str:
    return f"From: Shop <{SENDER}>\nTo: {to}\nSubject: News\nMessage-ID: <n1@example.test>\n\nHello\n"


def single(sender: str, subject: str, body: str) -> bytes:
    """A notice without MIME structure."""
    return (f"From: {sender}\nTo: {SENDER}\nSubject: {subject}\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


def attached(sender: str, subject: str, notice: str, to: str | None,
             ctype: str = "multipart/mixed") -> bytes:
    """A notice in a text part, the returned message attached as message/rfc822."""
    parts = ["Content-Type: text/plain; charset=utf-8\n\n" + notice + "\n"]
    if to is not None:
        parts.append("Content-Type: message/rfc822\n\n" + _copy(to))
    body = "".join(f"--B\n{p}" for p in parts) + "--B--\n"
    return (f"From: {sender}\nTo: {SENDER}\nSubject: {subject}\nMIME-Version: 1.0\n"
            f"Content-Type: {ctype}; boundary=\"B\"\n\n" + body).encode()


def verdicts(raw: bytes) -> list[tuple[str | None, str]]:
    return sorted(((r.recipient or "").lower(), r.kind) for r in classify(raw))


# -- mailboxes named without a domain, a copy quoted with '>' ---------------------------------


def test_mailboxes_listed_without_a_domain_take_the_reporting_servers_domain_and_stay_soft():
    raw = single("Mail Delivery Subsystem <MAILER-DAEMON@mx2.mail.example.org>", "Mail Delivery Problem",
                 "Your mail to the following recipients could not be delivered because they are not\n"
                 "accepting mail from shop@example.test:\n\tanna\n\tbob.smith\n")
    assert verdicts(raw) == [("anna@example.org", "soft"), ("bob.smith@example.org", "soft")]


def test_a_listed_mailbox_is_the_recipient_not_an_address_the_explanation_below_uses():
    raw = single("MAILER-DAEMON@mr2.its.example.edu", "Returned mail - nameserver error report",
                 " --------Message not delivered to the following:\n\n anna    No such user in the directory\n\n"
                 " --------Error Detail:\n\n If no lookup tools are available, try the most explicit form,\n"
                 " e.g., if\n first.last@example.edu fails, try first.m.last@example.edu.\n")
    assert verdicts(raw) == [("anna@example.edu", "soft")]


def test_a_guessed_domain_never_makes_a_hard_bounce():
    raw = single("MAILER-DAEMON@mail.example.co.jp", "Returned mail",
                 "Message not delivered to the following:\n\n anna    550 5.1.1 User unknown\n")
    assert verdicts(raw) == [("anna@example.co.jp", "soft")]


def test_the_returned_copys_addressee_named_in_a_sentence_beats_an_address_the_notice_explains():
    raw = single("postmaster@example.gov", "FAILED MAIL to \"anna\"",
                 "The standard form of email address here is lastnameNumber@example.gov.\n"
                 "The address to which your message was addressed, anna@example.gov, did not match.\n\n"
                 "Original message as received is as follows:\n" + "=" * 40 + "\n"
                 ">Return-Path: <shop@example.test>\n"
                 ">Received: from mx.example.test by mail.example.gov with ESMTP id X1 for <anna@example.gov>;"
                 " Sun, 27 May 2001 14:21:25 -0700\n>Subject: News\n>\n>Hello\n")
    assert verdicts(raw) == [("anna@example.gov", "soft")]
