"""The message that goes out, built straight to wire bytes.

One recipient per message; ``multipart/alternative`` (text, then HTML), UTF-8 bodies in
quoted-printable (so no line exceeds 76 characters); headers: From, Reply-To when set, To,
Subject, Date, a unique Message-ID on the sender's domain, MIME-Version, List-Id,
List-Unsubscribe (mailto always, https when configured), List-Unsubscribe-Post only with
https (RFC 8058), and :data:`REF_HEADER` with the opaque campaign/contact reference token.
Attachments turn the top level into ``multipart/mixed``. Addresses carry IDN domains in their
ASCII form; a recipient whose local part is not ASCII is written in UTF-8 in ``To`` (RFC 6532),
which the envelope then sends with SMTPUTF8 or refuses for that recipient alone.

Why not ``EmailMessage`` + a policy per recipient: folding headers through the email
package's header parser costs 300–500 µs per header, more than the whole per-recipient
budget. The email package's encoders are used instead (``email.header``-compatible RFC 2047
words, ``binascii`` quoted-printable); the constant headers are still built once through
``email.policy.SMTP``. All user text passes :func:`clean_header_text` first, so a CR or LF
in a name, subject or field can never start a header; tests parse every message back with
the email package.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import MIMEPart
from email.policy import SMTP
from email.utils import formatdate

from .footer import UnsubscribeLinks

REF_HEADER = "X-Mailer-Desktop-Ref"
MAX_LINE = 998
FOLD_AT = 78
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_ADDRESS = re.compile(r"^[^\s<>(),;:\"\\\[\]@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


class HeaderError(ValueError):
    """A value that cannot go into a header (e.g. a malformed address)."""


def clean_header_text(value: object) -> str:
    """User text for a header: line breaks and other control characters become one space."""
    return _CONTROL.sub(" ", str(value or "")).strip()


def encode_words(text: str) -> str:
    """RFC 2047 ``=?utf-8?b?…?=`` words (each ≤ 72 characters) separated by folding white space.

    Words are cut between characters, never inside a UTF-8 sequence."""
    data = text.encode("utf-8")
    words, start = [], 0
    while start < len(data):
        end = min(start + 45, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # continuation byte: step back
            end -= 1
        words.append(data[start:end])
        start = end
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def _fold_ascii(name: str, value: str) -> str | None:
    """Fold at spaces to lines of ≤ 78 where possible; None when a word would pass 998."""
    lines, current = [], f"{name}:"
    for word in value.split(" "):
        if not word:
            continue
        if len(current) + 1 + len(word) > FOLD_AT and current.strip() and current != f"{name}:":
            lines.append(current)
            current = " " + word
        else:
            current += " " + word
    lines.append(current)
    if any(len(line) > MAX_LINE for line in lines):
        return None
    return "\r\n".join(lines)


def header_line(name: str, value: object) -> str:
    """``Name: value\\r\\n`` for unstructured text (Subject, List-Id name …)."""
    text = clean_header_text(value)
    if text.isascii() and "=?" not in text:
        if len(name) + 2 + len(text) <= FOLD_AT:
            return f"{name}: {text}\r\n"
        folded = _fold_ascii(name, text)
        if folded is not None:
            return folded + "\r\n"
    return f"{name}: {encode_words(text)}\r\n"


@functools.lru_cache(maxsize=4096)
def _idna(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise HeaderError(f"the domain {domain!r} is not a valid internationalised domain name") from None


def ascii_address(address: str) -> str:
    """The address with an IDNA-encoded domain; refuses anything that could break a header."""
    addr = (address or "").strip()
    local, at, domain = addr.rpartition("@")
    if at and not domain.isascii():
        addr = f"{local}@{_idna(domain)}"
    if not _ADDRESS.match(addr) or not addr.isascii():
        raise HeaderError(f"{clean_header_text(address)!r} cannot be used as a mail address in a header")
    return addr


def recipient_address(address: str) -> str:
    """The recipient's address for the To header: the domain IDNA-encoded; a non-ASCII local part
    is kept in UTF-8 (RFC 6532), which only a server offering SMTPUTF8 takes (the envelope
    refuses it otherwise, for that recipient alone)."""
    addr = (address or "").strip()
    local, at, domain = addr.rpartition("@")
    if not at or local.isascii():
        return ascii_address(addr)
    if not domain.isascii():
        domain = _idna(domain)
    addr = f"{local}@{domain}"
    if not _ADDRESS.match(addr) or _CONTROL.search(local):
        raise HeaderError(f"{clean_header_text(address)!r} cannot be used as a mail address in a header")
    return addr


def address_header(name: str, display_name: object, address: str, *, utf8_local: bool = False) -> str:
    addr = recipient_address(address) if utf8_local else ascii_address(address)
    phrase = clean_header_text(display_name)[:200]
    if not phrase:
        return f"{name}: {addr}\r\n"
    if phrase.isascii() and "=?" not in phrase:
        phrase = '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        phrase = encode_words(phrase)
    line = f"{name}: {phrase} <{addr}>"
    if len(line) - line.rfind("\n") > FOLD_AT:
        line = f"{name}: {phrase}\r\n <{addr}>"
    return line + "\r\n"


def list_unsubscribe_headers(links: UnsubscribeLinks) -> str:
    value = f"<{links.mailto}>"
    out = f"List-Unsubscribe: {value}"
    if links.https:
        out += f",\r\n <{links.https}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click"
    return out + "\r\n"


def quoted_printable(text: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(data, quotetabs=False, istext=True, header=False).replace(b"\n", b"\r\n")


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    data: bytes


def _attachment_part(att: Attachment) -> bytes:
    maintype, _, subtype = (att.mime_type or "application/octet-stream").partition("/")
    if not subtype or "/" in subtype:
        maintype, subtype = "application", "octet-stream"
    part = MIMEPart(policy=SMTP)
    part.set_content(att.data, maintype, subtype, filename=clean_header_text(att.filename) or "attachment")
    return part.as_bytes(policy=SMTP)


class _Clock:
    """``Date`` header value, formatted once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def now(self) -> str:
        sec = int(time.time())
        if sec != self._second:
            self._second, self._text = sec, formatdate(sec, localtime=True)
        return self._text


