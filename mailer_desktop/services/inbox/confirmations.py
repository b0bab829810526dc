"""Double opt-in requests: a short confirmation request to each pending contact, through the
same engine as campaigns (a campaign of kind ``confirmation``).

Each pending contact gets the request once; a single reminder goes out when they have not
confirmed ``consent.reminder_after_days`` days after the first; after that they are left alone
(and the retention rule purges them). Every request sent is recorded as a
``confirmation_requested`` consent event with the exact wording, and counted in
``contacts.confirm_sent_count`` / ``confirm_sent_at`` (see :mod:`..sending.log`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ...domain import consent
from ...storage import deliveries as store
from ..app import App
from ..campaigns import create_campaign
from ..contacts.lists import find_list
from ..progress import NO_PROGRESS, Progress
from ..sending.engine import SendError, send_campaign
from ..sending.recipients import Eligibility

MAX_REQUESTS = 2  # the request and one reminder


class RequestRefused(SendError):
    """A confirmation request the rules do not allow for this contact; the message says why."""


def _cutoff(app: App, now: datetime | None = None) -> str:
    days = int(app.settings.get("consent.reminder_after_days"))
    return ((now or datetime.now(UTC)) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def due_contacts(app: App, list_name: str | None = None, *, now: datetime | None = None) -> list[int]:
    """Pending contacts (of the list, if given) who should get a request or their one reminder now,
    minus suppressed addresses."""
    conn = app.db.conn
    list_id = None
    if list_name:
        lst = find_list(app, list_name)
        if lst is None:
            raise SendError(f"there is no list named {list_name!r}")
        list_id = lst.id
    rows = store.pending_due(conn, list_id, MAX_REQUESTS, _cutoff(app, now))
    decide = Eligibility(app, conn, consent.PENDING)
    return [r["id"] for r, reason in zip(rows, decide.reasons(rows), strict=True) if reason is None]


def prepare_requests(app: App, list_name: str | None = None) -> tuple[int | None, int]:
    """A confirmation campaign holding the due contacts: (campaign id or None, how many)."""
    ids = due_contacts(app, list_name)
    if not ids:
        return None, 0
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    name = f"Confirmation requests {stamp}" + (f" ({list_name})" if list_name else "")
    campaign_id = create_campaign(app, name, "", list_name, kind="confirmation")
    with app.db.transaction():
        store.insert_recipients(app.db.conn, campaign_id, ids, [])
    return campaign_id, len(ids)


def send_confirmations(app: App, account, list_name: str | None = None, *, progress: Progress = NO_PROGRESS,
                       **engine_kwargs) -> dict:
    """Send the due requests now; returns the engine's status plus ``requested`` (how many were due)
    and ``campaign`` (the id, None when nobody was due). Pending confirmation campaigns left over
    from an interrupted run are finished first."""
    leftovers = store.unfinished_confirmation_campaigns(app.db.conn)
    for cid in leftovers:
        send_campaign(app, cid, account, progress=progress, **engine_kwargs)
    campaign_id, due = prepare_requests(app, list_name)
    if campaign_id is None:
        return {"campaign": None, "requested": 0, "sent": 0, "failed": 0, "deferred": 0, "uncertain": 0,
                "skipped": {}, "state": "done"}
    status = send_campaign(app, campaign_id, account, progress=progress, **engine_kwargs)
    return {"campaign": campaign_id, "requested": due, **status}


def request_again(app: App, contact: int | str, account, *, note: str = "", channel: str = "gui",
                  progress: Progress = NO_PROGRESS, **engine_kwargs) -> dict:
    """A confirmation request to one person, started by the user: someone pending (even after the
    reminder), or someone who opted out and asked to come back. Their reply to *this* request is
    what confirms them; a reply to a request from before their opt-out never does. The trail
    records that the user started it, after which opt-out, and ``note`` (how they asked)."""
    from ...storage import contacts as contacts_store
    from ...storage.db import now_iso
    from ..contacts.people import require_contact
    from .trust import opted_out_since

    person = require_contact(app, contact)
    if person.status == consent.CONFIRMED:
        raise RequestRefused(f"{person.email} is already confirmed")
    left = opted_out_since(app, person, app.db.conn)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    name = f"Confirmation request to {person.email} {stamp}"
    campaign_id = create_campaign(app, name, "", None, kind="confirmation")
    with app.db.transaction() as conn:
        store.insert_recipients(conn, campaign_id, [person.id], [])
        if left is not None:
            store.add_reconfirmation(conn, campaign_id, person.id)
        what = (f"new confirmation request started by the user after the opt-out on {left.when[:10]} ({left.how})"
                if left is not None else "confirmation request started by the user")
        contacts_store.insert_event(conn, person.id, consent.EV_NOTE, now_iso(), channel,
                                    "", what + (f"; {note.strip()}" if note.strip() else ""), person.status,
                                    person.status)
    status = send_campaign(app, campaign_id, account, progress=progress, **engine_kwargs)
    return {"campaign": campaign_id, "requested": 1, "contact": person.email, **status}
