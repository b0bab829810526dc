"""Structure rules of the bounce classifier on small hand-built mails.

Each test builds the smallest mail that shows one structural signal (an RFC 3464 field, an
RFC 3463 code, an SMTP reply, a server layout) and checks the verdict it leads to. The
principle under test throughout: *when unsure, soft or review, never hard*.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify

_SENDER = "shop@example.test"


def dsn(*blocks: dict[str, str], notice: str = "Your message could not be delivered.",
        returned: str = "") -> bytes:
    """A multipart/report with one delivery-status block per recipient."""
    fields = "\n\n".join("\n".join(f"{k}: {v}" for k, v in b.items()) for b in blocks)
    parts = [
        "Content-Type: text/plain; charset=us-ascii\n\n" + notice + "\n",
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" + fields + "\n",
        "Content-Type: message/rfc822\n\n" + (returned or f"From: {_SENDER}\nTo: someone@example.org\n"
                                                 "Subject: News\nMessage-ID: <n1@example.test>\n\nHello\n"),
    ]
    body = "".join(f"--B\n{p}" for p in parts) + "--B--\n"
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: {_SENDER}\n"
            "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" + body).encode()


def plain(subject: str, text: str, sender: str = "MAILER-DAEMON@mx.example.net", headers: str = "") -> bytes:
    """A bounce without MIME structure, the returned message quoted below the text."""
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\n{headers}\n{text}\n\n"
            "--- Below this line is a copy of the message.\n\n"
            f"From: {_SENDER}\nTo: someone@example.org\nSubject: News\n\nHello\n").encode()


def verdicts(raw: bytes) -> list[tuple[str | None, str]]:
    return [(r.recipient, r.kind) for r in classify(raw)]


def test_a_local_delivery_programs_own_words_never_make_a_hard_bounce():
    # Postfix's pipe to procmail: "No such user" is the program's complaint, not a lookup.
    raw = dsn({"Final-Recipient": "rfc822; r@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": 'x-unix; procmail: Couldn\'t create "/var/spool/mail/r": No such user'})
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category) == ("r@example.org", "soft", "mailererror")


def test_a_delivery_agents_exit_status_translated_by_the_server_is_the_servers_verdict():
    # Sendmail writes the local delivery agent's EX_NOUSER as a reply with an enhanced code.
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "X-Unix; 550 5.1.1 User unknown"})
    assert verdicts(raw) == [("gone@example.org", "hard")]


def test_words_beside_a_dead_address_code_decide_the_reason():
    # A server that answers its own trouble with 5.1.1: the words name the real reason.
    raw = dsn({"Final-Recipient": "rfc822; busy@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "smtp; 550 5.1.1 <busy@example.org>: internal server error"})
    [r] = classify(raw)
    assert (r.kind, r.category) == ("soft", "systemerror")
    # The code alone, or with words of a dead address, stays hard.
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"})
    assert verdicts(raw) == [("gone@example.org", "hard")]
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1"})
    assert verdicts(raw) == [("gone@example.org", "hard")]


def _arf(feedback_type: str) -> bytes:
    return (f"From: fbl@mail.provider.example\nTo: {_SENDER}\nSubject: Report\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
            "--F\nContent-Type: text/plain\n\nA report.\n"
            f"--F\nContent-Type: message/feedback-report\n\nFeedback-Type: {feedback_type}\nVersion: 1\n"
            "Original-Rcpt-To: <anna@example.org>\n"
            f"--F\nContent-Type: message/rfc822\n\nFrom: {_SENDER}\nTo: anna@example.org\nSubject: News\n\nHi\n"
            "--F--\n").encode()


def test_feedback_reports_that_are_no_recipients_complaint_say_so():
    for ftype in ("abuse", "fraud", "virus", "other"):
        [r] = classify(_arf(ftype))
        assert (r.recipient, r.kind, r.category, r.action) == ("anna@example.org", "complaint", ftype, ""), ftype
    for ftype in ("auth-failure", "not-spam"):  # RFC 6591 forensic report; RFC 6650 "not spam"
        [r] = classify(_arf(ftype))
        assert (r.recipient, r.kind, r.category, r.action) == ("anna@example.org", "complaint", ftype, "report")
        assert "not a complaint" in r.reason


def test_an_address_that_starts_a_line_with_words_after_it_is_a_recipient():
    # Exchange's "addr on DATE", Zoho's "addr Invalid Address": the address leads its own line.
    for line in ("bob@example.org on 4/29/2026 11:34:45 PM", "bob@example.org Invalid Address, ERROR_CODE :550"):
        raw = plain("Undeliverable: News", f"Your message did not reach some or all of the intended recipients.\n\n"
                                           f"      {line}\n            Mailbox unavailable\n", sender="postmaster@example.org")
        assert [r.recipient for r in classify(raw)] == ["bob@example.org"], line


def test_a_gateway_passing_on_the_bounce_it_got_is_read_through_to_that_bounce():
    inner = ("From: MAILER-DAEMON@relay.example.org\nTo: shop@example.test\nSubject: Returned mail\n\n"
             "----- The following addresses had permanent fatal errors -----\n<carl@example.org>\n\n"
             "----- Transcript of session follows -----\n... while talking to mx.example.org:\n"
             ">>> RCPT To:<carl@example.org>\n<<< 550 5.1.1 <carl@example.org>... Invalid recipient\n")
    raw = ("From: postmaster@gateway.example.org\nTo: shop@example.test\nSubject: Mail could not be delivered\n"
           "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"G\"\n\n"
           "--G\nContent-Type: text/plain\n\nThe following mail could not be delivered.\n"
           "Reason:  Unable to deliver message to <carl@example.org>.\n"
           f"--G\nContent-Type: message/rfc822\n\n{inner}--G--\n").encode()
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.status) == ("carl@example.org", "hard", "5.1.1")
    # The outer report's own words come first: a reason there is not overruled by the copy.
    raw = raw.replace(b"Unable to deliver message to <carl@example.org>.",
                      b"Unable to deliver message to <carl@example.org>: mailbox is full.")
    assert verdicts(raw) == [("carl@example.org", "soft")]


def test_a_dead_address_is_not_borrowed_from_the_lines_about_another_recipient():
    text = ("   ----- Transcript of session follows -----\n"
            "554 <dora@example.org>... Transaction failed\n"
            "550 example.org (smtp)... 550 Host unknown\n"
            "554 <emil@example.org>... 550 Host unknown (Authoritative answer from name server)\n")
    raw = plain("Returned mail: Host unknown", text)
    assert sorted(verdicts(raw)) == [("dora@example.org", "soft"), ("emil@example.org", "hard")]


def test_an_x400_address_with_an_smtp_attribute_names_the_recipient():
    text = ("Your message\n\n  To:      list@lists.example.net\n  Subject: News\n\n"
            "did not reach the following recipient(s):\n\n"
            "c=US;a= ;p=ORG;o=Site;dda:SMTP=fred@example.com; on Fri, 4 Oct 2002\n17:12:28 -0400\n"
            "    The recipient name is not recognized\n")
    raw = plain("Undeliverable: News", text, sender="postmaster@example.com")
    assert [r.recipient for r in classify(raw)] == ["fred@example.com"]


def test_the_returned_messages_header_lines_quoted_in_a_report_name_no_recipient():
    text = "Your message\n\n  To:      list@lists.example.net\n  Subject: News\n\ncould not be delivered.\n"
    raw = plain("Undeliverable: News", text, sender="postmaster@example.com")
    assert all(r.recipient != "list@lists.example.net" for r in classify(raw))


def test_an_inner_mailbox_name_in_final_recipient_gives_way_to_the_original_recipient():
    raw = dsn({"Original-Recipient": "rfc822;gina@example.com", "Final-Recipient": "rfc822;gina@sims-ms-daemon",
               "Action": "failed", "Status": "5.0.0 (recipient reached disk quota)"})
    assert verdicts(raw) == [("gina@example.com", "soft")]
    # An internet address in Final-Recipient (an alias expanded on the way) stays the answer.
    raw = dsn({"Original-Recipient": "rfc822;gina@example.com", "Final-Recipient": "rfc822;g.m@mail.example.com",
               "Action": "failed", "Status": "5.2.2"})
    assert verdicts(raw) == [("g.m@mail.example.com", "soft")]


def test_a_failure_notice_from_an_ordinary_looking_sender_is_still_a_bounce():
    raw = (b'From: <"System Administrator"@example.com>\nTo: <shop@example.test>\nSubject: Delivery Failure\n\n'
           b"Could not deliver message to the following recipient(s):\n\n"
           b"Failed Recipient: hugo@example.com\nReason: Remote host said: 550 unknown user <hugo@example.com>\n")
    [r] = classify(raw)
    assert (r.recipient, r.kind) == ("hugo@example.com", "soft")  # "unknown user" without its stage
    raw = plain("Undeliverable Mail", "undeliverable to ida@example.com\n\nOriginal message follows.",
                sender="postmaster@example.com")
    assert [r.recipient for r in classify(raw)] == ["ida@example.com"]


def test_recipient_lines_in_brackets_bullets_and_typed_values():
    cases = {
        "\t* [jan@example.com]: 550 jan@example.com...User account is overquota\n": "jan@example.com",
        "addressed to email address :\n-- jan@example.com\n\ncould not be delivered.\n": "jan@example.com",
        "\tRecipient: [SMTP:jan@example.com]\n\tReason: Remote SMTP Server Returned: 550 mailbox unavailable\n":
            "jan@example.com",
    }
    for text, rcpt in cases.items():
        raw = plain("Delivery Failure", "Delivery has failed to these recipients:\n\n" + text,
                    sender="postmaster@example.com")
        assert [r.recipient for r in classify(raw)] == [rcpt], text


def test_a_subject_that_states_a_failure_marks_a_bounce_but_a_reply_subject_does_not():
    raw = plain("Warning: kai@example.net - User unknown!", "kai@example.net - no such user here.",
                sender="mdaemon@mail.example.net")
    assert [r.recipient for r in classify(raw)] == ["kai@example.net"]
    reply = plain("Re: User unknown?", "Hello, is my account unknown to you? Thanks, Kai",
                  sender="kai@example.net")
    assert [r.kind for r in classify(reply)] != ["hard"] and [r.kind for r in classify(reply)] != ["soft"]


def test_user_unknown_is_hard_when_the_reporting_server_speaks_of_its_own_users():
    # Courier refusing one of its own local users: no Remote-MTA, a diagnostic that is no SMTP reply.
    own = dsn({"Final-Recipient": "rfc822; lena@example.test", "Action": "failed", "Status": "5.0.0",
               "Diagnostic-Code": "unknown; 550 User <lena> unknown"})
    assert verdicts(own) == [("lena@example.test", "hard")]
    # The same words as a remote server's reply, stage unknown: maybe a filter after DATA.
    relayed = dsn({"Final-Recipient": "rfc822; lena@example.test", "Action": "failed", "Status": "5.0.0",
                   "Remote-MTA": "dns; mx.example.test", "Diagnostic-Code": "smtp; 550 User <lena> unknown"})
    assert verdicts(relayed) == [("lena@example.test", "soft")]
    # No Remote-MTA and no diagnostic at all: the server's local delivery agent said it.
    local = dsn({"Final-Recipient": "rfc822; <lena@example.test>", "Action": "failed", "Status": "5.5.0"},
                notice="   ----- The following addresses had permanent fatal errors -----\n<lena@example.test>\n\n"
                       "   ----- Transcript of session follows -----\nlocal delivery: unknown user: lena\n"
                       "554 <lena@example.test>... Service unavailable\n")
    assert verdicts(local) == [("lena@example.test", "hard")]


def test_a_feedback_report_is_read_from_its_fields_wherever_they_are():
    # The feedback part typed text/plain inside a feedback-report: its Original-Rcpt-To still counts.
    raw = _arf("abuse").replace(b"Content-Type: message/feedback-report", b"Content-Type: text/plain")
    raw = raw.replace(b"To: anna@example.org\nSubject: News", b"To: list@example.test\nSubject: News")
    assert verdicts(raw) == [("anna@example.org", "complaint")]
    # An older feedback loop: the report's fields in the text, the original not attached.
    raw = (b"From: fbl@isp.example.net\nTo: abuse@example.test\nSubject: Report\n\n"
           b"This is a spam report.\n\nFeedback-Type: abuse\nUser-Agent: ISP-FBL/2.0\nVersion: 1\n"
           b"Original-Rcpt-To: <otto@isp.example.net>\nSource-IP: 192.0.2.7\n")
    assert verdicts(raw) == [("otto@isp.example.net", "complaint")]


def test_a_delay_warning_without_a_delivery_status_part_is_no_bounce():
    text = ("THIS IS A WARNING MESSAGE ONLY.\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n"
            "Delivery to the following recipient has been delayed:\n\n     max@example.org\n\n"
            "Message will be retried for 2 more day(s)\n\nTechnical details of temporary failure:\n"
            "DNS Error: Domain name not found\n")
    raw = plain("Delivery Status Notification (Delay)", text, sender="mailer-daemon@googlemail.com")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.action) == ("max@example.org", "soft", "delayed")
    final = ("Delivery to the following recipient failed permanently:\n\n     max@example.org\n\n"
             "Technical details of permanent failure:\nDNS Error: Domain name not found\n"
             "You do not need to resend: we gave up.\n")
    assert [r.kind for r in classify(plain("Delivery Status Notification (Failure)", final))] == ["hard"]


# One small mail per server family's fixed layout (the list), with the verdict it must give.
_LAYOUTS = {
 "qmail": plain("failure notice", "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<ann@example.org>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown in local recipient table\nGiving up on 192.0.2.1.\n"),
 "qmail-local": plain("failure notice", "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<ann@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n"),
 "qmail-full": plain("failure notice", "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<ann@example.org>:\nThe users mailfolder is over the allowed quota (size). (#5.2.2)\n"),
 "domino": plain("DELIVERY FAILURE: User ann (ann@example.org) not listed in Domino Directory", "Your message\n\n  Subject: News\n\nwas not delivered to:\n\n  ann@example.org\n\nbecause:\n\n  User ann (ann@example.org) not listed in Domino Directory\n", sender="Postmaster@example.org"),
 "o365": plain("Undeliverable: News", "Delivery has failed to these recipients or groups:\n\nann@example.org<mailto:ann@example.org>\nThe email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.\n\nDiagnostic information for administrators:\n\nGenerating server: DB6PR.eurprd.prod.outlook.com\n\nann@example.org\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n", sender="postmaster@example.org"),
 "exim-nodsn": (b"From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: shop@example.test\nSubject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: ann@example.org\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  ann@example.org\n    host mx.example.org [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<ann@example.org>:\n    550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown\n"),
 "exim-full": (b"From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: shop@example.test\nSubject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: ann@example.org\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  ann@example.org\n    host mx.example.org [192.0.2.1]\n    SMTP error from remote mail server after end of data:\n    552 5.2.2 Mailbox full\n"),
 "sendmail-nodsn": plain("Returned mail: see transcript for details", "The original message was received at Mon, 1 Dec 2026\nfrom localhost\n\n   ----- The following addresses had permanent fatal errors -----\n<ann@example.org>\n    (reason: 550 5.1.1 <ann@example.org>... User unknown)\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.org.:\n>>> RCPT To:<ann@example.org>\n<<< 550 5.1.1 <ann@example.org>... User unknown\n550 5.1.1 <ann@example.org>... User unknown\n"),
 "postfix-nodsn": plain("Undelivered Mail Returned to Sender", "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<ann@example.org>: host mx.example.org[192.0.2.1] said: 550 5.7.1 Service\n    unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org (in\n    reply to RCPT TO command)\n"),
 "msgserver": dsn({"Original-recipient": "rfc822;ann@example.org", "Final-recipient": "rfc822;ann@example.org", "Action": "failed", "Status": "5.1.1 (Remote SMTP server has rejected address)", "Remote-MTA": "dns;mx.example.org (TCP|192.0.2.2|1234|192.0.2.1|25)", "Diagnostic-code": "smtp;550 5.1.1 <ann@example.org>... User unknown"}),
 "gmail-perm": plain("Delivery Status Notification (Failure)", "Delivery to the following recipient failed permanently:\n\n     ann@example.org\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain example.org by mx.example.org. [192.0.2.1].\n\nThe error that the other server returned was:\n550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown in virtual alias table\n", sender="mailer-daemon@googlemail.com"),
 "spam-511": dsn({"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.7.1", "Diagnostic-Code": "smtp; 550 5.7.1 Message rejected as spam; the recipient does not exist otherwise"}),
}
_EXPECTED = {'qmail': 'hard', 'qmail-local': 'hard', 'qmail-full': 'soft', 'domino': 'hard', 'o365': 'hard', 'exim-nodsn': 'hard', 'exim-full': 'soft', 'sendmail-nodsn': 'hard', 'postfix-nodsn': 'soft', 'msgserver': 'hard', 'gmail-perm': 'hard', 'spam-511': 'soft'}


@pytest.mark.parametrize("family", sorted(_LAYOUTS))
def test_each_server_familys_layout(family):
    assert verdicts(_LAYOUTS[family]) == [("ann@example.org", _EXPECTED[family])]


@pytest.mark.parametrize(("status", "diagnostic", "kind"), [
    ("5.1.1", "", "hard"),                                  # the code alone: the address is gone
    ("5.1.2", "smtp; 550 5.1.2 Host unknown", "hard"),
    ("5.7.1", "", "soft"),                                  # policy: about the sender, never the address
    ("5.7.1", "smtp; 550 5.7.1 Delivery not authorized, message refused", "soft"),
    ("5.7.1", "smtp; 550 5.7.1 <ann@example.org>: Recipient address rejected: Access denied", "soft"),
    # 5.7.x whose words say the address does not exist, answered to RCPT TO
    ("5.7.1", "smtp; 550 5.7.1 <ann@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO "
              "command)", "hard"),
    ("4.1.1", "smtp; 450 4.1.1 <ann@example.org>: Recipient address rejected: User unknown", "soft"),  # 4.x.x
    ("5.2.2", "smtp; 552 5.2.2 user unknown or mailbox full", "soft"),  # mailbox full
    # RFC 5321's reply texts: 551 the user has moved; 452/552 no room
    ("5.0.0", "smtp; 551 User not local; please try <ann@example.net>", "hard"),
    ("4.0.0", "smtp; 451 User not local; will try later", "soft"),
    ("5.0.0", "smtp; 552 Requested mail action aborted: exceeded storage allocation", "soft"),
    ("5.4.4", "smtp; 554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain", "hard"),  # no such host
    ("5.0.0", "smtp; 550 This mailbox has moved permanently", "hard"),
    # (a closed address in words, as "user unknown": hard in answer to RCPT TO, here no stage)
    ("5.0.0", "smtp; 550 Address no longer accepts mail", "soft"),
    ("5.1.1", "smtp; 550 5.1.1 Address no longer accepts mail", "hard"),
])
def test_rfc3463_codes_by_class_subject_and_detail(status, diagnostic, kind):
    block = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": status,
             "Remote-MTA": "dns; mx.example.org"}
    if diagnostic:
        block["Diagnostic-Code"] = diagnostic
    assert verdicts(dsn(block)) == [("ann@example.org", kind)]


@pytest.mark.parametrize(("diagnostic", "category"), [
    ("smtp; 554-5.7.0 Bounce, id=15596-02-4 - BANNED: 554 5.7.0 application/octet-stream,.exe,invoice.exe",
     "policyviolation"),                                          # amavis: a banned attachment, the content
    ("smtp; 554 5.7.0 Message refused: banned file type .exe", "policyviolation"),
    ("smtp; 550 5.7.606 Access denied, banned sending IP [192.0.2.9]", "blocked"),  # the sender's network
])
def test_banned_content_is_a_policy_and_a_banned_sender_a_block(diagnostic, category):
    block = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.7.0",
             "Diagnostic-Code": diagnostic}
    assert [(r.kind, r.category) for r in classify(dsn(block))] == [("soft", category)]


def test_each_recipient_block_is_read_on_its_own_and_only_failed_is_a_failure():
    raw = dsn({"Final-Recipient": "rfc822; a@example.org", "Action": "failed", "Status": "5.1.1"},
              {"Final-Recipient": "rfc822; b@example.org", "Action": "delayed", "Status": "4.4.1"},
              {"Final-Recipient": "rfc822; c@example.org", "Action": "relayed", "Status": "2.0.0"},
              {"Final-Recipient": "rfc822; d@example.org", "Action": "delivered", "Status": "2.0.0"},
              {"Original-Recipient": "rfc822;e@example.org", "Final-Recipient": "rfc822;<E@Example.ORG>",
               "Action": "failed", "Status": "5.2.2"})
    assert verdicts(raw) == [("a@example.org", "hard"), ("b@example.org", "soft"), ("c@example.org", "delivered"),
                             ("d@example.org", "delivered"), ("E@Example.ORG", "soft")]


def test_an_encoded_word_in_a_recipient_field_is_decoded():
    raw = dsn({"Final-Recipient": "rfc822; =?utf-8?Q?anna=40example.org?=", "Action": "failed", "Status": "5.1.1"},
              {"Final-Recipient": "rfc822; =?utf-8?B?Ym9iQGV4YW1wbGUub3Jn?=", "Action": "failed", "Status": "5.2.2"})
    assert verdicts(raw) == [("anna@example.org", "hard"), ("bob@example.org", "soft")]


def test_a_dead_address_code_whose_words_are_about_the_sending_hosts_ip_is_not_hard():
    raw = dsn({"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.1.1",
               "Remote-MTA": "dns; smtp.example.net",
               "Diagnostic-Code": "smtp; 550 5.1.1 <ann@example.org> - 198.51.100.7 has sent to too many "
                                  "recipients this hour. XY123"})
    [r] = classify(raw)
    assert (r.kind, r.policy) == ("soft", True)
    # The replying host's own address, as qmail and Postfix write it, says nothing about the sender.
    raw = plain("failure notice", "Hi. This is the qmail-send program at mx.example.net.\n\n<ann@example.org>:\n"
                                  "192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <ann@example.org>\n"
                                  "Giving up on 192.0.2.1.\n")
    assert verdicts(raw) == [("ann@example.org", "hard")]


def test_a_person_forwarding_a_mail_about_a_full_mailbox_is_not_a_bounce():
    raw = plain("Fwd: Your mailbox is full", "Look at this, is it about me?", sender="kai@example.net")
    assert all(r.kind not in ("hard", "soft") for r in classify(raw))


@pytest.mark.parametrize(("stage_line", "kind"), [
    ("192.0.2.1 does not like recipient.", "hard"),         # qmail's RCPT failure
    ("192.0.2.1 failed after I sent the message.", "soft"),  # after DATA: maybe a filter's words
])
def test_qmail_names_the_stage_in_its_own_sentence(stage_line, kind):
    raw = plain("failure notice", "Hi. This is the qmail-send program at mx.example.net.\n\n<ann@example.org>:\n"
                                  f"{stage_line}\nRemote host said: 550 No such user here\nGiving up on 192.0.2.1.\n")
    assert verdicts(raw) == [("ann@example.org", kind)]


@pytest.mark.parametrize(("stage", "kind"), [
    ("RCPT TO:<ann@example.org>", "hard"),
    ("pipelined RCPT TO:<ann@example.org>", "hard"),  # Exim 4.92 and later, commands sent in one batch
    ("pipelined DATA", "soft"),
    ("end of data", "soft"),
])
def test_exim_names_the_stage_after_which_the_remote_answered(stage, kind):
    raw = plain("Mail delivery failed: returning message to sender",
                "This message was created automatically by mail delivery software.\n\n"
                "A message that you sent could not be delivered to one or more of its\nrecipients. This is a "
                "permanent error. The following address(es) failed:\n\n  ann@example.org\n"
                f"    SMTP error from remote mail server after {stage}:\n"
                "    host mx.example.org [192.0.2.1]: 550 Unknown user\n")
    assert verdicts(raw) == [("ann@example.org", kind)]


def test_a_stage_tag_after_a_quoted_reply_names_the_stage():
    text = ("Sorry, we were unable to deliver your message to the following address.\n\n<ann@example.org>:\n"
            "Remote host said: 550 <ann@example.org>: User unknown [{tag}]\n")
    assert verdicts(plain("Failure Notice", text.format(tag="RCPT_TO"))) == [("ann@example.org", "hard")]
    assert verdicts(plain("Failure Notice", text.format(tag="BODY"))) == [("ann@example.org", "soft")]


@pytest.mark.parametrize(("words", "kind", "category"), [
    ("Sorry, looks like that user does not exist. (#5.1.1)", "hard", "userunknown"),  # "looks like" of the user
    ("Sorry, message looks like SPAM to me (#5.7.1)", "soft", "spamdetected"),
])
def test_looks_like_is_a_spam_verdict_only_about_spam(words, kind, category):
    text = ("Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message "
            f"to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
            f"<ann@example.org>:\n{words}\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(plain("failure notice", text))] == [
        ("ann@example.org", kind, category)]


def test_one_result_per_recipient_named_in_several_blocks():
    block = {"Final-Recipient": "rfc822; <joe@example.com>", "Action": "failed", "Status": "5.1.1"}
    assert verdicts(dsn(block, block, block)) == [("joe@example.com", "hard")]
    full = {"Final-Recipient": "rfc822; joe@example.com", "Action": "failed", "Status": "5.2.2"}
    delayed = {"Final-Recipient": "rfc822; joe@example.com", "Action": "delayed", "Status": "4.4.1"}
    assert verdicts(dsn(delayed, block, full)) == [("joe@example.com", "soft")]  # disagreeing: never hard


def test_without_a_named_recipient_the_returned_copys_envelope_recipient_is_taken():
    raw = (b"From: MAILER-DAEMON@mx.example.net\nTo: shop@example.test\nSubject: Undeliverable mail\n\n"
           b"Your message could not be delivered.\n\n--- Below this line is a copy of the message.\n\n"
           b"Received: from shop.example.test (shop.example.test [192.0.2.5])\n\tby mx.example.net with ESMTP id 1\n"
           b"\tfor <uwe@example.net>; Mon, 1 Dec 2026 10:00:00 +0000\n"
           b"From: shop@example.test\nTo: undisclosed-recipients:;\nSubject: News\n\nHello\n")
    assert [r.recipient for r in classify(raw)] == ["uwe@example.net"]


def test_an_auto_submitted_failure_notice_is_a_bounce_whatever_its_sender_and_subject():
    raw = (b"From: Systems <ops@example.net>\nTo: shop@example.test\nSubject: Message status\n"
           b"Auto-Submitted: auto-generated (failure)\n\n"
           b"   ----- The following addresses had permanent fatal errors -----\n<vera@example.org>\n"
           b"    (reason: 550 5.1.1 User unknown)\n")
    assert verdicts(raw) == [("vera@example.org", "hard")]


def test_a_mailbox_with_its_display_name_alone_on_a_line_is_a_recipient():
    raw = (b"From: <admin@example.com>\nTo: <shop@example.test>\nSubject: Non-Delivery: Your message awaits approval\n\n"
           b"--- Non-Delivery Report ---\nThe email below could not be delivered to the following user:\n\n"
           b'"wim@example.com" <wim@example.com>\n\nOld message:\n')
    assert [r.recipient for r in classify(raw)] == ["wim@example.com"]


def test_a_complaint_without_recipient_fields_takes_the_copys_envelope_recipient():
    raw = _arf("abuse").replace(b"Original-Rcpt-To: <anna@example.org>\n", b"")
    raw = raw.replace(b"To: anna@example.org\nSubject: News",
                      b"Received: from shop.example.test by mx.provider.example\n\tfor <anna@example.org>; "
                      b"Mon, 1 Dec 2026 10:00:00 +0000\nTo: undisclosed-recipients:;\nSubject: News")
    assert verdicts(raw) == [("anna@example.org", "complaint")]


def test_a_quota_violation_is_a_full_mailbox_held_against_the_recipient_not_the_sender():
    raw = plain("failure notice", "Sorry, unable to deliver your message to ida@example.com for\nthe following "
                                  "reason:\n\n 552 Quota violation for ida@example.com\n")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category, r.policy) == ("ida@example.com", "soft", "mailboxfull", False)


def test_the_bracketed_mailbox_before_its_error_is_the_one_that_failed():
    raw = (b"From: Mail Delivery System <mailer-daemon@mx.example.net>\nTo: shop@example.test\n"
           b"Subject: Mail failure - malformed recipient address\n\n"
           b"A message that you sent contained one or more recipient addresses that were\nincorrectly constructed:\n\n"
           b"  lea@example.com <max@example.net>: malformed address: <max@example.net> may not follow lea@example.com\n")
    assert [r.recipient for r in classify(raw)] == ["max@example.net"]


def test_an_undisclosed_address_is_named_by_the_address_it_was_generated_from():
    raw = (b"From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: shop@example.test\n"
           b"Subject: Mail delivery failed: returning message to sender\n\n"
           b"A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent "
           b"error. The following address(es) failed:\n\n  an undisclosed address\n"
           b"    (generated from olga@example.com)\n")
    assert [r.recipient for r in classify(raw)] == ["olga@example.com"]


def test_with_nothing_else_the_reports_summary_of_the_returned_message_names_the_recipient():
    raw = (b"From: MAILER-DAEMON@yahoo.example\nTo: shop@example.test\nSubject: Failure Notice\n\n"
           b"I'm afraid I wasn't able to deliver the following message.\n"
           b"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
           b"Subject: Our news\nTo: pia@example.com\n\n---Below this line is a copy of the message.\n")
    assert [r.recipient for r in classify(raw)] == ["pia@example.com"]


@pytest.mark.parametrize("opening", [
    "Ihre Nachricht konnte nicht zugestellt werden an:",
    "Votre message n'a pas pu être remis aux destinataires suivants :",
    "No se ha podido entregar el mensaje a los siguientes destinatarios:",
    "Non è stato possibile recapitare il messaggio ai seguenti destinatari:",
    "Não foi possível entregar a mensagem aos seguintes destinatários:",
    "Uw bericht kon niet worden bezorgd bij de volgende ontvangers:",
])
def test_a_failure_notice_in_another_language_is_a_bounce(opening):
    raw = plain("Nachricht / Message", f"{opening}\n\n<rosa@example.org>: 550 5.1.1 <rosa@example.org>... User unknown\n",
                sender="servicio@mail.example.org")
    assert verdicts(raw) == [("rosa@example.org", "hard")]


def _feedback_mail(sender: str, subject: str, opening: str, attached_to: str = "vera@example.net") -> bytes:
    """A feedback-loop mail without a report part: a text part and the complained-about message."""
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"M\"\n\n"
            f"--M\nContent-Type: text/plain\n\n{opening}\n"
            f"--M\nContent-Type: message/rfc822\n\nFrom: {_SENDER}\nTo: {attached_to}\nSubject: News\n\nHi\n"
            "--M--\n").encode()


@pytest.mark.parametrize(("sender", "subject", "opening"), [
    # the opening words of a report (RFC 5965's human-readable part, copied by older loops)
    ("postmaster@isp.example.net", "Spam", "This is an email abuse report for an email message received "
                                           "from IP 192.0.2.7 on Thu, 29 Apr 2026"),
    ("noreply@isp.example.net", "Your mail", "A recipient has marked the attached message as spam."),
    # the mailbox a feedback loop writes from, whatever its subject says
    ("fbl@isp.example.net", "FW: News", "See attachment."),
    ("feedbackloop@mail.example.org", "Report", ""),
    ("complaints@abuse.example.com", "Message 1234", ""),
])
def test_a_feedback_loop_mail_without_a_report_part_is_a_complaint(sender, subject, opening):
    assert verdicts(_feedback_mail(sender, subject, opening)) == [("vera@example.net", "complaint")]


def test_an_abuse_desks_mail_with_the_messages_headers_pasted_indented_is_a_complaint():
    headers = ("  Received: from mta1.example.test (mta1.example.test [192.0.2.25])\n"
               "          by mx1.isp.example.net; Tue, 03 Dec 2024 08:00:11 +0100\n"
               "  From: Shop <shop@example.test>\n  To: erika@isp.example.net\n  Subject: News\n"
               "  Message-ID: <n1@example.test>\n")
    raw = ("From: ISP Abuse Team <abuse@isp.example.net>\nTo: abuse@example.test\n"
           "Subject: [Ticket#1234] Spam complaint regarding 192.0.2.25\n\nDear Sir or Madam,\n\none of our "
           "customers has complained about an unsolicited email from your IP address.\n\n"
           f"Please find the relevant headers of the message below:\n\n{headers}\nRegards,\nAbuse Department\n")
    [r] = classify(raw.encode())
    assert (r.recipient, r.kind, r.original_message_id) == ("erika@isp.example.net", "complaint", "n1@example.test")
    # an indented address block in a letter is no copy of a message
    letter = raw.replace(headers, "  Shop Ltd\n  From: our office\n  To: whom it may concern\n")
    assert [r.kind for r in classify(letter.encode())] != ["complaint"]


def test_a_forwarded_message_from_a_person_is_no_complaint():
    raw = _feedback_mail("kai@example.net", "Fwd: News", "Look at this, is it about me?")
    assert all(r.kind != "complaint" for r in classify(raw))


@pytest.mark.parametrize(("subject", "opening"), [
    ("Re: News", "Gmail marked it as spam, I moved it to my inbox. Love it!"),
    ("Re: News", "Your newsletter was flagged as spam by my provider, please fix it."),
    ("Fwd: News", "A recipient has marked the attached message as spam."),  # a forward from a person
    ("News in my spam folder", "My provider flagged this as spam, just so you know."),
])
def test_a_person_writing_about_a_spam_folder_is_no_complaint(subject, opening):
    raw = _feedback_mail("kai@example.net", subject, opening)
    assert all(r.kind != "complaint" for r in classify(raw))


@pytest.mark.parametrize("sender", ["staff@bakery.example", "feedback@bakery.example", "abuse@bakery.example"])
def test_a_reply_from_a_business_mailbox_named_like_a_feedback_loop_is_no_complaint(sender):
    raw = _feedback_mail(sender, "Re: News", "Thanks, lovely news!")
    assert all(r.kind != "complaint" for r in classify(raw))


def test_staff_at_a_business_domain_is_no_feedback_loop_but_staff_at_hotmail_is():
    assert all(r.kind != "complaint" for r in classify(_feedback_mail("staff@bakery.example", "News", "")))
    assert [k for _, k in verdicts(_feedback_mail("staff@hotmail.com", "complaint about message from 192.0.2.7",
                                                  ""))] == ["complaint"]


def test_a_bounce_that_says_the_message_was_marked_as_spam_stays_a_bounce():
    raw = plain("Undelivered Mail Returned to Sender",
                "<ann@example.org>: host mx.example.org said: 550 5.7.1 Message rejected: the recipient "
                "has reported this message as spam before (in reply to end of DATA command)")
    assert verdicts(raw) == [("ann@example.org", "soft")]


def test_the_recipients_hotmail_feedback_header_names_the_complaining_recipient():
    raw = _feedback_mail("staff@hotmail.example", "complaint about message from 192.0.2.7", "",
                         attached_to="list@example.test").replace(
        b"To: list@example.test\n", b"To: list@example.test\nX-HmXmrOriginalRecipient: <ivo@hotmail.example>\n")
    assert verdicts(raw) == [("ivo@hotmail.example", "complaint")]


@pytest.mark.parametrize(("words", "kind"), [
    # the stage named by the reporting server's own sentence
    ("host mx.example.org[192.0.2.1] said: 550 No such user (in reply to RCPT TO command)", "hard"),
    ("host mx.example.org[192.0.2.1] said: 550 No such user (in reply to end of DATA command)", "soft"),
    ("SMTP error from remote mail server after RCPT TO:<ann@example.org>: 550 No such user", "hard"),
    ("SMTP error from remote mailer after end of data: 550 No such user", "soft"),
    ("The remote server rejected the RCPT TO command: 550 No such user", "hard"),
    # a session transcript, the arrows either way round
    ("... while talking to mx.example.org.:\n>>> RCPT To:<ann@example.org>\n<<< 550 No such user", "hard"),
    ("... while talking to mx.example.org.:\n>>> DATA\n<<< 550 No such user", "soft"),
    ("Sent <<< RCPT TO:<ann@example.org>\nReceived >>> 550 No such user", "hard"),
    ("Sent <<< DATA\nReceived >>> 550 No such user", "soft"),
    # a host name is no command: the stage is the one the sentence names
    ("Delivery failed at mail.example.org: 550 No such user (in reply to RCPT TO command)", "hard"),
    # no stage and no code for the address: a filter may be wearing the words, never hard
    ("Remote host said: 550 No such user", "soft"),
    # chasquid writes the commands before the reply: MAIL FROM or RCPT TO, one recipient each time
    ("MAIL+RCPT 550 No such user", "hard"),
    ("DATA closing 550 No such user", "soft"),
])
def test_user_unknown_is_hard_only_in_answer_to_rcpt(words, kind):
    raw = dsn({"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.0.0",
               "Remote-MTA": "dns; mx.example.org", "Diagnostic-Code": "smtp; " + words.replace("\n", "\n ")})
    assert verdicts(raw) == [("ann@example.org", kind)]


_HARAKA = ("Hi. This is the Haraka Mailer program at mx.example.net.\nI'm afraid I wasn't able to deliver your "
           "message\n    \"News\"\nto the following addresses.\nThis is a permanent error; I've given up. Sorry it "
           "didn't work out.\n\nIntended Recipients: <ann@example.org>\nFailure Reason: {reason}\n")


@pytest.mark.parametrize(("reason", "kind"), [
    # Haraka lists the recipients its remote refused at RCPT TO under "Some recipients failed:"
    ("Error: Some recipients failed: <ann@example.org>\n\n<ann@example.org>: 550 No such user", "hard"),
    # a refusal at any other stage (after DATA here) comes as the bare reply
    ("550 No such user\n\n?", "soft"),
])
def test_harakas_list_of_recipients_refused_at_rcpt_names_the_stage(reason, kind):
    raw = dsn({"Final-Recipient": "rfc822;ann@example.org", "Action": "failed", "Remote-MTA": "192.0.2.25",
               "Diagnostic-Code": "smtp;550 No such user "}, notice=_HARAKA.format(reason=reason))
    assert verdicts(raw) == [("ann@example.org", kind)]


def test_without_a_diagnostic_code_the_words_after_the_status_code_are_the_servers_account():
    # Haraka, after every MX of the domain failed to answer: 5.1.2 would be a dead domain, the
    # words in the Status field say no host answered
    tried = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.1.2 (550 Tried all MXs example.org)"}
    assert [(r.kind, r.category) for r in classify(dsn(tried))] == [("soft", "networkerror")]
    # Haraka's text for a temporary failure retried until it gave up: no rate limit of ours
    gave_up = dsn(dict(tried, Status="5.0.0"), notice=_HARAKA.format(reason="Error: Too many failures (Tried all MXs)\n\n?"))
    assert [(r.kind, r.category) for r in classify(gave_up)] == [("soft", "expired")]
    # a comment that names no reason leaves the code to decide
    bare = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.1.1 (permanent failure)"}
    assert [(r.kind, r.category) for r in classify(dsn(bare))] == [("hard", "userunknown")]
    with_code = dict(tried, **{"Diagnostic-Code": "smtp; 550 5.1.2 Host unknown"})
    assert [(r.kind, r.category) for r in classify(dsn(with_code))] == [("hard", "hostunknown")]


def test_a_dead_address_reply_about_another_recipient_or_our_sender_is_no_proof():
    # nullmailer stops at the first refusal and reports it for every recipient of the message
    reply = "SMTP; 550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown"
    blocks = [{"Final-Recipient": f"rfc822; {r}", "Action": "failed", "Status": "5.1.1", "Remote-MTA": "dns; 192.0.2.25",
               "Diagnostic-Code": reply} for r in ("ann@example.org", "bob@example.org")]
    assert [(r.recipient, r.kind, r.category) for r in classify(dsn(*blocks))] == [
        ("ann@example.org", "hard", "userunknown"), ("bob@example.org", "soft", "onhold")]
    # our own sender named as unknown: about us, whoever the block is for
    about_us = {"Final-Recipient": "rfc822; bob@example.org", "Action": "failed", "Status": "5.1.1",
                "Diagnostic-Code": "smtp; 550 5.1.1 <shop@example.test>... User unknown"}
    assert verdicts(dsn(about_us)) == [("bob@example.org", "soft")]
    # an alias the receiving server expanded: the address named is no other recipient of ours
    alias = {"Final-Recipient": "rfc822; bob@example.org", "Action": "failed", "Status": "5.1.1",
             "Diagnostic-Code": "smtp; 550 5.1.1 <bob.smith@mail.example.org>... User unknown"}
    assert verdicts(dsn(alias)) == [("bob@example.org", "hard")]


def test_a_list_of_recipients_then_each_ones_error_below_is_read_per_recipient():
    # chasquid's text (its status part dropped by a gateway): the list first, the details below
    text = ("Delivery of your message to the following recipient(s) failed permanently:\n\n"
            "  - ann@example.org\n  - bob@example.org\n\n\nTechnical details:\n"
            '- "ann@example.org" (EMAIL) failed permanently with error:\n'
            "    MAIL+RCPT 550 5.2.2 <ann@example.org>: Mailbox is full\n"
            '- "bob@example.org" (EMAIL) failed permanently with error:\n'
            "    MAIL+RCPT 554 5.7.1 Client host [192.0.2.9] blocked using zen.spamhaus.org\n")
    raw = plain("Mail delivery failed: returning message to sender", text,
                headers="X-Failed-Recipients: ann@example.org, bob@example.org\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(raw)] == [
        ("ann@example.org", "soft", "mailboxfull"), ("bob@example.org", "soft", "blocked")]


@pytest.mark.parametrize(("reply", "kind"), [
    ("550 5.1.1 <ann@example.org>... User unknown", "hard"),   # the remote's precise code, after the vague one
    ("554 5.7.1 Message rejected because of spam", "soft"),
])
def test_a_precise_code_inside_a_relays_vague_one_is_the_code(reply, kind):
    # Exchange relaying a remote refusal: "<host #5.0.0 smtp; REPLY>"
    text = ("Delivery has failed to these recipients or groups:\n\nann@example.org\n\n"
            "Diagnostic information for administrators:\n\nGenerating server: ex1.example.net\n\n"
            f"ann@example.org\n<mx.example.org #5.0.0 smtp; {reply}>\n")
    assert verdicts(plain("Undeliverable: News", text)) == [("ann@example.org", kind)]


def test_a_domain_that_couldnt_be_found_is_dead_whatever_advice_follows():
    # Gmail's notice read without its status part: "try again" is advice, not a temporary failure
    text = ("** Address not found **\n\nYour message wasn't delivered to ann@example.org because the domain "
            "example.org couldn't be found. Check for typos or unnecessary spaces and try again.\n\n"
            "The response from the remote server was:\nDNS Error: DNS type 'mx' lookup of example.org responded "
            "with code NXDOMAIN\nDomain name not found: example.org\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(plain("Delivery Status Notification (Failure)", text))] \
        == [("ann@example.org", "hard", "hostunknown")]


def test_mailmans_notices_are_read_in_its_languages_and_a_refusal_by_the_post_it_attaches():
    held = _mailman("neko-bounces@lists.example.org", "Ihre Nachricht an neko@lists.example.org wartet auf die "
                    "Zustimmung der Moderation", "Ihre Nachricht an 'neko@lists.example.org' mit dem Betreff\n\n"
                    "    News\n\nwurde zurückgehalten, bis eine Moderator*in sie freigegeben hat.")
    assert verdicts(held) == [("neko@lists.example.org", "auto_reply")]
    # a refusal in a language no rule knows: Mailman attaches the post it refuses, and only then
    refused = (b"From: neko-owner@lists.example.org\nTo: shop@example.test\nSubject: News\nX-Mailman-Version: 3.3.10\n"
               b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\n"
               b"Viestisi listalle hylattiin.\n\n--B\nContent-Type: message/rfc822\n\nFrom: shop@example.test\n"
               b"To: neko@lists.example.org\nSubject: News\nMessage-ID: <n1@example.test>\n\nHello\n--B--\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(refused)] == [("neko@lists.example.org", "soft", "rejected")]


@pytest.mark.parametrize("text", [
    "Your message to the list 'news' has been forwarded to the moderator(s)",
    "Ihre Nachricht für Liste news wurde an den/die Moderator(en)\nweitergeleitet",
    "あなたが news メーリングリスト宛てに送ったメッセージを、モデレータ (たち) に回送しました。",
])
def test_sympas_notice_of_a_post_sent_to_the_moderators_is_no_failure_of_the_list(text):
    raw = (f"From: \"SYMPA\" <sympa@lists.example.org>\nTo: {_SENDER}\nSubject: Message distribution\n"
           f"X-Mailer: Sympa 6.2.70\nAuto-Submitted: auto-replied\nContent-Type: text/plain; charset=utf-8\n\n{text}\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(raw.encode())] == [
        ("news@lists.example.org", "auto_reply", "held")]


def test_sympas_notice_that_it_rejected_our_post_is_a_soft_failure_of_the_list():
    # its robot's own notice (not a report), our post attached, the list named in its words
    raw = (f"From: SYMPA <sympa@lists.example.org>\nTo: {_SENDER}\nSubject: Message rejeté\n"
           "X-Loop: sympa@lists.example.org\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n\n"
           "Votre message pour la liste clients@lists.example.org a été rejeté : seuls les abonnés peuvent y écrire.\n"
           "Pour toute question, contactez le propriétaire de la liste : clients-request@lists.example.org\n\n"
           f"--B\nContent-Type: message/rfc822\n\nFrom: {_SENDER}\nTo: infos@example.fr\nSubject: News\n\nHello\n--B--\n")
    assert [(r.recipient, r.kind, r.category) for r in classify(raw.encode())] == [
        ("clients@lists.example.org", "soft", "rejected")]


def test_an_address_offered_for_help_in_the_preamble_is_no_recipient():
    text = ("This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message "
            "could not\nbe delivered to one or more recipients.\n\nFor further assistance, please contact "
            "<helpdesk@example.net>\n\nQuestions: <helpdesk@example.net>\n\n"
            "<ann@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1 <ann@example.org>: Recipient "
            "address rejected: User unknown (in reply to RCPT TO command)\n")
    assert verdicts(plain("Undelivered Mail Returned to Sender", text)) == [("ann@example.org", "hard")]


def test_a_daemon_sender_of_any_name_marks_a_bounce():
    raw = (b"From: MDaemon@mail.example.net\nTo: shop@example.test\nSubject: Warning: ann@example.org - User unknown!\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"P\"\n\n"
           b"--P\nContent-Type: text/plain\n\nann@example.org - no such user here.\n\n"
           b"--P\nContent-Type: message/rfc822\n\nMessage removed\n--P--\n")
    [r] = classify(raw)
    assert (r.recipient, r.kind) == ("ann@example.org", "soft")  # no stage, no code: soft, never hard


def test_a_feedback_type_with_a_comment_after_it_is_read():
    raw = _arf("abuse; reported by a user").replace(b"Content-Type: message/feedback-report", b"Content-Type: text/plain")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category) == ("anna@example.org", "complaint", "abuse")


@pytest.mark.parametrize("words", [
    "mail.local: unknown user: ann",                  # Sendmail's local delivery agent
    "Invalid final delivery userid: ann@example.org",  # IMail
    "local delivery: no such user",
])
def test_the_final_delivery_agents_own_lookup_is_a_dead_address(words):
    raw = plain("Returned mail: see transcript for details", f"<ann@example.org>:\n    {words}\n")
    assert verdicts(raw) == [("ann@example.org", "hard")]


@pytest.mark.parametrize(("subject", "text"), [
    # Gmail's newer delay notice: the future "fails permanently" is no final failure
    ("Delivery Status Notification (Delay)", "Message not delivered yet\n\nThere was a temporary problem delivering "
     "your message to max@example.org. Gmail will retry for 46 more hours. You'll be notified if the delivery fails "
     "permanently.\n\nThe response was:\n\nThe recipient server did not accept our requests to connect.\n"),
    # a delay told by the subject alone
    ("Warning: could not send message for past 4 hours", "The original message was received at Mon, 1 Jun 2026\n\n"
     "   ----- Transcript of session follows -----\n<max@example.org>... Deferred: Connection timed out\n"),
])
def test_a_delay_notice_without_a_delivery_status_part_is_a_delay(subject, text):
    [r] = classify(plain(subject, text, sender="mailer-daemon@googlemail.com"))
    assert (r.recipient, r.kind, r.action, r.status[:1]) == ("max@example.org", "soft", "delayed", "4")


def test_user_unknown_in_answer_to_mail_from_is_about_the_sender():
    raw = dsn({"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.0.0",
               "Remote-MTA": "dns; mx.example.org",
               "Diagnostic-Code": "smtp; 550 User unknown (in reply to MAIL FROM command)"})
    [r] = classify(raw)
    assert (r.kind, r.category, r.policy) == ("soft", "rejected", True)


def test_a_delay_block_never_softens_a_failure_for_the_same_address():
    delayed = {"Final-Recipient": "rfc822; joe@example.com", "Action": "delayed", "Status": "4.4.1"}
    gone = {"Final-Recipient": "rfc822; joe@example.com", "Action": "failed", "Status": "5.1.1"}
    for blocks in ((delayed, gone), (gone, delayed)):
        [r] = classify(dsn(*blocks))
        assert (r.kind, r.action) == ("hard", "failed")


def _fml(sender: str, subject: str, text: str) -> bytes:
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\nX-MLServer: fml [fml 8.0]\nX-ML-Name: neko\n"
            f"Precedence: bulk\n\n{text}\n").encode()


def test_a_list_managers_refusal_of_a_post_is_soft_on_the_lists_address_and_its_other_mail_is_not():
    refusal = _fml("neko-admin@example.jp", "NOT MEMBER article from shop@example.test (neko ML)",
                   "You are not a member of this mailing list <neko@example.jp>.\n")
    assert verdicts(refusal) == [("neko@example.jp", "soft")]
    # the list's answer to a command, and a member's post through the list: no failure
    help_reply = _fml("neko-admin@example.jp", "Status of neko ML", "Here is the help file of this list.\n")
    post = _fml("anna@example.jp", "Re: NOT MEMBER article from bob", "You are not a member? Join the list first.\n")
    assert not {k for _, k in verdicts(help_reply) + verdicts(post)} & {"soft", "hard"}


def test_text_whose_bytes_do_not_fit_its_charset_label_is_read_in_the_charset_it_is_really_in():
    from mailer_desktop.domain.inbox.mime import decode_text

    words = "\u9001\u4fe1\u5148\u30e1\u30fc\u30eb\u30a2\u30c9\u30ec\u30b9\u304c\u898b\u3064\u304b\u308a\u307e\u305b\u3093"
    assert decode_text(words.encode("euc-jp"), "iso-2022-jp") == words  # labelled ISO-2022-JP, sent as EUC-JP
    assert decode_text(words.encode("cp932"), "iso-2022-jp") == words   # ... or as Shift_JIS
    assert decode_text("Gr\u00fc\u00dfe".encode(), "us-ascii") == "Gr\u00fc\u00dfe"  # "us-ascii" over UTF-8
    assert decode_text(b"caf\xe9", "x-unknown-charset") == "caf\u00e9"
    raw = (f"From: MAILER-DAEMON@mx.example.jp\nTo: {_SENDER}\nSubject: Mail System Error - Returned Mail\n"
           "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"ISO-2022-JP\"\n\n").encode()
    raw += words.encode("euc-jp") + b"\n\nThe user(s) account is disabled.\n\n<anna@example.jp>\n"
    (r,) = classify(raw)
    assert (r.recipient, r.kind) == ("anna@example.jp", "soft") and words in r.reason and "\ufffd" not in r.reason


@pytest.mark.parametrize(("subject", "text"), [
    ("Delivered: News", "Your message has been delivered to the following recipients:\n\nann@example.org\n"),
    ("Relayed: News", "Delivery to these recipients or groups is complete, but no delivery notification was sent "
                      "by the destination server:\n\nann@example.org (ann@example.org)\n"),
    ("Zugestellt: News", "Ihre Nachricht wurde an folgende Empf\u00e4nger zugestellt:\n\nann@example.org\n"),
])
def test_a_success_notice_without_a_delivery_status_part_is_no_bounce(subject, text):
    raw = (f"From: postmaster@example.org\nTo: {_SENDER}\nSubject: {subject}\nContent-Type: text/plain; "
           f"charset=utf-8\n\n{text}").encode()
    assert verdicts(raw) == [("ann@example.org", "delivered")]


def _mailman(sender: str, subject: str, text: str) -> bytes:
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\nX-List-Administrivia: yes\n"
            f"X-Mailman-Version: 2.1.29\nContent-Type: text/plain\n\n{text}\n").encode()


def test_mailman_rejecting_a_post_is_soft_on_the_list_and_holding_one_is_no_failure():
    rejected = _mailman("neko-owner@lists.example.org", "Request to mailing list Neko rejected",
                        "Your request to the Neko mailing list\n\n    Posting of your message titled \"News\"\n\n"
                        "has been rejected by the list moderator.")
    held = _mailman("neko-bounces@lists.example.org", "Your message to Neko awaits moderator approval",
                    "Your mail to 'Neko' with the subject\n\n    News\n\nIs being held until the list moderator "
                    "can review it for approval.")
    assert verdicts(rejected) == [("neko@lists.example.org", "soft")]
    assert verdicts(held) == [("neko@lists.example.org", "auto_reply")]
    # the same words from an address that is no list's, without Mailman's marks: not read as Mailman's
    assert verdicts(rejected.replace(b"X-List-Administrivia: yes\nX-Mailman-Version: 2.1.29\n", b"")) != [
        ("neko@lists.example.org", "soft")]
    # Mailman 3's own refusal (the post's subject kept, its words wrapped) and the list's automatic
    # response to every post
    refused = _mailman("neko-owner@lists.example.org", "News",
                       "Your message to the Neko mailing-list was rejected for the following\nreasons:\n\n"
                       "The message is not from a list member\n")
    answered = _mailman("neko-bounces@lists.example.org", 'Auto-response for your message to the "Neko" mailing list',
                        "Thank you for writing to the Neko list.")
    assert verdicts(refused) == [("neko@lists.example.org", "soft")]
    assert [(r.recipient, r.kind) for r in classify(answered)] == [("neko@lists.example.org", "auto_reply")]


def _failed(rcpt: str, status: str, diagnostic: str) -> dict[str, str]:
    return {"Final-Recipient": f"rfc822; {rcpt}", "Action": "failed", "Status": status, "Diagnostic-Code": diagnostic}


_LOCAL_TRANSCRIPT = ("   ----- The following addresses had permanent fatal errors -----\n<gone@example.org>\n"
                     "    (reason: maildrop: no such user)\n\n   ----- Transcript of session follows -----\n"
                     "maildrop: no such user\n")


@pytest.mark.parametrize(("raw", "expected"), [
    # a local program's bare exit status, whatever it was: its words never prove an address dead
    (dsn(_failed("gone@example.org", "5.1.1", "X-Unix; 67"), notice=_LOCAL_TRANSCRIPT), [("gone@example.org", "soft")]),
    # a later code that no reply code or "#" opens is a version, a section, a time: not the status
    (dsn(_failed("a@example.org", "5.0.0", "smtp; 550 5.0.0 Rejected by Example Gateway version 5.1.1")),
     [("a@example.org", "soft")]),
    (dsn(_failed("a@example.org", "5.0.0", "smtp; 550 5.0.0 Message does not comply with RFC 5322 section 5.1.1")),
     [("a@example.org", "soft")]),
    # a name that could not be resolved for now, or our own address's name: no dead domain
    (dsn(_failed("a@example.org", "5.0.0", "smtp; 550 host mx.example.org couldn't be resolved temporarily")),
     [("a@example.org", "soft")]),
    (dsn(_failed("a@example.org", "5.0.0", "smtp; mx host could not be resolved, will retry")), [("a@example.org", "soft")]),
    (dsn(_failed("a@example.org", "5.0.0", "smtp; 550 hostname for 192.0.2.1 couldn't be found")), [("a@example.org", "soft")]),
    # the stage words of chasquid and Haraka only with an error reply or a refused address after them
    (dsn(_failed("a@example.org", "5.0.0", "smtp; MAIL+RCPT 250 ok; DATA closing 550 user unknown")),
     [("a@example.org", "soft")]),
    (dsn(_failed("a@example.org", "5.0.0", "smtp; 550 Mailbox unknown. Some recipients failed: none")),
     [("a@example.org", "soft")]),
    # "looks like" of a message is a filter's verdict
    (dsn(_failed("a@example.org", "5.1.1", "smtp; 550 5.1.1 <a@example.org> message looks like a forgery")),
     [("a@example.org", "soft")]),
    # our sender or the postmaster named later in the reply, the recipient without its +tag: the
    # reply is still about the recipient
    (dsn(_failed("gone@example.org", "5.1.1", "smtp; 550 5.1.1 <gone>: Recipient address rejected: User unknown "
                                              "in local recipient table (from <shop@example.test>)")),
     [("gone@example.org", "hard")]),
    (dsn(_failed("gone+news@example.org", "5.1.1", "smtp; 550 5.1.1 <gone@example.org>: User unknown; from "
                                                   "shop@example.test")), [("gone+news@example.org", "hard")]),
    # a list robot's own bounce and welcome are no notice of a held post
    (b"From: sympa@lists.example.org\nTo: shop@example.test\nSubject: Undelivered: your message to list 'news'\n"
     b"X-Mailer: Sympa 6.2.70\n\nDelivery to gone@example.org failed: 550 5.1.1 user unknown\nList 'news'\n",
     [("gone@example.org", "hard")]),
    (b"From: sympa@lists.example.org\nTo: shop@example.test\nSubject: Welcome\nX-Mailer: Sympa 6.2.70\n\n"
     b"Welcome to list news@lists.example.org. You are now subscribed as shop@example.test.\n",
     [("sympa@lists.example.org", "unknown")]),
])
def test_what_a_review_built_against_the_new_rules(raw, expected):
    assert verdicts(raw) == expected


@pytest.mark.parametrize(("status", "reply", "category"), [
    # a 5.1.1 (Sendmail writes it for any 550 at RCPT TO) whose words say full or locked, in the
    # languages of the big national providers
    ("5.1.1", "550 5.1.1 Postfach gesperrt", "suspend"),
    ("5.1.1", "550 5.1.1 Compte désactivé", "suspend"),
    ("5.1.1", "550 5.1.1 Boite de reception saturee", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Cuota excedida", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Caixa postal cheia", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Postvak vol", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Skrzynka pocztowa pełna", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Konto zablokowane", "suspend"),
    ("5.1.1", "550 5.1.1 Ящик переполнен", "mailboxfull"),
    ("5.1.1", "550 5.1.1 Учетная запись заблокирована", "suspend"),
    ("5.1.1", "550 5.1.1 メールボックスがいっぱいです", "mailboxfull"),
    ("5.1.1", "550 5.1.1 邮箱已满", "mailboxfull"),
    ("5.1.1", "550 5.1.1 账户已冻结", "suspend"),
    ("5.1.1", "550 5.1.1 <ann@example.org>: Out of storage space", "mailboxfull"),
    ("5.1.1", "550 5.1.1 <ann@example.org>: Mailbox busy", "suspend"),
    # not taking mail for now, or not from us, or not this message: no dead address
    ("5.0.0", "550 Rejected: <ann@example.org> is not accepting mail at this time", "suspend"),
    ("5.1.1", "550 5.1.1 <ann@example.org>: Recipient is not accepting mail", "suspend"),
    ("5.7.1", "554 5.7.1 Mail is not accepted from your IP address", "blocked"),
    ("5.3.4", "552 5.3.4 Recipient domain does not accept messages larger than 10 MB", "mesgtoobig"),
    ("5.7.1", "550 5.7.1 <ann@example.org>: This mailbox accepts no mail from external senders", "rejected"),
    # about our sender or its headers, whatever the code
    ("5.1.0", "550 5.1.0 Address rejected shop@example.test (in reply to MAIL FROM command)", "rejected"),
    ("5.1.3", "553 5.1.3 Invalid address in MAIL FROM", "rejected"),
    ("5.1.1", "550 5.1.1 The sender mailbox does not exist", "rejected"),
    ("5.1.0", "550 5.1.0 Authentication required", "authfailure"),
    ("5.7.1", "550 5.7.1 Message rejected: From header address does not exist", "rejected"),
    ("5.7.1", "550 5.7.1 Return path mailbox not found", "rejected"),
    # an Exchange routing fault, a server that moved its service
    ("5.4.4", "550 5.4.4 HUB.RNRT; Hub Local Delivery unable to route", "networkerror"),
])
def test_a_dead_address_code_beside_words_of_another_reason_is_soft(status, reply, category):
    block = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": status,
             "Remote-MTA": "dns; mx.example.org", "Diagnostic-Code": f"smtp; {reply}"}
    assert [(r.kind, r.category) for r in classify(dsn(block))] == [("soft", category)]


def _answered_to_rcpt(reply: str) -> bytes:
    """A Postfix report whose notice names the stage of the far side's reply (RCPT TO)."""
    notice = f"<ann@example.org>: host mx.example.org[192.0.2.9] said: {reply} (in reply to RCPT TO command)"
    block = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.0.0",
             "Remote-MTA": "dns; mx.example.org", "Diagnostic-Code": f"smtp; {reply}"}
    return dsn(block, notice=notice)


