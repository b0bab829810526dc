"""A campaign's send log, read a window at a time (the Campaigns page's table)."""

from __future__ import annotations

import random

from mailer_desktop.services import campaigns
from mailer_desktop.services.contacts import people as contact_service
from mailer_desktop.services.contacts import rights
from mailer_desktop.services.sending import reports as sender_reports

STATES = ("sent", "failed", "deferred", "skipped", "queued")


def _two_campaigns(app, n: int = 700) -> tuple[int, int]:
    """Two campaigns whose deliveries interleave in the table, in mixed states."""
    conn = app.db.conn
    rnd = random.Random(3)
    with app.db.transaction() as tx:
        ids = [contact_service.add_contact(app, f"p{i}@example.com", conn=tx).id for i in range(n)]
    contact_service.create_list(app, "News")
    first = campaigns.create_campaign(app, "First", "Hello", "News", html="<p>Hi</p>")
    second = campaigns.create_campaign(app, "Second", "Hello again", "News", html="<p>Hi</p>")
    with app.db.transaction():
        for cid in ids:
            for campaign in (first, second):
                if campaign == second and cid % 3:
                    continue
                conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, attempts, queued_at) "
                             "VALUES (?, ?, ?, 1, 'x')", (campaign, cid, rnd.choice(STATES)))
    rights.erase_person(app, ids[5], compact_file=False)  # its deliveries go with it (cascade)
    return first, second


def _expected(app, campaign: int, state: str | None) -> list[tuple]:
    rows = app.db.conn.execute("SELECT d.id, c.email, d.state FROM deliveries d JOIN contacts c ON c.id = "
                               "d.contact_id WHERE d.campaign_id = ?", (campaign,)).fetchall()
    return sorted((tuple(r) for r in rows if state is None or r[2] == state), key=lambda r: r[0])


def test_every_window_holds_the_right_rows_in_send_order(app):
    first, second = _two_campaigns(app)
    for campaign in (first, second):
        for state in (None, "sent", "failed", "queued"):
            expected = _expected(app, campaign, state)
            assert sender_reports.delivery_count(app, campaign, state) == len(expected)
            n = len(expected)
            for offset in (0, 1, 150, 199, 200, n // 2, n // 2 + 1, n - 201, n - 200, n - 199, n - 1, n, n + 5):
                for total in (None, n):  # with the log's size, windows in its second half are read from the end
                    window = sender_reports.delivery_page(app, campaign, max(0, offset), 200, state, total)
                    assert [(d.id, d.email, d.state) for d in window] == expected[max(0, offset):max(0, offset) + 200]


def test_a_window_is_found_in_an_index_not_by_sorting_the_whole_campaign(app):
    first, _second = _two_campaigns(app, 50)
    conn = app.db.conn
    for state, offset, total in ((None, 400, None), ("sent", 400, None), (None, 30, 50), ("sent", 8, 10)):
        ran: list[str] = []
        conn.set_trace_callback(ran.append)  # the statement as run, with its values
        try:
            sender_reports.delivery_page(app, first, offset, 200, state, total)
        finally:
            conn.set_trace_callback(None)
        statement = next(s for s in ran if "FROM deliveries" in s or "FROM (SELECT" in s)
        plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + statement))
        # the window's ids come from a narrow index in id order; only the final 200 rows are sorted
        assert "deliveries_by_campaign" in plan or "deliveries_by_state" in plan, plan
        assert "SCAN deliveries" not in plan and "SCAN d " not in plan, plan
        inner = statement[statement.index("(SELECT"):statement.index(") AS w") + 1]
        inner_plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + inner[1:-1]))
        assert "TEMP B-TREE" not in inner_plan, inner_plan
