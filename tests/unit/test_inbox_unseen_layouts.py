"""Returned mail in layouts the development corpus does not hold, on hand-built mails.

The mails here are constructed strings that follow the documented structure of a kind of
non-delivery notice (a heading and a list of recipients, a quoted copy of the message, a notice
in another language ...); none of them is a real server's mail. What is checked: the failed
recipient is found, one result per failed address, and the kind is a safe one — soft wherever
nothing proves the address dead.
"""

from __future__ import annotations

import pytest
from inbox_fixtures import fixture

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


# -- non-delivery notices in the layouts of servers the corpus does not hold ------------------
# (constructed from the layouts' documented structure: a heading, the recipient on a line of
# its own or in angle brackets, the reason below; each row: layout, mail, expected verdicts)

_JA_HEAD = "\u4ee5\u4e0b\u306e\u30e1\u30fc\u30eb\u30a2\u30c9\u30ec\u30b9\u3078\u306e\u9001\u4fe1\u306b\u5931\u6557\u3057\u307e\u3057\u305f\u3002"

LAYOUTS = [
    ("directory server: 'was not delivered to: / because:' (Domino style)",
     single("Postmaster@mail.example.jp", "DELIVERY FAILURE: User anna (anna@example.jp) not listed in Domino Directory",
            "Your message\n\n  Subject: News\n\nwas not delivered to:\n\n  anna@example.jp\n\nbecause:\n\n"
            "  User anna (anna@example.jp) not listed in Domino Directory\n"),
     [("anna@example.jp", "hard")]),
    ("'Delivery Failure Report' with the copy attached",
     attached("Postmaster@mail.example.jp", "Delivery Failure Report",
              "Your message\n\n  Subject: News\n\nwas not delivered to:\n\n  anna@example.jp\n\nbecause:\n\n"
              "  Mailbox is full\n", "anna@example.jp"),
     [("anna@example.jp", "soft")]),
    ("'Failure Reasons' section, the address below the reason (Notes style)",
     single("Postmaster@notes.example.jp", "Undeliverable message",
            "------- Failure Reasons  --------\n\nUser not listed in public Name & Address Book\n"
            "anna@notes.example.jp\n\n------- Returned Message --------\n" + _copy("anna@notes.example.jp")),
     [("anna@notes.example.jp", "hard")]),
    ("'following addresses had delivery problems' / 'Non-delivered information' sections",
     single("postmaster@mail.example.ne.jp", "Returned mail: Delivery failure",
            "   ----- The following addresses had delivery problems -----\nanna@example.ne.jp\n\n"
            "   ----- Non-delivered information -----\nThe number of messages in recipient's mailbox exceeded"
            " the local limit.\n"),
     [("anna@example.ne.jp", "soft")]),
    ("Japanese notice, server message and SMTP command sections, 5.1.1 at RCPT",
     single("<>", "failure notice",
            _JA_HEAD + "\nanna@example.jp\n\n\n-------server message\n550 5.1.1 <anna@example.jp>... User Unknown\n\n"
            "-------SMTP command\nRCPT TO\n\n-------original mail info\nFrom: shop@example.test\nSubject: News\n"),
     [("anna@example.jp", "hard")]),
    ("Japanese notice, 'user unknown' without a code after DATA",
     single("<>", "failure notice",
            _JA_HEAD + "\nanna@example.jp\n\n\n-------server message\nUser unknown\n\n-------SMTP command\nDATA\n"),
     [("anna@example.jp", "soft")]),
    ("Japanese subject, the address in angle brackets, sender no daemon",
     single("system@example.jp", "\u914d\u4fe1\u4e0d\u80fd: News", _JA_HEAD + "\n\n<anna@example.jp>\n"),
     [("anna@example.jp", "soft")]),
    ("Japanese subject, only the attached copy names the addressee",
     attached("system@example.jp", "\u30e1\u30fc\u30eb\u914d\u4fe1\u30a8\u30e9\u30fc",
              "\u30e1\u30fc\u30eb\u3092\u914d\u4fe1\u3067\u304d\u307e\u305b\u3093\u3067\u3057\u305f\u3002\n",
              "anna@example.jp"),
     [("anna@example.jp", "soft")]),
    ("'Could not be delivered because of' the reply, then 'recipients were affected:'",
     single("postmaster@mx.example.com", "Undeliverable Mail: \"News\"",
            "Your message:\n   From:    shop@example.test\n   Subject: News\n\nCould not be delivered because of\n\n"
            "550 5.1.1 User unknown\n\nThe following recipients were affected: \n    anna@example.com\n\n\n"
            "Additional information follows:\n"),
     [("anna@example.com", "hard")]),
    ("'Failed recipient(s):' and 'Error message:' without a code or stage",
     single("MAILER-DAEMON@mail.example.org", "[BOUNCE]",
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up.\n\nFailed recipient(s):\nanna@example.org\n\n"
            "Error message:\n550 - Requested action not taken: no such user here\n"),
     [("anna@example.org", "soft")]),
    ("'Message details:' naming the recipient as 'RCPT TO:'",
     single("postmaster@mail.example.org", "[BOUNCE]",
            "Error message below:\n550 - Requested action not taken: mailbox full\n\nMessage details:\n"
            "  Subject: News\n  MAIL FROM: shop@example.test\n  RCPT TO: anna@example.org\n"
            "  From: Shop <shop@example.test>\n  To: anna@example.org\n  Size (in bytes): 1000\n"),
     [("anna@example.org", "soft")]),
    ("'SMTP error from remote server for RCPT TO command'",
     single("Mail Delivery System <MAILER-DAEMON@mx.example.de>", "Mail delivery failed: returning message to sender",
            "A message that you sent could not be delivered to one or more of\nits recipients. This is a"
            " permanent error. The following address(es)\nfailed:\n\nanna@example.de:\nSMTP error from remote"
            " server for RCPT TO command, host: mx.example.de (192.0.2.1) reason: 550 Requested action not taken:"
            " mailbox unavailable\n"),
     [("anna@example.de", "hard")]),
    ("the same reply after DATA",
     single("Mail Delivery System <MAILER-DAEMON@mx.example.de>", "Mail delivery failed: returning message to sender",
            "A message that you sent could not be delivered to one or more of\nits recipients. The following"
            " address(es)\nfailed:\n\nanna@example.de:\nSMTP error from remote server for DATA command,"
            " host: mx.example.de (192.0.2.1) reason: 550 Requested action not taken: mailbox unavailable\n"),
     [("anna@example.de", "soft")]),
    ("German: 'Unzustellbar', the address on a line of its own",
     attached("Mail Delivery System <MAILER-DAEMON@mx.example.de>", "Unzustellbar: News",
              "Ihre Nachricht konnte an folgende Empf\u00e4nger nicht zugestellt werden:\n\n    anna@example.de\n\n"
              "Grund: Das Postfach des Empf\u00e4ngers ist voll.\n", "anna@example.de"),
     [("anna@example.de", "soft")]),
    ("German: the address in angle brackets in a sentence",
     single("postmaster@example.de", "Unzustellbar",
            "Die Nachricht an <anna@example.de> konnte nicht zugestellt werden.\n"),
     [("anna@example.de", "soft")]),
    ("French: 'Non remis'",
     attached("postmaster@example.fr", "Non remis : News",
              "Votre message n'a pas pu \u00eatre remis \u00e0 ces destinataires ou groupes :\n\nanna@example.fr\n"
              "Le destinataire n'a pas \u00e9t\u00e9 trouv\u00e9.\n", "anna@example.fr"),
     [("anna@example.fr", "soft")]),
    ("Spanish: 'No se puede entregar', 'addr (addr)'",
     attached("postmaster@example.es", "No se puede entregar: News",
              "No se pudo entregar el mensaje a estos destinatarios o grupos:\n\nanna@example.es (anna@example.es)\n"
              "El buz\u00f3n del destinatario est\u00e1 lleno.\n", "anna@example.es"),
     [("anna@example.es", "soft")]),
    ("Italian: 'non recapitabile'",
     single("postmaster@example.it", "Messaggio non recapitabile",
            "Il messaggio non \u00e8 stato recapitato ai seguenti destinatari:\n\n  anna@example.it\n"),
     [("anna@example.it", "soft")]),
    ("Dutch 'Onbestelbaar'",
     single("postmaster@example.nl", "Onbestelbaar: News", "Uw bericht kon niet worden bezorgd bij:\n\n  anna@example.nl\n"),
     [("anna@example.nl", "soft")]),
    ("Portuguese subject, sender no daemon",
     single("sistema@example.com.br", "Mensagem n\u00e3o entregue: News",
            "N\u00e3o foi poss\u00edvel entregar a mensagem para:\n\n  anna@example.com.br\n"),
     [("anna@example.com.br", "soft")]),
    ("Russian subject and opening, sender no daemon",
     single("robot@example.ru", "\u0421\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u043d\u0435"
            " \u0434\u043e\u0441\u0442\u0430\u0432\u043b\u0435\u043d\u043e",
            "\u0412\u0430\u0448\u0435 \u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 \u043d\u0435"
            " \u043c\u043e\u0436\u0435\u0442 \u0431\u044b\u0442\u044c \u0434\u043e\u0441\u0442\u0430\u0432"
            "\u043b\u0435\u043d\u043e:\n\n  anna@example.ru\n"),
     [("anna@example.ru", "soft")]),
    ("Chinese subject and opening, sender no daemon",
     single("system@example.cn", "\u7cfb\u7edf\u9000\u4fe1",
            "\u60a8\u7684\u90ae\u4ef6\u65e0\u6cd5\u6295\u9012\u5230\u4ee5\u4e0b\u5730\u5740:\n\n"
            "  anna@example.cn\n"),
     [("anna@example.cn", "soft")]),
    ("Japanese subject 'could not deliver the message', a gateway's transcript, sender no daemon",
     attached("\"Mail Gateway\" <gateway@example.jp>", "\u30e1\u30c3\u30bb\u30fc\u30b8\u3092\u914d\u4fe1"
              "\u3067\u304d\u307e\u305b\u3093\u3002",
              "Sent <<< RCPT TO:<anna@example.jp>\nReceived >>> 550 5.1.1 <anna@example.jp>... user unknown\n",
              "anna@example.jp"),
     [("anna@example.jp", "hard")]),
    ("German sentence naming the address without brackets",
     single("postmaster@example.de", "Unzustellbar",
            "Ihre Nachricht an anna@example.de konnte nicht zugestellt werden. Das Postfach ist voll."),
     [("anna@example.de", "soft")]),
    ("French sentence naming the address without brackets",
     single("postmaster@example.fr", "Non remis", "Votre message \u00e0 anna@example.fr n'a pas pu \u00eatre remis."),
     [("anna@example.fr", "soft")]),
    ("Spanish sentence naming the address without brackets",
     single("postmaster@example.es", "No se puede entregar", "El mensaje para anna@example.es no se pudo entregar."),
     [("anna@example.es", "soft")]),
    ("an NDR with 'addr<mailto:addr>' and the diagnostic for administrators",
     single("postmaster@outlook.example.com", "Undeliverable: News",
            "Delivery has failed to these recipients or groups:\n\nanna@example.com<mailto:anna@example.com>\n"
            "The email address you entered couldn't be found.\n\nDiagnostic information for administrators:\n\n"
            "Generating server: mx.example.com\n\nanna@example.com\nRemote Server returned '550 5.1.10"
            " RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n"),
     [("anna@example.com", "hard")]),
    ("an NDR from a mailbox that is no daemon, several recipients",
     single("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.com>", "Undeliverable: News",
            "Delivery has failed to these recipients or groups:\n\nanna@example.com\nbob@example.com\n"
            "carol@example.com\n\nThe recipient's mailbox is full and can't accept messages now.\n"),
     [("anna@example.com", "soft"), ("bob@example.com", "soft"), ("carol@example.com", "soft")]),
    ("multipart/report without a delivery-status part, the address in angle brackets",
     attached("Mail Delivery System <MAILER-DAEMON@mx.example.net>", "Undelivered Mail Returned to Sender",
              "Your message to <anna@example.org> could not be delivered.\n", None,
              ctype="multipart/report; report-type=delivery-status"),
     [("anna@example.org", "soft")]),
    ("only the attached copy's To: names the recipient",
     attached("Mail Delivery Subsystem <mailer-daemon@mx.example.net>", "Mail delivery failed",
              "A message could not be delivered.\n", "anna@example.org"),
     [("anna@example.org", "soft")]),
    ("only the subject names the address",
     single("MAILER-DAEMON@mx.example.org", "Delivery failure: anna@example.org", "The message could not be delivered."),
     [("anna@example.org", "soft")]),
    ("several addresses, one a line",
     single("MAILER-DAEMON@mx.example.net", "Returned mail: see transcript for details",
            "The following addresses failed:\n\n  a@example.org\n  b@example.net\n  c@example.com\n"),
     [("a@example.org", "soft"), ("b@example.net", "soft"), ("c@example.com", "soft")]),
    ("several addresses in angle brackets with their errors (qmail style)",
     single("MAILER-DAEMON@mx.example.net", "failure notice",
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up.\n\n<a@example.org>:\nmailbox is full\n\n"
            "<b@example.org>:\n552 5.2.2 over quota\n"),
     [("a@example.org", "soft"), ("b@example.org", "soft")]),
    ("'Nondeliverable' from a router mailbox",
     single("Mail Router <router@example.org>", "Nondeliverable mail",
            "Your mail could not be delivered to\n\n   anna@example.org\n"),
     [("anna@example.org", "soft")]),
    ("'Delivery Status Notification (Failure)', the address in angle brackets on its line",
     single("Postmaster <postmaster@example.org>", "Delivery Status Notification (Failure)",
            "Delivery to the following recipient failed permanently:\n\n     <anna@example.org>\n\n"
            "Technical details of permanent failure:\nThe recipient server did not accept our requests to"
            " connect.\n"),
     [("anna@example.org", "soft")]),
]


