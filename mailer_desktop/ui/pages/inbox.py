"""The Inbox page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class InboxPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('Nothing processed yet'),
            self.tr(
                'Bounces, spam complaints, unsubscribe requests and confirmation replies come back to your mailbox. Process them here with one click, so people who asked to leave are removed within two days, as Gmail and Yahoo require.'
            ),
        )
        layout.addWidget(self.empty)