@pytest.mark.parametrize("reply", [
    "550 Die E-Mail-Adresse existiert nicht", "550 Postfach nicht vorhanden", "550 Kein solcher Benutzer",
    "550 Cette adresse e-mail n'existe pas", "550 L'adresse du destinataire est introuvable",
    "550 Boîte aux lettres inexistante", "550 La dirección de correo no existe", "550 El buzón no existe",
    "550 O endereço de e-mail não existe", "550 Destinatário desconhecido", "550 L'indirizzo email non esiste",
    "550 Casella inesistente", "550 Dit e-mailadres bestaat niet", "550 Onbekende gebruiker",
    "550 Mottagaren finns inte", "550 Modtageren findes ikke", "550 Użytkownik nie istnieje", "550 Nieznany adresat",
    "550 Adresa neexistuje", "550 Kullanıcı bulunamadı", "550 Пользователь не существует",
    "550 Нет такого пользователя", "550 用户不存在", "550 收件人地址不存在", "550 존재하지 않는 사용자입니다",
    "550 ユーザーが見つかりません", "550 Mailbox bestaat niet", "550 Nie ma takiego użytkownika",
    "550 そのようなユーザーはいません", "550 사용자를 찾을 수 없습니다", "550 Ismeretlen felhasználó",
    "550 A címzett nem létezik", "550 Käyttäjää ei löydy", "550 Utilizatorul nu există", "550 Korisnik ne postoji",
    "550 Χρήστης άγνωστος", "550 משתמש לא קיים", "550 المستخدم غير موجود",
])
def test_a_dead_mailbox_in_the_national_providers_languages_answered_to_rcpt_is_hard(reply):
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("hard", "userunknown")]
    # the same words with no stage are no proof: a filter may wear them
    block = {"Final-Recipient": "rfc822; ann@example.org", "Action": "failed", "Status": "5.0.0",
             "Diagnostic-Code": f"smtp; {reply}"}
    assert [r.kind for r in classify(dsn(block))] == ["soft"]


