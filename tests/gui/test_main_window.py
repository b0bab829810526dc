"""The main window: pages, navigation, About, geometry."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mailer_desktop.ui.dialogs.about import AboutDialog, about_facts
from mailer_desktop.ui.main_window import PAGES, MainWindow


def test_every_sidebar_entry_shows_its_page(qtbot, app):
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    assert window.sidebar.count() == len(PAGES)
    for row, spec in enumerate(PAGES):
        item = window.sidebar.item(row)
        rect = window.sidebar.visualItemRect(item)
        qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.stack.currentWidget() is window.pages[spec.key]
        assert window.current_page_key() == spec.key
        assert window.pages[spec.key].isVisible()


def test_keyboard_shortcut_switches_page(qtbot, app):
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    target = next(i for i, s in enumerate(PAGES) if s.key == "templates")
    action = next(a for a in window.actions() if a.text() == "Templates")
    action.trigger()
    assert window.sidebar.currentRow() == target


def test_about_shows_version_data_folder_and_keyring(qtbot, app):
    from mailer_desktop import __version__

    facts = dict(about_facts(app))
    assert facts["Version"] == __version__
    assert facts["Data folder"] == str(app.paths.home)
    assert facts["Keyring"].startswith("memory only")  # a human name, not a class path
    assert "." not in facts["Keyring"].split()[0]
    dialog = AboutDialog(app)
    qtbot.addWidget(dialog)
    assert str(app.paths.home) in dialog.facts.text()


def test_geometry_is_remembered(qtbot, app):
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    window.resize(790, 560)
    qtbot.waitUntil(lambda: window.width() == 790)
    window.close()
    again = MainWindow(app)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (790, 560)


def test_settings_form_saves_to_the_database(qtbot, app):
    window = MainWindow(app)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    from mailer_desktop.ui.widgets.settings_form import SettingsForm

    forms = [f for f in page.findChildren(SettingsForm) if "consent.pending_retention_days" in f.editors]
    assert forms, "the Consent settings form is missing"
    form = forms[0]
    spin = form.editors["consent.pending_retention_days"]
    spin.setValue(14)
    with qtbot.waitSignal(window.events.settings_changed, timeout=2000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert app.settings.get("consent.pending_retention_days") == 14


def test_dropped_files_are_sorted_by_kind(tmp_path):
    from mailer_desktop.ui.main_window import dropped_kind

    maildir = tmp_path / "Maildir"
    (maildir / "cur").mkdir(parents=True)
    for name, kind in (("list.csv", "contacts"), ("Export.XLSX", "contacts"), ("cards.vcf", "contacts"),
                       ("bounce.eml", "mail"), ("archive.mbox", "mail"), ("photo.jpg", None)):
        (tmp_path / name).write_bytes(b"x")
        assert dropped_kind(tmp_path / name) == kind, name
    assert dropped_kind(maildir) == "mail"


def test_missing_keys_at_start_offer_a_restore(qtbot, app, keyring_backend):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from mailer_desktop.services.contacts import people as contacts
    from mailer_desktop.ui.dialogs.missing_keys import MissingKeysDialog

    contacts.add_contact(app, "anna@example.com", confirmed=True, evidence="form")
    app.token_key()
    keyring_backend.store.clear()  # the keyring was wiped (new computer, reset account)
    window = MainWindow(app)
    qtbot.addWidget(window)
    shown = []

    def close_dialog():
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, MissingKeysDialog) and w.isVisible()]
        if dialogs:
            shown.append(dialogs[0])
            dialogs[0].reject()
        else:
            QTimer.singleShot(50, close_dialog)

    QTimer.singleShot(50, close_dialog)
    assert window.check_keys() is False
    assert isinstance(shown[0], MissingKeysDialog)
    assert "missing" in shown[0].problem.message.lower() or shown[0].problem.missing


def test_the_window_shows_with_its_first_page_and_builds_the_others_afterwards(qtbot, app):
    from datetime import UTC, datetime, timedelta

    from mailer_desktop.services.contacts import people as contacts

    old = contacts.add_contact(app, "old.pending@example.com", channel="cli")
    stamp = (datetime.now(UTC) - timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with app.db.transaction() as conn:
        conn.execute("UPDATE contacts SET created_at = ? WHERE id = ?", (stamp, old.id))
    window = MainWindow(app)
    qtbot.addWidget(window)
    assert [k for k in window.pages if window.pages.is_built(k)] == ["dashboard"]
    window.show()
    assert window.current_page_key() == "dashboard"
    # asked for before its turn: built at once and shown
    inbox = window.show_page("inbox")
    assert window.stack.currentWidget() is inbox and window.pages.is_built("inbox")
    qtbot.waitUntil(lambda: all(window.pages.is_built(k) for k in window.pages), timeout=10000)
    assert window.stack.count() == len(PAGES)
    assert [window.stack.indexOf(window.pages[s.key]) for s in PAGES] == list(range(len(PAGES)))
    # the Contacts page, built after the window showed, still purges old unconfirmed contacts
    qtbot.waitUntil(lambda: contacts.get_contact(app, old.id) is None, timeout=10000)


def test_menus_reach_the_common_actions_and_ctrl_f_reaches_the_search(qtbot, app, monkeypatch):
    from PySide6.QtGui import QDesktopServices, QKeySequence

    from mailer_desktop.ui.pages import campaigns_dialogs

    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    titles = {m.title().replace("&", ""): [a.text().replace("&", "") for a in m.actions() if a.text()]
              for m in (a.menu() for a in window.menuBar().actions())}
    assert titles["File"][:3] == ["Import contacts…", "New campaign…", "Back up now…"]
    assert "Open data folder" in titles["File"] and "Set-up assistant…" in titles["File"]
    assert titles["Edit"] == ["Find…"] and titles["Help"][0] == "User guide"
    assert window.menu_actions["find"].shortcut() == QKeySequence(QKeySequence.StandardKey.Find)

    window.show_page("dashboard")
    window.menu_actions["find"].trigger()  # from a page without a search: the contacts' search
    contacts_page = window.pages["contacts"]
    assert window.current_page_key() == "contacts"
    qtbot.waitUntil(lambda: contacts_page.search.hasFocus(), timeout=3000)
    window.show_page("suppression")
    window.menu_actions["find"].trigger()  # a page with its own search keeps it
    assert window.current_page_key() == "suppression"
    qtbot.waitUntil(lambda: window.pages["suppression"].search.hasFocus(), timeout=3000)

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window.menu_actions["data_folder"].trigger()
    assert opened == [str(app.paths.home)]
    window.menu_actions["guide"].trigger()
    assert opened[-1].endswith("README.md")

    shown: list[object] = []
    monkeypatch.setattr(campaigns_dialogs.NewCampaignDialog, "exec", lambda self: shown.append(self) or 0)
    window.menu_actions["new_campaign"].trigger()
    assert window.current_page_key() == "campaigns" and len(shown) == 1

    window.menu_actions["backup"].trigger()  # no passphrase yet: the Backups tab says what it needs
    page = window.pages["settings"]
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Backups"


def test_the_status_bar_speaks_of_the_inbox_only_when_it_is_overdue(qtbot, app):
    from mailer_desktop.services.campaigns import create_campaign
    from mailer_desktop.services.contacts import people as contacts
    from mailer_desktop.services.inbox.status import record_run

    anna = contacts.add_contact(app, "anna@example.com", lists=["News"], confirmed=True, evidence="t")
    cid = create_campaign(app, "Old", "S", "News", html="<p>x</p>")
    app.db.conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, queued_at, finished_at) "
                        "VALUES (?, ?, 'sent', '2020-01-01T00:00:00Z', '2020-01-01T00:00:01Z')", (cid, anna.id))
    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    window.update_inbox_status()  # mail went out long ago and nothing came back processed: overdue
    assert window.status_label.isVisible()
    assert window.status_label.text().startswith("⚠") and "process the inbox" in window.status_label.text()
    record_run(app, whole_mailbox=True)
    window.update_inbox_status()  # processed: Overview and the Inbox page say when; the status bar is quiet
    assert not window.status_label.isVisible() and window.status_label.text() == ""


def test_the_demo_says_it_is_the_demo(qtbot, tmp_path, app):
    from mailer_desktop.services.demo import open_demo

    ordinary = MainWindow(app)
    qtbot.addWidget(ordinary)
    ordinary.show()
    assert not ordinary.demo_label.isVisible() and "demo" not in ordinary.windowTitle()
    demo_app = open_demo(tmp_path / "demo")
    try:
        window = MainWindow(demo_app)
        qtbot.addWidget(window)
        window.show()
        assert window.demo_label.isVisible() and "throw-away" in window.demo_label.text()
        assert window.windowTitle().endswith("— demo")
        window.close()
    finally:
        demo_app.close()


def test_campaigns_without_any_says_what_a_campaign_is_and_offers_the_first_steps(qtbot, app):
    from mailer_desktop.services.campaigns import create_campaign

    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("campaigns")
    assert page.stack.currentWidget() is page.empty and "No campaigns yet" in page.empty.title_label.text()
    labels = [b.text() for b in page.empty.findChildren(type(page.send_button))]
    assert "New campaign…" in labels and "Send confirmation requests…" in labels
    from mailer_desktop.services.contacts import people as contacts

    contacts.add_contact(app, "anna@example.com", lists=["News"], confirmed=True, evidence="t")
    create_campaign(app, "First", "Hello", "News", html="<p>Hello</p>")
    window.events.campaigns_changed.emit()
    assert page.stack.currentIndex() == 1 and page.history_model.rowCount() == 1


def test_the_page_table_names_real_classes_and_start_up_imports_none_of_their_modules():
    """Pages by reference (a function that imports the class), each module loaded when the page
    is first built."""
    import subprocess
    import sys

    from PySide6.QtWidgets import QWidget

    from mailer_desktop.ui.page_table import PAGES

    classes = [spec.page_class() for spec in PAGES]
    assert all(isinstance(c, type) and issubclass(c, QWidget) for c in classes)
    assert len({c.__module__ for c in classes}) == len(PAGES)
    probe = ("import sys; import mailer_desktop.ui.main_window; "
             "print(sorted(m for m in sys.modules if m.startswith('mailer_desktop.ui.pages.')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
