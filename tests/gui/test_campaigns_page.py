"""The Campaigns page driven as a user would, sending to a real SMTP server on loopback."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from send_fixtures import bulk_contacts, loopback_account
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.storage import templates as template_store
from mailer_desktop.storage.db import now_iso
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.models.deliveries_model import DeliveriesModel
from mailer_desktop.ui.pages.campaigns import CampaignsPage
from mailer_desktop.ui.pages.campaigns_dialogs import NewCampaignDialog
from mailer_desktop.ui.tasks import JobRunner

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def setup(app):
    save_sender(app, name="Corner Shop", from_address="me@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    with app.db.transaction() as conn:
        tid = template_store.insert_template(conn, name="Monthly", subject="News for {{ contact.name }}", preheader="",
                                             source_format="html", source="<p>Hello {{ contact.name }}</p>", text="",
                                             now=now_iso())
    return tid


@pytest.fixture
def server():
    with Server(CountingHandler()) as srv:
        yield srv


class Asked:
    """Stands in for QMessageBox.question: records the text, answers Yes."""

    def __init__(self):
        self.texts: list[str] = []

    def __call__(self, parent, title, text, *args, **kwargs):
        self.texts.append(text)
        return QMessageBox.StandardButton.Yes


def _page(qtbot, app):
    page = CampaignsPage(UiContext(app=app, jobs=JobRunner(), events=Events()))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _figures_read(qtbot, page) -> None:
    """The campaign history's figures are read in the background: wait for them."""
    qtbot.waitUntil(lambda: not page.counting, timeout=10000)


def _log_read(qtbot, page) -> None:
    """The send log's size and first rows are read in the background: wait for them."""
    qtbot.waitUntil(lambda: not page.log_model.reading, timeout=10000)


def _choose_account(page, name):
    page.account.setCurrentIndex(page.account.findData(name))


def test_new_campaign_preview_count_send_and_log(qtbot, app, setup, server, monkeypatch):
    bulk_contacts(app, [f"r{i}@example.org" for i in range(5)])
    bulk_contacts(app, ["wait@example.org"], status="pending")
    loopback_account(app, server.port, pool_size=2)
    page = _page(qtbot, app)
    dialog = NewCampaignDialog(app, page)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "April news")
    dialog.create()
    assert dialog.result() == NewCampaignDialog.DialogCode.Accepted
    page.select_campaign(dialog.campaign_id)
    assert page.title.text() == "April news"
    qtbot.waitUntil(lambda: "5 people will receive it" in page.summary.text(), timeout=10000)
    assert "1 not confirmed yet" in page.summary.text()
    assert "Must be fixed" not in page.preflight.text()

    _choose_account(page, "local")
    asked = Asked()
    monkeypatch.setattr(QMessageBox, "question", asked)
    qtbot.mouseClick(page.send_button, LEFT)
    qtbot.waitUntil(lambda: page.last_result is not None and page.job is None, timeout=30000)
    assert "to 5 people" in asked.texts[0] and "not confirmed yet" in asked.texts[0]
    assert page.last_result["sent"] == 5 and server.handler.total == 5
    assert "5 sent" in page.message.text()
    _figures_read(qtbot, page)
    line = page.history_model.line_at(page.history_model.row_of(dialog.campaign_id))
    assert (line.state, line.sent, line.counted) == ("done", 5, True)
    _log_read(qtbot, page)
    assert page.log_model.total == 6
    page.state_filter.setCurrentIndex(page.state_filter.findData("skipped"))
    _log_read(qtbot, page)
    assert page.log_model.total == 1
    assert page.log_model.line_at(0).reply == "pending"


