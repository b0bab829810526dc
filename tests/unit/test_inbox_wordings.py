"""Wordings of real servers' replies, each in the layout Postfix gives a remote reply.

The replies come from the wordings that public bounce collections (the sisimai project's reason
and server tables) list for each reason: replies whose words differ from the ones the classifier
was first written from. Each is read under the same policy as every other dead-address wording:
hard only in answer to RCPT TO (or beside a 5.1.x code), soft with neither; and a refusal about
the way the mail came, or about DNS that is broken rather than gone, is never hard.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify
from mailer_desktop.domain.inbox.phrases import reason_of_text
from mailer_desktop.domain.inbox.smtp_codes import smtp_command

_RCPT = " (in reply to RCPT TO command)"


def postfix_dsn(reply: str, stage: str = _RCPT, status: str = "5.0.0", wrapped: str = "") -> bytes:
    """Postfix's report of a remote server's reply to anna@example.org (its own layout; the
    reply as the notice wraps it in ``wrapped``, where given)."""
    return f"""From: Mail Delivery System <MAILER-DAEMON@mail.example.test>
To: shop@example.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Description: Notification
Content-Type: text/plain; charset=utf-8

This is the mail system at host mail.example.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<anna@example.org>: host mx.example.org[192.0.2.25] said: {wrapped or reply}{stage}

--B
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.test

Final-Recipient: rfc822; anna@example.org
Original-Recipient: rfc822;anna@example.org
Action: failed
Status: {status}
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; {reply}

--B
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: Shop <shop@example.test>
To: <anna@example.org>
Subject: Our news
Message-ID: <n1@example.test>

