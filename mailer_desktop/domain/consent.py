"""Consent: a contact's status, its basis, and the one table of allowed changes.

Statuses:
- ``pending``       added without proof; waits for a confirmation. Never mailed campaigns.
- ``confirmed``     a recorded confirmation (reply, https confirm, import proof) exists.
- ``unsubscribed``  the person withdrew consent (GDPR Art. 7(3)); global by default.
- ``bounced``       the address does not take mail (hard bounce, or soft bounces over the limit).
- ``complained``    the person reported a message as spam (ARF).

The last three are *opt-outs*. The rule the whole program relies on: nothing but a new,
recorded confirmation (an event of kind ``confirmed`` with evidence) makes an opted-out
contact mailable again. Every status change is written as a consent event whose kind is one
of :data:`STATUS_EVENTS`; the transition table :data:`TRANSITIONS` is the only place that says
which kind may move which status where.

Consent basis: ``express`` (the person said yes) or ``implied`` (CASL existing business
relationship: valid until two years after the purchase, :func:`implied_expiry`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PENDING = "pending"
CONFIRMED = "confirmed"
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"
COMPLAINED = "complained"
STATUSES = (PENDING, CONFIRMED, UNSUBSCRIBED, BOUNCED, COMPLAINED)
OPTED_OUT = frozenset({UNSUBSCRIBED, BOUNCED, COMPLAINED})

EXPRESS = "express"
IMPLIED = "implied"
BASES = (EXPRESS, IMPLIED)

# Event kinds. Status events move a contact through TRANSITIONS; the others only record.
EV_CREATED = "created"            # added by hand (GUI/CLI)
EV_IMPORTED = "imported"          # added by an import
EV_CONFIRMED = "confirmed"        # a recorded confirmation (evidence required)
EV_UNSUBSCRIBED = "unsubscribed"
EV_BOUNCED = "bounced"
EV_COMPLAINED = "complained"
STATUS_EVENTS = (EV_CONFIRMED, EV_UNSUBSCRIBED, EV_BOUNCED, EV_COMPLAINED)
CREATION_EVENTS = (EV_CREATED, EV_IMPORTED)

EV_CONFIRMATION_REQUESTED = "confirmation_requested"
EV_EDITED = "edited"
EV_EXPORTED = "exported"
EV_LIST_ADDED = "list_added"
EV_LIST_REMOVED = "list_removed"
EV_NOTE = "note"
EV_ERASED = "erased"              # kept with contact_id NULL and no personal data
EV_PURGED = "purged"              # retention purge summary, no personal data
RECORD_EVENTS = (EV_CONFIRMATION_REQUESTED, EV_EDITED, EV_EXPORTED, EV_LIST_ADDED, EV_LIST_REMOVED, EV_NOTE)

# Channels: where an event came from.

# (status before, event kind) -> status after. A pair that is missing is refused.
# Opt-outs never lower in severity: an unsubscribe of a complained contact stays complained.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PENDING, EV_CONFIRMED): CONFIRMED,
    (CONFIRMED, EV_CONFIRMED): CONFIRMED,          # a fresh confirmation renews the proof
    (UNSUBSCRIBED, EV_CONFIRMED): CONFIRMED,       # re-subscribed, with new evidence
    (BOUNCED, EV_CONFIRMED): CONFIRMED,
    (COMPLAINED, EV_CONFIRMED): CONFIRMED,

    (PENDING, EV_UNSUBSCRIBED): UNSUBSCRIBED,
    (CONFIRMED, EV_UNSUBSCRIBED): UNSUBSCRIBED,
    (UNSUBSCRIBED, EV_UNSUBSCRIBED): UNSUBSCRIBED,
    (BOUNCED, EV_UNSUBSCRIBED): BOUNCED,
    (COMPLAINED, EV_UNSUBSCRIBED): COMPLAINED,

    (PENDING, EV_BOUNCED): BOUNCED,
    (CONFIRMED, EV_BOUNCED): BOUNCED,
    (UNSUBSCRIBED, EV_BOUNCED): BOUNCED,
    (BOUNCED, EV_BOUNCED): BOUNCED,
    (COMPLAINED, EV_BOUNCED): COMPLAINED,

    (PENDING, EV_COMPLAINED): COMPLAINED,
    (CONFIRMED, EV_COMPLAINED): COMPLAINED,
    (UNSUBSCRIBED, EV_COMPLAINED): COMPLAINED,
    (BOUNCED, EV_COMPLAINED): COMPLAINED,
    (COMPLAINED, EV_COMPLAINED): COMPLAINED,
}

# The suppression-list reason written when a contact opts out (services/contacts/suppression).
SUPPRESSION_REASON = {UNSUBSCRIBED: "unsubscribed", BOUNCED: "hard_bounce", COMPLAINED: "complaint"}


class ConsentError(ValueError):
    """A consent change the rules do not allow; the message says why."""


@dataclass(frozen=True)
class Transition:
    before: str
    kind: str
    after: str


def transition(status: str, kind: str, evidence: str = "") -> Transition:
    """The change ``kind`` makes to a contact in ``status``; raises ConsentError if not allowed."""
    if status not in STATUSES:
        raise ConsentError(f"unknown consent status {status!r}")
    if kind == EV_CONFIRMED and not evidence.strip():
        raise ConsentError("a confirmation must be recorded with its evidence (e.g. the reply's Message-ID "
                           "and date, or how and when the person confirmed)")
    after = TRANSITIONS.get((status, kind))
    if after is None:
        raise ConsentError(f"a {kind!r} event cannot change a {status} contact")
    return Transition(status, kind, after)


def initial_status(kind: str, evidence: str = "", confirmed: bool = False) -> str:
    """Status of a new contact: ``confirmed`` only with evidence of consent, else ``pending``."""
    if kind not in CREATION_EVENTS:
        raise ConsentError(f"{kind!r} is not a way to create a contact")
    if confirmed:
        if not evidence.strip():
            raise ConsentError("a contact can be added as confirmed only with proof of consent "
                               "(who agreed, when and how)")
        return CONFIRMED
    return PENDING


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)


def implied_expiry(purchase: date) -> date:
    """CASL: implied consent from a purchase lasts two years from the purchase date."""
    return add_years(purchase, 2)


def parse_day(value: str | date | datetime | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def is_mailable(status: str, basis: str | None, expires: str | date | None, today: date) -> bool:
    """May a campaign go to this contact today? Only ``confirmed``; implied consent only
    before its expiry date (an implied basis without an expiry date is not trusted)."""
    if status != CONFIRMED:
        return False
    if basis == IMPLIED:
        end = parse_day(expires)
        return end is not None and today < end
    return True