def test_a_new_draft_does_not_show_the_previous_campaigns_send(qtbot, app, setup, server, monkeypatch):
    bulk_contacts(app, [f"r{i}@example.org" for i in range(6)])
    sent_id = create_campaign(app, "March news", "", "News", template_id=setup)
    loopback_account(app, server.port, pool_size=2)
    page = _page(qtbot, app)
    page.select_campaign(sent_id)
    _choose_account(page, "local")
    monkeypatch.setattr(QMessageBox, "question", Asked())
    qtbot.mouseClick(page.send_button, LEFT)
    qtbot.waitUntil(lambda: page.last_result is not None and page.job is None, timeout=30000)
    qtbot.waitUntil(lambda: "6 sent, 0 failed" in page.summary.text(), timeout=10000)
    # the run's line says what this send did; the totals are in the summary only, and the
    # progress panel has gone with the send
    assert page.message.text() == "This send: 6 sent."
    assert page.progress.bar.isHidden() and page.progress.figures.text() == ""
    assert page.progress.pause_button.isHidden()
    # a finished campaign offers no "Resume sending…"
    _figures_read(qtbot, page)
    assert not page.send_button.isEnabled() and page.send_button.text() == "Send…"
    assert "has been sent" in page.send_button.toolTip()
    page.state_filter.setCurrentIndex(page.state_filter.findData("uncertain"))

    draft_id = create_campaign(app, "April news", "", "News", template_id=setup)
    page.select_campaign(draft_id)
    assert page.title.text() == "April news"
    assert page.message.text() == ""
    assert page.progress.bar.isHidden() and page.progress.figures.text() == ""
    assert page.state_filter.currentData() is None  # back to Everyone
    qtbot.waitUntil(lambda: "6 people will receive it" in page.summary.text(), timeout=10000)
    assert "sent" not in page.summary.text()
    assert page.send_button.isEnabled() and page.send_button.text() == "Send…"
    page.select_campaign(sent_id)  # the finished one again: its figures, nothing of the draft's
    qtbot.waitUntil(lambda: "6 sent" in page.summary.text(), timeout=10000)
    assert page.message.text() == ""


def test_send_a_test_to_me(qtbot, app, setup, server):
    list_id = bulk_contacts(app, ["r@example.org"])
    assert list_id
    cid = create_campaign(app, "T", "", "News", template_id=setup)
    loopback_account(app, server.port)
    page = _page(qtbot, app)
    page.select_campaign(cid)
    _choose_account(page, "local")
    page.test_address.clear()
    qtbot.keyClicks(page.test_address, "owner@shop.example")
    qtbot.mouseClick(page.test_button, LEFT)
    qtbot.waitUntil(lambda: "Test sent to owner@shop.example" in page.message.text(), timeout=20000)
    assert server.handler.received == {"owner@shop.example": 1}
    _log_read(qtbot, page)
    assert page.log_model.total == 0  # a test copy is not part of the campaign's log


def test_pause_resume_and_cancel(qtbot, app, setup, server, monkeypatch):
    bulk_contacts(app, [f"r{i}@example.org" for i in range(400)])
    cid = create_campaign(app, "Big", "", "News", template_id=setup)
    loopback_account(app, server.port, pool_size=2, rate=100)
    page = _page(qtbot, app)
    page.select_campaign(cid)
    _choose_account(page, "local")
    monkeypatch.setattr(QMessageBox, "question", Asked())
    qtbot.mouseClick(page.send_button, LEFT)
    qtbot.waitUntil(lambda: server.handler.total >= 20, timeout=20000)
    qtbot.mouseClick(page.progress.pause_button, LEFT)
    qtbot.waitUntil(lambda: app.db.conn.execute("SELECT state FROM campaigns WHERE id = ?", (cid,)).fetchone()[0]
                    == "paused", timeout=10000)
    settled = server.handler.total
    qtbot.wait(300)
    assert server.handler.total <= settled + 2   # at most the messages already under way
    assert page.progress.resume_button.isEnabled()
    qtbot.mouseClick(page.progress.resume_button, LEFT)
    qtbot.waitUntil(lambda: server.handler.total >= settled + 20, timeout=20000)
    qtbot.mouseClick(page.progress.cancel_button, LEFT)
    qtbot.waitUntil(lambda: page.job is None, timeout=20000)
    assert page.last_result["state"] == "cancelled"
    assert 40 <= page.last_result["sent"] < 400
    assert not page.send_button.isEnabled()


