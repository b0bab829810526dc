"""The dashboard page shows the figures and refreshes when contacts change."""

from __future__ import annotations

from mailer_desktop.services import contacts
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