Hello
--B--
""".encode()


def _verdict(raw: bytes) -> tuple[str, str]:
    [r] = classify(raw)
    assert r.recipient == "anna@example.org"
    return r.kind, r.category


@pytest.mark.parametrize("reply", [
    "550 <anna@example.org> does not exist",
    "550 RCPT <anna@example.org> not found",
    "550 anna@example.org: unknown",
    "550 Mailbox not present",
    "550 Address not present in directory",
    "550 Recipient address rejected: invalid-recipient",
    "550 Recipient address rejected: bad-recipient",
    "550 vdeliver: Invalid or unknown virtual user 'anna'",
    "550 anna@example.org is not an active address at this host",
    "550 Nessun utente simile in questo indirizzo",
    "550 No existe dicha persona",
    "550 No existe ese usuario",
    "550 sorry, your envelope recipient is in my badrcptto list (#5.7.1)",
    "550 sorry, this recipient is not in my validrcptto list (#5.1.1)",
    "550 This email address is wrong or no longer valid",
    "550 No 'anna' in name directory",
    "554 non r\u00e9pertori\u00e9 dans l'annuaire Domino",
    "550 5.1.1 Archived recipient",
    "550 Can't accept user",
    "550 5.1.1 No matches to nameserver query",
    "550 Address no longer accepts mail",
])
def test_a_dead_mailbox_in_other_servers_words_is_hard_in_answer_to_rcpt(reply):
    assert _verdict(postfix_dsn(reply)) == ("hard", "userunknown")


@pytest.mark.parametrize("reply", [
    "550 <anna@example.org> does not exist",
    "550 Mailbox not present",
    "550 Nessun utente simile in questo indirizzo",
    "550 Address no longer accepts mail",
])
def test_the_same_words_with_neither_stage_nor_code_stay_soft(reply):
    # (after DATA, or with no stage at all, such words are often a recipient filter's)
    assert _verdict(postfix_dsn(reply, stage="")) == ("soft", "filtered")
    assert _verdict(postfix_dsn(reply, stage=" (in reply to end of DATA command)")) == ("soft", "filtered")


@pytest.mark.parametrize(("reply", "category"), [
    ("550 anna@example.org has been replaced by anna.berg@example.org", "hasmoved"),
    ("550 5.1.2 We weren't able to find the recipient domain", "hostunknown"),
    ("550 Recipient domain must exist", "hostunknown"),
    ("550 5.1.1 Recipient address reserved by RFC 2606", "userunknown"),
    ("550 5.1.1 Recipient addresses in single label domains not accepted", "userunknown"),
])
def test_other_dead_addresses_in_other_servers_words(reply, category):
    assert _verdict(postfix_dsn(reply)) == ("hard", category)


@pytest.mark.parametrize("reply", [
    # the way the mail came, not the address
    "550 5.7.1 The server does not accept email over IPv6",
    "550 example.org does not accept mail from you",
    # a server replaced is no mailbox moved
    "550 This server has been replaced by mx2.example.org, please retry",
    # the domain's DNS is broken (its signatures do not check), not gone
    "550 5.4.4 DNSSEC-invalid: destination domain returned invalid DNSSEC records",
    # the sending host refused for the unknown recipients it tried before; qmail's check of our
    # envelope sender's domain
    "550 5.1.1 Error: no valid recipients from [192.0.2.1]",
    "553 sorry, invalid domain, see <URL:http://www.example.net/faq.html> (#5.7.1)",
    # Google's reply in Office 365's words (its help page: the domain's routing settings)
    "550 5.4.1 Recipient address rejected: Access denied. For more information, go to "
    "https://support.google.com/a/answer/9008170 7e3ecaf7ef832-bc1c7b901d6290e0c73b.310 - gsmtp",
])
def test_a_refusal_about_the_way_or_broken_dns_is_not_hard(reply):
    kind, _ = _verdict(postfix_dsn(reply))
    assert kind == "soft"


def test_a_multi_line_reply_whose_code_runs_into_the_address_is_one_reply():
    # "550-anna@example.org is not ..." on the continuation line: the reply's code and the
    # address, not an address "550-anna@example.org" beside anna@example.org; the stage Postfix
    # writes after the last line belongs to the whole reply.
    raw = postfix_dsn("550-anna@example.org is not an active address at this host (invalid 550 username)",
                      wrapped="\n    550-anna@example.org is not an active address at this host (invalid\n"
                              "    550 username)")
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category) == ("anna@example.org", "hard", "userunknown")


@pytest.mark.parametrize("reply", [
    "550 go away",
    "550 Sorry, your remotehost looks suspiciously like spammer",
    "550 Rejecting open proxy",
    "550 Server IP 192.0.2.7 listed as abusive",
    "550 Your server requires confirmation",
    "550 Cannot resolve your address",
    "550 Can't determine Purported Responsible Address",
    "550 Authentication failure",
    "550 This message contain invalid MIME headers",
    "550 Improper use of 8-bit data in message header",
    "550 Message file too big",
    "550 Taille limite du message atteinte",
    "550 Maximum forwarding loop count exceeded",
    "550 Service currently unavailable",
    "550 Interrupted system call",
    "550 Delivery attempts will continue to be made",
    "550 All hosts have been failing for a long time",
    "550 Recipient is only accepting mail from specific email addresses",
    "550 RESOLVER.RST.NotAuthorized; not authorized",
    "550 This account is protected by a challenge",
    "550 Relaying mail to example.org is not allowed",
    "550 Sender has exceeded the max emails per hour",
    "550 Trop de connexions, ralentissez",
    "550 boite du destinataire archivee",
    "550 An illegal attachment on your message",
    "550 Closed mailing list",
])
def test_other_reasons_words_win_over_a_status_the_reporting_server_inferred(reply):
    # Sendmail reports any 550 answered to RCPT TO as 5.1.1, whatever the far side said: the far
    # side's words name another reason, so the address is not dead.
    kind, category = _verdict(postfix_dsn(reply, status="5.1.1"))
    assert (kind, category) != ("hard", "userunknown")
    assert kind == "soft"


def test_a_size_limit_of_a_recipient_restriction_is_a_size_limit():
    # (Exchange's RESOLVER.RST.* are the recipient's restrictions, except the size limits)
    assert _verdict(postfix_dsn("550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient",
                                status="5.2.3")) == ("soft", "mesgtoobig")
    assert _verdict(postfix_dsn("550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized", status="5.7.1")) \
        == ("soft", "rejected")


@pytest.mark.parametrize(("reply", "status"), [
    ("552 5.2.2 <anna@example.org>: user unknown", "5.2.2"),
    ("552 5.2.2 <anna@example.org>: user unknown", "5.0.0"),
    ("550 5.2.2 Domain does not exist", "5.2.2"),
    ("552 5.2.2 Mailbox full", "5.2.2"),
])
def test_a_full_mailbox_code_beside_dead_address_words_is_no_dead_address(reply, status):
    # X.2.2 says the mailbox exists and is full; words that contradict it leave the case unsure: soft.
    assert _verdict(postfix_dsn(reply, status=status)) == ("soft", "mailboxfull")


@pytest.mark.parametrize(("reply", "stage", "kind", "category"), [
    ("556 Sorry", _RCPT, "hard", "notaccept"),
    ("556 Sorry", "", "hard", "notaccept"),
    ("550 Sorry, message of 556 bytes refused", _RCPT, "soft", "policyviolation"),
    ("556 Sorry (in reply to MAIL FROM command)", "", "soft", "rejected"),
])
def test_rfc_7504s_reply_code_556_is_a_domain_that_accepts_no_mail(reply, stage, kind, category):
    # 556 is defined for one thing only: the recipient's domain accepts no mail (null MX)
    assert _verdict(postfix_dsn(reply, stage=stage)) == (kind, category)


def test_a_directory_miss_beside_a_full_mailbox_code_is_still_the_directory_speaking():
    assert _verdict(postfix_dsn("550 5.2.2 RESOLVER.ADR.RecipNotFound; not found", status="5.2.2"))[0] == "hard"


def test_a_notices_mime_preamble_names_no_reason():
    # (read where a report's text part is lost and only its MIME preamble is left)
    preamble = "This is a multi-part message in MIME format. Your mail reader does not understand MIME message format."
    assert reason_of_text(preamble.lower()) == ""
    assert reason_of_text("550 this message contain invalid mime headers") == "contenterror"


@pytest.mark.parametrize(("text", "command"), [
    ("SMTP error from remote server for TEXT command, host: smtp-in.example.org reason: 550 5.2.0 Mail rejete",
     "DATA"),
    ("SMTP Server <mx.example.org> rejected recipient <anna@example.org> (Error following RCPT command). "
     "It responded as follows: [550 User unknown]", "RCPT"),
    ("Sent <<< RCPT TO:<anna@example.org>\nReceived >>> 550 User unknown", "RCPT"),
    ("Sent <<< DATA\nReceived >>> 554 Message rejected", "DATA"),
])
def test_more_servers_ways_of_naming_the_stage(text, command):
    assert smtp_command(text.lower()) == command


def test_smartermails_notice_of_a_recipient_refused_at_rcpt_is_hard():
    raw = b"""From: Mail Delivery System <postmaster@mail.example.test>
