"""The Campaigns page's sending: Send… (count, ask, send), confirmation requests, a test
message, resending the uncertain ones, and signing in again when an account's sign-in expired
mid-send. The job's progress, result and errors show on the page."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from ...services.accounts.manage import AccountError, get_account
from ...services.inbox.confirmations import send_confirmations
from ...services.sending.engine import SendControl, campaign_status, resend_uncertain, send_campaign
from ...services.sending.sample import send_test_message
from ..plurals import tr_n
from .campaigns_dialogs import ConfirmationRequestsDialog

REASON_LABELS = {
    "pending": "not confirmed yet", "unsubscribed": "unsubscribed", "bounced": "bounced",
    "complained": "complained", "consent_expired": "implied consent expired", "suppressed": "on the suppression list",
    "status_changed": "opted out meanwhile", "invalid_address": "unusable address",
}


def describe_skipped(skipped: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {REASON_LABELS.get(reason, reason)}" for reason, n in skipped.items())


class CampaignSending:
    """Part of :class:`~mailer_desktop.ui.pages.campaigns.CampaignsPage` (its widgets, ``ctx``,
    ``app``, ``campaign_id`` and ``job``)."""

    def confirm_text(self, st: dict) -> str:
        n = st["queued"]
        text = tr_n(self, "Send “{name}” to %n {person|people} now?", n).format(name=st["name"])
        if st["skipped"]:
            text += "\n\n" + self.tr("Left out: {}.").format(describe_skipped(st["skipped"]))
        if self.account.currentData() == "sandbox":
            text += "\n\n" + self.tr("Account: the sandbox. Nothing leaves this computer; the messages appear "
                                     "on the Sandbox page.")
        return text

    def send(self) -> None:
        """Count who would receive it (in the background), ask, then send."""
        if self.campaign_id is None or self.job is not None:
            return
        cid, app = self.campaign_id, self.app
        self.send_button.setEnabled(False)
        self.ctx.jobs.run(lambda progress: campaign_status(app, cid), name="count recipients",
                          on_result=lambda st: self._confirm_and_send(cid, st),
                          on_error=self._failed, on_ended=lambda: self._show_campaign(counts=False))

    def _confirm_and_send(self, campaign_id: int, st: dict) -> None:
        if campaign_id != self.campaign_id or self.job is not None:
            return
        answer = QMessageBox.question(self, self.tr("Send campaign"), self.confirm_text(st),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._start_job(lambda app, control, progress, acc=self.account.currentData():
                        send_campaign(app, campaign_id, acc, control=control, progress=progress))

    def send_confirmation_requests(self) -> None:
        """Ask whom (all pending contacts or one list's) and show how many, then send."""
        if self.job is not None:
            return
        acc = self.account.currentData()
        dialog = ConfirmationRequestsDialog(self.ctx, self.account.currentText(), acc == "sandbox", self)
        self.confirmation_dialog = dialog  # tests answer it
        try:
            if not dialog.exec() or not dialog.due:
                return
            list_name = dialog.list_name
        finally:
            self.confirmation_dialog = None
        self._start_job(lambda app, control, progress:
                        send_confirmations(app, acc, list_name, control=control, progress=progress))

    def _start_job(self, fn) -> None:
        control = SendControl()
        self.control = control
        self.progress.attach(control)
        self.message.clear()
        self.last_result, self.last_error = None, ""
        app = self.app
        self.job = self.ctx.jobs.run(lambda progress: fn(app, control, progress), name="send",
                                     on_result=self._sent, on_error=self._failed,
                                     on_progress=self.progress.show_progress, on_ended=self._ended)
        self._show_campaign(counts=False)

    def _sent(self, result: dict) -> None:
        self.last_result = result
        if result.get("campaign") and result.get("kind", "confirmation") == "confirmation":
            self.campaign_id = self._shown_id = result["campaign"]  # its message stays shown
        # This run only; the campaign's totals are in the summary above.
        parts = [self.tr("{n:,} sent").format(n=result.get("sent", 0))]
        for key, label in (("failed", self.tr("{n:,} failed")), ("deferred", self.tr("{n:,} deferred"))):
            if result.get(key):
                parts.append(label.format(n=result[key]))
        text = self.tr("This send: {}.").format(", ".join(parts))
        if result.get("reason"):
            text += " " + result["reason"]
        self.message.setText(text)

    def _failed(self, message: str) -> None:
        self.last_error = message
        self.message.setText(self.tr("Sending stopped: {}").format(message))

    def _ended(self) -> None:
        self.job = None
        self.progress.attach(None)
        self.progress.reset()  # the summary shows the figures from now on
        self.control = None
        self.ctx.events.campaigns_changed.emit()
        self.ctx.events.contacts_changed.emit()  # hard bounces and confirmation requests change contacts

    def sign_in_again(self) -> None:
        """The sign-in window for the account the paused campaign needs; signed in, it resumes."""
        from ..dialogs.oauth_sign_in import SignInDialog

        try:
            account = get_account(self.app, self.sign_in_account or "")
        except AccountError as exc:
            self.message.setText(str(exc))
            return
        cid = self.campaign_id
        self.sign_in_dialog = dialog = SignInDialog(self.ctx, account, self, open_url=self.open_url)
        dialog.signed_in.connect(lambda acc: self._resume_after_sign_in(cid, acc.name))
        dialog.open()
        dialog.start()

    def _resume_after_sign_in(self, campaign_id: int | None, account: str) -> None:
        line = self.history_model.line_at(self.history_model.row_of(campaign_id)) if campaign_id else None
        if self.job is not None or line is None or line.kind != "campaign":
            self.message.setText(self.tr("Signed in to {name}; send again to continue.").format(name=account))
            return
        self.message.setText(self.tr("Signed in to {name}; sending continues.").format(name=account))
        self._start_job(lambda app, control, progress:
                        send_campaign(app, campaign_id, account, control=control, progress=progress))

    def send_test(self) -> None:
        if self.campaign_id is None:
            return
        cid, acc, to = self.campaign_id, self.account.currentData(), self.test_address.text().strip()
        app = self.app
        self.test_button.setEnabled(False)
        self.message.setText(self.tr("Sending a test to {}…").format(to))

        def done(reply: str) -> None:
            self.message.setText(self.tr("Test sent to {to}. The server said: {reply}").format(to=to, reply=reply))

        def failed(message: str) -> None:
            self.message.setText(self.tr("The test was not sent: {}").format(message))

        self.ctx.jobs.run(lambda progress: send_test_message(app, cid, acc, to), name="send test",
                          on_result=done, on_error=failed, on_ended=lambda: self.test_button.setEnabled(True))

    def resend(self) -> None:
        if self.campaign_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Resend uncertain messages"),
            self.tr("These messages were cut off mid-send; some may have arrived. Put them back in the queue? "
                    "They go out with the next Send."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            n = resend_uncertain(self.app, self.campaign_id)
            self.message.setText(tr_n(self, "%n {message|messages} will be sent again with the next Send.", n))
            self.ctx.events.campaigns_changed.emit()