@pytest.mark.parametrize("layout,raw,expected", LAYOUTS, ids=[row[0] for row in LAYOUTS])
def test_a_non_delivery_notice_names_its_recipients_with_a_safe_kind(layout, raw, expected):
    assert verdicts(raw) == sorted(expected), layout


def test_a_message_id_in_angle_brackets_is_no_recipient():
    raw = single("MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender",
                 "Your message with Message-ID <20260101.abc@mx.example.test> could not be delivered to\n"
                 "<anna@example.org> in time.\n")
    assert verdicts(raw) == [("anna@example.org", "soft")]


# -- complaints without a feedback report part ------------------------------------------------

_COMPLAINTS = [
    ("an abuse desk's report with the message attached",
     attached("Abuse Desk <abuse@isp.example>", "Abuse report [#1234]",
              "We have received a complaint about the attached message, sent from your network.",
              "anna@isp.example")),
    ("a postmaster saying a user marked the attached message as junk",
     attached("Postmaster <postmaster@isp.example>", "Complaint",
              "A user of our service marked the attached message as junk.", "anna@isp.example")),
    ("a feedback mailbox quoting the message inline",
     single("fbl@isp.example", "Feedback",
            "The following message was reported as spam by one of our users:\n\n----- Original Message -----\n"
            + _copy("anna@isp.example"))),
    ("a report typed feedback-report whose fields are missing",
     attached("reports@isp.example", "Report", "A complaint.", "anna@isp.example",
              ctype="multipart/report; report-type=feedback-report")),
]


