"""A notice about several recipients: each one's verdict comes from its own lines, or from the
heading that speaks for all of them — never from another recipient's reply.
"""

from __future__ import annotations

from mailer_desktop.domain.inbox import classify

_COPY = "\n--- Below this line is a copy of the message.\n\nFrom: news@shop.example\nTo: anna@example.org\nSubject: News\n"


def _plain(text: str, subject: str = "Mail delivery failed: returning message to sender") -> list[tuple[str, str]]:
    raw = (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: news@shop.example\nSubject: {subject}\n\n"
           f"{text}\n{_COPY}").encode()
    return sorted(((r.recipient or ""), r.kind) for r in classify(raw))


def test_a_code_above_the_list_speaks_for_every_recipient():
    assert _plain("Delivery failed: 550 5.1.1 Recipient address rejected.\n\nThe following recipients were rejected:\n\n"
                  "  anna@example.org\n  bob@example.org\n", "Undeliverable mail") == [
        ("anna@example.org", "hard"), ("bob@example.org", "hard")]


def test_another_recipients_temporary_reply_does_not_keep_a_dead_domain_alive():
    assert _plain("A message that you sent could not be delivered to one or more of its\nrecipients. This is a "
                  "permanent error. The following address(es) failed:\n\n  klaus@unroutable.example\n"
                  "    Unrouteable address\n  lena@example.org\n    SMTP error from remote mail server after RCPT "
                  "TO:<lena@example.org>:\n    host mx.example.org [192.0.2.12]: 451 4.3.0 Temporary lookup failure: "
                  "retry timeout exceeded\n") == [("klaus@unroutable.example", "hard"), ("lena@example.org", "soft")]


def test_another_recipients_dead_mailbox_is_not_borrowed():
    # anna's own lines say nothing; bob's reply names bob
    assert _plain("A message that you sent could not be delivered to one or more of its\nrecipients. This is a "
                  "permanent error. The following address(es) failed:\n\n  anna@example.org\n  bob@example.org\n"
                  "    SMTP error from remote mail server after RCPT TO:<bob@example.org>:\n"
                  "    host mx.example.org [1.2.3.4]: 550 5.1.1 User unknown\n") == [
        ("anna@example.org", "soft"), ("bob@example.org", "hard")]


def test_a_subject_naming_our_own_address_still_speaks_for_the_recipient():
    raw = ("From: MAILER-DAEMON@mx.example.net\nTo: news@shop.example\n"
           "Subject: Mail delivery failed: user unknown (news@shop.example)\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
           "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
           "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
           "Final-Recipient: rfc822; anna@example.org\nAction: failed\nStatus: 5.0.0\n"
           "--B\nContent-Type: message/rfc822\n\nFrom: news@shop.example\nTo: anna@example.org\nSubject: News\n\nHi\n--B--\n")
    assert [(r.recipient, r.kind) for r in classify(raw.encode())] == [("anna@example.org", "hard")]


def test_a_message_identifier_in_a_notice_is_no_recipient():
    got = _plain("Your message <18c3f2a9b10.0123456789abcdef@shop.example> could not be delivered.\n"
                 "Mensagem original: <nl-20@shop.example>\n\n  anna@example.org: 552 5.2.2 mailbox full\n")
    assert got == [("anna@example.org", "soft")]


def test_a_transcript_in_another_language_names_each_recipient_and_its_reply():
    # InterScan writes its own word for "sent"/"received" before the arrows in its other languages
    notice = ("****** InterScan Messaging Security Suite からのメッセージ ******\n\n"
              "以下のメールは配信できませんでした。\n\n"
              "送信 >>> RCPT TO:<anna@example.org>\n受信 <<< 550 5.1.1 <anna@example.org>... User unknown\n\n"
              "Gesendet >>> RCPT TO:<bob@example.org>\nEmpfangen <<< 552 5.2.2 <bob@example.org>... Mailbox full\n")
    assert _plain(notice, "Undeliverable mail") == [("anna@example.org", "hard"), ("bob@example.org", "soft")]


def test_a_recipient_named_on_an_east_asian_to_line_is_found():
    for label in ("宛先:", "宛先：", "收件人：", "收件者:", "受信者:", "수신자:"):
        notice = f"以下のメールは配信できませんでした。\n\n{label} <anna@example.org>\n送信 >>> DATA\n受信 <<< 554 5.7.1 spam\n"
        assert _plain(notice, "Undeliverable mail") == [("anna@example.org", "soft")], label


def test_a_to_line_beside_a_transcript_keeps_each_recipients_own_reply():
    notice = ("以下のメールは配信できませんでした。\n\n"
              "送信 >>> RCPT TO:<anna@example.org>\n受信 <<< 550 Mailbox not found.\n\n"
              "宛先: <bob@example.org>\n送信 >>> DATA\n受信 <<< 554 DT:SPM 163 mx17, please see the help page\n")
    assert _plain(notice, "Undeliverable mail") == [("anna@example.org", "hard"), ("bob@example.org", "soft")]
