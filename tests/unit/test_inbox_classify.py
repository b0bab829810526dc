"""The classifier on hand-written mails: replies, tokens, complaints, delays, policy blocks."""

from __future__ import annotations

import base64

import pytest
from inbox_fixtures import FAKE, FIXTURES, fixture

from mailer_desktop.domain.inbox import KINDS, classify


def one(raw: bytes):
    results = classify(raw)
    assert len(results) == 1, results
    return results[0]


def test_unsubscribe_token_in_subject_and_address():
    r = one(fixture("unsubscribe_token_subject.eml"))
    assert r.kind == "unsubscribe"
    assert r.tokens[0] == FAKE["u"]
    assert r.sender == "anna@example.org"
    assert not r.review


def test_unsubscribe_without_token_is_a_request_from_the_sender():
    r = one(fixture("unsubscribe_no_token.eml"))
    assert r.kind == "unsubscribe"
    assert r.category == "text"
    assert r.sender == "anna@example.org"
    assert not r.review  # "Please remove me" is clear wording


def _person_mail(subject: str, text: str, headers: str = "") -> bytes:
    return (f"From: Vendor <news@vendor.example>\nTo: news@shop.example\nSubject: {subject}\n{headers}"
            f"Content-Type: text/plain; charset=utf-8\n\n{text}\n").encode()


@pytest.mark.parametrize("footer, headers", [
    ("If you no longer wish to receive these emails, unsubscribe here: https://vendor.example/u/1",
     "List-Unsubscribe: <https://vendor.example/u/1>\nList-Id: <news.vendor.example>\n"),
    ("If you no longer wish to receive these emails, unsubscribe here: https://vendor.example/u/1", ""),
    ("To unsubscribe from this newsletter, click here: https://vendor.example/u/1", ""),
    ("You can unsubscribe at any time.", ""),
    ("Unsubscribe here: https://vendor.example/u/1", ""),
    ("D\u00e9sabonnement : https://vendor.example/u/1", ""),
    ("Abmelden: https://vendor.example/u/1", ""),
    ("Wenn Sie den Newsletter nicht mehr erhalten m\u00f6chten, k\u00f6nnen Sie sich hier abmelden.", ""),
    ("Si vous ne souhaitez plus recevoir nos offres, d\u00e9sabonnez-vous ici.", ""),
])
def test_a_newsletters_own_opt_out_footer_is_no_request_from_its_sender(footer, headers):
    r = one(_person_mail("Our autumn offers", f"Dear customer,\n\n20% off everything this week.\n\n{footer}", headers))
    assert r.kind != "unsubscribe", r


@pytest.mark.parametrize("text", [
    "Please unsubscribe me. If you want, you can keep my order history.",
    "You can unsubscribe me now, thanks.",
    "I no longer wish to receive your emails. Unsubscribe.",
])
def test_a_request_beside_an_if_sentence_is_still_a_request(text):
    assert one(_person_mail("Newsletter", text)).kind == "unsubscribe"


def _customer_reply(text: str, subject: str = "Re: Our news") -> bytes:
    return (f"From: Anna <anna@example.org>\nTo: news@shop.example\nSubject: {subject}\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{text}\n").encode()


@pytest.mark.parametrize("text", [
    "Please don't stop sending me your recipes, I love them!",
    "I don't want to unsubscribe, I just changed my address to anna@new.example.",
    "Do not unsubscribe me! My husband clicked the link by mistake.",
    "Thanks! Never unsubscribing from this one.",
    "Bitte nicht abmelden, mein Mann hat nur aus Versehen geklickt.",
    "No quiero darme de baja, solo cambi\u00e9 de direcci\u00f3n.",
    "Non voglio disiscrivermi.",
])
def test_a_plea_to_stay_is_never_an_unsubscribe(text):
    assert one(_customer_reply(text)).kind != "unsubscribe"


