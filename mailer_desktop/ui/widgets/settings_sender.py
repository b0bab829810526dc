"""Settings → Sender: the identity every message carries, and DKIM.

Business name, From, Reply-To, the postal address (required by CAN-SPAM and CASL), the
mailbox for unsubscribe and confirmation replies, optional https pages, the footer wording
and the advertisement disclosure. DKIM: generate a key (kept in the keyring), show the DNS
record to publish, switch signing on. Key generation runs as a background job.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.compose import dkim
from ...services.sending.identity import SenderError, load_sender, save_sender
from ..context import UiContext


class SenderSettings(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = self._line(form, self.tr("Business name"), self.tr("Shown as the From name and in every "
                                                                            "footer."))
        self.from_edit = self._line(form, self.tr("From address"), self.tr("The address your newsletters come from."))
        self.reply_edit = self._line(form, self.tr("Reply-To (optional)"), self.tr("Where replies go, if not to "
                                                                                   "the From address."))
        self.postal_edit = QPlainTextEdit()
        self.postal_edit.setAccessibleName(self.tr("Postal address"))
        self.postal_edit.setToolTip(self.tr("A street address, registered PO box or private mailbox. The law "
                                            "(CAN-SPAM, CASL) requires it in every marketing message; nothing is "
                                            "sent without it."))
        self.postal_edit.setMaximumHeight(80)
        form.addRow(self.tr("Postal address"), self.postal_edit)
        self.mailbox_edit = self._line(form, self.tr("Unsubscribe mailbox"), self.tr(
            "Receives unsubscribe and confirmation replies. Keep it working for at least 60 days after every send."))
        self.plus_box = QCheckBox(self.tr("Mail to name+anything@ my domain also reaches this mailbox"))
        self.plus_box.setToolTip(self.tr(
            "Then the unsubscribe and confirmation addresses carry each person's code (news+code@…), so "
            "replies are matched even when the subject was changed. Leave it off when unsure: the code "
            "then travels in the subject."))
        form.addRow("", self.plus_box)
        self.unsub_url_edit = self._line(form, self.tr("Unsubscribe web page (optional)"), self.tr(
            "An https address of your own unsubscribe form; {token} is replaced by the contact's token. Enables "
            "one-click unsubscribe in Gmail and Yahoo."))
        self.confirm_url_edit = self._line(form, self.tr("Confirmation web page (optional)"), self.tr(
            "An https address of your own confirmation page; {token} is replaced by the contact's token."))
        self.reason_edit = self._line(form, self.tr("Why people receive your mail"),
                                      self.tr("One sentence shown in every footer."))
        self.ad_box = QCheckBox(self.tr("Mark messages as advertisement (CAN-SPAM)"))
        form.addRow("", self.ad_box)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save sender identity"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(self._build_dkim())
        layout.addStretch(1)
        self.load()
        ctx.events.settings_changed.connect(self._changed_elsewhere)

    def _line(self, form: QFormLayout, label: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(label)
        edit.setToolTip(tip)
        form.addRow(label, edit)
        return edit

    def _build_dkim(self) -> QGroupBox:
        box = QGroupBox(self.tr("DKIM signature (optional)"))
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.selector_edit = QLineEdit()
        self.selector_edit.setAccessibleName(self.tr("DKIM selector"))
        self.selector_edit.setPlaceholderText("md2026")
        self.generate_button = QPushButton(self.tr("Generate key"))
        self.generate_button.setToolTip(self.tr("Creates a new signing key for your From domain and keeps it in "
                                                "the system keyring. Publish the record below, then switch "
                                                "signing on."))
        self.generate_button.clicked.connect(self.generate_key)
        row.addWidget(QLabel(self.tr("Selector")))
        row.addWidget(self.selector_edit)
        row.addWidget(self.generate_button)
        layout.addLayout(row)
        self.record_view = QPlainTextEdit(readOnly=True)
        self.record_view.setAccessibleName(self.tr("DKIM DNS record"))
        self.record_view.setMaximumHeight(90)
        layout.addWidget(self.record_view)
        self.sign_box = QCheckBox(self.tr("Sign outgoing messages with this key"))
        self.sign_box.toggled.connect(self._sign_toggled)
        layout.addWidget(self.sign_box)
        return box

    # -- data ------------------------------------------------------------------------------------
    def _typed(self) -> tuple:
        """What the form shows now (to tell unsaved edits from what was loaded)."""
        return (self.name_edit.text(), self.from_edit.text(), self.reply_edit.text(), self.postal_edit.toPlainText(),
                self.mailbox_edit.text(), self.plus_box.isChecked(), self.unsub_url_edit.text(),
                self.confirm_url_edit.text(), self.reason_edit.text(), self.ad_box.isChecked())

    def _changed_elsewhere(self) -> None:
        """Saved somewhere else (the set-up assistant, another tab): shown here at once, unless
        this form holds edits of its own that are not saved yet."""
        if self._typed() == self._shown:
            self.load()

    def load(self) -> None:
        s = load_sender(self.app)
        self.name_edit.setText(s.business_name)
        self.from_edit.setText(s.from_address)
        self.reply_edit.setText(s.reply_to)
        self.postal_edit.setPlainText(s.postal_address)
        self.mailbox_edit.setText(s.unsubscribe_mailbox)
        self.plus_box.setChecked(s.plus_addressing)
        self.unsub_url_edit.setText(s.unsubscribe_url)
        self.confirm_url_edit.setText(s.confirm_url)
        self.reason_edit.setText(s.footer_reason)
        self.ad_box.setChecked(s.ad_disclosure)
        self._shown = self._typed()
        self._show_record()

    def _show_record(self) -> None:
        record = dkim.current_record(self.app)
        self.selector_edit.setText(record.selector if record else self.app.settings.get("sender.dkim_selector"))
        if record is None:
            self.record_view.setPlainText(self.tr("No key yet."))
        else:
            self.record_view.setPlainText(f"{record.name}  TXT\n{record.value}")
        self.sign_box.blockSignals(True)
        self.sign_box.setChecked(bool(self.app.settings.get("sender.dkim_sign")))
        self.sign_box.setEnabled(record is not None)
        self.sign_box.blockSignals(False)

    def save(self) -> bool:
        try:
            save_sender(self.app, name=self.name_edit.text(), from_address=self.from_edit.text(),
                        postal_address=self.postal_edit.toPlainText(), reply_to=self.reply_edit.text(),
                        unsubscribe_mailbox=self.mailbox_edit.text(), unsubscribe_url=self.unsub_url_edit.text(),
                        confirm_url=self.confirm_url_edit.text(), plus_addressing=self.plus_box.isChecked(),
                        footer_reason=self.reason_edit.text(), ad_disclosure=self.ad_box.isChecked())
        except SenderError as exc:
            self.message.setText(self.tr("Not saved: {0}").format(exc))
            return False
        self.message.setText(self.tr("Saved."))
        self.load()
        self.ctx.events.settings_changed.emit()
        return True

    def generate_key(self) -> None:
        selector, app = self.selector_edit.text(), self.app
        self.generate_button.setEnabled(False)
        self.message.setText(self.tr("Generating a key…"))
        self.ctx.jobs.run(lambda progress: dkim.generate_key(app, selector), name="DKIM key",
                          on_result=lambda _record: (self._show_record(), self.message.setText(
                              self.tr("Key generated. Publish the record, then switch signing on."))),
                          on_error=lambda text: self.message.setText(self.tr("No key: {0}").format(text)),
                          on_ended=lambda: self.generate_button.setEnabled(True))

    def _sign_toggled(self, on: bool) -> None:
        try:
            dkim.set_signing(self.app, on)
        except dkim.DkimError as exc:
            self.message.setText(str(exc))
            self._show_record()
            return
        self.ctx.events.settings_changed.emit()
