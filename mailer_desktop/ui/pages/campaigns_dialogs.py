"""The new-campaign dialog: a name, a template, a list."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ...services.campaigns import CampaignError, create_campaign
from ...services.contacts.lists import all_lists
from ...services.sending import reports as sender_reports
from ..plurals import tr_n
from ..theme import set_text_role


class NewCampaignDialog(QDialog):
    def __init__(self, app, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.campaign_id: int | None = None
        self.setWindowTitle(self.tr("New campaign"))
        self.setMinimumWidth(460)  # the subject's hint and long list names fit
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
        set_text_role(self.error, "error")
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


class ConfirmationRequestsDialog(QDialog):
    """Asks before confirmation requests go out: to whom (all pending contacts, or one list's),
    how many, and through which account. The counts are read in the background."""

    def __init__(self, ctx, account_label: str, sandbox: bool, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QVBoxLayout

        self.ctx = ctx
        self.due: int | None = None
        self._asked = 0
        self.setWindowTitle(self.tr("Send confirmation requests"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Each pending contact gets a short request to confirm their subscription "
                               "(double opt-in): once, and one reminder after the days set in Settings."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.list = QComboBox()
        self.list.setAccessibleName(self.tr("Send to"))
        self.list.addItem(self.tr("Every pending contact"), None)
        for lst in all_lists(ctx.app):
            self.list.addItem(self.tr("Pending contacts of the list “{}”").format(lst.name), lst.name)
        form.addRow(self.tr("Send to"), self.list)
        account = QLabel(account_label + (self.tr(" — nothing leaves this computer; the messages appear on "
                                                  "the Sandbox page") if sandbox else ""))
        account.setWordWrap(True)
        form.addRow(self.tr("Account"), account)
        layout.addLayout(form)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setAccessibleName(self.tr("Who receives a request"))
        layout.addWidget(self.count)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.currentIndexChanged.connect(self._count)
        self._count()

    @property
    def list_name(self) -> str | None:
        return self.list.currentData()

    def _count(self) -> None:
        from ...services.inbox.confirmations import due_contacts

        self._asked += 1
        ticket, app, name = self._asked, self.ctx.app, self.list_name
        self.due = None
        self.send_button.setEnabled(False)
        self.send_button.setText(self.tr("Send"))
        self.count.setText(self.tr("Counting who is due…"))
        self.ctx.jobs.run(lambda progress: len(due_contacts(app, name)), name="count confirmation requests",
                          on_result=lambda n: self._counted(ticket, n),
                          on_error=lambda message: self._counted(ticket, None, message))

    def _counted(self, ticket: int, n: int | None, error: str = "") -> None:
        if ticket != self._asked:  # another choice was made meanwhile
            return
        self.due = n
        if n is None:
            self.count.setText(self.tr("The count failed: {}").format(error))
        elif n == 0:
            self.count.setText(self.tr("Nobody is due: every pending contact here has had their request and "
                                       "reminder, or is waiting for the reminder's day."))
        else:
            self.count.setText(tr_n(self, "%n {person receives|people receive} a request now.", n))
            self.send_button.setText(tr_n(self, "Send to %n {person|people}", n))
        self.send_button.setEnabled(bool(n))