@pytest.mark.parametrize("text", [
    "I do not want these emails, unsubscribe me",
    "I don't want any more emails so please unsubscribe me",
    "Can you please unsubscribe me?",
    "I never signed up. Unsubscribe me now.",
    "Bitte nicht mehr schicken, ich m\u00f6chte mich abmelden.",
    "Quiero darme de baja.",
    "Vorrei disiscrivermi, grazie.",
    "D\u00e9sabonnez-moi s'il vous pla\u00eet.", "Bitte melden Sie mich ab.", "Meld me af alstublieft.",
    "Canc\u00e9lame la suscripci\u00f3n por favor.", "Per favore cancellatemi dalla lista.", "Avregistrera mig.",
])
def test_a_request_after_a_negated_clause_is_still_a_clear_request(text):
    r = one(_customer_reply(text))
    assert (r.kind, r.review) == ("unsubscribe", False)


@pytest.mark.parametrize("text", [
    "Please unsubscribe bob@example.org.",
    "Please stop sending to my old address anna@old.example",
    "Unsubscribe my husband's address please.",
])
def test_an_opt_out_for_another_address_or_person_waits_for_review(text):
    r = one(_customer_reply(text))
    assert r.kind != "unsubscribe" or r.review


def test_the_senders_own_address_in_the_request_is_still_her_request():
    r = one(_customer_reply("Please unsubscribe me (anna@example.org)."))
    assert (r.kind, r.review) == ("unsubscribe", False)


def test_a_question_about_unsubscribing_waits_for_review():
    r = one(_customer_reply("How do I unsubscribe my old address and subscribe the new one?", "Question"))
    assert r.kind != "unsubscribe" or r.review


def test_unsubscribe_from_another_address_keeps_the_token():
    r = one(fixture("unsubscribe_other_address.eml"))
    assert (r.kind, r.sender, r.tokens[0]) == ("unsubscribe", "bob@office.example.net", FAKE["u"])


def test_forwarded_unsubscribe_request():
    r = one(fixture("unsubscribe_forwarded.eml"))
    assert r.kind == "unsubscribe"
    assert r.tokens[0] == FAKE["u"]
    assert r.sender == "anna.example@work.example.com"


def test_confirmation_with_token():
    r = one(fixture("confirmation_token.eml"))
    assert r.kind == "confirmation"
    assert r.tokens[0] == FAKE["c"]
    assert r.message_id == "confirm-1@example.org"


def test_confirmation_without_token_goes_to_review():
    r = one(fixture("confirmation_no_token.eml"))
    assert r.kind == "confirmation"
    assert r.review


def test_thanks_reply_quoting_the_footer_token_is_not_an_unsubscribe():
    r = one(fixture("thanks_reply_quoted_footer.eml"))
    assert r.kind == "unknown"
    assert r.review


def test_vacation_reply_to_a_confirmation_request_confirms_nobody():
    r = one(fixture("vacation_reply_to_confirmation.eml"))
    assert r.kind == "auto_reply"


def test_complaint_with_redacted_recipient_carries_our_reference():
    r = one(fixture("complaint_redacted.eml"))
    assert r.kind == "complaint"
    assert r.review  # redacted: only the token can match it
    assert r.reference == FAKE["r"]
    assert FAKE["u"] in r.tokens
    assert r.original_message_id == "campaign-7-42@shop.example"


def test_delayed_notice_is_a_temporary_failure_not_a_bounce():
    r = one(fixture("delayed.eml"))
    assert (r.kind, r.action, r.category) == ("soft", "delayed", "delayed")
    assert r.status.startswith("4.")
    assert r.recipient == "anna@example.org"


def test_hard_bounce_names_recipient_status_and_reference():
    r = one(fixture("hard_bounce_reference.eml"))
    assert (r.kind, r.recipient, r.status, r.category) == ("hard", "forwarded-old@example.org", "5.1.1", "userunknown")
    assert r.reference == FAKE["r"]
    assert r.original_message_id == "campaign-7-44@shop.example"


def test_mailbox_full_is_soft():
    r = one(fixture("soft_bounce_mailbox_full.eml"))
    assert (r.kind, r.recipient, r.category) == ("soft", "anna@example.org", "mailboxfull")
    assert not r.policy


def test_authentication_block_is_soft_and_about_the_sender():
    r = one(fixture("policy_block.eml"))
    assert (r.kind, r.recipient, r.status) == ("soft", "anna@example.org", "5.7.26")
    assert r.policy


def _postfix_notice(text: str) -> bytes:
    """A Postfix-style notice about x@example.org whose remote host said ``text``."""
    return ("From: MAILER-DAEMON@mx.example.net\r\nTo: news@shop.example\r\nSubject: Undelivered Mail Returned "
            f"to Sender\r\n\r\n<x@example.org>: host mx.example.org said:\r\n    {text}\r\n").encode()


