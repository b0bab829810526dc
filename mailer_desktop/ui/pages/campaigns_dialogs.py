"""The new-campaign dialog: a name, a template, a list."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ...services import sender_reports
from ...services.campaigns import CampaignError, create_campaign
from ...services.contact_lists import all_lists


class NewCampaignDialog(QDialog):
    def __init__(self, app, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.campaign_id: int | None = None
        self.setWindowTitle(self.tr("New campaign"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Campaign name"))
        self.template = QComboBox()
        self.template.setAccessibleName(self.tr("Template"))
        for tid, name in sender_reports.template_choices(app):
            self.template.addItem(name, tid)
        self.list = QComboBox()
        self.list.setAccessibleName(self.tr("List"))
        self.list.setToolTip(self.tr("Only the list's confirmed members receive it; unsubscribed, bounced, "
                                     "complained and suppressed addresses are left out automatically."))
        for lst in all_lists(app):
            self.list.addItem(lst.name, lst.name)
        self.subject = QLineEdit()
        self.subject.setAccessibleName(self.tr("Subject"))
        self.subject.setPlaceholderText(self.tr("Empty: the template's subject"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Template"), self.template)
        form.addRow(self.tr("List"), self.list)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if self.template.count() == 0:
            self.error.setText(self.tr("There is no template yet: write one on the Templates page first."))
        elif self.list.count() == 0:
            self.error.setText(self.tr("There is no list yet: import or add contacts to a list first."))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.template.count() > 0 and self.list.count() > 0)

    def create(self) -> None:
        try:
            self.campaign_id = create_campaign(self.app, self.name.text(), self.subject.text(), self.list.currentData(),
                                               template_id=self.template.currentData())
        except CampaignError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
