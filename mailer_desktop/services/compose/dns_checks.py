"""SPF, DKIM and DMARC look-ups for the From domain (dnspython).

Every failure to get an answer (no network, timeout, no name servers, SERVFAIL) gives the
status ``not_checked``; only a real answer can say ``ok`` or ``missing``.
"""

from __future__ import annotations

import re

import dns.exception
import dns.resolver

from ...domain.compliance import DomainAuth, RecordCheck

_DMARC_POLICY = re.compile(r"(?:^|;)\s*p\s*=\s*(\w+)", re.IGNORECASE)


def make_resolver(nameserver: str | None = None, port: int = 53, timeout: float = 3.0) -> dns.resolver.Resolver:
    """The system's resolver, or one that asks ``nameserver`` only (tests, a chosen server)."""
    if nameserver:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [nameserver]
        resolver.port = port
    else:
        try:
            resolver = dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError):
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = []
    resolver.timeout = resolver.lifetime = timeout
    return resolver


class _Unreachable(Exception):
    pass


def txt_records(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """TXT strings at ``name`` ([] when the name or record does not exist); _Unreachable otherwise."""
    if not resolver.nameservers:
        raise _Unreachable("no DNS server is configured")
    try:
        answer = resolver.resolve(name, "TXT", raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.NoAnswer) as exc:
        raise _Unreachable(type(exc).__name__) from None
    except (dns.exception.DNSException, OSError) as exc:
        raise _Unreachable(str(exc) or type(exc).__name__) from None
    if answer.rrset is None:
        return []
    return [b"".join(r.strings).decode("utf-8", "replace") for r in answer.rrset]


def _spf(resolver, domain: str) -> RecordCheck:
    records = [t for t in txt_records(resolver, domain) if t.lower().startswith("v=spf1")]
    if not records:
        return RecordCheck("missing", "Publish a TXT record such as 'v=spf1 include:<your provider> ~all'.")
    if len(records) > 1:
        return RecordCheck("problem", "there are several SPF records; receivers treat that as an error. "
                                      "Merge them into one.")
    spf = records[0].lower()
    if re.search(r"(?:^|\s)\+?all\b", spf) and "-all" not in spf and "~all" not in spf and "?all" not in spf:
        return RecordCheck("problem", "it ends in '+all', which allows anyone to send as you.")
    return RecordCheck("ok", records[0])


def _dmarc(resolver, domain: str) -> RecordCheck:
    records = [t for t in txt_records(resolver, f"_dmarc.{domain}") if t.lower().startswith("v=dmarc1")]
    if not records:
        return RecordCheck("missing", f"Publish a TXT record at _dmarc.{domain}, e.g. 'v=DMARC1; p=none; "
                                      f"rua=mailto:dmarc@{domain}'.")
    if len(records) > 1:
        return RecordCheck("problem", "there are several DMARC records; receivers ignore them all.")
    m = _DMARC_POLICY.search(records[0])
    if not m or m.group(1).lower() not in ("none", "quarantine", "reject"):
        return RecordCheck("problem", f"the record has no valid policy (p=none, quarantine or reject): {records[0]}")
    return RecordCheck("ok", records[0])


def _dkim(resolver, domain: str, selector: str, expected_public_key: str | None) -> RecordCheck:
    name = f"{selector}._domainkey.{domain}"
    records = [t for t in txt_records(resolver, name) if "p=" in t.replace(" ", "")]
    if not records:
        return RecordCheck("missing", f"No DKIM key is published at {name}.")
    tags = dict(part.strip().split("=", 1) for part in records[0].split(";") if "=" in part)
    published = re.sub(r"\s+", "", tags.get("p", ""))
    if not published:
        return RecordCheck("problem", f"the DKIM key at {name} is empty (revoked).")
    if expected_public_key and published != re.sub(r"\s+", "", expected_public_key):
        return RecordCheck("problem", f"the key published at {name} is not the key Mailer Desktop signs with; "
                                      "publish the record shown in Settings → Sender identity → DKIM.")
    return RecordCheck("ok", name)


def check_domain(domain: str, *, dkim_selector: str = "", expected_dkim_key: str | None = None,
                 resolver: dns.resolver.Resolver | None = None) -> DomainAuth:
    resolver = resolver or make_resolver()

    def guarded(fn, *args) -> RecordCheck:
        try:
            return fn(resolver, *args)
        except _Unreachable as exc:
            return RecordCheck("not_checked", f"DNS could not be reached: {exc}")

    dkim = guarded(_dkim, domain, dkim_selector, expected_dkim_key) if dkim_selector else None
    return DomainAuth(domain=domain, spf=guarded(_spf, domain), dmarc=guarded(_dmarc, domain), dkim=dkim)