@pytest.mark.parametrize("text, kind", [
    ("550 5.1.1 <x@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)", "hard"),
    ("550 5.1.2 Host or domain name not found. Name service error for name=example.invalid", "hard"),
    ("552 5.2.2 <x@example.org>: Mailbox full (in reply to RCPT TO command)", "soft"),
    ("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", "soft"),
    ("550 5.7.1 Message rejected as spam by Content Filtering", "soft"),
    ("421 4.7.0 Try again later, closing connection", "soft"),
    ("550 Unknown user (in reply to end of DATA command)", "soft"),
])
def test_common_server_sentences(text, kind):
    r = one(_postfix_notice(text))
    assert (r.recipient, r.kind) == ("x@example.org", kind)


def test_unreadable_input_never_raises():
    for raw in (b"", b"\x00\xff" * 100, b"Content-Type: multipart/report; boundary=\r\n\r\n--\r\n",
                b"From: x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient:\r\n"):
        results = classify(raw)
        assert results and all(r.kind in KINDS for r in results)


SERVERS = FIXTURES / "servers"


@pytest.mark.parametrize("name, expected", [
    ("domino.eml", [("kijitora@example.com", "hard")]),
    ("office365_text.eml", [("neko@contoso.com", "hard")]),
    ("qmail_two_recipients.eml", [("nekochan@example.org", "hard"), ("mikeneko@example.org", "soft")]),
    ("postfix_german.eml", [("hans@example.de", "hard")]),
    ("gmail_no_such_user.eml", [("tora@gmail.com", "hard")]),
    ("exchange2007_text.eml", [("kijitora@example.jp", "hard")]),
    ("aol_feedback_text.eml", [("cat@aol.example", "complaint")]),
])
def test_layouts_of_common_servers(name, expected):
    results = classify((SERVERS / name).read_bytes())
    assert [(r.recipient, r.kind) for r in results] == expected


@pytest.mark.parametrize("name, kind, category", [
    # "Technical details of permanent failure" is a heading, not a technical problem: the 5.1.1 below decides
    ("technical_details_permanent.eml", "hard", "userunknown"),
    # Office 365 answers an unknown recipient with 5.1.10, which RFC 7505 gives to a null-MX domain
    ("office365_resolver.eml", "hard", "userunknown"),
])
def test_the_words_name_the_reason_where_a_heading_or_a_code_would_mislead(name, kind, category):
    result = one((SERVERS / name).read_bytes())
    assert (result.kind, result.category) == (kind, category)


def test_office365_unknown_recipient_in_words_only_is_an_unknown_user():
    raw = (b"From: postmaster@outlook.example\r\nTo: news@shop.example\r\nSubject: Undeliverable: News\r\n"
           b"X-Failed-Recipients: kim@fabrikam.example\r\n\r\n"
           b"Delivery has failed to these recipients or groups:\r\n\r\nkim@fabrikam.example\r\n"
           b"Remote Server returned '550 5.1.10 Recipient not found by SMTP address lookup'\r\n")
    result = one(raw)
    assert (result.recipient, result.kind, result.category) == ("kim@fabrikam.example", "hard", "userunknown")


def test_a_null_mx_code_alone_still_means_the_domain_takes_no_mail():
    raw = (b"From: MAILER-DAEMON@mx.example.net\r\nTo: news@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
           b"\r\n<ann@nomail.example>: host nomail.example said: 550 5.1.10 Recipient address has null MX\r\n")
    result = one(raw)
    assert (result.recipient, result.kind, result.category) == ("ann@nomail.example", "hard", "notaccept")


def test_a_size_in_the_quoted_message_details_is_not_a_reply_code():
    raw = (b"From: postmaster@carrier.example\r\nTo: news@shop.example\r\nSubject: Re: News\r\n\r\n"
           b"Error: Invalid user address\r\n\r\nError message below:\r\n550 - Requested action not taken\r\n\r\n"
           b"Message details:\r\n  RCPT TO: ann@carrier.example\r\n  Size (in bytes): 222\r\n")
    result = one(raw)
    assert (result.recipient, result.status) == ("ann@carrier.example", "5.0.0")