@pytest.mark.parametrize("reply", [
    # our envelope sender refused (Postfix answers a bad sender at RCPT TO), whatever the code says
    "550 Absenderadresse existiert nicht", "550 5.1.1 Die Adresse des Absenders ist ungültig",
    "550 L'adresse de l'expéditeur n'existe pas", "550 5.1.1 Expéditeur inconnu", "550 El remitente no existe",
    "550 Mittente sconosciuto", "550 Remetente desconhecido", "550 Afzender onbekend", "550 Nadawca nieznany",
    "550 Отправитель не существует", "550 Адрес отправителя не существует", "550 Unbekannter Absender",
    "550 Le domaine de l'expéditeur n'existe pas", "550 Domain des Absenders existiert nicht",
    # a full, locked or refusing mailbox, an address of ours: no dead address
    "550 La boîte aux lettres du destinataire est pleine", "550 Der Empfänger hat die Annahme verweigert",
    "550 Die IP-Adresse 192.0.2.1 ist ungültig", "550 Benutzerkonto deaktiviert",
    # unknown *or* disabled, in each language whose dead-mailbox words are read: unsure, so soft
    "550 Casella inesistente o disattivata", "550 Gebruiker onbekend of gedeactiveerd",
    "550 Użytkownik nie istnieje lub wyłączony", "550 Uživatel neexistuje nebo je zablokován",
    "550 Mottagaren finns inte eller är inaktiverad", "550 Modtageren findes ikke eller er spærret",
    "550 Kullanıcı bulunamadı veya devre dışı", "550 用户不存在或已禁用", "550 존재하지 않는 사용자 또는 정지된 계정",
    "550 A felhasználó nem létezik vagy letiltva", "550 Käyttäjää ei löydy tai se on poistettu käytöstä",
    "550 Utilizatorul nu există sau este dezactivat", "550 Korisnik ne postoji ili je blokiran",
    # the sending host's address, in those languages: about us
    "550 Vaša IP adresa ne postoji u DNS-u", "550 Adresa IP nu există în DNS",
])
def test_the_senders_fault_or_another_reason_in_those_languages_is_soft(reply):
    assert [r.kind for r in classify(_answered_to_rcpt(reply))] == ["soft"]


