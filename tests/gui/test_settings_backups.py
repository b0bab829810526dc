"""Settings → Backups and the missing-keys start-up dialog, driven like a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mailer_desktop.secrets import TOKEN_KEY
from mailer_desktop.services.app import open_app
from mailer_desktop.services.backup import archive as backup
from mailer_desktop.services.backup import keys_guard
from mailer_desktop.services.contacts import people as contacts_service
from mailer_desktop.services.contacts import suppression
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.missing_keys import MissingKeysDialog
from mailer_desktop.ui.pages.settings import SettingsPage
from mailer_desktop.ui.tasks import JobRunner
from mailer_desktop.ui.widgets.settings_backups import BackupSettings

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The scrypt cost is stored in each file's header; a lower one keeps these tests quick.
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)



def _ctx(app) -> UiContext:
    return UiContext(app=app, jobs=JobRunner(), events=Events())


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def widget(qtbot, app):
    w = BackupSettings(_ctx(app), schedule=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.ctx.jobs.wait_all()


def test_settings_page_hosts_the_backups_tab(qtbot, app):
    page = SettingsPage(_ctx(app))
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    tab = page.tabs.widget(titles.index("Backups")).widget()
    assert isinstance(tab, BackupSettings)
    if tab.scheduler is not None:
        tab.scheduler.timer.stop()


def test_save_folder_schedule_and_remembered_passphrase(qtbot, widget, app, tmp_path):
    folder = tmp_path / "cloud"
    widget.folder_edit.clear()
    qtbot.keyClicks(widget.folder_edit, str(folder))
    widget.keep_spin.setValue(3)
    widget.daily_check.setChecked(False)
    qtbot.keyClicks(widget.passphrase_edit, PASS)
    qtbot.keyClicks(widget.repeat_edit, PASS + "x")
    widget.remember_check.setChecked(True)
    _click(qtbot, widget.save_button)
    assert "differ" in widget.status.text() and backup.auto_passphrase(app) is None
    widget.repeat_edit.clear()
    qtbot.keyClicks(widget.repeat_edit, PASS)
    with qtbot.waitSignal(widget.ctx.events.settings_changed, timeout=5000):
        _click(qtbot, widget.save_button)
    assert backup.auto_passphrase(app) == PASS  # in the keyring, not in a file
    assert app.settings.get("backup.folder") == str(folder)
    assert app.settings.get("backup.keep") == 3 and app.settings.get("backup.daily") is False
    assert "is stored" in widget.stored_label.text() and widget.forget_button.isEnabled()
    assert PASS not in str(app.settings.all())
    _click(qtbot, widget.forget_button)
    assert backup.auto_passphrase(app) is None and not widget.forget_button.isEnabled()


def test_back_up_now_lists_the_backup(qtbot, widget, app):
    _click(qtbot, widget.backup_button)
    assert "Type a passphrase first" in widget.status.text()  # none typed, none stored
    qtbot.keyClicks(widget.passphrase_edit, PASS)
    _click(qtbot, widget.backup_button)
    qtbot.waitUntil(lambda: widget.table.rowCount() == 1 and widget.job is None, timeout=20000)
    info = backup.list_backups(app.paths.backups)[0]
    assert widget.table.item(0, 2).text() == info.path.name
    assert widget.table.item(0, 1).text().endswith("KB")
    assert info.path.name in widget.status.text()
    assert "Last backup" in widget.last_label.text()


def test_restore_replaces_data_after_the_warning(qtbot, widget, app, monkeypatch):
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    backup.create_backup(app, PASS)
    contacts_service.add_contact(app, "later@example.com")
    suppression.suppress(app, "blocked.example", reason="manual")  # kept by the restore
    widget.refresh_list()
    widget.table.selectRow(0)
    qtbot.keyClicks(widget.passphrase_edit, PASS)
    asked = []
    monkeypatch.setattr(widget, "confirm_restore", lambda path: asked.append(path) or False)
    _click(qtbot, widget.restore_button)
    assert len(asked) == 1 and widget.job is None  # declined: nothing happens
    assert contacts_service.find_by_email(app, "later@example.com") is not None
    monkeypatch.setattr(widget, "confirm_restore", lambda path: True)
    with qtbot.waitSignal(widget.ctx.events.contacts_changed, timeout=20000):
        _click(qtbot, widget.restore_button)
    qtbot.waitUntil(lambda: widget.job is None)
    assert "Restored" in widget.status.text()
    assert "Kept 1 suppression list entry made since the backup (opt-outs, blocks, erasures)." in widget.status.text()
    assert suppression.is_suppressed(app, "someone@blocked.example")
    assert contacts_service.find_by_email(app, "later@example.com") is None
    assert contacts_service.find_by_email(app, "alice@example.com") is not None


def test_restore_with_wrong_passphrase_says_so_and_changes_nothing(qtbot, widget, app, monkeypatch):
    backup.create_backup(app, PASS)
    contacts_service.add_contact(app, "later@example.com")
    suppression.suppress(app, "blocked.example", reason="manual")  # kept by the restore
    widget.refresh_list()
    widget.table.selectRow(0)
    qtbot.keyClicks(widget.passphrase_edit, "not the passphrase")
    monkeypatch.setattr(widget, "confirm_restore", lambda path: True)
    _click(qtbot, widget.restore_button)
    qtbot.waitUntil(lambda: widget.job is None and "passphrase does not open" in widget.status.text(),
                    timeout=20000)
    assert contacts_service.find_by_email(app, "later@example.com") is not None
    assert widget.restore_button.isEnabled()


def test_scheduler_makes_the_daily_backup_with_the_stored_passphrase(qtbot, app):
    backup.set_auto_passphrase(app, PASS)
    w = BackupSettings(_ctx(app))
    qtbot.addWidget(w)
    w.scheduler.timer.stop()
    with qtbot.waitSignal(w.scheduler.backed_up, timeout=20000):
        w.scheduler.run_now()
    qtbot.waitUntil(lambda: w.table.rowCount() == 1)
    w.ctx.jobs.wait_all()


@pytest.fixture
def lost_keys(app, keyring_backend):
    """A folder with contacts and a backup whose keyring was wiped, reopened."""
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    old_key = app.token_key()
    backup.create_backup(app, PASS)
    keyring_backend.store.clear()
    home = app.paths.home
    app.close()
    reopened = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    yield reopened, old_key
    reopened.close()


def test_startup_opens_the_missing_keys_dialog(qtbot, lost_keys):
    from PySide6.QtCore import QTimer

    from mailer_desktop.ui.main_window import MainWindow

    app, _ = lost_keys
    window = MainWindow(app)
    qtbot.addWidget(window)
    seen = []

    def answer_later():
        dialogs = [t for t in QApplication.topLevelWidgets() if isinstance(t, MissingKeysDialog) and t.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, answer_later)
            return
        with pytest.raises(keys_guard.KeysMissing):  # sending is blocked while the dialog waits
            app.token_key()
        seen.append(dialogs)
        dialogs[0].reject()

    QTimer.singleShot(50, answer_later)
    assert window.check_keys() is False  # the user decided later: still blocked
    assert len(seen) == 1 and len(seen[0]) == 1  # exactly one dialog


def test_dialog_restores_the_newest_backup(qtbot, lost_keys):
    app, old_key = lost_keys
    problem = keys_guard.check_keys(app)
    dialog = MissingKeysDialog(_ctx(app), problem)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.selected_path() == backup.newest_good_backup(app.paths.backups, app.install_id).path
    _click(qtbot, dialog.restore_button)
    assert "passphrase" in dialog.status.text()
    qtbot.keyClicks(dialog.passphrase_edit, PASS)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        _click(qtbot, dialog.restore_button)
    assert app.token_key() == old_key
    assert keys_guard.check_keys(app) is None
    dialog.ctx.jobs.wait_all()


def test_dialog_new_keys_only_after_the_warning_is_acknowledged(qtbot, lost_keys):
    app, old_key = lost_keys
    dialog = MissingKeysDialog(_ctx(app), keys_guard.check_keys(app))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.new_keys_button.isEnabled()
    dialog.understand_check.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _click(qtbot, dialog.new_keys_button)
    new_key = app.secrets.get_key(TOKEN_KEY)
    assert new_key is not None and new_key != old_key and app.token_key() == new_key


def test_a_finished_campaign_triggers_a_backup(qtbot, app):
    from mailer_desktop.storage.db import now_iso

    backup.set_auto_passphrase(app, PASS)
    w = BackupSettings(_ctx(app))
    qtbot.addWidget(w)
    w.scheduler.timer.stop()
    w.ctx.events.campaigns_changed.emit()  # nothing finished yet: no backup
    assert w.scheduler._job is None
    with app.db.transaction() as conn:
        conn.execute("INSERT INTO campaigns(name, state, created_at, finished_at) VALUES ('May', 'done', ?, ?)",
                     (now_iso(), now_iso()))
    assert backup.campaign_awaiting_backup(app) is not None
    with qtbot.waitSignal(w.scheduler.backed_up, timeout=20000):
        w.ctx.events.campaigns_changed.emit()
    w.ctx.jobs.wait_all()
    assert len(backup.list_backups(app.paths.backups)) == 1
    assert backup.campaign_awaiting_backup(app) is None  # this campaign is now covered


def test_damaged_database_at_startup_offers_the_newest_good_backup(qtbot, app, keyring_backend, tmp_path):
    import sqlite3

    from mailer_desktop.storage.db import CorruptDatabaseError
    from mailer_desktop.ui.dialogs.damaged_database import DamagedDatabaseDialog

    folder = tmp_path / "cloud"
    app.settings.set("backup.folder", str(folder))  # read back from the damaged file
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    older = backup.create_backup(app, PASS)
    newest = backup.create_backup(app, PASS)
    for i in range(30):
        contacts_service.add_contact(app, f"more{i}@example.com", "x" * 200)
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home, db_path = app.paths.home, app.paths.database
    app.close()
    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * 4096:(root - 1) * 4096 + 12] = b"\xff" * 12
    db_path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as caught:
        open_app(home, keyring_backend=keyring_backend, log_to_file=False)

    dialog = DamagedDatabaseDialog(home, str(caught.value), keyring_backend=keyring_backend)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.backup_list.count() == 2 and dialog.selected_path() == newest.path != older.path
    qtbot.keyClicks(dialog.passphrase_edit, "wrong passphrase")
    _click(qtbot, dialog.restore_button)
    qtbot.waitUntil(lambda: dialog.job is None and "passphrase does not open" in dialog.status.text(),
                    timeout=20000)
    assert dialog.isVisible()
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, PASS)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        _click(qtbot, dialog.restore_button)
    assert dialog.report.damaged_kept is not None and dialog.report.damaged_kept.exists()
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "alice@example.com") is not None
    finally:
        again.close()


def test_the_tab_says_what_runs_by_itself_and_what_it_needs(qtbot, app):
    ctx = _ctx(app)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    w = page.findChild(BackupSettings)
    # both schedules are ticked by default, but nothing runs without a stored passphrase: say so
    assert w.daily_check.isChecked() and w.after_campaign_check.isChecked()
    assert "waiting for a passphrase" in w.auto_label.text()
    w.passphrase_edit.setText(PASS)
    w.repeat_edit.setText(PASS)
    w.remember_check.setChecked(True)
    assert w.save()
    assert w.auto_label.text().startswith("Automatic backups are on: daily and after each campaign, to ")
    w.daily_check.setChecked(False)
    w.after_campaign_check.setChecked(False)
    assert w.save() and w.auto_label.text().startswith("Automatic backups are off.")
    w.scheduler.timer.stop()
    ctx.jobs.wait_all()


def test_a_finished_campaign_without_a_stored_passphrase_asks_once(qtbot, app):
    from scripted_prompts import ScriptedPrompts

    from mailer_desktop.services.campaigns import create_campaign

    ctx = _ctx(app)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    w = page.findChild(BackupSettings)
    w.prompts = ScriptedPrompts()
    page.tabs.setCurrentIndex(0)
    contacts_service.add_contact(app, "anna@example.com", lists=["News"], confirmed=True, evidence="t")
    cid = create_campaign(app, "June news", "S", "News", html="<p>x</p>")
    app.db.conn.execute("UPDATE campaigns SET state = 'done', finished_at = '2026-06-01T10:00:00Z' WHERE id = ?",
                        (cid,))
    shown: list[str] = []
    ctx.events.navigate.connect(shown.append)
    w.prompts.answers["confirm"] = [True]
    ctx.events.campaigns_changed.emit()
    assert w.prompts.asked == [("confirm", "Back up after the campaign")]
    assert shown == ["settings"] and page.tabs.currentWidget().widget() is w  # the Backups tab, in front
    assert w.remember_check.isChecked() and "Type a passphrase" in w.status.text()
    ctx.events.campaigns_changed.emit()  # asked once per campaign
    assert len(w.prompts.asked) == 1
    w.scheduler.timer.stop()
    ctx.jobs.wait_all()


def test_the_default_backup_folder_is_outside_the_data_folder(tmp_path, monkeypatch):
    from mailer_desktop.config import resolve_paths

    monkeypatch.delenv("MAILER_DESKTOP_HOME", raising=False)
    default = resolve_paths()
    assert default.home not in default.backups.parents and default.backups.name == "Mailer Desktop backups"
    named = resolve_paths(tmp_path / "shop")  # a folder named explicitly keeps them beside it
    assert named.backups == tmp_path / "shop" / "backups"