@pytest.mark.parametrize("layout,raw", _COMPLAINTS, ids=[row[0] for row in _COMPLAINTS])
def test_a_complaint_without_a_report_part_is_recognised_by_its_structure(layout, raw):
    assert verdicts(raw) == [("anna@isp.example", "complaint")], layout


# -- delivery-status blocks whose recipient is no internet address ----------------------------


def test_a_status_block_naming_a_local_mailbox_takes_the_returned_copys_one_addressee():
    parts = ["Content-Type: text/plain\n\nDelivery failed.\n",
             "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
             "Final-Recipient: LOCAL;anna\nAction: failed\nStatus: 5.2.2\n",
             "Content-Type: message/rfc822\n\n" + _copy("anna@example.org")]
    raw = (f"From: MAILER-DAEMON@mx.example.org\nTo: {SENDER}\nSubject: Undeliverable: News\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
           + "".join(f"--B\n{p}" for p in parts) + "--B--\n").encode()
    assert verdicts(raw) == [("anna@example.org", "soft")]


# -- a dead name that is ours, not the recipient's --------------------------------------------


def _postfix_like(reply: str) -> bytes:
    return single("Mail Delivery System <MAILER-DAEMON@mx.example.test>", "Undelivered Mail Returned to Sender",
                  "I'm sorry to have to inform you that your message could not\nbe delivered to one or more"
                  f" recipients.\n\n<anna@example.org>: host mx.example.org[192.0.2.1] said: {reply}\n")