@pytest.mark.parametrize("reply", [
    "550 Domain existiert nicht", "550 Le domaine n'existe pas", "550 El dominio no existe", "550 Il dominio non esiste",
    "550 O domínio não existe", "550 Domein bestaat niet", "550 Domena nie istnieje", "550 Doména neexistuje",
    "550 Domänen finns inte", "550 Alan adı bulunamadı", "550 Domeniul nu există", "550 A domain nem létezik",
    "550 Verkkotunnusta ei ole olemassa", "550 Домен не существует", "550 域名不存在", "550 도메인이 존재하지 않습니다",
])
def test_a_domain_that_does_not_exist_in_those_languages_is_a_dead_address(reply):
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("hard", "hostunknown")]


@pytest.mark.parametrize("reply", [
    # the sender's domain, or "your" domain or server: ours, not the recipient's
    "550 Absenderdomain existiert nicht", "550 El dominio del remitente no existe", "550 Domena nadawcy nie istnieje",
    "550 Domeniul expeditorului nu există", "550 A feladó domain nem létezik", "550 Ihre Domain existiert nicht",
    "550 Votre domaine n'existe pas", "550 Su dominio no existe", "550 Ваш домен не существует", "550 您的域名不存在",
])
def test_a_domain_of_ours_that_does_not_exist_in_those_languages_is_about_us(reply):
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("soft", "rejected")]


