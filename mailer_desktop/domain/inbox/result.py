"""What the classifier says about one recipient of one returned mail."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    for t in texts:
        t = " ".join((t or "").split())
        if t:
            return t[:300]
    return ""
