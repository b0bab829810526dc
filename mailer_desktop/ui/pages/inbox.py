"""The Inbox page: process returned mail with one click, see what was done, decide on the rest."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.accounts.oauth_tokens import sign_in_needed
from ...services.contacts import people as contacts
from ...services.inbox import processor as inbox_processor
from ...services.inbox import status as inbox_status
from ...services.sandbox import replies as sandbox_replies
from ..context import UiContext
from ..plurals import tr_n
from ..prompts import Prompts
from ..theme import page_margins, set_text_role
from ..widgets.empty_state import EmptyState
from ..widgets.tables import fit_columns, keep_room

KIND_LABELS = {
    "hard": "Hard bounce", "soft": "Soft bounce", "complaint": "Spam complaint", "auto_reply": "Auto-reply",
    "delivered": "Delivered notice", "unsubscribe": "Unsubscribe", "confirmation": "Confirmation",
    "unknown": "Not recognised", "feedback": "Feedback report", "delayed": "Delay notice",
}
HISTORY_COLUMNS = ("Processed", "From", "Subject", "Kind", "What was done")
REVIEW_COLUMNS = ("From", "Subject", "Why it waits", "Text")
WAITS_PREFIX = "needs your decision: "


class _FromTheStart(QStyledItemDelegate):
    """Elides at the end: "What was done" reads from its start (the contact, what changed), the
    reason last; the whole text is in the cell's tooltip."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class InboxPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.last_report = None
        self.last_error = ""
        self.prompts = Prompts()
        layout = QVBoxLayout(self)
        page_margins(layout)

        bar = QHBoxLayout()
        self.process_button = QPushButton(self.tr("Process inbox"))
        self.process_button.setDefault(True)
        self.process_button.setShortcut("Ctrl+R")
        self.process_button.setToolTip(self.tr(
            "Fetch the unprocessed mail of your reply mailbox (IMAP) and apply it: unsubscribes and complaints "
            "at once, bounces by the rules in Settings, confirmations with the reply kept as proof. (Ctrl+R)"))
        self.account = QComboBox()
        self.account.setAccessibleName(self.tr("Mailbox to process"))
        self.files_button = QPushButton(self.tr("Process mail files…"))
        self.files_button.setToolTip(self.tr(".eml files, an mbox archive or a Maildir folder (or drop them here)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Processing progress"))
        bar.addWidget(self.process_button)
        bar.addWidget(self.account)
        bar.addWidget(self.files_button)
        bar.addStretch(1)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        layout.addLayout(bar)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("inboxSummary")
        layout.addWidget(self.summary)
        self.trust_button = QPushButton(self.tr("Trust this certificate…"))
        self.trust_button.setToolTip(self.tr("Shows the certificate your mail server presents and its "
                                             "fingerprint; trusts exactly that one for this account."))
        self.trust_button.clicked.connect(self.trust_certificate)
        self.trust_button.hide()
        trust_row = QHBoxLayout()
        trust_row.addWidget(self.trust_button)
        self.sign_in_button = QPushButton()  # an OAuth2 mailbox whose sign-in was refused
        self.sign_in_button.setVisible(False)
        self.sign_in_button.clicked.connect(self.sign_in_again)
        self.sign_in_account: str | None = None
        self.open_url = None  # how the sign-in window shows the provider's page (None: the system browser)
        trust_row.addWidget(self.sign_in_button)
        trust_row.addStretch(1)
        layout.addLayout(trust_row)

        self.empty = EmptyState(
            self.tr("Nothing processed yet"),
            self.tr("Bounces, spam complaints, unsubscribe requests and confirmation replies come back to your "
                    "mailbox. Process them here with one click, so people who asked to leave are removed within "
                    "two days, as Gmail and Yahoo require. Set up the mailbox on the Accounts tab of Settings, "
                    "or drop .eml files, an mbox or a Maildir folder on this window."),
        )
        layout.addWidget(self.empty, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        review_box = QWidget()
        review_layout = QVBoxLayout(review_box)
        review_layout.setContentsMargins(0, 0, 0, 0)
        self.review_label = QLabel("")
        review_layout.addWidget(self.review_label)
        self.review = _table(REVIEW_COLUMNS, self.tr("Replies waiting for your decision"))
        review_layout.addWidget(self.review)
        buttons = QHBoxLayout()
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(self.tr("Contact's address"))
        self.contact_edit.setAccessibleName(self.tr("Contact the decision applies to"))
        self.contact_edit.setToolTip(self.tr("Filled with the sender; change it when the reply came from "
                                             "another address than the contact's."))
        buttons.addWidget(QLabel(self.tr("Contact:")))
        buttons.addWidget(self.contact_edit, 1)
        self.unsubscribe_button = QPushButton(self.tr("Unsubscribe sender"))
        self.confirm_button = QPushButton(self.tr("Confirm subscription"))
        self.ignore_button = QPushButton(self.tr("Nothing to do"))
        for b in (self.unsubscribe_button, self.confirm_button, self.ignore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        review_layout.addLayout(buttons)
        self.history = _table(HISTORY_COLUMNS, self.tr("Processed mail"))
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 6, 0, 0)
        self.history_label = QLabel(self.tr("Processed mail (newest first)"))
        set_text_role(self.history_label, "heading")
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history)
        self.splitter.addWidget(review_box)
        self.splitter.addWidget(history_box)
        self.splitter.setSizes([200, 420])
        for table in (self.review, self.history):
            table.setWordWrap(False)
        # the last column takes the room left; a narrow window gives up the subject, then the sender
        fit_columns(self.review, stretch=3, widths={0: 200, 1: 200, 2: 220})
        self._review_columns = keep_room(self.review, stretch=3, minimum=140, optional=[1])
        fit_columns(self.history, stretch=4, values={0: ["2026-12-31 23:59"],
                                                     3: [self.tr(v) for v in KIND_LABELS.values()]},
                    widths={1: 200, 2: 200})
        self._history_columns = keep_room(self.history, stretch=4, minimum=200, optional=[2, 1])
        self._done_delegate = _FromTheStart(self.history)
        self.history.setItemDelegateForColumn(4, self._done_delegate)
        layout.addWidget(self.splitter, 1)

        self.process_button.clicked.connect(self.process_inbox)
        self.files_button.clicked.connect(self.choose_files)
        self.cancel_button.clicked.connect(self.cancel)
        self.unsubscribe_button.clicked.connect(lambda: self.decide("unsubscribe"))
        self.confirm_button.clicked.connect(lambda: self.decide("confirm"))
        self.ignore_button.clicked.connect(lambda: self.decide("ignore"))
        self.review.itemSelectionChanged.connect(self._review_selected)
        ctx.events.settings_changed.connect(self.refresh_accounts)
        self._set_busy(False)
        self.refresh_accounts()
        self.refresh()

    # -- state ---------------------------------------------------------------------------
    def refresh_accounts(self) -> None:
        self.account.clear()
        for name in inbox_status.imap_accounts(self.ctx.app):
            self.account.addItem(name)
        self.account.setVisible(self.account.count() > 1)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.process_button.setEnabled(not busy)
        self.files_button.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = bool(self.review.selectedItems()) and self.job is None
        for b in (self.unsubscribe_button, self.confirm_button, self.ignore_button):
            b.setEnabled(chosen)

    def _review_selected(self) -> None:
        item_id = self.selected_review_id()
        item = next((i for i in self.review_items if i["id"] == item_id), None)
        address = ""
        if item is not None:
            person = contacts.get_contact(self.ctx.app, item["contact_id"]) if item["contact_id"] else None
            address = person.email if person is not None else parseaddr(item["sender"] or "")[1]
        self.contact_edit.setText(address)
        self._update_buttons()

    def refresh(self) -> None:
        app = self.ctx.app
        self.review_items = inbox_processor.review_items(app)
        self.review.setRowCount(len(self.review_items))
        for r, item in enumerate(self.review_items):
            why = "; ".join(part.split(WAITS_PREFIX, 1)[-1] for part in (item["outcome"] or "").split("; ")
                            if WAITS_PREFIX in part) or item["outcome"] or ""
            for c, text in enumerate((item["sender"], item["subject"], why, item["snippet"])):
                cell = QTableWidgetItem(text or "")
                cell.setData(Qt.ItemDataRole.UserRole, item["id"])
                cell.setToolTip((why if c == 2 else item["snippet"]) or "")
                self.review.setItem(r, c, cell)
        n = len(self.review_items)
        if n:
            self.review_label.setText(tr_n(self, "%n {message needs|messages need} your decision (the third column "
                                               "says why). Choose the contact, then decide.", n))
        else:
            self.review_label.setText(self.tr("No replies wait for a decision."))
        rows = inbox_status.recent(app)
        self.history.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = ((row["processed_at"] or "").replace("T", " ")[:16], row["sender"], row["subject"],
                      self.tr(KIND_LABELS.get(row["kind"], row["kind"])), row["outcome"])
            for c, text in enumerate(values):
                item = QTableWidgetItem(text or "")
                item.setToolTip(text or "")  # long text elides in the middle
                self.history.setItem(r, c, item)
        has_any = bool(rows) or bool(self.review_items)
        self.empty.setVisible(not has_any)
        self.splitter.setVisible(has_any)
        text, _urgent = inbox_status.reminder(app)
        if self.last_report is None and not self.last_error:  # a failure stays shown until the next run
            self.summary.setText(text)

    # -- processing ------------------------------------------------------------------------
    def process_inbox(self) -> None:
        app = self.ctx.app
        in_sandbox = sandbox_replies.waiting(app)
        if self.account.count() == 0:
            choices = [("setup", self.tr("Set up a mailbox…")), ("files", self.tr("Pick mail files…"))]
            text = self.tr("No mailbox for returned mail is set up yet. Set one up (IMAP, on the Accounts tab of "
                           "Settings), or pick mail files saved from your mail program.")
            if in_sandbox:
                choices.insert(0, ("sandbox", self.tr("Process the sandbox's replies ({n})").format(n=in_sandbox)))
                text += "\n\n" + tr_n(self, "%n {reply|replies} written on the Sandbox page {waits|wait}.", in_sandbox)
            choice = self.prompts.choose(self, self.tr("Process inbox"), text, choices)
            if choice == "files":
                self.choose_files()
            elif choice == "setup":
                self.ctx.events.navigate.emit("settings")
                self.ctx.events.status_message.emit(self.tr(
                    "Add the mailbox your replies and bounces go to on the Accounts tab (IMAP)."))
            elif choice == "sandbox":
                self._start(lambda progress: sandbox_replies.process(app, progress),
                            self.tr("Processing the sandbox's replies…"))
            return
        account = self.account.currentText()

        def work(progress):
            report = inbox_processor.import_imap(app, account, progress=progress)
            inbox_status.record_run(app, whole_mailbox=True)
            if sandbox_replies.waiting(app):  # replies written on the Sandbox page, too
                sandbox_replies.process(app, progress, into=report)
            return report

        self._start(work, self.tr("Fetching from {account}…").format(account=account))

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Mail files to process"), str(Path.home()),
            self.tr("Mail (*.eml *.mbox *.mbx *.msg);;All files (*)"))
        if files:
            self.process_paths([Path(f) for f in files])

    def process_paths(self, paths: list[Path]) -> None:
        """Process dropped or chosen .eml files, mbox archives and Maildir folders."""
        if self.job is not None:
            self.ctx.events.status_message.emit(self.tr("The inbox is being processed already."))
            return
        app = self.ctx.app
        names = [str(p) for p in paths]

        def work(progress):
            report = inbox_processor.import_paths(app, names, progress=progress)
            inbox_status.record_run(app, whole_mailbox=False)
            return report

        self._start(work, tr_n(self, "Processing %n {item|items}…", len(paths)))

    def _start(self, work, text: str) -> None:
        self.last_error = ""
        self.trust_button.hide()
        self.summary.setText(text)
        self.progress.setRange(0, 0)
        self.job = self.ctx.jobs.run(work, name="process inbox", on_result=self._done, on_error=self._failed,
                                     on_progress=self._progress, on_cancelled=self._cancelled,
                                     on_ended=self._ended)
        self._set_busy(True)

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(text or "%v / %m")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _done(self, report) -> None:
        self.last_report = report
        kinds = ", ".join(f"{self.tr(KIND_LABELS.get(k, k))}: {n}" for k, n in sorted(report.by_kind.items()))
        parts = [self.tr("{n} processed").format(n=report.processed)]
        if report.unchanged:
            parts.append(self.tr("{n} seen before (nothing changed)").format(n=report.unchanged))
        if report.review:
            parts.append(tr_n(self, "%n {needs|need} your decision", report.review))
        if report.not_mail:
            parts.append(tr_n(self, "%n {file|files} skipped: not mail ({names})", len(report.not_mail)).format(
                names=", ".join(Path(p).name for p in report.not_mail[:5])
                + ("…" if len(report.not_mail) > 5 else "")))
        text = "; ".join(parts) + (f" — {kinds}" if kinds else "") + "."
        if report.warnings:
            text += "<br>⚠ " + "<br>⚠ ".join(report.warnings)
        self.summary.setText(text)

    def _failed(self, message: str) -> None:
        self.last_error = message
        self.summary.setText("✖ " + message)
        # a server whose certificate no authority vouches for (a small business's own): offer to
        # trust exactly that certificate, after showing it — never to ignore certificate errors
        self.trust_button.setVisible("inbox trust-cert" in message and "certificate" in message)
        self.sign_in_account = sign_in_needed(message)
        if self.sign_in_account:
            self.sign_in_button.setText(self.tr("Sign in to {name} again…").format(name=self.sign_in_account))
            self.sign_in_button.setVisible(True)

    def sign_in_again(self) -> None:
        """The sign-in window for the mailbox's account; signed in, the inbox is processed again."""
        from ...services.accounts.manage import AccountError, get_account
        from ..dialogs.oauth_sign_in import SignInDialog

        try:
            account = get_account(self.ctx.app, self.sign_in_account or "")
        except AccountError as exc:
            self.summary.setText("✖ " + str(exc))
            return
        self.sign_in_dialog = dialog = SignInDialog(self.ctx, account, self, open_url=self.open_url)
        dialog.signed_in.connect(lambda _acc: (self.sign_in_button.setVisible(False), self.process_inbox()))
        dialog.open()
        dialog.start()

    def trust_certificate(self) -> None:
        account, app = self.account.currentText(), self.ctx.app
        if not account:
            return
        self.trust_button.setEnabled(False)
        self.ctx.jobs.run(lambda progress: inbox_processor.trust_certificate(app, account), name="certificate",
                          on_result=lambda found: self._confirm_trust(account, found[0]),
                          on_error=self._failed, on_ended=lambda: self.trust_button.setEnabled(True))

    def _confirm_trust(self, account: str, cert) -> None:
        question = self.tr(
            "The mail server of {account} shows this certificate:\n{described}\n\nSHA-256 fingerprint:\n{fp}\n\n"
            "Compare it with the fingerprint your mail server shows (ask whoever runs it). Trust exactly this "
            "certificate for {account}? If the server's certificate changes, the connection is refused until you "
            "trust the new one.").format(account=account, described=cert.describe(), fp=cert.fingerprint)
        if not self.prompts.confirm(self, self.tr("Trust this certificate"), question):
            return
        app, fp = self.ctx.app, cert.fingerprint

        def trusted(_found) -> None:
            self.trust_button.hide()
            self.summary.setText(self.tr("The certificate is trusted for {account}. Process inbox again.")
                                 .format(account=account))

        self.ctx.jobs.run(lambda progress: inbox_processor.trust_certificate(app, account, fp),
                          name="trust certificate", on_result=trusted, on_error=self._failed)

    def _cancelled(self) -> None:
        self.summary.setText(self.tr("Cancelled. Mail processed before the cancel stays processed."))

    def _ended(self) -> None:
        self.job = None
        self._set_busy(False)
        self.refresh()
        self.ctx.events.contacts_changed.emit()
        self.ctx.events.inbox_changed.emit()

    # -- review ------------------------------------------------------------------------------
    def selected_review_id(self) -> int | None:
        items = self.review.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def decide(self, decision: str) -> None:
        item_id = self.selected_review_id()
        if item_id is None:
            return
        try:
            contact = self.contact_edit.text().strip() or None
            result = inbox_processor.decide_review(self.ctx.app, item_id, decision,
                                                   contact if decision != "ignore" else None)
        except Exception as exc:  # InboxError or a contact/consent error: say it, change nothing else
            self.summary.setText("✖ " + str(exc))
            return
        self.summary.setText(result)
        self.refresh()
        self.ctx.events.contacts_changed.emit()
        self.ctx.events.inbox_changed.emit()