@pytest.mark.parametrize("reply", [
    "554 Ihre IP-Adresse steht auf einer Sperrliste", "554 Votre adresse IP est sur liste noire",
    "554 Su dirección IP está en una lista negra", "554 Seu IP está na lista negra", "554 Indirizzo IP in lista nera",
    "554 Uw IP-adres staat op een zwarte lijst", "554 Twój adres IP jest na czarnej liście",
    "554 Ваш IP-адрес в черном списке", "554 Сообщение отклонено как спам", "554 您的IP已被列入黑名单",
    "554 迷惑メールと判定されました", "554 スパムとして拒否されました", "554 스팸으로 분류되어 거부되었습니다",
    "554 Meddelandet avvisades som skräppost",
])
def test_a_block_of_our_sending_in_those_languages_never_counts_against_the_recipient(reply):
    assert [(r.kind, r.policy) for r in classify(_answered_to_rcpt(reply))] == [("soft", True)]


def test_a_sentence_that_names_the_sender_and_then_the_dead_recipient_is_about_the_recipient():
    reply = "550 Die Nachricht wurde an den Absender zurückgeschickt, da der Empfänger unbekannt ist"
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("hard", "userunknown")]


_MDAEMON_TRANSCRIPT = """The attached message had PERMANENT fatal delivery errors!

--- Session Transcript ---
 Thu 2026-01-01 10:00:00.000: *  To: ann@example.org
 Thu 2026-01-01 10:00:00.000: Attempting SMTP connection to [mx.example.org : 25]
 Thu 2026-01-01 10:00:00.000: <-- 220 mx.example.org ESMTP
 Thu 2026-01-01 10:00:00.000: --> MAIL From:<shop@example.test> SIZE=1000
 Thu 2026-01-01 10:00:00.000: <-- 250 2.1.0 Ok
 Thu 2026-01-01 10:00:00.000: --> {command}
 Thu 2026-01-01 10:00:00.000: <-- 550 No such user here
--- End Transcript ---"""
_HMAILSERVER = """Your message did not reach some or all of the intended recipients.

The following recipient(s) could not be reached:

ann@example.org
   Error Type: SMTP
   Remote server (192.0.2.9) issued an error.
   hMailServer sent: {command}
   Remote server replied: 550 No such user here"""


