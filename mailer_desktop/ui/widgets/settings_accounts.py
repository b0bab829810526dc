"""Settings → Accounts: the SMTP accounts, with provider presets and "Test connection".

Passwords go straight to the keyring (services/accounts/manage); the form never shows a stored one.
"Test connection" runs in a background job and reports what failed in plain words (wrong
port, certificate, login refused, relay denied, timeout, unknown host).

Microsoft 365, Outlook.com, Gmail, Google Workspace and "OAuth2 (other provider)" can sign in in
the browser instead of with a password: saving such a new account opens the sign-in window
(ui/dialogs/oauth_sign_in.py), and "Sign in…" renews the sign-in later.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.accounts import manage as service
from ...services.accounts.manage import AccountError
from ...services.accounts.oauth_providers import OAuthSetupError, account_config, client_id, config_for
from ...services.accounts.presets import PRESETS
from ...storage.accounts import AccountRow
from ..context import UiContext

SECURITY_LABELS = {"starttls": "STARTTLS (usually port 587)", "tls": "TLS from the start (usually port 465)",
                   "none": "None (only to this computer)"}


class AccountSettings(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.current: AccountRow | None = None
        self.last_report: service.ConnectionReport | None = None
        self.open_url = None  # how the sign-in window shows the provider's page (None: the system browser)
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Accounts"))
        self.list.currentRowChanged.connect(self._chosen)
        self.new_button = QPushButton(self.tr("New account"))
        self.new_button.clicked.connect(self.new_account)
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        layout.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.preset = QComboBox()
        self.preset.setAccessibleName(self.tr("Provider"))
        for key, p in PRESETS.items():
            self.preset.addItem(p.label, key)
        self.preset.activated.connect(self._apply_preset)
        self.name = QLineEdit()
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for key, label in SECURITY_LABELS.items():
            self.security.addItem(self.tr(label), key)
        self.login = QComboBox()
        self.login.addItem(self.tr("Password"), "password")
        self.login.addItem(self.tr("Sign in in the browser (OAuth2)"), "oauth")
        self.login.activated.connect(self._login_changed)
        self.authorize_url = QLineEdit()
        self.token_url = QLineEdit()
        self.scopes = QLineEdit()
        self.scopes.setPlaceholderText(self.tr("separated by spaces"))
        self.client_id = QLineEdit()
        self.client_id.setPlaceholderText(self.tr("empty: the one in Settings > Sign-in"))
        self.client_id.textChanged.connect(lambda _t: self.client_note.setText(
            self._missing_client_id() if self._oauth_chosen() else ""))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("kept in the system keyring"))
        self.pool = QSpinBox()
        self.pool.setRange(1, 32)
        self.pool.setToolTip(self.tr("Connections used in parallel. Providers allow a few; more is not faster "
                                     "when a rate limit applies."))
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0, 1000)
        self.rate.setDecimals(1)
        self.rate.setToolTip(self.tr("Messages per second; 0 means no limit."))
        self.per_hour = QSpinBox()
        self.per_hour.setRange(0, 10_000_000)
        self.per_day = QSpinBox()
        self.per_day.setRange(0, 10_000_000)
        self.per_day.setToolTip(self.tr("Your provider's daily limit; sending pauses when it is reached and "
                                        "continues the next day. 0 means no limit."))
        for label, w in ((self.tr("Provider"), self.preset), (self.tr("Name"), self.name),
                         (self.tr("Server"), self.host), (self.tr("Port"), self.port),
                         (self.tr("Encryption"), self.security), (self.tr("Login"), self.login),
                         (self.tr("Authorize endpoint"), self.authorize_url), (self.tr("Token endpoint"), self.token_url),
                         (self.tr("Scopes"), self.scopes), (self.tr("Client ID"), self.client_id),
                         (self.tr("User name"), self.username),
                         (self.tr("Password"), self.password), (self.tr("Connections"), self.pool),
                         (self.tr("Messages per second"), self.rate), (self.tr("Messages per hour"), self.per_hour),
                         (self.tr("Messages per day"), self.per_day)):
            w.setAccessibleName(label)
            form.addRow(label, w)
        self.form = form
        right.addLayout(form)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        right.addWidget(self.hint)
        self.client_note = QLabel()  # the provider has no client ID yet: where to enter one, or use a password
        self.client_note.setWordWrap(True)
        self.client_note.setAccessibleName(self.tr("Sign-in note"))
        right.addWidget(self.client_note)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(self.tr("Connect, encrypt and log in; nothing is sent."))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.sign_in_button = QPushButton(self.tr("Sign in…"))
        self.sign_in_button.setToolTip(self.tr("Sign in to this account again in your browser."))
        self.sign_in_button.clicked.connect(self.sign_in)
        for b in (self.save_button, self.test_button, self.sign_in_button, self.remove_button):
            b.setAccessibleName(b.text())
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test)
        self.remove_button.clicked.connect(self.remove)
        right.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Account message"))
        right.addWidget(self.message)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self.reload()

    # -- list ----------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        accounts = service.list_accounts(self.app)
        self.list.blockSignals(True)
        self.list.clear()
        for acc in accounts:
            item = QListWidgetItem(self.tr("sandbox (built in)") if acc.is_sandbox else acc.name)
            item.setData(256, acc.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = [a.name for a in accounts]
        row = names.index(select) if select in names else (0 if accounts else -1)
        self.list.setCurrentRow(row)
        self._chosen(row)

    def _chosen(self, row: int) -> None:
        item = self.list.item(row)
        self.current = service.get_account(self.app, int(item.data(256))) if item else None
        acc = self.current
        if acc is None:
            return
        self.preset.setCurrentIndex(self.preset.findData(acc.preset))
        self.name.setText(acc.name)
        self.host.setText(acc.host)
        self.port.setValue(acc.port)
        self.security.setCurrentIndex(self.security.findData(acc.security))
        self.username.setText(acc.username)
        self.password.clear()
        self.pool.setValue(acc.pool_size)
        self.rate.setValue(acc.rate_per_second)
        self.per_hour.setValue(acc.rate_per_hour)
        self.per_day.setValue(acc.rate_per_day)
        self.login.setCurrentIndex(self.login.findData("oauth" if acc.uses_oauth else "password"))
        config = account_config(acc)
        for w, value in ((self.authorize_url, config.authorize_url if config else ""),
                         (self.token_url, config.token_url if config else ""),
                         (self.scopes, " ".join(config.scopes) if config else ""),
                         (self.client_id, config.client_id if config else "")):
            w.setText(value)
        builtin = acc.builtin
        for w in (self.preset, self.name, self.host, self.security, self.username, self.password, self.rate,
                  self.per_hour, self.per_day):
            w.setEnabled(not builtin)
        if self.preset.findData(acc.preset) < 0:
            self.preset.setCurrentIndex(max(0, self.preset.findData("other")))
        self.remove_button.setEnabled(not builtin)
        self.hint.setText(self.tr("The sandbox captures mail on this computer; see the Sandbox page.")
                          if builtin else self._preset_hint(acc.preset))
        self._show_login(existing=True)
        self.message.clear()

    def _preset_hint(self, key: str) -> str:
        p = PRESETS.get(key)
        return f"{p.username_hint} {p.password_hint}" if p else ""

    # -- actions -------------------------------------------------------------------------------
    def new_account(self) -> None:
        self.list.clearSelection()
        self.current = None
        for w in (self.preset, self.name, self.host, self.security, self.username, self.password, self.rate,
                  self.per_hour, self.per_day):
            w.setEnabled(True)
        self.remove_button.setEnabled(False)
        self.name.clear()
        self.password.clear()
        self.preset.setCurrentIndex(self.preset.findData("other"))
        for w in (self.authorize_url, self.token_url, self.scopes, self.client_id):
            w.clear()
        self._apply_preset()
        self.name.setFocus()

    def _apply_preset(self, *_) -> None:
        p = PRESETS[self.preset.currentData()]
        if p.host:
            self.host.setText(p.host)
        self.port.setValue(p.port)
        self.security.setCurrentIndex(self.security.findData(p.security))
        self.pool.setValue(p.pool_size)
        self.rate.setValue(p.rate_per_second)
        self.per_hour.setValue(p.rate_per_hour)
        self.per_day.setValue(p.rate_per_day)
        self.hint.setText(self._preset_hint(p.key))
        if self.current is None:
            self.login.setCurrentIndex(self.login.findData("oauth" if p.oauth else "password"))
        self._show_login(existing=self.current is not None)

    def _login_changed(self, *_) -> None:
        self._show_login(existing=self.current is not None)

    def _oauth_chosen(self) -> bool:
        return self.login.currentData() == "oauth"

    def _show_login(self, *, existing: bool) -> None:
        """The login choice for presets that can sign in in the browser; the endpoint fields for
        another provider; the password only for a password login."""
        p = PRESETS.get(self.preset.currentData())
        can_oauth = bool(p and p.oauth)
        if not can_oauth:
            self.login.setCurrentIndex(self.login.findData("password"))
        if p is not None and p.key == "oauth2":
            self.login.setCurrentIndex(self.login.findData("oauth"))
        oauth = self._oauth_chosen()
        self.form.setRowVisible(self.login, can_oauth)
        self.login.setEnabled(can_oauth and not existing and (p is None or p.key != "oauth2"))
        generic = oauth and p is not None and p.key == "oauth2"
        for w in (self.authorize_url, self.token_url, self.scopes):
            self.form.setRowVisible(w, generic)
            w.setEnabled(not existing)
        self.form.setRowVisible(self.client_id, oauth)
        self.client_id.setEnabled(not existing)
        self.form.setRowVisible(self.password, not oauth)
        self.sign_in_button.setVisible(bool(existing and self.current is not None and self.current.uses_oauth))
        self.client_note.setText(self._missing_client_id() if oauth else "")
        # the sandbox is no provider's account: no "Provider", no user name or password to show
        builtin = bool(existing and self.current is not None and self.current.builtin)
        self.form.setRowVisible(self.preset, not builtin)
        self.form.setRowVisible(self.username, not builtin)
        if builtin:
            self.form.setRowVisible(self.password, False)

    def _values(self) -> dict:
        return {"host": self.host.text().strip(), "port": self.port.value(),
                "security": self.security.currentData(), "username": self.username.text().strip(),
                "pool_size": self.pool.value(), "rate_per_second": self.rate.value(),
                "rate_per_hour": self.per_hour.value(), "rate_per_day": self.per_day.value()}

    def _missing_client_id(self) -> str:
        """What to do when the chosen provider has no client ID (none typed, configured or set)."""
        if self.client_id.text().strip() or self.preset.currentData() == "oauth2":
            return ""
        try:
            client_id(self.app, config_for(self.preset.currentData()))
        except OAuthSetupError as exc:
            return str(exc)
        return ""

    def _oauth_config(self):
        return config_for(self.preset.currentData(), client_id=self.client_id.text().strip(),
                          authorize_url=self.authorize_url.text().strip(), token_url=self.token_url.text().strip(),
                          scopes=self.scopes.text().split())

    def save(self) -> bool:
        values = self._values()
        password = self.password.text() or None
        new_oauth = self.current is None and self._oauth_chosen()
        try:
            if new_oauth:  # no account is kept that could not sign in anyway
                client_id(self.app, self._oauth_config(), self.name.text())
            if self.current is None:
                acc = service.add_account(self.app, self.name.text(), password=None if new_oauth else password,
                                          preset_key=self.preset.currentData(),
                                          oauth=self._oauth_config() if new_oauth else None, **values)
            elif self.current.builtin:
                acc = service.edit_account(self.app, self.current.id, port=values["port"],
                                           pool_size=values["pool_size"])
            else:
                acc = service.edit_account(self.app, self.current.id, password=password, name=self.name.text(),
                                           preset=self.preset.currentData(), **values)
        except (AccountError, OAuthSetupError) as exc:
            self.message.setText(str(exc))
            return False
        self.reload(select=acc.name)
        self.message.setText(self.tr("Saved."))
        self.ctx.events.settings_changed.emit()
        if new_oauth:
            self.sign_in()
        return True

    def sign_in(self) -> None:
        """Open the sign-in window for the chosen OAuth2 account (a background job waits for the browser)."""
        from ..dialogs.oauth_sign_in import SignInDialog

        acc = self.current
        if acc is None or not acc.uses_oauth:
            return
        self.sign_in_dialog = dialog = SignInDialog(self.ctx, acc, self, open_url=self.open_url)
        dialog.signed_in.connect(lambda _acc: self.message.setText(self.tr("Signed in.")))
        dialog.finished.connect(lambda _r: self.message.setText(dialog.error) if dialog.error else None)
        dialog.open()
        dialog.start()

    def test(self) -> None:
        """Test what the form shows (a typed password is used without saving it first)."""
        acc = self.current
        values = self._values()
        probe = AccountRow(id=acc.id if acc else 0, name=self.name.text() or "new", preset=self.preset.currentData(),
                           builtin=bool(acc and acc.builtin), created_at="", oauth=acc.oauth if acc else "",
                           **values)
        if self._oauth_chosen() and not probe.uses_oauth:
            self.message.setText(self.tr("Save the account first; then it signs in in your browser."))
            return
        password = self.password.text() or None
        app = self.app
        self.test_button.setEnabled(False)
        self.message.setText(self.tr("Testing {host}:{port}…").format(**values))

        def done(report: service.ConnectionReport) -> None:
            self.last_report = report
            self.message.setText(report.message)

        def failed(message: str) -> None:
            self.last_report = service.ConnectionReport(False, "other", message)
            self.message.setText(message)

        def probe_fn(progress):
            if probe.is_sandbox:  # this data folder's sandbox, never whatever else listens on its port
                return service.test_sandbox(app, probe)
            return service.test_connection(app, probe, password=password)

        self.ctx.jobs.run(probe_fn, name="test connection", on_result=done, on_error=failed,
                          on_ended=lambda: self.test_button.setEnabled(True))

    def remove(self) -> None:
        acc = self.current
        if acc is None or acc.builtin:
            return
        answer = QMessageBox.question(self, self.tr("Remove account"),
                                      self.tr("Remove the account {name} and its stored password or sign-in?").format(
                                          name=acc.name),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            service.remove_account(self.app, acc.id)
        except AccountError as exc:
            self.message.setText(str(exc))
            return
        self.reload()
        self.ctx.events.settings_changed.emit()
