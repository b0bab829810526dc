"""The Sandbox page: the built-in test mailbox on this computer.

It lists the messages the sandbox captured (newest first) and shows the chosen one rendered
(as a mail program would) and raw (the exact bytes, headers included). The sandbox server can
be started here for other programs; sends through the sandbox account start it by themselves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
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

from ...services import sandbox as service
from ..context import UiContext
from ..widgets.empty_state import EmptyState

LIST_LIMIT = 2000  # the newest ones; the folder itself keeps every message


class SandboxPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.server: service.SandboxServer | None = None
        self.messages: list[service.CapturedMessage] = []
        layout = QVBoxLayout(self)
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
        self.viewer = QTabWidget()
        self.rendered = QTextBrowser()
        self.rendered.setAccessibleName(self.tr("Message as shown"))
        self.rendered.setOpenExternalLinks(False)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setAccessibleName(self.tr("Raw message"))
        self.viewer.addTab(self.rendered, self.tr("Rendered"))
        self.viewer.addTab(self.raw, self.tr("Raw"))
        splitter.addWidget(self.list)
        splitter.addWidget(self.viewer)
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
        text = self.tr("{n} captured messages in {folder}.").format(n=len(self.messages),
                                                                     folder=self.app.paths.sandbox)
        if running:
            text += " " + self.tr("Listening on 127.0.0.1:{port}.").format(port=port)
        self.status.setText(text)
        self.server_button.setText(self.tr("Stop sandbox server") if running else self.tr("Start sandbox server"))

    def show_message(self, row: int) -> None:
        if not 0 <= row < len(self.messages):
            self.rendered.clear()
            self.raw.clear()
            return
        path = self.messages[row].path
        try:
            data = service.read_raw(self.app, path)
            html, text = service.bodies(service.read_message(self.app, path))
        except (OSError, service.SandboxError) as exc:
            self.rendered.setPlainText(self.tr("This message cannot be read: {}").format(exc))
            self.raw.clear()
            return
        if html:
            self.rendered.setHtml(html)
        else:
            self.rendered.setPlainText(text)
        self.raw.setPlainText(data.decode("utf-8", "replace"))

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
                                      self.tr("Delete all {n} captured messages?").format(n=len(self.messages)),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            service.clear(self.app)
            self.refresh()