To: shop@example.test
Subject: There was an error sending your mail
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

The mail server could not deliver mail to anna@example.org.  The account or domain may not exist, they may be \
blacklisted, or missing the proper dns entries.

1 error(s):

SMTP Server <mx.example.org> rejected recipient <anna@example.org>
  (Error following RCPT command). It responded as follows: [550 No such user here]
"""
    assert _verdict(raw) == ("hard", "userunknown")


def test_a_yahoo_notices_line_naming_the_recipient_is_no_echo_of_the_reply():
    # Yahoo quotes the far side's reply, and a reply that echoes "<addr>" answered RCPT TO; the
    # notice's own "<addr>:" line above the reply echoes nothing.
    raw = b"""From: MAILER-DAEMON@yahoo.com
To: shop@example.test
Subject: Failure Notice

Sorry, we were unable to deliver your message to the following address.

<info@example.net>:
Remote host said: 550 No such user here

<anna@example.org>:
Remote host said: 550 5.1.1 <anna@example.org>: No such user here

--- Below this line is a copy of the message.

From: Shop <shop@example.test>
To: info@example.net, anna@example.org
Subject: Our news
"""
    assert sorted((r.recipient, r.kind) for r in classify(raw)) == [("anna@example.org", "hard"),
                                                                    ("info@example.net", "soft")]


def qmail_notice(block: str) -> bytes:
    """qmail-send's notice about anna@example.org, ``block`` being the lines below her address."""
    return f"""From: MAILER-DAEMON@mail.example.test
To: shop@example.test
Subject: failure notice

Hi. This is the qmail-send program at mail.example.test.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<anna@example.org>:
{block}

--- Below this line is a copy of the message.

Return-Path: <shop@example.test>
From: Shop <shop@example.test>
To: anna@example.org
Subject: Our news
""".encode()