def test_uncertain_rows_are_shown_and_resent_only_on_request(qtbot, app, setup, server, monkeypatch):
    bulk_contacts(app, [f"r{i}@example.org" for i in range(4)])
    cid = create_campaign(app, "U", "", "News", template_id=setup)
    loopback_account(app, server.port)
    page = _page(qtbot, app)
    page.select_campaign(cid)
    _choose_account(page, "local")
    monkeypatch.setattr(QMessageBox, "question", Asked())
    qtbot.mouseClick(page.send_button, LEFT)
    qtbot.waitUntil(lambda: page.job is None and page.last_result is not None, timeout=20000)
    with app.db.transaction() as conn:  # as if the program had died mid-transaction on one message
        conn.execute("UPDATE deliveries SET state = 'uncertain' WHERE id = "
                     "(SELECT MIN(id) FROM deliveries WHERE campaign_id = ?)", (cid,))
    page.refresh()
    _figures_read(qtbot, page)
    assert page.resend_button.isEnabled()
    qtbot.waitUntil(lambda: "1 uncertain" in page.summary.text(), timeout=10000)
    qtbot.mouseClick(page.resend_button, LEFT)
    assert "1 message will be sent again" in page.message.text()  # one message, not "1 messages"
    page.last_result = None
    qtbot.mouseClick(page.send_button, LEFT)
    qtbot.waitUntil(lambda: page.last_result is not None and page.job is None, timeout=20000)
    assert page.last_result["sent"] == 4
    assert server.handler.total == 5


def test_confirmation_requests_button(qtbot, app, setup, server):
    from mailer_desktop.services.contacts import people as contacts

    contacts.add_contact(app, "new@example.org", lists=["News"])
    contacts.add_contact(app, "other@example.org", lists=["Shop"])
    loopback_account(app, server.port)
    page = _page(qtbot, app)
    _choose_account(page, "local")
    seen: dict[str, str] = {}

    def answer(cancel: bool) -> None:
        dialog = page.confirmation_dialog
        qtbot.waitUntil(lambda: dialog.due == 2, timeout=10000)  # every pending contact first
        seen["all"] = dialog.count.text()
        dialog.list.setCurrentIndex(dialog.list.findData("News"))
        qtbot.waitUntil(lambda: dialog.due == 1, timeout=10000)
        seen["news"], seen["button"] = dialog.count.text(), dialog.send_button.text()
        (dialog.reject if cancel else dialog.send_button.click)()

    QTimer.singleShot(0, lambda: answer(cancel=True))
    qtbot.mouseClick(page.confirm_button, LEFT)  # asked first: cancelling sends nothing
    assert page.job is None and server.handler.total == 0
    assert seen == {"all": "2 people receive a request now.", "news": "1 person receives a request now.",
                    "button": "Send to 1 person"}
    QTimer.singleShot(0, lambda: answer(cancel=False))
    qtbot.mouseClick(page.confirm_button, LEFT)
    qtbot.waitUntil(lambda: page.job is None and page.last_result is not None, timeout=20000)
    assert server.handler.received == {"new@example.org": 1}  # only the chosen list's pending contact
    assert page.history_model.line_at(0).kind == "confirmation"


def test_confirmation_requests_say_when_nobody_is_due(qtbot, app, setup):
    page = _page(qtbot, app)
    texts: list[str] = []

    def answer() -> None:
        dialog = page.confirmation_dialog
        qtbot.waitUntil(lambda: dialog.due == 0, timeout=10000)
        texts.append(dialog.count.text())
        texts.append(str(dialog.send_button.isEnabled()))
        dialog.reject()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(page.confirm_button, LEFT)
    assert texts[0].startswith("Nobody is due") and texts[1] == "False"
    assert page.job is None


def test_deliveries_model_without_a_view(qtbot, app, setup, server):
    from mailer_desktop.services.sending.engine import send_campaign

    bulk_contacts(app, [f"r{i}@example.org" for i in range(450)])
    cid = create_campaign(app, "M", "", "News", template_id=setup)
    loopback_account(app, server.port, pool_size=4)
    send_campaign(app, cid, "local")
    model = DeliveriesModel(app)
    model.show_campaign(cid)
    assert model.rowCount() == 0 and model.reading  # read in a thread of its own
    qtbot.waitUntil(lambda: not model.reading, timeout=10000)
    assert model.rowCount() == 450
    last = model.index(449, 0)
    assert model.data(last) == "r449@example.org"
    assert model.data(model.index(449, 1)) == "Sent"
    assert model.data(model.index(0, 3)).startswith("250")


