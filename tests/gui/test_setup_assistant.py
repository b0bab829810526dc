"""The first-run assistant saves the sender identity and the sending choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.setup_assistant import SetupAssistant
from mailer_desktop.ui.tasks import JobRunner


def _ctx(app) -> UiContext:
    return UiContext(app=app, jobs=JobRunner(), events=Events())


def test_sandbox_setup_saves_identity(qtbot, app):
    wizard = SetupAssistant(_ctx(app))
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not wizard.business.isComplete()
    qtbot.keyClicks(wizard.business.name, "Corner Bakery")
    qtbot.keyClicks(wizard.business.postal, "12 Baker Street, 1010 Springfield")
    assert wizard.business.isComplete()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.sending
    assert wizard.sending.problem.text() == ""  # nothing typed yet: nothing to complain about
    qtbot.keyClicks(wizard.sending.from_address, "not an address")
    assert not wizard.sending.isComplete() and not next_button.isEnabled()
    assert wizard.sending.problem.text() == "From address: An email address must have an @-sign."  # says why
    assert wizard.sending.problem.isVisible()
    wizard.sending.from_address.clear()
    qtbot.keyClicks(wizard.sending.from_address, "news@bakery.example")
    assert wizard.sending.use_sandbox.isChecked() and wizard.sending.isComplete()
    assert wizard.sending.problem.text() == ""
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.replies.mailbox.text() == "news@bakery.example"  # proposed from the From address
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    s = app.settings
    assert s.get("sender.business_name") == "Corner Bakery"
    assert s.get("sender.postal_address") == "12 Baker Street, 1010 Springfield"
    assert s.get("sender.from_address") == "news@bakery.example"
    assert s.get("sender.unsubscribe_mailbox") == "news@bakery.example"
    assert s.get("sending.default_account") == "sandbox"
    assert s.get("setup.completed") is True


def test_account_setup_stores_password_in_keyring_only(qtbot, app, keyring_backend):
    wizard = SetupAssistant(_ctx(app))
    qtbot.addWidget(wizard)
    wizard.business.name.setText("Shop")
    wizard.business.postal.setPlainText("PO Box 42, Springfield")
    wizard.sending.from_address.setText("hello@shop.example")
    wizard.sending.use_account.setChecked(True)
    wizard.sending.preset.setCurrentIndex(wizard.sending.preset.findData("fastmail"))
    assert (wizard.sending.host.text(), wizard.sending.port.value()) == ("smtp.fastmail.com", 465)
    assert "app password" in wizard.sending.password_hint.text()
    wizard.sending.username.setText("hello@shop.example")
    wizard.sending.password.setText("app-pass-123")
    wizard.replies.mailbox.setText("replies@shop.example")
    wizard.save()
    account = accounts.get_account(app, "Fastmail")
    assert (account.host, account.port, account.security) == ("smtp.fastmail.com", 465, "tls")
    assert accounts.password_of(app, account) == "app-pass-123"
    assert app.settings.get("sending.default_account") == "Fastmail"
    raw = app.paths.database.read_bytes()
    assert b"app-pass-123" not in raw


def test_settings_show_what_the_assistant_just_saved(qtbot, app):
    from mailer_desktop.ui.pages.settings import SettingsPage
    from mailer_desktop.ui.widgets.settings_form import SettingsForm
    from mailer_desktop.ui.widgets.settings_sender import SenderSettings

    ctx = _ctx(app)
    page = SettingsPage(ctx)  # built before the assistant runs, as the window does
    qtbot.addWidget(page)
    sender = page.findChild(SenderSettings)
    assert sender.name_edit.text() == ""
    consent = next(f for f in page.findChildren(SettingsForm) if f.group == "Consent")
    typed_days = consent.values()
    wizard = SetupAssistant(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.business.name, "Corner Bakery")
    qtbot.keyClicks(wizard.business.postal, "12 Baker Street, 1010 Springfield")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(wizard.sending.from_address, "news@bakery.example")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert sender.name_edit.text() == "Corner Bakery"
    assert sender.from_edit.text() == "news@bakery.example"
    assert sender.postal_edit.toPlainText() == "12 Baker Street, 1010 Springfield"
    assert consent.values() == typed_days


def test_an_outside_change_keeps_unsaved_edits(qtbot, app):
    from mailer_desktop.services.sending.identity import save_sender
    from mailer_desktop.ui.widgets.settings_sender import SenderSettings

    ctx = _ctx(app)
    sender = SenderSettings(ctx)
    qtbot.addWidget(sender)
    qtbot.keyClicks(sender.name_edit, "Typed, not saved")
    save_sender(app, name="Saved elsewhere", from_address="a@bakery.example",
                postal_address="12 Baker Street, 1010 Springfield", unsubscribe_mailbox="a@bakery.example")
    ctx.events.settings_changed.emit()
    assert sender.name_edit.text() == "Typed, not saved"
    sender.name_edit.setText("")  # back to what was loaded: the next outside change is shown
    ctx.events.settings_changed.emit()
    assert sender.name_edit.text() == "Saved elsewhere"


def test_sending_form_offers_the_accounts_and_saves_only_what_changed(qtbot, app):
    from mailer_desktop.ui.widgets.settings_form import SettingsForm

    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    form = SettingsForm(_ctx(app), "Sending")
    qtbot.addWidget(form)
    form.show()
    combo = form.editors["sending.default_account"]
    assert [combo.itemData(i) for i in range(combo.count())] == ["sandbox", "shop"]  # a choice, not free text
    assert combo.itemText(0) == "Sandbox (this computer only)" and combo.currentData() == "sandbox"
    assert not form.save_button.isEnabled()  # nothing to save yet
    assert form.save_button.width() < form.width() / 2  # not a full-width bar
    combo.setCurrentIndex(1)
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert app.settings.get("sending.default_account") == "shop"
    assert form.status.text() == "Saved." and not form.save_button.isEnabled()


def test_microsoft_and_google_sign_in_by_browser_after_finish(qtbot, app, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from mailer_desktop.services.accounts import oauth_tokens

    monkeypatch.delenv("MAILER_DESKTOP_MICROSOFT_CLIENT_ID", raising=False)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    wizard = SetupAssistant(_ctx(app))
    qtbot.addWidget(wizard)
    wizard.business.name.setText("Shop")
    wizard.business.postal.setPlainText("PO Box 42, Springfield")
    wizard.sending.from_address.setText("hello@contoso.example")
    wizard.sending.use_account.setChecked(True)
    wizard.sending.preset.setCurrentIndex(wizard.sending.preset.findData("microsoft365"))
    assert wizard.sending.oauth.isChecked() and wizard.sending.password.isHidden()
    assert "After Finish, your browser opens" in wizard.sending.test_result.text()
    wizard.sending.username.setText("hello@contoso.example")
    wizard.replies.mailbox.setText("hello@contoso.example")
    wizard.accept()
    assert "No Microsoft client ID is configured" in wizard.replies.subTitle()
    assert [a.name for a in accounts.list_accounts(app)] == ["sandbox"]

    app.settings.set("oauth.microsoft_client_id", "11111111-2222-3333-4444-555555555555")
    wizard.accept()
    assert wizard.result() == QWizard.DialogCode.Accepted
    account = accounts.get_account(app, "Microsoft 365 / Exchange Online")
    assert account.uses_oauth and account.username == "hello@contoso.example"
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].startswith("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?")
    assert "client_id=11111111-2222-3333-4444-555555555555" in opened[0]
    dialog = wizard.sign_in_dialog
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in dialog.status.text(), timeout=5000)
    assert oauth_tokens.load(app, account.id) is None
    qtbot.waitUntil(lambda: wizard.ctx.jobs.active == [], timeout=5000)

    wizard.sending.preset.setCurrentIndex(wizard.sending.preset.findData("gmail"))
    wizard.sending.oauth.setChecked(False)  # Gmail still takes an app password
    assert not wizard.sending.password.isHidden() and wizard.sending.test_button.isEnabled()


def test_the_account_form_closes_up_where_the_password_row_hides(qtbot, app):
    """Signing in by browser hides the password row and its keyring note: no gap is left."""
    wizard = SetupAssistant(_ctx(app))
    qtbot.addWidget(wizard)
    wizard.business.name.setText("Shop")
    wizard.business.postal.setPlainText("PO Box 42, Springfield")
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.next()
    page = wizard.sending
    page.from_address.setText("news@shop.example")
    page.use_account.setChecked(True)

    def gap() -> int:
        QApplication.processEvents()  # the layouts settle
        return page.password_hint.geometry().top() - page.username.geometry().bottom()

    spacing = page.account_form.verticalSpacing()
    for key in ("gmail", "microsoft365", "gmail"):  # the first one as the page opened with it
        page.preset.setCurrentIndex(page.preset.findData(key))
        assert page.oauth.isChecked() and page.password.isHidden()
        assert page.password_hint.isVisible() and page.password_hint.text()
        assert gap() <= spacing + 4, key  # the hint follows the user name directly
        hint = page.password_hint  # ... and is no taller than its lines (no blank band around the text)
        assert hint.height() <= hint.heightForWidth(hint.width()) + 4, key
        assert page.keyring_note.isHidden()
    page.oauth.setChecked(False)  # an app password after all: its row comes back between them
    assert page.password.isVisible() and page.keyring_note.isVisible()
    assert gap() >= page.password.height()
    page.oauth.setChecked(True)
    assert gap() <= spacing + 4
