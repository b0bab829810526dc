"""The dashboard page shows the figures and refreshes when contacts change."""

from __future__ import annotations

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.ui.main_window import MainWindow


def test_dashboard_is_the_first_page_and_refreshes(qtbot, app):
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    assert window.current_page_key() == "dashboard"
    page = window.pages["dashboard"]
    qtbot.waitUntil(lambda: not page.busy and page.overview is not None, timeout=5000)  # read in a background job
    assert page.cards["total"].text() == "0"
    assert "not been processed" in page.inbox_label.text()
    contacts.add_contact(app, "anna@example.com", confirmed=True, evidence="form on the shop website")
    contacts.add_contact(app, "ben@example.com")
    window.events.contacts_changed.emit()
    window.events.contacts_changed.emit()  # asked again while it reads: read once more afterwards
    assert page.busy
    qtbot.waitUntil(lambda: not page.busy, timeout=5000)
    assert page.cards["total"].text() == "2"
    assert page.cards["confirmed"].text() == "1"
    assert page.cards["pending"].text() == "1"
    assert "Confirmed: 1" in page.status_bar.accessibleDescription()
    assert page.table.rowCount() == 0


def test_overview_says_the_next_step_of_the_journey_and_its_button_takes_it(qtbot, app, monkeypatch):
    from mailer_desktop.services.compose.templates import install_starter, starter_templates
    from mailer_desktop.services.sending.identity import save_sender
    from mailer_desktop.ui.dialogs import setup_assistant
    from mailer_desktop.ui.pages import campaigns_dialogs

    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["dashboard"]

    def step() -> str | None:
        window.events.settings_changed.emit()
        qtbot.waitUntil(lambda: not page.busy, timeout=5000)
        return page.next.key if page.next is not None and not page.next_box.isHidden() else None

    # a cancelled set-up assistant leaves a notice, not an empty Overview
    assert step() == "setup" and "Set-up is not finished" in page.next_label.text()
    assert "postal address" in page.next_label.text()
    opened: list[str] = []
    monkeypatch.setattr(setup_assistant.SetupAssistant, "exec", lambda self: opened.append("assistant") or 0)
    page.next_button.click()
    assert opened == ["assistant"]

    save_sender(app, name="Corner Bakery", from_address="news@bakery.example",
                postal_address="12 Baker Street, Springfield", unsubscribe_mailbox="leave@bakery.example")
    assert step() == "contacts" and page.next_button.text() == "Import contacts…"
    contacts.add_contact(app, "anna@example.com", lists=["News"])
    assert step() == "confirm" and "1 contact waits" in page.next_label.text()
    monkeypatch.setattr(window.show_page("campaigns"), "send_confirmation_requests",
                        lambda: opened.append("requests"))
    window.show_page("dashboard")
    page.next_button.click()
    assert opened[-1] == "requests" and window.current_page_key() == "campaigns"

    contacts.change_status(app, contacts.find_by_email(app, "anna@example.com").id, "confirmed", "gui",
                           evidence="signed the paper form")
    assert step() == "template"
    install_starter(app, starter_templates()[0].key)
    assert step() == "campaign"
    monkeypatch.setattr(campaigns_dialogs.NewCampaignDialog, "exec", lambda self: opened.append("new") or 0)
    window.show_page("dashboard")
    page.next_button.click()
    assert opened[-1] == "new"
    from mailer_desktop.services.campaigns import create_campaign

    create_campaign(app, "First", "Hello", "News", html="<p>Hello</p>")
    assert step() is None  # the journey's steps are done: no box
