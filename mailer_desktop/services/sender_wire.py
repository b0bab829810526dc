"""One SMTP mail transaction on an open aiosmtplib session, in two steps, without the
per-message address parsing of ``sendmail`` (the hot path sends thousands of messages a minute).

:func:`envelope` sends MAIL FROM and RCPT TO; :func:`content` sends DATA and the message. The
engine runs the envelope while the delivery's claim is being committed and sends the content
only once the claim is durable: nothing is delivered before the log says ``sending`` (a server
delivers nothing until the final dot of DATA).

Addresses that are not plain ASCII take aiosmtplib's ``sendmail`` in :func:`content`
(SMTPUTF8 handling). Failures raise the aiosmtplib exceptions ``sendmail`` would raise, so
:mod:`.sender_outcome` classifies both paths alike.
"""

from __future__ import annotations

import aiosmtplib


def _plain(address: str) -> bytes | None:
    if not address.isascii() or any(c in address for c in "<>\r\n \t"):
        return None
    return address.encode("ascii")


def simple(sender: str, recipient: str) -> bool:
    return _plain(sender) is not None and _plain(recipient) is not None


async def envelope(smtp: aiosmtplib.SMTP, sender: str, recipient: str, timeout: float) -> None:
    """MAIL FROM and RCPT TO (nothing for addresses that need SMTPUTF8: see :func:`content`)."""
    s, r = _plain(sender), _plain(recipient)
    if s is None or r is None:
        return
    reply = await smtp.execute_command(b"MAIL", b"FROM:<" + s + b">", timeout=timeout)
    if reply.code != 250:
        raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, sender)
    reply = await smtp.execute_command(b"RCPT", b"TO:<" + r + b">", timeout=timeout)
    if reply.code not in (250, 251):
        raise aiosmtplib.SMTPRecipientsRefused(
            [aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, recipient)])


async def content(smtp: aiosmtplib.SMTP, sender: str, recipient: str, data: bytes, timeout: float) -> str:
    """DATA and the message; returns the server's final reply text."""
    if not simple(sender, recipient):
        _, message = await smtp.sendmail(sender, [recipient], data, timeout=timeout)
        return message
    if smtp.protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Server not connected")
    try:
        reply = await smtp.protocol.execute_data_command(data, timeout=timeout)
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError):
        smtp.close()
        raise
    return reply.message