def test_a_rejected_greeting_is_about_our_host_even_in_answer_to_rcpt_to():
    # Servers that delay their HELO checks answer them at RCPT TO: "Invalid domain name" there
    # is the name our host greeted with.
    raw = _postfix_like("501 5.5.2 <mx.example.test>: Helo command rejected: Invalid domain name"
                        " (in reply to RCPT TO command)")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.policy) == ("anna@example.org", "soft", True)


def test_a_domain_not_found_in_answer_to_mail_from_is_about_our_sender():
    raw = _postfix_like("550 domain not found (in reply to MAIL FROM command)")
    [r] = classify(raw)
    assert (r.kind, r.category) == ("soft", "rejected")
    raw = _postfix_like("550 5.1.2 domain not found (in reply to RCPT TO command)")
    assert verdicts(raw) == [("anna@example.org", "hard")]


@pytest.mark.parametrize("reply", [
    "550 5.7.0 Invalid domain name in EHLO (in reply to RCPT TO command)",
    "550 Invalid HELO name (See RFC2821 4.1.1.1) (in reply to RCPT TO command)",
    "550 5.7.1 <anna@example.org>: Recipient address rejected: Your domain does not exist"
    " (in reply to RCPT TO command)",
    "550 5.7.1 Your domain has no MX record (in reply to RCPT TO command)",
    "550 5.7.1 Header From domain does not exist (in reply to end of DATA command)",
])
def test_a_dead_name_that_is_our_greeting_or_our_domain_is_soft_and_about_the_sender(reply):
    [r] = classify(_postfix_like(reply))
    assert (r.kind, r.policy) == ("soft", True), reply


