"""The big receiving providers' own error replies, on constructed mails.

The mails are constructed, not real providers' mail: an RFC 3464 report (a text part, then a
``message/delivery-status`` part with one recipient block whose Status and Diagnostic-Code carry
the reply under test). Each reply is written after the wording and code a provider's public
postmaster documentation gives for it (the provider is named beside each case); addresses,
IP addresses and the trailing identifiers are made up.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify
from mailer_desktop.domain.inbox.rules import disabled, firing, tracing

SENDER = "shop@example.test"


def report(rcpt: str, status: str, diagnostic: str) -> bytes:
    """An RFC 3464 report on one recipient."""
    return (f"From: MAILER-DAEMON@mx.example.net\nTo: {SENDER}\nSubject: Undelivered Mail Returned to Sender\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
            "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
            f"Final-Recipient: rfc822; {rcpt}\nAction: failed\nStatus: {status}\n"
            f"Remote-MTA: dns; mx.provider.example\nDiagnostic-Code: smtp; {diagnostic}\n\n--B--\n").encode()


def verdict(raw: bytes, rcpt: str) -> tuple[str, str]:
    (r,) = classify(raw)
    assert r.recipient == rcpt
    return r.kind, r.category


# Replies that the provider rules read (provider, recipient, status, reply, kind, reason).
BY_PROVIDER_RULES = [
    ("Outlook.com: no such user", "anna@outlook.example", "5.5.0",
     "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). "
     "[BN3NAM04FT009.eop-NAM04.prod.protection.outlook.com]", "hard", "userunknown"),
    ("Outlook.com (Hotmail trailer): no such user", "anna@hotmail.example", "5.0.0",
     "550 Requested action not taken: mailbox unavailable (3158906934:2436:-2147467259)", "hard", "userunknown"),
    ("Office 365 directory-based edge blocking", "anna@contoso.example", "5.4.1",
     "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) "
     "[DM6NAM12FT012.eop-nam12.prod.protection.outlook.com]", "hard", "userunknown"),
    ("Outlook.com: OU-001 block code", "anna@outlook.example", "5.0.0",
     "550 OU-001 (SNT004-MC1F18) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your "
     "Internet service provider.", "soft", "blocked"),
    ("Yahoo: no such account at the recipient's domain", "anna@yahoo.com", "5.0.0",
     "554 delivery error: dd This user doesn't have a yahoo.com account (anna@yahoo.com) [0] - "
     "mta1001.mail.bf1.yahoo.com", "hard", "userunknown"),
    ("Yahoo/AOL: mailbox not found", "anna@aol.com", "5.0.0",
     "552 1 Requested mail action aborted, mailbox not found", "hard", "userunknown"),
    ("Tencent QQ: mailbox not found", "anna@qq.example", "5.0.0",
     "550 Mailbox not found. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728",
     "hard", "userunknown"),
    ("au (KDDI): a mailbox it does not have, named in the reply, no stage given", "taro@au.com", "5.0.0",
     "550 <taro@au.com>: User unknown", "hard", "userunknown"),
    ("au (KDDI, EZweb): the same as a relay quotes it", "taro.k@ezweb.ne.jp", "5.0.0",
     "550: <taro.k@ezweb.ne.jp>: User unknown", "hard", "userunknown"),
    ("au (KDDI): its refusal for the subscriber's reception settings, even at RCPT", "taro@ezweb.ne.jp", "5.0.0",
     "550 : User unknown (in reply to RCPT TO command)", "soft", "filtered"),
    ("Cox: CXSMTP beside a 5.1.0 code", "anna@cox.net", "5.1.0",
     "550 5.1.0 <anna@cox.net> recipient rejected CXSMTP", "soft", "blocked"),
    ("Spectrum: AUP# code beside a 5.1.1 code", "anna@charter.net", "5.1.1",
     "550 5.1.1 <anna@charter.net> recipient rejected AUP#1260", "soft", "blocked"),
    ("GoDaddy: IB code beside a 5.1.1 code", "anna@secureserver.example", "5.1.1",
     "550 5.1.1 <anna@secureserver.example> recipient rejected. IB508", "soft", "blocked"),
    ("Office 365 directory-based edge blocking, before the AS tag", "anna@contoso.example", "5.4.1",
     "550 5.4.1 Recipient address rejected: Access denied", "hard", "userunknown"),
    ("Mimecast: invalid recipient, no stage given", "anna@mimecast.example", "5.0.0",
     "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 [aBc.us123]", "hard", "userunknown"),
    ("Mimecast: user unknown (its 503)", "anna@mimecast.example", "5.0.0",
     "503 User unknown - https://community.mimecast.com/docs/DOC-1369#503 [aBc.us123]", "hard", "userunknown"),
    ("i.ua: its error page 2, no such user", "anna@i.ua", "5.0.0",
     "550 Mailbox unavailable (see http://mail.i.ua/err/2/)", "hard", "userunknown"),
    ("i.ua: its error page 3, unused for months", "anna@i.ua", "5.0.0",
     "550 Mailbox unavailable (see http://mail.i.ua/err/3/)", "soft", "suspend"),
    ("i.ua: its error page 9, our IP on a block list, whatever the words", "anna@i.ua", "5.0.0",
     "550 User not found (see http://mail.i.ua/err/9/)", "soft", "blocked"),
    ("La Poste: its number 418 for an invalid recipient, with a dash", "anna@laposte.net", "5.0.0",
     "550 Adresse d au moins un destinataire invalide. LPN105-418", "hard", "userunknown"),
    ("Orange: a number about the sender (with a dash) keeps a 5.1.1 soft", "anna@orange.fr", "5.1.1",
     "550 5.1.1 Adresse d au moins un destinataire invalide OFR102-104", "soft", "filtered"),
]

# Replies the generic rules already read as the providers document them (kept here so that the
# provider rules are seen not to change them).
ALREADY_READ = [
    ("au (KDDI): a named mailbox after DATA stays unsure", "taro@au.com", "5.0.0",
     "550 <taro@au.com>: User unknown (in reply to end of DATA command)", "soft"),
    ("Outlook.com: IP on the block list (S3150)", "anna@outlook.example", "5.7.1",
     "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service "
     "provider since part of their network is on our block list (S3150).", "soft"),
    ("Office 365: mailbox full", "anna@contoso.example", "5.2.2",
     "552 5.2.2 Requested mail action aborted: exceeded storage allocation (mailbox full)", "soft"),
    ("Office 365: RESOLVER.ADR.RecipNotFound", "anna@contoso.example", "5.1.1",
     "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "hard"),
    ("Office 365: RESOLVER.ADR.ExRecipNotFound", "anna@contoso.example", "5.1.1",
     "550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found", "hard"),
    ("Office 365: RESOLVER.ADR.RecipLimit", "anna@contoso.example", "5.5.3",
     "550 5.5.3 RESOLVER.ADR.RecipLimit; too many recipients", "soft"),
    ("Gmail: no such user", "anna@gmail.com", "5.1.1",
     "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
     "double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces.", "hard"),
    ("Gmail: disabled account", "anna@gmail.com", "5.2.1",
     "550-5.2.1 The email account that you tried to reach is disabled.", "soft"),
    ("Gmail: over quota", "anna@gmail.com", "4.2.2",
     "452-4.2.2 The email account that you tried to reach is over quota.", "soft"),
    ("Gmail: unauthenticated mail", "anna@gmail.com", "5.7.26",
     "550-5.7.26 This mail is unauthenticated, which poses a security risk to the 550-5.7.26 sender", "soft"),
    ("Gmail: unusual rate", "anna@gmail.com", "4.7.0",
     "421-4.7.0 Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating "
     "from your IP address.", "soft"),
    ("Yahoo: TSS04", "anna@yahoo.com", "4.7.0",
     "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
     "complaints", "soft"),
    ("Yahoo: TSS09", "anna@yahoo.com", "5.7.2",
     "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed.",
     "soft"),
    ("iCloud: no such user", "anna@icloud.com", "5.1.1", "550 5.1.1 <anna@icloud.com>: user does not exist", "hard"),
    ("iCloud: HM08", "anna@icloud.com", "5.7.1", "554 5.7.1 [HM08] Message rejected due to local policy.", "soft"),
    ("iCloud: an address no longer in use", "anna@icloud.com", "5.1.1",
     "550 5.1.1 <anna@icloud.com>: inactive email address (in reply to RCPT TO command)", "hard"),
    ("iCloud: the same words without a code that says the mailbox is bad", "anna@icloud.com", "5.2.1",
     "550 5.2.1 <anna@icloud.com>: inactive email address (in reply to RCPT TO command)", "soft"),
    ("Cox: CXBL", "anna@cox.net", "5.0.0", "554 cxr.mx.a.cox.net cox.net CXBL 192.0.2.1 blocked", "soft"),
    ("Tencent QQ: frequency limited", "anna@qq.example", "5.0.0",
     "550 Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725", "soft"),
    ("Exchange Online: an address reserved by RFC 2606 (5.1.4 alone: an ambiguous address)", "anna@example.com",
     "5.1.4", "550 5.1.4 Recipient address reserved by RFC 2606", "hard"),
    ("La Poste: LPN416, its number for an invalid recipient, with a 5.1.3 code", "anna@laposte.net", "5.1.3",
     "501 5.1.3 Adresse d au moins un destinataire invalide. Invalid recipient. LPN416 [416]", "hard"),
    ("Office 365 words with a policy code: a block", "anna@contoso.example", "5.7.1",
     "550 5.7.1 Recipient address rejected: Access denied", "soft"),
    ("Mimecast: host network not allowed", "anna@mimecast.example", "5.0.0",
     "554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554", "soft"),
    ("Orange: address does not exist", "anna@orange.fr", "5.1.1", "550 5.1.1 Mailbox does not exist - OFR_416", "hard"),
    ("Orange: its number for an invalid recipient", "anna@wanadoo.fr", "5.1.1",
     "550 5.1.1 <anna@wanadoo.fr>: Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]", "hard"),
    ("Orange: its number for a full mailbox", "anna@orange.fr", "5.1.1",
     "550 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]", "soft"),
]

# The same wordings where the structure does not hold: no rule may call these dead.
NOT_THE_PROVIDERS_STRUCTURE = [
    ("Yahoo wording about another domain's account", "anna@example.org", "5.0.0",
     "554 delivery error: dd This user doesn't have a yahoo.com account (anna@yahoo.com) [0]"),
    ("Yahoo wording with a temporary code", "anna@yahoo.com", "4.0.0",
     "452 delivery error: dd This user doesn't have a yahoo.com account (anna@yahoo.com) [0]"),
    ("Outlook.com wording with a temporary code", "anna@outlook.example", "4.5.0",
     "450 4.5.0 Requested action not taken: mailbox unavailable"),
    ("Tencent wording without its help page", "anna@qq.example", "5.0.0", "550 Mailbox not found."),
    ("au wording for another provider's recipient", "anna@example.org", "5.0.0", "550 <anna@example.org>: User unknown"),
    ("au wording naming another of its addresses", "taro@au.com", "5.0.0", "550 <hanako@au.com>: User unknown"),
    ("Outlook.com wording with a block beside it", "anna@outlook.example", "5.5.0",
     "550 5.5.0 Requested action not taken: mailbox unavailable. Your IP address 192.0.2.1 is on our block list"),
]


def _provider_rules(raw: bytes) -> set[tuple[str, int]]:
    with tracing() as traced:
        classify(raw)
    return {(name, i) for name, i in firing(traced) if name == "provider:replies"}


@pytest.mark.parametrize(("provider", "rcpt", "status", "reply", "kind", "reason"), BY_PROVIDER_RULES,
                         ids=[c[0] for c in BY_PROVIDER_RULES])
def test_a_providers_documented_reply_reads_as_the_provider_means_it(provider, rcpt, status, reply, kind, reason):
    raw = report(rcpt, status, reply)
    assert verdict(raw, rcpt) == (kind, reason)


@pytest.mark.parametrize(("provider", "rcpt", "status", "reply", "kind", "reason"), BY_PROVIDER_RULES,
                         ids=[c[0] for c in BY_PROVIDER_RULES])
def test_without_its_provider_rule_the_reply_reads_otherwise(provider, rcpt, status, reply, kind, reason):
    raw = report(rcpt, status, reply)
    rules = _provider_rules(raw)
    assert rules, "no provider rule fires"
    with disabled(rules):
        assert verdict(raw, rcpt) != (kind, reason)


@pytest.mark.parametrize(("provider", "rcpt", "status", "reply", "kind"), ALREADY_READ,
                         ids=[c[0] for c in ALREADY_READ])
def test_replies_the_generic_rules_read_keep_their_kind(provider, rcpt, status, reply, kind):
    assert verdict(report(rcpt, status, reply), rcpt)[0] == kind


@pytest.mark.parametrize(("case", "rcpt", "status", "reply"), NOT_THE_PROVIDERS_STRUCTURE,
                         ids=[c[0] for c in NOT_THE_PROVIDERS_STRUCTURE])
def test_a_providers_wording_without_its_structure_is_never_hard(case, rcpt, status, reply):
    assert verdict(report(rcpt, status, reply), rcpt)[0] == "soft"