class MessageBuilder:
    """Everything that is the same for all recipients of one campaign, prepared once."""

    def __init__(self, *, from_name: str, from_address: str, reply_to: str = "", list_name: str = "",
                 list_id: str = "", attachments: Sequence[Attachment] = ()):
        self.from_address = ascii_address(from_address)
        self.domain = self.from_address.rpartition("@")[2].lower()
        head = [address_header("From", from_name, self.from_address)]
        self._reply_to = address_header("Reply-To", "", reply_to) if reply_to else ""
        fixed = ["MIME-Version: 1.0\r\n"]
        if list_id:
            fixed.append(self._list_id(list_name, list_id))
        self._head = "".join(head)
        self._fixed = "".join(fixed)
        tag = secrets.token_hex(12)
        self._alt = f"=_md_alt_{tag}"   # '=_' never occurs in quoted-printable text
        self._mixed = f"=_md_mix_{tag}"
        self._attachments = [_attachment_part(a) for a in attachments]
        self._clock = _Clock()

    @staticmethod
    def _list_id(list_name: str, list_id: str) -> str:
        policy_line = SMTP.header_factory("List-Id", f"{clean_header_text(list_name)} <{list_id}>")
        return policy_line.fold(policy=SMTP)

    def new_message_id(self) -> str:
        return f"<{int(time.time() * 1000):x}.{secrets.token_hex(8)}@{self.domain}>"

    def build(self, *, to_name: str, to_email: str, subject: str, text: str, html: str,
              unsubscribe: UnsubscribeLinks, reference: str, reply_to: str | None = None,
              message_id: str | None = None, html_qp: bytes | None = None) -> tuple[bytes, str]:
        """Wire bytes (CRLF line ends) of one message and its Message-ID. ``html_qp`` is ``html``
        already in quoted-printable (a caller that encodes constant parts once passes it)."""
        message_id = message_id or self.new_message_id()
        reply = address_header("Reply-To", "", reply_to) if reply_to else self._reply_to
        alt = self._alt
        headers = (
            self._head + reply + address_header("To", to_name, to_email, utf8_local=True) + header_line("Subject", subject)
            + f"Date: {self._clock.now()}\r\nMessage-ID: {message_id}\r\n" + self._fixed
            + list_unsubscribe_headers(unsubscribe) + f"{REF_HEADER}: {clean_header_text(reference)}\r\n"
        )
        alternative = b"".join((
            b"--", alt.encode(), b'\r\nContent-Type: text/plain; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n", quoted_printable(text),
            b"\r\n--", alt.encode(), b'\r\nContent-Type: text/html; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n", html_qp if html_qp is not None else quoted_printable(html),
            b"\r\n--", alt.encode(), b"--\r\n",
        ))
        if not self._attachments:
            head = headers + f'Content-Type: multipart/alternative;\r\n boundary="{alt}"\r\n\r\n'
            return head.encode("utf-8") + alternative, message_id
        mixed = self._mixed.encode()
        parts = [f'Content-Type: multipart/mixed;\r\n boundary="{self._mixed}"\r\n\r\n'.encode("ascii"),
                 b"--", mixed, f'\r\nContent-Type: multipart/alternative;\r\n boundary="{alt}"\r\n\r\n'.encode(),
                 alternative]
        for att in self._attachments:
            parts += [b"\r\n--", mixed, b"\r\n", att.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")]
        parts += [b"\r\n--", mixed, b"--\r\n"]
        return headers.encode("utf-8") + b"".join(parts), message_id