def test_a_parameter_on_an_unindented_line_still_splits_the_parts():
    text = b"<ann@example.org>: host mx.example.org said: 550 5.1.1 User unknown (in reply to RCPT TO command)\r\n"
    raw = (b"From: postmaster@carrier.example\r\nTo: news@shop.example\r\nSubject: Returned\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/alternative;\r\nboundary=\"inner\"\r\n\r\n"
           b"--inner\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(text) + b"--inner--\r\n")
    result = one(raw)
    assert (result.recipient, result.kind, result.status) == ("ann@example.org", "hard", "5.1.1")


def test_a_bounce_pasted_below_a_forwarding_note_is_read_as_the_report():
    raw = (b"From: MAILER-DAEMON@relay.example.net\r\nTo: news@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
           b"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
           b"The message returned below could not be delivered.\r\n\r\n---------------\r\n"
           b"From MAILER-DAEMON  Thu Apr 29 23:34:45 2026\r\nReturn-Path: <>\r\nDelivered-To: admin@relay.example.net\r\n"
           b"Received: from mx.example.net (mx.example.net [192.0.2.1])\r\n\tby relay.example.net (Postfix)\r\n"
           b"From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
           b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
           b"Final-Recipient: rfc822; ann@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
           b"Diagnostic-Code: smtp; 550 5.1.1 <ann@example.org>: User unknown (in reply to RCPT TO command)\r\n--b--\r\n")
    result = one(raw)
    assert (result.recipient, result.kind, result.status) == ("ann@example.org", "hard", "5.1.1")


def test_a_quoted_delivered_to_line_does_not_name_the_recipient():
    raw = (b"From: MAILER-DAEMON@relay.example.net\r\nTo: news@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n"
           b"Your message could not be delivered.\r\n\r\nDelivered-To: admin@relay.example.net\r\n")
    assert one(raw).recipient is None


@pytest.mark.parametrize("subject", [
    "Automatic reply: Spring sale", "Abwesenheitsnotiz: Spring sale", "Réponse automatique : Spring sale",
    "自動応答: Spring sale", "自動返信: Spring sale", "自动回复: Spring sale", "자동 응답: Spring sale",
    "Автоответ: Spring sale", "Automatyczna odpowiedź: Spring sale", "Otomatik yanıt: Spring sale",
    "Autoodpowiedź: Spring sale", "자동 회신: Spring sale", "Frånvaro: Spring sale", "Fravær: Spring sale",
])
def test_an_auto_reply_is_known_by_its_subject_in_the_languages_responders_write(subject):
    raw = (f"From: Karl <karl@hanz.example>\nTo: shop@example.test\nSubject: {subject}\n"
           "Message-ID: <a1@hanz.example>\nContent-Type: text/plain; charset=utf-8\n\nAway until Monday.\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("karl@hanz.example", "auto_reply")]


@pytest.mark.parametrize("subject", [
    # Outlook's "Automatic reply:" in more of its languages; the text says nothing a rule knows
    "Odpowiedź automatyczna: Spring sale", "Automaattinen vastaus: Spring sale", "Αυτόματη απάντηση: Spring sale",
    "Automatikus válasz: Spring sale", "Automatski odgovor: Spring sale",
    "Samodejni odgovor: Spring sale", "Răspuns automat: Spring sale", "Automatická odpoveď: Spring sale",
    "Automaatne vastus: Spring sale", "Automātiskā atbilde: Spring sale", "Automatinis atsakymas: Spring sale",
    "Автовідповідь: Spring sale", "Автоматичен отговор: Spring sale", "תשובה אוטומטית: Spring sale",
    "رد تلقائي: Spring sale", "Trả lời tự động: Spring sale", "Balasan otomatis: Spring sale",
    "Resposta automàtica: Spring sale",
])
def test_an_auto_reply_is_known_by_its_subject_alone(subject):
    raw = (f"From: Karl <karl@hanz.example>\nTo: shop@example.test\nSubject: {subject}\n"
           "Message-ID: <a1@hanz.example>\nContent-Type: text/plain; charset=utf-8\n\nHej.\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("karl@hanz.example", "auto_reply")]


@pytest.mark.parametrize("subject", [
    # a reply to a newsletter that speaks of automatic replies or absences: the person's words count
    "Re: Odpowiedź automatyczna w Outlooku – poradnik", "Re: Kako podesiti automatski odgovor u Outlooku",
    "Re: Automatikus válasz beállítása lépésről lépésre", "Re: Bolovanje i odsutnost s posla – novi propisi",
])
def test_a_reply_whose_subject_speaks_of_automatic_replies_is_still_the_persons(subject):
    raw = (f"From: Ana <ana@firma.example>\nTo: shop@example.test\nSubject: {subject}\n"
           "Message-ID: <a2@firma.example>\nContent-Type: text/plain; charset=utf-8\n\nPlease unsubscribe me.\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("ana@firma.example", "unsubscribe")]


@pytest.mark.parametrize("text, category", [
    # Postfix holds mail for an unreachable destination: "delivery temporarily suspended" is no
    # suspended account
    ("550 5.4.7 delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection timed out",
     "expired"),
    ("550 5.2.1 <x@example.org>: mailbox temporarily suspended", "suspend"),
    ("550 5.1.4 RESOLVER.ADR.Ambiguous; ambiguous address", "systemerror"),
    ("554 5.4.4 SMTPSEND.DNS.MxLoopback; DNS records for the target domain are configured in a loop", "networkerror"),
    # a lookup that merely failed (Courier's and Sendmail's temporary wordings) is no dead domain
    ("550 DNS lookup failed.", "networkerror"),
    ("550 Host name lookup failure", "networkerror"),
    ("550 This domain's DNS violates RFC 1035.", "systemerror"),
    ('550 unrouteable mail domain "example.org"', "networkerror"),
    ("550 5.4.0 DNS records for the destination computer could not be found", "networkerror"),
    ("554 5.4.4 Unable to resolve route to host example.org", "networkerror"),
    # "try again later" beside a reason of the receiving side is no rate limit of ours
    ("452 4.4.5 Insufficient disk space; try again later", "systemfull"),
    ("550 5.7.1 <x@example.org>: Recipient address rejected: User x@example.org temporary locked. "
     "Please try again later", "suspend"),
    # a virus named beside "content rejected" is a virus
    ("550 Virus Detected; Content Rejected", "virusdetected"),
    # the recipient's own account blocked, and a far side without TLS, are not about our sending
    ("550 5.5.0 Le compte du destinataire est bloque. The recipient account is blocked.", "suspend"),
    ("500 Remote server does not support TLS (state 6).", "systemerror"),
    # a provider that refuses our server for some hours is a block of ours, not a queue expiry
    ("550 5.7.1 POL-P3 Facebook is not accepting messages from your mail server. This will persist for 4 to 8 hours.",
     "rejected"),
    # a mailbox left unused for months is dormant, whatever the 5.1.1 beside it
    ("550 5.1.1 Mailbox x@example.org was not used for more than 3 months. https://mail.example.org/err/3/", "suspend"),
    # an expiry after refused connections is an expiry, not a refusal of our sending
    ("550 5.4.316 Message expired, connection refused(Socket error code 10061)", "expired"),
    ("421 Max message per connection reached, closing transmission channel", "speeding"),
    ("451 Message temporarily deferred due to unresolvable RFC.5321 from domain", "authfailure"),
    ("550 The user(s) account is temporarily limited.", "suspend"),
])
def test_words_that_look_like_another_reason(text, category):
    r = one(_postfix_notice(text))
    assert (r.recipient, r.kind, r.category) == ("x@example.org", "soft", category)


@pytest.mark.parametrize("header", [
    "X-Mail-Autoreply: yes", "X-Autoresponse: yes", "X-Autogenerated: Reply",
    "X-POST-MessageClass: 9; Autoresponder", "Delivered-To: Autoresponder",
    # Apple's vacation responder; Exchange's, asking that nothing answer it back
    "X-Apple-Action: vacation", "X-Auto-Response-Suppress: OOF, AutoReply",
])
def test_an_auto_reply_is_known_by_its_responder_header(header):
    raw = (f"From: Karl <karl@hanz.example>\nTo: shop@example.test\nSubject: Thanks for your mail\n{header}\n"
           "Message-ID: <a2@hanz.example>\nContent-Type: text/plain; charset=utf-8\n\nWe will answer soon.\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("karl@hanz.example", "auto_reply")]


def test_a_request_to_suppress_automatic_answers_is_a_weak_mark():
    # set on other automatic mail too: a person's words to be removed are still heard, and a yes
    # beside a confirmation token does not count by itself
    head = ("From: Karl <karl@hanz.example>\nTo: shop@example.test\nX-Auto-Response-Suppress: OOF\n"
            "Message-ID: <a3@hanz.example>\nContent-Type: text/plain; charset=utf-8\n")
    raw = (head + "Subject: Re: Our news\n\nPlease unsubscribe me from this list.\n").encode()
    assert [(r.kind, r.category) for r in classify(raw)] == [("unsubscribe", "text")]


@pytest.mark.parametrize("subject", [
    "投递失败: Spring sale", "반송: Spring sale", "Nie dostarczono: Spring sale", "Nedoručitelné: Spring sale",
    "Error de entrega: Spring sale", "Échec de la remise : Spring sale", "Mancato recapito: Spring sale",
    "Olevererbart: Spring sale", "Kunne ikke leveres: Spring sale", "Teslim edilemedi: Spring sale",
])
def test_a_notice_is_known_by_its_subject_in_the_languages_servers_write(subject):
    # a sender that is no daemon, but the null reverse-path and a failure subject
    raw = (f"Return-Path: <>\nFrom: Mail System <system@mx.example.net>\nTo: news@shop.example\nSubject: {subject}\n"
           "Content-Type: text/plain; charset=utf-8\n\n<anna@example.org>: 550 5.1.1 User unknown\n").encode()
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("anna@example.org", "hard")]


def test_a_recipient_no_longer_on_the_server_has_moved():
    r = one(_postfix_notice("550 recipient no longer on server: x@example.org (in reply to RCPT TO command)"))
    assert (r.recipient, r.kind, r.category) == ("x@example.org", "hard", "hasmoved")


def test_a_reply_that_fits_is_shown_whole_not_from_the_middle_of_a_sentence():
    reply = ("550-5.7.1 The user or domain that you are sending to (or from) has a policy that prohibited the mail "
             "that you sent. Please contact your domain administrator for further details.")
    r = one(_postfix_notice(reply))
    assert r.kind == "soft"
    # (the recipient's address, which the result names already, is not repeated at its start)
    assert r.reason.startswith("host mx.example.org said: 550-5.7.1 The user or domain")
    assert r.reason.endswith("for further details.")


@pytest.mark.parametrize("disposition, text", [
    ("manual-action/MDN-sent-manually; displayed", "Your message was read."),
    ("manual-action/MDN-sent-manually; deleted", "Your message was deleted without being read."),
    # no human-readable part at all: was read as an empty reply, i.e. a "yes" that confirmed
    ("automatic-action/MDN-sent-automatically; displayed", None),
])
def test_a_read_receipt_is_an_automatic_reply_even_with_a_confirmation_token_in_its_subject(disposition, text):
    readable = f"--M\nContent-Type: text/plain\n\n{text}\n\n" if text else ""
    raw = ("From: Anna <anna@example.org>\nTo: news@shop.example\n"
           f"Subject: Read: Please confirm your subscription {FAKE['c']}\nMIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"M\"\n\n"
           f"{readable}--M\nContent-Type: message/disposition-notification\n\nReporting-UA: pc; Outlook\n"
           "Final-Recipient: rfc822;anna@example.org\n"
           f"Disposition: {disposition}\n\n--M--\n").encode()
    r = one(raw)
    assert (r.recipient, r.kind, r.category) == ("anna@example.org", "auto_reply", "receipt")


@pytest.mark.parametrize("reply, kind, category", [
    # X.2.1: the mailbox exists and is disabled; "not available" beside it says no more
    ("550 5.2.1 Mailbox not available / Konto niedostepne (in reply to RCPT TO command)", "soft", "suspend"),
    ("550 5.2.1 <x@example.org>: Mailbox unavailable (in reply to RCPT TO command)", "soft", "suspend"),
    # the same code beside words that say the user does not exist, answered to RCPT TO, stays hard
    ("550 5.2.1 <x@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)",
     "hard", "userunknown"),
    ("550 5.1.1 <x@example.org>: Mailbox unavailable (in reply to RCPT TO command)", "hard", "userunknown"),
])
def test_a_disabled_mailbox_code_with_words_of_unavailability_is_not_a_dead_address(reply, kind, category):
    r = one(_postfix_notice(reply))
    assert (r.recipient, r.kind, r.category) == ("x@example.org", kind, category)


def _two_recipient_report(status_part: str) -> bytes:
    return ("From: MAILER-DAEMON@mx.example.net\nTo: news@shop.example\nSubject: Delivery Status Notification (Failure)\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
            "--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
            f"--b\nContent-Type: message/delivery-status\n\n{status_part}\n"
            "--b\nContent-Type: text/rfc822-headers\n\nFrom: news@shop.example\nTo: anna@example.org, bob@example.org\n"
            "Subject: News\n\n--b--\n").encode()


_BLOCKS_RUN_TOGETHER = ("Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; anna@example.org\nAction: failed\n"
                        "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\nFinal-Recipient: rfc822; bob@example.org\n"
                        "Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\n")


@pytest.mark.parametrize("status_part", [
    _BLOCKS_RUN_TOGETHER,  # no blank line between the recipients' blocks
    "Reporting-MTA: dns; mx.example.net\nFinal-Recipient: rfc822; anna@example.org\nAction: failed\nStatus: 5.1.1\n\n"
    "Final-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.2.2\n",
    "Reporting-MTA : dns; mx.example.net\n\nFinal-Recipient : rfc822; anna@example.org\nAction : failed\nStatus : 5.1.1\n\n"
    "Final-Recipient : rfc822;bob@example.org\nAction : failed\nStatus : 5.2.2\n",
    "reporting-mta:dns;mx.example.net\n\nfinal-recipient:rfc822;anna@example.org\naction:failed\nstatus:5.1.1\n\n"
    "final-recipient:rfc822;bob@example.org\naction:failed\nstatus:5.2.2\n",
    "Reporting-MTA: dns; mx.example.net\n\nOriginal-Recipient: rfc822;anna@example.org\nFinal-Recipient: rfc822;anna@example.org\n"
    "Action: failed\nStatus: 5.1.1\nOriginal-Recipient: rfc822;bob@example.org\nFinal-Recipient: rfc822;bob@example.org\n"
    "Action: failed\nStatus: 5.2.2\n",
    "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; anna@example.org\nAction: failed\nStatus: 5.0.0\n"
    "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
    " 550-5.1.1 double-checking the recipient's email address for typos or\n 550 5.1.1 unnecessary spaces.\n\n"
    "Final-Recipient: rfc822; bob@example.org\nAction: failed\nStatus: 5.0.0\n"
    "Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is over quota.\n",
])
def test_the_report_fields_as_servers_vary_them(status_part):
    results = classify(_two_recipient_report(status_part))
    assert [(r.recipient, r.kind) for r in results] == [("anna@example.org", "hard"), ("bob@example.org", "soft")]


def test_a_mail_with_old_mac_line_ends_is_read():
    raw = _two_recipient_report(_BLOCKS_RUN_TOGETHER).replace(b"\n", b"\r")
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("anna@example.org", "hard"), ("bob@example.org", "soft")]


def _robot(body: str, subject: str = "Thank you for contacting us") -> tuple[str, str, bool]:
    raw = (f"From: Support <support@vendor.example>\nTo: news@shop.example\nSubject: {subject}\n"
           f"In-Reply-To: <n1@shop.example>\nContent-Type: text/plain; charset=utf-8\n\n{body}\n").encode()
    r = one(raw)
    return r.kind, r.category, r.review


def test_a_help_desks_acknowledgement_is_automatic():
    assert _robot("We have received your message and will respond within 2 business days.\n\nTicket #12345") == (
        "auto_reply", "acknowledgement", False)
    assert _robot("Your request has been received. Reference: CS-20931",
                  "[Case: 20931] Our news") == ("auto_reply", "acknowledgement", False)


def test_a_person_who_mentions_receiving_a_message_is_read_by_a_person():
    # no ticket, no robot's mark: a person's words
    assert _robot("We have received your message, thanks - when does the sale start?", "Re: Our news")[0] == "unknown"
    # a request in it still counts
    assert _robot("We have received your message about ticket #88. Please remove me from your list.",
                  "Re: Our news")[0] == "unsubscribe"