@pytest.mark.parametrize(("block", "kind"), [
    ("192.0.2.1 does not like recipient.\nRemote host said: 550 sorry, no mailbox here by that name (#5.1.1)\n"
     "Giving up on 192.0.2.1.", "hard"),
    ("Sorry, I couldn't find any host named example.org. (#5.1.2)", "hard"),
    ("Connected to 192.0.2.1 but sender was rejected.\nRemote host said: 553 sorry, your envelope sender domain must "
     "exist (#5.7.1)", "soft"),
    ("Connected to 192.0.2.1 but my name was rejected.\nRemote host said: 550 go away", "soft"),
    # qmail retries only what was refused for now: a refusal it quotes after giving up on time was
    # a temporary one, whatever its words
    ("192.0.2.1 does not like recipient.\nRemote host said: 550 User unknown\nI'm not going to try again; this "
     "message has been in the queue too long.", "soft"),
])
def test_qmails_notice(block, kind):
    assert _verdict(qmail_notice(block))[0] == kind


@pytest.mark.parametrize(("block", "verdict"), [
    ("192.0.2.1 does not like recipient.\nRemote host said: 550 Unknown user\nGiving up on 192.0.2.1.",
     ("hard", "userunknown")),
    # "Giving up on <host>." closes every permanent refusal: no sign of a retry given up on time
    ("192.0.2.1 does not like recipient.\nRemote host said: 554 rejected\nGiving up on 192.0.2.1.",
     ("soft", "undefined")),
    ("2001:db8::25 does not like recipient.\nRemote host said: 552 mailbox full\nGiving up on 2001:db8::25.",
     ("soft", "mailboxfull")),
    # refused after the message was sent: dead-address words are a filter's
    ("192.0.2.1 failed after I sent the message.\nRemote host said: 550 Unknown user", ("soft", "filtered")),
])
def test_qmails_remote_replies_keep_their_stage_and_their_reason(block, verdict):
    assert _verdict(qmail_notice(block)) == verdict


def test_a_transcripts_successful_replies_are_no_words_of_the_failure():
    # MDaemon's session transcript: "<-- 250-STARTTLS" is the far side's capability list, not a
    # refusal about encryption; the reply to RCPT TO below it is what failed.
    transcript = "\n".join([
        " Sat 2026-12-05 09:00:01.444: <-- 220 mx.example.org ESMTP",
        " Sat 2026-12-05 09:00:01.481: --> EHLO mail.example.test",
        " Sat 2026-12-05 09:00:01.518: <-- 250-mx.example.org",
        " Sat 2026-12-05 09:00:01.592: <-- 250-STARTTLS",
        " Sat 2026-12-05 09:00:01.629: <-- 250 OK",
        " Sat 2026-12-05 09:00:01.666: --> MAIL From:<shop@example.test> SIZE=1802",
        " Sat 2026-12-05 09:00:01.703: <-- 250 OK",
        " Sat 2026-12-05 09:00:01.740: --> RCPT To:<anna@example.org>",
        " Sat 2026-12-05 09:00:01.777: <-- 550 Mailbox not found",
        " Sat 2026-12-05 09:00:01.814: --> QUIT"])
    raw = f"""From: MDaemon@mail.example.test
To: shop@example.test
Subject: Permanent Delivery Failure

The attached message had PERMANENT fatal delivery errors!

--- Session Transcript ---
{transcript}
--- End Transcript ---

From: Shop <shop@example.test>
To: anna@example.org
Subject: Our news
""".encode()
    assert _verdict(raw) == ("hard", "userunknown")


def test_a_notice_naming_several_addresses_in_no_known_layout_proves_none_dead():
    raw = b"""From: Mail Delivery System <mailer-daemon@mx.example.net>
To: shop@example.test
Subject: Undelivered Mail Returned to Sender

The following address(es) failed:

anna@example.org, ERROR CODE :550 - 5.7.1 No such user!

bob@example.net, ERROR CODE :550 - 5.1.1 The email account that you tried to reach does not exist.
"""
    assert [r.kind for r in classify(raw)] == ["soft"]


@pytest.mark.parametrize(("line", "kind"), [
    ("\tanna@example.org (user not found)", "hard"),  # GroupWise's own directory, the full address
    ("\tanna (user not found)", "soft"),  # no domain: the address is a guess from the returned copy
])
def test_groupwises_own_verdict(line, kind):
    raw = f"""From: Postmaster@gw.example.org
To: shop@example.test
Subject: Undeliverable mail

The message that you sent was undeliverable to the following:
{line}

Possibly truncated original addressee:
	anna@example.org

From: Shop <shop@example.test>
To: anna@example.org
Subject: Our news
""".encode()
    assert _verdict(raw)[0] == kind


