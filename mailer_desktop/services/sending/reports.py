"""Read-only views of sending for the GUI and reports: campaign history with counts, the
per-recipient log page by page, and the choices the new-campaign dialog offers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...storage import deliveries as store
from ...storage import templates as template_store
from ..app import App


@dataclass(frozen=True)
class CampaignLine:
    id: int
    name: str
    kind: str
    state: str
    reason: str
    list_name: str
    account_name: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    sent: int
    failed: int
    deferred: int
    uncertain: int
    queued: int
    skipped: int
    counted: bool = True  # False: the counts are not read yet (all zero)


def campaign_counts(app: App) -> dict[int, dict[str, int]]:
    """campaign id -> delivery state -> count, of every campaign (one pass over the send log's
    state index, which grows with the log: call it off the window's thread)."""
    return store.counts_by_campaign(app.db.conn)


def campaign_lines(app: App, kinds: tuple[str, ...] = ("campaign", "confirmation"), *,
                   counts: dict[int, dict[str, int]] | None = None, read_counts: bool = True) -> list[CampaignLine]:
    """The campaign history, newest first. ``counts`` (from :func:`campaign_counts`, read
    elsewhere) saves reading them here; with neither counts nor ``read_counts`` every line is
    marked not counted (its figures zero)."""
    conn = app.db.conn
    if counts is None and read_counts:
        counts = store.counts_by_campaign(conn)
    out = []
    for r in store.campaigns_page(conn, kinds):
        line = CampaignLine(
            id=r["id"], name=r["name"], kind=r["kind"], state=r["state"], reason=r["state_reason"],
            list_name=r["list_name"] or "", account_name=r["account_name"] or "", created_at=r["created_at"],
            started_at=r["started_at"], finished_at=r["finished_at"], sent=0, failed=0, deferred=0, uncertain=0,
            queued=0, skipped=0, counted=False)
        out.append(line if counts is None else with_counts(line, counts))
    return out


def with_counts(line: CampaignLine, counts: dict[int, dict[str, int]]) -> CampaignLine:
    """``line`` with its figures from ``counts`` (:func:`campaign_counts`; a campaign missing
    there has no deliveries)."""
    c = counts.get(line.id) or dict.fromkeys(store.STATES, 0)
    return replace(line, sent=c["sent"], failed=c["failed"], deferred=c["deferred"], uncertain=c["uncertain"],
                   queued=c["queued"] + c["sending"], skipped=c["skipped"], counted=True)


@dataclass(frozen=True)
class DeliveryLine:
    id: int
    contact_id: int | None
    email: str
    state: str
    attempts: int
    reply: str
    message_id: str
    finished_at: str


def delivery_page(app: App, campaign_id: int, offset: int, limit: int, state: str | None = None,
                  total: int | None = None) -> list[DeliveryLine]:
    """A window of the send log; ``total`` (the log's size, when known) lets a window near its
    end be read from the end."""
    return [DeliveryLine(r["id"], r["contact_id"], r["email"] or "(erased)", r["state"], r["attempts"],
                         r["last_reply"] or "", r["message_id"] or "", r["finished_at"] or r["claimed_at"] or "")
            for r in store.deliveries_page(app.db.conn, campaign_id, offset, limit, state, total)]


def delivery_count(app: App, campaign_id: int, state: str | None = None) -> int:
    return store.deliveries_count(app.db.conn, campaign_id, state)


def template_choices(app: App) -> list[tuple[int, str]]:
    return [(r["id"], r["name"]) for r in template_store.all_templates(app.db.conn)]
