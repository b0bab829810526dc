"""The mail transactions of a send, on a session that aiosmtplib opened (connect, TLS, AUTH).

Once a session is set up, :class:`Session` takes over its transport with a small protocol of
its own, because the hot path sends thousands of messages a minute and aiosmtplib reads one
reply per command: here, when the server offers PIPELINING (RFC 2920), MAIL FROM, RCPT TO and
DATA go out in one write, and the message in a second one: two round trips per message
instead of four.

Ordering that keeps the send log honest: :meth:`Session.begin_envelope` writes MAIL, RCPT and,
pipelined, DATA; the delivery's claim is committed while the server reads them, and
:meth:`Session.finish_envelope` reads the replies; :meth:`Session.content` (the message and its
final dot, the only thing that makes a server deliver) is sent only once the claim is durable. A claim refused while the server already waits for the data closes the connection, so
the server discards the unfinished message.

Each wait has the timeout RFC 5321 §4.5.3.2 gives it (:class:`Timeouts`): 5 minutes for the
greeting and for MAIL/RCPT, 2 for DATA, 3 per data block, 10 for the reply to the final dot. A
session knows whether its message's final dot went out without an answer (``dot_sent``): a
timeout or a lost connection then leaves the message's fate unknown, never "not sent".

Failures raise the aiosmtplib exception types, so :mod:`.outcome` classifies them alike.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from dataclasses import dataclass

import aiosmtplib

_LINE_ENDINGS = re.compile(rb"\r\n|\r|\n")
_MAX_BUFFER = 1 << 20  # wait for the socket when this much is queued (large attachments)
MAX_AHEAD = 1 << 18    # larger messages are not followed by the next envelope in the same write


def wire_bytes(data: bytes) -> bytes:
    """CRLF line endings, dot-stuffed (RFC 5321 4.5.2), ending with CRLF . CRLF."""
    if data.count(b"\n") != data.count(b"\r\n") or b"\r" in data.replace(b"\r\n", b""):
        data = _LINE_ENDINGS.sub(b"\r\n", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    if data.startswith(b"."):
        data = b"." + data
    return data.replace(b"\r\n.", b"\r\n..") + b".\r\n"


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for each reply (RFC 5321 §4.5.3.2 minimums by default)."""

    greeting: float = 300.0   # connecting: the 220 greeting, EHLO, STARTTLS, AUTH
    mail: float = 300.0       # MAIL FROM, RCPT TO (and RSET)
    data: float = 120.0       # DATA's 354
    block: float = 180.0      # each block of the message to be taken by the network
    final: float = 600.0      # the reply to the final dot

    @classmethod
    def uniform(cls, seconds: float) -> Timeouts:
        return cls(seconds, seconds, seconds, seconds, seconds)


class Abandoned(aiosmtplib.SMTPServerDisconnected):
    """The run is ending and the reply did not come within the grace it was given."""


