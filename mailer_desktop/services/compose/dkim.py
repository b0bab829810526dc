"""Optional DKIM signing (dkimpy) with a key generated here and kept only in the keyring.

The private key (RSA 2048, PEM) is stored in the SecretStore as ``dkim-key:<domain>``; the
settings hold the selector and whether to sign. :func:`current_record` gives the TXT record the
user publishes at ``<selector>._domainkey.<domain>``. Signatures cover From, To, Subject,
Date, Message-ID, Reply-To, MIME-Version, Content-Type and the List-* headers (absent ones
too, so nobody can add them later without breaking the signature); From, Subject,
List-Unsubscribe and List-Unsubscribe-Post are signed twice, so a second copy of any of them
breaks it as well.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# From, Subject and the unsubscribe headers are named twice (oversigning, RFC 6376 8.15): the
# second names the copy that is not there, so a second copy added later breaks the signature.
OVERSIGNED = (b"From", b"Subject", b"List-Unsubscribe", b"List-Unsubscribe-Post")
SIGNED_HEADERS = (b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To", b"MIME-Version",
                  b"Content-Type", b"List-Id", b"List-Unsubscribe", b"List-Unsubscribe-Post") + OVERSIGNED
_SELECTOR = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$",
                       re.IGNORECASE)


class DkimError(ValueError):
    """DKIM cannot be set up as asked; the message says why."""


def secret_name(domain: str) -> str:
    return f"dkim-key:{domain.lower()}"


@dataclass(frozen=True)
class DkimRecord:
    selector: str
    domain: str
    public_key: str      # base64 SubjectPublicKeyInfo, the p= tag

    @property
    def name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def value(self) -> str:
        return f"v=DKIM1; k=rsa; p={self.public_key}"


def _public_key_of(private_pem: bytes) -> str:
    key = serialization.load_pem_private_key(private_pem, password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def _from_domain(app) -> str:
    address = app.settings.get("sender.from_address")
    domain = address.rpartition("@")[2].strip().lower()
    if not domain:
        raise DkimError("set the From address first: the DKIM key belongs to its domain")
    return domain


def generate_key(app, selector: str, *, bits: int = 2048) -> DkimRecord:
    """Create a new key for the From domain, store it in the keyring, remember the selector."""
    selector = selector.strip().lower()
    if not _SELECTOR.match(selector):
        raise DkimError(f"{selector!r} is not a valid DKIM selector (letters, digits, '-' and '.')")
    domain = _from_domain(app)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    app.secrets.set(secret_name(domain), pem.decode("ascii"))
    app.settings.set("sender.dkim_selector", selector)
    return DkimRecord(selector, domain, _public_key_of(pem))


def current_record(app) -> DkimRecord | None:
    """The record to publish for the stored key, or None when no key was generated."""
    selector = app.settings.get("sender.dkim_selector")
    try:
        domain = _from_domain(app)
    except DkimError:
        return None
    pem = app.secrets.get(secret_name(domain))
    if not pem or not selector:
        return None
    return DkimRecord(selector, domain, _public_key_of(pem.encode("ascii")))


def dkim_settings(app) -> tuple[str, str | None]:
    """(selector, our public key or None) for the DNS check in the preflight."""
    record = current_record(app)
    if record is not None:
        return record.selector, record.public_key
    return app.settings.get("sender.dkim_selector"), None


def set_signing(app, enabled: bool) -> None:
    if enabled and current_record(app) is None:
        raise DkimError("generate a DKIM key first (and publish its DNS record)")
    app.settings.set("sender.dkim_sign", bool(enabled))


class DkimSigner:
    def __init__(self, selector: str, domain: str, private_pem: bytes):
        self.selector = selector.encode("ascii")
        self.domain = domain.encode("idna")
        self._key = private_pem

    def sign(self, message: bytes) -> bytes:
        signature = dkim.sign(message, self.selector, self.domain, self._key,
                              canonicalize=(b"relaxed", b"relaxed"), include_headers=list(SIGNED_HEADERS))
        return signature + message


def signer_for(app, domain: str) -> DkimSigner | None:
    """The signer for ``domain`` when signing is switched on and a key exists, else None."""
    if not app.settings.get("sender.dkim_sign"):
        return None
    selector = app.settings.get("sender.dkim_selector")
    pem = app.secrets.get(secret_name(domain)) if selector else None
    if not pem:
        return None
    return DkimSigner(selector, domain, pem.encode("ascii"))
