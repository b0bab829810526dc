"""Add or edit one contact, with validation as you type.

New contacts are ``pending`` unless the user records proof of consent (then ``confirmed``);
implied consent (CASL, an existing customer) needs the purchase date and expires two years
later. Editing never changes the consent status: that happens only through consent events.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import consent
from ...domain.addresses import AddressError, validate
from ...services.contacts import people as contact_service
from ...services.contacts.errors import ContactError
from ...services.contacts.people import Contact
from ...storage.write_gate import WriteBusyError
from ..theme import set_text_role


class ContactDialog(QDialog):
    def __init__(self, app, contact: Contact | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.contact = contact
        self.saved: Contact | None = None
        self.setWindowTitle(self.tr("Edit contact") if contact else self.tr("Add contact"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.email = QLineEdit(contact.email if contact else "")
        self.email.setAccessibleName(self.tr("Email address"))
        self.email.setPlaceholderText("name@example.com")
        form.addRow(self.tr("&Email:"), self.email)
        self.name = QLineEdit(contact.name if contact else "")
        self.name.setAccessibleName(self.tr("Name"))
        form.addRow(self.tr("&Name:"), self.name)

        self.fields = QTableWidget(0, 2)
        self.fields.setAccessibleName(self.tr("Custom fields"))
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.fields.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().hide()
        self.fields.setMaximumHeight(120)
        self.fields.setToolTip(self.tr("Keep only what you need (data minimisation): email and name are "
                                       "enough for most newsletters."))
        for key, value in (contact.fields if contact else {}).items():
            self._add_field_row(key, value)
        add_field = QPushButton(self.tr("Add field"))
        add_field.clicked.connect(lambda: self._add_field_row("", ""))
        remove_field = QPushButton(self.tr("Remove field"))
        remove_field.clicked.connect(lambda: self.fields.removeRow(self.fields.currentRow()))
        field_buttons = QHBoxLayout()
        field_buttons.addWidget(add_field)
        field_buttons.addWidget(remove_field)
        field_buttons.addStretch(1)
        box = QVBoxLayout()
        box.addWidget(self.fields)
        box.addLayout(field_buttons)
        form.addRow(self.tr("Fields:"), box)

        self.lists = QListWidget()
        self.lists.setAccessibleName(self.tr("Lists"))
        self.lists.setMaximumHeight(110)
        self.lists.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        member_of = set(contact.lists) if contact else set()
        for lst in contact_service.all_lists(app):
            item = QListWidgetItem(lst.name)
            item.setData(Qt.ItemDataRole.UserRole, lst.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if lst.name in member_of else Qt.CheckState.Unchecked)
            self.lists.addItem(item)
        form.addRow(self.tr("Lists:"), self.lists)

        self.confirmed = QCheckBox(self.tr("I have proof that this person agreed to receive the newsletter"))
        self.proof = QLineEdit()
        self.proof.setAccessibleName(self.tr("Proof of consent"))
        self.proof.setPlaceholderText(self.tr("Who agreed, when and how (e.g. signed form at the shop, 3 May)"))
        self.basis = QComboBox()
        self.basis.setAccessibleName(self.tr("Consent basis"))
        self.basis.addItem(self.tr("Express consent (they said yes)"), consent.EXPRESS)
        self.basis.addItem(self.tr("Implied consent (existing customer, CASL: 2 years)"), consent.IMPLIED)
        self.purchase = QDateEdit(QDate.currentDate())
        self.purchase.setAccessibleName(self.tr("Purchase date"))
        self.purchase.setCalendarPopup(True)
        self.purchase.setDisplayFormat("yyyy-MM-dd")
        self.purchase.setToolTip(self.tr("Implied consent ends two years after the purchase."))
        if contact is None:
            self.confirmed.setToolTip(self.tr("Without proof the contact stays pending and receives only a "
                                              "confirmation request (double opt-in)."))
            form.addRow("", self.confirmed)
            form.addRow(self.tr("&Proof:"), self.proof)
            form.addRow(self.tr("Basis:"), self.basis)
            form.addRow(self.tr("Purchase date:"), self.purchase)
        else:
            status = QLabel(self.tr("Consent status: {status}. It changes only through recorded consent "
                                    "events (confirmation, unsubscribe, bounce, complaint).")
                            .format(status=contact.status))
            status.setWordWrap(True)
            form.addRow("", status)

        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        set_text_role(self.error, "error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for signal in (self.email.textChanged, self.proof.textChanged, self.confirmed.toggled,
                       self.basis.currentIndexChanged, self.purchase.dateChanged):
            signal.connect(self.validate)
        self.validate()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _add_field_row(self, key: str, value: str) -> None:
        row = self.fields.rowCount()
        self.fields.insertRow(row)
        self.fields.setItem(row, 0, QTableWidgetItem(key))
        self.fields.setItem(row, 1, QTableWidgetItem(value))

    def field_values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.fields.rowCount()):
            key = (self.fields.item(row, 0).text() if self.fields.item(row, 0) else "").strip()
            value = self.fields.item(row, 1).text() if self.fields.item(row, 1) else ""
            if key:
                out[key] = value
            elif value.strip():
                raise ContactError(self.tr("Field row {row} has a value but no name.").format(row=row + 1))
        return out

    def checked_list_ids(self) -> set[int]:
        return {self.lists.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.lists.count())
                if self.lists.item(i).checkState() == Qt.CheckState.Checked}

    def problem(self) -> str:
        """What keeps the dialog from saving, in words ('' when nothing)."""
        text = self.email.text().strip()
        if not text:
            return self.tr("Enter the email address.")
        try:
            validate(text)
        except AddressError as exc:
            return self.tr("The email address is not valid: {why}").format(why=str(exc))
        if self.contact is None and self.confirmed.isChecked():
            if not self.proof.text().strip():
                return self.tr("Describe the proof of consent, or leave the contact pending.")
            if self.basis.currentData() == consent.IMPLIED:
                bought = self.purchase.date().toPython()
                today = QDate.currentDate().toPython()
                if bought > today:
                    return self.tr("The purchase date is in the future.")
                if consent.implied_expiry(bought) <= today:
                    return self.tr("Implied consent from a purchase on {day} ended two years later (CASL). "
                                   "Ask this person for express consent instead.").format(day=bought.isoformat())
        return ""

    def validate(self) -> bool:
        implied = self.basis.currentData() == consent.IMPLIED
        self.proof.setEnabled(self.confirmed.isChecked())
        self.basis.setEnabled(self.confirmed.isChecked())
        self.purchase.setEnabled(self.confirmed.isChecked() and implied)
        problem = self.problem()
        self.error.setText(problem)
        self.ok_button.setEnabled(not problem)
        return not problem

    def save(self) -> None:
        """Write through the services; problems are shown in the dialog, which stays open."""
        if not self.validate():
            return
        try:
            fields = self.field_values()
            if self.contact is None:
                confirmed = self.confirmed.isChecked()
                basis = self.basis.currentData() if confirmed else None
                purchase = self.purchase.date().toString("yyyy-MM-dd") if basis == consent.IMPLIED else None
                saved = contact_service.add_contact(
                    self.app, self.email.text(), self.name.text(), fields, channel="gui",
                    lists=sorted(self.checked_list_ids()), confirmed=confirmed,
                    evidence=self.proof.text().strip() if confirmed else "", basis=basis, purchase_date=purchase,
                    source="added by hand")
            else:
                with self.app.db.transaction() as conn:
                    saved = contact_service.update_contact(self.app, self.contact.id, email=self.email.text(),
                                                           name=self.name.text(), fields=fields, conn=conn)
                    before = {lst.id for lst in contact_service.all_lists(self.app, conn) if lst.name in saved.lists}
                    wanted = self.checked_list_ids()
                    for list_id in wanted - before:
                        contact_service.add_to_list(self.app, list_id, [saved.id], conn=conn)
                    for list_id in before - wanted:
                        contact_service.remove_from_list(self.app, list_id, [saved.id], conn=conn)
                    saved = contact_service.require_contact(self.app, saved.id, conn)
        except ContactError as exc:
            self.error.setText(str(exc))
            return
        except WriteBusyError as exc:  # a long write (a big import) holds the database: not waited for
            self.error.setText(exc.user_text)
            return
        self.saved = saved
        self.accept()