def _kinds(raw: str) -> list[tuple[str, str, str]]:
    return [(r.recipient, r.kind, r.category) for r in classify(raw.encode())]


def test_lotus_notes_writes_each_reason_above_its_recipient():
    raw = """From: Postmaster@notes.example.jp
To: shop@example.test
Subject: Undeliverable message

------- Failure Reasons  --------

User not listed in public Name & Address Book
anna@notes.example.jp

Mail file quota exceeded, message could not be delivered
bob@notes.example.jp


------- Returned Message --------
From: Shop <shop@example.test>
To: anna@notes.example.jp, bob@notes.example.jp
Subject: Our news
"""
    assert _kinds(raw) == [("anna@notes.example.jp", "hard", "userunknown"),
                           ("bob@notes.example.jp", "soft", "mailboxfull")]


def test_smartermails_several_refused_recipients_each_with_its_reply():
    raw = """From: postmaster@mail.example.net
To: shop@example.test
Subject: There was an error sending your mail

The mail server could not deliver mail to anna@example.org, bob@example.com.

2 error(s):

SMTP Server <mx.example.org> rejected recipient <anna@example.org> (Error following RCPT command). It responded as follows: [550 Mailbox unavailable: user not found]

SMTP Server <mx.example.com> rejected recipient <bob@example.com> (Error following RCPT command). It responded as follows: [550 5.7.1 Policy rejection on the target address]

The attachment contains the original mail headers.
"""
    assert _kinds(raw) == [("anna@example.org", "hard", "userunknown"), ("bob@example.com", "soft", "policyviolation")]


def test_imail_names_the_command_whose_reply_it_quotes():
    raw = """From: postmaster@relay.example.net
To: shop@example.test
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v12.5>

Unknown host: anna@gone.example

undeliverable to bob@example.com

DATA command generated response:
550 User unknown

Original message follows.
"""
    assert _kinds(raw) == [("anna@gone.example", "hard", "hostunknown"), ("bob@example.com", "soft", "filtered")]


@pytest.mark.parametrize(("line", "kind", "category"), [
    # Exchange 2000/2003's IMS codes that stand for several causes write the one that happened
    ("(000B099C) Host Unknown", "hard", "hostunknown"),
    ("(000B099C) Message exceeds size limit", "soft", "mesgtoobig"),
    ("(000B09B6) 550 5.1.1 <anna@example.net>... User unknown", "hard", "userunknown"),
    ("(000B09AA) Unable to relay for anna@example.net", "soft", "norelaying"),
])
def test_exchange_2003s_codes_for_several_causes_carry_the_cause_that_happened(line, kind, category):
    raw = f"""From: System Administrator <postmaster@example.com>
To: shop@example.test
Subject: Undeliverable: Our news

Your message

  To:      anna@example.net
  Subject: Our news

did not reach the following recipient(s):

anna@example.net on Thu, 30 Jan 2025 14:12:08 -0500
    The MTS-ID of the original message is: c=us;a= ;p=example;l=GW2-250130191208Z-30442
    MSEXCH:IMS:Example:NY:GW2 0 {line}
"""
    assert _kinds(raw) == [("anna@example.net", kind, category)]


def test_interscans_transcript_names_each_recipient_with_its_reply():
    raw = """From: "InterScan MSS" <postmaster@example.test>
To: shop@example.test
Subject: Mail could not be delivered

****** Message from InterScan Messaging Security Suite ******

Sent <<< RCPT TO:<anna@example.co.jp>
Received >>> 550 5.7.1 <anna@example.co.jp>... Relaying denied

Unable to deliver message to <anna@example.co.jp>.

Sent <<< RCPT TO:<bob@example.ne.jp>
Received >>> 550 5.1.1 <bob@example.ne.jp>: Recipient address rejected: User unknown in relay recipient table

Unable to deliver message to <bob@example.ne.jp>.

************************     End of message     **********************
"""
    assert _kinds(raw) == [("anna@example.co.jp", "soft", "norelaying"), ("bob@example.ne.jp", "hard", "userunknown")]


