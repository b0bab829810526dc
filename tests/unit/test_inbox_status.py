"""Inbox freshness: reminders when replies wait longer than the setting allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.inbox import status as inbox_status
from mailer_desktop.storage.meta import set_meta

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_nothing_to_say_on_a_new_data_folder(app):
    assert inbox_status.reminder(app, NOW) == ("", False)


def test_oldest_unprocessed_mail_drives_the_reminder(app):
    set_meta(app.db.conn, inbox_status.OLDEST, _iso(NOW - timedelta(hours=5)))
    text, urgent = inbox_status.reminder(app, NOW)
    assert not urgent and "5 hours" in text
    set_meta(app.db.conn, inbox_status.OLDEST, _iso(NOW - timedelta(hours=26)))
    text, urgent = inbox_status.reminder(app, NOW)
    assert urgent and "26 hours" in text and "2 days" in text
    app.settings.set("inbox.reminder_hours", 48)
    assert inbox_status.reminder(app, NOW)[1] is False


def test_a_send_without_processing_afterwards_is_a_reminder(app):
    person = contacts.add_contact(app, "a@example.com", confirmed=True, evidence="form")
    conn = app.db.conn
    conn.execute("INSERT INTO campaigns(name, kind, state, created_at) VALUES ('C', 'campaign', 'done', 'x')")
    conn.execute("INSERT INTO deliveries(campaign_id, contact_id, state, queued_at, finished_at) "
                 "VALUES (1, ?, 'sent', 'x', ?)", (person.id, _iso(NOW - timedelta(hours=30))))
    text, urgent = inbox_status.reminder(app, NOW)
    assert urgent and "30 hours" in text
    inbox_status.record_run(app, whole_mailbox=True)
    text, urgent = inbox_status.reminder(app, datetime.now(UTC))
    assert not urgent and text.startswith("Inbox processed")


def test_a_whole_mailbox_run_clears_the_oldest_mark(app):
    set_meta(app.db.conn, inbox_status.OLDEST, _iso(NOW - timedelta(hours=40)))
    inbox_status.record_run(app, whole_mailbox=False)
    assert inbox_status.oldest_unprocessed(app) is not None  # files say nothing about the mailbox
    inbox_status.record_run(app, whole_mailbox=True)
    assert inbox_status.oldest_unprocessed(app) is None
    assert inbox_status.last_run(app) is not None


def test_the_last_send_is_read_from_an_index_of_sent_mail(app):
    person = contacts.add_contact(app, "a@example.com", confirmed=True, evidence="form")
    other = contacts.add_contact(app, "b@example.com", confirmed=True, evidence="form")
    conn = app.db.conn
    conn.execute("INSERT INTO campaigns(name, kind, state, created_at) VALUES ('C', 'campaign', 'done', 'x')")
    conn.execute("INSERT INTO deliveries(campaign_id, contact_id, state, queued_at, finished_at) "
                 "VALUES (1, ?, 'sent', 'x', ?)", (person.id, _iso(NOW - timedelta(hours=30))))
    conn.execute("INSERT INTO deliveries(campaign_id, contact_id, state, queued_at, finished_at) "
                 "VALUES (1, ?, 'failed', 'x', ?)", (other.id, _iso(NOW - timedelta(hours=1))))
    assert "30 hours" in inbox_status.reminder(app, NOW)[0]  # a failure is no mail sent
    ran: list[str] = []
    conn.set_trace_callback(ran.append)
    try:
        inbox_status.reminder(app, NOW)
    finally:
        conn.set_trace_callback(None)
    statement = next(s for s in ran if "FROM deliveries" in s)
    plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + statement))
    assert "deliveries_sent_at" in plan and "SCAN" not in plan, plan  # not a pass over every delivery
