"""Who a notice is about when no layout names the recipient: a sentence in any language."""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify


def _notice(body: str, copy: str = "") -> list[tuple[str | None, str]]:
    raw = ("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: news@shop.example\n"
           "Subject: Undeliverable mail\nContent-Type: text/plain; charset=utf-8\nAuto-Submitted: auto-replied\n\n"
           f"{body}\n\nReason: 550 5.1.1 User unknown\n{copy}").encode()
    return [(r.recipient, r.kind) for r in classify(raw)]


@pytest.mark.parametrize("sentence", [
    "Twoja wiadomość do anna@example.org nie została dostarczona.",
    "Ваше сообщение для anna@example.org не доставлено.",
    "您发送给 anna@example.org 的邮件无法送达。",
    "Meddelandet till anna@example.org kunde inte levereras.",
    "Zpráva pro anna@example.org nemohla být doručena.",
    "A(z) anna@example.org címre küldött üzenet nem kézbesíthető.",
    "Mesajınız anna@example.org adresine iletilemedi.",
])
def test_the_one_address_of_a_notice_in_any_language_is_its_recipient(sentence):
    assert _notice(sentence) == [("anna@example.org", "hard")]


def test_the_returned_copys_addressee_comes_before_an_address_in_the_text():
    copy = "\n--- Returned message ---\nFrom: news@shop.example\nTo: bob@example.org\nSubject: News\n\nHello\n"
    assert _notice("Nie można dostarczyć wiadomości; kontakt: helpdesk-pl@mx.example.net", copy) == [
        ("bob@example.org", "hard")]


@pytest.mark.parametrize("body", [
    # two addresses: which one failed is not said
    "Wiadomość do anna@example.org i bob@example.org nie została dostarczona.",
    # the sender's own address, quoted with its display name, is nobody's failure
    "Message could not be delivered.\nFrom: Shop <shop@example.test>",
])
def test_no_guess_between_several_addresses_or_from_the_sender(body):
    assert [r for r, _ in _notice(body)] == [None]