def test_a_lookup_that_failed_until_the_server_gave_up_is_an_expiry_not_a_dead_host():
    # RFC 3463 X.4.7: delivery time expired; the DNS trouble was met on every try.
    raw = _postfix_like("554 5.4.7 Delivery expired: DNS lookup failed for example.org")
    [r] = classify(raw)
    assert (r.kind, r.category) == ("soft", "expired")


def test_a_listed_mailbox_with_its_address_beside_it_is_that_address():
    raw = single("MAILER-DAEMON@mx.example.org", "Returned mail",
                 "Your mail to the following recipients could not be delivered:\n\n    anna      (anna@example.net)\n")
    assert verdicts(raw) == [("anna@example.net", "soft")]


# -- footers, authorless notices, old-style responders ------------------------------------------


def _dsn(notice: str, fields: str) -> bytes:
    return ("From: postmaster@mx.example.org\nTo: shop@example.test\nSubject: Delivery Status Notification (Failure)\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
            f"--B\nContent-Type: text/plain\n\n{notice}\n--B\nContent-Type: message/delivery-status\n\n"
            f"Reporting-MTA: dns; mx.example.org\n\n{fields}\n--B--\n").encode()


def test_a_footer_below_a_separator_line_is_not_the_recipients_error():
    # A gateway appends its virus-scan disclaimer below a rule line; the report's 5.1.1 stands.
    notice = ("Delivery to the following recipients failed.\n\n       anna@example.net\n\n\n\n"
              "________________________________________________________________________\n"
              "**** This email has been scanned for all viruses and offensive content ****\n")
    raw = _dsn(notice, "Final-Recipient: rfc822;anna@example.net\nAction: failed\nStatus: 5.1.1\n")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category) == ("anna@example.net", "hard", "userunknown")
    # Without the separator the same words would be read as the reason (a virus found): soft.
    raw = _dsn(notice.replace("_" * 72 + "\n", ""), "Final-Recipient: rfc822;anna@example.net\n"
               "Action: failed\nStatus: 5.1.1\n")
    assert classify(raw)[0].category == "virusdetected"