@pytest.mark.parametrize("layout", [_MDAEMON_TRANSCRIPT, _HMAILSERVER])
def test_a_transcript_with_long_arrows_or_sent_and_replied_names_the_stage(layout):
    # MDaemon marks its transcript "-->" / "<--", hMailServer "sent:" / "replied:": the reply to
    # RCPT TO is a recipient lookup, the same reply to the message (DATA) is not
    hard = plain("Permanent Delivery Failure", layout.format(command="RCPT To:<ann@example.org>"))
    assert verdicts(hard) == [("ann@example.org", "hard")]
    after_data = plain("Permanent Delivery Failure", layout.format(command="DATA"))
    assert verdicts(after_data) == [("ann@example.org", "soft")]


def _list_notice(sender: str, subject: str, text: str, posted_to: str = "news@lists.example.org",
                 posted_from: str = _SENDER) -> bytes:
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
            f"--B\nContent-Type: text/plain; charset=utf-8\n\n{text}\n"
            f"--B\nContent-Type: message/rfc822\n\nFrom: {posted_from}\nTo: {posted_to}\nSubject: News\n"
            "Message-ID: <n1@example.test>\n\nHello\n--B--\n").encode()


@pytest.mark.parametrize(("sender", "subject", "text", "expected"), [
    # any list manager's notice from one of the list's role addresses, our post attached
    ("news+owner@lists.example.org", "Post to news denied", "You are not a subscriber.",
     [("news@lists.example.org", "soft")]),
    ("owner-news@lists.example.org", "Returned post", "Only members may post.", [("news@lists.example.org", "soft")]),
    ("news-request@lists.example.org", "Your message", "Your post waits for the moderators.",
     [("news@lists.example.org", "auto_reply")]),
    ("news+owner@lists.example.org", "Mensaje en espera", "Los moderadores lo revisarán.",
     [("news@lists.example.org", "auto_reply")]),
    # refused by a moderator: a refusal, though it names the moderators
    ("news+owner@lists.example.org", "Post rejected", "A moderator rejected your post.",
     [("news@lists.example.org", "soft")]),
])
def test_a_lists_notice_from_its_role_address_returning_our_post_is_the_lists_answer(sender, subject, text, expected):
    assert verdicts(_list_notice(sender, subject, text)) == expected


