"""RFC 3464 delivery-status notifications: one result per recipient block.

The per-recipient fields are Final-Recipient (Original-Recipient as fallback), Action, Status,
Diagnostic-Code and Remote-MTA. ``Action: delayed`` is a progress notice, not a bounce;
``delivered``/``relayed``/``expanded`` are successes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from . import phrases
from .message import ADDRESS_RE, decode_words, field_blocks
from .rules import Rules

_UTF8_ESCAPE = re.compile(r"\\x\{([0-9A-Fa-f]{2,6})\}")


def _letter(m: re.Match) -> str:
    """The character an RFC 6533 escape stands for; a control character, a surrogate or a number
    beyond Unicode stays as written (it names no address anyone has)."""
    point = int(m.group(1), 16)
    if point < 0x20 or 0x7F <= point < 0xA0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        return m.group(0)
    return chr(point)


_TYPE_PREFIX_RE = re.compile(r"^\s*(?:rfc822|utf-8|x-[\w.-]+|smtp|x400|unknown)\s*;\s*", re.IGNORECASE)
_FIELD_HINT_RE = re.compile(r"(?im)^(?:final|original)-recipient\s*:")


@dataclass
class RecipientStatus:
    recipient: str | None
    action: str
    status: str
    diagnostic: str
    remote_mta: str = ""
    vendor_reason: str = ""  # the reporting server's own classification, where it gives one
    diagnostic_type: str = ""  # smtp, x-unix, x-postfix ... (RFC 3464 diagnostic-type), lowercased

    @property
    def own_verdict(self) -> bool:
        """The reporting server speaks for itself: no Remote-MTA, and no diagnostic or one that is
        not an SMTP reply it received (``X-Postfix``, Courier's ``unknown``, ...). "User unknown"
        there is its own lookup of its own users (or its local delivery agent's, Sendmail's
        ``mail.local``), not a remote filter's words after DATA."""
        return (not self.remote_mta and (bool(self.diagnostic_type) or not self.diagnostic)
                and self.diagnostic_type not in ("smtp", "x-unix"))

    @property
    def from_program(self) -> bool:
        """The diagnostic is a local delivery program's own output (``X-Unix`` words without a
        reply code: procmail, maildrop, a pipe) rather than the server's verdict (Sendmail writes
        ``X-Unix; 550 5.1.1 User unknown`` for a delivery agent's "no such user" exit status):
        whatever such a program said, the address is not proven dead."""
        return (self.diagnostic_type == "x-unix" and not phrases.find_status(self.diagnostic)
                and not phrases.find_reply_code(self.diagnostic))


def clean_address(value: str, strict: bool = False) -> str | None:
    """The address in a ``rfc822; <addr>`` style field, or None. Not ``strict``: also an
    address whose domain is no internet name (``user@sims-ms-daemon``, a server's inner name)."""
    if not value:
        return None
    if "=?" in value:
        value = decode_words(value)  # an RFC 2047 encoded word ("rfc822; =?utf-8?Q?anna=40example.org?=")
    if "\\x{" in value:  # RFC 6533 "utf-8" address type: j\x{00F6}rg@example.com
        value = _UTF8_ESCAPE.sub(_letter, value)
    value = _TYPE_PREFIX_RE.sub("", value.strip())
    m = ADDRESS_RE.search(value)
    if m:
        return m.group(0)
    if strict:
        return None
    value = value.strip().strip("<>").strip()
    return value if "@" in value and " " not in value else None


def _type_of(value: str) -> str:
    m = _TYPE_PREFIX_RE.match(value or "")
    return m.group(0).strip().rstrip(";").strip().lower() if m else ""


_OCTAL_RUN = re.compile(r"(?:\\[0-3][0-7]{2})+")


def _octal_utf8(text: str) -> str:
    """UTF-8 bytes that Exim writes as octal escapes ("<j\\303\\266rg@...>") as the letters they are."""
    if "\\" not in text:
        return text

    def letters(m: re.Match) -> str:
        raw = bytes(int(code, 8) for code in m.group(0).split("\\")[1:])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)

    return _OCTAL_RUN.sub(letters, text)


