"""Keyed hashes for the suppression list.

The list stores HMAC-SHA256(suppression key, "a:" + address key) for addresses and
HMAC-SHA256(key, "d:" + ASCII domain) for whole domains, so an erased person's address is not
readable from the file, yet a later import or send of the same address is still refused.
The key lives in the keyring (SecretStore SUPPRESSION_KEY).
"""

from __future__ import annotations

import hashlib
import hmac

from .addresses import Address, normalize


def address_hash(key: bytes, address: Address | str) -> str:
    addr = address if isinstance(address, Address) else normalize(address)
    return hmac.new(key, b"a:" + addr.key.encode("utf-8"), hashlib.sha256).hexdigest()


def domain_hash(key: bytes, domain: str) -> str:
    d = domain.strip().lstrip("@").rstrip(".").lower()
    if not d.isascii():
        d = d.encode("idna").decode("ascii")
    return hmac.new(key, b"d:" + d.encode("ascii"), hashlib.sha256).hexdigest()


def hashes_for(key: bytes, address: Address | str) -> tuple[str, str]:
    """(address hash, domain hash): a suppression matches when either is listed."""
    addr = address if isinstance(address, Address) else normalize(address)
    return address_hash(key, addr), domain_hash(key, addr.ascii_domain)