def test_our_post_from_another_address_or_someone_elses_post_is_no_lists_answer():
    # a person (not a role address of the list) sending our post back
    person = _list_notice("anna@lists.example.org", "Fwd: News", "What is this?")
    assert [k for _, k in verdicts(person)] == ["unknown"]
    # a role address of another list, or a post that is not ours
    other_list = _list_notice("sales+owner@lists.example.org", "Post denied", "You are not a subscriber.")
    assert verdicts(other_list) == [("sales+owner@lists.example.org", "unknown")]
    not_ours = _list_notice("news+owner@lists.example.org", "Post denied", "You are not a subscriber.",
                            posted_from="someone@example.net")
    assert verdicts(not_ours) == [("news+owner@lists.example.org", "unknown")]


@pytest.mark.parametrize(("reply", "category"), [
    # Postfix's recipient check by probe could not reach the next server: the probe's trouble
    ("550 5.1.1 <ann@example.org>: Recipient address rejected: undeliverable address: connect to "
     "mx.example.org[192.0.2.9]:25: Connection refused", "networkerror"),
    ("450 4.1.1 <ann@example.org>: Recipient address rejected: undeliverable address: host mx.example.org"
     "[192.0.2.9] said: 451 4.3.0 Temporary lookup failure", "networkerror"),
    # policyd-spf's refusal names the SPF site only
    ("550 5.1.1 <ann@example.org>: Recipient address rejected: Please see http://www.openspf.net/Why?s=mfrom",
     "authfailure"),
])
def test_a_probe_that_could_not_reach_or_an_spf_refusal_answered_to_rcpt_is_soft(reply, category):
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("soft", category)]