def _strip_type(value: str) -> str:
    return _TYPE_PREFIX_RE.sub("", value or "").strip()


def recipient_blocks(status_text: str) -> list[RecipientStatus]:
    out: list[RecipientStatus] = []
    for block in field_blocks(status_text):
        if "final-recipient" not in block and "original-recipient" not in block:
            continue
        # Final-Recipient first; when it names a server's inner mailbox rather than an internet
        # address, the Original-Recipient we sent to.
        final, original = block.get("final-recipient", ""), block.get("original-recipient", "")
        rcpt = (clean_address(final, strict=True) or clean_address(original, strict=True)
                or clean_address(final) or clean_address(original))
        if rcpt is None and "x-actual-recipient" in block:
            rcpt = clean_address(block["x-actual-recipient"])
        out.append(RecipientStatus(
            recipient=rcpt,
            action=(block.get("action", "").strip().split() or [""])[0].lower().rstrip(";"),
            status=phrases.find_status(block.get("status", "")),
            diagnostic=_octal_utf8(_strip_type(block.get("diagnostic-code", ""))) or _status_comment(block),
            diagnostic_type=_type_of(block.get("diagnostic-code", "")),
            remote_mta=_strip_type(block.get("remote-mta", "")),
            vendor_reason=_vendor_reason(block),
        ))
    return out


_STATUS_COMMENT = re.compile(r"\s*[245]\.\d{1,3}\.\d{1,3}\s*\((.+)\)\s*", re.S)


def _status_comment(block: dict[str, str]) -> str:
    """The words a server wrote after the code in Status, where it wrote no Diagnostic-Code
    ("Status: 5.1.2 (550 Tried all MXs example.org)"): its only account of the failure."""
    m = _STATUS_COMMENT.fullmatch(block.get("status", ""))
    return " ".join(m.group(1).split()) if m else ""


# Fields in which a sending server states its own classification of the failure.
_VENDOR_FIELDS = Rules("provider:vendor-category-field", [r"x-powermta-bouncecategory"], re.M, r"^(?:<<ALTERNATIVES>>)$")


def _vendor_reason(block: dict[str, str]) -> str:
    names = "\n".join(name for name in block if name.startswith("x-"))
    m = _VENDOR_FIELDS.search(names) if names else None
    return phrases.VENDOR_CATEGORIES.get(block[m.group(0)].strip().lower(), "") if m else ""


def embedded_status_text(text: str) -> str:
    """Delivery-status fields that a broken report left in a text part ('' when none)."""
    m = _FIELD_HINT_RE.search(text or "")
    if not m:
        return ""
    # Start at the paragraph that holds the first recipient field.
    start = text.rfind("\n\n", 0, m.start())
    return text[start + 2 if start >= 0 else 0:]


# The address a reply is about, where it opens the reply: "550 5.1.1 <anna@example.org>: ..."
_REPLY_ABOUT = re.compile(r"^\W*(?:[245]\d\d[ -]+)?(?:#?[245]\.\d{1,3}\.\d{1,3}[ -]+)?<([^<>\s]+@[^<>\s]+)>")


def unborrowed(results: list, blocks: list[RecipientStatus], senders: set[str]) -> list:
    """The results of ``blocks`` (one each, in order), none of them hard on a reply that was about
    someone else: a dead-address reply that opens with another recipient of the same report or
    our own sender proves nothing about this recipient (nullmailer gives every recipient of a
    message the first refusal it got; a refusal of our envelope sender). Such a result stays
    soft, held (``onhold``). An address the reply names elsewhere (a footer, an alias) changes nothing."""
    recipients = {(b.recipient or "").lower() for b in blocks}
    out = []
    for result, block in zip(results, blocks, strict=True):
        me = (block.recipient or "").lower()
        about = _REPLY_ABOUT.match(block.diagnostic) if result.kind == "hard" and me else None
        if about and about.group(1).lower() in (recipients | senders) - {me}:
            result = dataclasses.replace(result, kind="soft", category="onhold")
        out.append(result)
    return out
