"""The window at 1024×700: the columns that matter show whole (headers, statuses, campaign
names, addresses), less important ones give way, and long text elides with its tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.ui.main_window import MainWindow
from mailer_desktop.ui.models.contacts_model import STATUS_LABELS


def _fits(view, col: int, text: str) -> bool:
    return view.fontMetrics().horizontalAdvance(text) + 8 <= view.horizontalHeader().sectionSize(col)


def _clipped_headers(view) -> list[str]:
    from PySide6.QtGui import QFont, QFontMetrics

    header = view.horizontalHeader()
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)  # as the theme draws headers
    metrics = QFontMetrics(font)
    model = view.model()
    out = []
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        title = str(model.headerData(col, Qt.Orientation.Horizontal))
        if metrics.horizontalAdvance(title) + 8 > header.sectionSize(col):
            out.append(title)
    return out


def _visible_width(view) -> int:
    header = view.horizontalHeader()
    return sum(header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c))


@pytest.fixture
def window(qtbot, app):
    save_sender(app, name="Corner Bakery", from_address="news@bakery.example",
                postal_address="12 Baker Street, Springfield", unsubscribe_mailbox="leave@bakery.example")
    for i in range(30):
        contacts.add_contact(app, f"amelie.garcia-fernandez.{i}@boulangerie-du-quartier.example",
                             f"Amélie García Fernández {i}", lists=["Newsletter"], confirmed=i % 2 == 0,
                             evidence="shop form")
    create_campaign(app, "Christmas orders and the new year's opening hours", "News", "Newsletter",
                    html="<p>Hello</p>")
    w = MainWindow(app)
    qtbot.addWidget(w)
    w.resize(1024, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_contacts_at_1024_by_700(qtbot, window):
    page = window.show_page("contacts")
    qtbot.waitUntil(lambda: page.model.total == 30, timeout=10000)
    qtbot.wait(50)
    table = page.table
    assert _clipped_headers(table) == []
    assert all(_fits(table, 2, label) for label in STATUS_LABELS.values())  # never "Pend" / "Conf"
    assert table.horizontalHeader().sectionSize(0) >= 180
    assert _visible_width(table) <= table.viewport().width() + 1
    index = page.model.index(0, 0)
    email = page.model.data(index)
    assert page.model.data(index, Qt.ItemDataRole.ToolTipRole) == email  # elided text: whole in the tooltip
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_campaigns_at_1024_by_700(qtbot, window):
    page = window.show_page("campaigns")
    qtbot.waitUntil(lambda: not page.counting, timeout=10000)
    history = page.history
    assert _clipped_headers(history) == []
    assert history.horizontalHeader().sectionSize(0) >= 140  # the name is not reduced to "…"
    assert _visible_width(history) <= history.viewport().width() + 1
    index = page.history_model.index(0, 0)
    assert page.history_model.data(index, Qt.ItemDataRole.ToolTipRole).startswith(
        "Christmas orders and the new year's opening hours")
    assert _clipped_headers(page.log_view) == []
    assert _visible_width(page.log_view) <= page.log_view.viewport().width() + 1

    window.resize(1440, 900)  # room again: the columns given up come back
    qtbot.waitUntil(lambda: not any(history.horizontalHeader().isSectionHidden(c)
                                    for c in range(history.model().columnCount())), timeout=3000)


def test_suppression_list_at_1024_by_700(qtbot, window, app):
    from mailer_desktop.services.contacts import suppression
    from mailer_desktop.ui.models.suppression_model import REASON_LABELS

    suppression.suppress(app, "somebody.with.a.long.address@example.com", "complaint", note="reported as spam")
    page = window.show_page("suppression")
    page.model.refresh()
    qtbot.waitUntil(lambda: page.model.total >= 1, timeout=10000)
    table = page.table
    assert _clipped_headers(table) == []
    assert all(_fits(table, 2, label) for label in REASON_LABELS.values())  # never "Spam …"
    assert _visible_width(table) <= table.viewport().width() + 1


def test_every_page_has_its_icon_in_the_sidebar(window):
    from mailer_desktop.ui.main_window import PAGES

    assert all(not window.sidebar.item(row).icon().isNull() for row in range(len(PAGES)))


def test_inbox_at_1024_by_700(qtbot, window):
    page = window.show_page("inbox")
    page.refresh()
    for table in (page.review, page.history):
        assert _clipped_headers(table) == []
        assert _visible_width(table) <= table.viewport().width() + 1
        assert table.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_consent_trail_fits_the_detail_pane_at_1024_by_700(qtbot, window, app):
    """The trail wraps in its narrow pane instead of scrolling sideways."""
    contact = contacts.find_by_email(app, "amelie.garcia-fernandez.0@boulangerie-du-quartier.example")
    contacts.update_contact(app, contact.id, name="Amélie García Fernández, Boulangerie du Quartier")
    page = window.show_page("contacts")
    qtbot.waitUntil(lambda: page.model.total == 30, timeout=10000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.contact is not None, timeout=5000)
    trail = page.detail.trail
    qtbot.waitUntil(lambda: trail.rowCount() >= 2, timeout=5000)
    assert trail.horizontalScrollBar().maximum() == 0  # nothing hides to the right
    assert _visible_width(trail) <= trail.viewport().width() + 1
    line = trail.fontMetrics().lineSpacing()
    assert max(trail.rowHeight(r) for r in range(trail.rowCount())) >= 3 * line  # details wrap onto lines
    for r in range(trail.rowCount()):
        for c in range(trail.columnCount()):
            item = trail.item(r, c)
            assert item.toolTip() == item.text()
    assert "Through:" in trail.item(0, 2).text()
