"""Who receives a campaign: confirmed ∩ list − suppressed, with the excluded counted by reason.

Reasons (the ``skipped`` keys of ``campaign status``):
``pending`` / ``unsubscribed`` / ``bounced`` / ``complained`` (the contact's status),
``consent_expired`` (CASL implied consent past its expiry, or implied without an expiry date),
``suppressed`` (the address or its domain is on the suppression list),
``status_changed`` (opted out or changed between selection and sending).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ...domain import consent
from ...domain.addresses import Address
from ...domain.suppression import KeyedHasher, domain_hash
from ...storage import deliveries as store
from ..app import App


@dataclass
class RecipientSummary:
    eligible: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def members(self) -> int:
        return self.eligible + sum(self.skipped.values())


def _today() -> date:
    return datetime.now(UTC).date()


class Eligibility:
    """Decides, row by row, whether a contact may get this kind of mail now.

    ``required_status`` is 'confirmed' for campaigns and 'pending' for confirmation requests. A
    confirmation campaign (``campaign_id``) may also hold requests the user started for people who
    opted out and asked to come back: those go out despite their status and their address's
    suppression entry (never despite a suppressed domain).
    """

    def __init__(self, app: App, conn: sqlite3.Connection, required_status: str = consent.CONFIRMED,
                 today: date | None = None, campaign_id: int | None = None):
        self.key = app.suppression_key()
        self.conn = conn
        self.required = required_status
        self.today = today or _today()
        self._domains: dict[str, str] = {}
        self._addresses = KeyedHasher(self.key)  # address_hash, with the key's states computed once
        self.asked_back: set[int] = (store.reconfirmation_contacts(conn, campaign_id)
                                     if campaign_id is not None and required_status == consent.PENDING else set())

    def reasons(self, rows) -> list[str | None]:
        """For each row (id, email, email_key, status, consent_basis, consent_expires_at ...):
        None when it may be mailed, else the reason it is left out."""
        rows = list(rows)
        hashes = []
        domains = self._domains
        for r in rows:
            try:
                addr = Address(r["email"], r["email_key"])
                domain = addr.ascii_domain
                if domain not in domains:  # most recipients share a few domains
                    domains[domain] = domain_hash(self.key, domain)
                hashes.append((self._addresses.address(addr.key).hex(), domains[domain]))
            except Exception:  # an address that cannot be hashed cannot be mailed either
                hashes.append(None)
        listed = store.suppressed_hashes(self.conn, (h for pair in hashes if pair for h in pair))
        out: list[str | None] = []
        for r, pair in zip(rows, hashes, strict=True):
            status = r["status"]
            if self.asked_back and r["id"] in self.asked_back:
                out.append("invalid_address" if pair is None else "suppressed" if pair[1] in listed else None)
            elif status != self.required:
                out.append(status)
            elif pair is None:
                out.append("invalid_address")
            elif self.required == consent.CONFIRMED and not consent.is_mailable(
                    status, r["consent_basis"], r["consent_expires_at"], self.today):
                out.append("consent_expired")
            elif pair[0] in listed or pair[1] in listed:
                out.append("suppressed")
            else:
                out.append(None)
        return out


def select(app: App, list_id: int | None, conn: sqlite3.Connection | None = None,
           required_status: str = consent.CONFIRMED) -> tuple[list[int], list[tuple[int, str]]]:
    """(eligible contact ids, [(contact id, reason)] of the excluded) for a list's members."""
    conn = conn or app.db.conn
    rows = store.list_member_rows(conn, list_id).fetchall()
    decide = Eligibility(app, conn, required_status)
    eligible: list[int] = []
    skipped: list[tuple[int, str]] = []
    for start in range(0, len(rows), 2000):
        chunk = rows[start:start + 2000]
        for r, reason in zip(chunk, decide.reasons(chunk), strict=True):
            if reason is None:
                eligible.append(r["id"])
            else:
                skipped.append((r["id"], reason))
    return eligible, skipped


def summary(app: App, list_id: int | None) -> RecipientSummary:
    """How many would receive a campaign to this list now, and who is left out why (no writes)."""
    eligible, skipped = select(app, list_id)
    return RecipientSummary(len(eligible), dict(sorted(Counter(r for _, r in skipped).items())))
