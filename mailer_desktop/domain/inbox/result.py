"""What the classifier says about one recipient of one returned mail."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

KINDS = ("hard", "soft", "complaint", "auto_reply", "delivered", "unsubscribe", "confirmation", "unknown")


@dataclass(frozen=True)
class Result:
    recipient: str | None
    kind: str
    status: str = ""
    reason: str = ""
    category: str = ""              # finer reason: userunknown, mailboxfull, blocked, vacation, token ...
    action: str = ""                # RFC 3464 Action where known: failed, delayed, delivered ...
    policy: bool = False            # the block is about the sender (reputation, authentication, content)
    review: bool = False            # a person should decide (vague wording, no token)
    sender: str | None = None       # From address of this mail
    message_id: str = ""            # Message-ID of this mail
    original_message_id: str = ""   # Message-ID of the returned message (ours), where present
    reference: str = ""             # the X-Mailer-Desktop-Ref token of the returned message
    tokens: tuple[str, ...] = field(default_factory=tuple)  # token-shaped strings, most telling first


def reason_text(*texts: str) -> str:
    """The first of ``texts`` that holds words, its whitespace collapsed, at most 300 characters
    (read from its start: a whole notice is not collapsed for them)."""
    for t in texts:
        if not t:
            continue
        head = " ".join(t[:1200].split())
        if len(head) < 300 and len(t) > 1200:
            head = " ".join(t.split())
        if head:
            return head[:300]
    return ""


# RFC 3463's names for the status details, said where a notice gives a code and no words of its
# own about a recipient (X.0.0 names nothing).
STATUS_MEANINGS = {
    "1.0": "other address status", "1.1": "bad destination mailbox address",
    "1.2": "bad destination system address", "1.3": "bad destination mailbox address syntax",
    "1.4": "destination mailbox address ambiguous", "1.5": "destination address valid",
    "1.6": "destination mailbox has moved, no forwarding address", "1.7": "bad sender's mailbox address syntax",
    "1.8": "bad sender's system address", "1.10": "recipient address has null MX",
    "2.0": "other or undefined mailbox status", "2.1": "mailbox disabled, not accepting messages",
    "2.2": "mailbox full", "2.3": "message length exceeds administrative limit",
    "2.4": "mailing list expansion problem",
    "3.0": "other or undefined mail system status", "3.1": "mail system full",
    "3.2": "system not accepting network messages", "3.3": "system not capable of selected features",
    "3.4": "message too big for system", "3.5": "system incorrectly configured",
    "4.0": "other or undefined network or routing status", "4.1": "no answer from host",
    "4.2": "bad connection", "4.3": "directory server failure", "4.4": "unable to route",
    "4.5": "mail system congestion", "4.6": "routing loop detected", "4.7": "delivery time expired",
    "5.0": "other or undefined protocol status", "5.1": "invalid command", "5.2": "syntax error",
    "5.3": "too many recipients", "5.4": "invalid command arguments", "5.5": "wrong protocol version",
    "6.0": "other or undefined media error", "6.1": "media not supported",
    "6.2": "conversion required and prohibited", "6.3": "conversion required but not supported",
    "6.4": "conversion with loss performed", "6.5": "conversion failed",
    "7.0": "other or undefined security status", "7.1": "delivery not authorized, message refused",
    "7.2": "mailing list expansion prohibited", "7.3": "security conversion required but not possible",
    "7.4": "security features not supported", "7.5": "cryptographic failure",
    "7.6": "cryptographic algorithm not supported", "7.7": "message integrity failure",
}
_ADDRESSES = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:]+|<[^<>\s]*>|\brfc822\b", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_CODE = re.compile(r"\b[245]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b")
_WIDE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # kana, CJK, Hangul: a word per sign
# The recipient's address at the start of its text, with what only joins it to the reason: the
# time Exchange writes after it ("anna@example.org on Thu, 29 Apr 2010 16:51:51 -0500 The
# recipient name is not recognized"), Domino's "because:".
_LEADING_ADDRESS = re.compile(r"^(?:<[^<>\s]+@[^<>\s]+>|[^\s<>()]+@[^\s<>()]+)[\s:,;.-]*"
                              r"(?:on (?:\w{3}, )?\d{1,2} \w{3} \d{4} [\d:]+ [+-]\d{4}(?: \(\w+\))?|"
                              r"on \d{1,2}/\d{1,2}/\d{2,4} [\d:]+(?: [AP]M)?|because:)?\s*", re.I)


def telling(text: str, recipient: str | None = None) -> bool:
    """Whether a reason says more than whom it is about: words left once the addresses (and the
    recipient's mailbox name: "Your mail to … could not be delivered: anna") are taken out."""
    rest = _ADDRESSES.sub(" ", text) if "@" in text or "<" in text or "rfc822" in text.lower() else text
    if recipient and "@" in recipient:
        local = recipient.split("@")[0].lower()
        if local and local in rest.lower():
            rest = re.sub(rf"(?<![\w.-]){re.escape(local)}(?![\w-])", " ", rest, flags=re.I)
    words = sum(1 for _ in islice(_WORD.finditer(rest), 2))  # (two are enough: no need to count on)
    return words == 2 or bool(_WIDE_SCRIPT.search(rest)) or bool(words and _CODE.search(rest))


def reason_for(said: str, texts: list[str], code: str, category: str, recipient: str | None) -> str:
    """The words shown as a recipient's reason: the server's that decided, or the first text (the
    diagnostic), where they say more than the address; else what a precise status code means
    (RFC 3463); else the first of the other texts (the notice's own lines, its subject) that
    does; else the first text at all."""
    meaning = STATUS_MEANINGS.get(code.partition(".")[2], "")  # (X.0.0 has none)
    first = next((t for t in texts if t), "")
    for text in (said, first, *([f"{code} {meaning}"] if meaning else []), *texts):
        text = reason_text(text)
        if text and telling(text, recipient):
            rest = _LEADING_ADDRESS.sub("", text)  # "anna@example.org because: Cannot route mail to user"
            return rest if rest != text and telling(rest, recipient) else text
    return reason_text(said, *texts) or category