def test_event_loop_stays_responsive_while_sending(qtbot, app, setup, monkeypatch):
    """A heartbeat timer measures the longest stall of the event loop during a send. The server is
    Postfix's smtp-sink in its own process, as a real server would be.

    The target is 50 ms; on a shared, loaded machine the scheduler alone causes stalls of that
    size, so the test fails only on stalls that mean the GUI thread did real work (a blocking
    count or SQL on the GUI thread costs hundreds of milliseconds at this size). The measured
    figure is printed."""
    import smtp_sink as sink

    if not sink.available():
        pytest.skip("Postfix's smtp-sink is not installed")
    n = 3000
    bulk_contacts(app, [f"r{i}@example.org" for i in range(n)])
    cid = create_campaign(app, "Heartbeat", "", "News", template_id=setup)
    server = sink.Sink()
    request_stop = server.stop
    loopback_account(app, server.port, pool_size=4)
    page = _page(qtbot, app)
    page.select_campaign(cid)
    _choose_account(page, "local")
    monkeypatch.setattr(QMessageBox, "question", Asked())
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    beat = QTimer()
    beat.setInterval(5)

    def tick():
        gaps.append(clock.restart())

    beat.timeout.connect(tick)
    beat.start()
    qtbot.mouseClick(page.send_button, LEFT)
    started = time.monotonic()
    try:
        qtbot.waitUntil(lambda: page.job is None and page.last_result is not None, timeout=120000)
    finally:
        beat.stop()
        request_stop()
    assert page.last_result["sent"] == n, page.last_error
    longest = max(gaps)
    print(f"heartbeat: longest stall {longest} ms over {time.monotonic() - started:.1f} s")
    assert longest <= 250


def test_preflight_errors_block_the_send_button(qtbot, app, setup):
    app.settings.set("sender.postal_address", "")
    bulk_contacts(app, ["r@example.org"])
    cid = create_campaign(app, "No address", "", "News", template_id=setup)
    page = _page(qtbot, app)
    page.select_campaign(cid)
    qtbot.waitUntil(lambda: "Must be fixed before sending" in page.preflight.text(), timeout=10000)
    assert "postal" in page.preflight.text().lower()
    assert not page.send_button.isEnabled()


def test_history_figures_are_read_in_the_background(qtbot, app, setup, monkeypatch):
    import threading

    from mailer_desktop.services.sending import reports as sender_reports

    bulk_contacts(app, [f"r{i}@example.org" for i in range(3)])
    cid = create_campaign(app, "Sent one", "", "News", template_id=setup)
    with app.db.transaction() as conn:
        conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, queued_at) "
                     "SELECT ?, id, CASE WHEN id = 1 THEN 'failed' ELSE 'sent' END, 'x' FROM contacts", (cid,))
    on_window_thread: list[bool] = []
    real = sender_reports.campaign_counts

    def counts(app_):
        on_window_thread.append(threading.current_thread() is threading.main_thread())
        return real(app_)

    monkeypatch.setattr(sender_reports, "campaign_counts", counts)
    page = _page(qtbot, app)
    model = page.history_model
    row = model.row_of(cid)
    assert row >= 0 and page.counting
    assert [model.data(model.index(row, c)) for c in (3, 4)] == ["…", "…"]  # not read yet: not shown as 0
    page.history.selectRow(row)
    _figures_read(qtbot, page)
    assert [model.data(model.index(row, c)) for c in (3, 4)] == ["2", "1"]
    assert on_window_thread and not any(on_window_thread)
    assert page.history.currentIndex().row() == row  # new figures keep the selection
    page.refresh()  # later refreshes show the last figures until the new ones are read
    assert model.data(model.index(model.row_of(cid), 3)) == "2"
    _figures_read(qtbot, page)


