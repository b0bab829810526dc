"""A person's reply is no delivery notice, whatever its words say about delivering.

A customer answers a newsletter ("Re: Our news", In-Reply-To, the newsletter quoted below) and
writes that something "could not be delivered" or "failed": that is about their parcel or their
printer, not a server returning our mail. Read as a bounce it would count a soft bounce against
a living address, and an opt-out written in the same mail would be lost.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify

_REPLY = """From: Anna Berg <anna@example.net>
To: Shop <shop@example.test>
Subject: {subject}
Date: Sun, 6 Dec 2026 20:00:00 +0000
Message-ID: <r1@example.net>
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}

-----Original Message-----
From: Shop <shop@example.test>
Sent: Sunday, December 6, 2026 19:00
To: anna@example.net
Subject: Our news

Hello, this is our newsletter.
"""

WORDS = [
    "Hi, I tried to order but the form could not send my address. Can you help?",
    "Your last newsletter failed to deliver the pictures, they are all broken.",
    "There was an error delivering my order last week, the parcel never came.",
    "Delivery of my parcel has failed twice now.",
    "Thanks! The message you sent was lovely.",
]


@pytest.mark.parametrize("body", WORDS)
@pytest.mark.parametrize(("subject", "extra"), [("Re: Our news", ""), ("AW: Our news", ""),
                                                ("Our news", "In-Reply-To: <n1@example.test>\n")])
def test_a_person_reply_is_not_a_bounce(subject, extra, body):
    results = classify(_REPLY.format(subject=subject, extra=extra, body=body).encode())
    assert [r.kind for r in results] == ["unknown"], [(r.kind, r.category) for r in results]


@pytest.mark.parametrize("body", [
    "Please unsubscribe me, the original message was received at my old address.",
    "Your newsletter could not be delivered to my printer, please unsubscribe me.",
])
def test_an_opt_out_beside_delivery_words_is_an_opt_out(body):
    results = classify(_REPLY.format(subject="Re: Our news", extra="", body=body).encode())
    assert [r.kind for r in results] == ["unsubscribe"]


def test_a_server_answering_with_re_and_failure_words_in_the_subject_is_still_a_notice():
    raw = (b"From: Mail System <notices@relay.example.org>\nTo: shop@example.test\n"
           b"Subject: RE: Our news : non remis (delivery failed)\nMIME-Version: 1.0\n"
           b"Content-Type: text/plain\n\nYour message could not be delivered to\nanna@example.net\n")
    results = classify(raw)
    assert [(r.recipient, r.kind) for r in results] == [("anna@example.net", "soft")]


@pytest.mark.parametrize("body", [
    "I am away until Monday. Your message was not delivered to my colleague automatically; please write to "
    "office@example.net.",
    "I have left the company. Mail to this address could not be delivered to anyone any more; please write to "
    "info@example.net.",
])
def test_an_automatic_answer_from_a_person_is_an_auto_reply(body):
    # RFC 3834 "Auto-Submitted: auto-replied", sent with the null reverse-path as it recommends.
    raw = ("Return-Path: <>\nFrom: Anna Berg <anna@example.net>\nTo: shop@example.test\n"
           "Subject: Automatic reply: Our news\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
           f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()
    assert [(r.kind, r.recipient) for r in classify(raw)] == [("auto_reply", "anna@example.net")]


@pytest.mark.parametrize(("subject", "body"), [
    ("Delivery failure", "Hello, my parcel could not be delivered yesterday. Order 1234. Please help!"),
    ("Error de entrega", "Hola, el paquete no se ha podido entregar ayer. Pedido 1234."),
    ("Mancato recapito", "Buongiorno, non è stato possibile recapitare il pacco. Ordine 1234."),
    ("Unzustellbar", "Guten Tag, mein Paket konnte nicht zugestellt werden. Bestellung 1234."),
])
def test_a_new_mail_from_a_person_about_a_failed_delivery_is_not_a_bounce(subject, body):
    # Not a reply (no "Re:", no In-Reply-To): a failure subject and failure words, but from a named
    # author with a reverse-path, no returned message, no reply code and no other address.
    raw = (f"From: Maria Lopez <maria@example.org>\nTo: shop@example.test\nSubject: {subject}\n"
           f"Message-ID: <p1@example.org>\nContent-Type: text/plain; charset=utf-8\n\n{body}\nMaria\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("maria@example.org", "unknown")]


def test_a_notice_from_a_named_author_that_names_the_failed_address_is_still_a_bounce():
    raw = (b"From: Mail System <system@mx.example.net>\nTo: shop@example.test\nSubject: Delivery failure\n"
           b"Content-Type: text/plain\n\nYour message could not be delivered to anna@example.org.\n")
    assert [r.recipient for r in classify(raw)] == ["anna@example.org"]
    assert classify(raw)[0].kind in ("soft", "hard")
