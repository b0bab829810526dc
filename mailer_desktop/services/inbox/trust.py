"""Which returned mail may change a contact, and which contact.

- A token names a contact by its token id, which is never handed out twice; a token whose
  person was erased or purged names nobody (:func:`token_contacts`).
- A bounce or complaint acts only when it refers to a message this data folder sent: our
  Message-ID (known in the send log) or a token we put in every message, found in the returned
  headers, the returned copy or the feedback report (:func:`returned_mail_match`). One that
  names a contact but refers to nothing we sent waits for the user's decision.
- A reply confirms an opted-out (or suppressed) contact only when it answers a confirmation
  request sent after the opt-out — such a request is only ever sent when the user starts it
  (:func:`confirmation_blocker`).
- ``Authentication-Results`` are read only from the inbox source's own server
  (:mod:`..domain.inbox.auth`); an opt-out without a token whose From domain failed there waits
  for the user (:func:`spoofed_opt_out`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ...domain import consent, tokens
from ...domain.inbox import Result
from ...domain.inbox import auth as inbox_auth
from ...storage import inbox as store
from ..contacts import people as contacts
from ..contacts import suppression
from ..contacts.people import Contact

_MSGID = re.compile(r"<([^<>\s]{3,500})>")


@dataclass
class Match:
    """The contact a returned mail acts on (None: it acts on nobody, ``why`` says why)."""

    contact: Contact | None
    campaign_id: int | None = None
    how: str = ""               # how it was tied to our mail, for the trail
    why: str = ""               # when it acts on nobody
    named: Contact | None = None  # a contact the mail names without proof (shown on the review list)


def verified_tokens(app, result: Result) -> list[tokens.Token]:
    if not result.tokens:
        return []
    return tokens.find_all(app.token_key(), " ".join(result.tokens))


def token_contacts(app, found: list[tokens.Token], actions: str, conn) -> tuple[list[tuple[Contact, tokens.Token]],
                                                                                bool]:
    """The contacts the verified tokens with one of ``actions`` name, and whether any of them
    names someone who is no longer on file."""
    out: list[tuple[Contact, tokens.Token]] = []
    gone = False
    for tok in found:
        if tok.action not in actions:
            continue
        person = contacts.find_by_token(app, tok.token_id, conn)
        if person is None:
            gone = True
        elif all(person.id != c.id for c, _ in out):
            out.append((person, tok))
    return out, gone


def by_address(app, address: str | None, conn) -> Contact | None:
    if not address:
        return None
    try:
        return contacts.find_by_email(app, address, conn)
    except Exception:  # an unusable address is simply no match
        return None


def returned_mail_match(app, result: Result, found: list[tokens.Token], conn) -> Match:
    """The contact a bounce or complaint is about, only when it refers to our own mail."""
    candidates: list[tuple[Contact, int | None, str]] = []
    if result.original_message_id:
        row = store.delivery_by_message_id(conn, result.original_message_id)
        if row is not None:
            person = contacts.get_contact(app, row["contact_id"], conn)
            if person is not None:
                candidates.append((person, row["campaign_id"],
                                   f"returned message <{result.original_message_id}> is in our send log"))
    by_token, gone = token_contacts(app, found, "ruc", conn)
    for person, tok in by_token:
        if all(person.id != c.id for c, _, _ in candidates):
            candidates.append((person, tok.campaign_id, "our token in the returned message"))
    named = by_address(app, result.recipient, conn)
    if candidates:
        pick = next((c for c in candidates if named is not None and c[0].id == named.id), candidates[0])
        return Match(pick[0], pick[1], pick[2])
    if gone:
        return Match(None, why="about a message sent to someone no longer on file; nothing to do")
    if named is not None:
        return Match(None, named=named,
                     why=f"names {named.email} but refers to no message sent from here (no known Message-ID, "
                         "reference header or token), so it may be forged; not applied")
    return Match(None, why="no matching contact")


def _reply_references(raw: bytes) -> list[str]:
    ids: list[str] = []
    for name in ("In-Reply-To", "References"):
        for value in inbox_auth.header_values(raw, name):
            ids.extend(m.group(1) for m in _MSGID.finditer(value))
    return list(dict.fromkeys(ids))


def _day(stamp: str | None) -> str:
    return (stamp or "an unknown date")[:10]


@dataclass(frozen=True)
class OptOut:
    """When and how a contact last left: an opt-out in the trail and/or a suppression entry."""

    when: str
    how: str
    event_id: int | None = None     # the opt-out event, when the trail has one
    suppressed_at: str | None = None  # the suppression entry, when it is the later of the two

    def later_requests(self, conn, contact_id: int) -> list[str]:
        return store.requests_after(conn, contact_id, self.event_id, self.suppressed_at)


def opted_out_since(app, person: Contact, conn) -> OptOut | None:
    """The contact's last opt-out or suppression; None when it has neither."""
    found: OptOut | None = None
    if person.status in consent.OPTED_OUT:
        event = store.last_opt_out(conn, person.id)
        found = OptOut(event[1] if event else person.status_changed_at, person.status,
                       event[0] if event else None)
    hit = suppression.suppression_of(app, person.email, conn)
    if hit is not None and (found is None or hit.created_at > found.when):
        found = OptOut(hit.created_at, f"was put on the suppression list ({hit.reason})",
                       found.event_id if found else None, hit.created_at)
    return found


def confirmation_blocker(app, person: Contact, raw: bytes, received: datetime | None, conn) -> tuple[str | None, str]:
    """(reason to hold the confirmation back or None, a note for the trail).

    Nobody who opted out is confirmed by a reply to a request sent before the opt-out: the reply
    must answer a request sent after it — by In-Reply-To/References when the reply has them (the
    request must be one the user started after the opt-out), else by its date."""
    left = opted_out_since(app, person, conn)
    if left is None:
        return None, ""
    since = _day(left.when)
    later = left.later_requests(conn, person.id)
    if not later:
        return (f"{person.email} {left.how} on {since}; this reply answers a confirmation request sent before "
                "that, so it does not bring them back. To bring them back, send them a new confirmation request "
                "and wait for their reply to it"), ""
    for mid in _reply_references(raw):
        row = store.delivery_by_message_id(conn, mid)
        if row is None or row["kind"] != "confirmation" or row["contact_id"] != person.id:
            continue
        started = store.reconfirmation_of(conn, row["campaign_id"], person.id)
        sent = _day(row["finished_at"] or row["claimed_at"])
        if started is None or started < left.when:
            return (f"{person.email} {left.how} on {since}; this reply answers the request of {sent}, "
                    "sent before that"), ""
        return None, f"reply to the new request of {sent}, started by the user after the opt-out on {since} ({left.how})"
    stamp = received.strftime("%Y-%m-%dT%H:%M:%SZ") if received is not None else None
    if stamp is not None and stamp < later[0]:
        return (f"{person.email} {left.how} on {since}; this reply is dated before the new request of "
                f"{_day(later[0])}"), ""
    return None, f"reply after the new request of {_day(later[-1])}, sent after the opt-out on {since} ({left.how})"


def spoofed_opt_out(raw: bytes, authserv_id: str | None) -> tuple[bool, str]:
    """(the From domain failed authentication at the trusted server, the evidence line for the trail)."""
    found = inbox_auth.trusted(raw, authserv_id)
    if found is None:
        if (authserv_id or "").strip():
            return False, f"authentication not verified (no Authentication-Results header from {authserv_id})"
        return False, "authentication not verified (no trusted Authentication-Results server is set for this inbox)"
    return found.from_domain_failed, "authentication: " + found.summary()