def test_send_log_is_read_in_a_thread_of_its_own(qtbot, app, setup, monkeypatch):
    import threading

    from mailer_desktop.services.sending import reports as sender_reports

    bulk_contacts(app, [f"r{i}@example.org" for i in range(5)])
    first = create_campaign(app, "A", "", "News", template_id=setup)
    second = create_campaign(app, "B", "", "News", template_id=setup)
    with app.db.transaction() as conn:
        for cid, every in ((first, 1), (second, 2)):
            conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, queued_at) "
                         "SELECT ?, id, 'sent', 'x' FROM contacts WHERE id % ? = 0", (cid, every))
    threads: list[str] = []
    real_count = sender_reports.delivery_count

    def count(app_, cid, state=None):
        threads.append(threading.current_thread().name)
        if cid == second and threading.current_thread().name == "send-log-reader" and fail:
            raise OSError("disk went away")
        return real_count(app_, cid, state)

    fail = False
    monkeypatch.setattr(sender_reports, "delivery_count", count)
    model = DeliveriesModel(app)
    model.show_campaign(first)
    qtbot.waitUntil(lambda: not model.reading, timeout=10000)
    assert model.rowCount() == 5 and threads == ["send-log-reader"]
    model.show_campaign(second)
    assert model.rowCount() == 5  # the rows shown stay until the new ones are read
    qtbot.waitUntil(lambda: not model.reading, timeout=10000)
    assert model.rowCount() == 2 and model.data(model.index(0, 0)) == "r1@example.org"
    fail = True
    model.refresh()
    qtbot.waitUntil(lambda: not model.reading, timeout=10000)
    assert model.rowCount() == 2 and threads[-1] == "MainThread"  # read again on the window's thread


def test_a_draft_is_edited_renamed_duplicated_and_deleted(qtbot, app, setup):
    from scripted_prompts import ScriptedPrompts

    from mailer_desktop.services import campaigns as campaign_service

    bulk_contacts(app, ["r@example.org"])
    cid = create_campaign(app, "June news", "", "News", template_id=setup)
    page = _page(qtbot, app)
    page.prompts = ScriptedPrompts()
    told: list[str] = []
    page.ctx.events.status_message.connect(told.append)
    page.select_campaign(cid)
    assert all(b.isEnabled() for b in page.campaign_actions())

    qtbot.mouseClick(page.edit_button, LEFT)  # the composer, with its preview, on the draft
    assert page.composer is not None and page.composer.campaign.id == cid
    page.composer.reject()

    page.prompts.answers["text"] = ["  June   bakery news "]
    qtbot.mouseClick(page.rename_button, LEFT)
    assert page.title.text() == "June bakery news"

    qtbot.mouseClick(page.duplicate_button, LEFT)
    copy_id = page.campaign_id
    assert copy_id != cid and page.title.text() == "June bakery news (copy)"
    assert told[-1] == "Created the draft “June bakery news (copy)”."
    assert page.history.currentIndex().row() == page.history_model.row_of(copy_id)

    page.prompts.answers["confirm"] = [False]
    qtbot.mouseClick(page.delete_button, LEFT)
    assert campaign_service.get_campaign(app, copy_id) is not None
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.delete_button, LEFT)
    assert campaign_service.get_campaign(app, copy_id) is None
    assert told[-1] == "Deleted the draft “June bakery news (copy)”."
    assert page.history_model.row_of(copy_id) < 0

    # a sent campaign: no edit, no delete; it can be renamed and duplicated
    app.db.conn.execute("UPDATE campaigns SET state = 'done' WHERE id = ?", (cid,))
    page.refresh()
    page.select_campaign(cid)
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert page.rename_button.isEnabled() and page.duplicate_button.isEnabled()
    assert "Duplicate it" in page.edit_button.toolTip()


def test_new_campaign_dialog_is_wide_enough_for_its_hints(qtbot, app, setup):
    bulk_contacts(app, ["r@example.org"])
    dialog = NewCampaignDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    hint = dialog.subject.fontMetrics().horizontalAdvance(dialog.subject.placeholderText())
    assert dialog.subject.width() > hint + 10
