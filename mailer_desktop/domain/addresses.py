"""Email address normalisation: one display form and one canonical de-duplication key.

- display (``Address.email``): surrounding space and angle brackets removed, local part kept
  as written, domain lowercased and shown in Unicode (IDN decoded).
- key (``Address.key``): local part lowercased, domain lowercased and IDNA-encoded (ASCII).
  Nearly every real mailbox treats the local part case-insensitively, so ``Anna@x`` and
  ``anna@x`` are one person. Dots and +tags are *not* removed: they are separate mailboxes at
  most providers.

Syntax validation with reasons lives in :func:`validate` (email-validator, no network).
"""

from __future__ import annotations

from dataclasses import dataclass


class AddressError(ValueError):
    """The text is not a usable email address; the message says why."""


@dataclass(frozen=True)
class Address:
    email: str
    key: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    @property
    def local(self) -> str:
        return self.email.rpartition("@")[0]

    @property
    def ascii_domain(self) -> str:
        return self.key.rpartition("@")[2]


def _clean(text: str) -> str:
    text = (text or "").strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text


def _idna_encode(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise AddressError(f"the domain {domain!r} is not a valid internationalised domain name") from exc


def _idna_decode(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def normalize(text: str) -> Address:
    """Normalise without validating syntax beyond 'one @ with text on both sides'."""
    raw = _clean(text)
    local, at, domain = raw.rpartition("@")
    if not at or not local or not domain:
        raise AddressError("no @ with a name before it and a domain after it")
    domain = domain.strip().rstrip(".").lower()
    if domain.isascii():
        display_domain = _idna_decode(domain) if "xn--" in domain else domain
        ascii_domain = domain
    else:
        display_domain = domain
        ascii_domain = _idna_encode(domain)
    return Address(email=f"{local}@{display_domain}", key=f"{local.lower()}@{ascii_domain}")


def key_of(text: str) -> str:
    """The canonical key of an address (raises AddressError when it has no usable shape)."""
    return normalize(text).key


def validate(text: str) -> Address:
    """Normalise and check the syntax strictly (email-validator, no DNS); raise AddressError."""
    raw = _clean(text)
    if not raw:
        raise AddressError("empty address")
    import email_validator  # 20 ms of imports (its regular expressions): only when an address is checked

    try:
        info = email_validator.validate_email(raw, check_deliverability=False, allow_smtputf8=True)
    except email_validator.EmailNotValidError as exc:
        raise AddressError(str(exc)) from None
    return normalize(f"{info.local_part}@{info.domain}")
