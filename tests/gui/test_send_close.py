"""Closing the program during a send: the window cancels its background jobs, and the send
stops cleanly with the campaign paused (resumable), not cancelled. The send window says which
limit sets the pace."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from send_fixtures import bulk_contacts, loopback_account
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.sending.engine import campaign_status
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.pages.campaigns import CampaignsPage
from mailer_desktop.ui.tasks import JobRunner


def test_closing_during_a_send_pauses_the_campaign(qtbot, app, monkeypatch):
    save_sender(app, name="Corner Shop", from_address="me@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    bulk_contacts(app, [f"r{i}@example.org" for i in range(400)])
    cid = create_campaign(app, "Big", "News for {{ contact.name }}", "News", html="<p>Hello {{ contact.name }}</p>")
    handler = CountingHandler()
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=2, rate=50)
        jobs = JobRunner()
        page = CampaignsPage(UiContext(app=app, jobs=jobs, events=Events()))
        qtbot.addWidget(page)
        page.show()
        page.select_campaign(cid)
        page.account.setCurrentIndex(page.account.findData("local"))
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "paced by the account's limit of 50 messages a second" in
                        page.progress.figures.text(), timeout=20000)
        assert "expected to finish about" in page.progress.figures.text()
        jobs.cancel_all()  # what closing the window does once you agree to quit
        assert jobs.wait_all(20000)
        qtbot.waitUntil(lambda: page.job is None, timeout=20000)
    st = campaign_status(app, cid)
    assert st["state"] == "paused" and "closed during the send" in st["reason"], st
    assert 0 < st["sent"] < 400 and st["uncertain"] == 0
    states = {r[0] for r in app.db.conn.execute("SELECT DISTINCT state FROM deliveries WHERE campaign_id = ?",
                                                 (cid,))}
    assert states == {"sent", "queued"}
    assert all(n == 1 for n in handler.received.values())
