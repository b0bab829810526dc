"""Figures for the dashboard: contacts by consent state, per-campaign results, warnings.

Rates follow the mailbox providers' thresholds (COMPLIANCE.md): a complaint rate above 0.1 %
and a hard-bounce rate above 2 % of the messages sent are warned about. A bounce, complaint or
unsubscribe is attributed to the campaign named by the returned mail's reference token when
the inbox found one, otherwise to the latest campaign the person was sent before it happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..domain.consent import STATUSES
from .app import App
from .inbox import status as inbox_status

COMPLAINT_WARN_RATE = 0.001
HARD_BOUNCE_WARN_RATE = 0.02


@dataclass(frozen=True)
class CampaignFigures:
    id: int
    name: str
    state: str
    finished_at: str | None
    sent: int
    failed: int
    hard_bounced: int
    soft_bounced: int
    unsubscribed: int
    complained: int

    def rate(self, count: int) -> float:
        return count / self.sent if self.sent else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.rate(self.complained)

    @property
    def hard_bounce_rate(self) -> float:
        return self.rate(self.hard_bounced)


@dataclass(frozen=True)
class Warning:
    level: str  # "warning" or "info"
    text: str


@dataclass
class Overview:
    by_status: dict[str, int]
    campaigns: list[CampaignFigures]
    review_count: int
    oldest_unprocessed_at: str | None
    last_processed_at: str | None
    warnings: list[Warning] = field(default_factory=list)

    @property
    def total_contacts(self) -> int:
        return sum(self.by_status.values())


# The campaign an event belongs to: its own reference when known, else the latest sent before it.
_ATTRIBUTED = """
    COALESCE({campaign_col}, (
        SELECT d.campaign_id FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.contact_id = {contact_col} AND d.state = 'sent' AND c.kind = 'campaign'
          AND d.finished_at <= {at_col}
        ORDER BY d.finished_at DESC LIMIT 1))
"""


def overview(app: App, *, campaign_limit: int = 12, now: datetime | None = None) -> Overview:
    conn = app.db.conn
    by_status = dict.fromkeys(STATUSES, 0)
    for status, n in conn.execute("SELECT status, COUNT(*) FROM contacts GROUP BY status"):
        by_status[status] = n

    rows = conn.execute(
        """SELECT id, name, state, finished_at FROM campaigns WHERE kind = 'campaign' AND started_at IS NOT NULL
           ORDER BY COALESCE(started_at, created_at) DESC, id DESC LIMIT ?""",
        (campaign_limit,),
    ).fetchall()
    ids = [r["id"] for r in rows]
    delivery_counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    event_counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for cid, state, n in conn.execute(
            f"SELECT campaign_id, state, COUNT(*) FROM deliveries WHERE campaign_id IN ({marks}) "
            "GROUP BY campaign_id, state",
            ids,
        ):
            delivery_counts[cid][state] = n
        bounce_sql = _ATTRIBUTED.format(campaign_col="b.campaign_id", contact_col="b.contact_id", at_col="b.at")
        for cid, kind, n in conn.execute(
            f"SELECT {bounce_sql} AS cid, b.kind, COUNT(DISTINCT COALESCE(b.contact_id, -b.id)) "
            "FROM bounce_events b GROUP BY cid, b.kind"
        ):
            if cid in event_counts:
                event_counts[cid][kind] = n
        unsub_sql = _ATTRIBUTED.format(campaign_col="NULL", contact_col="e.contact_id", at_col="e.at")
        for cid, n in conn.execute(
            f"SELECT {unsub_sql} AS cid, COUNT(DISTINCT e.contact_id) FROM consent_events e "
            "WHERE e.kind = 'unsubscribed' AND e.contact_id IS NOT NULL GROUP BY cid"
        ):
            if cid in event_counts:
                event_counts[cid]["unsubscribed"] = n

    campaigns = []
    for r in rows:
        d, e = delivery_counts[r["id"]], event_counts[r["id"]]
        campaigns.append(CampaignFigures(
            id=r["id"], name=r["name"], state=r["state"], finished_at=r["finished_at"],
            sent=d.get("sent", 0), failed=d.get("failed", 0),
            hard_bounced=e.get("hard", 0), soft_bounced=e.get("soft", 0),
            unsubscribed=e.get("unsubscribed", 0), complained=e.get("complaint", 0),
        ))

    review = conn.execute("SELECT COUNT(*) FROM inbox_messages WHERE needs_review = 1 AND decision IS NULL")
    meta = dict(conn.execute(
        "SELECT key, value FROM app_meta WHERE key IN ('inbox.oldest_unprocessed_at', 'inbox.last_processed_at')"
    ).fetchall())
    result = Overview(
        by_status=by_status,
        campaigns=campaigns,
        review_count=review.fetchone()[0],
        oldest_unprocessed_at=meta.get("inbox.oldest_unprocessed_at"),
        last_processed_at=meta.get("inbox.last_processed_at"),
    )
    result.warnings = warnings_for(app, result, now=now)
    return result


def warnings_for(app: App, ov: Overview, *, now: datetime | None = None) -> list[Warning]:
    out: list[Warning] = []
    for c in ov.campaigns:
        if c.sent and c.complaint_rate > COMPLAINT_WARN_RATE:
            out.append(Warning("warning", (
                f"“{c.name}”: {c.complaint_rate:.2%} of recipients reported it as spam. Gmail and Yahoo "
                "start filtering above 0.3 %; aim for less than 0.1 %. Send only to people who confirmed, "
                "and make the unsubscribe link easy to find.")))
        if c.sent and c.hard_bounce_rate > HARD_BOUNCE_WARN_RATE:
            out.append(Warning("warning", (
                f"“{c.name}”: {c.hard_bounce_rate:.1%} of addresses do not exist (hard bounces). Above 2 % "
                "mailbox providers treat you as a sender of old or bought lists. Those addresses are now "
                "suppressed; clean other old lists before sending to them.")))
    text, urgent = inbox_status.reminder(app, now)
    if urgent:
        out.append(Warning("warning", text))
    if ov.review_count:
        waiting = "1 reply waits" if ov.review_count == 1 else f"{ov.review_count} replies wait"
        out.append(Warning("info", f"{waiting} for your decision on the Inbox page."))
    return out
