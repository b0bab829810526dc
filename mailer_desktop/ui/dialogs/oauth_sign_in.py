"""The window that waits while the user signs in to an OAuth2 account in the system browser.

The sign-in (services/accounts/oauth_flow) runs as a background job: the window stays responsive, shows
the address to open should no browser appear, and offers Cancel; the flow gives up by itself
after its timeout. The browser is opened on the GUI thread (QDesktopServices) when the job asks
for it. Nothing is stored unless the sign-in finished.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.accounts import manage as service
from ...storage.accounts import AccountRow
from ..context import UiContext


class _Browser(QObject):
    """Opens URLs on the GUI thread for a job that runs elsewhere (a queued signal)."""

    open = Signal(str)


class SignInDialog(QDialog):
    signed_in = Signal(object)  # the account row

    def __init__(self, ctx: UiContext, account: AccountRow, parent: QWidget | None = None, *,
                 open_url=None, timeout: float | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.account = account
        self.timeout = timeout
        self.job = None
        self.error = ""
        self.setWindowTitle(self.tr("Sign in to {name}").format(name=account.name))
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Sign-in status"))
        layout.addWidget(self.status)
        self.link = QLabel()
        self.link.setWordWrap(True)
        self.link.setOpenExternalLinks(True)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.link)
        self.buttons = QDialogButtonBox()
        self.retry_button = QPushButton(self.tr("Try again"))
        self.retry_button.clicked.connect(self.start)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.buttons)
        self._browser = _Browser(self)
        self._browser.open.connect(open_url or self._open_url)

    def _open_url(self, url: str) -> None:
        self.link.setText(self.tr("If no browser window opened, open this address on this computer:") +
                          f'<br><a href="{url}">{url[:80]}…</a>')
        QDesktopServices.openUrl(QUrl(url))

    def start(self) -> None:
        self.error = ""
        self.retry_button.setVisible(False)
        self.cancel_button.setText(self.tr("Cancel"))
        self.status.setText(self.tr("Sign in to {name} in your browser; this window waits for it.")
                            .format(name=self.account.name))
        app, account, timeout, browser = self.ctx.app, self.account, self.timeout, self._browser

        def sign_in(progress):
            return service.sign_in(app, account, browser.open.emit, timeout=timeout, progress=progress)

        self.job = self.ctx.jobs.run(sign_in, name="sign in", on_result=self._done, on_error=self._failed,
                                     on_ended=self._ended)

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()  # the flow stops waiting within a moment and reports it
        else:
            self.reject()

    def _done(self, tokens) -> None:
        self.status.setText(self.tr("Signed in as {user}.").format(user=tokens.user or self.account.username))
        self.signed_in.emit(self.account)
        self.accept()

    def _failed(self, message: str) -> None:
        self.error = message
        self.status.setText(message)
        self.link.clear()
        self.retry_button.setVisible(True)
        self.cancel_button.setText(self.tr("Close"))

    def _ended(self) -> None:
        self.job = None

    def done(self, result: int) -> None:  # closing the window ends a sign-in still waiting
        if self.job is not None and self.job.running:
            self.job.cancel()
        super().done(result)