def test_a_recipient_named_by_a_sentence_among_other_addresses_is_never_dead_on_the_words_below():
    # No known layout names the recipients; the first sentence names anna, and the dead-address
    # words below are about bob: which of them died is a guess.
    raw = """From: postmaster@gw.example.net
To: shop@example.test
Subject: Delivery failure

We could not deliver your message to anna@example.org.
Details for bob@example.com follow. Reply was 550 5.1.1 user unknown
"""
    assert [(r.recipient, r.kind) for r in classify(raw.encode())] == [("anna@example.org", "soft")]


def test_x_failed_recipients_in_another_order_than_the_text_lends_no_recipient_anothers_words():
    raw = """From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: shop@example.test
X-Failed-Recipients: carl@example.jp, bea@gone.example, anna@example.net
Subject: Delivery Status Notification (Failure)

Delivery to the following recipient failed permanently:

     anna@example.net

Technical details of permanent failure:
The error that the other server returned was:
552 5.2.2 <anna@example.net>: Recipient address rejected: Mailbox over quota

Delivery to the following recipient failed permanently:

     bea@gone.example

Technical details of permanent failure:
DNS Error: Domain name not found

Delivery to the following recipient failed permanently:

     carl@example.jp

Technical details of permanent failure:
The error that the other server returned was:
550 5.1.1 <carl@example.jp>: Recipient address rejected: User unknown in local recipient table
"""
    assert sorted(_kinds(raw)) == [("anna@example.net", "soft", "mailboxfull"), ("bea@gone.example", "hard", "hostunknown"),
                                   ("carl@example.jp", "hard", "userunknown")]


def test_imails_own_unknown_user_beside_a_reply_it_passes_on_for_another_recipient():
    raw = """From: postmaster@mail.example.net
To: shop@example.test
Subject: Undeliverable Mail
X-Mailer: <SMTP32 v12.5>

Unknown user: anna@mail.example.net

undeliverable to bob@partner.example.org

Body of message generated response:
554 5.7.1 Message rejected: SPF validation failed

Original message follows.
"""
    assert _kinds(raw) == [("anna@mail.example.net", "hard", "userunknown"),
                           ("bob@partner.example.org", "soft", "authfailure")]


def test_javamails_nested_exceptions_name_each_refused_address():
    raw = """From: postmaster@james.example.org
To: shop@example.test
Subject: [BOUNCE]

Hi. This is the James mail server at james.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.

Error message below:
javax.mail.SendFailedException: Invalid Addresses;
  nested exception is:
	com.sun.mail.smtp.SMTPAddressFailedException: 552 5.2.2 <anna@example.net>... Mailbox full
;
  nested exception is:
	com.sun.mail.smtp.SMTPAddressFailedException: 550 5.1.1 <bob@example.net>... User unknown
"""
    assert _kinds(raw) == [("anna@example.net", "soft", "mailboxfull"), ("bob@example.net", "hard", "userunknown")]


def test_zohos_notice_of_a_temporary_failure_names_its_recipient():
    raw = """From: mailer-daemon@zoho.com
To: shop@example.test
Subject: Undelivered Mail Returned to Sender
X-ZohoMail: Si CHF_MF_NL SS_10 UW48 UB48 FMWL UW48 UB48 SGR3_1_2

This message was created automatically by mail delivery software.
A message that you sent could not be delivered to one or more of its recipients.

anna@example.org Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <anna@example.org>... User Unknown

[Status: Error, Address: <bob@example.net>, ResponseCode 421, , Host not reachable.]
"""
    assert [(r, k) for r, k, _ in _kinds(raw)] == [("anna@example.org", "hard"), ("bob@example.net", "soft")]


def test_an_address_offered_for_help_is_no_other_recipient():
    raw = """From: postmaster@gw.example.net
To: shop@example.test
Subject: Delivery failure

We could not deliver your message to anna@example.org.
The server answered: 550 5.1.1 user unknown
For help, please contact support@gw.example.net.
"""
    assert [(r.recipient, r.kind) for r in classify(raw.encode())] == [("anna@example.org", "hard")]


