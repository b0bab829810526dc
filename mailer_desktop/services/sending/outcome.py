"""What an SMTP reply or error means for one delivery.

- ``sent``: accepted (2xx after the data).
- ``temporary``: 4xx replies, timeouts, dropped connections: retried with backoff, then
  left ``deferred`` for a later run.
- ``hard_bounce``: the recipient's address does not exist (5.1.x, RFC 3463): failed, the
  contact becomes ``bounced`` and is suppressed.
- ``policy``: 5.7.x, a rejection about the sender (reputation, policy): failed, and a burst
  of them pauses the campaign because it is not about these recipients.
- ``auth``: the server wants (another) login: the campaign pauses.
- ``sender_refused``: a 5xx to MAIL FROM: every message would fail; the campaign pauses.
- ``permanent``: any other 5xx: failed with the reply.
- ``uncertain``: the message's final dot went out and no reply came (a timeout, the connection
  lost): the server may have taken it. Never retried by itself, so nobody gets it twice; the
  user may resend such messages.
- ``abandoned``: the run is ending and the transaction was given up before the message's final
  dot: the server discards it, the row goes back in the queue.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

import aiosmtplib

from .wire import Abandoned

_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_UNKNOWN_USER = re.compile(
    r"(user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|mailbox not found|"
    r"invalid recipient|recipient address rejected: user|address rejected)", re.I)


@dataclass(frozen=True)
class Outcome:
    kind: str        # sent, temporary, hard_bounce, policy, auth, sender_refused, permanent, uncertain, abandoned
    reply: str       # the server's reply (code and text), or what happened
    status: str = ""  # the enhanced status code when there was one
    reconnect: bool = False  # the session is unusable afterwards

    @property
    def final(self) -> bool:
        return self.kind not in ("temporary",)


def enhanced_status(text: str) -> str:
    m = _ENHANCED.search(text or "")
    return ".".join(m.groups()) if m else ""


def from_reply(code: int, message: str, *, stage: str = "rcpt") -> Outcome:
    """Classify a negative reply at ``stage`` (mail, rcpt, data)."""
    message = " ".join((message or "").split())
    reply = f"{code} {message}".strip()
    status = enhanced_status(message)
    if code == 421:
        return Outcome("temporary", reply, status, reconnect=True)
    if code == 454:  # temporary authentication failure (an expired OAuth2 token): log in afresh
        return Outcome("temporary", reply, status, reconnect=True)
    if code in (530, 534, 535, 538) or status in ("5.7.0", "5.7.8", "5.7.9", "5.7.11") and "auth" in message.lower():
        return Outcome("auth", reply, status, reconnect=True)  # a session refused mid-way is not used again
    if 400 <= code < 500:
        return Outcome("temporary", reply, status)
    if stage == "mail" and code >= 500:
        return Outcome("sender_refused", reply, status)
    if status.startswith("5.1.") or (not status and code in (550, 551, 553) and _UNKNOWN_USER.search(message)):
        return Outcome("hard_bounce", reply, status or "5.1.1")
    if status.startswith("5.7."):
        return Outcome("policy", reply, status)
    return Outcome("permanent", reply, status)


UNCERTAIN = ("the message went out but the server did not confirm it ({what}); it may have arrived, so it is "
             "not sent again unless you choose to resend it")


def from_exception(exc: BaseException, *, after_dot: bool = False) -> Outcome:
    """``after_dot``: the message's final dot was sent and its reply not read yet."""
    if after_dot and isinstance(exc, (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError,
                                      asyncio.TimeoutError, TimeoutError, ConnectionError, OSError)):
        what = "no reply in time" if isinstance(exc, (aiosmtplib.SMTPTimeoutError, TimeoutError)) else \
            "sending stopped while waiting" if isinstance(exc, Abandoned) else "the connection was lost"
        return Outcome("uncertain", UNCERTAIN.format(what=what), reconnect=True)
    if isinstance(exc, Abandoned):
        return Outcome("abandoned", "given up before the message was sent: sending is stopping", reconnect=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        first = exc.recipients[0] if exc.recipients else None
        if first is None:
            return Outcome("permanent", "recipient refused")
        return from_reply(first.code, first.message, stage="rcpt")
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return from_reply(exc.code, exc.message, stage="rcpt")
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return from_reply(exc.code, exc.message, stage="mail")
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return from_reply(exc.code, exc.message, stage="data")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return Outcome("temporary", f"connection dropped ({exc})", reconnect=True)
    if isinstance(exc, (aiosmtplib.SMTPTimeoutError, asyncio.TimeoutError, TimeoutError)):
        return Outcome("temporary", "the server did not answer in time", reconnect=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        out = from_reply(exc.code, exc.message, stage="data")
        return Outcome(out.kind, out.reply, out.status, reconnect=True)
    if isinstance(exc, (ConnectionError, OSError, aiosmtplib.SMTPException)):
        return Outcome("temporary", f"connection problem ({exc})", reconnect=True)
    raise exc
