"""Settings → Accounts driven as a user would: presets, save to the keyring, test, remove."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from smtp_servers import AcceptAuth, CountingHandler, Server

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.tasks import JobRunner
from mailer_desktop.ui.widgets.settings_accounts import AccountSettings

LEFT = Qt.MouseButton.LeftButton


def _widget(qtbot, app):
    w = AccountSettings(UiContext(app=app, jobs=JobRunner(), events=Events()))
    qtbot.addWidget(w)
    w.show()
    return w


def test_sandbox_is_listed_and_locked(qtbot, app):
    w = _widget(qtbot, app)
    assert w.list.count() == 1 and w.current.name == "sandbox"
    assert not w.remove_button.isEnabled() and not w.host.isEnabled() and w.port.isEnabled()
    # no "Provider: Gmail", user name or password for the sandbox
    assert not w.preset.isVisible() and not w.username.isVisible() and not w.password.isVisible()
    w.new_account()  # a new account shows them again
    assert w.preset.isVisible() and w.username.isVisible() and w.password.isVisible()


def test_preset_fills_the_form_and_password_goes_to_the_keyring(qtbot, app, keyring_backend):
    w = _widget(qtbot, app)
    qtbot.mouseClick(w.new_button, LEFT)
    w.preset.setCurrentIndex(w.preset.findData("fastmail"))
    w.preset.activated.emit(w.preset.currentIndex())
    assert (w.host.text(), w.port.value(), w.security.currentData()) == ("smtp.fastmail.com", 465, "tls")
    assert "app password" in w.hint.text().lower()
    qtbot.keyClicks(w.name, "Shop mail")
    qtbot.keyClicks(w.username, "me@fastmail.com")
    qtbot.keyClicks(w.password, "abcd-efgh")
    qtbot.mouseClick(w.save_button, LEFT)
    assert w.message.text() == "Saved."
    acc = accounts.get_account(app, "Shop mail")
    assert keyring_backend.get_password(app.secrets.service, app.secrets.smtp_name(acc.id)) == "abcd-efgh"
    assert w.password.text() == ""  # a stored password is never shown


def test_refused_settings_are_explained(qtbot, app):
    w = _widget(qtbot, app)
    qtbot.mouseClick(w.new_button, LEFT)
    qtbot.keyClicks(w.name, "Plain")
    w.host.setText("smtp.example.com")
    w.security.setCurrentIndex(w.security.findData("none"))
    qtbot.mouseClick(w.save_button, LEFT)
    assert "only allowed to this computer" in w.message.text()
    assert [a.name for a in accounts.list_accounts(app)] == ["sandbox"]


def test_test_connection_reports_success_and_failure(qtbot, app, monkeypatch):
    with Server(CountingHandler(), authenticator=AcceptAuth("u", "right"), auth_require_tls=False) as srv:
        accounts.add_account(app, "local", host="127.0.0.1", port=srv.port, security="none", username="u",
                             password="right")
        w = _widget(qtbot, app)
        w.list.setCurrentRow([w.list.item(i).text() for i in range(w.list.count())].index("local"))
        qtbot.mouseClick(w.test_button, LEFT)
        qtbot.waitUntil(lambda: w.last_report is not None, timeout=15000)
        assert w.last_report.ok, w.last_report.message
        qtbot.waitUntil(w.test_button.isEnabled, timeout=5000)
        w.last_report = None
        qtbot.keyClicks(w.password, "wrong")       # tested before it is saved
        qtbot.mouseClick(w.test_button, LEFT)
        qtbot.waitUntil(lambda: w.last_report is not None, timeout=15000)
        assert w.last_report.kind == "auth" and "refused the user name or password" in w.message.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(w.remove_button, LEFT)
    assert [a.name for a in accounts.list_accounts(app)] == ["sandbox"]