def test_an_abuse_desks_forward_names_the_complaining_recipient_from_the_forwarded_copy():
    # The copy starts with its Received line (no marker line of its own): its To is not lost.
    raw = """From: Hosting Abuse Department <abuse@hosting.example.net>
To: abuse@example.test
Subject: Complaint about message from 192.0.2.46 [Ticket#2025070931000418]

Dear customer,

we received a complaint about the following message, which was sent from
the IP address 192.0.2.46 that is assigned to your server.

---------- Forwarded message ----------
Return-Path: <bounces@example.test>
Received: from out.example.test (out.example.test [192.0.2.46])
	by mx1.hosting.example.net (Postfix) with ESMTPS id 4c9yTt1p0Cz4Qm
	for <peter@hosting.example.net>; Tue, 08 Jul 2025 19:11:42 +0200
From: Shop <shop@example.test>
To: peter@hosting.example.net
Subject: Summer sale
Message-ID: <n20117.ab4@example.test>

Hello,
"""
    (r,) = classify(raw.encode())
    assert (r.recipient, r.kind, r.original_message_id) == ("peter@hosting.example.net", "complaint", "n20117.ab4@example.test")


def test_exchanges_sentence_for_any_failed_hand_over_names_no_dead_address():
    # Exchange 5.5–2003 write it in their own report (no Diagnostic-Code, no Remote-MTA) for any
    # message they could not hand on; the words "recipient … unavailable" alone are no lookup.
    assert reason_of_text("the recipient was unavailable to take delivery of the message") != "userunknown"
    raw = (b"From: postmaster@example.se\nTo: shop@example.test\nSubject: Undeliverable: News\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nYour message\n\n  To:      lars@example.se\n\n"
           b"did not reach the following recipient(s):\n\nlars@example.se on Wed, 6 Sep 2023 10:36:49 +0200\n"
           b"    The recipient was unavailable to take delivery of the message\n\n"
           b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mx.example.se\n\n"
           b"Final-Recipient: rfc822;lars@example.se\nAction: failed\nStatus: 5.0.0\n\n--B--\n")
    (r,) = classify(raw)
    assert (r.recipient, r.kind) == ("lars@example.se", "soft")
    # (the same words about a mailbox stay what they were: "mailbox unavailable" is RFC 5321's 550)
    assert reason_of_text("550 recipient unavailable") == "userunknown"


def _mdaemon_notice(reply: str, capabilities: int = 30) -> bytes:
    """MDaemon's text-only notice with its session transcript: our commands, the far side's
    successful replies and the log's own notes (TLS set up) before the failing reply."""
    stamp = "Tue 2024-09-10 10:02:38.251:"
    caps = "".join(f" {stamp} <-- 250-X-CAPABILITY-{i:02d} ENHANCEDSTATUSCODES PIPELINING\n" for i in range(capabilities))
    return ("From: MDaemon@mail.example.test\nTo: bounces@example.test\nSubject: Permanent Delivery Failure\n"
            "Content-Type: text/plain\n\nThe attached message had PERMANENT fatal delivery errors!\n\n"
            "--- Session Transcript ---\n"
            f" {stamp} *  To: lea@example.net\n"
            f" {stamp} <-- 220 mx.example.net ESMTP ready\n {stamp} --> EHLO mail.example.test\n{caps}"
            f" {stamp} <-- 250 STARTTLS\n {stamp} --> STARTTLS\n {stamp} <-- 220 Go ahead with TLS\n"
            f" {stamp} *  TLS negotiated using TLS 1.3, cipher TLS_AES_256_GCM_SHA384\n"
            f" {stamp} --> MAIL From:<bounces@example.test> SIZE=4127\n {stamp} <-- 250 Sender OK\n"
            f" {stamp} --> RCPT To:<lea@example.net>\n {stamp} <-- {reply}\n {stamp} --> QUIT\n"
            "--- End Transcript ---\n").encode()


@pytest.mark.parametrize("capabilities", [2, 40])
def test_a_transcripts_failing_reply_is_read_however_long_the_session_before_it(capabilities):
    # (a long list of capabilities used to push the reply out of the part of the text that is read,
    # and the log's "TLS negotiated" note made the failure a TLS policy)
    (r,) = classify(_mdaemon_notice("550 5.1.1 <lea@example.net>: Recipient address rejected: no such user",
                                    capabilities))
    assert (r.recipient, r.kind, r.category) == ("lea@example.net", "hard", "userunknown")
    (r,) = classify(_mdaemon_notice("552 5.2.2 Mailbox full", capabilities))
    assert (r.kind, r.category) == ("soft", "mailboxfull")
    (r,) = classify(_mdaemon_notice("530 5.7.0 Must issue a STARTTLS command first", capabilities))
    assert r.kind == "soft"


