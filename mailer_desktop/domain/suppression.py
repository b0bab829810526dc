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


class KeyedHasher:
    """The same HMAC-SHA256 as above for many addresses in a row (imports): the key's inner and
    outer hash states are computed once and copied per message, about three times faster."""

    _BLOCK = 64  # SHA-256 block size

    def __init__(self, key: bytes):
        if len(key) > self._BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def address(self, address_key: str) -> bytes:
        """The raw digest :func:`address_hash` writes in hex."""
        return self.digest(b"a:" + address_key.encode("utf-8"))

    def domain(self, ascii_domain: str) -> bytes:
        """The raw digest :func:`domain_hash` writes in hex (domain already lowercased ASCII)."""
        return self.digest(b"d:" + ascii_domain.encode("ascii", "replace"))
