"""The suppression list: addresses and whole domains that are never added nor mailed.

API (every function takes an optional ``conn``: pass the connection of your own open
transaction to take part in it; without one, writes run in their own transaction):

- ``is_suppressed(app, address, conn=None) -> bool``
- ``suppression_of(app, address, conn=None) -> Suppression | None`` (which entry matched)
- ``SuppressionChecker(app, conn=None)``: callable ``checker(address) -> Suppression | None``
  reading the key from the keyring once (use it in loops: imports, sends).
- ``suppress(app, address_or_domain, reason="manual", note="", conn=None) -> Suppression``
  (text with an ``@`` is an address, otherwise a domain; an existing entry is kept).
- ``suppress_lines(app, lines, reason="manual", progress=...) -> BulkReport`` and
  ``suppress_file(app, path, reason="manual", progress=...) -> BulkReport``
  (one address or domain per line; CSV lines use the first column; ``#`` starts a comment).
- ``list_suppressions(app, offset=0, limit=200, search="", reason=None)``,
  ``count_suppressions(app, search="", reason=None)``
- ``unsuppress(app, hash_or_address, conn=None) -> bool`` (entries of erased people stay).

Entries store a keyed hash (domain/suppression.py), the reason, the date and — while it may be
shown — the address or domain in ``display`` (NULL once the person is erased).
Reasons: ``unsubscribed``, ``hard_bounce``, ``soft_bounce``, ``complaint``, ``erased``, ``manual``.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.addresses import Address, AddressError, normalize, validate
from ...domain.suppression import address_hash, domain_hash, hashes_for
from ...storage import suppression as store
from ...storage.db import now_iso
from ..progress import NO_PROGRESS, Progress

REASONS = ("unsubscribed", "hard_bounce", "soft_bounce", "complaint", "erased", "manual")
# Reasons a new recorded confirmation from the person lifts (services/contacts/people.change_status).
LIFTED_BY_CONFIRMATION = ("unsubscribed", "hard_bounce", "soft_bounce", "complaint")


class SuppressionError(ValueError):
    """Bad input for the suppression list; the message says what is wrong."""


@dataclass(frozen=True)
class Suppression:
    hash: str
    scope: str
    reason: str
    created_at: str
    display: str | None
    note: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Suppression:
        return cls(row["hash"], row["scope"], row["reason"], row["created_at"], row["display"], row["note"])


@dataclass
class BulkReport:
    added: int = 0
    already: int = 0
    invalid: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, text, why)

    def as_dict(self) -> dict:
        return {"added": self.added, "already": self.already,
                "invalid": [{"line": n, "text": t, "reason": r} for n, t, r in self.invalid]}


def _conn(app, conn):
    return conn if conn is not None else app.db.conn


class SuppressionChecker:
    """Checks many addresses with one keyring read: ``checker(address) -> Suppression | None``."""

    def __init__(self, app, conn: sqlite3.Connection | None = None):
        self._key = app.suppression_key()
        self._conn = _conn(app, conn)

    def hashes(self, address: Address | str) -> tuple[str, str]:
        return hashes_for(self._key, address)

    def __call__(self, address: Address | str) -> Suppression | None:
        try:
            hashes = hashes_for(self._key, address)
        except AddressError:
            return None
        row = store.find_any(self._conn, hashes)
        return Suppression.from_row(row) if row else None


def suppression_of(app, address: Address | str, conn: sqlite3.Connection | None = None) -> Suppression | None:
    return SuppressionChecker(app, conn)(address)


def is_suppressed(app, address: Address | str, conn: sqlite3.Connection | None = None) -> bool:
    return suppression_of(app, address, conn) is not None


def _parse_target(text: str) -> tuple[str, str]:
    """('address', display) or ('domain', display) for one line of user input."""
    raw = (text or "").strip()
    if not raw:
        raise SuppressionError("empty entry")
    if "@" in raw.strip("@"):
        try:
            addr = validate(raw)
        except AddressError as exc:
            raise SuppressionError(f"{raw!r} is not a valid address: {exc}") from None
        return "address", addr.email
    domain = raw.lstrip("@").rstrip(".").lower()
    if "." not in domain or any(ch.isspace() for ch in domain) or domain.startswith("."):
        raise SuppressionError(f"{raw!r} is neither an address nor a domain such as example.com")
    try:
        if not domain.isascii():
            domain.encode("idna")
    except UnicodeError:
        raise SuppressionError(f"{raw!r} is not a valid domain name") from None
    return "domain", domain


def suppress(app, address_or_domain: str | Address, reason: str = "manual", note: str = "",
             conn: sqlite3.Connection | None = None, *, key: bytes | None = None) -> Suppression:
    """Add an address or a whole domain; returns the entry (an existing one is kept as is)."""
    if reason not in REASONS:
        raise SuppressionError(f"unknown suppression reason {reason!r} (one of {', '.join(REASONS)})")
    if reason == "erased":
        raise SuppressionError("entries of erased people are written by erasure only")
    if isinstance(address_or_domain, Address):
        scope, display = "address", address_or_domain.email
    else:
        scope, display = _parse_target(address_or_domain)
    key = key or app.suppression_key()
    h = address_hash(key, normalize(display)) if scope == "address" else domain_hash(key, display)
    c = _conn(app, conn)
    with app.db.transaction(c):
        store.insert(c, h, scope, reason, now_iso(), display, note)
        row = store.get(c, h)
    return Suppression.from_row(row)


def _entries(lines):
    """(line number, text) of the entries in a text or CSV file's lines."""
    for number, line in enumerate(lines, start=1):
        text = line.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        if "," in text or ";" in text or "\t" in text:
            dialect = ";" if ";" in text and "," not in text else ("\t" if "\t" in text else ",")
            first = next(csv.reader(io.StringIO(text), delimiter=dialect), [""])
            text = (first[0] if first else "").strip()
        if number == 1 and text.lower() in ("email", "e-mail", "address", "domain", "email address"):
            continue  # a header row
        yield number, text


