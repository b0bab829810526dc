"""The first-run setup assistant: who you are, how you send, where replies go.

Shown at the first start (until completed) and reopened from Settings. Everything it saves
goes through the settings registry and the accounts service.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...domain.addresses import AddressError, validate
from ...services.accounts import manage as accounts
from ...services.accounts.presets import PRESETS
from ...services.sending.smtp import Endpoint
from ..context import UiContext
from ..theme import set_text_role


class _Problem(QLabel):
    """Hidden while it has nothing to say, so that it leaves no gap in its form."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        self.setVisible(bool(text))


def _problem() -> QLabel:
    """Says why Next is greyed out (empty until something typed is wrong)."""
    label = _Problem("")
    label.setVisible(False)
    label.setWordWrap(True)
    label.setObjectName("problem")
    set_text_role(label, "error")
    return label


def _address_problem(text: str, what: str) -> str:
    """Why ``text`` cannot be used as ``what`` (empty when it can, or nothing was typed yet)."""
    if not text.strip():
        return ""
    try:
        validate(text)
    except AddressError as exc:
        return f"{what}: {exc}"
    return ""


class _Hint(QLabel):
    """A wrapped note as tall as its lines at the width it has. (A form lays out a wrapped
    label by its size hint, which is the height at a narrow guessed width: a blank band.)"""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        width = self.width() if self.width() > hint.width() else hint.width()
        return QSize(hint.width(), self.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()


def _hint(text: str) -> QLabel:
    label = _Hint(text)
    label.setWordWrap(True)
    set_text_role(label, "secondary")
    return label


class BusinessPage(QWizardPage):
    def __init__(self, ctx: UiContext):
        super().__init__()
        self.setTitle(self.tr("Who is sending?"))
        self.setSubTitle(self.tr("Every newsletter names your business and where it can be found."))
        form = QFormLayout(self)
        self.name = QLineEdit(ctx.app.settings.get("sender.business_name"))
        self.name.setAccessibleName(self.tr("Business name"))
        self.postal = QPlainTextEdit(ctx.app.settings.get("sender.postal_address"))
        self.postal.setAccessibleName(self.tr("Postal address"))
        self.postal.setFixedHeight(80)
        self.postal.setPlaceholderText(self.tr("Street and number, postcode and town, country"))
        form.addRow(self.tr("Business name"), self.name)
        form.addRow(self.tr("Postal address"), self.postal)
        form.addRow("", _hint(self.tr(
            "Why the address? The law in the US (CAN-SPAM) and Canada (CASL) requires a valid postal address "
            "— a street address, a registered PO box or a private mailbox — in every marketing email, so "
            "people know who writes to them. Mailer Desktop puts it in every footer and sends nothing without it."
        )))
        self.problem = _problem()
        form.addRow("", self.problem)
        self.name.textChanged.connect(self.completeChanged)
        self.postal.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        postal = self.postal.toPlainText().strip()
        short = bool(postal) and len(postal) < 8
        self.problem.setText(self.tr("The postal address looks too short: street and number, postcode and "
                                     "town.") if short else "")
        return bool(self.name.text().strip()) and len(postal) >= 8


class SendingPage(QWizardPage):
    def __init__(self, ctx: UiContext):
        super().__init__()
        self.ctx = ctx
        self.setTitle(self.tr("How do you send?"))
        self.setSubTitle(self.tr("Your newsletters go out through your own mail account."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.from_address = QLineEdit(ctx.app.settings.get("sender.from_address"))
        self.from_address.setAccessibleName(self.tr("From address"))
        self.from_address.setPlaceholderText("news@your-shop.example")
        form.addRow(self.tr("From address"), self.from_address)
        self.problem = _problem()
        form.addRow("", self.problem)

        self.use_sandbox = QRadioButton(self.tr("Use the sandbox for now (nothing leaves this computer)"))
        self.use_account = QRadioButton(self.tr("Send through my mail account"))
        self.use_sandbox.setChecked(True)
        layout.addWidget(self.use_sandbox)
        layout.addWidget(self.use_account)

        self.account_box = QWidget()
        account_form = QFormLayout(self.account_box)
        self.preset = QComboBox()
        for key, p in PRESETS.items():
            if key != "oauth2":  # another provider's OAuth2 needs its endpoints: Settings > Accounts
                self.preset.addItem(p.label, key)
        self.preset.setAccessibleName(self.tr("Mail provider"))
        self.oauth = QCheckBox(self.tr("Sign in in my browser (OAuth2) instead of a password"))
        self.oauth.setAccessibleName(self.tr("Sign in in the browser"))
        self.oauth.toggled.connect(self._login_changed)
        self.host = QLineEdit()
        self.host.setAccessibleName(self.tr("SMTP server"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setAccessibleName(self.tr("Port"))
        self.security = QComboBox()
        for value, label in (("starttls", "STARTTLS"), ("tls", "TLS (SSL)"), ("none", "None (local servers only)")):
            self.security.addItem(label, value)
        self.security.setAccessibleName(self.tr("Encryption"))
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.password_hint = _hint("")
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        account_form.addRow(self.tr("Provider"), self.preset)
        account_form.addRow(self.tr("SMTP server"), self.host)
        account_form.addRow(self.tr("Port"), self.port)
        account_form.addRow(self.tr("Encryption"), self.security)
        account_form.addRow("", self.oauth)
        account_form.addRow(self.tr("User name"), self.username)
        account_form.addRow(self.tr("Password"), self.password)
        self.account_form = account_form
        account_form.addRow("", self.password_hint)
        account_form.addRow(self.test_button, self.test_result)
        layout.addWidget(self.account_box)
        self.keyring_note = _hint(self.tr("The password is kept in your system's keyring, never in a file."))
        layout.addWidget(self.keyring_note)
        layout.addStretch(1)  # room to spare goes below the form, not into gaps between its rows

        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.sign_in_account = None
        self.use_account.toggled.connect(self.account_box.setEnabled)
        self.use_account.toggled.connect(self.completeChanged)
        self.from_address.textChanged.connect(self.completeChanged)
        self.test_button.clicked.connect(self.test_connection)
        self.account_box.setEnabled(False)
        self._apply_preset()

    def _apply_preset(self) -> None:
        p = PRESETS[self.preset.currentData()]
        self.host.setText(p.host)
        self.port.setValue(p.port)
        self.security.setCurrentIndex(self.security.findData(p.security))
        self.username.setPlaceholderText(p.username_hint)
        self.password_hint.setText(p.password_hint)
        self.account_form.setRowVisible(self.oauth, p.oauth)
        self.oauth.setChecked(p.oauth)
        self._login_changed()

    def _login_changed(self, *_) -> None:
        """Signing in in the browser needs no password (and is tested after the sign-in)."""
        browser = self.signs_in_by_browser()
        self.account_form.setRowVisible(self.password, not browser)
        self.keyring_note.setVisible(not browser)
        self.test_button.setEnabled(not browser)
        if browser:
            self.test_result.setText(self.tr("After Finish, your browser opens for you to sign in."))
        elif self.test_result.text().startswith(self.tr("After Finish")):
            self.test_result.clear()

    def signs_in_by_browser(self) -> bool:
        return self.oauth.isChecked() and PRESETS[self.preset.currentData()].oauth

    def endpoint(self) -> Endpoint:
        return Endpoint(self.host.text().strip(), self.port.value(), self.security.currentData(),
                        self.username.text().strip(), self.password.text() or None, 15.0)

    def test_connection(self) -> None:
        ep = self.endpoint()
        sender = self.from_address.text().strip()
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))

        def work(progress):
            return asyncio.run(accounts.test_endpoint(ep, check_sender=sender))

        def done(report) -> None:
            self.test_result.setText(("✔ " if report.ok else "✖ ") + report.message)

        self.ctx.jobs.run(work, name="test connection", on_result=done,
                          on_error=lambda msg: self.test_result.setText("✖ " + msg),
                          on_ended=lambda: self.test_button.setEnabled(True))

    def from_valid(self) -> bool:
        try:
            validate(self.from_address.text())
        except AddressError:
            return False
        return True

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        self.problem.setText(_address_problem(self.from_address.text(), self.tr("From address")))
        if not self.from_valid():
            return False
        return self.use_sandbox.isChecked() or bool(self.host.text().strip())


class RepliesPage(QWizardPage):
    def __init__(self, ctx: UiContext):
        super().__init__()
        self.setTitle(self.tr("Where do replies go?"))
        self.setSubTitle(self.tr("Unsubscribe requests, confirmations and bounces come back by email."))
        form = QFormLayout(self)
        self.mailbox = QLineEdit(ctx.app.settings.get("sender.unsubscribe_mailbox"))
        self.mailbox.setAccessibleName(self.tr("Unsubscribe mailbox"))
        self.plus = QCheckBox(self.tr("Mail to name+anything@ my domain also reaches this mailbox"))
        self.plus.setToolTip(self.tr(
            "Then the unsubscribe and confirmation addresses carry each person's code (news+code@…), so "
            "replies are matched even when the subject was changed. Leave it off when unsure: the code "
            "then travels in the subject."))
        self.plus.setChecked(ctx.app.settings.get("sender.plus_addressing"))
        form.addRow(self.tr("Reply mailbox"), self.mailbox)
        form.addRow("", self.plus)
        form.addRow("", _hint(self.tr(
            "Every message carries an unsubscribe link that opens a pre-filled email to this mailbox, with a "
            "code that says who wants to leave. Every new contact gets a short request to confirm their "
            "subscription by replying (double opt-in: it proves consent, as GDPR and CASL ask).<br><br>"
            "To apply what comes back, open the Inbox page and click <b>Process inbox</b>: it reads this "
            "mailbox over IMAP (set it up on the Accounts tab of Settings) or mail files you drop on the "
            "window. Opt-outs must be honoured within 2 days; Mailer Desktop reminds you when mail waits "
            "longer than a day. Keep this mailbox working for at least 60 days after every send."
        )))
        for child in self.findChildren(QLabel):
            child.setTextFormat(Qt.TextFormat.RichText)
        self.problem = _problem()
        form.addRow("", self.problem)
        self.mailbox.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        self.problem.setText(_address_problem(self.mailbox.text(), self.tr("Reply mailbox")))
        try:
            validate(self.mailbox.text())
        except AddressError:
            return False
        return True

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        if not self.mailbox.text().strip():
            self.mailbox.setText(self.wizard().sending.from_address.text().strip())


class SetupAssistant(QWizard):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Set up Mailer Desktop"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(660, 640)  # the account page with its hints shows whole
        self.business = BusinessPage(ctx)
        self.sending = SendingPage(ctx)
        self.replies = RepliesPage(ctx)
        for page in (self.business, self.sending, self.replies):
            self.addPage(page)

    def accept(self) -> None:
        try:
            signing_in = self.save()
        except (accounts.AccountError, ValueError) as exc:
            self.replies.setSubTitle(f"⚠ {exc}")
            return
        super().accept()
        if signing_in is not None:  # the sign-in window waits for the browser
            from .oauth_sign_in import SignInDialog

            self.sign_in_dialog = dialog = SignInDialog(self.ctx, signing_in, self.parentWidget())
            dialog.open()
            dialog.start()

    def save(self):
        """Keep what was entered; returns the account that must now sign in in the browser, if any."""
        app = self.ctx.app
        s = self.sending
        account_name = "sandbox"
        signing_in = None
        if s.use_account.isChecked() and s.signs_in_by_browser():
            from ...services.accounts.oauth_providers import client_id, config_for

            account_name = PRESETS[s.preset.currentData()].label
            config = config_for(s.preset.currentData())
            client_id(app, config, account_name)  # says where to put one when there is none
            existing = {a.name.lower(): a for a in accounts.list_accounts(app)}
            signing_in = existing.get(account_name.lower())
            if signing_in is None or not signing_in.uses_oauth:
                if signing_in is not None:
                    account_name = f"{account_name} (sign-in)"
                signing_in = accounts.add_account(app, account_name, host=s.host.text().strip(), port=s.port.value(),
                                                  security=s.security.currentData(),
                                                  username=s.username.text().strip(),
                                                  preset_key=s.preset.currentData(), oauth=config)
        elif s.use_account.isChecked():
            account_name = PRESETS[s.preset.currentData()].label
            existing = {a.name.lower() for a in accounts.list_accounts(app)}
            if account_name.lower() in existing:
                accounts.edit_account(app, account_name, host=s.host.text().strip(), port=s.port.value(),
                                      security=s.security.currentData(), username=s.username.text().strip(),
                                      password=s.password.text() or None)
            else:
                accounts.add_account(app, account_name, host=s.host.text().strip(), port=s.port.value(),
                                     security=s.security.currentData(), username=s.username.text().strip(),
                                     password=s.password.text() or None, preset_key=s.preset.currentData())
        with app.db.transaction():
            app.settings.set("sender.business_name", self.business.name.text().strip())
            app.settings.set("sender.postal_address", self.business.postal.toPlainText().strip())
            app.settings.set("sender.from_address", s.from_address.text().strip())
            app.settings.set("sender.unsubscribe_mailbox", self.replies.mailbox.text().strip())
            app.settings.set("sender.plus_addressing", self.replies.plus.isChecked())
            app.settings.set("sending.default_account", account_name)
            app.settings.set("setup.completed", True)
        self.ctx.events.settings_changed.emit()
        return signing_in
