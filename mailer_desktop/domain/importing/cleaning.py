"""Cleaning one address cell: trim, validate, normalise, and flag what deserves a second look.

Validation gives exactly the verdict of :func:`mailer_desktop.domain.addresses.validate`
(email-validator, no network), but most addresses take a fast path: a plain ASCII dot-atom
local part with an ASCII domain is valid whenever email-validator accepts its domain, so the
domain verdict is asked once per domain and cached. Everything unusual (quotes, Unicode,
``xn--`` labels, over-long parts, angle brackets) goes to email-validator itself.

Flags never stop an import; they are listed in the report:
- ``role``       a mailbox of a function (info@, sales@ …), see resources/role_accounts.txt;
- ``disposable`` a throw-away mailbox service, see resources/disposable_domains.txt;
- ``typo``       a likely misspelt domain, with the suggested fix (never applied by itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from importlib import resources

from ..addresses import Address, AddressError, validate

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_FAST = re.compile(
    rf"({_ATOM}(?:\.{_ATOM})*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
)

FLAG_ROLE = "role"
FLAG_DISPOSABLE = "disposable"
FLAG_TYPO = "typo"


def _resource_lines(name: str) -> list[str]:
    text = (resources.files("mailer_desktop") / "resources" / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def role_locals() -> frozenset[str]:
    return frozenset(ln.lower() for ln in _resource_lines("role_accounts.txt"))


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    return frozenset(ln.lower() for ln in _resource_lines("disposable_domains.txt"))


@lru_cache(maxsize=1)
def domain_typos() -> dict[str, str]:
    out = {}
    for ln in _resource_lines("domain_typos.txt"):
        typo, _, right = ln.partition(" ")
        out[typo.lower()] = right.strip().lower()
    return out


@lru_cache(maxsize=1)
def popular_domains() -> frozenset[str]:
    return frozenset(ln.lower() for ln in _resource_lines("popular_domains.txt"))


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


def is_role(local: str) -> bool:
    return local.lower().partition("+")[0] in role_locals()


@dataclass(frozen=True)
class Cleaned:
    """A valid address: display form, de-duplication key, ASCII domain, the name found in a
    ``Name <addr>`` cell, and its flags (with a typo suggestion when there is one)."""

    email: str
    key: str
    domain: str
    name: str = ""
    flags: tuple[str, ...] = ()
    suggestion: str | None = None


class AddressCleaner:
    """Validates and normalises address cells; caches per-domain verdicts and flags.

    ``cleaner(text)`` returns :class:`Cleaned` or raises :class:`AddressError` with the reason.
    """

    def __init__(self) -> None:
        self._domain_ok: dict[str, str | None] = {}   # lowercased domain -> None (ok) or error text
        self._domain_flags: dict[str, tuple[tuple[str, ...], str | None]] = {}
        self._roles = role_locals()

    def _domain_error(self, domain: str) -> str | None:
        try:
            return self._domain_ok[domain]
        except KeyError:
            pass
        try:
            validate("a@" + domain)
            verdict = None
        except AddressError as exc:
            verdict = str(exc)
        if len(self._domain_ok) < 200_000:
            self._domain_ok[domain] = verdict
        return verdict

    def _flags_of(self, ascii_domain: str) -> tuple[tuple[str, ...], str | None]:
        try:
            return self._domain_flags[ascii_domain]
        except KeyError:
            pass
        flags: list[str] = []
        if is_disposable(ascii_domain):
            flags.append(FLAG_DISPOSABLE)
        suggestion = typo_suggestion(ascii_domain)
        if suggestion:
            flags.append(FLAG_TYPO)
        result = (tuple(flags), suggestion)
        if len(self._domain_flags) < 200_000:
            self._domain_flags[ascii_domain] = result
        return result

    def __call__(self, text: str) -> Cleaned:
        raw = text.strip()
        name = ""
        m = _FAST.fullmatch(raw) if len(raw) <= 254 else None
        if m is not None and len(m.group(1)) <= 64 and "xn--" not in raw and "XN--" not in raw.upper():
            local, domain = m.group(1), m.group(2).lower()
            error = self._domain_error(domain)
            if error is not None:
                raise AddressError(error)
            email = f"{local}@{domain}"
            addr_key, ascii_domain = f"{local.lower()}@{domain}", domain
        else:
            if "<" in raw and raw.endswith(">") and not raw.startswith("<"):
                name, inner = parseaddr(raw)
                raw = inner or raw
            addr: Address = validate(raw)
            email, addr_key, ascii_domain = addr.email, addr.key, addr.ascii_domain
            local = addr.local
        flags, suggestion = self._flags_of(ascii_domain)
        if local.lower().partition("+")[0] in self._roles:
            flags = (FLAG_ROLE, *flags)
        return Cleaned(email, addr_key, ascii_domain, name.strip(), flags, suggestion)