def suppress_lines(app, lines, reason: str = "manual", note: str = "",
                   progress: Progress = NO_PROGRESS) -> BulkReport:
    """Suppress every address or domain in ``lines`` in one transaction; bad lines are reported."""
    if reason not in REASONS or reason == "erased":
        raise SuppressionError(f"unknown suppression reason {reason!r}")
    lines = list(lines)
    report = BulkReport()
    key = app.suppression_key()
    now = now_iso()
    with app.db.transaction() as conn:
        for i, (number, text) in enumerate(_entries(lines)):
            if i % 500 == 0:
                progress.check()
                progress.update(number, len(lines), "Adding to the suppression list")
            try:
                scope, display = _parse_target(text)
            except SuppressionError as exc:
                report.invalid.append((number, text, str(exc)))
                continue
            h = address_hash(key, normalize(display)) if scope == "address" else domain_hash(key, display)
            if store.insert(conn, h, scope, reason, now, display, note):
                report.added += 1
            else:
                report.already += 1
    progress.update(len(lines), len(lines), "Done")
    return report


def suppress_file(app, path: str | Path, reason: str = "manual", note: str = "",
                  progress: Progress = NO_PROGRESS) -> BulkReport:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SuppressionError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    return suppress_lines(app, text.splitlines(), reason, note or f"from {path.name}", progress)


def list_suppressions(app, offset: int = 0, limit: int = 200, search: str = "",
                      reason: str | None = None) -> list[Suppression]:
    return [Suppression.from_row(r) for r in store.page(app.db.conn, offset, limit, search, reason)]


def count_suppressions(app, search: str = "", reason: str | None = None) -> int:
    return store.count(app.db.conn, search, reason)


def unsuppress(app, hash_or_address: str, conn: sqlite3.Connection | None = None) -> bool:
    """Remove an entry (by its hash, an address or a domain). Entries of erased people stay:
    nothing may bring an erased address back."""
    text = hash_or_address.strip()
    c = _conn(app, conn)
    if len(text) == 64 and all(ch in "0123456789abcdef" for ch in text):
        h = text
    else:
        scope, display = _parse_target(text)
        key = app.suppression_key()
        h = address_hash(key, normalize(display)) if scope == "address" else domain_hash(key, display)
    with app.db.transaction(c):
        row = store.get(c, h)
        if row is None:
            return False
        if row["reason"] == "erased":
            raise SuppressionError("this entry belongs to an erased person and cannot be removed")
        return store.delete(c, h)


def lift_for_confirmation(app, address: Address, conn: sqlite3.Connection, key: bytes | None = None) -> bool:
    """A new recorded confirmation lifts the person's own opt-out entry (not manual, domain or
    erasure entries)."""
    h = address_hash(key or app.suppression_key(), address)
    return store.delete_with_reasons(conn, h, LIFTED_BY_CONFIRMATION)
