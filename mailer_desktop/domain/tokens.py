"""Opaque, keyed tokens that let returned mail name a contact without a server of ours.

A token is ``md`` + an action letter + the ids in hex joined by ``y`` + ``x`` + a 16-character
base32 HMAC-SHA256 tag over action and ids, keyed with the token key from the keyring.
Everything is lowercase ASCII letters and digits, so a token survives subject lines,
plus-addresses (``news+mdu1fx...@shop.example``) and mail programs that lowercase local
parts. Tokens never expire (opt-out links must keep working for 60 days and more).

Actions:
- ``u`` unsubscribe (ids: contact)
- ``c`` confirm a subscription (ids: contact)
- ``r`` reference in the opaque header of a campaign message (ids: campaign, contact)

The contact is named by its *token id*, a number never handed to another contact (see
storage migration 0007; contacts from before it are named by their row id, which only they
keep). So a token whose person was erased or purged names nobody, even when a newcomer gets
the same row id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

UNSUBSCRIBE = "u"
CONFIRM = "c"
REFERENCE = "r"
ACTIONS = (UNSUBSCRIBE, CONFIRM, REFERENCE)

TOKEN_RE = re.compile(r"md([ucr])([0-9a-f]{1,15}(?:y[0-9a-f]{1,15})*)x([a-z2-7]{16})", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    action: str
    ids: tuple[int, ...]

    @property
    def token_id(self) -> int:
        """The contact's token id (see the module docstring), not its row id."""
        return self.ids[-1]

    @property
    def campaign_id(self) -> int | None:
        return self.ids[0] if self.action == REFERENCE and len(self.ids) == 2 else None


def _tag(key: bytes, action: str, ids_part: str) -> str:
    mac = hmac.new(key, f"{action}:{ids_part}".encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode("ascii").lower()


def make(key: bytes, action: str, *ids: int) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown token action {action!r}")
    if not ids or any(i < 0 for i in ids):
        raise ValueError("token ids must be non-negative integers")
    ids_part = "y".join(f"{i:x}" for i in ids)
    return f"md{action}{ids_part}x{_tag(key, action, ids_part)}"


def unsubscribe_token(key: bytes, token_id: int) -> str:
    return make(key, UNSUBSCRIBE, token_id)


def confirm_token(key: bytes, token_id: int) -> str:
    return make(key, CONFIRM, token_id)


def reference_token(key: bytes, campaign_id: int, token_id: int) -> str:
    return make(key, REFERENCE, campaign_id, token_id)


def parse(key: bytes, text: str) -> Token | None:
    """The first token in ``text`` whose tag verifies with ``key``; forged ones are ignored."""
    for found in find_all(key, text):
        return found
    return None


def find_all(key: bytes, text: str) -> list[Token]:
    """Every valid token in ``text``, in order of appearance, without repeats."""
    out: list[Token] = []
    for m in TOKEN_RE.finditer(text or ""):
        action, ids_part, tag = m.group(1).lower(), m.group(2).lower(), m.group(3).lower()
        if not hmac.compare_digest(tag, _tag(key, action, ids_part)):
            continue
        tok = Token(action, tuple(int(p, 16) for p in ids_part.split("y")))
        if tok not in out:
            out.append(tok)
    return out


def candidates(text: str) -> list[str]:
    """Token-shaped strings in ``text`` (not verified), for code that has no key at hand."""
    return [m.group(0).lower() for m in TOKEN_RE.finditer(text or "")]