def test_a_probe_that_found_the_mailbox_dead_is_hard():
    reply = ("550 5.1.1 <ann@example.org>: Recipient address rejected: undeliverable address: host "
             "mx.example.org[192.0.2.9] said: 550 5.1.1 <ann@example.org>: User unknown")
    assert [(r.kind, r.category) for r in classify(_answered_to_rcpt(reply))] == [("hard", "userunknown")]


def _exim(lines: str, named: str = "ann@example.org") -> bytes:
    return (f"From: Mail Delivery System <Mailer-Daemon@mail.example.org>\nTo: {_SENDER}\n"
            "Subject: Mail delivery failed: returning message to sender\n\n"
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a permanent error. The following address(es) failed:\n\n"
            f"  {named}\n    {lines}\n\n"
            "------ This is a copy of the message, including all the headers. ------\n\n"
            f"From: {_SENDER}\nTo: ann@example.org\nSubject: News\n\nHello\n").encode()


def test_exims_own_verdict_on_its_own_user_is_a_lookup_but_a_far_sides_reply_keeps_its_stage():
    # a shared host's Exim routing its own domain: "No Such User Here" is its own lookup
    assert verdicts(_exim("No Such User Here")) == [("ann@example.org", "hard")]
    assert verdicts(_exim("unknown user")) == [("ann@example.org", "hard")]
    # the same words from a far side, after the message (DATA) or with no stage: a filter may say so
    after_data = "SMTP error from remote mail server after end of data:\n    550 No Such User Here"
    assert verdicts(_exim(after_data)) == [("ann@example.org", "soft")]
    assert verdicts(_exim("host mx.example.org [192.0.2.9]: 550 No Such User Here")) == [("ann@example.org", "soft")]
    # its own words of another reason stay soft
    assert verdicts(_exim("mailbox is full (MTA-imposed quota exceeded)")) == [("ann@example.org", "soft")]
    assert verdicts(_exim("Unknown user or mailbox disabled")) == [("ann@example.org", "soft")]


@pytest.mark.parametrize("reply", [
    # found in a review of the day's rules: our sender not found, in words of other languages
    "550 Indirizzo del mittente non trovato", "550 La direccion del remitente no fue encontrada",
    "550 Endereço do remetente não encontrado", "550 L'adresse de l'expéditeur est introuvable",
    "550 E-mailadres van de afzender niet gevonden", "550 Adres nadawcy nie został znaleziony",
    "550 Adresa odesílatele nebyla nalezena", "550 Gönderen adresi bulunamadı", "550 발신자 주소가 존재하지 않습니다",
    "550 发件人邮箱不存在", "550 送信者のアカウントが見つかりません", "554 5.7.1 Empfänger abgelehnt wegen ungültigem Absender",
    # our IP address, not a mailbox
    "550 5.7.1 Indirizzo IP non valido", "550 5.7.1 Su dirección IP no es válida para enviar correo",
    "550 5.7.1 Endereço IP desconhecido", "550 5.7.1 Adres IP nie został znaleziony na białej liście",
    "550 5.7.1 IP adresi için DNS kaydı bulunamadı",
    # full or unknown, temporary, try again later, inactive, a whitelist, spam
    "550 La boîte aux lettres du destinataire est pleine ou n'existe pas",
    "550 La casella del destinatario è piena oppure non esiste", "550 El buzón del destinatario está lleno o no existe",
    "550 A caixa postal do destinatário está cheia ou não existe", "550 Postbus van de ontvanger is vol of bestaat niet",
    "550 Schránka příjemce je plná nebo neexistuje", "550 Posta kutusu dolu veya bulunamadı",
    "550 Skrzynka nie istnieje lub jest przepełniona", "550 Destinataire temporairement indisponible ou inexistant",
    "550 Usuário temporariamente indisponível ou inexistente", "550 用户不存在或暂时不可用",
    "550 Benutzer nicht gefunden, bitte versuchen Sie es später erneut", "550 Empfänger existiert nicht oder ist inaktiv",
    "550 Le destinataire n'accepte que les expéditeurs autorisés : adresse introuvable dans la liste blanche",
    "550 El destinatario solo acepta correo de contactos; su dirección no fue encontrada en la lista",
    "550 邮件被判定为垃圾邮件，收件人不存在于白名单",
])
def test_what_a_review_found_soft_in_other_languages(reply):
    assert [r.kind for r in classify(_answered_to_rcpt(reply))] == ["soft"]


@pytest.mark.parametrize("reply", [
    "550 Пользователь не найден", "550 Почтовый ящик не найден",  # "й" loses its breve when folded
    "550 5.1.1 Die vom Absender angegebene Empfängeradresse existiert nicht",
    "550 5.1.1 L'indirizzo indicato dal mittente non esiste",
    "550 Messaggio restituito al mittente: utente inesistente", "550 Message retourné à l'expéditeur : destinataire inconnu",
    "550 Ce compte de messagerie n'existe pas", "550 La cuenta de correo no existe", "550 No existe el usuario",
    "550 Não existe o usuário", "550 Konto nie istnieje", "550 Uživatel nenalezen", "550 Hesap bulunamadı",
    "550 Kontot finns inte", "550 用户名不存在", "550 Adresse e-mail inconnue",
])
def test_what_a_review_found_hard_in_other_languages(reply):
    assert [r.kind for r in classify(_answered_to_rcpt(reply))] == ["hard"]


def test_a_pipelined_transcript_pairs_replies_with_commands_in_order():
    def transcript(lines: str) -> bytes:
        return plain("Undeliverable Mail", "The following recipient(s) could not be reached:\n\nann@example.org\n\n" + lines)
    # MAIL and RCPT sent together: the first reply answers MAIL FROM (our sender)
    assert [r.kind for r in classify(transcript("--> MAIL From:<shop@example.test>\n--> RCPT To:<ann@example.org>\n"
                                                "<-- 550 Unknown user\n"))] == ["soft"]
    # MAIL, RCPT and DATA together: 250 for MAIL, the 550 for RCPT TO
    assert [r.kind for r in classify(transcript("--> MAIL From:<shop@example.test>\n--> RCPT To:<ann@example.org>\n"
                                                "--> DATA\n<-- 250 OK\n<-- 550 User unknown\n<-- 554 No valid recipients\n"))] == ["hard"]
    # Sendmail writes only DATA of a pipelined session: "503 Need RCPT" after it says the 550 was RCPT's
    sendmail = plain("Returned mail: see transcript for details",
                     "   ----- Transcript of session follows -----\n... while talking to mx.example.org.:\n>>> DATA\n"
                     "<<< 550 User unknown\n550 <ann@example.org>... User unknown\n<<< 503 Need RCPT (recipient)\n")
    assert verdicts(sendmail) == [("ann@example.org", "hard")]


def test_exims_verdict_for_an_alias_target_a_pipe_or_a_retry_is_not_its_own_lookup():
    assert verdicts(_exim("(generated from ann@example.org)\n    No Such User Here", named="carl@example.org")
                    )[-1] == ("ann@example.org", "soft")
    # an alias whose one target is unrouteable may reach its others: never proof the alias is dead
    # (the target itself is read by the lines below it: Exim could route it nowhere)
    assert verdicts(_exim("(generated from ann@example.org)\n    Unrouteable address", named="carl@example.org")
                    ) == [("carl@example.org", "hard"), ("ann@example.org", "soft")]
    assert verdicts(_exim("Child process of dovecot_delivery transport returned 67 (could mean unknown user)")
                    ) == [("ann@example.org", "soft")]
    assert verdicts(_exim("unknown user (temporary lookup failure, retry timeout exceeded)")) == [("ann@example.org", "soft")]
    assert verdicts(_exim("Server mx.example.org rejected: User unknown")) == [("ann@example.org", "soft")]


@pytest.mark.parametrize(("sender", "text", "expected"), [
    # a hold that says what may follow is a hold; a refusal that names the moderators is a refusal
    ("news+owner@lists.example.org", "Your post has been held for moderation. You will be notified if it is "
     "approved or rejected.", [("news@lists.example.org", "auto_reply")]),
    ("news+owner@lists.example.org", "Your post was not accepted: only members may post. Contact the list moderators.",
     [("news@lists.example.org", "soft")]),
    ("owner-news@lists.example.org", "Your message is too large and was not distributed (list moderation settings).",
     [("news@lists.example.org", "soft")]),
    # the list took the post: an acknowledgement, no failure
    ("news-request@lists.example.org", "Your message has been distributed to 120 subscribers.",
     [("news-request@lists.example.org", "unknown")]),
])
def test_a_lists_notice_says_held_refused_or_taken(sender, text, expected):
    assert verdicts(_list_notice(sender, "Your post to news", text)) == expected


@pytest.mark.parametrize("subject", ["RE: News", "News"])
def test_a_persons_reply_quoting_our_post_is_no_lists_notice(subject):
    # a person at a role-like address of the list's domain, our post quoted (not attached): their
    # request from an address other than the one we wrote to waits for a person, as any such
    raw = (f"From: Jane <news-admin@lists.example.org>\nTo: {_SENDER}\nSubject: {subject}\n\n"
           "Please remove us from your mailing list.\n\n-----Original Message-----\n"
           f"From: {_SENDER}\nTo: news@lists.example.org\nSubject: News\n\nHello\n").encode()
    assert verdicts(raw) == [("news-admin@lists.example.org", "unknown")]