class _Replies(asyncio.Protocol):
    """Collects every complete reply the server sends (several per packet when pipelined)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.replies: deque[tuple[int, str]] = deque()
        self.lines: list[str] = []
        self.waiter: asyncio.Future | None = None
        self.wanted = 1  # replies the waiter waits for
        self.lost: BaseException | None = None
        self.deadline: float | None = None  # loop time after which a wait is abandoned (the run ends)
        self.can_write = asyncio.Event()
        self.can_write.set()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\n")
            if end < 0:
                break
            line = bytes(self.buffer[:end + 1])
            del self.buffer[:end + 1]
            try:
                code = int(line[:3])
            except ValueError:
                self._fail(aiosmtplib.SMTPResponseException(-1, f"Malformed SMTP reply: {line[:80]!r}"))
                return
            self.lines.append(line[4:].strip(b" \t\r\n").decode("utf-8", "surrogateescape"))
            if line[3:4] != b"-":
                self.replies.append((code, "\n".join(self.lines)))
                self.lines = []
        if len(self.replies) >= self.wanted:
            self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def _fail(self, exc: BaseException) -> None:
        self.lost = exc
        if self.transport is not None:
            self.transport.close()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.lost is None:
            self.lost = aiosmtplib.SMTPServerDisconnected(f"Connection lost{f': {exc}' if exc else ''}")
        self.transport = None
        self.can_write.set()
        self._wake()

    def eof_received(self) -> bool:
        return False

    def pause_writing(self) -> None:
        self.can_write.clear()

    def resume_writing(self) -> None:
        self.can_write.set()

    async def read(self, timeout: float) -> tuple[int, str]:
        return (await self.read_many(1, timeout))[0]

    async def read_many(self, n: int, timeout: float) -> list[tuple[int, str]]:
        """The next ``n`` replies (pipelined commands), waking the caller once they are all in."""
        if len(self.replies) < n and self.lost is None:
            self.waiter = waiter = self.loop.create_future()
            self.wanted = n
            abandon = self.deadline is not None and self.deadline - self.loop.time() < timeout
            if abandon:
                timeout = max(0.0, self.deadline - self.loop.time())  # type: ignore[operator]
            timer = self.loop.call_later(timeout, _time_out, waiter, abandon)
            try:
                await waiter
            finally:
                timer.cancel()
                self.waiter = None
                self.wanted = 1
        if len(self.replies) < n:
            raise self.lost or aiosmtplib.SMTPServerDisconnected("Connection lost")
        return [self.replies.popleft() for _ in range(n)]

    def expire(self, grace: float) -> None:
        """The run ends: a reply still awaited after ``grace`` seconds is given up (:class:`Abandoned`)."""
        if self.deadline is not None:
            return
        self.deadline = self.loop.time() + grace
        if self.waiter is not None and not self.waiter.done():
            self.loop.call_later(grace, _time_out, self.waiter, True)


def _time_out(waiter: asyncio.Future, abandon: bool = False) -> None:
    if not waiter.done():
        waiter.set_exception(Abandoned("Given up waiting for the server's reply: sending is stopping") if abandon
                             else aiosmtplib.SMTPReadTimeoutError("Timed out waiting for server response"))


NO_SMTPUTF8 = "5.6.7 this mail server cannot deliver to addresses with non-ASCII characters before the @"


def _address(text: str, utf8: bool) -> bytes:
    """The address for MAIL FROM / RCPT TO: an internationalised domain in its ASCII (punycode)
    form; a non-ASCII local part only when the server offers SMTPUTF8 (RFC 6531)."""
    if any(c in text for c in "<>\r\n"):
        raise aiosmtplib.SMTPRecipientRefused(553, f"5.1.3 unusable address {text!r}", text)
    local, at, domain = text.rpartition("@")
    if at and not domain.isascii():
        try:
            text = f"{local}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            raise aiosmtplib.SMTPRecipientRefused(
                553, f"5.1.3 the domain {domain!r} is not a valid internationalised domain name", text) from None
    if text.isascii():
        return text.encode("ascii")
    if not utf8:
        raise aiosmtplib.SMTPRecipientRefused(553, NO_SMTPUTF8, text)
    return text.encode("utf-8")


class Session:
    """One open SMTP session used for many transactions (see the module docstring)."""

    def __init__(self, smtp: aiosmtplib.SMTP, timeouts: Timeouts | None = None):
        if smtp.transport is None:
            raise aiosmtplib.SMTPServerDisconnected("Server not connected")
        self._smtp = smtp  # kept so nothing closes the transport behind our back
        self.pipelining = smtp.supports_extension("pipelining")
        self.utf8 = smtp.supports_extension("smtputf8")
        self.proto = _Replies(asyncio.get_running_loop())
        transport = smtp.transport
        self.proto.transport = transport  # type: ignore[assignment]
        transport.set_protocol(self.proto)
        self.timeouts = timeouts or Timeouts()
        self.in_data = False
        self.dot_sent = False  # a message's final dot went out and its reply has not been read
        self._envelope: tuple[str, str, bytes] | None = None

    @property
    def connected(self) -> bool:
        return self.proto.transport is not None and not self.proto.transport.is_closing() and self.proto.lost is None

    def _write(self, data: bytes) -> None:
        if not self.connected:
            raise self.proto.lost or aiosmtplib.SMTPServerDisconnected("Connection lost")
        self.proto.transport.write(data)  # type: ignore[union-attr]

    async def envelope(self, sender: str, recipient: str, timeout: float | None = None) -> None:
        self.begin_envelope(sender, recipient)
        await self.finish_envelope(timeout)

    def prepare_envelope(self, sender: str, recipient: str) -> tuple[bytes, tuple[str, str, bytes]]:
        """(what to write, what :meth:`finish_envelope` needs); raises for an unusable address."""
        s, r = _address(sender, self.utf8), _address(recipient, self.utf8)
        opt = b" SMTPUTF8" if (not s.isascii() or not r.isascii()) else b""
        mail, rcpt = b"MAIL FROM:<" + s + b">" + opt + b"\r\n", b"RCPT TO:<" + r + b">\r\n"
        return (mail + rcpt + b"DATA\r\n" if self.pipelining else mail), (sender, recipient, rcpt)

    def begin_envelope(self, sender: str, recipient: str) -> None:
        """Write MAIL FROM (pipelined: with RCPT TO and DATA); :meth:`finish_envelope` reads the replies."""
        self._envelope = None
        commands, state = self.prepare_envelope(sender, recipient)
        self._write(commands)
        self._envelope = state
        self.in_data = self.pipelining  # until the reply to DATA says otherwise

    async def finish_envelope(self, timeout: float | None = None) -> None:
        if self._envelope is None:
            raise aiosmtplib.SMTPServerDisconnected("no envelope was sent")
        (sender, recipient, rcpt), self._envelope = self._envelope, None
        t = self.timeouts
        if self.pipelining:
            m, rc, d = await self.proto.read_many(3, timeout or max(t.mail, t.data))
            self.in_data = d[0] == 354
        else:
            m = await self.proto.read(timeout or t.mail)
            if m[0] != 250:
                raise aiosmtplib.SMTPSenderRefused(m[0], m[1], sender)
            self._write(rcpt)
            rc = await self.proto.read(timeout or t.mail)
            d = None
        if m[0] != 250:
            self._leave_data()
            raise aiosmtplib.SMTPSenderRefused(m[0], m[1], sender)
        if rc[0] not in (250, 251):
            self._leave_data()
            raise aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(rc[0], rc[1], recipient)])
        if d is not None and d[0] != 354:
            raise aiosmtplib.SMTPDataError(d[0], d[1])

    def _leave_data(self) -> None:
        if self.in_data:  # a server that said 354 anyway: only closing avoids sending a message
            self.abort()

    async def content(self, data: bytes, timeout: float | None = None) -> str:
        """The message (DATA first when it was not pipelined); returns the server's final reply."""
        if not self.in_data:
            self._write(b"DATA\r\n")
            code, text = await self.proto.read(timeout or self.timeouts.data)
            if code != 354:
                raise aiosmtplib.SMTPDataError(code, text)
        if self.write_content(data) > _MAX_BUFFER:
            await asyncio.wait_for(self.proto.can_write.wait(), timeout or self.timeouts.block)
        return await self.content_reply(timeout)

    def write_content(self, data: bytes, then: tuple[bytes, tuple[str, str, bytes]] | None = None) -> int:
        """Write the message after the server's 354, and in the same write the next envelope
        when ``then`` is one from :meth:`prepare_envelope` (pipelining only). Returns the
        message's size on the wire. Its reply is read by :meth:`content_reply`."""
        self.in_data = False
        payload = wire_bytes(data)
        self.dot_sent = True
        if then is None:
            self._write(payload)
        else:
            self._write(payload + then[0])
            self._envelope = then[1]
            self.in_data = True
        return len(payload)

    async def content_reply(self, timeout: float | None = None) -> str:
        code, text = await self.proto.read(timeout or self.timeouts.final)
        self.dot_sent = False
        if code != 250:
            raise aiosmtplib.SMTPDataError(code, text)
        return text

    async def command(self, line: bytes, timeout: float | None = None) -> tuple[int, str]:
        self._write(line + b"\r\n")
        return await self.proto.read(timeout or self.timeouts.mail)

    async def rset(self, timeout: float | None = None) -> None:
        code, text = await self.command(b"RSET", timeout)
        if code != 250:
            raise aiosmtplib.SMTPResponseException(code, text)

    async def quit(self, timeout: float = 5.0) -> None:
        try:
            if self.connected and not self.in_data:
                await self.command(b"QUIT", timeout)
        finally:
            self.abort()

    def abort(self) -> None:
        self.in_data = False
        if self.proto.transport is not None:
            self.proto.transport.close()
        if self.proto.lost is None:
            self.proto.lost = aiosmtplib.SMTPServerDisconnected("Connection closed")
