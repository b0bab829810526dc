"""Dashboard figures: states, per-campaign results with attribution, warnings at the thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailer_desktop.services import dashboard
from mailer_desktop.services.contacts import people as contacts


def _campaign(conn, name: str, started: str | None) -> int:
    cur = conn.execute(
        "INSERT INTO campaigns(name, kind, state, created_at, started_at, finished_at) "
        "VALUES (?, 'campaign', 'done', ?, ?, ?)",
        (name, started, started, started),
    )
    return cur.lastrowid


def _deliver(conn, campaign_id: int, contact_id: int, at: str, state: str = "sent") -> None:
    conn.execute(
        "INSERT INTO deliveries(campaign_id, contact_id, state, queued_at, finished_at) VALUES (?, ?, ?, ?, ?)",
        (campaign_id, contact_id, state, at, at),
    )


def _people(app, n: int, confirmed: bool = True) -> list[int]:
    return [
        contacts.add_contact(app, f"p{i}@example.com", confirmed=confirmed, evidence="signed up at the till").id
        for i in range(n)
    ]


def test_counts_by_state_and_campaign_rates(app):
    ids = _people(app, 60)
    contacts.add_contact(app, "waiting@example.com")
    conn = app.db.conn
    with app.db.transaction():
        first = _campaign(conn, "Spring sale", "2026-03-01T10:00:00Z")
        for cid in ids:
            _deliver(conn, first, cid, "2026-03-01T10:05:00Z")
        # a hard bounce matched by reference token, a complaint attributed by time
        conn.execute("INSERT INTO bounce_events(contact_id, campaign_id, kind, status, at) "
                     "VALUES (?, ?, 'hard', '5.1.1', '2026-03-01T11:00:00Z')", (ids[1], first))
        conn.execute("INSERT INTO bounce_events(contact_id, campaign_id, kind, at) "
                     "VALUES (?, NULL, 'complaint', '2026-03-02T09:00:00Z')", (ids[2],))
    contacts.change_status(app, ids[3], "unsubscribed", "email_reply", evidence="reply")

    ov = dashboard.overview(app)
    assert ov.by_status["confirmed"] == 59 and ov.by_status["pending"] == 1
    assert ov.by_status["unsubscribed"] == 1 and ov.total_contacts == 61
    (c,) = ov.campaigns
    assert (c.name, c.sent, c.hard_bounced, c.complained, c.unsubscribed) == ("Spring sale", 60, 1, 1, 1)
    # 1 complaint in 60 = 1.7 % (> 0.1 %), 1 hard bounce in 60 = 1.7 % (< 2 %)
    texts = [w.text for w in ov.warnings]
    assert any("reported it as spam" in t for t in texts)
    assert not any("do not exist" in t for t in texts)


def test_hard_bounce_warning_only_above_two_percent(app):
    ids = _people(app, 100)
    conn = app.db.conn
    with app.db.transaction():
        camp = _campaign(conn, "Newsletter", "2026-04-01T10:00:00Z")
        for cid in ids:
            _deliver(conn, camp, cid, "2026-04-01T10:01:00Z")
        for cid in ids[:2]:
            conn.execute("INSERT INTO bounce_events(contact_id, campaign_id, kind, at) VALUES (?, ?, 'hard', ?)",
                         (cid, camp, "2026-04-01T12:00:00Z"))
    assert not any("do not exist" in w.text for w in dashboard.overview(app).warnings)  # exactly 2 %
    conn.execute("INSERT INTO bounce_events(contact_id, campaign_id, kind, at) VALUES (?, ?, 'hard', ?)",
                 (ids[2], camp, "2026-04-01T12:00:00Z"))
    assert any("do not exist" in w.text for w in dashboard.overview(app).warnings)


def test_unprocessed_mail_reminder_after_a_day(app):
    now = datetime.now(UTC)
    old = (now - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fresh = (now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn = app.db.conn
    conn.execute("INSERT INTO app_meta(key, value) VALUES ('inbox.oldest_unprocessed_at', ?)", (fresh,))
    assert not any("unprocessed" in w.text.lower() for w in dashboard.overview(app).warnings)
    conn.execute("UPDATE app_meta SET value = ? WHERE key = 'inbox.oldest_unprocessed_at'", (old,))
    warning = [w.text for w in dashboard.overview(app).warnings if "unprocessed" in w.text.lower()]
    assert warning and "30 hours" in warning[0]


def test_drafts_are_not_results(app):
    conn = app.db.conn
    conn.execute("INSERT INTO campaigns(name, kind, state, created_at) VALUES ('Draft', 'campaign', 'draft', 'x')")
    assert dashboard.overview(app).campaigns == []