def test_an_authorless_automatic_notice_that_says_an_address_failed_is_a_bounce():
    raw = (b"From: <>\nTo: shop@example.test\nAuto-Submitted: auto-replied\nIn-Reply-To: <n1@example.test>\n\n"
           b"You sent mail to anna@example.net. That's not a valid user here.\n")
    [r] = classify(raw)
    # a bounce, not an automatic reply; user unknown with neither code nor stage stays soft
    assert (r.recipient, r.kind, r.category) == ("anna@example.net", "soft", "filtered")
    # The same words from a person (an author named) are not a bounce.
    person = raw.replace(b"From: <>", b"From: Anna <anna@example.net>")
    assert classify(person)[0].kind == "auto_reply"


def test_a_responder_marking_its_answer_bulk_or_junk_is_an_automatic_reply_but_a_list_is_not():
    base = ("From: Anna <anna@example.net>\nTo: shop@example.test\nSubject: Thank you for your e-mail\n"
            "Precedence: {p}\n{extra}\nThank you for your e-mail. I will reply as soon as possible.\n")
    for p in ("bulk", "junk", "Junk"):
        assert classify(base.format(p=p, extra="").encode())[0].kind == "auto_reply", p
    listed = base.format(p="bulk", extra="List-Id: <news.example.net>\n").encode()
    assert classify(listed)[0].kind == "unknown"


def test_bulk_precedence_alone_does_not_swallow_a_request_in_words_nor_let_a_token_confirm():
    asks = (b"From: Anna <anna@example.net>\nTo: shop@example.test\nSubject: Re: News\nPrecedence: bulk\n\n"
            b"Please unsubscribe me.\n")
    [r] = classify(asks)
    assert r.kind == "unsubscribe"
    # with a real automatic mark the same words are the responder's, not a request
    marked = asks.replace(b"Precedence: bulk\n", b"Auto-Submitted: auto-replied\n")
    assert classify(marked)[0].kind == "auto_reply"
    # an old responder answering the confirmation request (its token in the subject) confirms nothing
    confirm = fixture("confirmation_token.eml")
    assert classify(confirm)[0].kind == "confirmation"
    junk = confirm.replace(b"\nSubject:", b"\nPrecedence: junk\nSubject:", 1)
    assert junk != confirm and classify(junk)[0].kind == "auto_reply"
