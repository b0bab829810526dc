"""Settings → Accounts: the SMTP accounts, with provider presets and "Test connection".

Passwords go straight to the keyring (services/accounts); the form never shows a stored one.
"Test connection" runs in a background job and reports what failed in plain words (wrong
port, certificate, login refused, relay denied, timeout, unknown host).
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

from ...services import accounts as service
from ...services.account_presets import PRESETS
from ...services.accounts import AccountError
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
                         (self.tr("Encryption"), self.security), (self.tr("User name"), self.username),
                         (self.tr("Password"), self.password), (self.tr("Connections"), self.pool),
                         (self.tr("Messages per second"), self.rate), (self.tr("Messages per hour"), self.per_hour),
                         (self.tr("Messages per day"), self.per_day)):
            w.setAccessibleName(label)
            form.addRow(label, w)
        right.addLayout(form)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        right.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(self.tr("Connect, encrypt and log in; nothing is sent."))
        self.remove_button = QPushButton(self.tr("Remove"))
        for b in (self.save_button, self.test_button, self.remove_button):
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
        self.preset.setCurrentIndex(max(0, self.preset.findData(acc.preset)))
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
        builtin = acc.builtin
        for w in (self.preset, self.name, self.host, self.security, self.username, self.password, self.rate,
                  self.per_hour, self.per_day):
            w.setEnabled(not builtin)
        self.remove_button.setEnabled(not builtin)
        self.hint.setText(self.tr("The sandbox captures mail on this computer; see the Sandbox page.")
                          if builtin else self._preset_hint(acc.preset))
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

    def _values(self) -> dict:
        return {"host": self.host.text().strip(), "port": self.port.value(),
                "security": self.security.currentData(), "username": self.username.text().strip(),
                "pool_size": self.pool.value(), "rate_per_second": self.rate.value(),
                "rate_per_hour": self.per_hour.value(), "rate_per_day": self.per_day.value()}

    def save(self) -> bool:
        values = self._values()
        password = self.password.text() or None
        try:
            if self.current is None:
                acc = service.add_account(self.app, self.name.text(), password=password,
                                          preset_key=self.preset.currentData(), **values)
            elif self.current.builtin:
                acc = service.edit_account(self.app, self.current.id, port=values["port"],
                                           pool_size=values["pool_size"])
            else:
                acc = service.edit_account(self.app, self.current.id, password=password, name=self.name.text(),
                                           preset=self.preset.currentData(), **values)
        except AccountError as exc:
            self.message.setText(str(exc))
            return False
        self.reload(select=acc.name)
        self.message.setText(self.tr("Saved."))
        self.ctx.events.settings_changed.emit()
        return True

    def test(self) -> None:
        """Test what the form shows (a typed password is used without saving it first)."""
        acc = self.current
        values = self._values()
        probe = AccountRow(id=acc.id if acc else 0, name=self.name.text() or "new", preset=self.preset.currentData(),
                           builtin=bool(acc and acc.builtin), created_at="", **values)
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
                                      self.tr("Remove the account {name} and its stored password?").format(
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
