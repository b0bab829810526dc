"""Cleaning one address cell: trim, validate, normalise, and flag what deserves a second look.

Validation gives exactly the verdict of :func:`mailer_desktop.domain.addresses.validate`
(email-validator, no network), but most addresses take a fast path: a plain ASCII dot-atom
local part with an ASCII domain is valid whenever email-validator accepts its domain, so the
domain verdict is asked once per domain and cached. Everything unusual (quotes, Unicode,
``xn--`` labels, over-long parts, angle brackets) goes to email-validator itself.

Flags never stop an import; they are listed in the report:
- ``role``       a mailbox of a function (info@, sales@ …), see resources/lists/role_accounts.txt;
- ``disposable`` a throw-away mailbox service, see resources/lists/disposable_domains.txt;
- ``typo``       a likely misspelt domain, with the suggested fix (never applied by itself);
- ``non_ascii``  non-ASCII characters before the @ (RFC 6531): only a mail server offering
  SMTPUTF8 can deliver to it; elsewhere the message to that person fails.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from functools import lru_cache
from typing import NamedTuple

from ...resources import list_lines
from ..addresses import Address, AddressError, validate

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# A plain ASCII dot-atom local part; the domain is checked by email-validator once per domain.
_FAST = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@([^\s@<>()\[\]\\,;:\"]+)")
_fast_match = _FAST.fullmatch

FLAG_ROLE = "role"
FLAG_DISPOSABLE = "disposable"
FLAG_TYPO = "typo"
FLAG_NON_ASCII = "non_ascii"


@lru_cache(maxsize=1)
def role_locals() -> frozenset[str]:
    return frozenset(ln.lower() for ln in list_lines("role_accounts.txt"))


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    return frozenset(ln.lower() for ln in list_lines("disposable_domains.txt"))


@lru_cache(maxsize=1)
def domain_typos() -> dict[str, str]:
    out = {}
    for ln in list_lines("domain_typos.txt"):
        typo, _, right = ln.partition(" ")
        out[typo.lower()] = right.strip().lower()
    return out


@lru_cache(maxsize=1)
def popular_domains() -> frozenset[str]:
    return frozenset(ln.lower() for ln in list_lines("popular_domains.txt"))


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance 1, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def typo_suggestion(domain: str) -> str | None:
    """A likely correct spelling of a misspelt mail domain, or None."""
    d = domain.lower()
    fixed = domain_typos().get(d)
    if fixed:
        return fixed
    popular = popular_domains()
    if d in popular:
        return None
    for right in sorted(popular):
        if _one_edit_apart(d, right):
            return right
    for bad_tld in (".con", ".cmo", ".ocm", ".comm", ".vom", ".xom"):
        if d.endswith(bad_tld):
            return d[: -len(bad_tld)] + ".com"
    return None


def is_disposable(domain: str) -> bool:
    d = domain.lower()
    listed = disposable_domains()
    if d in listed:
        return True
    parts = d.split(".")
    return any(".".join(parts[i:]) in listed for i in range(1, len(parts) - 1))


class Cleaned(NamedTuple):
    """A valid address: display form, de-duplication key, ASCII domain, the name found in a
    ``Name <addr>`` cell, and its flags (with a typo suggestion when there is one)."""

    email: str
    key: str
    domain: str
    name: str = ""
    flags: tuple[str, ...] = ()
    suggestion: str | None = None


def _cleaned(values: tuple) -> Cleaned:
    return tuple.__new__(Cleaned, values)  # a NamedTuple without the per-call keyword handling


class AddressCleaner:
    """Validates and normalises address cells; caches per-domain verdicts and flags.

    ``cleaner(text)`` returns :class:`Cleaned` or raises :class:`AddressError` with the reason.
    """

    def __init__(self) -> None:
        # domain as written -> (error or None, display domain, ASCII domain, flags, typo suggestion)
        self._domains: dict[str, tuple] = {}
        self._roles = role_locals()

    def _domain_info(self, domain: str) -> tuple:
        try:
            probe = validate("a@" + domain)
        except AddressError as exc:
            info: tuple = (str(exc), "", "", (), None, "", "")
        else:
            ascii_domain = probe.ascii_domain
            flags: list[str] = []
            if is_disposable(ascii_domain):
                flags.append(FLAG_DISPOSABLE)
            suggestion = typo_suggestion(ascii_domain)
            if suggestion:
                flags.append(FLAG_TYPO)
            info = (None, probe.domain, ascii_domain, tuple(flags), suggestion, "@" + probe.domain, "@" + ascii_domain)
        if len(self._domains) < 200_000:
            self._domains[domain] = info
        return info

    def plain(self, text: str) -> tuple | None:
        """(email, key, ASCII domain, flags, typo suggestion) of a plain ASCII address with a
        valid domain, as :meth:`__call__` gives them (with no name); None for anything else,
        which :meth:`__call__` then handles (errors included). No object per call but the tuple."""
        raw = text.strip()
        if len(raw) > 254 or (m := _fast_match(raw)) is None:
            return None
        local, domain = m.groups()
        info = self._domains.get(domain) or self._domain_info(domain)
        if info[0] is not None or len(local) > 64 or len(local) + len(info[2]) >= 254:
            return None
        lowered = local.lower()
        flags = info[3]
        if lowered in self._roles or ("+" in lowered and lowered.partition("+")[0] in self._roles):
            flags = (FLAG_ROLE, *flags)
        return local + info[5], lowered + info[6], info[2], flags, info[4]

    def __call__(self, text: str) -> Cleaned:
        raw = text.strip()
        m = _fast_match(raw) if len(raw) <= 254 else None
        if m is not None and len(local := m.group(1)) <= 64:
            info = self._domains.get(domain := m.group(2)) or self._domain_info(domain)
            if info[0] is not None:
                raise AddressError(info[0])
            ascii_domain = info[2]
            if len(local) + len(ascii_domain) < 254:
                lowered = local.lower()
                flags = info[3]
                if lowered in self._roles or ("+" in lowered and lowered.partition("+")[0] in self._roles):
                    flags = (FLAG_ROLE, *flags)
                return _cleaned((local + info[5], lowered + info[6], ascii_domain, "", flags, info[4]))
        name = ""
        if ":::" in raw:  # Google Contacts puts several addresses in one cell: the first is primary
            return self(raw.split(":::", 1)[0])
        if "<" in raw and raw.endswith(">") and not raw.startswith("<"):
            name, inner = parseaddr(raw)
            raw = inner or raw
        addr: Address = validate(raw)
        domain = addr.ascii_domain
        info = self._domains.get(domain) or self._domain_info(domain)
        flags = info[3]
        if addr.local.lower().partition("+")[0] in self._roles:
            flags = (FLAG_ROLE, *flags)
        if not addr.local.isascii():
            flags = (*flags, FLAG_NON_ASCII)
        return Cleaned(addr.email, addr.key, domain, " ".join(name.split()), flags, info[4])
