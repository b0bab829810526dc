"""The Sandbox page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class SandboxPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('The sandbox is empty'),
            self.tr(
                'Until you set up your own mail account, everything you send goes to the built-in sandbox, a test mailbox on this computer. Nothing leaves your machine; you see here exactly what people would get.'
            ),
        )
        layout.addWidget(self.empty)
