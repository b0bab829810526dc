"""The mail that comes back after the demo campaign, built the way real servers and mail
programs send it, so that the demo's opt-outs go through the real inbox processing:
unsubscribe replies to the List-Unsubscribe mailto, an RFC 3464 hard bounce, an ARF spam
complaint with a redacted recipient, an out-of-office reply and one vague reply for review."""

from __future__ import annotations

import email
import email.policy
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from .sandbox import server as sandbox


def _captured_by_recipient(app) -> dict[str, EmailMessage]:
    out = {}
    for item in sandbox.list_messages(app):
        msg = email.message_from_bytes(sandbox.read_raw(app, item.path), policy=email.policy.default)
        out[parseaddr(str(msg["To"]))[1].lower()] = msg
    return out


def _returned_headers(msg: EmailMessage) -> str:
    keep = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "X-Mailer-Desktop-Ref")
    return "".join(f"{h}: {msg[h]}\r\n" for h in keep if msg[h]) + "\r\n(body omitted)\r\n"


def unsubscribe_reply(msg: EmailMessage) -> bytes:
    uri = next(p.strip(" <>") for p in str(msg["List-Unsubscribe"]).split(",") if "mailto:" in p)
    parts = urllib.parse.urlsplit(uri)
    reply = EmailMessage()
    reply["From"] = msg["To"]
    reply["To"] = urllib.parse.unquote(parts.path)
    reply["Subject"] = urllib.parse.parse_qs(parts.query).get("subject", ["unsubscribe"])[0]
    reply["Date"] = formatdate(localtime=True)
    reply["Message-ID"] = make_msgid(domain=parseaddr(str(msg["To"]))[1].split("@")[1])
    reply.set_content("This message was sent by the unsubscribe link of the newsletter.")
    return reply.as_bytes()


def hard_bounce(msg: EmailMessage, reporting: str = "mx.corner-bakery.example") -> bytes:
    rcpt = parseaddr(str(msg["To"]))[1]
    domain = rcpt.split("@")[1]
    boundary = "demo-dsn-boundary"
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting}>\r\n"
        f"To: {parseaddr(str(msg['From']))[1]}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {formatdate(localtime=True)}\r\n"
        f"Message-ID: {make_msgid(domain=reporting)}\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system at host {reporting}.\r\n\r\n"
        f"<{rcpt}>: host mx.{domain} said: 550 5.1.1 <{rcpt}>: Recipient address rejected:\r\n"
        "    User unknown in virtual mailbox table (in reply to RCPT TO command)\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; {reporting}\r\n\r\n"
        f"Final-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Remote-MTA: dns; mx.{domain}\r\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{_returned_headers(msg)}\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def complaint(msg: EmailMessage) -> bytes:
    boundary = "demo-arf-boundary"
    redacted = msg.__class__()
    for h in ("From", "Subject", "Date", "Message-ID", "List-Unsubscribe", "X-Mailer-Desktop-Ref"):
        if msg[h]:
            redacted[h] = msg[h]
    redacted["To"] = "redacted@mail.provider.example"
    return (
        "From: Feedback Loop <fbl@mail.provider.example>\r\n"
        "To: abuse@corner-bakery.example\r\nSubject: Abuse report\r\n"
        f"Date: {formatdate(localtime=True)}\r\nMessage-ID: {make_msgid(domain='mail.provider.example')}\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=feedback-report; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is an email abuse report for a message received from your server.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: ProviderFBL/1.0\r\nVersion: 1\r\n"
        "Original-Rcpt-To: <redacted@mail.provider.example>\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{_returned_headers(redacted)}\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def plain_reply(sender: str, to: str, subject: str, body: str, *, auto: bool = False) -> bytes:
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = to
    reply["Subject"] = subject
    reply["Date"] = formatdate(localtime=True)
    reply["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].split("@")[1])
    if auto:
        reply["Auto-Submitted"] = "auto-replied"
    reply.set_content(body)
    return reply.as_bytes()


def build(app, *, unsubscribed: list[str], bounced: list[str], complained: list[str],
          away: list[str], vague: list[str]) -> list[tuple[str, bytes]]:
    """(file name, raw mail) for each reply to the demo campaign."""
    sent = _captured_by_recipient(app)
    mails = []
    for addr in unsubscribed:
        mails.append((f"unsubscribe-{addr}.eml", unsubscribe_reply(sent[addr])))
    for addr in bounced:
        mails.append((f"bounce-{addr}.eml", hard_bounce(sent[addr])))
    for addr in complained:
        mails.append((f"complaint-{addr}.eml", complaint(sent[addr])))
    for addr in away:
        msg = sent[addr]
        mails.append((f"away-{addr}.eml", plain_reply(
            addr, parseaddr(str(msg["From"]))[1], f"Out of office: {msg['Subject']}",
            "I am away until Monday and will read your message when I am back.", auto=True)))
    for addr in vague:
        msg = sent[addr]
        mails.append((f"reply-{addr}.eml", plain_reply(
            addr, parseaddr(str(msg["From"]))[1], f"Re: {msg['Subject']}",
            "Hm, I'm not sure I still want all of these, I get so much mail lately.")))
    return mails