def test_the_reply_that_ended_a_session_over_two_mx_hosts_decides():
    # a temporary refusal at the first MX host, then the permanent one at the next: the permanent
    # one (the last) is what the notice reports, however long the session before it
    raw = _mdaemon_notice("451 4.3.0 Temporary lookup failure, try again later").decode()
    stamp = " Tue 2024-09-10 10:02:39.001:"
    again = (f"{stamp} Attempting SMTP connection to [mx2.example.net:25]\n{stamp} <-- 220 mx2.example.net ESMTP\n"
             + "".join(f"{stamp} <-- 250-X-CAPABILITY-{i:02d} PIPELINING\n" for i in range(30))
             + f"{stamp} --> RCPT To:<lea@example.net>\n"
             f"{stamp} <-- 550-5.1.1 <lea@example.net>: Recipient address rejected:\n"
             f"{stamp} <-- 550 5.1.1 The email account that you tried to reach does not exist.\n")
    raw = raw.replace("--- End Transcript ---", again + "--- End Transcript ---")
    (r,) = classify(raw.encode())
    assert (r.recipient, r.kind, r.category) == ("lea@example.net", "hard", "userunknown")


@pytest.mark.parametrize(("reply", "category", "about_sender"), [
    # a full mailbox said with "please try again later" is the recipient's, not a rate limit of ours
    ("552 5.2.2 <lea@example.net> Mailbox is full. Please try again later", "mailboxfull", False),
    ("452 4.2.2 <lea@example.net>: Mailbox full, try again later", "mailboxfull", False),
    ("552 5.2.2 Mailbox over quota, message refused", "mailboxfull", False),
    # Comcast: "found on one or more DNSBLs" is a block of our sending address
    ("554 mx.example.net 198.51.100.23 found on one or more DNSBLs, see https://postmaster.example.net/#BL000010",
     "blocked", True),
    ("550 5.7.1 Service unavailable; client host listed in several RBLs", "blocked", True),
    # T-Online refusing our sending address; QQ's rate limit; a quota named as the mailbox's
    ("554 IP=192.0.2.25 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de "
     "to clarify.) (BL)", "blocked", True),
    ("550 Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722",
     "speeding", True),
    ("552 5.2.2 <lea@example.net>: Recipient address rejected: Mailbox quota exceeded", "mailboxfull", False),
    # NetEase's code for mail judged spam; a loop; a host that could not be reached; a name that
    # fits several people in Domino's directory
    ("554 DT:SPM 163 mx17,QsCowAD3bQm8mFZmGHk9Bw--.41234S2 1716869563", "spamdetected", True),
    ("554 5.4.6 Message has exceeded maximum hop count", "mailererror", False),
    ("421 Host not reachable", "networkerror", False),
    ("550 Several matches found in Domino Directory", "systemerror", False),
])
def test_who_a_soft_refusal_is_about(reply, category, about_sender):
    (r,) = classify(postfix_dsn(reply))
    assert (r.kind, r.category, r.policy) == ("soft", category, about_sender)


def test_a_recipient_quoted_around_its_brackets_is_named():
    # CommuniGate Pro: "Failed to deliver to '<addr>'" above the far side's reply; the report's
    # block holds only the Status, so the reply is read in those lines
    raw = (b"From: MAILER-DAEMON@cgp.example.test\nTo: shop@example.test\nSubject: Undeliverable mail\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
           b"--B\nContent-Type: text/plain\n\nFailed to deliver to '<jo@outlook.com>'\n"
           b"SMTP module(domain outlook.com) reports:\n host mx.outlook.com [192.0.2.5] says:\n"
           b" 550 5.7.1 Service unavailable, Client host [198.51.100.31] blocked using Spamhaus.\n\n"
           b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; cgp.example.test\n\n"
           b"Final-Recipient: RFC822;jo@outlook.com\nAction: failed\nStatus: 5.0.0\n\n--B--\n")
    (r,) = classify(raw)
    assert (r.recipient, r.kind, r.category, r.policy) == ("jo@outlook.com", "soft", "blocked", True)
