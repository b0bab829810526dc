"""The Campaigns page: history on the left; the chosen campaign on the right with who will
receive it, a test copy, Send (after a confirmation that says how many people), live progress
with Pause / Resume / Cancel, and the per-recipient log with the servers' replies.

Sending runs in a background job (``ctx.jobs``) through the same engine as the CLI. A campaign
paused because an OAuth2 account's sign-in was refused shows "Sign in to <account> again…": the
sign-in window opens, and once signed in the campaign resumes where it stopped.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.accounts.manage import list_accounts
from ...services.accounts.oauth_tokens import sign_in_needed
from ...services.sending import reports as sender_reports
from ...services.sending.engine import SendControl, campaign_status
from ..context import UiContext
from ..models.deliveries_model import CAMPAIGN_STATE_LABELS, STATE_LABELS, CampaignsModel, DeliveriesModel
from ..prompts import Prompts
from ..tasks import LatestRead
from ..theme import page_margins, set_text_role
from ..widgets.empty_state import EmptyState
from ..widgets.send_progress import SendProgress
from ..widgets.tables import fit_columns, keep_room
from .campaigns_changes import CampaignChanges
from .campaigns_dialogs import NewCampaignDialog
from .campaigns_sending import CampaignSending, describe_skipped


def _status_and_preflight(app, campaign_id: int) -> dict:
    """Runs in a job: the campaign's figures plus its preflight (without DNS lookups) while it
    can still be sent."""
    from ...services.compose.preflight import run_preflight

    st = campaign_status(app, campaign_id)
    if st["state"] in ("draft", "paused", "sending"):
        try:
            report = run_preflight(app, campaign_id, check_dns=False)
        except Exception as exc:  # shown, not fatal: the send itself checks again
            st["preflight_errors"] = [str(exc)]
        else:
            st["preflight_errors"] = [f.message for f in report.errors]
            st["preflight_warnings"] = [f.message for f in report.warnings]
    return st


class CampaignsPage(CampaignSending, QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.campaign_id: int | None = None
        self.prompts = Prompts()
        self.composer = None  # the editor opened by Edit… (tests reach it here)
        self._shown_id: int | None = None  # the campaign whose figures, message and filter are shown
        self.control: SendControl | None = None
        self.job = None
        self.last_result: dict | None = None
        self.last_error = ""
        self._summary_due = False
        self._figures = LatestRead(self.app, self._counts_ready,
                                   lambda _exc: self._counts_ready(sender_reports.campaign_counts(self.app)),
                                   "campaign-figures", self)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.stack = QStackedWidget()
        page = QVBoxLayout(self)
        page_margins(page)
        page.addWidget(self.stack)
        self.empty = EmptyState(
            self.tr("No campaigns yet"),
            self.tr("A campaign sends one of your templates to a list. Only people who confirmed receive it: "
                    "new contacts first get a short request to confirm (double opt-in).<br><br>"
                    "Before the first send, the program checks the message — your postal address, the "
                    "unsubscribe link, your domain's settings — and says who is left out and why. Until you set "
                    "up your own mail account, everything goes to the sandbox on this computer."))
        self.empty.add_button(self.tr("New campaign…"), self.new_campaign, primary=True)
        self.empty.add_button(self.tr("Send confirmation requests…"), self.send_confirmation_requests)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(splitter)
        splitter.addWidget(self._build_history())
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 620])
        ctx.events.campaigns_changed.connect(self.refresh)
        ctx.events.contacts_changed.connect(self._show_summary)
        ctx.events.settings_changed.connect(self._fill_accounts)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_history(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New campaign…"))
        self.new_button.setAccessibleName(self.tr("New campaign"))
        self.new_button.clicked.connect(self.new_campaign)
        self.confirm_button = QPushButton(self.tr("Send confirmation requests"))
        self.confirm_button.setToolTip(self.tr(
            "Mail each pending contact a short request to confirm (double opt-in): once, and one reminder "
            "after the days set in Settings > Consent."))
        self.confirm_button.clicked.connect(self.send_confirmation_requests)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)
        self.history_model = CampaignsModel(self.app, self)
        self.history = QTableView()
        self.history.setAccessibleName(self.tr("Campaign history"))
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        figures = ["99,999"]
        fit_columns(self.history, stretch=0, values={
            2: [self.tr(v) for v in CAMPAIGN_STATE_LABELS.values()], 3: figures, 4: figures,
            5: ["2026-12-31"]}, widths={1: 90})
        # a narrow window hides the date, the list, then the failures before the name gets cramped
        self._history_columns = keep_room(self.history, stretch=0, minimum=140, optional=[5, 1, 4])
        self.history.setWordWrap(False)
        self.history.verticalHeader().hide()
        self.history.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.history.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.history.customContextMenuRequested.connect(lambda pos: self.changes.history_menu(pos))
        self.history.doubleClicked.connect(lambda _index: self.edit_current())
        layout.addWidget(self.history)
        return box

    def _build_detail(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.title = QLabel(self.tr("Choose a campaign, or create one."))
        set_text_role(self.title, "title")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName(self.tr("Campaign state"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Recipients"))
        layout.addWidget(self.title)
        self.changes = CampaignChanges(self)  # Edit… Rename… Duplicate Delete…
        self.edit_button, self.rename_button, self.duplicate_button, self.delete_button = self.changes.buttons
        layout.addLayout(self.changes.row)
        layout.addWidget(self.state_label)
        self.sign_in_button = QPushButton()
        self.sign_in_button.setVisible(False)
        self.sign_in_button.clicked.connect(self.sign_in_again)
        self.sign_in_account: str | None = None
        self.open_url = None  # how the sign-in window shows the provider's page (None: the system browser)
        layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.summary)
        self.preflight = QLabel()
        self.preflight.setWordWrap(True)
        self.preflight.setAccessibleName(self.tr("Preflight"))
        self.preflight.setToolTip(self.tr("What the law and the mailbox providers ask of every message; errors "
                                          "block sending, warnings are worth a look."))
        layout.addWidget(self.preflight)

        send_box = QGroupBox(self.tr("Send"))
        send_layout = QVBoxLayout(send_box)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Account:")))
        self.account = QComboBox()
        self.account.setAccessibleName(self.tr("Sending account"))
        self.account.setToolTip(self.tr("The built-in sandbox keeps everything on this computer; add your own "
                                        "mail account in Settings > Accounts."))
        row.addWidget(self.account, 1)
        self.send_button = QPushButton(self.tr("Send…"))
        self.send_button.setAccessibleName(self.tr("Send campaign"))
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.send_button)
        send_layout.addLayout(row)
        row = QHBoxLayout()
        self.test_address = QLineEdit()
        self.test_address.setAccessibleName(self.tr("Test address"))
        self.test_address.setPlaceholderText(self.tr("your own address"))
        self.test_button = QPushButton(self.tr("Send a test to me"))
        self.test_button.clicked.connect(self.send_test)
        row.addWidget(self.test_address, 1)
        row.addWidget(self.test_button)
        send_layout.addLayout(row)
        self.progress = SendProgress()
        send_layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Send message"))
        send_layout.addWidget(self.message)
        layout.addWidget(send_box)

        log_box = QGroupBox(self.tr("Recipients and server replies"))
        log_layout = QVBoxLayout(log_box)
        row = QHBoxLayout()
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName(self.tr("Show recipients"))
        self.state_filter.addItem(self.tr("Everyone"), None)
        for state, label in STATE_LABELS.items():
            self.state_filter.addItem(self.tr(label), state)
        self.state_filter.currentIndexChanged.connect(self._filter_log)
        self.resend_button = QPushButton(self.tr("Resend uncertain"))
        self.resend_button.setToolTip(self.tr(
            "Messages cut off mid-send (the program stopped) may or may not have arrived. Resending them "
            "may give some people a second copy."))
        self.resend_button.clicked.connect(self.resend)
        row.addWidget(self.state_filter)
        row.addStretch(1)
        row.addWidget(self.resend_button)
        log_layout.addLayout(row)
        self.log_model = DeliveriesModel(self.app, self)
        self.log_view = QTableView()
        self.log_view.setAccessibleName(self.tr("Per-recipient log"))
        self.log_view.setModel(self.log_model)
        self.log_view.verticalHeader().hide()
        fit_columns(self.log_view, stretch=3, values={4: ["2026-12-31 23:59"]}, widths={0: 140, 1: 90})
        self._log_columns = keep_room(self.log_view, stretch=3, minimum=100, optional=[4, 2])
        log_layout.addWidget(self.log_view)
        layout.addWidget(log_box, 1)
        self._fill_accounts()
        return box

    # -- state ---------------------------------------------------------------------------------
    def _fill_accounts(self) -> None:
        current = self.account.currentData()
        self.account.clear()
        for acc in list_accounts(self.app):
            label = self.tr("Sandbox (this computer only)") if acc.is_sandbox else acc.name
            self.account.addItem(label, acc.name)
        if current is not None and self.account.findData(current) >= 0:
            self.account.setCurrentIndex(self.account.findData(current))
        if not self.test_address.text():
            self.test_address.setText(self.app.settings.get("sender.from_address") or "")

    def refresh(self) -> None:
        self.history_model.refresh()
        self.stack.setCurrentIndex(1 if self.history_model.rowCount() else 0)
        self._count_soon()
        if self.campaign_id is None and self.history_model.rowCount() > 0:
            first = self.history_model.line_at(0)  # the newest campaign, so the page opens on something
            self.campaign_id = first.id if first is not None else None
        if self.campaign_id is not None:
            row = self.history_model.row_of(self.campaign_id)
            if row >= 0:
                self.history.selectRow(row)
        self._show_campaign()

    def _count_soon(self) -> None:
        """Read every campaign's figures in a thread of their own (one pass over the send log,
        which grows with it)."""
        self._figures.ask(sender_reports.campaign_counts)

    def _counts_ready(self, counts: dict) -> None:
        self.history_model.set_counts(counts)
        cid = self.campaign_id
        row = self.history_model.row_of(cid) if cid is not None else -1
        if row >= 0:
            self.resend_button.setEnabled(self.job is None and self.history_model.line_at(row).uncertain > 0)

    @property
    def counting(self) -> bool:
        """The campaigns' figures are being read (the history shows the last ones, or '…')."""
        return self._figures.reading

    def select_campaign(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.refresh()

    def _row_chosen(self, current, _previous) -> None:
        line = self.history_model.line_at(current.row())
        if line is not None and line.id != self.campaign_id:
            self.campaign_id = line.id
            self._show_campaign()

    def _show_campaign(self, *, counts: bool = True) -> None:
        """Show the chosen campaign; ``counts`` also refreshes its figures (a background job)."""
        cid = self.campaign_id
        sending = self.job is not None
        if cid is None or self.history_model.row_of(cid) < 0:
            self.title.setText(self.tr("Choose a campaign, or create one."))
            self.state_label.clear()
            self.summary.clear()
            self.log_model.show_campaign(None)
            for w in (self.send_button, self.test_button, self.resend_button, *self.campaign_actions()):
                w.setEnabled(False)
            return
        line = self.history_model.line_at(self.history_model.row_of(cid))
        if cid != self._shown_id:
            self._another_campaign_shown()
        self._shown_id = cid
        self.title.setText(line.name)
        state = self.tr({"draft": "Draft: not sent yet.", "sending": "Sending (or cut off: send again to resume).",
                         "paused": "Paused.", "cancelled": "Cancelled.", "done": "Done."}.get(line.state, line.state))
        self.state_label.setText(state + (f" {line.reason}" if line.reason else ""))
        self.sign_in_account = sign_in_needed(line.reason) if line.state == "paused" else None
        self.sign_in_button.setText(self.tr("Sign in to {name} again…").format(name=self.sign_in_account))
        self.sign_in_button.setVisible(bool(self.sign_in_account) and not sending)
        if counts:
            self._show_summary()
        finished = line.state in ("done", "cancelled")
        self.send_button.setEnabled(not sending and not finished)
        self.send_button.setText(self.tr("Send…") if line.state in ("draft", "done", "cancelled")
                                 else self.tr("Resume sending…"))
        self.send_button.setToolTip(self.tr("This campaign has been sent. To send it again, create a new "
                                            "campaign from the same template.") if line.state == "done" else "")
        self.test_button.setEnabled(not sending and line.kind == "campaign")
        self.changes.show(line, sending)
        self.resend_button.setEnabled(not sending and line.uncertain > 0)
        self.log_model.show_campaign(cid, self.state_filter.currentData())

    def _another_campaign_shown(self) -> None:
        """What belonged to the campaign shown before goes: its send's bar and figures (unless a
        send is running), its message and the recipient filter chosen for it."""
        if self.job is None:
            self.progress.reset()
            self.message.clear()
        self.summary.clear()
        self.preflight.clear()
        if self.state_filter.currentIndex() != 0:
            self.state_filter.blockSignals(True)
            self.state_filter.setCurrentIndex(0)  # Everyone
            self.state_filter.blockSignals(False)

    def _show_summary(self) -> None:
        """Counts come from a background job: for a draft they mean checking every list member.
        Requests made together (the end of a send changes campaigns and contacts) start one job."""
        if not self._summary_due:
            self._summary_due = True
            QTimer.singleShot(0, self._start_summary)

    def _start_summary(self) -> None:
        self._summary_due = False
        if self.campaign_id is None:
            return
        cid, app = self.campaign_id, self.app
        self.ctx.jobs.run(lambda progress: _status_and_preflight(app, cid), name="campaign status",
                          on_result=lambda st: self._summary_ready(cid, st))

    def _summary_ready(self, campaign_id: int, st: dict) -> None:
        if campaign_id != self.campaign_id:
            return
        self.status = st
        text = self.tr("{sent:,} sent, {failed:,} failed, {deferred:,} deferred, {uncertain:,} uncertain, "
                       "{queued:,} still to send.").format(**st)
        if st["state"] == "draft":
            text = self.tr("{queued:,} people will receive it.").format(**st)
        if st["skipped"]:
            text += " " + self.tr("Left out: {}.").format(describe_skipped(st["skipped"]))
        self.summary.setText(text)
        errors, warnings = st.get("preflight_errors", []), st.get("preflight_warnings", [])
        lines = [self.tr("Must be fixed before sending: {}").format(m) for m in errors]
        lines += [self.tr("Warning: {}").format(m) for m in warnings]
        self.preflight.setText("\n".join(lines))
        set_text_role(self.preflight, "error" if errors else "warning" if warnings else "body")
        if errors:
            self.send_button.setEnabled(False)

    def _filter_log(self) -> None:
        if self.campaign_id is not None:
            self.log_model.show_campaign(self.campaign_id, self.state_filter.currentData())

    # -- actions -------------------------------------------------------------------------------
    def campaign_actions(self) -> tuple[QPushButton, ...]:
        return self.changes.buttons

    def edit_current(self) -> None:
        self.changes.edit()

    def new_campaign(self) -> None:
        dialog = NewCampaignDialog(self.app, self)
        if dialog.exec() and dialog.campaign_id is not None:
            self.campaign_id = dialog.campaign_id
            self.ctx.events.campaigns_changed.emit()
