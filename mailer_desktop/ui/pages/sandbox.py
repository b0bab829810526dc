"""The Sandbox page: the built-in test mailbox on this computer.

It lists the messages the sandbox captured (newest first) and shows the chosen one rendered
(as a mail program would, with its From, To, Subject and Date) and raw (the exact bytes, headers
included). *Reply as this person* (or a click on a mail link in the message) answers as its
recipient would — yes to a confirmation request, an unsubscribe, any reply — and *Process inbox*
on the Inbox page then handles the reply like real mail, so the whole loop can be tried without
a mailbox. The sandbox server can be started here for other programs; sends through the sandbox
account start it by themselves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.footer import without_preheader
from ...services.sandbox import replies as sandbox_replies
from ...services.sandbox import server as service
from ..context import UiContext
from ..plurals import tr_n
from ..prompts import Prompts
from ..theme import page_margins
from ..widgets.empty_state import EmptyState

LIST_LIMIT = 2000  # the newest ones; the folder itself keeps every message


class SandboxPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.server: service.SandboxServer | None = None
        self.messages: list[service.CapturedMessage] = []
        self.prompts = Prompts()
        layout = QVBoxLayout(self)
        page_margins(layout)
        bar = QHBoxLayout()
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Sandbox status"))
        self.server_button = QPushButton(self.tr("Start sandbox server"))
        self.server_button.setToolTip(self.tr("Listen on 127.0.0.1 for other programs. Sending with the sandbox "
                                              "account works without this: it starts the sandbox by itself."))
        self.server_button.clicked.connect(self.toggle_server)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.clear_button = QPushButton(self.tr("Delete all"))
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.status, 1)
        for b in (self.server_button, self.refresh_button, self.clear_button):
            b.setAccessibleName(b.text())
            bar.addWidget(b)
        layout.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty = EmptyState(
            self.tr("The sandbox is empty"),
            self.tr("Until you set up your own mail account, everything you send goes to the built-in sandbox, a "
                    "test mailbox on this computer. Nothing leaves your machine; you see here exactly what "
                    "people would get."))
        self.stack.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Captured messages"))
        self.list.setAlternatingRowColors(True)  # two lines per message: recipient, subject
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self.show_message)
        message_box = QWidget()
        message_layout = QVBoxLayout(message_box)
        message_layout.setContentsMargins(0, 0, 0, 0)
        head_row = QHBoxLayout()
        self.headers = QLabel()
        self.headers.setAccessibleName(self.tr("Message headers"))
        self.headers.setTextFormat(Qt.TextFormat.RichText)
        self.headers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headers.setWordWrap(True)
        self.reply_button = QPushButton(self.tr("Reply as this person"))
        self.reply_button.setToolTip(self.tr(
            "Answer as the recipient would: the reply waits in the sandbox until you process the inbox, "
            "which handles it like real mail."))
        self.reply_menu = QMenu(self.reply_button)
        self.reply_menu.addAction(self.tr("Yes, subscribe me"), lambda: self.reply_as("confirm"))
        self.reply_menu.addAction(self.tr("Unsubscribe me"), lambda: self.reply_as("unsubscribe"))
        self.reply_menu.addAction(self.tr("Write a reply…"), lambda: self.reply_as("text"))
        self.reply_button.setMenu(self.reply_menu)
        head_row.addWidget(self.headers, 1)
        head_row.addWidget(self.reply_button, 0, Qt.AlignmentFlag.AlignTop)
        self.viewer = QTabWidget()
        self.rendered = QTextBrowser()
        self.rendered.setAccessibleName(self.tr("Message as shown"))
        self.rendered.setOpenLinks(False)  # links are handled by link_clicked, never by the viewer itself
        self.rendered.anchorClicked.connect(self.link_clicked)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName(self.tr("Raw message"))
        self.viewer.addTab(self.rendered, self.tr("Rendered"))
        self.viewer.addTab(self.raw, self.tr("Raw"))
        message_layout.addLayout(head_row)
        message_layout.addWidget(self.viewer, 1)
        splitter.addWidget(self.list)
        splitter.addWidget(message_box)
        splitter.setStretchFactor(1, 2)
        self.stack.addWidget(splitter)
        layout.addWidget(self.stack, 1)
        ctx.events.campaigns_changed.connect(self.refresh)
        self.refresh()

    # -- listing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.ctx.jobs.run(lambda progress: service.list_messages(app, limit=LIST_LIMIT), name="sandbox list",
                          on_result=self._listed)

    def _listed(self, messages: list) -> None:
        chosen = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.messages = messages
        self.list.blockSignals(True)
        self.list.clear()
        for m in messages:
            item = QListWidgetItem(f"{', '.join(m.recipients)}\n{m.subject or self.tr('(no subject)')}")
            item.setData(Qt.ItemDataRole.UserRole, str(m.path))
            item.setToolTip(f"{m.sender} → {', '.join(m.recipients)}\n{m.date}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.stack.setCurrentIndex(1 if messages else 0)
        self._show_status()
        paths = [str(m.path) for m in messages]
        row = paths.index(chosen) if chosen in paths else (0 if messages else -1)
        self.list.setCurrentRow(row)
        self.show_message(row)

    def _show_status(self) -> None:
        port = service.sandbox_port(self.app)
        running = self.server is not None and self.server.running
        text = tr_n(self, "%n captured {message|messages} in {folder}.", len(self.messages)).format(
            folder=self.app.paths.sandbox)
        if running:
            text += " " + self.tr("Listening on 127.0.0.1:{port}.").format(port=port)
        self.status.setText(text)
        self.server_button.setText(self.tr("Stop sandbox server") if running else self.tr("Start sandbox server"))

    def show_message(self, row: int) -> None:
        self.reply_button.setEnabled(0 <= row < len(self.messages))
        if not 0 <= row < len(self.messages):
            self.rendered.clear()
            self.raw.clear()
            self.headers.clear()
            return
        m = self.messages[row]
        rows = [(self.tr("From"), m.sender), (self.tr("To"), ", ".join(m.recipients)),
                (self.tr("Subject"), m.subject or self.tr("(no subject)")), (self.tr("Date"), m.date)]
        self.headers.setText("<table>" + "".join(
            f"<tr><td style='color:palette(placeholder-text);padding-right:8px'>{_esc(k)}</td>"
            f"<td>{'<b>' + _esc(v) + '</b>' if k == self.tr('Subject') else _esc(v)}</td></tr>" for k, v in rows)
            + "</table>")
        path = self.messages[row].path
        try:
            data = service.read_raw(self.app, path)
            html, text = service.bodies(service.read_message(self.app, path))
        except (OSError, service.SandboxError) as exc:
            self.rendered.setPlainText(self.tr("This message cannot be read: {}").format(exc))
            self.raw.clear()
            return
        if html:
            self.rendered.setHtml(without_preheader(html))  # hidden in mail programs' message view too
        else:
            self.rendered.setPlainText(text)
        self.raw.setPlainText(data.decode("utf-8", "replace"))

    # -- answering as the recipient -----------------------------------------------------------
    def current_message(self) -> service.CapturedMessage | None:
        row = self.list.currentRow()
        return self.messages[row] if 0 <= row < len(self.messages) else None

    def reply_as(self, kind: str) -> None:
        """Answer the message shown as its recipient (see services/sandbox/replies)."""
        m = self.current_message()
        if m is None:
            return
        text = ""
        if kind == "text":
            answer = self.prompts.text(self, self.tr("Reply as {}").format(", ".join(m.recipients)),
                                       self.tr("What does the person answer?"))
            if answer is None or not answer.strip():
                return
            text = answer
        try:
            sandbox_replies.reply_to_captured(self.app, m.path, kind, text)
        except (OSError, service.SandboxError, sandbox_replies.ReplyError) as exc:
            self.prompts.error(self, self.tr("Reply as this person"), str(exc))
            return
        self._reply_saved(", ".join(m.recipients))

    def link_clicked(self, url: QUrl) -> None:
        """A mail link in the message answers as its recipient (as their mail program would);
        web links open in the browser."""
        m = self.current_message()
        if url.scheme().lower() == "mailto" and m is not None:
            person = ", ".join(m.recipients)
            if not self.prompts.confirm(self, self.tr("Mail link"), self.tr(
                    "Send this as {person}, to {to}? The reply waits in the sandbox until you process the "
                    "inbox.").format(person=person, to=url.path())):
                return
            try:
                sandbox_replies.reply_by_link(self.app, m.path, url.toString())
            except (OSError, service.SandboxError, sandbox_replies.ReplyError) as exc:
                self.prompts.error(self, self.tr("Mail link"), str(exc))
                return
            self._reply_saved(person)
        elif url.scheme().lower() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def _reply_saved(self, person: str) -> None:
        n = sandbox_replies.waiting(self.app)
        self.ctx.events.status_message.emit(tr_n(
            self, "Reply from {person} saved. Process inbox on the Inbox page handles it (%n waiting).", n)
            .format(person=person))
        self.ctx.events.inbox_changed.emit()

    # -- actions -------------------------------------------------------------------------------
    def toggle_server(self) -> None:
        if self.server is not None and self.server.running:
            self.stop_server()
        else:
            try:
                self.server = service.SandboxServer.for_app(self.app).start()
            except service.SandboxError as exc:
                QMessageBox.warning(self, self.tr("Sandbox"), str(exc))
        self._show_status()

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def clear(self) -> None:
        answer = QMessageBox.question(self, self.tr("Delete captured messages"),
                                      tr_n(self, "Delete all %n captured {message|messages}?", len(self.messages)),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            service.clear(self.app)
            self.refresh()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
